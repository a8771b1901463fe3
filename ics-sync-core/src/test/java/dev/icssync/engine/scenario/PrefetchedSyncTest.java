package dev.icssync.engine.scenario;

import static dev.icssync.engine.scenario.Kit.T;
import static dev.icssync.engine.scenario.SyncScenarioTest.D;
import static dev.icssync.engine.scenario.SyncScenarioTest.twoStays;
import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.CalendarEvent;
import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.NextDue;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.spi.FetchResult;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Syncs of many feeds ({@code syncAll}, {@code syncTenant}, {@code syncFeeds}) read the feeds with
 * their states a chunk at a time before they run: a 304 then reads nothing of its own, and a state
 * read early can never overwrite a newer one written in between (another sync of the feed began,
 * applied or quarantined it): the batched state write and the generation fence reject it.
 */
class PrefetchedSyncTest {

  private static String oneStay() {
    return Ics.airbnb().reserved("aaa", D.plusDays(3), D.plusDays(7)).build();
  }

  @Test
  void aNotModifiedSyncOfManyFeedsReadsNothingOfItsOwn() {
    try (Kit k = new Kit()) {
      for (String id : List.of("a", "b", "c")) {
        k.feed(id, "villa-" + id, "airbnb");
        k.fetcher.body(id, twoStays(), "\"v1\"").then(id, r -> new FetchResult.NotModified(null, null, null));
        assertThat(k.sync(id).outcome()).isEqualTo(SyncOutcome.APPLIED);
      }
      int feeds = k.store.feedReads.get();
      int states = k.store.stateReads.get();

      List<SyncReport> reports = k.sync.syncAll(NextDue.IGNORE);

      assertThat(reports).extracting(SyncReport::outcome).containsOnly(SyncOutcome.NOT_MODIFIED).hasSize(3);
      assertThat(k.store.batchReads.get()).isEqualTo(1);
      assertThat(k.store.feedReads.get()).isEqualTo(feeds);
      assertThat(k.store.stateReads.get()).isEqualTo(states);
      assertThat(k.fetcher.requests.subList(3, 6)).allSatisfy(r -> assertThat(r.etag()).isEqualTo("\"v1\""));
      assertThat(k.state("b").lastSuccess()).isEqualTo(k.clock.instant());
    }
  }

  @Test
  void aLargeRoundReadsItsFeedsAFewHundredAtATime() {
    try (Kit k = new Kit()) {
      for (int i = 0; i < 600; i++) {
        k.feed("f" + i, "villa-" + i, "airbnb");
        k.fetcher.then("f" + i, r -> new FetchResult.NotModified(null, null, null));
      }

      List<SyncReport> reports = k.sync.syncAll(NextDue.IGNORE);

      assertThat(reports).hasSize(600).extracting(SyncReport::outcome).containsOnly(SyncOutcome.NOT_MODIFIED);
      assertThat(reports.get(599).feedId()).isEqualTo("f99"); // feed-id order
      assertThat(k.store.batchReads.get()).as("600 feeds in chunks of 256").isEqualTo(3);
      assertThat(k.store.stateReads.get()).isZero();
      assertThat(k.store.feedReads.get()).isZero();
    }
  }

  @Test
  void aSyncThatBeginsBetweenTheBatchReadAndThisFeedsSyncKeepsItsNewerState() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.fetcher.body("air", twoStays(), "\"v1\"").body("air", oneStay(), "\"v2\"")
          .then("air", r -> new FetchResult.NotModified(null, null, null));
      k.sync("air");
      AtomicReference<FeedState> newer = new AtomicReference<>();
      k.store.afterBatchRead = () -> {
        // another worker syncs the feed after its state was read for this round: a changed body
        assertThat(k.sync("air").outcome()).isEqualTo(SyncOutcome.APPLIED);
        newer.set(k.state("air"));
      };

      SyncReport r = k.sync.syncTenant(T, NextDue.IGNORE).get(0);

      // this round's 304 answered the validators it read (v1): its state must not replace v2's
      assertThat(r.outcome()).isEqualTo(SyncOutcome.NOT_MODIFIED);
      assertThat(newer.get().generation()).isEqualTo(2);
      assertThat(k.state("air")).isEqualTo(newer.get());
      assertThat(k.state("air").etag()).isEqualTo("\"v2\"");
      assertThat(k.events("air")).filteredOn(CalendarEvent::isActive).hasSize(1);
    }
  }

  @Test
  void aFeedQuarantinedBetweenTheBatchReadAndItsSyncStaysHeldBack() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      // the round's own fetch: the body it read the state for, unchanged (its digest matches)
      k.fetcher.body("air", twoStays(), "\"v1\"").body("air", Ics.airbnb().build())
          .body("air", twoStays(), "\"v1\"");
      k.sync("air");
      k.store.afterBatchRead = () -> assertThat(k.sync("air").outcome()).isEqualTo(SyncOutcome.QUARANTINED);

      SyncReport r = k.sync.syncTenant(T, NextDue.IGNORE).get(0);

      assertThat(r.outcome()).isEqualTo(SyncOutcome.UNCHANGED);
      assertThat(k.state("air").quarantine()).as("still held back").isNotNull();
      assertThat(k.state("air").generation()).isEqualTo(2);
      assertThat(k.events("air")).allMatch(CalendarEvent::isActive).hasSize(2);
    }
  }

  @Test
  void aChangedBodyAfterAnotherSyncBeganIsStaleAndWritesNothing() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.fetcher.body("air", twoStays(), "\"v1\"").body("air", oneStay(), "\"v2\"")
          .body("air", Ics.airbnb().reserved("ccc", D.plusDays(20), D.plusDays(22)).build(), "\"v3\"");
      k.sync("air");
      AtomicReference<FeedState> newer = new AtomicReference<>();
      k.store.afterBatchRead = () -> {
        k.sync("air");
        newer.set(k.state("air"));
      };

      SyncReport r = k.sync.syncTenant(T, NextDue.IGNORE).get(0);

      assertThat(r.outcome()).isEqualTo(SyncOutcome.STALE);
      assertThat(k.state("air")).isEqualTo(newer.get());
      assertThat(k.events("air")).filteredOn(CalendarEvent::isActive).singleElement()
          .satisfies(e -> assertThat(e.key().uid()).contains("-aaa@"));
    }
  }

  @Test
  void aFeedRemovedAfterTheListWasReadIsSkippedAndItsEventsStayCancelled() {
    try (Kit k = new Kit()) {
      Feed feed = k.feed("air", "villa", "airbnb");
      k.fetcher.body("air", twoStays(), "\"v1\"").body("air", oneStay(), "\"v2\"");
      k.sync("air");
      List<Feed> list = List.of(feed);
      k.sync.removeFeed(T, "air");

      List<SyncReport> reports = k.sync.syncFeeds(list, NextDue.IGNORE);

      assertThat(reports).singleElement().satisfies(r -> {
        assertThat(r.outcome()).isEqualTo(SyncOutcome.SKIPPED);
        assertThat(r.message()).isEqualTo("feed is inactive");
      });
      assertThat(k.events("air")).noneMatch(CalendarEvent::isActive);
    }
  }
}

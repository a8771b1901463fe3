package dev.icssync.engine.scenario;

import static dev.icssync.engine.scenario.Kit.T;
import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.FailureReason;
import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.NextDue;
import dev.icssync.SyncMode;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.spi.FetchResult;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code syncTenant}/{@code syncAll} honour each feed's next due time (poll interval, failure
 * backoff, Retry-After) unless the caller asks to ignore it: hosts without the scheduler module
 * poll these in a loop, and a channel that answered 429 must not be asked again before it said.
 */
class NextDueScenarioTest {
  static final LocalDate D = LocalDate.of(2026, 6, 10);

  static String oneStay() {
    return Ics.airbnb().reserved("aaa", D.plusDays(3), D.plusDays(7)).build();
  }

  static Map<String, SyncReport> byFeed(List<SyncReport> reports) {
    return reports.stream().collect(Collectors.toMap(SyncReport::feedId, Function.identity()));
  }

  /** Three feeds: ok (15 min interval), limited (429, Retry-After 2 h), failing (backoff doubles). */
  static Kit threeFeeds() {
    Kit k = new Kit();
    k.feed("ok", "villa", "airbnb");
    k.feed("limited", "villa", "airbnb");
    k.feed("failing", "villa", "airbnb");
    k.fetcher.body("ok", oneStay());
    k.fetcher.then("limited", r -> new FetchResult.Failed(FailureReason.RATE_LIMITED, "429", 429,
        Duration.ofHours(2), null));
    k.fetcher.then("failing", r -> FetchResult.Failed.of(FailureReason.NETWORK, "connection refused"));
    return k;
  }

  @Test
  void syncTenantSkipsFeedsThatAreNotDueAndSaysUntilWhen() {
    try (Kit k = threeFeeds()) {
      List<SyncReport> first = k.sync.syncTenant(T);
      assertThat(first).extracting(SyncReport::outcome)
          .containsExactly(SyncOutcome.FAILED, SyncOutcome.FAILED, SyncOutcome.APPLIED);
      int fetches = k.fetcher.requests.size();
      int finished = k.finished.size();

      // a minute later nothing is due: nothing is fetched, every feed is reported as not due
      k.clock.instant = Kit.START.plus(Duration.ofMinutes(1));
      Map<String, SyncReport> early = byFeed(k.sync.syncTenant(T));
      assertThat(early.values()).allSatisfy(r -> {
        assertThat(r.outcome()).isEqualTo(SyncOutcome.SKIPPED);
        assertThat(r.message()).startsWith("not due until ");
      });
      assertThat(early.get("ok").message()).contains(Kit.START.plus(Feed.DEFAULT_POLL_INTERVAL).toString());
      assertThat(early.get("limited").message()).contains(Kit.START.plus(Duration.ofHours(2)).toString());
      assertThat(k.fetcher.requests).hasSize(fetches);
      assertThat(k.finished).as("a feed not due is not a sync attempt: listeners hear nothing").hasSize(finished);
      assertThat(k.state("ok").lastAttempt()).isEqualTo(Kit.START);

      // after the interval the healthy and the failing feed run again; the 429 feed waits its 2 h
      k.clock.instant = Kit.START.plus(Duration.ofMinutes(16));
      Map<String, SyncReport> later = byFeed(k.sync.syncAll());
      assertThat(later.get("ok").outcome()).isEqualTo(SyncOutcome.UNCHANGED);
      assertThat(later.get("failing").outcome()).isEqualTo(SyncOutcome.FAILED);
      assertThat(later.get("limited").outcome()).isEqualTo(SyncOutcome.SKIPPED);

      // the failing feed's second failure doubled its wait: due 30 min after that failure
      FeedState failing = k.state("failing");
      assertThat(failing.consecutiveFailures()).isEqualTo(2);
      k.clock.instant = Kit.START.plus(Duration.ofMinutes(32));
      assertThat(byFeed(k.sync.syncTenant(T)).get("failing").outcome()).isEqualTo(SyncOutcome.SKIPPED);
      k.clock.instant = Kit.START.plus(Duration.ofMinutes(46));
      assertThat(byFeed(k.sync.syncTenant(T)).get("failing").outcome()).isEqualTo(SyncOutcome.FAILED);

      k.clock.instant = Kit.START.plus(Duration.ofHours(2));
      assertThat(byFeed(k.sync.syncTenant(T)).get("limited").outcome()).isEqualTo(SyncOutcome.FAILED);
    }
  }

  @Test
  void ignoringNextDueSyncsEveryActiveFeed() {
    try (Kit k = threeFeeds()) {
      k.sync.syncTenant(T);
      int fetches = k.fetcher.requests.size();

      List<SyncReport> again = k.sync.syncTenant(T, NextDue.IGNORE);
      assertThat(again).extracting(SyncReport::outcome)
          .containsExactly(SyncOutcome.FAILED, SyncOutcome.FAILED, SyncOutcome.UNCHANGED);
      assertThat(k.sync.syncAll(NextDue.IGNORE)).hasSize(3);
      assertThat(k.fetcher.requests).hasSize(fetches + 6);
    }
  }

  @Test
  void aNewFeedIsDueAndOneFeedCanBeSyncedOnlyWhenDue() {
    try (Kit k = threeFeeds()) {
      k.sync.syncTenant(T);
      k.feed("new", "villa", "airbnb");
      k.fetcher.body("new", oneStay());
      k.clock.instant = Kit.START.plus(Duration.ofMinutes(1));

      Map<String, SyncReport> reports = byFeed(k.sync.syncTenant(T, NextDue.HONOUR));
      assertThat(reports.get("new").outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(reports.get("ok").outcome()).isEqualTo(SyncOutcome.SKIPPED);

      assertThat(k.sync.syncFeed(T, "ok", SyncMode.NORMAL, NextDue.HONOUR).outcome()).isEqualTo(SyncOutcome.SKIPPED);
      assertThat(k.sync.syncFeed(T, "ok").outcome()).as("one feed asked for by id is synced")
          .isEqualTo(SyncOutcome.UNCHANGED);
    }
  }
}

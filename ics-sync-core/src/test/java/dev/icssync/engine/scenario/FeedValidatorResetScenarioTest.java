package dev.icssync.engine.scenario;

import static dev.icssync.engine.scenario.Kit.T;
import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.CalendarEvent;
import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.SyncMode;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.spi.FeedApply;
import dev.icssync.spi.FetchRequest;
import dev.icssync.spi.FetchResult;
import dev.icssync.spi.Store;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** A store wiped of its events but not of its feed state recovers through resetFeedValidators. */
class FeedValidatorResetScenarioTest {

  private static final String ETAG = "\"v1\"";
  private static final String LAST_MODIFIED = "Tue, 09 Jun 2026 08:00:00 GMT";

  /** A server honouring conditional requests: 304 when a validator matches, else the full body. */
  private static Function<FetchRequest, FetchResult> conditionalServer(String ics) {
    return req -> ETAG.equals(req.etag()) || LAST_MODIFIED.equals(req.lastModified())
        ? new FetchResult.NotModified(null, null, null)
        : new FetchResult.Fetched(ics.getBytes(StandardCharsets.UTF_8), null, "text/calendar", ETAG,
            LAST_MODIFIED, null);
  }

  /** A store whose delegate can be swapped, as when a database is restored behind the library. */
  private static Store swappable(AtomicReference<Store> target) {
    return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class},
        (proxy, method, args) -> {
          try {
            return method.invoke(target.get(), args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @Test
  void wipedEventsAreRestoredByTheSyncAfterAReset() {
    AtomicReference<Store> target = new AtomicReference<>(Store.inMemory());
    Store store = swappable(target);
    try (Kit k = new Kit(b -> b.store(store))) {
      Feed feed = Feed.builder(T, "air").property("villa").source("airbnb").url("https://cal.example.com/air.ics?token=s3cret").build();
      store.saveFeed(feed);
      k.fetcher.then("air", conditionalServer(SyncScenarioTest.twoStays()));
      assertThat(k.sync.syncFeed(T, "air").outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(k.sync.syncFeed(T, "air").outcome()).isEqualTo(SyncOutcome.NOT_MODIFIED);
      assertThat(k.fetcher.requests.get(1).etag()).isEqualTo(ETAG);
      assertThat(k.fetcher.requests.get(1).lastModified()).isEqualTo(LAST_MODIFIED);

      // Events wiped, feed state kept: the conditional fetch keeps answering 304 and nothing comes back.
      FeedState kept = store.state(T, "air");
      Store wiped = Store.inMemory();
      wiped.saveFeed(feed);
      wiped.apply(FeedApply.stateOnly(kept.withGeneration(0), null));
      target.set(wiped);
      assertThat(k.sync.syncFeed(T, "air").outcome()).isEqualTo(SyncOutcome.NOT_MODIFIED);
      assertThat(store.eventsOfFeed(T, "air")).isEmpty();

      FeedState reset = k.sync.resetFeedValidators(T, "air").orElseThrow();
      assertThat(reset.etag()).isNull();
      assertThat(reset.lastModified()).isNull();
      assertThat(reset.contentDigest()).isNull();
      assertThat(store.state(T, "air")).isEqualTo(reset);

      SyncReport after = k.sync.syncFeed(T, "air");
      FetchRequest last = k.fetcher.requests.get(k.fetcher.requests.size() - 1);
      assertThat(last.etag()).isNull();
      assertThat(last.lastModified()).isNull();
      assertThat(after.outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(after.counts().created()).isEqualTo(2);
      assertThat(store.eventsOfFeed(T, "air")).hasSize(2).allMatch(CalendarEvent::isActive);
      assertThat(store.state(T, "air").etag()).as("validators are stored again").isEqualTo(ETAG);
      assertThat(k.sync.syncFeed(T, "air").outcome()).isEqualTo(SyncOutcome.NOT_MODIFIED);
    }
  }

  @Test
  void anUnchangedDigestNoLongerSkipsTheBodyAfterAReset() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.fetcher.body("air", SyncScenarioTest.twoStays()); // no validators: the digest decides
      k.sync("air");
      assertThat(k.sync("air").outcome()).isEqualTo(SyncOutcome.UNCHANGED);
      int reads = k.store.eventsOfFeedReads.get();

      k.sync.resetFeedValidators(T, "air");
      SyncReport after = k.sync("air");
      assertThat(after.outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(k.store.eventsOfFeedReads.get()).as("the body is diffed against the store").isGreaterThan(reads);
      assertThat(after.counts().writes()).isZero();
      assertThat(k.state("air").contentDigest()).isNotNull();
    }
  }

  @Test
  void resetKeepsTheQuarantineAndTheGeneration() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.fetcher.body("air", SyncScenarioTest.twoStays(), ETAG).body("air", Ics.airbnb().build(), ETAG);
      k.sync("air");
      assertThat(k.sync("air").outcome()).isEqualTo(SyncOutcome.QUARANTINED);
      FeedState before = k.state("air");
      assertThat(before.etag()).isEqualTo(ETAG);

      FeedState reset = k.sync.resetFeedValidators(T, "air").orElseThrow();
      assertThat(reset).isEqualTo(before.withoutValidators());
      assertThat(reset.quarantine()).isEqualTo(before.quarantine());
      assertThat(reset.generation()).isEqualTo(before.generation());
      assertThat(reset.consecutiveFailures()).isEqualTo(before.consecutiveFailures());

      // Still held back after the reset: only confirmations or the operator's cancel the stays.
      assertThat(k.sync("air").outcome()).isEqualTo(SyncOutcome.QUARANTINED);
      assertThat(k.events("air")).allMatch(CalendarEvent::isActive);
      assertThat(k.sync.confirmQuarantine(T, "air").counts().cancelled()).isEqualTo(2);
    }
  }

  @Test
  void unknownFeedIsEmptyAndWritesNothing() {
    try (Kit k = new Kit()) {
      assertThat(k.sync.resetFeedValidators(T, "nope")).isEmpty();
      assertThat(k.store.applies.get()).isZero();
    }
  }
}

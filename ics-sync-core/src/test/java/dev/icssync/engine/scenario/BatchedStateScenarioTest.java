package dev.icssync.engine.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.IcsSync;
import dev.icssync.NextDue;
import dev.icssync.SyncMode;
import dev.icssync.SyncOutcome;
import dev.icssync.spi.FeedFetcher;
import dev.icssync.spi.FetchResult;
import dev.icssync.spi.Store;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A 304 held for a batched write ({@link IcsSync#syncFeedBatched}) against other workers on the same
 * store: the held state is fenced by the state its sync read, so a sync that began, applied or
 * quarantined the feed meanwhile always wins, and losing it costs only a last-checked time.
 */
class BatchedStateScenarioTest {
  static final String T = Kit.T;

  private final Kit.MutableClock clock = new Kit.MutableClock(Kit.START);
  private final Store store = Store.inMemory();
  /** What the channel answers worker B; worker A always gets a 304. */
  private final AtomicReference<FetchResult> channel = new AtomicReference<>();

  private IcsSync workerA() {
    return IcsSync.builder().store(store).clock(clock)
        .fetcher(request -> new FetchResult.NotModified("\"v1\"", null, null)).build();
  }

  private IcsSync workerB() {
    FeedFetcher f = request -> channel.get();
    return IcsSync.builder().store(store).clock(clock).fetcher(f).build();
  }

  private static FetchResult body(String ics, String etag) {
    return new FetchResult.Fetched(ics.getBytes(StandardCharsets.UTF_8), null, "text/calendar", etag, null, null);
  }

  private void firstSync(IcsSync b) {
    store.saveFeed(Feed.of("air", T, "villa", "airbnb", "https://cal.example.com/air.ics?token=s3cret"));
    channel.set(body(GlitchScenarioTest.forty(), "\"v1\""));
    assertThat(b.syncFeed(T, "air").outcome()).isEqualTo(SyncOutcome.APPLIED);
  }

  @Test
  void aStaleWorkersHeldStateCannotUnholdAFeedAnotherWorkerQuarantined() {
    try (IcsSync a = workerA(); IcsSync b = workerB()) {
      firstSync(b);
      clock.instant = clock.instant.plus(Duration.ofHours(1));
      assertThat(a.syncFeedBatched(T, "air").outcome()).isEqualTo(SyncOutcome.NOT_MODIFIED);

      channel.set(body(Ics.airbnb().build(), "\"v2\""));
      assertThat(b.syncFeed(T, "air").outcome()).isEqualTo(SyncOutcome.QUARANTINED);
      FeedState held = store.state(T, "air");

      assertThat(a.flushStates()).isZero();

      assertThat(store.state(T, "air")).isEqualTo(held);
      assertThat(store.state(T, "air").isQuarantined()).isTrue();
    }
  }

  @Test
  void aStaleWorkersHeldStateCannotOverwriteANewerGenerationsState() {
    try (IcsSync a = workerA(); IcsSync b = workerB()) {
      firstSync(b);
      clock.instant = clock.instant.plus(Duration.ofHours(1));
      assertThat(a.syncFeedBatched(T, "air").outcome()).isEqualTo(SyncOutcome.NOT_MODIFIED);

      channel.set(body(GlitchScenarioTest.stays(i -> i != 7).build(), "\"v3\""));
      assertThat(b.syncFeed(T, "air").outcome()).isEqualTo(SyncOutcome.APPLIED);
      FeedState newer = store.state(T, "air");

      a.close(); // close flushes

      assertThat(store.state(T, "air")).isEqualTo(newer);
      assertThat(newer.etag()).isEqualTo("\"v3\"");
    }
  }

  @Test
  void aHeldStateIsSeenByItsOwnWorkerAndWrittenOnceInTheNextFlush() {
    try (IcsSync a = workerA(); IcsSync b = workerB()) {
      firstSync(b);
      FeedState before = store.state(T, "air");
      clock.instant = clock.instant.plus(Duration.ofHours(1));
      assertThat(a.syncFeedBatched(T, "air").outcome()).isEqualTo(SyncOutcome.NOT_MODIFIED);
      assertThat(store.state(T, "air")).as("held, not written yet").isEqualTo(before);

      // the held next due time is honoured by this worker before the flush
      assertThat(a.syncFeed(T, "air", SyncMode.NORMAL, NextDue.HONOUR).outcome()).isEqualTo(SyncOutcome.SKIPPED);

      assertThat(a.flushStates()).isEqualTo(1);
      FeedState after = store.state(T, "air");
      assertThat(after.lastSuccess()).isEqualTo(clock.instant);
      assertThat(after.generation()).as("a 304 begins nothing").isEqualTo(before.generation());
      assertThat(a.flushStates()).isZero();
    }
  }

  @Test
  void aCrashBeforeTheFlushLosesOnlyTheLastCheckedTime() {
    try (IcsSync b = workerB()) {
      firstSync(b);
    }
    FeedState before = store.state(T, "air");
    clock.instant = clock.instant.plus(Duration.ofHours(1));
    IcsSync crashed = workerA();
    assertThat(crashed.syncFeedBatched(T, "air").outcome()).isEqualTo(SyncOutcome.NOT_MODIFIED);
    // the process dies here: never flushed, never closed

    assertThat(store.state(T, "air")).isEqualTo(before);
    try (IcsSync next = workerA()) {
      assertThat(next.syncFeed(T, "air", SyncMode.NORMAL, NextDue.HONOUR).outcome())
          .as("still due: polled again").isEqualTo(SyncOutcome.NOT_MODIFIED);
    }
    assertThat(store.state(T, "air").lastSuccess()).isEqualTo(clock.instant);
  }
}

package dev.icssync.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.icssync.Feed;
import dev.icssync.HistoryRetention;
import dev.icssync.IcsSync;
import dev.icssync.IcsSyncException.ConfigurationException;
import dev.icssync.IcsSyncException.StorageException;
import dev.icssync.SyncConfig;
import dev.icssync.SyncOutcome;
import dev.icssync.spi.FetchResult;
import dev.icssync.spi.Store;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Who prunes the run history, and when: the engine every {@code pruneEverySyncs} syncs, or the host. */
class HistoryPruningTest {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  final AtomicReference<Instant> now = new AtomicReference<>(T0);
  final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  };

  private IcsSync engine(Store store, int pruneEverySyncs) {
    store.saveFeed(Feed.builder("t1", "f1").property("villa").source("airbnb").url("https://example.test/f1.ics").build());
    return IcsSync.builder()
        .store(store)
        .fetcher(request -> new FetchResult.NotModified("\"v1\"", null, null))
        .clock(clock)
        .config(SyncConfig.builder()
            .historyRetention(HistoryRetention.builder().keepFor(Duration.ofHours(3)).keepRuns(2).build())
            .pruneEverySyncs(pruneEverySyncs)
            .build())
        .build();
  }

  private void syncHourly(IcsSync sync, int times) {
    for (int i = 0; i < times; i++) {
      assertThat(sync.syncFeed("t1", "f1").outcome()).isEqualTo(SyncOutcome.NOT_MODIFIED);
      now.set(now.get().plus(Duration.ofHours(1)));
    }
  }

  @Test
  void theEnginePrunesTheInMemoryStoreEveryPruneEverySyncs() {
    Store store = Store.inMemory();
    try (IcsSync sync = engine(store, 5)) {
      syncHourly(sync, 50);
      // 50 hourly runs; the last prune was asked for at the 50th sync (clock 49 h) and runs on its own
      // thread, reading the clock at 49 h or 50 h: runs of 46 h (or 47 h) to 49 h stay
      await().untilAsserted(() -> assertThat(store.runs("t1", "f1", 100)).hasSizeBetween(3, 4)
          .allSatisfy(r -> assertThat(r.finishedAt()).isAfterOrEqualTo(T0.plus(Duration.ofHours(46)))));
    }
  }

  @Test
  void aSyncNeverWaitsForAPruneWhichRunsOnItsOwnThreadOneAtATime() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    AtomicInteger calls = new AtomicInteger();
    AtomicReference<Thread> pruneThread = new AtomicReference<>();
    Store inner = Store.inMemory();
    Store blocking = (Store) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Store.class},
        (proxy, method, args) -> {
          if (method.getName().equals("pruneRuns")) {
            calls.incrementAndGet();
            pruneThread.set(Thread.currentThread());
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
              release.await();
            } finally {
              running.decrementAndGet();
            }
          }
          try {
            return method.invoke(inner, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    IcsSync sync = engine(blocking, 2);
    try {
      // the first prune (asked for by the 2nd sync) blocks until released; the 20 syncs finish all the same
      Thread syncing = new Thread(() -> {
        syncHourly(sync, 2);
        await().until(() -> calls.get() == 1);
        syncHourly(sync, 18);
      }, "syncing");
      syncing.start();
      await().atMost(Duration.ofMinutes(1)).until(() -> !syncing.isAlive());
      assertThat(calls).hasValue(1);
      assertThat(pruneThread.get()).isNotSameAs(syncing);
      assertThat(pruneThread.get().getName()).isEqualTo("ics-sync-prune");
      assertThat(inner.runs("t1", "f1", 100)).hasSize(20);

      // released: the requests made meanwhile are served by one more prune, never two at once
      release.countDown();
      await().untilAsserted(() -> assertThat(inner.runs("t1", "f1", 100)).hasSizeLessThanOrEqualTo(4));
      assertThat(calls.get()).isEqualTo(2);
      assertThat(maxRunning).hasValue(1);
    } finally {
      release.countDown();
      sync.close();
    }
    // closed with the instance
    await().until(() -> !pruneThread.get().isAlive());
  }

  @Test
  void heldStatesOfAFleetCountTowardThePruneByTheirBatchNotOneBySync() {
    AtomicInteger calls = new AtomicInteger();
    Store inner = Store.inMemory();
    Store counting = (Store) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Store.class},
        (proxy, method, args) -> {
          if (method.getName().equals("pruneRuns")) {
            calls.incrementAndGet();
          }
          try {
            return method.invoke(inner, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    java.util.List<Feed> fleet = new java.util.ArrayList<>();
    for (int i = 0; i < 250; i++) {
      Feed f = Feed.builder("t1", "g" + i).property("p" + i).source("airbnb").url("https://example.test/g" + i + ".ics")
          .build();
      counting.saveFeed(f);
      dev.icssync.FeedState begun = counting.beginSync("t1", f.id(), T0);
      counting.apply(dev.icssync.spi.FeedApply.stateOnly(
          begun.toBuilder().etag("\"v1\"").contentDigest("d").build(), null));
      fleet.add(f);
    }
    try (IcsSync sync = engine(counting, 100)) {
      // 250 syncs, every one a 304: their states go in one batch, one tally row; no prune is due
      assertThat(sync.syncFeeds(fleet, dev.icssync.NextDue.IGNORE)).extracting(r -> r.outcome())
          .containsOnly(SyncOutcome.NOT_MODIFIED);
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 0);

      // syncs that append a run each are counted one by one: the 99th after the batch asks for one
      syncHourly(sync, 99);
      await().untilAsserted(() -> assertThat(calls).hasValue(1));
    }
  }

  @Test
  void withoutAutomaticPruningTheHostPrunes() {
    Store store = Store.inMemory();
    try (IcsSync sync = engine(store, 0)) {
      syncHourly(sync, 20);
      assertThat(store.runs("t1", "f1", 100)).hasSize(20);

      // clock at 20 h: runs finished before 17 h go
      assertThat(sync.pruneHistory()).isEqualTo(17);
      assertThat(store.runs("t1", "f1", 100)).hasSize(3);
    }
  }

  @Test
  void aFailingPruneNeitherFailsTheSyncNorStopsTheNextPrune() {
    AtomicInteger calls = new AtomicInteger();
    Store inner = Store.inMemory();
    Store failing = (Store) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Store.class},
        (proxy, method, args) -> {
          if (method.getName().equals("pruneRuns")) {
            calls.incrementAndGet();
            throw new StorageException("prune sync runs failed (lock timeout)", null);
          }
          try {
            return method.invoke(inner, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    try (IcsSync sync = engine(failing, 2)) {
      // one prune asked for (every 2 syncs): it fails on its own thread, the syncs went on
      syncHourly(sync, 2);
      await().until(() -> calls.get() >= 1);
      // the failure did not stop pruning: the next request is served by a prune of its own (or, if
      // it came while the first ran, by one more prune after it)
      int before = calls.get();
      syncHourly(sync, 2);
      await().until(() -> calls.get() > before);
      assertThatThrownBy(sync::pruneHistory).isInstanceOf(StorageException.class);
    }
  }

  @Test
  void badRetentionValuesFailAtBuildNamingTheParameter() {
    assertThatThrownBy(() -> HistoryRetention.builder().keepFor(Duration.ZERO).build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("keepFor");
    assertThatThrownBy(() -> HistoryRetention.builder().keepRuns(0).build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("keepRuns");
    assertThatThrownBy(() -> HistoryRetention.builder().batchSize(0).build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("batchSize");
    assertThatThrownBy(() -> SyncConfig.builder().pruneEverySyncs(-1).build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("pruneEverySyncs");
    assertThat(SyncConfig.defaults().historyRetention()).isEqualTo(HistoryRetention.defaults());
    assertThat(HistoryRetention.defaults().keepFor()).isGreaterThanOrEqualTo(Duration.ofDays(1));
  }
}

package dev.icssync.engine.scenario;

import static dev.icssync.engine.scenario.Kit.T;
import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.Feed;
import dev.icssync.SyncConfig;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.spi.FetchResult;
import dev.icssync.spi.SyncListener;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** syncTenant / syncAll bounds, per-feed exclusion, MDC. */
class ParallelScenarioTest {
  static final LocalDate D = LocalDate.of(2026, 6, 10);

  @Test
  void syncTenantRespectsBothBoundsAndReportsInFeedOrder() throws Exception {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    Map<String, AtomicInteger> perHost = new ConcurrentHashMap<>();
    Map<String, Integer> maxPerHost = new ConcurrentHashMap<>();
    try (Kit k = new Kit(b -> b.config(SyncConfig.builder().parallelism(3).perHostParallelism(2).build()))) {
      for (int i = 0; i < 12; i++) {
        String host = "h" + (i % 3) + ".example.com";
        String id = String.format("f%02d", i);
        k.store.saveFeed(Feed.builder(T, id).property("p" + i).source("airbnb").url("https://" + host + "/" + id + ".ics").build());
        k.fetcher.then(id, req -> {
          String h = req.feed().url().substring(8, 22);
          int now = inFlight.incrementAndGet();
          maxInFlight.accumulateAndGet(now, Math::max);
          int hn = perHost.computeIfAbsent(h, x -> new AtomicInteger()).incrementAndGet();
          maxPerHost.merge(h, hn, Math::max);
          try {
            Thread.sleep(15);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          perHost.get(h).decrementAndGet();
          inFlight.decrementAndGet();
          return FetchResult.Fetched.of(Ics.airbnb().reserved(req.feed().id(), D.plusDays(3), D.plusDays(5)).build()
              .getBytes(StandardCharsets.UTF_8));
        });
      }
      k.store.saveFeed(Feed.builder(T, "zz-off").property("p").source("airbnb").url("https://h0.example.com/off.ics").build().withActive(false));
      List<SyncReport> reports = k.sync.syncTenant(T);
      assertThat(reports).extracting(SyncReport::feedId)
          .containsExactly("f00", "f01", "f02", "f03", "f04", "f05", "f06", "f07", "f08", "f09", "f10", "f11");
      assertThat(reports).allMatch(r -> r.outcome() == SyncOutcome.APPLIED);
      assertThat(maxInFlight.get()).isLessThanOrEqualTo(3).isGreaterThan(1);
      assertThat(maxPerHost.values()).allMatch(n -> n <= 2);
      assertThat(k.sync.syncAll()).hasSize(12);
    }
  }

  @Test
  void hostExecutorIsUsedAndLeftRunningOnClose() throws Exception {
    ExecutorService mine = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "host-pool");
      t.setDaemon(true);
      return t;
    });
    Map<String, String> threads = new HashMap<>();
    try (Kit k = new Kit(b -> b.executor(mine))) {
      k.feed("a", "villa", "airbnb");
      k.fetcher.then("a", req -> {
        synchronized (threads) {
          threads.put("a", Thread.currentThread().getName());
        }
        return FetchResult.Fetched.of(Ics.airbnb().build().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      });
      k.sync.syncTenant(T);
    }
    assertThat(threads.get("a")).isEqualTo("host-pool");
    assertThat(mine.isShutdown()).isFalse();
    mine.shutdown();
  }

  @Test
  void aSecondSyncOfTheSameFeedIsSkippedWhileTheFirstRuns() throws Exception {
    CountDownLatch inFetch = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (Kit k = new Kit()) {
      k.feed("a", "villa", "airbnb");
      k.fetcher.then("a", req -> {
        inFetch.countDown();
        try {
          release.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return FetchResult.Fetched.of(Ics.airbnb().build().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      });
      ExecutorService ex = Executors.newSingleThreadExecutor();
      try {
        Future<SyncReport> first = ex.submit(() -> k.sync("a"));
        assertThat(inFetch.await(5, TimeUnit.SECONDS)).isTrue();
        SyncReport second = k.sync("a");
        assertThat(second.outcome()).isEqualTo(SyncOutcome.SKIPPED);
        assertThat(second.message()).contains("already running");
        release.countDown();
        assertThat(first.get(5, TimeUnit.SECONDS).outcome()).isEqualTo(SyncOutcome.APPLIED);
        assertThat(k.sync("a").isSuccess()).isTrue();
      } finally {
        ex.shutdownNow();
      }
    }
  }

  @Test
  void mdcCarriesTenantPropertyAndFeedButNeverTheUrlAndIsRestored() {
    Map<String, String> seen = new HashMap<>();
    try (Kit k = new Kit(b -> b.listener(new SyncListener() {
      @Override
      public void onSyncFinished(Feed feed, SyncReport report) {
        seen.putAll(MDC.getCopyOfContextMap());
      }
    }))) {
      k.feed("a", "villa", "airbnb");
      k.fetcher.body("a", Ics.airbnb().build());
      MDC.put("icssync.feed", "outer");
      k.sync("a");
      assertThat(seen).containsEntry("icssync.tenant", T).containsEntry("icssync.property", "villa")
          .containsEntry("icssync.feed", "a");
      assertThat(seen.values()).noneMatch(v -> v.contains("s3cret") || v.contains("cal.example.com"));
      assertThat(MDC.get("icssync.feed")).isEqualTo("outer");
      assertThat(MDC.get("icssync.tenant")).isNull();
    } finally {
      MDC.clear();
    }
  }
}

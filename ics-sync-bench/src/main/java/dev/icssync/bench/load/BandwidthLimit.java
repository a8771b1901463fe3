package dev.icssync.bench.load;

import dev.icssync.Feed;
import dev.icssync.IcsSync;
import dev.icssync.NextDue;
import dev.icssync.SyncConfig;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.cache.RedisCaches;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The seed's bandwidth limit, enforced and measured: one tenant's feeds synced by two workers (two
 * {@link IcsSync} instances, as two worker processes would be), whose fetchers share the tenant's
 * limit through Redis ({@link RedisCaches#tenantBandwidth}), every fetch bringing a body (the feed
 * server sends the same bodies again, without validators). The feed bytes the server sent are
 * sampled as in every cycle; the limiter promises that in any second they stay below the limit plus
 * the bodies already under way, one per fetching thread.
 */
final class BandwidthLimit {
  static final String TENANT = "bandwidth";
  static final int WORKERS = 2;

  private BandwidthLimit() {}

  static Map<String, Object> run(Harness h, int feeds, int events, int threadsPerWorker, long limit,
      String redisUri) {
    List<Feed> list = h.createFeeds(TENANT, "b", feeds, events, 4, WORKERS * threadsPerWorker);
    // the first sync, not limited and not measured: afterwards every feed has its events stored
    expect(h.sync.syncFeeds(list, NextDue.IGNORE), SyncOutcome.APPLIED, feeds);
    h.server.mode(FeedServer.Mode.NO_VALIDATORS);
    List<IcsSync> workers = new ArrayList<>();
    try (RedisCaches redis = RedisCaches.create(redisUri)) {
      // connected before the clock starts: until then each worker would keep the limit on its own
      awaitConnected(redis);
      for (int w = 0; w < WORKERS; w++) {
        workers.add(IcsSync.builder()
            .store(h.database.store)
            .fetcher(redis.tenantBandwidth(h.fetcher, limit))
            .config(SyncConfig.builder().parallelism(threadsPerWorker).perHostParallelism(threadsPerWorker).build())
            .build());
      }
      List<List<Feed>> shares = new ArrayList<>();
      for (int w = 0; w < WORKERS; w++) {
        shares.add(new ArrayList<>());
      }
      for (int i = 0; i < list.size(); i++) {
        shares.get(i % WORKERS).add(list.get(i));
      }
      h.resources.start();
      long t0 = System.nanoTime();
      List<CompletableFuture<List<SyncReport>>> running = new ArrayList<>();
      for (int w = 0; w < WORKERS; w++) {
        IcsSync worker = workers.get(w);
        List<Feed> share = shares.get(w);
        running.add(CompletableFuture.supplyAsync(() -> worker.syncFeeds(share, NextDue.IGNORE)));
      }
      List<SyncReport> reports = new ArrayList<>();
      running.forEach(f -> reports.addAll(f.join()));
      double seconds = (System.nanoTime() - t0) / 1e9;
      ResourceProbe.Figures used = h.resources.figures();
      boolean shared = redis.isAvailable();
      expect(reports, SyncOutcome.UNCHANGED, feeds);
      double body = (double) used.feedBytes() / feeds;
      int inFlight = WORKERS * threadsPerWorker;
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("limitBytesPerSecond", limit);
      m.put("sharedThroughRedis", shared);
      m.put("workers", WORKERS);
      m.put("threadsPerWorker", threadsPerWorker);
      m.put("feeds", feeds);
      m.put("eventsPerFeed", events);
      m.put("feedBytes", used.feedBytes());
      m.put("bodyBytes", Math.round(body));
      m.put("seconds", Json.round(seconds, 3));
      m.put("meanBytesPerSecond", Json.round(used.bytesPerSecond(), 0));
      m.put("peakBytesPerSecond", Json.round(used.peakBytesPerSecond(), 0));
      m.put("allowedBytesPerSecond", Json.round(limit + inFlight * body, 0));
      m.put("met", used.peakBytesPerSecond() <= limit + inFlight * body);
      LoadTest.log("  %d x %d unchanged bodies, %d workers x %d threads sharing %s: %.2f s, mean %.2f MB/s,"
          + " largest one-second window %.2f MB/s (limit %.2f MB/s)", feeds, events, WORKERS, threadsPerWorker,
          shared ? "Redis" : "nothing (Redis unreachable: a limit per worker)", seconds, used.bytesPerSecond() / 1e6,
          used.peakBytesPerSecond() / 1e6, limit / 1e6);
      return m;
    } finally {
      workers.forEach(IcsSync::close);
      h.server.mode(FeedServer.Mode.VALIDATORS);
      h.database.deleteTenant(TENANT);
    }
  }

  private static void awaitConnected(RedisCaches redis) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    try {
      while (!redis.isAvailable() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void expect(List<SyncReport> reports, SyncOutcome outcome, int feeds) {
    Map<SyncOutcome, Integer> counts = new EnumMap<>(SyncOutcome.class);
    reports.forEach(r -> counts.merge(r.outcome(), 1, Integer::sum));
    if (counts.getOrDefault(outcome, 0) != feeds) {
      throw new IllegalStateException("bandwidth limit: expected " + feeds + " " + outcome + ", got " + counts);
    }
  }
}

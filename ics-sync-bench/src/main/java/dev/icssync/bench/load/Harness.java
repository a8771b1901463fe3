package dev.icssync.bench.load;

import dev.icssync.Feed;
import dev.icssync.IcsSync;
import dev.icssync.HistoryRetention;
import dev.icssync.NextDue;
import dev.icssync.SyncConfig;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.SyncTimings;
import dev.icssync.http.HttpFeedFetcher;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The system under test, wired as a host would wire it: a {@link FeedServer} on loopback, a
 * {@code JdbcStore} on a fresh PostgreSQL database, the real {@link HttpFeedFetcher} (loopback let
 * through its SSRF guard with {@code allowHost("127.0.0.1")}, per-host politeness off since every
 * feed lives on that one host), and an {@link IcsSync} over them. A cycle syncs a list of feeds as a
 * host syncs a fleet, with {@code IcsSync.syncFeeds} (the feeds and their states read a few hundred
 * at a time, the held states of 304s and unchanged bodies written in batches before it returns), on
 * a pool of as many threads as the cycle's concurrency.
 */
final class Harness implements AutoCloseable {
  static final List<String> CHANNELS = List.of("airbnb", "booking", "vrbo", "direct");

  final FeedServer server;
  final LoadDatabase database;
  final HttpFeedFetcher fetcher;
  final IcsSync sync;
  /** The threads the syncs run on (the host's executor of {@link #sync}): sized per cycle. */
  private final ThreadPoolExecutor workers;
  final HeapProbe heap = new HeapProbe();
  final ResourceProbe resources;
  final LocalDate base = LocalDate.now(ZoneOffset.UTC).plusDays(2);

  /** The most the seed allows: connections per worker, bytes per second per tenant. */
  static final int SEED_MAX_CONNECTIONS = 20;
  static final double SEED_MAX_TENANT_BYTES_PER_SECOND = 10_000_000;

  /** The largest resource figures of any cycle so far, and the cycles that reached them. */
  private int peakActive;
  private String peakActiveCycle = "";
  private double peakBytesPerSecond;
  private String peakBytesCycle = "";
  private double peakMeanBytesPerSecond;

  /**
   * Most a timed cycle waits, before it starts, for the JIT compiler to finish what earlier work
   * queued ({@link CpuProbes#awaitJitIdle}); the unit-cost measurement waits as long.
   */
  public static final long JIT_IDLE_WAIT_MS = 2_000;

  /** Syncs between two prunes of the run history by the engine. */
  static final int PRUNE_EVERY = 100;

  Harness(int maxConcurrency, int poolSize, boolean synchronousApplyCommit) throws IOException {
    server = new FeedServer(Math.max(4, Math.min(16, maxConcurrency)), base);
    database = new LoadDatabase(poolSize, synchronousApplyCommit);
    resources = new ResourceProbe(database.pool, server.bytes);
    fetcher = HttpFeedFetcher.builder()
        .allowHost("127.0.0.1")
        .minIntervalPerHost(Duration.ZERO)
        .maxConcurrentPerHost(maxConcurrency)
        .maxConnections(maxConcurrency)
        .maxBodyBytes(64L * 1024 * 1024)
        .build();
    AtomicInteger worker = new AtomicInteger();
    workers = new ThreadPoolExecutor(maxConcurrency, maxConcurrency, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        r -> {
          Thread t = new Thread(r, "load-sync-" + worker.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    sync = IcsSync.builder()
        .executor(workers)
        .store(database.store)
        .fetcher(fetcher)
        // the steady state of a deployment whose history is full: every cycle prunes about as many runs
        // as it appends (here the previous cycle's, which the engine deletes every PRUNE_EVERY syncs)
        .config(SyncConfig.builder().parallelism(maxConcurrency).perHostParallelism(maxConcurrency)
            .historyRetention(HistoryRetention.builder().keepFor(Duration.ofMillis(1)).keepRuns(1).build())
            .pruneEverySyncs(PRUNE_EVERY)
            .build())
        .build();
  }

  /**
   * Stores {@code count} feeds of tenant {@code tenant}: {@code channels} feeds per property (one per
   * channel, interleaved stays), {@code events} stays each.
   */
  List<Feed> createFeeds(String tenant, String prefix, int count, int events, int channels, int threads) {
    List<Feed> feeds = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String id = prefix + i;
      int slot = i % channels;
      feeds.add(new Feed(id, tenant, prefix + "p" + (i / channels), CHANNELS.get(slot % CHANNELS.size()),
          server.url(id, events, slot, channels), Duration.ofHours(1), true, 0));
    }
    parallel(feeds, threads, f -> {
      sync.store().saveFeed(f);
      return null;
    });
    return feeds;
  }

  /** Resizes the sync pool: at most {@code n} syncs run at once. */
  private void concurrency(int n) {
    if (n > workers.getMaximumPoolSize()) {
      workers.setMaximumPoolSize(n);
      workers.setCorePoolSize(n);
    } else {
      workers.setCorePoolSize(n);
      workers.setMaximumPoolSize(n);
    }
  }

  /** Syncs every feed once with {@code concurrency} workers and measures it. */
  Cycle cycle(String name, List<Feed> feeds, int eventsPerFeed, int concurrency, boolean countRows) {
    LoadDatabase.RowCounts before = countRows ? database.rowCounts() : null;
    long ok0 = server.ok.sum();
    long nm0 = server.notModified.sum();
    Percentiles latency = new Percentiles();
    System.gc();
    CpuProbes.awaitJitIdle(JIT_IDLE_WAIT_MS);
    heap.start();
    resources.start();
    double pg0 = database.backendCpuSeconds();
    long jit0 = CpuProbes.jitCpuNanos();
    long cpu0 = CpuProbes.processCpuNanos();
    long t0 = System.nanoTime();
    concurrency(concurrency);
    // as a host syncs a fleet: feeds and states read in chunks, a 304's state written in a batch
    List<SyncReport> synced = sync.syncFeeds(feeds, NextDue.IGNORE);
    List<Outcome> reports = new ArrayList<>(synced.size());
    for (SyncReport r : synced) {
      latency.add(r.timings().total().toNanos()); // the sync's own time, as the engine measures it
      reports.add(Outcome.of(r));
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    double jvmCpu = (CpuProbes.processCpuNanos() - cpu0) / 1e9;
    // the JIT compiler's share of it, apart: a start-up cost that the unit costs leave out (the load
    // test's small cycles run while the compiler still works through the paths the warm-up ran)
    double jitCpu = Math.max(0, CpuProbes.jitCpuNanos() - jit0) / 1e9;
    double pgCpu = database.backendCpuSeconds() - pg0;
    double sampledPeak = heap.sampledPeakMb();
    double poolPeak = heap.poolPeakMb();
    double afterGc = heap.afterGcPeakMb();
    ResourceProbe.Figures used = resources.figures();
    LoadDatabase.RowCounts rows = countRows ? database.rowCounts().minus(before) : null;
    long syncRunRows = database.count("SELECT count(*) FROM icssync_sync_run");
    String label = feeds.size() + " x " + eventsPerFeed + " " + name;
    synchronized (this) {
      if (used.peakActive() > peakActive) {
        peakActive = used.peakActive();
        peakActiveCycle = label;
      }
      if (used.peakBytesPerSecond() > peakBytesPerSecond) {
        peakBytesPerSecond = used.peakBytesPerSecond();
        peakBytesCycle = label;
      }
      peakMeanBytesPerSecond = Math.max(peakMeanBytesPerSecond, used.bytesPerSecond());
    }
    return new Cycle(name, feeds.size(), eventsPerFeed, concurrency, seconds, reports, latency,
        server.ok.sum() - ok0, server.notModified.sum() - nm0, rows, sampledPeak, poolPeak, afterGc, jvmCpu, pgCpu,
        syncRunRows, used, jitCpu);
  }

  /**
   * The seed's resource limits against the largest figures of every cycle run so far: database
   * connections of this worker (the pool's maximum and the most in use at once) and feed bytes per
   * second of one tenant (every cycle syncs one tenant's feeds).
   */
  synchronized Map<String, Object> resourceLimits() {
    Map<String, Object> m = new LinkedHashMap<>();
    int poolMax = database.pool.getMaximumPoolSize();
    m.put("poolMax", poolMax);
    m.put("poolPeakActive", peakActive);
    m.put("poolPeakActiveCycle", peakActiveCycle);
    m.put("connectionLimit", SEED_MAX_CONNECTIONS);
    m.put("connectionsMet", poolMax < SEED_MAX_CONNECTIONS && peakActive < SEED_MAX_CONNECTIONS);
    m.put("tenantPeakBytesPerSecond", Json.round(peakBytesPerSecond, 0));
    m.put("tenantPeakCycle", peakBytesCycle);
    m.put("tenantMeanBytesPerSecondMax", Json.round(peakMeanBytesPerSecond, 0));
    m.put("bandwidthLimitBytesPerSecond", SEED_MAX_TENANT_BYTES_PER_SECOND);
    m.put("note", "connections: one worker JVM, the pool's maximum and the most in use at once (sampled every"
        + " 10 ms); bandwidth: feed body bytes the feed server sent per second while one tenant's feeds"
        + " synced (the largest one-second window and the largest mean of a cycle), first with no limit set"
        + " (the cycles above), then with the tenant limited to the seed's rate, shared by two workers through"
        + " Redis (RedisCaches.tenantBandwidth), whose promise is: in any second, at most the limit plus the"
        + " bodies already under way, one per fetching thread");
    return m;
  }

  /** Runs {@code work} for every item on {@code threads} threads; results in item order. */
  static <T, R> List<R> parallel(List<T> items, int threads, Function<T, R> work) {
    AtomicInteger next = new AtomicInteger();
    List<R> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      out.add(null);
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "load-worker");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < threads; w++) {
        futures.add(pool.submit(() -> {
          int i;
          while ((i = next.getAndIncrement()) < items.size()) {
            R r = work.apply(items.get(i));
            synchronized (out) {
              out.set(i, r);
            }
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a worker failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    synchronized (out) {
      return new ArrayList<>(out);
    }
  }

  @Override
  public void close() {
    heap.close();
    resources.close();
    sync.close();
    workers.shutdownNow();
    fetcher.close();
    server.close();
    database.close();
  }

  /**
   * What a cycle keeps of a report: not the report itself, whose list of typed changes (one per
   * created event) would make the harness hold hundreds of megabytes at 10,000 feeds.
   */
  record Outcome(String feedId, SyncOutcome outcome, String message, int writes, int seen, SyncTimings timings) {
    static Outcome of(SyncReport r) {
      return new Outcome(r.feedId(), r.outcome(), r.message(), r.counts().writes(), r.counts().seen(), r.timings());
    }
  }

  /** One measured cycle. */
  record Cycle(String name, int feeds, int eventsPerFeed, int concurrency, double seconds, List<Outcome> reports,
      Percentiles latency, long http200, long http304, LoadDatabase.@Nullable RowCounts rows, double sampledPeakMb,
      double poolPeakMb, double afterGcPeakMb, double jvmCpuSeconds, double pgCpuSeconds, long syncRunRows,
      ResourceProbe.Figures resources, double jitCpuSeconds) {

    double feedsPerSecond() {
      return feeds / seconds;
    }

    /** Wall time per feed, in ms (the cycle's cost per feed at its concurrency). */
    double msPerFeed() {
      return seconds * 1000 / feeds;
    }

    /** CPU of this JVM and of the database's server processes per feed, in ms (NaN when unreadable). */
    double cpuMsPerFeed() {
      return (jvmCpuSeconds + pgCpuSeconds) * 1000 / feeds;
    }

    Map<SyncOutcome, Integer> outcomes() {
      Map<SyncOutcome, Integer> m = new EnumMap<>(SyncOutcome.class);
      for (Outcome r : reports) {
        m.merge(r.outcome(), 1, Integer::sum);
      }
      return m;
    }

    int count(SyncOutcome outcome) {
      return outcomes().getOrDefault(outcome, 0);
    }

    /** Event rows the syncs wrote, by their reports. */
    long eventsWritten() {
      return reports.stream().mapToLong(Outcome::writes).sum();
    }

    long eventsSeen() {
      return reports.stream().mapToLong(Outcome::seen).sum();
    }

    /** Mean duration of each phase of a sync, in ms. */
    Map<String, Object> phaseMeansMs() {
      double[] sum = new double[6];
      for (Outcome r : reports) {
        SyncTimings t = r.timings();
        sum[0] += t.fetch().toNanos();
        sum[1] += t.parse().toNanos();
        sum[2] += t.diff().toNanos();
        sum[3] += t.apply().toNanos();
        sum[4] += t.detect().toNanos();
        sum[5] += t.total().toNanos();
      }
      String[] names = {"fetch", "parse", "diff", "apply", "detect", "total"};
      Map<String, Object> m = new LinkedHashMap<>();
      for (int i = 0; i < names.length; i++) {
        m.put(names[i], Json.round(reports.isEmpty() ? 0 : sum[i] / reports.size() / 1e6, 3));
      }
      return m;
    }

    List<String> failureSamples() {
      return reports.stream()
          .filter(r -> r.outcome() == SyncOutcome.FAILED || r.outcome() == SyncOutcome.STALE
              || r.outcome() == SyncOutcome.SKIPPED)
          .limit(3).map(r -> r.feedId() + ": " + r.outcome() + " " + r.message()).toList();
    }

    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("cycle", name);
      m.put("feeds", feeds);
      m.put("eventsPerFeed", eventsPerFeed);
      m.put("concurrency", concurrency);
      m.put("seconds", Json.round(seconds, 3));
      m.put("feedsPerSecond", Json.round(feedsPerSecond(), 1));
      m.put("msPerFeed", Json.round(msPerFeed(), 4));
      m.put("cpuMsPerFeed", Double.isNaN(cpuMsPerFeed()) ? null : Json.round(cpuMsPerFeed(), 4));
      Map<String, Object> outcomes = new LinkedHashMap<>();
      outcomes().forEach((k, v) -> outcomes.put(k.name(), v));
      m.put("outcomes", outcomes);
      m.put("eventsSeen", eventsSeen());
      m.put("eventsWritten", eventsWritten());
      m.put("http200", http200);
      m.put("http304", http304);
      if (rows != null) {
        m.put("dbRows", rows.toJson());
      }
      // live rows of the run history after the cycle: flat from cycle to cycle while pruning keeps up
      m.put("syncRunRows", syncRunRows);
      m.put("perSync", latency.toJson());
      m.put("phaseMeansMs", phaseMeansMs());
      m.put("jvmCpuSeconds", Json.round(jvmCpuSeconds, 3));
      // the JIT compiler threads' part of jvmCpuSeconds (on-CPU time, /proc/self/task/*/schedstat)
      m.put("jitCpuSeconds", Json.round(jitCpuSeconds, 3));
      m.put("postgresCpuSeconds", Double.isNaN(pgCpuSeconds) ? null : Json.round(pgCpuSeconds, 3));
      m.put("peakHeapMb", Json.round(sampledPeakMb, 1));
      m.put("poolPeakHeapMb", Json.round(poolPeakMb, 1));
      m.put("liveHeapAfterGcMb", Json.round(afterGcPeakMb, 1));
      Map<String, Object> limits = new LinkedHashMap<>();
      limits.put("poolMax", resources.poolMax());
      limits.put("poolPeakActive", resources.peakActive());
      limits.put("feedBytes", resources.feedBytes());
      limits.put("tenantBytesPerSecond", Json.round(resources.bytesPerSecond(), 0));
      limits.put("tenantPeakBytesPerSecond", Json.round(resources.peakBytesPerSecond(), 0));
      m.put("resources", limits);
      List<String> failures = failureSamples();
      if (!failures.isEmpty()) {
        m.put("failureSamples", failures);
      }
      return m;
    }
  }
}

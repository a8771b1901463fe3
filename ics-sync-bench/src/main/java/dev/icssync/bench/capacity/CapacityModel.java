package dev.icssync.bench.capacity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A capacity model of ics-sync: from the measured cost of one sync by outcome ({@code
 * unit-costs.json}, written by {@link UnitCostMeasurement}), a fleet (feeds, poll interval, how
 * often a poll brings a change or a 304, events per feed) and a deployment (workers x cores, one
 * PostgreSQL primary and its limits, replicas, partitions, pools), it predicts syncs per second per
 * worker, database CPU, write commits, WAL and connections, network per worker and per tenant, the
 * request rate on the busiest feed host, Redis load, and the utilisation of every resource: the
 * largest is the first to saturate.
 *
 * <p>It is arithmetic, not a simulation: every rate is the fleet's sync rate times a mean unit cost
 * (Little's law for what is held at once: in-flight syncs, connections). Costs that depend on the
 * feed's size (worker CPU, bytes, heap; and for a first sync rows, WAL and database CPU) are scaled
 * linearly in events per feed from the measured size, on top of the 304's fixed cost. Limits that
 * were not measured here (commit rate and WAL rate one primary sustains, NIC, connection limit) are
 * parameters with stated defaults.
 *
 * <p>A cycle ({@code IcsSync.syncFeeds} over the feeds due) also has a fixed cost, whatever its size
 * ({@link CycleCost}, measured by {@link UnitCostMeasurement} from cycles of two sizes): a worker pays
 * it once per cycle, and a worker starts a cycle once per {@link Deployment#cyclePeriodSeconds} (or
 * once per sync when it has fewer). At fleet scale it is a small share; on a cycle of 100 feeds it is
 * most of the cost. A unit-costs.json without it (older) gives a purely per-sync model.
 *
 * <p>Checked against the load test's warm scale rows ({@code load.json}: 100, 1,000, 10,000 and
 * 100,000 feeds, first-sync, all-304 and unchanged-body cycles on this one box, measured once the JVM
 * had synced a warm-up set) by {@link #validate}: each row predicted as fixed cost + N x cost per
 * sync ({@link #predictCycle}), plus what a cycle pays when it starts on new database connections
 * where the load test's counted rows did (a server older than PostgreSQL 15; measured apart: {@link
 * CycleCost#freshWallMs}). None of the terms is fitted to those rows.
 *
 * <pre>
 * java -cp ics-sync-bench/target/benchmarks.jar dev.icssync.bench.capacity.CapacityModel \
 *     --unit-costs ics-sync-bench/target/results/unit-costs.json \
 *     --load-json ics-sync-bench/target/results/capacity/load.json \
 *     [--feeds 10000,100000,1000000] [--interval 15m] [--change-rate 0.02] [--not-modified-share 0.5] \
 *     [--events 50] [--feeds-per-tenant 300] [--largest-host-share 0.4] [--host-latency-ms 300] \
 *     [--cycle-period 10s] \
 *     [--out SCALING.md] [--json ics-sync-bench/target/results/capacity.json] [--command "..."]
 * </pre>
 */
public final class CapacityModel {
  private CapacityModel() {}

  /** The outcomes whose costs are measured, with their key in {@code unit-costs.json}. */
  enum Outcome {
    FIRST_SYNC("firstSync"), NOT_MODIFIED("notModified"), UNCHANGED_BODY("unchangedBody"), CHANGED("changed");

    final String key;

    Outcome(String key) {
      this.key = key;
    }
  }

  /**
   * What one sync of one outcome costs, all per sync: CPU milliseconds of the worker JVM, of the
   * test rig's feed server (only for checking against the load test, whose JVM also serves the
   * feeds) and of the PostgreSQL backend; statements, write transactions (commits that flush WAL),
   * transactions as PostgreSQL counts them (read-only ones too), rows written, WAL bytes; bytes
   * received and sent over HTTP; heap allocated and a bound of the heap held while in flight; Redis
   * commands, Redis server microseconds and Redis bytes (both ways).
   */
  record UnitCost(double workerCpuMs, double rigCpuMs, double dbCpuMs, double statements, double writeTransactions,
      double pgTransactions, double rowsWritten, double walBytes, double httpBytesIn, double httpBytesOut,
      double allocatedBytes, double heapPerInFlightBytes, double redisCommands, double redisUsec,
      double redisBytes) {

    static final UnitCost ZERO = new UnitCost(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    UnitCost plus(UnitCost o) {
      return new UnitCost(workerCpuMs + o.workerCpuMs, rigCpuMs + o.rigCpuMs, dbCpuMs + o.dbCpuMs,
          statements + o.statements, writeTransactions + o.writeTransactions, pgTransactions + o.pgTransactions,
          rowsWritten + o.rowsWritten, walBytes + o.walBytes, httpBytesIn + o.httpBytesIn,
          httpBytesOut + o.httpBytesOut, allocatedBytes + o.allocatedBytes,
          heapPerInFlightBytes + o.heapPerInFlightBytes, redisCommands + o.redisCommands, redisUsec + o.redisUsec,
          redisBytes + o.redisBytes);
    }

    /** This cost with another worker CPU and feed server CPU per sync. */
    UnitCost withCpu(double worker, double feedServer) {
      return new UnitCost(worker, feedServer, dbCpuMs, statements, writeTransactions, pgTransactions, rowsWritten,
          walBytes, httpBytesIn, httpBytesOut, allocatedBytes, heapPerInFlightBytes, redisCommands, redisUsec,
          redisBytes);
    }

    UnitCost times(double k) {
      return new UnitCost(workerCpuMs * k, rigCpuMs * k, dbCpuMs * k, statements * k, writeTransactions * k,
          pgTransactions * k, rowsWritten * k, walBytes * k, httpBytesIn * k, httpBytesOut * k, allocatedBytes * k,
          heapPerInFlightBytes * k, redisCommands * k, redisUsec * k, redisBytes * k);
    }

    /** The heap one in-flight sync holds, at most: it cannot hold more than it allocates. */
    double heapBytes() {
      return heapPerInFlightBytes > 0 ? Math.min(heapPerInFlightBytes, allocatedBytes) : allocatedBytes;
    }
  }

  /**
   * The measured costs by outcome, at {@code eventsPerFeed} events per feed, and figures the model
   * does not use but SCALING.md shows beside them ({@code extras}, by outcome and name).
   */
  record UnitCosts(int eventsPerFeed, Map<Outcome, UnitCost> byOutcome, String measuredOn,
      Map<Outcome, Map<String, Double>> extras, Map<Outcome, CycleCost> perCycle) {

    static final List<String> EXTRAS = List.of("jitCpuMs", "syncThreadCpuMs", "connectionCheckouts",
        "connectionHoldMs", "latencyMeanMs", "relayCpuMs", "passWorkerCpuMs", "passFeedServerCpuMs");

    UnitCosts(int eventsPerFeed, Map<Outcome, UnitCost> byOutcome, String measuredOn) {
      this(eventsPerFeed, byOutcome, measuredOn, Map.of(), Map.of());
    }

    UnitCosts(int eventsPerFeed, Map<Outcome, UnitCost> byOutcome, String measuredOn,
        Map<Outcome, Map<String, Double>> extras) {
      this(eventsPerFeed, byOutcome, measuredOn, extras, Map.of());
    }

    /** These costs with the fixed cost of a cycle, by outcome. */
    UnitCosts withPerCycle(Map<Outcome, CycleCost> value) {
      return new UnitCosts(eventsPerFeed, byOutcome, measuredOn, extras, value);
    }

    /**
     * The fixed cost of a cycle of {@code outcome}, or {@link CycleCost#NONE} when the file has none
     * (written before cycles of two sizes were measured: the model is then purely per sync, as it was).
     */
    CycleCost cycle(Outcome outcome) {
      return perCycle.getOrDefault(outcome, CycleCost.NONE);
    }

    double extra(Outcome o, String name) {
      return extras.getOrDefault(o, Map.of()).getOrDefault(name, Double.NaN);
    }

    UnitCost get(Outcome o) {
      UnitCost c = byOutcome.get(o);
      if (c == null) {
        throw new IllegalArgumentException("no unit cost for " + o.key);
      }
      return c;
    }

    /**
     * The cost of {@code outcome} for feeds of {@code events} events: the 304's cost (fixed per
     * sync) plus the measured difference scaled by {@code events / eventsPerFeed}. What scales: worker
     * CPU, rig CPU, HTTP bytes in, heap; for a first sync also database CPU, rows and WAL (every event
     * is inserted). A 304 does not scale.
     */
    UnitCost scaled(Outcome outcome, int events) {
      UnitCost c = get(outcome);
      if (outcome == Outcome.NOT_MODIFIED || events == eventsPerFeed) {
        return c;
      }
      double k = (double) events / eventsPerFeed;
      UnitCost b = get(Outcome.NOT_MODIFIED);
      boolean rows = outcome == Outcome.FIRST_SYNC;
      return new UnitCost(
          lerp(b.workerCpuMs, c.workerCpuMs, k), lerp(b.rigCpuMs, c.rigCpuMs, k),
          rows ? lerp(b.dbCpuMs, c.dbCpuMs, k) : c.dbCpuMs, c.statements, c.writeTransactions, c.pgTransactions,
          rows ? lerp(b.rowsWritten, c.rowsWritten, k) : c.rowsWritten, rows ? lerp(b.walBytes, c.walBytes, k)
              : c.walBytes,
          lerp(b.httpBytesIn, c.httpBytesIn, k), c.httpBytesOut, lerp(b.allocatedBytes, c.allocatedBytes, k),
          lerp(b.heapPerInFlightBytes, c.heapPerInFlightBytes, k), c.redisCommands, c.redisUsec, c.redisBytes);
    }

    private static double lerp(double base, double measured, double k) {
      return Math.max(0, base + (measured - base) * k);
    }

    /** Reads {@code unit-costs.json}; Redis figures come from its Redis pass when there is one. */
    static UnitCosts read(Path file) throws IOException {
      JsonNode root = new ObjectMapper().readTree(file.toFile());
      JsonNode setup = root.path("setup");
      JsonNode outcomes = root.path("outcomes");
      JsonNode redis = root.path("redis").path("outcomes");
      Map<Outcome, UnitCost> m = new EnumMap<>(Outcome.class);
      Map<Outcome, Map<String, Double>> extras = new EnumMap<>(Outcome.class);
      for (Outcome o : Outcome.values()) {
        JsonNode n = outcomes.path(o.key);
        if (n.isMissingNode()) {
          throw new IllegalArgumentException(file + " has no outcomes." + o.key);
        }
        Map<String, Double> x = new LinkedHashMap<>();
        for (String name : EXTRAS) {
          if (n.has(name)) {
            x.put(name, n.path(name).asDouble());
          }
        }
        extras.put(o, x);
        if (n.has("relayCpuMs")) {
          x.put("relayCpuMs", n.path("relayCpuMs").asDouble());
        }
        JsonNode r = redis.path(o.key);
        // the load test's JVM serves the feeds but has no byte-counting relay: only the feed server's
        // share of the rig's CPU is the load test's (older files have the rig's CPU only, relay included)
        double rig = n.has("feedServerCpuMs") ? n.path("feedServerCpuMs").asDouble() : n.path("rigCpuMs").asDouble();
        m.put(o, new UnitCost(n.path("workerCpuMs").asDouble(), rig,
            n.path("dbCpuMs").asDouble(), n.path("statements").asDouble(), n.path("writeTransactions").asDouble(),
            n.path("pgTransactions").asDouble(), n.path("rowsWritten").asDouble(), n.path("walBytes").asDouble(),
            n.path("httpBytesIn").asDouble(), n.path("httpBytesOut").asDouble(), n.path("allocatedBytes").asDouble(),
            n.path("heapPerInFlightBytes").asDouble(), r.path("redisCommands").asDouble(),
            r.path("redisUsec").asDouble(), r.path("redisBytesIn").asDouble() + r.path("redisBytesOut").asDouble()));
      }
      JsonNode machine = root.path("machine");
      String on = String.format(Locale.ROOT, "%s cores, %s, PostgreSQL %s, load average %s at start, %s",
          machine.path("cores").asText(), machine.path("java").asText(), machine.path("postgres").asText(),
          machine.path("loadAverageAtStart").asText(), root.path("startedAt").asText());
      Map<Outcome, CycleCost> perCycle = CycleCost.read(root.path("cycleCosts"));
      cpuFromCycles(root.path("cycleCosts"), perCycle, m, extras);
      return new UnitCosts(setup.path("eventsPerFeed").asInt(50), m, on, extras, perCycle);
    }

    /**
     * The JVM's CPU per sync from the cycles' slope where they were measured: the worker's, and the
     * feed server's as the rest of the JVM's. The per-sync pass measures a sync through the
     * byte-counting relay (it counts HTTP bytes), and the relay's hop makes every request dearer for the
     * client and the feed server too: fewer requests wait for each wake-up of their event loops (a
     * 304's worker CPU came out 20 % higher there, its feed server's 30 %). The cycles run without
     * the relay, as a worker runs and as the load test runs. The pass's figures stay beside them
     * ({@code passWorkerCpuMs}, {@code passFeedServerCpuMs}); a slope at or below zero (noise) keeps them.
     */
    private static void cpuFromCycles(JsonNode cycleCosts, Map<Outcome, CycleCost> perCycle,
        Map<Outcome, UnitCost> costs, Map<Outcome, Map<String, Double>> extras) {
      for (Outcome o : Outcome.values()) {
        CycleCost k = perCycle.get(o);
        UnitCost c = costs.get(o);
        if (k == null || !k.measured() || c == null) {
          continue;
        }
        // CycleCost keeps the JVM's slope; the worker's share of it is read here, its one reader
        double worker = cycleCosts.path("outcomes").path(o.key).path("perSync").path("workerCpuMs").asDouble(0);
        double jvm = k.perSyncJvmCpuMs();
        if (worker <= 0 || jvm < worker) {
          continue;
        }
        extras.get(o).put("passWorkerCpuMs", c.workerCpuMs());
        extras.get(o).put("passFeedServerCpuMs", c.rigCpuMs());
        costs.put(o, c.withCpu(worker, jvm - worker));
      }
    }
  }

  /**
   * What a cycle ({@code IcsSync.syncFeeds} over N feeds of one outcome, the prune after it) costs
   * besides its syncs, and the marginal cost of a sync within it, as {@link UnitCostMeasurement}
   * measures them: cycles of two or more sizes, several of each, a least-squares line through cost
   * against size per outcome; the intercept is the fixed cost of a cycle (the feeds' chunked
   * read-ahead that a small cycle does not fill, the last flush of held states, the prune, waking the
   * worker threads and waiting for the slowest), the slope the marginal cost of a sync. Milliseconds.
   * The intercepts are read at zero or more: a negative one is the noise of two large numbers'
   * difference, not a saving.
   *
   * @param fixedWallMs elapsed time of a cycle besides its syncs
   * @param fixedJvmCpuMs CPU of the JVM that ran the cycle (engine and the rig's feed server, as the
   *     load test's JVM: JIT compiler and byte-counting relays excluded) besides its syncs
   * @param fixedWorkerCpuMs the same without the feed server: what a worker pays per cycle
   * @param fixedDbCpuMs PostgreSQL backend CPU of a cycle besides its syncs
   * @param perSyncWallMs elapsed time a sync adds to a cycle, at {@code threads} worker threads on
   *     this box (the slope; worker, feed server and PostgreSQL share its cores)
   * @param perSyncJvmCpuMs JVM CPU a sync adds (the slope: a cross-check of the per-sync costs)
   * @param perSyncDbCpuMs backend CPU a sync adds (the slope)
   * @param threads worker threads of the measured cycles (0: not measured)
   * @param freshWallMs elapsed time a cycle adds when it starts on new database connections (empty
   *     catalogue caches and prepared statements in every backend), as a worker's first cycle does;
   *     a worker's connections live on from cycle to cycle, so a fleet does not pay it
   * @param freshJvmCpuMs JVM CPU the same adds
   * @param freshDbCpuMs PostgreSQL backend CPU the same adds
   */
  record CycleCost(double fixedWallMs, double fixedJvmCpuMs, double fixedWorkerCpuMs, double fixedDbCpuMs,
      double perSyncWallMs, double perSyncJvmCpuMs, double perSyncDbCpuMs, int threads, double freshWallMs,
      double freshJvmCpuMs, double freshDbCpuMs) {

    static final CycleCost NONE = new CycleCost(0, 0, 0, 0, 0, 0, 0, 0);

    /** Without a cost of new connections (a unit-costs.json that did not measure one). */
    CycleCost(double fixedWallMs, double fixedJvmCpuMs, double fixedWorkerCpuMs, double fixedDbCpuMs,
        double perSyncWallMs, double perSyncJvmCpuMs, double perSyncDbCpuMs, int threads) {
      this(fixedWallMs, fixedJvmCpuMs, fixedWorkerCpuMs, fixedDbCpuMs, perSyncWallMs, perSyncJvmCpuMs,
          perSyncDbCpuMs, threads, 0, 0, 0);
    }

    boolean measured() {
      return threads > 0;
    }

    /** Reads {@code cycleCosts.outcomes} of unit-costs.json; empty when the file has none. */
    static Map<Outcome, CycleCost> read(JsonNode cycleCosts) {
      Map<Outcome, CycleCost> m = new EnumMap<>(Outcome.class);
      int threads = cycleCosts.path("threads").asInt(0);
      for (Outcome o : Outcome.values()) {
        JsonNode n = cycleCosts.path("outcomes").path(o.key);
        JsonNode fixed = n.path("fixed");
        JsonNode slope = n.path("perSync");
        if (!fixed.isObject() || !slope.isObject() || threads <= 0) {
          continue;
        }
        // absent (an older file): zero; below zero: the noise of a difference, not a saving
        JsonNode fresh = n.path("freshConnections");
        m.put(o, new CycleCost(Math.max(0, fixed.path("wallMs").asDouble()),
            Math.max(0, fixed.path("jvmCpuMs").asDouble()), Math.max(0, fixed.path("workerCpuMs").asDouble()),
            Math.max(0, fixed.path("pgCpuMs").asDouble()), slope.path("wallMs").asDouble(),
            slope.path("jvmCpuMs").asDouble(), slope.path("pgCpuMs").asDouble(), threads,
            Math.max(0, fresh.path("wallMs").asDouble(0)), Math.max(0, fresh.path("jvmCpuMs").asDouble(0)),
            Math.max(0, fresh.path("pgCpuMs").asDouble(0))));
      }
      return m;
    }
  }

  /**
   * A least-squares line {@code y = intercept + slope x}: through cycle costs ({@code y}) against
   * cycle sizes ({@code x}), the intercept is the fixed cost of a cycle and the slope the marginal
   * cost of one sync. Needs two distinct sizes.
   */
  record Line(double intercept, double slope) {
    static Line fit(double[] x, double[] y) {
      if (x.length != y.length || x.length < 2) {
        throw new IllegalArgumentException("a line needs two points or more, of as many sizes as costs");
      }
      double mx = 0;
      double my = 0;
      for (int i = 0; i < x.length; i++) {
        mx += x[i];
        my += y[i];
      }
      mx /= x.length;
      my /= x.length;
      double sxy = 0;
      double sxx = 0;
      for (int i = 0; i < x.length; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
      }
      if (sxx == 0) {
        throw new IllegalArgumentException("a line needs cycles of two sizes or more");
      }
      double slope = sxy / sxx;
      return new Line(my - slope * mx, slope);
    }
  }

  /**
   * A fleet of feeds.
   *
   * @param feeds feeds polled
   * @param interval poll interval of every feed
   * @param changeRate share of polls that bring a changed calendar
   * @param notModifiedShare share of the other polls answered 304 (the rest send the same body again)
   * @param newFeedsPerDay share of the feeds added per day (each costs one first sync)
   * @param eventsPerFeed events in a feed's body
   * @param feedsPerTenant feeds of one tenant (a property manager), for network per tenant
   * @param largestHostShare share of the feeds served by the busiest host (one channel's domain)
   * @param hostLatency time a feed host takes to answer (the worker holds the sync meanwhile)
   */
  record Fleet(long feeds, Duration interval, double changeRate, double notModifiedShare, double newFeedsPerDay,
      int eventsPerFeed, long feedsPerTenant, double largestHostShare, Duration hostLatency) {

    static Fleet of(long feeds, Duration interval) {
      return new Fleet(feeds, interval, 0.02, 0.5, 0.005, 50, 300, 0.4, Duration.ofMillis(300));
    }

    Fleet withFeeds(long value) {
      return new Fleet(value, interval, changeRate, notModifiedShare, newFeedsPerDay, eventsPerFeed, feedsPerTenant,
          largestHostShare, hostLatency);
    }

    double syncsPerSecond() {
      return feeds / (interval.toMillis() / 1000.0);
    }

    /** Share of syncs by outcome; sums to 1. */
    Map<Outcome, Double> mix() {
      double first = Math.min(1, newFeedsPerDay * interval.toMillis() / 86_400_000.0);
      double changed = Math.min(1 - first, changeRate);
      double rest = 1 - first - changed;
      Map<Outcome, Double> m = new EnumMap<>(Outcome.class);
      m.put(Outcome.FIRST_SYNC, first);
      m.put(Outcome.CHANGED, changed);
      m.put(Outcome.NOT_MODIFIED, rest * notModifiedShare);
      m.put(Outcome.UNCHANGED_BODY, rest * (1 - notModifiedShare));
      return m;
    }

    /** The mean cost of one of this fleet's syncs. */
    UnitCost meanCost(UnitCosts costs) {
      UnitCost sum = UnitCost.ZERO;
      for (Map.Entry<Outcome, Double> e : mix().entrySet()) {
        sum = sum.plus(costs.scaled(e.getKey(), eventsPerFeed).times(e.getValue()));
      }
      return sum;
    }
  }

  /**
   * A deployment. Limits not measured here are assumptions with defaults: a primary on NVMe with
   * group commit sustains {@code maxWriteCommitsPerSecond} synchronous write commits and {@code
   * maxWalMBps} of WAL; a worker's NIC carries {@code nicMBps}.
   *
   * @param workers worker JVMs
   * @param coresPerWorker cores of each
   * @param heapPerWorkerMb heap of each
   * @param dbCores cores of the PostgreSQL primary
   * @param replicas streaming replicas (exports, dashboards; syncs write and fence on the primary)
   * @param partitions tenant-hash partitions of the events table (1: not partitioned)
   * @param poolPerWorker connections of each worker's pool
   * @param maxConnections the primary's max_connections
   * @param maxWriteCommitsPerSecond write commits per second the primary sustains
   * @param maxWalMBps WAL MB per second the primary (and its replicas' replay) sustains
   * @param nicMBps network MB per second of a worker
   * @param hostRequestsPerSecondPerWorker requests per second one worker sends to one host (the
   *     fetcher's politeness: 1 / minIntervalPerHost, default 100 ms)
   * @param redisCores cores of Redis (one: it runs commands on one thread)
   * @param targetUtilization utilisation at which a resource counts as full (headroom for bursts)
   * @param dbRoundTripMs network round trip to the primary
   * @param commitFlushMs time a write commit waits for its WAL flush
   * @param cyclePeriodSeconds how often a worker starts a cycle over the feeds due meanwhile (the
   *     scheduler's polling interval, 10 s by default); a worker with fewer syncs than that runs a
   *     cycle per sync. Each cycle pays the fixed cost of {@link CycleCost}
   */
  record Deployment(int workers, int coresPerWorker, int heapPerWorkerMb, int dbCores, int replicas, int partitions,
      int poolPerWorker, int maxConnections, double maxWriteCommitsPerSecond, double maxWalMBps, double nicMBps,
      double hostRequestsPerSecondPerWorker, double redisCores, double targetUtilization, double dbRoundTripMs,
      double commitFlushMs, double cyclePeriodSeconds) {

    static Deployment of(int workers, int coresPerWorker, int dbCores) {
      return new Deployment(workers, coresPerWorker, 2048, dbCores, 0, 1, 10, 500, 10_000, 100, 125, 10, 1, 0.7,
          0.3, 1.0, 10);
    }

    Deployment with(int workersValue, int dbCoresValue, int replicasValue, int partitionsValue, int poolValue) {
      return new Deployment(workersValue, coresPerWorker, heapPerWorkerMb, dbCoresValue, replicasValue,
          partitionsValue, poolValue, maxConnections, maxWriteCommitsPerSecond, maxWalMBps, nicMBps,
          hostRequestsPerSecondPerWorker, redisCores, targetUtilization, dbRoundTripMs, commitFlushMs,
          cyclePeriodSeconds);
    }

    Deployment withCyclePeriod(double seconds) {
      if (!(seconds > 0)) {
        throw new IllegalArgumentException("cyclePeriodSeconds must be positive, was " + seconds);
      }
      return new Deployment(workers, coresPerWorker, heapPerWorkerMb, dbCores, replicas, partitions, poolPerWorker,
          maxConnections, maxWriteCommitsPerSecond, maxWalMBps, nicMBps, hostRequestsPerSecondPerWorker, redisCores,
          targetUtilization, dbRoundTripMs, commitFlushMs, seconds);
    }

    /**
     * Cycles a worker runs per second: one per cycle period while it has at least one sync per
     * period, else one per sync.
     */
    double cyclesPerSecondPerWorker(double syncsPerSecondPerWorker) {
      return Math.min(1 / cyclePeriodSeconds, syncsPerSecondPerWorker);
    }

    /**
     * The smallest deployment of this shape that keeps worker CPU, worker heap, database CPU and the
     * pools under the target utilisation for {@code fleet}: workers (at least 2, for availability),
     * primary cores (a power of two, at least 4), pool per worker, a replica from 100,000 feeds,
     * tenant-hash partitions (16, as the optional migration makes them) from 20 million stored events.
     */
    Deployment sizedFor(Fleet fleet, UnitCosts costs) {
      UnitCost c = fleet.meanCost(costs);
      double r = fleet.syncsPerSecond();
      int w = Math.max(2, (int) Math.ceil(r * c.workerCpuMs() / 1000 / (coresPerWorker * targetUtilization)));
      for (int i = 0; i < 1000; i++) {
        Prediction p = predict(fleet, costs, with(w, dbCores, replicas, partitions, poolPerWorker));
        if (p.heapMbPerWorker() <= heapPerWorkerMb * targetUtilization
            && p.workerCores() <= w * coresPerWorker * targetUtilization) {
          break;
        }
        w++;
      }
      double dbDemand = predict(fleet, costs, with(w, dbCores, replicas, partitions, poolPerWorker)).dbCores();
      int db = 4;
      while (dbDemand > db * targetUtilization) {
        db *= 2;
      }
      double perWorker = r / w;
      int pool = Math.max(4, (int) Math.ceil(perWorker * dbMsPerSync(c) / 1000 / 0.5) + 2);
      int parts = fleet.feeds() * fleet.eventsPerFeed() >= 20_000_000 ? 16 : 1;
      int reps = fleet.feeds() >= 100_000 ? 1 : 0;
      return with(w, db, reps, parts, pool);
    }

    /** Time a sync holds a connection: round trips, commit flushes and the backend's CPU. */
    double dbMsPerSync(UnitCost c) {
      return c.statements() * dbRoundTripMs + c.writeTransactions() * commitFlushMs + c.dbCpuMs();
    }
  }

  /** A resource that can saturate. */
  enum Resource {
    WORKER_CPU("worker CPU", true),
    WORKER_HEAP("worker heap (in-flight syncs)", true),
    // channels rate-limit by client IP: the limit is theirs, more egress IPs (workers) move it, code does not
    HOST_POLITENESS("requests per worker IP to the busiest feed host (politeness, 10/s)", false),
    DB_CPU("PostgreSQL primary CPU", true),
    DB_COMMITS("PostgreSQL write commits/s", true),
    DB_WAL("PostgreSQL WAL MB/s", true),
    DB_CONNECTIONS("PostgreSQL connections", true),
    REDIS_CPU("Redis (one thread)", true),
    WORKER_NETWORK("worker network (feed bodies)", false);

    final String label;
    /** Whether ics-sync's code or defaults set the demand (else the feeds' own bytes do). */
    final boolean codeCanMove;

    Resource(String label, boolean codeCanMove) {
      this.label = label;
      this.codeCanMove = codeCanMove;
    }
  }

  /** What the model predicts for a fleet on a deployment. */
  record Prediction(Fleet fleet, Deployment deployment, UnitCost meanCost, double syncsPerSecond,
      double syncsPerSecondPerWorker, double cyclesPerSecondPerWorker, double workerCores, double inFlightPerWorker, double heapMbPerWorker,
      double dbCores, double writeCommitsPerSecond, double pgTransactionsPerSecond, double statementsPerSecond,
      double rowsWrittenPerSecond, double walMBps, double connectionsPerWorkerBusy, int connectionsTotal,
      double ingressMBps, double egressMBps, double networkKBpsPerTenant, double busiestHostRequestsPerSecond,
      double redisCommandsPerSecond, double redisCpu, long storedEvents, long storedEventsPerPartition,
      Map<Resource, Double> utilization) {

    /** The resource with the highest utilisation. */
    Resource firstToSaturate() {
      return top(false);
    }

    /** The busiest resource whose demand ics-sync's code or defaults set. */
    Resource firstCodeCanMove() {
      return top(true);
    }

    private Resource top(boolean codeOnly) {
      Resource best = null;
      for (Map.Entry<Resource, Double> e : utilization.entrySet()) {
        if ((!codeOnly || e.getKey().codeCanMove) && (best == null || e.getValue() > utilization.get(best))) {
          best = e.getKey();
        }
      }
      return best;
    }
  }

  /**
   * The fixed cost of a cycle of this fleet's mix of outcomes: each outcome's fixed cost weighted by
   * its share of the syncs (a cycle of mixed outcomes is taken to cost what its outcomes' cycles cost
   * in proportion: an approximation, as a cycle pays its fixed cost once).
   */
  static CycleCost meanCycleCost(Fleet fleet, UnitCosts costs) {
    double wall = 0;
    double jvm = 0;
    double worker = 0;
    double db = 0;
    int threads = 0;
    for (Map.Entry<Outcome, Double> e : fleet.mix().entrySet()) {
      CycleCost k = costs.cycle(e.getKey());
      wall += k.fixedWallMs() * e.getValue();
      jvm += k.fixedJvmCpuMs() * e.getValue();
      worker += k.fixedWorkerCpuMs() * e.getValue();
      db += k.fixedDbCpuMs() * e.getValue();
      threads = Math.max(threads, k.threads());
    }
    return new CycleCost(wall, jvm, worker, db, 0, 0, 0, threads);
  }

  /** Predicts {@code fleet} on {@code d} from {@code costs}. */
  static Prediction predict(Fleet fleet, UnitCosts costs, Deployment d) {
    UnitCost c = fleet.meanCost(costs);
    double r = fleet.syncsPerSecond();
    double perWorker = r / d.workers();
    // the fixed cost of a cycle, paid by every worker once per cycle on top of its syncs' costs
    double cycles = d.cyclesPerSecondPerWorker(perWorker);
    CycleCost k = meanCycleCost(fleet, costs);
    double workerCores = r * c.workerCpuMs() / 1000 + d.workers() * cycles * k.fixedWorkerCpuMs() / 1000;
    double dbMs = d.dbMsPerSync(c);
    // Little's law: a sync is in flight while the host answers, while it computes and while it waits on the database
    double holdSeconds = fleet.hostLatency().toMillis() / 1000.0 + (c.workerCpuMs() + dbMs) / 1000;
    double inFlight = perWorker * holdSeconds;
    double heapMb = 256 + inFlight * c.heapBytes() / 1048576.0; // 256 MB: the engine, pools and caches at rest
    double dbCores = r * c.dbCpuMs() / 1000 + d.workers() * cycles * k.fixedDbCpuMs() / 1000;
    double commits = r * c.writeTransactions();
    double wal = r * c.walBytes() / 1e6;
    double connBusy = perWorker * dbMs / 1000;
    int connections = d.workers() * d.poolPerWorker();
    double ingress = r * c.httpBytesIn() / 1e6;
    double egress = r * c.httpBytesOut() / 1e6;
    double perTenant = fleet.feedsPerTenant() / (fleet.interval().toMillis() / 1000.0)
        * (c.httpBytesIn() + c.httpBytesOut()) / 1000;
    double hostRps = r * fleet.largestHostShare();
    double redisOps = r * c.redisCommands();
    double redisCpu = r * c.redisUsec() / 1e6;
    long stored = fleet.feeds() * fleet.eventsPerFeed();

    Map<Resource, Double> u = new EnumMap<>(Resource.class);
    u.put(Resource.WORKER_CPU, workerCores / (d.workers() * (double) d.coresPerWorker()));
    u.put(Resource.WORKER_HEAP, heapMb / d.heapPerWorkerMb());
    u.put(Resource.HOST_POLITENESS, hostRps / (d.workers() * d.hostRequestsPerSecondPerWorker()));
    u.put(Resource.DB_CPU, dbCores / d.dbCores());
    u.put(Resource.DB_COMMITS, commits / d.maxWriteCommitsPerSecond());
    u.put(Resource.DB_WAL, wal / d.maxWalMBps());
    // connections: every worker's pool (sized to be at most half busy) must fit under max_connections
    u.put(Resource.DB_CONNECTIONS, Math.max(connBusy * 2 * d.workers(), connections) / (double) d.maxConnections());
    u.put(Resource.REDIS_CPU, redisCpu / d.redisCores());
    u.put(Resource.WORKER_NETWORK, (ingress + egress) / d.workers() / d.nicMBps());
    return new Prediction(fleet, d, c, r, perWorker, cycles, workerCores, inFlight, heapMb, dbCores, commits,
        r * c.pgTransactions(), r * c.statements(), r * c.rowsWritten(), wal, connBusy, connections, ingress, egress,
        perTenant, hostRps, redisOps, redisCpu, stored, stored / Math.max(1, d.partitions()), u);
  }

  // ---------------------------------------------------------------------------------- validation

  /**
   * One measured cycle of the load test beside the model's prediction. {@code measuredJvmCpu} is the
   * load test's JVM CPU without its JIT compiler threads' ({@code measuredJitCpu}, shown apart), as the
   * unit costs count it.
   */
  record Check(long feeds, String cycle, Outcome outcome, double measuredSeconds, double predictedSeconds,
      double measuredJvmCpu, double predictedJvmCpu, double measuredPgCpu, double predictedPgCpu,
      double measuredRows, double predictedRows, double measuredJitCpu) {

    static double error(double predicted, double measured) {
      return measured == 0 ? (predicted == 0 ? 0 : Double.POSITIVE_INFINITY) : (predicted - measured) / measured;
    }

    double worstError() {
      return Math.max(Math.max(Math.abs(error(predictedSeconds, measuredSeconds)),
          Math.abs(error(predictedJvmCpu, measuredJvmCpu))), Math.max(Math.abs(error(predictedPgCpu, measuredPgCpu)),
          Math.abs(error(predictedRows, measuredRows))));
    }
  }

  /** Cycle names of the load test's scale rows and the outcome each one measures. */
  static final Map<String, Outcome> LOAD_CYCLES = Map.of(
      "cold", Outcome.FIRST_SYNC,
      "first sync, warm", Outcome.FIRST_SYNC,
      "all 304", Outcome.NOT_MODIFIED,
      "unchanged body, no validators", Outcome.UNCHANGED_BODY);

  /**
   * Whether the load test says which of its rows are warm (its cycles carry {@code warm}: the JVM had
   * synced a warm-up set of that kind of sync first); older files do not.
   */
  static boolean marksWarmRows(JsonNode load) {
    for (JsonNode point : load.path("scale")) {
      for (JsonNode cycle : point.path("cycles")) {
        if (cycle.has("warm")) {
          return true;
        }
      }
    }
    return false;
  }

  /** The load test's scale rows of a modelled outcome that were measured cold, as "feeds x cycle". */
  static List<String> coldRows(JsonNode load) {
    List<String> out = new ArrayList<>();
    if (!marksWarmRows(load)) {
      return out;
    }
    for (JsonNode point : load.path("scale")) {
      for (JsonNode cycle : point.path("cycles")) {
        if (outcomeOf(cycle) != null && !cycle.path("warm").asBoolean()) {
          out.add(String.format(Locale.ROOT, "%,d x %s", point.path("feeds").asLong(), cycle.path("cycle").asText()));
        }
      }
    }
    return out;
  }

  private static Outcome outcomeOf(JsonNode cycle) {
    // repeated cycles are named "all 304 #2", ...
    return LOAD_CYCLES.get(cycle.path("cycle").asText().replaceFirst(" #\\d+$", ""));
  }

  /**
   * Predicts the load test's own scale rows from the unit costs. The load test runs the worker, the
   * feed server and PostgreSQL on one box of {@code cores} cores; a cycle of N syncs of one outcome
   * is predicted by {@link #predictCycle}.
   *
   * <p>The unit costs are a warm worker's (measured after a warm-up), so only the load test's warm
   * rows are compared with them: the rows whose {@code warm} is true. A load.json that marks no row
   * (an older load test) has every row compared.
   *
   * <p>The load test counts each cycle's rows from the statistics collector. On PostgreSQL 15 and
   * later each pooled backend hands its counts in on demand and stays open ({@code machine}'s {@code
   * rowCountsKeepConnections} is true), and every row ran on warm connections. Otherwise (an older
   * server, or an older load.json without the field) it closed the pool's connections first, every
   * row started on new ones, and each row is predicted with that cost ({@code freshConnections}).
   */
  static List<Check> validate(JsonNode load, UnitCosts costs, int cores) {
    List<Check> out = new ArrayList<>();
    boolean onlyWarm = marksWarmRows(load);
    boolean freshConnections = !load.path("machine").path("rowCountsKeepConnections").asBoolean(false);
    for (JsonNode point : load.path("scale")) {
      long feeds = point.path("feeds").asLong();
      int events = point.path("eventsPerFeed").asInt(costs.eventsPerFeed());
      for (JsonNode cycle : point.path("cycles")) {
        Outcome o = outcomeOf(cycle);
        if (o == null || onlyWarm && !cycle.path("warm").asBoolean()) {
          continue;
        }
        CyclePrediction p = predictCycle(costs, o, feeds, events, cycle.path("concurrency").asInt(0), cores,
            freshConnections);
        JsonNode rows = cycle.path("dbRows");
        double measuredRows = rows.path("inserted").asDouble() + rows.path("updated").asDouble()
            + rows.path("deleted").asDouble();
        // the JIT compiler's CPU is a start-up cost the unit costs leave out of the worker's CPU; the
        // load test reads it apart (jitCpuSeconds, absent from older files: nothing taken off)
        double jit = Math.max(0, cycle.path("jitCpuSeconds").asDouble(0));
        out.add(new Check(feeds, cycle.path("cycle").asText(), o, cycle.path("seconds").asDouble(), p.seconds(),
            cycle.path("jvmCpuSeconds").asDouble() - jit, p.jvmCpuSeconds(), cycle.path("postgresCpuSeconds").asDouble(),
            p.pgCpuSeconds(), measuredRows, p.rows(), jit));
      }
    }
    return out;
  }

  /** A cycle of the load test as the model predicts it, in seconds and rows. */
  record CyclePrediction(double seconds, double jvmCpuSeconds, double pgCpuSeconds, double rows) {}

  /**
   * One cycle of {@code feeds} syncs of {@code outcome} on one box of {@code cores} cores that runs
   * worker, feed server and PostgreSQL (the load test's): the fixed cost of a cycle plus the
   * marginal cost of each sync.
   *
   * <ul>
   *   <li>JVM CPU = fixed JVM CPU of a cycle + N x (worker + feed server CPU per sync);
   *   <li>PostgreSQL CPU = fixed backend CPU of a cycle + N x backend CPU per sync;
   *   <li>wall time = fixed wall time of a cycle + N x the wall time a sync adds to a cycle, as
   *       measured at the same worker threads ({@code concurrency}) on the same box; when the cycle
   *       ran at other threads, or its feeds are of another size than the measured ones, or the unit
   *       costs have no cycles of two sizes, the cycle is taken as CPU-bound: N x (JVM + PostgreSQL CPU
   *       per sync) / cores on top of the fixed wall time;
   *   <li>rows = N x rows per sync.
   * </ul>
   *
   * Without measured cycle costs (an older unit-costs.json) the fixed terms are zero: the purely
   * per-sync model of before. The cycle runs on warm connections; see {@link #predictCycle(UnitCosts,
   * Outcome, long, int, int, int, boolean)} for one that starts on new ones.
   */
  static CyclePrediction predictCycle(UnitCosts costs, Outcome outcome, long feeds, int events, int concurrency,
      int cores) {
    return predictCycle(costs, outcome, feeds, events, concurrency, cores, false);
  }

  /**
   * {@link #predictCycle(UnitCosts, Outcome, long, int, int, int)}, and with {@code freshConnections}
   * the cycle starts on new database connections, as each of the load test's counted cycles did when
   * counting its rows closed the pool (a server older than PostgreSQL 15): the measured cost of that
   * ({@link CycleCost#freshWallMs} and the rest) is added.
   */
  static CyclePrediction predictCycle(UnitCosts costs, Outcome outcome, long feeds, int events, int concurrency,
      int cores, boolean freshConnections) {
    UnitCost c = costs.scaled(outcome, events);
    CycleCost k = costs.cycle(outcome);
    double jvmPerSync = (c.workerCpuMs() + c.rigCpuMs()) / 1000;
    double pgPerSync = c.dbCpuMs() / 1000;
    boolean sameCycle = k.measured() && events == costs.eventsPerFeed()
        && (concurrency <= 0 || concurrency == k.threads());
    double wallPerSync = sameCycle ? k.perSyncWallMs() / 1000 : (jvmPerSync + pgPerSync) / cores;
    double fresh = freshConnections ? 1 : 0;
    return new CyclePrediction((k.fixedWallMs() + fresh * k.freshWallMs()) / 1000 + feeds * wallPerSync,
        (k.fixedJvmCpuMs() + fresh * k.freshJvmCpuMs()) / 1000 + feeds * jvmPerSync,
        (k.fixedDbCpuMs() + fresh * k.freshDbCpuMs()) / 1000 + feeds * pgPerSync,
        feeds * c.rowsWritten());
  }

  // ---------------------------------------------------------------------------------------- main

  public static void main(String[] args) {
    try {
      Map<String, String> a = options(args);
      UnitCosts costs = UnitCosts.read(Path.of(a.getOrDefault("--unit-costs",
          "ics-sync-bench/target/results/unit-costs.json")));
      Duration interval = parseDuration(a.getOrDefault("--interval", "15m"));
      Fleet base = Fleet.of(0, interval);
      base = new Fleet(0, interval,
          Double.parseDouble(a.getOrDefault("--change-rate", String.valueOf(base.changeRate()))),
          Double.parseDouble(a.getOrDefault("--not-modified-share", String.valueOf(base.notModifiedShare()))),
          Double.parseDouble(a.getOrDefault("--new-feeds-per-day", String.valueOf(base.newFeedsPerDay()))),
          Integer.parseInt(a.getOrDefault("--events", String.valueOf(base.eventsPerFeed()))),
          Long.parseLong(a.getOrDefault("--feeds-per-tenant", String.valueOf(base.feedsPerTenant()))),
          Double.parseDouble(a.getOrDefault("--largest-host-share", String.valueOf(base.largestHostShare()))),
          Duration.ofMillis(Long.parseLong(a.getOrDefault("--host-latency-ms", "300"))));
      List<Long> sizes = new ArrayList<>();
      for (String s : a.getOrDefault("--feeds", "10000,100000,1000000").split(",")) {
        sizes.add(Long.parseLong(s.trim().replace("_", "")));
      }
      Deployment shape = Deployment.of(2, Integer.parseInt(a.getOrDefault("--cores-per-worker", "4")), 4)
          .withCyclePeriod(parseDuration(a.getOrDefault("--cycle-period", "10s")).toMillis() / 1000.0);
      List<Prediction> predictions = new ArrayList<>();
      for (long feeds : sizes) {
        Fleet fleet = base.withFeeds(feeds);
        predictions.add(predict(fleet, costs, shape.sizedFor(fleet, costs)));
      }
      List<Check> checks = List.of();
      String loadJson = a.get("--load-json");
      JsonNode load = null;
      if (loadJson != null && Files.exists(Path.of(loadJson))) {
        load = new ObjectMapper().readTree(Path.of(loadJson).toFile());
        checks = validate(load, costs, load.path("machine").path("cores").asInt(
            Runtime.getRuntime().availableProcessors()));
      }
      String markdown = ScalingReport.markdown(costs, base, predictions, checks, load,
          a.getOrDefault("--command", "ics-sync-bench/run-capacity.sh"));
      Path out = Path.of(a.getOrDefault("--out", "SCALING.md"));
      Files.writeString(out, markdown, StandardCharsets.UTF_8);
      if (a.containsKey("--json")) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("predictions", predictions.stream().map(ScalingReport::json).toList());
        json.put("validation", checks);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(Path.of(a.get("--json")).toFile(),
            json);
      }
      System.out.println(ScalingReport.summary(predictions, checks));
      System.out.println("wrote " + out);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
    } catch (IOException e) {
      System.err.println(e);
      System.exit(1);
    }
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("usage: CapacityModel [--unit-costs FILE] [--load-json FILE] [--feeds LIST]"
            + " [--interval 15m] [--change-rate X] [--not-modified-share X] [--new-feeds-per-day X] [--events N]"
            + " [--feeds-per-tenant N] [--largest-host-share X] [--host-latency-ms N] [--cores-per-worker N]"
            + " [--cycle-period 10s]"
            + " [--out FILE] [--json FILE] [--command TEXT]; bad argument: " + args[i]);
      }
      m.put(args[i], args[++i]);
    }
    return m;
  }

  /** {@code 15m}, {@code 1h}, {@code 90s}, or an ISO-8601 duration. */
  static Duration parseDuration(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (t.startsWith("p")) {
      return Duration.parse(s.trim().toUpperCase(Locale.ROOT));
    }
    long v = Long.parseLong(t.substring(0, t.length() - 1));
    return switch (t.charAt(t.length() - 1)) {
      case 's' -> Duration.ofSeconds(v);
      case 'm' -> Duration.ofMinutes(v);
      case 'h' -> Duration.ofHours(v);
      default -> throw new IllegalArgumentException("interval: use 90s, 15m, 1h or ISO-8601, was " + s);
    };
  }
}

package dev.icssync.bench.capacity;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.icssync.Feed;
import dev.icssync.HistoryRetention;
import dev.icssync.IcsSync;
import dev.icssync.NextDue;
import dev.icssync.SyncConfig;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.bench.load.CapacityRig;
import dev.icssync.bench.load.CpuProbes;
import dev.icssync.bench.load.CountingDataSource;
import dev.icssync.cache.RedisCaches;
import dev.icssync.http.HttpFeedFetcher;
import dev.icssync.jdbc.JdbcStore;
import dev.icssync.spi.FeedFetcher;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadInfo;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Measures the unit costs of a sync on this machine, by outcome, and writes {@code unit-costs.json}
 * for {@link CapacityModel}. The rig is the load test's ({@link CapacityRig}: loopback feed server,
 * throw-away PostgreSQL database, 50-stay Airbnb-style feeds, four channels per property), the engine
 * is wired as the load test wires it (same history retention and parallelism) but over a
 * {@link CountingDataSource} and with the fetcher going through a {@link TcpMeter}; it syncs as the
 * load test does, as a host syncs a fleet ({@code IcsSync.syncFeeds}: the feeds and their states
 * read a few hundred at a time, the held states of 304s and unchanged bodies written in batches
 * before it returns; the history pruned by {@code pruneHistory()} at the end of each cycle, inside
 * the cycle's counters). After a warm-up,
 * one cycle per outcome syncs every feed once:
 *
 * <ol>
 *   <li>{@code firstSync}: new feeds, 200, every stay inserted;
 *   <li>{@code notModified}: the same feeds again, the server answers 304;
 *   <li>{@code unchangedBody}: the server sends no validators, the same body comes back (digest equal);
 *   <li>{@code changed}: one stay of every feed moved, a new ETag, the apply writes one event.
 * </ol>
 *
 * <p>Per cycle it reads: CPU of this JVM (process CPU minus the rig's own threads: feed server,
 * meters), CPU of the PostgreSQL backends of the pool ({@code /proc}, local server only), the
 * database's {@code pg_stat_database} counters (transactions, rows), WAL written
 * ({@code pg_current_wal_lsn}, cluster-wide: exact only when nothing else writes), statements,
 * checkouts and write transactions as the client sent them, bytes on the wire, heap allocated by the
 * syncs, and a bound of the heap one in-flight sync holds. A second, smaller pass wires the Redis
 * caches a fleet deployment uses (shared export cache, tenant limiter, host politeness) through a
 * counting relay and measures Redis commands, bytes and Redis server time per sync.
 *
 * <p>Whose CPU is whose. The rig's threads are split: the feed server's ({@code feedServerCpuMs})
 * and the byte-counting relay's ({@code relayCpuMs}; {@code rigCpuMs} is both). The model predicts
 * the load test's JVM CPU as worker + feed server, since the load test's JVM serves its feeds too;
 * it used to add the whole rig, relay included, and over-predicted the JVM CPU of the load test's
 * warm 304 cycles at 10,000 and 100,000 feeds (by +35 to +84 %). The relay exists only here (the
 * load test's fetcher talks to its feed server directly) and it weighs most on a 304: a thread per
 * direction per connection, woken for a request of a few hundred bytes and an answer of about a
 * hundred, a read and a write each way, so its CPU per sync is nearly the same for a 304 as for a
 * body, while the worker's own CPU for a 304 is the smallest of all outcomes (a smoke run put the
 * relay at about a third of the rig's CPU for a 304). The JIT compiler's CPU is left out of both
 * the worker's and the cycles' figures (a start-up cost). The load test reads it apart with the same
 * probe ({@link CpuProbes}) and the model compares its JVM CPU without it: its short warm-up leaves
 * the compiler busy during its small cycles, where it was up to half of their JVM CPU. Both wait for
 * the compiler to go idle before a timed cycle ({@link CpuProbes#awaitJitIdle}), and read the
 * backends' CPU from {@code /proc/<pid>/schedstat} ({@code LoadDatabase.backendCpuNanos}).
 *
 * <p>The fixed cost of a cycle. A cycle pays for more than its syncs: the chunked read-ahead of the
 * feeds with their states, the last flush of held states, the prune, waking the worker threads and
 * waiting for the slowest sync; on 100 feeds that is most of the cycle. It is measured apart from
 * the outcomes' pass and apart from the load test's rows the model is checked against ({@link
 * #cyclePass}): cycles of every outcome at two sizes (50 and 2,000 feeds; 20 and 200 with {@code
 * --quick}), four of each, the engine wired as the load test wires it, straight to the feed server,
 * its store behind the same counting data source as the load test's;
 * per outcome a least-squares line through wall time, JVM CPU and backend CPU against the cycle's
 * size gives the fixed cost per cycle (intercept) and the marginal cost per sync (slope), written to
 * {@code cycleCosts} in unit-costs.json.
 *
 * <pre>
 * java -Xms1g -Xmx1g -cp ics-sync-bench/target/benchmarks.jar dev.icssync.bench.capacity.UnitCostMeasurement \
 *     [--quick] [--feeds 10000] [--warmup 20000] [--events 50] [--threads 16] [--redis redis://127.0.0.1:6379 | none] \
 *     [--redis-feeds 200] [--cycle-sizes 50,2000 | none] [--cycle-repetitions 4] [--out ics-sync-bench/target/results]
 * </pre>
 */
public final class UnitCostMeasurement {
  private UnitCostMeasurement() {}

  static final String[] OUTCOMES = {"firstSync", "notModified", "unchangedBody", "changed"};

  record Options(boolean quick, int feeds, int events, int threads, String redis, int redisFeeds, int warmup,
      Path out, List<Integer> cycleSizes, int cycleRepetitions) {
    static Options parse(String... args) {
      boolean quick = List.of(args).contains("--quick");
      // the full run measures a warm worker, as a fleet's runs: 10,000 feeds per outcome after 20,000
      // warm-up syncs (2,000 after 1,000 gave per-sync CPU several times the load test's warm
      // 10,000-feed cycles, and the model that read them missed those rows by up to +140 %)
      int feeds = quick ? 200 : 10_000;
      int events = 50;
      int threads = 16;
      String redis = "redis://127.0.0.1:6379";
      int redisFeeds = quick ? 100 : 300;
      int warmup = quick ? 100 : 20_000;
      Path out = Path.of("ics-sync-bench/target/results");
      // the fixed cost of a cycle: cycles of a small and a large size (the load test's smallest point
      // is 100 feeds, its largest 100,000: these two sizes are neither, so the model is not fitted to
      // the rows it is checked against), several of each, interleaved
      List<Integer> cycleSizes = quick ? List.of(20, 200) : List.of(50, 2_000);
      int cycleRepetitions = quick ? 2 : 4;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--quick" -> { }
          case "--feeds" -> feeds = Integer.parseInt(args[++i]);
          case "--events" -> events = Integer.parseInt(args[++i]);
          case "--threads" -> threads = Integer.parseInt(args[++i]);
          case "--redis" -> redis = args[++i];
          case "--redis-feeds" -> redisFeeds = Integer.parseInt(args[++i]);
          case "--warmup" -> warmup = Integer.parseInt(args[++i]);
          case "--out" -> out = Path.of(args[++i]);
          case "--cycle-sizes" -> cycleSizes = sizes(args[++i]);
          case "--cycle-repetitions" -> cycleRepetitions = Integer.parseInt(args[++i]);
          default -> throw new IllegalArgumentException("unknown option " + a + "\nusage: UnitCostMeasurement [--quick]"
              + " [--feeds N] [--events N] [--threads N] [--redis URI|none] [--redis-feeds N] [--warmup N]"
              + " [--cycle-sizes N,N | none] [--cycle-repetitions N] [--out DIR]");
        }
      }
      if (!cycleSizes.isEmpty() && (cycleSizes.stream().distinct().count() < 2 || cycleRepetitions < 1)) {
        throw new IllegalArgumentException("--cycle-sizes needs two sizes or more (or none), --cycle-repetitions one"
            + " or more: the fixed cost of a cycle is the intercept of a line through cycles of different sizes");
      }
      return new Options(quick, feeds, events, threads, redis, redisFeeds, warmup, out, cycleSizes, cycleRepetitions);
    }

    private static List<Integer> sizes(String s) {
      if (s.equals("none")) {
        return List.of();
      }
      return java.util.Arrays.stream(s.split(",")).map(String::trim).map(Integer::parseInt).toList();
    }
  }

  public static void main(String[] args) {
    try {
      Options o = Options.parse(args);
      Path file = run(o, String.join(" ", args));
      System.out.println("wrote " + file);
      System.exit(0);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
    } catch (Exception | Error e) {
      e.printStackTrace();
      System.exit(1);
    }
  }

  static Path run(Options o, String argLine) throws Exception {
    Map<String, Object> result = new LinkedHashMap<>();
    int pool = Math.min(o.threads() + 4, 24); // as the load test sizes its pool
    try (CapacityRig rig = new CapacityRig(Math.max(4, Math.min(16, o.threads())), pool)) {
      result.put("machine", machine(rig));
      result.put("command", "java -cp ics-sync-bench/target/benchmarks.jar " + UnitCostMeasurement.class.getName() + " "
          + argLine);
      result.put("startedAt", Instant.now().toString());
      Map<String, Object> setup = new LinkedHashMap<>();
      setup.put("feeds", o.feeds());
      setup.put("eventsPerFeed", o.events());
      setup.put("channelsPerProperty", CapacityRig.channels().size());
      setup.put("workerThreads", o.threads());
      setup.put("dbPoolSize", pool);
      setup.put("note", "engine wired as the load test wires it, syncing batched, the held states flushed and the"
          + " history pruned at the end of each cycle, inside its counters; fetcher through a counting TCP relay; CPU of the"
          + " feed server and relay threads excluded from workerCpuMs and reported as rigCpuMs");
      result.put("setup", setup);

      try (Engine e = new Engine(rig, o.threads(), null)) {
        log("warm-up: %d feeds", o.warmup());
        List<Feed> warm = e.createFeeds("warm", "w", o.warmup(), o.events());
        for (int i = 0; i < 3; i++) { // every path: first sync, 304, changed, unchanged body
          e.run(warm);
          rig.bumpRevision();
          e.run(warm);
          rig.validators(false);
          e.run(warm);
          rig.validators(true);
        }
        rig.truncate();
        log("measuring %d feeds x %d events, %d threads", o.feeds(), o.events(), o.threads());
        result.put("outcomes", measureOutcomes(rig, e, o.feeds(), o.events(), o.threads(), "cap"));
      }
      if (!o.cycleSizes().isEmpty()) {
        result.put("cycleCosts", cyclePass(rig, o));
      }

      if (!o.redis().equals("none")) {
        Map<String, Object> redis = redisPass(rig, o);
        if (redis != null) {
          result.put("redis", redis);
        }
      }
    }
    result.put("finishedAt", Instant.now().toString());
    Files.createDirectories(o.out());
    Path file = o.out().resolve("unit-costs.json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), result);
    return file;
  }

  private static Map<String, Object> measureOutcomes(CapacityRig rig, Engine e, int count, int events, int threads,
      String tenant) {
    Map<String, Object> out = new LinkedHashMap<>();
    rig.validators(true);
    if ((rig.bumpRevision() & 1) == 1) {
      rig.bumpRevision(); // even revision: the original bodies
    }
    List<Feed> feeds = e.createFeeds(tenant, "f", count, events);
    out.put("firstSync", e.measure(feeds, SyncOutcome.APPLIED));
    out.put("notModified", e.measure(feeds, SyncOutcome.NOT_MODIFIED));
    rig.validators(false);
    out.put("unchangedBody", e.measure(feeds, SyncOutcome.UNCHANGED));
    rig.validators(true);
    rig.bumpRevision();
    out.put("changed", e.measure(feeds, SyncOutcome.APPLIED));
    rig.bumpRevision();
    return out;
  }

  /**
   * One timed cycle of {@link #cyclePass}, in seconds; {@code fresh}: started on new database
   * connections, as a worker's first cycle is.
   */
  record CycleSample(String outcome, int feeds, double seconds, double jvmCpuSeconds, double workerCpuSeconds,
      double pgCpuSeconds, double jitCpuSeconds, boolean fresh) {

    CycleSample(String outcome, int feeds, double seconds, double jvmCpuSeconds, double workerCpuSeconds,
        double pgCpuSeconds, double jitCpuSeconds) {
      this(outcome, feeds, seconds, jvmCpuSeconds, workerCpuSeconds, pgCpuSeconds, jitCpuSeconds, false);
    }
  }

  /**
   * Cycles of every outcome at two sizes or more, {@code o.cycleRepetitions()} of each, the sizes
   * interleaved so that both see the same machine; then a line through cost against size per
   * outcome ({@link #fitCycles}). The engine is wired as the load test wires it (no relay, no
   * counting data source) and its first round, at the largest size, is not measured (its HTTP
   * connections and the pool's are new). The JVM is warm: this runs after the outcomes' pass.
   *
   * <p>Each repetition also runs a set at the smallest size whose every cycle starts on new database
   * connections ({@link CapacityRig#reopenConnections}, as a worker that has just started, or
   * a load test that closes its pool to count rows on a server older than PostgreSQL 15). A new
   * backend has empty catalogue caches and no prepared statements, and the driver looks up the array
   * types again; a cycle of 10,000 feeds hardly notices, one of 100 does. The difference from the same
   * size's cycles on warm connections is {@code freshConnections}.
   */
  static Map<String, Object> cyclePass(CapacityRig rig, Options o) throws IOException {
    List<CycleSample> samples = new ArrayList<>();
    int largest = o.cycleSizes().stream().mapToInt(Integer::intValue).max().orElseThrow();
    int smallest = o.cycleSizes().stream().mapToInt(Integer::intValue).min().orElseThrow();
    try (Engine e = new Engine(rig, o.threads(), null, false)) {
      log("cycles of %s feeds, %d of each, to measure the fixed cost of a cycle; %d feeds on new connections too",
          o.cycleSizes(), o.cycleRepetitions(), smallest);
      cycleSet(rig, e, largest, o.events(), null, false);
      for (int rep = 0; rep < o.cycleRepetitions(); rep++) {
        for (int size : o.cycleSizes()) {
          cycleSet(rig, e, size, o.events(), samples, false);
        }
        cycleSet(rig, e, smallest, o.events(), samples, true);
      }
    } finally {
      rig.truncate();
    }
    return fitCycles(samples, o.threads(), o.events(), o.cycleRepetitions());
  }

  /**
   * A new set of {@code size} feeds through every outcome, one cycle each; with {@code fresh}, each
   * cycle starts on new database connections.
   */
  private static void cycleSet(CapacityRig rig, Engine e, int size, int events, @Nullable List<CycleSample> out,
      boolean fresh) {
    rig.truncate();
    rig.validators(true);
    List<Feed> feeds = e.createFeeds("cycle", "c", size, events);
    List<CycleSample> set = new ArrayList<>();
    set.add(e.timeCycle("firstSync", feeds, SyncOutcome.APPLIED, fresh));
    set.add(e.timeCycle("notModified", feeds, SyncOutcome.NOT_MODIFIED, fresh));
    rig.validators(false);
    set.add(e.timeCycle("unchangedBody", feeds, SyncOutcome.UNCHANGED, fresh));
    rig.validators(true);
    rig.bumpRevision();
    set.add(e.timeCycle("changed", feeds, SyncOutcome.APPLIED, fresh));
    if (out != null) {
      out.addAll(set);
      for (CycleSample c : set) {
        log("  %-13s %5d syncs %8.3f s  jvm cpu %.3f s  pg cpu %.3f s%s", c.outcome(), c.feeds(), c.seconds(),
            c.jvmCpuSeconds(), c.pgCpuSeconds(), fresh ? "  (new connections)" : "");
      }
    }
  }

  /**
   * Per outcome, least-squares lines through the cycles' wall time, JVM CPU (feed server included,
   * as the load test's JVM), worker CPU (without it) and PostgreSQL CPU against their size: the
   * intercept is the fixed cost of a cycle ({@code fixed}), the slope the marginal cost of a sync
   * ({@code perSync}), both in milliseconds. PostgreSQL CPU is left out when it could not be read.
   * The lines go through the cycles on warm connections only; the cycles on new ones give {@code
   * freshConnections}: their mean less the mean of the same size's cycles on warm connections.
   */
  static Map<String, Object> fitCycles(List<CycleSample> samples, int threads, int events, int repetitions) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("threads", threads);
    m.put("eventsPerFeed", events);
    m.put("sizes", samples.stream().filter(c -> !c.fresh()).map(CycleSample::feeds).distinct().sorted().toList());
    m.put("repetitions", repetitions);
    m.put("method", "IcsSync.syncFeeds over N feeds of one outcome and the prune after it, engine wired as the load"
        + " test wires it (no relay, its store behind the same counting data source), timed as the load test times a"
        + " cycle (JIT compiler idle first, its CPU left out), after the outcomes' pass (warm JVM); per outcome a"
        + " least-squares line through cost against N: fixed = intercept (ms per cycle), perSync = slope (ms per"
        + " sync); JVM CPU is the process's without the JIT compiler threads, feed server included (as the load"
        + " test's JVM), worker CPU without the feed server; freshConnections = the mean of cycles of the smallest"
        + " size started on new database connections (as a worker's first cycle starts) less the mean of"
        + " that size's cycles on warm ones");
    Map<String, Object> outcomes = new LinkedHashMap<>();
    for (String key : OUTCOMES) {
      List<CycleSample> all = samples.stream().filter(c -> c.outcome().equals(key)).toList();
      List<CycleSample> of = all.stream().filter(c -> !c.fresh()).toList();
      if (of.stream().map(CycleSample::feeds).distinct().count() < 2) {
        continue;
      }
      double[] x = of.stream().mapToDouble(CycleSample::feeds).toArray();
      Map<String, Object> fixed = new LinkedHashMap<>();
      Map<String, Object> perSync = new LinkedHashMap<>();
      line(fixed, perSync, "wallMs", x, of.stream().mapToDouble(CycleSample::seconds).toArray());
      line(fixed, perSync, "jvmCpuMs", x, of.stream().mapToDouble(CycleSample::jvmCpuSeconds).toArray());
      line(fixed, perSync, "workerCpuMs", x, of.stream().mapToDouble(CycleSample::workerCpuSeconds).toArray());
      double[] pg = of.stream().mapToDouble(CycleSample::pgCpuSeconds).toArray();
      if (java.util.Arrays.stream(pg).noneMatch(Double::isNaN)) {
        line(fixed, perSync, "pgCpuMs", x, pg);
      }
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("fixed", fixed);
      n.put("perSync", perSync);
      List<CycleSample> fresh = all.stream().filter(CycleSample::fresh).toList();
      if (!fresh.isEmpty()) {
        int size = fresh.get(0).feeds();
        List<CycleSample> warm = of.stream().filter(c -> c.feeds() == size).toList();
        if (!warm.isEmpty() && fresh.stream().allMatch(c -> c.feeds() == size)) {
          Map<String, Object> f = new LinkedHashMap<>();
          f.put("feeds", size);
          f.put("cycles", fresh.size());
          putDifference(f, "wallMs", fresh, warm, CycleSample::seconds);
          putDifference(f, "jvmCpuMs", fresh, warm, CycleSample::jvmCpuSeconds);
          putDifference(f, "workerCpuMs", fresh, warm, CycleSample::workerCpuSeconds);
          putDifference(f, "pgCpuMs", fresh, warm, CycleSample::pgCpuSeconds);
          n.put("freshConnections", f);
        }
      }
      n.put("samples", all.stream().map(c -> {
        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("feeds", c.feeds());
        sample.put("seconds", round(c.seconds(), 4));
        sample.put("jvmCpuSeconds", round(c.jvmCpuSeconds(), 4));
        sample.put("workerCpuSeconds", round(c.workerCpuSeconds(), 4));
        sample.put("pgCpuSeconds", Double.isNaN(c.pgCpuSeconds()) ? null : round(c.pgCpuSeconds(), 4));
        sample.put("jitCpuSeconds", round(c.jitCpuSeconds(), 4));
        sample.put("freshConnections", c.fresh());
        return sample;
      }).toList());
      outcomes.put(key, n);
    }
    m.put("outcomes", outcomes);
    return m;
  }

  /**
   * {@code name}: the mean of {@code figure} over {@code fresh} less its mean over {@code warm}, in
   * milliseconds; left out when a figure could not be read (NaN, as PostgreSQL CPU may be).
   */
  private static void putDifference(Map<String, Object> into, String name, List<CycleSample> fresh,
      List<CycleSample> warm, java.util.function.ToDoubleFunction<CycleSample> figure) {
    double d = mean(fresh, figure) - mean(warm, figure);
    if (!Double.isNaN(d)) {
      into.put(name, round(1e3 * d, 3));
    }
  }

  private static double mean(List<CycleSample> samples, java.util.function.ToDoubleFunction<CycleSample> f) {
    return samples.stream().mapToDouble(f).average().orElse(Double.NaN);
  }

  private static void line(Map<String, Object> fixed, Map<String, Object> perSync, String name, double[] feeds,
      double[] seconds) {
    CapacityModel.Line l = CapacityModel.Line.fit(feeds, seconds);
    fixed.put(name, round(l.intercept() * 1e3, 3));
    perSync.put(name, round(l.slope() * 1e3, 5));
  }

  private static @Nullable Map<String, Object> redisPass(CapacityRig rig, Options o) throws Exception {
    URI uri = URI.create(o.redis());
    RedisClient client = RedisClient.create(o.redis());
    try (StatefulRedisConnection<String, String> stats = client.connect()) {
      stats.sync().ping();
      String prefix = "icssync:capacity:" + System.nanoTime() + ":";
      try (TcpMeter meter = new TcpMeter(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()),
          true); Engine e = new Engine(rig, o.threads(), new RedisWiring(meter, prefix))) {
        rig.truncate();
        log("redis pass: %d feeds through %s", o.redisFeeds(), o.redis());
        List<Feed> warm = e.createFeeds("rwarm", "rw", Math.min(o.redisFeeds(), 100), o.events());
        e.run(warm);
        e.run(warm);
        rig.truncate();
        e.redisStats = stats;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("wiring", "IcsSync.exportCache(redis.exportCache()), limiter(redis.tenantLimiter(1000000, 1 h)),"
            + " fetcher(redis.politeFetcher(fetcher, 1000000, 1 s, 1 s)); Redis server time from INFO commandstats"
            + " (usec per call, server-wide) times the relay's count of our commands");
        m.put("outcomes", measureOutcomes(rig, e, o.redisFeeds(), o.events(), o.threads(), "rcap"));
        List<String> keys = stats.sync().keys(prefix + "*");
        if (!keys.isEmpty()) {
          stats.sync().del(keys.toArray(String[]::new));
        }
        return m;
      }
    } catch (RuntimeException e) {
      log("redis pass skipped: %s", e.getMessage());
      return null;
    } finally {
      client.shutdown();
    }
  }

  record RedisWiring(TcpMeter meter, String prefix) {}

  /** The engine under measurement and its meters. */
  static final class Engine implements AutoCloseable {
    final CapacityRig rig;
    final int threads;
    final CountingDataSource db;
    final TcpMeter http;
    final HttpFeedFetcher fetcher;
    final @Nullable RedisCaches redis;
    final @Nullable TcpMeter redisMeter;
    final IcsSync sync;
    /** The threads the syncs run on; {@link #syncCpu} sums their CPU time while they run syncs. */
    final ThreadPoolExecutor workers;
    final LongAdder syncCpu = new LongAdder();
    @Nullable StatefulRedisConnection<String, String> redisStats;
    /**
     * Whether the fetcher goes through the HTTP relay or, as the load test wires it, straight to the
     * feed server: the cycles of two sizes measure time and CPU only, and a relay would add its own
     * hop to every request's wall time. The store is behind the counting data source either way, as
     * the load test's is.
     */
    final boolean metered;

    Engine(CapacityRig rig, int threads, @Nullable RedisWiring redisWiring) throws IOException {
      this(rig, threads, redisWiring, true);
    }

    Engine(CapacityRig rig, int threads, @Nullable RedisWiring redisWiring, boolean metered) throws IOException {
      this.rig = rig;
      this.threads = threads;
      this.metered = metered;
      db = new CountingDataSource(rig.pool());
      URI feed = URI.create(rig.feedUrl("x", 1, 0, 1));
      http = new TcpMeter(new InetSocketAddress(feed.getHost(), feed.getPort()), false);
      fetcher = HttpFeedFetcher.builder()
          .allowHost("127.0.0.1")
          .minIntervalPerHost(Duration.ZERO)
          .maxConcurrentPerHost(threads)
          .maxConnections(threads)
          .maxBodyBytes(64L * 1024 * 1024)
          .build();
      java.lang.management.ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
      ThreadLocal<long[]> started = ThreadLocal.withInitial(() -> new long[1]);
      workers = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
        Thread t = new Thread(r, "capacity-sync");
        t.setDaemon(true);
        return t;
      }) {
        @Override
        protected void beforeExecute(Thread t, Runnable r) {
          started.get()[0] = tmx.getCurrentThreadCpuTime();
        }

        @Override
        protected void afterExecute(Runnable r, @Nullable Throwable e) {
          syncCpu.add(tmx.getCurrentThreadCpuTime() - started.get()[0]);
        }
      };
      IcsSync.Builder b = IcsSync.builder()
          .executor(workers)
          // behind the counting data source either way: the load test's store is behind one too
          .store(JdbcStore.builder(db.dataSource()).synchronousApplyCommit(true).build())
          // as the load test: a full history pruned as fast as it grows; but pruned here, at the end of
          // each cycle (pruneHistory()), not on the engine's own prune thread, so that a cycle's
          // counters hold its prune without waiting for a background thread
          .config(SyncConfig.builder().parallelism(threads).perHostParallelism(threads)
              .historyRetention(HistoryRetention.builder().keepFor(Duration.ofMillis(1)).keepRuns(1).build())
              .pruneEverySyncs(0)
              .build());
      FeedFetcher f = fetcher;
      if (redisWiring != null) {
        redisMeter = redisWiring.meter();
        redis = RedisCaches.builder("redis://127.0.0.1:" + redisMeter.port()).keyPrefix(redisWiring.prefix())
            .commandTimeout(Duration.ofSeconds(2)).build();
        b.exportCache(redis.exportCache()).limiter(redis.tenantLimiter(1_000_000, Duration.ofHours(1)));
        f = redis.politeFetcher(fetcher, 1_000_000, Duration.ofSeconds(1), Duration.ofSeconds(1));
      } else {
        redisMeter = null;
        redis = null;
      }
      sync = b.fetcher(f).build();
    }

    List<Feed> createFeeds(String tenant, String prefix, int count, int events) {
      int channels = CapacityRig.channels().size();
      String port = ":" + URI.create(rig.feedUrl("x", 1, 0, 1)).getPort() + "/";
      List<Feed> feeds = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String id = prefix + i;
        int slot = i % channels;
        String url = rig.feedUrl(id, events, slot, channels);
        if (metered) {
          url = url.replace(port, ":" + http.port() + "/");
        }
        feeds.add(new Feed(id, tenant, prefix + "p" + (i / channels), CapacityRig.channels().get(slot), url,
            Duration.ofHours(1), true, 0));
      }
      CapacityRig.parallel(feeds, threads, feed -> {
        sync.store().saveFeed(feed);
        return null;
      });
      return feeds;
    }

    /** Syncs every feed once as a scheduler does (batched 304 and unchanged states), then flushes. */
    List<SyncReport> run(List<Feed> feeds) {
      try {
        return sync.syncFeeds(feeds, NextDue.IGNORE);
      } finally {
        sync.pruneHistory();
      }
    }

    /**
     * One cycle over {@code feeds} timed as the load test times its cycles (no statistics read, no
     * pool closed around it): wall time, this JVM's CPU (JIT compiler and relays excluded; the feed
     * server's threads included, as in the load test's JVM, and reported apart) and the backends' CPU.
     * Every sync must end in {@code expected}.
     */
    CycleSample timeCycle(String outcome, List<Feed> feeds, SyncOutcome expected, boolean fresh) {
      if (fresh) {
        rig.reopenConnections();
      }
      System.gc();
      CpuProbes.awaitJitIdle(CapacityRig.JIT_IDLE_WAIT_MS);
      Map<Long, long[]> rig0 = rigThreads();
      long backend0 = rig.backendCpuNanos();
      long jit0 = CpuProbes.jitCpuNanos();
      long cpu0 = CpuProbes.processCpuNanos();
      long t0 = System.nanoTime();
      List<SyncReport> synced = sync.syncFeeds(feeds, NextDue.IGNORE);
      sync.pruneHistory();
      long wall = System.nanoTime() - t0;
      long cpu = CpuProbes.processCpuNanos() - cpu0;
      long jit = Math.max(0, CpuProbes.jitCpuNanos() - jit0);
      long backend1 = rig.backendCpuNanos();
      long[] rigDelta = minus(rigThreads(), rig0);
      long wrong = synced.stream().filter(r -> r.outcome() != expected).count();
      if (wrong > 0 || synced.size() != feeds.size()) {
        throw new IllegalStateException("expected " + feeds.size() + " x " + expected + ", got " + synced.stream()
            .map(SyncReport::outcome).collect(java.util.stream.Collectors.groupingBy(x -> x,
                java.util.stream.Collectors.counting())));
      }
      long jvm = Math.max(0, cpu - jit - rigDelta[2]);
      long feedServer = rigDelta[0] - rigDelta[2];
      double pg = backend0 < 0 || backend1 < 0 ? Double.NaN : (backend1 - backend0) / 1e9;
      return new CycleSample(outcome, feeds.size(), wall / 1e9,
          jvm / 1e9, Math.max(0, jvm - feedServer) / 1e9, pg, jit / 1e9, fresh);
    }

    /** One measured cycle over {@code feeds}; every sync must end in {@code expected}. */
    Map<String, Object> measure(List<Feed> feeds, SyncOutcome expected) {
      long[] rows0 = rig.flushAndCountRows();
      Map<String, Long> pg0 = pgStats();
      String lsn0 = lsn();
      Map<String, Long> redisCmds0 = redisMeter == null ? Map.of() : redisMeter.commands();
      Map<String, long[]> cmdStats0 = commandStats();
      long redisUp0 = redisMeter == null ? 0 : redisMeter.up.sum();
      long redisDown0 = redisMeter == null ? 0 : redisMeter.down.sum();
      System.gc();
      CpuProbes.awaitJitIdle(CapacityRig.JIT_IDLE_WAIT_MS);
      long live0 = heapUsed();
      resetPoolPeaks();
      CountingDataSource.Snapshot db0 = db.snapshot();
      long up0 = http.up.sum();
      long down0 = http.down.sum();
      long body0 = rig.bodyBytes();
      long ok0 = rig.responses200();
      long nm0 = rig.responses304();
      Map<Long, long[]> rigThreads0 = rigThreads();
      long backend0 = rig.backendCpuNanos();
      long jit0 = CpuProbes.jitCpuNanos();
      long alloc0 = totalAllocated();
      long cpu0 = CpuProbes.processCpuNanos();
      long t0 = System.nanoTime();
      LongAdder latency = new LongAdder();
      long syncCpu0 = syncCpu.sum();
      // as a host syncs a fleet; the held states of 304s and unchanged bodies are written before
      // syncFeeds returns, on the calling thread (counted in the process CPU, not the sync threads')
      List<SyncReport> synced = sync.syncFeeds(feeds, NextDue.IGNORE);
      List<SyncOutcome> outcomes = new ArrayList<>(synced.size());
      for (SyncReport r : synced) {
        latency.add(r.timings().total().toNanos());
        outcomes.add(r.outcome());
      }
      long threadCpuNanos = syncCpu.sum() - syncCpu0;
      // the deferred work of the cycle, done now and counted with it (no pause, no background thread):
      // the prune of the runs the cycle made old
      sync.pruneHistory();
      long wall = System.nanoTime() - t0;
      long cpu = CpuProbes.processCpuNanos() - cpu0;
      long alloc = totalAllocated() - alloc0;
      long jit = Math.max(0, CpuProbes.jitCpuNanos() - jit0);
      long backend1 = rig.backendCpuNanos();
      double backend = backend0 < 0 || backend1 < 0 ? Double.NaN : (backend1 - backend0) / 1e9;
      long[] rigDelta = minus(rigThreads(), rigThreads0);
      double poolPeak = poolPeakBytes();
      CountingDataSource.Snapshot dbAfterRun = db.snapshot();
      long[] rows1 = rig.flushAndCountRows();
      CountingDataSource.Snapshot dbc = db.snapshot().minus(db0);
      Map<String, Long> pg1 = pgStats();
      long wal = walBytesSince(lsn0);
      long ownWal = ownWalBytesSince(lsn0);
      int n = feeds.size();

      Map<SyncOutcome, Integer> byOutcome = new EnumMap<>(SyncOutcome.class);
      outcomes.forEach(x -> byOutcome.merge(x, 1, Integer::sum));
      if (byOutcome.getOrDefault(expected, 0) != n) {
        throw new IllegalStateException("expected " + n + " x " + expected + ", got " + byOutcome);
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("syncs", n);
      m.put("outcome", expected.name());
      m.put("seconds", round(wall / 1e9, 3));
      m.put("syncsPerSecond", round(n / (wall / 1e9), 1));
      m.put("latencyMeanMs", round(latency.sum() / 1e6 / n, 3));
      // the JVM's CPU for these syncs: everything (sync threads, HTTP client, pool, GC) but the rig's
      // threads and the JIT compiler, a start-up cost that a long-running worker has paid
      m.put("workerCpuMs", round(Math.max(0, cpu - rigDelta[0] - jit) / 1e6 / n, 4));
      m.put("syncThreadCpuMs", round(threadCpuNanos / 1e6 / n, 4));
      m.put("jitCpuMs", round(jit / 1e6 / n, 4));
      m.put("rigCpuMs", round(rigDelta[0] / 1e6 / n, 4));
      // the rig's CPU split: the feed server (the load test's JVM serves its feeds too, so the model
      // adds it when it predicts the load test's JVM CPU) and the byte-counting relay, which exists
      // only here (the load test's fetcher talks to its feed server directly)
      m.put("feedServerCpuMs", round((rigDelta[0] - rigDelta[2]) / 1e6 / n, 4));
      m.put("relayCpuMs", round(rigDelta[2] / 1e6 / n, 4));
      m.put("dbCpuMs", Double.isNaN(backend) ? null : round(backend * 1e3 / n, 4));
      m.put("statements", round((double) dbc.statements() / n, 3));
      m.put("batchedStatements", round((double) dbc.batchedStatements() / n, 3));
      m.put("copies", round((double) dbc.copies() / n, 3));
      m.put("connectionCheckouts", round((double) dbAfterRun.minus(db0).checkouts() / n, 3));
      m.put("writeTransactions", round((double) dbc.writeCheckouts() / n, 3));
      m.put("clientCommits", round((double) dbc.commits() / n, 3));
      m.put("connectionHoldMs", round(dbc.holdNanos() / 1e6 / n, 4));
      m.put("pgTransactions", round(delta(pg0, pg1, "xact_commit") / (double) n, 3));
      m.put("pgRollbacks", round(delta(pg0, pg1, "xact_rollback") / (double) n, 3));
      m.put("rowsInserted", round((rows1[0] - rows0[0]) / (double) n, 3));
      m.put("rowsUpdated", round((rows1[1] - rows0[1]) / (double) n, 3));
      m.put("rowsDeleted", round((rows1[2] - rows0[2]) / (double) n, 3));
      m.put("rowsWritten", round((rows1[0] + rows1[1] + rows1[2] - rows0[0] - rows0[1] - rows0[2]) / (double) n, 3));
      m.put("rowsRead", round((delta(pg0, pg1, "tup_returned") + delta(pg0, pg1, "tup_fetched")) / (double) n, 1));
      m.put("walBytes", round((ownWal >= 0 ? ownWal : wal) / (double) n, 0));
      m.put("walSource", ownWal >= 0 ? "pg_walinspect: records of this database and the commits of its transactions"
          : "pg_current_wal_lsn delta, cluster-wide");
      m.put("walBytesCluster", round(wal / (double) n, 0));
      m.put("otherDatabasesCommits", delta(pg0, pg1, "others_commit"));
      m.put("httpBytesIn", round((http.down.sum() - down0) / (double) n, 1));
      m.put("httpBytesOut", round((http.up.sum() - up0) / (double) n, 1));
      m.put("bodyBytes", round((rig.bodyBytes() - body0) / (double) n, 1));
      m.put("http200", rig.responses200() - ok0);
      m.put("http304", rig.responses304() - nm0);
      m.put("allocatedBytes", round((alloc - rigDelta[1]) / (double) n, 0));
      m.put("heapPerInFlightBytes", round(Math.max(0, poolPeak - live0) / threads, 0));
      if (redisMeter != null) {
        Map<String, Long> cmds = redisMeter.commands();
        Map<String, long[]> cmdStats1 = commandStats();
        Map<String, Object> byName = new LinkedHashMap<>();
        double total = 0;
        double usec = 0;
        for (Map.Entry<String, Long> c : cmds.entrySet()) {
          long d = c.getValue() - redisCmds0.getOrDefault(c.getKey(), 0L);
          if (d == 0) {
            continue;
          }
          byName.put(c.getKey(), round(d / (double) n, 3));
          total += d;
          long[] a = cmdStats1.get(c.getKey());
          long[] b = cmdStats0.getOrDefault(c.getKey(), new long[2]);
          if (a != null && a[0] > b[0]) {
            usec += d * (double) (a[1] - b[1]) / (a[0] - b[0]);
          }
        }
        m.put("redisCommands", round(total / n, 3));
        m.put("redisCommandsByName", byName);
        m.put("redisBytesOut", round((redisMeter.up.sum() - redisUp0) / (double) n, 1));
        m.put("redisBytesIn", round((redisMeter.down.sum() - redisDown0) / (double) n, 1));
        m.put("redisUsec", round(usec / n, 2));
      }
      log("  %-13s %5d syncs %7.2f s  cpu %.3f ms (feed server %.3f, relay %.3f)  db cpu %s ms  stmts %.2f  write tx %.2f  pg tx %.2f"
              + "  rows %.2f  wal %.0f B  http %.0f/%.0f B%s", expected, n, wall / 1e9, m.get("workerCpuMs"),
          m.get("feedServerCpuMs"), m.get("relayCpuMs"), m.get("dbCpuMs"), m.get("statements"), m.get("writeTransactions"),
          m.get("pgTransactions"), m.get("rowsWritten"), m.get("walBytes"), m.get("httpBytesIn"),
          m.get("httpBytesOut"), redisMeter == null ? "" : "  redis " + m.get("redisCommands") + " cmds "
              + m.get("redisUsec") + " us");
      return m;
    }

    private Map<String, long[]> commandStats() {
      Map<String, long[]> out = new HashMap<>();
      if (redisStats == null) {
        return out;
      }
      for (String line : redisStats.sync().info("commandstats").split("\r?\n")) {
        if (!line.startsWith("cmdstat_")) {
          continue;
        }
        String name = line.substring(8, line.indexOf(':'));
        long calls = 0;
        long usec = 0;
        for (String kv : line.substring(line.indexOf(':') + 1).split(",")) {
          String[] p = kv.split("=");
          if (p[0].equals("calls")) {
            calls = Long.parseLong(p[1]);
          } else if (p[0].equals("usec")) {
            usec = Long.parseLong(p[1]);
          }
        }
        out.put(name, new long[] {calls, usec});
      }
      return out;
    }

    private Map<String, Long> pgStats() {
      Map<String, Long> m = new HashMap<>();
      try (Connection c = rig.connect(); Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT xact_commit, xact_rollback, tup_returned, tup_fetched"
            + " FROM pg_stat_database WHERE datname = current_database()")) {
          rs.next();
          m.put("xact_commit", rs.getLong(1));
          m.put("xact_rollback", rs.getLong(2));
          m.put("tup_returned", rs.getLong(3));
          m.put("tup_fetched", rs.getLong(4));
        }
        try (ResultSet rs = s.executeQuery("SELECT coalesce(sum(xact_commit), 0) FROM pg_stat_database"
            + " WHERE datname IS DISTINCT FROM current_database()")) {
          rs.next();
          m.put("others_commit", rs.getLong(1));
        }
      } catch (SQLException e) {
        throw new IllegalStateException("reading pg_stat_database: " + e.getMessage(), e);
      }
      return m;
    }

    private String lsn() {
      try (Connection c = rig.connect(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
        rs.next();
        return rs.getString(1);
      } catch (SQLException e) {
        throw new IllegalStateException("reading the WAL position: " + e.getMessage(), e);
      }
    }

    private long walBytesSince(String lsn) {
      try (Connection c = rig.connect(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '" + lsn + "'::pg_lsn)")) {
        rs.next();
        return rs.getLong(1);
      } catch (SQLException e) {
        throw new IllegalStateException("reading the WAL position: " + e.getMessage(), e);
      }
    }

    /**
     * WAL bytes of this database's records since {@code lsn} and the commit records of their
     * transactions, read back with pg_walinspect (PostgreSQL 15+, superuser): unlike the LSN delta,
     * not inflated by other databases of the cluster. -1 when the extension is not available.
     */
    private long ownWalBytesSince(String lsn) {
      try (Connection c = rig.connect(); Statement s = c.createStatement()) {
        s.execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect");
        String sql = "WITH r AS (SELECT xid, resource_manager, record_length, block_ref"
            + " FROM pg_get_wal_records_info('" + lsn + "'::pg_lsn, pg_current_wal_flush_lsn())),"
            + " d AS (SELECT '% rel %/' || oid || '/%' AS pattern FROM pg_database WHERE datname = current_database()),"
            + " mine AS (SELECT DISTINCT xid FROM r, d WHERE r.block_ref LIKE d.pattern AND r.xid <> '0')"
            + " SELECT coalesce(sum(record_length), 0) FROM r, d WHERE r.block_ref LIKE d.pattern"
            + " OR (r.resource_manager = 'Transaction' AND r.xid IN (SELECT xid FROM mine))";
        try (ResultSet rs = s.executeQuery(sql)) {
          rs.next();
          return rs.getLong(1);
        }
      } catch (SQLException e) {
        log("  (pg_walinspect not usable, WAL is cluster-wide: %s)", e.getMessage());
        return -1;
      }
    }

    @Override
    public void close() {
      sync.close();
      workers.shutdownNow();
      fetcher.close();
      if (redis != null) {
        redis.close();
      }
      http.close();
    }
  }

  // ------------------------------------------------------------------------------------ probes

  private static long delta(Map<String, Long> a, Map<String, Long> b, String key) {
    return b.getOrDefault(key, 0L) - a.getOrDefault(key, 0L);
  }

  private static com.sun.management.ThreadMXBean threadBean() {
    return (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  }

  private static long totalAllocated() {
    return threadBean().getTotalThreadAllocatedBytes();
  }

  /**
   * CPU nanos and allocated bytes of the rig's live threads by thread id, and whether the thread is
   * one of the byte-counting relays ({@link TcpMeter}: 1) or the feed server's (0).
   */
  private static Map<Long, long[]> rigThreads() {
    com.sun.management.ThreadMXBean bean = threadBean();
    Map<Long, long[]> out = new HashMap<>();
    List<String> server = CapacityRig.rigThreadPrefixes();
    for (ThreadInfo t : bean.getThreadInfo(bean.getAllThreadIds())) {
      if (t == null) {
        continue;
      }
      boolean relay = t.getThreadName().startsWith(TcpMeter.THREAD_PREFIX);
      if (relay || server.stream().anyMatch(p -> t.getThreadName().startsWith(p))) {
        long id = t.getThreadId();
        out.put(id, new long[] {Math.max(0, bean.getThreadCpuTime(id)), Math.max(0, bean.getThreadAllocatedBytes(id)),
            relay ? 1 : 0});
      }
    }
    return out;
  }

  /**
   * What the rig's threads spent between two {@link #rigThreads()}: CPU nanos of all of them,
   * allocated bytes, CPU nanos of the relays alone. A relay thread that ended meanwhile is missed
   * (they live as long as their connection: the client's pool keeps them).
   */
  private static long[] minus(Map<Long, long[]> after, Map<Long, long[]> before) {
    long cpu = 0;
    long alloc = 0;
    long relay = 0;
    for (Map.Entry<Long, long[]> e : after.entrySet()) {
      long[] b = before.getOrDefault(e.getKey(), new long[3]);
      long d = e.getValue()[0] - b[0];
      cpu += d;
      alloc += e.getValue()[1] - b[1];
      if (e.getValue()[2] == 1) {
        relay += d;
      }
    }
    return new long[] {cpu, alloc, relay};
  }

  private static List<MemoryPoolMXBean> heapPools() {
    return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
  }

  private static long heapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static void resetPoolPeaks() {
    heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
  }

  private static double poolPeakBytes() {
    return heapPools().stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
  }

  private static Map<String, Object> machine(CapacityRig rig) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("maxHeapMb", Runtime.getRuntime().maxMemory() / 1048576);
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("postgres", rig.serverVersion());
    m.put("loadAverageAtStart", round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), 2));
    return m;
  }

  static double round(double v, int decimals) {
    double f = Math.pow(10, decimals);
    return Math.round(v * f) / f;
  }

  static void log(String format, Object... args) {
    System.out.printf(Locale.ROOT, format + "%n", args);
    System.out.flush();
  }
}

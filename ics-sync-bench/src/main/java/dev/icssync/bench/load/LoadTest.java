package dev.icssync.bench.load;

import dev.icssync.ExportView;
import dev.icssync.Feed;
import dev.icssync.NextDue;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.http.ExportEndpoint;
import dev.icssync.http.ExportHttpServer;
import dev.icssync.ical.IcalParser;
import dev.icssync.ical.ParseResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The load test of issue "Benchmarks and load test": a loopback feed server, a fresh PostgreSQL
 * database behind {@code JdbcStore}, the real {@code HttpFeedFetcher}, and {@code IcsSync} over them.
 * Measures the seed's load test (50 concurrent syncs of 100-event feeds), the seed's latency table,
 * the scale curve (cold, all-304 and unchanged-body cycles; each all-304 cycle beside a bare Apache
 * HttpClient 5 doing the same conditional GETs; {@code --huge} adds 100,000 feeds; a warm-up set of
 * feeds synced before the rows marked {@code warm}, and a warm first sync beside the first point's
 * cold one), an events-per-feed sweep, and one sync of a 100,000-event feed in a child JVM under
 * {@code -Xmx128m} (with a second child forcing full collections to sample the live set, and the
 * smallest heap of a series in which the same sync succeeds). Every cycle
 * counts the rows, commits and statements it cost, its heap, and the seed's resource limits (pool
 * connections in use, feed bytes per second of the tenant); the run history's size after every cycle
 * shows that pruning keeps it flat. Prints a table and writes {@code load.json} and {@code load.md}
 * (tables ready to include in BENCHMARKS.md).
 *
 * <pre>
 * mvn -B -q package -pl ics-sync-bench -am -DskipTests
 * java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -cp ics-sync-bench/target/benchmarks.jar \
 *     dev.icssync.bench.load.LoadTest [--quick | --full] [--scale 100,1000,10000] [--out DIR]
 * java -Xms2g -Xmx2g ... dev.icssync.bench.load.LoadTest --full --huge     # with 100,000 feeds
 * </pre>
 */
public final class LoadTest {
  private LoadTest() {}

  static final double SEED_MEMORY_MB = 512;

  /** A seed target of the latency table. */
  record Target(String figure, String percentile, double ms, String source) {}

  static final String CONVENTIONAL = "conventional (the seed's value is not written in the repository)";

  static final Map<String, Target> LATENCY_TARGETS = targets(
      new Target("parse 100 events", "p95", 100, CONVENTIONAL),
      new Target("sync one feed (100 events, first sync)", "p95", 2_000,
          CONVENTIONAL + "; the seed alerts at 10 s per sync (issue 10)"),
      new Target("sync all feeds of 10 properties (4 channels x 100 events)", "p95", 30_000, CONVENTIONAL),
      new Target("export 100 events", "p95", 100, CONVENTIONAL),
      new Target("conflict resolution (one property, 2 x 100 overlapping stays)", "p95", 100, CONVENTIONAL),
      new Target("API response (export endpoint, 200)", "p50", 500, "seed: p50 < 500 ms (issue 7)"),
      new Target("API response (export endpoint, 304)", "p50", 500, "seed: p50 < 500 ms (issue 7)"));

  static final Target SEED_LOAD_TARGET = new Target("50 concurrent syncs of 100-event feeds, per sync", "p95", 2_000,
      CONVENTIONAL + " (same as sync one feed)");
  static final double COLD_10K_TARGET_S = 60;
  static final double NOT_MODIFIED_10K_TARGET_S = 5;

  private static Map<String, Target> targets(Target... ts) {
    Map<String, Target> m = new LinkedHashMap<>();
    for (Target t : ts) {
      m.put(t.figure(), t);
    }
    return m;
  }

  public static void main(String[] args) throws Exception {
    LoadOptions options;
    try {
      options = LoadOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    try {
      Result r = run(options, String.join(" ", args));
      System.out.println();
      System.out.println(Files.readString(r.markdown()));
      System.out.println("wrote " + r.json() + " and " + r.markdown());
    } catch (Exception | Error e) {
      e.printStackTrace();
      System.exit(1); // client and pool threads must not keep a failed run alive
    }
    System.exit(0);
  }

  /** Where the results went, and the tree written to load.json. */
  record Result(Path json, Path markdown, Map<String, Object> tree) {}

  /** Runs the load test and writes load.json and load.md to {@code options.out()}. */
  static Result run(LoadOptions o, String argLine) throws Exception {
    Map<String, Object> result = new LinkedHashMap<>();
    long started = System.nanoTime();
    int maxConcurrency = Math.max(o.threads(), o.seedConcurrency());
    // the seed allows fewer than 20 database connections per worker: the pool stays under that
    try (Harness h = new Harness(maxConcurrency, Math.min(o.threads() + 3, Harness.SEED_MAX_CONNECTIONS - 1),
        o.synchronousApplyCommit())) {
      result.put("machine", machine(h));
      result.put("command", command(argLine));
      result.put("mode", o.mode());
      result.put("startedAt", Instant.now().toString());
      Map<String, Object> setup = new LinkedHashMap<>();
      setup.put("workerThreads", o.threads());
      setup.put("dbPoolSize", h.database.pool.getMaximumPoolSize());
      setup.put("fetcher", "HttpFeedFetcher: allowHost(127.0.0.1), minIntervalPerHost 0, maxConcurrentPerHost "
          + maxConcurrency);
      setup.put("store", "JdbcStore, synchronousApplyCommit " + o.synchronousApplyCommit());
      setup.put("feedServer", "com.sun.net.httpserver on loopback, nodelay, ETag + Last-Modified");
      result.put("setup", setup);

      if (o.runs("seed")) {
        log("seed load test: %d concurrent syncs of %d-event feeds, %d warm-up + %d rounds", o.seedConcurrency(),
            o.seedEvents(), o.seedWarmup(), o.seedRounds());
        result.put("seedLoad", seedLoad(h, o));
      }
      if (o.runs("latency")) {
        log("latency table");
        result.put("latency", latency(h, o));
      }
      Warmth warmth = new Warmth(o.warmupFeeds());
      if (o.runs("scale")) {
        log("scale curve: %s feeds x 50 events", o.scale());
        List<Map<String, Object>> scale = new ArrayList<>();
        try (BareClient bare = new BareClient(h.server, o.threads())) {
          for (int feeds : o.scale()) {
            scale.add(scalePoint(h, o, warmth, "scale", feeds, 50, 4, bare));
          }
        }
        result.put("scale", scale);
        result.put("scaleCost", scaleCost(scale));
      }
      if (o.runs("sweep")) {
        log("events-per-feed sweep: %d feeds x %s events", o.sweepFeeds(), o.sweepEvents());
        List<Object> sweep = new ArrayList<>();
        for (int events : o.sweepEvents()) {
          sweep.add(scalePoint(h, o, warmth, "sweep", o.sweepFeeds(), events, 3, null));
        }
        result.put("eventsSweep", sweep);
      }
      if (o.runs("memory") && o.memoryEvents() > 0) {
        log("memory: one sync of a %d-event feed under -Xmx%s", o.memoryEvents(), o.memoryHeap());
        result.put("memory", memory(h, o));
      }
      Map<String, Object> limits = h.resourceLimits();
      if (o.runs("bandwidth")) {
        log("bandwidth: one tenant limited to %.2f MB/s, shared by %d workers through Redis", o.bandwidthLimit() / 1e6,
            BandwidthLimit.WORKERS);
        Map<String, Object> limited = BandwidthLimit.run(h, o.bandwidthFeeds(), 200,
            Math.max(1, o.threads() / (2 * BandwidthLimit.WORKERS)), o.bandwidthLimit(), o.redisUri());
        limits.put("limited", limited);
        limits.put("bandwidthMet", limited.get("met"));
      }
      result.put("resourceLimits", limits);
    }
    result.put("totalSeconds", Json.round((System.nanoTime() - started) / 1e9, 1));
    Files.createDirectories(o.out());
    Path json = o.out().resolve("load.json");
    Files.writeString(json, Json.write(result), StandardCharsets.UTF_8);
    Path md = o.out().resolve("load.md");
    Files.writeString(md, LoadReport.markdown(result), StandardCharsets.UTF_8);
    return new Result(json, md, result);
  }

  // ------------------------------------------------------------------------------ seed load test

  private static Map<String, Object> seedLoad(Harness h, LoadOptions o) {
    List<Harness.Cycle> rounds = new ArrayList<>();
    for (int r = 0; r < o.seedWarmup() + o.seedRounds(); r++) {
      List<Feed> feeds = h.createFeeds("seed", "s" + r + "-", o.seedConcurrency(), o.seedEvents(), 4,
          o.threads());
      Harness.Cycle c = h.cycle("seed round " + r, feeds, o.seedEvents(), o.seedConcurrency(), false);
      log("  round %d%s: %.2f s, p95 %.1f ms, %s", r, r < o.seedWarmup() ? " (warm-up)" : "", c.seconds(),
          c.latency().ms(95), c.outcomes());
      if (r >= o.seedWarmup()) {
        rounds.add(c);
      }
    }
    Percentiles all = new Percentiles();
    List<Object> perRound = new ArrayList<>();
    double[] p50 = new double[rounds.size()];
    double[] p95 = new double[rounds.size()];
    double[] p99 = new double[rounds.size()];
    double[] eps = new double[rounds.size()];
    double[] sps = new double[rounds.size()];
    double peak = 0;
    double poolPeak = 0;
    double afterGc = 0;
    long applied = 0;
    long written = 0;
    for (int i = 0; i < rounds.size(); i++) {
      Harness.Cycle c = rounds.get(i);
      all.addAll(c.latency());
      p50[i] = c.latency().ms(50);
      p95[i] = c.latency().ms(95);
      p99[i] = c.latency().ms(99);
      eps[i] = c.eventsWritten() / c.seconds();
      sps[i] = c.feeds() / c.seconds();
      peak = Math.max(peak, c.sampledPeakMb());
      poolPeak = Math.max(poolPeak, c.poolPeakMb());
      afterGc = Math.max(afterGc, c.afterGcPeakMb());
      applied += c.count(SyncOutcome.APPLIED);
      written += c.eventsWritten();
      Map<String, Object> m = c.toJson();
      m.put("eventsPerSecond", Json.round(eps[i], 0));
      perRound.add(m);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("concurrency", o.seedConcurrency());
    m.put("eventsPerFeed", o.seedEvents());
    m.put("warmupRounds", o.seedWarmup());
    m.put("rounds", o.seedRounds());
    m.put("note", "each round syncs 50 new feeds (first sync: fetch, parse, diff, write 100 events, detect"
        + " conflicts) at once; figures are medians over rounds");
    m.put("syncsApplied", applied);
    m.put("eventsWritten", written);
    m.put("p50Ms", Json.round(median(p50), 3));
    m.put("p95Ms", Json.round(median(p95), 3));
    m.put("p99Ms", Json.round(median(p99), 3));
    m.put("pooledPerSync", all.toJson());
    m.put("eventsPerSecond", Json.round(median(eps), 0));
    m.put("syncsPerSecond", Json.round(median(sps), 1));
    m.put("peakHeapMb", Json.round(peak, 1));
    m.put("poolPeakHeapMb", Json.round(poolPeak, 1));
    m.put("liveHeapAfterGcMb", Json.round(afterGc, 1));
    m.put("target", targetJson(SEED_LOAD_TARGET, median(p95)));
    m.put("perRound", perRound);
    return m;
  }

  // ------------------------------------------------------------------------------- latency table

  private static List<Object> latency(Harness h, LoadOptions o) throws Exception {
    List<Object> rows = new ArrayList<>();
    int n = o.latencySamples();

    // parse 100 events
    byte[] body = FeedServer.body("lat", 100, 0, 1, 0, h.base);
    IcalParser parser = IcalParser.create();
    Percentiles parse = new Percentiles();
    int parsed = 0;
    for (int i = 0; i < n * 10 + n * 20; i++) {
      long t0 = System.nanoTime();
      ParseResult r = parser.parse(body);
      long t = System.nanoTime() - t0;
      if (i >= n * 20) {
        parse.add(t);
        parsed = r.events().size();
      }
    }
    check(parsed == 100, "parsed " + parsed + " events, expected 100");
    rows.add(latencyRow("parse 100 events", parse, "IcalParser.parse of a 100-event Airbnb-style body, one thread"));

    // sync one feed: first sync of a new 100-event feed, one at a time
    int oneFeeds = Math.max(10, n / 3) + 5;
    List<Feed> ones = h.createFeeds("one", "o-", oneFeeds, 100, 1, o.threads());
    Percentiles one = new Percentiles();
    for (int i = 0; i < ones.size(); i++) {
      long t0 = System.nanoTime();
      SyncReport r = h.sync.syncFeed("one", ones.get(i).id());
      long t = System.nanoTime() - t0;
      check(r.outcome() == SyncOutcome.APPLIED && r.counts().created() == 100, "sync one feed: " + r.message());
      if (i >= 5) {
        one.add(t);
      }
    }
    rows.add(latencyRow("sync one feed (100 events, first sync)", one,
        "IcsSync.syncFeed of a new feed: HTTP fetch, parse, diff, write 100 rows, detect conflicts"));

    // sync all feeds of 10 properties: syncTenant after every feed changed one stay
    List<Feed> ten = h.createFeeds("ten", "t-", 40, 100, 4, o.threads());
    h.sync.syncTenant("ten", NextDue.IGNORE);
    Percentiles all = new Percentiles();
    int tenSamples = Math.max(3, n / 15);
    for (int i = 0; i < tenSamples + 2; i++) {
      h.server.bumpRevision();
      long t0 = System.nanoTime();
      List<SyncReport> reports = h.sync.syncTenant("ten", NextDue.IGNORE);
      long t = System.nanoTime() - t0;
      long applied = reports.stream().filter(r -> r.outcome() == SyncOutcome.APPLIED
          && r.counts().writes() >= 1).count();
      check(applied == ten.size(), "sync all: " + applied + " of " + ten.size() + " applied");
      if (i >= 2) {
        all.add(t);
      }
    }
    if ((h.server.bumpRevision() & 1) == 1) {
      h.server.bumpRevision(); // back to the even revision, the one the scale curve serves
    }
    rows.add(latencyRow("sync all feeds of 10 properties (4 channels x 100 events)", all,
        "IcsSync.syncTenant of 40 feeds, each with one stay moved since the last sync"));

    // export 100 events (no export cache: rendered from the store every time)
    ExportView view = ExportView.forProperty("one", "o-p0");
    Percentiles export = new Percentiles();
    int exported = 0;
    for (int i = 0; i < n * 3 + n; i++) {
      long t0 = System.nanoTime();
      exported = h.sync.export(view).eventCount();
      long t = System.nanoTime() - t0;
      if (i >= n) {
        export.add(t);
      }
    }
    check(exported == 100, "exported " + exported + " events, expected 100");
    rows.add(latencyRow("export 100 events", export, "IcsSync.export of a property: store query and rendering,"
        + " no export cache"));

    // conflict resolution: two feeds of one property booking the same nights
    for (String source : List.of("airbnb", "booking")) {
      Feed f = new Feed("c-" + source, "clash", "c-p", source, h.server.url("c-" + source, 100, 0, 1),
          Duration.ofHours(1), true, 0);
      h.sync.store().saveFeed(f);
      SyncReport r = h.sync.syncFeed("clash", f.id());
      check(r.outcome() == SyncOutcome.APPLIED, "clash feed: " + r.message());
    }
    int conflicts = h.sync.conflicts("clash", "c-p").size();
    check(conflicts == 100, conflicts + " conflicts, expected 100");
    Percentiles detect = new Percentiles();
    for (int i = 0; i < n + n / 5; i++) {
      long t0 = System.nanoTime();
      h.sync.detectConflicts("clash", "c-p");
      long t = System.nanoTime() - t0;
      if (i >= n / 5) {
        detect.add(t);
      }
    }
    rows.add(latencyRow("conflict resolution (one property, 2 x 100 overlapping stays)", detect,
        "IcsSync.detectConflicts: read the property's 200 events and 100 stored conflicts, sweep, reconcile"));

    // API response: the export endpoint over HTTP, no export cache
    String token = h.sync.exportTokens().create("one", "o-p0", null).token();
    try (ExportHttpServer api = ExportHttpServer.start(ExportEndpoint.builder(h.sync).build(),
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "/export", 4)) {
      URI uri = api.baseUri().resolve(token + ".ics");
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpResponse<byte[]> first = client.send(HttpRequest.newBuilder(uri).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      check(first.statusCode() == 200, "export endpoint answered " + first.statusCode());
      String etag = first.headers().firstValue("ETag").orElseThrow();
      Percentiles ok = new Percentiles();
      Percentiles notModified = new Percentiles();
      HttpRequest full = HttpRequest.newBuilder(uri).build();
      HttpRequest conditional = HttpRequest.newBuilder(uri).header("If-None-Match", etag).build();
      for (int i = 0; i < n * 3 + n; i++) {
        long t200 = timeRequest(client, full, 200);
        long t304 = timeRequest(client, conditional, 304);
        if (i >= n) {
          ok.add(t200);
          notModified.add(t304);
        }
      }
      rows.add(latencyRow("API response (export endpoint, 200)", ok,
          "GET /export/<token>.ics over loopback (HttpClient, one connection), 100 events, no export cache"));
      rows.add(latencyRow("API response (export endpoint, 304)", notModified,
          "the same GET with If-None-Match"));
    }
    return rows;
  }

  private static long timeRequest(HttpClient client, HttpRequest request, int expected)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    long t = System.nanoTime() - t0;
    check(r.statusCode() == expected, "export endpoint answered " + r.statusCode() + ", expected " + expected);
    return t;
  }

  private static Map<String, Object> latencyRow(String figure, Percentiles p, String what) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("figure", figure);
    m.put("what", what);
    m.putAll(p.toJson());
    Target t = LATENCY_TARGETS.get(figure);
    if (t != null) {
      m.put("target", targetJson(t, t.percentile().equals("p50") ? p.ms(50) : p.ms(95)));
    }
    log("  %-62s p50 %9.3f  p95 %9.3f  p99 %9.3f ms (%d samples)", figure, p.ms(50), p.ms(95), p.ms(99),
        p.count());
    return m;
  }

  private static Map<String, Object> targetJson(Target t, double oursMs) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("percentile", t.percentile());
    m.put("ms", t.ms());
    m.put("source", t.source());
    m.put("ratio", Json.round(t.ms() / Math.max(oursMs, 1e-6), 1));
    m.put("met", oursMs <= t.ms());
    return m;
  }

  // --------------------------------------------------------------------------------- scale curve

  /**
   * Syncs this JVM has run so far in the scale curve and the sweep, by kind: a cycle counts as warm
   * (its JIT-compiled and pooled paths like a long-running worker's) once at least the warm-up set's
   * size of its kind ran before it.
   */
  static final class Warmth {
    final int threshold;
    long firstSyncs;
    long notModified;
    long unchanged;

    Warmth(int threshold) {
      this.threshold = threshold;
    }

    boolean warm(long count) {
      return threshold > 0 && count >= threshold;
    }

    boolean cold() {
      return threshold > 0 && (firstSyncs < threshold || notModified < threshold || unchanged < threshold);
    }
  }

  static final String WARM_FIRST_SYNC = "first sync, warm";
  static final String WARM_UP_TENANT = "warm-up";

  private static Map<String, Object> scalePoint(Harness h, LoadOptions o, Warmth warmth, String tenant, int feeds,
      int events, int channels, @Nullable BareClient bare) throws IOException {
    h.database.truncate();
    h.server.mode(FeedServer.Mode.VALIDATORS);
    long t0 = System.nanoTime();
    List<Feed> list = h.createFeeds(tenant, "f", feeds, events, channels, o.threads());
    double setup = (System.nanoTime() - t0) / 1e9;
    List<Object> cycles = new ArrayList<>();
    // the first sync of the point's feeds, measured before any warm-up of this point (its figure as it always was)
    boolean coldWarm = warmth.warm(warmth.firstSyncs);
    Harness.Cycle cold = h.cycle("cold", list, events, o.threads(), true);
    warmth.firstSyncs += feeds;
    long stored = h.database.count("SELECT count(*) FROM icssync_event");
    logCycle(feeds, events, cold, stored);
    cycles.add(cycleJson(cold, feeds, bare != null ? COLD_10K_TARGET_S : 0, coldWarm));
    Map<String, Object> costs = new LinkedHashMap<>();
    costs.put("cold", Json.round(cold.msPerFeed(), 4));
    Map<String, Object> warmUp = warmth.cold() ? warmUp(h, o, warmth, events, channels) : null;
    if (!coldWarm && warmth.warm(warmth.firstSyncs)) {
      // the same first sync once the JVM is warm: what a long-running worker pays for a new feed
      String warmTenant = tenant + "-warm";
      List<Feed> more = h.createFeeds(warmTenant, "w", feeds, events, channels, o.threads());
      Harness.Cycle first = h.cycle(WARM_FIRST_SYNC, more, events, o.threads(), true);
      warmth.firstSyncs += feeds;
      logCycle(feeds, events, first, -1);
      cycles.add(cycleJson(first, feeds, 0, true));
      h.database.deleteTenant(warmTenant);
    }
    Map<String, Object> vsBare = null;
    if (bare != null) {
      // ours and the bare client take turns, so that both see the same machine and the same warm JIT;
      // untimed pairs first: neither side's first cycles at this size (still compiling, the bare
      // client's very first) are its steady state
      for (int i = 0; i < o.notModifiedWarmups(); i++) {
        Harness.Cycle w = h.cycle("all 304, warm-up", list, events, o.threads(), false);
        warmth.notModified += feeds;
        BareClient.Result b = bare.cycle(list, o.threads());
        log("  %6d x %3d %-30s %8.2f s (bare client %.2f s), not measured", feeds, events, "all 304 warm-up pair",
            w.seconds(), b.seconds());
      }
      int n = o.notModifiedCycles(feeds);
      double[] ours = new double[n];
      double[] peer = new double[n];
      for (int i = 0; i < n; i++) {
        boolean warm = warmth.warm(warmth.notModified);
        Harness.Cycle nm = h.cycle(i == 0 ? "all 304" : "all 304 #" + (i + 1), list, events, o.threads(), true);
        warmth.notModified += feeds;
        logCycle(feeds, events, nm, -1);
        cycles.add(cycleJson(nm, feeds, NOT_MODIFIED_10K_TARGET_S, warm));
        ours[i] = nm.seconds();
        BareClient.Result b = bare.cycle(list, o.threads());
        check(b.notModified() == feeds,
            "bare client: " + b.notModified() + " of " + feeds + " answered 304");
        log("  %6d x %3d %-30s %8.2f s %9.1f feeds/s", feeds, events, "bare Apache client, all 304", b.seconds(),
            b.feedsPerSecond());
        peer[i] = b.seconds();
      }
      vsBare = notModifiedVsBare(feeds, o.threads(), ours, peer);
      vsBare.put("warmupPairs", o.notModifiedWarmups());
      costs.put("notModified", Json.round(median(ours) * 1000 / feeds, 4));
    }
    h.server.mode(FeedServer.Mode.NO_VALIDATORS);
    boolean sameWarm = warmth.warm(warmth.unchanged);
    Harness.Cycle same = h.cycle("unchanged body, no validators", list, events, o.threads(), true);
    warmth.unchanged += feeds;
    h.server.mode(FeedServer.Mode.VALIDATORS);
    logCycle(feeds, events, same, -1);
    cycles.add(cycleJson(same, feeds, 0, sameWarm));
    costs.put("unchanged", Json.round(same.msPerFeed(), 4));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("feeds", feeds);
    m.put("eventsPerFeed", events);
    m.put("channelsPerProperty", channels);
    m.put("setupSeconds", Json.round(setup, 2));
    m.put("storedEventsAfterCold", stored);
    if (warmUp != null) {
      m.put("warmUp", warmUp);
    }
    m.put("cycles", cycles);
    if (vsBare != null) {
      m.put("notModifiedVsBare", vsBare);
    }
    m.put("msPerFeed", costs);
    return m;
  }

  /**
   * Warms the JVM up on a set of feeds of its own tenant (first sync, 304 cycles, unchanged bodies;
   * nothing measured) until each kind of sync ran at least {@code o.warmupFeeds()} times, then deletes
   * the set: the rows measured after it are warm.
   */
  private static Map<String, Object> warmUp(Harness h, LoadOptions o, Warmth warmth, int events, int channels) {
    long t0 = System.nanoTime();
    int n = o.warmupFeeds();
    List<Feed> set = h.createFeeds(WARM_UP_TENANT, "u", n, events, channels, o.threads());
    int cycles = 0;
    long syncs = 0;
    h.cycle("warm-up first sync", set, events, o.threads(), false);
    warmth.firstSyncs += n;
    cycles++;
    syncs += n;
    // the 304 path is most of a fleet's syncs and the shortest: it gets more of the warm-up
    for (int i = 0; i < 4; i++) {
      h.cycle("warm-up 304", set, events, o.threads(), false);
      warmth.notModified += n;
      cycles++;
      syncs += n;
    }
    h.server.mode(FeedServer.Mode.NO_VALIDATORS);
    for (int i = 0; i < 2; i++) {
      h.cycle("warm-up unchanged body", set, events, o.threads(), false);
      warmth.unchanged += n;
      cycles++;
      syncs += n;
    }
    h.server.mode(FeedServer.Mode.VALIDATORS);
    h.database.deleteTenant(WARM_UP_TENANT);
    double seconds = (System.nanoTime() - t0) / 1e9;
    log("  warm-up: %d feeds x %d cycles (first sync, 4 x 304, 2 x unchanged body), %.1f s, not measured", n, cycles,
        seconds);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("feeds", n);
    m.put("cycles", cycles);
    m.put("syncs", syncs);
    m.put("seconds", Json.round(seconds, 2));
    m.put("note", "a warm-up set of its own tenant synced before this point's warm rows (first sync, 4 all-304"
        + " cycles, 2 unchanged-body cycles), not measured, then deleted");
    return m;
  }

  static final double NOT_MODIFIED_10K_GOAL_S = 2;
  static final double NOT_MODIFIED_BARE_GOAL = 0.5;
  static final double SCALE_COST_GOAL = 1.5;

  /**
   * Our all-304 cycles beside the bare client's: medians, and ours over bare as a speed ratio (bare
   * seconds over ours: 1 is as fast as the bare client, 0.5 half as fast).
   */
  private static Map<String, Object> notModifiedVsBare(int feeds, int concurrency, double[] ours, double[] bare) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cycles", ours.length);
    m.put("concurrency", concurrency);
    m.put("oursSeconds", rounded(ours));
    m.put("bareSeconds", rounded(bare));
    double o = median(ours);
    double b = median(bare);
    m.put("oursMedianSeconds", Json.round(o, 3));
    m.put("bareMedianSeconds", Json.round(b, 3));
    m.put("ratio", Json.round(b / o, 3));
    m.put("peer", "bare Apache HttpClient 5 classic, pooled, same feed server, same threads, If-None-Match and"
        + " If-Modified-Since");
    if (feeds == 10_000) {
      Map<String, Object> g = new LinkedHashMap<>();
      g.put("seconds", NOT_MODIFIED_10K_GOAL_S);
      g.put("ratio", NOT_MODIFIED_BARE_GOAL);
      g.put("source", "issue 21: one 304 cycle of 10,000 feeds <= 2 s and >= 0.5x a bare Apache client");
      g.put("met", o <= NOT_MODIFIED_10K_GOAL_S && b / o >= NOT_MODIFIED_BARE_GOAL);
      m.put("goal", g);
    }
    return m;
  }

  private static List<Object> rounded(double[] values) {
    List<Object> out = new ArrayList<>();
    for (double v : values) {
      out.add(Json.round(v, 3));
    }
    return out;
  }

  /**
   * Cost per feed (wall time per feed of each cycle kind) of every scale point over the 10,000-feed
   * point's: flat when the ratios stay near 1 (issue 21: within 1.5x at 100,000 feeds).
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> scaleCost(List<Map<String, Object>> scale) {
    Map<String, Object> m = new LinkedHashMap<>();
    Map<String, Object> base = scale.stream().filter(p -> ((Number) p.get("feeds")).intValue() == 10_000)
        .findFirst().orElse(null);
    m.put("baseFeeds", base == null ? null : 10_000);
    m.put("goalRatio", SCALE_COST_GOAL);
    List<Object> rows = new ArrayList<>();
    for (Map<String, Object> p : scale) {
      Map<String, Object> costs = (Map<String, Object>) p.get("msPerFeed");
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("feeds", p.get("feeds"));
      row.put("msPerFeed", costs);
      if (base != null) {
        Map<String, Object> b = (Map<String, Object>) base.get("msPerFeed");
        Map<String, Object> ratios = new LinkedHashMap<>();
        boolean met = true;
        for (Map.Entry<String, Object> e : costs.entrySet()) {
          Object bv = b.get(e.getKey());
          if (bv != null) {
            double r = ((Number) e.getValue()).doubleValue() / ((Number) bv).doubleValue();
            ratios.put(e.getKey(), Json.round(r, 3));
            met &= r <= SCALE_COST_GOAL;
          }
        }
        row.put("vs10k", ratios);
        row.put("met", met);
      }
      rows.add(row);
    }
    m.put("points", rows);
    return m;
  }

  private static Map<String, Object> cycleJson(Harness.Cycle c, int feeds, double target10k, boolean warm) {
    Map<String, Object> m = c.toJson();
    // warm: the JVM had run the warm-up set's size of this kind of sync before the cycle (JIT and pools warm)
    m.put("warm", warm);
    if (target10k > 0 && feeds == 10_000) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("seconds", target10k);
      t.put("source", "issue 12: 10,000 feeds x 50 events, cold cycle under 60 s, all-304 cycle under 5 s");
      t.put("ratio", Json.round(target10k / c.seconds(), 2));
      t.put("met", c.seconds() <= target10k);
      m.put("target", t);
    }
    return m;
  }

  private static void logCycle(int feeds, int events, Harness.Cycle c, long stored) {
    log("  %6d x %3d %-30s %8.2f s %9.1f feeds/s  written %8d  rows %s  commits %s  statements %s  run rows %d"
        + "  heap %.0f MB  pool %d  cpu jvm %.1f s pg %.1f s  %s%s", feeds, events, c.name(), c.seconds(),
        c.feedsPerSecond(), c.eventsWritten(), c.rows() == null ? "-" : c.rows().written(),
        c.rows() == null ? "-" : c.rows().commits(), c.rows() == null ? "-" : c.rows().statements(),
        c.syncRunRows(), c.sampledPeakMb(), c.resources().peakActive(),
        c.jvmCpuSeconds(), c.pgCpuSeconds(),
        c.outcomes(),
        stored >= 0 ? "  stored " + stored : "");
    for (String f : c.failureSamples()) {
      log("    %s", f);
    }
  }

  // ------------------------------------------------------------------------------------- memory

  /** The heap the goal of issue 21 allows the big feed's first sync. */
  static final String GOAL_HEAP = "96m";

  /** One child JVM's first sync of the big feed. */
  record ChildRun(String xmx, int exitCode, Map<String, String> result, List<String> output, long stored,
      int expectedEvents) {
    boolean success() {
      return exitCode == 0 && "APPLIED".equals(result.get("outcome")) && stored == expectedEvents;
    }

    double mb(String key) {
      return Double.parseDouble(result.getOrDefault(key, "0"));
    }

    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("xmx", xmx);
      m.put("success", success());
      m.put("exitCode", exitCode);
      m.put("outcome", result.getOrDefault("outcome", "none"));
      m.put("seconds", mb("seconds"));
      m.put("liveHeapAfterGcMb", mb("afterGcMb"));
      m.put("peakHeapMb", mb("peakMb"));
      return m;
    }
  }

  private static ChildRun child(Harness h, LoadOptions o, String xmx, String tenant, long fullGcEveryMs)
      throws Exception {
    String feedUrl = h.server.url("big", o.memoryEvents(), 0, 1);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = List.of(java, "-Xmx" + xmx, "-cp", System.getProperty("java.class.path"),
        BigFeedSync.class.getName(), h.database.db.jdbcUrl(), h.database.db.user(), h.database.db.password(),
        feedUrl, tenant, "big-feed", Long.toString(fullGcEveryMs));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    List<String> output = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        output.add(line);
      }
    }
    boolean exited = p.waitFor(10, TimeUnit.MINUTES);
    int exit = exited ? p.exitValue() : -1;
    if (!exited) {
      p.destroyForcibly();
    }
    Map<String, String> kv = new LinkedHashMap<>();
    for (String line : output) {
      if (line.startsWith("RESULT ")) {
        for (String part : line.substring(7).split(" ")) {
          int eq = part.indexOf('=');
          kv.put(part.substring(0, eq), part.substring(eq + 1));
        }
      }
    }
    long stored = h.database.count("SELECT count(*) FROM icssync_event WHERE tenant = '" + tenant + "'");
    ChildRun run = new ChildRun(xmx, exit, kv, output, stored, o.memoryEvents());
    // the next child's sync reads only its own tenant's rows: drop this one's 100,000 events
    if (!tenant.equals("big")) {
      h.database.deleteTenant(tenant);
    }
    return run;
  }

  private static Map<String, Object> memory(Harness h, LoadOptions o) throws Exception {
    ChildRun main = child(h, o, o.memoryHeap(), "big", 0);
    boolean ok = main.success();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("events", o.memoryEvents());
    m.put("xmx", o.memoryHeap());
    m.put("success", ok);
    m.put("exitCode", main.exitCode());
    m.put("outcome", main.result().getOrDefault("outcome", "none"));
    m.put("storedEvents", main.stored());
    m.put("bodyBytes", Long.parseLong(main.result().getOrDefault("bytes", "0")));
    m.put("seconds", main.mb("seconds"));
    m.put("peakHeapMb", main.mb("peakMb"));
    m.put("poolPeakHeapMb", main.mb("poolPeakMb"));
    m.put("liveHeapAfterGcMb", main.mb("afterGcMb"));
    m.put("seedLimitMb", SEED_MEMORY_MB);
    if (!ok) {
      m.put("output", main.output().subList(Math.max(0, main.output().size() - 20), main.output().size()));
    }
    log("  success %s, %s s, peak heap %s MB (pools %s MB, after GC %s MB), stored %d", ok,
        main.result().get("seconds"), main.result().get("peakMb"), main.result().get("poolPeakMb"),
        main.result().get("afterGcMb"), main.stored());
    if (o.memoryFullGcMs() > 0) {
      ChildRun probe = child(h, o, o.memoryHeap(), "big-live", o.memoryFullGcMs());
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("xmx", o.memoryHeap());
      p.put("everyMs", o.memoryFullGcMs());
      p.put("success", probe.success());
      p.put("fullCollections", Long.parseLong(probe.result().getOrDefault("fullGcs", "0")));
      p.put("liveHeapPeakMb", probe.mb("fullGcMb"));
      p.put("liveHeapAfterGcMb", probe.mb("afterGcMb"));
      p.put("note", "the same sync in a second child JVM that forces a full collection every " + o.memoryFullGcMs()
          + " ms: the largest heap left after one is the live set (sampled; slower sync, its time is no figure)");
      m.put("fullGcProbe", p);
      log("  live-set probe (full GC every %d ms): success %s, largest heap after a full GC %s MB over %s", 
          o.memoryFullGcMs(), probe.success(), probe.result().get("fullGcMb"), probe.result().get("fullGcs"));
    }
    if (!o.memorySeries().isEmpty()) {
      List<ChildRun> series = heapSeries(h, o);
      List<Object> runs = new ArrayList<>();
      String smallest = null;
      for (ChildRun r : series) {
        runs.add(r.toJson());
        if (r.success() && (smallest == null || heapMb(r.xmx()) < heapMb(smallest))) {
          smallest = r.xmx();
        }
      }
      m.put("heapSeries", runs);
      m.put("smallestSucceedingHeap", smallest);
      m.put("heapSeriesNote", "the same first sync in a child JVM per heap, from " + GOAL_HEAP + " down while it"
          + " succeeds, up while it fails, among " + String.join(", ", o.memorySeries()));
    }
    return m;
  }

  /**
   * Child runs of the big feed's first sync among {@code o.memorySeries()}: the goal's 96 MB first (or
   * the middle heap), then smaller heaps while it succeeds, larger ones while it fails; the smallest
   * success is the answer (a sync that fits in a heap fits in a larger one).
   */
  private static List<ChildRun> heapSeries(Harness h, LoadOptions o) throws Exception {
    List<String> heaps = new ArrayList<>(o.memorySeries());
    heaps.sort(java.util.Comparator.comparingDouble(LoadTest::heapMb));
    int at = heaps.indexOf(GOAL_HEAP);
    if (at < 0) {
      at = heaps.size() / 2;
    }
    List<ChildRun> runs = new ArrayList<>();
    ChildRun first = seriesRun(h, o, heaps.get(at));
    runs.add(first);
    int step = first.success() ? -1 : 1;
    for (int i = at + step; i >= 0 && i < heaps.size(); i += step) {
      ChildRun r = seriesRun(h, o, heaps.get(i));
      runs.add(r);
      if (r.success() != first.success()) {
        break;
      }
    }
    runs.sort(java.util.Comparator.comparingDouble(r -> heapMb(r.xmx())));
    return runs;
  }

  private static ChildRun seriesRun(Harness h, LoadOptions o, String xmx) throws Exception {
    ChildRun r = child(h, o, xmx, "big-" + xmx.toLowerCase(Locale.ROOT), 0);
    log("  -Xmx%s: success %s (%s, exit %d), %s s, after GC %s MB", xmx, r.success(),
        r.result().getOrDefault("outcome", "none"), r.exitCode(), r.result().getOrDefault("seconds", "-"),
        r.result().getOrDefault("afterGcMb", "-"));
    return r;
  }

  /** A heap size as -Xmx spells it, in MiB. */
  static double heapMb(String xmx) {
    String s = xmx.trim().toLowerCase(Locale.ROOT);
    double v = Double.parseDouble(s.replaceAll("[^0-9.]", ""));
    return s.endsWith("g") ? v * 1024 : s.endsWith("k") ? v / 1024 : s.endsWith("m") ? v : v / 1048576;
  }

  // -------------------------------------------------------------------------------------- helpers

  private static Map<String, Object> machine(Harness h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("maxHeapMb", Runtime.getRuntime().maxMemory() / 1048576);
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    m.put("postgres", h.database.serverVersion() + (h.database.db.isEmbeddedServer() ? " (embedded)" : ""));
    // whether counting a cycle's rows kept the pool's connections (PostgreSQL 15+), so that every
    // counted cycle ran on warm connections, or closed them (each counted cycle on new ones)
    m.put("rowCountsKeepConnections", h.database.rowCountsKeepConnections());
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    m.put("loadAverageAtStart", Json.round(load, 2));
    return m;
  }

  private static String command(String argLine) {
    List<String> jvm = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-X") || a.startsWith("-XX")).toList();
    return ("java " + String.join(" ", jvm) + " -cp ics-sync-bench/target/benchmarks.jar "
        + LoadTest.class.getName() + " " + argLine).trim();
  }

  static double median(double[] values) {
    if (values.length == 0) {
      return 0;
    }
    double[] s = values.clone();
    java.util.Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException("load test check failed: " + message);
    }
  }

  static void log(String format, Object... args) {
    System.out.printf(Locale.ROOT, format + "%n", args);
    System.out.flush();
  }
}

package dev.icssync.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The goals of issue 21 ("Performance at fleet scale"), each read from this run's {@code jmh.json} and
 * {@code load.json}: what was measured, the goal, and whether it was met. A goal whose figure is not in
 * the results (a suite not run, a load-test part left out, an older results file) says "not measured"
 * and why; it never fails the report.
 */
final class Goals {
  private Goals() {}

  /** Whether a goal was met. */
  enum Status { MET, NOT_MET, NOT_MEASURED }

  /**
   * One row of the table; {@code context} is what was measured beside the goal's figure and does not
   * decide the verdict (the reads beside the writes, the sampled heap beside the live one), or empty.
   */
  record Goal(String figure, String measured, String goal, Status status, String context) {
    Goal(String figure, String measured, String goal, Status status) {
      this(figure, measured, goal, status, "");
    }

    static Goal notMeasured(String figure, String goal, String why) {
      return new Goal(figure, "not measured (" + why + ")", goal, Status.NOT_MEASURED);
    }

    static Goal of(String figure, String measured, String goal, boolean met) {
      return new Goal(figure, measured, goal, met ? Status.MET : Status.NOT_MET);
    }

    Goal withContext(String value) {
      return new Goal(figure, measured, goal, status, value);
    }
  }

  static final String NO_LOAD = "no load.json";

  /** Every goal of issue 21, in the order of its table, without unit costs. */
  static List<Goal> evaluate(List<JmhResult> jmh, Optional<JsonNode> load) {
    return evaluate(jmh, load, Optional.empty());
  }

  /**
   * Every goal of issue 21, in the order of its table; {@code unitCosts} ({@code unit-costs.json})
   * stands in for the load test's write counts when load.json has none.
   */
  static List<Goal> evaluate(List<JmhResult> jmh, Optional<JsonNode> load, Optional<JsonNode> unitCosts) {
    List<Goal> goals = new ArrayList<>();
    goals.addAll(notModifiedCycle(load));
    goals.add(writesPer304(load, unitCosts));
    goals.add(hugeScale(load));
    goals.add(exportEndpoint(jmh, 200));
    goals.add(exportEndpoint(jmh, 304));
    goals.add(initialLoad(jmh));
    goals.addAll(conflicts(jmh));
    goals.add(bigFeedHeap(load));
    goals.add(coldStart(load));
    return goals;
  }

  /** The Markdown section. */
  static String markdown(List<Goal> goals) {
    StringBuilder md = new StringBuilder("## Goals (issue 21)\n\n");
    long met = goals.stream().filter(g -> g.status() == Status.MET).count();
    long measured = goals.stream().filter(g -> g.status() != Status.NOT_MEASURED).count();
    md.append(met).append(" of ").append(goals.size()).append(" goals met");
    if (measured < goals.size()) {
      md.append(" (").append(goals.size() - measured).append(" not measured in this run)");
    }
    md.append(". Each figure comes from this run: the JMH suites below and the load test at the end.\n\n");
    md.append("| figure | this run | goal | | measured beside it (not the goal's figure) |\n"
        + "|---|---:|---:|---|---|\n");
    for (Goal g : goals) {
      md.append("| ").append(g.figure()).append(" | ").append(g.measured()).append(" | ").append(g.goal())
          .append(" | ").append(switch (g.status()) {
            case MET -> "met";
            case NOT_MET -> "**not met**";
            case NOT_MEASURED -> "not measured";
          }).append(" | ").append(g.context()).append(" |\n");
    }
    return md.append('\n').toString();
  }

  // ----------------------------------------------------------------------------------- load test

  private static List<Goal> notModifiedCycle(Optional<JsonNode> load) {
    String cycle = "10,000 feeds, every poll a 304: one cycle";
    String ratio = "the same cycle beside a bare Apache HttpClient 5 doing the same conditional GETs, same run";
    JsonNode point = load.map(l -> scalePoint(l, 10_000)).orElse(null);
    JsonNode v = point == null ? null : point.get("notModifiedVsBare");
    if (v == null) {
      String why = load.isEmpty() ? NO_LOAD : "no 10,000-feed point with 304 cycles in load.json";
      return List.of(Goal.notMeasured(cycle, "<= 2 s", why), Goal.notMeasured(ratio, ">= 0.5x", why));
    }
    double ours = v.path("oursMedianSeconds").asDouble();
    double bare = v.path("bareMedianSeconds").asDouble();
    String cycles = v.path("cycles").asInt() + " cycles";
    return List.of(
        Goal.of(cycle, String.format(Locale.ROOT, "%s s (median of %s)", Format.number(ours), cycles), "<= 2 s",
            ours <= 2),
        Goal.of(ratio, String.format(Locale.ROOT, "%s (ours %s s, bare %s s)", Format.ratio(bare / ours),
            Format.number(ours), Format.number(bare)), ">= 0.5x", bare / ours >= 0.5));
  }

  static final String WRITES_FIGURE = "DB writes per 304 sync";
  static final String WRITES_GOAL = "<= 1 row per feed (its state); write transactions and history rows shared"
      + " across feeds, <= 0.1 per sync (10 or more feeds each)";
  /** At most this many write transactions, and rows beyond a feed's own, per 304 sync: batched by design. */
  static final double SHARED_PER_SYNC = 0.1;
  static final String HISTORY_TABLE = "icssync_sync_run";

  /**
   * Writes of a 304 sync: write transactions (commits that wait for a WAL flush, counted on the
   * client) and rows written, per sync; the reads (read-only transactions, statements) beside them.
   * From the load test's all-304 cycles at 10,000 feeds (else its largest point with 304 cycles) when
   * load.json counts write transactions, else from unit-costs.json's 304 outcome.
   */
  private static Goal writesPer304(Optional<JsonNode> load, Optional<JsonNode> unitCosts) {
    Optional<Goal> fromLoad = load.flatMap(Goals::writesPer304FromLoad);
    if (fromLoad.isPresent()) {
      return fromLoad.get();
    }
    JsonNode nm = unitCosts.map(u -> u.path("outcomes").path("notModified")).orElse(null);
    if (nm != null && nm.path("writeTransactions").isNumber() && nm.path("rowsWritten").isNumber()) {
      double writes = nm.path("writeTransactions").asDouble();
      double rows = nm.path("rowsWritten").asDouble();
      String measured = String.format(Locale.ROOT, "%s write transactions, %s rows per sync (%s syncs, unit costs)",
          Format.number(writes), Format.number(rows), String.format(Locale.ROOT, "%,d", nm.path("syncs").asInt()));
      String context = String.format(Locale.ROOT, "reads: %s transactions PostgreSQL counts (read-only ones"
          + " included), %s statements per sync", Format.number(nm.path("pgTransactions").asDouble()),
          Format.number(nm.path("statements").asDouble()));
      return Goal.of(WRITES_FIGURE, measured, WRITES_GOAL, writes <= SHARED_PER_SYNC
          && rows <= 1 + SHARED_PER_SYNC).withContext(context);
    }
    String why = load.isEmpty() && unitCosts.isEmpty() ? "no load.json, no unit-costs.json"
        : load.isPresent() && !hasNotModifiedCycles(load.get()) ? "no 304 cycles in load.json, no unit costs"
        : "load.json counts no write transactions and there is no unit-costs.json";
    return Goal.notMeasured(WRITES_FIGURE, WRITES_GOAL, why);
  }

  private static boolean hasNotModifiedCycles(JsonNode load) {
    for (JsonNode p : load.path("scale")) {
      if (p.has("notModifiedVsBare")) {
        return true;
      }
    }
    return false;
  }

  private static Optional<Goal> writesPer304FromLoad(JsonNode load) {
    // the 10,000-feed point, as the rows above; else the largest point with 304 cycles
    JsonNode best = scalePoint(load, 10_000);
    if (best == null || !best.has("notModifiedVsBare")) {
      best = null;
      for (JsonNode p : load.path("scale")) {
        if (p.has("notModifiedVsBare") && (best == null || p.path("feeds").asInt() > best.path("feeds").asInt())) {
          best = p;
        }
      }
    }
    if (best == null) {
      return Optional.empty();
    }
    long history = 0;
    long own = 0;
    long writes = 0;
    long transactions = 0;
    long statements = 0;
    long syncs = 0;
    int cycles = 0;
    for (JsonNode c : best.path("cycles")) {
      if (!c.path("cycle").asText().startsWith("all 304") || !c.has("dbRows")) {
        continue;
      }
      JsonNode r = c.get("dbRows");
      if (!r.path("writeTransactions").isNumber()) {
        return Optional.empty(); // an older load.json: its commits include every read
      }
      long rows = r.path("inserted").asLong() + r.path("updated").asLong() + r.path("deleted").asLong();
      JsonNode h = r.path("byTable").path(HISTORY_TABLE);
      long historyRows = h.path("inserted").asLong() + h.path("updated").asLong() + h.path("deleted").asLong();
      history += historyRows;
      own += rows - historyRows;
      writes += r.path("writeTransactions").asLong();
      transactions += r.path("commits").asLong();
      statements += r.path("statements").asLong();
      syncs += c.path("feeds").asLong();
      cycles++;
    }
    if (syncs == 0) {
      return Optional.empty();
    }
    double n = syncs;
    double writesPer = writes / n;
    double ownPer = own / n;
    double historyPer = history / n;
    String measured = String.format(Locale.ROOT, "%s write transactions per sync (%s feeds each); rows per sync: %s"
            + " of the feed (its state) + %s of the run history (%s feeds, %d cycles, load test)",
        Format.number(writesPer), writes == 0 ? "-" : Format.number(n / writes), Format.number(ownPer),
        Format.number(historyPer), String.format(Locale.ROOT, "%,d", best.path("feeds").asInt()), cycles);
    String context = String.format(Locale.ROOT, "reads: %s read-only transactions, %s statements per sync"
        + " (all transactions as PostgreSQL counts them: %s)", Format.number(Math.max(0, transactions - writes) / n),
        Format.number(statements / n), Format.number(transactions / n));
    return Optional.of(Goal.of(WRITES_FIGURE, measured, WRITES_GOAL,
        writesPer <= SHARED_PER_SYNC && ownPer <= 1 && historyPer <= SHARED_PER_SYNC).withContext(context));
  }

  private static Goal hugeScale(Optional<JsonNode> load) {
    String figure = "100,000 feeds (cold, all 304, unchanged body): cost per feed over the 10,000-feed row";
    String goal = "<= 1.5x";
    if (load.isEmpty()) {
      return Goal.notMeasured(figure, goal, NO_LOAD);
    }
    JsonNode row = null;
    for (JsonNode p : load.get().path("scaleCost").path("points")) {
      if (p.path("feeds").asInt() == 100_000) {
        row = p;
      }
    }
    if (row == null || !row.has("vs10k")) {
      return Goal.notMeasured(figure, goal, row == null ? "no 100,000-feed point: run the load test with --huge"
          : "no 10,000-feed point to compare with");
    }
    List<String> parts = new ArrayList<>();
    double worst = 0;
    for (String k : List.of("cold", "notModified", "unchanged")) {
      JsonNode r = row.path("vs10k").get(k);
      if (r != null) {
        worst = Math.max(worst, r.asDouble());
        parts.add((k.equals("notModified") ? "304" : k) + " " + Format.ratio(r.asDouble()));
      }
    }
    if (parts.isEmpty()) {
      return Goal.notMeasured(figure, goal, "no cycle of both points");
    }
    return Goal.of(figure, String.join(", ", parts), goal, worst <= 1.5);
  }

  static final String BIG_FEED_FIGURE = "first sync of a 100,000-event feed in -Xmx128m: peak live heap";
  static final double BIG_FEED_GOAL_MB = 96;

  /**
   * What the first sync of a 100,000-event feed needs of the heap: the largest heap left right after
   * a collection during the sync (the live data, plus old garbage a young collection leaves), the
   * largest left after a full collection (forced every so often in a separate run: the live set
   * itself), and whether the same sync succeeds in a JVM given only -Xmx96m (and the smallest heap of
   * the series that does). The verdict: the 96 MB run's success when it ran, else the live peak. The
   * sampled peak of used heap goes beside it: a JVM fills the heap it is given before it collects, so
   * that figure grows with -Xmx and says little about what the sync needs.
   */
  private static Goal bigFeedHeap(Optional<JsonNode> load) {
    String figure = BIG_FEED_FIGURE;
    String goal = "<= 96 MB (the same sync succeeds in -Xmx96m)";
    JsonNode m = load.map(l -> l.get("memory")).orElse(null);
    if (m == null) {
      return Goal.notMeasured(figure, goal, load.isEmpty() ? NO_LOAD : "the memory part did not run");
    }
    if (m.path("events").asInt() != 100_000 || !m.path("xmx").asText().equalsIgnoreCase("128m")) {
      return Goal.notMeasured(figure, goal, String.format(Locale.ROOT, "this run synced %,d events in -Xmx%s",
          m.path("events").asInt(), m.path("xmx").asText()));
    }
    String sampled = "sampled peak of used heap " + Format.number(m.path("peakHeapMb").asDouble())
        + " MB (garbage included: it grows with -Xmx)";
    if (!m.path("success").asBoolean()) {
      return Goal.of(figure, "failed (" + m.path("outcome").asText() + ", exit " + m.path("exitCode").asInt() + ")",
          goal, false).withContext(sampled);
    }
    List<String> parts = new ArrayList<>();
    double afterGc = m.path("liveHeapAfterGcMb").asDouble();
    parts.add(afterGc > 0 ? Format.number(afterGc) + " MB after any collection" : "no collection ran");
    JsonNode full = m.path("fullGcProbe");
    double fullPeak = full.path("liveHeapPeakMb").asDouble();
    if (full.path("success").asBoolean() && fullPeak > 0) {
      parts.add(String.format(Locale.ROOT, "%s MB after a full collection (%d forced, one every %d ms)",
          Format.number(fullPeak), full.path("fullCollections").asInt(), full.path("everyMs").asInt()));
    }
    Boolean at96 = null;
    List<String> series = new ArrayList<>();
    for (JsonNode run : m.path("heapSeries")) {
      boolean ok = run.path("success").asBoolean();
      series.add("-Xmx" + run.path("xmx").asText() + " " + (ok ? "ok" : "failed"));
      if (parseMb(run.path("xmx").asText()) == BIG_FEED_GOAL_MB) {
        at96 = ok;
      }
    }
    String measured = "live peak " + String.join(", ", parts);
    if (!series.isEmpty()) {
      measured += "; " + String.join(", ", series);
      JsonNode smallest = m.path("smallestSucceedingHeap");
      measured += smallest.isTextual() ? "; smallest that succeeds: -Xmx" + smallest.asText()
          : "; none of the series succeeds";
    }
    boolean met;
    if (at96 != null) {
      met = at96;
    } else if (fullPeak > 0 || afterGc > 0) {
      met = Math.max(fullPeak, afterGc) <= BIG_FEED_GOAL_MB;
    } else {
      return Goal.notMeasured(figure, goal, "no collection ran during the sync and no -Xmx96m run").withContext(sampled);
    }
    return Goal.of(figure, measured, goal, met).withContext(sampled);
  }

  /** {@code 96m}, {@code 1g}, {@code 98304k} in MiB. */
  static double parseMb(String xmx) {
    String s = xmx.trim().toLowerCase(Locale.ROOT);
    if (s.isEmpty()) {
      return Double.NaN;
    }
    double v = Double.parseDouble(s.replaceAll("[^0-9.]", ""));
    return s.endsWith("g") ? v * 1024 : s.endsWith("k") ? v / 1024 : s.endsWith("m") ? v : v / 1048576;
  }

  private static Goal coldStart(Optional<JsonNode> load) {
    String figure = "`check` of a 100-event feed, whole process, over a hello-world JVM in the same run";
    String goal = "<= 1.5x";
    JsonNode c = load.map(l -> l.get("coldStart")).orElse(null);
    if (c == null || !c.path("ratio").isNumber()) {
      return Goal.notMeasured(figure, goal, load.isEmpty() ? NO_LOAD : "no coldStart in load.json");
    }
    double ratio = c.path("ratio").asDouble();
    String measured = String.format(Locale.ROOT, "%s (%s ms vs %s ms", Format.ratio(ratio),
        Format.number(c.path("checkMs").asDouble(Double.NaN)), Format.number(c.path("helloWorldMs").asDouble(Double.NaN)));
    if (c.path("versionMs").isNumber()) {
      measured += "; `--version` " + Format.number(c.path("versionMs").asDouble()) + " ms";
    }
    return Goal.of(figure, measured + ")", goal, ratio <= 1.5);
  }

  private static @Nullable JsonNode scalePoint(JsonNode load, int feeds) {
    for (JsonNode p : load.path("scale")) {
      if (p.path("feeds").asInt() == feeds) {
        return p;
      }
    }
    return null;
  }

  // -------------------------------------------------------------------------------------- JMH

  private static Goal exportEndpoint(List<JmhResult> jmh, int path) {
    String figure = "export endpoint, cached, " + path + ": ours over a bare HttpCore 5 server serving the same bytes";
    String goal = ">= 0.8x";
    Predicate<JmhResult> onPath = r -> r.className().equals("ExportEndpointBenchmark")
        && String.valueOf(path).equals(r.params().get("path"));
    JmhResult ours = first(jmh, onPath.and(r -> r.method().equals("ours")));
    if (ours == null) {
      return Goal.notMeasured(figure, goal, "no ExportEndpointBenchmark.ours path=" + path + " in jmh.json");
    }
    JmhResult bare = first(jmh, onPath.and(r -> r.method().equals("bareHttpCore") && r.threads() == ours.threads()
        && r.params().equals(ours.params())));
    if (bare == null) {
      return Goal.notMeasured(figure, goal, "no ExportEndpointBenchmark.bareHttpCore beside it");
    }
    double ratio = ours.opsPerSecond() / bare.opsPerSecond();
    return Goal.of(figure, String.format(Locale.ROOT, "%s (%s vs %s requests/s)", Format.ratio(ratio),
        Format.number(ours.opsPerSecond()), Format.number(bare.opsPerSecond())), goal, ratio >= 0.8);
  }

  /**
   * The figure is the load as the engine runs it: its default {@code parallelism} of 10 syncs side by
   * side (JdbcStoreLoadBenchmark concurrency=10); the same load one feed at a time is shown beside it.
   * A result without the parameter ran one feed at a time.
   */
  private static Goal initialLoad(List<JmhResult> jmh) {
    String figure = "PostgreSQL initial load, 100 feeds x 1,000 events";
    String goal = ">= 100,000 rows/s";
    JmhResult parallel = initialLoad(jmh, "10");
    JmhResult sequential = initialLoad(jmh, "1");
    if (parallel == null) {
      return Goal.notMeasured(figure, goal,
          "no JdbcStoreLoadBenchmark target=postgres-auto feeds=100 concurrency=10 in jmh.json");
    }
    Goal g = Goal.of(figure, Format.number(parallel.opsPerSecond()) + " rows/s (10 feeds at once, the engine's"
        + " default parallelism)", goal, parallel.opsPerSecond() >= 100_000);
    return sequential == null ? g
        : g.withContext("one feed at a time: " + Format.number(sequential.opsPerSecond()) + " rows/s");
  }

  private static @Nullable JmhResult initialLoad(List<JmhResult> jmh, String concurrency) {
    return first(jmh, x -> x.className().equals("JdbcStoreLoadBenchmark") && x.method().equals("initialLoad")
        && "postgres-auto".equals(x.params().get("target")) && x.param("feeds") == 100
        && concurrency.equals(x.params().getOrDefault("concurrency", "1")));
  }

  private static List<Goal> conflicts(List<JmhResult> jmh) {
    String time = "conflict detection, 1,000,000 events: time per run";
    String alloc = "conflict detection, 1,000,000 events: allocated per event";
    JmhResult r = first(jmh, x -> x.className().equals("ConflictBenchmark") && x.method().equals("detect")
        && x.param("events") == 1_000_000);
    if (r == null) {
      String why = "no ConflictBenchmark.detect events=1000000 in jmh.json";
      return List.of(Goal.notMeasured(time, "<= 500 ms", why), Goal.notMeasured(alloc, "<= 200 B/event", why));
    }
    double ms = r.threads() * 1000.0 / r.opsPerSecond();
    double perEvent = r.allocBytesPerOp() / 1_000_000;
    Goal a = Double.isNaN(perEvent) ? Goal.notMeasured(alloc, "<= 200 B/event", "JMH ran without -prof gc")
        : Goal.of(alloc, Format.number(perEvent) + " B/event", "<= 200 B/event", perEvent <= 200);
    return List.of(Goal.of(time, Format.number(ms) + " ms", "<= 500 ms", ms <= 500), a);
  }

  private static @Nullable JmhResult first(List<JmhResult> jmh, Predicate<JmhResult> p) {
    return jmh.stream().filter(p).findFirst().orElse(null);
  }
}

package dev.icssync.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.icssync.bench.report.Goals.Goal;
import dev.icssync.bench.report.Goals.Status;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The goals table of issue 21, read from jmh.json and load.json, every row present or absent. */
class GoalsTest {
  private static final JmhResult.Settings SETTINGS = new JmhResult.Settings("1.37", "2 x 1 s", "4 x 1 s", "-Xmx2g",
      "OpenJDK 17");

  private static JmhResult jmh(String benchmark, int threads, Map<String, String> params, double opsPerSecond,
      double allocPerOp) {
    return new JmhResult("dev.icssync.bench." + benchmark, "thrpt", threads, 2, new LinkedHashMap<>(params),
        opsPerSecond, 1, opsPerSecond, 8, allocPerOp, opsPerSecond, "ops/s", SETTINGS);
  }

  private static final List<JmhResult> JMH = List.of(
      jmh("export.ExportEndpointBenchmark.ours", 1, Map.of("path", "200", "events", "100"), 9_000, 5_000),
      jmh("export.ExportEndpointBenchmark.bareHttpCore", 1, Map.of("path", "200", "events", "100"), 10_000, 3_000),
      jmh("export.ExportEndpointBenchmark.ours", 1, Map.of("path", "304", "events", "100"), 5_000, 5_000),
      jmh("export.ExportEndpointBenchmark.bareHttpCore", 1, Map.of("path", "304", "events", "100"), 10_000, 3_000),
      jmh("jdbc.JdbcStoreLoadBenchmark.initialLoad", 1, Map.of("target", "postgres-auto", "feeds", "100",
          "concurrency", "1", "synchronousApplyCommit", "true"), 70_000, 300),
      jmh("jdbc.JdbcStoreLoadBenchmark.initialLoad", 1, Map.of("target", "postgres-auto", "feeds", "100",
          "concurrency", "10", "synchronousApplyCommit", "true"), 120_000, 300),
      jmh("jdbc.JdbcStoreLoadBenchmark.initialLoad", 1, Map.of("target", "h2-memory", "feeds", "100",
          "synchronousApplyCommit", "true"), 50_000, 300),
      // 1.6 runs/s: 625 ms per run; 150 MB per run: 150 B per event
      jmh("engine.ConflictBenchmark.detect", 1, Map.of("events", "1000000"), 1.6, 150_000_000));

  private static JsonNode load(String json) throws Exception {
    return new ObjectMapper().readTree(json.replace('\'', '"'));
  }

  private static final String FULL_LOAD = """
      {'scale': [
        {'feeds': 10000, 'cycles': [
          {'cycle': 'cold', 'feeds': 10000, 'dbRows': {'inserted': 520000, 'updated': 0, 'deleted': 0, 'commits': 20000,
            'statements': 40000}},
          {'cycle': 'all 304', 'feeds': 10000, 'dbRows': {'inserted': 100, 'updated': 10000, 'deleted': 80,
            'byTable': {'icssync_feed_state': {'inserted': 0, 'updated': 10000, 'deleted': 0},
                        'icssync_sync_run': {'inserted': 100, 'updated': 0, 'deleted': 80}},
            'commits': 20040, 'statements': 20300, 'writeTransactions': 40, 'connectionCheckouts': 20040}},
          {'cycle': 'all 304 #2', 'feeds': 10000, 'dbRows': {'inserted': 100, 'updated': 10000, 'deleted': 120,
            'byTable': {'icssync_feed_state': {'inserted': 0, 'updated': 10000, 'deleted': 0},
                        'icssync_sync_run': {'inserted': 100, 'updated': 0, 'deleted': 120}},
            'commits': 20040, 'statements': 20300, 'writeTransactions': 40, 'connectionCheckouts': 20040}},
          {'cycle': 'unchanged body, no validators', 'feeds': 10000, 'dbRows': {'inserted': 0, 'updated': 30000,
            'deleted': 0, 'commits': 30000, 'statements': 60000}}],
         'notModifiedVsBare': {'cycles': 2, 'oursMedianSeconds': 1.5, 'bareMedianSeconds': 1.2, 'ratio': 0.8}},
        {'feeds': 100000, 'cycles': []}],
       'scaleCost': {'baseFeeds': 10000, 'points': [
         {'feeds': 10000, 'vs10k': {'cold': 1.0, 'notModified': 1.0, 'unchanged': 1.0}},
         {'feeds': 100000, 'vs10k': {'cold': 1.2, 'notModified': 1.7, 'unchanged': 1.1}}]},
       'memory': {'events': 100000, 'xmx': '128m', 'success': true, 'peakHeapMb': 123.4,
         'liveHeapAfterGcMb': 70.2,
         'fullGcProbe': {'xmx': '128m', 'everyMs': 250, 'success': true, 'fullCollections': 30, 'liveHeapPeakMb': 52.5},
         'heapSeries': [{'xmx': '64m', 'success': false, 'outcome': 'none', 'exitCode': 1},
                        {'xmx': '80m', 'success': true}, {'xmx': '96m', 'success': true}],
         'smallestSucceedingHeap': '80m'},
       'coldStart': {'checkMs': 300, 'helloWorldMs': 100, 'ratio': 3.0, 'versionMs': 250}}
      """;

  private static Goal row(List<Goal> goals, String figureStart) {
    return goals.stream().filter(g -> g.figure().startsWith(figureStart)).findFirst().orElseThrow();
  }

  @Test
  void everyRowOfTheIssueIsCheckedAgainstItsGoal() throws Exception {
    List<Goal> goals = Goals.evaluate(JMH, Optional.of(load(FULL_LOAD)));
    assertThat(goals).hasSize(11).noneMatch(g -> g.status() == Status.NOT_MEASURED);

    assertThat(row(goals, "10,000 feeds, every poll a 304").status()).isEqualTo(Status.MET);
    assertThat(row(goals, "10,000 feeds, every poll a 304").measured()).startsWith("1.50 s");
    Goal bare = row(goals, "the same cycle beside a bare Apache");
    assertThat(bare.measured()).startsWith("0.80x");
    assertThat(bare.status()).isEqualTo(Status.MET);
    // the two 304 cycles: 80 write transactions, 20,000 state rows and 400 history rows over 20,000 syncs; the
    // cold and unchanged cycles left out; the transactions PostgreSQL counts (reads too) do not decide
    Goal writes = row(goals, "DB writes per 304 sync");
    assertThat(writes.measured()).isEqualTo("0.00400 write transactions per sync (250 feeds each); rows per sync:"
        + " 1.00 of the feed (its state) + 0.0200 of the run history (10,000 feeds, 2 cycles, load test)");
    assertThat(writes.context()).isEqualTo("reads: 2.00 read-only transactions, 2.03 statements per sync (all"
        + " transactions as PostgreSQL counts them: 2.00)");
    assertThat(writes.status()).isEqualTo(Status.MET);
    Goal huge = row(goals, "100,000 feeds");
    assertThat(huge.measured()).isEqualTo("cold 1.20x, 304 1.70x, unchanged 1.10x");
    assertThat(huge.status()).isEqualTo(Status.NOT_MET);
    assertThat(row(goals, "export endpoint, cached, 200").measured()).startsWith("0.90x");
    assertThat(row(goals, "export endpoint, cached, 200").status()).isEqualTo(Status.MET);
    assertThat(row(goals, "export endpoint, cached, 304").status()).isEqualTo(Status.NOT_MET);
    assertThat(row(goals, "PostgreSQL initial load").measured())
        .isEqualTo("120,000 rows/s (10 feeds at once, the engine's default parallelism)");
    assertThat(row(goals, "PostgreSQL initial load").context()).isEqualTo("one feed at a time: 70,000 rows/s");
    assertThat(row(goals, "PostgreSQL initial load").status()).isEqualTo(Status.MET);
    assertThat(row(goals, "conflict detection, 1,000,000 events: time").measured()).isEqualTo("625 ms");
    assertThat(row(goals, "conflict detection, 1,000,000 events: time").status()).isEqualTo(Status.NOT_MET);
    assertThat(row(goals, "conflict detection, 1,000,000 events: allocated").measured()).isEqualTo("150 B/event");
    assertThat(row(goals, "conflict detection, 1,000,000 events: allocated").status()).isEqualTo(Status.MET);
    // the sampled peak (garbage included) is beside the verdict, not in it
    Goal heap = row(goals, "first sync of a 100,000-event feed");
    assertThat(heap.measured()).isEqualTo("live peak 70.2 MB after any collection, 52.5 MB after a full collection"
        + " (30 forced, one every 250 ms); -Xmx64m failed, -Xmx80m ok, -Xmx96m ok; smallest that succeeds: -Xmx80m");
    assertThat(heap.context()).startsWith("sampled peak of used heap 123 MB");
    assertThat(heap.status()).isEqualTo(Status.MET);
    Goal cold = row(goals, "`check` of a 100-event feed");
    assertThat(cold.measured()).isEqualTo("3.00x (300 ms vs 100 ms; `--version` 250 ms)");
    assertThat(cold.status()).isEqualTo(Status.NOT_MET);

    String md = Goals.markdown(goals);
    assertThat(md).startsWith("## Goals (issue 21)\n\n7 of 11 goals met. ")
        .contains("| figure | this run | goal | | measured beside it (not the goal's figure) |", "| <= 2 s | met |  |",
            "| <= 1.5x | **not met** |", "| met | sampled peak of used heap 123 MB");
  }

  @Test
  void theInitialLoadIsJudgedAtTheEnginesParallelismNotOneFeedAtATime() throws Exception {
    // a result of an older jar has no concurrency parameter: it ran one feed at a time
    List<Goal> sequential = Goals.evaluate(List.of(jmh("jdbc.JdbcStoreLoadBenchmark.initialLoad", 1,
        Map.of("target", "postgres-auto", "feeds", "100", "synchronousApplyCommit", "true"), 150_000, 300)),
        Optional.empty());
    assertThat(row(sequential, "PostgreSQL initial load").status()).isEqualTo(Status.NOT_MEASURED);

    List<Goal> slow = Goals.evaluate(List.of(jmh("jdbc.JdbcStoreLoadBenchmark.initialLoad", 1,
        Map.of("target", "postgres-auto", "feeds", "100", "concurrency", "10", "synchronousApplyCommit", "true"),
        99_000, 300)), Optional.empty());
    assertThat(row(slow, "PostgreSQL initial load").status()).isEqualTo(Status.NOT_MET);
    assertThat(row(slow, "PostgreSQL initial load").context()).isEmpty();
  }

  @Test
  void absentRowsSayNotMeasuredAndWhy() throws Exception {
    List<Goal> none = Goals.evaluate(List.of(), Optional.empty());
    assertThat(none).hasSize(11).allMatch(g -> g.status() == Status.NOT_MEASURED);
    assertThat(row(none, "10,000 feeds").measured()).isEqualTo("not measured (no load.json)");
    assertThat(row(none, "PostgreSQL initial load").measured())
        .isEqualTo("not measured (no JdbcStoreLoadBenchmark target=postgres-auto feeds=100 concurrency=10 in jmh.json)");
    assertThat(Goals.markdown(none)).contains("0 of 11 goals met (11 not measured in this run)");

    // a quick load test: no 10,000 or 100,000 feeds, a small memory feed, no cold start, no commits counted
    JsonNode quick = load("""
        {'scale': [{'feeds': 400, 'cycles': [{'cycle': 'all 304', 'feeds': 400,
           'dbRows': {'inserted': 400, 'updated': 800, 'deleted': 0}}],
           'notModifiedVsBare': {'cycles': 1, 'oursMedianSeconds': 1, 'bareMedianSeconds': 0.5}}],
         'scaleCost': {'baseFeeds': null, 'points': [{'feeds': 400, 'msPerFeed': {'cold': 2}}]},
         'memory': {'events': 10000, 'xmx': '128m', 'success': true, 'peakHeapMb': 40}}
        """);
    List<Goal> goals = Goals.evaluate(List.of(), Optional.of(quick));
    assertThat(row(goals, "10,000 feeds").measured())
        .isEqualTo("not measured (no 10,000-feed point with 304 cycles in load.json)");
    assertThat(row(goals, "DB writes per 304 sync").measured())
        .isEqualTo("not measured (load.json counts no write transactions and there is no unit-costs.json)");
    assertThat(row(goals, "100,000 feeds").measured())
        .isEqualTo("not measured (no 100,000-feed point: run the load test with --huge)");
    assertThat(row(goals, "first sync of a 100,000-event feed").measured())
        .isEqualTo("not measured (this run synced 10,000 events in -Xmx128m)");
    assertThat(row(goals, "`check` of a 100-event feed").measured()).isEqualTo("not measured (no coldStart in load.json)");
  }

  /** The 304 cycles of a 10,000-feed point whose syncs write the given rows and transactions per cycle. */
  private static JsonNode writes(long stateRows, long historyRows, long writeTransactions) throws Exception {
    return load(String.format(java.util.Locale.ROOT, """
        {'scale': [{'feeds': 10000, 'notModifiedVsBare': {'cycles': 1, 'oursMedianSeconds': 1, 'bareMedianSeconds': 1},
          'cycles': [{'cycle': 'all 304', 'feeds': 10000, 'dbRows': {'inserted': %d, 'updated': %d, 'deleted': 0,
            'byTable': {'icssync_feed_state': {'inserted': 0, 'updated': %d, 'deleted': 0},
                        'icssync_sync_run': {'inserted': %d, 'updated': 0, 'deleted': 0}},
            'commits': 30000, 'statements': 30000, 'writeTransactions': %d}}]}]}
        """, historyRows, stateRows, stateRows, historyRows, writeTransactions));
  }

  @Test
  void writesPer304AreMetOnlyWhenEachFeedWritesItsStateAndTheRestIsShared() throws Exception {
    Goal batched = row(Goals.evaluate(List.of(), Optional.of(writes(10_000, 100, 40))), "DB writes per 304 sync");
    assertThat(batched.status()).isEqualTo(Status.MET);
    // a commit per feed: not batched, however few rows
    Goal perFeedCommit = row(Goals.evaluate(List.of(), Optional.of(writes(10_000, 0, 10_000))), "DB writes per 304");
    assertThat(perFeedCommit.status()).isEqualTo(Status.NOT_MET);
    assertThat(perFeedCommit.measured()).startsWith("1.00 write transactions per sync (1.00 feeds each)");
    // a run row per sync, even in shared transactions: the history grows with the polls
    Goal runRowEach = row(Goals.evaluate(List.of(), Optional.of(writes(10_000, 10_000, 40))), "DB writes per 304");
    assertThat(runRowEach.status()).isEqualTo(Status.NOT_MET);
    // the state written twice per feed
    Goal twice = row(Goals.evaluate(List.of(), Optional.of(writes(20_000, 100, 40))), "DB writes per 304");
    assertThat(twice.status()).isEqualTo(Status.NOT_MET);
  }

  @Test
  void writesPer304ComeFromTheUnitCostsWhenLoadJsonCountsNoWriteTransactions() throws Exception {
    JsonNode older = load("""
        {'scale': [{'feeds': 10000, 'notModifiedVsBare': {'cycles': 1},
          'cycles': [{'cycle': 'all 304', 'feeds': 10000,
            'dbRows': {'inserted': 100, 'updated': 10000, 'deleted': 80, 'commits': 20200, 'statements': 20300}}]}]}
        """);
    JsonNode units = load("""
        {'outcomes': {'notModified': {'syncs': 10000, 'writeTransactions': 0.004, 'rowsWritten': 1.01,
          'pgTransactions': 2.01, 'statements': 2.01}}}
        """);
    Goal g = row(Goals.evaluate(List.of(), Optional.of(older), Optional.of(units)), "DB writes per 304 sync");
    assertThat(g.measured()).isEqualTo("0.00400 write transactions, 1.01 rows per sync (10,000 syncs, unit costs)");
    assertThat(g.context()).isEqualTo("reads: 2.01 transactions PostgreSQL counts (read-only ones included), 2.01"
        + " statements per sync");
    assertThat(g.status()).isEqualTo(Status.MET);
    JsonNode unbatched = load("""
        {'outcomes': {'notModified': {'syncs': 200, 'writeTransactions': 2.0, 'rowsWritten': 3.0,
          'pgTransactions': 4.0, 'statements': 5.0}}}
        """);
    assertThat(row(Goals.evaluate(List.of(), Optional.empty(), Optional.of(unbatched)), "DB writes per 304").status())
        .isEqualTo(Status.NOT_MET);
  }

  @Test
  void bigFeedHeapVerdictFollowsTheNinetySixMegabyteRunElseTheLivePeak() throws Exception {
    String base = "'events': 100000, 'xmx': '128m', 'success': true, 'peakHeapMb': 125, 'liveHeapAfterGcMb': 60";
    Goal failsAt96 = row(Goals.evaluate(List.of(), Optional.of(load("{'memory': {" + base
        + ", 'heapSeries': [{'xmx': '96m', 'success': false}, {'xmx': '112m', 'success': true}],"
        + " 'smallestSucceedingHeap': '112m'}}"))), "first sync of a 100,000-event feed");
    assertThat(failsAt96.status()).as("the 96 MB run decides, whatever the live peak").isEqualTo(Status.NOT_MET);
    assertThat(failsAt96.measured()).endsWith("-Xmx96m failed, -Xmx112m ok; smallest that succeeds: -Xmx112m");

    Goal noSeries = row(Goals.evaluate(List.of(), Optional.of(load("{'memory': {" + base + "}}"))),
        "first sync of a 100,000-event feed");
    assertThat(noSeries.measured()).isEqualTo("live peak 60.0 MB after any collection");
    assertThat(noSeries.status()).isEqualTo(Status.MET);

    Goal bigLive = row(Goals.evaluate(List.of(), Optional.of(load("{'memory': {'events': 100000, 'xmx': '128m',"
        + " 'success': true, 'peakHeapMb': 125, 'liveHeapAfterGcMb': 110}}"))), "first sync of a 100,000-event feed");
    assertThat(bigLive.status()).isEqualTo(Status.NOT_MET);

    Goal failed = row(Goals.evaluate(List.of(), Optional.of(load("{'memory': {'events': 100000, 'xmx': '128m',"
        + " 'success': false, 'outcome': 'none', 'exitCode': 1, 'peakHeapMb': 127}}"))),
        "first sync of a 100,000-event feed");
    assertThat(failed.measured()).isEqualTo("failed (none, exit 1)");
    assertThat(failed.status()).isEqualTo(Status.NOT_MET);
  }

  @Test
  void theReportCarriesTheGoalsBeforeTheTargets() throws Exception {
    Machine machine = new Machine(2, "CPU", "8 GiB", "OpenJDK 17", "Linux", "0.1 / 0.1 / 0.1");
    BenchmarksReport.Run run = new BenchmarksReport.Run("full", "ics-sync-bench/run-benchmarks.sh --full", "",
        "java -jar benchmarks.jar", "", Instant.parse("2026-12-01T00:00:00Z"), 1, -1, "");
    String md = new BenchmarksReport(Suites.all()).render(JMH, Optional.empty(), Optional.of(load(FULL_LOAD)), machine,
        run);
    assertThat(md).contains("## Goals (issue 21)\n\n7 of 11 goals met.");
    assertThat(md.indexOf("## Goals (issue 21)")).isLessThan(md.indexOf("## Targets at a glance"));
    // without load.json, the load-test rows say so and the JMH rows are still checked
    String without = new BenchmarksReport(Suites.all()).render(JMH, Optional.empty(), machine, run);
    assertThat(without).contains("| not measured (no load.json) |", "| 120,000 rows/s (10 feeds at once, the engine's default parallelism) | >= 100,000 rows/s | met |");
  }
}

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
          "synchronousApplyCommit", "true"), 120_000, 300),
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
          {'cycle': 'all 304', 'feeds': 10000, 'dbRows': {'inserted': 0, 'updated': 10000, 'deleted': 0, 'commits': 100,
            'statements': 200}},
          {'cycle': 'all 304 #2', 'feeds': 10000, 'dbRows': {'inserted': 0, 'updated': 10000, 'deleted': 0,
            'commits': 100, 'statements': 200}},
          {'cycle': 'unchanged body, no validators', 'feeds': 10000, 'dbRows': {'inserted': 0, 'updated': 30000,
            'deleted': 0, 'commits': 30000, 'statements': 60000}}],
         'notModifiedVsBare': {'cycles': 2, 'oursMedianSeconds': 1.5, 'bareMedianSeconds': 1.2, 'ratio': 0.8}},
        {'feeds': 100000, 'cycles': []}],
       'scaleCost': {'baseFeeds': 10000, 'points': [
         {'feeds': 10000, 'vs10k': {'cold': 1.0, 'notModified': 1.0, 'unchanged': 1.0}},
         {'feeds': 100000, 'vs10k': {'cold': 1.2, 'notModified': 1.7, 'unchanged': 1.1}}]},
       'memory': {'events': 100000, 'xmx': '128m', 'success': true, 'peakHeapMb': 90.5},
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
    // the two 304 cycles: 20,000 updated rows and 200 commits over 20,000 syncs; the cold and unchanged cycles left out
    Goal writes = row(goals, "DB writes per 304 sync");
    assertThat(writes.measured()).isEqualTo("1.00 rows, 0.0100 commits, 0.0200 statements per sync (10,000 feeds)");
    assertThat(writes.status()).isEqualTo(Status.MET);
    Goal huge = row(goals, "100,000 feeds");
    assertThat(huge.measured()).isEqualTo("cold 1.20x, 304 1.70x, unchanged 1.10x");
    assertThat(huge.status()).isEqualTo(Status.NOT_MET);
    assertThat(row(goals, "export endpoint, cached, 200").measured()).startsWith("0.90x");
    assertThat(row(goals, "export endpoint, cached, 200").status()).isEqualTo(Status.MET);
    assertThat(row(goals, "export endpoint, cached, 304").status()).isEqualTo(Status.NOT_MET);
    assertThat(row(goals, "PostgreSQL initial load").measured()).isEqualTo("120,000 rows/s");
    assertThat(row(goals, "PostgreSQL initial load").status()).isEqualTo(Status.MET);
    assertThat(row(goals, "conflict detection, 1,000,000 events: time").measured()).isEqualTo("625 ms");
    assertThat(row(goals, "conflict detection, 1,000,000 events: time").status()).isEqualTo(Status.NOT_MET);
    assertThat(row(goals, "conflict detection, 1,000,000 events: allocated").measured()).isEqualTo("150 B/event");
    assertThat(row(goals, "conflict detection, 1,000,000 events: allocated").status()).isEqualTo(Status.MET);
    assertThat(row(goals, "first sync of a 100,000-event feed").measured()).isEqualTo("90.5 MB");
    assertThat(row(goals, "first sync of a 100,000-event feed").status()).isEqualTo(Status.MET);
    Goal cold = row(goals, "`check` of a 100-event feed");
    assertThat(cold.measured()).isEqualTo("3.00x (300 ms vs 100 ms; `--version` 250 ms)");
    assertThat(cold.status()).isEqualTo(Status.NOT_MET);

    String md = Goals.markdown(goals);
    assertThat(md).startsWith("## Goals (issue 21)\n\n7 of 11 goals met. ")
        .contains("| figure | this run | goal | |", "| <= 2 s | met |", "| <= 1.5x | **not met** |");
  }

  @Test
  void absentRowsSayNotMeasuredAndWhy() throws Exception {
    List<Goal> none = Goals.evaluate(List.of(), Optional.empty());
    assertThat(none).hasSize(11).allMatch(g -> g.status() == Status.NOT_MEASURED);
    assertThat(row(none, "10,000 feeds").measured()).isEqualTo("not measured (no load.json)");
    assertThat(row(none, "PostgreSQL initial load").measured())
        .isEqualTo("not measured (no JdbcStoreLoadBenchmark target=postgres-auto feeds=100 in jmh.json)");
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
    assertThat(row(goals, "DB writes per 304 sync").measured()).isEqualTo("not measured (load.json counts no commits)");
    assertThat(row(goals, "100,000 feeds").measured())
        .isEqualTo("not measured (no 100,000-feed point: run the load test with --huge)");
    assertThat(row(goals, "first sync of a 100,000-event feed").measured())
        .isEqualTo("not measured (this run synced 10,000 events in -Xmx128m)");
    assertThat(row(goals, "`check` of a 100-event feed").measured()).isEqualTo("not measured (no coldStart in load.json)");
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
    assertThat(without).contains("| not measured (no load.json) |", "| 120,000 rows/s | >= 100,000 rows/s | met |");
  }
}

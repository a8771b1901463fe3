package dev.icssync.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.icssync.bench.report.Suite.Check;
import dev.icssync.bench.report.Suite.Row;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BenchmarksReportTest {
  private static final Machine MACHINE = new Machine(2, "Test CPU 3000", "8.0 GiB", "OpenJDK 17.0.15", "TestOS 1",
      "1.50 / 1.20 / 0.90");
  private static final BenchmarksReport.Run RUN = new BenchmarksReport.Run("quick",
      "ics-sync-bench/run-benchmarks.sh --quick", "mvn -B -q package", "java -jar benchmarks.jar -f 1",
      "java -cp x LoadTest --quick", Instant.parse("2026-11-29T02:00:00Z"), 754, 61, "java -cp y BenchmarksReport");

  private static List<JmhResult> results;

  @BeforeAll
  static void read() throws Exception {
    results = JmhResult.read(sample());
  }

  private static Path sample() throws URISyntaxException {
    return Path.of(BenchmarksReportTest.class.getResource("sample-jmh.json").toURI());
  }

  private static JmhResult result(String benchmark) {
    return results.stream().filter(r -> r.benchmark().endsWith(benchmark)).findFirst().orElseThrow();
  }

  @Test
  void readsScoresAndNormalisesUnitsToOpsPerSecond() {
    assertThat(results).hasSize(11);
    JmhResult ours = result("ParseBenchmark.ours");
    assertThat(ours.className()).isEqualTo("ParseBenchmark");
    assertThat(ours.method()).isEqualTo("ours");
    assertThat(ours.params()).containsEntry("feed", "AIRBNB").containsEntry("events", "10000");
    assertThat(ours.opsPerSecond()).isEqualTo(200.0);
    assertThat(ours.errorOpsPerSecond()).isEqualTo(10.0);
    assertThat(ours.medianOpsPerSecond()).isEqualTo(198.0);
    assertThat(ours.samples()).isEqualTo(3);
    assertThat(ours.allocBytesPerOp()).isEqualTo(5_120_000.0);
    assertThat(ours.settings().warmup()).isEqualTo("2 x 1 s");

    // "NaN" error (a single iteration) stays unknown
    assertThat(result("ParseBenchmark.ical4j").errorOpsPerSecond()).isNaN();
    // 0.5 us/op -> 2,000,000 ops/s, the error carried through 1/x, the median converted too
    JmhResult diff = result("DiffBenchmark.diff");
    assertThat(diff.opsPerSecond()).isCloseTo(2_000_000, within(1e-6));
    assertThat(diff.errorOpsPerSecond()).isCloseTo(400_000, within(1e-6));
    assertThat(diff.medianOpsPerSecond()).isCloseTo(2_500_000, within(1e-6));
    assertThat(diff.allocBytesPerOp()).isNaN();
    // 1 ops/ms -> 1,000 ops/s
    assertThat(result("FetchBenchmark.jdk").opsPerSecond()).isCloseTo(1_000, within(1e-9));
    assertThat(result("FetchBenchmark.oursThreads10").threads()).isEqualTo(10);
    assertThat(result("FetchBenchmark.oursThreads50").threads()).isEqualTo(50);
  }

  @Test
  void unitConversionRejectsUnknownUnits() {
    assertThat(JmhResult.toOpsPerSecond(2, "ms/op")).isCloseTo(500, within(1e-9));
    assertThat(JmhResult.toOpsPerSecond(3, "ops/min")).isCloseTo(0.05, within(1e-12));
    assertThatThrownBy(() -> JmhResult.toOpsPerSecond(1, "furlongs")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rowsPairOursWithPeersOfTheSameParamsAndThreads() {
    List<JmhResult> fetch = results.stream().filter(r -> r.className().equals("FetchBenchmark")).toList();
    List<Row> rows = BenchmarksReport.rows(Suites.fetch(), fetch);
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0).ours().method()).isEqualTo("ours");
    assertThat(rows.get(0).peers()).containsOnlyKeys("bare java.net.http"); // no Apache result: no peer
    assertThat(rows.get(0).peers().get("bare java.net.http").method()).isEqualTo("jdk");
    assertThat(rows.get(1).ours().method()).isEqualTo("oursThreads10");
    assertThat(rows.get(1).peers().get("bare java.net.http").method()).isEqualTo("jdkThreads10");
    assertThat(rows.get(2).ours().method()).isEqualTo("oursThreads50");
    assertThat(rows.get(2).peers()).containsOnlyKeys("bare java.net.http");
    assertThat(rows.get(2).peers().get("bare java.net.http").method()).isEqualTo("jdkThreads50");
  }

  @Test
  void parseTableHasPeersRatiosAndTargets() {
    List<Check> checks = new ArrayList<>();
    String md = new BenchmarksReport(Suites.all()).renderSuite(Suites.parse(), results, checks);
    String row = md.lines().filter(l -> l.startsWith("| ours, Airbnb-style, 10,000 events")).findFirst().orElseThrow();
    // ours: score ± error, median, events/s (ops/s x 10,000), time/op, alloc/op and per event
    assertThat(row).contains("| 200 ± 10.0 | 198 | 2,000,000 | 5.00 ms | 4.88 MB (512 B/event) |");
    // ical4j: 1 op/s, 1 GB per parse; ours ÷ ical4j = 200x
    assertThat(row).contains("| 1.00 ± n/a | 954 MB (97.7 KB/event) | 200x |");
    // biweekly: 4 ops/s; ours ÷ biweekly = 50x
    assertThat(row).contains("| 4.00 ± 0.500 | 153 MB (15.6 KB/event) | 50.0x |");
    // 2,000,000 / 1,500,000 events/s; 200x / 100x ical4j; 1 KB / 512 B per event
    assertThat(row).endsWith("| 1.33x met<br>2.00x met<br>2.00x met |");
    assertThat(checks).extracting(Check::ratio)
        .satisfiesExactly(
            r -> assertThat(r).isCloseTo(4.0 / 3, within(1e-9)),
            r -> assertThat(r).isCloseTo(2.0, within(1e-9)),
            r -> assertThat(r).isCloseTo(2.0, within(1e-9)));
    assertThat(checks).allMatch(Check::met);
  }

  @Test
  void fetchTargetIsARatioToTheBareClientAndCanBeMissed() {
    List<Check> checks = new ArrayList<>();
    String md = new BenchmarksReport(Suites.all()).renderSuite(Suites.fetch(), results, checks);
    assertThat(checks).hasSize(3);
    assertThat(checks.get(0).ratio()).isCloseTo(0.9 / 0.8, within(1e-9)); // 900 vs 1,000 req/s
    assertThat(checks.get(0).met()).isTrue();
    assertThat(checks.get(1).ratio()).isCloseTo(0.4 / 0.8, within(1e-9)); // 1,000 vs 2,500 req/s
    assertThat(checks.get(1).met()).isFalse();
    assertThat(checks.get(2).ratio()).isCloseTo(0.9 / 0.8, within(1e-9)); // 2,700 vs 3,000 req/s
    assertThat(checks.get(2).met()).isTrue();
    String threads10 = md.lines().filter(l -> l.startsWith("| fetch, path 304, 10 threads")).findFirst()
        .orElseThrow();
    assertThat(threads10).contains("| 0.40x |").contains("| n/a | n/a | n/a |").endsWith("| 0.50x **missed** |");
    // time/op of a 10-thread row is per thread: 10 / 1,000 ops/s
    assertThat(threads10).contains("| 10.0 ms |");
    String threads50 = md.lines().filter(l -> l.startsWith("| fetch, path 304, 50 threads")).findFirst()
        .orElseThrow();
    assertThat(threads50).contains("| 0.90x |").endsWith("| 1.13x met |");
    // 50 / 2,700 ops/s
    assertThat(threads50).contains("| 18.5 ms |");
  }

  @Test
  void wholeFileNamesMachineCommandsMissingSuitesAndLoadTest() {
    String md = new BenchmarksReport(Suites.all()).render(results, Optional.of("### Load table\n\n| p50 | 3 ms |\n"),
        MACHINE, RUN);
    assertThat(md).contains("do not edit by hand").contains("ics-sync-bench/run-benchmarks.sh --full")
        .contains("profile **quick**").contains("**Provisional:**");
    assertThat(md).contains("| 2 | Test CPU 3000 | 8.0 GiB | OpenJDK 17.0.15 | TestOS 1 | 1.50 / 1.20 / 0.90 |");
    assertThat(md).contains("mvn -B -q package").contains("java -jar benchmarks.jar -f 1")
        .contains("java -cp x LoadTest --quick").contains("java -cp y BenchmarksReport")
        .contains("run time 12 min 34 s").contains("Load test run time 1 min 01 s");
    assertThat(md).contains("6 of 7 target checks met.");
    assertThat(md).contains("Not run: no results of `ConflictBenchmark` in jmh.json.");
    assertThat(md).contains("### Other benchmarks").contains("| FooBenchmark.bar | size=7 | 1 | 42.0 ± 1.00 | 42.0 |");
    assertThat(md).contains("## Load test\n\n### Load table\n\n| p50 | 3 ms |\n");
    assertThat(md.indexOf("### Parse")).isLessThan(md.indexOf("### Diff")).isLessThan(md.indexOf("## Load test"));
  }

  @Test
  void saysNotRunWithoutLoadResultsAndNotProvisionalForTheFullProfile() {
    BenchmarksReport.Run full = new BenchmarksReport.Run("full", "ics-sync-bench/run-benchmarks.sh --full", "",
        "java -jar benchmarks.jar -f 2", "", Instant.parse("2026-11-29T02:00:00Z"), -1, -1, "");
    String md = new BenchmarksReport(Suites.all()).render(results, Optional.empty(), MACHINE, full);
    assertThat(md).contains("## Load test\n\nNot run:").doesNotContain("**Provisional:**")
        .doesNotContain("Load test run time").doesNotContain("Build:");
  }
}

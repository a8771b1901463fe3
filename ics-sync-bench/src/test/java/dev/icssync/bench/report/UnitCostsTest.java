package dev.icssync.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The unit costs of issue 25 in BENCHMARKS.md, read from a sample unit-costs.json, present or absent. */
class UnitCostsTest {
  private static final Machine MACHINE = new Machine(2, "Test CPU 3000", "8.0 GiB", "OpenJDK 17.0.15", "TestOS 1",
      "1.50 / 1.20 / 0.90");
  private static final BenchmarksReport.Run RUN = new BenchmarksReport.Run("quick",
      "ics-sync-bench/run-benchmarks.sh --quick", "mvn -B -q package", "java -jar benchmarks.jar -f 1",
      "java -cp x LoadTest --quick", Instant.parse("2026-12-02T12:00:00Z"), 754, 61, "java -cp y BenchmarksReport");
  private static final String COMMAND = "java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -cp ics-sync-bench/target/benchmarks.jar"
      + " dev.icssync.bench.capacity.UnitCostMeasurement --quick --out ics-sync-bench/target/results";

  private static JsonNode sample() throws Exception {
    Path file = Path.of(UnitCostsTest.class.getResource("sample-unit-costs.json").toURI());
    return new ObjectMapper().readTree(Files.readAllBytes(file));
  }

  private static String render(Optional<JsonNode> unitCosts, String command) {
    return new BenchmarksReport(Suites.all()).render(List.of(), Optional.empty(), Optional.empty(), unitCosts, command,
        MACHINE, RUN);
  }

  @Test
  void rendersEveryCostPerOutcomeWithTheCommandThatMeasuredIt() throws Exception {
    String md = render(Optional.of(sample()), COMMAND);

    assertThat(md).contains("## Unit costs of a sync, by outcome\n")
        .contains("```\n" + COMMAND + "\n```")
        .contains("| per sync | first sync (200, every stay inserted) | 304 not modified"
            + " | unchanged body (200, same digest) | changed (one stay moved) |")
        .contains("200 feeds per outcome, 50 stays per feed, 16 worker threads, a pool of 20 connections")
        // CPU per sync by outcome, in ms
        .contains("| worker CPU (JVM, rig and JIT excluded) | 1.25 ms | 320 µs | 500 µs | 900 µs |")
        .contains("| PostgreSQL backend CPU | 1.80 ms | 430 µs | 600 µs | 1.10 ms |")
        // database statements, commits, rows and WAL
        .contains("| statements sent | 12.0 | 5.00 | 5.00 | 9.00 |")
        .contains("| commits (pg_stat_database xact_commit) | 7.00 | 3.00 | 3.00 | 5.00 |")
        .contains("| rows written (ins + upd + del) | 53.0 | 1.00 | 1.00 | 4.00 |")
        .contains("| WAL | 25.6 KB | 512 B | 512 B | 4.00 KB |")
        .contains("WAL: pg_walinspect: records of this database")
        // bytes fetched, heap
        .contains("| bytes fetched (on the wire, in) | 7.88 KB | 180 B | 7.88 KB | 7.88 KB |")
        .contains("| heap per in-flight sync (bound) | 38.4 MB | 1.00 MB | 2.00 MB | 3.00 MB |")
        // Redis round trips
        .contains("| Redis commands (round trips, at most) | 6.00 | 4.00 | 4.00 | 6.00 |")
        .contains("| Redis server time | 3.50 µs | 3.50 µs | 3.50 µs | 3.50 µs |")
        .doesNotContain("Not measured")
        .doesNotContain("The fixed cost of a cycle"); // an older file: no cycles of two sizes
    // the Commands section points at it; the section comes after the load test's
    assertThat(md).contains("Unit costs: see [Unit costs of a sync, by outcome]");
    assertThat(md.indexOf("## Unit costs of a sync")).isGreaterThan(md.indexOf("## Load test"));
  }

  @Test
  void theFixedCostOfACycleIsShownWhenTheFileHasIt() throws Exception {
    com.fasterxml.jackson.databind.node.ObjectNode root = (com.fasterxml.jackson.databind.node.ObjectNode) sample();
    root.set("cycleCosts", new ObjectMapper().readTree("""
        {"threads": 16, "sizes": [50, 2000], "repetitions": 4, "outcomes": {
          "notModified": {"fixed": {"wallMs": 30, "jvmCpuMs": 12, "pgCpuMs": 6},
                          "perSync": {"wallMs": 0.25, "jvmCpuMs": 0.2, "pgCpuMs": 0.1}}}}
        """));

    String md = render(Optional.of(root), COMMAND);

    assertThat(md).contains("cycles of [50, 2000] feeds per outcome, 4 of each, 16 worker threads")
        .contains("| fixed wall time of a cycle | n/a | 30.0 ms | n/a | n/a |")
        .contains("| wall time a sync adds | n/a | 250 µs | n/a | n/a |");
  }

  @Test
  void withoutACommandTheOneRecordedInTheFileIsShown() throws Exception {
    String md = render(Optional.of(sample()), "");

    assertThat(md).contains("```\njava -cp ics-sync-bench/target/benchmarks.jar"
        + " dev.icssync.bench.capacity.UnitCostMeasurement --quick --out ics-sync-bench/target/results\n```");
  }

  @Test
  void sayNotMeasuredWithoutTheFile() {
    String md = render(Optional.empty(), COMMAND);

    assertThat(md).contains("## Unit costs of a sync, by outcome\n\nNot measured: no `unit-costs.json`")
        .doesNotContain("| per sync |")
        .doesNotContain("Unit costs: see");
  }

  @Test
  void anOutcomeOrTheRedisPassMissingReadsNotAvailable() throws Exception {
    com.fasterxml.jackson.databind.node.ObjectNode partial = (com.fasterxml.jackson.databind.node.ObjectNode) sample();
    ((com.fasterxml.jackson.databind.node.ObjectNode) partial.get("outcomes")).remove("changed");
    ((com.fasterxml.jackson.databind.node.ObjectNode) partial.get("outcomes").get("unchangedBody"))
        .put("walSource", "pg_current_wal_lsn delta, cluster-wide");
    partial.remove("redis");

    String md = render(Optional.of(partial), COMMAND);

    assertThat(md).contains("| statements sent | 12.0 | 5.00 | 5.00 | n/a |")
        .contains("Redis: not measured")
        .contains("WAL: pg_walinspect: records of this database and the commits of its transactions (first sync"
            + " (200, every stay inserted), 304 not modified); pg_current_wal_lsn delta, cluster-wide (unchanged body"
            + " (200, same digest)).");
  }
}

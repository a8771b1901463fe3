package dev.icssync.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small run of the load test against real PostgreSQL: every part runs, the files are written, and
 * the counts add up (feeds x events rows after a cold cycle, nothing written by 304 and unchanged
 * cycles, one run row per sync). No timing is asserted.
 */
@Tag("postgres")
class LoadTestQuickTest {

  @Test
  @SuppressWarnings("unchecked")
  void quickRunWritesSaneResults(@TempDir Path out) throws Exception {
    LoadOptions o = LoadOptions.parse("--quick", "--scale", "60", "--cycles-304", "3", "--sweep", "10,40", "--sweep-feeds", "30",
        "--rounds", "1", "--warmup", "0", "--samples", "15", "--memory-events", "3000",
        "--memory-full-gc-ms", "20", "--bandwidth-feeds", "20",
        "--bandwidth-limit", "200000", "--out", out.toString());
    LoadTest.Result r = LoadTest.run(o, "--quick");

    assertThat(r.json()).isEqualTo(out.resolve("load.json"));
    assertThat(Files.readString(r.json(), StandardCharsets.UTF_8)).isEqualTo(Json.write(r.tree()));
    assertThat(Files.readString(r.markdown(), StandardCharsets.UTF_8))
        .contains("| figure | ours | seed target | ratio |", "#### Scale curve", "#### Memory");
    Map<String, Object> tree = r.tree();

    Map<String, Object> seed = (Map<String, Object>) tree.get("seedLoad");
    assertThat(seed.get("syncsApplied")).isEqualTo(50L);
    assertThat(seed.get("eventsWritten")).isEqualTo(5_000L);
    assertOrderedPercentiles(seed);
    assertThat((double) seed.get("eventsPerSecond")).isPositive();

    List<Map<String, Object>> latency = (List<Map<String, Object>>) tree.get("latency");
    assertThat(latency).hasSize(7).allSatisfy(row -> {
      assertThat((int) row.get("samples")).isPositive();
      assertOrderedPercentiles(row);
      assertThat(row.get("target")).isNotNull();
    });

    List<Map<String, Object>> scale = (List<Map<String, Object>>) tree.get("scale");
    assertThat(scale).hasSize(1);
    assertCycles(scale.get(0), 60, 50, 3, true);
    // the first point's first sync ran on a cold JVM; the warm-up set then made every later row warm
    List<Map<String, Object>> scaleCycles = (List<Map<String, Object>>) scale.get(0).get("cycles");
    assertThat(scaleCycles).extracting(c -> c.get("cycle") + " " + c.get("warm")).containsExactly("cold false",
        "first sync, warm true", "all 304 true", "all 304 #2 true", "all 304 #3 true",
        "unchanged body, no validators true");
    assertThat((Map<String, Object>) scale.get(0).get("warmUp")).containsEntry("feeds", 100);
    // the bare client did the same conditional GETs, once beside each of our all-304 cycles
    Map<String, Object> vsBare = (Map<String, Object>) scale.get(0).get("notModifiedVsBare");
    assertThat(vsBare.get("cycles")).isEqualTo(3);
    // after an untimed pair of the two (not among the cycles above)
    assertThat(vsBare.get("warmupPairs")).isEqualTo(1);
    assertThat(Files.readString(r.markdown(), StandardCharsets.UTF_8)).contains("after 1 untimed pair of the two");
    assertThat((List<Object>) vsBare.get("bareSeconds")).hasSize(3);
    assertThat((double) vsBare.get("ratio")).isPositive();
    assertThat(vsBare).doesNotContainKey("goal"); // the goal is the 10,000-feed point's
    Map<String, Object> cost = (Map<String, Object>) tree.get("scaleCost");
    assertThat(cost.get("baseFeeds")).isNull();
    assertThat((List<Object>) cost.get("points")).hasSize(1);
    assertThat((Map<String, Object>) scale.get(0).get("msPerFeed")).containsOnlyKeys("cold", "notModified",
        "unchanged");
    List<Map<String, Object>> sweep = (List<Map<String, Object>>) tree.get("eventsSweep");
    assertThat(sweep).hasSize(2);
    assertCycles(sweep.get(0), 30, 10, 0, false);
    assertCycles(sweep.get(1), 30, 40, 0, false);
    assertThat(sweep).allSatisfy(p -> assertThat((List<Map<String, Object>>) p.get("cycles"))
        .allSatisfy(c -> assertThat(c.get("warm")).isEqualTo(true)));

    // the seed's resource limits: connections of this worker, bytes per second of a tenant
    Map<String, Object> limits = (Map<String, Object>) tree.get("resourceLimits");
    assertThat((int) limits.get("poolMax")).isLessThan(20);
    assertThat((int) limits.get("poolPeakActive")).isBetween(1, (int) limits.get("poolMax"));
    assertThat(limits.get("connectionsMet")).isEqualTo(true);
    assertThat((double) limits.get("tenantPeakBytesPerSecond")).isPositive();
    // and limited (here to 200 kB/s: 20 bodies of 27 kB take seconds), shared by two workers: the promise held
    // in every one-second window (the limit plus the bodies under way)
    Map<String, Object> limited = (Map<String, Object>) limits.get("limited");
    assertThat(limited.get("feeds")).isEqualTo(20);
    assertThat((long) limited.get("feedBytes")).isPositive();
    assertThat((double) limited.get("peakBytesPerSecond")).isPositive()
        .isLessThanOrEqualTo((double) limited.get("allowedBytesPerSecond"));
    assertThat((double) limited.get("seconds")).isGreaterThan(1); // windows of a whole second
    assertThat(limited.get("met")).isEqualTo(true);
    assertThat(limits.get("bandwidthMet")).isEqualTo(true);
    assertThat(Files.readString(r.markdown(), StandardCharsets.UTF_8)).contains("#### Resource limits of the seed",
        "#### All-304 cycle beside a bare Apache HttpClient 5", "#### Run history over the cycles",
        "#### Cost per feed along the scale curve", "#### Cold start",
        "| feed bytes per second of one tenant limited to 0.20 MB/s (`tenantBandwidth`), 2 workers x 4 threads");

    Map<String, Object> memory = (Map<String, Object>) tree.get("memory");
    assertThat(memory.get("success")).isEqualTo(true);
    assertThat(memory.get("storedEvents")).isEqualTo(3_000L);
    assertThat((double) memory.get("peakHeapMb")).isPositive().isLessThan(128);
    // the live-set probe: the same sync with full collections forced along it
    Map<String, Object> probe = (Map<String, Object>) memory.get("fullGcProbe");
    assertThat(probe.get("success")).isEqualTo(true);
    assertThat((long) probe.get("fullCollections")).isPositive();
    assertThat((double) probe.get("liveHeapPeakMb")).isPositive().isLessThan(128);

    // a later step (the cold start) adds to load.json and writes load.md again from it: same text
    String written = Files.readString(r.markdown(), StandardCharsets.UTF_8);
    LoadReport.rewrite(out);
    assertThat(Files.readString(r.markdown(), StandardCharsets.UTF_8)).isEqualTo(written);
  }

  @SuppressWarnings("unchecked")
  private static void assertCycles(Map<String, Object> point, int feeds, int events, int notModifiedCycles,
      boolean warmFirstSync) {
    assertThat(point.get("feeds")).isEqualTo(feeds);
    assertThat(point.get("storedEventsAfterCold")).isEqualTo((long) feeds * events);
    List<Map<String, Object>> cycles = new java.util.ArrayList<>((List<Map<String, Object>>) point.get("cycles"));
    assertThat(cycles).hasSize(notModifiedCycles + 2 + (warmFirstSync ? 1 : 0));
    if (warmFirstSync) {
      Map<String, Object> warm = cycles.remove(1);
      assertThat(warm.get("cycle")).isEqualTo("first sync, warm");
      assertThat(warm.get("outcomes")).isEqualTo(Map.of("APPLIED", feeds));
      assertThat(warm.get("eventsWritten")).isEqualTo((long) feeds * events);
    }

    Map<String, Object> cold = cycles.get(0);
    assertThat(cold.get("cycle")).isEqualTo("cold");
    assertThat(cold.get("outcomes")).isEqualTo(Map.of("APPLIED", feeds));
    assertThat(cold.get("eventsWritten")).isEqualTo((long) feeds * events);
    assertThat(cold.get("http200")).isEqualTo((long) feeds);
    Map<String, Object> coldRows = (Map<String, Object>) ((Map<String, Object>) cold.get("dbRows")).get("byTable");
    assertThat(coldRows.get("icssync_event")).isEqualTo(Map.of("inserted", (long) feeds * events, "updated", 0L,
        "deleted", 0L));
    assertThat(((Map<String, Object>) coldRows.get("icssync_sync_run")).get("inserted")).isEqualTo((long) feeds);

    for (Map<String, Object> c : cycles.subList(1, cycles.size())) {
      boolean notModified = ((String) c.get("cycle")).startsWith("all 304");
      assertThat(c.get("outcomes")).isEqualTo(Map.of(notModified ? "NOT_MODIFIED" : "UNCHANGED", feeds));
      assertThat(c.get("eventsWritten")).isEqualTo(0L);
      assertThat(c.get(notModified ? "http304" : "http200")).isEqualTo((long) feeds);
      Map<String, Object> rows = (Map<String, Object>) ((Map<String, Object>) c.get("dbRows")).get("byTable");
      assertThat(rows).doesNotContainKey("icssync_event");
      // the runs of batched 304s and unchanged bodies are kept as tally rows (one per batch, tenant and
      // outcome), so a cycle inserts at least one run row and at most one per feed
      assertThat((long) ((Map<String, Object>) rows.get("icssync_sync_run")).get("inserted")).isPositive()
          .isLessThanOrEqualTo(feeds);
      Map<String, Object> db = (Map<String, Object>) c.get("dbRows");
      assertThat((long) db.get("commits")).isPositive();
      if (notModified) {
        // the held states of 304s are flushed together: fewer write transactions than feeds
        assertThat((long) db.get("writeTransactions")).isPositive().isLessThan(feeds);
      }
      assertThat((long) db.get("statements")).isPositive(); // batched across feeds, maybe fewer than feeds
    }
    // the JIT compiler's share of each cycle's JVM CPU, read apart (the capacity model leaves it out)
    assertThat(cycles).allSatisfy(c -> assertThat(((Number) c.get("jitCpuSeconds")).doubleValue())
        .isNotNegative().isLessThanOrEqualTo(((Number) c.get("jvmCpuSeconds")).doubleValue() + 0.02));
    // the run history stays flat: pruned by the engine every Harness.PRUNE_EVERY syncs
    assertThat(cycles).allSatisfy(c -> assertThat((long) c.get("syncRunRows"))
        .isBetween(1L, (long) feeds + Harness.PRUNE_EVERY));
    assertThat(cycles.get(cycles.size() - 1).get("cycle")).isEqualTo("unchanged body, no validators");
  }

  private static void assertOrderedPercentiles(Map<String, Object> m) {
    double p50 = (double) m.get("p50Ms");
    double p95 = (double) m.get("p95Ms");
    double p99 = (double) m.get("p99Ms");
    assertThat(p50).isPositive();
    assertThat(p95).isGreaterThanOrEqualTo(p50);
    assertThat(p99).isGreaterThanOrEqualTo(p95);
  }
}

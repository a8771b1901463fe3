package dev.icssync.bench.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small run of the unit-cost measurement against real PostgreSQL: every outcome is measured, the
 * model reads the file back, and the counts that do not depend on timing are what a sync does (a
 * first sync inserts its events, a 304 writes no event, every sync writes, nothing is fetched twice).
 * No timing is asserted.
 */
@Tag("postgres")
class UnitCostMeasurementTest {

  @Test
  void measuresEveryOutcomeAndTheModelReadsIt(@TempDir Path out) throws Exception {
    UnitCostMeasurement.Options o = UnitCostMeasurement.Options.parse("--feeds", "40", "--warmup", "8",
        "--threads", "4", "--redis", "none", "--cycle-sizes", "4,12", "--cycle-repetitions", "2", "--out",
        out.toString());
    Path file = UnitCostMeasurement.run(o, "--feeds 40");
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    JsonNode outcomes = root.path("outcomes");

    JsonNode first = outcomes.path("firstSync");
    assertThat(first.path("syncs").asInt()).isEqualTo(40);
    assertThat(first.path("rowsInserted").asDouble()).as("50 events and a run row").isGreaterThanOrEqualTo(51);
    assertThat(first.path("http200").asLong()).isEqualTo(40);
    JsonNode nm = outcomes.path("notModified");
    assertThat(nm.path("http304").asLong()).isEqualTo(40);
    assertThat(nm.path("bodyBytes").asDouble()).isZero();
    assertThat(outcomes.path("changed").path("rowsUpdated").asDouble()).as("the moved stay, the state")
        .isGreaterThanOrEqualTo(2);
    for (String key : UnitCostMeasurement.OUTCOMES) {
      JsonNode n = outcomes.path(key);
      assertThat(n.path("statements").asDouble()).as(key).isPositive();
      // a 304's or an unchanged body's state is written in a batch with other feeds' (flushed at the
      // end of the cycle): a fraction of a write transaction per sync, but never none
      boolean batched = key.equals("notModified") || key.equals("unchangedBody");
      assertThat(n.path("writeTransactions").asDouble()).as(key)
          .isGreaterThanOrEqualTo(batched ? 1.0 / 40 : 1);
      assertThat(n.path("rowsWritten").asDouble()).as(key).isPositive();
      assertThat(n.path("httpBytesOut").asDouble()).as(key + ": the request line and headers").isGreaterThan(50);
      assertThat(n.path("allocatedBytes").asDouble()).as(key).isPositive();
      // the rig's CPU split: what the load test's JVM also spends (its feed server) and what it does not (the relay)
      assertThat(n.path("feedServerCpuMs").asDouble() + n.path("relayCpuMs").asDouble()).as(key)
          .isCloseTo(n.path("rigCpuMs").asDouble(), org.assertj.core.api.Assertions.within(1e-3));

      // cycles of 4 and 12 feeds, two of each: a line through them, its samples kept; and two of 4
      // feeds started on new connections, their difference from the warm ones apart
      JsonNode cycle = root.path("cycleCosts").path("outcomes").path(key);
      assertThat(cycle.path("samples")).as(key).hasSize(6);
      assertThat(cycle.path("samples").findValues("feeds")).extracting(JsonNode::asInt).containsOnly(4, 12);
      assertThat(cycle.path("samples").findValues("freshConnections")).extracting(JsonNode::asBoolean)
          .containsExactlyInAnyOrder(false, false, false, false, true, true);
      assertThat(cycle.path("freshConnections").path("feeds").asInt()).as(key).isEqualTo(4);
      assertThat(cycle.path("freshConnections").path("cycles").asInt()).as(key).isEqualTo(2);
      for (String figure : List.of("wallMs", "jvmCpuMs", "workerCpuMs")) {
        assertThat(cycle.path("freshConnections").path(figure).isNumber()).as(key + " " + figure).isTrue();
      }
      for (String figure : List.of("wallMs", "jvmCpuMs", "workerCpuMs")) {
        assertThat(cycle.path("fixed").path(figure).isNumber()).as(key + " " + figure).isTrue();
        assertThat(cycle.path("perSync").path(figure).isNumber()).as(key + " " + figure).isTrue();
      }
    }
    assertThat(root.path("cycleCosts").path("threads").asInt()).isEqualTo(4);

    CapacityModel.UnitCosts costs = CapacityModel.UnitCosts.read(file);
    assertThat(costs.eventsPerFeed()).isEqualTo(50);
    assertThat(costs.get(CapacityModel.Outcome.FIRST_SYNC).rowsWritten())
        .isGreaterThan(costs.get(CapacityModel.Outcome.NOT_MODIFIED).rowsWritten());
    assertThat(costs.cycle(CapacityModel.Outcome.NOT_MODIFIED).measured()).isTrue();
  }
}

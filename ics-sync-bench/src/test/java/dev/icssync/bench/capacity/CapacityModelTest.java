package dev.icssync.bench.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.icssync.bench.capacity.CapacityModel.Check;
import dev.icssync.bench.capacity.CapacityModel.Deployment;
import dev.icssync.bench.capacity.CapacityModel.Fleet;
import dev.icssync.bench.capacity.CapacityModel.Outcome;
import dev.icssync.bench.capacity.CapacityModel.Prediction;
import dev.icssync.bench.capacity.CapacityModel.Resource;
import dev.icssync.bench.capacity.CapacityModel.UnitCost;
import dev.icssync.bench.capacity.CapacityModel.UnitCosts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model's arithmetic on made-up unit costs: no database, no clock. */
class CapacityModelTest {

  /** workerCpuMs, rigCpuMs, dbCpuMs, statements, writeTx, pgTx, rows, wal, in, out, alloc, heap, redis cmds, µs, bytes. */
  static UnitCost cost(double cpu, double db, double writeTx, double rows, double wal, double in) {
    return new UnitCost(cpu, 0.1, db, 5, writeTx, 3, rows, wal, in, 300, 100_000, 50_000, 4, 40, 500);
  }

  static final UnitCost NOT_MODIFIED = cost(0.5, 0.5, 2, 4, 1_000, 150);
  static final UnitCosts COSTS = new UnitCosts(50, Map.of(
      Outcome.NOT_MODIFIED, NOT_MODIFIED,
      Outcome.UNCHANGED_BODY, cost(0.7, 0.5, 2, 4, 1_000, 8_000),
      Outcome.CHANGED, cost(2.0, 2.0, 2, 5, 1_500, 8_000),
      Outcome.FIRST_SYNC, cost(2.5, 2.5, 2, 53, 26_000, 8_000)), "test");

  static final Duration QUARTER = Duration.ofMinutes(15);

  @Test
  void mixOfOutcomesSumsToOneAndFollowsTheFleet() {
    Fleet f = new Fleet(1_000_000, QUARTER, 0.02, 0.5, 0.01, 50, 300, 0.4, Duration.ofMillis(300));
    Map<Outcome, Double> mix = f.mix();
    assertThat(mix.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-12));
    assertThat(mix.get(Outcome.FIRST_SYNC)).isCloseTo(0.01 * 900 / 86_400, within(1e-12));
    assertThat(mix.get(Outcome.CHANGED)).isEqualTo(0.02);
    assertThat(mix.get(Outcome.NOT_MODIFIED)).isCloseTo(mix.get(Outcome.UNCHANGED_BODY), within(1e-12));
  }

  @Test
  void aFleetOfOnly304sCostsWhatA304Costs() {
    Fleet f = new Fleet(10_000, QUARTER, 0, 1, 0, 50, 300, 0.4, Duration.ofMillis(300));
    assertThat(f.meanCost(COSTS)).isEqualTo(NOT_MODIFIED);
  }

  @Test
  void bodyCostsScaleWithEventsOnTopOfThe304sFixedCost() {
    assertThat(COSTS.scaled(Outcome.CHANGED, 50)).isEqualTo(COSTS.get(Outcome.CHANGED));
    UnitCost doubled = COSTS.scaled(Outcome.CHANGED, 100);
    assertThat(doubled.workerCpuMs()).isCloseTo(0.5 + 2 * (2.0 - 0.5), within(1e-9));
    assertThat(doubled.httpBytesIn()).isCloseTo(150 + 2 * (8_000 - 150), within(1e-9));
    assertThat(doubled.rowsWritten()).as("a change writes what changed, not the feed").isEqualTo(5);
    UnitCost first = COSTS.scaled(Outcome.FIRST_SYNC, 100);
    assertThat(first.rowsWritten()).as("a first sync inserts every event").isCloseTo(4 + 2 * (53 - 4), within(1e-9));
    assertThat(COSTS.scaled(Outcome.NOT_MODIFIED, 500)).isEqualTo(NOT_MODIFIED);
  }

  @Test
  void ratesAreTheSyncRateTimesTheMeanUnitCost() {
    // 900,000 feeds every 15 minutes: 1,000 syncs/s, all 304
    Fleet f = new Fleet(900_000, QUARTER, 0, 1, 0, 50, 300, 0.4, Duration.ofMillis(300));
    Deployment d = Deployment.of(4, 2, 8);
    Prediction p = CapacityModel.predict(f, COSTS, d);
    assertThat(p.syncsPerSecond()).isCloseTo(1_000, within(1e-9));
    assertThat(p.syncsPerSecondPerWorker()).isCloseTo(250, within(1e-9));
    assertThat(p.workerCores()).isCloseTo(0.5, within(1e-9));
    assertThat(p.dbCores()).isCloseTo(0.5, within(1e-9));
    assertThat(p.writeCommitsPerSecond()).isCloseTo(2_000, within(1e-9));
    assertThat(p.walMBps()).isCloseTo(1.0, within(1e-9));
    assertThat(p.statementsPerSecond()).isCloseTo(5_000, within(1e-9));
    assertThat(p.ingressMBps()).isCloseTo(0.15, within(1e-9));
    assertThat(p.busiestHostRequestsPerSecond()).isCloseTo(400, within(1e-9));
    // 300 feeds of a tenant every 900 s, 450 bytes each: 0.15 kB/s
    assertThat(p.networkKBpsPerTenant()).isCloseTo(300 / 900.0 * 450 / 1000, within(1e-9));
    assertThat(p.utilization().get(Resource.WORKER_CPU)).isCloseTo(0.5 / 8, within(1e-9));
    assertThat(p.utilization().get(Resource.DB_COMMITS)).isCloseTo(0.2, within(1e-9));
    // Little's law: 250 syncs/s held 300 ms by the host + 0.5 ms CPU + (5 x 0.3 + 2 x 1 + 0.5) ms on the database
    assertThat(p.inFlightPerWorker()).isCloseTo(250 * (0.300 + 0.0005 + 0.004), within(1e-9));
    assertThat(p.connectionsPerWorkerBusy()).isCloseTo(250 * 0.004, within(1e-9));
    assertThat(p.storedEvents()).isEqualTo(45_000_000);
  }

  @Test
  void theFirstToSaturateIsTheResourceWithTheHighestUtilisation() {
    Map<Outcome, UnitCost> heavyDb = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      heavyDb.put(o, cost(0.5, 40, 2, 4, 1_000, 150));
    }
    UnitCosts costs = new UnitCosts(50, heavyDb, "test");
    Fleet f = new Fleet(900_000, QUARTER, 0, 1, 0, 50, 300, 0.0, Duration.ofMillis(300));
    Prediction p = CapacityModel.predict(f, costs, Deployment.of(4, 2, 8));
    assertThat(p.firstToSaturate()).isEqualTo(Resource.DB_CPU); // 40 cores of demand on 8
    assertThat(p.utilization().get(Resource.DB_CPU)).isCloseTo(5.0, within(1e-9));
  }

  @Test
  void theBusiestResourceCodeCanMoveLeavesOutWhatTheFeedsAndChannelsSet() {
    Fleet f = new Fleet(9_000_000, QUARTER, 0, 1, 0, 50, 300, 1.0, Duration.ofMillis(300));
    Prediction p = CapacityModel.predict(f, COSTS, Deployment.of(2, 2, 64));
    assertThat(p.firstToSaturate()).isEqualTo(Resource.HOST_POLITENESS); // 10,000 req/s on 2 workers x 10/s
    assertThat(p.firstCodeCanMove()).isNotEqualTo(Resource.HOST_POLITENESS).isNotEqualTo(Resource.WORKER_NETWORK);
  }

  @Test
  void sizingKeepsWorkerAndDatabaseCpuUnderTheTarget() {
    Fleet f = Fleet.of(9_000_000, QUARTER); // 10,000 syncs/s
    Deployment d = Deployment.of(2, 4, 4).sizedFor(f, COSTS);
    Prediction p = CapacityModel.predict(f, COSTS, d);
    assertThat(p.utilization().get(Resource.WORKER_CPU)).isLessThanOrEqualTo(0.7);
    assertThat(p.utilization().get(Resource.DB_CPU)).isLessThanOrEqualTo(0.7);
    assertThat(p.utilization().get(Resource.WORKER_HEAP)).isLessThanOrEqualTo(0.7);
    assertThat(Integer.bitCount(d.dbCores())).as("a power of two").isEqualTo(1);
    assertThat(d.partitions()).as("450 M events: partitioned").isEqualTo(16);
    Deployment small = Deployment.of(2, 4, 4).sizedFor(Fleet.of(1_000, QUARTER), COSTS);
    assertThat(small.workers()).as("two for availability").isEqualTo(2);
    assertThat(small.partitions()).isEqualTo(1);
    assertThat(small.replicas()).isZero();
  }

  @Test
  void validationPredictsTheLoadTestsRowsFromTheUnitCosts() throws Exception {
    JsonNode load = new ObjectMapper().readTree("""
        {"machine": {"cores": 2}, "scale": [{"feeds": 1000, "eventsPerFeed": 50, "cycles": [
          {"cycle": "cold", "seconds": 3.0, "jvmCpuSeconds": 2.6, "postgresCpuSeconds": 2.5,
           "dbRows": {"inserted": 52000, "updated": 1000, "deleted": 0}},
          {"cycle": "all 304", "seconds": 1.0, "jvmCpuSeconds": 0.6, "postgresCpuSeconds": 0.4,
           "dbRows": {"inserted": 1000, "updated": 2000, "deleted": 1000}},
          {"cycle": "all 304 #2", "seconds": 1.0, "jvmCpuSeconds": 0.6, "postgresCpuSeconds": 0.4,
           "dbRows": {"inserted": 1000, "updated": 2000, "deleted": 1000}},
          {"cycle": "something else", "seconds": 1.0}]}]}
        """);
    List<Check> checks = CapacityModel.validate(load, COSTS, 2);
    assertThat(checks).extracting(Check::outcome)
        .containsExactly(Outcome.FIRST_SYNC, Outcome.NOT_MODIFIED, Outcome.NOT_MODIFIED);
    Check cold = checks.get(0);
    assertThat(cold.outcome()).isEqualTo(Outcome.FIRST_SYNC);
    assertThat(cold.predictedJvmCpu()).isCloseTo(1000 * (2.5 + 0.1) / 1000, within(1e-9));
    assertThat(cold.predictedPgCpu()).isCloseTo(2.5, within(1e-9));
    assertThat(cold.predictedSeconds()).isCloseTo((2.6 + 2.5) / 2, within(1e-9));
    assertThat(cold.predictedRows()).isCloseTo(53_000, within(1e-9));
    Check nm = checks.get(1);
    assertThat(Check.error(nm.predictedPgCpu(), nm.measuredPgCpu())).isCloseTo(0.25, within(1e-9));
    assertThat(nm.worstError()).isCloseTo(0.45, within(1e-9)); // wall: (0.6 + 0.5) / 2 = 0.55 s of 1.0 s measured
  }

  @Test
  void validationComparesOnlyTheWarmRowsWhenTheLoadTestMarksThem() throws Exception {
    JsonNode load = new ObjectMapper().readTree("""
        {"machine": {"cores": 2}, "scale": [
          {"feeds": 100, "eventsPerFeed": 50, "cycles": [
            {"cycle": "cold", "warm": false, "seconds": 0.4, "dbRows": {"inserted": 5300}},
            {"cycle": "first sync, warm", "warm": true, "seconds": 0.2, "dbRows": {"inserted": 5300}},
            {"cycle": "all 304", "warm": true, "seconds": 0.05, "dbRows": {"updated": 100}},
            {"cycle": "all 304 #2", "warm": true, "seconds": 0.05, "dbRows": {"updated": 100}},
            {"cycle": "unchanged body, no validators", "warm": true, "seconds": 0.05, "dbRows": {"updated": 100}}]},
          {"feeds": 1000, "eventsPerFeed": 50, "cycles": [
            {"cycle": "cold", "warm": true, "seconds": 2.0, "dbRows": {"inserted": 53000}},
            {"cycle": "all 304", "warm": false, "seconds": 0.5, "dbRows": {"updated": 1000}}]}]}
        """);
    assertThat(CapacityModel.marksWarmRows(load)).isTrue();
    List<Check> checks = CapacityModel.validate(load, COSTS, 2);
    assertThat(checks).extracting(c -> c.feeds() + " " + c.cycle()).containsExactly("100 first sync, warm",
        "100 all 304", "100 all 304 #2", "100 unchanged body, no validators", "1000 cold");
    assertThat(checks.get(0).outcome()).isEqualTo(Outcome.FIRST_SYNC);
    assertThat(CapacityModel.coldRows(load)).containsExactly("100 x cold", "1,000 x all 304");
    assertThat(ScalingReport.warmRows(load)).contains("Only **warm** rows are checked",
        "Left out, measured cold", "100 x cold, 1,000 x all 304");

    // an older load.json marks no row: every row is compared, and SCALING.md says so
    JsonNode older = new ObjectMapper().readTree("""
        {"scale": [{"feeds": 100, "cycles": [{"cycle": "cold", "seconds": 0.4}, {"cycle": "all 304", "seconds": 0.1}]}]}
        """);
    assertThat(CapacityModel.marksWarmRows(older)).isFalse();
    assertThat(CapacityModel.validate(older, COSTS, 2)).hasSize(2);
    assertThat(CapacityModel.coldRows(older)).isEmpty();
    assertThat(ScalingReport.warmRows(older)).startsWith("This load.json does not say which of its rows are warm");
  }

  @Test
  void readsTheUnitCostsFile(@TempDir Path dir) throws Exception {
    StringBuilder outcomes = new StringBuilder();
    for (Outcome o : Outcome.values()) {
      outcomes.append(outcomes.length() == 0 ? "" : ",").append('"').append(o.key).append("\": {\"workerCpuMs\": 1.5,"
          + " \"dbCpuMs\": 0.5, \"writeTransactions\": 2, \"walBytes\": 900, \"allocatedBytes\": 40000,"
          + " \"heapPerInFlightBytes\": 1000000}");
    }
    Path file = dir.resolve("unit-costs.json");
    Files.writeString(file, "{\"setup\": {\"eventsPerFeed\": 50}, \"outcomes\": {" + outcomes
        + "}, \"redis\": {\"outcomes\": {\"notModified\": {\"redisCommands\": 4.5, \"redisUsec\": 50}}}}");
    UnitCosts costs = UnitCosts.read(file);
    UnitCost nm = costs.get(Outcome.NOT_MODIFIED);
    assertThat(nm.workerCpuMs()).isEqualTo(1.5);
    assertThat(nm.writeTransactions()).isEqualTo(2);
    assertThat(nm.redisCommands()).isEqualTo(4.5);
    assertThat(nm.heapBytes()).as("no more than it allocates").isEqualTo(40_000);
    assertThat(costs.get(Outcome.CHANGED).redisCommands()).isZero();
  }

  @Test
  void intervalsReadAsUnitsOrIso() {
    assertThat(CapacityModel.parseDuration("15m")).isEqualTo(QUARTER);
    assertThat(CapacityModel.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(CapacityModel.parseDuration("PT90S")).isEqualTo(Duration.ofSeconds(90));
  }
}

package dev.icssync.bench.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.icssync.bench.capacity.CapacityModel.Check;
import dev.icssync.bench.capacity.CapacityModel.CycleCost;
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
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
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
  void validationComparesTheLoadTestsJvmCpuWithoutItsJitCompilerAsTheUnitCostsCountIt() throws Exception {
    // the unit costs leave the JIT compiler threads' CPU out of the worker's; the load test's small
    // cycles run while the compiler is still busy, and it reads that CPU apart (jitCpuSeconds)
    JsonNode load = new ObjectMapper().readTree("""
        {"machine": {"cores": 2}, "scale": [{"feeds": 1000, "eventsPerFeed": 50, "cycles": [
          {"cycle": "all 304", "warm": true, "seconds": 1.0, "jvmCpuSeconds": 0.9, "jitCpuSeconds": 0.3,
           "postgresCpuSeconds": 0.4, "dbRows": {"updated": 1000}},
          {"cycle": "all 304 #2", "warm": true, "seconds": 1.0, "jvmCpuSeconds": 0.6,
           "postgresCpuSeconds": 0.4, "dbRows": {"updated": 1000}}]}]}
        """);
    List<Check> checks = CapacityModel.validate(load, COSTS, 2);
    assertThat(checks).hasSize(2);
    assertThat(checks.get(0).measuredJvmCpu()).isCloseTo(0.6, within(1e-12));
    assertThat(checks.get(0).predictedJvmCpu()).isCloseTo(0.6, within(1e-12));
    assertThat(checks.get(0).measuredJitCpu()).isCloseTo(0.3, within(1e-12));
    // a load.json from before the JIT was read apart: nothing taken off
    assertThat(checks.get(1).measuredJvmCpu()).isCloseTo(0.6, within(1e-12));
    assertThat(checks.get(1).measuredJitCpu()).isZero();
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
    assertThat(costs.perCycle()).as("no cycles of two sizes in this file: no fixed cost").isEmpty();
    assertThat(costs.cycle(Outcome.NOT_MODIFIED).fixedWallMs()).isZero();
  }

  @Test
  void theLoadTestsJvmIsPredictedWithTheFeedServerButNotTheRelay(@TempDir Path dir) throws Exception {
    StringBuilder outcomes = new StringBuilder();
    for (Outcome o : Outcome.values()) {
      // a file that splits the rig's CPU: the relay's share is not the load test's
      String split = o == Outcome.CHANGED ? "" : ", \"feedServerCpuMs\": 0.05, \"relayCpuMs\": 0.08";
      outcomes.append(outcomes.length() == 0 ? "" : ",").append('"').append(o.key)
          .append("\": {\"workerCpuMs\": 0.15, \"rigCpuMs\": 0.13").append(split).append('}');
    }
    Path file = dir.resolve("unit-costs.json");
    Files.writeString(file, "{\"setup\": {\"eventsPerFeed\": 50}, \"outcomes\": {" + outcomes + "}}");
    UnitCosts costs = UnitCosts.read(file);
    assertThat(costs.get(Outcome.NOT_MODIFIED).rigCpuMs()).isEqualTo(0.05);
    assertThat(costs.extra(Outcome.NOT_MODIFIED, "relayCpuMs")).isEqualTo(0.08);
    assertThat(costs.get(Outcome.CHANGED).rigCpuMs()).as("an older file: the rig's CPU, as before").isEqualTo(0.13);
    assertThat(CapacityModel.predictCycle(costs, Outcome.NOT_MODIFIED, 10_000, 50, 16, 2).jvmCpuSeconds())
        .isCloseTo(10_000 * (0.15 + 0.05) / 1000, within(1e-9));
  }

  /** Fixed costs of a cycle: 40 ms of wall time, 30 ms of JVM CPU (25 of them the worker's), 20 ms of backend CPU. */
  static final CycleCost CYCLE = new CycleCost(40, 30, 25, 20, 0.6, 0.55, 0.5, 16);

  static UnitCosts withCycles(CycleCost k) {
    Map<Outcome, CycleCost> m = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      m.put(o, k);
    }
    return COSTS.withPerCycle(m);
  }

  @Test
  void aSmallCycleIsPredictedSlowerPerFeedThanALargeOneWhenACycleHasAFixedCost() {
    UnitCosts costs = withCycles(CYCLE);
    CapacityModel.CyclePrediction small = CapacityModel.predictCycle(costs, Outcome.NOT_MODIFIED, 100, 50, 16, 2);
    CapacityModel.CyclePrediction large = CapacityModel.predictCycle(costs, Outcome.NOT_MODIFIED, 10_000, 50, 16, 2);
    assertThat(small.seconds() / 100).isGreaterThan(large.seconds() / 10_000);
    assertThat(small.jvmCpuSeconds() / 100).isGreaterThan(large.jvmCpuSeconds() / 10_000);
    assertThat(small.pgCpuSeconds() / 100).isGreaterThan(large.pgCpuSeconds() / 10_000);
    // fixed + N x marginal: wall from the measured slope (same threads), CPU from the per-sync unit costs
    assertThat(small.seconds()).isCloseTo(0.040 + 100 * 0.0006, within(1e-12));
    assertThat(small.jvmCpuSeconds()).isCloseTo(0.030 + 100 * (0.5 + 0.1) / 1000, within(1e-12));
    assertThat(small.pgCpuSeconds()).isCloseTo(0.020 + 100 * 0.5 / 1000, within(1e-12));
    assertThat(small.rows()).isCloseTo(100 * 4, within(1e-9));

    // at other threads than the measured cycles' the slope is not the load test's: CPU-bound, as before
    CapacityModel.CyclePrediction other = CapacityModel.predictCycle(costs, Outcome.NOT_MODIFIED, 100, 50, 4, 2);
    assertThat(other.seconds()).isCloseTo(0.040 + 100 * (0.6 + 0.5) / 1000 / 2, within(1e-12));

    // without cycles of two sizes (an older unit-costs.json) the model is purely per sync, as it was
    CapacityModel.CyclePrediction perSyncOnly = CapacityModel.predictCycle(COSTS, Outcome.NOT_MODIFIED, 100, 50, 16, 2);
    CapacityModel.CyclePrediction perSyncLarge = CapacityModel.predictCycle(COSTS, Outcome.NOT_MODIFIED, 10_000, 50, 16,
        2);
    assertThat(perSyncOnly.seconds() / 100).isCloseTo(perSyncLarge.seconds() / 10_000, within(1e-12));
    assertThat(perSyncOnly.seconds()).isCloseTo(100 * (0.6 + 0.5) / 1000 / 2, within(1e-12));
  }

  @Test
  void aFleetOf100FeedsCostsMorePerSyncThanOneOf10000WhenACycleHasAFixedCost() {
    UnitCosts costs = withCycles(CYCLE);
    Deployment d = Deployment.of(2, 4, 4);
    Prediction small = CapacityModel.predict(Fleet.of(100, QUARTER), costs, d);
    Prediction large = CapacityModel.predict(Fleet.of(10_000, QUARTER), costs, d);
    assertThat(small.workerCores() / small.syncsPerSecond()).isGreaterThan(large.workerCores() / large.syncsPerSecond());
    assertThat(small.dbCores() / small.syncsPerSecond()).isGreaterThan(large.dbCores() / large.syncsPerSecond());

    // 10,000 feeds every 900 s on 2 workers: 5.6 syncs/s each, a cycle every 10 s each, 25 ms of worker CPU a cycle
    double r = 10_000 / 900.0;
    UnitCost mean = Fleet.of(10_000, QUARTER).meanCost(costs);
    assertThat(large.cyclesPerSecondPerWorker()).isCloseTo(0.1, within(1e-12));
    assertThat(large.workerCores()).isCloseTo(r * mean.workerCpuMs() / 1000 + 2 * 0.1 * 0.025, within(1e-12));
    assertThat(large.dbCores()).isCloseTo(r * mean.dbCpuMs() / 1000 + 2 * 0.1 * 0.020, within(1e-12));
    // 100 feeds: 0.056 syncs/s per worker, fewer than one a period: every sync is a cycle of its own
    assertThat(small.cyclesPerSecondPerWorker()).isCloseTo(100 / 900.0 / 2, within(1e-12));

    // no fixed cost: the same cost per sync at every size
    Prediction small0 = CapacityModel.predict(Fleet.of(100, QUARTER), COSTS, d);
    Prediction large0 = CapacityModel.predict(Fleet.of(10_000, QUARTER), COSTS, d);
    assertThat(small0.workerCores() / small0.syncsPerSecond())
        .isCloseTo(large0.workerCores() / large0.syncsPerSecond(), within(1e-12));
  }

  @Test
  void theFixedCostOfACycleIsTheInterceptOfALineThroughCyclesOfTwoSizes() {
    // three cycles of 50 and three of 2,000 feeds, 30 ms + 0.2 ms a sync, noise that cancels in the mean
    double[] x = {50, 50, 50, 2_000, 2_000, 2_000};
    double[] y = new double[x.length];
    double[] noise = {0.004, -0.004, 0, 0.05, -0.05, 0};
    for (int i = 0; i < x.length; i++) {
      y[i] = 0.030 + 0.0002 * x[i] + noise[i];
    }
    CapacityModel.Line l = CapacityModel.Line.fit(x, y);
    assertThat(l.intercept()).isCloseTo(0.030, within(1e-12));
    assertThat(l.slope()).isCloseTo(0.0002, within(1e-12));
    assertThatThrownBy(() -> CapacityModel.Line.fit(new double[] {50, 50}, new double[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two sizes");
  }

  /**
   * A cycle on warm connections: 40 ms + 0.3 ms a sync of wall time, 12 + 0.25 of JVM CPU (10 + 0.2 the worker's),
   * 8 + 0.1 of backend CPU.
   */
  private static UnitCostMeasurement.CycleSample warmCycle(String outcome, int n) {
    return new UnitCostMeasurement.CycleSample(outcome, n, 0.040 + 0.0003 * n, 0.012 + 0.00025 * n,
        0.010 + 0.0002 * n, 0.008 + 0.0001 * n, 0);
  }

  /** Two warm cycles of 50 and two of 2,000 feeds ({@link #warmCycle}) of every outcome. */
  private static List<UnitCostMeasurement.CycleSample> warmCycles() {
    List<UnitCostMeasurement.CycleSample> samples = new ArrayList<>();
    for (String outcome : UnitCostMeasurement.OUTCOMES) {
      for (int rep = 0; rep < 2; rep++) {
        for (int n : new int[] {50, 2_000}) {
          samples.add(warmCycle(outcome, n));
        }
      }
    }
    return samples;
  }

  /** A unit-costs.json of 50-event feeds: {@code perSync} for every outcome, and these cycle costs. */
  private static void writeUnitCosts(Path file, Map<String, Object> perSync, Map<String, Object> cycleCosts)
      throws java.io.IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("setup", Map.of("eventsPerFeed", 50));
    Map<String, Object> outcomes = new LinkedHashMap<>();
    for (String key : UnitCostMeasurement.OUTCOMES) {
      outcomes.put(key, perSync);
    }
    root.put("outcomes", outcomes);
    root.put("cycleCosts", cycleCosts);
    new ObjectMapper().writeValue(file.toFile(), root);
  }

  @Test
  void theJvmsCpuPerSyncComesFromTheCyclesWhereMeasuredAndThePassStaysBesideIt(@TempDir Path dir) throws Exception {
    // a sync adds 0.25 ms of JVM CPU, 0.2 of it the worker's
    List<UnitCostMeasurement.CycleSample> samples = warmCycles();
    // the per-sync pass, through the byte-counting relay: each request dearer for both sides
    Map<String, Object> pass = Map.of("workerCpuMs", 0.3, "feedServerCpuMs", 0.08, "dbCpuMs", 0.1);
    Path file = dir.resolve("unit-costs.json");
    writeUnitCosts(file, pass, UnitCostMeasurement.fitCycles(samples, 16, 50, 2));

    UnitCosts costs = UnitCosts.read(file);
    for (Outcome o : Outcome.values()) {
      assertThat(costs.get(o).workerCpuMs()).isCloseTo(0.2, within(1e-9));
      assertThat(costs.get(o).rigCpuMs()).isCloseTo(0.05, within(1e-9));
      assertThat(costs.get(o).dbCpuMs()).isEqualTo(0.1); // the database's CPU stays the pass's
      assertThat(costs.extra(o, "passWorkerCpuMs")).isEqualTo(0.3);
      assertThat(costs.extra(o, "passFeedServerCpuMs")).isEqualTo(0.08);
    }
    assertThat(ScalingReport.unitCostTable(costs))
        .contains("| worker CPU through the relay (ms, the per-sync pass; the cycles' slope is used) | 0.300 |");

    // without cycles of two sizes (an older file): the pass's figures
    writeUnitCosts(file, pass, Map.of());
    UnitCosts older = UnitCosts.read(file);
    assertThat(older.get(Outcome.NOT_MODIFIED).workerCpuMs()).isEqualTo(0.3);
    assertThat(older.get(Outcome.NOT_MODIFIED).rigCpuMs()).isEqualTo(0.08);
    assertThat(older.extra(Outcome.NOT_MODIFIED, "passWorkerCpuMs")).isNaN();
  }

  @Test
  void cyclesOnNewConnectionsAreMeasuredApartAndAddedToTheLoadTestsRowsOnly(@TempDir Path dir) throws Exception {
    List<UnitCostMeasurement.CycleSample> samples = new ArrayList<>();
    for (String outcome : UnitCostMeasurement.OUTCOMES) {
      for (int rep = 0; rep < 2; rep++) {
        for (int n : new int[] {50, 2_000}) {
          samples.add(warmCycle(outcome, n));
        }
        // on new connections at 50 feeds: 15 ms more wall time, 4 of JVM CPU (3 the worker's), 11 of backend
        // CPU; the two cycles differ by +-2 ms, which the mean cancels
        double noise = rep == 0 ? 0.002 : -0.002;
        samples.add(new UnitCostMeasurement.CycleSample(outcome, 50, 0.055 + 0.0003 * 50 + noise,
            0.016 + 0.00025 * 50, 0.013 + 0.0002 * 50, 0.019 + 0.0001 * 50 + noise, 0, true));
      }
    }
    Map<String, Object> cycleCosts = UnitCostMeasurement.fitCycles(samples, 16, 50, 2);
    // the lines go through the cycles on warm connections alone: the same intercepts as without them
    assertThat(cycleCosts.get("sizes")).isEqualTo(List.of(50, 2_000));
    Path file = dir.resolve("unit-costs.json");
    Map<String, Object> perSync = Map.of("workerCpuMs", 0.2, "dbCpuMs", 0.1);
    writeUnitCosts(file, perSync, cycleCosts);

    UnitCosts costs = UnitCosts.read(file);
    CycleCost nm = costs.cycle(Outcome.NOT_MODIFIED);
    assertThat(nm.fixedWallMs()).isCloseTo(40, within(1e-3));
    assertThat(nm.fixedDbCpuMs()).isCloseTo(8, within(1e-3));
    assertThat(nm.freshWallMs()).isCloseTo(15, within(1e-3));
    assertThat(nm.freshJvmCpuMs()).isCloseTo(4, within(1e-3));
    assertThat(nm.freshDbCpuMs()).isCloseTo(11, within(1e-3));

    CapacityModel.CyclePrediction warm = CapacityModel.predictCycle(costs, Outcome.NOT_MODIFIED, 100, 50, 16, 2);
    CapacityModel.CyclePrediction fresh = CapacityModel.predictCycle(costs, Outcome.NOT_MODIFIED, 100, 50, 16, 2, true);
    assertThat(fresh.seconds() - warm.seconds()).isCloseTo(0.015, within(1e-9));
    assertThat(fresh.jvmCpuSeconds() - warm.jvmCpuSeconds()).isCloseTo(0.004, within(1e-9));
    assertThat(fresh.pgCpuSeconds() - warm.pgCpuSeconds()).isCloseTo(0.011, within(1e-9));
    assertThat(fresh.rows()).isEqualTo(warm.rows());

    // a load test that closed its pool to count rows (no rowCountsKeepConnections, as an older
    // load.json or a server before PostgreSQL 15): its rows are predicted on new connections
    Map<String, Object> cycle = new LinkedHashMap<>();
    cycle.put("cycle", "all 304");
    cycle.put("warm", true);
    cycle.put("concurrency", 16);
    cycle.put("seconds", 0.1);
    JsonNode load = new ObjectMapper().valueToTree(Map.of("scale",
        List.of(Map.of("feeds", 100, "eventsPerFeed", 50, "cycles", List.of(cycle)))));
    List<CapacityModel.Check> checks = CapacityModel.validate(load, costs, 2);
    assertThat(checks).hasSize(1);
    assertThat(checks.get(0).predictedSeconds()).isCloseTo(fresh.seconds(), within(1e-9));
    // one whose counts kept the pool's connections: its rows ran on warm ones, and nothing is added
    JsonNode warmLoad = new ObjectMapper().valueToTree(Map.of(
        "machine", Map.of("cores", 2, "rowCountsKeepConnections", true),
        "scale", List.of(Map.of("feeds", 100, "eventsPerFeed", 50, "cycles", List.of(cycle)))));
    List<CapacityModel.Check> warmChecks = CapacityModel.validate(warmLoad, costs, 2);
    assertThat(warmChecks).hasSize(1);
    assertThat(warmChecks.get(0).predictedSeconds()).isCloseTo(warm.seconds(), within(1e-9));
    assertThat(warmChecks.get(0).predictedJvmCpu()).isCloseTo(warm.jvmCpuSeconds(), within(1e-9));

    // a file without cycles on new connections (an older one): nothing added
    samples.removeIf(UnitCostMeasurement.CycleSample::fresh);
    writeUnitCosts(file, perSync, UnitCostMeasurement.fitCycles(samples, 16, 50, 2));
    UnitCosts older = UnitCosts.read(file);
    assertThat(older.cycle(Outcome.NOT_MODIFIED).freshWallMs()).isZero();
    assertThat(CapacityModel.predictCycle(older, Outcome.NOT_MODIFIED, 100, 50, 16, 2, true).seconds())
        .isCloseTo(warm.seconds(), within(1e-9));
  }

  @Test
  void theCycleCostsMeasuredAreWhatTheModelReads(@TempDir Path dir) throws Exception {
    List<UnitCostMeasurement.CycleSample> samples = warmCycles();
    // a negative intercept is noise: read as no fixed cost
    samples.replaceAll(c -> c.outcome().equals("changed") ? new UnitCostMeasurement.CycleSample(c.outcome(), c.feeds(),
        -0.005 + 0.0003 * c.feeds(), c.jvmCpuSeconds(), c.workerCpuSeconds(), c.pgCpuSeconds(), 0) : c);
    Map<String, Object> cycleCosts = UnitCostMeasurement.fitCycles(samples, 16, 50, 2);
    Path file = dir.resolve("unit-costs.json");
    writeUnitCosts(file, Map.of("workerCpuMs", 0.2), cycleCosts);

    UnitCosts costs = UnitCosts.read(file);
    CycleCost nm = costs.cycle(Outcome.NOT_MODIFIED);
    assertThat(nm.measured()).isTrue();
    assertThat(nm.threads()).isEqualTo(16);
    assertThat(nm.fixedWallMs()).isCloseTo(40, within(1e-3));
    assertThat(nm.fixedJvmCpuMs()).isCloseTo(12, within(1e-3));
    assertThat(nm.fixedWorkerCpuMs()).isCloseTo(10, within(1e-3));
    assertThat(nm.fixedDbCpuMs()).isCloseTo(8, within(1e-3));
    assertThat(nm.perSyncWallMs()).isCloseTo(0.3, within(1e-5));
    assertThat(nm.perSyncJvmCpuMs()).isCloseTo(0.25, within(1e-5));
    assertThat(nm.perSyncDbCpuMs()).isCloseTo(0.1, within(1e-5));
    assertThat(costs.cycle(Outcome.CHANGED).fixedWallMs()).isZero();
    assertThat(costs.cycle(Outcome.CHANGED).perSyncWallMs()).isCloseTo(0.3, within(1e-5));
  }

  @Test
  void theValidationTableListsEveryRowWithItsErrors() throws Exception {
    JsonNode load = new ObjectMapper().readTree("""
        {"machine": {"cores": 2}, "scale": [
          {"feeds": 100, "eventsPerFeed": 50, "cycles": [
            {"cycle": "all 304", "warm": true, "concurrency": 16, "seconds": 0.125, "jvmCpuSeconds": 0.1,
             "postgresCpuSeconds": 0.07, "dbRows": {"updated": 400}},
            {"cycle": "unchanged body, no validators", "warm": true, "concurrency": 16, "seconds": 0.1,
             "jvmCpuSeconds": 0.1, "postgresCpuSeconds": 0.07, "dbRows": {"updated": 100}}]},
          {"feeds": 10000, "eventsPerFeed": 50, "cycles": [
            {"cycle": "all 304", "warm": true, "concurrency": 16, "seconds": 6.0, "jvmCpuSeconds": 3.0,
             "postgresCpuSeconds": 5.0, "dbRows": {"updated": 40000}}]}]}
        """);
    List<Check> checks = CapacityModel.validate(load, withCycles(CYCLE), 2);
    assertThat(checks).hasSize(3);
    // 100 x 304: wall 0.04 + 100 x 0.0006 = 0.10 s of 0.125 (-20 %), JVM 0.03 + 100 x 0.0006 = 0.09 s of 0.1 (-10 %)
    assertThat(checks.get(0).predictedSeconds()).isCloseTo(0.1, within(1e-12));
    assertThat(checks.get(0).predictedJvmCpu()).isCloseTo(0.09, within(1e-12));
    String table = ScalingReport.validationTable(checks);
    List<String> rows = table.lines().filter(l -> l.matches("\\| [0-9,]+ \\|.*")).toList();
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0)).startsWith("| 100 | all 304 | 0.13 / 0.10 s | -20 % | 0.100 / 0.090 | -10 % | 0.000 |");
    assertThat(rows.get(1)).startsWith("| 100 | unchanged body, no validators |");
    // every row has an error for each of its four figures; one outside 25 % is bold
    for (String row : rows) {
      assertThat(row.split("%", -1)).hasSize(5);
    }
    assertThat(rows.get(0)).doesNotContain("**");
    assertThat(rows.get(2)).startsWith("| 10,000 | all 304 |").contains("| **+101 %** |");
  }

  @Test
  void scalingMdShowsTheFixedCostOfACycleOrSaysItWasNotMeasured() {
    String table = ScalingReport.cycleCostTable(withCycles(CYCLE));
    assertThat(table).contains("| fixed wall time of a cycle (ms) | 40.0 | 40.0 | 40.0 | 40.0 |")
        .contains("| fixed PostgreSQL CPU of a cycle (ms) | 20.0 |")
        .contains("| wall time a sync adds (ms, 16 threads on this box) | 0.600 |");
    assertThat(ScalingReport.cycleCostTable(COSTS)).contains("Not measured").contains("purely per sync");
  }

  @Test
  void intervalsReadAsUnitsOrIso() {
    assertThat(CapacityModel.parseDuration("15m")).isEqualTo(QUARTER);
    assertThat(CapacityModel.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(CapacityModel.parseDuration("PT90S")).isEqualTo(Duration.ofSeconds(90));
  }
}

package dev.icssync.bench.capacity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.icssync.bench.capacity.CapacityModel.Check;
import dev.icssync.bench.capacity.CapacityModel.Deployment;
import dev.icssync.bench.capacity.CapacityModel.Fleet;
import dev.icssync.bench.capacity.CapacityModel.Outcome;
import dev.icssync.bench.capacity.CapacityModel.Prediction;
import dev.icssync.bench.capacity.CapacityModel.Resource;
import dev.icssync.bench.capacity.CapacityModel.UnitCost;
import dev.icssync.bench.capacity.CapacityModel.UnitCosts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * SCALING.md: the prose of {@code scaling-template.md} (next to this class) with the model's tables
 * put in at its {@code {{placeholders}}}. The prose is edited in the template; the tables only by
 * rerunning the model.
 */
final class ScalingReport {
  private ScalingReport() {}

  static final double PASS = 0.25;

  static String markdown(UnitCosts costs, Fleet base, List<Prediction> predictions, List<Check> checks,
      @Nullable JsonNode load, String command) {
    String t = template();
    Prediction last = predictions.get(predictions.size() - 1);
    Map<String, String> parts = new LinkedHashMap<>();
    parts.put("{{command}}", command);
    parts.put("{{measuredOn}}", costs.measuredOn());
    parts.put("{{loadOn}}", load == null ? "no load.json was given: the model is not checked"
        : String.format(Locale.ROOT, "%s cores, load average %s at start, %s",
            load.path("machine").path("cores").asText(), load.path("machine").path("loadAverageAtStart").asText(),
            load.path("startedAt").asText()));
    parts.put("{{unitCosts}}", unitCostTable(costs));
    parts.put("{{cycleCosts}}", cycleCostTable(costs));
    parts.put("{{warmRows}}", warmRows(load));
    parts.put("{{validation}}", validationTable(checks));
    parts.put("{{validationVerdict}}", verdict(checks));
    parts.put("{{fleet}}", fleet(base));
    parts.put("{{table}}", predictionTable(predictions));
    parts.put("{{steps}}", steps(predictions));
    parts.put("{{primaryLimits}}", primaryLimits(last, costs));
    parts.put("{{bottleneck}}", bottleneck(last, costs));
    for (Map.Entry<String, String> e : parts.entrySet()) {
      t = t.replace(e.getKey(), e.getValue());
    }
    return t;
  }

  private static String template() {
    try (InputStream in = ScalingReport.class.getResourceAsStream("scaling-template.md")) {
      if (in == null) {
        throw new IllegalStateException("scaling-template.md is not on the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String unitCostTable(UnitCosts costs) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "Per sync, %d events per feed, four feeds per property.%n%n",
        costs.eventsPerFeed()));
    sb.append("| per sync | first sync | 304 | unchanged body | changed (one stay moved) |\n|---|---:|---:|---:|---:|\n");
    row(sb, costs, "worker CPU (ms, JIT compiler excluded; the cycles' slope where measured)", UnitCost::workerCpuMs,
        3);
    row(sb, costs, "PostgreSQL backend CPU (ms)", UnitCost::dbCpuMs, 2);
    row(sb, costs, "statements", UnitCost::statements, 2);
    row(sb, costs, "write transactions (WAL-flushing commits)", UnitCost::writeTransactions, 2);
    row(sb, costs, "transactions as PostgreSQL counts them", UnitCost::pgTransactions, 2);
    row(sb, costs, "rows written (ins + upd + del)", UnitCost::rowsWritten, 2);
    row(sb, costs, "WAL (bytes)", UnitCost::walBytes, 0);
    row(sb, costs, "HTTP bytes in / out", c -> c.httpBytesIn(), 0, c -> c.httpBytesOut());
    row(sb, costs, "heap allocated (KB)", c -> c.allocatedBytes() / 1024, 1);
    row(sb, costs, "heap held in flight, bound (KB)", c -> c.heapBytes() / 1024, 1);
    row(sb, costs, "Redis commands (with shared caches)", UnitCost::redisCommands, 2);
    row(sb, costs, "Redis server time (µs)", UnitCost::redisUsec, 1);
    row(sb, costs, "feed server CPU in the test rig (ms, not a production cost)", UnitCost::rigCpuMs, 3);
    extraRow(sb, costs, "byte-counting relay CPU (ms, the measurement's own, not counted)", "relayCpuMs", 3);
    extraRow(sb, costs, "worker CPU through the relay (ms, the per-sync pass; the cycles' slope is used)",
        "passWorkerCpuMs", 3);
    extraRow(sb, costs, "feed server CPU through the relay (ms, the same)", "passFeedServerCpuMs", 3);
    extraRow(sb, costs, "JIT compiler CPU during the cycle (ms, start-up cost, not modelled)", "jitCpuMs", 3);
    extraRow(sb, costs, "CPU on the calling thread alone (ms)", "syncThreadCpuMs", 3);
    extraRow(sb, costs, "connection checkouts", "connectionCheckouts", 2);
    extraRow(sb, costs, "connection held (ms, 16 threads on a shared box: queueing included)", "connectionHoldMs", 1);
    extraRow(sb, costs, "wall time per sync (ms, same caveat)", "latencyMeanMs", 1);
    return sb.toString();
  }

  /** The fixed cost of a cycle and the marginal cost of a sync in it, by outcome (or why there is none). */
  static String cycleCostTable(UnitCosts costs) {
    if (costs.perCycle().isEmpty()) {
      return "_Not measured: this unit-costs.json has no cycles of two sizes (it was written before they were"
          + " measured). The model is then purely per sync, and it predicts a small cycle too fast._\n";
    }
    List<Outcome> order = List.of(Outcome.FIRST_SYNC, Outcome.NOT_MODIFIED, Outcome.UNCHANGED_BODY, Outcome.CHANGED);
    int threads = order.stream().mapToInt(o -> costs.cycle(o).threads()).max().orElse(0);
    StringBuilder sb = new StringBuilder();
    sb.append("| per cycle of one outcome | first sync | 304 | unchanged body | changed (one stay moved) |\n"
        + "|---|---:|---:|---:|---:|\n");
    cycleRow(sb, costs, order, "fixed wall time of a cycle (ms)", CapacityModel.CycleCost::fixedWallMs, 1);
    cycleRow(sb, costs, order, "fixed JVM CPU of a cycle (ms, feed server included)",
        CapacityModel.CycleCost::fixedJvmCpuMs, 1);
    cycleRow(sb, costs, order, "fixed worker CPU of a cycle (ms)", CapacityModel.CycleCost::fixedWorkerCpuMs, 1);
    cycleRow(sb, costs, order, "fixed PostgreSQL CPU of a cycle (ms)", CapacityModel.CycleCost::fixedDbCpuMs, 1);
    cycleRow(sb, costs, order, "wall time a sync adds (ms, " + threads + " threads on this box)",
        CapacityModel.CycleCost::perSyncWallMs, 3);
    cycleRow(sb, costs, order, "JVM CPU a sync adds (ms; worker + feed server above come from it)",
        CapacityModel.CycleCost::perSyncJvmCpuMs, 3);
    cycleRow(sb, costs, order, "PostgreSQL CPU a sync adds (ms; a cross-check)", CapacityModel.CycleCost::perSyncDbCpuMs,
        3);
    cycleRow(sb, costs, order, "wall time a cycle on new connections adds (ms; a worker's first cycle)",
        CapacityModel.CycleCost::freshWallMs, 1);
    cycleRow(sb, costs, order, "JVM CPU a cycle on new connections adds (ms)", CapacityModel.CycleCost::freshJvmCpuMs,
        1);
    cycleRow(sb, costs, order, "PostgreSQL CPU a cycle on new connections adds (ms)",
        CapacityModel.CycleCost::freshDbCpuMs, 1);
    return sb.toString();
  }

  private static void cycleRow(StringBuilder sb, UnitCosts costs, List<Outcome> order, String label,
      Function<CapacityModel.CycleCost, Double> f, int dp) {
    sb.append("| ").append(label);
    for (Outcome o : order) {
      CapacityModel.CycleCost k = costs.cycle(o);
      sb.append(" | ").append(k.measured() ? num(f.apply(k), dp) : "-");
    }
    sb.append(" |\n");
  }

  private static void row(StringBuilder sb, UnitCosts costs, String label, Function<UnitCost, Double> f, int dp) {
    row(sb, costs, label, f, dp, null);
  }

  private static void row(StringBuilder sb, UnitCosts costs, String label, Function<UnitCost, Double> f, int dp,
      @Nullable Function<UnitCost, Double> second) {
    sb.append("| ").append(label);
    for (Outcome o : List.of(Outcome.FIRST_SYNC, Outcome.NOT_MODIFIED, Outcome.UNCHANGED_BODY, Outcome.CHANGED)) {
      UnitCost c = costs.get(o);
      sb.append(" | ").append(num(f.apply(c), dp));
      if (second != null) {
        sb.append(" / ").append(num(second.apply(c), dp));
      }
    }
    sb.append(" |\n");
  }

  private static void extraRow(StringBuilder sb, UnitCosts costs, String label, String name, int dp) {
    if (costs.extras().isEmpty()) {
      return;
    }
    sb.append("| ").append(label);
    for (Outcome o : List.of(Outcome.FIRST_SYNC, Outcome.NOT_MODIFIED, Outcome.UNCHANGED_BODY, Outcome.CHANGED)) {
      double v = costs.extra(o, name);
      sb.append(" | ").append(Double.isNaN(v) ? "-" : num(v, dp));
    }
    sb.append(" |\n");
  }

  /** Which of the load test's rows the check uses: its warm rows, and the cold ones it leaves out. */
  static String warmRows(@Nullable JsonNode load) {
    if (load == null) {
      return "";
    }
    if (!CapacityModel.marksWarmRows(load)) {
      return "This load.json does not say which of its rows are warm (a load test from before the scale curve's"
          + " warm-up): every row is checked, and the rows of the small points carry the JIT's and the pools'"
          + " start-up cost, which the unit costs leave out.";
    }
    List<String> cold = CapacityModel.coldRows(load);
    StringBuilder sb = new StringBuilder("Only **warm** rows are checked, as the unit costs are a warm worker's:"
        + " each row below was measured after the load test's JVM had synced a warm-up set of that kind of sync"
        + " (`LoadTest --warmup-feeds`: a first sync, four all-304 cycles and two unchanged-body cycles of a set of"
        + " feeds of its own tenant, not measured, then deleted). The \"first sync, warm\" rows are the first"
        + " sync of a second set of the point's size, synced once the JVM is warm.");
    if (cold.isEmpty()) {
      sb.append(" No row of this load.json was measured cold.");
    } else {
      sb.append(" Left out, measured cold (before any warm-up; the load test keeps them for the first sync's cold"
          + " figure): ").append(String.join(", ", cold)).append('.');
    }
    return sb.toString();
  }

  static String validationTable(List<Check> checks) {
    if (checks.isEmpty()) {
      return "_Not checked: no load.json._\n";
    }
    StringBuilder sb = new StringBuilder();
    sb.append("| feeds | cycle | wall time measured / predicted | error | JVM CPU s, JIT compiler excluded | error"
        + " | JIT compiler CPU s (measured, not modelled) | PostgreSQL CPU s | error | rows written | error |\n"
        + "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Check c : checks) {
      sb.append(String.format(Locale.ROOT, "| %s | %s | %s / %s s | %s | %s / %s | %s | %s | %s / %s | %s | %s / %s | %s |%n",
          num(c.feeds(), 0), c.cycle(), num(c.measuredSeconds(), 2), num(c.predictedSeconds(), 2),
          err(c.predictedSeconds(), c.measuredSeconds()), num(c.measuredJvmCpu(), 3), num(c.predictedJvmCpu(), 3),
          err(c.predictedJvmCpu(), c.measuredJvmCpu()), num(c.measuredJitCpu(), 3), num(c.measuredPgCpu(), 3),
          num(c.predictedPgCpu(), 3),
          err(c.predictedPgCpu(), c.measuredPgCpu()), num(c.measuredRows(), 0), num(c.predictedRows(), 0),
          err(c.predictedRows(), c.measuredRows())));
    }
    return sb.toString();
  }

  private static String err(double predicted, double measured) {
    double e = Check.error(predicted, measured);
    if (Double.isInfinite(e)) {
      return "n/a";
    }
    String s = String.format(Locale.ROOT, "%+.0f %%", e * 100);
    return Math.abs(e) <= PASS ? s : "**" + s + "**";
  }

  private static String verdict(List<Check> checks) {
    if (checks.isEmpty()) {
      return "";
    }
    long rowsOk = checks.stream().filter(c -> Math.abs(Check.error(c.predictedRows(), c.measuredRows())) <= PASS).count();
    long cpuOk = checks.stream().filter(c -> Math.abs(Check.error(c.predictedJvmCpu(), c.measuredJvmCpu())) <= PASS
        && Math.abs(Check.error(c.predictedPgCpu(), c.measuredPgCpu())) <= PASS).count();
    long wallOk = checks.stream().filter(c -> Math.abs(Check.error(c.predictedSeconds(), c.measuredSeconds())) <= PASS)
        .count();
    long allOk = checks.stream().filter(c -> c.worstError() <= PASS).count();
    return String.format(Locale.ROOT, "Within 25 %%: rows written in %d of %d cycles, JVM and PostgreSQL CPU both in %d,"
        + " wall time in %d; every figure of a row in %d of %d. Errors outside 25 %% are in bold.",
        rowsOk, checks.size(), cpuOk, wallOk, allOk, checks.size());
  }

  private static String fleet(Fleet f) {
    Map<Outcome, Double> mix = f.mix();
    return String.format(Locale.ROOT, "Fleet: every feed polled every %s; %s %% of polls bring a change, %s %% are"
            + " answered 304 and %s %% send the same body again, %s %% of the feeds are new each day (%s %% of"
            + " syncs are first syncs); %d events per feed; %d feeds per tenant; the busiest host (one channel)"
            + " serves %s %% of the feeds and answers in %d ms.",
        human(f.interval()), num(mix.get(Outcome.CHANGED) * 100, 1), num(mix.get(Outcome.NOT_MODIFIED) * 100, 1),
        num(mix.get(Outcome.UNCHANGED_BODY) * 100, 1), num(f.newFeedsPerDay() * 100, 2),
        num(mix.get(Outcome.FIRST_SYNC) * 100, 3), f.eventsPerFeed(), f.feedsPerTenant(),
        num(f.largestHostShare() * 100, 0), f.hostLatency().toMillis());
  }

  private static String human(java.time.Duration d) {
    long s = d.toSeconds();
    return s % 3600 == 0 ? s / 3600 + " h" : s % 60 == 0 ? s / 60 + " min" : s + " s";
  }

  private static String predictionTable(List<Prediction> ps) {
    StringBuilder sb = new StringBuilder("| | ");
    sb.append(String.join(" | ", ps.stream().map(p -> num(p.fleet().feeds(), 0) + " feeds").toList()));
    sb.append(" |\n|---|").append("---:|".repeat(ps.size())).append('\n');
    line(sb, ps, "syncs/s (fleet)", p -> num(p.syncsPerSecond(), 1));
    line(sb, ps, "workers x cores (sized to 70 % CPU, at least 2)", p -> p.deployment().workers() + " x "
        + p.deployment().coresPerWorker());
    line(sb, ps, "syncs/s per worker", p -> num(p.syncsPerSecondPerWorker(), 1));
    line(sb, ps, "worker CPU, cores in use (all workers)", p -> num(p.workerCores(), 3));
    line(sb, ps, "in-flight syncs per worker / heap per worker", p -> num(p.inFlightPerWorker(), 0) + " / "
        + num(p.heapMbPerWorker(), 0) + " MB");
    line(sb, ps, "PostgreSQL primary: cores in use / cores", p -> num(p.dbCores(), 2) + " / " + p.deployment().dbCores());
    line(sb, ps, "write commits/s", p -> num(p.writeCommitsPerSecond(), 0));
    line(sb, ps, "transactions/s (PostgreSQL's count, reads too)", p -> num(p.pgTransactionsPerSecond(), 0));
    line(sb, ps, "statements/s", p -> num(p.statementsPerSecond(), 0));
    line(sb, ps, "rows written/s", p -> num(p.rowsWrittenPerSecond(), 0));
    line(sb, ps, "WAL", p -> num(p.walMBps(), 2) + " MB/s (" + num(p.walMBps() * 86400 / 1000, 0) + " GB/day)");
    line(sb, ps, "connections: pool per worker / total / busy per worker", p -> p.deployment().poolPerWorker() + " / "
        + p.connectionsTotal() + " / " + num(p.connectionsPerWorkerBusy(), 2));
    line(sb, ps, "feed traffic in / out (all workers)", p -> num(p.ingressMBps() * 8, 1) + " / "
        + num(p.egressMBps() * 8, 1) + " Mbit/s");
    line(sb, ps, "network per tenant", p -> num(p.networkKBpsPerTenant(), 1) + " kB/s");
    line(sb, ps, "requests/s to the busiest host", p -> num(p.busiestHostRequestsPerSecond(), 0));
    line(sb, ps, "Redis commands/s / Redis CPU", p -> num(p.redisCommandsPerSecond(), 0) + " / "
        + num(p.redisCpu() * 100, 1) + " %");
    line(sb, ps, "stored events / per partition", p -> num(p.storedEvents(), 0) + " / "
        + num(p.storedEventsPerPartition(), 0));
    line(sb, ps, "replicas / events partitions", p -> p.deployment().replicas() + " / " + p.deployment().partitions());
    for (Resource r : Resource.values()) {
      line(sb, ps, "utilisation: " + r.label, p -> pct(p.utilization().get(r), p.firstToSaturate() == r));
    }
    line(sb, ps, "**first to saturate**", p -> p.firstToSaturate().label);
    return sb.toString();
  }

  private static String pct(double u, boolean bold) {
    String s = num(u * 100, u < 0.1 ? 1 : 0) + " %";
    return bold ? "**" + s + "**" : s;
  }

  private static void line(StringBuilder sb, List<Prediction> ps, String label, Function<Prediction, String> f) {
    sb.append("| ").append(label);
    for (Prediction p : ps) {
      sb.append(" | ").append(f.apply(p));
    }
    sb.append(" |\n");
  }

  private static String steps(List<Prediction> ps) {
    StringBuilder sb = new StringBuilder();
    for (Prediction p : ps) {
      Deployment d = p.deployment();
      sb.append(String.format(Locale.ROOT, "- **%s feeds** (%s syncs/s): %d worker%s of %d cores (%s), a primary"
              + " of %d cores, %s, pools of %d connections per worker; %s; %d egress IPs for the busiest host at"
              + " %s requests/s each. First to saturate: %s at %s.%n",
          num(p.fleet().feeds(), 0), num(p.syncsPerSecond(), 0), d.workers(), d.workers() == 1 ? "" : "s",
          d.coresPerWorker(), p.deployment().workers() == 2 ? "two for availability; CPU alone needs "
              + num(p.workerCores() / d.coresPerWorker() * 100, 1) + " % of one" : "sized on CPU",
          d.dbCores(), d.replicas() == 0 ? "no replica needed by the syncs" : d.replicas()
              + " streaming replica (failover; exports and dashboards can read there through JdbcStore's"
              + " readDataSource)",
          d.poolPerWorker(), d.partitions() > 1 ? "the events table hash-partitioned by tenant into " + d.partitions()
              + " (the optional migration)" : "no partitioning yet",
          (int) Math.ceil(p.busiestHostRequestsPerSecond() / d.hostRequestsPerSecondPerWorker()),
          num(d.hostRequestsPerSecondPerWorker(), 0), p.firstToSaturate().label, pct(p.utilization().get(p.firstToSaturate()), false)));
    }
    return sb.toString();
  }

  /** At how many feeds (same fleet shape) each limit of one primary is reached. */
  private static String primaryLimits(Prediction p, UnitCosts costs) {
    double perFeed = p.syncsPerSecond() / p.fleet().feeds();
    UnitCost c = p.meanCost();
    Deployment d = p.deployment();
    StringBuilder sb = new StringBuilder();
    sb.append("| limit of one primary (assumed) | per sync (fleet mean) | feeds at the limit, 15 min interval |\n"
        + "|---|---:|---:|\n");
    sb.append(String.format(Locale.ROOT, "| %s write commits/s (synchronous commit, group commit on NVMe) | %s | %s |%n",
        num(d.maxWriteCommitsPerSecond(), 0), num(c.writeTransactions(), 2),
        num(d.maxWriteCommitsPerSecond() / c.writeTransactions() / perFeed, 0)));
    sb.append(String.format(Locale.ROOT, "| %s MB/s of WAL (and its replay on every replica) | %s B | %s |%n",
        num(d.maxWalMBps(), 0), num(c.walBytes(), 0), num(d.maxWalMBps() * 1e6 / c.walBytes() / perFeed, 0)));
    sb.append(String.format(Locale.ROOT, "| 64 cores of backend CPU at 70 %% | %s ms | %s |%n", num(c.dbCpuMs(), 3),
        num(64 * 0.7 * 1000 / c.dbCpuMs() / perFeed, 0)));
    sb.append(String.format(Locale.ROOT, "| %d connections (max_connections; more through PgBouncer in transaction"
            + " mode) | %s ms held | %s |%n", d.maxConnections(), num(d.dbMsPerSync(c), 2),
        num(d.maxConnections() * 0.5 * 1000 / d.dbMsPerSync(c) / perFeed, 0)));
    return sb.toString();
  }

  private static String bottleneck(Prediction p, UnitCosts costs) {
    Resource r = p.firstCodeCanMove();
    String head = String.format(Locale.ROOT, "At %s feeds the busiest resource whose demand ics-sync's own code or"
            + " defaults set is **%s**, at %s of its limit on the deployment above (the first to saturate overall"
            + " is %s, at %s).",
        num(p.fleet().feeds(), 0), r.label, pct(p.utilization().get(r), false), p.firstToSaturate().label,
        pct(p.utilization().get(p.firstToSaturate()), false));
    return head + "\n\n" + proposal(r, p, costs);
  }

  /** Why the resource is spent and what would move it, with the prediction's own numbers. */
  static String proposal(Resource r, Prediction p, UnitCosts costs) {
    UnitCost c = p.meanCost();
    UnitCost nm = costs.get(Outcome.NOT_MODIFIED);
    double sps = p.syncsPerSecond();
    return switch (r) {
      case DB_COMMITS -> String.format(Locale.ROOT, "The %s %% of syncs that bring nothing new (304 or the same"
              + " body) write their states in batches (%s write transactions and %s rows per such sync); the"
              + " commits left come from the syncs that apply something (a first sync or a changed body: the"
              + " generation fence and the apply, each its own transaction). %s syncs/s ask the primary for %s"
              + " WAL-flushing commits per second (%s per sync on average), and the commit rate is the hard ceiling"
              + " of a single primary (see its limits above).%n%n**Proposal.** Apply the changes of several feeds"
              + " in one transaction (a group apply, each feed still fenced by its own generation), take the"
              + " fence in the apply's transaction instead of its own, and write the batched states with"
              + " `synchronous_commit = off` (a crash loses only last-checked times, which the engine already"
              + " tolerates); beyond that, more primaries by tenant (the Citus layout below).",
          num(unchangedShare(p) * 100, 0), num(nm.writeTransactions(), 3), num(nm.rowsWritten(), 2), num(sps, 0),
          num(p.writeCommitsPerSecond(), 0), num(c.writeTransactions(), 2));
      case DB_CPU -> String.format(Locale.ROOT, "The primary spends %s ms of backend CPU per sync over %s statements."
              + "%n%n**Proposal.** Read the states of due feeds a chunk at a time in every driver of syncs (a"
              + " scheduler that runs one task per feed reads per feed), let the driver keep server-side prepared"
              + " statements (prepareThreshold) for the hot ones, and send the state reads to a replica: a state"
              + " read stale is safe, since its write is fenced by the stored state.",
          num(c.dbCpuMs(), 3), num(c.statements(), 1));
      case DB_WAL -> String.format(Locale.ROOT, "Each sync writes %s bytes of WAL, mostly applied events and the"
              + " batched state updates (heap-only: `icssync_feed_state` keeps room on its pages and no indexed"
              + " column changes; a 304 or an unchanged body sets its three time columns only, but PostgreSQL"
              + " still logs the row's whole new version, plus a full page image of each page first touched after"
              + " a checkpoint).%n%n**Proposal.** `wal_compression` and a longer `checkpoint_timeout` for the full"
              + " page images; beyond that, keep a feed's poll times in a narrow table of their own, so that a poll"
              + " writes a row of a few dozen bytes instead of the whole state.",
          num(c.walBytes(), 0));
      case DB_CONNECTIONS -> String.format(Locale.ROOT, "A sync holds a connection about %s ms (statements, commit"
              + " flushes, backend CPU).%n%n**Proposal.** One checkout per apply instead of one per step (fence,"
              + " apply, state), so that a pool of a few connections serves a worker.",
          num(p.deployment().dbMsPerSync(c), 2));
      case WORKER_CPU -> String.format(Locale.ROOT, "A worker spends %s ms of CPU per sync. On the 304 path (most of"
              + " the fleet's syncs) most of it is the HTTP exchange in Apache's async client: leasing a connection and"
              + " handing each request to an I/O reactor thread and back, two thread wake-ups a request. Binding a"
              + " batched state (0.2 µs) and parsing a feed's URL (0.6 µs) were timed apart and are small."
              + "%n%n**Proposal.** A blocking client for HTTP/1.1 feeds, whose calling thread reads its own answer,"
              + " keeping the async client for HTTP/2.",
          num(c.workerCpuMs(), 3));
      case WORKER_HEAP -> String.format(Locale.ROOT, "Each in-flight sync holds up to %s KB, and a worker has %s in"
              + " flight while slow hosts answer.%n%n**Proposal.** Stream the body into the parser instead of"
              + " buffering it, and bound in-flight syncs per worker by heap rather than by thread count.",
          num(c.heapBytes() / 1024, 0), num(p.inFlightPerWorker(), 0));
      case REDIS_CPU -> String.format(Locale.ROOT, "Each sync runs %s Redis commands (%s µs of Redis time): the"
              + " tenant limiter's script and the host bucket on every poll.%n%n**Proposal.** Lease admissions"
              + " in blocks per worker (take 50 at once from the shared window) instead of one script per sync.",
          num(c.redisCommands(), 1), num(c.redisUsec(), 0));
      case HOST_POLITENESS, WORKER_NETWORK -> "Not set by ics-sync: see the steps above.";
    };
  }

  private static double unchangedShare(Prediction p) {
    Map<Outcome, Double> mix = p.fleet().mix();
    return mix.get(Outcome.NOT_MODIFIED) + mix.get(Outcome.UNCHANGED_BODY);
  }

  static Map<String, Object> json(Prediction p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("feeds", p.fleet().feeds());
    m.put("intervalSeconds", p.fleet().interval().toSeconds());
    m.put("deployment", p.deployment());
    m.put("meanCostPerSync", p.meanCost());
    m.put("syncsPerSecond", p.syncsPerSecond());
    m.put("syncsPerSecondPerWorker", p.syncsPerSecondPerWorker());
    m.put("workerCores", p.workerCores());
    m.put("inFlightPerWorker", p.inFlightPerWorker());
    m.put("heapMbPerWorker", p.heapMbPerWorker());
    m.put("dbCores", p.dbCores());
    m.put("writeCommitsPerSecond", p.writeCommitsPerSecond());
    m.put("statementsPerSecond", p.statementsPerSecond());
    m.put("rowsWrittenPerSecond", p.rowsWrittenPerSecond());
    m.put("walMBps", p.walMBps());
    m.put("connectionsTotal", p.connectionsTotal());
    m.put("ingressMBps", p.ingressMBps());
    m.put("networkKBpsPerTenant", p.networkKBpsPerTenant());
    m.put("busiestHostRequestsPerSecond", p.busiestHostRequestsPerSecond());
    m.put("redisCommandsPerSecond", p.redisCommandsPerSecond());
    m.put("utilization", p.utilization());
    m.put("firstToSaturate", p.firstToSaturate());
    m.put("firstCodeCanMove", p.firstCodeCanMove());
    return m;
  }

  static String summary(List<Prediction> ps, List<Check> checks) {
    StringBuilder sb = new StringBuilder();
    for (Check c : checks) {
      sb.append(String.format(Locale.ROOT, "check %6d %-30s wall %s  jvm cpu %s  pg cpu %s  rows %s%n", c.feeds(),
          c.cycle(), err(c.predictedSeconds(), c.measuredSeconds()), err(c.predictedJvmCpu(), c.measuredJvmCpu()),
          err(c.predictedPgCpu(), c.measuredPgCpu()), err(c.predictedRows(), c.measuredRows())));
    }
    for (Prediction p : ps) {
      sb.append(String.format(Locale.ROOT, "%,9d feeds: %7.1f syncs/s, %d workers, %.2f worker cores, %.2f db cores,"
              + " %.0f commits/s, %.2f MB/s WAL; first to saturate %s (%.0f %%), code can move %s%n", p.fleet().feeds(),
          p.syncsPerSecond(), p.deployment().workers(), p.workerCores(), p.dbCores(), p.writeCommitsPerSecond(),
          p.walMBps(), p.firstToSaturate().label, p.utilization().get(p.firstToSaturate()) * 100,
          p.firstCodeCanMove().label));
    }
    return sb.toString();
  }

  static String num(double v, int decimals) {
    if (decimals == 0 || Math.abs(v) >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return String.format(Locale.ROOT, "%,." + decimals + "f", v);
  }
}

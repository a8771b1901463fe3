package dev.icssync.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleFunction;
import java.util.stream.Collectors;

/**
 * The "Unit costs of a sync, by outcome" section of BENCHMARKS.md (issue 25), read from the
 * {@code unit-costs.json} that {@code dev.icssync.bench.capacity.UnitCostMeasurement} writes: one
 * column per outcome (first sync, 304, unchanged body, changed), one row per cost, per sync.
 */
final class UnitCosts {
  private UnitCosts() {}

  static final String TITLE = "Unit costs of a sync, by outcome";

  private static final List<String> OUTCOMES = List.of("firstSync", "notModified", "unchangedBody", "changed");
  private static final List<String> OUTCOME_LABELS = List.of("first sync (200, every stay inserted)",
      "304 not modified", "unchanged body (200, same digest)", "changed (one stay moved)");

  /** A row: its label, the field of an outcome's object, how its value reads. */
  private record Cost(String label, String field, DoubleFunction<String> format) {}

  private static final List<Cost> COSTS = List.of(
      new Cost("worker CPU (JVM, rig and JIT excluded)", "workerCpuMs", UnitCosts::millis),
      new Cost("PostgreSQL backend CPU", "dbCpuMs", UnitCosts::millis),
      new Cost("statements sent", "statements", Format::number),
      new Cost("connection checkouts", "connectionCheckouts", Format::number),
      new Cost("write transactions", "writeTransactions", Format::number),
      new Cost("commits (pg_stat_database xact_commit)", "pgTransactions", Format::number),
      new Cost("rows written (ins + upd + del)", "rowsWritten", Format::number),
      new Cost("rows read", "rowsRead", Format::number),
      new Cost("WAL", "walBytes", Format::bytes),
      new Cost("bytes fetched (on the wire, in)", "httpBytesIn", Format::bytes),
      new Cost("bytes sent (requests)", "httpBytesOut", Format::bytes),
      new Cost("heap allocated", "allocatedBytes", Format::bytes),
      new Cost("heap per in-flight sync (bound)", "heapPerInFlightBytes", Format::bytes));

  /** The fixed cost of a cycle and what a sync adds to it: fields are paths in an outcome's object. */
  private static final List<Cost> CYCLE_COSTS = List.of(
      new Cost("fixed wall time of a cycle", "fixed/wallMs", UnitCosts::millis),
      new Cost("fixed JVM CPU of a cycle (feed server included)", "fixed/jvmCpuMs", UnitCosts::millis),
      new Cost("fixed PostgreSQL CPU of a cycle", "fixed/pgCpuMs", UnitCosts::millis),
      new Cost("wall time a sync adds", "perSync/wallMs", UnitCosts::millis),
      new Cost("JVM CPU a sync adds", "perSync/jvmCpuMs", UnitCosts::millis),
      new Cost("PostgreSQL CPU a sync adds", "perSync/pgCpuMs", UnitCosts::millis));

  private static final List<Cost> REDIS_COSTS = List.of(
      new Cost("Redis commands (round trips, at most)", "redisCommands", Format::number),
      new Cost("Redis bytes out", "redisBytesOut", Format::bytes),
      new Cost("Redis bytes in", "redisBytesIn", Format::bytes),
      new Cost("Redis server time", "redisUsec", v -> Format.number(v) + " µs"));

  /**
   * The section; {@code command} is the measurement's command line as the runner ran it (blank: the
   * one recorded in the file).
   */
  static String markdown(Optional<JsonNode> unitCosts, String command) {
    StringBuilder md = new StringBuilder("## ").append(TITLE).append("\n\n");
    if (unitCosts.isEmpty() || !unitCosts.get().path("outcomes").isObject()) {
      md.append("Not measured: no `unit-costs.json` next to `jmh.json` (`dev.icssync.bench.capacity."
          + "UnitCostMeasurement` was not run, or did not finish).\n\n");
      return md.toString();
    }
    JsonNode root = unitCosts.get();
    String recorded = command.isBlank() ? root.path("command").asText("(not recorded)") : command;
    md.append("Measured by `dev.icssync.bench.capacity.UnitCostMeasurement` on the load test's rig (loopback "
        + "feed server, PostgreSQL, the engine wired as the load test wires it): one cycle per outcome, every "
        + "feed synced once, each figure divided by the syncs of its cycle. The same file feeds the capacity "
        + "model (`ics-sync-bench/run-capacity.sh`, SCALING.md).\n\n");
    md.append("```\n").append(recorded).append("\n```\n\n");
    JsonNode setup = root.path("setup");
    if (setup.isObject()) {
      md.append(setup.path("feeds").asInt()).append(" feeds per outcome, ").append(setup.path("eventsPerFeed").asInt())
          .append(" stays per feed, ").append(setup.path("workerThreads").asInt()).append(" worker threads, a pool of ")
          .append(setup.path("dbPoolSize").asInt()).append(" connections");
      JsonNode machine = root.path("machine");
      if (machine.has("loadAverageAtStart")) {
        md.append("; load average at start ").append(machine.path("loadAverageAtStart").asText());
      }
      if (machine.has("postgres")) {
        md.append("; PostgreSQL ").append(machine.path("postgres").asText());
      }
      md.append(".\n\n");
    }
    table(md, root.path("outcomes"), COSTS);
    walSources(md, root.path("outcomes"));
    JsonNode cycles = root.path("cycleCosts");
    if (cycles.path("outcomes").isObject()) {
      md.append("The fixed cost of a cycle (`IcsSync.syncFeeds` and the prune after it), besides its syncs: cycles of ")
          .append(cycles.path("sizes").toString().replace(",", ", ")).append(" feeds per outcome, ")
          .append(cycles.path("repetitions").asInt()).append(" of each, ").append(cycles.path("threads").asInt())
          .append(" worker threads; per outcome the intercept (fixed) and slope (per sync) of a least-squares line"
              + " through each cycle's cost against its size:\n\n");
      table(md, cycles.path("outcomes"), CYCLE_COSTS);
    }
    JsonNode redis = root.path("redis").path("outcomes");
    if (redis.isObject()) {
      md.append("With the Redis caches of a fleet deployment (shared export cache, tenant limiter, host "
          + "politeness), per sync:\n\n");
      table(md, redis, REDIS_COSTS);
    } else {
      md.append("Redis: not measured (no Redis answered, or `--redis none`).\n\n");
    }
    return md.toString();
  }

  private static void table(StringBuilder md, JsonNode outcomes, List<Cost> costs) {
    md.append("| per sync |");
    for (String label : OUTCOME_LABELS) {
      md.append(' ').append(label).append(" |");
    }
    md.append("\n|---|");
    md.append("---:|".repeat(OUTCOMES.size())).append('\n');
    for (Cost c : costs) {
      md.append("| ").append(c.label()).append(" |");
      for (String o : OUTCOMES) {
        JsonNode v = outcomes.path(o).at("/" + c.field());
        md.append(' ').append(v.isNumber() ? c.format().apply(v.asDouble()) : "n/a").append(" |");
      }
      md.append('\n');
    }
    md.append('\n');
  }

  /** Where each cycle's WAL figure comes from: pg_walinspect, or the cluster-wide LSN delta when it could not read. */
  private static void walSources(StringBuilder md, JsonNode outcomes) {
    Map<String, List<String>> bySource = new LinkedHashMap<>();
    for (int i = 0; i < OUTCOMES.size(); i++) {
      JsonNode source = outcomes.path(OUTCOMES.get(i)).path("walSource");
      if (source.isTextual()) {
        bySource.computeIfAbsent(source.asText(), k -> new ArrayList<>()).add(OUTCOME_LABELS.get(i));
      }
    }
    if (bySource.size() == 1) {
      md.append("WAL: ").append(bySource.keySet().iterator().next()).append(".\n\n");
    } else if (!bySource.isEmpty()) {
      md.append("WAL: ").append(bySource.entrySet().stream()
          .map(e -> e.getKey() + " (" + String.join(", ", e.getValue()) + ")")
          .collect(Collectors.joining("; "))).append(".\n\n");
    }
  }

  private static String millis(double ms) {
    return Format.duration(ms / 1e3);
  }
}

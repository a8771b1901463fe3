package dev.icssync.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.icssync.bench.report.Suite.Check;
import dev.icssync.bench.report.Suite.Row;
import dev.icssync.bench.report.Suite.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes BENCHMARKS.md from JMH's JSON results ({@code -rf json}) and the load test's Markdown
 * fragment: a table per suite (ours, the peers measured in the same run, the seed's target, the
 * ratios), the machine, and the exact commands.
 *
 * <pre>
 * java -cp ics-sync-bench/target/benchmarks.jar dev.icssync.bench.report.BenchmarksReport \
 *     --jmh ics-sync-bench/target/results/jmh.json [--load-md ics-sync-bench/target/results/load.md] \
 *     [--load-json ics-sync-bench/target/results/load.json] \
 *     [--unit-costs ics-sync-bench/target/results/unit-costs.json] [--unit-costs-command "..."] \
 *     [--out BENCHMARKS.md] [--profile quick|full] [--command "..."] [--jmh-command "..."] \
 *     [--build-command "..."] [--load-command "..."] [--jmh-seconds N] [--load-seconds N]
 * </pre>
 */
public final class BenchmarksReport {
  /** The one command that regenerates the file, as the header names it. */
  public static final String DEFAULT_COMMAND = "ics-sync-bench/run-benchmarks.sh --full";

  private final List<Suite> suites;

  public BenchmarksReport(List<Suite> suites) {
    this.suites = List.copyOf(suites);
  }

  /**
   * What the report says about the run besides the results.
   *
   * @param profile {@code quick} or {@code full}
   * @param command the one command that produced the file
   * @param buildCommand the command that built benchmarks.jar, or empty when not recorded
   * @param jmhCommand the exact JMH command line
   * @param loadCommand the exact load-test command line, or empty when it was not run
   * @param generatedAt when the report was written
   * @param jmhSeconds wall time of the JMH run, or -1 when unknown
   * @param loadSeconds wall time of the load test, or -1 when unknown
   * @param reportCommand the command that wrote the file
   */
  public record Run(String profile, String command, String buildCommand, String jmhCommand, String loadCommand,
      Instant generatedAt, long jmhSeconds, long loadSeconds, String reportCommand) {
    public Run {
      Objects.requireNonNull(profile, "profile");
      Objects.requireNonNull(command, "command");
      Objects.requireNonNull(buildCommand, "buildCommand");
      Objects.requireNonNull(reportCommand, "reportCommand");
      Objects.requireNonNull(jmhCommand, "jmhCommand");
      Objects.requireNonNull(loadCommand, "loadCommand");
      Objects.requireNonNull(generatedAt, "generatedAt");
    }
  }

  public static void main(String[] args) throws IOException {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        System.err.println("usage: BenchmarksReport --jmh FILE [--load-md FILE] [--load-json FILE] [--out FILE]"
            + " [--unit-costs FILE] [--unit-costs-command CMD] [--profile NAME] [--load-at-start \"1m 5m 15m\"]"
            + " [--command CMD] [--build-command CMD] [--jmh-command CMD] [--load-command CMD] [--jmh-seconds N] [--load-seconds N]");
        System.exit(2);
      }
      opts.put(args[i].substring(2), args[++i]);
    }
    Path jmh = Path.of(opts.getOrDefault("jmh", "ics-sync-bench/target/results/jmh.json"));
    Path loadMd = opts.containsKey("load-md") ? Path.of(opts.get("load-md"))
        : (jmh.getParent() == null ? Path.of("load.md") : jmh.getParent().resolve("load.md"));
    Path loadJson = opts.containsKey("load-json") ? Path.of(opts.get("load-json"))
        : (jmh.getParent() == null ? Path.of("load.json") : jmh.getParent().resolve("load.json"));
    Path unitCostsJson = opts.containsKey("unit-costs") ? Path.of(opts.get("unit-costs"))
        : (jmh.getParent() == null ? Path.of("unit-costs.json") : jmh.getParent().resolve("unit-costs.json"));
    Path out = Path.of(opts.getOrDefault("out", "BENCHMARKS.md"));
    List<JmhResult> results = JmhResult.read(jmh);
    Optional<String> load = Files.isRegularFile(loadMd)
        ? Optional.of(Files.readString(loadMd, StandardCharsets.UTF_8)) : Optional.empty();
    Run run = new Run(opts.getOrDefault("profile", "unknown"), opts.getOrDefault("command", DEFAULT_COMMAND),
        opts.getOrDefault("build-command", ""), opts.getOrDefault("jmh-command", "(not recorded)"), load.isPresent() ? opts.getOrDefault("load-command", "")
        : "", Instant.now().truncatedTo(ChronoUnit.SECONDS), Long.parseLong(opts.getOrDefault("jmh-seconds", "-1")),
        Long.parseLong(opts.getOrDefault("load-seconds", "-1")), reportCommand(args));
    String jdk = results.isEmpty() ? "" : results.get(0).settings().jdk();
    Optional<JsonNode> loadTree = Files.isRegularFile(loadJson)
        ? Optional.of(new ObjectMapper().readTree(Files.readAllBytes(loadJson))) : Optional.empty();
    Optional<JsonNode> unitCosts = Files.isRegularFile(unitCostsJson)
        ? Optional.of(new ObjectMapper().readTree(Files.readAllBytes(unitCostsJson))) : Optional.empty();
    Machine machine = Machine.current(jdk);
    String atStart = opts.getOrDefault("load-at-start", "").trim();
    if (!atStart.isEmpty()) {
      // run-benchmarks.sh reads /proc/loadavg before its first step: how quiet the machine was then
      machine = new Machine(machine.cores(), machine.cpuModel(), machine.memory(), machine.jdk(), machine.os(),
          "start " + String.join(" / ", atStart.split("\\s+")) + ", end " + machine.loadAverage());
    }
    String md = new BenchmarksReport(Suites.all()).render(results, load, loadTree, unitCosts,
        opts.getOrDefault("unit-costs-command", ""), machine, run);
    Files.writeString(out, md, StandardCharsets.UTF_8);
    System.out.println("wrote " + out + " from " + results.size() + " JMH results"
        + (load.isPresent() ? " and " + loadMd : " (no load test results at " + loadMd + ")"));
  }

  /** Which files this invocation read and wrote, as a command line (the recorded commands and times left out). */
  private static String reportCommand(String[] args) {
    StringBuilder sb = new StringBuilder("java -cp ics-sync-bench/target/benchmarks.jar ")
        .append(BenchmarksReport.class.getName());
    Set<String> shown = Set.of("--jmh", "--load-md", "--load-json", "--unit-costs", "--out", "--profile");
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (shown.contains(args[i])) {
        sb.append(' ').append(args[i]).append(' ').append(args[i + 1]);
      }
    }
    return sb.append(" ... (the commands and run times above)").toString();
  }

  /** The whole file, without the load test's JSON (its goals say "not measured"). */
  public String render(List<JmhResult> results, Optional<String> loadMd, Machine machine, Run run) {
    return render(results, loadMd, Optional.empty(), machine, run);
  }

  /** The whole file; {@code loadJson} is the load test's {@code load.json}, read for the goals of issue 21. */
  public String render(List<JmhResult> results, Optional<String> loadMd, Optional<JsonNode> loadJson,
      Machine machine, Run run) {
    return render(results, loadMd, loadJson, Optional.empty(), "", machine, run);
  }

  /**
   * The whole file; {@code unitCosts} is {@code unit-costs.json} of
   * {@code dev.icssync.bench.capacity.UnitCostMeasurement} (issue 25), {@code unitCostsCommand} the
   * command that wrote it (blank: the one recorded in the file).
   */
  public String render(List<JmhResult> results, Optional<String> loadMd, Optional<JsonNode> loadJson,
      Optional<JsonNode> unitCosts, String unitCostsCommand, Machine machine, Run run) {
    StringBuilder md = new StringBuilder();
    md.append("<!-- Generated by dev.icssync.bench.report.BenchmarksReport. Do not edit by hand: run `")
        .append(run.command()).append("`. -->\n");
    md.append("# Benchmarks\n\n");
    md.append("> **Generated file, do not edit by hand.** Regenerate every figure with one command from the "
        + "repository root:\n>\n> ```\n> ").append(DEFAULT_COMMAND).append("\n> ```\n>\n")
        .append("> Profiles: `--full` (the default) runs JMH with `-f 2 -wi 2 -i 4`, 1 s iterations, then the "
            + "load test's full run with the 100,000-feed point (`--huge`, in a 2 GB heap), in about 35 minutes "
            + "on a quiet 2-core machine (the last full run took 31); `--quick` runs `-f 1 -wi 2 -i 3`, 1 s "
            + "iterations, and the load test's quick run. Both then measure the unit costs of a sync by "
            + "outcome (`UnitCostMeasurement`, `--quick`: its small sizes).\n>\n")
        .append("> This file was produced by `")
        .append(run.command()).append("` with profile **").append(run.profile()).append("** on ")
        .append(run.generatedAt()).append(".\n\n");
    if (!run.profile().equals("full")) {
        md.append("**Provisional:** this is the `").append(run.profile()).append("` profile (one fork, few "
            + "short iterations), possibly on a shared, busy machine (see the load average below). Read "
            + "the throughput figures and their ratios as orders of magnitude; the allocation figures "
            + "(`gc.alloc.rate.norm`) do not depend on load. A full run on a quiet machine replaces them."
            + "\n\n");
    }

    md.append("## Machine\n\n| cores | CPU | RAM | JDK | OS | load average (1 / 5 / 15 min) |\n"
        + "|---:|---|---|---|---|---|\n");
    md.append("| ").append(machine.cores()).append(" | ").append(machine.cpuModel()).append(" | ")
        .append(machine.memory()).append(" | ").append(machine.jdk()).append(" | ").append(machine.os())
        .append(" | ").append(machine.loadAverage()).append(" |\n\n");

    md.append("## Commands\n\n");
    if (!run.buildCommand().isBlank()) {
      md.append("Build:\n\n```\n").append(run.buildCommand()).append("\n```\n\n");
    }
    md.append("JMH (all suites in one run, one JSON file):\n\n```\n").append(run.jmhCommand()).append("\n```\n\n");
    if (!results.isEmpty()) {
      md.append("JMH ").append(distinct(results, r -> r.settings().jmhVersion())).append(": forks ")
          .append(distinct(results, r -> Integer.toString(r.forks()))).append(", warm-up ")
          .append(distinct(results, r -> r.settings().warmup())).append(", measurement ")
          .append(distinct(results, r -> r.settings().measurement())).append(", JVM arguments `")
          .append(distinct(results, r -> r.settings().jvmArgs())).append("`. ").append(results.size())
          .append(" results");
      if (run.jmhSeconds() >= 0) {
        md.append(", run time ").append(minutes(run.jmhSeconds()));
      }
      md.append(".\n\n");
    }
    if (loadMd.isPresent()) {
      md.append("Load test:\n\n```\n").append(run.loadCommand().isBlank() ? "(not recorded)" : run.loadCommand())
          .append("\n```\n\n");
      if (run.loadSeconds() >= 0) {
        md.append("Load test run time ").append(minutes(run.loadSeconds())).append(".\n\n");
      }
    }

    if (unitCosts.isPresent()) {
      md.append("Unit costs: see [").append(UnitCosts.TITLE).append("](#unit-costs-of-a-sync-by-outcome).\n\n");
    }
    if (!run.reportCommand().isBlank()) {
      md.append("This file:\n\n```\n").append(run.reportCommand()).append("\n```\n\n");
    }

    md.append("## How to read the tables\n\n");
    md.append("- **ops/s**: JMH's score (mean of the measurement iterations) `±` its 99.9 % confidence "
        + "half-width, and the median of the iterations, all from this one run. Multi-thread rows count "
        + "the operations of all threads.\n");
    md.append("- **time/op**: threads ÷ ops/s, the mean time of one operation on one thread.\n");
    md.append("- **alloc/op**: bytes allocated per operation (`-prof gc`, `gc.alloc.rate.norm`), and per "
        + "event/row where an operation holds many.\n");
    md.append("- **ours ÷ peer**: our ops/s over the peer's, measured in the same run (above 1: ours is "
        + "faster).\n");
    md.append("- **target**: the seed's figure where it sets one, else the issue's (named in brackets); "
        + "**vs target**: achieved over required (1 or more: met; a ceiling such as an allocation "
        + "limit is inverted so that above 1 is still better).\n\n");

    List<Check> allChecks = new ArrayList<>();
    StringBuilder body = new StringBuilder();
    Set<String> covered = new HashSet<>();
    for (Suite suite : suites) {
      covered.add(suite.benchmarkClass());
      body.append(renderSuite(suite, results, allChecks));
    }

    md.append(Goals.markdown(Goals.evaluate(results, loadJson, unitCosts)));

    md.append("## Targets at a glance\n\n");
    if (allChecks.isEmpty()) {
      md.append("No target could be checked (no results).\n\n");
    } else {
      long met = allChecks.stream().filter(Check::met).count();
      md.append(met).append(" of ").append(allChecks.size()).append(" target checks met.\n\n");
      md.append("| target | achieved | vs target | |\n|---|---:|---:|---|\n");
      for (Check c : allChecks) {
        md.append("| ").append(c.target()).append(" | ").append(c.achieved()).append(" | ")
            .append(Format.ratio(c.ratio())).append(" | ").append(c.met() ? "met" : "**missed**").append(" |\n");
      }
      md.append('\n');
    }

    md.append("## JMH suites\n\n").append(body);

    List<JmhResult> others = results.stream().filter(r -> !covered.contains(r.className())).toList();
    if (!others.isEmpty()) {
      md.append("### Other benchmarks\n\n| benchmark | params | threads | ops/s | median | alloc/op |\n"
          + "|---|---|---:|---:|---:|---:|\n");
      for (JmhResult r : others) {
        md.append("| ").append(r.className()).append('.').append(r.method()).append(" | ")
            .append(r.params().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", ")))
            .append(" | ").append(r.threads()).append(" | ")
            .append(Format.withError(r.opsPerSecond(), r.errorOpsPerSecond())).append(" | ")
            .append(Format.number(r.medianOpsPerSecond())).append(" | ").append(Format.bytes(r.allocBytesPerOp()))
            .append(" |\n");
      }
      md.append('\n');
    }

    md.append("## Load test\n\n");
    if (loadMd.isPresent()) {
      md.append(loadMd.get().strip()).append("\n");
    } else {
      md.append("Not run: no `load.md` next to `jmh.json` (the load-test runner "
          + "`dev.icssync.bench.load.LoadTest` was not in benchmarks.jar, or did not finish).\n");
    }
    md.append('\n').append(UnitCosts.markdown(unitCosts, unitCostsCommand).stripTrailing()).append('\n');
    return md.toString();
  }

  /** One suite's section; appends every target check made to {@code checks}. */
  String renderSuite(Suite suite, List<JmhResult> results, List<Check> checks) {
    StringBuilder md = new StringBuilder();
    md.append("### ").append(suite.title()).append("\n\n");
    md.append("`").append(suite.benchmarkClass()).append("`: ").append(suite.description()).append("\n\n");
    List<JmhResult> mine = results.stream().filter(r -> r.className().equals(suite.benchmarkClass())).toList();
    if (mine.isEmpty()) {
      md.append("Not run: no results of `").append(suite.benchmarkClass()).append("` in jmh.json.\n\n");
      return md.toString();
    }
    List<Row> rows = rows(suite, mine);
    if (rows.isEmpty()) {
      md.append("Not run: none of our methods of `").append(suite.benchmarkClass()).append("` in jmh.json.\n\n");
      return md.toString();
    }
    boolean derived = rows.stream().anyMatch(r -> r.unitsPerOp() != 1);
    List<String> peerLabels = suite.peerLabels();
    boolean targets = !suite.targets().isEmpty();

    List<String> head = new ArrayList<>(List.of("figure", "ours ops/s", "median ops/s"));
    if (derived) {
      head.add("ours " + suite.unit());
    }
    head.add("time/op");
    head.add("alloc/op");
    for (String p : peerLabels) {
      head.add(p + " ops/s");
      head.add(p + " alloc/op");
      head.add("ours ÷ " + p);
    }
    if (targets) {
      head.add("target");
      head.add("vs target");
    }
    md.append("| ").append(String.join(" | ", head)).append(" |\n|");
    for (int i = 0; i < head.size(); i++) {
      md.append(i == 0 || (targets && i == head.size() - 2) ? "---|" : "---:|");
    }
    md.append('\n');

    for (Row row : rows) {
      JmhResult o = row.ours();
      List<String> cells = new ArrayList<>();
      cells.add(figure(suite, o));
      cells.add(Format.withError(o.opsPerSecond(), o.errorOpsPerSecond()));
      cells.add(Format.number(o.medianOpsPerSecond()));
      if (derived) {
        cells.add(Format.number(row.unitsPerSecond()));
      }
      cells.add(Format.duration(o.threads() / o.opsPerSecond()));
      cells.add(alloc(o.allocBytesPerOp(), row.unitsPerOp(), suite.unitName()));
      for (String p : peerLabels) {
        JmhResult peer = row.peers().get(p);
        if (peer == null) {
          cells.add("n/a");
          cells.add("n/a");
          cells.add("n/a");
        } else {
          cells.add(Format.withError(peer.opsPerSecond(), peer.errorOpsPerSecond()));
          cells.add(alloc(peer.allocBytesPerOp(), row.unitsPerOp(), suite.unitName()));
          cells.add(Format.ratio(o.opsPerSecond() / peer.opsPerSecond()));
        }
      }
      if (targets) {
        List<String> labels = new ArrayList<>();
        List<String> outcomes = new ArrayList<>();
        for (Target t : suite.targets()) {
          if (!t.appliesTo().test(row)) {
            continue;
          }
          Check c = t.check(row);
          labels.add(t.label());
          if (c == null) {
            outcomes.add("n/a");
          } else {
            String where = figure(suite, o);
            checks.add(new Check(suite.title() + ", " + where + ": " + c.target(), c.achieved(), c.ratio()));
            outcomes.add(Format.ratio(c.ratio()) + (c.met() ? " met" : " **missed**"));
          }
        }
        cells.add(labels.isEmpty() ? "—" : String.join("<br>", labels));
        cells.add(outcomes.isEmpty() ? "—" : String.join("<br>", outcomes));
      }
      md.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }
    md.append('\n');
    return md.toString();
  }

  /** Our results of a suite, in the order of {@link Suite#ours()}, each with its peers. */
  static List<Row> rows(Suite suite, List<JmhResult> mine) {
    List<Row> rows = new ArrayList<>();
    for (String method : suite.ours().keySet()) {
      Map<String, String> peerMethods = suite.peers().getOrDefault(method, Map.of());
      for (JmhResult o : mine) {
        if (!o.method().equals(method)) {
          continue;
        }
        Map<String, JmhResult> peers = new LinkedHashMap<>();
        for (Map.Entry<String, String> p : peerMethods.entrySet()) {
          mine.stream()
              .filter(r -> r.method().equals(p.getValue()) && r.params().equals(o.params())
                  && r.threads() == o.threads())
              .findFirst()
              .ifPresent(r -> peers.put(p.getKey(), r));
        }
        rows.add(new Row(o, peers, suite.unitsPerOp().applyAsDouble(o), suite.unit()));
      }
    }
    return rows;
  }

  private static String figure(Suite suite, JmhResult r) {
    List<String> parts = new ArrayList<>();
    parts.add(suite.ours().getOrDefault(r.method(), r.method()));
    for (Map.Entry<String, String> p : r.params().entrySet()) {
      if (suite.hiddenParams().contains(p.getKey())) {
        continue;
      }
      var label = suite.paramLabels().get(p.getKey());
      parts.add(label == null ? p.getKey() + "=" + p.getValue() : label.apply(p.getValue()));
    }
    parts.add(r.threads() == 1 ? "1 thread" : r.threads() + " threads");
    return String.join(", ", parts);
  }

  private static String alloc(double bytesPerOp, double unitsPerOp, String unitName) {
    if (Double.isNaN(bytesPerOp)) {
      return "n/a";
    }
    String s = Format.bytes(bytesPerOp);
    if (unitsPerOp != 1) {
      s += " (" + Format.bytes(bytesPerOp / unitsPerOp) + "/" + unitName + ")";
    }
    return s;
  }

  /** The distinct values of a setting over all results, in order, joined with " / ". */
  private static String distinct(List<JmhResult> results, java.util.function.Function<JmhResult, String> f) {
    return results.stream().map(f).distinct().collect(Collectors.joining(" / "));
  }

  private static String minutes(long seconds) {
    return String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
  }
}

package dev.icssync.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One result of JMH's JSON output ({@code -rf json}), with the score normalised to operations per
 * second whatever mode and unit the benchmark used.
 *
 * @param benchmark the full name, {@code package.Class.method}
 * @param mode JMH's mode ({@code thrpt}, {@code avgt}, ...)
 * @param threads benchmark threads (a throughput score is the total of all of them)
 * @param forks forks measured
 * @param params the benchmark's parameters, in JMH's order
 * @param opsPerSecond the score in operations per second
 * @param errorOpsPerSecond the 99.9 % confidence half-width in operations per second (NaN when JMH
 *     could not compute one, e.g. a single iteration)
 * @param medianOpsPerSecond the median of the measurement iterations, in operations per second
 * @param samples the number of measurement iterations over all forks
 * @param allocBytesPerOp {@code gc.alloc.rate.norm} in bytes per operation (NaN without {@code -prof gc})
 * @param rawScore the score as JMH printed it, with {@code rawUnit}
 * @param rawUnit JMH's score unit
 * @param settings how JMH ran it
 */
public record JmhResult(String benchmark, String mode, int threads, int forks, Map<String, String> params,
    double opsPerSecond, double errorOpsPerSecond, double medianOpsPerSecond, int samples,
    double allocBytesPerOp, double rawScore, String rawUnit, Settings settings) {

  public JmhResult {
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  /**
   * The run settings JMH records with each result.
   *
   * @param jmhVersion JMH's version
   * @param warmup warm-up iterations and time, e.g. {@code 2 x 1 s}
   * @param measurement measurement iterations and time
   * @param jvmArgs the forked JVM's arguments, space-separated
   * @param jdk VM name and version
   */
  public record Settings(String jmhVersion, String warmup, String measurement, String jvmArgs, String jdk) {}

  /** The simple class name, e.g. {@code ParseBenchmark}. */
  public String className() {
    String[] parts = benchmark.split("\\.");
    return parts.length >= 2 ? parts[parts.length - 2] : benchmark;
  }

  /** The benchmark method, e.g. {@code ours}. */
  public String method() {
    return benchmark.substring(benchmark.lastIndexOf('.') + 1);
  }

  /** A parameter as a number; NaN when absent or not numeric. */
  public double param(String name) {
    String v = params.get(name);
    if (v == null) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** Reads every result of a JMH JSON file. */
  public static List<JmhResult> read(Path file) throws IOException {
    return parse(new ObjectMapper().readTree(Files.readAllBytes(file)));
  }

  /** Reads every result of a JMH JSON document. */
  public static List<JmhResult> parse(JsonNode root) {
    if (!root.isArray()) {
      throw new IllegalArgumentException("not a JMH JSON result: the top level is not an array");
    }
    List<JmhResult> out = new ArrayList<>();
    for (JsonNode r : root) {
      Map<String, String> params = new LinkedHashMap<>();
      JsonNode p = r.path("params");
      for (Map.Entry<String, JsonNode> e : p.properties()) {
        params.put(e.getKey(), e.getValue().asText());
      }
      JsonNode primary = r.path("primaryMetric");
      String unit = primary.path("scoreUnit").asText();
      double score = number(primary.path("score"));
      double error = number(primary.path("scoreError"));
      double median = number(primary.path("scorePercentiles").path("50.0"));
      int samples = 0;
      for (JsonNode fork : primary.path("rawData")) {
        samples += fork.size();
      }
      double alloc = Double.NaN;
      JsonNode norm = r.path("secondaryMetrics").path("gc.alloc.rate.norm");
      if (!norm.isMissingNode()) {
        alloc = number(norm.path("score"));
        String allocUnit = norm.path("scoreUnit").asText("B/op");
        if (!allocUnit.equals("B/op")) {
          throw new IllegalArgumentException("unexpected gc.alloc.rate.norm unit " + allocUnit);
        }
      }
      double ops = toOpsPerSecond(score, unit);
      double opsMedian = Double.isNaN(median) ? ops : toOpsPerSecond(median, unit);
      double opsError;
      if (Double.isNaN(error)) {
        opsError = Double.NaN;
      } else if (unit.startsWith("ops/")) {
        opsError = toOpsPerSecond(error, unit);
      } else {
        // time per operation: propagate the error through 1/x
        opsError = ops * error / score;
      }
      List<String> jvmArgs = new ArrayList<>();
      for (JsonNode a : r.path("jvmArgs")) {
        jvmArgs.add(a.asText());
      }
      Settings settings = new Settings(r.path("jmhVersion").asText("?"),
          r.path("warmupIterations").asInt() + " x " + r.path("warmupTime").asText("?"),
          r.path("measurementIterations").asInt() + " x " + r.path("measurementTime").asText("?"),
          String.join(" ", jvmArgs),
          (r.path("vmName").asText("") + " " + r.path("vmVersion").asText("")).trim());
      out.add(new JmhResult(r.path("benchmark").asText(), r.path("mode").asText(), r.path("threads").asInt(1),
          r.path("forks").asInt(1), params, ops, opsError, opsMedian, samples, alloc, score, unit, settings));
    }
    return out;
  }

  private static double number(JsonNode n) {
    if (n.isMissingNode() || n.isNull()) {
      return Double.NaN;
    }
    if (n.isNumber()) {
      return n.doubleValue();
    }
    try {
      return Double.parseDouble(n.asText());
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** Converts a JMH score ({@code ops/ms}, {@code us/op}, ...) to operations per second. */
  static double toOpsPerSecond(double score, String unit) {
    String u = unit.toLowerCase(Locale.ROOT);
    if (u.startsWith("ops/")) {
      return score / seconds(u.substring(4));
    }
    if (u.endsWith("/op")) {
      return 1.0 / (score * seconds(u.substring(0, u.length() - 3)));
    }
    throw new IllegalArgumentException("unknown JMH score unit " + unit);
  }

  private static double seconds(String timeUnit) {
    return switch (timeUnit) {
      case "ns" -> 1e-9;
      case "us" -> 1e-6;
      case "ms" -> 1e-3;
      case "s" -> 1;
      case "min" -> 60;
      case "hr" -> 3600;
      case "day" -> 86_400;
      default -> throw new IllegalArgumentException("unknown JMH time unit " + timeUnit);
    };
  }
}

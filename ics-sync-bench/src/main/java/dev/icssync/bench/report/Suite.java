package dev.icssync.bench.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * How one JMH benchmark class becomes a table of BENCHMARKS.md.
 *
 * <p>Each row is one result of one of our methods ({@code ours}) with its parameters and thread
 * count. The peers of a row are the results of the methods {@code peers} maps it to, with the same
 * parameters and threads, measured in the same run. A figure is expressed in {@code unit} (e.g.
 * events/s = ops/s x {@code unitsPerOp}), and checked against the seed's {@code targets}.
 *
 * @param title table heading
 * @param benchmarkClass simple name of the JMH class
 * @param description one paragraph under the heading: what one operation is
 * @param ours our methods, in row order, with their labels
 * @param peers for each of our methods, its peer methods (column label -> method), in column order
 * @param unit name of the derived figure, e.g. {@code events/s}
 * @param unitName singular noun of one unit, for allocation per unit, e.g. {@code event}
 * @param unitsPerOp units per operation of a result (1 when an operation is one unit)
 * @param hiddenParams parameters left out of the row label (constant in the suite)
 * @param paramLabels how to print a parameter's value in the row label, by parameter name
 * @param targets the seed's targets checked on each row they apply to
 */
public record Suite(String title, String benchmarkClass, String description, Map<String, String> ours,
    Map<String, Map<String, String>> peers, String unit, String unitName, ToDoubleFunction<JmhResult> unitsPerOp,
    Set<String> hiddenParams, Map<String, Function<String, String>> paramLabels, List<Target> targets) {

  public Suite {
    Objects.requireNonNull(title, "title");
    ours = new LinkedHashMap<>(ours);
    peers = new LinkedHashMap<>(peers);
    hiddenParams = Set.copyOf(hiddenParams);
    paramLabels = Map.copyOf(paramLabels);
    targets = List.copyOf(targets);
  }

  /** The distinct peer column labels, in order. */
  public List<String> peerLabels() {
    LinkedHashMap<String, Boolean> labels = new LinkedHashMap<>();
    for (Map<String, String> m : peers.values()) {
      for (String label : m.keySet()) {
        labels.put(label, true);
      }
    }
    return List.copyOf(labels.keySet());
  }

  /** A row as the targets see it: our result, its peers by column label, and the suite's unit. */
  public record Row(JmhResult ours, Map<String, JmhResult> peers, double unitsPerOp, String unit) {
    /** Our figure in the suite's unit per second. */
    public double unitsPerSecond() {
      return ours.opsPerSecond() * unitsPerOp;
    }

    /** Bytes allocated per unit (NaN without {@code -prof gc}). */
    public double allocPerUnit() {
      return ours.allocBytesPerOp() / unitsPerOp;
    }
  }

  /** The outcome of one target on one row. */
  public record Check(String target, String achieved, double ratio) {
    /** Met when the ratio (achieved over required, >1 is better) is at least 1. */
    public boolean met() {
      return ratio >= 1;
    }
  }

  /** A target of the seed (or of an issue) on the rows it applies to. */
  public sealed interface Target {
    String label();

    Predicate<Row> appliesTo();

    /** The check on a row, or null when the row lacks what the target needs (e.g. a missing peer). */
    @org.jspecify.annotations.Nullable Check check(Row row);
  }

  /** At least {@code unitsPerSecond} of the suite's unit, e.g. events/s. */
  public record MinRate(String label, Predicate<Row> appliesTo, double unitsPerSecond) implements Target {
    @Override
    public Check check(Row row) {
      return new Check(label, Format.number(row.unitsPerSecond()) + " " + row.unit(),
          row.unitsPerSecond() / unitsPerSecond);
    }
  }

  /** Ours at least {@code ratio} times the peer in column {@code peer}. */
  public record MinPeerRatio(String label, Predicate<Row> appliesTo, String peer, double ratio) implements Target {
    @Override
    public @org.jspecify.annotations.Nullable Check check(Row row) {
      JmhResult p = row.peers().get(peer);
      if (p == null) {
        return null;
      }
      double achieved = row.ours().opsPerSecond() / p.opsPerSecond();
      return new Check(label, Format.ratio(achieved) + " " + peer, achieved / ratio);
    }
  }

  /** At most {@code bytes} allocated per unit. */
  public record MaxAllocPerUnit(String label, Predicate<Row> appliesTo, double bytes, String unitName)
      implements Target {
    @Override
    public @org.jspecify.annotations.Nullable Check check(Row row) {
      double achieved = row.allocPerUnit();
      if (Double.isNaN(achieved)) {
        return null;
      }
      return new Check(label, Format.bytes(achieved) + "/" + unitName, bytes / Math.max(achieved, 1e-9));
    }
  }
}

package dev.icssync.alert;

import dev.icssync.Checks;
import dev.icssync.IcsSyncException.ConfigurationException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A threshold on a {@link Signal} over a sliding time window. A latency rule compares a quantile of
 * the window's samples (default p95, nearest rank) with the threshold; an error-rate rule compares
 * failed / ran. The rule is above threshold when the value is strictly greater than it. Windows
 * holding fewer than {@code minSamples} samples never start an episode (nor end one, unless empty).
 *
 * <pre>{@code
 * AlertRule slowFetch = AlertRule.latency("slow-fetch", Signal.FETCH_LATENCY, Duration.ofSeconds(5),
 *         Severity.WARNING)
 *     .withScope(AlertRule.Scope.SOURCE)
 *     .withWindow(Duration.ofMinutes(10));
 * }</pre>
 *
 * <p>Still a record: one rule. Its constructor is public, so a new component will come with the old
 * constructor kept as an overload (Java 17 has no record patterns to break).
 *
 * @param name stable rule name (used in alerts and logs)
 * @param severity severity of its alerts
 * @param signal what it watches
 * @param threshold seconds for latency signals, a share in (0, 1) for {@link Signal#ERROR_RATE}
 * @param quantile for latency signals, the quantile compared (in (0, 1]); ignored for error rate
 * @param window how far back samples count
 * @param minSamples samples needed in the window before the rule may fire
 * @param scope how samples are grouped: one episode per group
 */
public record AlertRule(
    String name,
    Severity severity,
    Signal signal,
    double threshold,
    double quantile,
    Duration window,
    int minSamples,
    Scope scope) {

  /** Default window of latency rules. */
  public static final Duration DEFAULT_LATENCY_WINDOW = Duration.ofMinutes(5);
  /** Default window of error-rate rules. */
  public static final Duration DEFAULT_ERROR_WINDOW = Duration.ofMinutes(15);

  /** How samples are grouped. Bounded scopes first: ALL and SOURCE stay small. */
  public enum Scope {
    /** Every sync of this engine in one window. */
    ALL,
    /** One window per source (channel). */
    SOURCE,
    /** One window per tenant. */
    TENANT,
    /** One window per feed. */
    FEED
  }

  public AlertRule {
    Checks.nonBlank(name, "name");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(signal, "signal");
    Objects.requireNonNull(scope, "scope");
    Checks.positive(window, "window");
    Checks.positive(minSamples, "minSamples");
    if (signal == Signal.ERROR_RATE) {
      if (!(threshold >= 0 && threshold < 1)) {
        throw new ConfigurationException("threshold must be a share in [0, 1) for ERROR_RATE, was "
            + threshold);
      }
    } else if (!(threshold > 0) || Double.isInfinite(threshold)) {
      throw new ConfigurationException("threshold must be a positive number of seconds, was "
          + threshold);
    }
    if (!(quantile > 0 && quantile <= 1)) {
      throw new ConfigurationException("quantile must be in (0, 1], was " + quantile);
    }
  }

  /** A latency rule: p95 over 5 minutes, at least 1 sample, scope ALL. */
  public static AlertRule latency(String name, Signal signal, Duration threshold, Severity severity) {
    Objects.requireNonNull(signal, "signal");
    if (!signal.isLatency()) {
      throw new ConfigurationException("signal must be a latency, was " + signal);
    }
    Checks.positive(threshold, "threshold");
    return new AlertRule(name, severity, signal, threshold.toNanos() / 1e9, 0.95,
        DEFAULT_LATENCY_WINDOW, 1, Scope.ALL);
  }

  /** An error-rate rule: over 15 minutes, at least 10 syncs, scope ALL. */
  public static AlertRule errorRate(String name, double share, Severity severity) {
    return new AlertRule(name, severity, Signal.ERROR_RATE, share, 1.0, DEFAULT_ERROR_WINDOW, 10,
        Scope.ALL);
  }

  /**
   * The documented thresholds: total sync latency p95 over 10 s is critical, error rate over 10 %
   * is critical, parse latency p95 over 2 s is a warning.
   */
  public static List<AlertRule> defaults() {
    return List.of(
        latency("sync-latency", Signal.TOTAL_LATENCY, Duration.ofSeconds(10), Severity.CRITICAL),
        errorRate("error-rate", 0.10, Severity.CRITICAL),
        latency("parse-latency", Signal.PARSE_LATENCY, Duration.ofSeconds(2), Severity.WARNING));
  }

  public AlertRule withWindow(Duration value) {
    return new AlertRule(name, severity, signal, threshold, quantile, value, minSamples, scope);
  }

  public AlertRule withMinSamples(int value) {
    return new AlertRule(name, severity, signal, threshold, quantile, window, value, scope);
  }

  public AlertRule withQuantile(double value) {
    return new AlertRule(name, severity, signal, threshold, value, window, minSamples, scope);
  }

  public AlertRule withScope(Scope value) {
    return new AlertRule(name, severity, signal, threshold, quantile, window, minSamples, value);
  }

  public AlertRule withSeverity(Severity value) {
    return new AlertRule(name, value, signal, threshold, quantile, window, minSamples, scope);
  }
}

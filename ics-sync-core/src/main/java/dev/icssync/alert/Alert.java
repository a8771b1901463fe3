package dev.icssync.alert;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * A rule's episode started ({@link State#FIRING}) or ended ({@link State#RESOLVED}). Carries no URL
 * or token: safe to log and to forward.
 *
 * <p>Still a record: one alert. Its constructor is public, so a new component will come with the old
 * constructor kept as an overload (Java 17 has no record patterns to break).
 *
 * @param rule the rule's name
 * @param severity the rule's severity
 * @param signal what the rule watches
 * @param state firing or resolved
 * @param group the window's group: {@code all}, {@code source=airbnb}, {@code tenant=t1} or
 *     {@code feed=t1/f1}
 * @param value the signal's value when the state changed (seconds, or a share)
 * @param threshold the rule's threshold
 * @param samples samples in the window
 * @param since when the episode started
 * @param at when this alert was raised (equals {@code since} when firing)
 */
public record Alert(
    String rule,
    Severity severity,
    Signal signal,
    State state,
    String group,
    double value,
    double threshold,
    int samples,
    Instant since,
    Instant at) {

  public enum State {
    FIRING,
    RESOLVED
  }

  public Alert {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(signal, "signal");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(at, "at");
  }

  /** One line for logs and chat: {@code CRITICAL sync-latency FIRING [all] TOTAL_LATENCY 12.3 > 10}. */
  public String message() {
    String unit = signal == Signal.ERROR_RATE ? "" : "s";
    return String.format(Locale.ROOT, "%s %s %s [%s] %s %.3f%s %s %.3f%s (%d samples)", severity,
        rule, state, group, signal, value, unit, state == State.FIRING ? ">" : "<=", threshold, unit,
        samples);
  }
}

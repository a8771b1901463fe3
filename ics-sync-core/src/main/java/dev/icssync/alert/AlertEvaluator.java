package dev.icssync.alert;

import dev.icssync.Checks;
import dev.icssync.Feed;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.spi.SyncListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates {@link AlertRule}s over sliding windows of finished syncs and delivers episode changes to
 * an {@link AlertListener}. Register it as a listener of the engine; call {@link #evaluate()} from a
 * timer (every minute or so) if episodes should also end when their samples age out while no sync
 * runs. Thread-safe.
 *
 * <pre>{@code
 * AlertEvaluator alerts = AlertEvaluator.builder()
 *     .listener(alert -> pager.send(alert.message()))
 *     .build();                               // AlertRule.defaults()
 * IcsSync sync = IcsSync.builder()...listener(alerts).build();
 * }</pre>
 *
 * <p>Skipped syncs are not samples. Latency samples are taken only from syncs that ran the phase
 * (a non-zero duration); total latency from every sync that ran.
 */
public final class AlertEvaluator implements SyncListener {
  private static final Logger LOG = LoggerFactory.getLogger(AlertEvaluator.class);

  private final List<AlertRule> rules;
  private final AlertListener listener;
  private final Clock clock;
  private final int maxSamples;
  // (rule index, group) -> window; guarded by this
  private final Map<WindowKey, Window> windows = new HashMap<>();

  private AlertEvaluator(Builder b) {
    this.rules = List.copyOf(b.rules);
    this.listener = Objects.requireNonNull(b.listener, "listener"); // build() checked it
    this.clock = b.clock;
    this.maxSamples = b.maxSamples;
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<AlertRule> rules() {
    return rules;
  }

  @Override
  public void onSyncFinished(Feed feed, SyncReport report) {
    if (report.outcome() == SyncOutcome.SKIPPED) {
      return;
    }
    Instant now = clock.instant();
    List<Alert> out = new ArrayList<>(2);
    synchronized (this) {
      for (int i = 0; i < rules.size(); i++) {
        AlertRule rule = rules.get(i);
        double value;
        if (rule.signal() == Signal.ERROR_RATE) {
          value = report.outcome() == SyncOutcome.FAILED ? 1 : 0;
        } else {
          Duration d = rule.signal().of(report.timings());
          if (d.isZero() && rule.signal() != Signal.TOTAL_LATENCY) {
            continue;
          }
          value = d.toNanos() / 1e9;
        }
        WindowKey key = new WindowKey(i, group(rule.scope(), feed));
        Window w = windows.computeIfAbsent(key, k -> new Window());
        w.add(now, value, maxSamples);
        Alert a = evaluate(rule, key.group(), w, now);
        if (a != null) {
          out.add(a);
        }
      }
    }
    deliver(out);
  }

  /**
   * Re-evaluates every window at the clock's now: samples older than their rule's window drop out,
   * so an episode whose cause has aged out resolves. Returns the alerts raised.
   */
  public List<Alert> evaluate() {
    Instant now = clock.instant();
    List<Alert> out = new ArrayList<>();
    synchronized (this) {
      for (Iterator<Map.Entry<WindowKey, Window>> it = windows.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<WindowKey, Window> e = it.next();
        Alert a = evaluate(rules.get(e.getKey().rule()), e.getKey().group(), e.getValue(), now);
        if (a != null) {
          out.add(a);
        }
        if (e.getValue().samples.isEmpty() && e.getValue().firingSince == null) {
          it.remove();
        }
      }
    }
    deliver(out);
    return out;
  }

  /** The episodes firing now, by rule then group. */
  public synchronized List<Alert> firing() {
    Instant now = clock.instant();
    List<Alert> out = new ArrayList<>();
    windows.forEach((k, w) -> {
      if (w.firingSince != null) {
        AlertRule rule = rules.get(k.rule());
        out.add(new Alert(rule.name(), rule.severity(), rule.signal(), Alert.State.FIRING, k.group(),
            w.lastValue, rule.threshold(), w.samples.size(), w.firingSince, now));
      }
    });
    out.sort(Comparator.comparing(Alert::rule).thenComparing(Alert::group));
    return out;
  }

  private static @Nullable Alert evaluate(AlertRule rule, String group, Window w, Instant now) {
    Instant cutoff = now.minus(rule.window());
    while (!w.samples.isEmpty() && !w.samples.peekFirst().at().isAfter(cutoff)) {
      w.samples.pollFirst();
    }
    int n = w.samples.size();
    if (n == 0) {
      if (w.firingSince != null) {
        Instant since = w.firingSince;
        w.firingSince = null;
        return new Alert(rule.name(), rule.severity(), rule.signal(), Alert.State.RESOLVED, group,
            0, rule.threshold(), 0, since, now);
      }
      return null;
    }
    if (n < rule.minSamples()) {
      return null;
    }
    double value = value(rule, w);
    w.lastValue = value;
    boolean above = value > rule.threshold();
    if (above && w.firingSince == null) {
      w.firingSince = now;
      return new Alert(rule.name(), rule.severity(), rule.signal(), Alert.State.FIRING, group, value,
          rule.threshold(), n, now, now);
    }
    if (!above && w.firingSince != null) {
      Instant since = w.firingSince;
      w.firingSince = null;
      return new Alert(rule.name(), rule.severity(), rule.signal(), Alert.State.RESOLVED, group,
          value, rule.threshold(), n, since, now);
    }
    return null;
  }

  private static double value(AlertRule rule, Window w) {
    int n = w.samples.size();
    if (rule.signal() == Signal.ERROR_RATE) {
      double sum = 0;
      for (Sample s : w.samples) {
        sum += s.value();
      }
      return sum / n;
    }
    double[] values = new double[n];
    int i = 0;
    for (Sample s : w.samples) {
      values[i++] = s.value();
    }
    Arrays.sort(values);
    int rank = (int) Math.ceil(rule.quantile() * n); // nearest rank, 1-based
    return values[Math.max(0, Math.min(n, rank) - 1)];
  }

  private void deliver(List<Alert> alerts) {
    for (Alert a : alerts) {
      if (a.state() == Alert.State.FIRING) {
        LOG.warn("alert {}", a.message());
      } else {
        LOG.info("alert {}", a.message());
      }
      try {
        listener.onAlert(a);
      } catch (RuntimeException e) {
        LOG.warn("alert listener failed for rule {}", a.rule(), e);
      }
    }
  }

  private static String group(AlertRule.Scope scope, Feed feed) {
    return switch (scope) {
      case ALL -> "all";
      case SOURCE -> "source=" + feed.source();
      case TENANT -> "tenant=" + feed.tenant();
      case FEED -> "feed=" + feed.tenant() + "/" + feed.id();
    };
  }

  private record WindowKey(int rule, String group) {}

  private record Sample(Instant at, double value) {}

  private static final class Window {
    final ArrayDeque<Sample> samples = new ArrayDeque<>();
    @Nullable Instant firingSince;
    double lastValue;

    void add(Instant at, double value, int max) {
      samples.addLast(new Sample(at, value));
      while (samples.size() > max) {
        samples.pollFirst();
      }
    }
  }

  /** Builder of {@link AlertEvaluator}; only {@link #listener} is required. */
  public static final class Builder {
    private List<AlertRule> rules = AlertRule.defaults();
    private @Nullable AlertListener listener;
    private Clock clock = Clock.systemUTC();
    private int maxSamples = 10_000;

    private Builder() {}

    /** Replaces the rules (default {@link AlertRule#defaults()}). */
    public Builder rules(List<AlertRule> value) {
      this.rules = List.copyOf(Objects.requireNonNull(value, "rules"));
      return this;
    }

    public Builder listener(AlertListener value) {
      this.listener = Objects.requireNonNull(value, "listener");
      return this;
    }

    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** Samples kept per window at most, oldest dropped first (default 10 000). */
    public Builder maxSamplesPerWindow(int value) {
      this.maxSamples = value;
      return this;
    }

    public AlertEvaluator build() {
      if (listener == null) {
        throw new dev.icssync.IcsSyncException.ConfigurationException("listener must be set");
      }
      Checks.positive(maxSamples, "maxSamplesPerWindow");
      if (rules.isEmpty()) {
        throw new dev.icssync.IcsSyncException.ConfigurationException("rules must not be empty");
      }
      long distinct = rules.stream().map(AlertRule::name).distinct().count();
      if (distinct != rules.size()) {
        throw new dev.icssync.IcsSyncException.ConfigurationException("rules must have unique names");
      }
      return new AlertEvaluator(this);
    }
  }
}

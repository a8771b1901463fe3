package dev.icssync.micrometer;

import dev.icssync.ChangeCounts;
import dev.icssync.ChangeEvent;
import dev.icssync.Checks;
import dev.icssync.Feed;
import dev.icssync.IcsSyncException.ConfigurationException;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.SyncTimings;
import dev.icssync.health.HealthPolicy;
import dev.icssync.spi.CacheStats;
import dev.icssync.spi.ExportCache;
import dev.icssync.spi.Store;
import dev.icssync.spi.SyncListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Records every sync in a Micrometer registry. Register it with the engine:
 *
 * <pre>{@code
 * IcsSync sync = IcsSync.builder()
 *     .listener(MicrometerSyncListener.create(registry))
 *     ...
 *     .build();
 * MicrometerSyncListener.bindCache(registry, "export", exportCache);
 * }</pre>
 *
 * <p>Meters (tags in braces; {@code tenant} is added to the per-sync meters only when
 * {@link Builder#tenantTag(boolean)} is set, since tenants are unbounded):
 * <ul>
 *   <li>{@code icssync.sync.phase} timer {phase=fetch|parse|diff|apply|detect|total, source} with a
 *       percentile histogram; a phase is recorded only when it ran (non-zero), total for every sync
 *       that ran (not for SKIPPED);
 *   <li>{@code icssync.sync.runs} counter {source, outcome, reason}: outcome in lower case, reason the
 *       lower-case {@link dev.icssync.FailureReason} of a failed sync, else {@code none};
 *   <li>{@code icssync.sync.bytes} summary {source}: fetched body size of syncs that fetched one;
 *   <li>{@code icssync.sync.events} counter {source, change=created|updated|cancelled|reinstated|
 *       uid_reissued|held_back}; {@code icssync.sync.events.seen} counter {source};
 *   <li>{@code icssync.conflicts.opened}, {@code icssync.conflicts.resolved} counters {source};
 *   <li>gauges {@code icssync.conflicts.open}, {@code icssync.feeds.quarantined},
 *       {@code icssync.feeds.stale}, {@code icssync.feeds.failing} (no tags): from what this listener
 *       saw, or from the store when {@link Builder#store} is set (right with several workers);
 *   <li>{@link #bindCache}: {@code icssync.cache.gets} {cache, result=hit|miss},
 *       {@code icssync.cache.evictions}, {@code icssync.cache.failures} {cache}, gauges
 *       {@code icssync.cache.entries}, {@code icssync.cache.weight} {cache}.
 * </ul>
 */
public final class MicrometerSyncListener implements SyncListener {
  private static final String[] PHASES = {"fetch", "parse", "diff", "apply", "detect", "total"};

  private final MeterRegistry registry;
  private final boolean tenantTag;
  private final boolean histograms;
  private final FeedGauges gauges;

  private MicrometerSyncListener(Builder b) {
    this.registry = b.registry;
    this.tenantTag = b.tenantTag;
    this.histograms = b.histograms;
    this.gauges = b.store == null
        ? new FeedGauges.FromListener(b.clock, b.policy)
        : new FeedGauges.FromStore(b.store, b.clock, b.policy, b.refresh);
    Gauge.builder("icssync.conflicts.open", gauges, FeedGauges::openConflicts)
        .description("open double bookings").strongReference(true).register(registry);
    Gauge.builder("icssync.feeds.quarantined", gauges, FeedGauges::quarantined)
        .description("active feeds whose cancellations are held back").strongReference(true)
        .register(registry);
    Gauge.builder("icssync.feeds.stale", gauges, FeedGauges::stale)
        .description("active feeds without a successful sync within k x their interval")
        .strongReference(true).register(registry);
    Gauge.builder("icssync.feeds.failing", gauges, FeedGauges::failing)
        .description("active feeds failing repeatedly").strongReference(true).register(registry);
  }

  /** Defaults: no tenant tag, histograms on, gauges from listener state, k = 3. */
  public static MicrometerSyncListener create(MeterRegistry registry) {
    return builder(registry).build();
  }

  public static Builder builder(MeterRegistry registry) {
    return new Builder(registry);
  }

  @Override
  public void onChange(ChangeEvent change) {
    gauges.onChange(change);
  }

  @Override
  public void onSyncFinished(Feed feed, SyncReport report) {
    Tags base = Tags.of("source", report.source());
    if (tenantTag) {
      base = base.and("tenant", report.tenant());
    }
    SyncOutcome outcome = report.outcome();
    String reason = report.failure() == null ? "none" : lower(report.failure().name());
    Counter.builder("icssync.sync.runs").description("finished syncs")
        .tags(base).tag("outcome", lower(outcome.name())).tag("reason", reason)
        .register(registry).increment();
    if (outcome != SyncOutcome.SKIPPED) {
      SyncTimings t = report.timings();
      Duration[] d = {t.fetch(), t.parse(), t.diff(), t.apply(), t.detect(), t.total()};
      for (int i = 0; i < PHASES.length; i++) {
        if (i == PHASES.length - 1 || !d[i].isZero()) {
          timer(base, PHASES[i]).record(d[i]);
        }
      }
    }
    if (report.bytes() > 0) {
      DistributionSummary.builder("icssync.sync.bytes").baseUnit("bytes")
          .description("decoded size of fetched feed bodies").tags(base).register(registry)
          .record(report.bytes());
    }
    ChangeCounts c = report.counts();
    count("icssync.sync.events.seen", base, c.seen());
    event(base, "created", c.created());
    event(base, "updated", c.updated());
    event(base, "cancelled", c.cancelled());
    event(base, "reinstated", c.reinstated());
    event(base, "uid_reissued", c.uidReissued());
    event(base, "held_back", c.heldBack());
    count("icssync.conflicts.opened", base, report.conflictsOpened());
    count("icssync.conflicts.resolved", base, report.conflictsResolved());
    gauges.onFinished(feed, report);
  }

  private Timer timer(Tags base, String phase) {
    Timer.Builder b = Timer.builder("icssync.sync.phase").description("duration of a sync phase")
        .tags(base).tag("phase", phase);
    if (histograms) {
      b.publishPercentileHistogram();
    }
    return b.register(registry);
  }

  private void event(Tags base, String change, int n) {
    if (n > 0) {
      Counter.builder("icssync.sync.events").description("event rows changed by syncs")
          .tags(base).tag("change", change).register(registry).increment(n);
    }
  }

  private void count(String name, Tags base, int n) {
    if (n > 0) {
      Counter.builder(name).tags(base).register(registry).increment(n);
    }
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  /** Binds an export cache's statistics under {@code cache=<name>}. */
  public static void bindCache(MeterRegistry registry, String name, ExportCache cache) {
    Objects.requireNonNull(cache, "cache");
    bindCache(registry, name, cache::stats);
  }

  /**
   * Binds any cache's statistics under {@code cache=<name>}. The registry keeps the supplier
   * reachable.
   *
   * @throws ConfigurationException when {@code name} is blank
   */
  public static void bindCache(MeterRegistry registry, String name, Supplier<CacheStats> stats) {
    Objects.requireNonNull(registry, "registry");
    Checks.nonBlank(name, "name");
    Objects.requireNonNull(stats, "stats");
    Tags tags = Tags.of("cache", name);
    // the gauge holds the supplier strongly; the function counters share it
    Gauge.builder("icssync.cache.entries", stats, s -> s.get().entries())
        .tags(tags).description("entries held (-1: unknown)").strongReference(true).register(registry);
    Gauge.builder("icssync.cache.weight", stats, s -> s.get().weight())
        .tags(tags).baseUnit("bytes").description("bytes held (-1: unknown)").strongReference(true)
        .register(registry);
    FunctionCounter.builder("icssync.cache.gets", stats, s -> s.get().hits())
        .tags(tags).tag("result", "hit").register(registry);
    FunctionCounter.builder("icssync.cache.gets", stats, s -> s.get().misses())
        .tags(tags).tag("result", "miss").register(registry);
    FunctionCounter.builder("icssync.cache.evictions", stats, s -> s.get().evictions())
        .tags(tags).register(registry);
    FunctionCounter.builder("icssync.cache.failures", stats, s -> s.get().failures())
        .tags(tags).description("failed or timed-out operations of the backing service")
        .register(registry);
  }

  /** Builder of {@link MicrometerSyncListener}. */
  public static final class Builder {
    private final MeterRegistry registry;
    private boolean tenantTag;
    private boolean histograms = true;
    private Clock clock = Clock.systemUTC();
    private HealthPolicy policy = HealthPolicy.defaults();
    private @Nullable Store store;
    private Duration refresh = Duration.ofSeconds(30);

    private Builder(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Adds a {@code tenant} tag to per-sync meters (mind the cardinality). Default off. */
    public Builder tenantTag(boolean value) {
      this.tenantTag = value;
      return this;
    }

    /** Publishes percentile histograms on phase timers (default on). */
    public Builder percentileHistograms(boolean value) {
      this.histograms = value;
      return this;
    }

    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** When a feed counts as stale or failing (default k = 3 intervals, 3 failures). */
    public Builder healthPolicy(HealthPolicy value) {
      this.policy = Objects.requireNonNull(value, "healthPolicy");
      return this;
    }

    /**
     * Feeds the gauges from the store (every feed, whoever synced it), read at most once per
     * {@code refresh}. Without it they reflect the syncs this listener saw.
     */
    public Builder store(Store value, Duration refresh) {
      this.store = Objects.requireNonNull(value, "store");
      this.refresh = Objects.requireNonNull(refresh, "refresh");
      return this;
    }

    /**
     * Checks the settings, then builds.
     *
     * @throws ConfigurationException when the store's refresh interval is negative
     */
    public MicrometerSyncListener build() {
      Checks.nonNegative(refresh, "refresh");
      return new MicrometerSyncListener(this);
    }
  }
}

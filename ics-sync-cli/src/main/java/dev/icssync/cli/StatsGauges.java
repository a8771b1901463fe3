package dev.icssync.cli;

import dev.icssync.SyncOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;

/**
 * The operator statistics of {@code ics-sync stats} as gauges per tenant, read from the store (so
 * every worker's syncs count, and every worker shows the same values), refreshed in the background:
 * <ul>
 *   <li>{@code icssync_stats_syncs{tenant, window="1h"|"1d", outcome}}
 *   <li>{@code icssync_stats_events_changed{tenant, window}}
 *   <li>{@code icssync_stats_fetched_bytes{tenant, window}}
 *   <li>{@code icssync_stats_sync_duration_seconds{tenant, window, quantile="0.5"|"0.95"}}
 *   <li>{@code icssync_stats_conflicts_open{tenant}}, {@code icssync_stats_feeds_quarantined{tenant}}
 * </ul>
 */
final class StatsGauges {
  private final DataSource dataSource;
  private final MultiGauge syncs;
  private final MultiGauge changed;
  private final MultiGauge bytes;
  private final MultiGauge duration;
  private final MultiGauge conflicts;
  private final MultiGauge quarantined;

  StatsGauges(MeterRegistry registry, DataSource dataSource) {
    this.dataSource = dataSource;
    syncs = MultiGauge.builder("icssync.stats.syncs")
        .description("syncs finished in the window by every worker, per tenant and outcome").register(registry);
    changed = MultiGauge.builder("icssync.stats.events.changed")
        .description("event rows created, updated, cancelled or reinstated in the window").register(registry);
    bytes = MultiGauge.builder("icssync.stats.fetched").baseUnit("bytes")
        .description("feed body bytes fetched in the window").register(registry);
    duration = MultiGauge.builder("icssync.stats.sync.duration").baseUnit("seconds")
        .description("sync duration percentile over the window").register(registry);
    conflicts = MultiGauge.builder("icssync.stats.conflicts.open")
        .description("open double bookings now").register(registry);
    quarantined = MultiGauge.builder("icssync.stats.feeds.quarantined")
        .description("active feeds held in quarantine now").register(registry);
  }

  void refresh() {
    SyncStatistics.Snapshot s;
    try {
      s = SyncStatistics.read(dataSource, Instant.now());
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(StatsGauges.class).warn("cannot refresh statistics: {}", IcsSyncCli.oneLine(e));
      return;
    }
    List<MultiGauge.Row<?>> syncRows = new ArrayList<>();
    List<MultiGauge.Row<?>> changedRows = new ArrayList<>();
    List<MultiGauge.Row<?>> bytesRows = new ArrayList<>();
    List<MultiGauge.Row<?>> durationRows = new ArrayList<>();
    List<MultiGauge.Row<?>> conflictRows = new ArrayList<>();
    List<MultiGauge.Row<?>> quarantineRows = new ArrayList<>();
    for (SyncStatistics.Row t : s.tenants()) {
      Tags tenant = Tags.of("tenant", t.tenant());
      for (String window : List.of("1h", "1d")) {
        SyncStatistics.Window w = window.equals("1h") ? t.lastHour() : t.lastDay();
        Tags tw = tenant.and("window", window);
        for (SyncOutcome o : SyncOutcome.values()) {
          syncRows.add(MultiGauge.Row.of(tw.and("outcome", Json.lower(o)), w.outcomes().getOrDefault(o, 0L)));
        }
        changedRows.add(MultiGauge.Row.of(tw, w.eventsChanged()));
        bytesRows.add(MultiGauge.Row.of(tw, w.bytes()));
        durationRows.add(MultiGauge.Row.of(tw.and("quantile", "0.5"), w.p50Ms() / 1000.0));
        durationRows.add(MultiGauge.Row.of(tw.and("quantile", "0.95"), w.p95Ms() / 1000.0));
      }
      conflictRows.add(MultiGauge.Row.of(tenant, t.openConflicts()));
      quarantineRows.add(MultiGauge.Row.of(tenant, t.quarantinedFeeds()));
    }
    syncs.register(syncRows, true);
    changed.register(changedRows, true);
    bytes.register(bytesRows, true);
    duration.register(durationRows, true);
    conflicts.register(conflictRows, true);
    quarantined.register(quarantineRows, true);
  }
}

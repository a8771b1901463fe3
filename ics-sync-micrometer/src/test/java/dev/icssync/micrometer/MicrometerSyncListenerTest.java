package dev.icssync.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.ChangeCounts;
import dev.icssync.ChangeEvent;
import dev.icssync.Conflict;
import dev.icssync.ConflictStatus;
import dev.icssync.DateRange;
import dev.icssync.EventKey;
import dev.icssync.FailureReason;
import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.Quarantine;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.SyncTimings;
import dev.icssync.health.HealthPolicy;
import dev.icssync.spi.CacheStats;
import dev.icssync.spi.ExportCache;
import dev.icssync.spi.FeedApply;
import dev.icssync.spi.Store;
import dev.icssync.tck.time.MutableClock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class MicrometerSyncListenerTest {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Feed airbnb = Feed.builder("t1", "f1").property("p1").source("airbnb").url("https://u:pw@x.test/a.ics?t=SECRET1").build()
      .withPollInterval(Duration.ofMinutes(10));
  final Feed booking = Feed.builder("t2", "f2").property("p2").source("booking").url("https://x.test/b.ics?t=SECRET2").build()
      .withPollInterval(Duration.ofMinutes(10));

  static SyncTimings timings(long fetch, long parse, long diff, long apply, long detect, long total) {
    return new SyncTimings(Duration.ofMillis(fetch), Duration.ofMillis(parse), Duration.ofMillis(diff),
        Duration.ofMillis(apply), Duration.ofMillis(detect), Duration.ofMillis(total));
  }

  static SyncReport report(Feed f, SyncOutcome outcome, @Nullable FailureReason failure,
      ChangeCounts counts, int opened, int resolved, SyncTimings t, long bytes, Instant startedAt) {
    return SyncReport.builder()
        .feedId(f.id())
        .tenant(f.tenant())
        .property(f.property())
        .source(f.source())
        .outcome(outcome)
        .failure(failure)
        .message("msg")
        .counts(counts)
        .conflictsOpened(opened)
        .conflictsResolved(resolved)
        .timings(t)
        .bytes(bytes)
        .startedAt(startedAt)
        .build();
  }

  static SyncReport applied(Feed f, ChangeCounts counts, int opened, int resolved, Instant at) {
    return report(f, SyncOutcome.APPLIED, null, counts, opened, resolved,
        timings(100, 40, 5, 20, 3, 170), 2048, at);
  }

  static SyncReport notModified(Feed f, Instant at) {
    return report(f, SyncOutcome.NOT_MODIFIED, null, ChangeCounts.NONE, 0, 0,
        timings(30, 0, 0, 2, 0, 33), 0, at);
  }

  static SyncReport failed(Feed f, FailureReason r, Instant at) {
    return report(f, SyncOutcome.FAILED, r, ChangeCounts.NONE, 0, 0, timings(900, 0, 0, 1, 0, 902), 0,
        at);
  }

  double counter(String name, String... tags) {
    var c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void scriptedSyncsGiveExactCounts() {
    java.util.Set<String> histogramPhases = new java.util.HashSet<>();
    registry.config().meterFilter(new io.micrometer.core.instrument.config.MeterFilter() {
      @Override
      public io.micrometer.core.instrument.distribution.DistributionStatisticConfig configure(
          Meter.Id id, io.micrometer.core.instrument.distribution.DistributionStatisticConfig c) {
        if (id.getName().equals("icssync.sync.phase") && Boolean.TRUE.equals(c.isPercentileHistogram())) {
          histogramPhases.add(id.getTag("phase"));
        }
        return c;
      }
    });
    MicrometerSyncListener l = MicrometerSyncListener.create(registry);
    l.onSyncFinished(airbnb, applied(airbnb, new ChangeCounts(10, 4, 2, 1, 1, 2, 1, 0), 2, 0, T0));
    l.onSyncFinished(airbnb, applied(airbnb, new ChangeCounts(10, 1, 0, 0, 0, 9, 0, 0), 0, 1, T0));
    l.onSyncFinished(airbnb, notModified(airbnb, T0));
    l.onSyncFinished(booking, failed(booking, FailureReason.SERVER_ERROR, T0));
    l.onSyncFinished(booking, failed(booking, FailureReason.TIMEOUT, T0));
    l.onSyncFinished(booking, failed(booking, FailureReason.TIMEOUT, T0));
    l.onSyncFinished(booking, report(booking, SyncOutcome.SKIPPED, null, ChangeCounts.NONE, 0, 0,
        SyncTimings.ZERO, 0, T0));

    assertThat(counter("icssync.sync.runs", "source", "airbnb", "outcome", "applied", "reason", "none"))
        .isEqualTo(2);
    assertThat(counter("icssync.sync.runs", "source", "airbnb", "outcome", "not_modified"))
        .isEqualTo(1);
    assertThat(counter("icssync.sync.runs", "source", "booking", "outcome", "failed", "reason",
        "timeout")).isEqualTo(2);
    assertThat(counter("icssync.sync.runs", "source", "booking", "outcome", "failed", "reason",
        "server_error")).isEqualTo(1);
    assertThat(counter("icssync.sync.runs", "outcome", "skipped")).isEqualTo(1);
    assertThat(registry.find("icssync.sync.runs").counters()).hasSize(5);

    // phases: fetch/apply/total ran in all 6 non-skipped syncs; parse/diff/detect in the 2 applied
    Timer fetchAirbnb = registry.get("icssync.sync.phase").tags("phase", "fetch", "source", "airbnb")
        .timer();
    assertThat(fetchAirbnb.count()).isEqualTo(3);
    assertThat(fetchAirbnb.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(230.0);
    assertThat(registry.get("icssync.sync.phase").tags("phase", "parse", "source", "airbnb").timer()
        .count()).isEqualTo(2);
    assertThat(registry.find("icssync.sync.phase").tags("phase", "parse", "source", "booking")
        .timer()).isNull();
    Timer totalBooking = registry.get("icssync.sync.phase").tags("phase", "total", "source",
        "booking").timer();
    assertThat(totalBooking.count()).isEqualTo(3);
    assertThat(totalBooking.max(TimeUnit.MILLISECONDS)).isEqualTo(902.0);
    assertThat(histogramPhases).contains("fetch", "parse", "diff", "apply", "detect", "total");

    var bytes = registry.get("icssync.sync.bytes").tags("source", "airbnb").summary();
    assertThat(bytes.count()).isEqualTo(2);
    assertThat(bytes.totalAmount()).isEqualTo(4096.0);

    assertThat(counter("icssync.sync.events.seen", "source", "airbnb")).isEqualTo(20);
    assertThat(counter("icssync.sync.events", "change", "created")).isEqualTo(5);
    assertThat(counter("icssync.sync.events", "change", "updated")).isEqualTo(2);
    assertThat(counter("icssync.sync.events", "change", "cancelled")).isEqualTo(1);
    assertThat(counter("icssync.sync.events", "change", "reinstated")).isEqualTo(1);
    assertThat(counter("icssync.sync.events", "change", "uid_reissued")).isEqualTo(1);
    assertThat(counter("icssync.conflicts.opened", "source", "airbnb")).isEqualTo(2);
    assertThat(counter("icssync.conflicts.resolved", "source", "airbnb")).isEqualTo(1);
  }

  @Test
  void tagsAreBoundedAndTenantOnlyWhenAsked() {
    MicrometerSyncListener.create(registry).onSyncFinished(airbnb,
        applied(airbnb, new ChangeCounts(1, 1, 0, 0, 0, 0, 0, 0), 0, 0, T0));
    for (Meter m : registry.getMeters()) {
      assertThat(m.getId().getTags()).extracting(Tag::getKey)
          .isSubsetOf("source", "outcome", "reason", "phase", "change");
    }
    SimpleMeterRegistry withTenant = new SimpleMeterRegistry();
    MicrometerSyncListener.builder(withTenant).tenantTag(true).build().onSyncFinished(airbnb,
        applied(airbnb, ChangeCounts.NONE, 0, 0, T0));
    assertThat(withTenant.get("icssync.sync.runs").tags("tenant", "t1", "source", "airbnb").counter()
        .count()).isEqualTo(1);
  }

  @Test
  void gaugesFromListenerStateTrackStaleFailingQuarantinedAndConflicts() {
    MutableClock clock = new MutableClock(T0);
    MicrometerSyncListener l = MicrometerSyncListener.builder(registry).clock(clock)
        .healthPolicy(new HealthPolicy(3, 2)).build();
    l.onSyncFinished(airbnb, applied(airbnb, ChangeCounts.NONE, 0, 0, T0));
    l.onSyncFinished(booking, applied(booking, ChangeCounts.NONE, 0, 0, T0));
    assertThat(gauge("icssync.feeds.stale")).isZero();
    // booking fails twice: failing (k=2); airbnb keeps syncing
    clock.advance(Duration.ofMinutes(10));
    l.onSyncFinished(booking, failed(booking, FailureReason.GONE, clock.instant()));
    assertThat(gauge("icssync.feeds.failing")).isZero();
    l.onSyncFinished(booking, failed(booking, FailureReason.GONE, clock.instant()));
    assertThat(gauge("icssync.feeds.failing")).isEqualTo(1);
    // 31 minutes after airbnb's success (3 x 10 min bound): stale
    clock.advance(Duration.ofMinutes(21));
    assertThat(gauge("icssync.feeds.stale")).isEqualTo(1);
    l.onSyncFinished(airbnb, report(airbnb, SyncOutcome.QUARANTINED, null, ChangeCounts.NONE, 0, 0,
        timings(1, 1, 1, 1, 1, 5), 10, clock.instant()));
    assertThat(gauge("icssync.feeds.stale")).isZero();
    assertThat(gauge("icssync.feeds.quarantined")).isEqualTo(1);
    l.onChange(new ChangeEvent.FeedRecovered(airbnb, null));
    assertThat(gauge("icssync.feeds.quarantined")).isZero();

    Conflict c = conflict();
    l.onChange(new ChangeEvent.ConflictOpened(c));
    l.onChange(new ChangeEvent.ConflictOpened(c));
    l.onChange(new ChangeEvent.ConflictResolved(c));
    assertThat(gauge("icssync.conflicts.open")).isEqualTo(1);
  }

  @Test
  void gaugesFromTheStoreSeeEveryFeedAndRefreshAtMostOncePerPeriod() {
    MutableClock clock = new MutableClock(T0);
    Store store = Store.inMemory();
    store.saveFeed(airbnb);
    store.saveFeed(booking);
    FeedState s = store.beginSync("t1", "f1", T0);
    store.apply(FeedApply.stateOnly(FeedState.builder()
        .tenant("t1")
        .feedId("f1")
        .parserVersion(1)
        .lastAttempt(T0)
        .lastSuccess(T0)
        .quarantine(new Quarantine("feed came back empty", T0, 3, "d", 1))
        .generation(s.generation())
        .build(), null));
    store.saveConflicts("t2", List.of(conflict()));
    MicrometerSyncListener.builder(registry).clock(clock).store(store, Duration.ofSeconds(30)).build();
    assertThat(gauge("icssync.feeds.quarantined")).isEqualTo(1);
    assertThat(gauge("icssync.feeds.stale")).isEqualTo(1); // booking never synced
    assertThat(gauge("icssync.conflicts.open")).isEqualTo(1);
    store.saveFeed(Feed.builder("t2", "f3").property("p2").source("vrbo").url("https://x.test/c.ics").build());
    assertThat(gauge("icssync.feeds.stale")).isEqualTo(1); // cached
    clock.advance(Duration.ofSeconds(31));
    assertThat(gauge("icssync.feeds.stale")).isEqualTo(2);
  }

  @Test
  void cacheStatisticsAreBound() {
    AtomicReference<CacheStats> stats = new AtomicReference<>(new CacheStats(7, 3, 2, 1, 5, 1234));
    ExportCache cache = new ExportCache() {
      @Override
      public java.util.Optional<dev.icssync.ExportedCalendar> get(String viewKey) {
        return java.util.Optional.empty();
      }

      @Override
      public void put(String v, String t, String p, dev.icssync.ExportedCalendar c) {}

      @Override
      public void invalidate(String tenant, String property) {}

      @Override
      public CacheStats stats() {
        return stats.get();
      }
    };
    MicrometerSyncListener.bindCache(registry, "export", cache);
    assertThat(registry.get("icssync.cache.gets").tags("cache", "export", "result", "hit")
        .functionCounter().count()).isEqualTo(7);
    assertThat(registry.get("icssync.cache.gets").tags("result", "miss").functionCounter().count())
        .isEqualTo(3);
    stats.set(new CacheStats(9, 3, 4, 1, 6, 2000));
    assertThat(registry.get("icssync.cache.gets").tags("result", "hit").functionCounter().count())
        .isEqualTo(9);
    assertThat(registry.get("icssync.cache.evictions").functionCounter().count()).isEqualTo(4);
    assertThat(registry.get("icssync.cache.failures").functionCounter().count()).isEqualTo(1);
    assertThat(registry.get("icssync.cache.entries").gauge().value()).isEqualTo(6);
    assertThat(registry.get("icssync.cache.weight").gauge().value()).isEqualTo(2000);
  }

  double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  static Conflict conflict() {
    EventKey a = new EventKey("t2", "f2", "a@x", "");
    EventKey b = new EventKey("t2", "f3", "b@x", "");
    return new Conflict(Conflict.idOf(a, b), "t2", "p2", a, b,
        new DateRange.Timed(T0, T0.plus(Duration.ofDays(1))), ConflictStatus.OPEN, null, T0, null);
  }
}

package dev.icssync.micrometer;

import dev.icssync.ChangeEvent;
import dev.icssync.ConflictStatus;
import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.Quarantine;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.health.FeedHealthCheck;
import dev.icssync.health.HealthPolicy;
import dev.icssync.health.HealthReport;
import dev.icssync.health.HealthStatus;
import dev.icssync.spi.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Values behind the feed and conflict gauges: from listener state, or from the store when given. */
abstract class FeedGauges {

  abstract double stale();

  abstract double failing();

  abstract double quarantined();

  abstract double openConflicts();

  void onChange(ChangeEvent change) {}

  void onFinished(Feed feed, SyncReport report) {}

  /**
   * What this JVM saw: right for one instance; with several workers each sees only the feeds it
   * synced, and a feed synced elsewhere since looks stale here. Use the store-backed variant then.
   */
  static final class FromListener extends FeedGauges {
    private static final Quarantine HELD = new Quarantine("held", Instant.EPOCH, 0, "-", 0);
    private final Map<String, Track> feeds = new ConcurrentHashMap<>();
    private final AtomicLong openConflicts = new AtomicLong();
    private final Clock clock;
    private final HealthPolicy policy;

    FromListener(Clock clock, HealthPolicy policy) {
      this.clock = clock;
      this.policy = policy;
    }

    @Override
    void onChange(ChangeEvent change) {
      if (change instanceof ChangeEvent.ConflictOpened) {
        openConflicts.incrementAndGet();
      } else if (change instanceof ChangeEvent.ConflictResolved) {
        openConflicts.updateAndGet(v -> Math.max(0, v - 1));
      } else if (change instanceof ChangeEvent.FeedRecovered r) {
        feeds.computeIfPresent(key(r.feed()), (k, t) -> t.withQuarantined(false));
      }
    }

    @Override
    void onFinished(Feed feed, SyncReport report) {
      if (report.outcome() == SyncOutcome.SKIPPED || report.outcome() == SyncOutcome.DRY_RUN
          || report.outcome() == SyncOutcome.STALE) {
        return;
      }
      Instant end = report.startedAt().plus(report.timings().total());
      feeds.compute(key(feed), (k, old) -> {
        Track t = old == null ? new Track(feed, null, 0, false) : old.withFeed(feed);
        return switch (report.outcome()) {
          case FAILED -> new Track(t.feed, t.lastSuccess, t.failures + 1, t.quarantined);
          case QUARANTINED -> new Track(t.feed, end, 0, true);
          case APPLIED -> new Track(t.feed, end, 0, false);
          default -> new Track(t.feed, end, 0, t.quarantined);
        };
      });
    }

    private static String key(Feed f) {
      return f.tenant() + '\u0000' + f.id();
    }

    private long count(HealthStatus status) {
      Instant now = clock.instant();
      long n = 0;
      for (Track t : feeds.values()) {
        if (!t.feed.active()) {
          continue;
        }
        FeedState s = FeedState.builder()
            .tenant(t.feed.tenant())
            .feedId(t.feed.id())
            .lastSuccess(t.lastSuccess)
            .consecutiveFailures(t.failures)
            .quarantine(t.quarantined ? HELD : null)
            .build();
        if (FeedHealthCheck.evaluate(t.feed, s, now, policy).status() == status) {
          n++;
        }
      }
      return n;
    }

    @Override
    double stale() {
      return count(HealthStatus.STALE);
    }

    @Override
    double failing() {
      return count(HealthStatus.FAILING);
    }

    @Override
    double quarantined() {
      return count(HealthStatus.QUARANTINED);
    }

    @Override
    double openConflicts() {
      return openConflicts.get();
    }

    private record Track(Feed feed, @Nullable Instant lastSuccess, int failures, boolean quarantined) {
      Track withFeed(Feed f) {
        return new Track(f, lastSuccess, failures, quarantined);
      }

      Track withQuarantined(boolean q) {
        return new Track(feed, lastSuccess, failures, q);
      }
    }
  }

  /**
   * Reads the store, at most once per {@code refresh}: the same numbers on every instance (aggregate
   * them with max, not sum). A store failure keeps the previous values and is logged.
   */
  static final class FromStore extends FeedGauges {
    private static final Logger LOG = LoggerFactory.getLogger(FromStore.class);
    private final Store store;
    private final FeedHealthCheck health;
    private final Clock clock;
    private final Duration refresh;
    private volatile @Nullable Instant refreshedAt;
    private volatile double stale;
    private volatile double failing;
    private volatile double quarantined;
    private volatile double openConflicts;

    FromStore(Store store, Clock clock, HealthPolicy policy, Duration refresh) {
      this.store = store;
      this.health = FeedHealthCheck.create(store, clock, policy);
      this.clock = clock;
      this.refresh = refresh;
    }

    private synchronized void refreshIfDue() {
      Instant now = clock.instant();
      Instant at = refreshedAt;
      if (at != null && now.isBefore(at.plus(refresh))) {
        return;
      }
      try {
        HealthReport r = health.all();
        Set<String> tenants = new LinkedHashSet<>();
        store.allFeeds().forEach(f -> tenants.add(f.tenant()));
        long open = 0;
        List<String> ts = new ArrayList<>(tenants);
        for (String t : ts) {
          open += store.conflicts(t, null, ConflictStatus.OPEN).size();
        }
        stale = r.count(HealthStatus.STALE);
        failing = r.count(HealthStatus.FAILING);
        quarantined = r.count(HealthStatus.QUARANTINED);
        openConflicts = open;
      } catch (RuntimeException e) {
        LOG.warn("feed gauges: store read failed, keeping previous values: {}", e.toString());
      }
      refreshedAt = now;
    }

    @Override
    double stale() {
      refreshIfDue();
      return stale;
    }

    @Override
    double failing() {
      refreshIfDue();
      return failing;
    }

    @Override
    double quarantined() {
      refreshIfDue();
      return quarantined;
    }

    @Override
    double openConflicts() {
      refreshIfDue();
      return openConflicts;
    }
  }
}

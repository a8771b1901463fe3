package dev.icssync.health;

import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.spi.FeedStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Computes feed health from the store: the status of one feed, or the aggregate of a tenant's or
 * every tenant's active feeds. Inactive feeds are not checked. Reads one state per feed, so call the
 * aggregates from a health endpoint or a periodic job, not per request of a hot path.
 *
 * <pre>{@code
 * FeedHealthCheck health = FeedHealthCheck.create(store, Clock.systemUTC());
 * HealthReport report = health.all();
 * if (!report.isHealthy()) { ... report.unhealthy() ... }
 * }</pre>
 */
public final class FeedHealthCheck {
  private final FeedStore store;
  private final Clock clock;
  private final HealthPolicy policy;

  private FeedHealthCheck(FeedStore store, Clock clock, HealthPolicy policy) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** With {@link HealthPolicy#defaults()}. */
  public static FeedHealthCheck create(FeedStore store, Clock clock) {
    return new FeedHealthCheck(store, clock, HealthPolicy.defaults());
  }

  public static FeedHealthCheck create(FeedStore store, Clock clock, HealthPolicy policy) {
    return new FeedHealthCheck(store, clock, policy);
  }

  public HealthPolicy policy() {
    return policy;
  }

  /** The health of one feed, from its stored state. */
  public FeedHealth check(Feed feed) {
    return evaluate(feed, store.state(feed.tenant(), feed.id()), clock.instant(), policy);
  }

  /** The aggregate of a tenant's active feeds. */
  public HealthReport tenant(String tenant) {
    return aggregate(store.feeds(tenant));
  }

  /** The aggregate of every tenant's active feeds. */
  public HealthReport all() {
    return aggregate(store.allFeeds());
  }

  private HealthReport aggregate(List<Feed> feeds) {
    Instant now = clock.instant();
    List<FeedHealth> out = new ArrayList<>(feeds.size());
    for (Feed f : feeds) {
      if (f.active()) {
        out.add(evaluate(f, store.state(f.tenant(), f.id()), now, policy));
      }
    }
    return HealthReport.of(out, now);
  }

  /**
   * The pure rule: quarantined beats failing beats stale. A feed that never synced successfully is
   * stale (there is no fresh data for it), unless it is failing.
   */
  public static FeedHealth evaluate(Feed feed, FeedState state, Instant now, HealthPolicy policy) {
    Duration bound = feed.pollInterval().multipliedBy(policy.staleAfterIntervals());
    HealthStatus status;
    String detail;
    Instant last = state.lastSuccess();
    if (state.quarantine() != null) {
      status = HealthStatus.QUARANTINED;
      detail = "quarantined: " + state.quarantine().reason();
    } else if (state.consecutiveFailures() >= policy.failingAfter()) {
      status = HealthStatus.FAILING;
      detail = state.consecutiveFailures() + " failures in a row"
          + (state.lastError() == null ? "" : ", last: " + state.lastError());
    } else if (last == null) {
      status = HealthStatus.STALE;
      detail = "never synced successfully";
    } else if (Duration.between(last, now).compareTo(bound) > 0) {
      status = HealthStatus.STALE;
      detail = "no success for " + Duration.between(last, now) + ", bound " + bound;
    } else {
      status = HealthStatus.OK;
      detail = "ok";
    }
    return new FeedHealth(feed.tenant(), feed.id(), feed.property(), feed.source(), status, last,
        state.consecutiveFailures(), detail);
  }
}

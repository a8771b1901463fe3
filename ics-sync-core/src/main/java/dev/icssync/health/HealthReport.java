package dev.icssync.health;

import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The health of a set of active feeds (a tenant, or all of them).
 *
 * <p>Still a record: the health of the feeds. Its constructor is public, so a new component will
 * come with the old constructor kept as an overload (Java 17 has no record patterns to break).
 *
 * @param status the worst status among the feeds, {@link HealthStatus#OK} when there are none
 * @param checkedAt when it was computed
 * @param feeds number of active feeds checked
 * @param counts feeds per status (every status present, zero included)
 * @param unhealthy the feeds whose status is not OK, worst first, then by tenant and feed id
 */
public record HealthReport(
    HealthStatus status, Instant checkedAt, int feeds, Map<HealthStatus, Integer> counts,
    List<FeedHealth> unhealthy) {

  public HealthReport {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(checkedAt, "checkedAt");
    counts = Map.copyOf(counts);
    unhealthy = List.copyOf(unhealthy);
  }

  /** Aggregates per-feed health values. */
  public static HealthReport of(Collection<FeedHealth> healths, Instant checkedAt) {
    Map<HealthStatus, Integer> counts = new EnumMap<>(HealthStatus.class);
    for (HealthStatus s : HealthStatus.values()) {
      counts.put(s, 0);
    }
    HealthStatus worst = HealthStatus.OK;
    for (FeedHealth h : healths) {
      counts.merge(h.status(), 1, Integer::sum);
      worst = worst.worst(h.status());
    }
    List<FeedHealth> bad = healths.stream()
        .filter(h -> h.status() != HealthStatus.OK)
        .sorted(java.util.Comparator.comparing(FeedHealth::status).reversed()
            .thenComparing(FeedHealth::tenant).thenComparing(FeedHealth::feedId))
        .toList();
    return new HealthReport(worst, checkedAt, healths.size(), counts, bad);
  }

  /** True when every feed is OK. */
  public boolean isHealthy() {
    return status == HealthStatus.OK;
  }

  /** Feeds with the given status. */
  public int count(HealthStatus s) {
    return counts.getOrDefault(s, 0);
  }
}

package dev.icssync.health;

import dev.icssync.Checks;

/**
 * When a feed counts as stale or failing.
 *
 * <p>Still a record: two thresholds. Its constructor is public, so a new component will come with
 * the old constructor kept as an overload (Java 17 has no record patterns to break).
 *
 * @param staleAfterIntervals k: a feed is stale when its last success is older than k times its
 *     poll interval (default 3)
 * @param failingAfter consecutive failed syncs that make a feed failing (default 3; 1 means "the last
 *     sync failed")
 */
public record HealthPolicy(int staleAfterIntervals, int failingAfter) {

  public HealthPolicy {
    Checks.positive(staleAfterIntervals, "staleAfterIntervals");
    Checks.positive(failingAfter, "failingAfter");
  }

  /** k = 3 intervals, failing after 3 failures in a row. */
  public static HealthPolicy defaults() {
    return new HealthPolicy(3, 3);
  }
}

package dev.icssync.health;

/**
 * The health of one feed, from best to worst; an aggregate takes the worst of its feeds.
 *
 * <p>When several apply, the worst wins: a quarantined feed that also fails is QUARANTINED.
 */
public enum HealthStatus {
  /** Synced successfully within its staleness bound and not failing. */
  OK,
  /**
   * No successful sync within {@code k x pollInterval} (k from {@link HealthPolicy}), or never
   * synced successfully: the stored calendar may be out of date.
   */
  STALE,
  /** At least {@link HealthPolicy#failingAfter()} syncs in a row failed. */
  FAILING,
  /** The mass-cancel guard holds back cancellations until confirmed or forced. */
  QUARANTINED;

  /** The worse of two statuses. */
  public HealthStatus worst(HealthStatus other) {
    return compareTo(other) >= 0 ? this : other;
  }
}

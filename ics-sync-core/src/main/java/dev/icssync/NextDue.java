package dev.icssync;

/**
 * Whether a sync call honours each feed's {@link FeedState#nextDue() next due time}: one poll
 * interval after a success, the failure backoff (the interval doubled per failure in a row, capped
 * at a day) or the server's Retry-After after a failure.
 *
 * <pre>{@code
 * sync.syncTenant("tenant-1");                  // a host's polling loop: only the feeds that are due
 * sync.syncTenant("tenant-1", NextDue.IGNORE);  // an operator's explicit round: every active feed
 * }</pre>
 */
public enum NextDue {
  /**
   * Feeds that are not due yet are not fetched: each is reported {@link SyncOutcome#SKIPPED} with
   * the message {@code not due until <instant>}. The default of {@code syncTenant} and {@code syncAll}.
   */
  HONOUR,
  /** Every feed is synced now, whatever its next due time (Retry-After and backoff included). */
  IGNORE
}

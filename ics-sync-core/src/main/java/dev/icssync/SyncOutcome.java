package dev.icssync;

/** How a sync ended. */
public enum SyncOutcome {
  /** The server answered 304: nothing parsed, no event written. */
  NOT_MODIFIED,
  /** The body's digest equals the stored one: nothing parsed, no event written. */
  UNCHANGED,
  /** The feed was parsed, diffed and applied (possibly with zero changes). */
  APPLIED,
  /**
   * Applied, but cancellations were held back by the mass-cancel guard; the feed is quarantined
   * until the same result is seen again or an operator forces it.
   */
  QUARANTINED,
  /** Fetch, parse or storage failed; no event changed. See {@link SyncReport#failure()}. */
  FAILED,
  /** Another worker started a newer sync of the same feed: this apply was rejected. */
  STALE,
  /** A dry run: the diff was computed and returned, nothing was written. */
  DRY_RUN,
  /**
   * The feed is inactive, the sync was refused by a rate limit, another sync of the feed was running,
   * or the feed is not due yet and the call honours {@link NextDue} (its message says until when).
   */
  SKIPPED
}

package dev.icssync;

/** How {@link IcsSync#syncFeed(String, String, SyncMode)} runs. */
public enum SyncMode {
  /** Conditional fetch; the mass-cancel guard applies. */
  NORMAL,
  /**
   * Unconditional fetch (validators and digest ignored) and the operator's confirmation: held-back
   * cancellations are applied and the quarantine is lifted.
   */
  FORCE,
  /** Fetch, parse and diff; return the changes without writing anything (not even feed state). */
  DRY_RUN
}

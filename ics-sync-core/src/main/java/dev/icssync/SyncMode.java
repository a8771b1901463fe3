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
  /**
   * Unconditional fetch (validators and digest ignored), for when the stored events were reset,
   * restored from a backup or edited by hand and the feed's 304s and unchanged digests no longer
   * describe them. Unlike {@link #FORCE} it confirms nothing: the mass-cancel guard and any
   * quarantine stay in force. The validators of the new response are stored again.
   */
  RELOAD,
  /** Fetch, parse and diff; return the changes without writing anything (not even feed state). */
  DRY_RUN
}

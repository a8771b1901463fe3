package dev.icssync;

/** How {@link IcsSync#syncFeed(String, String, SyncMode)} runs. */
public enum SyncMode {
  /** Conditional fetch; the mass-cancel guard applies. */
  NORMAL,
  /**
   * The same as {@link #RELOAD}: an unconditional fetch that confirms nothing.
   *
   * @deprecated it used to confirm held-back cancellations as well, which made a refetch of a whole
   *     tenant silently apply every mass cancellation the guard held back. It is now a reload
   *     (kept so that code using it compiles and does what users expect of "force": fetch again);
   *     use {@link #RELOAD} for that, and {@link IcsSync#confirmQuarantine(String, String)} to
   *     confirm the held-back cancellations of one feed.
   */
  @Deprecated
  FORCE,
  /**
   * Unconditional fetch (validators and digest ignored), for when the stored events were reset,
   * restored from a backup or edited by hand and the feed's 304s and unchanged digests no longer
   * describe them. It confirms nothing: the mass-cancel guard and any quarantine stay in force (see
   * {@link IcsSync#confirmQuarantine(String, String)}). The validators of the new response are stored
   * again.
   */
  RELOAD,
  /** Fetch, parse and diff; return the changes without writing anything (not even feed state). */
  DRY_RUN
}

package dev.icssync.spi;

import dev.icssync.ChangeEvent;
import dev.icssync.Feed;
import dev.icssync.SyncReport;

/**
 * Hears about syncs. Called after commit, on the syncing thread; an exception thrown here is logged
 * and never undoes a sync or stops other listeners. Keep it quick or hand work to your own executor.
 */
public interface SyncListener {

  default void onSyncStarted(Feed feed) {}

  /** Every typed change of a committed sync, in order, before {@link #onSyncFinished}. */
  default void onChange(ChangeEvent change) {}

  default void onSyncFinished(Feed feed, SyncReport report) {}
}

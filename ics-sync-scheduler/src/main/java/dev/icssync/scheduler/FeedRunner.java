package dev.icssync.scheduler;

import dev.icssync.SyncReport;

/** Runs one sync of one feed; {@code IcsSync::syncFeed} in production, a fake in some unit tests. */
@FunctionalInterface
interface FeedRunner {
  SyncReport run(String tenant, String feedId);
}

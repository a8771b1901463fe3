/**
 * Distributed, persistent per-feed scheduling on db-scheduler: start a worker with
 * {@link dev.icssync.scheduler.FeedSyncScheduler#builder(javax.sql.DataSource)}.
 */
@NullMarked
package dev.icssync.scheduler;

import org.jspecify.annotations.NullMarked;

/**
 * Micrometer binding: {@link dev.icssync.micrometer.MicrometerSyncListener} turns sync reports into
 * timers, counters and gauges, and binds cache statistics. Tags are bounded (source, outcome, reason,
 * phase; tenant only when asked); no meter carries a feed URL or an export token.
 */
@NullMarked
package dev.icssync.micrometer;

import org.jspecify.annotations.NullMarked;

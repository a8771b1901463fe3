/**
 * Feed health: a per-feed {@link dev.icssync.health.HealthStatus} computed from the stored
 * {@link dev.icssync.FeedState}, the feed's poll interval and a clock, and an aggregate a host can
 * expose on its health endpoint. Start with {@link dev.icssync.health.FeedHealthCheck}.
 */
@NullMarked
package dev.icssync.health;

import org.jspecify.annotations.NullMarked;

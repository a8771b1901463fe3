package dev.icssync.internal.engine;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * When a feed is due again. After a success: one poll interval. After the n-th failure in a row:
 * the interval doubled (n - 1) times, capped at {@link #MAX} (but never below the interval), and
 * never earlier than the server's Retry-After.
 */
public final class Backoff {
  static final Duration MAX = Duration.ofHours(24);

  private Backoff() {}

  public static Instant afterSuccess(Instant now, Duration pollInterval) {
    return now.plus(pollInterval);
  }

  public static Instant afterFailure(Instant now, Duration pollInterval, int failures,
      @Nullable Duration retryAfter) {
    int doublings = Math.min(Math.max(failures - 1, 0), 20);
    Duration wait = pollInterval;
    for (int i = 0; i < doublings && wait.compareTo(MAX) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    Duration cap = pollInterval.compareTo(MAX) > 0 ? pollInterval : MAX;
    if (wait.compareTo(cap) > 0) {
      wait = cap;
    }
    if (retryAfter != null && retryAfter.compareTo(wait) > 0) {
      wait = retryAfter;
    }
    return now.plus(wait);
  }
}

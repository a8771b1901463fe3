package dev.icssync.internal.engine;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * When a feed is due again. After a success: one poll interval. After the n-th failure in a row:
 * the library's {@link dev.icssync.Backoff} from the interval, capped at {@link #MAX} (but never
 * below the interval), and never earlier than the server's Retry-After.
 */
public final class Backoff {
  static final Duration MAX = Duration.ofHours(24);

  private Backoff() {}

  public static Instant afterSuccess(Instant now, Duration pollInterval) {
    return now.plus(pollInterval);
  }

  public static Instant afterFailure(Instant now, Duration pollInterval, int failures,
      @Nullable Duration retryAfter) {
    Duration cap = pollInterval.compareTo(MAX) > 0 ? pollInterval : MAX;
    Duration wait = dev.icssync.Backoff.exponential(pollInterval, cap).delay(failures);
    if (retryAfter != null && retryAfter.compareTo(wait) > 0) {
      wait = retryAfter;
    }
    return now.plus(wait);
  }
}

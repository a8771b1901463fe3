package dev.icssync.alert;

import dev.icssync.SyncTimings;
import java.time.Duration;

/** What an {@link AlertRule} watches. Latencies are in seconds; the error rate is a share in [0, 1]. */
public enum Signal {
  FETCH_LATENCY,
  PARSE_LATENCY,
  DIFF_LATENCY,
  APPLY_LATENCY,
  DETECT_LATENCY,
  TOTAL_LATENCY,
  /** Failed syncs divided by syncs that ran (skipped ones are not counted). */
  ERROR_RATE;

  boolean isLatency() {
    return this != ERROR_RATE;
  }

  Duration of(SyncTimings t) {
    return switch (this) {
      case FETCH_LATENCY -> t.fetch();
      case PARSE_LATENCY -> t.parse();
      case DIFF_LATENCY -> t.diff();
      case APPLY_LATENCY -> t.apply();
      case DETECT_LATENCY -> t.detect();
      case TOTAL_LATENCY -> t.total();
      case ERROR_RATE -> throw new IllegalStateException("not a latency");
    };
  }
}

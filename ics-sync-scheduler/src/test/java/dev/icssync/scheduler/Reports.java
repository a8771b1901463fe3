package dev.icssync.scheduler;

import dev.icssync.ChangeCounts;
import dev.icssync.FailureReason;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.SyncTimings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Sync reports for tests of the rescheduling rules. */
final class Reports {
  private Reports() {}

  static SyncReport of(String tenant, String feedId, SyncOutcome outcome) {
    return of(tenant, feedId, outcome, null, null);
  }

  static SyncReport failed(String tenant, String feedId, FailureReason reason, @Nullable Duration retryAfter) {
    return of(tenant, feedId, SyncOutcome.FAILED, reason, retryAfter);
  }

  static SyncReport of(String tenant, String feedId, SyncOutcome outcome, @Nullable FailureReason reason,
      @Nullable Duration retryAfter) {
    return SyncReport.builder()
        .feedId(feedId)
        .tenant(tenant)
        .property("p")
        .source("test")
        .outcome(outcome)
        .failure(reason)
        .message(outcome.name())
        .retryAfter(retryAfter)
        .startedAt(Instant.now())
        .build();
  }
}

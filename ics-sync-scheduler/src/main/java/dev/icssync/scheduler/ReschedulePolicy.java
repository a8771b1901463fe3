package dev.icssync.scheduler;

import dev.icssync.Backoff;
import dev.icssync.FailureReason;
import dev.icssync.SyncReport;
import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * When a feed runs next, given how its last sync ended. Pure: time and randomness come in as
 * arguments, so every rule is unit-tested without a scheduler.
 *
 * <ul>
 *   <li>success (applied, unchanged, not modified, quarantined), stale, skipped: {@code now +
 *       interval * (1 + u)}, u uniform in [-jitter, +jitter];
 *   <li>a failure carrying Retry-After (429, 503): {@code now + min(retryAfter, maxRetryAfter)} plus
 *       up to 10 % (at most one minute) more, never earlier than the server asked;
 *   <li>other transient failures: capped exponential backoff with full jitter, floored at the base:
 *       uniform in [base, min(cap, base * 2^(n-1))] for the n-th failure in a row;
 *   <li>permanent failures (401/403, not a calendar, too large, ...): the later of the interval and
 *       the backoff, so a broken feed is retried on its normal cadence or slower, never faster;
 *   <li>GONE (404/410): stop. Nothing ever stops an active feed otherwise: the failure count only
 *       stretches the delay up to the cap.
 * </ul>
 */
record ReschedulePolicy(double jitter, Duration backoffBase, Duration backoffCap, Duration maxRetryAfter) {

  /** What to do with a feed's task after a run. */
  record Decision(@Nullable Instant nextRun, int failures) {
    static Decision stop() {
      return new Decision(null, 0);
    }

    boolean isStop() {
      return nextRun == null;
    }
  }

  Decision decide(SyncReport report, Duration interval, int failuresBefore, Instant now,
      RandomGenerator random) {
    return switch (report.outcome()) {
      case NOT_MODIFIED, UNCHANGED, APPLIED, QUARANTINED, DRY_RUN ->
          new Decision(now.plus(jittered(interval, random)), 0);
      // Another worker ran a newer sync, or a limiter said "not now": keep the cadence and the count.
      case STALE, SKIPPED -> new Decision(now.plus(jittered(interval, random)), failuresBefore);
      case FAILED -> failed(report, interval, failuresBefore, now, random);
    };
  }

  private Decision failed(SyncReport report, Duration interval, int failuresBefore, Instant now,
      RandomGenerator random) {
    FailureReason reason = report.failure();
    if (reason == FailureReason.GONE) {
      return Decision.stop();
    }
    int failures = failuresBefore == Integer.MAX_VALUE ? failuresBefore : failuresBefore + 1;
    Duration retryAfter = report.retryAfter();
    if (retryAfter != null && !retryAfter.isNegative()) {
      Duration wait = retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
      long spreadMillis = Math.min(wait.toMillis() / 10, 60_000);
      long extra = spreadMillis <= 0 ? 0 : random.nextLong(spreadMillis + 1);
      return new Decision(now.plus(wait).plusMillis(extra), failures);
    }
    Duration backoff = backoff(failures, random);
    if (reason != null && reason.isTransient()) {
      return new Decision(now.plus(backoff), failures);
    }
    Duration normal = jittered(interval, random);
    return new Decision(now.plus(normal.compareTo(backoff) >= 0 ? normal : backoff), failures);
  }

  /** Full jitter over [base, min(cap, base * 2^(n-1))]: the library's {@link Backoff}. */
  Duration backoff(int failures, RandomGenerator random) {
    return Backoff.exponential(backoffBase, backoffCap).jitteredDelay(failures, random);
  }

  Duration jittered(Duration interval, RandomGenerator random) {
    long millis = interval.toMillis();
    long spread = (long) (millis * jitter);
    if (spread <= 0) {
      return interval;
    }
    return Duration.ofMillis(millis - spread + random.nextLong(2 * spread + 1));
  }
}

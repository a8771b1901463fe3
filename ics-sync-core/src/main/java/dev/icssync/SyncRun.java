package dev.icssync;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One row of the change log: what a sync run did. Stored in the same transaction as its apply.
 *
 * <p>Still a record: a stored run of the change log, read and written by the adapters. Its
 * constructor is public, so a new component will come with the old constructor kept as an
 * overload (Java 17 has no record patterns to break).
 *
 * @param runId unique id of the run
 * @param tenant tenant
 * @param feedId feed
 * @param generation the feed generation the run held
 * @param startedAt start
 * @param finishedAt end
 * @param outcome outcome
 * @param failure typed failure reason, if any
 * @param counts change counts
 * @param message redacted message
 * @param bytes size of the body the run fetched (decoded), 0 when it fetched none
 */
public record SyncRun(
    String runId,
    String tenant,
    String feedId,
    long generation,
    Instant startedAt,
    Instant finishedAt,
    SyncOutcome outcome,
    @Nullable FailureReason failure,
    ChangeCounts counts,
    String message,
    long bytes) {

  public SyncRun {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(feedId, "feedId");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(counts, "counts");
    Objects.requireNonNull(message, "message");
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must not be negative, was " + bytes);
    }
  }

  /** A run that fetched no body (or whose size is not known). */
  public SyncRun(String runId, String tenant, String feedId, long generation, Instant startedAt,
      Instant finishedAt, SyncOutcome outcome, @Nullable FailureReason failure, ChangeCounts counts,
      String message) {
    this(runId, tenant, feedId, generation, startedAt, finishedAt, outcome, failure, counts, message, 0);
  }
}

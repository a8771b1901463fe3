package dev.icssync;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The result of one sync of one feed. Never thrown: every failure is a value here.
 *
 * @param feedId the feed
 * @param tenant its tenant
 * @param property its property
 * @param source its channel
 * @param outcome how the sync ended
 * @param failure the typed reason when {@code outcome} is FAILED, else null
 * @param message a short human-readable explanation (never contains the feed URL or a token)
 * @param counts what changed
 * @param conflictsOpened double bookings detected by this sync
 * @param conflictsResolved double bookings resolved by this sync
 * @param timings durations of the phases
 * @param bytes size of the fetched body (decoded), 0 when none
 * @param diagnostics what the lenient parser worked around or chose (see {@code IcalParser}), then
 *     the identities a channel profile gave that were refused (two events on one rule identity)
 * @param changes the typed changes (empty for a dry run's unapplied state, filled for its diff)
 * @param retryAfter when the server asked to come back (429/503), else null
 * @param permanentRedirect the redacted target of a chain of permanent redirects, for URL update
 * @param startedAt when the sync started
 */
public record SyncReport(
    String feedId,
    String tenant,
    String property,
    String source,
    SyncOutcome outcome,
    @Nullable FailureReason failure,
    String message,
    ChangeCounts counts,
    int conflictsOpened,
    int conflictsResolved,
    SyncTimings timings,
    long bytes,
    List<Diagnostic> diagnostics,
    List<ChangeEvent> changes,
    @Nullable Duration retryAfter,
    @Nullable String permanentRedirect,
    Instant startedAt) {

  public SyncReport {
    Objects.requireNonNull(feedId, "feedId");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(property, "property");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(counts, "counts");
    Objects.requireNonNull(timings, "timings");
    Objects.requireNonNull(startedAt, "startedAt");
    diagnostics = List.copyOf(diagnostics);
    changes = List.copyOf(changes);
    if ((outcome == SyncOutcome.FAILED) != (failure != null)) {
      throw new IllegalArgumentException("failure must be set exactly when outcome is FAILED");
    }
  }

  /** True for NOT_MODIFIED, UNCHANGED, APPLIED, QUARANTINED and DRY_RUN. */
  public boolean isSuccess() {
    return switch (outcome) {
      case NOT_MODIFIED, UNCHANGED, APPLIED, QUARANTINED, DRY_RUN -> true;
      case FAILED, STALE, SKIPPED -> false;
    };
  }
}

package dev.icssync;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The result of one sync of one feed. Never thrown: every failure is a value here.
 *
 * <p>A final class rather than a record: a report gains fields as the engine learns more, and a
 * record's canonical constructor would break every caller with each one. Built with
 * {@link #builder()}; accessors keep the record style.
 */
public final class SyncReport {
  private final String feedId;
  private final String tenant;
  private final String property;
  private final String source;
  private final SyncOutcome outcome;
  private final @Nullable FailureReason failure;
  private final String message;
  private final ChangeCounts counts;
  private final int conflictsOpened;
  private final int conflictsResolved;
  private final SyncTimings timings;
  private final long bytes;
  private final List<Diagnostic> diagnostics;
  private final List<ChangeEvent> changes;
  private final @Nullable Duration retryAfter;
  private final @Nullable String permanentRedirect;
  private final Instant startedAt;

  private SyncReport(String feedId, String tenant, String property, String source,
      SyncOutcome outcome, @Nullable FailureReason failure, String message, ChangeCounts counts,
      int conflictsOpened, int conflictsResolved, SyncTimings timings, long bytes,
      List<Diagnostic> diagnostics, List<ChangeEvent> changes, @Nullable Duration retryAfter,
      @Nullable String permanentRedirect, Instant startedAt) {
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
    this.feedId = feedId;
    this.tenant = tenant;
    this.property = property;
    this.source = source;
    this.outcome = outcome;
    this.failure = failure;
    this.message = message;
    this.counts = counts;
    this.conflictsOpened = conflictsOpened;
    this.conflictsResolved = conflictsResolved;
    this.timings = timings;
    this.bytes = bytes;
    this.diagnostics = diagnostics;
    this.changes = changes;
    this.retryAfter = retryAfter;
    this.permanentRedirect = permanentRedirect;
    this.startedAt = startedAt;
  }

  /** A builder with nothing set but the defaults; {@link Builder#build()} validates. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this value's components, to change some of them. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a {@link SyncReport}; components not set keep their defaults. */
  public static final class Builder {
    private @Nullable String feedId;
    private @Nullable String tenant;
    private String property = "";
    private String source = "";
    private @Nullable SyncOutcome outcome;
    private @Nullable FailureReason failure;
    private String message = "";
    private ChangeCounts counts = ChangeCounts.NONE;
    private int conflictsOpened;
    private int conflictsResolved;
    private SyncTimings timings = SyncTimings.ZERO;
    private long bytes;
    private List<Diagnostic> diagnostics = List.of();
    private List<ChangeEvent> changes = List.of();
    private @Nullable Duration retryAfter;
    private @Nullable String permanentRedirect;
    private @Nullable Instant startedAt;

    private Builder() {}

    private Builder(SyncReport from) {
      this.feedId = from.feedId;
      this.tenant = from.tenant;
      this.property = from.property;
      this.source = from.source;
      this.outcome = from.outcome;
      this.failure = from.failure;
      this.message = from.message;
      this.counts = from.counts;
      this.conflictsOpened = from.conflictsOpened;
      this.conflictsResolved = from.conflictsResolved;
      this.timings = from.timings;
      this.bytes = from.bytes;
      this.diagnostics = from.diagnostics;
      this.changes = from.changes;
      this.retryAfter = from.retryAfter;
      this.permanentRedirect = from.permanentRedirect;
      this.startedAt = from.startedAt;
    }

    /** See {@link SyncReport#feedId()}. */
    public Builder feedId(String value) {
      this.feedId = value;
      return this;
    }

    /** See {@link SyncReport#tenant()}. */
    public Builder tenant(String value) {
      this.tenant = value;
      return this;
    }

    /** See {@link SyncReport#property()}. */
    public Builder property(String value) {
      this.property = value;
      return this;
    }

    /** See {@link SyncReport#source()}. */
    public Builder source(String value) {
      this.source = value;
      return this;
    }

    /** See {@link SyncReport#outcome()}. */
    public Builder outcome(SyncOutcome value) {
      this.outcome = value;
      return this;
    }

    /** See {@link SyncReport#failure()}. */
    public Builder failure(@Nullable FailureReason value) {
      this.failure = value;
      return this;
    }

    /** See {@link SyncReport#message()}. */
    public Builder message(String value) {
      this.message = value;
      return this;
    }

    /** See {@link SyncReport#counts()}. */
    public Builder counts(ChangeCounts value) {
      this.counts = value;
      return this;
    }

    /** See {@link SyncReport#conflictsOpened()}. */
    public Builder conflictsOpened(int value) {
      this.conflictsOpened = value;
      return this;
    }

    /** See {@link SyncReport#conflictsResolved()}. */
    public Builder conflictsResolved(int value) {
      this.conflictsResolved = value;
      return this;
    }

    /** See {@link SyncReport#timings()}. */
    public Builder timings(SyncTimings value) {
      this.timings = value;
      return this;
    }

    /** See {@link SyncReport#bytes()}. */
    public Builder bytes(long value) {
      this.bytes = value;
      return this;
    }

    /** See {@link SyncReport#diagnostics()}. */
    public Builder diagnostics(List<Diagnostic> value) {
      this.diagnostics = value;
      return this;
    }

    /** See {@link SyncReport#changes()}. */
    public Builder changes(List<ChangeEvent> value) {
      this.changes = value;
      return this;
    }

    /** See {@link SyncReport#retryAfter()}. */
    public Builder retryAfter(@Nullable Duration value) {
      this.retryAfter = value;
      return this;
    }

    /** See {@link SyncReport#permanentRedirect()}. */
    public Builder permanentRedirect(@Nullable String value) {
      this.permanentRedirect = value;
      return this;
    }

    /** See {@link SyncReport#startedAt()}. */
    public Builder startedAt(Instant value) {
      this.startedAt = value;
      return this;
    }

    /** Validates and builds. */
    @SuppressWarnings("NullAway")
    public SyncReport build() {
      return new SyncReport(feedId, tenant, property, source, outcome, failure, message, counts,
          conflictsOpened, conflictsResolved, timings, bytes, diagnostics, changes, retryAfter,
          permanentRedirect, startedAt);
    }
  }

  /** The feed. */
  public String feedId() {
    return feedId;
  }

  /** Its tenant. */
  public String tenant() {
    return tenant;
  }

  /** Its property. */
  public String property() {
    return property;
  }

  /** Its channel. */
  public String source() {
    return source;
  }

  /** How the sync ended. */
  public SyncOutcome outcome() {
    return outcome;
  }

  /** The typed reason when {@code outcome} is FAILED, else null. */
  public @Nullable FailureReason failure() {
    return failure;
  }

  /** A short human-readable explanation (never contains the feed URL or a token). */
  public String message() {
    return message;
  }

  /** What changed. */
  public ChangeCounts counts() {
    return counts;
  }

  /** Double bookings detected by this sync. */
  public int conflictsOpened() {
    return conflictsOpened;
  }

  /** Double bookings resolved by this sync. */
  public int conflictsResolved() {
    return conflictsResolved;
  }

  /** Durations of the phases. */
  public SyncTimings timings() {
    return timings;
  }

  /** Size of the fetched body (decoded), 0 when none. */
  public long bytes() {
    return bytes;
  }

  /** What the lenient parser worked around or chose (see {@code IcalParser}), then the identities a channel profile gave that were refused (two events on one rule identity). */
  public List<Diagnostic> diagnostics() {
    return diagnostics;
  }

  /** The typed changes (empty for a dry run's unapplied state, filled for its diff). */
  public List<ChangeEvent> changes() {
    return changes;
  }

  /** When the server asked to come back (429/503), else null. */
  public @Nullable Duration retryAfter() {
    return retryAfter;
  }

  /** The redacted target of a chain of permanent redirects, for URL update. */
  public @Nullable String permanentRedirect() {
    return permanentRedirect;
  }

  /** When the sync started. */
  public Instant startedAt() {
    return startedAt;
  }

  /** True for NOT_MODIFIED, UNCHANGED, APPLIED, QUARANTINED and DRY_RUN. */
  public boolean isSuccess() {
    return switch (outcome) {
      case NOT_MODIFIED, UNCHANGED, APPLIED, QUARANTINED, DRY_RUN -> true;
      case FAILED, STALE, SKIPPED -> false;
    };
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof SyncReport o
        && Objects.equals(feedId, o.feedId)
        && Objects.equals(tenant, o.tenant)
        && Objects.equals(property, o.property)
        && Objects.equals(source, o.source)
        && Objects.equals(outcome, o.outcome)
        && Objects.equals(failure, o.failure)
        && Objects.equals(message, o.message)
        && Objects.equals(counts, o.counts)
        && conflictsOpened == o.conflictsOpened
        && conflictsResolved == o.conflictsResolved
        && Objects.equals(timings, o.timings)
        && bytes == o.bytes
        && Objects.equals(diagnostics, o.diagnostics)
        && Objects.equals(changes, o.changes)
        && Objects.equals(retryAfter, o.retryAfter)
        && Objects.equals(permanentRedirect, o.permanentRedirect)
        && Objects.equals(startedAt, o.startedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(feedId, tenant, property, source, outcome, failure, message, counts,
        conflictsOpened, conflictsResolved, timings, bytes, diagnostics, changes, retryAfter,
        permanentRedirect, startedAt);
  }

  @Override
  public String toString() {
    return "SyncReport[feedId=" + feedId + ", tenant=" + tenant + ", property=" + property
        + ", source=" + source + ", outcome=" + outcome + ", failure=" + failure
        + ", message=" + message + ", counts=" + counts + ", conflictsOpened=" + conflictsOpened
        + ", conflictsResolved=" + conflictsResolved + ", timings=" + timings
        + ", bytes=" + bytes + ", diagnostics=" + diagnostics + ", changes=" + changes
        + ", retryAfter=" + retryAfter + ", permanentRedirect=" + permanentRedirect
        + ", startedAt=" + startedAt + "]";
  }
}

package dev.icssync;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the library remembers of a feed between syncs.
 *
 * <p>A final class rather than a record: the state gains fields as the engine remembers more, and
 * a record's canonical constructor would break every store adapter with each one. Built with
 * {@link #builder()} or changed with {@link #toBuilder()}; accessors keep the record style.
 */
public final class FeedState {
  private final String tenant;
  private final String feedId;
  private final @Nullable String etag;
  private final @Nullable String lastModified;
  private final @Nullable String contentDigest;
  private final int parserVersion;
  private final @Nullable Instant lastAttempt;
  private final @Nullable Instant lastSuccess;
  private final int consecutiveFailures;
  private final @Nullable String lastError;
  private final @Nullable Instant nextDue;
  private final @Nullable Quarantine quarantine;
  private final long generation;

  private FeedState(String tenant, String feedId, @Nullable String etag,
      @Nullable String lastModified, @Nullable String contentDigest, int parserVersion,
      @Nullable Instant lastAttempt, @Nullable Instant lastSuccess, int consecutiveFailures,
      @Nullable String lastError, @Nullable Instant nextDue, @Nullable Quarantine quarantine,
      long generation) {
    Checks.nonBlank(tenant, "tenant");
    Checks.nonBlank(feedId, "feedId");
    if (consecutiveFailures < 0) {
      throw new IllegalArgumentException("consecutiveFailures must not be negative");
    }
    if (generation < 0) {
      throw new IllegalArgumentException("generation must not be negative");
    }
    this.tenant = tenant;
    this.feedId = feedId;
    this.etag = etag;
    this.lastModified = lastModified;
    this.contentDigest = contentDigest;
    this.parserVersion = parserVersion;
    this.lastAttempt = lastAttempt;
    this.lastSuccess = lastSuccess;
    this.consecutiveFailures = consecutiveFailures;
    this.lastError = lastError;
    this.nextDue = nextDue;
    this.quarantine = quarantine;
    this.generation = generation;
  }

  /** A builder with nothing set but the defaults; {@link Builder#build()} validates. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this value's components, to change some of them. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a {@link FeedState}; components not set keep their defaults. */
  public static final class Builder {
    private @Nullable String tenant;
    private @Nullable String feedId;
    private @Nullable String etag;
    private @Nullable String lastModified;
    private @Nullable String contentDigest;
    private int parserVersion;
    private @Nullable Instant lastAttempt;
    private @Nullable Instant lastSuccess;
    private int consecutiveFailures;
    private @Nullable String lastError;
    private @Nullable Instant nextDue;
    private @Nullable Quarantine quarantine;
    private long generation;

    private Builder() {}

    private Builder(FeedState from) {
      this.tenant = from.tenant;
      this.feedId = from.feedId;
      this.etag = from.etag;
      this.lastModified = from.lastModified;
      this.contentDigest = from.contentDigest;
      this.parserVersion = from.parserVersion;
      this.lastAttempt = from.lastAttempt;
      this.lastSuccess = from.lastSuccess;
      this.consecutiveFailures = from.consecutiveFailures;
      this.lastError = from.lastError;
      this.nextDue = from.nextDue;
      this.quarantine = from.quarantine;
      this.generation = from.generation;
    }

    /** See {@link FeedState#tenant()}. */
    public Builder tenant(String value) {
      this.tenant = value;
      return this;
    }

    /** See {@link FeedState#feedId()}. */
    public Builder feedId(String value) {
      this.feedId = value;
      return this;
    }

    /** See {@link FeedState#etag()}. */
    public Builder etag(@Nullable String value) {
      this.etag = value;
      return this;
    }

    /** See {@link FeedState#lastModified()}. */
    public Builder lastModified(@Nullable String value) {
      this.lastModified = value;
      return this;
    }

    /** See {@link FeedState#contentDigest()}. */
    public Builder contentDigest(@Nullable String value) {
      this.contentDigest = value;
      return this;
    }

    /** See {@link FeedState#parserVersion()}. */
    public Builder parserVersion(int value) {
      this.parserVersion = value;
      return this;
    }

    /** See {@link FeedState#lastAttempt()}. */
    public Builder lastAttempt(@Nullable Instant value) {
      this.lastAttempt = value;
      return this;
    }

    /** See {@link FeedState#lastSuccess()}. */
    public Builder lastSuccess(@Nullable Instant value) {
      this.lastSuccess = value;
      return this;
    }

    /** See {@link FeedState#consecutiveFailures()}. */
    public Builder consecutiveFailures(int value) {
      this.consecutiveFailures = value;
      return this;
    }

    /** See {@link FeedState#lastError()}. */
    public Builder lastError(@Nullable String value) {
      this.lastError = value;
      return this;
    }

    /** See {@link FeedState#nextDue()}. */
    public Builder nextDue(@Nullable Instant value) {
      this.nextDue = value;
      return this;
    }

    /** See {@link FeedState#quarantine()}. */
    public Builder quarantine(@Nullable Quarantine value) {
      this.quarantine = value;
      return this;
    }

    /** See {@link FeedState#generation()}. */
    public Builder generation(long value) {
      this.generation = value;
      return this;
    }

    /** Validates and builds. */
    @SuppressWarnings("NullAway")
    public FeedState build() {
      return new FeedState(tenant, feedId, etag, lastModified, contentDigest, parserVersion, lastAttempt, lastSuccess, consecutiveFailures, lastError, nextDue, quarantine, generation);
    }
  }

  /** Owning tenant. */
  public String tenant() {
    return tenant;
  }

  /** The feed. */
  public String feedId() {
    return feedId;
  }

  /** Last ETag validator, if the server sent one. */
  public @Nullable String etag() {
    return etag;
  }

  /** Last Last-Modified validator (HTTP-date text, as received). */
  public @Nullable String lastModified() {
    return lastModified;
  }

  /** Semantic digest of the last applied body (unchanged body = no work). */
  public @Nullable String contentDigest() {
    return contentDigest;
  }

  /** Version of parser + profile that produced the digest; a new version forces a full re-parse. */
  public int parserVersion() {
    return parserVersion;
  }

  /** When the last sync started. */
  public @Nullable Instant lastAttempt() {
    return lastAttempt;
  }

  /** When a sync last succeeded (applied, unchanged or not modified). */
  public @Nullable Instant lastSuccess() {
    return lastSuccess;
  }

  /** Failed syncs in a row. */
  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  /** Typed reason and redacted message of the last failure. */
  public @Nullable String lastError() {
    return lastError;
  }

  /** When the feed should be fetched next. */
  public @Nullable Instant nextDue() {
    return nextDue;
  }

  /** Held-back cancellations, or null. */
  public @Nullable Quarantine quarantine() {
    return quarantine;
  }

  /** Fencing token: bumped by {@code beginSync}; an apply with an older one is rejected. */
  public long generation() {
    return generation;
  }

  /** The state of a feed never synced. */
  public static FeedState initial(String tenant, String feedId) {
    return new FeedState(tenant, feedId, null, null, null, 0, null, null, 0, null, null, null, 0);
  }

  /**
   * True when the feed should be fetched at {@code now}: never synced, or its {@link #nextDue} has
   * come (the poll interval after a success, the backoff or Retry-After after a failure).
   */
  public boolean isDue(Instant now) {
    return nextDue == null || !nextDue.isAfter(now);
  }

  public boolean isQuarantined() {
    return quarantine != null;
  }

  public FeedState withGeneration(long newGeneration) {
    return new FeedState(tenant, feedId, etag, lastModified, contentDigest, parserVersion, lastAttempt,
        lastSuccess, consecutiveFailures, lastError, nextDue, quarantine, newGeneration);
  }

  /** The same state without HTTP validators or digest: the next fetch is unconditional. */
  public FeedState withoutValidators() {
    return new FeedState(tenant, feedId, null, null, null, parserVersion, lastAttempt, lastSuccess,
        consecutiveFailures, lastError, nextDue, quarantine, generation);
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof FeedState o
        && Objects.equals(tenant, o.tenant)
        && Objects.equals(feedId, o.feedId)
        && Objects.equals(etag, o.etag)
        && Objects.equals(lastModified, o.lastModified)
        && Objects.equals(contentDigest, o.contentDigest)
        && parserVersion == o.parserVersion
        && Objects.equals(lastAttempt, o.lastAttempt)
        && Objects.equals(lastSuccess, o.lastSuccess)
        && consecutiveFailures == o.consecutiveFailures
        && Objects.equals(lastError, o.lastError)
        && Objects.equals(nextDue, o.nextDue)
        && Objects.equals(quarantine, o.quarantine)
        && generation == o.generation;
  }

  @Override
  public int hashCode() {
    return Objects.hash(tenant, feedId, etag, lastModified, contentDigest, parserVersion,
        lastAttempt, lastSuccess, consecutiveFailures, lastError, nextDue, quarantine, generation);
  }

  @Override
  public String toString() {
    return "FeedState[tenant=" + tenant + ", feedId=" + feedId + ", etag=" + etag
        + ", lastModified=" + lastModified + ", contentDigest=" + contentDigest
        + ", parserVersion=" + parserVersion + ", lastAttempt=" + lastAttempt
        + ", lastSuccess=" + lastSuccess + ", consecutiveFailures=" + consecutiveFailures
        + ", lastError=" + lastError + ", nextDue=" + nextDue + ", quarantine=" + quarantine
        + ", generation=" + generation + "]";
  }
}

package dev.icssync;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What the library remembers of a feed between syncs.
 *
 * @param tenant owning tenant
 * @param feedId the feed
 * @param etag last ETag validator, if the server sent one
 * @param lastModified last Last-Modified validator (HTTP-date text, as received)
 * @param contentDigest semantic digest of the last applied body (unchanged body = no work)
 * @param parserVersion version of parser + profile that produced the digest; a new version forces
 *     a full re-parse
 * @param lastAttempt when the last sync started
 * @param lastSuccess when a sync last succeeded (applied, unchanged or not modified)
 * @param consecutiveFailures failed syncs in a row
 * @param lastError typed reason and redacted message of the last failure
 * @param nextDue when the feed should be fetched next
 * @param quarantine held-back cancellations, or null
 * @param generation fencing token: bumped by {@code beginSync}; an apply with an older one is rejected
 */
public record FeedState(
    String tenant,
    String feedId,
    @Nullable String etag,
    @Nullable String lastModified,
    @Nullable String contentDigest,
    int parserVersion,
    @Nullable Instant lastAttempt,
    @Nullable Instant lastSuccess,
    int consecutiveFailures,
    @Nullable String lastError,
    @Nullable Instant nextDue,
    @Nullable Quarantine quarantine,
    long generation) {

  public FeedState {
    Checks.nonBlank(tenant, "tenant");
    Checks.nonBlank(feedId, "feedId");
    if (consecutiveFailures < 0) {
      throw new IllegalArgumentException("consecutiveFailures must not be negative");
    }
    if (generation < 0) {
      throw new IllegalArgumentException("generation must not be negative");
    }
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
}

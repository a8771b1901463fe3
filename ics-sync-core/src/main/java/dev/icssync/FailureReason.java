package dev.icssync;

/** The typed reason of a failed sync (fetch, content or storage). */
public enum FailureReason {
  /** 404 or 410: the feed is gone. */
  GONE(false),
  /** 401 or 403: the channel rotated the feed token, or refuses this client. */
  UNAUTHORIZED(false),
  /** 429: polled too often; see {@link SyncReport#retryAfter()}. */
  RATE_LIMITED(true),
  /** 5xx (503 with Retry-After included). */
  SERVER_ERROR(true),
  /** Connection refused or reset, DNS failure of a transient kind, body cut mid-way. */
  NETWORK(true),
  /** Connect timeout or total deadline exceeded (slow drip). */
  TIMEOUT(true),
  /** Decoded body larger than the configured maximum (gzip bombs included). */
  TOO_LARGE(false),
  /** Refused by the SSRF guard (private, loopback, metadata address...) or a bad scheme. */
  REFUSED(false),
  /** Too many redirects, a loop, or an https to http downgrade. */
  REDIRECT(false),
  /** Any other HTTP status that is not 2xx/304. */
  HTTP_ERROR(true),
  /** 200 with HTML, JSON or noise instead of a calendar. */
  NOT_A_CALENDAR(false),
  /**
   * A 200 with an empty or blank body, or a 204: no calendar at all, which is what a channel's
   * glitch looks like, so never read as "no bookings" (a real calendar with no events is). Not
   * transient, and the engine does not back off either: the feed keeps being polled at its
   * interval, because Booking.com answers an empty body for as long as a listing has no bookings
   * and the first new booking must be read promptly.
   */
  EMPTY_BODY(false),
  /** A parse limit (line length, events, instances) or strict-mode violation. */
  PARSE_ERROR(false),
  /** The store failed (connection lost, timeout); nothing was half-applied. */
  STORAGE(true),
  /** A bug or an unexpected exception from an adapter. */
  INTERNAL(true);

  private final boolean transientFailure;

  FailureReason(boolean transientFailure) {
    this.transientFailure = transientFailure;
  }

  /** True when retrying later may succeed without anyone changing anything. */
  public boolean isTransient() {
    return transientFailure;
  }
}

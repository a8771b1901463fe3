package dev.icssync.spi;

import dev.icssync.FailureReason;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The typed outcome of a fetch. A fetcher never throws for a remote failure: it returns {@link Failed}. */
public sealed interface FetchResult {

  /**
   * The redacted final URL of a chain of permanent (301/308) redirects, for the host to update the
   * stored feed URL; null when there was none.
   */
  @Nullable String permanentRedirect();

  /**
   * The rule every fetcher and the engine share for an empty answer: true when {@code body} holds
   * nothing but a byte order mark, white space and control bytes (UTF-16 white space included). Such
   * a body is no calendar at all, so it is a failure ({@link FailureReason#EMPTY_BODY}), never a feed
   * without events; only a real {@code BEGIN:VCALENDAR}...{@code END:VCALENDAR} is that.
   */
  static boolean isBlank(byte[] body) {
    int from = 0;
    if (body.length >= 3 && (body[0] & 0xff) == 0xef && (body[1] & 0xff) == 0xbb && (body[2] & 0xff) == 0xbf) {
      from = 3;
    } else if (body.length >= 2 && ((body[0] & 0xff) == 0xfe && (body[1] & 0xff) == 0xff
        || (body[0] & 0xff) == 0xff && (body[1] & 0xff) == 0xfe)) {
      from = 2;
    }
    for (int i = from; i < body.length; i++) {
      int c = body[i] & 0xff;
      if (c > ' ' && c != 0x7f) {
        return false;
      }
    }
    return true;
  }

  /**
   * A body (decoded, within the size cap).
   *
   * @param body the decoded bytes
   * @param charset the charset from Content-Type, or null
   * @param contentType the media type from Content-Type (lower case, no parameters), or null
   * @param etag the ETag to store, or null
   * @param lastModified the Last-Modified to store, or null
   * @param permanentRedirect see {@link FetchResult#permanentRedirect()}
   */
  record Fetched(
      byte[] body,
      @Nullable Charset charset,
      @Nullable String contentType,
      @Nullable String etag,
      @Nullable String lastModified,
      @Nullable String permanentRedirect)
      implements FetchResult {
    public Fetched {
      Objects.requireNonNull(body, "body");
    }

    public static Fetched of(byte[] body) {
      return new Fetched(body, null, null, null, null, null);
    }
  }

  /** 304 Not Modified: the stored validators still hold (they may be refreshed). */
  record NotModified(
      @Nullable String etag, @Nullable String lastModified, @Nullable String permanentRedirect)
      implements FetchResult {}

  /**
   * The fetch failed.
   *
   * @param reason typed reason
   * @param message redacted, human-readable detail (never the URL's secrets)
   * @param httpStatus the HTTP status, or 0 when none was received
   * @param retryAfter Retry-After of a 429/503, already capped by the fetcher, or null
   * @param permanentRedirect see {@link FetchResult#permanentRedirect()}
   */
  record Failed(
      FailureReason reason,
      String message,
      int httpStatus,
      @Nullable Duration retryAfter,
      @Nullable String permanentRedirect)
      implements FetchResult {
    public Failed {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }

    public static Failed of(FailureReason reason, String message) {
      return new Failed(reason, message, 0, null, null);
    }
  }
}

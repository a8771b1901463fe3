package dev.icssync.spi;

import dev.icssync.FailureReason;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.Arrays;
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
   * A body (decoded, within the size cap). Immutable: the bytes are copied on the way in and never
   * handed out for writing, so a result a cache keeps cannot be changed by one of its readers.
   * {@link #bodyBuffer()}, {@link #bodyStream()} and {@link #bodyLength()} read the bytes in place;
   * {@link #body()} returns a fresh copy.
   *
   * <p>A final class rather than a record: a record hands out its array. It keeps the record's
   * constructor and accessors; a new field will come with a new constructor, the old one staying.
   */
  final class Fetched implements FetchResult {
    private final byte[] body;
    private final @Nullable Charset charset;
    private final @Nullable String contentType;
    private final @Nullable String etag;
    private final @Nullable String lastModified;
    private final @Nullable String permanentRedirect;

    /**
     * A fetched body.
     *
     * @param body the decoded bytes (copied)
     * @param charset the charset from Content-Type, or null
     * @param contentType the media type from Content-Type (lower case, no parameters), or null
     * @param etag the ETag to store, or null
     * @param lastModified the Last-Modified to store, or null
     * @param permanentRedirect see {@link FetchResult#permanentRedirect()}
     */
    public Fetched(byte[] body, @Nullable Charset charset, @Nullable String contentType,
        @Nullable String etag, @Nullable String lastModified, @Nullable String permanentRedirect) {
      this.body = Objects.requireNonNull(body, "body").clone();
      this.charset = charset;
      this.contentType = contentType;
      this.etag = etag;
      this.lastModified = lastModified;
      this.permanentRedirect = permanentRedirect;
    }

    /** A body (copied) with no validators. */
    public static Fetched of(byte[] body) {
      return new Fetched(body, null, null, null, null, null);
    }

    /** A copy of the decoded bytes: changing it changes nothing here. */
    public byte[] body() {
      return body.clone();
    }

    /** The decoded bytes in place, read-only, positioned at 0: no copy. */
    public ByteBuffer bodyBuffer() {
      return ByteBuffer.wrap(body).asReadOnlyBuffer();
    }

    /** The decoded bytes as a stream over them in place: no copy. */
    public InputStream bodyStream() {
      return new ByteArrayInputStream(body);
    }

    /** Length of the decoded body in bytes. */
    public int bodyLength() {
      return body.length;
    }

    /** {@link FetchResult#isBlank(byte[])} of the body, read in place. */
    public boolean isBlank() {
      return FetchResult.isBlank(body);
    }

    /** The charset from Content-Type, or null. */
    public @Nullable Charset charset() {
      return charset;
    }

    /** The media type from Content-Type (lower case, no parameters), or null. */
    public @Nullable String contentType() {
      return contentType;
    }

    /** The ETag to store, or null. */
    public @Nullable String etag() {
      return etag;
    }

    /** The Last-Modified to store, or null. */
    public @Nullable String lastModified() {
      return lastModified;
    }

    @Override
    public @Nullable String permanentRedirect() {
      return permanentRedirect;
    }

    /** Equal when the bytes and the other fields are (the record compared the array's identity). */
    @Override
    public boolean equals(@Nullable Object other) {
      return other instanceof Fetched o
          && Arrays.equals(body, o.body)
          && Objects.equals(charset, o.charset)
          && Objects.equals(contentType, o.contentType)
          && Objects.equals(etag, o.etag)
          && Objects.equals(lastModified, o.lastModified)
          && Objects.equals(permanentRedirect, o.permanentRedirect);
    }

    @Override
    public int hashCode() {
      return Objects.hash(Arrays.hashCode(body), charset, contentType, etag, lastModified, permanentRedirect);
    }

    @Override
    public String toString() {
      return "Fetched[body=" + body.length + " bytes, charset=" + charset + ", contentType=" + contentType
          + ", etag=" + etag + ", lastModified=" + lastModified + ", permanentRedirect="
          + permanentRedirect + "]";
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

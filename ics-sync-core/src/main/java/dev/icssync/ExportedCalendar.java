package dev.icssync;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A rendered export: deterministic RFC 5545 bytes and their validators. Immutable: the bytes are
 * copied on the way in and never handed out for writing, because one rendered export is shared by
 * every request and cache that serves it.
 *
 * <p>Reading the body: {@link #writeTo(OutputStream)} and {@link #bodyBuffer()} read the bytes
 * in place (what a server sending them should use); {@link #body()} returns a fresh copy.
 *
 * <p>A final class rather than a record: a record would hand out its array, and its canonical
 * constructor would break every caller when an export gains a validator. Made with
 * {@link #of(byte[], String, Instant, int)}; accessors keep the record style.
 */
public final class ExportedCalendar {
  private final byte[] body;
  private final String etag;
  private final Instant lastModified;
  private final int eventCount;

  private ExportedCalendar(byte[] body, String etag, Instant lastModified, int eventCount) {
    this.body = body;
    this.etag = Objects.requireNonNull(etag, "etag");
    this.lastModified = Objects.requireNonNull(lastModified, "lastModified");
    this.eventCount = eventCount;
  }

  /**
   * An export of a copy of {@code body}.
   *
   * @param body the UTF-8 iCalendar bytes (copied)
   * @param etag strong ETag, quoted ({@code "..."}), derived from the body
   * @param lastModified the newest change among the exported events (or the view's epoch when empty)
   * @param eventCount number of VEVENTs in the body (placeholder included)
   */
  public static ExportedCalendar of(byte[] body, String etag, Instant lastModified, int eventCount) {
    return new ExportedCalendar(Objects.requireNonNull(body, "body").clone(), etag, lastModified, eventCount);
  }

  /** A copy of the UTF-8 iCalendar bytes: changing it changes nothing here. */
  public byte[] body() {
    return body.clone();
  }

  /** The UTF-8 iCalendar bytes in place, read-only, positioned at 0: no copy. */
  public ByteBuffer bodyBuffer() {
    return ByteBuffer.wrap(body).asReadOnlyBuffer();
  }

  /** Writes the bytes to {@code out} without copying them; does not close {@code out}. */
  public void writeTo(OutputStream out) throws IOException {
    out.write(body);
  }

  /** Length of the body in bytes. */
  public int bodyLength() {
    return body.length;
  }

  /** Strong ETag, quoted ({@code "..."}), derived from the body. */
  public String etag() {
    return etag;
  }

  /** The newest change among the exported events (or the view's epoch when empty). */
  public Instant lastModified() {
    return lastModified;
  }

  /** Number of VEVENTs in the body (placeholder included). */
  public int eventCount() {
    return eventCount;
  }

  /** Equal when the bytes and the validators are (the record compared the array's identity). */
  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof ExportedCalendar o
        && Arrays.equals(body, o.body)
        && etag.equals(o.etag)
        && lastModified.equals(o.lastModified)
        && eventCount == o.eventCount;
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(body), etag, lastModified, eventCount);
  }

  @Override
  public String toString() {
    return "ExportedCalendar[body=" + body.length + " bytes, etag=" + etag + ", lastModified="
        + lastModified + ", eventCount=" + eventCount + "]";
  }
}

package dev.icssync;

import java.time.Instant;
import java.util.Objects;

/**
 * A rendered export: deterministic RFC 5545 bytes and their validators.
 *
 * @param body the UTF-8 iCalendar bytes
 * @param etag strong ETag, quoted ({@code "..."}), derived from the body
 * @param lastModified the newest change among the exported events (or the view's epoch when empty)
 * @param eventCount number of VEVENTs in the body (placeholder included)
 */
public record ExportedCalendar(byte[] body, String etag, Instant lastModified, int eventCount) {
  public ExportedCalendar {
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(etag, "etag");
    Objects.requireNonNull(lastModified, "lastModified");
  }
}

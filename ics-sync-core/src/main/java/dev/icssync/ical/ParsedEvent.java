package dev.icssync.ical;

import dev.icssync.DateRange;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One event (or one expanded instance of a recurring event) as read from a feed, before any channel
 * profile interprets it.
 *
 * <p>Still a record: one parsed event. Its constructor is public, so a new component will come with
 * the old constructor kept as an overload (Java 17 has no record patterns to break).
 *
 * @param uid UID (a synthetic, stable one is made up when missing, with a diagnostic)
 * @param recurrenceId "" for a single event; for an instance of a recurring event, the RFC 5545
 *     value of its original start ({@code 20260824} or {@code 20260824T130000Z}, UTC)
 * @param range the instance's range (all-day dates, or UTC instants)
 * @param summary unescaped SUMMARY, or null
 * @param description unescaped DESCRIPTION, or null
 * @param status STATUS in upper case ({@code CONFIRMED}, {@code TENTATIVE}, {@code CANCELLED}), or null
 * @param transp TRANSP in upper case, or null
 * @param sequence SEQUENCE, 0 when absent
 * @param dtstamp DTSTAMP, or null
 * @param lastModified LAST-MODIFIED, or null
 * @param created CREATED, or null
 * @param line 1-based line where the VEVENT began
 * @param extra other properties kept on request ({@code ParseOptions.keepProperties}): name to raw
 *     value; empty otherwise
 */
public record ParsedEvent(
    String uid,
    String recurrenceId,
    DateRange range,
    @Nullable String summary,
    @Nullable String description,
    @Nullable String status,
    @Nullable String transp,
    int sequence,
    @Nullable Instant dtstamp,
    @Nullable Instant lastModified,
    @Nullable Instant created,
    int line,
    Map<String, String> extra) {

  public ParsedEvent {
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(recurrenceId, "recurrenceId");
    Objects.requireNonNull(range, "range");
    Objects.requireNonNull(extra, "extra");
  }
}

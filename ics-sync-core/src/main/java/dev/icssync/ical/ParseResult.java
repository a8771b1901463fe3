package dev.icssync.ical;

import dev.icssync.Diagnostic;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A parsed feed.
 *
 * <p>Still a record: what one parse yields. Its constructor is public, so a new component will come
 * with the old constructor kept as an overload (Java 17 has no record patterns to break).
 *
 * @param events events and expanded instances, in feed order
 * @param diagnostics what the lenient parser skipped, repaired or chose (an unknown zone, an empty
 *     all-day range made one day...): the choices are described in {@link IcalParser}'s "How feeds
 *     are read"
 * @param prodId PRODID of the (first) calendar, unescaped, or null
 * @param calendarZone X-WR-TIMEZONE, or null
 * @param empty true when the body held no calendar at all (empty or blank body): flagged so the sync
 *     engine and {@code ics-sync check} treat it as a failure, never as a calendar without events
 * @param bytes the size of the input
 * @param truncated true when the input ended inside a component (no {@code END:VCALENDAR}): the
 *     events read before the cut are returned, but the body is not the whole feed, so the sync
 *     engine refuses to apply it (strict mode fails with {@code TRUNCATED} instead)
 */
public record ParseResult(
    List<ParsedEvent> events,
    List<Diagnostic> diagnostics,
    @Nullable String prodId,
    @Nullable String calendarZone,
    boolean empty,
    long bytes,
    boolean truncated) {

  public ParseResult {
    events = List.copyOf(events);
    diagnostics = List.copyOf(diagnostics);
  }

  /** A result of a body that was not cut off. */
  public ParseResult(List<ParsedEvent> events, List<Diagnostic> diagnostics, @Nullable String prodId,
      @Nullable String calendarZone, boolean empty, long bytes) {
    this(events, diagnostics, prodId, calendarZone, empty, bytes, false);
  }
}

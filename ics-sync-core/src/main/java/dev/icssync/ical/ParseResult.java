package dev.icssync.ical;

import dev.icssync.Diagnostic;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A parsed feed.
 *
 * @param events events and expanded instances, in feed order
 * @param diagnostics what the lenient parser skipped, repaired or chose (an unknown zone, an empty
 *     all-day range made one day...): the choices are described in {@link IcalParser}'s "How feeds
 *     are read"
 * @param prodId PRODID of the (first) calendar, unescaped, or null
 * @param calendarZone X-WR-TIMEZONE, or null
 * @param empty true when the body held no calendar at all (empty or blank body): a valid, empty
 *     result, flagged so the sync engine can apply its mass-cancel guard
 * @param bytes the size of the input
 */
public record ParseResult(
    List<ParsedEvent> events,
    List<Diagnostic> diagnostics,
    @Nullable String prodId,
    @Nullable String calendarZone,
    boolean empty,
    long bytes) {

  public ParseResult {
    events = List.copyOf(events);
    diagnostics = List.copyOf(diagnostics);
  }
}

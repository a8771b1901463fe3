package dev.icssync.export;

import static dev.icssync.export.ExportFixture.PROPERTY;
import static dev.icssync.export.ExportFixture.TENANT;
import static dev.icssync.export.ExportFixture.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.DateRange;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.ExportView;
import dev.icssync.ExportedCalendar;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A stored event whose range is empty (an all-day range stored by an earlier reading, a timed event
 * of zero length) is still exported: the exporter never drops a stored stay on its own.
 */
class ExportEmptyRangeTest {
  private final ExportFixture fx = new ExportFixture();

  @Test
  void emptyRangesAreExportedNotDropped() {
    fx.put(List.of(
        event("airbnb-1", "airbnb", "empty-day", DateRange.allDay(LocalDate.of(2026, 6, 10), LocalDate.of(2026, 6, 10)),
            EventKind.RESERVATION, EventStatus.CONFIRMED, "Reserved"),
        event("airbnb-1", "airbnb", "zero-length", DateRange.timed(Instant.parse("2026-06-12T15:00:00Z"),
            Instant.parse("2026-06-12T15:00:00Z")), EventKind.RESERVATION, EventStatus.CONFIRMED, "Reserved")));
    ExportedCalendar c = fx.sync().export(ExportView.forProperty(TENANT, PROPERTY));
    String ics = new String(c.body(), StandardCharsets.UTF_8);
    assertThat(c.eventCount()).isEqualTo(2);
    assertThat(ics).contains("DTSTART;VALUE=DATE:20260610\r\nDTEND;VALUE=DATE:20260611\r\n");
    assertThat(ics).contains("DTSTART:20260612T150000Z\r\nDTEND:20260612T150000Z\r\n");
  }

  @Test
  void paddingStillAppliesToAnEmptyAllDayRange() {
    fx.put(List.of(event("airbnb-1", "airbnb", "empty-day",
        DateRange.allDay(LocalDate.of(2026, 6, 10), LocalDate.of(2026, 6, 10)), EventKind.RESERVATION,
        EventStatus.CONFIRMED, "Reserved")));
    ExportedCalendar c = fx.sync().export(ExportView.forProperty(TENANT, PROPERTY).withPadding(1, 1));
    assertThat(new String(c.body(), StandardCharsets.UTF_8))
        .contains("DTSTART;VALUE=DATE:20260609\r\nDTEND;VALUE=DATE:20260612\r\n");
  }
}

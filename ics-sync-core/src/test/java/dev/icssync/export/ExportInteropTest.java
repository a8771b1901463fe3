package dev.icssync.export;

import static dev.icssync.export.ExportFixture.PROPERTY;
import static dev.icssync.export.ExportFixture.TENANT;
import static dev.icssync.export.ExportFixture.d;
import static dev.icssync.export.ExportFixture.event;
import static dev.icssync.export.ExportFixture.stay;
import static org.assertj.core.api.Assertions.assertThat;

import biweekly.Biweekly;
import biweekly.ICalVersion;
import biweekly.ICalendar;
import biweekly.io.ParseWarning;
import dev.icssync.DateRange;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.ExportView;
import dev.icssync.ExportedCalendar;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Component;
import net.fortuna.ical4j.model.component.VEvent;
import dev.icssync.ical.IcalParser;
import dev.icssync.ical.ParseResult;
import dev.icssync.ical.ParsedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Exports are read by ical4j and biweekly without errors or warnings, with the same meaning. */
class ExportInteropTest {

  @ParameterizedTest
  @EnumSource(ExportView.Privacy.class)
  void exportsAreAcceptedByIcal4jAndBiweekly(ExportView.Privacy privacy) throws Exception {
    ExportFixture fx = new ExportFixture();
    fx.put(stay("airbnb-1", "airbnb", "a1", d(7, 1), d(7, 5)),
        stay("booking-1", "booking", "b1", d(7, 10), d(7, 12)),
        event("vrbo-1", "vrbo", "hold", DateRange.allDay(d(8, 1), d(8, 4)), EventKind.TENTATIVE,
            EventStatus.TENTATIVE, "Provisoire, Jean; \"VIP\""),
        event("vrbo-1", "vrbo", "timed", DateRange.timed(Instant.parse("2026-09-01T14:00:00Z"),
            Instant.parse("2026-09-03T09:00:00Z")), EventKind.BLOCK, EventStatus.CONFIRMED, "Owner stay"));
    ExportedCalendar c = fx.sync().export(ExportView.forProperty(TENANT, PROPERTY).withPrivacy(privacy)
        .withCalendarName("Villa 7, sea view"));

    Calendar cal = new CalendarBuilder().build(new ByteArrayInputStream(c.body()));
    assertThat(cal.validate().hasErrors()).as(cal.validate().toString()).isFalse();
    List<VEvent> events = cal.getComponents(Component.VEVENT);
    assertThat(events).hasSize(4);
    assertThat(events.get(0).getStartDate().orElseThrow().getDate()).isEqualTo(LocalDate.of(2026, 7, 1));
    assertThat(events.get(0).getEndDate().orElseThrow().getDate()).isEqualTo(LocalDate.of(2026, 7, 5));
    assertThat(events.get(3).getStartDate().orElseThrow().getDate().toString()).startsWith("2026-09-01T14:00");

    List<List<ParseWarning>> warnings = new ArrayList<>();
    ICalendar bi = Biweekly.parse(new String(c.body(), StandardCharsets.UTF_8)).warnings(warnings).first();
    assertThat(warnings).allMatch(List::isEmpty);
    assertThat(bi.validate(ICalVersion.V2_0).isEmpty()).as(bi.validate(ICalVersion.V2_0).toString()).isTrue();
    assertThat(bi.getEvents()).hasSize(4);
    assertThat(bi.getEvents().get(2).getSummary().getValue())
        .isEqualTo(privacy == ExportView.Privacy.NEUTRAL ? "Not available" : "Provisoire, Jean; \"VIP\"");
    assertThat(bi.getEvents().get(3).getDateEnd().getValue().toInstant())
        .isEqualTo(Instant.parse("2026-09-03T09:00:00Z"));
    assertThat(bi.getEvents().get(0).getSequence().getValue()).isEqualTo(1);
  }

  @Test
  void ourOwnParserReadsBackWhatTheExportSays() {
    ExportFixture fx = new ExportFixture();
    fx.put(stay("airbnb-1", "airbnb", "a1", d(7, 1), d(7, 5)),
        event("vrbo-1", "vrbo", "timed", DateRange.timed(Instant.parse("2026-09-01T14:00:00Z"),
            Instant.parse("2026-09-03T09:00:00Z")), EventKind.TENTATIVE, EventStatus.TENTATIVE, "x"));
    ExportedCalendar c = fx.sync().export(ExportView.forProperty(TENANT, PROPERTY).withPadding(1, 0));
    ParseResult r = IcalParser.create().parse(c.body());
    assertThat(r.diagnostics()).isEmpty();
    assertThat(r.events()).hasSize(2);
    ParsedEvent stay = r.events().get(0);
    assertThat(stay.range()).isEqualTo(DateRange.allDay(d(6, 30), d(7, 5)));
    assertThat(stay.summary()).isEqualTo("Reserved");
    assertThat(stay.sequence()).isEqualTo(1);
    assertThat(stay.dtstamp()).isEqualTo(Instant.parse("2026-05-01T08:00:00Z"));
    assertThat(stay.uid()).endsWith("@ics-sync");
    ParsedEvent hold = r.events().get(1);
    assertThat(hold.range()).isEqualTo(DateRange.timed(Instant.parse("2026-08-31T14:00:00Z"),
        Instant.parse("2026-09-03T09:00:00Z")));
    assertThat(hold.status()).isEqualTo("TENTATIVE");
    assertThat(hold.summary()).isEqualTo("Not available");
  }
}

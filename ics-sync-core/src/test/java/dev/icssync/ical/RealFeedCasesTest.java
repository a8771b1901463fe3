package dev.icssync.ical;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.DateRange;
import dev.icssync.Diagnostic;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Synthetic reproductions of what real feeds do that the parser once read wrong: each case with the
 * behaviour chosen (see the parser's Javadoc, "How feeds are read").
 */
class RealFeedCasesTest {
  static final Instant FROM = Instant.parse("2026-06-01T00:00:00Z");
  static final Instant TO = Instant.parse("2027-12-31T00:00:00Z");
  static final ParseOptions OPTS = ParseOptions.builder().window(FROM, TO).build();

  static ParseResult parse(ParseOptions o, String ics) {
    return IcalParser.create(o).parse(ics.getBytes(StandardCharsets.UTF_8));
  }

  static ParseResult parse(String ics) {
    return parse(OPTS, ics);
  }

  static String cal(String... lines) {
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + String.join("\r\n", lines)
        + "\r\nEND:VCALENDAR\r\n";
  }

  static List<String> messages(ParseResult r) {
    return r.diagnostics().stream().map(Diagnostic::message).toList();
  }

  static Instant at(String s) {
    return Instant.parse(s);
  }

  @Nested
  class Recurrence {
    /** Google writes the override of an all-day series with a UTC-midnight date-time RECURRENCE-ID. */
    @Test
    void anAllDaySeriesOverrideGivenAsUtcMidnightNamesThatDate() {
      ParseResult r = parse(cal("X-WR-TIMEZONE:America/Los_Angeles",
          "BEGIN:VEVENT", "UID:ny@google.com", "DTSTART;VALUE=DATE:20250101", "DTEND;VALUE=DATE:20250102",
          "RRULE:FREQ=YEARLY", "SUMMARY:New Year", "END:VEVENT",
          "BEGIN:VEVENT", "UID:ny@google.com", "RECURRENCE-ID:20270101T000000Z", "DTSTART;VALUE=DATE:20270101",
          "DTEND;VALUE=DATE:20270102", "SUMMARY:New Year (party)", "END:VEVENT"));
      assertThat(r.events()).filteredOn(e -> e.range().equals(DateRange.allDay(LocalDate.of(2027, 1, 1),
          LocalDate.of(2027, 1, 2)))).as("2027-01-01 once, the override").singleElement().satisfies(e -> {
            assertThat(e.summary()).isEqualTo("New Year (party)");
            assertThat(e.recurrenceId()).isEqualTo("20270101");
          });
      assertThat(messages(r)).noneMatch(m -> m.contains("matches no instance"));
    }

    /** Exchange names the instance by its local midnight, which in UTC is the evening before. */
    @Test
    void anAllDaySeriesOverrideAtLocalMidnightInUtcStillNamesItsLocalDate() {
      ParseResult r = parse(cal("X-WR-TIMEZONE:Europe/Berlin",
          "BEGIN:VEVENT", "UID:x1", "DTSTART;VALUE=DATE:20260701", "DTEND;VALUE=DATE:20260702",
          "RRULE:FREQ=DAILY;COUNT=3", "SUMMARY:Daily", "END:VEVENT",
          "BEGIN:VEVENT", "UID:x1", "RECURRENCE-ID:20260701T220000Z", "DTSTART;VALUE=DATE:20260702",
          "DTEND;VALUE=DATE:20260703", "SUMMARY:Moved", "END:VEVENT"));
      assertThat(r.events()).extracting(ParsedEvent::recurrenceId, ParsedEvent::summary)
          .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("20260701", "Daily"),
              org.assertj.core.groups.Tuple.tuple("20260702", "Moved"),
              org.assertj.core.groups.Tuple.tuple("20260703", "Daily"));
    }

    /** The twin for timed series: a DATE RECURRENCE-ID names that day's instance. */
    @Test
    void aDateRecurrenceIdOfATimedSeriesNamesThatDaysInstance() {
      ParseResult r = parse(cal(
          "BEGIN:VEVENT", "UID:t2", "DTSTART;TZID=Europe/Paris:20260706T100000", "DURATION:PT1H",
          "RRULE:FREQ=DAILY;COUNT=3", "SUMMARY:Daily", "END:VEVENT",
          "BEGIN:VEVENT", "UID:t2", "RECURRENCE-ID;VALUE=DATE:20260707", "DTSTART;TZID=Europe/Paris:20260707T140000",
          "DURATION:PT1H", "SUMMARY:Moved", "END:VEVENT"));
      assertThat(r.events()).hasSize(3);
      assertThat(r.events()).filteredOn(e -> "Moved".equals(e.summary())).singleElement().satisfies(e -> {
        assertThat(e.recurrenceId()).isEqualTo("20260707T080000Z");
        assertThat(((DateRange.Timed) e.range()).start()).isEqualTo(at("2026-07-07T12:00:00Z"));
      });
    }

    @Test
    void exruleRemovesTheInstancesItMatchesAsIcal4jDoes() throws Exception {
      for (String start : List.of("DTSTART;VALUE=DATE:20260706", "DTSTART:20260706T100000Z",
          "DTSTART;TZID=Europe/Paris:20260706T100000")) {
        String ics = cal("BEGIN:VEVENT", "UID:ex1", "DTSTAMP:20260101T000000Z", start,
            "RRULE:FREQ=DAILY;COUNT=14", "EXRULE:FREQ=WEEKLY;BYDAY=SA,SU", "END:VEVENT");
        ParseResult r = parse(ics);
        assertThat(r.events()).as(start).hasSize(10);
        assertThat(r.events()).extracting(ParsedEvent::recurrenceId).noneMatch(
            rid -> rid.startsWith("20260711") || rid.startsWith("20260712") || rid.startsWith("20260718")
                || rid.startsWith("20260719"));
        assertThat(r.events().stream().map(Ical4jReference::of).toList()).as(start)
            .containsExactlyInAnyOrderElementsOf(Ical4jReference.read(ics.getBytes(StandardCharsets.UTF_8),
                FROM, TO, ZoneOffset.UTC));
      }
    }

    @Test
    void anExruleThatCannotBeReadIsReported() {
      ParseResult r = parse(cal("BEGIN:VEVENT", "UID:ex2", "DTSTART;VALUE=DATE:20260706",
          "RRULE:FREQ=DAILY;COUNT=3", "EXRULE:FREQ=SOMETIMES", "END:VEVENT"));
      assertThat(r.events()).hasSize(3);
      assertThat(messages(r)).anyMatch(m -> m.contains("EXRULE") && m.contains("ignored"));
    }

    @Test
    void anRruleInsideAnOverrideIsIgnoredWithADiagnostic() {
      ParseResult r = parse(cal(
          "BEGIN:VEVENT", "UID:o1", "DTSTART;VALUE=DATE:20260706", "RRULE:FREQ=DAILY;COUNT=3", "END:VEVENT",
          "BEGIN:VEVENT", "UID:o1", "RECURRENCE-ID;VALUE=DATE:20260707", "DTSTART;VALUE=DATE:20260710",
          "RRULE:FREQ=DAILY;COUNT=5", "SUMMARY:Moved", "END:VEVENT"));
      assertThat(r.events()).hasSize(3);
      assertThat(r.events()).filteredOn(e -> e.recurrenceId().equals("20260707")).singleElement()
          .extracting(ParsedEvent::range).isEqualTo(DateRange.allDay(LocalDate.of(2026, 7, 10),
              LocalDate.of(2026, 7, 11)));
      assertThat(messages(r)).anyMatch(m -> m.contains("RRULE") && m.contains("RECURRENCE-ID") && m.contains("o1"));
    }

    /**
     * DTSTART on a Monday, a rule of Wednesdays, COUNT=3: RFC 5545 counts DTSTART as the first
     * instance, and so do libical and Google: three instances in all, DTSTART and the next two
     * Wednesdays. ical4j also gives three in all (it leaves out a DTSTART the rule does not match);
     * the parser keeps DTSTART (it is a date the feed wrote down) and counts it.
     */
    @Test
    void countIncludesADtstartTheRuleDoesNotMatch() throws Exception {
      for (String start : List.of("DTSTART;VALUE=DATE:20260706", "DTSTART:20260706T100000Z")) {
        String ics = cal("BEGIN:VEVENT", "UID:c1", "DTSTAMP:20260101T000000Z", start,
            "RRULE:FREQ=WEEKLY;BYDAY=WE;COUNT=3", "END:VEVENT");
        ParseResult r = parse(ics);
        assertThat(r.events()).extracting(e -> e.recurrenceId().substring(0, 8)).as(start)
            .containsExactly("20260706", "20260708", "20260715");
        List<Ical4jReference.Key> ical4j = Ical4jReference.read(ics.getBytes(StandardCharsets.UTF_8), FROM, TO,
            ZoneOffset.UTC);
        assertThat(ical4j).as("ical4j: three in all too").hasSize(3);
      }
      // A DTSTART the rule matches is simply the first of the COUNT.
      ParseResult matching = parse(cal("BEGIN:VEVENT", "UID:c2", "DTSTART;VALUE=DATE:20260708",
          "RRULE:FREQ=WEEKLY;BYDAY=WE;COUNT=3", "END:VEVENT"));
      assertThat(matching.events()).extracting(ParsedEvent::recurrenceId)
          .containsExactly("20260708", "20260715", "20260722");
      // COUNT=1 with a DTSTART off the rule: DTSTART alone.
      ParseResult one = parse(cal("BEGIN:VEVENT", "UID:c3", "DTSTART;VALUE=DATE:20260706",
          "RRULE:FREQ=WEEKLY;BYDAY=WE;COUNT=1", "END:VEVENT"));
      assertThat(one.events()).extracting(ParsedEvent::recurrenceId).containsExactly("20260706");
    }
  }

  @Nested
  class DatesAndZones {
    /** A date written with a time under VALUE=DATE is a date; an all-day event is never empty. */
    @Test
    void aValueDateWithTimesIsADayNotAnEmptyRange() {
      ParseResult r = parse(cal("BEGIN:VEVENT", "UID:d1", "DTSTART;VALUE=DATE:20270117T200000",
          "DTEND;VALUE=DATE:20270117T220000", "END:VEVENT",
          "BEGIN:VEVENT", "UID:d2", "DTSTART;VALUE=DATE:20270120", "DTEND;VALUE=DATE:20270120", "END:VEVENT"));
      assertThat(r.events()).extracting(ParsedEvent::range).containsExactly(
          DateRange.allDay(LocalDate.of(2027, 1, 17), LocalDate.of(2027, 1, 18)),
          DateRange.allDay(LocalDate.of(2027, 1, 20), LocalDate.of(2027, 1, 21)));
      assertThat(messages(r)).anyMatch(m -> m.contains("d1") && m.contains("one day"));
      assertThat(messages(r)).anyMatch(m -> m.contains("d2") && m.contains("one day"));
    }

    @Test
    void anEmptyAllDayInstanceOfASeriesIsADayToo() {
      ParseResult r = parse(cal("BEGIN:VEVENT", "UID:d3", "DTSTART;VALUE=DATE:20270117",
          "DTEND;VALUE=DATE:20270117", "RRULE:FREQ=DAILY;COUNT=2", "END:VEVENT"));
      assertThat(r.events()).extracting(ParsedEvent::range).containsExactly(
          DateRange.allDay(LocalDate.of(2027, 1, 17), LocalDate.of(2027, 1, 18)),
          DateRange.allDay(LocalDate.of(2027, 1, 18), LocalDate.of(2027, 1, 19)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        "(UTC-05:00) Eastern Time (US & Canada)"       | 20270115T160000 | 2027-01-15T21:00:00Z
        "(UTC-05:00) Eastern Time (US & Canada)"       | 20270715T160000 | 2027-07-15T20:00:00Z
        "(GMT-05:00) Eastern Time (US & Canada)"       | 20270715T160000 | 2027-07-15T20:00:00Z
        "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna" | 20270715T160000 | 2027-07-15T14:00:00Z
        "(GMT+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna" | 20270715T160000 | 2027-07-15T14:00:00Z
        "(UTC) Coordinated Universal Time"             | 20270715T160000 | 2027-07-15T16:00:00Z
        "(UTC+10:00) Canberra, Melbourne, Sydney"      | 20270115T160000 | 2027-01-15T05:00:00Z
        "(UTC-08:00) Pacific Time (US & Canada)"       | 20270715T160000 | 2027-07-15T23:00:00Z
        "(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi" | 20270715T160000 | 2027-07-15T10:30:00Z
        "(GMT) Greenwich Mean Time : Dublin, Edinburgh, Lisbon, London" | 20270715T160000 | 2027-07-15T15:00:00Z
        "(UTC+00:00) Dublin, Edinburgh, Lisbon, London" | 20270715T160000 | 2027-07-15T15:00:00Z
        """)
    void outlookDisplayNamesAreTheirZones(String tzid, String local, String utc) {
      ParseResult r = parse(ParseOptions.builder().window(FROM, TO).defaultZone(ZoneId.of("Asia/Tokyo")).build(),
          cal("BEGIN:VEVENT", "UID:z1", "DTSTART;TZID=" + tzid + ":" + local, "DURATION:PT1H", "END:VEVENT"));
      assertThat(r.events()).singleElement().extracting(e -> ((DateRange.Timed) e.range()).start())
          .isEqualTo(at(utc));
      assertThat(messages(r)).noneMatch(m -> m.contains("TZID"));
    }

    /** An offset and nothing else: the property's zone when it has that offset, else the offset. */
    @Test
    void anOffsetOnlyTzidIsThePropertysZoneWhenItFitsElseTheOffset() {
      String ics = cal("BEGIN:VEVENT", "UID:z2", "DTSTART;TZID=\"(GMT +01:00)\":20270715T160000", "DURATION:PT1H",
          "END:VEVENT");
      ParseResult paris = parse(ParseOptions.builder().window(FROM, TO).defaultZone(ZoneId.of("Europe/Paris")).build(),
          ics);
      assertThat(((DateRange.Timed) paris.events().get(0).range()).start()).isEqualTo(at("2027-07-15T14:00:00Z"));
      assertThat(messages(paris)).anyMatch(m -> m.contains("(GMT +01:00)") && m.contains("Europe/Paris"));
      ParseResult tokyo = parse(ParseOptions.builder().window(FROM, TO).defaultZone(ZoneId.of("Asia/Tokyo")).build(),
          ics);
      assertThat(((DateRange.Timed) tokyo.events().get(0).range()).start()).isEqualTo(at("2027-07-15T15:00:00Z"));
      assertThat(messages(tokyo)).anyMatch(m -> m.contains("(GMT +01:00)") && m.contains("+01:00"));
      // unquoted, as some exports write it (the colon of the offset is inside the parentheses)
      ParseResult bare = parse(ParseOptions.builder().window(FROM, TO).defaultZone(ZoneId.of("Asia/Tokyo")).build(),
          cal("BEGIN:VEVENT", "UID:z3", "DTSTART;TZID=(UTC-05:00) Eastern Time (US & Canada):20270715T160000",
              "DURATION:PT1H", "END:VEVENT"));
      assertThat(((DateRange.Timed) bare.events().get(0).range()).start()).isEqualTo(at("2027-07-15T20:00:00Z"));
    }

    /** Nothing known at all: the property's zone (the parser's default zone), not UTC, said once. */
    @Test
    void anUnknownTzidFallsBackToThePropertysZoneWithADiagnostic() {
      ParseResult r = parse(ParseOptions.builder().window(FROM, TO).defaultZone(ZoneId.of("America/Chicago")).build(),
          cal("BEGIN:VEVENT", "UID:z4", "DTSTART;TZID=\"Somewhere Else\":20270715T160000", "DURATION:PT1H",
              "END:VEVENT", "BEGIN:VEVENT", "UID:z5", "DTSTART;TZID=\"Somewhere Else\":20270716T160000",
              "DURATION:PT1H", "END:VEVENT"));
      assertThat(r.events()).extracting(e -> ((DateRange.Timed) e.range()).start())
          .containsExactly(at("2027-07-15T21:00:00Z"), at("2027-07-16T21:00:00Z"));
      assertThat(messages(r)).filteredOn(m -> m.contains("Somewhere Else")).singleElement()
          .satisfies(m -> assertThat(m).contains("America/Chicago"));
    }

    /** A TZID with only a date: what such files mean is the day; kept, and said. */
    @Test
    void aDateWithATzidIsReadAsAllDayWithADiagnostic() {
      ParseResult r = parse(cal("BEGIN:VEVENT", "UID:t1", "DTSTART;TZID=US/Eastern:20270102",
          "DTEND;TZID=US/Eastern:20270104", "END:VEVENT"));
      assertThat(r.events()).singleElement().extracting(ParsedEvent::range)
          .isEqualTo(DateRange.allDay(LocalDate.of(2027, 1, 2), LocalDate.of(2027, 1, 4)));
      assertThat(messages(r)).anyMatch(m -> m.contains("DTSTART") && m.contains("US/Eastern") && m.contains("date"));
    }

    /**
     * A VTIMEZONE under a name that is no IANA (nor Windows) name is the zone: here a custom "(GMT
     * +01:00)" with summer time, made-up names, and an offset-style id the JDK would read as a fixed
     * offset (the feed's definition, with its summer time, is what the feed means).
     */
    @Test
    void anEmbeddedZoneUnderACustomNameIsUsed() {
      for (String name : List.of("(GMT +01:00)", "Customized Time Zone", "My Office Zone", "GMT+02:00")) {
        ParseResult r = parse(ParseOptions.builder().window(FROM, TO).defaultZone(ZoneId.of("Asia/Tokyo")).build(),
            cal("BEGIN:VEVENT", "UID:v1", "DTSTART;TZID=\"" + name + "\":20270715T160000", "DURATION:PT1H",
                "END:VEVENT",
                "BEGIN:VTIMEZONE", "TZID:" + name,
                "BEGIN:STANDARD", "DTSTART:16011028T030000", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
                "TZOFFSETFROM:+0300", "TZOFFSETTO:+0200", "END:STANDARD",
                "BEGIN:DAYLIGHT", "DTSTART:16010325T020000", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
                "TZOFFSETFROM:+0200", "TZOFFSETTO:+0300", "END:DAYLIGHT", "END:VTIMEZONE"));
        assertThat(((DateRange.Timed) r.events().get(0).range()).start()).as(name)
            .isEqualTo(at("2027-07-15T13:00:00Z"));
      }
    }
  }
}

package dev.icssync.ical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.icssync.DateRange;
import dev.icssync.IcsSyncException.ParseException;
import dev.icssync.ParseFailure;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class IcalParserTest {
  static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant TO = Instant.parse("2027-01-01T00:00:00Z");
  static final ParseOptions OPTS = ParseOptions.builder().window(FROM, TO).build();

  static ParseResult parse(String ics) {
    return IcalParser.create(OPTS).parse(ics.getBytes(StandardCharsets.UTF_8));
  }

  static ParseResult parse(ParseOptions o, String ics) {
    return IcalParser.create(o).parse(ics.getBytes(StandardCharsets.UTF_8));
  }

  static String cal(String... lines) {
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + String.join("\r\n", lines)
        + "\r\nEND:VCALENDAR\r\n";
  }

  static ParsedEvent only(ParseResult r) {
    assertThat(r.events()).hasSize(1);
    return r.events().get(0);
  }

  static DateRange.AllDay days(String s, String e) {
    return DateRange.allDay(LocalDate.parse(s), LocalDate.parse(e));
  }

  static DateRange.Timed times(String s, String e) {
    return DateRange.timed(Instant.parse(s), Instant.parse(e));
  }

  @Nested
  class Channels {
    @Test
    void airbnbFeedWithFoldedDescription() {
      String ics = "BEGIN:VCALENDAR\r\nPRODID;X-RICAL-TZSOURCE=TZINFO:-//Airbnb Inc//Hosting Calendar 0.8.8//EN\r\n"
          + "CALSCALE:GREGORIAN\r\nVERSION:2.0\r\n"
          + "BEGIN:VEVENT\r\nDTEND;VALUE=DATE:20260902\r\nDTSTART;VALUE=DATE:20260824\r\n"
          + "UID:1418fb94e984-0123456789abcdef0123456789abcdef@airbnb.com\r\n"
          + "DESCRIPTION:Reservation URL: https://www.airbnb.com/hosting/reservations/det\r\n"
          + " ails/HMABCDE123\\nPhone Number (Last 4 Digits): 1234\r\n"
          + "SUMMARY:Reserved\r\nEND:VEVENT\r\n"
          + "BEGIN:VEVENT\r\nDTEND;VALUE=DATE:20261010\r\nDTSTART;VALUE=DATE:20261001\r\n"
          + "UID:7f662ec65913-aa@airbnb.com\r\nSUMMARY:Airbnb (Not available)\r\nEND:VEVENT\r\n"
          + "END:VCALENDAR\r\n";
      ParseResult r = parse(ics);
      assertThat(r.prodId()).isEqualTo("-//Airbnb Inc//Hosting Calendar 0.8.8//EN");
      assertThat(r.empty()).isFalse();
      assertThat(r.diagnostics()).isEmpty();
      assertThat(r.events()).hasSize(2);
      ParsedEvent e = r.events().get(0);
      assertThat(e.uid()).isEqualTo("1418fb94e984-0123456789abcdef0123456789abcdef@airbnb.com");
      assertThat(e.recurrenceId()).isEmpty();
      assertThat(e.range()).isEqualTo(days("2026-08-24", "2026-09-02"));
      assertThat(e.summary()).isEqualTo("Reserved");
      assertThat(e.description()).isEqualTo(
          "Reservation URL: https://www.airbnb.com/hosting/reservations/details/HMABCDE123\nPhone Number (Last 4 Digits): 1234");
      assertThat(e.dtstamp()).isNull();
      assertThat(e.line()).isEqualTo(5);
      assertThat(r.events().get(1).line()).isEqualTo(13);
      assertThat(r.bytes()).isEqualTo(ics.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void bookingDoubleEscapedComma() {
      ParseResult r = parse("BEGIN:VCALENDAR\r\nPRODID:-//admin.booking.com\\\\\\, b.v.//NONSGML v1.0//EN\r\n"
          + "METHOD:PUBLISH\r\nBEGIN:VEVENT\r\nUID:0123456789abcdef0123456789abcdef@booking.com\r\n"
          + "DTSTART;VALUE=DATE:20260301\r\nDTEND;VALUE=DATE:20260303\r\n"
          + "SUMMARY:CLOSED - Not available\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
      assertThat(r.prodId()).isEqualTo("-//admin.booking.com, b.v.//NONSGML v1.0//EN");
      assertThat(only(r).range()).isEqualTo(days("2026-03-01", "2026-03-03"));
    }

    @Test
    void vrboBareDatesAndLfLineEnds() {
      ParseResult r = parse("BEGIN:VCALENDAR\nPRODID:-//HomeAway.com, Inc.//EN\nBEGIN:VEVENT\n"
          + "UID:5f0c1a2e-0000-4000-8000-000000000001\nDTSTART:20150924\nDTEND:20150927\n"
          + "SUMMARY:Réservée - Dupont\nEND:VEVENT\nEND:VCALENDAR\n");
      ParsedEvent e = only(r);
      assertThat(e.range()).isEqualTo(days("2015-09-24", "2015-09-27"));
      assertThat(e.summary()).isEqualTo("Réservée - Dupont");
    }

    @Test
    void allMainPropertiesAreRead() {
      ParsedEvent e = only(parse(cal("BEGIN:VEVENT", "UID:a", "DTSTART:20260301T150000Z",
          "DTEND:20260302T100000Z", "STATUS:tentative", "TRANSP:TRANSPARENT", "SEQUENCE:3",
          "DTSTAMP:20260101T000000Z", "LAST-MODIFIED:20260102T030405Z", "CREATED:20251231T235959Z",
          "SUMMARY:x", "END:VEVENT")));
      assertThat(e.range()).isEqualTo(times("2026-03-01T15:00:00Z", "2026-03-02T10:00:00Z"));
      assertThat(e.status()).isEqualTo("TENTATIVE");
      assertThat(e.transp()).isEqualTo("TRANSPARENT");
      assertThat(e.sequence()).isEqualTo(3);
      assertThat(e.dtstamp()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
      assertThat(e.lastModified()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
      assertThat(e.created()).isEqualTo(Instant.parse("2025-12-31T23:59:59Z"));
      assertThat(e.extra()).isEmpty();
    }

    @Test
    void extraPropertiesKeptOnRequest() {
      String ics = cal("BEGIN:VEVENT", "UID:a", "DTSTART;VALUE=DATE:20260301", "X-AIRBNB-GUEST:Ann",
          "LOCATION:Flat 2", "END:VEVENT");
      ParseOptions some = OPTS.toBuilder().keepProperties(Set.of("x-airbnb-guest")).build();
      assertThat(only(parse(some, ics)).extra()).containsExactly(java.util.Map.entry("X-AIRBNB-GUEST", "Ann"));
      ParseOptions all = OPTS.toBuilder().keepProperties(Set.of("*")).build();
      assertThat(only(parse(all, ics)).extra()).containsOnlyKeys("X-AIRBNB-GUEST", "LOCATION");
      assertThat(only(parse(ics)).extra()).isEmpty();
    }
  }

  @Nested
  class Lines {
    static final String BODY = "BEGIN:VCALENDAR|BEGIN:VEVENT|UID:u|DTSTART;VALUE=DATE:20260105|SUMMARY:S|END:VEVENT|END:VCALENDAR|";

    @Test
    void everyLineEndStyle() {
      for (String eol : List.of("\r\n", "\n", "\r")) {
        ParsedEvent e = only(parse(BODY.replace("|", eol)));
        assertThat(e.summary()).as(eol).isEqualTo("S");
        assertThat(e.line()).isEqualTo(2);
      }
      String mixed = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\nUID:u\rDTSTART;VALUE=DATE:20260105\r\nSUMMARY:S\n\nEND:VEVENT\r\n  \r\nEND:VCALENDAR";
      ParsedEvent e = only(parse(mixed));
      assertThat(e.summary()).isEqualTo("S");
      assertThat(e.range()).isEqualTo(days("2026-01-05", "2026-01-06"));
    }

    @Test
    void foldsInsideNamesParametersAndValues() {
      ParsedEvent e = only(parse("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u\r\nDTST\r\n ART;VAL\r\n\tUE=DA\r\n TE:2026\r\n 0105\r\n"
          + "SUMMARY:a long\r\n  summary\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"));
      assertThat(e.range()).isEqualTo(days("2026-01-05", "2026-01-06"));
      assertThat(e.summary()).isEqualTo("a long summary");
    }

    @Test
    void lowerCaseNamesTrailingWhitespaceAndBlankLines() {
      ParsedEvent e = only(parse("\r\n\r\nbegin:vcalendar  \r\nbegin:vevent\r\nuid:u\r\n\r\ndtstart;value=date:20260105 \r\n"
          + "summary:S\r\nend:vevent \t\r\nend:vcalendar\r\n\r\n"));
      assertThat(e.uid()).isEqualTo("u");
      assertThat(e.range()).isEqualTo(days("2026-01-05", "2026-01-06"));
    }

    @Test
    void quotedParametersAndLists() {
      ParsedEvent e = only(parse(cal("BEGIN:VEVENT", "UID:u",
          "ATTENDEE;DELEGATED-FROM=\"mailto:a@x.org\",\"mailto:b@x.org\";CN=\"Doe; John: Sr\":mailto:c@x.org",
          "DTSTART;x-foo=\"a;b:c\";TZID=\"Europe/Berlin\":20260105T100000", "END:VEVENT")));
      assertThat(e.range()).isEqualTo(times("2026-01-05T09:00:00Z", "2026-01-05T09:00:00Z"));
    }

    @Test
    void textUnescaping() {
      ParsedEvent e = only(parse(cal("BEGIN:VEVENT", "UID:u", "DTSTART;VALUE=DATE:20260105",
          "SUMMARY:a\\, b\\; c\\\\d\\ne\\Nf\\:g", "DESCRIPTION:Guest\\\\\\, Ann", "END:VEVENT")));
      assertThat(e.summary()).isEqualTo("a, b; c\\d\ne\nf:g");
      assertThat(e.description()).isEqualTo("Guest, Ann");
    }

    @Test
    void badLinesAreSkippedWithDiagnostics() {
      ParseResult r = parse(cal("BEGIN:VEVENT", "UID:u", "this line has no colon", "B@D NAME:x",
          "DTSTART;VALUE=DATE:2026-01-05", "DTSTART;VALUE=DATE:20260105", "SEQUENCE:many", "END:VEVENT"));
      ParsedEvent e = only(r);
      assertThat(e.range()).isEqualTo(days("2026-01-05", "2026-01-06"));
      assertThat(r.diagnostics()).extracting(d -> d.line()).containsExactly(6, 7, 8, 10);
      assertThat(r.diagnostics().get(0).message()).contains("no ':'");
    }
  }

  @Nested
  class Charsets {
    static final String ICS = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u\r\nDTSTART;VALUE=DATE:20260105\r\n"
        + "SUMMARY:Réservée – 東京\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    @Test
    void boms() throws IOException {
      byte[] utf8 = ICS.getBytes(StandardCharsets.UTF_8);
      assertSummary(concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, utf8), null);
      assertSummary(concat(new byte[] {(byte) 0xff, (byte) 0xfe}, ICS.getBytes(StandardCharsets.UTF_16LE)), null);
      assertSummary(concat(new byte[] {(byte) 0xfe, (byte) 0xff}, ICS.getBytes(StandardCharsets.UTF_16BE)), null);
      // UTF-16 without a BOM
      assertSummary(ICS.getBytes(StandardCharsets.UTF_16LE), null);
      // a BOM wins over the caller's charset
      assertSummary(concat(new byte[] {(byte) 0xff, (byte) 0xfe}, ICS.getBytes(StandardCharsets.UTF_16LE)),
          StandardCharsets.ISO_8859_1);
    }

    private void assertSummary(byte[] body, Charset cs) throws IOException {
      IcalParser p = IcalParser.create(OPTS.toBuilder().charset(cs).build());
      assertThat(only(p.parse(body)).summary()).isEqualTo("Réservée – 東京");
      // the same through a stream that hands out a few bytes at a time
      assertThat(only(p.parse(new Trickle(body, 3))).summary()).isEqualTo("Réservée – 東京");
    }

    @Test
    void latin1WithoutCharsetFallsBack() {
      String ics = ICS.replace("Réservée – 東京", "Réservée à Genève");
      byte[] latin1 = ics.getBytes(StandardCharsets.ISO_8859_1);
      ParseResult r = IcalParser.create(OPTS).parse(latin1);
      assertThat(only(r).summary()).isEqualTo("Réservée à Genève");
      assertThat(r.diagnostics()).anySatisfy(d -> assertThat(d.message()).contains("ISO-8859-1"));
    }

    @Test
    void callerCharset() {
      String ics = ICS.replace("Réservée – 東京", "Zürich €");
      byte[] cp1252 = ics.getBytes(Charset.forName("windows-1252"));
      ParseResult r = IcalParser.create(OPTS.toBuilder().charset(Charset.forName("windows-1252")).build()).parse(cp1252);
      assertThat(only(r).summary()).isEqualTo("Zürich €");
      assertThat(r.diagnostics()).isEmpty();
    }
  }

  @Nested
  class Components {
    @Test
    void alarmsTodosJournalsFreebusyAndXComponentsAreSkipped() {
      ParseResult r = parse(cal("BEGIN:VTODO", "UID:todo", "DTSTART:20260101T000000Z", "END:VTODO",
          "BEGIN:VJOURNAL", "UID:j", "DTSTART:20260101T000000Z", "END:VJOURNAL",
          "BEGIN:VFREEBUSY", "UID:f", "FREEBUSY:20260101T000000Z/PT1H", "END:VFREEBUSY",
          "BEGIN:X-THING", "BEGIN:VEVENT", "UID:nested", "END:VEVENT", "END:X-THING",
          "BEGIN:VEVENT", "UID:e", "DTSTART;VALUE=DATE:20260105",
          "BEGIN:VALARM", "TRIGGER:-PT15M", "DESCRIPTION:alarm", "SUMMARY:alarm", "END:VALARM",
          "SUMMARY:event", "END:VEVENT"));
      ParsedEvent e = only(r);
      assertThat(e.uid()).isEqualTo("e");
      assertThat(e.summary()).isEqualTo("event");
      assertThat(r.diagnostics()).isEmpty();
    }

    @Test
    void severalCalendarsInOneBody() {
      String one = cal("BEGIN:VEVENT", "UID:a", "DTSTART;VALUE=DATE:20260105", "END:VEVENT");
      String two = cal("BEGIN:VEVENT", "UID:b", "DTSTART;VALUE=DATE:20260106", "END:VEVENT");
      ParseResult r = parse(one + two);
      assertThat(r.events()).extracting(ParsedEvent::uid).containsExactly("a", "b");
      assertThat(r.prodId()).isEqualTo("-//test//EN");
    }

    @Test
    void fragmentWithoutVcalendarIsReadWithDiagnostic() {
      ParseResult r = parse("BEGIN:VEVENT\nUID:a\nDTSTART;VALUE=DATE:20260105\nEND:VEVENT\n");
      assertThat(only(r).uid()).isEqualTo("a");
      assertThat(r.diagnostics()).hasSize(1);
    }

    @Test
    void truncatedFeed() {
      String ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:20260105\r\nEND:VEVENT\r\n"
          + "BEGIN:VEVENT\r\nUID:b\r\nDTSTART;VALUE=DATE:20260106\r\n";
      ParseResult r = parse(ics);
      assertThat(only(r).uid()).isEqualTo("a");
      assertThat(r.diagnostics()).singleElement().satisfies(d -> assertThat(d.message()).contains("dropped"));
      assertThat(r.truncated()).as("flagged for the engine, which applies no cut-off body").isTrue();
      assertThat(parse(ics.substring(0, ics.indexOf("BEGIN:VEVENT\r\nUID:b"))).truncated())
          .as("no END:VCALENDAR").isTrue();
      assertThat(parse(ics + "END:VEVENT\r\nEND:VCALENDAR\r\n").truncated()).isFalse();
      assertThat(parse("").truncated()).isFalse();
      assertThatThrownBy(() -> parse(OPTS.toBuilder().strict(true).build(), ics))
          .isInstanceOfSatisfying(ParseException.class, e -> assertThat(e.failure()).isEqualTo(ParseFailure.TRUNCATED));
    }

    @Test
    void missingUidGetsStableSyntheticUid() {
      String ics = cal("BEGIN:VEVENT", "DTSTART;VALUE=DATE:20260105", "SUMMARY:x", "END:VEVENT",
          "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20260105", "SUMMARY:x", "END:VEVENT",
          "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20260107", "SUMMARY:x", "END:VEVENT");
      ParseResult r = parse(ics);
      assertThat(r.events()).hasSize(3);
      List<String> uids = r.events().stream().map(ParsedEvent::uid).toList();
      assertThat(uids).doesNotHaveDuplicates().allSatisfy(u -> assertThat(u).endsWith("@synthetic.ics-sync")
          .isNotEqualTo("x"));
      assertThat(r.diagnostics()).hasSize(3);
      // stable across parses, even when other events come and go before them
      String shifted = cal("BEGIN:VEVENT", "UID:other", "DTSTART;VALUE=DATE:20250105", "END:VEVENT",
          "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20260107", "SUMMARY:x", "END:VEVENT");
      assertThat(parse(shifted).events().get(1).uid()).isEqualTo(uids.get(2));
    }

    @Test
    void eventWithoutStartIsSkipped() {
      ParseResult r = parse(cal("BEGIN:VEVENT", "UID:a", "SUMMARY:no start", "END:VEVENT"));
      assertThat(r.events()).isEmpty();
      assertThat(r.diagnostics()).singleElement().satisfies(d -> assertThat(d.line()).isEqualTo(4));
    }
  }

  @Nested
  class Times {
    @Test
    void missingEndAndDuration() {
      ParseResult r = parse(cal(
          "BEGIN:VEVENT", "UID:d", "DTSTART;VALUE=DATE:20260105", "END:VEVENT",
          "BEGIN:VEVENT", "UID:t", "DTSTART:20260105T100000Z", "END:VEVENT",
          "BEGIN:VEVENT", "UID:dd", "DTSTART;VALUE=DATE:20260105", "DURATION:P3D", "END:VEVENT",
          "BEGIN:VEVENT", "UID:td", "DTSTART:20260105T100000Z", "DURATION:PT1H30M", "END:VEVENT",
          "BEGIN:VEVENT", "UID:tw", "DTSTART;TZID=Europe/Paris:20260327T120000", "DURATION:P1W", "END:VEVENT",
          "BEGIN:VEVENT", "UID:tn", "DTSTART;TZID=Europe/Paris:20260328T120000", "DURATION:P1D", "END:VEVENT"));
      assertThat(r.events()).extracting(ParsedEvent::range).containsExactly(
          days("2026-01-05", "2026-01-06"),
          times("2026-01-05T10:00:00Z", "2026-01-05T10:00:00Z"),
          days("2026-01-05", "2026-01-08"),
          times("2026-01-05T10:00:00Z", "2026-01-05T11:30:00Z"),
          times("2026-03-27T11:00:00Z", "2026-04-03T10:00:00Z"),
          // a nominal day across the DST change is 23 hours
          times("2026-03-28T11:00:00Z", "2026-03-29T10:00:00Z"));
    }

    @Test
    void endBeforeStartIsSwappedAndReported() {
      ParseResult r = parse(cal("BEGIN:VEVENT", "UID:a", "DTEND;VALUE=DATE:20260105",
          "DTSTART;VALUE=DATE:20260110", "END:VEVENT"));
      assertThat(only(r).range()).isEqualTo(days("2026-01-05", "2026-01-10"));
      assertThat(r.diagnostics()).singleElement().satisfies(d -> assertThat(d.message()).contains("swapped"));
    }

    @Test
    void zones() {
      ParseResult r = parse(cal(
          "BEGIN:VEVENT", "UID:iana", "DTSTART;TZID=America/New_York:20260701T120000", "END:VEVENT",
          "BEGIN:VEVENT", "UID:win", "DTSTART;TZID=W. Europe Standard Time:20260701T120000", "END:VEVENT",
          "BEGIN:VEVENT", "UID:moz", "DTSTART;TZID=/mozilla.org/20050126_1/Europe/Berlin:20260701T120000", "END:VEVENT",
          "BEGIN:VEVENT", "UID:utc", "DTSTART;TZID=Europe/Berlin:20260701T120000Z", "END:VEVENT"));
      assertThat(r.events()).extracting(e -> ((DateRange.Timed) e.range()).start()).containsExactly(
          Instant.parse("2026-07-01T16:00:00Z"), Instant.parse("2026-07-01T10:00:00Z"),
          Instant.parse("2026-07-01T10:00:00Z"), Instant.parse("2026-07-01T12:00:00Z"));
      assertThat(r.diagnostics()).isEmpty();
    }

    @Test
    void aFeedsOwnZonesAreReadUpToTheLimitThenFallBackWithADiagnostic() {
      int zones = dev.icssync.ical.Zones.MAX_DEFINED_ZONES + 3;
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < zones; i++) {
        // every zone is UTC+05:00, which no default zone of the test is
        lines.addAll(List.of("BEGIN:VTIMEZONE", "TZID:Custom " + i, "BEGIN:STANDARD",
            "DTSTART:19700101T000000", "TZOFFSETFROM:+0500", "TZOFFSETTO:+0500", "END:STANDARD",
            "END:VTIMEZONE"));
      }
      for (int i = 0; i < zones; i++) {
        lines.addAll(List.of("BEGIN:VEVENT", "UID:z" + i,
            "DTSTART;TZID=\"Custom " + i + "\":20260701T120000", "END:VEVENT"));
      }
      ParseResult r = parse(cal(lines.toArray(String[]::new)));
      assertThat(r.events()).hasSize(zones);
      List<Instant> starts = r.events().stream()
          .map(e -> ((DateRange.Timed) e.range()).start()).toList();
      int limit = dev.icssync.ical.Zones.MAX_DEFINED_ZONES;
      assertThat(starts.subList(0, limit)).containsOnly(Instant.parse("2026-07-01T07:00:00Z"));
      // past the limit: read in the floating zone (UTC here), one diagnostic per zone
      assertThat(starts.subList(limit, zones)).containsOnly(Instant.parse("2026-07-01T12:00:00Z"));
      assertThat(r.diagnostics()).hasSize(3).allSatisfy(
          d -> assertThat(d.message()).contains("not read").contains("at most " + limit + " zones"));
    }

    @Test
    void customVtimezoneEvenWhenDefinedAfterItsUse() {
      String vtz = String.join("\r\n", "BEGIN:VTIMEZONE", "TZID:Customized Time Zone",
          "BEGIN:STANDARD", "DTSTART:16010101T030000", "TZOFFSETFROM:+0300", "TZOFFSETTO:+0200",
          "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", "END:STANDARD",
          "BEGIN:DAYLIGHT", "DTSTART:16010101T020000", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0300",
          "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "END:DAYLIGHT", "END:VTIMEZONE");
      String event = String.join("\r\n", "BEGIN:VEVENT", "UID:c",
          "DTSTART;TZID=\"Customized Time Zone\":20260701T120000",
          "DTEND;TZID=\"Customized Time Zone\":20260701T130000", "END:VEVENT");
      for (String ics : List.of(cal(vtz, event), cal(event, vtz))) {
        ParseResult r = parse(ics);
        assertThat(only(r).range()).isEqualTo(times("2026-07-01T09:00:00Z", "2026-07-01T10:00:00Z"));
        assertThat(r.diagnostics()).isEmpty();
      }
    }

    @Test
    void unknownZoneFallsBackToCalendarZoneThenDefault() {
      String ev = String.join("\r\n", "BEGIN:VEVENT", "UID:u", "DTSTART;TZID=Nowhere/Land:20260701T120000", "END:VEVENT",
          "BEGIN:VEVENT", "UID:f", "DTSTART:20260701T120000", "END:VEVENT");
      ParseResult withCal = parse(cal("X-WR-TIMEZONE:Asia/Tokyo", ev));
      assertThat(withCal.calendarZone()).isEqualTo("Asia/Tokyo");
      assertThat(withCal.events()).extracting(ParsedEvent::range).containsOnly(
          times("2026-07-01T03:00:00Z", "2026-07-01T03:00:00Z"));
      assertThat(withCal.diagnostics()).singleElement().satisfies(d -> assertThat(d.message()).contains("Nowhere/Land"));
      ParseResult withDefault = parse(OPTS.toBuilder().defaultZone(ZoneId.of("America/Sao_Paulo")).build(), cal(ev));
      assertThat(withDefault.events()).extracting(ParsedEvent::range).containsOnly(
          times("2026-07-01T15:00:00Z", "2026-07-01T15:00:00Z"));
    }

    @Test
    void dateTimeMarkedAsDateIsReadAsDate() {
      ParseResult r = parse(cal("BEGIN:VEVENT", "UID:u", "DTSTART;VALUE=DATE:20260105T000000", "END:VEVENT"));
      assertThat(only(r).range()).isEqualTo(days("2026-01-05", "2026-01-06"));
      assertThat(r.diagnostics()).hasSize(1);
    }

    @Test
    void dstGapIsMovedForward() {
      ParsedEvent e = only(parse(cal("BEGIN:VEVENT", "UID:u", "DTSTART;TZID=Europe/Berlin:20260329T023000", "END:VEVENT")));
      assertThat(e.range()).isEqualTo(times("2026-03-29T01:30:00Z", "2026-03-29T01:30:00Z"));
    }
  }

  @Nested
  class Recurrence {
    @Test
    void rruleWithExdateAndOverride() {
      ParseResult r = parse(cal(
          "BEGIN:VEVENT", "UID:r", "DTSTART;TZID=Europe/Berlin:20260105T100000",
          "DTEND;TZID=Europe/Berlin:20260105T110000", "RRULE:FREQ=WEEKLY;COUNT=4",
          "EXDATE;TZID=Europe/Berlin:20260112T100000", "SUMMARY:weekly", "END:VEVENT",
          "BEGIN:VEVENT", "UID:r", "RECURRENCE-ID;TZID=Europe/Berlin:20260119T100000",
          "DTSTART;TZID=Europe/Berlin:20260119T140000", "DTEND;TZID=Europe/Berlin:20260119T150000",
          "SUMMARY:moved", "END:VEVENT"));
      // feed order: the series' instances at the master's line, then the override at its own
      assertThat(r.events()).extracting(ParsedEvent::recurrenceId, ParsedEvent::range, ParsedEvent::summary)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("20260105T090000Z", times("2026-01-05T09:00:00Z", "2026-01-05T10:00:00Z"), "weekly"),
              org.assertj.core.groups.Tuple.tuple("20260119T090000Z", times("2026-01-19T13:00:00Z", "2026-01-19T14:00:00Z"), "moved"),
              org.assertj.core.groups.Tuple.tuple("20260126T090000Z", times("2026-01-26T09:00:00Z", "2026-01-26T10:00:00Z"), "weekly"));
      assertThat(r.events()).extracting(ParsedEvent::uid).containsOnly("r");
      assertThat(r.events().get(2).summary()).isEqualTo("moved");
    }

    @Test
    void allDayRuleIsCutToTheWindowAndDstIsWallClock() {
      ParseResult r = parse(cal("BEGIN:VEVENT", "UID:y", "DTSTART;VALUE=DATE:20200229",
          "DTEND;VALUE=DATE:20200301", "RRULE:FREQ=YEARLY", "END:VEVENT",
          "BEGIN:VEVENT", "UID:d", "DTSTART;TZID=Europe/Berlin:20261024T090000",
          "RRULE:FREQ=DAILY;UNTIL=20261026T080000Z", "END:VEVENT"));
      assertThat(r.events()).extracting(ParsedEvent::uid, ParsedEvent::recurrenceId).containsExactly(
          org.assertj.core.groups.Tuple.tuple("d", "20261024T070000Z"),
          org.assertj.core.groups.Tuple.tuple("d", "20261025T080000Z"),
          org.assertj.core.groups.Tuple.tuple("d", "20261026T080000Z"));
      ParseResult wide = parse(OPTS.toBuilder().window(Instant.parse("2019-01-01T00:00:00Z"),
          Instant.parse("2033-01-01T00:00:00Z")).build(), cal("BEGIN:VEVENT", "UID:y", "DTSTART;VALUE=DATE:20200229",
          "DTEND;VALUE=DATE:20200301", "RRULE:FREQ=YEARLY", "END:VEVENT"));
      assertThat(wide.events()).extracting(ParsedEvent::recurrenceId)
          .containsExactly("20200229", "20240229", "20280229", "20320229");
      assertThat(wide.events().get(1).range()).isEqualTo(days("2024-02-29", "2024-03-01"));
    }

    @Test
    void rdatesIncludingPeriods() {
      ParseResult r = parse(cal("BEGIN:VEVENT", "UID:p", "DTSTART:20260105T100000Z", "DURATION:PT1H",
          "RDATE;VALUE=PERIOD:20260110T100000Z/20260110T130000Z,20260111T100000Z/PT2H",
          "RDATE:20260112T080000Z", "END:VEVENT"));
      assertThat(r.events()).extracting(ParsedEvent::range).containsExactly(
          times("2026-01-05T10:00:00Z", "2026-01-05T11:00:00Z"),
          times("2026-01-10T10:00:00Z", "2026-01-10T13:00:00Z"),
          times("2026-01-11T10:00:00Z", "2026-01-11T12:00:00Z"),
          times("2026-01-12T08:00:00Z", "2026-01-12T09:00:00Z"));
    }

    @Test
    void endlessRuleFromLongAgoIsQuickAndCapped() {
      ParseResult r = parse(cal("BEGIN:VEVENT", "UID:h", "DTSTART:19700101T000000Z", "RRULE:FREQ=HOURLY;INTERVAL=7",
          "END:VEVENT"));
      assertThat(r.events()).hasSize(1252); // 365 days * 24 / 7, give or take the phase
      assertThatThrownBy(() -> parse(cal("BEGIN:VEVENT", "UID:m", "DTSTART:20260101T000000Z",
          "RRULE:FREQ=MINUTELY", "END:VEVENT")))
          .isInstanceOfSatisfying(ParseException.class,
              e -> assertThat(e.failure()).isEqualTo(ParseFailure.TOO_MANY_INSTANCES));
    }

    @Test
    void orphanOverrideIsKept() {
      ParsedEvent e = only(parse(cal("BEGIN:VEVENT", "UID:o", "RECURRENCE-ID;VALUE=DATE:20260301",
          "DTSTART;VALUE=DATE:20260302", "END:VEVENT")));
      assertThat(e.recurrenceId()).isEqualTo("20260301");
      assertThat(e.range()).isEqualTo(days("2026-03-02", "2026-03-03"));
    }

    @Test
    void badRuleKeepsTheFirstOccurrence() {
      ParseResult r = parse(cal("BEGIN:VEVENT", "UID:b", "DTSTART;VALUE=DATE:20260301", "RRULE:FREQ=SOMETIMES", "END:VEVENT"));
      assertThat(only(r).recurrenceId()).isEqualTo("20260301");
      assertThat(r.diagnostics()).singleElement().satisfies(d -> assertThat(d.message()).contains("RRULE"));
    }
  }

  @Nested
  class NotACalendar {
    @Test
    void emptyBodiesAreValidAndFlagged() {
      for (String body : List.of("", "\r\n", "   \n\n\t\n", "\ufeff")) {
        ParseResult r = parse(body);
        assertThat(r.empty()).as("[%s]", body).isTrue();
        assertThat(r.events()).isEmpty();
      }
      ParseResult emptyCalendar = parse(cal());
      assertThat(emptyCalendar.empty()).isFalse();
      assertThat(emptyCalendar.events()).isEmpty();
    }

    @Test
    void htmlJsonAndNoiseAreNotACalendar() {
      byte[] noise = new byte[5000];
      new java.util.Random(42).nextBytes(noise);
      List<byte[]> bodies = List.of(
          "<!DOCTYPE html><html><body>Please log in</body></html>".getBytes(StandardCharsets.UTF_8),
          "{\"error\":\"unauthorized\"}".getBytes(StandardCharsets.UTF_8),
          "Service temporarily unavailable\r\nBEGIN:VCALENDAR\r\n".getBytes(StandardCharsets.UTF_8),
          "BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n".getBytes(StandardCharsets.UTF_8),
          "x".repeat(100_000).getBytes(StandardCharsets.UTF_8),
          noise);
      for (byte[] b : bodies) {
        assertThatThrownBy(() -> IcalParser.create(OPTS).parse(b))
            .isInstanceOfSatisfying(ParseException.class,
                e -> assertThat(e.failure()).isEqualTo(ParseFailure.NOT_A_CALENDAR));
      }
    }
  }

  @Nested
  class Limits {
    static final String TWO = cal("BEGIN:VEVENT", "UID:a", "DTSTART;VALUE=DATE:20260105", "END:VEVENT",
        "BEGIN:VEVENT", "UID:b", "DTSTART;VALUE=DATE:20260106", "SUMMARY:" + "s".repeat(300), "END:VEVENT");

    @Test
    void typedFailures() {
      assertFailure(OPTS.toBuilder().maxBytes(100).build(), ParseFailure.TOO_LARGE);
      assertFailure(OPTS.toBuilder().maxLineLength(200).build(), ParseFailure.LINE_TOO_LONG);
      assertFailure(OPTS.toBuilder().maxEvents(1).build(), ParseFailure.TOO_MANY_EVENTS);
      assertFailure(OPTS.toBuilder().strict(true).build(), null);
      String weekly = cal("BEGIN:VEVENT", "UID:w", "DTSTART;VALUE=DATE:20260105", "RRULE:FREQ=WEEKLY", "END:VEVENT");
      assertThat(parse(weekly).events()).hasSize(52);
      assertThatThrownBy(() -> parse(OPTS.toBuilder().maxInstances(51).build(), weekly))
          .isInstanceOfSatisfying(ParseException.class,
              e -> assertThat(e.failure()).isEqualTo(ParseFailure.TOO_MANY_INSTANCES));
    }

    private void assertFailure(ParseOptions o, ParseFailure expected) {
      IcalParser p = IcalParser.create(o);
      byte[] b = TWO.getBytes(StandardCharsets.UTF_8);
      if (expected == null) {
        assertThat(p.parse(b).events()).hasSize(2);
        assertThat(p.parse(new ByteArrayInputStream(b)).events()).hasSize(2);
        return;
      }
      assertThatThrownBy(() -> p.parse(b)).isInstanceOfSatisfying(ParseException.class,
          e -> assertThat(e.failure()).isEqualTo(expected));
      assertThatThrownBy(() -> p.parse(new Trickle(b, 7), e -> { }))
          .isInstanceOfSatisfying(ParseException.class, e -> assertThat(e.failure()).isEqualTo(expected));
    }

    @Test
    void strictModeTurnsDiagnosticsIntoErrors() {
      String ics = cal("BEGIN:VEVENT", "DTSTART;VALUE=DATE:20260105", "END:VEVENT");
      assertThat(parse(ics).diagnostics()).hasSize(1);
      assertThatThrownBy(() -> parse(OPTS.toBuilder().strict(true).build(), ics))
          .isInstanceOfSatisfying(ParseException.class, e -> {
            assertThat(e.failure()).isEqualTo(ParseFailure.STRICT_VIOLATION);
            assertThat(e.getMessage()).contains("line 4");
          });
    }

    @Test
    void readFailuresAreTyped() {
      InputStream broken = new InputStream() {
        @Override
        public int read() throws IOException {
          throw new IOException("connection reset");
        }
      };
      assertThatThrownBy(() -> IcalParser.create(OPTS).parse(broken))
          .isInstanceOfSatisfying(ParseException.class, e -> {
            assertThat(e.failure()).isEqualTo(ParseFailure.IO);
            assertThat(e.getCause()).hasMessage("connection reset");
          });
    }
  }

  @Nested
  class Streaming {
    @Test
    void consumerSeesEventsWhileTheStreamIsStillBeingRead() {
      String head = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:first\r\nDTSTART;VALUE=DATE:20260105\r\nEND:VEVENT\r\n";
      String tail = "BEGIN:VEVENT\r\nUID:second\r\nDTSTART;VALUE=DATE:20260106\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
      byte[] body = (head + tail).getBytes(StandardCharsets.UTF_8);
      int[] readSoFar = new int[1];
      List<Integer> seenAt = new ArrayList<>();
      InputStream in = new Trickle(body, 10) {
        @Override
        public int read(byte[] b, int off, int len) {
          int n = super.read(b, off, len);
          readSoFar[0] += Math.max(0, n);
          return n;
        }
      };
      ParseResult r = IcalParser.create(OPTS).parse(in, e -> seenAt.add(readSoFar[0]));
      assertThat(r.events()).isEmpty();
      assertThat(seenAt).hasSize(2);
      assertThat(seenAt.get(0)).isLessThan(body.length);
      assertThat(r.bytes()).isEqualTo(body.length);
    }
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] c = new byte[a.length + b.length];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /** Hands out at most {@code step} bytes per read, to cross every buffer boundary. */
  static class Trickle extends InputStream {
    private final byte[] body;
    private final int step;
    private int pos;

    Trickle(byte[] body, int step) {
      this.body = body;
      this.step = step;
    }

    @Override
    public int read() {
      return pos < body.length ? body[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= body.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, step), body.length - pos);
      System.arraycopy(body, pos, b, off, n);
      pos += n;
      return n;
    }
  }
}

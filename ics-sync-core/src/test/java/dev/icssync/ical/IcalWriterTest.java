package dev.icssync.ical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import biweekly.Biweekly;
import biweekly.ICalVersion;
import biweekly.ICalendar;
import biweekly.io.ParseWarning;
import dev.icssync.DateRange;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Component;
import net.fortuna.ical4j.model.component.VEvent;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class IcalWriterTest {

  static final String LONG_TEXT = "Séjour réservé; café, 日本語のテキスト🏖️ and a \\ backslash.\n"
      + "Second line with ünïcödé and emoji 😀😀😀 repeated to pass seventy-five octets easily.";

  @Test
  void writesAMinimalCalendarExactly() {
    IcalWriter w = IcalWriter.toBytes();
    w.beginCalendar("-//Example//Test//EN")
        .beginEvent()
        .text("UID", "a@example.com")
        .dateTime("DTSTAMP", Instant.parse("2026-01-02T03:04:05.999Z"))
        .range(DateRange.allDay(LocalDate.of(2026, 8, 24), LocalDate.of(2026, 9, 2)))
        .text("summary", "Reserved, 2 nights; ok")
        .integer("SEQUENCE", 3)
        .endEvent()
        .endCalendar();
    assertThat(new String(w.toByteArray(), StandardCharsets.UTF_8)).isEqualTo(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//Test//EN\r\nCALSCALE:GREGORIAN\r\n"
            + "BEGIN:VEVENT\r\nUID:a@example.com\r\nDTSTAMP:20260102T030405Z\r\n"
            + "DTSTART;VALUE=DATE:20260824\r\nDTEND;VALUE=DATE:20260902\r\n"
            + "SUMMARY:Reserved\\, 2 nights\\; ok\r\nSEQUENCE:3\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
  }

  @Test
  void foldsAt75OctetsWithoutSplittingUtf8() throws Exception {
    IcalWriter w = IcalWriter.toBytes();
    w.beginCalendar("-//x//y//EN").beginEvent().text("DESCRIPTION", LONG_TEXT.repeat(5)).endEvent()
        .endCalendar();
    byte[] out = w.toByteArray();
    List<byte[]> lines = physicalLines(out);
    assertThat(lines).hasSizeGreaterThan(10);
    for (byte[] line : lines) {
      assertThat(line.length).isLessThanOrEqualTo(75);
      strictUtf8(line); // throws when a line starts or ends inside a sequence
      if (line.length > 0 && line[line.length - 1] == '\\') {
        throw new AssertionError("an escape was split by a fold");
      }
    }
    assertThat(unfoldedValue(out, "DESCRIPTION")).isEqualTo(IcalWriter.escapeText(LONG_TEXT.repeat(5)));
  }

  @Test
  void escapesTextAndDropsForbiddenControls() {
    assertThat(IcalWriter.escapeText("a\\b;c,d\ne\r\nf\rg\u0001h\u007fi\tj:k\"l"))
        .isEqualTo("a\\\\b\\;c\\,d\\ne\\nf\\ng" + "h" + "i\tj:k\"l");
  }

  @Test
  void streamOutputEqualsInMemoryOutput() {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    IcalWriter s = IcalWriter.to(sink);
    IcalWriter m = IcalWriter.toBytes(16);
    for (IcalWriter w : List.of(s, m)) {
      w.beginCalendar("-//x//y//EN");
      for (int i = 0; i < 2000; i++) {
        w.beginEvent().text("UID", "u" + i).text("SUMMARY", LONG_TEXT).endEvent();
      }
      w.endCalendar();
    }
    assertThat(sink.toByteArray()).isEqualTo(m.toByteArray());
  }

  @Test
  void formatsDatesAndUtcTimes() {
    assertThat(IcalWriter.formatDate(LocalDate.of(7, 3, 9))).isEqualTo("00070309");
    assertThat(IcalWriter.formatDateTime(Instant.parse("1969-12-31T23:59:59.500Z")))
        .isEqualTo("19691231T235959Z");
    assertThat(IcalWriter.formatDateTime(Instant.parse("2026-12-31T23:00:00Z"))).isEqualTo("20261231T230000Z");
    assertThatThrownBy(() -> IcalWriter.formatDate(LocalDate.of(10000, 1, 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void quotesAndCaretEncodesParameterValues() {
    IcalWriter w = IcalWriter.toBytes();
    Map<String, String> params = new LinkedHashMap<>();
    params.put("CN", "Doe, \"Jo\"");
    params.put("X-PLAIN", "abc");
    w.beginCalendar("-//x//y//EN").beginEvent().raw("ATTENDEE", params, "mailto:a@example.com").endEvent();
    assertThat(new String(w.toByteArray(), StandardCharsets.UTF_8))
        .contains("ATTENDEE;CN=\"Doe, ^'Jo^'\";X-PLAIN=abc:mailto:a@example.com\r\n");
  }

  @Test
  void rejectsMisuse() {
    assertThatThrownBy(() -> IcalWriter.toBytes().text("SUMMARY", "x"))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> IcalWriter.toBytes().begin("VEVENT")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> IcalWriter.toBytes().beginCalendar("p").beginEvent().endCalendar())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("VEVENT");
    assertThatThrownBy(() -> IcalWriter.toBytes().beginCalendar("p").text("BAD NAME", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IcalWriter.toBytes().beginCalendar("p").raw("X-A", "a\r\nB:c"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void writesAParsedEventField() {
    ParsedEvent e = new ParsedEvent("u1@x", "20260708",
        DateRange.timed(Instant.parse("2026-07-08T13:00:00Z"), Instant.parse("2026-07-08T15:00:00Z")),
        "S", "D", "TENTATIVE", "OPAQUE", 4, Instant.parse("2026-01-01T00:00:00Z"), null, null, 1,
        Map.of("X-FOO", "bar"));
    String s = new String(IcalWriter.toBytes().beginCalendar("p").event(e).endCalendar().toByteArray(),
        StandardCharsets.UTF_8);
    assertThat(s).contains("RECURRENCE-ID;VALUE=DATE:20260708\r\n", "DTSTART:20260708T130000Z\r\n",
        "DTEND:20260708T150000Z\r\n", "STATUS:TENTATIVE\r\n", "SEQUENCE:4\r\n", "X-FOO:bar\r\n")
        .doesNotContain("LAST-MODIFIED", "CREATED");
  }

  @Test
  void outputIsAcceptedByIcal4jAndBiweekly() throws Exception {
    IcalWriter w = IcalWriter.toBytes();
    w.beginCalendar("-//ics-sync//test//EN");
    for (int i = 0; i < 20; i++) {
      w.beginEvent()
          .text("UID", "event-" + i + "@example.com")
          .dateTime("DTSTAMP", Instant.parse("2026-01-01T00:00:00Z"))
          .range(i % 2 == 0
              ? DateRange.allDay(LocalDate.of(2026, 7, 1).plusDays(i), LocalDate.of(2026, 7, 3).plusDays(i))
              : DateRange.timed(Instant.parse("2026-07-01T14:00:00Z").plusSeconds(86400L * i),
                  Instant.parse("2026-07-02T10:00:00Z").plusSeconds(86400L * i)))
          .text("SUMMARY", "Summary " + i + " " + LONG_TEXT)
          .text("DESCRIPTION", LONG_TEXT.repeat(3))
          .integer("SEQUENCE", i)
          .endEvent();
    }
    byte[] out = w.endCalendar().toByteArray();

    Calendar cal = new CalendarBuilder().build(new ByteArrayInputStream(out));
    List<VEvent> events = cal.getComponents(Component.VEVENT);
    assertThat(events).hasSize(20);
    assertThat(events.get(3).getProperty("SUMMARY").orElseThrow().getValue())
        .isEqualTo("Summary 3 " + LONG_TEXT);
    assertThat(events.get(3).getProperty("DESCRIPTION").orElseThrow().getValue())
        .isEqualTo(LONG_TEXT.repeat(3));
    assertThat(events.get(2).getStartDate().orElseThrow().getDate()).isEqualTo(LocalDate.of(2026, 7, 3));
    assertThat(cal.validate().hasErrors()).as(cal.validate().toString()).isFalse();

    List<List<ParseWarning>> warnings = new ArrayList<>();
    ICalendar bi = Biweekly.parse(new String(out, StandardCharsets.UTF_8)).warnings(warnings).first();
    assertThat(warnings).allMatch(List::isEmpty);
    assertThat(bi.getEvents()).hasSize(20);
    assertThat(bi.getEvents().get(5).getSummary().getValue()).isEqualTo("Summary 5 " + LONG_TEXT);
    assertThat(bi.getEvents().get(5).getDescription().getValue()).isEqualTo(LONG_TEXT.repeat(3));
    assertThat(bi.getEvents().get(5).getDateStart().getValue().toInstant())
        .isEqualTo(Instant.parse("2026-07-06T14:00:00Z"));
    assertThat(bi.validate(ICalVersion.V2_0).isEmpty()).as(bi.validate(ICalVersion.V2_0).toString()).isTrue();
  }

  // ------------------------------------------------------------ properties

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(400),
        Arbitraries.strings().withCharRange('\u0000', '\uffff').ofMaxLength(300),
        Arbitraries.strings().withChars("a,;\\\n\r\té日😀 ".toCharArray()).ofMaxLength(300),
        Arbitraries.strings().withChars('\uD83D', '\uDE00', 'x', '\u00e9').ofMaxLength(200));
  }

  @Property(tries = 300)
  void foldedEscapedTextUnfoldsAndUnescapesToTheSanitisedInput(@ForAll("texts") String value)
      throws Exception {
    byte[] out = IcalWriter.toBytes().beginCalendar("p").text("X-T", value).toByteArray();
    for (byte[] line : physicalLines(out)) {
      assertThat(line.length).isLessThanOrEqualTo(75);
      strictUtf8(line);
    }
    assertThat(unescape(unfoldedValue(out, "X-T"))).isEqualTo(sanitise(value));
    if (!hasLoneSurrogate(value)) {
      assertThat(unfoldedValue(out, "X-T")).isEqualTo(IcalWriter.escapeText(value));
    }
  }

  // ------------------------------------------------------------ helpers

  private static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  /** What a TEXT value can carry: line breaks as \n, no other controls, lone surrogates replaced. */
  static String sanitise(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\r') {
        sb.append('\n');
        if (i + 1 < s.length() && s.charAt(i + 1) == '\n') {
          i++;
        }
      } else if (c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f && !Character.isSurrogate(c))) {
        sb.append(c);
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        sb.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        sb.append('\uFFFD');
      }
    }
    return sb.toString();
  }

  static String unescape(String v) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '\\' && i + 1 < v.length()) {
        char n = v.charAt(++i);
        sb.append(n == 'n' || n == 'N' ? '\n' : n);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  static List<byte[]> physicalLines(byte[] out) {
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < out.length; i++) {
      if (out[i] == '\n') {
        if (i == 0 || out[i - 1] != '\r') {
          throw new AssertionError("bare LF at " + i);
        }
        lines.add(java.util.Arrays.copyOfRange(out, start, i - 1));
        start = i + 1;
      } else if (out[i] == '\r' && (i + 1 == out.length || out[i + 1] != '\n')) {
        throw new AssertionError("bare CR at " + i);
      }
    }
    assertThat(start).as("output ends with CRLF").isEqualTo(out.length);
    return lines;
  }

  static void strictUtf8(byte[] line) throws CharacterCodingException {
    StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(line));
  }

  /** The value of the first property {@code name}, unfolded. */
  static String unfoldedValue(byte[] out, String name) {
    String unfolded = new String(out, StandardCharsets.UTF_8).replace("\r\n ", "");
    for (String line : unfolded.split("\r\n", -1)) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1);
      }
    }
    throw new AssertionError(name + " not found");
  }
}

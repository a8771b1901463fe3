package dev.icssync.ical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.icssync.IcsSyncException.ParseException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Inputs shaped to make a parser hang, blow up quadratically or run out of memory, each a few
 * megabytes at most, through the options a sync uses (the engine's window, the default limits). Each
 * must end, with a result or a typed {@link ParseException}, and the byte[] and streaming entries
 * must agree. The bound is generous (these take milliseconds); it exists to turn a hang into a
 * failure that names the input.
 */
class ParserPathologicalInputTest {
  static final ParseOptions SYNC_OPTIONS = ParseOptions.builder()
      .window(Instant.parse("2026-05-11T00:00:00Z"), Instant.parse("2028-06-09T00:00:00Z"))
      .build();
  static final Duration BOUND = Duration.ofSeconds(60);

  static String cal(String body) {
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\n" + body + "END:VCALENDAR\r\n";
  }

  static String repeat(int n, java.util.function.IntFunction<String> f) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(f.apply(i));
    }
    return b.toString();
  }

  static Stream<Arguments> inputs() {
    List<Arguments> out = new ArrayList<>();
    add(out, "200,000 BEGIN:VEVENT never ended", () -> cal(repeat(200_000, i -> "BEGIN:VEVENT\r\n")));
    add(out, "100,000 END:VEVENT never begun", () -> cal(repeat(100_000, i -> "END:VEVENT\r\n")));
    add(out, "nested VCALENDARs 50,000 deep", () -> repeat(50_000, i -> "BEGIN:VCALENDAR\r\n"));
    add(out, "one line folded 2,000,000 times", () -> cal("BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:x"
        + repeat(2_000_000, i -> "\r\n y") + "\r\nDTSTART;VALUE=DATE:20260701\r\nEND:VEVENT\r\n"));
    add(out, "a 3 MB line without a line break", () -> cal("BEGIN:VEVENT\r\nSUMMARY:" + "a".repeat(3_000_000)));
    add(out, "50,000 parameters on one property", () -> cal("BEGIN:VEVENT\r\nUID:p\r\nDTSTART"
        + repeat(50_000, i -> ";X-P" + i + "=\"v,v;v:v\"") + ";VALUE=DATE:20260701\r\nEND:VEVENT\r\n"));
    add(out, "1 MB of backslashes in a summary", () -> cal("BEGIN:VEVENT\r\nUID:b\r\nDTSTART;VALUE=DATE:20260701\r\n"
        + "SUMMARY:" + "\\".repeat(1_000_000) + "\r\nEND:VEVENT\r\n"));
    add(out, "100,000 events with one UID", () -> cal(repeat(100_000, i -> "BEGIN:VEVENT\r\nUID:same\r\n"
        + "DTSTART;VALUE=DATE:20260701\r\nDTEND;VALUE=DATE:20260702\r\nEND:VEVENT\r\n")));
    add(out, "a daily rule with 20,000 overrides", () -> cal("BEGIN:VEVENT\r\nUID:r\r\nDTSTART:20260601T100000Z\r\n"
        + "RRULE:FREQ=DAILY\r\nEND:VEVENT\r\n" + repeat(20_000, i -> "BEGIN:VEVENT\r\nUID:r\r\n"
        + "RECURRENCE-ID:" + String.format("2026%02d%02dT100000Z", 6 + (i / 28) % 6, 1 + i % 28)
        + "\r\nDTSTART:20260701T110000Z\r\nEND:VEVENT\r\n")));
    add(out, "a daily rule with 50,000 EXDATEs", () -> cal("BEGIN:VEVENT\r\nUID:e\r\nDTSTART;VALUE=DATE:20260601\r\n"
        + "RRULE:FREQ=DAILY\r\n" + repeat(50_000, i -> "EXDATE;VALUE=DATE:"
            + java.time.LocalDate.of(2026, 6, 1).plusDays(i % 3000).format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE)
            + "\r\n") + "END:VEVENT\r\n"));
    add(out, "secondly rule from 1900 with no end", () -> cal("BEGIN:VEVENT\r\nUID:s\r\nDTSTART:19000101T000000Z\r\n"
        + "RRULE:FREQ=SECONDLY\r\nEND:VEVENT\r\n"));
    add(out, "yearly rule expanding every minute of the year", () -> cal("BEGIN:VEVENT\r\nUID:y\r\n"
        + "DTSTART:20260101T000000Z\r\nRRULE:FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;"
        + "BYMONTHDAY=" + repeat(31, i -> (i + 1) + (i < 30 ? "," : "")) + ";BYHOUR="
        + repeat(24, i -> i + (i < 23 ? "," : "")) + ";BYMINUTE=" + repeat(60, i -> i + (i < 59 ? "," : ""))
        + "\r\nEND:VEVENT\r\n"));
    add(out, "a rule stepping 1 second from year 1 to 9999", () -> cal("BEGIN:VEVENT\r\nUID:u\r\n"
        + "DTSTART:00010101T000000Z\r\nRRULE:FREQ=SECONDLY;UNTIL=99991231T235959Z\r\nEND:VEVENT\r\n"));
    add(out, "COUNT of two billion, yearly from year 1", () -> cal("BEGIN:VEVENT\r\nUID:c\r\n"
        + "DTSTART;VALUE=DATE:00010101\r\nRRULE:FREQ=YEARLY;COUNT=2000000000;INTERVAL=1\r\nEND:VEVENT\r\n"));
    add(out, "a secondly EXRULE over a daily series of a thousand years", () -> cal("BEGIN:VEVENT\r\nUID:x1\r\n"
        + "DTSTART:15000101T000000Z\r\nRRULE:FREQ=DAILY\r\nEXRULE:FREQ=SECONDLY\r\n"
        + "EXRULE:FREQ=SECONDLY;UNTIL=99991231T235959Z\r\nEND:VEVENT\r\n"));
    add(out, "500 series with a secondly EXRULE each", () -> cal(repeat(500, i -> "BEGIN:VEVENT\r\nUID:xr" + i
        + "\r\nDTSTART:20260601T100000Z\r\nRRULE:FREQ=DAILY;COUNT=100\r\nEXRULE:FREQ=SECONDLY\r\n"
        + "END:VEVENT\r\n")));
    add(out, "a BYSETPOS rule that never matches", () -> cal("BEGIN:VEVENT\r\nUID:n\r\n"
        + "DTSTART;VALUE=DATE:20260101\r\nRRULE:FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=2;BYSETPOS=1\r\nEND:VEVENT\r\n"));
    add(out, "500 custom VTIMEZONEs, each used", () -> cal(repeat(500, i -> "BEGIN:VTIMEZONE\r\nTZID:Z" + i
        + "\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100\r\n"
        + "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n")
        + repeat(500, i -> "BEGIN:VEVENT\r\nUID:z" + i + "\r\nDTSTART;TZID=Z" + i + ":20260701T100000\r\n"
        + "END:VEVENT\r\n")));
    add(out, "a VTIMEZONE with 100,000 RDATEs", () -> cal("BEGIN:VTIMEZONE\r\nTZID:R\r\nBEGIN:STANDARD\r\n"
        + "DTSTART:19700101T000000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
        + repeat(100_000, i -> "RDATE:" + (1971 + i % 8000) + "0101T000000\r\n") + "END:STANDARD\r\nEND:VTIMEZONE\r\n"
        + "BEGIN:VEVENT\r\nUID:t\r\nDTSTART;TZID=R:20260701T100000\r\nEND:VEVENT\r\n"));
    add(out, "a duration of a billion weeks", () -> cal("BEGIN:VEVENT\r\nUID:d\r\nDTSTART:20260701T100000Z\r\n"
        + "DURATION:P999999999W\r\nRRULE:FREQ=DAILY;COUNT=3\r\nEND:VEVENT\r\n"));
    add(out, "dates at the ends of the calendar", () -> cal("BEGIN:VEVENT\r\nUID:x\r\nDTSTART:00000101T000000Z\r\n"
        + "DTEND:99991231T235959Z\r\nRRULE:FREQ=WEEKLY\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:w\r\n"
        + "DTSTART;VALUE=DATE:99991231\r\nRRULE:FREQ=DAILY\r\nEND:VEVENT\r\n"));
    return out.stream();
  }

  private static void add(List<Arguments> out, String name, Supplier<String> input) {
    out.add(Arguments.of(name, input));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inputs")
  void pathologicalInputEndsWithAResultOrATypedFailure(String name, Supplier<String> input) {
    byte[] body = input.get().getBytes(StandardCharsets.UTF_8);
    assertThat(body.length).as("inputs stay small").isLessThan(16 * 1024 * 1024);
    String whole = assertTimeoutPreemptively(BOUND, () -> outcome(() -> {
      ParseResult r = IcalParser.create(SYNC_OPTIONS).parse(body);
      return "events=" + r.events().size() + " diagnostics=" + r.diagnostics().size();
    }), () -> name + ": no result within " + BOUND);
    String streamed = assertTimeoutPreemptively(BOUND, () -> outcome(() -> {
      int[] events = new int[1];
      ParseResult r = IcalParser.create(SYNC_OPTIONS).parse(new ByteArrayInputStream(body), e -> events[0]++);
      return "events=" + events[0] + " diagnostics=" + r.diagnostics().size();
    }), () -> name + " (streamed): no result within " + BOUND);
    assertThat(streamed).as(name).isEqualTo(whole);
  }

  /** "events=N diagnostics=M" or "failure=TYPE"; any other exception fails the test. */
  private static String outcome(Supplier<String> parse) {
    try {
      return parse.get();
    } catch (ParseException e) {
      assertThat(e.failure()).isNotNull();
      return "failure=" + e.failure();
    }
  }
}

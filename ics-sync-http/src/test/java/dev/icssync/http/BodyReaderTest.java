package dev.icssync.http;

import static dev.icssync.http.Fixtures.CALENDAR;
import static dev.icssync.http.Fixtures.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BodyReaderTest {
  private static final long FAR = System.nanoTime() + Duration.ofMinutes(5).toNanos();

  private static byte[] read(byte[] wire, String encoding, long max) throws Exception {
    return BodyReader.read(new ByteArrayInputStream(wire), encoding, -1, max, FAR, System::nanoTime);
  }

  @Test
  void stackedEncodingsAreUndoneInReverseOrder() throws Exception {
    byte[] twice = Fixtures.gzip(Fixtures.gzip(ascii(CALENDAR)));
    assertThat(read(twice, "gzip, x-gzip", 1 << 20)).isEqualTo(ascii(CALENDAR));
    assertThat(read(ascii(CALENDAR), "identity", 1 << 20)).isEqualTo(ascii(CALENDAR));
  }

  @Test
  void capIsExactAndCountsDecodedBytes() throws Exception {
    byte[] body = ascii(CALENDAR);
    assertThat(read(Fixtures.gzip(body), "gzip", body.length)).isEqualTo(body);
    assertThatThrownBy(() -> read(Fixtures.gzip(body), "gzip", body.length - 1))
        .isInstanceOf(BodyReader.TooLargeException.class);
  }

  @Test
  void aPlainBodyReceivedWholeIsNotCopiedAgain() throws Exception {
    // a 20 MB feed held twice (and again while an array grows) is what ran a big first sync out of heap
    byte[] body = ascii(CALENDAR);
    assertThat(BodyReader.decode(body, null, body.length, body.length, Long.MAX_VALUE, System::nanoTime))
        .isSameAs(body);
    assertThat(BodyReader.decode(body, "identity", -1, body.length, Long.MAX_VALUE, System::nanoTime))
        .isSameAs(body);
  }

  @Test
  void aPlainBodyReceivedWholeStillHoldsTheCap() {
    byte[] body = ascii(CALENDAR);
    assertThatThrownBy(() -> BodyReader.decode(body, null, -1, body.length - 1, Long.MAX_VALUE, System::nanoTime))
        .isInstanceOf(BodyReader.TooLargeException.class);
    assertThatThrownBy(() -> BodyReader.decode(body, null, body.length, body.length - 1, Long.MAX_VALUE,
        System::nanoTime)).isInstanceOf(BodyReader.TooLargeException.class);
  }

  @Test
  void anEncodedBodyReceivedWholeIsDecoded() throws Exception {
    byte[] body = ascii(CALENDAR);
    assertThat(BodyReader.decode(Fixtures.gzip(body), "gzip", -1, 1 << 20, Long.MAX_VALUE, System::nanoTime))
        .isEqualTo(body);
  }

  @Test
  void passedDeadlineStopsReading() {
    long past = System.nanoTime() - 1;
    assertThatThrownBy(() -> BodyReader.read(new ByteArrayInputStream(ascii(CALENDAR)), null, -1,
        1 << 20, past, System::nanoTime)).isInstanceOf(BodyReader.DeadlineException.class);
  }

  @Test
  void sniffingAcceptsBomsBlankLinesAndUtf16() {
    assertThat(BodyReader.notACalendar(ascii(CALENDAR), null)).isNull();
    assertThat(BodyReader.notACalendar(("\uFEFF\r\n  " + CALENDAR).getBytes(StandardCharsets.UTF_8),
        "text/plain")).isNull();
    byte[] utf16 = ("\uFEFF" + CALENDAR).getBytes(StandardCharsets.UTF_16LE);
    assertThat(BodyReader.notACalendar(utf16, null)).isNull();
    assertThat(BodyReader.truncatedCalendar(utf16)).isFalse();
    assertThat(BodyReader.notACalendar(ascii("begin:vcalendar\r\n"), null)).isNull();
    assertThat(BodyReader.notACalendar(ascii("<?xml version=\"1.0\"?><feed/>"), "text/xml"))
        .contains("markup");
    assertThat(BodyReader.notACalendar(ascii("BEGIN:VCARD\r\nEND:VCARD\r\n"), null)).isNotNull();
    assertThat(BodyReader.truncatedCalendar(ascii(CALENDAR + "\r\n\r\n"))).isFalse();
  }

  @Test
  void retryAfterFormats() {
    Instant now = Instant.parse("1994-11-06T08:49:00Z");
    Duration cap = Duration.ofHours(6);
    assertThat(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", now, cap)).hasSeconds(37);
    assertThat(RetryAfter.parse("Sunday, 06-Nov-94 08:49:37 GMT", now, cap)).hasSeconds(37);
    assertThat(RetryAfter.parse("Sun Nov  6 08:49:37 1994", now, cap)).hasSeconds(37);
    assertThat(RetryAfter.parse("Sun, 06 Nov 1994 08:00:00 GMT", now, cap)).isZero();
    assertThat(RetryAfter.parse("0", now, cap)).isZero();
    assertThat(RetryAfter.parse("-5", now, cap)).isNull();
    assertThat(RetryAfter.parse(" ", now, cap)).isNull();
  }
}

package dev.icssync.bench.parse;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;

/**
 * Generated feeds shaped like what channels really send (see CHANNELS.md), deterministic for a
 * given size.
 *
 * <ul>
 *   <li>Airbnb style: all-day events, CRLF, reservations with a DESCRIPTION folded at 75 octets and
 *       blocks without one, no VTIMEZONE, no RRULE.
 *   <li>Google style: timed events with {@code TZID=Europe/Berlin} and its VTIMEZONE, DTSTAMP,
 *       SEQUENCE, STATUS, one event in ten weekly recurring ({@code COUNT=10}).
 * </ul>
 */
public final class Feeds {
  private Feeds() {}

  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuuMMdd", Locale.ROOT);
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss", Locale.ROOT);

  /** The feed kinds the benchmark knows. */
  public enum Kind { AIRBNB, GOOGLE }

  public static byte[] generate(Kind kind, int events) {
    return kind == Kind.AIRBNB ? airbnb(events) : google(events);
  }

  /** An Airbnb-style feed of {@code events} VEVENTs. */
  public static byte[] airbnb(int events) {
    Random r = new Random(events);
    StringBuilder sb = new StringBuilder(events * 420 + 200);
    sb.append("BEGIN:VCALENDAR\r\nPRODID:-//Airbnb Inc//Hosting Calendar 1.0//EN\r\nCALSCALE:GREGORIAN\r\nVERSION:2.0\r\n");
    LocalDate day = LocalDate.of(2026, 1, 1);
    for (int i = 0; i < events; i++) {
      boolean reservation = i % 3 != 2;
      LocalDate start = day.plusDays(i % 700);
      LocalDate end = start.plusDays(1 + r.nextInt(9));
      sb.append("BEGIN:VEVENT\r\n");
      sb.append("DTSTAMP:20260101T120000Z\r\n");
      sb.append("DTSTART;VALUE=DATE:").append(DATE.format(start)).append("\r\n");
      sb.append("DTEND;VALUE=DATE:").append(DATE.format(end)).append("\r\n");
      if (reservation) {
        sb.append("SUMMARY:Reserved\r\n");
        sb.append("UID:1418fb94e984-").append(hex(r, 32)).append("@airbnb.com\r\n");
        fold(sb, "DESCRIPTION:Reservation URL: https://www.airbnb.com/hosting/reservations/details/HM"
            + hex(r, 8).toUpperCase(Locale.ROOT) + "\\nPhone Number (Last 4 Digits): " + (1000 + r.nextInt(9000)));
      } else {
        sb.append("SUMMARY:Airbnb (Not available)\r\n");
        sb.append("UID:7f662ec65913-").append(hex(r, 32)).append("@airbnb.com\r\n");
      }
      sb.append("END:VEVENT\r\n");
    }
    sb.append("END:VCALENDAR\r\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  static final String BERLIN = String.join("\r\n",
      "BEGIN:VTIMEZONE", "TZID:Europe/Berlin", "X-LIC-LOCATION:Europe/Berlin",
      "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST", "DTSTART:19700329T020000",
      "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
      "BEGIN:STANDARD", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET", "DTSTART:19701025T030000",
      "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD", "END:VTIMEZONE") + "\r\n";

  /** A Google-style feed of {@code events} VEVENTs. */
  public static byte[] google(int events) {
    Random r = new Random(events);
    StringBuilder sb = new StringBuilder(events * 400 + 1000);
    sb.append("BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nVERSION:2.0\r\n"
        + "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nX-WR-CALNAME:Cleaning\r\nX-WR-TIMEZONE:Europe/Berlin\r\n");
    sb.append(BERLIN);
    LocalDateTime base = LocalDateTime.of(2026, 1, 1, 9, 0);
    for (int i = 0; i < events; i++) {
      LocalDateTime start = base.plusDays(i % 700).plusMinutes(30L * r.nextInt(16));
      LocalDateTime end = start.plusMinutes(30L * (1 + r.nextInt(6)));
      sb.append("BEGIN:VEVENT\r\n");
      sb.append("DTSTART;TZID=Europe/Berlin:").append(LOCAL.format(start)).append("\r\n");
      sb.append("DTEND;TZID=Europe/Berlin:").append(LOCAL.format(end)).append("\r\n");
      if (i % 10 == 0) {
        sb.append("RRULE:FREQ=WEEKLY;COUNT=10\r\n");
      }
      sb.append("DTSTAMP:20260101T120000Z\r\n");
      sb.append("UID:").append(hex(r, 26)).append("@google.com\r\n");
      sb.append("CREATED:20251201T100000Z\r\nLAST-MODIFIED:20251215T100000Z\r\n");
      sb.append("SEQUENCE:").append(r.nextInt(3)).append("\r\n");
      sb.append("STATUS:CONFIRMED\r\n");
      sb.append("SUMMARY:Cleaning apartment ").append(1 + r.nextInt(40)).append("\r\n");
      sb.append("TRANSP:OPAQUE\r\n");
      sb.append("END:VEVENT\r\n");
    }
    sb.append("END:VCALENDAR\r\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String hex(Random r, int n) {
    char[] c = new char[n];
    for (int i = 0; i < n; i++) {
      c[i] = "0123456789abcdef".charAt(r.nextInt(16));
    }
    return new String(c);
  }

  /** Appends one ASCII content line folded at 75 octets, with CRLF. */
  static void fold(StringBuilder sb, String line) {
    int i = 0;
    int room = 75;
    while (line.length() - i > room) {
      sb.append(line, i, i + room).append("\r\n ");
      i += room;
      room = 74;
    }
    sb.append(line, i, line.length()).append("\r\n");
  }

  /** Writes a feed to stdout: {@code Feeds airbnb 10000 > feed.ics}. */
  public static void main(String[] args) throws java.io.IOException {
    Kind kind = Kind.valueOf(args[0].toUpperCase(Locale.ROOT));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(generate(kind, Integer.parseInt(args[1])));
    out.writeTo(System.out);
  }
}

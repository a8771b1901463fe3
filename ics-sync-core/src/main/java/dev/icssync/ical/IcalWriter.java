package dev.icssync.ical;

import dev.icssync.DateRange;
import dev.icssync.IcsSyncException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * A streaming RFC 5545 writer: UTF-8, CRLF line ends, lines folded at 75 octets (never inside a
 * UTF-8 sequence), TEXT values escaped, DATE and UTC DATE-TIME values. Not thread-safe: one writer per
 * output.
 *
 * <pre>{@code
 * IcalWriter w = IcalWriter.toBytes();
 * w.beginCalendar("-//Example//Example 1.0//EN");
 * w.beginEvent()
 *     .text("UID", "stay-1@example.com")
 *     .dateTime("DTSTAMP", Instant.parse("2026-01-01T00:00:00Z"))
 *     .range(DateRange.allDay(LocalDate.of(2026, 8, 24), LocalDate.of(2026, 9, 2)))
 *     .text("SUMMARY", "Reserved")
 *     .endEvent();
 * byte[] ics = w.endCalendar().toByteArray();
 * }</pre>
 *
 * <p>What is written is checked as it is written: property and component names must be RFC 5545
 * names, components must nest ({@code END} names the open component), and a property needs an open
 * component. Mistakes throw {@link IllegalArgumentException} or {@link IllegalStateException}. I/O
 * failures of an {@link OutputStream} are thrown as {@link UncheckedIOException}.
 *
 * <p>TEXT escaping: backslash, semicolon, comma and line breaks ({@code \r\n}, {@code \n}, {@code \r})
 * are escaped; other control characters (forbidden in TEXT) are dropped; an unpaired surrogate
 * becomes U+FFFD. DATE-TIME values are written in UTC with whole seconds (sub-second parts are cut).
 * Parameter values containing {@code : ; ,} are quoted; {@code "}, {@code ^} and line breaks in them
 * are caret-encoded (RFC 6868).
 */
public final class IcalWriter {
  /** Largest line length in octets, CRLF excluded (RFC 5545 3.1). */
  public static final int MAX_LINE_OCTETS = 75;

  private static final int FLUSH_AT = 16 * 1024;
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final @org.jspecify.annotations.Nullable OutputStream out;
  private byte[] buf;
  private int len;
  /** Octets on the current physical line. */
  private int lineOctets;
  private String[] open = new String[4];
  private int depth;

  private IcalWriter(@org.jspecify.annotations.Nullable OutputStream out, int initialCapacity) {
    this.out = out;
    this.buf = new byte[Math.max(64, initialCapacity)];
  }

  /** A writer that collects the output in memory; read it with {@link #toByteArray()}. */
  public static IcalWriter toBytes() {
    return new IcalWriter(null, 4096);
  }

  /** A writer that collects in memory, sized for about {@code expectedBytes}. */
  public static IcalWriter toBytes(int expectedBytes) {
    return new IcalWriter(null, expectedBytes);
  }

  /**
   * A writer to {@code out}, buffered; call {@link #flush()} (or {@link #endCalendar()}, which
   * flushes) when done. The stream is not closed.
   */
  public static IcalWriter to(OutputStream out) {
    return new IcalWriter(Objects.requireNonNull(out, "out"), FLUSH_AT + 1024);
  }

  // ---------------------------------------------------------------- components

  /**
   * Opens a VCALENDAR with {@code VERSION:2.0}, the given PRODID and {@code CALSCALE:GREGORIAN}.
   */
  public IcalWriter beginCalendar(String prodId) {
    Objects.requireNonNull(prodId, "prodId");
    begin("VCALENDAR");
    raw("VERSION", "2.0");
    text("PRODID", prodId);
    raw("CALSCALE", "GREGORIAN");
    return this;
  }

  /** Closes the VCALENDAR and flushes an output stream. */
  public IcalWriter endCalendar() {
    end("VCALENDAR");
    flush();
    return this;
  }

  public IcalWriter beginEvent() {
    return begin("VEVENT");
  }

  public IcalWriter endEvent() {
    return end("VEVENT");
  }

  /** Opens any component ({@code VCALENDAR}, {@code VEVENT}, {@code VTIMEZONE}, {@code X-...}). */
  public IcalWriter begin(String component) {
    String name = checkName(component, "component");
    if (depth == 0 && !name.equals("VCALENDAR")) {
      throw new IllegalStateException("the outermost component must be VCALENDAR, not " + name);
    }
    if (depth == open.length) {
      open = Arrays.copyOf(open, depth * 2);
    }
    open[depth++] = name;
    asciiLine("BEGIN:", name);
    return this;
  }

  /** Closes the innermost open component, which must be {@code component}. */
  public IcalWriter end(String component) {
    String name = checkName(component, "component");
    if (depth == 0 || !open[depth - 1].equals(name)) {
      throw new IllegalStateException("END:" + name + " but the open component is "
          + (depth == 0 ? "none" : open[depth - 1]));
    }
    depth--;
    asciiLine("END:", name);
    return this;
  }

  /** Name of the innermost open component, or null when none is open. */
  public @org.jspecify.annotations.Nullable String openComponent() {
    return depth == 0 ? null : open[depth - 1];
  }

  // ---------------------------------------------------------------- properties

  /** A TEXT property: the value is escaped ({@code \\ \; \, \n}). */
  public IcalWriter text(String name, String value) {
    Objects.requireNonNull(value, "value");
    startProperty(name);
    put((byte) ':');
    putValue(value, true);
    endLine();
    return this;
  }

  /**
   * A property whose value is already in RFC 5545 form (for example {@code RRULE},
   * {@code METHOD:PUBLISH}); it is written as is, folded. Line breaks are rejected.
   */
  public IcalWriter raw(String name, String value) {
    return raw(name, Map.of(), value);
  }

  /**
   * A property with parameters (written in the map's iteration order) and a value already in RFC
   * 5545 form.
   */
  public IcalWriter raw(String name, Map<String, String> parameters, String value) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(parameters, "parameters");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n') {
        throw new IllegalArgumentException("value of " + name + " contains a line break");
      }
    }
    startProperty(name);
    for (Map.Entry<String, String> p : parameters.entrySet()) {
      parameter(p.getKey(), p.getValue());
    }
    put((byte) ':');
    putValue(value, false);
    endLine();
    return this;
  }

  /** {@code NAME;VALUE=DATE:yyyymmdd}. */
  public IcalWriter date(String name, LocalDate date) {
    Objects.requireNonNull(date, "date");
    startProperty(name);
    putAscii(";VALUE=DATE:");
    putDate(date);
    endLine();
    return this;
  }

  /** {@code NAME:yyyymmddThhmmssZ} (UTC, whole seconds). */
  public IcalWriter dateTime(String name, Instant instant) {
    Objects.requireNonNull(instant, "instant");
    startProperty(name);
    put((byte) ':');
    putDateTime(instant);
    endLine();
    return this;
  }

  /** An INTEGER property such as {@code SEQUENCE}. */
  public IcalWriter integer(String name, long value) {
    startProperty(name);
    put((byte) ':');
    putAscii(Long.toString(value));
    endLine();
    return this;
  }

  /**
   * {@code DTSTART} and {@code DTEND} of a range: DATE values for an all-day range, UTC DATE-TIME
   * values for a timed one.
   */
  public IcalWriter range(DateRange range) {
    Objects.requireNonNull(range, "range");
    if (range instanceof DateRange.AllDay d) {
      date("DTSTART", d.start());
      date("DTEND", d.end());
    } else {
      DateRange.Timed t = (DateRange.Timed) range;
      dateTime("DTSTART", t.start());
      dateTime("DTEND", t.end());
    }
    return this;
  }

  /**
   * Writes a whole VEVENT from a parsed event: UID, RECURRENCE-ID, DTSTAMP, DTSTART/DTEND, SUMMARY,
   * DESCRIPTION, STATUS, TRANSP, SEQUENCE (when not 0), LAST-MODIFIED, CREATED and the kept extra
   * properties (raw values). Null fields are left out, so reading the output back gives the same
   * event (timed values with whole seconds).
   */
  public IcalWriter event(ParsedEvent e) {
    Objects.requireNonNull(e, "event");
    beginEvent();
    text("UID", e.uid());
    if (!e.recurrenceId().isEmpty()) {
      String rid = e.recurrenceId();
      if (rid.length() == 8) {
        raw("RECURRENCE-ID", Map.of("VALUE", "DATE"), rid);
      } else {
        raw("RECURRENCE-ID", rid);
      }
    }
    if (e.dtstamp() != null) {
      dateTime("DTSTAMP", e.dtstamp());
    }
    range(e.range());
    if (e.summary() != null) {
      text("SUMMARY", e.summary());
    }
    if (e.description() != null) {
      text("DESCRIPTION", e.description());
    }
    if (e.status() != null) {
      raw("STATUS", e.status());
    }
    if (e.transp() != null) {
      raw("TRANSP", e.transp());
    }
    if (e.sequence() != 0) {
      integer("SEQUENCE", e.sequence());
    }
    if (e.lastModified() != null) {
      dateTime("LAST-MODIFIED", e.lastModified());
    }
    if (e.created() != null) {
      dateTime("CREATED", e.created());
    }
    for (Map.Entry<String, String> x : e.extra().entrySet()) {
      raw(x.getKey(), x.getValue());
    }
    return endEvent();
  }

  // ---------------------------------------------------------------- output

  /** Writes buffered bytes to the output stream (no-op for an in-memory writer). */
  public IcalWriter flush() {
    if (out != null) {
      try {
        out.write(buf, 0, len);
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("writing iCalendar output failed", e);
      }
      len = 0;
    }
    return this;
  }

  /** The bytes written so far (in-memory writers only). */
  public byte[] toByteArray() {
    if (out != null) {
      throw new IllegalStateException("this writer writes to a stream");
    }
    return Arrays.copyOf(buf, len);
  }

  /** Bytes written so far (in-memory writers) or still buffered (stream writers). */
  public int size() {
    return len;
  }

  // ---------------------------------------------------------------- static helpers

  /** {@code 20260824}. */
  public static String formatDate(LocalDate date) {
    IcalWriter w = new IcalWriter(null, 16);
    w.putDate(date);
    return new String(w.buf, 0, w.len, java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** {@code 20260824T130000Z} (UTC, whole seconds). */
  public static String formatDateTime(Instant instant) {
    IcalWriter w = new IcalWriter(null, 24);
    w.putDateTime(instant);
    return new String(w.buf, 0, w.len, java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** The TEXT escaping of {@code value}, unfolded. */
  public static String escapeText(String value) {
    StringBuilder sb = new StringBuilder(value.length() + 8);
    int n = value.length();
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case ';' -> sb.append("\\;");
        case ',' -> sb.append("\\,");
        case '\n' -> sb.append("\\n");
        case '\r' -> {
          sb.append("\\n");
          if (i + 1 < n && value.charAt(i + 1) == '\n') {
            i++;
          }
        }
        default -> {
          if ((c >= 0x20 && c != 0x7f) || c == '\t') {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- internals

  private static String checkName(String name, String what) {
    Objects.requireNonNull(name, what);
    if (name.isEmpty()) {
      throw new IllegalArgumentException(what + " name must not be empty");
    }
    boolean upper = true;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok) {
        if (c >= 'a' && c <= 'z') {
          upper = false;
        } else {
          throw new IllegalArgumentException(what + " name '" + name + "' is not an RFC 5545 name");
        }
      }
    }
    return upper ? name : name.toUpperCase(java.util.Locale.ROOT);
  }

  private void startProperty(String name) {
    String n = checkName(name, "property");
    if (depth == 0) {
      throw new IllegalStateException("property " + n + " outside any component");
    }
    putAscii(n);
  }

  private void parameter(String name, String value) {
    String n = checkName(name, "parameter");
    Objects.requireNonNull(value, "parameter " + n);
    put((byte) ';');
    putAscii(n);
    put((byte) '=');
    boolean quote = false;
    boolean caret = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ':' || c == ';' || c == ',') {
        quote = true;
      } else if (c == '"' || c == '^' || c == '\n' || c == '\r') {
        caret = true;
      }
    }
    String v = value;
    if (caret) {
      StringBuilder sb = new StringBuilder(value.length() + 4);
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        switch (c) {
          case '^' -> sb.append("^^");
          case '"' -> sb.append("^'");
          case '\n' -> sb.append("^n");
          case '\r' -> {
            sb.append("^n");
            if (i + 1 < value.length() && value.charAt(i + 1) == '\n') {
              i++;
            }
          }
          default -> sb.append(c);
        }
      }
      v = sb.toString();
    }
    if (quote) {
      put((byte) '"');
    }
    putValue(v, false);
    if (quote) {
      put((byte) '"');
    }
  }

  /** Encodes {@code s} as UTF-8, escaping TEXT when asked, folding as needed. */
  private void putValue(String s, boolean escape) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c != 0x7f) {
          if (escape && (c == '\\' || c == ';' || c == ',')) {
            pair((byte) c);
          } else {
            put((byte) c);
          }
        } else if (escape && c == '\n') {
          pair((byte) 'n');
        } else if (escape && c == '\r') {
          pair((byte) 'n');
          if (i + 1 < n && s.charAt(i + 1) == '\n') {
            i++;
          }
        } else if (c == '\t') {
          put((byte) '\t');
        }
        // other control characters are not allowed in a content line: dropped
      } else if (c < 0x800) {
        room(2);
        buf[len++] = (byte) (0xC0 | (c >> 6));
        buf[len++] = (byte) (0x80 | (c & 0x3F));
        lineOctets += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        room(4);
        buf[len++] = (byte) (0xF0 | (cp >> 18));
        buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        buf[len++] = (byte) (0x80 | (cp & 0x3F));
        lineOctets += 4;
      } else {
        int cp = Character.isSurrogate(c) ? 0xFFFD : c;
        room(3);
        buf[len++] = (byte) (0xE0 | (cp >> 12));
        buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        buf[len++] = (byte) (0x80 | (cp & 0x3F));
        lineOctets += 3;
      }
    }
  }

  /** Makes room for a sequence of {@code octets} on the current line, folding first if needed. */
  private void room(int octets) {
    if (lineOctets + octets > MAX_LINE_OCTETS) {
      ensure(3 + octets);
      buf[len++] = '\r';
      buf[len++] = '\n';
      buf[len++] = ' ';
      lineOctets = 1;
    } else {
      ensure(octets);
    }
  }

  /** A backslash escape, kept on one line so no reader sees a lone backslash at a fold. */
  private void pair(byte b) {
    room(2);
    buf[len++] = '\\';
    buf[len++] = b;
    lineOctets += 2;
  }

  private void put(byte b) {
    if (lineOctets >= MAX_LINE_OCTETS) {
      room(1);
    } else if (len == buf.length) {
      ensure(1);
    }
    buf[len++] = b;
    lineOctets++;
  }

  private void putAscii(String s) {
    int n = s.length();
    if (lineOctets + n <= MAX_LINE_OCTETS) {
      ensure(n);
      for (int i = 0; i < n; i++) {
        buf[len++] = (byte) s.charAt(i);
      }
      lineOctets += n;
    } else {
      for (int i = 0; i < n; i++) {
        put((byte) s.charAt(i));
      }
    }
  }

  private void asciiLine(String a, String b) {
    putAscii(a);
    putAscii(b);
    endLine();
  }

  private void putDate(LocalDate d) {
    int y = d.getYear();
    if (y < 0 || y > 9999) {
      throw new IllegalArgumentException("year " + y + " cannot be written as an RFC 5545 DATE");
    }
    room(8);
    digits(y, 4);
    digits(d.getMonthValue(), 2);
    digits(d.getDayOfMonth(), 2);
    lineOctets += 8;
  }

  private void putDateTime(Instant instant) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
    int y = t.getYear();
    if (y < 0 || y > 9999) {
      throw new IllegalArgumentException("year " + y + " cannot be written as an RFC 5545 DATE-TIME");
    }
    room(16);
    digits(y, 4);
    digits(t.getMonthValue(), 2);
    digits(t.getDayOfMonth(), 2);
    buf[len++] = 'T';
    digits(t.getHour(), 2);
    digits(t.getMinute(), 2);
    digits(t.getSecond(), 2);
    buf[len++] = 'Z';
    lineOctets += 16;
  }

  private void digits(int v, int width) {
    for (int i = width - 1; i >= 0; i--) {
      buf[len + i] = HEX[v % 10];
      v /= 10;
    }
    len += width;
  }

  private void endLine() {
    ensure(2);
    buf[len++] = '\r';
    buf[len++] = '\n';
    lineOctets = 0;
    if (out != null && len >= FLUSH_AT) {
      try {
        out.write(buf, 0, len);
      } catch (IOException e) {
        throw new UncheckedIOException("writing iCalendar output failed", e);
      }
      len = 0;
    }
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      long want = Math.max((long) buf.length * 2, (long) len + more);
      if (want > Integer.MAX_VALUE - 16) {
        throw new IcsSyncException("iCalendar output larger than 2 GB");
      }
      buf = Arrays.copyOf(buf, (int) want);
    }
  }
}

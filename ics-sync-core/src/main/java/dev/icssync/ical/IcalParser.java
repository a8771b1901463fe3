package dev.icssync.ical;

import dev.icssync.IcsSyncException.ParseException;
import dev.icssync.ParseFailure;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The streaming, lenient RFC 5545 parser. Thread-safe and reusable.
 *
 * <pre>{@code
 * ParseResult r = IcalParser.create(ParseOptions.defaults()).parse(bytes);
 * }</pre>
 *
 * Failures (not a calendar, a limit hit, strict-mode violations) throw
 * {@link dev.icssync.IcsSyncException.ParseException} with a typed {@link dev.icssync.ParseFailure}.
 *
 * <h2>How feeds are read</h2>
 * <ul>
 *   <li>Bytes: a BOM decides (UTF-8, UTF-16 LE/BE; UTF-16 without BOM is recognised too), else the
 *       caller's charset, else UTF-8; a value that is not valid UTF-8 is read as ISO-8859-1 (one
 *       diagnostic per feed). CRLF, LF, CR and mixes; folds (space or tab) anywhere in a line.
 *   <li>Not a calendar: the first content line must open a calendar component ({@code BEGIN:VCALENDAR},
 *       or a bare {@code VEVENT}/{@code VTIMEZONE}/... fragment, read with a diagnostic); anything
 *       else (HTML, JSON, a vCard, noise) is {@code NOT_A_CALENDAR}. An empty or blank body is a
 *       result flagged {@link ParseResult#empty()}, which the sync engine treats as a failure.
 *   <li>Lenient: a bad line, property or component is skipped with a {@link dev.icssync.Diagnostic}
 *       (1-based line, reason; at most 1,000 kept); strict mode turns the first one into
 *       {@code STRICT_VIOLATION}, and a body that ends inside a component into {@code TRUNCATED}.
 *       A VEVENT without a usable DTSTART is skipped; one cut off by the end of input is dropped, and
 *       the result is flagged {@link ParseResult#truncated()}.
 *   <li>Text: {@code \n \N \, \; \\} and Outlook's {@code \:} are unescaped; Booking.com's
 *       {@code \\\,} reads as a comma.
 *   <li>Zones: a TZID that is an IANA id (also behind a {@code /mozilla.org/...} prefix), a Windows
 *       name ({@code W. Europe Standard Time}) or a Windows display name ({@code (UTC-05:00) Eastern
 *       Time (US & Canada)}, also with {@code (GMT...)} and the names of older Windows versions)
 *       uses the IANA rules, <b>deliberately even when the feed carries a VTIMEZONE of that
 *       name</b>: such copies are often stale or wrong (a zone's rules change more often than feeds
 *       are regenerated), while the JDK's tz database is kept current. Any other TZID (a custom
 *       name, {@code Customized Time Zone}, an offset-only name) uses the feed's VTIMEZONE of that
 *       name, wherever it appears in the calendar. Without one, a TZID that names only an offset
 *       ({@code (GMT +01:00)}) is read in the floating zone when its standard offset is that one
 *       (summer time included), else at that fixed offset; a TZID that names nothing known is read
 *       in the floating zone. Both say so in a diagnostic. The floating zone (also for floating
 *       times) is X-WR-TIMEZONE, else {@link ParseOptions#defaultZone()}: the sync engine passes the
 *       property's zone, never UTC unless the property is in UTC.
 *   <li>Ranges: missing DTEND is one day for a DATE start and zero length for a DATE-TIME start
 *       (RFC 5545 3.6.1); DURATION is honoured (days nominal, in the start's zone). A DTEND before
 *       DTSTART is <b>repaired by swapping the two</b>, with a diagnostic (old Airbnb feeds). A
 *       DATE-TIME written with VALUE=DATE, or a bare 8-digit value, is a date (the declared type
 *       wins over the digits). An all-day event is never empty: a DTEND on the day of DTSTART
 *       ({@code VALUE=DATE:20270117T200000} to {@code ...T220000}) is read as one day, with a
 *       diagnostic, because the day is what such an event takes. A date with a TZID
 *       ({@code DTSTART;TZID=US/Eastern:20060102}) is read as an all-day date, with a diagnostic:
 *       the day is what such files mean. Impossible dates (20240230) make the property unusable,
 *       with a diagnostic.
 *   <li>Recurrence: RRULE (via ical4j's {@code Recur}), RDATE (also PERIOD), EXDATE (a DATE
 *       EXDATE on a timed series removes that day's instances), EXRULE (RFC 2445; applied as ical4j
 *       applies it), RECURRENCE-ID overrides. Instances overlapping {@code [expandFrom, expandTo)}
 *       are returned, each with its recurrence id. DTSTART always counts as the first instance, also
 *       when the rule does not match it, and counts toward COUNT (RFC 5545 3.8.5.3, as libical and
 *       Google do): COUNT=3 gives three instances in all. More than {@code maxInstances} in the
 *       window for one series fails with {@code TOO_MANY_INSTANCES}. An override of an all-day
 *       series named by a date-time names a date: its UTC date when it is UTC midnight (Google),
 *       else its date in the calendar's zone (Exchange); a DATE override of a timed series names
 *       that day's instance. RRULE, RDATE or EXRULE inside an override are ignored with a
 *       diagnostic. Overrides that match no instance are kept when they fall in the window (or
 *       have no master at all).
 *   <li>A missing UID gets a stable synthetic one ({@code <16 hex>@synthetic.ics-sync}, from the
 *       event's dates and texts) and a diagnostic.
 * </ul>
 */
public final class IcalParser {
  private final ParseOptions options;

  private IcalParser(ParseOptions options) {
    this.options = options;
  }

  public static IcalParser create(ParseOptions options) {
    return new IcalParser(java.util.Objects.requireNonNull(options, "options"));
  }

  public static IcalParser create() {
    return create(ParseOptions.defaults());
  }

  public ParseOptions options() {
    return options;
  }

  /**
   * Parses a whole body into a list, in feed order (by the line where each VEVENT starts; the
   * instances of a recurring event follow one another at their master's line).
   */
  public ParseResult parse(byte[] body) {
    java.util.Objects.requireNonNull(body, "body");
    if (body.length > options.maxBytes()) {
      throw new ParseException(ParseFailure.TOO_LARGE,
          "feed is larger than " + options.maxBytes() + " bytes (maxBytes)");
    }
    List<ParsedEvent> events = new ArrayList<>();
    CalendarReader reader = new CalendarReader(options, new Appender(events));
    reader.read(Input.open(body, options.charset(), options.maxLineLength()));
    return result(reader, events, body.length);
  }

  /**
   * Parses a whole body, handing events to {@code consumer} as they are read (see
   * {@link #parse(InputStream, Consumer)} for the order); the returned result's {@code events} list
   * is empty. The cheapest entry: no copy of the input, no list.
   */
  public ParseResult parse(byte[] body, Consumer<ParsedEvent> consumer) {
    java.util.Objects.requireNonNull(body, "body");
    java.util.Objects.requireNonNull(consumer, "consumer");
    if (body.length > options.maxBytes()) {
      throw new ParseException(ParseFailure.TOO_LARGE,
          "feed is larger than " + options.maxBytes() + " bytes (maxBytes)");
    }
    CalendarReader reader = new CalendarReader(options, consumer);
    reader.read(Input.open(body, options.charset(), options.maxLineLength()));
    return result(reader, List.of(), body.length);
  }

  /** Parses a stream into a list (the stream is read to its end, not closed). */
  public ParseResult parse(InputStream in) {
    List<ParsedEvent> events = new ArrayList<>();
    return parse(in, new Appender(events), events);
  }

  /**
   * Streams events to {@code consumer} as they are read; the returned result's {@code events} list
   * is empty. A 100 MB feed parses in a small heap this way.
   *
   * <p>Single events are handed over as soon as their {@code END:VEVENT} is read. Recurring events
   * (their expanded instances and RECURRENCE-ID overrides), and events whose TZID is defined by a
   * VTIMEZONE further down, follow at the end of their VCALENDAR. An exception thrown by the
   * consumer ends the parse and propagates unchanged.
   */
  public ParseResult parse(InputStream in, Consumer<ParsedEvent> consumer) {
    return parse(in, consumer, List.of());
  }

  private ParseResult parse(InputStream in, Consumer<ParsedEvent> consumer, List<ParsedEvent> events) {
    java.util.Objects.requireNonNull(in, "in");
    java.util.Objects.requireNonNull(consumer, "consumer");
    long[] counter = new long[1];
    CalendarReader reader = new CalendarReader(options, consumer);
    try {
      reader.read(Input.open(in, options.charset(), options.maxLineLength(), options.maxBytes(), counter));
    } catch (UncheckedIOException e) {
      java.io.IOException io = e.getCause();
      Throwable cause = io != null ? io : e;
      ParseException p = new ParseException(ParseFailure.IO, "reading the feed failed: " + cause.getMessage());
      p.initCause(cause);
      throw p;
    }
    return result(reader, events, counter[0]);
  }

  /**
   * Adds each event to a list: a class, not {@code list::add}, so that parsing into a list links no
   * call site (the first lambda of a process sets up the JDK's method-handle machinery, which costs a
   * short command more than parsing a small feed).
   */
  private static final class Appender implements Consumer<ParsedEvent> {
    private final List<ParsedEvent> list;

    Appender(List<ParsedEvent> list) {
      this.list = list;
    }

    @Override
    public void accept(ParsedEvent e) {
      list.add(e);
    }
  }

  private static ParseResult result(CalendarReader reader, List<ParsedEvent> events, long bytes) {
    if (reader.outOfOrder() && events.size() > 1) {
      events.sort(java.util.Comparator.comparingInt(ParsedEvent::line)); // stable: instances keep their order
    }
    return new ParseResult(events, reader.diagnostics(), reader.prodId(), reader.calendarZone(),
        reader.empty(), bytes, reader.truncated());
  }
}

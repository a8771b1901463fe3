package dev.icssync.ical;

import dev.icssync.IcsSyncException.ParseException;
import dev.icssync.ParseFailure;
import dev.icssync.internal.ical.CalendarReader;
import dev.icssync.internal.ical.Input;
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

  /** Parses a whole body into a list. */
  public ParseResult parse(byte[] body) {
    java.util.Objects.requireNonNull(body, "body");
    if (body.length > options.maxBytes()) {
      throw new ParseException(ParseFailure.TOO_LARGE,
          "feed is larger than " + options.maxBytes() + " bytes (maxBytes)");
    }
    List<ParsedEvent> events = new ArrayList<>();
    CalendarReader reader = new CalendarReader(options, events::add);
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
    return parse(in, events::add, events);
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
      ParseException p = new ParseException(ParseFailure.IO, "reading the feed failed: " + e.getCause().getMessage());
      p.initCause(e.getCause());
      throw p;
    }
    return result(reader, events, counter[0]);
  }

  private static ParseResult result(CalendarReader reader, List<ParsedEvent> events, long bytes) {
    return new ParseResult(events, reader.diagnostics(), reader.prodId(), reader.calendarZone(),
        reader.empty(), bytes);
  }
}

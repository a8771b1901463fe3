package dev.icssync.ical;

import java.io.InputStream;
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
    throw new UnsupportedOperationException("parser not implemented yet");
  }

  /** Parses a stream into a list (the stream is read to its end, not closed). */
  public ParseResult parse(InputStream in) {
    throw new UnsupportedOperationException("parser not implemented yet");
  }

  /**
   * Streams events to {@code consumer} as they are read; the returned result's {@code events} list
   * is empty. A 100 MB feed parses in a small heap this way.
   */
  public ParseResult parse(InputStream in, Consumer<ParsedEvent> consumer) {
    throw new UnsupportedOperationException("parser not implemented yet");
  }
}

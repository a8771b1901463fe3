package dev.icssync.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.icssync.ChannelProfiles;
import dev.icssync.DateRange;
import dev.icssync.Diagnostic;
import dev.icssync.Feed;
import dev.icssync.IcsSyncException;
import dev.icssync.ical.IcalParser;
import dev.icssync.ical.ParseOptions;
import dev.icssync.ical.ParseResult;
import dev.icssync.ical.ParsedEvent;
import dev.icssync.http.HttpFeedFetcher;
import dev.icssync.spi.ChannelProfile;
import dev.icssync.spi.FetchRequest;
import dev.icssync.spi.FetchResult;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ics-sync check}: parse and lint one feed. */
@Command(mixinStandardHelpOptions = true, name = "check", description = {
    "Parse and lint one feed: a file, or an http(s)/webcal URL (fetched with the SSRF guard).",
    "Exit status 0 when it parsed (diagnostics allowed), 2 when it is not a calendar (an empty or blank body, or",
    "a calendar cut off before END:VCALENDAR, included) or could not be read."})
final class CheckCommand implements Callable<Integer> {
  /** The output's names of kinds and statuses, by ordinal: lowered once, not once per row. */
  private static final String[] KINDS = lower(dev.icssync.EventKind.values());
  private static final String[] STATUSES = lower(dev.icssync.EventStatus.values());

  @Spec
  @Nullable CommandSpec spec;

  @Parameters(paramLabel = "<file-or-url>", description = "the feed")
  String input = "";

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Option(names = "--source", paramLabel = "S",
      description = "channel profile to read the feed with (airbnb, booking, vrbo, google, outlook, tripadvisor, "
          + "or any name for the generic reading); detected from PRODID and UIDs when absent")
  @Nullable String source;

  @Option(names = "--zone", paramLabel = "ZONE", description = "zone of floating times (default UTC)")
  @Nullable ZoneId zone;

  @Option(names = "--from", paramLabel = "DATE", description = "expand recurrences from this day (default: 30 days ago)")
  @Nullable LocalDate from;

  @Option(names = "--to", paramLabel = "DATE", description = "expand recurrences up to this day, exclusive (default: in 730 days)")
  @Nullable LocalDate to;

  @Option(names = "--allow-host", paramLabel = "HOST",
      description = "let the SSRF guard fetch from exactly this host, IP address or CIDR range (repeatable), "
          + "e.g. 127.0.0.1 for a loopback test")
  List<String> allowHosts = new ArrayList<>();

  @Option(names = "--max-bytes", paramLabel = "SIZE", description = "refuse a larger feed, as the fetcher does "
      + "(default 10m, the fetcher's default); bytes, or with k or m")
  @Nullable String maxBytes;

  @Override
  public Integer call() {
    picocli.CommandLine cli = java.util.Objects.requireNonNull(spec).commandLine();
    return check(cli.getOut(), cli.getErr());
  }

  /**
   * The command itself, printing to {@code out} and {@code err}: {@link #call} from picocli, or
   * {@link FastPath} with the options it parsed; a {@link CliException} is a usage error.
   */
  int check(PrintWriter out, PrintWriter err) {
    long limit = maxBytes == null ? HttpFeedFetcher.DEFAULT_MAX_BODY_BYTES : size(maxBytes);
    ZoneId z = zone == null ? ZoneOffset.UTC : zone;
    LocalDate today = LocalDate.now(z);
    LocalDate f = from == null ? today.minusDays(30) : from;
    LocalDate t = to == null ? today.plusDays(730) : to;
    if (t.isBefore(f)) {
      throw new CliException(IcsSyncCli.USAGE, "--to (" + t + ") is before --from (" + f + ")");
    }
    String profileSource = source == null ? "generic" : source.trim().toLowerCase(Locale.ROOT);
    Feed feed = Feed.builder("check", "check").property("check").source(profileSource).url(input).build();

    byte[] body;
    @Nullable Charset charset = null;
    try {
      if (isUrl(input)) {
        try (HttpFeedFetcher fetcher = Database.fetcher(allowHosts, limit)) {
          FetchResult r = fetcher.fetch(FetchRequest.unconditional(feed));
          if (r instanceof FetchResult.Failed failed) {
            return fail(out, err, failed.reason().name(), failed.message());
          }
          if (!(r instanceof FetchResult.Fetched fetched)) {
            return fail(out, err, "HTTP_ERROR", "unexpected 304 Not Modified");
          }
          body = fetched.body();
          charset = fetched.charset();
        }
      } else {
        // java.io, not java.nio.file: a file channel loads NIO's native library and some thirty
        // classes, a start-up cost of its own for a command that reads one file
        File file = new File(input);
        if (file.isFile() && file.length() > limit) {
          return fail(out, err, "TOO_LARGE", "feed is larger than " + limit + " bytes, the fetcher's limit (--max-bytes "
              + "raises it): " + input);
        }
        try (FileInputStream in = new FileInputStream(file)) {
          body = in.readAllBytes();
        } catch (FileNotFoundException e) {
          if (!file.exists()) {
            return fail(out, err, "IO", "no such file: " + shown());
          }
          return fail(out, err, "IO", "cannot read " + shown() + ": " + reason(e));
        }
      }
    } catch (IOException e) {
      return fail(out, err, "IO", "cannot read " + shown() + ": "
          + String.valueOf(e.getMessage()).replace(input, shown()));
    }

    ParseOptions options = ParseOptions.builder()
        .defaultZone(z)
        .charset(charset)
        .window(f.atStartOfDay(z).toInstant(), t.atStartOfDay(z).toInstant())
        .maxBytes(limit)
        .build();
    ParseResult parsed;
    try {
      parsed = IcalParser.create(options).parse(body);
    } catch (IcsSyncException.ParseException e) {
      return fail(out, err, e.failure().name(), java.util.Objects.requireNonNullElse(e.getMessage(), e.failure().name()));
    }
    // the rules of sync: no calendar at all, or one cut off, is never a feed without events
    if (parsed.empty()) {
      return fail(out, err, "EMPTY_BODY", "the feed is empty or blank, not a calendar");
    }
    if (parsed.truncated()) {
      return fail(out, err, "TRUNCATED", "the feed ends inside a component (no END:VCALENDAR): it was cut off");
    }

    ChannelProfile profile = profile(parsed);
    String shownSource = source != null ? profileSource
        : profile.source().equals("generic") ? null : profile.source();
    LocalDate horizon = null;
    for (ParsedEvent e : parsed.events()) {
      if (e.range() instanceof DateRange.AllDay d && (horizon == null || d.end().isAfter(horizon))) {
        horizon = d.end();
      }
    }
    ChannelProfile.Context context = new ChannelProfile.Context(feed, today, horizon, parsed.prodId());
    List<Row> rows = new ArrayList<>();
    int dropped = 0;
    for (ParsedEvent e : parsed.events()) {
      ChannelProfile.Normalized n = profile.normalize(e, context);
      if (n == null) {
        dropped++;
        continue;
      }
      rows.add(new Row(n.uid() == null ? e.uid() : n.uid(), e.recurrenceId(), n.range() == null ? e.range() : n.range(),
          n));
    }

    if (json) {
      JsonOutput.print(out, shownSource, rows, parsed.diagnostics());
    } else {
      Map<dev.icssync.EventKind, Integer> byKind = new EnumMap<>(dev.icssync.EventKind.class);
      // loops, not lambdas: this path links no call site (see isUrl)
      for (Row r : rows) {
        Integer n = byKind.get(r.n.kind());
        byKind.put(r.n.kind(), n == null ? 1 : n + 1);
      }
      StringBuilder kinds = new StringBuilder();
      for (Map.Entry<dev.icssync.EventKind, Integer> k : byKind.entrySet()) {
        kinds.append(kinds.length() == 0 ? "" : ", ").append(k.getValue()).append(' ')
            .append(KINDS[k.getKey().ordinal()]);
      }
      out.println(TerminalText.line(shown()));
      out.println("  source: " + (shownSource == null ? "unknown (generic reading)" : TerminalText.line(shownSource))
          + (parsed.prodId() == null ? "" : ", PRODID " + TerminalText.line(parsed.prodId())));
      out.println("  " + rows.size() + " events" + (kinds.length() == 0 ? "" : " (" + kinds + ")")
          + (dropped == 0 ? "" : ", " + dropped + " dropped by the profile")
          + ", " + parsed.diagnostics().size() + " diagnostics");
      // the table goes to the writer as one text, not a write per row
      String eol = System.lineSeparator();
      StringBuilder table = new StringBuilder(rows.size() * 96);
      for (Row r : rows) { // as printf("  %-24s %-24s %-11s %-9s %s%n"), without a Formatter per line
        table.append("  ");
        padded(table, bound(r.range, true), 24);
        padded(table, bound(r.range, false), 24);
        padded(table, KINDS[r.n.kind().ordinal()], 11);
        padded(table, STATUSES[r.n.status().ordinal()], 9);
        table.append(TerminalText.line(r.n.summary())).append(eol);
      }
      out.print(table);
      for (Diagnostic d : parsed.diagnostics()) {
        out.println("  line " + d.line() + ": " + TerminalText.line(d.message()));
      }
    }
    return IcsSyncCli.OK;
  }

  /** Why a file could not be opened: {@code Is a directory} of {@code "/tmp (Is a directory)"}. */
  private static String reason(FileNotFoundException e) {
    String m = String.valueOf(e.getMessage());
    int open = m.lastIndexOf(" (");
    return open >= 0 && m.endsWith(")") ? m.substring(open + 2, m.length() - 1) : "cannot be opened";
  }

  /** {@code 10485760}, {@code 512k} or {@code 20m} (binary units). */
  static long size(String text) {
    return size(text, "--max-bytes", false);
  }

  /** As {@link #size(String)} for {@code flag}; 0 too when {@code zeroAllowed}. */
  static long size(String text, String flag, boolean zeroAllowed) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    long unit = t.endsWith("k") ? 1024 : t.endsWith("m") ? 1024 * 1024 : 1;
    try {
      long n = Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1));
      if ((n > 0 || (zeroAllowed && n == 0)) && n <= Long.MAX_VALUE / unit) {
        return n * unit;
      }
    } catch (NumberFormatException e) {
      // the message below says what the flag takes
    }
    throw new CliException(IcsSyncCli.USAGE, flag + " takes a " + (zeroAllowed ? "" : "positive ")
        + "size like 10485760, 512k or 20m, not " + TerminalText.line(text));
  }

  /** {@code text} left-justified in {@code width} characters (as {@code %-Ns}), then one space. */
  private static void padded(StringBuilder sb, String text, int width) {
    sb.append(text);
    for (int i = text.length(); i < width; i++) {
      sb.append(' ');
    }
    sb.append(' ');
  }

  private static String bound(DateRange r, boolean start) {
    if (r instanceof DateRange.AllDay d) {
      return (start ? d.start() : d.end()).toString();
    }
    DateRange.Timed t = (DateRange.Timed) r;
    return (start ? t.start() : t.end()).toString();
  }

  private ChannelProfile profile(ParseResult parsed) {
    if (source != null) {
      String s = source.trim().toLowerCase(Locale.ROOT);
      for (ChannelProfile p : ChannelProfiles.builtIns()) {
        if (p.source().equals(s)) {
          return p;
        }
      }
      return ChannelProfiles.generic();
    }
    String sampleUid = parsed.events().isEmpty() ? "" : parsed.events().get(0).uid();
    return ChannelProfiles.detect(parsed.prodId(), sampleUid).orElse(ChannelProfiles.generic());
  }

  /**
   * Whether {@code input} is a URL the fetcher takes: it starts with {@code http://}, {@code https://},
   * {@code webcal://} or {@code webcals://}, the scheme in any ASCII case. A test by hand, not a regular
   * expression: the first pattern a process compiles links the JDK's method-handle machinery, which costs
   * {@code check} of a file more than reading and parsing a small feed.
   */
  static boolean isUrl(String input) {
    int end = input.indexOf("://");
    return end > 0 && end <= 7 && switch (asciiLower(input, end)) {
      case "http", "https", "webcal", "webcals" -> true;
      default -> false;
    };
  }

  /** The first {@code n} characters of {@code s} with ASCII capitals lowered (and no other change). */
  private static String asciiLower(String s, int n) {
    char[] c = new char[n];
    for (int i = 0; i < n; i++) {
      char ch = s.charAt(i);
      c[i] = ch >= 'A' && ch <= 'Z' ? (char) (ch + ('a' - 'A')) : ch;
    }
    return new String(c);
  }

  /** The input as it may be printed: anything URL-like is redacted, a file path is not a secret. */
  private String shown() {
    return isUrl(input) || input.contains("://") || input.contains("?")
        ? dev.icssync.Redaction.url(input) : input;
  }

  private int fail(PrintWriter out, PrintWriter err, String type, String message) {
    if (json) {
      JsonOutput.failure(out, source == null ? null : source.trim().toLowerCase(Locale.ROOT), type, message);
    } else {
      err.println("ics-sync: " + type.toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + TerminalText.line(message));
    }
    return IcsSyncCli.NOT_A_CALENDAR;
  }

  private static String[] lower(Enum<?>[] values) {
    String[] names = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      names[i] = lower(values[i]);
    }
    return names;
  }

  /** As {@link Json#lower}, without loading Json (and Jackson with it) for the text output. */
  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  private record Row(String uid, String recurrenceId, DateRange range, ChannelProfile.Normalized n) {}

  /** {@code --json}: in a class of its own, so that the text output never loads Jackson. */
  private static final class JsonOutput {
    private JsonOutput() {}

    static void print(PrintWriter out, @Nullable String source, List<Row> rows, List<Diagnostic> diagnosticList) {
      ObjectNode root = Json.object();
      root.put("source", source);
      ArrayNode events = root.putArray("events");
      for (Row r : rows) {
        events.add(Json.event(r.uid, r.recurrenceId, r.range, r.n.kind(), r.n.status(), r.n.summary()));
      }
      ArrayNode diagnostics = root.putArray("diagnostics");
      for (Diagnostic d : diagnosticList) {
        diagnostics.addObject().put("line", d.line()).put("message", d.message());
      }
      root.putNull("error");
      Json.print(out, root);
    }

    static void failure(PrintWriter out, @Nullable String source, String type, String message) {
      ObjectNode root = Json.object();
      root.put("source", source);
      root.putArray("events");
      root.putArray("diagnostics");
      root.putObject("error").put("type", type).put("message", message);
      Json.print(out, root);
    }
  }
}

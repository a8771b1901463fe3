package dev.icssync.ical;

import dev.icssync.DateRange;
import dev.icssync.Diagnostic;
import dev.icssync.IcsSyncException.ParseException;
import dev.icssync.ParseFailure;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The content-line state machine: VCALENDAR > VEVENT / VTIMEZONE, everything else skipped. One
 * instance per parse. Single events are handed to the sink when their END:VEVENT is read; recurring
 * events, their overrides and events whose TZID is only defined later wait until the end of their
 * VCALENDAR, where they are expanded.
 */
final class CalendarReader {
  static final int MAX_DIAGNOSTICS = 1000;
  /** Before the first content line is recognised, longer lines mean "not a calendar". */
  static final int MAX_PREAMBLE_LINE = 4096;
  /** The most EXRULE dates computed for one feed (a bound on their cost, like maxInstances for RRULE). */
  static final int EXRULE_BUDGET = 200_000;

  private static final int TOP = 0;
  private static final int CAL = 1;
  private static final int EVENT = 2;
  private static final int SKIP = 3;
  private static final int TZ = 4;

  private final ParseOptions options;
  private final Consumer<ParsedEvent> sink;
  private final List<Diagnostic> diagnostics = new ArrayList<>();
  private int suppressed;
  private final Zones zones = new Zones();
  private final StringCache cache = new StringCache();
  private final boolean keepAll;
  private final Set<String> keep;

  private int state = TOP;
  private int skipDepth;
  private int skipReturn;
  private boolean started;
  private boolean sawContent;
  private boolean truncated;
  private int calendars;
  private @Nullable String prodId;
  private @Nullable String calendarZone;
  private Zones.@Nullable Zone floating;
  private boolean latin1Reported;

  private @Nullable EventData event;
  private final List<EventData> deferred = new ArrayList<>();
  private final Set<String> syntheticUids = new HashSet<>();
  private final Set<String> reportedZones = new HashSet<>();
  private final Set<String> reportedDateZones = new HashSet<>();
  private final Map<String, Zones.Zone> offsetZones = new HashMap<>();
  private int emitted;
  private int exruleSpent;
  private boolean outOfOrder;

  // VTIMEZONE capture
  private @Nullable StringBuilder tzText;
  private @Nullable String tzId;
  private int tzDepth;

  // per-line scratch
  private final int[] dt = new int[6];
  private final long[] dur = new long[2];
  private byte[] scratch = new byte[256];
  private static final int MAX_PARAMS = 16;
  private final int[] pId = new int[MAX_PARAMS];
  private final int[] pVs = new int[MAX_PARAMS];
  private final int[] pVe = new int[MAX_PARAMS];
  private int params;
  private int lineStart;

  public CalendarReader(ParseOptions options, Consumer<ParsedEvent> sink) {
    this.options = options;
    this.sink = sink;
    this.keep = new HashSet<>();
    boolean all = false;
    for (String k : options.keepProperties()) {
      if (k.equals("*")) {
        all = true;
      } else {
        keep.add(k.toUpperCase(Locale.ROOT));
      }
    }
    this.keepAll = all;
  }

  public List<Diagnostic> diagnostics() {
    if (suppressed > 0) {
      List<Diagnostic> d = new ArrayList<>(diagnostics);
      d.add(new Diagnostic(0, suppressed + " more diagnostics left out"));
      return d;
    }
    return diagnostics;
  }

  public @Nullable String prodId() {
    return prodId;
  }

  public @Nullable String calendarZone() {
    return calendarZone;
  }

  /** True when the body held no content line at all. */
  public boolean empty() {
    return !sawContent;
  }

  /** True when the input ended inside a component (no END:VCALENDAR): the body was cut off. */
  public boolean truncated() {
    return truncated;
  }

  public int emitted() {
    return emitted;
  }

  /** True when some events were handed over after later ones (recurring, overrides, zone waits). */
  public boolean outOfOrder() {
    return outOfOrder;
  }

  /** Reads every line, then finishes (flushes waiting events). */
  public void read(LineReader r) {
    r.maxLineLength(Math.min(options.maxLineLength(), MAX_PREAMBLE_LINE));
    try {
      while (r.next()) {
        line(r.line(), r.offset(), r.length(), r.lineNumber(), r);
      }
    } catch (ParseException e) {
      if (e.failure() == ParseFailure.LINE_TOO_LONG && !started) {
        throw new ParseException(ParseFailure.NOT_A_CALENDAR,
            "not an iCalendar body: no BEGIN:VCALENDAR before a very long first line");
      }
      throw e;
    }
    finish(r.lineNumber());
  }

  // ---------------------------------------------------------------- lines

  /**
   * One logical line {@code l[off, off + length)}. Below, indexes are absolute in {@code l}; "len"
   * parameters are the index just past the raw value (TEXT keeps trailing white space), "end" the
   * index past the value without trailing white space.
   */
  private void line(byte[] l, int off, int length, int lineNo, LineReader r) {
    int len = off + length;
    // blank lines and trailing white space (and stray control characters) are tolerated
    int end = len;
    while (end > off && l[end - 1] <= ' ' && l[end - 1] >= 0) {
      end--;
    }
    if (end == off) {
      return;
    }
    if (!started) {
      // white space before the first content line (nothing to continue yet)
      while (off < end && (l[off] == ' ' || l[off] == '\t')) {
        off++;
      }
    }
    lineStart = off;
    int i = off;
    while (i < end && l[i] != ':' && l[i] != ';') {
      i++;
    }
    int nameEnd = i;
    while (nameEnd > off && (l[nameEnd - 1] == ' ' || l[nameEnd - 1] == '\t')) {
      nameEnd--;
    }
    int name = i == end ? Names.INVALID : Names.property(l, off, nameEnd);
    if (!started) {
      start(l, end, i, name, lineNo, r);
      if (!started) {
        return;
      }
    }
    if (name == Names.INVALID) {
      if (state != SKIP) {
        diag(lineNo, i == end ? "not a content line (no ':'), skipped" : "bad property name, line skipped");
      }
      return;
    }
    // parameters
    params = 0;
    int colon = i;
    if (i < end && l[i] == ';') {
      colon = parameters(l, end, i);
      if (colon < 0) {
        if (state != SKIP) {
          diag(lineNo, "property " + ascii(l, off, nameEnd) + " has no value (no ':'), skipped");
        }
        return;
      }
    }
    int vs = colon + 1;
    switch (state) {
      case EVENT -> eventLine(name, l, nameEnd, vs, len, end, lineNo);
      case CAL -> calendarLine(name, l, nameEnd, vs, len, end, lineNo);
      case SKIP -> skipLine(name, l, vs, end, lineNo);
      case TZ -> tzLine(name, l, nameEnd, vs, len, end, lineNo);
      default -> topLine(name, l, vs, end, lineNo);
    }
  }

  /** Decides on the first content line whether this is a calendar at all. */
  private void start(byte[] l, int end, int colon, int name, int lineNo, LineReader r) {
    sawContent = true;
    if (name == Names.BEGIN && colon < end && l[colon] == ':') {
      int c = Names.component(l, colon + 1, end);
      if (c != Names.C_OTHER || isCalendarComponent(l, colon + 1, end)) {
        started = true;
        r.maxLineLength(options.maxLineLength());
        return;
      }
    }
    String head = ascii(l, lineStart, Math.min(end, lineStart + 40));
    throw new ParseException(ParseFailure.NOT_A_CALENDAR,
        "not an iCalendar body: it starts with \"" + head + "\" at line " + lineNo);
  }

  private static boolean isCalendarComponent(byte[] l, int s, int e) {
    int n = e - s;
    return (n == 5 && Names.eq(l, s, "VTODO")) || (n == 8 && Names.eq(l, s, "VJOURNAL"))
        || (n == 9 && Names.eq(l, s, "VFREEBUSY"));
  }

  /** Parses ";name=value,..." up to the value's colon; returns its index or -1. */
  private int parameters(byte[] l, int end, int p) {
    while (p < end && l[p] == ';') {
      p++;
      int ns = p;
      while (p < end && l[p] != '=' && l[p] != ';' && l[p] != ':') {
        p++;
      }
      if (p >= end) {
        return -1;
      }
      int ne = p;
      if (l[p] != '=') {
        continue; // a parameter without a value: ignored
      }
      p++;
      int vs = p;
      // Outlook's display names, unquoted: TZID=(UTC-05:00) Eastern Time (US & Canada):...
      boolean tzid = ne - ns == 4 && Names.eq(l, ns, "TZID");
      while (p < end) {
        byte c = l[p];
        if (c == '(' && tzid) {
          int q = p + 1;
          while (q < end && l[q] != ')' && l[q] != '"') {
            q++;
          }
          p = q < end && l[q] == ')' ? q + 1 : p + 1;
        } else if (c == '"') {
          p++;
          while (p < end && l[p] != '"') {
            p++;
          }
          if (p < end) {
            p++;
          }
        } else if (c == ';' || c == ':') {
          break;
        } else {
          p++;
        }
      }
      if (params < MAX_PARAMS) {
        int id = Names.parameter(l, ns, ne);
        if (id != Names.OTHER) {
          pId[params] = id;
          pVs[params] = vs;
          pVe[params] = p;
          params++;
        }
      }
    }
    return p < end && l[p] == ':' ? p : -1;
  }

  /** The first value of a parameter, unquoted, or null. */
  private @Nullable String param(byte[] l, int id) {
    for (int k = 0; k < params; k++) {
      if (pId[k] == id) {
        int s = pVs[k];
        int e = pVe[k];
        if (s < e && l[s] == '"') {
          s++;
          int q = s;
          while (q < e && l[q] != '"') {
            q++;
          }
          e = q;
        } else {
          int q = s;
          while (q < e && l[q] != ',') {
            q++;
          }
          e = q;
        }
        while (s < e && l[s] == ' ') {
          s++;
        }
        while (e > s && l[e - 1] == ' ') {
          e--;
        }
        return cache.get(l, s, e - s);
      }
    }
    return null;
  }

  private boolean paramIs(byte[] l, int id, String upper) {
    for (int k = 0; k < params; k++) {
      if (pId[k] == id) {
        int s = pVs[k];
        int e = pVe[k];
        if (s < e && l[s] == '"') {
          s++;
          e--;
        }
        return e - s == upper.length() && Names.eq(l, s, upper);
      }
    }
    return false;
  }

  private void topLine(int name, byte[] l, int vs, int end, int lineNo) {
    if (name == Names.BEGIN) {
      int c = Names.component(l, vs, end);
      if (c == Names.C_VCALENDAR) {
        state = CAL;
        calendars++;
        return;
      }
      // a bare component outside VCALENDAR (a fragment): read it as if inside one
      diag(lineNo, "BEGIN:" + ascii(l, vs, end) + " outside VCALENDAR, read as part of a calendar");
      state = CAL;
      calendarLine(name, l, vs - 1, vs, end, end, lineNo);
      return;
    }
    diag(lineNo, "content line outside VCALENDAR ignored");
  }

  private void calendarLine(int name, byte[] l, int nameEnd, int vs, int len, int end, int lineNo) {
    switch (name) {
      case Names.BEGIN -> {
        int c = Names.component(l, vs, end);
        if (c == Names.C_VEVENT) {
          event = new EventData(lineNo);
          state = EVENT;
        } else if (c == Names.C_VTIMEZONE) {
          tzText = new StringBuilder(1024).append("BEGIN:VTIMEZONE\r\n");
          tzId = null;
          tzDepth = 0;
          state = TZ;
        } else if (c == Names.C_VCALENDAR) {
          diag(lineNo, "BEGIN:VCALENDAR inside VCALENDAR ignored");
        } else {
          skip(CAL);
        }
      }
      case Names.END -> {
        int c = Names.component(l, vs, end);
        if (c == Names.C_VCALENDAR) {
          flush();
          state = TOP;
        } else {
          diag(lineNo, "END:" + ascii(l, vs, end) + " without BEGIN ignored");
        }
      }
      case Names.PRODID -> {
        if (prodId == null) {
          prodId = text(l, vs, len);
        }
      }
      case Names.X_WR_TIMEZONE -> {
        if (calendarZone == null) {
          calendarZone = Text.decode(l, vs, end - vs).trim();
          floating = null;
        }
      }
      default -> {
        // VERSION, CALSCALE, METHOD, X-WR-CALNAME...: not needed
      }
    }
  }

  private void skip(int returnTo) {
    skipReturn = returnTo;
    skipDepth = 1;
    state = SKIP;
  }

  private void skipLine(int name, byte[] l, int vs, int end, int lineNo) {
    if (name == Names.BEGIN) {
      skipDepth++;
    } else if (name == Names.END) {
      if (Names.component(l, vs, end) == Names.C_VCALENDAR) {
        diag(lineNo, "component not closed before END:VCALENDAR");
        if (skipReturn == EVENT) {
          endEvent(lineNo);
        }
        flush();
        state = TOP;
        return;
      }
      if (--skipDepth == 0) {
        state = skipReturn;
      }
    }
  }

  private void tzLine(int name, byte[] l, int nameEnd, int vs, int len, int end, int lineNo) {
    StringBuilder sb = tzText;
    if (sb == null) {
      state = CAL;
      return;
    }
    if (name == Names.END && tzDepth == 0) {
      int c = Names.component(l, vs, end);
      if (c == Names.C_VTIMEZONE || c == Names.C_VCALENDAR) {
        sb.append("END:VTIMEZONE\r\n");
        if (tzId != null) {
          zones.define(tzId, sb.toString());
        } else {
          diag(lineNo, "VTIMEZONE without TZID ignored");
        }
        tzText = null;
        state = CAL;
        if (c == Names.C_VCALENDAR) {
          diag(lineNo, "VTIMEZONE not closed before END:VCALENDAR");
          flush();
          state = TOP;
        }
        return;
      }
    }
    if (name == Names.BEGIN) {
      tzDepth++;
    } else if (name == Names.END) {
      tzDepth--;
    } else if (name == Names.TZID && tzDepth == 0 && tzId == null) {
      tzId = text(l, vs, end).trim(); // a TEXT value: "Kuala Lumpur\, Singapore" names "Kuala Lumpur, Singapore"
    }
    if (sb.length() < 256 * 1024) {
      sb.append(Text.decode(l, lineStart, len - lineStart)).append("\r\n");
    }
  }

  // ---------------------------------------------------------------- VEVENT

  private void eventLine(int name, byte[] l, int nameEnd, int vs, int len, int end, int lineNo) {
    EventData ev = event;
    if (ev == null) {
      state = CAL;
      return;
    }
    switch (name) {
      case Names.UID -> {
        if (ev.uid == null) {
          String u = text(l, vs, end).trim();
          ev.uid = u.isEmpty() ? null : u;
        }
      }
      case Names.DTSTART -> {
        if (ev.start == null) {
          ev.start = date(l, vs, end, lineNo, "DTSTART");
        } else {
          diag(lineNo, "second DTSTART ignored");
        }
      }
      case Names.DTEND -> {
        if (ev.end == null) {
          ev.end = date(l, vs, end, lineNo, "DTEND");
        } else {
          diag(lineNo, "second DTEND ignored");
        }
      }
      case Names.DURATION -> {
        if (Values.parseDuration(l, vs, end, dur)) {
          ev.hasDuration = true;
          ev.durDays = dur[0];
          ev.durSeconds = dur[1];
        } else {
          diag(lineNo, "bad DURATION ignored: " + ascii(l, vs, end));
        }
      }
      case Names.SUMMARY -> {
        if (ev.summary == null) {
          ev.summary = text(l, vs, len);
        }
      }
      case Names.DESCRIPTION -> {
        if (ev.description == null) {
          ev.description = text(l, vs, len);
        }
      }
      case Names.STATUS -> ev.status = upper(l, vs, end);
      case Names.TRANSP -> ev.transp = upper(l, vs, end);
      case Names.SEQUENCE -> {
        int s = Values.parseInt(l, vs, end);
        if (s == Integer.MIN_VALUE) {
          diag(lineNo, "bad SEQUENCE ignored: " + ascii(l, vs, end));
        } else {
          ev.sequence = s;
        }
      }
      case Names.DTSTAMP -> ev.dtstamp = instant(l, vs, end, lineNo, "DTSTAMP");
      case Names.LAST_MODIFIED -> ev.lastModified = instant(l, vs, end, lineNo, "LAST-MODIFIED");
      case Names.CREATED -> ev.created = instant(l, vs, end, lineNo, "CREATED");
      case Names.RRULE -> {
        if (ev.rrules == null) {
          ev.rrules = new ArrayList<>(1);
        }
        ev.rrules.add(Text.decode(l, vs, end - vs).trim());
      }
      case Names.EXRULE -> {
        if (ev.exrules == null) {
          ev.exrules = new ArrayList<>(1);
        }
        ev.exrules.add(Text.decode(l, vs, end - vs).trim());
      }
      case Names.RDATE -> dateList(l, vs, end, lineNo, "RDATE", ev.rdates());
      case Names.EXDATE -> dateList(l, vs, end, lineNo, "EXDATE", ev.exdates());
      case Names.RECURRENCE_ID -> {
        if (ev.recurrenceId == null) {
          ev.recurrenceId = date(l, vs, end, lineNo, "RECURRENCE-ID");
          if (paramIs(l, Names.P_RANGE, "THISANDFUTURE")) {
            diag(lineNo, "RECURRENCE-ID;RANGE=THISANDFUTURE read as a single override");
          }
        }
      }
      case Names.BEGIN -> {
        int c = Names.component(l, vs, end);
        if (c == Names.C_VEVENT) {
          diag(lineNo, "BEGIN:VEVENT inside a VEVENT: the open one is closed here");
          endEvent(lineNo);
          event = new EventData(lineNo);
          state = EVENT;
        } else {
          skip(EVENT); // VALARM and anything else nested
        }
      }
      case Names.END -> {
        int c = Names.component(l, vs, end);
        if (c == Names.C_VEVENT) {
          endEvent(lineNo);
          state = CAL;
        } else if (c == Names.C_VCALENDAR) {
          diag(ev.line, "VEVENT not closed before END:VCALENDAR");
          endEvent(lineNo);
          flush();
          state = TOP;
        } else {
          diag(lineNo, "END:" + ascii(l, vs, end) + " without BEGIN ignored");
        }
      }
      default -> {
        if (keepAll || !keep.isEmpty()) {
          String n = ascii(l, lineStart, nameEnd).toUpperCase(Locale.ROOT);
          if (keepAll || keep.contains(n)) {
            if (ev.extra == null) {
              ev.extra = new LinkedHashMap<>();
            }
            ev.extra.putIfAbsent(n, Text.decode(l, vs, len - vs));
          }
        }
      }
    }
  }

  private String text(byte[] l, int vs, int end) {
    int n = end - vs;
    int flags = Text.scan(l, vs, end);
    boolean escaped = (flags & Text.ESCAPED) != 0;
    boolean high = (flags & Text.NON_ASCII) != 0;
    byte[] b = l;
    int off = vs;
    if (escaped) {
      if (scratch.length < n) {
        scratch = new byte[Math.max(n, scratch.length * 2)];
      }
      n = Text.unescape(l, vs, n, scratch);
      b = scratch;
      off = 0;
    }
    String s = n <= 48 ? cache.get(b, off, n)
        : high ? Text.decode(b, off, n) : new String(b, off, n, StandardCharsets.ISO_8859_1);
    if (high && !latin1Reported && s.length() == n) {
      latin1Reported = true; // every byte became one char: the ISO-8859-1 fallback was taken
      diag(0, "text is not valid UTF-8: read as ISO-8859-1");
    }
    return s;
  }

  private String upper(byte[] l, int vs, int end) {
    for (int i = vs; i < end; i++) {
      if (l[i] >= 'a' && l[i] <= 'z') {
        return Text.decode(l, vs, end - vs).trim().toUpperCase(Locale.ROOT);
      }
    }
    return cache.get(l, vs, end - vs).trim();
  }

  private static String ascii(byte[] l, int s, int e) {
    return new String(l, s, Math.max(0, e - s), StandardCharsets.ISO_8859_1);
  }

  /** Reads a date property value (parameters VALUE and TZID apply). */
  private @Nullable DateRef date(byte[] l, int vs, int end, int lineNo, String what) {
    int kind = Values.parseDateTime(l, vs, end, dt);
    if (kind == Values.NONE) {
      diag(lineNo, "bad " + what + " value ignored: " + ascii(l, vs, Math.min(end, vs + 40)));
      return null;
    }
    if (kind == Values.DATE) {
      String tz = param(l, Names.P_TZID);
      if (tz != null && !tz.isEmpty() && reportedDateZones.add(tz)) {
        // DTSTART;TZID=US/Eastern:20060102: what such files mean is the day, so it is read as a date
        diag(lineNo, what + " has TZID " + tz + " but only a date: read as an all-day date (said once per TZID)");
      }
    }
    return dateRef(kind, l, lineNo, what);
  }

  private DateRef dateRef(int kind, byte[] l, int lineNo, String what) {
    if (kind != Values.DATE && paramIs(l, Names.P_VALUE, "DATE")) {
      diag(lineNo, what + " has VALUE=DATE but a time: read as a date");
      kind = Values.DATE;
    }
    return switch (kind) {
      case Values.DATE -> new DateRef(Values.DATE, Values.date(dt), null);
      case Values.UTC -> new DateRef(Values.UTC, Values.utc(dt), null);
      default -> new DateRef(Values.LOCAL, Values.local(dt), param(l, Names.P_TZID));
    };
  }

  private @Nullable Instant instant(byte[] l, int vs, int end, int lineNo, String what) {
    int kind = Values.parseDateTime(l, vs, end, dt);
    switch (kind) {
      case Values.UTC:
        return Values.utc(dt);
      case Values.DATE:
        return Values.date(dt).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
      case Values.LOCAL:
        return new DateRef(Values.LOCAL, Values.local(dt), param(l, Names.P_TZID)).instant(this, lineNo);
      default:
        diag(lineNo, "bad " + what + " value ignored");
        return null;
    }
  }

  /** RDATE / EXDATE: comma-separated DATE, DATE-TIME or PERIOD values. */
  private void dateList(byte[] l, int vs, int end, int lineNo, String what, List<DateRef> out) {
    int p = vs;
    while (p < end) {
      int q = p;
      while (q < end && l[q] != ',') {
        q++;
      }
      int slash = p;
      while (slash < q && l[slash] != '/') {
        slash++;
      }
      int kind = Values.parseDateTime(l, p, slash, dt);
      if (kind == Values.NONE) {
        diag(lineNo, "bad " + what + " value ignored: " + ascii(l, p, Math.min(q, p + 40)));
      } else {
        DateRef d = dateRef(kind, l, lineNo, what);
        if (slash < q) {
          // PERIOD: start/end or start/duration
          int k2 = Values.parseDateTime(l, slash + 1, q, dt);
          if (k2 != Values.NONE) {
            d.periodEnd = dateRef(k2, l, lineNo, what);
          } else if (Values.parseDuration(l, slash + 1, q, dur)) {
            d.periodDays = dur[0];
            d.periodSeconds = dur[1];
            d.hasPeriodDuration = true;
          }
        }
        out.add(d);
      }
      p = q + 1;
    }
  }

  private void endEvent(int lineNo) {
    EventData ev = event;
    event = null;
    if (ev == null) {
      return;
    }
    if (ev.start == null) {
      diag(ev.line, "VEVENT without a usable DTSTART skipped");
      return;
    }
    if (ev.uid == null) {
      ev.uid = syntheticUid(ev);
      diag(ev.line, "VEVENT without UID: using synthetic UID " + ev.uid);
    }
    if (ev.exrules != null && !ev.recurring() && ev.recurrenceId == null) {
      diag(ev.line, "EXRULE without RRULE or RDATE ignored (" + ev.uid + ")");
    }
    if (ev.recurrenceId != null || ev.rrules != null || ev.rdates != null || waitsForZone(ev)) {
      deferred.add(ev);
      return;
    }
    DateRange range = range(ev);
    if (range != null) {
      emit(ev.toParsed("", range, ev));
    }
  }

  private boolean waitsForZone(EventData ev) {
    return waits(ev.start) || waits(ev.end);
  }

  private boolean waits(@Nullable DateRef d) {
    return d != null && d.tzid != null && (zones.resolve(d.tzid) == null || zones.provisional(d.tzid));
  }

  private String syntheticUid(EventData ev) {
    String basis = ev.start + "|" + ev.end + "|" + ev.durDays + "/" + ev.durSeconds + "|" + ev.summary
        + "|" + ev.description + "|" + ev.rrules + "|" + ev.recurrenceId;
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < basis.length(); i++) {
      h ^= basis.charAt(i);
      h *= 0x100000001b3L;
    }
    String base = String.format(Locale.ROOT, "%016x", h);
    String uid = base + "@synthetic.ics-sync";
    for (int n = 2; !syntheticUids.add(uid) && ev.recurrenceId == null; n++) {
      uid = base + "-" + n + "@synthetic.ics-sync";
    }
    return uid;
  }

  // ---------------------------------------------------------------- times

  /** The zone of floating times and unknown TZIDs: X-WR-TIMEZONE, else the caller's default. */
  Zones.Zone floatingZone() {
    Zones.Zone z = floating;
    if (z == null) {
      String cz = calendarZone;
      if (cz != null && !cz.isEmpty()) {
        z = zones.resolve(cz);
      }
      if (z == null) {
        z = new Zones.Zone(options.defaultZone().getId(), options.defaultZone().getRules());
      }
      floating = z;
    }
    return z;
  }

  Zones.Zone zone(@Nullable String tzid, int lineNo) {
    if (tzid == null || tzid.isEmpty()) {
      return floatingZone();
    }
    Zones.Zone z = zones.resolve(tzid);
    if (z != null) {
      return z;
    }
    z = offsetZone(tzid, lineNo);
    if (z != null) {
      return z;
    }
    z = floatingZone();
    if (reportedZones.add(tzid)) {
      if (zones.overLimit(tzid)) {
        diag(lineNo, "VTIMEZONE \"" + tzid + "\" not read (a feed may define at most "
            + Zones.MAX_DEFINED_ZONES + " zones of at most " + Zones.MAX_DEFINITION_CHARS
            + " characters): read in " + z.id());
      } else {
        diag(lineNo, "unknown TZID \"" + tzid + "\": read in " + z.id());
      }
    }
    return z;
  }

  /**
   * A TZID that names only an offset ({@code (GMT +01:00)}, a Windows display name whose places are
   * unknown) and has no VTIMEZONE: the floating zone (X-WR-TIMEZONE, else the property's zone) when
   * its standard offset is that offset, since the offset is then most likely that zone's, summer
   * time included; else the fixed offset. Said once per TZID. Null when the TZID holds no offset.
   */
  private Zones.@Nullable Zone offsetZone(String tzid, int lineNo) {
    Zones.Zone known = offsetZones.get(tzid);
    if (known != null) {
      return known;
    }
    java.time.ZoneOffset off = WindowsZones.displayOffset(tzid);
    if (off == null) {
      return null;
    }
    Zones.Zone fz = floatingZone();
    Zones.Zone z;
    if (fz.rules().getStandardOffset(options.expandFrom()).equals(off)) {
      z = fz;
      diag(lineNo, "TZID \"" + tzid + "\" names only an offset: read in " + fz.id() + " (standard offset " + off
          + ")");
    } else {
      z = new Zones.Zone(tzid, off.getRules());
      diag(lineNo, "TZID \"" + tzid + "\" names only an offset: read at the fixed offset " + off);
    }
    offsetZones.put(tzid, z);
    return z;
  }

  /** The event's own range (DTEND, DURATION or the RFC 5545 default), or null when unusable. */
  @Nullable DateRange range(EventData ev) {
    DateRef s = ev.start;
    if (s == null) {
      return null;
    }
    DateRef e = ev.end;
    if (s.kind == Values.DATE) {
      LocalDate sd = (LocalDate) s.value;
      LocalDate ed;
      if (e != null) {
        ed = e.kind == Values.DATE ? (LocalDate) e.value : e.localDate(this, ev.line);
      } else if (ev.hasDuration) {
        long days = ev.durDays + ceilDays(ev.durSeconds);
        ed = sd.plusDays(days);
      } else {
        ed = sd.plusDays(1);
      }
      if (ed.isBefore(sd)) {
        diag(ev.line, "DTEND before DTSTART: swapped (" + ev.uid + ")");
        return DateRange.allDay(ed, sd);
      }
      if (!ed.isAfter(sd)) {
        // an all-day event is never empty (VALUE=DATE:20270117T200000 to ...T220000, DTEND = DTSTART)
        diag(ev.line, "all-day event " + ev.uid + " ends on the day it starts: read as one day");
        ed = sd.plusDays(1);
      }
      return DateRange.allDay(sd, ed);
    }
    Instant si = s.instant(this, ev.line);
    Instant ei;
    if (e != null) {
      if (e.kind == Values.DATE) {
        Zones.Zone z = s.kind == Values.UTC ? Zones.UTC : zone(s.tzid, ev.line);
        ei = z.toInstant(((LocalDate) e.value).atStartOfDay());
      } else {
        ei = e.instant(this, ev.line);
      }
    } else if (ev.hasDuration) {
      ei = plus(s, si, ev.durDays, ev.durSeconds, ev.line);
    } else {
      ei = si;
    }
    if (ei.isBefore(si)) {
      diag(ev.line, "DTEND before DTSTART: swapped (" + ev.uid + ")");
      return DateRange.timed(ei, si);
    }
    return DateRange.timed(si, ei);
  }

  private static long ceilDays(long seconds) {
    return seconds <= 0 ? -((-seconds) / 86400) : (seconds + 86399) / 86400;
  }

  /** Start plus a nominal number of days (in the start's zone) and an exact number of seconds. */
  private Instant plus(DateRef s, Instant si, long days, long seconds, int lineNo) {
    if (days == 0 || s.kind == Values.UTC) {
      return si.plusSeconds(days * 86400 + seconds);
    }
    Zones.Zone z = zone(s.tzid, lineNo);
    return z.toInstant(z.toLocal(si).plusDays(days)).plusSeconds(seconds);
  }

  // ---------------------------------------------------------------- output

  void emit(ParsedEvent e) {
    if (++emitted > options.maxEvents()) {
      throw new ParseException(ParseFailure.TOO_MANY_EVENTS,
          "more than " + options.maxEvents() + " events (maxEvents)");
    }
    sink.accept(e);
  }

  void diag(int line, String message) {
    if (options.strict()) {
      throw new ParseException(ParseFailure.STRICT_VIOLATION, "line " + line + ": " + message);
    }
    if (diagnostics.size() < MAX_DIAGNOSTICS) {
      diagnostics.add(new Diagnostic(line, message));
    } else {
      suppressed++;
    }
  }

  ParseOptions options() {
    return options;
  }

  int exruleBudget() {
    return EXRULE_BUDGET - exruleSpent;
  }

  void spendExrule(int dates) {
    exruleSpent += dates;
  }

  private void flush() {
    if (deferred.isEmpty()) {
      return;
    }
    List<EventData> batch = new ArrayList<>(deferred);
    deferred.clear();
    outOfOrder = true;
    new Expansion(this, batch).run();
  }

  private void finish(int lastLine) {
    if (state != TOP) {
      truncated = true;
      if (options.strict()) {
        throw new ParseException(ParseFailure.TRUNCATED,
            "input ended inside a component (no END:VCALENDAR) at line " + lastLine);
      }
      if (state == EVENT || (state == SKIP && skipReturn == EVENT)) {
        EventData ev = event;
        diag(ev != null ? ev.line : lastLine, "input ended inside a VEVENT: event dropped");
        event = null;
      } else if (calendars > 0) {
        diag(lastLine, "input ended without END:VCALENDAR");
      }
    }
    flush();
  }

  // ---------------------------------------------------------------- data

  /** A DATE / DATE-TIME value with its TZID, as written. */
  static final class DateRef {
    final int kind;
    final Temporal value;
    final @Nullable String tzid;
    @Nullable DateRef periodEnd;
    boolean hasPeriodDuration;
    long periodDays;
    long periodSeconds;

    DateRef(int kind, Temporal value, @Nullable String tzid) {
      this.kind = kind;
      this.value = value;
      this.tzid = tzid;
    }

    Instant instant(CalendarReader r, int lineNo) {
      return switch (kind) {
        case Values.UTC -> (Instant) value;
        case Values.DATE -> r.floatingZone().toInstant(((LocalDate) value).atStartOfDay());
        default -> r.zone(tzid, lineNo).toInstant((LocalDateTime) value);
      };
    }

    LocalDate localDate(CalendarReader r, int lineNo) {
      return switch (kind) {
        case Values.DATE -> (LocalDate) value;
        case Values.UTC -> r.floatingZone().toLocal((Instant) value).toLocalDate();
        default -> ((LocalDateTime) value).toLocalDate();
      };
    }

    @Override
    public String toString() {
      return tzid == null ? value.toString() : tzid + ":" + value;
    }
  }

  /** The properties of one VEVENT as read. */
  static final class EventData {
    final int line;
    @Nullable String uid;
    @Nullable DateRef start;
    @Nullable DateRef end;
    boolean hasDuration;
    long durDays;
    long durSeconds;
    @Nullable DateRef recurrenceId;
    @Nullable String summary;
    @Nullable String description;
    @Nullable String status;
    @Nullable String transp;
    int sequence;
    @Nullable Instant dtstamp;
    @Nullable Instant lastModified;
    @Nullable Instant created;
    @Nullable List<String> rrules;
    /** EXRULE (RFC 2445, dropped by RFC 5545 but still written): instances it matches are removed. */
    @Nullable List<String> exrules;
    @Nullable List<DateRef> rdates;
    @Nullable List<DateRef> exdates;
    @Nullable Map<String, String> extra;

    EventData(int line) {
      this.line = line;
    }

    List<DateRef> rdates() {
      if (rdates == null) {
        rdates = new ArrayList<>(2);
      }
      return rdates;
    }

    List<DateRef> exdates() {
      if (exdates == null) {
        exdates = new ArrayList<>(2);
      }
      return exdates;
    }

    boolean recurring() {
      return rrules != null || rdates != null;
    }

    ParsedEvent toParsed(String rid, DateRange range, EventData from) {
      Map<String, String> x = extra;
      // every event has a UID by now: its own or a synthetic one (syntheticUid)
      String id = java.util.Objects.requireNonNull(uid == null ? from.uid : uid, "uid");
      return new ParsedEvent(id, rid, range, summary, description, status,
          transp, sequence, dtstamp, lastModified, created, line, x == null ? Map.of() : java.util.Collections.unmodifiableMap(x));
    }
  }

  static Map<String, List<EventData>> byUid(List<EventData> list) {
    Map<String, List<EventData>> m = new HashMap<>();
    for (EventData e : list) {
      m.computeIfAbsent(String.valueOf(e.uid), k -> new ArrayList<>(2)).add(e);
    }
    return m;
  }
}

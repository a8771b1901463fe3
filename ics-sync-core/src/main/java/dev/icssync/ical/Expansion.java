package dev.icssync.ical;

import dev.icssync.DateRange;
import dev.icssync.IcsSyncException.ParseException;
import dev.icssync.ParseFailure;
import dev.icssync.ical.CalendarReader.DateRef;
import dev.icssync.ical.CalendarReader.EventData;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.fortuna.ical4j.model.Recur;
import org.jspecify.annotations.Nullable;

/**
 * Expands the recurring events of one calendar inside the window of the options, with ical4j's
 * {@link Recur} as the rule engine, and applies RDATE, EXDATE and RECURRENCE-ID overrides.
 *
 * <p>Timed rules are expanded on wall-clock times of the start's zone and each occurrence is then
 * placed in that zone, which is what RFC 5545 asks and also works for zones that exist only as a
 * VTIMEZONE in the feed. An instance is in the window when its range overlaps it.
 */
final class Expansion {
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss", Locale.ROOT);
  /** Key prefix of a DATE RECURRENCE-ID of a timed series: it names the instance of that day. */
  private static final String DAY = "day:";

  private final CalendarReader reader;
  private final List<EventData> batch;
  private final Instant from;
  private final Instant to;
  private final int cap;

  Expansion(CalendarReader reader, List<EventData> batch) {
    this.reader = reader;
    this.batch = batch;
    this.from = reader.options().expandFrom();
    this.to = reader.options().expandTo();
    this.cap = reader.options().maxInstances();
  }

  void run() {
    Map<String, List<EventData>> overrides = new HashMap<>();
    Set<String> withMaster = new HashSet<>();
    for (EventData e : batch) {
      if (e.recurrenceId != null) {
        if (e.rrules != null || e.rdates != null || e.exrules != null) {
          reader.diag(e.line, "RRULE, RDATE or EXRULE in an override (RECURRENCE-ID) of " + e.uid
              + " ignored: an override is one instance");
        }
        overrides.computeIfAbsent(String.valueOf(e.uid), k -> new ArrayList<>(2)).add(e);
      } else if (e.recurring()) {
        withMaster.add(String.valueOf(e.uid));
      }
    }
    Set<EventData> used = new HashSet<>();
    for (EventData e : batch) {
      if (e.recurrenceId != null) {
        continue;
      }
      if (e.recurring()) {
        expand(e, overrides.getOrDefault(String.valueOf(e.uid), List.of()), used);
      } else {
        DateRange r = reader.range(e);
        if (r != null) {
          reader.emit(e.toParsed("", r, e));
        }
      }
    }
    // overrides that matched no generated instance
    for (EventData o : batch) {
      if (o.recurrenceId == null || used.contains(o)) {
        continue;
      }
      String rid = ridOf(o.recurrenceId, o.line);
      DateRange r = o.start != null ? reader.range(o) : null;
      if (r == null) {
        reader.diag(o.line, "override without DTSTART skipped (" + o.uid + ")");
        continue;
      }
      if (withMaster.contains(String.valueOf(o.uid))) {
        Instant ridAt = o.recurrenceId.instant(reader, o.line);
        if (!overlaps(r) && (ridAt.isBefore(from) || !ridAt.isBefore(to))) {
          continue; // an override of an instance outside the window
        }
        reader.diag(o.line, "RECURRENCE-ID " + rid + " matches no instance of " + o.uid + ": kept as is");
      }
      reader.emit(o.toParsed(rid, r, o));
    }
  }

  private boolean overlaps(DateRange r) {
    DateRange.Timed t = r instanceof DateRange.Timed timed ? timed
        : new DateRange.Timed(reader.floatingZone().toInstant(((DateRange.AllDay) r).start().atStartOfDay()),
            reader.floatingZone().toInstant(((DateRange.AllDay) r).end().atStartOfDay()));
    return t.start().isBefore(to) && (t.end().isAfter(from) || (t.isEmpty() && !t.start().isBefore(from)));
  }

  String ridOf(DateRef d, int line) {
    return d.kind == Values.DATE ? Values.formatDate((LocalDate) d.value) : Values.formatUtc(d.instant(reader, line));
  }

  private void expand(EventData m, List<EventData> overrides, Set<EventData> used) {
    DateRange base = reader.range(m);
    DateRef s = m.start;
    if (base == null || s == null) {
      return;
    }
    Map<String, EventData> byRid = new HashMap<>();
    for (EventData o : overrides) {
      // overrides are the events that carry a RECURRENCE-ID (read above)
      DateRef rid = java.util.Objects.requireNonNull(o.recurrenceId, "recurrenceId");
      String key;
      if (base.isAllDay()) {
        key = rid.kind != Values.DATE ? Values.formatDate(allDayRid(rid, o.line)) : ridOf(rid, o.line);
      } else {
        // a DATE names the series' instance on that day (in the series' zone)
        key = rid.kind == Values.DATE ? DAY + ridOf(rid, o.line) : ridOf(rid, o.line);
      }
      byRid.putIfAbsent(key, o);
    }
    if (base instanceof DateRange.AllDay day) {
      expandDates(m, day, byRid, used);
    } else {
      expandTimes(m, (DateRange.Timed) base, s, byRid, used);
    }
  }

  /**
   * The date a date-time RECURRENCE-ID names in an all-day series. Google writes UTC midnight of the
   * date ({@code 20270101T000000Z}, whatever X-WR-TIMEZONE says), Exchange the local midnight (with
   * a TZID, or in UTC: {@code 20261231T230000Z} for Berlin): a UTC midnight names its UTC date, any
   * other time its date in the calendar's zone.
   */
  private LocalDate allDayRid(DateRef rid, int line) {
    if (rid.kind == Values.UTC) {
      LocalDateTime utc = LocalDateTime.ofInstant((Instant) rid.value, java.time.ZoneOffset.UTC);
      if (utc.toLocalTime().equals(java.time.LocalTime.MIDNIGHT)) {
        return utc.toLocalDate();
      }
    }
    return rid.localDate(reader, line);
  }

  // ---------------------------------------------------------------- all-day

  private void expandDates(EventData m, DateRange.AllDay base, Map<String, EventData> byRid, Set<EventData> used) {
    Zones.Zone fz = reader.floatingZone();
    long days = ChronoUnit.DAYS.between(base.start(), base.end());
    LocalDate wFrom = fz.toLocal(from).toLocalDate().minusDays(days + 1);
    LocalDate wTo = fz.toLocal(to).toLocalDate().plusDays(1);
    TreeSet<LocalDate> dates = new TreeSet<>();
    dates.add(base.start());
    if (m.rrules != null) {
      for (String rule : m.rrules) {
        List<LocalDate> got = dateRule(m, rule, base.start(), wFrom, wTo, true, cap + 1);
        checkCap(got.size(), m);
        dates.addAll(got);
      }
    }
    if (m.rdates != null) {
      for (DateRef d : m.rdates) {
        dates.add(d.localDate(reader, m.line));
      }
    }
    if (m.exrules != null) {
      // only the span of the instances can lose any
      LocalDate eFrom = dates.first().isAfter(wFrom) ? dates.first() : wFrom;
      LocalDate eTo = dates.last().isBefore(wTo) ? dates.last() : wTo;
      for (String rule : m.exrules) {
        if (!eTo.isBefore(eFrom)) {
          dates.removeAll(dateRule(m, rule, base.start(), eFrom, eTo, false, exruleLimit()));
        }
      }
    }
    if (m.exdates != null) {
      for (DateRef d : m.exdates) {
        dates.remove(d.localDate(reader, m.line));
      }
    }
    List<LocalDate> in = new ArrayList<>();
    for (LocalDate d : dates) {
      DateRange.AllDay r = DateRange.allDay(d, d.plusDays(days));
      if (overlaps(r)) {
        in.add(d);
      }
    }
    checkCap(in.size(), m);
    for (LocalDate d : in) {
      String rid = Values.formatDate(d);
      EventData o = byRid.get(rid);
      if (o != null) {
        used.add(o);
        emitOverride(o, rid, DateRange.allDay(d, d.plusDays(days)));
      } else {
        reader.emit(m.toParsed(rid, DateRange.allDay(d, d.plusDays(days)), m));
      }
    }
  }

  /**
   * The dates of one RRULE ({@code include}) or EXRULE in {@code [wFrom, wTo]}, at most {@code limit};
   * none, with a diagnostic, when ical4j cannot read the rule. For an RRULE with COUNT, DTSTART is
   * the first of the COUNT instances even when the rule does not match it (RFC 5545 3.8.5.3, as
   * libical and Google do): the rule then gives COUNT - 1 more.
   */
  private List<LocalDate> dateRule(EventData m, String rule, LocalDate start, LocalDate wFrom, LocalDate wTo,
      boolean include, int limit) {
    return rule(m, rule, () -> new Recur<>(untilAsDate(rule)), Expansion::shiftDate, start, wFrom, wTo, include, limit);
  }

  /** How a rule without COUNT is moved close to the window before it is expanded. */
  @FunctionalInterface
  private interface Shift<T extends java.time.temporal.Temporal> {
    T toWindow(Recur<T> recur, T seed, T wFrom);
  }

  /** {@link #dateRule} and {@link #timeRule} over either kind of value. */
  private <T extends java.time.temporal.Temporal> List<T> rule(EventData m, String rule,
      java.util.function.Supplier<Recur<T>> read, Shift<T> shift, T start, T wFrom, T wTo, boolean include,
      int limit) {
    try {
      Recur<T> recur = read.get();
      T seed = start;
      if (recur.getCount() < 1) {
        seed = shift.toWindow(recur, seed, wFrom);
      } else if (include) {
        recur = countingStart(recur, start);
        if (recur == null) {
          return List.of();
        }
      }
      if (!include && limit < 1) {
        reader.diag(m.line, "EXRULE of " + m.uid + " not applied: the feed's EXRULEs already gave "
            + CalendarReader.EXRULE_BUDGET + " dates");
        return List.of();
      }
      List<T> got = recur.getDates(seed, wFrom, wTo, limit);
      if (!include) {
        spent(m, got.size(), limit);
      }
      return got;
    } catch (ParseException e) {
      throw e;
    } catch (RuntimeException e) {
      reader.diag(m.line, (include ? "RRULE" : "EXRULE") + " not understood, ignored: " + rule + " ("
          + e.getMessage() + ")");
      return List.of();
    }
  }

  private static <T extends java.time.temporal.Temporal> @Nullable Recur<T> countingStart(Recur<T> recur, T start) {
    if (!recur.getDates(start, start, start, 1).isEmpty()) {
      return recur;
    }
    int count = recur.getCount();
    return count <= 1 ? null : new Recur.Builder<>(recur).count(count - 1).build();
  }

  /**
   * EXRULE dates read per rule: four times what an RRULE may give, so a rule finer than the series
   * (hourly against daily) still removes its instances, and at most what is left of the feed's
   * budget ({@link CalendarReader#EXRULE_BUDGET}): unlike an RRULE, an EXRULE that matches often
   * fails nothing, so its cost must be bounded over the whole feed.
   */
  private int exruleLimit() {
    return (int) Math.min(Math.min(Integer.MAX_VALUE - 1L, 4L * cap + 1), reader.exruleBudget());
  }

  private void spent(EventData m, int dates, int limit) {
    reader.spendExrule(dates);
    if (dates >= limit) {
      reader.diag(m.line, "EXRULE of " + m.uid + " matches more than " + limit
          + " times: the later ones are not removed");
    }
  }

  /** Moves a DAILY/WEEKLY seed forward by whole periods, so old rules do not iterate for ages. */
  private static LocalDate shiftDate(Recur<LocalDate> recur, LocalDate seed, LocalDate wFrom) {
    long unit = switch (recur.getFrequency()) {
      case DAILY -> 1;
      case WEEKLY -> 7;
      default -> 0;
    };
    if (unit == 0 || recur.getUntil() != null) {
      return seed;
    }
    long period = unit * Math.max(1, recur.getInterval());
    long gap = ChronoUnit.DAYS.between(seed, wFrom);
    if (gap <= 2 * period) {
      return seed;
    }
    return seed.plusDays((gap / period - 1) * period);
  }

  private static String untilAsDate(String rule) {
    int i = indexOfUntil(rule);
    if (i < 0) {
      return rule;
    }
    int v = i + 6;
    int e = rule.indexOf(';', v);
    if (e < 0) {
      e = rule.length();
    }
    String until = rule.substring(v, e);
    if (until.length() > 8) {
      return rule.substring(0, v) + until.substring(0, 8) + rule.substring(e);
    }
    return rule;
  }

  private static int indexOfUntil(String rule) {
    String u = rule.toUpperCase(Locale.ROOT);
    int i = u.indexOf("UNTIL=");
    while (i > 0 && u.charAt(i - 1) != ';' && u.charAt(i - 1) != ':') {
      i = u.indexOf("UNTIL=", i + 1);
    }
    return i;
  }

  // ---------------------------------------------------------------- timed

  private void expandTimes(EventData m, DateRange.Timed base, DateRef s, Map<String, EventData> byRid,
      Set<EventData> used) {
    Zones.Zone z = s.kind == Values.UTC ? Zones.UTC : reader.zone(s.tzid, m.line);
    Duration length = Duration.between(base.start(), base.end());
    LocalDateTime seed = z.toLocal(base.start());
    LocalDateTime wFrom = z.toLocal(from.minus(length)).minusDays(1);
    LocalDateTime wTo = z.toLocal(to).plusDays(1);
    TreeSet<Instant> starts = new TreeSet<>();
    starts.add(base.start());
    if (m.rrules != null) {
      for (String rule : m.rrules) {
        List<LocalDateTime> got = timeRule(m, rule, z, seed, wFrom, wTo, true, cap + 1);
        checkCap(got.size(), m);
        for (LocalDateTime t : got) {
          starts.add(z.toInstant(t));
        }
      }
    }
    Map<Instant, Instant> periodEnds = new HashMap<>();
    if (m.rdates != null) {
      for (DateRef d : m.rdates) {
        Instant at = d.kind == Values.DATE ? z.toInstant(((LocalDate) d.value).atStartOfDay()) : d.instant(reader, m.line);
        starts.add(at);
        if (d.periodEnd != null) {
          periodEnds.put(at, d.periodEnd.instant(reader, m.line));
        } else if (d.hasPeriodDuration) {
          periodEnds.put(at, at.plusSeconds(d.periodDays * 86400 + d.periodSeconds));
        }
      }
    }
    if (m.exrules != null) {
      // only the span of the instances can lose any
      LocalDateTime first = z.toLocal(starts.first());
      LocalDateTime last = z.toLocal(starts.last());
      LocalDateTime eFrom = first.isAfter(wFrom) ? first : wFrom;
      LocalDateTime eTo = last.isBefore(wTo) ? last : wTo;
      for (String rule : m.exrules) {
        if (!eTo.isBefore(eFrom)) {
          for (LocalDateTime t : timeRule(m, rule, z, seed, eFrom, eTo, false, exruleLimit())) {
            starts.remove(z.toInstant(t));
          }
        }
      }
    }
    if (m.exdates != null) {
      Set<LocalDate> exDays = new HashSet<>();
      for (DateRef d : m.exdates) {
        if (d.kind == Values.DATE) {
          exDays.add((LocalDate) d.value);
        } else {
          starts.remove(d.instant(reader, m.line));
        }
      }
      if (!exDays.isEmpty()) {
        starts.removeIf(t -> exDays.contains(z.toLocal(t).toLocalDate()));
      }
    }
    List<Instant> in = new ArrayList<>();
    for (Instant t : starts) {
      Instant e = periodEnds.getOrDefault(t, t.plus(length));
      if (t.isBefore(to) && (e.isAfter(from) || (e.equals(t) && !t.isBefore(from)))) {
        in.add(t);
      }
    }
    checkCap(in.size(), m);
    for (Instant t : in) {
      String rid = Values.formatUtc(t);
      Instant e = periodEnds.getOrDefault(t, t.plus(length));
      DateRange.Timed r = DateRange.timed(t, e.isBefore(t) ? t : e);
      EventData o = byRid.get(rid);
      if (o == null) {
        o = byRid.get(DAY + Values.formatDate(z.toLocal(t).toLocalDate()));
        if (o != null && used.contains(o)) {
          o = null; // the day's first instance took it
        }
      }
      if (o != null) {
        used.add(o);
        emitOverride(o, rid, r);
      } else {
        reader.emit(m.toParsed(rid, r, m));
      }
    }
  }

  /** As {@link #dateRule}, on wall-clock times of the start's zone. */
  private List<LocalDateTime> timeRule(EventData m, String rule, Zones.Zone z, LocalDateTime seed,
      LocalDateTime wFrom, LocalDateTime wTo, boolean include, int limit) {
    return rule(m, rule, () -> new Recur<>(untilAsLocal(rule, z)), Expansion::shiftTime, seed, wFrom, wTo, include,
        limit);
  }

  private static LocalDateTime shiftTime(Recur<LocalDateTime> recur, LocalDateTime seed, LocalDateTime wFrom) {
    long unit = switch (recur.getFrequency()) {
      case SECONDLY -> 1;
      case MINUTELY -> 60;
      case HOURLY -> 3600;
      case DAILY -> 86400;
      case WEEKLY -> 7 * 86400;
      default -> 0;
    };
    if (unit == 0) {
      return seed;
    }
    long period = unit * Math.max(1, recur.getInterval());
    long gap = ChronoUnit.SECONDS.between(seed, wFrom);
    if (gap <= 2 * period) {
      return seed;
    }
    return seed.plusSeconds((gap / period - 1) * period);
  }

  /** Rewrites UNTIL as a wall time of the start's zone (UTC values converted, dates at day end). */
  private static String untilAsLocal(String rule, Zones.Zone z) {
    int i = indexOfUntil(rule);
    if (i < 0) {
      return rule;
    }
    int v = i + 6;
    int e = rule.indexOf(';', v);
    if (e < 0) {
      e = rule.length();
    }
    String until = rule.substring(v, e).trim();
    byte[] b = until.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    int[] dt = new int[6];
    int kind = Values.parseDateTime(b, 0, b.length, dt);
    String local;
    switch (kind) {
      case Values.UTC -> local = LOCAL.format(z.toLocal(Values.utc(dt)));
      case Values.DATE -> local = until.substring(0, 8) + "T235959";
      case Values.LOCAL -> local = LOCAL.format(Values.local(dt));
      default -> {
        return rule;
      }
    }
    return rule.substring(0, v) + local + rule.substring(e);
  }

  // ---------------------------------------------------------------- common

  private void emitOverride(EventData o, String rid, DateRange instance) {
    DateRange r;
    if (o.start == null) {
      r = instance;
    } else if (o.end == null && !o.hasDuration) {
      // the override keeps the length of the series
      DateRange own = reader.range(o);
      r = own == null ? instance : withLength(own, instance);
    } else {
      DateRange own = reader.range(o);
      r = own == null ? instance : own;
    }
    reader.emit(o.toParsed(rid, r, o));
  }

  private static DateRange withLength(DateRange own, DateRange instance) {
    if (own instanceof DateRange.AllDay a && instance instanceof DateRange.AllDay i) {
      return DateRange.allDay(a.start(), a.start().plusDays(ChronoUnit.DAYS.between(i.start(), i.end())));
    }
    if (own instanceof DateRange.Timed a && instance instanceof DateRange.Timed i) {
      return DateRange.timed(a.start(), a.start().plus(Duration.between(i.start(), i.end())));
    }
    return own;
  }

  private void checkCap(int n, EventData m) {
    if (n > cap) {
      throw new ParseException(ParseFailure.TOO_MANY_INSTANCES,
          "recurring event " + m.uid + " (line " + m.line + ") has more than " + cap
              + " instances in the window (maxInstances)");
    }
  }
}

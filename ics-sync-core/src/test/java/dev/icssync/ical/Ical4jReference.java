package dev.icssync.ical;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Period;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.property.DateProperty;

/**
 * What ical4j makes of a feed, reduced to (uid, recurrence id, start, end, all-day) per event or
 * instance, with the same conventions as our parser: floating times in X-WR-TIMEZONE or the default
 * zone, recurrence expanded with {@code VEvent.calculateRecurrenceSet} inside the window, overrides
 * (RECURRENCE-ID) replacing the instance they name.
 */
final class Ical4jReference {
  private Ical4jReference() {}

  /** One event or instance, in a form both parsers can be compared on. */
  record Key(String uid, String recurrenceId, String start, String end, boolean allDay) {
    @Override
    public String toString() {
      return uid + " " + (recurrenceId.isEmpty() ? "-" : recurrenceId) + " " + start + "/" + end + (allDay ? " all-day" : "");
    }
  }

  static Key of(ParsedEvent e) {
    String uid = e.uid().endsWith("@synthetic.ics-sync") ? "?" : e.uid();
    if (e.range() instanceof dev.icssync.DateRange.AllDay a) {
      return new Key(uid, e.recurrenceId(), a.start().toString(), a.end().toString(), true);
    }
    dev.icssync.DateRange.Timed t = (dev.icssync.DateRange.Timed) e.range();
    return new Key(uid, e.recurrenceId(), t.start().toString(), t.end().toString(), false);
  }

  /** Throws whatever ical4j throws when it cannot read the body. */
  static List<Key> read(byte[] body, Instant from, Instant to, ZoneId defaultZone) throws Exception {
    Calendar cal = new CalendarBuilder().build(new ByteArrayInputStream(crlf(body)));
    ZoneId floating = defaultZone;
    Optional<Property> xwr = cal.getProperty("X-WR-TIMEZONE");
    if (xwr.isPresent()) {
      try {
        floating = ZoneId.of(xwr.get().getValue().trim());
      } catch (RuntimeException e) {
        // unknown: keep the default, as the parser does
      }
    }
    List<VEvent> events = cal.getComponents("VEVENT");
    Map<String, Map<String, VEvent>> overrides = new HashMap<>();
    Set<String> masters = new HashSet<>();
    for (VEvent ev : events) {
      String uid = uid(ev);
      if (ev.getProperty("RECURRENCE-ID").isPresent()) {
        String rid = rid(prop(ev, "RECURRENCE-ID"), floating);
        overrides.computeIfAbsent(uid, k -> new HashMap<>()).putIfAbsent(rid, ev);
      } else if (ev.getProperty("RRULE").isPresent() || ev.getProperty("RDATE").isPresent()) {
        masters.add(uid);
      }
    }
    List<Key> out = new ArrayList<>();
    Set<VEvent> usedOverrides = new HashSet<>();
    Period<ZonedDateTime> window = new Period<>(from.atZone(ZoneOffset.UTC), to.atZone(ZoneOffset.UTC));
    for (VEvent ev : events) {
      if (ev.getProperty("RECURRENCE-ID").isPresent() || ev.getProperty("DTSTART").isEmpty()) {
        continue;
      }
      String uid = uid(ev);
      boolean recurring = ev.getProperty("RRULE").isPresent() || ev.getProperty("RDATE").isPresent();
      if (!recurring) {
        out.add(single(ev, uid, "", floating));
        continue;
      }
      Set<Period<Temporal>> set = ev.calculateRecurrenceSet(window);
      for (Period<Temporal> p : set) {
        Temporal s = p.getStart();
        if (!instant(s, floating).isBefore(to)) {
          continue; // the window is half-open; ical4j's period end is inclusive
        }
        String rid = s instanceof LocalDate d ? d.toString().replace("-", "") : utc(instant(s, floating));
        VEvent o = overrides.getOrDefault(uid, Map.of()).get(rid);
        if (o != null) {
          usedOverrides.add(o);
          out.add(single(o, uid, rid, floating));
        } else {
          out.add(key(uid, rid, s, p.getEnd(), floating));
        }
      }
    }
    for (VEvent ev : events) {
      if (ev.getProperty("RECURRENCE-ID").isEmpty() || usedOverrides.contains(ev) || masters.contains(uid(ev))
          || ev.getProperty("DTSTART").isEmpty()) {
        continue; // overrides of instances outside the window are not comparable
      }
      out.add(single(ev, uid(ev), rid(prop(ev, "RECURRENCE-ID"), floating), floating));
    }
    return out;
  }

  /**
   * Line ends as CRLF: ical4j's default (not relaxed) unfolding only recognises CRLF folds, and the
   * relaxed mode is a JVM-wide switch this test should not flip.
   */
  static byte[] crlf(byte[] b) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(b.length + b.length / 20);
    for (int i = 0; i < b.length; i++) {
      byte c = b[i];
      if (c == '\r') {
        out.write('\r');
        out.write('\n');
        if (i + 1 < b.length && b[i + 1] == '\n') {
          i++;
        }
      } else if (c == '\n') {
        out.write('\r');
        out.write('\n');
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }

  private static String uid(VEvent ev) {
    return ev.getProperty("UID").map(p -> p.getValue().trim()).filter(u -> !u.isEmpty()).orElse("?");
  }

  @SuppressWarnings("unchecked")
  private static DateProperty<Temporal> prop(VEvent ev, String name) {
    return (DateProperty<Temporal>) ev.getProperty(name).orElseThrow();
  }

  private static String rid(DateProperty<Temporal> p, ZoneId floating) {
    Temporal t = p.getDate();
    return t instanceof LocalDate d ? d.toString().replace("-", "") : utc(instant(t, floating));
  }

  private static Key single(VEvent ev, String uid, String rid, ZoneId floating) {
    Temporal s = prop(ev, "DTSTART").getDate();
    Temporal e;
    // ical4j ends a DATE-TIME start without DTEND or DURATION a day later; RFC 5545 3.6.1 says
    // at the start, so only DTEND and DURATION are asked from ical4j
    Optional<? extends Property> end = ev.getProperty("DTEND").isPresent() || ev.getProperty("DURATION").isPresent()
        ? ev.getEndDate(true) : Optional.empty();
    if (end.isPresent()) {
      e = ((DateProperty<?>) end.get()).getDate();
    } else {
      e = s instanceof LocalDate d ? d.plusDays(1) : s;
    }
    return key(uid, rid, s, e, floating);
  }

  private static Key key(String uid, String rid, Temporal s, Temporal e, ZoneId floating) {
    if (s instanceof LocalDate sd) {
      LocalDate ed = e instanceof LocalDate d ? d : LocalDate.ofInstant(instant(e, floating), floating);
      return new Key(uid, rid, sd.toString(), ed.toString(), true);
    }
    return new Key(uid, rid, instant(s, floating).toString(), instant(e, floating).toString(), false);
  }

  static Instant instant(Temporal t, ZoneId floating) {
    if (t instanceof Instant i) {
      return i;
    }
    if (t instanceof ZonedDateTime z) {
      return z.toInstant();
    }
    if (t instanceof OffsetDateTime o) {
      return o.toInstant();
    }
    if (t instanceof LocalDateTime l) {
      return l.atZone(floating).toInstant();
    }
    if (t instanceof LocalDate d) {
      return d.atStartOfDay(floating).toInstant();
    }
    throw new IllegalArgumentException("unexpected temporal " + t.getClass());
  }

  private static String utc(Instant t) {
    return dev.icssync.ical.Values.formatUtc(t);
  }
}

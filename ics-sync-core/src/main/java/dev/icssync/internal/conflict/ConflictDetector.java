package dev.icssync.internal.conflict;

import dev.icssync.CalendarEvent;
import dev.icssync.ChannelProfiles;
import dev.icssync.DateRange;
import dev.icssync.EventKind;
import dev.icssync.PropertySettings;
import dev.icssync.SyncConfig;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Double bookings of one property: pairs of active events from different feeds whose ranges,
 * placed in the property's zone at its check-in/check-out times, overlap. Left out: availability
 * rules (rolling booking windows, advance notice: they close dates, nobody stays) and pairs of two
 * blocks (two closed markers overlapping double-book nobody; it is mostly one channel echoing
 * another's block), and events that do not block dates ({@link SyncConfig#blocksDates}: personal
 * calendars' events when the host turned them off). Times are compared to the millisecond.
 *
 * <p>Detection runs over every event of a property after each sync that changed it, so it works on
 * primitive arrays: dates are placed in the zone with a cache of the zone's offset windows (no
 * date-time objects per event), feeds and kinds are compared as small integers, and an overlap keeps
 * its range as two longs until someone asks for it.
 */
public final class ConflictDetector {
  private static final Predicate<EventKind> DEFAULT_BLOCKS = SyncConfig.defaults()::blocksDates;
  private static final EventKind[] KINDS = EventKind.values();

  private ConflictDetector() {}

  /** An overlapping pair and its overlap (built on first use: most callers only look at new pairs). */
  public static final class Overlap {
    private final CalendarEvent a;
    private final CalendarEvent b;
    private final long startMillis;
    private final long endMillis;
    private DateRange.@Nullable Timed overlap;

    public Overlap(CalendarEvent a, CalendarEvent b, DateRange.Timed overlap) {
      this(a, b, overlap.start().toEpochMilli(), overlap.end().toEpochMilli());
      this.overlap = overlap;
    }

    Overlap(CalendarEvent a, CalendarEvent b, long startMillis, long endMillis) {
      this.a = a;
      this.b = b;
      this.startMillis = startMillis;
      this.endMillis = endMillis;
    }

    public CalendarEvent a() {
      return a;
    }

    public CalendarEvent b() {
      return b;
    }

    public DateRange.Timed overlap() {
      DateRange.Timed o = overlap;
      if (o == null) {
        o = DateRange.timed(Instant.ofEpochMilli(startMillis), Instant.ofEpochMilli(endMillis));
        overlap = o;
      }
      return o;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Overlap other && a.equals(other.a) && b.equals(other.b)
          && overlap().equals(other.overlap());
    }

    @Override
    public int hashCode() {
      return Objects.hash(a, b, overlap());
    }

    @Override
    public String toString() {
      return "Overlap[a=" + a + ", b=" + b + ", overlap=" + overlap() + "]";
    }
  }

  /** True when two events may form a double booking at all (before looking at their dates). */
  public static boolean candidates(CalendarEvent a, CalendarEvent b) {
    return a.isActive() && b.isActive() && !a.feedId().equals(b.feedId())
        && !(a.kind() == EventKind.BLOCK && b.kind() == EventKind.BLOCK);
  }

  /** True when an event takes part in detection with the default {@link SyncConfig#blocksDates}. */
  public static boolean participates(CalendarEvent e) {
    return participates(e, DEFAULT_BLOCKS);
  }

  /** True when an event takes part in detection: active, no availability rule, and it blocks dates. */
  public static boolean participates(CalendarEvent e, Predicate<EventKind> blocksDates) {
    return e.isActive() && blocksDates.test(e.kind()) && !ChannelProfiles.isAvailabilityRule(e);
  }

  /** {@link #detect(List, PropertySettings, Predicate)} with the default {@link SyncConfig#blocksDates}. */
  public static List<Overlap> detect(List<CalendarEvent> events, PropertySettings settings) {
    return detect(events, settings, DEFAULT_BLOCKS);
  }

  /**
   * The overlapping pairs among the events that block dates ({@code blocksDates}: the engine's
   * {@link SyncConfig#blocksDates}, which the exports follow too).
   */
  public static List<Overlap> detect(List<CalendarEvent> events, PropertySettings settings,
      Predicate<EventKind> blocksDates) {
    boolean[] blocks = new boolean[KINDS.length];
    for (EventKind k : KINDS) {
      blocks[k.ordinal()] = blocksDates.test(k);
    }
    int size = events.size();
    CalendarEvent[] in = new CalendarEvent[size];
    long[] start = new long[size];
    long[] end = new long[size];
    // per participating event: its feed's number (feeds are few) and whether it is a block
    int[] feed = new int[size];
    boolean[] block = new boolean[size];
    Map<String, Integer> feeds = new HashMap<>();
    String lastFeed = null;
    int lastFeedNo = -1;
    Placement place = new Placement(settings.zone());
    LocalTime checkIn = settings.checkIn();
    LocalTime checkOut = settings.checkOut();
    int n = 0;
    for (int k = 0; k < size; k++) {
      CalendarEvent e = events.get(k);
      if (!e.isActive() || !blocks[e.kind().ordinal()] || ChannelProfiles.isAvailabilityRule(e)) {
        continue;
      }
      DateRange r = e.range();
      long s;
      long t;
      if (r instanceof DateRange.AllDay d) {
        s = place.epochMilli(d.start(), checkIn);
        t = place.epochMilli(d.end(), checkOut);
        if (t < s) {
          t = s;
        }
      } else {
        DateRange.Timed timed = r.toInstants(settings.zone(), checkIn, checkOut);
        s = timed.start().toEpochMilli();
        t = timed.end().toEpochMilli();
      }
      String f = e.feedId();
      if (!f.equals(lastFeed)) {
        Integer no = feeds.get(f);
        if (no == null) {
          no = feeds.size();
          feeds.put(f, no);
        }
        lastFeed = f;
        lastFeedNo = no;
      }
      in[n] = e;
      start[n] = s;
      end[n] = t;
      feed[n] = lastFeedNo;
      block[n] = e.kind() == EventKind.BLOCK;
      n++;
    }
    if (feeds.size() < 2) {
      return new ArrayList<>(0); // one feed cannot double-book itself
    }
    List<Overlap> out = new ArrayList<>();
    OverlapSweep.forEachOverlap(start, end, n, (i, j) -> {
      if (feed[i] != feed[j] && !(block[i] && block[j])) {
        out.add(new Overlap(in[i], in[j], Math.max(start[i], start[j]), Math.min(end[i], end[j])));
      }
    });
    return out;
  }

  /**
   * Places dates at a time of day in a zone, as {@code date.atTime(time).atZone(zone).toInstant()}
   * does (a time in a gap moves forward by the gap, a time in an overlap takes the earlier offset),
   * in epoch milliseconds. Remembers the last few spans of local time over which the zone has one
   * unambiguous offset, so that a date inside one costs a subtraction; other dates take the
   * {@code java.time} path and teach the cache their span.
   */
  static final class Placement {
    private static final int WINDOWS = 16;
    /** Days from the epoch whose local milliseconds cannot overflow. */
    private static final long FAST_DAYS = 100_000_000_000L;
    private final ZoneId zone;
    private final ZoneRules rules;
    private final long[] lo = new long[WINDOWS];
    private final long[] hi = new long[WINDOWS];
    private final long[] offset = new long[WINDOWS];
    private int windows;
    private int next;

    Placement(ZoneId zone) {
      this.zone = zone;
      this.rules = zone.getRules();
    }

    long epochMilli(LocalDate date, LocalTime time) {
      long day = date.toEpochDay();
      if (day > FAST_DAYS || day < -FAST_DAYS) {
        return date.atTime(time).atZone(zone).toInstant().toEpochMilli(); // as far as milliseconds reach
      }
      long local = day * 86_400_000L + time.toNanoOfDay() / 1_000_000L;
      for (int w = 0; w < windows; w++) {
        if (local >= lo[w] && local < hi[w]) {
          return local - offset[w];
        }
      }
      return learn(date, time, local);
    }

    private long learn(LocalDate date, LocalTime time, long local) {
      Instant at = date.atTime(time).atZone(zone).toInstant();
      long millis = at.toEpochMilli();
      ZoneOffset off = rules.getOffset(at);
      long from;
      long to;
      if (rules.isFixedOffset()) {
        from = Long.MIN_VALUE;
        to = Long.MAX_VALUE;
      } else {
        ZoneOffsetTransition prev = rules.previousTransition(at);
        ZoneOffsetTransition following = rules.nextTransition(at);
        // the instant itself must not be a transition (previous and next skip it), and the offset
        // must hold a second before it
        if ((prev != null && !prev.getOffsetAfter().equals(off))
            || (following != null && !following.getOffsetBefore().equals(off))
            || !rules.getOffset(at.minusSeconds(1)).equals(off)) {
          return millis;
        }
        // local times after a gap or an overlap map to one instant only past its later end
        from = prev == null ? Long.MIN_VALUE : prev.toEpochSecond() * 1000L
            + 1000L * Math.max(prev.getOffsetBefore().getTotalSeconds(), prev.getOffsetAfter().getTotalSeconds());
        to = following == null ? Long.MAX_VALUE : following.toEpochSecond() * 1000L
            + 1000L * Math.min(following.getOffsetBefore().getTotalSeconds(),
                following.getOffsetAfter().getTotalSeconds());
      }
      long offMillis = off.getTotalSeconds() * 1000L;
      if (local < from || local >= to || local - offMillis != millis) {
        return millis; // in a gap or an overlap: not a span of one offset
      }
      int w = windows < WINDOWS ? windows++ : next++ % WINDOWS;
      lo[w] = from;
      hi[w] = to;
      offset[w] = offMillis;
      return millis;
    }
  }
}

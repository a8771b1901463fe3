package dev.icssync.internal.conflict;

import dev.icssync.CalendarEvent;
import dev.icssync.ChannelProfiles;
import dev.icssync.DateRange;
import dev.icssync.EventKind;
import dev.icssync.PropertySettings;
import dev.icssync.SyncConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Double bookings of one property: pairs of active events from different feeds whose ranges,
 * placed in the property's zone at its check-in/check-out times, overlap. Left out: availability
 * rules (rolling booking windows, advance notice: they close dates, nobody stays) and pairs of two
 * blocks (two closed markers overlapping double-book nobody; it is mostly one channel echoing
 * another's block), and events that do not block dates ({@link SyncConfig#blocksDates}: personal
 * calendars' events when the host turned them off). Times are compared to the millisecond.
 */
public final class ConflictDetector {
  private static final Predicate<EventKind> DEFAULT_BLOCKS = SyncConfig.defaults()::blocksDates;

  private ConflictDetector() {}

  /** An overlapping pair and its overlap. */
  public record Overlap(CalendarEvent a, CalendarEvent b, DateRange.Timed overlap) {}

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
    List<CalendarEvent> in = new ArrayList<>(events.size());
    for (CalendarEvent e : events) {
      if (participates(e, blocksDates)) {
        in.add(e);
      }
    }
    int n = in.size();
    long[] start = new long[n];
    long[] end = new long[n];
    for (int i = 0; i < n; i++) {
      DateRange.Timed t = in.get(i).range().toInstants(settings.zone(), settings.checkIn(), settings.checkOut());
      start[i] = t.start().toEpochMilli();
      end[i] = t.end().toEpochMilli();
    }
    List<Overlap> out = new ArrayList<>();
    OverlapSweep.forEachOverlap(start, end, n, (i, j) -> {
      CalendarEvent a = in.get(i);
      CalendarEvent b = in.get(j);
      if (candidates(a, b)) {
        out.add(new Overlap(a, b, DateRange.timed(Instant.ofEpochMilli(Math.max(start[i], start[j])),
            Instant.ofEpochMilli(Math.min(end[i], end[j])))));
      }
    });
    return out;
  }
}

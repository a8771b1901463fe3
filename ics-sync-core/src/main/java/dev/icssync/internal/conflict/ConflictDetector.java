package dev.icssync.internal.conflict;

import dev.icssync.CalendarEvent;
import dev.icssync.ChannelProfiles;
import dev.icssync.DateRange;
import dev.icssync.EventKind;
import dev.icssync.PropertySettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Double bookings of one property: pairs of active events from different feeds whose ranges,
 * placed in the property's zone at its check-in/check-out times, overlap. Left out: availability
 * rules (rolling booking windows, advance notice: they close dates, nobody stays) and pairs of two
 * blocks (two closed markers overlapping double-book nobody; it is mostly one channel echoing
 * another's block). Times are compared to the millisecond.
 */
public final class ConflictDetector {
  private ConflictDetector() {}

  /** An overlapping pair and its overlap. */
  public record Overlap(CalendarEvent a, CalendarEvent b, DateRange.Timed overlap) {}

  /** True when two events may form a double booking at all (before looking at their dates). */
  public static boolean candidates(CalendarEvent a, CalendarEvent b) {
    return a.isActive() && b.isActive() && !a.feedId().equals(b.feedId())
        && !(a.kind() == EventKind.BLOCK && b.kind() == EventKind.BLOCK);
  }

  /** True when an event takes part in detection. */
  public static boolean participates(CalendarEvent e) {
    return e.isActive() && !ChannelProfiles.isAvailabilityRule(e);
  }

  public static List<Overlap> detect(List<CalendarEvent> events, PropertySettings settings) {
    List<CalendarEvent> in = new ArrayList<>(events.size());
    for (CalendarEvent e : events) {
      if (participates(e)) {
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

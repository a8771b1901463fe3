package dev.icssync.jdbc;

import dev.icssync.CalendarEvent;
import dev.icssync.ChangeCounts;
import dev.icssync.DateRange;
import dev.icssync.EventKey;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.FeedState;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncRun;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** Event and run fixtures shared by the store tests and benchmarks-in-tests. */
final class Fixtures {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456Z");
  static final LocalDate D0 = LocalDate.of(2026, 6, 1);

  private Fixtures() {}

  static CalendarEvent stay(String tenant, String feed, String property, String uid, LocalDate in, LocalDate out) {
    return CalendarEvent.builder()
        .key(new EventKey(tenant, feed, uid, ""))
        .property(property)
        .source("airbnb")
        .range(DateRange.allDay(in, out))
        .kind(EventKind.RESERVATION)
        .summary("Reserved")
        .fingerprint((uid + in + out).hashCode())
        .firstSeen(T0)
        .lastSeen(T0)
        .lastChanged(T0)
        .build();
  }

  static CalendarEvent timed(String tenant, String feed, String property, String uid, Instant start, Instant end) {
    return CalendarEvent.builder()
        .key(new EventKey(tenant, feed, uid, ""))
        .property(property)
        .source("google")
        .range(DateRange.timed(start, end))
        .kind(EventKind.EVENT)
        .status(EventStatus.TENTATIVE)
        .summary("Meeting")
        .fingerprint(uid.hashCode())
        .firstSeen(T0)
        .lastSeen(T0)
        .lastChanged(T0)
        .build();
  }

  static CalendarEvent moved(CalendarEvent e, int days) {
    DateRange.AllDay r = (DateRange.AllDay) e.range();
    DateRange nr = DateRange.allDay(r.start().plusDays(days), r.end().plusDays(days));
    return e.toBuilder()
        .range(nr)
        .fingerprint(e.fingerprint() + days)
        .lastChanged(e.lastSeen())
        .sequence(e.sequence() + 1)
        .build();
  }

  /** {@code n} consecutive two-night stays of one feed. */
  static List<CalendarEvent> stays(String tenant, String feed, String property, int n) {
    List<CalendarEvent> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(stay(tenant, feed, property, "uid-" + i + "@airbnb.com", D0.plusDays(2L * i), D0.plusDays(2L * i + 2)));
    }
    return out;
  }

  static SyncRun run(FeedState s, String id, int created) {
    return new SyncRun(id, s.tenant(), s.feedId(), s.generation(), T0, T0.plusSeconds(1), SyncOutcome.APPLIED,
        null, new ChangeCounts(created, created, 0, 0, 0, 0, 0, 0), "ok");
  }
}

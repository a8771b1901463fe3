package dev.icssync.engine.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.CalendarEvent;
import dev.icssync.DateRange;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random sequences of Airbnb polls through the public API (parser included): events are never
 * deleted; after every applied sync the feed's active future events are exactly the polled ones;
 * a repeated poll writes nothing; a quarantine never cancels anything.
 */
class SyncSequencePropertyTest {
  static final LocalDate D = LocalDate.of(2026, 6, 10);

  record Stay(int id, int from, int nights) {}

  @Provide
  Arbitrary<List<List<Stay>>> polls() {
    Arbitrary<Stay> stay = Combinators.combine(Arbitraries.integers().between(0, 12),
        Arbitraries.integers().between(-10, 60), Arbitraries.integers().between(1, 6)).as(Stay::new);
    return stay.list().ofMaxSize(8).list().ofMinSize(1).ofMaxSize(6);
  }

  static String body(List<Stay> stays) {
    Ics ics = Ics.airbnb();
    Set<Integer> ids = new HashSet<>();
    for (Stay s : stays) {
      if (ids.add(s.id())) {
        ics.reserved(String.format("%032x", s.id()), D.plusDays(s.from()), D.plusDays(s.from() + s.nights()));
      }
    }
    return ics.build();
  }

  @Property(tries = 60)
  void pollsConvergeAndNeverDelete(@ForAll("polls") List<List<Stay>> polls) {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      int storedBefore = 0;
      for (List<Stay> poll : polls) {
        String body = body(poll);
        k.fetcher.scripts.clear();
        k.fetcher.body("air", body);
        Map<String, Boolean> activeBefore = new HashMap<>();
        k.events("air").forEach(e -> activeBefore.put(e.key().uid(), e.isActive()));
        SyncReport r = k.sync("air");
        assertThat(r.isSuccess()).as(r.message()).isTrue();
        List<CalendarEvent> stored = k.events("air");
        assertThat(stored.size()).as("never deleted").isGreaterThanOrEqualTo(storedBefore);
        storedBefore = stored.size();

        Map<String, DateRange> polled = new HashMap<>();
        Set<Integer> ids = new HashSet<>();
        for (Stay s : poll) {
          if (ids.add(s.id())) {
            polled.put(String.format("1418fb94e984-%032x@airbnb.com", s.id()),
                DateRange.allDay(D.plusDays(s.from()), D.plusDays(s.from() + s.nights())));
          }
        }
        if (r.outcome() == SyncOutcome.QUARANTINED) {
          assertThat(r.counts().cancelled()).isZero();
          for (CalendarEvent e : stored) {
            if (Boolean.TRUE.equals(activeBefore.get(e.key().uid())) && !polled.containsKey(e.key().uid())) {
              assertThat(e.isActive()).as("held back: %s", e.key().uid()).isTrue();
            }
          }
        } else {
          for (CalendarEvent e : stored) {
            DateRange expected = polled.get(e.key().uid());
            boolean future = ((DateRange.AllDay) e.range()).end().isAfter(D);
            if (expected != null) {
              assertThat(e.isActive()).isTrue();
              assertThat(e.range()).isEqualTo(expected);
            } else if (future && Boolean.TRUE.equals(activeBefore.get(e.key().uid()))) {
              // vanished: cancelled, or carried to a new UID on the same dates
              assertThat(e.isCancelled()).as("vanished future stay %s", e.key().uid()).isTrue();
            }
          }
          for (String uid : polled.keySet()) {
            assertThat(stored).anyMatch(e -> e.key().uid().equals(uid) && e.isActive());
          }
        }
        // The same poll again writes nothing.
        int writes = k.store.eventUpserts.get();
        SyncReport again = k.sync("air");
        if (r.outcome() != SyncOutcome.QUARANTINED) {
          assertThat(again.outcome()).isEqualTo(SyncOutcome.UNCHANGED);
          assertThat(k.store.eventUpserts.get()).isEqualTo(writes);
        }
      }
    }
  }
}

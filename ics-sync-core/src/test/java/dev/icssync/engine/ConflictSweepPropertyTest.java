package dev.icssync.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.CalendarEvent;
import dev.icssync.DateRange;
import dev.icssync.EventKey;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.PropertySettings;
import dev.icssync.internal.conflict.ConflictDetector;
import dev.icssync.internal.conflict.OverlapSweep;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The sweep agrees with the O(n^2) oracle and does not depend on input order. Empty ranges (zero
 * length) take no time and overlap nothing.
 */
class ConflictSweepPropertyTest {

  record Iv(long start, long len) {}

  @Provide
  Arbitrary<List<Iv>> intervals() {
    return Combinators.combine(Arbitraries.longs().between(-50, 200), Arbitraries.longs().between(0, 30))
        .as(Iv::new).list().ofMaxSize(60);
  }

  static Set<String> sweep(List<Iv> ivs) {
    long[] s = new long[ivs.size()];
    long[] e = new long[ivs.size()];
    for (int i = 0; i < ivs.size(); i++) {
      s[i] = ivs.get(i).start();
      e[i] = ivs.get(i).start() + ivs.get(i).len();
    }
    Set<String> out = new HashSet<>();
    OverlapSweep.forEachOverlap(s, e, ivs.size(), (a, b) -> {
      assertThat(a).isNotEqualTo(b);
      assertThat(out.add(Math.min(a, b) + "-" + Math.max(a, b))).as("each pair once").isTrue();
    });
    return out;
  }

  static Set<String> oracle(List<Iv> ivs) {
    Set<String> out = new HashSet<>();
    for (int i = 0; i < ivs.size(); i++) {
      for (int j = i + 1; j < ivs.size(); j++) {
        Iv a = ivs.get(i);
        Iv b = ivs.get(j);
        if (a.len() > 0 && b.len() > 0 && a.start() < b.start() + b.len() && b.start() < a.start() + a.len()) {
          out.add(i + "-" + j);
        }
      }
    }
    return out;
  }

  @Property(tries = 500)
  void sweepEqualsBruteForce(@ForAll("intervals") List<Iv> ivs) {
    assertThat(sweep(ivs)).isEqualTo(oracle(ivs));
  }

  @Property(tries = 200)
  void sweepHandlesHugeSpans(@ForAll("intervals") List<Iv> ivs) {
    // Spread starts over the whole long range so the packed sort cannot be used.
    List<Iv> wide = new ArrayList<>();
    for (Iv iv : ivs) {
      wide.add(new Iv(iv.start() * 40_000_000_000_000_000L / 200, iv.len() * 1_000_000_000_000_000L));
    }
    assertThat(sweep(wide)).isEqualTo(oracle(wide));
  }

  // ---- the detector on events: same answer as an oracle over every pair, in any order ----

  record Ev(int feed, long fromDay, int nights, boolean timed, int kind, int hour) {}

  @Provide
  Arbitrary<List<Ev>> events() {
    return Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.longs().between(0, 40),
        Arbitraries.integers().between(0, 6), Arbitraries.of(true, false), Arbitraries.integers().between(0, 3),
        Arbitraries.integers().between(0, 23)).as(Ev::new).list().ofMaxSize(30);
  }

  static final ZoneId ZONE = ZoneId.of("Europe/Paris");
  static final LocalDate BASE = LocalDate.of(2026, 3, 20); // spans the DST change

  static List<CalendarEvent> toEvents(List<Ev> evs) {
    List<CalendarEvent> out = new ArrayList<>();
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 0; i < evs.size(); i++) {
      Ev e = evs.get(i);
      LocalDate from = BASE.plusDays(e.fromDay());
      DateRange r;
      if (e.timed()) {
        Instant s = from.atTime(e.hour(), 0).atZone(ZONE).toInstant();
        Instant end = from.plusDays(e.nights()).atTime(LocalTime.of(10, 0)).atZone(ZONE).toInstant()
            .plusSeconds(3600L * e.hour() % 7200);
        r = DateRange.timed(s, end.isBefore(s) ? s : end);
      } else {
        r = DateRange.allDay(from, from.plusDays(e.nights()));
      }
      out.add(CalendarEvent.builder()
          .key(EventKey.of("t", "feed" + e.feed(), "u" + i))
          .property("villa")
          .source("s")
          .range(r)
          .kind(EventKind.values()[e.kind()])
          .summary("x")
          .firstSeen(t)
          .lastSeen(t)
          .lastChanged(t)
          .build());
    }
    return out;
  }

  static Set<String> pairs(List<ConflictDetector.Overlap> found) {
    Set<String> out = new HashSet<>();
    for (ConflictDetector.Overlap o : found) {
      String a = o.a().key().uid();
      String b = o.b().key().uid();
      assertThat(o.overlap().isEmpty()).isFalse();
      out.add(a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a);
    }
    return out;
  }

  @Property(tries = 300)
  void detectorEqualsPairwiseOracleInAnyOrder(@ForAll("events") List<Ev> evs) {
    PropertySettings ps = new PropertySettings("t", "villa", ZONE, LocalTime.of(16, 0), LocalTime.of(10, 0));
    List<CalendarEvent> events = toEvents(evs);
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < events.size(); i++) {
      for (int j = i + 1; j < events.size(); j++) {
        CalendarEvent a = events.get(i);
        CalendarEvent b = events.get(j);
        DateRange.Timed ta = a.range().toInstants(ZONE, ps.checkIn(), ps.checkOut());
        DateRange.Timed tb = b.range().toInstants(ZONE, ps.checkIn(), ps.checkOut());
        if (ConflictDetector.candidates(a, b) && !ta.isEmpty() && !tb.isEmpty() && ta.overlaps(tb)) {
          expected.add(a.key().uid().compareTo(b.key().uid()) < 0
              ? a.key().uid() + "|" + b.key().uid() : b.key().uid() + "|" + a.key().uid());
        }
      }
    }
    assertThat(pairs(ConflictDetector.detect(events, ps))).isEqualTo(expected);
    List<CalendarEvent> reversed = new ArrayList<>(events);
    Collections.reverse(reversed);
    assertThat(pairs(ConflictDetector.detect(reversed, ps))).as("symmetric").isEqualTo(expected);
  }
}

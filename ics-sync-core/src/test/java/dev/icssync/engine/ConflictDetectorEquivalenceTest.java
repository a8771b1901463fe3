package dev.icssync.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.CalendarEvent;
import dev.icssync.Conflict;
import dev.icssync.ConflictStatus;
import dev.icssync.DateRange;
import dev.icssync.EventKey;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.PropertySettings;
import dev.icssync.internal.conflict.ConflictDetector;
import dev.icssync.internal.conflict.ConflictLifecycle;
import dev.icssync.spi.ChannelProfile;
import dev.icssync.spi.ConflictPolicy;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The detector (primitive arrays, cached zone offsets, overlaps built lazily) gives exactly the
 * pairs and overlap ranges of the obvious check of every pair, and the conflicts reconciled from
 * them are the same, over many random event sets: all-day and timed ranges, touching and empty
 * ranges, cancelled events, availability rules, every kind under both {@code blocksDates} rules,
 * zones with daylight saving gaps and overlaps (check-in times inside them), half-hour zones, zones
 * that skipped a day, dates far past the last rules of a zone, and stored ignored conflicts.
 */
class ConflictDetectorEquivalenceTest {

  private static final ZoneId[] ZONES = {ZoneId.of("Europe/Paris"), ZoneId.of("America/St_Johns"),
      ZoneId.of("Australia/Lord_Howe"), ZoneId.of("Pacific/Apia"), ZoneId.of("UTC"), ZoneId.of("+05:30"),
      ZoneId.of("America/Sao_Paulo"), ZoneId.of("Asia/Tehran")};
  private static final LocalTime[] TIMES = {LocalTime.of(16, 0), LocalTime.of(10, 0), LocalTime.MIDNIGHT,
      LocalTime.of(2, 30), LocalTime.of(2, 0), LocalTime.of(3, 0), LocalTime.of(1, 30), LocalTime.of(0, 15),
      LocalTime.of(23, 59, 59, 999_999_999), LocalTime.of(12, 0, 0, 500_000)};
  private static final LocalDate[] BASES = {LocalDate.of(2026, 3, 25), LocalDate.of(2026, 10, 20),
      LocalDate.of(2011, 12, 25), LocalDate.of(2026, 1, 1), LocalDate.of(2437, 3, 20), LocalDate.of(1970, 1, 1),
      LocalDate.of(1900, 4, 1)};
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  /** The reference: every pair, placed with java.time, as the detector promises. */
  static Set<String> naive(List<CalendarEvent> events, PropertySettings ps, Predicate<EventKind> blocks) {
    Set<String> out = new HashSet<>();
    for (int i = 0; i < events.size(); i++) {
      for (int j = i + 1; j < events.size(); j++) {
        CalendarEvent a = events.get(i);
        CalendarEvent b = events.get(j);
        if (!ConflictDetector.participates(a, blocks) || !ConflictDetector.participates(b, blocks)
            || !ConflictDetector.candidates(a, b)) {
          continue;
        }
        DateRange.Timed ta = a.range().toInstants(ps.zone(), ps.checkIn(), ps.checkOut());
        DateRange.Timed tb = b.range().toInstants(ps.zone(), ps.checkIn(), ps.checkOut());
        long sa = ta.start().toEpochMilli();
        long ea = ta.end().toEpochMilli();
        long sb = tb.start().toEpochMilli();
        long eb = tb.end().toEpochMilli();
        if (sa < ea && sb < eb && sa < eb && sb < ea) {
          out.add(pair(a, b, Math.max(sa, sb), Math.min(ea, eb)));
        }
      }
    }
    return out;
  }

  static String pair(CalendarEvent a, CalendarEvent b, long s, long e) {
    String x = a.key().uid();
    String y = b.key().uid();
    return (x.compareTo(y) < 0 ? x + "|" + y : y + "|" + x) + "@" + s + "/" + e;
  }

  static Set<String> fast(List<ConflictDetector.Overlap> found) {
    Set<String> out = new HashSet<>();
    for (ConflictDetector.Overlap o : found) {
      assertThat(out.add(pair(o.a(), o.b(), o.overlap().start().toEpochMilli(), o.overlap().end().toEpochMilli())))
          .as("each pair once").isTrue();
    }
    return out;
  }

  static List<CalendarEvent> randomEvents(SplittableRandom rnd, LocalDate base) {
    int n = rnd.nextInt(0, 40);
    int feeds = rnd.nextInt(1, 4);
    List<CalendarEvent> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      LocalDate from = base.plusDays(rnd.nextInt(0, 40));
      int nights = rnd.nextInt(0, 6);
      DateRange r;
      if (rnd.nextInt(4) == 0) {
        // timed, sometimes touching a stay's check-in/check-out instant, sometimes to the nanosecond
        Instant s = from.atTime(TIMES[rnd.nextInt(TIMES.length)]).atZone(ZONES[0]).toInstant()
            .plusNanos(rnd.nextInt(3) == 0 ? rnd.nextInt(0, 2_000_000) : 0);
        Instant e = s.plusSeconds(3600L * rnd.nextInt(0, 24 * nights + 2));
        r = DateRange.timed(s, e);
      } else {
        r = DateRange.allDay(from, from.plusDays(nights));
      }
      EventKind kind = EventKind.values()[rnd.nextInt(EventKind.values().length)];
      EventStatus status = EventStatus.values()[rnd.nextInt(EventStatus.values().length)];
      String uid = (rnd.nextInt(15) == 0 ? ChannelProfile.RULE_UID_PREFIX : "") + "u" + i;
      out.add(CalendarEvent.builder()
          .key(EventKey.of("t", "feed" + rnd.nextInt(feeds), uid))
          .property("villa")
          .source("s")
          .range(r)
          .kind(kind)
          .status(status)
          .summary("x")
          .firstSeen(T)
          .lastSeen(T)
          .lastChanged(T)
          .cancelledAt(status == EventStatus.CANCELLED ? T : null)
          .build());
    }
    return out;
  }

  @Test
  void detectorEqualsThePairwiseReferenceOverManyRandomSets() {
    SplittableRandom rnd = new SplittableRandom(20261202);
    List<Predicate<EventKind>> rules = List.of(k -> true, k -> k != EventKind.EVENT, k -> k == EventKind.BLOCK);
    int withPairs = 0;
    for (int round = 0; round < 4_000; round++) {
      ZoneId zone = ZONES[rnd.nextInt(ZONES.length)];
      PropertySettings ps = new PropertySettings("t", "villa", zone, TIMES[rnd.nextInt(TIMES.length)],
          TIMES[rnd.nextInt(TIMES.length)]);
      Predicate<EventKind> blocks = rules.get(rnd.nextInt(rules.size()));
      List<CalendarEvent> events = randomEvents(rnd, BASES[rnd.nextInt(BASES.length)]);
      Set<String> expected = naive(events, ps, blocks);
      withPairs += expected.isEmpty() ? 0 : 1;
      assertThat(fast(ConflictDetector.detect(events, ps, blocks))).as("round %d in %s", round, zone)
          .isEqualTo(expected);
      List<CalendarEvent> reversed = new ArrayList<>(events);
      Collections.reverse(reversed);
      assertThat(fast(ConflictDetector.detect(reversed, ps, blocks))).as("reversed, round %d", round)
          .isEqualTo(expected);
    }
    assertThat(withPairs).as("rounds that found a double booking").isGreaterThan(1_000);
  }

  @Test
  void everyDayOfManyYearsIsPlacedAsJavaTimePlacesIt() {
    // one long run per zone: the offset cache meets every transition of a century in order
    for (ZoneId zone : ZONES) {
      for (LocalTime time : List.of(TIMES[0], TIMES[3], TIMES[2], TIMES[8])) {
        List<CalendarEvent> events = new ArrayList<>();
        LocalDate d = LocalDate.of(1960, 1, 1);
        for (int i = 0; d.getYear() < 2060; i++, d = d.plusDays(1)) {
          events.add(CalendarEvent.builder()
              .key(EventKey.of("t", "feed" + (i % 2), "u" + i))
              .property("villa")
              .source("s")
              .range(DateRange.allDay(d, d.plusDays(1)))
              .kind(EventKind.RESERVATION)
              .summary("x")
              .firstSeen(T)
              .lastSeen(T)
              .lastChanged(T)
              .build());
        }
        PropertySettings ps = new PropertySettings("t", "villa", zone, time, time);
        // check-in equals check-out: one-night stays back to back touch and never overlap
        assertThat(ConflictDetector.detect(events, ps)).as("%s at %s", zone, time).isEmpty();
        PropertySettings early = new PropertySettings("t", "villa", zone, time, time.plusHours(1));
        // one-night stays whose check-out is an hour after check-in: only neighbours overlap
        Set<String> expected = new HashSet<>();
        for (int i = 0; i + 1 < events.size(); i++) {
          expected.addAll(naive(events.subList(i, i + 2), early, k -> true));
        }
        assertThat(fast(ConflictDetector.detect(events, early))).as("%s at %s", zone, time).isEqualTo(expected);
      }
    }
  }

  @Test
  void reconciledConflictsAreTheSameIncludingIgnoredOnes() {
    SplittableRandom rnd = new SplittableRandom(42);
    Instant now = Instant.parse("2026-06-01T00:00:00Z");
    for (int round = 0; round < 1_000; round++) {
      ZoneId zone = ZONES[rnd.nextInt(ZONES.length)];
      PropertySettings ps = new PropertySettings("t", "villa", zone, LocalTime.of(16, 0), LocalTime.of(10, 0));
      List<CalendarEvent> events = randomEvents(rnd, BASES[rnd.nextInt(2)]);
      List<ConflictDetector.Overlap> reference = new ArrayList<>();
      for (int i = 0; i < events.size(); i++) {
        for (int j = i + 1; j < events.size(); j++) {
          CalendarEvent a = events.get(i);
          CalendarEvent b = events.get(j);
          DateRange.Timed ta = a.range().toInstants(zone, ps.checkIn(), ps.checkOut());
          DateRange.Timed tb = b.range().toInstants(zone, ps.checkIn(), ps.checkOut());
          long sa = ta.start().toEpochMilli();
          long ea = ta.end().toEpochMilli();
          long sb = tb.start().toEpochMilli();
          long eb = tb.end().toEpochMilli();
          if (ConflictDetector.participates(a) && ConflictDetector.participates(b)
              && ConflictDetector.candidates(a, b) && sa < ea && sb < eb && sa < eb && sb < ea) {
            reference.add(new ConflictDetector.Overlap(a, b, DateRange.timed(Instant.ofEpochMilli(Math.max(sa, sb)),
                Instant.ofEpochMilli(Math.min(ea, eb)))));
          }
        }
      }
      // some of them stored ignored before, with an older overlap, and one stored conflict gone
      List<Conflict> existing = new ArrayList<>();
      for (ConflictDetector.Overlap o : reference) {
        if (rnd.nextInt(3) == 0) {
          EventKey x = o.a().key();
          EventKey y = o.b().key();
          existing.add(new Conflict(Conflict.idOf(x, y), "t", "villa", x.compareTo(y) < 0 ? x : y,
              x.compareTo(y) < 0 ? y : x, DateRange.timed(T, T.plusSeconds(60)),
              rnd.nextBoolean() ? ConflictStatus.IGNORED : ConflictStatus.OPEN, null, T, null));
        }
      }
      EventKey g1 = EventKey.of("t", "gone1", "g");
      EventKey g2 = EventKey.of("t", "gone2", "g");
      existing.add(new Conflict(Conflict.idOf(g1, g2), "t", "villa", g1, g2, DateRange.timed(T, T.plusSeconds(1)),
          ConflictStatus.IGNORED, null, T, null));
      ConflictPolicy policy = ConflictPolicy.firstSeenWins();
      ConflictLifecycle.Result want = ConflictLifecycle.reconcile("t", "villa", reference, existing, policy, now);
      ConflictLifecycle.Result got = ConflictLifecycle.reconcile("t", "villa", ConflictDetector.detect(events, ps),
          existing, policy, now);
      assertThat(got.toSave()).as("round %d", round).containsExactlyInAnyOrderElementsOf(want.toSave());
      assertThat(got.changes()).containsExactlyInAnyOrderElementsOf(want.changes());
      assertThat(got.opened()).isEqualTo(want.opened());
      assertThat(got.resolved()).isEqualTo(want.resolved());
    }
  }
}

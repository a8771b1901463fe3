package dev.icssync.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.CalendarEvent;
import dev.icssync.DateRange;
import dev.icssync.EventKey;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.Feed;
import dev.icssync.internal.engine.FeedDiff;
import dev.icssync.internal.engine.Incoming;
import dev.icssync.spi.FeedApply;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** apply(diff(stored, fetched)) to stored yields fetched, less the cancellations the guard held back. */
class FeedDiffPropertyTest {
  static final Instant NOW = Instant.parse("2026-06-10T12:00:00Z");
  static final LocalDate TODAY = LocalDate.of(2026, 6, 10);
  static final Feed FEED = Feed.builder("t1", "f1").property("villa").source("vrbo").url("https://example.com/f1.ics").build();
  static final List<String> SUMMARIES = List.of("Reserved", "Not available", "Tentative");

  record Ev(int uid, int from, int len, int kind) {
    Incoming incoming() {
      EventKind k = EventKind.values()[kind];
      return Incoming.of(EventKey.of("t1", "f1", "u" + uid), DateRange.allDay(TODAY.plusDays(from),
          TODAY.plusDays(from + len)), k, k == EventKind.TENTATIVE ? EventStatus.TENTATIVE : EventStatus.CONFIRMED,
          SUMMARIES.get(kind % SUMMARIES.size()));
    }
  }

  @Provide
  Arbitrary<List<Ev>> events() {
    Arbitrary<Ev> ev = Combinators.combine(Arbitraries.integers().between(0, 40), Arbitraries.integers().between(-30, 60),
        Arbitraries.integers().between(0, 10), Arbitraries.integers().between(0, 3)).as(Ev::new);
    return ev.list().ofMaxSize(25);
  }

  @Property(tries = 400)
  void applyingTheDiffYieldsTheFetchedFeed(@ForAll("events") List<Ev> before, @ForAll("events") List<Ev> after,
      @ForAll("events") List<Ev> cancelledEarlier, @ForAll boolean confirm) {
    Map<EventKey, CalendarEvent> stored = new TreeMap<>();
    Instant then = NOW.minusSeconds(86_400 * 3);
    for (Ev e : before) {
      Incoming in = e.incoming();
      stored.putIfAbsent(in.key(), CalendarEvent.builder()
          .key(in.key())
          .property("villa")
          .source("vrbo")
          .range(in.range())
          .kind(in.kind())
          .status(in.status())
          .summary(in.summary())
          .fingerprint(in.fingerprint())
          .firstSeen(then)
          .lastSeen(then)
          .lastChanged(then)
          .build());
    }
    for (Ev e : cancelledEarlier) {
      Incoming in = e.incoming();
      stored.putIfAbsent(in.key(), CalendarEvent.builder()
          .key(in.key())
          .property("villa")
          .source("vrbo")
          .range(in.range())
          .kind(in.kind())
          .status(in.status())
          .summary(in.summary())
          .fingerprint(in.fingerprint())
          .firstSeen(then)
          .lastSeen(then)
          .lastChanged(then)
          .build().cancel(then));
    }
    List<Incoming> fetched = after.stream().map(Ev::incoming).toList();
    Map<EventKey, Incoming> fetchedByKey = new HashMap<>();
    for (Incoming in : fetched) {
      fetchedByKey.putIfAbsent(in.key(), in);
    }

    FeedDiff.Result r = FeedDiff.compute(new FeedDiff.Params(FEED, NOW, ZoneOffset.UTC,
        NOW.plusSeconds(86_400L * 730), 0.5, 3, java.time.Duration.ofHours(1), false, null),
        List.copyOf(stored.values()), fetched);
    if (confirm) {
      // the operator confirms what this very result holds back
      r = FeedDiff.compute(new FeedDiff.Params(FEED, NOW, ZoneOffset.UTC, NOW.plusSeconds(86_400L * 730), 0.5, 3,
          java.time.Duration.ofHours(1), true, r.quarantine()), List.copyOf(stored.values()), fetched);
    }

    // Apply the way a store does: rekeys, then upserts by key.
    Map<EventKey, CalendarEvent> result = new TreeMap<>(stored);
    for (FeedApply.Rekey k : r.rekeys()) {
      CalendarEvent e = result.remove(k.from());
      assertThat(e).as("rekey source exists").isNotNull();
      assertThat(result).as("rekey target is free").doesNotContainKey(k.to());
      result.put(k.to(), e);
    }
    for (CalendarEvent e : r.upserts()) {
      result.put(e.key(), e);
    }

    // Every fetched event is stored, active, with the fetched reading.
    for (Incoming in : fetchedByKey.values()) {
      CalendarEvent e = result.get(in.key());
      assertThat(e).isNotNull();
      assertThat(e.isActive()).isTrue();
      assertThat(e.range()).isEqualTo(in.range());
      assertThat(e.kind()).isEqualTo(in.kind());
      assertThat(e.fingerprint()).isEqualTo(in.fingerprint());
    }
    // Every other stored event: cancelled if it was active and in the future (unless held back or
    // reissued under a fetched key), untouched otherwise.
    Set<EventKey> heldBack = new HashSet<>();
    r.pendingCancellations().forEach(e -> heldBack.add(e.key()));
    Set<EventKey> reissued = new HashSet<>();
    r.rekeys().forEach(k -> reissued.add(k.from()));
    int cancelledNow = 0;
    for (CalendarEvent s : stored.values()) {
      if (fetchedByKey.containsKey(s.key()) || reissued.contains(s.key())) {
        continue;
      }
      CalendarEvent e = result.get(s.key());
      boolean future = ((DateRange.AllDay) s.range()).end().isAfter(TODAY);
      if (s.isActive() && future && !heldBack.contains(s.key())) {
        assertThat(e.isCancelled()).as("vanished future event %s is cancelled", s.key()).isTrue();
        cancelledNow++;
      } else {
        assertThat(e).as("%s is left alone", s.key()).isEqualTo(s);
      }
    }
    assertThat(r.heldBack()).isEqualTo(!heldBack.isEmpty());
    if (confirm) {
      assertThat(r.heldBack()).isFalse();
    }
    assertThat(r.counts().cancelled()).isGreaterThanOrEqualTo(cancelledNow);
    // Only what changed is written.
    List<CalendarEvent> noOps = new ArrayList<>();
    for (CalendarEvent e : r.upserts()) {
      if (e.equals(stored.get(e.key()))) {
        noOps.add(e);
      }
    }
    assertThat(noOps).isEmpty();
    assertThat(r.upserts().size()).isEqualTo(r.counts().writes());
  }
}

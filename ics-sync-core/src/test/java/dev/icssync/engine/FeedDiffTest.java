package dev.icssync.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.CalendarEvent;
import dev.icssync.ChangeEvent;
import dev.icssync.DateRange;
import dev.icssync.EventKey;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.Feed;
import dev.icssync.Quarantine;
import dev.icssync.internal.engine.FeedDiff;
import dev.icssync.internal.engine.Incoming;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The diff alone, without parser or store. Today is 2026-06-10. */
class FeedDiffTest {
  static final Instant NOW = Instant.parse("2026-06-10T12:00:00Z");
  static final LocalDate TODAY = LocalDate.of(2026, 6, 10);
  static final Feed FEED = Feed.builder("t1", "f1").property("villa").source("airbnb").url("https://example.com/f1.ics").build();

  static Incoming in(String uid, int fromDay, int toDay) {
    return Incoming.of(EventKey.of("t1", "f1", uid), DateRange.allDay(TODAY.plusDays(fromDay), TODAY.plusDays(toDay)),
        EventKind.RESERVATION, EventStatus.CONFIRMED, "Reserved");
  }

  static CalendarEvent stored(Incoming in) {
    Instant then = NOW.minusSeconds(86_400 * 5);
    return CalendarEvent.builder()
        .key(in.key())
        .property("villa")
        .source("airbnb")
        .range(in.range())
        .kind(in.kind())
        .status(in.status())
        .summary(in.summary())
        .fingerprint(in.fingerprint())
        .firstSeen(then)
        .lastSeen(then)
        .lastChanged(then)
        .build();
  }

  static FeedDiff.Result diff(List<CalendarEvent> stored, List<Incoming> incoming) {
    return diff(stored, incoming, false, null);
  }

  static FeedDiff.Result diff(List<CalendarEvent> stored, List<Incoming> incoming, boolean confirm,
      @Nullable Quarantine previous) {
    return diff(NOW, stored, incoming, confirm, previous);
  }

  static FeedDiff.Result diff(Instant now, List<CalendarEvent> stored, List<Incoming> incoming, boolean confirm,
      @Nullable Quarantine previous) {
    return FeedDiff.compute(new FeedDiff.Params(FEED, now, ZoneOffset.UTC, now.plusSeconds(86_400L * 730), 0.5, 3,
        Duration.ofHours(1), confirm, previous), stored, incoming);
  }

  @Test
  void sameFeedTwiceWritesNothing() {
    List<Incoming> feed = List.of(in("a", 1, 3), in("b", 5, 9));
    FeedDiff.Result r = diff(feed.stream().map(FeedDiffTest::stored).toList(), feed);
    assertThat(r.upserts()).isEmpty();
    assertThat(r.changes()).isEmpty();
    assertThat(r.counts().unchanged()).isEqualTo(2);
    assertThat(r.counts().writes()).isZero();
  }

  @Test
  void newEventIsCreatedAndDateChangeIsAnUpdateInPlace() {
    CalendarEvent a = stored(in("a", 1, 3));
    FeedDiff.Result r = diff(List.of(a), List.of(in("a", 2, 4), in("n", 10, 12)));
    assertThat(r.counts().updated()).isEqualTo(1);
    assertThat(r.counts().created()).isEqualTo(1);
    assertThat(r.changes()).hasSize(2);
    ChangeEvent.DatesChanged moved = (ChangeEvent.DatesChanged) r.changes().get(0);
    assertThat(moved.before()).isEqualTo(a.range());
    assertThat(moved.after()).isEqualTo(DateRange.allDay(TODAY.plusDays(2), TODAY.plusDays(4)));
    assertThat(moved.event().sequence()).isEqualTo(1);
    assertThat(moved.event().firstSeen()).isEqualTo(a.firstSeen());
    assertThat(r.changes().get(1)).isInstanceOf(ChangeEvent.Created.class);
  }

  @Test
  void vanishedFutureEventIsCancelledButPastOneIsHistory() {
    CalendarEvent past = stored(in("past", -6, -2));
    CalendarEvent checkoutToday = stored(in("today", -3, 0));
    CalendarEvent future = stored(in("future", 4, 8));
    List<Incoming> kept = List.of(in("k1", 20, 22), in("k2", 30, 32), in("k3", 40, 42));
    List<CalendarEvent> stored = new ArrayList<>(List.of(past, checkoutToday, future));
    kept.forEach(k -> stored.add(stored(k)));
    FeedDiff.Result r = diff(stored, kept);
    assertThat(r.counts().cancelled()).isEqualTo(1);
    assertThat(r.upserts()).singleElement().satisfies(e -> {
      assertThat(e.key().uid()).isEqualTo("future");
      assertThat(e.status()).isEqualTo(EventStatus.CANCELLED);
      assertThat(e.cancelledAt()).isEqualTo(NOW);
    });
  }

  @Test
  void cancelledEventThatComesBackIsReinstated() {
    CalendarEvent gone = stored(in("a", 3, 5)).cancel(NOW.minusSeconds(3600));
    FeedDiff.Result r = diff(List.of(gone), List.of(in("a", 3, 5)));
    assertThat(r.counts().reinstated()).isEqualTo(1);
    assertThat(r.upserts()).singleElement().satisfies(e -> {
      assertThat(e.isActive()).isTrue();
      assertThat(e.sequence()).isEqualTo(gone.sequence() + 1);
    });
    assertThat(r.changes()).singleElement().isInstanceOf(ChangeEvent.Reinstated.class);
  }

  @Test
  void newUidOnTheSameDatesIsAReissueNotCancelPlusCreate() {
    CalendarEvent old = stored(in("old", 3, 7));
    FeedDiff.Result r = diff(List.of(old), List.of(in("new", 3, 7)));
    assertThat(r.counts().uidReissued()).isEqualTo(1);
    assertThat(r.counts().cancelled()).isZero();
    assertThat(r.counts().created()).isZero();
    assertThat(r.rekeys()).singleElement().satisfies(k -> {
      assertThat(k.from().uid()).isEqualTo("old");
      assertThat(k.to().uid()).isEqualTo("new");
    });
    assertThat(r.upserts()).singleElement().satisfies(e -> assertThat(e.firstSeen()).isEqualTo(old.firstSeen()));
    assertThat(r.changes()).singleElement().isInstanceOf(ChangeEvent.UidReissued.class);
  }

  @Test
  void emptyResultFromAFeedWithFutureEventsIsQuarantinedUntilConfirmed() {
    List<CalendarEvent> stored = List.of(stored(in("a", 3, 5)), stored(in("b", 9, 12)));
    FeedDiff.Result first = diff(stored, List.of());
    assertThat(first.heldBack()).isTrue();
    assertThat(first.upserts()).isEmpty();
    assertThat(first.counts().heldBack()).isEqualTo(2);
    assertThat(first.quarantine()).isNotNull();
    assertThat(first.quarantine().confirmations()).isEqualTo(1);
    assertThat(first.quarantine().reason()).contains("empty");

    FeedDiff.Result second = diff(NOW.plusSeconds(1800), stored, List.of(), false, first.quarantine());
    assertThat(second.heldBack()).isTrue();
    assertThat(second.quarantine().confirmations()).isEqualTo(2);
    assertThat(second.quarantine().since()).isEqualTo(first.quarantine().since());

    FeedDiff.Result third = diff(NOW.plusSeconds(3600), stored, List.of(), false, second.quarantine());
    assertThat(third.heldBack()).isFalse();
    assertThat(third.quarantine()).isNull();
    assertThat(third.counts().cancelled()).isEqualTo(2);
  }

  @Test
  void aDifferentSuspiciousResultRestartsTheCount() {
    List<CalendarEvent> stored = List.of(stored(in("a", 3, 5)), stored(in("b", 9, 12)), stored(in("c", 20, 21)));
    FeedDiff.Result first = diff(stored, List.of());
    FeedDiff.Result other = diff(stored, List.of(in("c", 20, 21)), false, first.quarantine());
    assertThat(other.heldBack()).isTrue();
    assertThat(other.quarantine().confirmations()).isEqualTo(1);
    assertThat(other.quarantine().reason()).contains("would cancel 2 of 3");
  }

  @Test
  void aConfirmationAppliesOnlyTheResultHeldBack() {
    List<CalendarEvent> stored = List.of(stored(in("a", 3, 5)), stored(in("b", 9, 12)), stored(in("c", 20, 21)));
    assertThat(diff(stored, List.of(), true, null).heldBack()).as("nothing held back yet").isTrue();

    FeedDiff.Result held = diff(stored, List.of());
    FeedDiff.Result confirmed = diff(stored, List.of(), true, held.quarantine());
    assertThat(confirmed.heldBack()).isFalse();
    assertThat(confirmed.quarantine()).isNull();
    assertThat(confirmed.counts().cancelled()).isEqualTo(3);
    assertThat(confirmed.changes()).hasSize(3).allMatch(c -> c instanceof ChangeEvent.Cancelled);

    FeedDiff.Result other = diff(stored, List.of(in("c", 20, 21)), true, held.quarantine());
    assertThat(other.heldBack()).as("another set of cancellations").isTrue();
    assertThat(other.quarantine().confirmations()).isEqualTo(1);
    assertThat(other.counts().cancelled()).isZero();
  }

  @Test
  void aCountInterruptedByAFailureStartsAgainFromOne() {
    List<CalendarEvent> stored = List.of(stored(in("a", 3, 5)), stored(in("b", 9, 12)));
    FeedDiff.Result first = diff(stored, List.of());
    FeedDiff.Result second = diff(NOW.plusSeconds(1800), stored, List.of(), false, first.quarantine());
    Quarantine afterFailure = second.quarantine().interrupted();
    assertThat(afterFailure.confirmations()).isZero();
    FeedDiff.Result next = diff(NOW.plusSeconds(3600), stored, List.of(), false, afterFailure);
    assertThat(next.heldBack()).isTrue();
    assertThat(next.quarantine().confirmations()).isEqualTo(1);
    assertThat(next.quarantine().since()).isEqualTo(NOW.plusSeconds(3600));
  }

  @Test
  void enoughIdenticalResultsWithinTheMinimumSpanDoNotConfirm() {
    List<CalendarEvent> stored = List.of(stored(in("a", 3, 5)), stored(in("b", 9, 12)));
    Quarantine q = null;
    for (int i = 0; i < 6; i++) {
      FeedDiff.Result r = diff(NOW.plusSeconds(10L * i), stored, List.of(), false, q);
      assertThat(r.heldBack()).as("result %d, %d s after the first", i + 1, 10 * i).isTrue();
      q = r.quarantine();
    }
    assertThat(q.confirmations()).isEqualTo(6);
    assertThat(q.since()).isEqualTo(NOW);
    assertThat(diff(NOW.plusSeconds(3599), stored, List.of(), false, q).heldBack()).isTrue();
    FeedDiff.Result hour = diff(NOW.plusSeconds(3600), stored, List.of(), false, q);
    assertThat(hour.heldBack()).isFalse();
    assertThat(hour.counts().cancelled()).isEqualTo(2);
  }

  @Test
  void upsertsProceedWhileCancellationsAreHeldBack() {
    List<CalendarEvent> stored = List.of(stored(in("a", 3, 5)), stored(in("b", 9, 12)), stored(in("c", 20, 22)));
    FeedDiff.Result r = diff(stored, List.of(in("c", 21, 23), in("d", 40, 41)));
    assertThat(r.heldBack()).isTrue();
    assertThat(r.counts().updated()).isEqualTo(1);
    assertThat(r.counts().created()).isEqualTo(1);
    assertThat(r.upserts()).extracting(e -> e.key().uid()).containsExactlyInAnyOrder("c", "d");
  }

  @Test
  void cancellingAShareAtTheLimitIsNotSuspicious() {
    List<CalendarEvent> stored = List.of(stored(in("a", 3, 5)), stored(in("b", 9, 12)));
    FeedDiff.Result r = diff(stored, List.of(in("b", 9, 12)));
    assertThat(r.heldBack()).isFalse();
    assertThat(r.counts().cancelled()).isEqualTo(1);
  }

  @Test
  void emptyFeedThatHadOnlyPastEventsIsFine() {
    FeedDiff.Result r = diff(List.of(stored(in("old", -20, -10))), List.of());
    assertThat(r.heldBack()).isFalse();
    assertThat(r.upserts()).isEmpty();
  }

  @Test
  void statusCancelledInTheFeedCancelsAtOnce() {
    CalendarEvent a = stored(in("a", 3, 5));
    Incoming cancelled = Incoming.of(a.key(), a.range(), a.kind(), EventStatus.CANCELLED, a.summary());
    FeedDiff.Result r = diff(List.of(a, stored(in("b", 6, 7))), List.of(cancelled, in("b", 6, 7)));
    assertThat(r.counts().cancelled()).isEqualTo(1);
    assertThat(r.upserts()).singleElement().satisfies(e -> assertThat(e.isCancelled()).isTrue());
  }

  @Test
  void duplicateUidKeepsTheFirst() {
    FeedDiff.Result r = diff(List.of(), List.of(in("a", 1, 2), in("a", 5, 6)));
    assertThat(r.upserts()).singleElement().satisfies(e ->
        assertThat(e.range()).isEqualTo(DateRange.allDay(TODAY.plusDays(1), TODAY.plusDays(2))));
  }

  @Test
  void eventsBeyondTheHorizonAreNeverCancelled() {
    CalendarEvent far = stored(in("far", 800, 805));
    FeedDiff.Result r = diff(List.of(far, stored(in("b", 3, 4))), List.of(in("b", 3, 4)));
    assertThat(r.upserts()).isEmpty();
    assertThat(r.heldBack()).isFalse();
  }
}

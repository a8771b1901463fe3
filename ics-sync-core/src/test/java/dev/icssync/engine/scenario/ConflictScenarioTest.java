package dev.icssync.engine.scenario;

import static dev.icssync.engine.scenario.Kit.T;
import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.ChangeEvent;
import dev.icssync.Conflict;
import dev.icssync.ConflictStatus;
import dev.icssync.DateRange;
import dev.icssync.PropertySettings;
import dev.icssync.SyncReport;
import dev.icssync.spi.ConflictPolicy;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Double bookings across feeds of one property, through the public API. */
class ConflictScenarioTest {
  static final LocalDate D = LocalDate.of(2026, 6, 10);

  static String airbnbStay(LocalDate from, LocalDate to) {
    return Ics.airbnb().reserved("aaa", from, to).reserved("zzz", D.plusDays(60), D.plusDays(62)).build();
  }

  static String bookingStay(LocalDate from, LocalDate to) {
    return Ics.booking().allDay("b1@booking.com", from, to, "CLOSED - Not available")
        .allDay("b2@booking.com", D.plusDays(70), D.plusDays(72), "CLOSED - Not available").build();
  }

  @Test
  void overlappingStaysOnTwoChannelsOpenOneConflictWithTheWinnerOfThePolicy() {
    try (Kit k = new Kit(b -> b.conflictPolicy(ConflictPolicy.sourcePriority("booking", "airbnb")))) {
      k.feed("air", "villa", "airbnb");
      k.feed("bk", "villa", "booking");
      k.fetcher.body("air", airbnbStay(D.plusDays(3), D.plusDays(7)));
      k.fetcher.body("bk", Ics.booking().allDay("b1@booking.com", D.plusDays(6), D.plusDays(9),
          "CLOSED - Jane Doe").build());
      k.sync("air");
      SyncReport r = k.sync("bk");
      assertThat(r.conflictsOpened()).isEqualTo(1);
      Conflict c = k.conflicts("villa", ConflictStatus.OPEN).get(0);
      assertThat(c.winner().feedId()).isEqualTo("bk");
      // [D+6 15:00, D+7 11:00) UTC: the one shared night.
      assertThat(c.overlap()).isEqualTo(DateRange.timed(Instant.parse("2026-06-16T15:00:00Z"),
          Instant.parse("2026-06-17T11:00:00Z")));
      assertThat(r.changes()).anyMatch(ch -> ch instanceof ChangeEvent.ConflictOpened);
      assertThat(k.sync.openConflicts(T)).containsExactly(c);

      // Syncing again (unchanged) neither reopens nor duplicates it.
      k.fetcher.body("air", airbnbStay(D.plusDays(3), D.plusDays(7)) + "\r\n");
      k.sync("air");
      assertThat(k.conflicts("villa", null)).hasSize(1);
    }
  }

  @Test
  void sameDayTurnoverIsNoConflict() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.feed("bk", "villa", "booking");
      k.fetcher.body("air", airbnbStay(D.plusDays(3), D.plusDays(7)));
      k.fetcher.body("bk", Ics.booking().allDay("b1@booking.com", D.plusDays(7), D.plusDays(9), "CLOSED - Jane")
          .build());
      k.sync("air");
      assertThat(k.sync("bk").conflictsOpened()).isZero();
      assertThat(k.conflicts("villa", null)).isEmpty();
    }
  }

  @Test
  void twoBlocksOverlappingAreNoDoubleBooking() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.feed("bk", "villa", "booking");
      k.fetcher.body("air", Ics.airbnb().notAvailable("x", D.plusDays(3), D.plusDays(7)).build());
      k.fetcher.body("bk", bookingStay(D.plusDays(3), D.plusDays(7)));
      k.sync("air");
      k.sync("bk");
      assertThat(k.conflicts("villa", null)).isEmpty();
    }
  }

  @Test
  void conflictIsResolvedWhenOneSideIsCancelledOrMoved() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.feed("bk", "villa", "booking");
      k.fetcher.body("air", airbnbStay(D.plusDays(3), D.plusDays(7)))
          .body("air", airbnbStay(D.plusDays(1), D.plusDays(4)));
      k.fetcher.body("bk", Ics.booking().allDay("b1@booking.com", D.plusDays(5), D.plusDays(9), "CLOSED - Jane")
          .build());
      k.sync("air");
      k.sync("bk");
      assertThat(k.conflicts("villa", ConflictStatus.OPEN)).hasSize(1);
      SyncReport moved = k.sync("air");
      assertThat(moved.conflictsResolved()).isEqualTo(1);
      assertThat(k.conflicts("villa", ConflictStatus.RESOLVED)).singleElement()
          .satisfies(c -> assertThat(c.resolvedAt()).isEqualTo(Kit.START));
      assertThat(k.changes).anyMatch(c -> c instanceof ChangeEvent.ConflictResolved);
    }
  }

  @Test
  void conflictIsResolvedWhenOneSideVanishesFromItsFeed() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.feed("bk", "villa", "booking");
      Ics others = Ics.airbnb().reserved("bbb", D.plusDays(20), D.plusDays(22))
          .reserved("ccc", D.plusDays(30), D.plusDays(33)).reserved("zzz", D.plusDays(60), D.plusDays(62));
      k.fetcher.body("air", Ics.airbnb().reserved("aaa", D.plusDays(3), D.plusDays(7))
              .reserved("bbb", D.plusDays(20), D.plusDays(22)).reserved("ccc", D.plusDays(30), D.plusDays(33))
              .reserved("zzz", D.plusDays(60), D.plusDays(62)).build())
          .body("air", others.build());
      k.fetcher.body("bk", bookingStay(D.plusDays(5), D.plusDays(9)));
      k.sync("air");
      k.sync("bk");
      assertThat(k.conflicts("villa", ConflictStatus.OPEN)).hasSize(1);

      SyncReport dropped = k.sync("air"); // one of four stays gone: cancelled, not held back
      assertThat(dropped.counts().cancelled()).isEqualTo(1);
      assertThat(dropped.conflictsResolved()).isEqualTo(1);
      assertThat(k.conflicts("villa", ConflictStatus.OPEN)).isEmpty();
      assertThat(k.conflicts("villa", ConflictStatus.RESOLVED)).hasSize(1);
      assertThat(dropped.changes()).anyMatch(c -> c instanceof ChangeEvent.Cancelled)
          .anyMatch(c -> c instanceof ChangeEvent.ConflictResolved);
    }
  }

  @Test
  void conflictIsResolvedWhenOneSideIsSentAsCancelled() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.feed("bk", "villa", "booking");
      k.fetcher.body("air", airbnbStay(D.plusDays(3), D.plusDays(7)));
      k.fetcher.body("bk", bookingStay(D.plusDays(5), D.plusDays(9)))
          .body("bk", Ics.booking().allDay("b1@booking.com", D.plusDays(5), D.plusDays(9),
                  "CLOSED - Not available", "STATUS:CANCELLED")
              .allDay("b2@booking.com", D.plusDays(70), D.plusDays(72), "CLOSED - Not available").build());
      k.sync("air");
      k.sync("bk");
      assertThat(k.conflicts("villa", ConflictStatus.OPEN)).hasSize(1);

      SyncReport cancelled = k.sync("bk");
      assertThat(cancelled.counts().cancelled()).isEqualTo(1);
      assertThat(cancelled.conflictsResolved()).isEqualTo(1);
      assertThat(k.conflicts("villa", ConflictStatus.OPEN)).isEmpty();
      assertThat(cancelled.changes()).anyMatch(c -> c instanceof ChangeEvent.ConflictResolved);
    }
  }

  @Test
  void theDefaultPolicyHonoursTheStaySeenFirst() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.feed("bk", "villa", "booking");
      k.fetcher.body("air", airbnbStay(D.plusDays(3), D.plusDays(7)));
      k.fetcher.body("bk", bookingStay(D.plusDays(5), D.plusDays(9)));
      k.sync("bk"); // Booking's stay is stored first...
      k.clock.instant = k.clock.instant.plus(java.time.Duration.ofHours(1));
      k.sync("air"); // ...an hour before Airbnb's (whose feed id sorts first)
      assertThat(k.conflicts("villa", ConflictStatus.OPEN)).singleElement()
          .satisfies(c -> assertThat(c.winner()).isNotNull()
              .satisfies(w -> assertThat(w.feedId()).isEqualTo("bk")));
    }
  }

  @Test
  void keepBothNamesNoWinner() {
    try (Kit k = new Kit(b -> b.conflictPolicy(ConflictPolicy.keepBoth()))) {
      k.feed("air", "villa", "airbnb");
      k.feed("bk", "villa", "booking");
      k.fetcher.body("air", airbnbStay(D.plusDays(3), D.plusDays(7)));
      k.fetcher.body("bk", bookingStay(D.plusDays(5), D.plusDays(9)));
      k.sync("air");
      assertThat(k.sync("bk").conflictsOpened()).isEqualTo(1);
      assertThat(k.conflicts("villa", ConflictStatus.OPEN)).singleElement()
          .satisfies(c -> assertThat(c.winner()).isNull());
    }
  }

  @Test
  void ignoredConflictStaysIgnoredWhileItLasts() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.feed("bk", "villa", "booking");
      k.fetcher.body("air", airbnbStay(D.plusDays(3), D.plusDays(7)))
          .body("air", airbnbStay(D.plusDays(2), D.plusDays(7)));
      k.fetcher.body("bk", Ics.booking().allDay("b1@booking.com", D.plusDays(5), D.plusDays(9), "CLOSED - Jane")
          .build());
      k.sync("air");
      k.sync("bk");
      Conflict c = k.conflicts("villa", ConflictStatus.OPEN).get(0);
      assertThat(k.sync.ignoreConflict(T, c.id())).hasValueSatisfying(i ->
          assertThat(i.status()).isEqualTo(ConflictStatus.IGNORED));
      SyncReport r = k.sync("air"); // dates changed, still overlapping
      assertThat(r.conflictsOpened()).isZero();
      assertThat(k.conflicts("villa", null)).singleElement()
          .satisfies(x -> assertThat(x.status()).isEqualTo(ConflictStatus.IGNORED));
      assertThat(k.sync.ignoreConflict(T, "no-such-id")).isEmpty();
    }
  }

  @Test
  void unignoredConflictIsOpenAgainAndStaysOne() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.feed("bk", "villa", "booking");
      k.fetcher.body("air", airbnbStay(D.plusDays(3), D.plusDays(7)))
          .body("air", airbnbStay(D.plusDays(2), D.plusDays(7)));
      k.fetcher.body("bk", Ics.booking().allDay("b1@booking.com", D.plusDays(5), D.plusDays(9), "CLOSED - Jane")
          .build());
      k.sync("air");
      k.sync("bk");
      Conflict c = k.conflicts("villa", ConflictStatus.OPEN).get(0);
      k.sync.ignoreConflict(T, c.id());

      assertThat(k.sync.unignoreConflict(T, c.id())).hasValueSatisfying(u -> {
        assertThat(u.status()).isEqualTo(ConflictStatus.OPEN);
        assertThat(u.openedAt()).isEqualTo(c.openedAt());
      });
      assertThat(k.conflicts("villa", ConflictStatus.OPEN)).singleElement()
          .satisfies(x -> assertThat(x.id()).isEqualTo(c.id()));
      SyncReport r = k.sync("air"); // still overlapping: the same conflict, not a new one
      assertThat(r.conflictsOpened()).isZero();
      assertThat(k.conflicts("villa", null)).singleElement()
          .satisfies(x -> assertThat(x.status()).isEqualTo(ConflictStatus.OPEN));
      // an open conflict is left as it is; an unknown id is empty
      assertThat(k.sync.unignoreConflict(T, c.id())).hasValueSatisfying(u ->
          assertThat(u.status()).isEqualTo(ConflictStatus.OPEN));
      assertThat(k.sync.unignoreConflict(T, "no-such-id")).isEmpty();
    }
  }

  @Test
  void conflictFollowsTheStayWhenBookingReissuesItsUid() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.feed("bk", "villa", "booking");
      k.fetcher.body("air", airbnbStay(D.plusDays(3), D.plusDays(7)));
      k.fetcher.body("bk", Ics.booking().allDay("old@booking.com", D.plusDays(5), D.plusDays(9), "CLOSED - Jane")
          .build()).body("bk", Ics.booking().allDay("new@booking.com", D.plusDays(5), D.plusDays(9), "CLOSED - Jane")
          .build());
      k.sync("air");
      k.sync("bk");
      Conflict c = k.conflicts("villa", ConflictStatus.OPEN).get(0);
      k.sync.ignoreConflict(T, c.id());
      SyncReport r = k.sync("bk");
      assertThat(r.counts().uidReissued()).isEqualTo(1);
      assertThat(r.conflictsOpened()).isZero();
      assertThat(r.conflictsResolved()).isZero();
      assertThat(r.changes()).noneMatch(ch -> ch instanceof ChangeEvent.ConflictOpened
          || ch instanceof ChangeEvent.ConflictResolved);
      assertThat(k.conflicts("villa", ConflictStatus.IGNORED)).singleElement().satisfies(n -> {
        assertThat(n.involves(dev.icssync.EventKey.of(T, "bk", "new@booking.com"))).isTrue();
        assertThat(n.openedAt()).isEqualTo(c.openedAt());
      });
      assertThat(k.conflicts("villa", ConflictStatus.OPEN)).isEmpty();
    }
  }

  @Test
  void allDayAndTimedCompareInThePropertyZoneWithItsCheckOutTime() {
    ZoneId paris = ZoneId.of("Europe/Paris");
    try (Kit k = new Kit()) {
      k.store.saveProperty(new PropertySettings(T, "villa", paris, LocalTime.of(16, 0), LocalTime.of(10, 0)));
      k.feed("air", "villa", "airbnb");
      k.feed("g", "villa", "google");
      // Airbnb stay checks out on 2026-07-01 at 10:00 Paris (08:00Z).
      k.fetcher.body("air", airbnbStay(LocalDate.of(2026, 6, 28), LocalDate.of(2026, 7, 1)));
      // Owner's cleaning 10:30-12:00 Paris: after check-out, no conflict.
      k.fetcher.body("g", Ics.google().timed("c1@google.com", "20260701T083000Z", "20260701T100000Z", "Cleaning")
          .build());
      // Then moved to 09:00-10:30 Paris: overlaps the last hour of the stay.
      k.fetcher.body("g", Ics.google().timed("c1@google.com", "20260701T070000Z", "20260701T083000Z", "Cleaning")
          .build());
      k.sync("air");
      assertThat(k.sync("g").conflictsOpened()).isZero();
      SyncReport r = k.sync("g");
      assertThat(r.conflictsOpened()).isEqualTo(1);
      assertThat(k.conflicts("villa", ConflictStatus.OPEN).get(0).overlap()).isEqualTo(DateRange.timed(
          Instant.parse("2026-07-01T07:00:00Z"), Instant.parse("2026-07-01T08:00:00Z")));
    }
  }

  @Test
  void eventsOfOneFeedNeverConflictWithEachOther() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.fetcher.body("air", Ics.airbnb().reserved("a", D.plusDays(3), D.plusDays(7))
          .reserved("b", D.plusDays(5), D.plusDays(8)).build());
      k.sync("air");
      assertThat(k.conflicts("villa", null)).isEmpty();
    }
  }
}

package dev.icssync.engine.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.CalendarEvent;
import dev.icssync.ChangeEvent;
import dev.icssync.SyncMode;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import java.time.LocalDate;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * The glitch rule at the size a busy listing has: an Airbnb feed with 40 future stays. Today is
 * 2026-06-10 (UTC); the default share is one half and three identical results confirm.
 */
class GlitchScenarioTest {
  static final LocalDate D = LocalDate.of(2026, 6, 10);
  static final int STAYS = 40;

  /** The stays {@code i} of 0..39 that {@code keep} accepts, each two nights, four days apart. */
  static Ics stays(IntPredicate keep) {
    Ics ics = Ics.airbnb();
    for (int i = 0; i < STAYS; i++) {
      if (keep.test(i)) {
        ics.reserved(String.format("%04d", i), D.plusDays(3 + 4L * i), D.plusDays(5 + 4L * i));
      }
    }
    return ics;
  }

  static String forty() {
    return stays(i -> true).build();
  }

  private static Kit withFortyStays() {
    Kit k = new Kit();
    k.feed("air", "villa", "airbnb");
    return k;
  }

  private static void firstSync(Kit k) {
    SyncReport first = k.sync("air");
    assertThat(first.counts().created()).isEqualTo(STAYS);
    assertThat(k.events("air")).hasSize(STAYS).allMatch(CalendarEvent::isActive);
    k.changes.clear();
  }

  @Test
  void fortyFutureStaysComingBackEmptyOnceAreAllKept() {
    try (Kit k = withFortyStays()) {
      k.fetcher.body("air", forty()).body("air", Ics.airbnb().build()).body("air", forty());
      firstSync(k);

      SyncReport glitch = k.sync("air");
      assertThat(glitch.outcome()).isEqualTo(SyncOutcome.QUARANTINED);
      assertThat(glitch.counts().heldBack()).isEqualTo(STAYS);
      assertThat(glitch.counts().cancelled()).isZero();
      assertThat(glitch.counts().writes()).isZero();
      assertThat(k.events("air")).hasSize(STAYS).allMatch(CalendarEvent::isActive);
      assertThat(k.changes).singleElement().isInstanceOf(ChangeEvent.FeedQuarantined.class);
      assertThat(k.state("air").quarantine()).isNotNull();

      SyncReport back = k.sync("air");
      assertThat(back.outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(back.counts().writes()).isZero();
      assertThat(k.state("air").quarantine()).isNull();
      assertThat(k.events("air")).hasSize(STAYS).allMatch(CalendarEvent::isActive);
    }
  }

  @Test
  void theSameEmptyResultThreeTimesCancelsAllFortyAndKeepsThemAsCancelled() {
    try (Kit k = withFortyStays()) {
      k.fetcher.body("air", forty()).body("air", Ics.airbnb().build());
      firstSync(k);
      assertThat(k.sync("air").outcome()).isEqualTo(SyncOutcome.QUARANTINED);
      assertThat(k.sync("air").outcome()).isEqualTo(SyncOutcome.QUARANTINED);
      assertThat(k.events("air")).allMatch(CalendarEvent::isActive);

      SyncReport third = k.sync("air");
      assertThat(third.outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(third.counts().cancelled()).isEqualTo(STAYS);
      assertThat(k.events("air")).hasSize(STAYS).allMatch(CalendarEvent::isCancelled);
      assertThat(k.changes).as("one per held-back poll").filteredOn(c -> c instanceof ChangeEvent.FeedQuarantined)
          .hasSize(2);
      assertThat(k.changes).filteredOn(c -> c instanceof ChangeEvent.Cancelled).hasSize(STAYS);
    }
  }

  @Test
  void aForcedSyncAppliesTheEmptyResultAtOnce() {
    try (Kit k = withFortyStays()) {
      k.fetcher.body("air", forty()).body("air", Ics.airbnb().build());
      firstSync(k);
      assertThat(k.sync("air").outcome()).isEqualTo(SyncOutcome.QUARANTINED);
      SyncReport forced = k.sync("air", SyncMode.FORCE);
      assertThat(forced.outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(forced.counts().cancelled()).isEqualTo(STAYS);
      assertThat(k.events("air")).allMatch(CalendarEvent::isCancelled);
    }
  }

  @Test
  void aDropAboveHalfIsHeldBackWhileNewAndMovedStaysApply() {
    // 21 of the 40 vanish (more than half); one new stay appears far out and stay 0 moves by a day
    String dropped = stays(i -> i >= 22 || i == 0)
        .reserved("new1", D.plusDays(300), D.plusDays(302)).build()
        .replace("DTEND;VALUE=DATE:" + D.plusDays(5).format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE),
            "DTEND;VALUE=DATE:" + D.plusDays(6).format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE));
    try (Kit k = withFortyStays()) {
      k.fetcher.body("air", forty()).body("air", dropped);
      firstSync(k);

      SyncReport r = k.sync("air");
      assertThat(r.outcome()).isEqualTo(SyncOutcome.QUARANTINED);
      assertThat(r.counts().heldBack()).isEqualTo(21);
      assertThat(r.counts().cancelled()).isZero();
      assertThat(r.counts().created()).isEqualTo(1);
      assertThat(r.counts().updated()).isEqualTo(1);
      assertThat(k.events("air")).hasSize(STAYS + 1).allMatch(CalendarEvent::isActive);

      assertThat(k.sync("air").outcome()).isEqualTo(SyncOutcome.QUARANTINED);
      SyncReport third = k.sync("air");
      assertThat(third.outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(third.counts().cancelled()).isEqualTo(21);
      assertThat(k.events("air")).filteredOn(CalendarEvent::isActive).hasSize(STAYS - 21 + 1);
      assertThat(k.events("air")).hasSize(STAYS + 1);
    }
  }

  @Test
  void aDropOfExactlyHalfIsAppliedAtOnce() {
    try (Kit k = withFortyStays()) {
      k.fetcher.body("air", forty()).body("air", stays(i -> i % 2 == 0).build());
      firstSync(k);
      SyncReport r = k.sync("air");
      assertThat(r.outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(r.counts().cancelled()).isEqualTo(STAYS / 2);
      assertThat(k.events("air")).filteredOn(CalendarEvent::isActive).hasSize(STAYS / 2);
    }
  }
}

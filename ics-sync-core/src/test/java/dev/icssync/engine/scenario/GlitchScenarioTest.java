package dev.icssync.engine.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.icssync.CalendarEvent;
import dev.icssync.ChangeEvent;
import dev.icssync.FailureReason;
import dev.icssync.IcsSyncException;
import dev.icssync.NextDue;
import dev.icssync.SyncConfig;
import dev.icssync.SyncMode;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.spi.FetchResult;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
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
      k.minutes(30);
      assertThat(k.sync("air").outcome()).isEqualTo(SyncOutcome.QUARANTINED);
      k.minutes(30);
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
  void emptyFailureFailureEmptyEmptyCancelsNothing() {
    try (Kit k = withFortyStays()) {
      String empty = Ics.airbnb().build();
      k.fetcher.body("air", forty()).body("air", empty)
          .then("air", r -> FetchResult.Failed.of(FailureReason.SERVER_ERROR, "HTTP 500"))
          .then("air", r -> FetchResult.Failed.of(FailureReason.TIMEOUT, "deadline"))
          .body("air", empty).body("air", empty);
      firstSync(k);
      List<SyncOutcome> outcomes = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        k.minutes(30);
        outcomes.add(k.sync("air").outcome());
      }
      assertThat(outcomes).containsExactly(SyncOutcome.QUARANTINED, SyncOutcome.FAILED, SyncOutcome.FAILED,
          SyncOutcome.QUARANTINED, SyncOutcome.QUARANTINED);
      assertThat(k.events("air")).hasSize(STAYS).allMatch(CalendarEvent::isActive);
      assertThat(k.state("air").quarantine().confirmations()).as("counted since the failures").isEqualTo(2);

      // the third identical result in a row, an hour after the first of them, confirms
      k.minutes(30);
      SyncReport third = k.sync("air");
      assertThat(third.outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(third.counts().cancelled()).isEqualTo(STAYS);
    }
  }

  @Test
  void aFailureKeepsTheFeedHeldButRestartsTheCount() {
    try (Kit k = withFortyStays()) {
      String empty = Ics.airbnb().build();
      k.fetcher.body("air", forty()).body("air", empty).body("air", empty)
          .then("air", r -> FetchResult.Failed.of(FailureReason.NETWORK, "reset"));
      firstSync(k);
      k.sync("air");
      k.minutes(30);
      k.sync("air");
      assertThat(k.state("air").quarantine().confirmations()).isEqualTo(2);
      k.minutes(30);
      assertThat(k.sync("air").outcome()).isEqualTo(SyncOutcome.FAILED);
      assertThat(k.state("air").quarantine()).as("still held back").isNotNull();
      assertThat(k.state("air").quarantine().confirmations()).isZero();
      assertThat(k.state("air").quarantine().pendingCancellations()).isEqualTo(STAYS);
    }
  }

  @Test
  void threeManualSyncsWithinAMinuteAreNotThreeConfirmations() {
    try (Kit k = withFortyStays()) {
      k.fetcher.body("air", forty()).body("air", Ics.airbnb().build());
      firstSync(k);
      for (int i = 0; i < 5; i++) {
        assertThat(k.sync("air").outcome()).as("manual sync %d", i + 1).isEqualTo(SyncOutcome.QUARANTINED);
        k.clock.instant = k.clock.instant.plusSeconds(10);
      }
      assertThat(k.state("air").quarantine().confirmations()).isEqualTo(5);
      assertThat(k.events("air")).allMatch(CalendarEvent::isActive);

      // the same result, still uninterrupted, an hour after the first: confirmed
      k.clock.instant = k.clock.instant.plus(SyncConfig.defaults().quarantineMinSpan()).minusSeconds(50);
      SyncReport later = k.sync("air");
      assertThat(later.outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(later.counts().cancelled()).isEqualTo(STAYS);
    }
  }

  @Test
  void theMinimumSpanIsConfigurable() {
    try (Kit k = new Kit(b -> b.config(SyncConfig.builder().quarantineMinSpan(Duration.ZERO).build()))) {
      k.feed("air", "villa", "airbnb");
      k.fetcher.body("air", forty()).body("air", Ics.airbnb().build());
      firstSync(k);
      k.sync("air");
      k.sync("air");
      assertThat(k.sync("air").outcome()).isEqualTo(SyncOutcome.APPLIED);
    }
    assertThat(SyncConfig.defaults().quarantineMinSpan()).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> SyncConfig.builder().quarantineMinSpan(Duration.ofMinutes(-1)).build())
        .isInstanceOf(IcsSyncException.ConfigurationException.class).hasMessageContaining("quarantineMinSpan");
  }

  @Test
  @SuppressWarnings("deprecation")
  void aForcedSyncRefetchesButConfirmsNothing() {
    try (Kit k = withFortyStays()) {
      k.fetcher.body("air", forty()).body("air", Ics.airbnb().build());
      firstSync(k);
      assertThat(k.sync("air").outcome()).isEqualTo(SyncOutcome.QUARANTINED);
      for (SyncMode mode : List.of(SyncMode.FORCE, SyncMode.RELOAD, SyncMode.FORCE)) {
        k.minutes(1);
        SyncReport r = k.sync("air", mode);
        assertThat(r.outcome()).as(mode.name()).isEqualTo(SyncOutcome.QUARANTINED);
        assertThat(r.counts().cancelled()).isZero();
        assertThat(k.fetcher.requests.get(k.fetcher.requests.size() - 1).etag()).isNull();
      }
      assertThat(k.events("air")).hasSize(STAYS).allMatch(CalendarEvent::isActive);
      // and a forced sync of the whole tenant (the CLI's sync --force without --feed) neither
      for (SyncReport r : k.sync.syncTenant(Kit.T, NextDue.IGNORE)) {
        assertThat(r.outcome()).isEqualTo(SyncOutcome.QUARANTINED);
      }
      assertThat(k.events("air")).allMatch(CalendarEvent::isActive);
    }
  }

  @Test
  void confirmingTheQuarantineCancelsTheHeldBackStaysAndReportsEachOne() {
    try (Kit k = withFortyStays()) {
      k.fetcher.body("air", forty()).body("air", Ics.airbnb().build());
      firstSync(k);
      assertThat(k.sync("air").outcome()).isEqualTo(SyncOutcome.QUARANTINED);
      k.minutes(1);
      SyncReport confirmed = k.sync.confirmQuarantine(Kit.T, "air");
      assertThat(confirmed.outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(confirmed.counts().cancelled()).isEqualTo(STAYS);
      assertThat(confirmed.changes()).filteredOn(c -> c instanceof ChangeEvent.Cancelled).hasSize(STAYS)
          .extracting(c -> ((ChangeEvent.Cancelled) c).event().key().uid())
          .containsExactlyInAnyOrderElementsOf(k.events("air").stream().map(e -> e.key().uid()).toList());
      assertThat(k.events("air")).hasSize(STAYS).allMatch(CalendarEvent::isCancelled);
      assertThat(k.state("air").quarantine()).isNull();
      assertThat(k.fetcher.requests.get(k.fetcher.requests.size() - 1).etag()).isNull();

      SyncReport again = k.sync.confirmQuarantine(Kit.T, "air");
      assertThat(again.outcome()).as("nothing held back any more").isEqualTo(SyncOutcome.SKIPPED);
      assertThat(again.message()).contains("nothing to confirm");
    }
  }

  @Test
  void aConfirmationConfirmsOnlyTheResultThatWasHeldBack() {
    try (Kit k = withFortyStays()) {
      String half = stays(i -> i >= 30).build(); // 30 of 40 vanish: another suspicious result
      k.fetcher.body("air", forty()).body("air", Ics.airbnb().build()).body("air", half).body("air", forty());
      firstSync(k);
      assertThat(k.sync.confirmQuarantine(Kit.T, "air").outcome()).as("not held back yet")
          .isEqualTo(SyncOutcome.SKIPPED);
      assertThat(k.sync("air").outcome()).isEqualTo(SyncOutcome.QUARANTINED);

      SyncReport changed = k.sync.confirmQuarantine(Kit.T, "air");
      assertThat(changed.outcome()).isEqualTo(SyncOutcome.QUARANTINED);
      assertThat(changed.counts().cancelled()).isZero();
      assertThat(changed.message()).contains("nothing confirmed");
      assertThat(k.state("air").quarantine().pendingCancellations()).isEqualTo(30);

      SyncReport recovered = k.sync.confirmQuarantine(Kit.T, "air");
      assertThat(recovered.outcome()).isEqualTo(SyncOutcome.APPLIED);
      assertThat(recovered.counts().cancelled()).isZero();
      assertThat(k.state("air").quarantine()).isNull();
      assertThat(k.events("air")).hasSize(STAYS).allMatch(CalendarEvent::isActive);
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

      k.minutes(30);
      assertThat(k.sync("air").outcome()).isEqualTo(SyncOutcome.QUARANTINED);
      k.minutes(30);
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

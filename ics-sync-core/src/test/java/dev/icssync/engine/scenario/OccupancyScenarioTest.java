package dev.icssync.engine.scenario;

import static dev.icssync.engine.scenario.Kit.T;
import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.CalendarEvent;
import dev.icssync.ChangeEvent;
import dev.icssync.DateRange;
import dev.icssync.EventKey;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.ExportView;
import dev.icssync.ExportedCalendar;
import dev.icssync.FeedState;
import dev.icssync.SyncConfig;
import dev.icssync.SyncReport;
import dev.icssync.spi.FeedApply;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What occupies a property: double-booking detection and the exports agree on which events block a
 * date. A Google or Outlook calendar (owner stays, maintenance) yields events of kind {@code EVENT};
 * they block by default, so a channel is not left selling the dates the owner closed.
 */
class OccupancyScenarioTest {
  static final LocalDate D = LocalDate.of(2026, 6, 10);
  static final String OWNER_STAY_START = "20260630";

  static String ownerStay() {
    return Ics.google().allDay("owner-stay@google.com", D.plusDays(20), D.plusDays(25), "Family at the villa").build();
  }

  static String body(ExportedCalendar c) {
    return new String(c.body(), StandardCharsets.UTF_8);
  }

  @Test
  void anOwnersGoogleCalendarBlocksTheDatesItCountsForInDetection() {
    try (Kit k = new Kit()) {
      k.feed("air", "villa", "airbnb");
      k.feed("g", "villa", "google");
      k.fetcher.body("air", Ics.airbnb().reserved("aaa", D.plusDays(22), D.plusDays(24)).build());
      k.fetcher.body("g", ownerStay());
      k.sync("air");
      SyncReport google = k.sync("g");

      assertThat(k.events("g")).singleElement().extracting(CalendarEvent::kind).isEqualTo(EventKind.EVENT);
      assertThat(google.conflictsOpened()).as("detection counts the owner's stay").isEqualTo(1);
      ExportedCalendar forAirbnb = k.sync.export(ExportView.forProperty(T, "villa").forChannel("airbnb"));
      assertThat(body(forAirbnb)).as("so Airbnb is told the dates are taken").contains(OWNER_STAY_START);
      assertThat(forAirbnb.eventCount()).isEqualTo(1);
      assertThat(k.sync.export(ExportView.forProperty(T, "villa")).eventCount()).isEqualTo(2);
    }
  }

  @Test
  void whenPersonalEventsDoNotBlockTheyAreLeftOutOfDetectionAndExportsAlike() {
    try (Kit k = new Kit(b -> b.config(SyncConfig.builder().personalEventsBlock(false).build()))) {
      k.feed("air", "villa", "airbnb");
      k.feed("g", "villa", "google");
      k.fetcher.body("air", Ics.airbnb().reserved("aaa", D.plusDays(22), D.plusDays(24)).build());
      k.fetcher.body("g", ownerStay());
      k.sync("air");

      assertThat(k.sync("g").conflictsOpened()).isZero();
      assertThat(k.events("g")).as("still stored, and listed").hasSize(1);
      assertThat(k.sync.export(ExportView.forProperty(T, "villa").forChannel("airbnb")).eventCount()).isZero();
      assertThat(body(k.sync.export(ExportView.forProperty(T, "villa").withKinds(EventKind.EVENT))))
          .as("a view cannot export what does not block").doesNotContain(OWNER_STAY_START);
    }
  }

  /** For every kind and both settings: counted by detection exactly when exported by the default view. */
  @Test
  void detectionAndTheDefaultExportAgreeOnEveryKind() {
    for (boolean personalEventsBlock : new boolean[] {true, false}) {
      for (EventKind kind : EventKind.values()) {
        try (Kit k = new Kit(b -> b.config(SyncConfig.builder().personalEventsBlock(personalEventsBlock).build()))) {
          put(k, "air", "airbnb", EventKind.RESERVATION, "r1");
          put(k, "other", "google", kind, "x1");

          List<ChangeEvent> detected = k.sync.detectConflicts(T, "villa");
          int exported = k.sync.export(ExportView.forProperty(T, "villa").forChannel("airbnb")).eventCount();

          boolean counted = detected.stream().anyMatch(c -> c instanceof ChangeEvent.ConflictOpened);
          assertThat(exported == 1).as("%s with personalEventsBlock=%s: counted %s, exported %s", kind,
              personalEventsBlock, counted, exported).isEqualTo(counted);
          assertThat(counted).isEqualTo(kind != EventKind.EVENT || personalEventsBlock);
        }
      }
    }
  }

  private static void put(Kit k, String feedId, String source, EventKind kind, String uid) {
    k.feed(feedId, "villa", source);
    FeedState begun = k.store.beginSync(T, feedId, Kit.START);
    CalendarEvent e = CalendarEvent.builder()
        .key(EventKey.of(T, feedId, uid))
        .property("villa")
        .source(source)
        .range(DateRange.allDay(D.plusDays(20), D.plusDays(25)))
        .kind(kind)
        .status(kind == EventKind.TENTATIVE ? EventStatus.TENTATIVE : EventStatus.CONFIRMED)
        .summary("x")
        .fingerprint(1L)
        .firstSeen(Kit.START)
        .lastSeen(Kit.START)
        .lastChanged(Kit.START)
        .build();
    k.store.apply(new FeedApply(T, feedId, List.of(), List.of(e), begun, null));
  }
}

package dev.icssync.engine.scenario;

import static dev.icssync.engine.scenario.Kit.T;
import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.CalendarEvent;
import dev.icssync.ChannelProfiles;
import dev.icssync.DateRange;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.ExportView;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.ical.ParsedEvent;
import dev.icssync.spi.ChannelProfile;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Availability rules recognised by a channel profile get a synthetic identity; these tests pin that
 * no such rewrite ever merges two events of a feed, and that a reservation is never taken for a
 * rule. Today is 2026-12-02 (UTC).
 */
class AvailabilityRuleIdentityScenarioTest {
  static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
  static final LocalDate TODAY = LocalDate.of(2026, 12, 2);

  static Kit kit() {
    Kit k = new Kit();
    k.clock.instant = NOW;
    return k;
  }

  /** The reproduction: two blocks that both look like the advance notice. */
  @Test
  void twoBlocksThatBothLookLikeTheAdvanceNoticeAreBothKept() {
    try (Kit k = kit()) {
      k.feed("air", "villa", "airbnb");
      String body = Ics.airbnb().notAvailable("a", TODAY.minusDays(1), TODAY)
          .notAvailable("b", TODAY, LocalDate.of(2026, 12, 20)).build();
      k.fetcher.body("air", body);
      SyncReport first = k.sync("air");
      assertThat(first.outcome()).isEqualTo(SyncOutcome.APPLIED);
      List<CalendarEvent> stored = k.events("air");
      assertThat(stored).as("two blocks stay two events").hasSize(2).allMatch(CalendarEvent::isActive);
      assertThat(stored).extracting(e -> e.range()).containsExactlyInAnyOrder(
          DateRange.allDay(TODAY.minusDays(1), TODAY), DateRange.allDay(TODAY, LocalDate.of(2026, 12, 20)));
      assertThat(stored).extracting(e -> e.key().uid()).doesNotHaveDuplicates();
      // The same feed polled again: the same identities, nothing created or cancelled.
      SyncReport again = k.sync("air");
      assertThat(again.counts().created()).isZero();
      assertThat(again.counts().cancelled()).isZero();
      assertThat(k.events("air")).extracting(e -> e.key().uid())
          .containsExactlyInAnyOrderElementsOf(stored.stream().map(e -> e.key().uid()).toList());
    }
  }

  /**
   * A merged feed (several listings in one calendar): {@code <listing> Reserved} summaries and
   * {@code <listing>-<hex>-<hex>@airbnb.com} UIDs. Two stays that started yesterday and today are
   * reservations: stored apart, in conflict detection and in the export.
   */
  @Test
  void mergedFeedReservationsStartingNowAreStaysNotRules() {
    try (Kit k = kit()) {
      k.feed("air", "villa", "airbnb");
      k.feed("bk", "villa", "booking");
      k.fetcher.body("air", Ics.airbnb()
          .allDay("48213377-5f3a9c1e2b-7d04aa91@airbnb.com", TODAY.minusDays(1), TODAY.plusDays(3),
              "48213377 Reserved")
          .allDay("48213377-0b9e4471cc-19fe02d3@airbnb.com", TODAY, TODAY.plusDays(4), "48213377 Reserved")
          .allDay("51990422-77aa01bc3d-5e6f7a8b@airbnb.com", TODAY.plusDays(30), TODAY.plusDays(35),
              "51990422 Not available")
          .build());
      k.fetcher.body("bk", Ics.booking().allDay("77@booking.com", TODAY.plusDays(2), TODAY.plusDays(5),
          "CLOSED - Not available").build());
      k.sync("air");
      k.sync("bk");
      List<CalendarEvent> air = k.events("air");
      assertThat(air).hasSize(3).noneMatch(ChannelProfiles::isAvailabilityRule);
      assertThat(air).filteredOn(e -> e.kind() == EventKind.RESERVATION).hasSize(2);
      assertThat(air).filteredOn(e -> e.kind() == EventKind.BLOCK).singleElement()
          .extracting(e -> e.range()).isEqualTo(DateRange.allDay(TODAY.plusDays(30), TODAY.plusDays(35)));
      assertThat(k.conflicts("villa", null)).as("both stays overlap the Booking.com dates").hasSize(2);
      String ics = new String(k.sync.export(ExportView.forProperty(T, "villa")).body(), StandardCharsets.UTF_8);
      assertThat(ics.split("SUMMARY:Reserved", -1)).as("both stays are exported").hasSize(3);
    }
  }

  /** Two listings of a merged feed each have their advance notice: two rules, two identities. */
  @Test
  void eachListingOfAMergedFeedKeepsItsOwnRuleAcrossPolls() {
    try (Kit k = kit()) {
      k.feed("air", "villa", "airbnb");
      k.fetcher.body("air", Ics.airbnb()
          .allDay("48213377-aa01-bb01@airbnb.com", TODAY, TODAY.plusDays(2), "48213377 Not available")
          .allDay("51990422-aa02-bb02@airbnb.com", TODAY, TODAY.plusDays(3), "51990422 Not available").build());
      k.fetcher.body("air", Ics.airbnb()
          .allDay("48213377-aa03-bb03@airbnb.com", TODAY.plusDays(1), TODAY.plusDays(3), "48213377 Not available")
          .allDay("51990422-aa04-bb04@airbnb.com", TODAY.plusDays(1), TODAY.plusDays(4), "51990422 Not available")
          .build());
      k.sync("air");
      List<CalendarEvent> day1 = k.events("air");
      assertThat(day1).hasSize(2).allMatch(ChannelProfiles::isAvailabilityRule);
      assertThat(day1).extracting(e -> e.key().uid()).doesNotHaveDuplicates();
      k.days(1);
      SyncReport r = k.sync("air");
      assertThat(r.counts().created()).isZero();
      assertThat(r.counts().cancelled()).isZero();
      assertThat(r.counts().updated()).isEqualTo(2);
      assertThat(k.events("air")).extracting(e -> e.key().uid())
          .containsExactlyInAnyOrderElementsOf(day1.stream().map(e -> e.key().uid()).toList());
    }
  }

  /**
   * The mechanism, whatever the profile: a profile (here a host's) that gives two events one
   * identity, or gives a reservation a rule identity, does not get its rewrite: each event keeps
   * the feed's UID, and the reservation takes part in conflict detection.
   */
  @Test
  void noProfileRewriteMergesTwoEventsOrHidesAReservation() {
    ChannelProfile careless = new ChannelProfile() {
      @Override
      public String source() {
        return "mypms";
      }

      @Override
      public boolean recognises(@Nullable String prodId, String sampleUid) {
        return false;
      }

      @Override
      public Normalized normalize(ParsedEvent event) {
        EventKind kind = event.summary() != null && event.summary().startsWith("Stay")
            ? EventKind.RESERVATION : EventKind.BLOCK;
        return new Normalized(kind, EventStatus.CONFIRMED, "x", "ics-sync-rule:everything", null);
      }
    };
    try (Kit k = new Kit(b -> b.profile(careless))) {
      k.clock.instant = NOW;
      k.feed("pms", "villa", "mypms");
      k.feed("bk", "villa", "booking");
      k.fetcher.body("pms", Ics.vrbo()
          .allDay("u1", TODAY.plusDays(1), TODAY.plusDays(3), "Owner")
          .allDay("u2", TODAY.plusDays(5), TODAY.plusDays(8), "Owner")
          .allDay("u3", TODAY.plusDays(10), TODAY.plusDays(12), "Stay").build());
      k.fetcher.body("bk", Ics.booking().allDay("77@booking.com", TODAY.plusDays(11), TODAY.plusDays(13),
          "CLOSED - Not available").build());
      SyncReport r = k.sync("pms");
      k.sync("bk");
      assertThat(k.events("pms")).extracting(e -> e.key().uid()).containsExactlyInAnyOrder("u1", "u2", "u3");
      assertThat(k.events("pms")).noneMatch(ChannelProfiles::isAvailabilityRule);
      assertThat(r.diagnostics()).anySatisfy(d -> assertThat(d.message()).contains("ics-sync-rule:everything"));
      assertThat(k.conflicts("villa", null)).as("the stay meets the Booking.com dates").hasSize(1);
    }
  }

  /** A feed's own UID that looks like one of ours is not taken for a rule. */
  @Test
  void aFeedsOwnUidWithTheRulePrefixIsNoRule() {
    try (Kit k = kit()) {
      k.feed("air", "villa", "airbnb");
      k.feed("bk", "villa", "booking");
      k.fetcher.body("air", Ics.airbnb()
          .allDay("ics-sync-rule:advance-notice", TODAY.plusDays(10), TODAY.plusDays(12), "Reserved").build());
      k.fetcher.body("bk", Ics.booking().allDay("77@booking.com", TODAY.plusDays(11), TODAY.plusDays(13),
          "CLOSED - Not available").build());
      k.sync("air");
      k.sync("bk");
      assertThat(k.events("air")).singleElement().satisfies(e -> {
        assertThat(ChannelProfiles.isAvailabilityRule(e)).isFalse();
        assertThat(e.kind()).isEqualTo(EventKind.RESERVATION);
      });
      assertThat(k.conflicts("villa", null)).hasSize(1);
    }
  }
}

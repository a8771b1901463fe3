package dev.icssync.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.DateRange;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.Feed;
import dev.icssync.ical.ParsedEvent;
import dev.icssync.internal.profile.ProfileRegistry;
import dev.icssync.spi.ChannelProfile;
import dev.icssync.spi.ChannelProfile.Normalized;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The reservation or block decision of every built-in profile: a reservation's mark anywhere in the
 * summary (not only at its start) makes a stay, a block needs a block's mark, and an event with no
 * mark either way is a stay (it then takes part in conflict detection). Today is 2026-12-02.
 */
class ReservationOrBlockTest {
  static final LocalDate TODAY = LocalDate.of(2026, 12, 2);

  static ParsedEvent ev(String uid, String summary, LocalDate from, LocalDate to) {
    return new ParsedEvent(uid, "", DateRange.allDay(from, to), summary.isEmpty() ? null : summary, null, null,
        null, 0, null, null, null, 1, Map.of());
  }

  static ChannelProfile.Context ctx(String source, LocalDate horizon) {
    return new ChannelProfile.Context(Feed.builder("t", "f").property("p").source(source).url("https://x/y.ics").build(), TODAY, horizon, null);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      airbnb  | 48213377-5f3a9c1e2b-7d04aa91@airbnb.com | 48213377 Reserved          | RESERVATION
      airbnb  | 48213377-5f3a9c1e2b-7d04aa91@airbnb.com | 48213377 Not available     | BLOCK
      airbnb  | 7f662ec65913-00ff@airbnb.com            | Reserved                   | RESERVATION
      airbnb  | 7f662ec65913-00ff@airbnb.com            | ''                         | BLOCK
      airbnb  | x1@airbnb.com                           | Airbnb (Not available)     | BLOCK
      airbnb  | x1@airbnb.com                           | Blocked                    | BLOCK
      airbnb  | x1@airbnb.com                           | Jane Doe                   | RESERVATION
      airbnb  | x1@airbnb.com                           | ''                         | RESERVATION
      airbnb  | x1@airbnb.com                           | Unreserved dates blocked   | BLOCK
      vrbo    | 5b2c-uuid                               | VRB-HA-123 Reserved        | RESERVATION
      vrbo    | 5b2c-uuid                               | Owner block - Reserved     | RESERVATION
      vrbo    | 5b2c-uuid                               | Blocked                    | BLOCK
      vrbo    | 5b2c-uuid                               | Nicht verfügbar            | BLOCK
      vrbo    | 5b2c-uuid                               | Jane Doe                   | RESERVATION
      booking | 00aa@booking.com                        | Jane Doe                   | RESERVATION
      booking | 00aa@booking.com                        | Not available              | BLOCK
      booking | 00aa@booking.com                        | CLOSED - Not available     | BLOCK
      generic | g1                                      | Owner stay - reserved      | RESERVATION
      generic | g1                                      | Not available (reserved)   | RESERVATION
      """)
  void aReservationsMarkAnywhereMakesAStayAndDoubtIsAStay(String source, String uid, String summary,
      EventKind kind) {
    ChannelProfile p = new ProfileRegistry(List.of()).forSource(source);
    assertThat(p).isNotNull();
    Normalized n = p.normalize(ev(uid, summary, TODAY.plusDays(5), TODAY.plusDays(8)), ctx(source, TODAY.plusDays(300)));
    assertThat(n).isNotNull();
    assertThat(n.kind()).isEqualTo(kind);
  }

  /** Two merged-feed stays that started yesterday and today: reservations, so never a rule. */
  @Test
  void aStayStartingNowIsNeverAnAdvanceNotice() {
    ChannelProfile air = new ProfileRegistry(List.of()).forSource("airbnb");
    for (LocalDate start : List.of(TODAY.minusDays(1), TODAY)) {
      Normalized n = air.normalize(ev("48213377-5f3a9c1e2b-7d04aa91@airbnb.com", "48213377 Reserved", start,
          start.plusDays(3)), ctx("airbnb", TODAY.plusDays(300)));
      assertThat(n.kind()).isEqualTo(EventKind.RESERVATION);
      assertThat(n.uid()).isNull();
    }
    Normalized block = air.normalize(ev("48213377-5f3a9c1e2b-7d04aa91@airbnb.com", "48213377 Not available", TODAY,
        TODAY.plusDays(3)), ctx("airbnb", TODAY.plusDays(300)));
    assertThat(block.uid()).isEqualTo("ics-sync-rule:advance-notice:48213377");
  }

  /** The SPI's own guard: a profile cannot make anything but a block into a rule. */
  @Test
  void onlyABlockCanBecomeARule() {
    for (EventKind k : EventKind.values()) {
      Normalized n = new Normalized(k, EventStatus.CONFIRMED, "x").asAvailabilityRule("advance-notice");
      assertThat(n.isAvailabilityRule()).as(k.name()).isEqualTo(k == EventKind.BLOCK);
    }
  }
}

package dev.icssync.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.ChannelProfiles;
import dev.icssync.DateRange;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.Feed;
import dev.icssync.ical.ParsedEvent;
import dev.icssync.internal.profile.ProfileRegistry;
import dev.icssync.spi.ChannelProfile;
import dev.icssync.spi.ChannelProfile.Normalized;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChannelProfilesTest {
  static final LocalDate TODAY = LocalDate.of(2026, 6, 10);

  static ParsedEvent ev(String uid, @Nullable String summary, LocalDate from, LocalDate to) {
    return new ParsedEvent(uid, "", DateRange.allDay(from, to), summary, "Phone Number (Last 4 Digits): 1234", null,
        null, 0, null, null, null, 1, Map.of());
  }

  static ParsedEvent ev(String uid, @Nullable String summary) {
    return ev(uid, summary, TODAY.plusDays(5), TODAY.plusDays(8));
  }

  static ChannelProfile.Context ctx(String source, @Nullable LocalDate horizon) {
    return new ChannelProfile.Context(Feed.builder("t", "f").property("p").source(source).url("https://x/y.ics").build(), TODAY, horizon, null);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      airbnb      | 1418fb94e984-00ff@airbnb.com | Reserved                      | RESERVATION | CONFIRMED | Reserved
      airbnb      | 7f662ec65913-00ff@airbnb.com | Airbnb (Not available)        | BLOCK       | CONFIRMED | Not available
      airbnb      | 6fec1092d3fa-00ff@airbnb.com | Airbnb (Not available)        | BLOCK       | CONFIRMED | Not available
      airbnb      | other@airbnb.com             | Reserved                      | RESERVATION | CONFIRMED | Reserved
      booking     | 00aa@booking.com             | CLOSED - Not available        | BLOCK       | CONFIRMED | Not available
      booking     | 00aa@booking.com             | CLOSED - Jane Doe             | RESERVATION | CONFIRMED | Reserved
      vrbo        | 5b2c-uuid                    | Reserved - Jane Doe           | RESERVATION | CONFIRMED | Reserved
      vrbo        | 5b2c-uuid                    | Réservée - Jean Dupont        | RESERVATION | CONFIRMED | Reserved
      vrbo        | 5b2c-uuid                    | Reservation VRB-HA-123456-789 | RESERVATION | CONFIRMED | Reserved
      vrbo        | 5b2c-uuid                    | Blocked                       | BLOCK       | CONFIRMED | Not available
      vrbo        | 5b2c-uuid                    | Indisponible                  | BLOCK       | CONFIRMED | Not available
      vrbo        | 5b2c-uuid                    | Provisoire - Marie Curie      | TENTATIVE   | TENTATIVE | Tentative
      tripadvisor | ta-1                         | Tripadvisor Booking: John Roe | RESERVATION | CONFIRMED | Reserved
      google      | g1@google.com                | Dinner with Jane 0612345678   | EVENT       | CONFIRMED | Busy
      outlook     | o1                           | Owner stay                    | EVENT       | CONFIRMED | Busy
      generic     | g1                           | Blocked By Guesty             | BLOCK       | CONFIRMED | Not available
      generic     | g1                           | Booked: Jane Doe              | RESERVATION | CONFIRMED | Reserved
      generic     | g1                           | Jane Doe                      | EVENT       | CONFIRMED | Busy
      generic     | g1                           | Cleaning — 2 guests (Booking.com) | EVENT   | CONFIRMED | Busy
      """)
  void readsEachChannelWithoutKeepingPersonalData(String source, String uid, String summary, EventKind kind,
      EventStatus status, String stored) {
    ChannelProfile p = new ProfileRegistry(List.of()).forSource(source);
    assertThat(p).isNotNull();
    Normalized n = p.normalize(ev(uid, summary), ctx(source, null));
    assertThat(n).isNotNull();
    assertThat(n.kind()).isEqualTo(kind);
    assertThat(n.status()).isEqualTo(status);
    assertThat(n.summary()).isEqualTo(stored);
  }

  @Test
  void statusCancelledAndTransparentEvents() {
    ParsedEvent cancelled = new ParsedEvent("g1", "", DateRange.allDay(TODAY, TODAY.plusDays(1)), "x", null,
        "CANCELLED", null, 0, null, null, null, 1, Map.of());
    assertThat(ChannelProfiles.google().normalize(cancelled).status()).isEqualTo(EventStatus.CANCELLED);
    ParsedEvent free = new ParsedEvent("g2", "", DateRange.allDay(TODAY, TODAY.plusDays(1)), "x", null, null,
        "TRANSPARENT", 0, Instant.EPOCH, null, null, 1, Map.of());
    assertThat(ChannelProfiles.google().normalize(free)).as("free time takes nothing").isNull();
    assertThat(ChannelProfiles.outlook().normalize(free)).isNull();
  }

  @Test
  void airbnbRollingRulesGetStableIdentities() {
    ChannelProfile air = ChannelProfiles.airbnb();
    LocalDate horizon = TODAY.plusDays(365);
    Normalized window = air.normalize(ev("7f662ec65913-a@airbnb.com", "Airbnb (Not available)", TODAY.plusDays(90),
        horizon), ctx("airbnb", horizon));
    assertThat(window.uid()).isEqualTo("ics-sync-rule:booking-window");
    assertThat(window.isAvailabilityRule()).isTrue();
    Normalized notice = air.normalize(ev("7f662ec65913-b@airbnb.com", "Airbnb (Not available)", TODAY,
        TODAY.plusDays(2)), ctx("airbnb", horizon));
    assertThat(notice.uid()).isEqualTo("ics-sync-rule:advance-notice");
    // An owner's block in the middle of the calendar keeps its own UID.
    Normalized owner = air.normalize(ev("7f662ec65913-c@airbnb.com", "Airbnb (Not available)", TODAY.plusDays(20),
        TODAY.plusDays(25)), ctx("airbnb", horizon));
    assertThat(owner.uid()).isNull();
    // A reservation is never a rule, even at the end of the calendar.
    Normalized stay = air.normalize(ev("1418fb94e984-d@airbnb.com", "Reserved", TODAY.plusDays(300), horizon),
        ctx("airbnb", horizon));
    assertThat(stay.uid()).isNull();
  }

  @Test
  void detectionByProdIdAndUid() {
    assertThat(ChannelProfiles.detect("-//Airbnb Inc//Hosting Calendar 0.8.8//EN", "x")).get()
        .extracting(ChannelProfile::source).isEqualTo("airbnb");
    assertThat(ChannelProfiles.detect("-//admin.booking.com\\, b.v.//NONSGML v1.0//EN", "x")).get()
        .extracting(ChannelProfile::source).isEqualTo("booking");
    assertThat(ChannelProfiles.detect(null, "abc@booking.com")).get().extracting(ChannelProfile::source)
        .isEqualTo("booking");
    assertThat(ChannelProfiles.detect("-//HomeAway.com, Inc.//EN", "x")).get().extracting(ChannelProfile::source)
        .isEqualTo("vrbo");
    assertThat(ChannelProfiles.detect("-//Google Inc//Google Calendar 70.9054//EN", "x")).get()
        .extracting(ChannelProfile::source).isEqualTo("google");
    assertThat(ChannelProfiles.detect("Microsoft Exchange Server 2010", "x")).get()
        .extracting(ChannelProfile::source).isEqualTo("outlook");
    assertThat(ChannelProfiles.detect("-//Some PMS//EN", "x")).isEmpty();
  }

  @Test
  void registryResolvesAliasesHostProfilesAndFallsBackToGeneric() {
    ChannelProfile mine = new ChannelProfile() {
      @Override
      public String source() {
        return "mypms";
      }

      @Override
      public boolean recognises(@Nullable String prodId, String sampleUid) {
        return prodId != null && prodId.contains("MyPMS");
      }

      @Override
      public Normalized normalize(ParsedEvent event) {
        return new Normalized(EventKind.RESERVATION, EventStatus.CONFIRMED, "x");
      }
    };
    ProfileRegistry r = new ProfileRegistry(List.of(mine));
    assertThat(r.resolve("homeaway", null, List.of()).source()).isEqualTo("vrbo");
    assertThat(r.resolve("Booking.com", null, List.of()).source()).isEqualTo("booking");
    assertThat(r.resolve("mypms", null, List.of()).source()).isEqualTo("mypms");
    assertThat(r.resolve("ical", "-//MyPMS//EN", List.of()).source()).isEqualTo("mypms");
    assertThat(r.resolve("ical", "-//Unknown//EN", List.of("u1")).source()).isEqualTo("generic");
    assertThat(r.version()).isNotEqualTo(new ProfileRegistry(List.of()).version());
  }
}

package dev.icssync.export;

import static dev.icssync.export.ExportFixture.NOW;
import static dev.icssync.export.ExportFixture.PROPERTY;
import static dev.icssync.export.ExportFixture.TENANT;
import static dev.icssync.export.ExportFixture.d;
import static dev.icssync.export.ExportFixture.event;
import static dev.icssync.export.ExportFixture.stay;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.icssync.CalendarEvent;
import dev.icssync.DateRange;
import dev.icssync.EventKey;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.ExportView;
import dev.icssync.ExportedCalendar;
import dev.icssync.IcsSyncException.ConfigurationException;
import dev.icssync.PropertySettings;
import dev.icssync.internal.export.Exporter;
import dev.icssync.spi.ChannelProfile;
import dev.icssync.spi.ExportCache;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ExportViewTest {
  private final ExportFixture fx = new ExportFixture();

  private ExportedCalendar export(ExportView view) {
    return fx.sync().export(view);
  }

  private static String text(ExportedCalendar c) {
    return new String(c.body(), StandardCharsets.UTF_8);
  }

  private static List<String> values(ExportedCalendar c, String property) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^" + property + "(?:;[^:\\r\\n]*)?:([^\\r\\n]*)$")
        .matcher(text(c));
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static ExportView view() {
    return ExportView.forProperty(TENANT, PROPERTY);
  }

  @Test
  void availabilityRulesOfAChannelAreNotExportedUnlessAskedFor() {
    // Airbnb's advance notice and the dates past its booking window, as its profile stores them
    fx.put(event("airbnb-1", "airbnb", ChannelProfile.RULE_UID_PREFIX + "advance-notice",
            DateRange.allDay(d(6, 1), d(6, 3)), EventKind.BLOCK, EventStatus.CONFIRMED,
            "Airbnb (Not available)"),
        event("airbnb-1", "airbnb", ChannelProfile.RULE_UID_PREFIX + "booking-window",
            DateRange.allDay(d(9, 1), LocalDate.of(2027, 6, 1)), EventKind.BLOCK,
            EventStatus.CONFIRMED, "Airbnb (Not available)"),
        event("airbnb-1", "airbnb", "7f662ec65913-owner@airbnb.com",
            DateRange.allDay(d(7, 20), d(7, 22)), EventKind.BLOCK, EventStatus.CONFIRMED,
            "Airbnb (Not available)"),
        stay("airbnb-1", "airbnb", "1418fb94e984-a1@airbnb.com", d(7, 1), d(7, 5)));

    ExportedCalendar forBooking = export(view().forChannel("booking"));
    assertThat(values(forBooking, "DTSTART")).containsExactly("20260701", "20260720");
    ExportedCalendar merged = export(view());
    assertThat(merged.eventCount()).isEqualTo(2);

    ExportView withRules = view().forChannel("booking").withAvailabilityRules(true);
    assertThat(withRules.availabilityRules()).isTrue();
    assertThat(values(export(withRules), "DTSTART"))
        .containsExactly("20260601", "20260701", "20260720", "20260901");
    assertThat(Exporter.cacheKey(withRules, d(6, 1)))
        .isNotEqualTo(Exporter.cacheKey(view().forChannel("booking"), d(6, 1)));
  }

  @Test
  void airbnbExportExcludesTheAirbnbImportedStaysButIncludesTheBookingOnes() {
    fx.put(stay("airbnb-1", "airbnb", "a1@airbnb.com", d(7, 1), d(7, 5)),
        stay("airbnb-1", "airbnb", "a2@airbnb.com", d(8, 1), d(8, 3)),
        stay("booking-1", "booking", "b1@booking.com", d(7, 10), d(7, 12)),
        stay("vrbo-1", "vrbo", "v1", d(9, 1), d(9, 4)));

    ExportedCalendar forAirbnb = export(view().forChannel("airbnb"));
    assertThat(values(forAirbnb, "DTSTART")).containsExactly("20260710", "20260901");

    ExportedCalendar forBooking = export(view().forChannel("Booking"));
    assertThat(values(forBooking, "DTSTART")).containsExactly("20260701", "20260801", "20260901");

    ExportedCalendar merged = export(view());
    assertThat(merged.eventCount()).isEqualTo(4);
    assertThat(values(merged, "DTSTART"))
        .containsExactly("20260701", "20260710", "20260801", "20260901");
  }

  @Test
  void paddingWidensEveryEventByWholeDays() {
    fx.put(stay("booking-1", "booking", "b1", d(7, 10), d(7, 12)),
        event("vrbo-1", "vrbo", "blk", DateRange.allDay(d(8, 1), d(8, 2)), EventKind.BLOCK,
            EventStatus.CONFIRMED, "Blocked"));

    ExportedCalendar padded = export(view().withPadding(1, 2));
    assertThat(values(padded, "DTSTART")).containsExactly("20260709", "20260731");
    assertThat(values(padded, "DTEND")).containsExactly("20260714", "20260804");
    assertThat(values(export(view()), "DTEND")).containsExactly("20260712", "20260802");
  }

  @Test
  void pastEventsAreDroppedAndEventsRunningAcrossTodayAreKeptWhole() {
    fx.put(stay("booking-1", "booking", "gone", d(5, 20), d(5, 25)),
        stay("booking-1", "booking", "checkout-today", d(5, 28), d(6, 1)),
        stay("booking-1", "booking", "running", d(5, 30), d(6, 3)),
        stay("booking-1", "booking", "future", d(6, 10), d(6, 12)));

    ExportedCalendar c = export(view());
    assertThat(values(c, "DTSTART")).containsExactly("20260530", "20260610");

    // one turnover day after each stay keeps today blocked after a check-out today
    assertThat(values(export(view().withPadding(0, 1)), "DTSTART"))
        .containsExactly("20260528", "20260530", "20260610");
  }

  @Test
  void horizonDropsEventsStartingOnOrAfterTodayPlusHorizon() {
    LocalDate today = ExportFixture.TODAY;
    fx.put(stay("booking-1", "booking", "last-day", today.plusDays(729), today.plusDays(731)),
        stay("booking-1", "booking", "beyond", today.plusDays(730), today.plusDays(732)),
        stay("booking-1", "booking", "soon", today.plusDays(20), today.plusDays(40)));

    assertThat(values(export(view()), "DTSTART")).containsExactly("20260621", "20280530");
    assertThat(values(export(view().withHorizon(Duration.ofDays(30))), "DTSTART"))
        .containsExactly("20260621");
    assertThat(values(export(view().withHorizon(Duration.ofDays(20))), "DTSTART")).isEmpty();
  }

  @Test
  void onlyTheKindsAskedForAreExportedAndCancelledEventsNever() {
    fx.put(stay("vrbo-1", "vrbo", "res", d(7, 1), d(7, 3)),
        event("vrbo-1", "vrbo", "blk", DateRange.allDay(d(7, 5), d(7, 6)), EventKind.BLOCK,
            EventStatus.CONFIRMED, "Blocked"),
        event("vrbo-1", "vrbo", "hold", DateRange.allDay(d(7, 8), d(7, 9)), EventKind.TENTATIVE,
            EventStatus.TENTATIVE, "Provisoire - Jean"),
        event("vrbo-1", "vrbo", "meeting", DateRange.allDay(d(7, 11), d(7, 12)), EventKind.EVENT,
            EventStatus.CONFIRMED, "Dentist"),
        event("vrbo-1", "vrbo", "cancelled", DateRange.allDay(d(7, 14), d(7, 15)),
            EventKind.RESERVATION, EventStatus.CANCELLED, "Reserved"));

    // by default every kind that blocks dates: a personal calendar's event too (SyncConfig.personalEventsBlock)
    assertThat(values(export(view()), "DTSTART")).containsExactly("20260701", "20260705", "20260708", "20260711");
    assertThat(values(export(view()), "STATUS")).containsExactly("TENTATIVE");
    assertThat(values(export(view().withKinds(EventKind.BLOCK)), "DTSTART")).containsExactly("20260705");
    assertThat(values(export(view().withKinds(EventKind.RESERVATION, EventKind.EVENT)), "DTSTART"))
        .containsExactly("20260701", "20260711");
  }

  @Test
  void neutralPrivacyShowsNoGuestDataAndNoSourceUid() {
    fx.put(stay("airbnb-1", "airbnb", "1418fb94e984-0123456789abcdef0123456789abcdef@airbnb.com",
            d(7, 1), d(7, 5)),
        event("booking-1", "booking", "b9@booking.com", DateRange.allDay(d(7, 9), d(7, 10)),
            EventKind.BLOCK, EventStatus.CONFIRMED, "CLOSED - Not available"));

    ExportedCalendar c = export(view());
    String body = text(c);
    assertThat(values(c, "SUMMARY")).containsExactly("Reserved", "Not available");
    assertThat(body).doesNotContain("DESCRIPTION", "John", "airbnb", "booking", "0123456789abcdef");
    assertThat(values(c, "UID")).allMatch(u -> u.matches("[0-9a-f]{32}@ics-sync"));
  }

  @Test
  void detailedPrivacyIsOptIn() {
    fx.put(stay("booking-1", "booking", "b1", d(7, 1), d(7, 5)));
    ExportedCalendar c = export(view().withPrivacy(ExportView.Privacy.DETAILED));
    assertThat(values(c, "SUMMARY")).containsExactly("Reserved - John Doe");
    assertThat(values(c, "DESCRIPTION")).containsExactly("Source: booking\\nKind: reservation");
    assertThat(values(c, "UID").get(0)).doesNotContain("b1");
  }

  @Test
  void sameStoredEventsGiveTheSameBytesWhateverTheInsertionOrder() {
    List<CalendarEvent> events = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      String feed = i % 3 == 0 ? "airbnb-1" : i % 3 == 1 ? "booking-1" : "vrbo-1";
      String source = feed.substring(0, feed.indexOf('-'));
      // several events share a start day so the tie-breaks matter
      events.add(stay(feed, source, "uid-" + i, d(7, 1).plusDays(i / 4), d(7, 3).plusDays(i / 3)));
    }
    fx.put(events);
    ExportedCalendar first = export(view());
    ExportedCalendar again = export(view());

    ExportFixture other = new ExportFixture();
    List<CalendarEvent> shuffled = new ArrayList<>(events);
    Collections.shuffle(shuffled, new java.util.Random(7));
    Collections.reverse(shuffled);
    other.put(shuffled);
    other.clock = Clock.fixed(NOW.plusSeconds(3600), java.time.ZoneOffset.UTC); // same day, later
    ExportedCalendar elsewhere = other.sync().export(view());

    assertThat(again.body()).isEqualTo(first.body());
    assertThat(elsewhere.body()).isEqualTo(first.body());
    assertThat(elsewhere.etag()).isEqualTo(first.etag()).matches("\"[0-9a-f]{32}\"");
    assertThat(first.eventCount()).isEqualTo(60);
    assertThat(text(first)).doesNotContain("20260601T10"); // no "now" anywhere
  }

  @Test
  void dtstampIsTheLastChangeAndSequenceFollowsTheStoredOne() {
    CalendarEvent e = stay("booking-1", "booking", "b1", d(7, 1), d(7, 5));
    fx.put(e);
    ExportedCalendar before = export(view());
    assertThat(values(before, "DTSTAMP")).containsExactly("20260501T080000Z");
    assertThat(values(before, "SEQUENCE")).containsExactly("1");

    Instant changed = Instant.parse("2026-05-20T12:34:56.789Z");
    CalendarEvent moved = CalendarEvent.builder()
        .key(e.key())
        .property(e.property())
        .source(e.source())
        .range(DateRange.allDay(d(7, 2), d(7, 5)))
        .kind(e.kind())
        .status(e.status())
        .summary(e.summary())
        .fingerprint(43L)
        .firstSeen(e.firstSeen())
        .lastSeen(changed)
        .lastChanged(changed)
        .sequence(2)
        .build();
    fx.put(moved);
    ExportedCalendar after = export(view());
    assertThat(values(after, "DTSTAMP")).containsExactly("20260520T123456Z");
    assertThat(values(after, "SEQUENCE")).containsExactly("2");
    assertThat(values(after, "UID")).isEqualTo(values(before, "UID"));
    assertThat(after.etag()).isNotEqualTo(before.etag());
  }

  @Test
  void lastModifiedIsTheNewestChangeIncludingCancellationsButNeverBeforeTheDayStarts() {
    fx.put(stay("booking-1", "booking", "b1", d(7, 1), d(7, 5)));
    assertThat(export(view()).lastModified()).isEqualTo(Instant.parse("2026-06-01T00:00:00Z"));

    Instant cancelled = Instant.parse("2026-06-01T09:00:00Z");
    fx.put(stay("booking-1", "booking", "b1", d(7, 1), d(7, 5)).cancel(cancelled));
    ExportedCalendar c = export(view());
    assertThat(c.eventCount()).isZero();
    assertThat(c.lastModified()).isEqualTo(cancelled);
  }

  @Test
  void placeholderKeepsAnEmptyFeedNonEmptyOnlyWhenAskedFor() {
    ExportedCalendar empty = export(view());
    assertThat(empty.eventCount()).isZero();
    assertThat(text(empty)).doesNotContain("BEGIN:VEVENT");

    ExportedCalendar withPlaceholder = export(view().withPlaceholder(true));
    assertThat(withPlaceholder.eventCount()).isEqualTo(1);
    assertThat(values(withPlaceholder, "DTSTART")).containsExactly("20000101");
    assertThat(values(withPlaceholder, "TRANSP")).containsExactly("TRANSPARENT");
    assertThat(export(view().withPlaceholder(LocalDate.of(2020, 2, 2))).body())
        .asString(StandardCharsets.UTF_8).contains("DTSTART;VALUE=DATE:20200202");

    fx.put(stay("booking-1", "booking", "b1", d(7, 1), d(7, 5)));
    ExportedCalendar notEmpty = export(view().withPlaceholder(true));
    assertThat(notEmpty.eventCount()).isEqualTo(1);
    assertThat(values(notEmpty, "DTSTART")).containsExactly("20260701");
  }

  @Test
  void timedEventsAreWrittenInUtcAndFilteredByTheDay() {
    fx.put(event("vrbo-1", "vrbo", "timed", DateRange.timed(Instant.parse("2026-07-01T14:00:00Z"),
            Instant.parse("2026-07-04T09:00:00Z")), EventKind.RESERVATION, EventStatus.CONFIRMED, "x"),
        event("vrbo-1", "vrbo", "this-morning", DateRange.timed(Instant.parse("2026-05-30T14:00:00Z"),
            Instant.parse("2026-06-01T09:00:00Z")), EventKind.RESERVATION, EventStatus.CONFIRMED, "x"),
        event("vrbo-1", "vrbo", "yesterday", DateRange.timed(Instant.parse("2026-05-29T14:00:00Z"),
            Instant.parse("2026-05-31T09:00:00Z")), EventKind.RESERVATION, EventStatus.CONFIRMED, "x"));
    ExportedCalendar c = export(view());
    assertThat(values(c, "DTSTART")).containsExactly("20260530T140000Z", "20260701T140000Z");
    assertThat(values(c, "DTEND")).containsExactly("20260601T090000Z", "20260704T090000Z");
  }

  @Test
  void todayIsTheDayInThePropertysZone() {
    fx.store.saveProperty(new PropertySettings(TENANT, PROPERTY, ZoneId.of("Pacific/Auckland"),
        PropertySettings.DEFAULT_CHECK_IN, PropertySettings.DEFAULT_CHECK_OUT));
    fx.put(stay("booking-1", "booking", "b1", d(5, 30), d(6, 2)));
    fx.clock = Clock.fixed(Instant.parse("2026-06-01T13:00:00Z"), java.time.ZoneOffset.UTC);
    // 13:00 UTC is already 2 June in Auckland: the stay checked out today there
    assertThat(export(view()).eventCount()).isZero();
    fx.clock = Clock.fixed(Instant.parse("2026-06-01T11:00:00Z"), java.time.ZoneOffset.UTC);
    assertThat(export(view()).eventCount()).isEqualTo(1);
  }

  @Test
  void rendersAreCachedPerViewAndDayAndDroppedOnInvalidate() {
    MapCache cache = new MapCache();
    fx.put(stay("booking-1", "booking", "b1", d(7, 1), d(7, 5)));
    ExportedCalendar first = fx.sync(cache).export(view());
    fx.put(stay("booking-1", "booking", "b2", d(8, 1), d(8, 5)));
    assertThat(fx.sync(cache).export(view()).body()).isEqualTo(first.body()); // served from cache
    assertThat(fx.sync(cache).export(view().forChannel("airbnb")).eventCount()).isEqualTo(2);

    cache.invalidate(TENANT, PROPERTY);
    assertThat(fx.sync(cache).export(view()).eventCount()).isEqualTo(2);

    fx.clock = Clock.offset(fx.clock, Duration.ofDays(1));
    assertThat(fx.sync(cache).export(view()).lastModified())
        .isEqualTo(Instant.parse("2026-06-02T00:00:00Z")); // new day, new key
  }

  @Test
  void viewRejectsBadValuesNamingTheParameter() {
    assertThatThrownBy(() -> view().withPadding(-1, 0)).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("paddingDaysBefore");
    assertThatThrownBy(() -> view().withPadding(0, 400)).hasMessageContaining("paddingDaysAfter");
    assertThatThrownBy(() -> view().withHorizon(Duration.ofHours(36))).hasMessageContaining("horizon");
    assertThatThrownBy(() -> view().withHorizon(Duration.ofDays(5000))).hasMessageContaining("horizon");
    assertThatThrownBy(() -> view().withKinds(java.util.Set.of())).hasMessageContaining("kinds");
    assertThatThrownBy(() -> view().forChannel(" ")).hasMessageContaining("channel");
    assertThatThrownBy(() -> ExportView.forProperty(" ", "p")).hasMessageContaining("tenant");
    assertThat(view().horizon()).isEqualTo(Duration.ofDays(730));
    assertThat(view().privacy()).isEqualTo(ExportView.Privacy.NEUTRAL);
  }

  @Test
  void surrogateKeyIsOneHeaderSafeTokenPerProperty() {
    String k = ExportView.surrogateKey(TENANT, PROPERTY);
    assertThat(k).matches("ics-p-[0-9a-f]{32}").isEqualTo(view().surrogateKey());
    assertThat(ExportView.surrogateKey(TENANT, "other")).isNotEqualTo(k);
    assertThat(ExportView.surrogateKey("t1\nvilla", "7")).isNotEqualTo(ExportView.surrogateKey("t1", "villa\n7"));
    assertThat(ExportView.surrogateKeys(TENANT, PROPERTY)).containsExactly(k);
  }

  @Test
  void recurrenceInstancesGetTheirOwnStableUids() {
    CalendarEvent a = stay("vrbo-1", "vrbo", "series", d(7, 1), d(7, 2));
    CalendarEvent b = CalendarEvent.builder()
        .key(new EventKey(TENANT, "vrbo-1", "series", "20260708"))
        .property(PROPERTY)
        .source("vrbo")
        .range(DateRange.allDay(d(7, 8), d(7, 9)))
        .kind(EventKind.BLOCK)
        .summary("x")
        .fingerprint(1)
        .firstSeen(a.firstSeen())
        .lastSeen(a.lastSeen())
        .lastChanged(a.lastChanged())
        .build();
    fx.put(a, b);
    List<String> uids = values(export(view()), "UID");
    assertThat(uids).hasSize(2).doesNotHaveDuplicates();
  }

  /** A plain map: enough to see the exporter use the cache SPI. */
  static final class MapCache implements ExportCache {
    final Map<String, ExportedCalendar> map = new HashMap<>();
    final Map<String, String> owner = new HashMap<>();

    @Override
    public Optional<ExportedCalendar> get(String viewKey) {
      return Optional.ofNullable(map.get(viewKey));
    }

    @Override
    public void put(String viewKey, String tenant, String property, ExportedCalendar calendar) {
      map.put(viewKey, calendar);
      owner.put(viewKey, tenant + "/" + property);
    }

    @Override
    public void invalidate(String tenant, String property) {
      owner.entrySet().removeIf(e -> {
        boolean mine = e.getValue().equals(tenant + "/" + property);
        if (mine) {
          map.remove(e.getKey());
        }
        return mine;
      });
    }
  }
}

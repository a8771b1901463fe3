package dev.icssync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.spi.FetchResult;
import dev.icssync.spi.Store;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The library owns adding, updating, removing and reactivating a feed; the CLI only calls it. */
class DomainOperationsTest {
  private static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");
  private static final String ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
      + "BEGIN:VEVENT\r\nUID:a@x\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20260710\r\n"
      + "DTEND;VALUE=DATE:20260714\r\nSUMMARY:Reserved\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

  private final Store store = Store.inMemory();
  private final IcsSync sync = IcsSync.builder().store(store)
      .fetcher(request -> FetchResult.Fetched.of(ICS.getBytes(StandardCharsets.UTF_8)))
      .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
  private final Feed feed = Feed.builder("t1", "f1").property("p1").source("airbnb")
      .url("https://x.test/a.ics?s=secret").build();

  @Test
  void theBuilderTakesTheTenantFirstAndMakesWhatTheOldFactoryMade() {
    @SuppressWarnings("deprecation")
    Feed old = Feed.of("f1", "t1", "p1", "airbnb", "https://x.test/a.ics?s=secret");
    assertThat(feed).isEqualTo(old);
    assertThat(feed.toBuilder().pollInterval(Duration.ofHours(1)).active(false).priority(3).build())
        .isEqualTo(new Feed("f1", "t1", "p1", "airbnb", "https://x.test/a.ics?s=secret", Duration.ofHours(1),
            false, 3));
  }

  @Test
  void savingAFeedGivesANewPropertyDefaultSettings() {
    sync.saveFeed(feed);
    assertThat(sync.feed("t1", "f1")).contains(feed);
    assertThat(sync.feeds("t1")).containsExactly(feed);
    assertThat(sync.property("t1", "p1")).contains(PropertySettings.defaults("t1", "p1"));
    sync.saveFeed(feed.withPollInterval(Duration.ofHours(2)));
    assertThat(sync.feed("t1", "f1").orElseThrow().pollInterval()).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void removingAFeedDeactivatesItAndCancelsItsEventsAndReactivatingBringsThemBack() {
    sync.saveFeed(feed);
    assertThat(sync.syncFeed("t1", "f1").outcome()).isEqualTo(SyncOutcome.APPLIED);

    assertThat(sync.removeFeed("t1", "f1")).hasValue(1);
    assertThat(sync.feed("t1", "f1").orElseThrow().active()).isFalse();
    assertThat(store.eventsOfFeed("t1", "f1")).allMatch(CalendarEvent::isCancelled).hasSize(1);
    assertThat(sync.removeFeed("t1", "nope")).isEmpty();

    assertThat(sync.reactivateFeed("t1", "f1")).hasValueSatisfying(f -> assertThat(f.active()).isTrue());
    assertThat(sync.feedState("t1", "f1").contentDigest()).isNull();
    assertThat(sync.syncFeed("t1", "f1").outcome()).isEqualTo(SyncOutcome.APPLIED);
    assertThat(store.eventsOfFeed("t1", "f1")).allMatch(CalendarEvent::isActive);
    assertThat(sync.reactivateFeed("t1", "nope")).isEmpty();
  }
}

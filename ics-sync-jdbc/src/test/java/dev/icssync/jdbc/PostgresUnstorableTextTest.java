package dev.icssync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.icssync.CalendarEvent;
import dev.icssync.DateRange;
import dev.icssync.EventKey;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.IcsSync;
import dev.icssync.IcsSyncException;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.spi.FeedApply;
import dev.icssync.spi.FetchResult;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A UID with a NUL character in an Airbnb feed, through the real {@link JdbcStore} on PostgreSQL:
 * PostgreSQL refuses 0x00 in text (SQL state 22021), which used to fail every sync of the feed, so
 * its new bookings were never imported while the feed looked healthy.
 */
@Tag("postgres")
class PostgresUnstorableTextTest {
  static final String T = "t1";
  static final Instant NOW = Instant.parse("2026-06-10T12:00:00Z");
  static final LocalDate D = LocalDate.of(2026, 7, 1);

  static String calendar(String... uids) {
    StringBuilder sb = new StringBuilder("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
        + "PRODID:-//Airbnb Inc//Hosting Calendar 1.0//EN\r\n");
    for (int i = 0; i < uids.length; i++) {
      LocalDate in = D.plusDays(10L * i);
      sb.append("BEGIN:VEVENT\r\nDTSTAMP:20260610T120000Z\r\nDTSTART;VALUE=DATE:")
          .append(in.toString().replace("-", "")).append("\r\nDTEND;VALUE=DATE:")
          .append(in.plusDays(4).toString().replace("-", "")).append("\r\nUID:").append(uids[i])
          .append("\r\nSUMMARY:Reserved\r\nEND:VEVENT\r\n");
    }
    return sb.append("END:VCALENDAR\r\n").toString();
  }

  @Test
  void aNulInAUidNoLongerBlocksTheFeedsNewBookings() {
    try (TestDatabase db = TestDatabases.postgres("jdbc_unstorable_text")) {
      JdbcStore.migrate(db.dataSource());
      JdbcStore store = JdbcStore.create(db.dataSource());
      store.saveFeed(Feed.builder(T, "air").property("villa").source("airbnb").url("https://www.airbnb.com/calendar/ical/1.ics?s=x").build());

      // What the database itself does with the raw UID: the reason core makes text storable.
      FeedState begun = store.beginSync(T, "air", NOW);
      CalendarEvent raw = CalendarEvent.builder()
          .key(EventKey.of(T, "air", "bad\u0000uid@airbnb.com"))
          .property("villa")
          .source("airbnb")
          .range(DateRange.allDay(D, D.plusDays(2)))
          .kind(EventKind.RESERVATION)
          .summary("Reserved")
          .fingerprint(1L)
          .firstSeen(NOW)
          .lastSeen(NOW)
          .lastChanged(NOW)
          .build();
      assertThatThrownBy(() -> store.apply(new FeedApply(T, "air", List.of(), List.of(raw), begun, null)))
          .isInstanceOf(IcsSyncException.StorageException.class).hasMessageContaining("22021");

      AtomicReference<String> body = new AtomicReference<>(
          calendar("good-1@airbnb.com", "bad\u0000uid@airbnb.com"));
      try (IcsSync sync = IcsSync.builder().store(store).clock(Clock.fixed(NOW, ZoneOffset.UTC))
          .fetcher(r -> FetchResult.Fetched.of(body.get().getBytes(StandardCharsets.UTF_8))).build()) {
        SyncReport first = sync.syncFeed(T, "air");

        assertThat(first.outcome()).as(first.message()).isEqualTo(SyncOutcome.APPLIED);
        assertThat(first.counts().created()).isEqualTo(2);

        // a new booking in the same feed is imported; the NUL event keeps its identity
        body.set(calendar("good-1@airbnb.com", "bad\u0000uid@airbnb.com", "new-3@airbnb.com"));
        SyncReport second = sync.syncFeed(T, "air");

        assertThat(second.outcome()).as(second.message()).isEqualTo(SyncOutcome.APPLIED);
        assertThat(second.counts().created()).isEqualTo(1);
        assertThat(second.counts().updated()).isZero();
        assertThat(second.counts().cancelled()).isZero();
        assertThat(store.eventsOfFeed(T, "air")).hasSize(3)
            .allSatisfy(e -> assertThat(e.status()).isEqualTo(EventStatus.CONFIRMED))
            .extracting(e -> e.key().uid()).contains("good-1@airbnb.com", "new-3@airbnb.com")
            .noneMatch(uid -> uid.indexOf('\u0000') >= 0);
        FeedState state = store.state(T, "air");
        assertThat(state.consecutiveFailures()).isZero();
        assertThat(state.lastError()).isNull();
        assertThat(state.lastSuccess()).isEqualTo(NOW);
      }
    }
  }
}

package dev.icssync.export;

import dev.icssync.CalendarEvent;
import dev.icssync.DateRange;
import dev.icssync.EventKey;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.FailureReason;
import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.IcsSync;
import dev.icssync.spi.ExportCache;
import dev.icssync.spi.FeedApply;
import dev.icssync.spi.FetchResult;
import dev.icssync.spi.Store;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Events put straight into a store, as a sync would leave them. */
final class ExportFixture {
  static final String TENANT = "t1";
  static final String PROPERTY = "villa-7";
  static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");
  static final LocalDate TODAY = LocalDate.of(2026, 6, 1);

  final Store store = Store.inMemory();
  Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  ExportFixture() {
    feed("airbnb-1", "airbnb");
    feed("booking-1", "booking");
    feed("vrbo-1", "vrbo");
  }

  void feed(String id, String source) {
    store.saveFeed(Feed.builder(TENANT, id).property(PROPERTY).source(source).url("https://example.com/" + id + ".ics?s=secret").build());
  }

  IcsSync sync() {
    return sync(ExportCache.none());
  }

  IcsSync sync(ExportCache cache) {
    return IcsSync.builder()
        .store(store)
        .fetcher(req -> FetchResult.Failed.of(FailureReason.NETWORK, "no network in tests"))
        .clock(clock)
        .exportCache(cache)
        .build();
  }

  static CalendarEvent stay(String feedId, String source, String uid, LocalDate start, LocalDate end) {
    return event(feedId, source, uid, DateRange.allDay(start, end), EventKind.RESERVATION,
        EventStatus.CONFIRMED, "Reserved - John Doe");
  }

  static CalendarEvent event(String feedId, String source, String uid, DateRange range, EventKind kind,
      EventStatus status, String summary) {
    Instant changed = Instant.parse("2026-05-01T08:00:00Z");
    return CalendarEvent.builder()
        .key(new EventKey(TENANT, feedId, uid, ""))
        .property(PROPERTY)
        .source(source)
        .range(range)
        .kind(kind)
        .status(status)
        .summary(summary)
        .fingerprint(42L)
        .firstSeen(changed)
        .lastSeen(changed)
        .lastChanged(changed)
        .sequence(1)
        .cancelledAt(status == EventStatus.CANCELLED ? changed : null)
        .build();
  }

  /** Stores {@code events} (all of one feed) as one apply, the way the engine does. */
  void put(List<CalendarEvent> events) {
    List<String> feeds = events.stream().map(CalendarEvent::feedId).distinct().toList();
    for (String f : feeds) {
      FeedState s = store.beginSync(TENANT, f, NOW);
      List<CalendarEvent> mine = new ArrayList<>();
      for (CalendarEvent e : events) {
        if (e.feedId().equals(f)) {
          mine.add(e);
        }
      }
      store.apply(new FeedApply(TENANT, f, List.of(), mine, s, null));
    }
  }

  void put(CalendarEvent... events) {
    put(List.of(events));
  }

  static LocalDate d(int month, int day) {
    return LocalDate.of(2026, month, day);
  }
}

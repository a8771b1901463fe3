package dev.icssync.bench.export;

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
import java.util.Random;

/** A property with {@code n} stored events over three channels, as a sync leaves them. */
final class ExportData {
  static final String TENANT = "tenant-1";
  static final String PROPERTY = "villa-7";
  static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");
  private static final String[] SOURCES = {"airbnb", "booking", "vrbo"};

  private ExportData() {}

  static Store store(int n) {
    Store store = Store.inMemory();
    Random random = new Random(42);
    LocalDate today = LocalDate.of(2026, 6, 1);
    for (String source : SOURCES) {
      store.saveFeed(Feed.builder(TENANT, source + "-1").property(PROPERTY).source(source).url("https://example.com/" + source + ".ics").build());
      List<CalendarEvent> events = new ArrayList<>();
      for (int i = 0; i < n / SOURCES.length + (source.equals("airbnb") ? n % SOURCES.length : 0); i++) {
        LocalDate start = today.plusDays(random.nextInt(720));
        LocalDate end = start.plusDays(1 + random.nextInt(10));
        Instant changed = NOW.minusSeconds(random.nextInt(90 * 86400));
        boolean block = random.nextInt(5) == 0;
        events.add(CalendarEvent.builder()
            .key(EventKey.of(TENANT, source + "-1", String.format("%032x@%s.com", random.nextLong() & Long.MAX_VALUE, source)))
            .property(PROPERTY)
            .source(source)
            .range(DateRange.allDay(start, end))
            .kind(block ? EventKind.BLOCK : EventKind.RESERVATION)
            .summary(block ? "Not available" : "Reserved")
            .fingerprint(random.nextLong())
            .firstSeen(changed)
            .lastSeen(NOW)
            .lastChanged(changed)
            .sequence(random.nextInt(4))
            .build());
      }
      FeedState s = store.beginSync(TENANT, source + "-1", NOW);
      store.apply(new FeedApply(TENANT, source + "-1", List.of(), events, s, null));
    }
    return store;
  }

  static IcsSync sync(Store store, ExportCache cache, Clock clock) {
    return IcsSync.builder()
        .store(store)
        .fetcher(r -> FetchResult.Failed.of(FailureReason.NETWORK, "benchmarks do not fetch"))
        .clock(clock)
        .exportCache(cache)
        .build();
  }

  static Clock clock() {
    return Clock.fixed(NOW, ZoneOffset.UTC);
  }
}

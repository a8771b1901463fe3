package dev.icssync.internal.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.ExportView;
import dev.icssync.ExportedCalendar;
import dev.icssync.Feed;
import dev.icssync.spi.ExportCache;
import dev.icssync.spi.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * {@link Exporter#cached}, the look-up a server makes where it must not block: within one day and
 * one store revision it builds the view's cache key once, yet the day's end and any write that
 * moves the revision are seen on the very next look-up.
 */
class ExporterCachedTest {
  private Instant now = Instant.parse("2026-06-01T10:00:00Z");
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };
  private final Store store = Store.inMemory();
  private final ExportCache cache = new ExportCache() {
    private final ConcurrentHashMap<String, ExportedCalendar> map = new ConcurrentHashMap<>();

    @Override
    public Optional<ExportedCalendar> get(String viewKey) {
      return Optional.ofNullable(map.get(viewKey));
    }

    @Override
    public void put(String viewKey, String tenant, String property, ExportedCalendar calendar) {
      map.put(viewKey, calendar);
    }

    @Override
    public void invalidate(String tenant, String property) {
      map.clear();
    }
  };
  private final Exporter exporter = new Exporter(store, clock, cache);
  private final ExportView view = ExportView.forProperty("t1", "villa-7").forChannel("airbnb");

  @Test
  void aViewLookedUpAgainTheSameDayBuildsNoKey() {
    ExportedCalendar rendered = exporter.export(view);
    assertThat(exporter.cached(view)).containsSame(rendered);
    long built = exporter.dayKeysBuilt();
    for (int i = 0; i < 5; i++) {
      now = now.plus(Duration.ofHours(2));
      assertThat(exporter.cached(ExportView.forProperty("t1", "villa-7").forChannel("airbnb")))
          .containsSame(rendered);
    }
    assertThat(exporter.dayKeysBuilt()).isEqualTo(built);
  }

  @Test
  void theDaysEndIsSeenOnTheNextLookUp() {
    ExportedCalendar today = exporter.export(view);
    assertThat(exporter.cached(view)).containsSame(today);
    now = Instant.parse("2026-06-01T23:59:59.999Z");
    assertThat(exporter.cached(view)).containsSame(today);
    now = Instant.parse("2026-06-02T00:00:00Z");
    assertThat(exporter.cached(view)).isEmpty(); // tomorrow's key: not rendered yet
    ExportedCalendar tomorrow = exporter.export(view);
    assertThat(exporter.cached(view)).containsSame(tomorrow);
  }

  @Test
  void aWriteThatMovesTheRevisionIsSeenOnTheNextLookUp() {
    exporter.export(view);
    assertThat(exporter.cached(view)).isPresent();
    store.saveFeed(Feed.builder("t1", "airbnb-1").property("villa-7").source("airbnb")
        .url("https://example.com/a.ics").build());
    assertThat(exporter.cached(view)).isEmpty(); // the zone may have changed: export reads it again
    exporter.export(view);
    assertThat(exporter.cached(view)).isPresent();
  }
}

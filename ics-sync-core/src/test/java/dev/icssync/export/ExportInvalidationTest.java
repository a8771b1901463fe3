package dev.icssync.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.ExportView;
import dev.icssync.ExportedCalendar;
import dev.icssync.FailureReason;
import dev.icssync.Feed;
import dev.icssync.IcsSync;
import dev.icssync.PropertySettings;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.spi.ExportCache;
import dev.icssync.spi.FeedFetcher;
import dev.icssync.spi.FetchRequest;
import dev.icssync.spi.FetchResult;
import dev.icssync.spi.PurgeHook;
import dev.icssync.spi.Store;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A sync that changes a property's events, or a change of its settings, drops the property's
 * cached exports and tells the purge hook its surrogate keys; nothing else does.
 */
class ExportInvalidationTest {
  static final String T = "t1";
  static final String P = "villa-7";
  static final String OTHER = "casa-9";
  // 13:00 UTC: still 10 June in UTC, already 11 June in Auckland
  static final Instant NOW = Instant.parse("2026-06-10T13:00:00Z");
  static final LocalDate D = LocalDate.of(2026, 6, 10);

  final Store store = Store.inMemory();
  final Script fetcher = new Script();
  final MapCache cache = new MapCache();
  final List<Set<String>> purges = Collections.synchronizedList(new ArrayList<>());
  final IcsSync sync = IcsSync.builder()
      .store(store)
      .fetcher(fetcher)
      .clock(Clock.fixed(NOW, ZoneOffset.UTC))
      .exportCache(cache)
      .purgeHook(purges::add)
      .build();

  ExportInvalidationTest() {
    store.saveFeed(Feed.builder(T, "air").property(P).source("airbnb").url("https://cal.example.com/air.ics?t=secret").build());
    store.saveFeed(Feed.builder(T, "other").property(OTHER).source("airbnb").url("https://cal.example.com/other.ics?t=secret").build());
  }

  static ExportView view() {
    return ExportView.forProperty(T, P);
  }

  static String text(ExportedCalendar c) {
    return new String(c.body(), StandardCharsets.UTF_8);
  }

  @Test
  void syncThatChangesEventsDropsTheCachedExportAndPurgesOnce() {
    fetcher.body("air", Airbnb.of().stay("a1", D.plusDays(3), D.plusDays(7)).build())
        .body("air", Airbnb.of().stay("a1", D.plusDays(3), D.plusDays(7)).stay("a2", D.plusDays(20), D.plusDays(24))
            .build());
    assertThat(sync.syncFeed(T, "air").outcome()).isEqualTo(SyncOutcome.APPLIED);
    purges.clear();
    cache.invalidations.clear();

    ExportedCalendar before = sync.export(view());
    assertThat(before.eventCount()).isEqualTo(1);
    assertThat(cache.map).hasSize(1);
    assertThat(sync.export(view())).as("second export served from the cache").isSameAs(before);

    SyncReport r = sync.syncFeed(T, "air");
    assertThat(r.outcome()).isEqualTo(SyncOutcome.APPLIED);
    assertThat(r.counts().created()).isEqualTo(1);
    assertThat(purges).containsExactly(ExportView.surrogateKeys(T, P));
    assertThat(cache.invalidations).containsExactly(T + "/" + P);
    assertThat(cache.map).isEmpty();

    ExportedCalendar after = sync.export(view());
    assertThat(after.eventCount()).isEqualTo(2);
    assertThat(after.body()).isNotEqualTo(before.body());
    assertThat(text(after)).contains("DTSTART;VALUE=DATE:20260630");
  }

  @Test
  void syncThatChangesNothingKeepsTheCacheAndDoesNotPurge() {
    String body = Airbnb.of().stay("a1", D.plusDays(3), D.plusDays(7)).build();
    fetcher.body("air", body).body("air", body.replace("DTSTAMP:20260610T120000Z", "DTSTAMP:20260610T125900Z"))
        .body("air", body);
    sync.syncFeed(T, "air");
    purges.clear();
    cache.invalidations.clear();
    ExportedCalendar cached = sync.export(view());

    assertThat(sync.syncFeed(T, "air").outcome()).as("only DTSTAMP moved").isEqualTo(SyncOutcome.UNCHANGED);
    assertThat(sync.syncFeed(T, "air", dev.icssync.SyncMode.RELOAD).counts().created()).isZero();
    assertThat(purges).isEmpty();
    assertThat(cache.invalidations).isEmpty();
    assertThat(cache.map).hasSize(1);
    assertThat(sync.export(view())).isSameAs(cached);
  }

  @Test
  void failedFetchDoesNotPurge() {
    fetcher.body("air", Airbnb.of().stay("a1", D.plusDays(3), D.plusDays(7)).build())
        .then("air", r -> FetchResult.Failed.of(FailureReason.NETWORK, "connection refused"))
        .then("air", r -> FetchResult.Fetched.of("<html>not found</html>".getBytes(StandardCharsets.UTF_8)));
    sync.syncFeed(T, "air");
    purges.clear();
    cache.invalidations.clear();
    ExportedCalendar cached = sync.export(view());

    assertThat(sync.syncFeed(T, "air").outcome()).isEqualTo(SyncOutcome.FAILED);
    assertThat(sync.syncFeed(T, "air").outcome()).isEqualTo(SyncOutcome.FAILED);
    assertThat(purges).isEmpty();
    assertThat(cache.invalidations).isEmpty();
    assertThat(sync.export(view())).isSameAs(cached);
  }

  @Test
  void syncOfAnotherPropertyLeavesThisOnesCacheAlone() {
    fetcher.body("air", Airbnb.of().stay("a1", D.plusDays(3), D.plusDays(7)).build())
        .body("other", Airbnb.of().stay("o1", D.plusDays(3), D.plusDays(7)).build());
    sync.syncFeed(T, "air");
    purges.clear();
    ExportedCalendar cached = sync.export(view());

    sync.syncFeed(T, "other");
    assertThat(purges).containsExactly(ExportView.surrogateKeys(T, OTHER));
    assertThat(sync.export(view())).isSameAs(cached);
  }

  @Test
  void zoneChangeDropsTheCachedExportAndPurges() {
    // Checks out on 11 June: still ahead in UTC (today 10 June), over in Auckland (today 11 June)
    fetcher.body("air", Airbnb.of().stay("a1", D.minusDays(2), D.plusDays(1))
        .stay("a2", D.plusDays(3), D.plusDays(7)).build());
    sync.saveProperty(PropertySettings.defaults(T, P));
    sync.syncFeed(T, "air");
    purges.clear();
    cache.invalidations.clear();
    assertThat(sync.export(view()).eventCount()).isEqualTo(2);

    sync.saveProperty(new PropertySettings(T, P, ZoneId.of("Pacific/Auckland"),
        PropertySettings.DEFAULT_CHECK_IN, PropertySettings.DEFAULT_CHECK_OUT));
    assertThat(purges).containsExactly(ExportView.surrogateKeys(T, P));
    assertThat(cache.invalidations).containsExactly(T + "/" + P);
    assertThat(store.property(T, P)).map(PropertySettings::zone).contains(ZoneId.of("Pacific/Auckland"));
    assertThat(sync.export(view()).eventCount()).as("rendered for Auckland's day").isEqualTo(1);
  }

  @Test
  void checkInChangePurgesButSavingTheSameSettingsDoesNot() {
    PropertySettings ps = PropertySettings.defaults(T, P);
    sync.saveProperty(ps);
    purges.clear();
    cache.invalidations.clear();

    sync.saveProperty(ps);
    assertThat(purges).isEmpty();
    assertThat(cache.invalidations).isEmpty();

    sync.saveProperty(new PropertySettings(T, P, ps.zone(), LocalTime.of(16, 0), ps.checkOut()));
    assertThat(purges).containsExactly(ExportView.surrogateKeys(T, P));
    assertThat(store.property(T, P)).map(PropertySettings::checkIn).contains(LocalTime.of(16, 0));
  }

  @Test
  void zoneWrittenStraightToTheStoreStillMissesTheCache() {
    // Another process (the CLI, a second host) may change the settings without this instance
    // seeing it: the zone is part of the cache key, so a stale render is not served.
    fetcher.body("air", Airbnb.of().stay("a1", D.minusDays(2), D.plusDays(1))
        .stay("a2", D.plusDays(3), D.plusDays(7)).build());
    store.saveProperty(PropertySettings.defaults(T, P));
    sync.syncFeed(T, "air");
    assertThat(sync.export(view()).eventCount()).isEqualTo(2);

    store.saveProperty(new PropertySettings(T, P, ZoneId.of("Pacific/Auckland"),
        PropertySettings.DEFAULT_CHECK_IN, PropertySettings.DEFAULT_CHECK_OUT));
    assertThat(sync.export(view()).eventCount()).isEqualTo(1);
  }

  @Test
  void cacheKeyHoldsTheZoneAsWellAsTheDay() {
    // 10 June in both zones: only the zone tells the two renders apart
    assertThat(dev.icssync.internal.export.Exporter.cacheKey(view(), ZoneOffset.UTC, D))
        .isNotEqualTo(dev.icssync.internal.export.Exporter.cacheKey(view(), ZoneId.of("Europe/Lisbon"), D))
        .isEqualTo(dev.icssync.internal.export.Exporter.cacheKey(view(), ZoneOffset.UTC, D));
  }

  @Test
  void failingPurgeHookOrCacheFailsNeitherSyncNorSave() {
    IcsSync fragile = IcsSync.builder().store(store).fetcher(fetcher).clock(Clock.fixed(NOW, ZoneOffset.UTC))
        .exportCache(new MapCache() {
          @Override
          public void invalidate(String tenant, String property) {
            throw new IllegalStateException("cache down");
          }
        })
        .purgeHook(keys -> {
          throw new IllegalStateException("CDN down");
        })
        .build();
    fetcher.body("air", Airbnb.of().stay("a1", D.plusDays(3), D.plusDays(7)).build());
    assertThat(fragile.syncFeed(T, "air").outcome()).isEqualTo(SyncOutcome.APPLIED);
    fragile.saveProperty(PropertySettings.defaults(T, P));
    assertThat(store.property(T, P)).isPresent();
  }

  /** Airbnb-shaped bodies with a fixed DTSTAMP. */
  static final class Airbnb {
    private static final DateTimeFormatter F = DateTimeFormatter.BASIC_ISO_DATE;
    private final StringBuilder sb = new StringBuilder(
        "BEGIN:VCALENDAR\r\nPRODID:-//Airbnb Inc//Hosting Calendar 1.0//EN\r\nVERSION:2.0\r\n");

    static Airbnb of() {
      return new Airbnb();
    }

    Airbnb stay(String uid, LocalDate from, LocalDate to) {
      sb.append("BEGIN:VEVENT\r\nDTSTAMP:20260610T120000Z\r\nDTSTART;VALUE=DATE:").append(F.format(from))
          .append("\r\nDTEND;VALUE=DATE:").append(F.format(to)).append("\r\nUID:").append(uid)
          .append("@airbnb.com\r\nSUMMARY:Reserved\r\nEND:VEVENT\r\n");
      return this;
    }

    String build() {
      return sb + "END:VCALENDAR\r\n";
    }
  }

  /** Answers each feed from a queue of results; the last one repeats. */
  static final class Script implements FeedFetcher {
    private final Map<String, Deque<java.util.function.Function<FetchRequest, FetchResult>>> q = new HashMap<>();

    synchronized Script then(String feedId, java.util.function.Function<FetchRequest, FetchResult> answer) {
      q.computeIfAbsent(feedId, k -> new ArrayDeque<>()).add(answer);
      return this;
    }

    Script body(String feedId, String ics) {
      return then(feedId, r -> FetchResult.Fetched.of(ics.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public synchronized FetchResult fetch(FetchRequest request) {
      Deque<java.util.function.Function<FetchRequest, FetchResult>> d = q.get(request.feed().id());
      if (d == null || d.isEmpty()) {
        return FetchResult.Failed.of(FailureReason.GONE, "no script");
      }
      return (d.size() > 1 ? d.poll() : d.peek()).apply(request);
    }
  }

  /** A map-backed cache that records invalidations. */
  static class MapCache implements ExportCache {
    final Map<String, ExportedCalendar> map = new HashMap<>();
    final Map<String, String> owner = new HashMap<>();
    final List<String> invalidations = new ArrayList<>();

    @Override
    public synchronized Optional<ExportedCalendar> get(String viewKey) {
      return Optional.ofNullable(map.get(viewKey));
    }

    @Override
    public synchronized void put(String viewKey, String tenant, String property, ExportedCalendar calendar) {
      map.put(viewKey, calendar);
      owner.put(viewKey, tenant + "/" + property);
    }

    @Override
    public synchronized void invalidate(String tenant, String property) {
      invalidations.add(tenant + "/" + property);
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

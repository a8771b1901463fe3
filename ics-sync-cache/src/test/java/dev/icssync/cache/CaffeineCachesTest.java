package dev.icssync.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.icssync.ExportedCalendar;
import dev.icssync.PropertySettings;
import dev.icssync.spi.CacheStats;
import dev.icssync.spi.ExportCache;
import dev.icssync.spi.Store;
import dev.icssync.tck.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CaffeineCachesTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));

  static ExportedCalendar body(int bytes) {
    return ExportedCalendar.of(new byte[bytes], "\"e\"", Instant.EPOCH, 0);
  }

  @Test
  void theExportCacheSaysItAnswersFromProcessMemory() {
    assertThat(CaffeineCaches.exportCache().answersFromProcessMemory()).isTrue();
    assertThat(ExportCache.none().answersFromProcessMemory()).isFalse();
  }

  @Test
  void exportsExpireAfterTheirTtl() {
    ExportCache cache = CaffeineCaches.exportCache(1_000_000, Duration.ofMinutes(5), clock);
    cache.put("k", "t", "p", body(10));
    clock.advance(Duration.ofMinutes(4));
    assertThat(cache.get("k")).isPresent();
    clock.advance(Duration.ofMinutes(2));
    assertThat(cache.get("k")).isEmpty();
  }

  @Test
  void boundedByBodyBytesEvictingAndCountingEvictions() {
    ExportCache cache = CaffeineCaches.exportCache(100_000, Duration.ofMinutes(5), clock);
    for (int i = 0; i < 20; i++) {
      cache.put("k" + i, "t", "p" + i, body(10_000));
    }
    CacheStats s = cache.stats();
    assertThat(s.weight()).isLessThanOrEqualTo(100_000);
    assertThat(s.entries()).isLessThanOrEqualTo(9);
    assertThat(s.evictions()).isGreaterThanOrEqualTo(11);
    // a body larger than the whole cache is not kept
    cache.put("huge", "t", "px", body(200_000));
    assertThat(cache.get("huge")).isEmpty();
  }

  @Test
  void evictedViewsLeaveTheIndexAndInvalidationStillWorks() {
    ExportCache cache = CaffeineCaches.exportCache(1_000_000, Duration.ofMinutes(5), clock);
    cache.put("a", "t", "p", body(10));
    cache.put("b", "t", "p", body(10));
    clock.advance(Duration.ofMinutes(6));
    cache.get("a"); // expired
    cache.put("c", "t", "p", body(10));
    cache.invalidate("t", "p");
    assertThat(cache.get("c")).isEmpty();
    assertThat(cache.stats().entries()).isZero();
  }

  @Test
  void badSettingsAreRejectedByName() {
    assertThatThrownBy(() -> CaffeineCaches.exportCache(0, Duration.ofMinutes(1), clock))
        .hasMessageContaining("maxBytes");
    assertThatThrownBy(() -> CaffeineCaches.exportCache(1, Duration.ZERO, clock))
        .hasMessageContaining("ttl");
    assertThatThrownBy(() -> CaffeineCaches.propertySettings(Store.inMemory(), Duration.ZERO, clock))
        .hasMessageContaining("ttl");
  }

  @Test
  void propertySettingsAreCachedInvalidatedOnSaveAndExpire() {
    AtomicInteger reads = new AtomicInteger();
    Store backing = Store.inMemory();
    Store counting = (Store) java.lang.reflect.Proxy.newProxyInstance(
        Store.class.getClassLoader(), new Class<?>[] {Store.class}, (proxy, m, args) -> {
          if (m.getName().equals("property")) {
            reads.incrementAndGet();
          }
          try {
            return m.invoke(backing, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    Store store = CaffeineCaches.propertySettings(counting, Duration.ofMinutes(15), clock);
    assertThat(store.property("t", "p")).isEmpty();
    assertThat(store.property("t", "p")).isEmpty(); // absent is cached too
    assertThat(reads).hasValue(1);
    PropertySettings s = new PropertySettings("t", "p", ZoneId.of("Europe/Lisbon"),
        PropertySettings.DEFAULT_CHECK_IN, PropertySettings.DEFAULT_CHECK_OUT);
    store.saveProperty(s);
    assertThat(store.property("t", "p")).contains(s);
    assertThat(store.property("t", "p")).contains(s);
    assertThat(reads).hasValue(2);
    // a change made elsewhere is seen after the TTL
    PropertySettings moved = new PropertySettings("t", "p", ZoneId.of("Asia/Tokyo"),
        PropertySettings.DEFAULT_CHECK_IN, PropertySettings.DEFAULT_CHECK_OUT);
    backing.saveProperty(moved);
    assertThat(store.property("t", "p")).contains(s);
    clock.advance(Duration.ofMinutes(16));
    assertThat(store.property("t", "p")).contains(moved);
    CacheStats stats = CaffeineCaches.propertyCacheStats(store);
    assertThat(stats.hits()).isEqualTo(3);
    assertThat(stats.misses()).isEqualTo(3);
    assertThat(CaffeineCaches.propertyCacheStats(backing)).isEqualTo(CacheStats.EMPTY);
  }
}

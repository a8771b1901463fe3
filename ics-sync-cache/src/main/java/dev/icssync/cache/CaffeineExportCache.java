package dev.icssync.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.icssync.ExportedCalendar;
import dev.icssync.spi.CacheStats;
import dev.icssync.spi.ExportCache;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** Size-weighted, TTL-bound export cache with a per-property index for invalidation. */
final class CaffeineExportCache implements ExportCache {
  private static final int ENTRY_OVERHEAD = 160;

  private final Cache<String, Entry> cache;
  private final ConcurrentHashMap<String, Set<String>> byProperty = new ConcurrentHashMap<>();
  private final InvalidationGuard guard = new InvalidationGuard();

  CaffeineExportCache(long maxBytes, Duration ttl, Clock clock) {
    this.cache = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((String k, Entry e) -> weight(k, e))
        .expireAfterWrite(ttl)
        .ticker(() -> clock.millis() * 1_000_000L)
        .executor(Runnable::run)
        .removalListener((@Nullable String k, @Nullable Entry e, RemovalCause cause) -> {
          if (k != null && e != null && cause != RemovalCause.REPLACED) {
            unindex(e.propertyKey, k);
          }
        })
        .recordStats()
        .build();
  }

  private static int weight(String key, Entry e) {
    long w = (long) e.calendar.bodyLength() + 2L * (key.length() + e.calendar.etag().length()
        + e.propertyKey.length()) + ENTRY_OVERHEAD;
    return (int) Math.min(Integer.MAX_VALUE, w);
  }

  @Override
  public Optional<ExportedCalendar> get(String viewKey) {
    Entry e = cache.getIfPresent(viewKey);
    if (e == null) {
      guard.missed(viewKey);
      return Optional.empty();
    }
    return Optional.of(e.calendar);
  }

  @Override
  public Optional<ExportedCalendar> get(String viewKey, String tenant, String property) {
    return get(viewKey); // the guard's per-thread miss is all a local cache needs
  }

  @Override
  public void put(String viewKey, String tenant, String property, ExportedCalendar calendar) {
    if (!guard.mayPut(viewKey, tenant, property)) {
      return;
    }
    String pk = InvalidationGuard.propertyKey(tenant, property);
    byProperty.computeIfAbsent(pk, k -> ConcurrentHashMap.newKeySet()).add(viewKey);
    cache.put(viewKey, new Entry(pk, calendar));
  }

  @Override
  public void invalidate(String tenant, String property) {
    guard.invalidated(tenant, property);
    String pk = InvalidationGuard.propertyKey(tenant, property);
    Set<String> keys = byProperty.remove(pk);
    if (keys != null) {
      cache.invalidateAll(keys);
    }
  }

  private void unindex(String pk, String viewKey) {
    byProperty.computeIfPresent(pk, (k, set) -> {
      set.remove(viewKey);
      return set.isEmpty() ? null : set;
    });
  }

  /** A look-up is a Caffeine read in this process (its maintenance runs inline, no I/O). */
  @Override
  public boolean answersFromProcessMemory() {
    return true;
  }

  @Override
  public CacheStats stats() {
    var s = cache.stats();
    long weight = cache.policy().eviction().map(ev -> ev.weightedSize().orElse(-1)).orElse(-1L);
    return new CacheStats(s.hitCount(), s.missCount(), s.evictionCount(), 0, cache.estimatedSize(),
        weight);
  }

  private record Entry(String propertyKey, ExportedCalendar calendar) {}
}

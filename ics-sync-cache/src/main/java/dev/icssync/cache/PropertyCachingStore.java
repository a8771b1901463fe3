package dev.icssync.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.icssync.PropertySettings;
import dev.icssync.spi.CacheStats;
import dev.icssync.spi.ForwardingStore;
import dev.icssync.spi.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * A store whose property-settings lookups are cached (absent ones included); everything else goes
 * straight to the delegate ({@link ForwardingStore}). {@code saveProperty} through this store
 * invalidates at once; a change made elsewhere (another instance, SQL) is seen within the TTL.
 */
final class PropertyCachingStore extends ForwardingStore {
  private final Cache<String, Optional<PropertySettings>> cache;

  PropertyCachingStore(Store delegate, Duration ttl, long maxEntries, Clock clock) {
    super(delegate);
    this.cache = Caffeine.newBuilder()
        .maximumSize(maxEntries)
        .expireAfterWrite(ttl)
        .ticker(() -> clock.millis() * 1_000_000L)
        .executor(Runnable::run)
        .recordStats()
        .build();
  }

  CacheStats stats() {
    var s = cache.stats();
    return new CacheStats(s.hitCount(), s.missCount(), s.evictionCount(), 0, cache.estimatedSize(),
        -1);
  }

  @Override
  public Optional<PropertySettings> property(String tenant, String property) {
    return cache.get(InvalidationGuard.propertyKey(tenant, property),
        k -> delegate().property(tenant, property));
  }

  @Override
  public void saveProperty(PropertySettings settings) {
    try {
      delegate().saveProperty(settings);
    } finally {
      cache.invalidate(InvalidationGuard.propertyKey(settings.tenant(), settings.property()));
    }
  }
}

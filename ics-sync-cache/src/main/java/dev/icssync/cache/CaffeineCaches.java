package dev.icssync.cache;

import dev.icssync.Checks;
import dev.icssync.spi.CacheStats;
import dev.icssync.spi.ExportCache;
import dev.icssync.spi.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * In-process caches on Caffeine.
 *
 * <pre>{@code
 * Store store = CaffeineCaches.propertySettings(JdbcStore.create(dataSource));
 * ExportCache exports = CaffeineCaches.exportCache();          // 50 MB, 5 min
 * IcsSync sync = IcsSync.builder().store(store).exportCache(exports)...build();
 * MicrometerSyncListener.bindCache(registry, "export", exports);
 * }</pre>
 */
public final class CaffeineCaches {
  /** Default bound of the export cache: 50 MB of bodies. */
  public static final long DEFAULT_EXPORT_MAX_BYTES = 50L * 1024 * 1024;
  /** Default time to live of an export. */
  public static final Duration DEFAULT_EXPORT_TTL = Duration.ofMinutes(5);
  /** Default time to live of property settings. */
  public static final Duration DEFAULT_PROPERTY_TTL = Duration.ofMinutes(15);

  private CaffeineCaches() {}

  /** An export cache of at most 50 MB (body bytes) with a 5 minute TTL. */
  public static ExportCache exportCache() {
    return exportCache(DEFAULT_EXPORT_MAX_BYTES, DEFAULT_EXPORT_TTL, Clock.systemUTC());
  }

  /**
   * An export cache weighted by body bytes, entries expiring {@code ttl} after they were written,
   * invalidated per property. A render that started before an invalidation of its property is not
   * cached.
   */
  public static ExportCache exportCache(long maxBytes, Duration ttl, Clock clock) {
    Checks.positive(maxBytes, "maxBytes");
    Checks.positive(ttl, "ttl");
    Objects.requireNonNull(clock, "clock");
    return new CaffeineExportCache(maxBytes, ttl, clock);
  }

  /** {@code store} with property settings cached for 15 minutes (at most 100 000 properties). */
  public static Store propertySettings(Store store) {
    return propertySettings(store, DEFAULT_PROPERTY_TTL, Clock.systemUTC());
  }

  /**
   * {@code store} with {@code property(tenant, property)} cached for {@code ttl}. A
   * {@code saveProperty} through the returned store takes effect at once; one made elsewhere within
   * {@code ttl}.
   */
  public static Store propertySettings(Store store, Duration ttl, Clock clock) {
    Objects.requireNonNull(store, "store");
    Checks.positive(ttl, "ttl");
    Objects.requireNonNull(clock, "clock");
    return new PropertyCachingStore(store, ttl, 100_000, clock);
  }

  /**
   * Statistics of a store returned by {@link #propertySettings}; {@link CacheStats#EMPTY} for any
   * other store.
   */
  public static CacheStats propertyCacheStats(Store store) {
    return store instanceof PropertyCachingStore p ? p.stats() : CacheStats.EMPTY;
  }
}

package dev.icssync.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closes the render race: a render that missed before a sync invalidated its property must not be
 * cached after it. A miss remembers a sequence number; an invalidation stamps its property with a
 * newer one; a put whose miss is older than its property's last invalidation is dropped.
 */
final class InvalidationGuard {
  // renders finish well within this; entries older than it cannot race
  private static final Duration MEMORY = Duration.ofMinutes(10);
  private final AtomicLong seq = new AtomicLong();
  private final Cache<String, Long> missedAt =
      Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(MEMORY).executor(Runnable::run).build();
  private final Cache<String, Long> invalidatedAt =
      Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(MEMORY).executor(Runnable::run).build();

  static String propertyKey(String tenant, String property) {
    return tenant + '\u0000' + property;
  }

  void missed(String viewKey) {
    missedAt.put(viewKey, seq.get());
  }

  void invalidated(String tenant, String property) {
    invalidatedAt.put(propertyKey(tenant, property), seq.incrementAndGet());
  }

  /** True when the put may be cached. */
  boolean mayPut(String viewKey, String tenant, String property) {
    Long miss = missedAt.asMap().remove(viewKey);
    long since = miss == null ? seq.get() : miss;
    Long inv = invalidatedAt.getIfPresent(propertyKey(tenant, property));
    return inv == null || inv <= since;
  }
}

package dev.icssync.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Closes the render race: a render that missed before a sync invalidated its property must not be
 * cached after it. A miss remembers, for the thread that missed, a sequence number (and, when the
 * cache knows it, the property's generation); an invalidation stamps its property with a newer
 * sequence number; a put whose miss is older than its property's last invalidation is dropped.
 *
 * <p>Misses are remembered per thread because the export path renders on the thread that missed:
 * two renders of one view on two threads each keep their own start, so a render that started after
 * an invalidation cannot lend its start to one that started before it.
 */
final class InvalidationGuard {
  // renders finish well within this; entries older than it cannot race
  private static final Duration MEMORY = Duration.ofMinutes(10);
  private static final int MISSES_PER_THREAD = 256;
  private final AtomicLong seq = new AtomicLong();
  private final ThreadLocal<Map<String, Miss>> misses = ThreadLocal.withInitial(() ->
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Miss> eldest) {
          return size() > MISSES_PER_THREAD; // renders that failed never put; forget them
        }
      });
  private final Cache<String, Long> invalidatedAt =
      Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(MEMORY).executor(Runnable::run).build();

  /** What a miss saw: the guard's sequence and the property's generation (-1: unknown). */
  record Miss(long seq, @Nullable String propertyKey, long generation) {}

  static String propertyKey(String tenant, String property) {
    return tenant + '\u0000' + property;
  }

  void missed(String viewKey) {
    missed(viewKey, null, -1);
  }

  void missed(String viewKey, @Nullable String propertyKey, long generation) {
    misses.get().put(viewKey, new Miss(seq.get(), propertyKey, generation));
  }

  void invalidated(String tenant, String property) {
    invalidatedAt.put(propertyKey(tenant, property), seq.incrementAndGet());
  }

  /**
   * Forgets this thread's miss of {@code viewKey} and says whether its render may be cached: null
   * when the property was invalidated since the miss, else the miss (with no miss remembered, a
   * miss seen now).
   */
  @Nullable Miss take(String viewKey, String tenant, String property) {
    Miss miss = misses.get().remove(viewKey);
    String pk = propertyKey(tenant, property);
    if (miss == null || (miss.propertyKey != null && !miss.propertyKey.equals(pk))) {
      miss = new Miss(seq.get(), null, -1);
    }
    Long inv = invalidatedAt.getIfPresent(pk);
    return inv == null || inv <= miss.seq ? miss : null;
  }

  /** True when the put may be cached. */
  boolean mayPut(String viewKey, String tenant, String property) {
    return take(viewKey, tenant, property) != null;
  }
}

package dev.icssync.spi;

/**
 * Cumulative statistics of a cache, for metrics bindings. Counters only grow; {@code entries} and
 * {@code weight} are current values.
 *
 * <p>Still a record: counters of a cache. Its constructor is public, so a new component will come
 * with the old constructor kept as an overload (Java 17 has no record patterns to break).
 *
 * @param hits lookups answered from the cache
 * @param misses lookups not answered (a failed lookup counts as a miss and as a failure)
 * @param evictions entries removed for size or age (explicit invalidations are not evictions)
 * @param failures operations of the backing service that failed or timed out (0 for in-process)
 * @param entries entries held now, or -1 when unknown (a shared remote cache)
 * @param weight bytes held now, or -1 when unknown
 */
public record CacheStats(long hits, long misses, long evictions, long failures, long entries, long weight) {

  public static final CacheStats EMPTY = new CacheStats(0, 0, 0, 0, 0, 0);

  public long requests() {
    return hits + misses;
  }

  /** Hits per lookup, 1.0 when there was none (Caffeine's convention). */
  public double hitRate() {
    long r = requests();
    return r == 0 ? 1.0 : (double) hits / r;
  }
}

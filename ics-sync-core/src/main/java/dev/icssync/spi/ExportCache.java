package dev.icssync.spi;

import dev.icssync.ExportedCalendar;
import java.util.Optional;

/**
 * Cache of rendered exports, keyed by a view key. Syncs that touch a property call
 * {@link #invalidate}. Implementations must never throw for a cache failure: they count it and
 * behave as a miss.
 */
public interface ExportCache {

  Optional<ExportedCalendar> get(String viewKey);

  /**
   * Like {@link #get(String)} for a view of the given property. A cache may use the property to
   * remember, on a miss, what the property looked like when the render started (for example its
   * invalidation generation), so that the {@link #put} of that render, made afterwards by the same
   * thread, is stored as already stale when an invalidation came in between. The default ignores
   * the property.
   */
  default Optional<ExportedCalendar> get(String viewKey, String tenant, String property) {
    return get(viewKey);
  }

  /**
   * Stores a render. The render is taken to have started at this thread's last miss of {@code
   * viewKey}: an invalidation of the property after that miss must win, whatever the timing.
   */
  void put(String viewKey, String tenant, String property, ExportedCalendar calendar);

  /** Drops every cached view of the property. */
  void invalidate(String tenant, String property);

  /**
   * True when this cache lives in this process's memory, so that {@link #get(String, String, String)}
   * of a cached render neither does I/O nor waits on anything that does: a server may then look an
   * export up on a thread that must not block (an I/O thread) and fall back to a worker on a miss.
   * The default is false: a remote cache (Redis) or a wrapper that cannot promise it is always asked
   * where blocking is allowed. A wrapper of an in-process cache may forward its delegate's answer.
   */
  default boolean answersFromProcessMemory() {
    return false;
  }

  /** Cumulative statistics for metrics ({@link CacheStats#EMPTY} when the cache keeps none). */
  default CacheStats stats() {
    return CacheStats.EMPTY;
  }

  /** A cache that holds nothing. */
  static ExportCache none() {
    return new ExportCache() {
      @Override
      public Optional<ExportedCalendar> get(String viewKey) {
        return Optional.empty();
      }

      @Override
      public void put(String viewKey, String tenant, String property, ExportedCalendar calendar) {}

      @Override
      public void invalidate(String tenant, String property) {}
    };
  }
}

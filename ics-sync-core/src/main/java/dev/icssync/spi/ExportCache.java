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

  void put(String viewKey, String tenant, String property, ExportedCalendar calendar);

  /** Drops every cached view of the property. */
  void invalidate(String tenant, String property);

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

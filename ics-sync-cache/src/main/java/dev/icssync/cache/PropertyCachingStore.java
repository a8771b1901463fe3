package dev.icssync.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.icssync.CalendarEvent;
import dev.icssync.Conflict;
import dev.icssync.ConflictStatus;
import dev.icssync.ExportToken;
import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.HistoryRetention;
import dev.icssync.PropertySettings;
import dev.icssync.SyncRun;
import dev.icssync.spi.ApplyResult;
import dev.icssync.spi.CacheStats;
import dev.icssync.spi.EventQuery;
import dev.icssync.spi.FeedApply;
import dev.icssync.spi.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A store whose property-settings lookups are cached (absent ones included); everything else goes
 * straight to the delegate. {@code saveProperty} through this store invalidates at once; a change
 * made elsewhere (another instance, SQL) is seen within the TTL.
 */
final class PropertyCachingStore implements Store {
  private final Store delegate;
  private final Cache<String, Optional<PropertySettings>> cache;

  PropertyCachingStore(Store delegate, Duration ttl, long maxEntries, Clock clock) {
    this.delegate = delegate;
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
        k -> delegate.property(tenant, property));
  }

  @Override
  public void saveProperty(PropertySettings settings) {
    try {
      delegate.saveProperty(settings);
    } finally {
      cache.invalidate(InvalidationGuard.propertyKey(settings.tenant(), settings.property()));
    }
  }

  @Override
  public void saveFeed(Feed feed) {
    delegate.saveFeed(feed);
  }

  @Override
  public Optional<Feed> feed(String tenant, String feedId) {
    return delegate.feed(tenant, feedId);
  }

  @Override
  public List<Feed> feeds(String tenant) {
    return delegate.feeds(tenant);
  }

  @Override
  public List<Feed> allFeeds() {
    return delegate.allFeeds();
  }

  @Override
  public FeedState state(String tenant, String feedId) {
    return delegate.state(tenant, feedId);
  }

  @Override
  public FeedState beginSync(String tenant, String feedId, Instant now) {
    return delegate.beginSync(tenant, feedId, now);
  }

  @Override
  public void saveToken(ExportToken token) {
    delegate.saveToken(token);
  }

  @Override
  public Optional<ExportToken> tokenByHash(String hash) {
    return delegate.tokenByHash(hash);
  }

  @Override
  public List<ExportToken> tokens(String tenant, String property) {
    return delegate.tokens(tenant, property);
  }

  @Override
  public ApplyResult apply(FeedApply apply) {
    return delegate.apply(apply);
  }

  @Override
  public Optional<FeedState> beginSync(String tenant, String feedId, Instant now, long generation) {
    return delegate.beginSync(tenant, feedId, now, generation);
  }

  @Override
  public int saveStates(List<dev.icssync.spi.StateUpdate> updates) {
    return delegate.saveStates(updates);
  }

  @Override
  public List<CalendarEvent> eventsOfFeed(String tenant, String feedId) {
    return delegate.eventsOfFeed(tenant, feedId);
  }

  @Override
  public List<CalendarEvent> events(EventQuery query) {
    return delegate.events(query);
  }

  @Override
  public List<CalendarEvent> eventsForWrite(EventQuery query) {
    return delegate.eventsForWrite(query);
  }

  @Override
  public void saveConflicts(String tenant, Collection<Conflict> conflicts) {
    delegate.saveConflicts(tenant, conflicts);
  }

  @Override
  public List<Conflict> conflicts(String tenant, @Nullable String property,
      @Nullable ConflictStatus status) {
    return delegate.conflicts(tenant, property, status);
  }

  @Override
  public List<Conflict> conflictsForWrite(String tenant, @Nullable String property,
      @Nullable ConflictStatus status) {
    return delegate.conflictsForWrite(tenant, property, status);
  }

  @Override
  public List<SyncRun> runs(String tenant, String feedId, int limit) {
    return delegate.runs(tenant, feedId, limit);
  }

  @Override
  public long pruneRuns(HistoryRetention retention, Instant now) {
    return delegate.pruneRuns(retention, now);
  }
}

package dev.icssync.spi;

import dev.icssync.CalendarEvent;
import dev.icssync.Conflict;
import dev.icssync.ConflictStatus;
import dev.icssync.ExportToken;
import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.HistoryRetention;
import dev.icssync.PropertySettings;
import dev.icssync.SyncRun;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Store} that forwards every call to another store: the base of a decorator (a cache, a
 * metric, a fault injected in a test) that overrides only the calls it changes.
 *
 * <pre>{@code
 * Store counting = new ForwardingStore(JdbcStore.create(dataSource)) {
 *   @Override
 *   public ApplyResult apply(FeedApply apply) {
 *     applies.increment();
 *     return super.apply(apply);
 *   }
 * };
 * }</pre>
 *
 * <p>Every method is forwarded, the ones with a default in the SPI too: {@link #eventsForWrite} and
 * {@link #conflictsForWrite} go to the delegate's own (a store with a read replica answers them from
 * the primary), {@link #pruneRuns} to the delegate's pruning, {@link #feedsWithStates} to the
 * delegate's batched read, and {@link #tokenRevision} to the
 * delegate's (a decorator that writes tokens, feeds or property settings elsewhere overrides it to
 * return empty). A method added to the SPI is added
 * here in the same release.
 */
public abstract class ForwardingStore implements Store {
  private final Store delegate;

  /** @throws NullPointerException if {@code delegate} is null */
  protected ForwardingStore(Store delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The store every call goes to. */
  protected final Store delegate() {
    return delegate;
  }

  // FeedStore

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
  public List<FeedWithState> feedsWithStates(String tenant, List<String> feedIds) {
    return delegate.feedsWithStates(tenant, feedIds);
  }

  @Override
  public FeedState beginSync(String tenant, String feedId, Instant now) {
    return delegate.beginSync(tenant, feedId, now);
  }

  @Override
  public Optional<FeedState> beginSync(String tenant, String feedId, Instant now, long generation) {
    return delegate.beginSync(tenant, feedId, now, generation);
  }

  @Override
  public void saveProperty(PropertySettings settings) {
    delegate.saveProperty(settings);
  }

  @Override
  public Optional<PropertySettings> property(String tenant, String property) {
    return delegate.property(tenant, property);
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
  public OptionalLong tokenRevision() {
    return delegate.tokenRevision();
  }

  // Store

  @Override
  public int saveStates(List<StateUpdate> updates) {
    return delegate.saveStates(updates);
  }

  // EventStore

  @Override
  public ApplyResult apply(FeedApply apply) {
    return delegate.apply(apply);
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

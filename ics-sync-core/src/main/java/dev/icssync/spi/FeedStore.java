package dev.icssync.spi;

import dev.icssync.ExportToken;
import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.PropertySettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Storage of feeds, their sync state, property settings and export tokens. Every method is scoped by
 * tenant except the cross-tenant ones named so ({@link #allFeeds()}, {@link #tokenByHash}).
 * Implementations are thread-safe; failures are thrown as {@code IcsSyncException.StorageException}.
 */
public interface FeedStore {

  /**
   * Inserts or replaces a feed (by tenant and id). When it makes a stored inactive feed active (a
   * removed feed re-activated or added again under its id), the feed's state forgets its HTTP
   * validators and content digest, as {@link FeedState#withoutValidators()} does, in the same write:
   * its events were cancelled while it was out, so its next sync must read the whole body (not a 304
   * or an "unchanged" digest) for the stays still in it to be reinstated. Everything else in the
   * state is kept.
   */
  void saveFeed(Feed feed);

  Optional<Feed> feed(String tenant, String feedId);

  /** The tenant's feeds, active or not, ordered by id. */
  List<Feed> feeds(String tenant);

  /** Every tenant's feeds, ordered by tenant then id (schedulers, admin tools). */
  List<Feed> allFeeds();

  /** The stored state, or {@link FeedState#initial} when the feed never synced. */
  FeedState state(String tenant, String feedId);

  /**
   * The feeds of a tenant among {@code feedIds}, each with its stored state ({@link FeedState#initial}
   * when it never synced), in the order of {@code feedIds}; an id of no feed of the tenant is left
   * out. What a sync of many feeds reads just before it runs them ({@code IcsSync.syncAll}), in a few
   * hundred at a time: a store should read them in one statement. The default reads them one by one
   * with {@link #feed} and {@link #state}. Like {@link #state}, answered from the primary, never a
   * lagging replica.
   *
   * <pre>{@code
   * for (FeedWithState fs : store.feedsWithStates("tenant-1", List.of("f1", "f2"))) {
   *   System.out.println(fs.feed().id() + " due " + fs.state().nextDue());
   * }
   * }</pre>
   */
  default List<FeedWithState> feedsWithStates(String tenant, List<String> feedIds) {
    List<FeedWithState> out = new ArrayList<>(feedIds.size());
    for (String id : feedIds) {
      Optional<Feed> feed = feed(tenant, id);
      if (feed.isPresent()) {
        out.add(new FeedWithState(feed.get(), state(tenant, id)));
      }
    }
    return out;
  }

  /**
   * Starts a sync: atomically bumps the feed's generation, sets {@code lastAttempt = now}, and
   * returns the new state. Any apply still running with an older generation will be rejected.
   */
  FeedState beginSync(String tenant, String feedId, Instant now);

  /**
   * {@link #beginSync}, but only if the stored generation still is {@code generation} (a feed never
   * synced has generation 0), checked atomically with the bump: the engine reads the state, fetches,
   * and begins only when there is more to write than the state, so of two workers that read the same
   * generation exactly one begins. Empty, and nothing written, when another sync began meanwhile.
   * The default calls {@link #beginSync} and compares: never wrong, but under a race both workers
   * may lose; a store should override it.
   */
  default Optional<FeedState> beginSync(String tenant, String feedId, Instant now, long generation) {
    FeedState begun = beginSync(tenant, feedId, now);
    return begun.generation() == generation + 1 ? Optional.of(begun) : Optional.empty();
  }

  void saveProperty(PropertySettings settings);

  Optional<PropertySettings> property(String tenant, String property);

  /** Inserts or replaces a token (by hash). */
  void saveToken(ExportToken token);

  /** Looks a token up by its hash, across tenants (the token names its tenant). */
  Optional<ExportToken> tokenByHash(String hash);

  /** The tokens of a property, newest first. */
  List<ExportToken> tokens(String tenant, String property);

  /**
   * A number that changes with every write that can change what an export token opens (a token,
   * a feed or a property settings saved), or empty when the store cannot tell: when another process
   * or another store object may write the same data, as a database does. The default is empty.
   *
   * <p>{@link dev.icssync.ExportTokens} keeps a resolved token in memory only while this number
   * stays the same, and reads the store on every resolution when it is empty, so a revocation is
   * refused on the very next request either way. Return a value only when every such write goes
   * through this object (an in-memory store). A wrapper store forwards it from the store it wraps,
   * or leaves the default.
   */
  default OptionalLong tokenRevision() {
    return OptionalLong.empty();
  }
}

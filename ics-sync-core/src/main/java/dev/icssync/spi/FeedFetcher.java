package dev.icssync.spi;

/**
 * Fetches a feed. Implementations must be thread-safe, bound every fetch in time and size, and
 * return a {@link FetchResult.Failed} (never throw) for remote failures. Messages and logs must not
 * contain the feed URL's user info or query string.
 */
@FunctionalInterface
public interface FeedFetcher {
  FetchResult fetch(FetchRequest request);
}

package dev.icssync.spi;

import dev.icssync.Feed;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the engine asks a {@link FeedFetcher} for: the feed and the stored validators. Validators are
 * null on a first fetch, after a forced sync, or when the stored data was reset (so a wiped store is
 * never stuck on 304).
 *
 * <p>Still a record: a feed and its stored validators. Its constructor is public, so a new component
 * will come with the old constructor kept as an overload (Java 17 has no record patterns to
 * break).
 */
public record FetchRequest(Feed feed, @Nullable String etag, @Nullable String lastModified) {
  public FetchRequest {
    Objects.requireNonNull(feed, "feed");
  }

  public static FetchRequest unconditional(Feed feed) {
    return new FetchRequest(feed, null, null);
  }
}

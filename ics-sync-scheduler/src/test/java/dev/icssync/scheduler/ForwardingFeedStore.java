package dev.icssync.scheduler;

import dev.icssync.ExportToken;
import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.PropertySettings;
import dev.icssync.spi.FeedStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A feed store that forwards every call; tests override the calls they want to break. */
class ForwardingFeedStore implements FeedStore {
  private final FeedStore delegate;

  ForwardingFeedStore(FeedStore delegate) {
    this.delegate = delegate;
  }

  @Override public void saveFeed(Feed feed) { delegate.saveFeed(feed); }
  @Override public Optional<Feed> feed(String tenant, String feedId) { return delegate.feed(tenant, feedId); }
  @Override public List<Feed> feeds(String tenant) { return delegate.feeds(tenant); }
  @Override public List<Feed> allFeeds() { return delegate.allFeeds(); }
  @Override public FeedState state(String tenant, String feedId) { return delegate.state(tenant, feedId); }
  @Override public FeedState beginSync(String tenant, String feedId, Instant now) { return delegate.beginSync(tenant, feedId, now); }
  @Override public void saveProperty(PropertySettings settings) { delegate.saveProperty(settings); }
  @Override public Optional<PropertySettings> property(String tenant, String property) { return delegate.property(tenant, property); }
  @Override public void saveToken(ExportToken token) { delegate.saveToken(token); }
  @Override public Optional<ExportToken> tokenByHash(String hash) { return delegate.tokenByHash(hash); }
  @Override public List<ExportToken> tokens(String tenant, String property) { return delegate.tokens(tenant, property); }
}

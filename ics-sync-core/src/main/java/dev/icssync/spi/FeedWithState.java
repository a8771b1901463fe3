package dev.icssync.spi;

import dev.icssync.Feed;
import dev.icssync.FeedState;
import java.util.Objects;

/**
 * A feed as stored, with its state as stored when it was read ({@link FeedStore#feedsWithStates}):
 * what a sync starts from. The state may be older than the stored one by the time the sync runs;
 * the sync's writes are fenced by it ({@link StateUpdate}, {@link FeedStore#beginSync(String, String,
 * java.time.Instant, long)}), so a state read early can never overwrite a newer one.
 *
 * @param feed the feed
 * @param state its state, {@link FeedState#initial} when it never synced
 */
public record FeedWithState(Feed feed, FeedState state) {

  public FeedWithState {
    Objects.requireNonNull(feed, "feed");
    Objects.requireNonNull(state, "state");
    if (!feed.tenant().equals(state.tenant()) || !feed.id().equals(state.feedId())) {
      throw new IllegalArgumentException("the state belongs to another feed");
    }
  }
}

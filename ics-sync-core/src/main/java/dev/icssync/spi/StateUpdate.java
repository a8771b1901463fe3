package dev.icssync.spi;

import dev.icssync.FeedState;
import dev.icssync.SyncRun;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The new state of a feed whose sync changed no event (a 304, or a body with an unchanged digest),
 * saved by {@link EventStore#saveStates} in a batch with other feeds' states. Such a sync never
 * bumps the generation: it read {@link #expected}, fetched, and writes {@link #state} only if the
 * stored state is still the one it read, as far as any other sync would have changed it (see
 * {@link #stillCurrent}). So a sync that began, applied, failed or quarantined the feed meanwhile
 * (on this node or another) always wins, and a stale update is dropped, never an error: the feed
 * is polled again at its stored next due time.
 *
 * @param expected the state the sync read before fetching (the fence)
 * @param state the state to save: same tenant, feed and generation as {@code expected}
 * @param run the change-log row of the sync, or null to record none; a store may keep these
 *     runs as tallies (one row per tenant, source and outcome of a batch) instead of one row each
 */
public record StateUpdate(FeedState expected, FeedState state, @Nullable SyncRun run) {

  public StateUpdate {
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(state, "state");
    if (!expected.tenant().equals(state.tenant()) || !expected.feedId().equals(state.feedId())) {
      throw new IllegalArgumentException("expected and state belong to different feeds");
    }
    if (expected.generation() != state.generation()) {
      throw new IllegalArgumentException("a state update keeps the generation it read: expected "
          + expected.generation() + ", state " + state.generation());
    }
    if (run != null && (!run.tenant().equals(state.tenant()) || !run.feedId().equals(state.feedId()))) {
      throw new IllegalArgumentException("run belongs to another feed");
    }
  }

  /**
   * Whether {@code stored} is still the state this update was computed from: the same generation
   * (no sync began since), content digest, parser version, failures in a row, last success and
   * quarantine (no sync applied, failed or held the feed back since). Every store saves the
   * update only when this holds, checked atomically with the write.
   */
  public boolean stillCurrent(FeedState stored) {
    return stored.generation() == expected.generation()
        && Objects.equals(stored.contentDigest(), expected.contentDigest())
        && stored.parserVersion() == expected.parserVersion()
        && stored.consecutiveFailures() == expected.consecutiveFailures()
        && Objects.equals(stored.lastSuccess(), expected.lastSuccess())
        && Objects.equals(stored.quarantine(), expected.quarantine());
  }
}

package dev.icssync.spi;

import dev.icssync.FeedState;
import dev.icssync.IcsSyncException;
import java.util.List;

/**
 * A complete store: what {@code IcsSync.builder().store(...)} takes. A store that wraps another
 * must forward {@link #saveStates} too (else the default writes the wrapped store's batches one by
 * one).
 */
public interface Store extends FeedStore, EventStore {

  /**
   * Saves the states of syncs that changed no event (304s and unchanged bodies of many feeds), each
   * only if {@link StateUpdate#stillCurrent} holds for the stored state, checked atomically with its
   * write; an update that no longer holds, or of a feed with no stored state, is skipped (never an
   * error). Returns how many were saved. Updates of one feed appear at most once.
   *
   * <p>The engine calls this for batches of hundreds of feeds, so a store should write a batch in
   * one transaction (one statement where it can) and may keep the batch's runs as tallies instead
   * of one row each. The default saves them one by one with {@link #state} and {@link #apply}: each
   * stays fenced by its generation, but the check of the other fields is not atomic with the write,
   * and every update costs a transaction; a store should override it.
   */
  default int saveStates(List<StateUpdate> updates) {
    int saved = 0;
    for (StateUpdate u : updates) {
      FeedState stored = state(u.state().tenant(), u.state().feedId());
      if (stored.equals(FeedState.initial(stored.tenant(), stored.feedId())) || !u.stillCurrent(stored)) {
        continue;
      }
      try {
        apply(FeedApply.stateOnly(u.state(), u.run()));
        saved++;
      } catch (IcsSyncException.StaleGenerationException e) {
        // a sync began meanwhile: its state wins
      }
    }
    return saved;
  }

  /**
   * The built-in in-memory store: thread-safe, complete, and lost when the JVM exits. The default
   * for tests and demos.
   */
  static Store inMemory() {
    return new InMemoryStore();
  }
}

package dev.icssync.spi;

import dev.icssync.CalendarEvent;
import dev.icssync.EventKey;
import dev.icssync.FeedState;
import dev.icssync.SyncRun;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything one sync writes, applied atomically by {@link EventStore#apply}: all of it or none.
 *
 * <p>The store first checks that the stored generation of the feed equals {@link #state()}'s
 * generation (else it throws {@code StaleGenerationException} and writes nothing), then renames the
 * {@link #rekeys()} (UID reissues), upserts {@link #upserts()} by key (created, changed, cancelled and
 * reinstated events: a cancellation is an upsert with status CANCELLED; rows whose fingerprint,
 * status and dates are unchanged may be skipped), saves the state and appends the run.
 *
 * <p>Still a record: one atomic apply, handed to the store adapters. Its constructor is public, so a
 * new component will come with the old constructor kept as an overload (Java 17 has no record
 * patterns to break).
 *
 * @param tenant tenant
 * @param feedId feed
 * @param rekeys events whose UID was reissued: renamed before the upserts
 * @param upserts events to insert or update, all of this tenant and feed
 * @param state the new feed state (its generation is the fencing token)
 * @param run the change-log row, or null to record none
 */
public record FeedApply(
    String tenant,
    String feedId,
    List<Rekey> rekeys,
    List<CalendarEvent> upserts,
    FeedState state,
    @Nullable SyncRun run) {

  public FeedApply {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(feedId, "feedId");
    rekeys = List.copyOf(rekeys);
    upserts = List.copyOf(upserts);
    Objects.requireNonNull(state, "state");
    if (!state.tenant().equals(tenant) || !state.feedId().equals(feedId)) {
      throw new IllegalArgumentException("state belongs to another feed");
    }
    for (CalendarEvent e : upserts) {
      if (!e.tenant().equals(tenant) || !e.feedId().equals(feedId)) {
        throw new IllegalArgumentException("upsert " + e.key() + " belongs to another feed");
      }
    }
  }

  /** An apply that changes no event: only the feed state (and the run). */
  public static FeedApply stateOnly(FeedState state, @Nullable SyncRun run) {
    return new FeedApply(state.tenant(), state.feedId(), List.of(), List.of(), state, run);
  }

  /** Rename of a stored event's key (same stay, new UID). */
  public record Rekey(EventKey from, EventKey to) {
    public Rekey {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      if (!from.tenant().equals(to.tenant()) || !from.feedId().equals(to.feedId())) {
        throw new IllegalArgumentException("a rekey stays within one feed");
      }
    }
  }
}

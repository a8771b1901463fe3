package dev.icssync;

import java.time.Instant;
import java.util.Objects;

/**
 * Why a feed's cancellations are held back: it came back empty, or would cancel more than the
 * allowed share of its future events. The cancellations are applied when the same result is seen on
 * {@code SyncConfig.quarantineConfirmations} consecutive successful syncs, the first and the last at
 * least {@code SyncConfig.quarantineMinSpan} apart, or when an operator confirms them with
 * {@code IcsSync.confirmQuarantine}. A failed sync of the feed, or a different result, starts the
 * count again; the feed stays held meanwhile.
 *
 * <p>Still a record: the held-back cancellations of a feed, stored by the adapters. Its constructor
 * is public, so a new component will come with the old constructor kept as an overload (Java 17
 * has no record patterns to break).
 *
 * @param reason human-readable reason ("feed came back empty", "would cancel 12 of 20 future events")
 * @param since when the first of the current run of identical results was seen (a different result
 *     moves it)
 * @param pendingCancellations how many events would be cancelled
 * @param resultDigest digest of the suspicious result, to recognise the same result next time
 * @param confirmations how many consecutive successful syncs returned this same result; 0 after a
 *     failed sync (the next identical result counts as the first)
 */
public record Quarantine(
    String reason, Instant since, int pendingCancellations, String resultDigest, int confirmations) {

  public Quarantine {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(resultDigest, "resultDigest");
  }

  /** This quarantine after a failed sync: still held, the count to start again. */
  public Quarantine interrupted() {
    return confirmations == 0 ? this : new Quarantine(reason, since, pendingCancellations, resultDigest, 0);
  }
}

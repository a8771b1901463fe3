package dev.icssync;

import java.time.Instant;
import java.util.Objects;

/**
 * Why a feed's cancellations are held back: it came back empty, or would cancel more than the
 * allowed share of its future events. The cancellations are applied when the same result is seen on
 * {@code SyncConfig.quarantineConfirmations} consecutive fetches, or an operator forces it.
 *
 * @param reason human-readable reason ("feed came back empty", "would cancel 12 of 20 future events")
 * @param since when the quarantine started
 * @param pendingCancellations how many events would be cancelled
 * @param resultDigest digest of the suspicious result, to recognise the same result next time
 * @param confirmations how many consecutive fetches returned this same result
 */
public record Quarantine(
    String reason, Instant since, int pendingCancellations, String resultDigest, int confirmations) {

  public Quarantine {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(resultDigest, "resultDigest");
  }
}

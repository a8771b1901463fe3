package dev.icssync.internal.engine;

import dev.icssync.DateRange;
import dev.icssync.EventKey;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;

/**
 * One fetched event after its channel profile read it: what the diff compares with the store.
 *
 * @param key identity
 * @param range range to store
 * @param kind kind
 * @param status status (CANCELLED when the feed itself says STATUS:CANCELLED)
 * @param summary sanitised summary
 * @param fingerprint {@link Fingerprints#of} of the above
 */
public record Incoming(
    EventKey key, DateRange range, EventKind kind, EventStatus status, String summary, long fingerprint) {

  public static Incoming of(EventKey key, DateRange range, EventKind kind, EventStatus status, String summary) {
    return new Incoming(key, range, kind, status, summary, Fingerprints.of(range, kind, status, summary));
  }
}

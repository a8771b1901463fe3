package dev.icssync.internal.engine;

import dev.icssync.DateRange;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;

/**
 * The fingerprint of an event: a 64-bit FNV-1a hash of the fields that matter (range, kind, status,
 * summary). Volatile fields (DTSTAMP, LAST-MODIFIED, SEQUENCE, X- properties) never reach it, so a
 * changed fingerprint means the stay changed. Stable across JVMs and releases: it is stored.
 */
public final class Fingerprints {
  private static final long OFFSET = 0xcbf29ce484222325L;
  private static final long PRIME = 0x100000001b3L;

  private Fingerprints() {}

  public static long of(DateRange range, EventKind kind, EventStatus status, String summary) {
    long h = OFFSET;
    if (range instanceof DateRange.AllDay d) {
      h = mix(h, 'D');
      h = mix(h, d.start().toEpochDay());
      h = mix(h, d.end().toEpochDay());
    } else {
      DateRange.Timed t = (DateRange.Timed) range;
      h = mix(h, 'T');
      h = mix(h, t.start().getEpochSecond());
      h = mix(h, t.start().getNano());
      h = mix(h, t.end().getEpochSecond());
      h = mix(h, t.end().getNano());
    }
    h = mix(h, kind.ordinal());
    h = mix(h, status.ordinal());
    for (int i = 0; i < summary.length(); i++) {
      h = (h ^ summary.charAt(i)) * PRIME;
    }
    return h;
  }

  private static long mix(long h, long v) {
    for (int i = 0; i < 8; i++) {
      h = (h ^ (v & 0xff)) * PRIME;
      v >>>= 8;
    }
    return h;
  }
}

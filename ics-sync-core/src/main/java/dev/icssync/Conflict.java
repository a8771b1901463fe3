package dev.icssync;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Two active events of one property, from different feeds, whose ranges overlap: a double booking.
 *
 * <p>Still a record: a stored double booking, read and written by the adapters. Its constructor is
 * public, so a new component will come with the old constructor kept as an overload (Java 17 has
 * no record patterns to break).
 *
 * @param id deterministic id derived from the two keys (same pair, same id)
 * @param tenant owning tenant
 * @param property the property
 * @param first the smaller key of the pair
 * @param second the larger key of the pair
 * @param overlap the overlapping time, in instants (property zone and check-in/out applied)
 * @param status open, resolved or ignored
 * @param winner the event the conflict policy prefers, or null ("keep both and alert")
 * @param openedAt when it was first detected
 * @param resolvedAt when it was resolved, or null
 */
public record Conflict(
    String id,
    String tenant,
    String property,
    EventKey first,
    EventKey second,
    DateRange.Timed overlap,
    ConflictStatus status,
    @Nullable EventKey winner,
    Instant openedAt,
    @Nullable Instant resolvedAt) {

  public Conflict {
    Checks.nonBlank(id, "id");
    Checks.nonBlank(tenant, "tenant");
    Checks.nonBlank(property, "property");
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(second, "second");
    Objects.requireNonNull(overlap, "overlap");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(openedAt, "openedAt");
    if (first.compareTo(second) >= 0) {
      throw new IllegalArgumentException("first must sort before second");
    }
  }

  /** The deterministic id of the conflict between two keys, in either order. */
  public static String idOf(EventKey a, EventKey b) {
    EventKey lo = a.compareTo(b) <= 0 ? a : b;
    EventKey hi = lo == a ? b : a;
    String joined = lo.feedId() + '\u0000' + lo.uid() + '\u0000' + lo.recurrenceId() + '\u0001'
        + hi.feedId() + '\u0000' + hi.uid() + '\u0000' + hi.recurrenceId();
    return dev.icssync.internal.Digests.sha256Hex(joined).substring(0, 32);
  }

  public boolean involves(EventKey key) {
    return first.equals(key) || second.equals(key);
  }
}

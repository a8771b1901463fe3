package dev.icssync.spi;

import dev.icssync.Checks;
import java.time.LocalDate;
import org.jspecify.annotations.Nullable;

/**
 * A query for the events of one property.
 *
 * <p>Window semantics (half-open, {@code [from, to)}): an all-day event matches when its dates
 * overlap the window (so an event whose check-out day is {@code from} does not match); a timed event
 * matches when it overlaps {@code [from - 1 day, to + 1 day)} taken at UTC midnight: a conservative
 * window that covers every time zone; callers refine in the property's zone. Null bounds are open.
 *
 * <p>Still a record: a query of stored events. Its constructor is public, so a new component will
 * come with the old constructor kept as an overload (Java 17 has no record patterns to break).
 *
 * @param tenant tenant (every query is scoped by it)
 * @param property property
 * @param from first day of the window, inclusive, or null
 * @param to last day of the window, exclusive, or null
 * @param includeCancelled whether cancelled events are returned
 */
public record EventQuery(
    String tenant, String property, @Nullable LocalDate from, @Nullable LocalDate to, boolean includeCancelled) {

  public EventQuery {
    Checks.nonBlank(tenant, "tenant");
    Checks.nonBlank(property, "property");
    if (from != null && to != null && to.isBefore(from)) {
      throw new IllegalArgumentException("to (" + to + ") is before from (" + from + ")");
    }
  }

  /** Every active event of the property. */
  public static EventQuery active(String tenant, String property) {
    return new EventQuery(tenant, property, null, null, false);
  }
}

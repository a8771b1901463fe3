package dev.icssync;

import java.util.Objects;

/**
 * The identity of an event: (tenant, feed, uid, recurrence id). {@code recurrenceId} is the empty
 * string for a non-recurring event or a recurrence master; otherwise it is the RFC 5545 value of the
 * instance's original start ({@code 20260824} or {@code 20260824T130000Z}).
 *
 * <p>A record because its shape is fixed: an event's identity is tenant, feed, UID and recurrence
 * id; a component will not be added.
 */
public record EventKey(String tenant, String feedId, String uid, String recurrenceId)
    implements Comparable<EventKey> {

  public EventKey {
    Checks.nonBlank(tenant, "tenant");
    Checks.nonBlank(feedId, "feedId");
    Checks.nonBlank(uid, "uid");
    Objects.requireNonNull(recurrenceId, "recurrenceId");
  }

  public static EventKey of(String tenant, String feedId, String uid) {
    return new EventKey(tenant, feedId, uid, "");
  }

  public boolean hasRecurrenceId() {
    return !recurrenceId.isEmpty();
  }

  @Override
  public int compareTo(EventKey o) {
    int c = tenant.compareTo(o.tenant);
    if (c == 0) c = feedId.compareTo(o.feedId);
    if (c == 0) c = uid.compareTo(o.uid);
    if (c == 0) c = recurrenceId.compareTo(o.recurrenceId);
    return c;
  }
}

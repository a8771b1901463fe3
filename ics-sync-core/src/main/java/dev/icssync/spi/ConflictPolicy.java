package dev.icssync.spi;

import dev.icssync.CalendarEvent;
import dev.icssync.EventKey;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Marks the winner of a double booking. A policy never deletes or cancels a reservation: it only
 * says which side the host should honour.
 */
@FunctionalInterface
public interface ConflictPolicy {

  /** The key of the event to honour, or null to keep both and alert. */
  @Nullable EventKey winner(CalendarEvent a, CalendarEvent b);

  /**
   * The event from the source listed first wins ({@code sourcePriority("direct", "airbnb")}); sources
   * not listed lose to listed ones; between equals, the first seen wins.
   */
  static ConflictPolicy sourcePriority(String... sources) {
    List<String> order = java.util.Arrays.stream(sources).map(s -> s.toLowerCase(Locale.ROOT)).toList();
    return (a, b) -> {
      int ra = order.indexOf(a.source());
      int rb = order.indexOf(b.source());
      ra = ra < 0 ? Integer.MAX_VALUE : ra;
      rb = rb < 0 ? Integer.MAX_VALUE : rb;
      if (ra != rb) {
        return ra < rb ? a.key() : b.key();
      }
      return firstSeenWins().winner(a, b);
    };
  }

  /** The event stored first wins (ties broken by key order, so the answer is stable). */
  static ConflictPolicy firstSeenWins() {
    return (a, b) -> {
      int c = a.firstSeen().compareTo(b.firstSeen());
      if (c == 0) {
        c = a.key().compareTo(b.key());
      }
      return c <= 0 ? a.key() : b.key();
    };
  }

  /** No winner: both are kept and the conflict is reported. */
  static ConflictPolicy keepBoth() {
    return (a, b) -> null;
  }
}

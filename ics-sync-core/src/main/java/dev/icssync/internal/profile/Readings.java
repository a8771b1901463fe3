package dev.icssync.internal.profile;

import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.ical.ParsedEvent;
import dev.icssync.spi.ChannelProfile.Normalized;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Shared pieces of the built-in profiles. Stored summaries are fixed, kind-derived labels: a feed's
 * own summary often carries a guest's name ("Reserved - Jane Doe", "CLOSED - Jane Doe"), so no
 * built-in profile keeps it. A host that wants the text registers its own profile.
 */
final class Readings {
  static final String RESERVED = "Reserved";
  static final String NOT_AVAILABLE = "Not available";
  static final String TENTATIVE = "Tentative";
  static final String BUSY = "Busy";

  private Readings() {}

  /** The STATUS property read as an event status (CONFIRMED when absent or unknown). */
  static EventStatus status(ParsedEvent e) {
    String s = e.status();
    if (s == null) {
      return EventStatus.CONFIRMED;
    }
    return switch (s) {
      case "CANCELLED" -> EventStatus.CANCELLED;
      case "TENTATIVE" -> EventStatus.TENTATIVE;
      default -> EventStatus.CONFIRMED;
    };
  }

  /** Summary in lower case, trimmed; "" when absent. */
  static String summary(ParsedEvent e) {
    String s = e.summary();
    return s == null ? "" : s.strip().toLowerCase(Locale.ROOT);
  }

  static boolean startsWithAny(String text, String... prefixes) {
    for (String p : prefixes) {
      if (text.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  static boolean containsAny(String text, String... parts) {
    for (String p : parts) {
      if (text.contains(p)) {
        return true;
      }
    }
    return false;
  }

  /**
   * True when one of {@code words} appears in {@code text} as a whole word (not inside a longer
   * word: "reserved" in "48213377 reserved" or "reserved - jane", not in "unreserved").
   */
  static boolean containsAnyWord(String text, String... words) {
    for (String w : words) {
      int i = text.indexOf(w);
      while (i >= 0) {
        int after = i + w.length();
        if ((i == 0 || !Character.isLetter(text.charAt(i - 1)))
            && (after == text.length() || !Character.isLetter(text.charAt(after)))) {
          return true;
        }
        i = text.indexOf(w, i + 1);
      }
    }
    return false;
  }

  static boolean containsIgnoreCase(@Nullable String text, String part) {
    return text != null && text.toLowerCase(Locale.ROOT).contains(part);
  }

  /** A reading with the label of its kind; tentative kinds get the tentative status. */
  static Normalized of(EventKind kind, EventStatus status) {
    EventStatus st = kind == EventKind.TENTATIVE && status == EventStatus.CONFIRMED
        ? EventStatus.TENTATIVE : status;
    return new Normalized(kind, st, label(kind));
  }

  static String label(EventKind kind) {
    return switch (kind) {
      case RESERVATION -> RESERVED;
      case BLOCK -> NOT_AVAILABLE;
      case TENTATIVE -> TENTATIVE;
      case EVENT -> BUSY;
    };
  }
}

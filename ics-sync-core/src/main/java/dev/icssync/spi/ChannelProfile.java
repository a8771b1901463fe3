package dev.icssync.spi;

import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.ical.ParsedEvent;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How one channel's feed is read: which events are reservations, blocks or holds, and what summary
 * is safe to keep (no guest names, phone digits or reservation links). Hosts may register their own.
 */
public interface ChannelProfile {

  /** The source name this profile serves ({@code airbnb}, {@code booking}, ...). */
  String source();

  /** True when a feed of unknown source looks like this channel's (by PRODID or a UID). */
  boolean recognises(@Nullable String prodId, String sampleUid);

  /** The normalised event, or null to drop it (for example a duplicate "check-in" marker). */
  @Nullable Normalized normalize(ParsedEvent event);

  /**
   * The profile's reading of one event.
   *
   * @param kind reservation, block, tentative hold or event
   * @param status confirmed, tentative or cancelled
   * @param summary the sanitised summary to store
   */
  record Normalized(EventKind kind, EventStatus status, String summary) {
    public Normalized {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(summary, "summary");
    }
  }
}

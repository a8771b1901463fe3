package dev.icssync;

import dev.icssync.internal.profile.AirbnbProfile;
import dev.icssync.internal.profile.BookingProfile;
import dev.icssync.internal.profile.CalendarAppProfile;
import dev.icssync.internal.profile.GenericProfile;
import dev.icssync.internal.profile.ProfileRegistry;
import dev.icssync.internal.profile.TripAdvisorProfile;
import dev.icssync.internal.profile.VrboProfile;
import dev.icssync.spi.ChannelProfile;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The built-in {@link ChannelProfile}s (see CHANNELS.md for what each channel emits). The engine
 * picks one by the feed's source ({@code airbnb}, {@code booking}, {@code vrbo}, {@code google},
 * {@code outlook}, {@code tripadvisor}, and aliases such as {@code homeaway}); a feed of any other
 * source is detected from its PRODID and UIDs, else read by {@link #generic()}.
 *
 * <p>No built-in profile stores a feed's own summary text: stored summaries are labels
 * ("Reserved", "Not available", "Tentative", "Busy"), since channels put guest names there.
 * Register your own profile ({@code IcsSync.builder().profile(...)}) to read a feed differently.
 */
public final class ChannelProfiles {
  private ChannelProfiles() {}

  /** Airbnb: reservations and blocks by UID prefix and summary; booking-window and advance-notice rules. */
  public static ChannelProfile airbnb() {
    return new AirbnbProfile();
  }

  /** Booking.com: "CLOSED - Not available" read as blocks, "CLOSED - name" as reservations. */
  public static ChannelProfile booking() {
    return new BookingProfile();
  }

  /** Vrbo / HomeAway / Abritel: localised Reserved / Blocked / tentative holds. */
  public static ChannelProfile vrbo() {
    return new VrboProfile();
  }

  /** Google Calendar: busy events; free (transparent) ones dropped. */
  public static ChannelProfile google() {
    return CalendarAppProfile.google();
  }

  /** Outlook / Office 365: busy events; free (transparent) ones dropped. */
  public static ChannelProfile outlook() {
    return CalendarAppProfile.outlook();
  }

  /** TripAdvisor / FlipKey: reservations unless the summary says blocked. */
  public static ChannelProfile tripadvisor() {
    return new TripAdvisorProfile();
  }

  /** Any other feed: the summary's words decide the kind. */
  public static ChannelProfile generic() {
    return new GenericProfile();
  }

  /** Every built-in profile, generic last. */
  public static List<ChannelProfile> builtIns() {
    return ProfileRegistry.builtIns();
  }

  /** The built-in profile recognising a feed by its PRODID or a UID, if any. */
  public static Optional<ChannelProfile> detect(@Nullable String prodId, String sampleUid) {
    return Optional.ofNullable(new ProfileRegistry(List.of()).detect(prodId, List.of(sampleUid)));
  }

  /**
   * True when the event is a channel's availability rule (a rolling booking window or advance
   * notice) rather than anyone's stay: such events are never double bookings, and an export may
   * leave them out.
   */
  public static boolean isAvailabilityRule(EventKey key) {
    return key.uid().startsWith(ChannelProfile.RULE_UID_PREFIX);
  }

  /** See {@link #isAvailabilityRule(EventKey)}. */
  public static boolean isAvailabilityRule(CalendarEvent event) {
    return isAvailabilityRule(event.key());
  }
}

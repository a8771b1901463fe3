package dev.icssync.internal.profile;

import dev.icssync.spi.ChannelProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Chooses the profile of a feed: the host's profiles first, then the built-in ones, by the feed's
 * configured source (aliases such as {@code homeaway} or {@code booking.com} included); a source no
 * profile serves is detected from the feed's PRODID and a UID, else read by the generic profile.
 */
public final class ProfileRegistry {
  private static final Map<String, String> ALIASES = Map.ofEntries(
      Map.entry("booking.com", "booking"), Map.entry("bookingcom", "booking"),
      Map.entry("homeaway", "vrbo"), Map.entry("abritel", "vrbo"), Map.entry("vrbo.com", "vrbo"),
      Map.entry("flipkey", "tripadvisor"), Map.entry("holidaylettings", "tripadvisor"),
      Map.entry("gcal", "google"), Map.entry("googlecalendar", "google"),
      Map.entry("office365", "outlook"), Map.entry("o365", "outlook"), Map.entry("microsoft", "outlook"),
      Map.entry("exchange", "outlook"), Map.entry("airbnb.com", "airbnb"));
  /** Sources that mean "no particular channel": always detected. */
  private static final List<String> UNKNOWN = List.of("ical", "ics", "unknown", "other", "auto");

  private final List<ChannelProfile> profiles;
  private final ChannelProfile generic;
  private final int version;

  public ProfileRegistry(List<ChannelProfile> hostProfiles) {
    List<ChannelProfile> all = new ArrayList<>(hostProfiles);
    all.addAll(builtIns());
    this.profiles = List.copyOf(all);
    ChannelProfile g = null;
    for (ChannelProfile p : profiles) {
      if (p.source().equals("generic")) {
        g = p;
        break;
      }
    }
    if (g == null) {
      throw new IllegalStateException("the built-in generic profile is missing");
    }
    this.generic = g;
    int v = 1;
    for (ChannelProfile p : profiles) {
      v = 31 * v + p.source().hashCode();
      v = 31 * v + p.version();
    }
    this.version = v & 0x7fffffff;
  }

  public static List<ChannelProfile> builtIns() {
    return List.of(new AirbnbProfile(), new BookingProfile(), new VrboProfile(), CalendarAppProfile.google(),
        CalendarAppProfile.outlook(), new TripAdvisorProfile(), new GenericProfile());
  }

  /**
   * A number that changes whenever the set of profiles or one of their versions changes: stored with
   * the digest so a new reading re-parses feeds that did not change.
   */
  public int version() {
    return version;
  }

  /** The profile configured for {@code source}, or null when no profile serves it. */
  public @Nullable ChannelProfile forSource(String source) {
    String s = source.trim().toLowerCase(Locale.ROOT);
    if (UNKNOWN.contains(s)) {
      return null;
    }
    String canonical = ALIASES.getOrDefault(s, s);
    for (ChannelProfile p : profiles) {
      if (p.source().equalsIgnoreCase(s) || p.source().equalsIgnoreCase(canonical)) {
        return p;
      }
    }
    return null;
  }

  /** The first profile recognising the feed, or null. */
  public @Nullable ChannelProfile detect(@Nullable String prodId, List<String> sampleUids) {
    for (ChannelProfile p : profiles) {
      if (p.recognises(prodId, "")) {
        return p;
      }
      for (String uid : sampleUids) {
        if (p.recognises(null, uid)) {
          return p;
        }
      }
    }
    return null;
  }

  /** The profile for a feed: configured source, else detected, else generic. */
  public ChannelProfile resolve(String source, @Nullable String prodId, List<String> sampleUids) {
    ChannelProfile p = forSource(source);
    if (p == null) {
      p = detect(prodId, sampleUids);
    }
    return p != null ? p : generic;
  }
}

package dev.icssync;

import dev.icssync.IcsSyncException.ConfigurationException;
import dev.icssync.internal.Digests;
import java.time.Duration;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What one export of a property contains. Immutable; start from {@link #forProperty} and refine with
 * the {@code with...}/{@code forChannel} methods, each of which validates and names the parameter.
 *
 * <pre>{@code
 * ExportedCalendar ics = sync.export(ExportView.forProperty("tenant-1", "villa-7")
 *     .forChannel("airbnb")          // leaves out the events imported from Airbnb
 *     .withPadding(0, 1));           // one turnover day after every stay
 * }</pre>
 *
 * <p>Rules, applied in this order to the property's active events:
 * <ol>
 *   <li>only events that take the property's dates by {@code SyncConfig.blocksDates}, the rule
 *       double-booking detection follows too (reservations, blocks, tentative holds, and the
 *       events of personal calendars such as an owner's Google or Outlook calendar unless the
 *       host turned {@code SyncConfig.personalEventsBlock} off), and of those only the
 *       {@link #kinds} asked for (default: every kind);
 *   <li>events imported from {@link #channel} are left out, so nothing echoes back to it;
 *   <li>every event is widened by {@link #paddingDaysBefore} / {@link #paddingDaysAfter} days
 *       (blocks too: the channel should not sell a turnover day whatever closed the dates);
 *   <li>events over (after padding) when today starts in the property's zone are dropped: an
 *       all-day stay whose check-out day is today, a timed event that ended before midnight; so
 *       are events starting on or after the day today + {@link #horizon}; events running across
 *       today are kept whole (a timed event that ends this morning stays until tomorrow, so the
 *       bytes change at most once a day);
 *   <li>empty ranges are dropped;
 *   <li>when nothing is left and {@link #placeholder} is on, one transparent event on
 *       {@link #placeholderDate} (in the past, so it blocks nothing) keeps the feed non-empty.
 * </ol>
 *
 * <p>A channel's availability rules (Airbnb closing the days inside its advance notice and the
 * dates past its booking window) are left out unless {@link #withAvailabilityRules} turns them on:
 * they say what that channel will not sell, not that the home is taken, so exporting them would
 * close the other channels' last-minute and far-ahead dates.
 *
 * <p>Privacy: at {@link Privacy#NEUTRAL} (the default) SUMMARY is {@code Reserved} for reservations
 * and {@code Not available} for everything else, there is no DESCRIPTION, and UIDs are hashes of our
 * own identity (tenant, feed, uid, recurrence id), never the source's UID.
 *
 * <p>A final class rather than a record: views gain options, and a record's canonical constructor
 * would break every caller with each one. Made by {@link #forProperty} and refined by the withers;
 * accessors keep the record style.
 */
public final class ExportView {
  private final String tenant;
  private final String property;
  private final Set<EventKind> kinds;
  private final @Nullable String channel;
  private final int paddingDaysBefore;
  private final int paddingDaysAfter;
  private final Duration horizon;
  private final boolean placeholder;
  private final LocalDate placeholderDate;
  private final Privacy privacy;
  private final @Nullable String calendarName;
  private final boolean availabilityRules;
  /** {@link #hashCode()}, computed at its first call (0 until then): a view keys look-ups on every export. */
  private int hash;

  private ExportView(String tenant, String property, Set<EventKind> kinds, @Nullable String channel,
      int paddingDaysBefore, int paddingDaysAfter, Duration horizon, boolean placeholder,
      LocalDate placeholderDate, Privacy privacy, @Nullable String calendarName,
      boolean availabilityRules) {
    Checks.nonBlank(tenant, "tenant");
    Checks.nonBlank(property, "property");
    Objects.requireNonNull(kinds, "kinds");
    if (kinds.isEmpty()) {
      throw new ConfigurationException("kinds must not be empty");
    }
    kinds = Set.copyOf(EnumSet.copyOf(kinds));
    if (channel != null) {
      if (channel.isBlank()) {
        throw new ConfigurationException("channel must not be blank (use null for every source)");
      }
      channel = channel.trim().toLowerCase(Locale.ROOT);
    }
    if (paddingDaysBefore < 0 || paddingDaysBefore > MAX_PADDING_DAYS) {
      throw new ConfigurationException(
          "paddingDaysBefore must be in [0, " + MAX_PADDING_DAYS + "], was " + paddingDaysBefore);
    }
    if (paddingDaysAfter < 0 || paddingDaysAfter > MAX_PADDING_DAYS) {
      throw new ConfigurationException(
          "paddingDaysAfter must be in [0, " + MAX_PADDING_DAYS + "], was " + paddingDaysAfter);
    }
    Objects.requireNonNull(horizon, "horizon");
    if (horizon.compareTo(Duration.ofDays(1)) < 0 || horizon.compareTo(MAX_HORIZON) > 0
        || !horizon.equals(Duration.ofDays(horizon.toDays()))) {
      throw new ConfigurationException(
          "horizon must be whole days between 1 day and 10 years, was " + horizon);
    }
    Objects.requireNonNull(placeholderDate, "placeholderDate");
    Objects.requireNonNull(privacy, "privacy");
    if (calendarName != null && calendarName.isBlank()) {
      throw new ConfigurationException("calendarName must not be blank (use null for none)");
    }
    this.tenant = tenant;
    this.property = property;
    this.kinds = kinds;
    this.channel = channel;
    this.paddingDaysBefore = paddingDaysBefore;
    this.paddingDaysAfter = paddingDaysAfter;
    this.horizon = horizon;
    this.placeholder = placeholder;
    this.placeholderDate = placeholderDate;
    this.privacy = privacy;
    this.calendarName = calendarName;
    this.availabilityRules = availabilityRules;
  }

  /** Tenant. */
  public String tenant() {
    return tenant;
  }

  /** Property. */
  public String property() {
    return property;
  }

  /** Event kinds to export (not empty; default every kind), among those that block dates. */
  public Set<EventKind> kinds() {
    return kinds;
  }

  /** The channel this export is for (its own events are left out), or null for the merged view of every source. */
  public @Nullable String channel() {
    return channel;
  }

  /** Days added before every event (0 to 366). */
  public int paddingDaysBefore() {
    return paddingDaysBefore;
  }

  /** Days added after every event (0 to 366). */
  public int paddingDaysAfter() {
    return paddingDaysAfter;
  }

  /** How far ahead events are exported (whole days, 1 day to 10 years; default 730 days). */
  public Duration horizon() {
    return horizon;
  }

  /** Whether an empty export gets one placeholder event (default off). */
  public boolean placeholder() {
    return placeholder;
  }

  /** The placeholder's day (default 2000-01-01: fixed, so the bytes stay stable). */
  public LocalDate placeholderDate() {
    return placeholderDate;
  }

  /** How much the export says about each event. */
  public Privacy privacy() {
    return privacy;
  }

  /** X-WR-CALNAME of the feed, or null for none. */
  public @Nullable String calendarName() {
    return calendarName;
  }

  /** Whether a channel's availability rules (Airbnb's advance-notice and booking-window blocks, stored under {@code ics-sync-rule:} UIDs) are exported (default off). */
  public boolean availabilityRules() {
    return availabilityRules;
  }

  public static final Duration DEFAULT_HORIZON = Duration.ofDays(730);
  /**
   * Every kind: what is exported is what blocks dates ({@code SyncConfig.blocksDates}, the rule of
   * double-booking detection too); {@link #withKinds} narrows a view further.
   */
  public static final Set<EventKind> DEFAULT_KINDS = Set.copyOf(EnumSet.allOf(EventKind.class));
  public static final LocalDate DEFAULT_PLACEHOLDER_DATE = LocalDate.of(2000, 1, 1);
  private static final int MAX_PADDING_DAYS = 366;
  private static final Duration MAX_HORIZON = Duration.ofDays(3653);

  /** How much an export says about each event. */
  public enum Privacy {
    /** Neutral SUMMARY ({@code Reserved} / {@code Not available}), no DESCRIPTION. The default. */
    NEUTRAL,
    /**
     * The stored (already sanitised) summary, and a DESCRIPTION naming the source channel and the
     * kind. Opt in only for the host's own calendars: a channel that imports it learns where each
     * stay came from.
     */
    DETAILED
  }

  /**
   * The default view of a property: every source, every event that blocks dates, no padding,
   * 730 days, neutral.
   */
  public static ExportView forProperty(String tenant, String property) {
    return new ExportView(tenant, property, DEFAULT_KINDS, null, 0, 0, DEFAULT_HORIZON, false,
        DEFAULT_PLACEHOLDER_DATE, Privacy.NEUTRAL, null, false);
  }

  /**
   * The view for the channel {@code source} ({@code airbnb}, {@code booking}, ...): events imported
   * from it are left out. Null means the merged view of every source.
   */
  public ExportView forChannel(@Nullable String source) {
    return new ExportView(tenant, property, kinds, source, paddingDaysBefore, paddingDaysAfter,
        horizon, placeholder, placeholderDate, privacy, calendarName, availabilityRules);
  }

  public ExportView withKinds(Set<EventKind> value) {
    return new ExportView(tenant, property, value, channel, paddingDaysBefore, paddingDaysAfter,
        horizon, placeholder, placeholderDate, privacy, calendarName, availabilityRules);
  }

  public ExportView withKinds(EventKind first, EventKind... more) {
    return withKinds(EnumSet.of(first, more));
  }

  /** Days added before and after every exported event (for example a turnover day). */
  public ExportView withPadding(int daysBefore, int daysAfter) {
    return new ExportView(tenant, property, kinds, channel, daysBefore, daysAfter, horizon,
        placeholder, placeholderDate, privacy, calendarName, availabilityRules);
  }

  public ExportView withHorizon(Duration value) {
    return new ExportView(tenant, property, kinds, channel, paddingDaysBefore, paddingDaysAfter,
        value, placeholder, placeholderDate, privacy, calendarName, availabilityRules);
  }

  /** Turns the placeholder of empty exports on or off (on {@link #DEFAULT_PLACEHOLDER_DATE}). */
  public ExportView withPlaceholder(boolean value) {
    return new ExportView(tenant, property, kinds, channel, paddingDaysBefore, paddingDaysAfter,
        horizon, value, placeholderDate, privacy, calendarName, availabilityRules);
  }

  /** Turns the placeholder on, on {@code date}. */
  public ExportView withPlaceholder(LocalDate date) {
    return new ExportView(tenant, property, kinds, channel, paddingDaysBefore, paddingDaysAfter,
        horizon, true, date, privacy, calendarName, availabilityRules);
  }

  public ExportView withPrivacy(Privacy value) {
    return new ExportView(tenant, property, kinds, channel, paddingDaysBefore, paddingDaysAfter,
        horizon, placeholder, placeholderDate, value, calendarName, availabilityRules);
  }

  public ExportView withCalendarName(@Nullable String value) {
    return new ExportView(tenant, property, kinds, channel, paddingDaysBefore, paddingDaysAfter,
        horizon, placeholder, placeholderDate, privacy, value, availabilityRules);
  }

  /**
   * Whether channels' availability rules (Airbnb's advance-notice and booking-window blocks) are
   * exported. Off by default: they close only the channel that set them.
   */
  public ExportView withAvailabilityRules(boolean value) {
    return new ExportView(tenant, property, kinds, channel, paddingDaysBefore, paddingDaysAfter,
        horizon, placeholder, placeholderDate, privacy, calendarName, value);
  }

  /** The view's {@link #surrogateKey(String, String) surrogate key}. */
  public String surrogateKey() {
    return surrogateKey(tenant, property);
  }

  /**
   * The CDN surrogate key of every export of a property: {@code ics-p-} and 32 hex digits of
   * SHA-256 over tenant and property. Hashed so a public response header reveals neither id;
   * free of spaces, so it fits {@code Surrogate-Key} and {@code Cache-Tag} headers. The export
   * endpoint sends it and the engine passes it to {@code PurgeHook} after a sync changes the
   * property; hosts purging by hand compute it here.
   */
  public static String surrogateKey(String tenant, String property) {
    Checks.nonBlank(tenant, "tenant");
    Checks.nonBlank(property, "property");
    // length-prefixed, so no choice of ids makes two properties share a key
    return "ics-p-" + Digests.sha256Hex(tenant.length() + ":" + tenant + property).substring(0, 32);
  }

  /** {@link #surrogateKey(String, String)} as the set {@code PurgeHook.purge} takes. */
  public static Set<String> surrogateKeys(String tenant, String property) {
    return Set.of(surrogateKey(tenant, property));
  }

  @Override
  public boolean equals(@Nullable Object other) {
    if (this == other) {
      return true;
    }
    return other instanceof ExportView o
        && hashCode() == o.hashCode()
        && Objects.equals(tenant, o.tenant)
        && Objects.equals(property, o.property)
        && Objects.equals(kinds, o.kinds)
        && Objects.equals(channel, o.channel)
        && paddingDaysBefore == o.paddingDaysBefore
        && paddingDaysAfter == o.paddingDaysAfter
        && Objects.equals(horizon, o.horizon)
        && placeholder == o.placeholder
        && Objects.equals(placeholderDate, o.placeholderDate)
        && Objects.equals(privacy, o.privacy)
        && Objects.equals(calendarName, o.calendarName)
        && availabilityRules == o.availabilityRules;
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) { // immutable, so racing threads compute the same value (as String does)
      h = Objects.hash(tenant, property, kinds, channel, paddingDaysBefore, paddingDaysAfter,
          horizon, placeholder, placeholderDate, privacy, calendarName, availabilityRules);
      hash = h;
    }
    return h;
  }

  @Override
  public String toString() {
    return "ExportView[tenant=" + tenant + ", property=" + property + ", kinds=" + kinds
        + ", channel=" + channel + ", paddingDaysBefore=" + paddingDaysBefore
        + ", paddingDaysAfter=" + paddingDaysAfter + ", horizon=" + horizon
        + ", placeholder=" + placeholder + ", placeholderDate=" + placeholderDate
        + ", privacy=" + privacy + ", calendarName=" + calendarName
        + ", availabilityRules=" + availabilityRules + "]";
  }
}

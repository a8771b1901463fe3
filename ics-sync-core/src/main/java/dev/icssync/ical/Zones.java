package dev.icssync.ical;

import java.io.StringReader;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.ZoneRulesBuilder;
import net.fortuna.ical4j.model.component.VTimeZone;
import org.jspecify.annotations.Nullable;

/**
 * Resolves TZID values of one feed: IANA ids first (also behind a {@code /mozilla.org/...} style
 * prefix), then Windows names and Windows display names ({@code (UTC-05:00) Eastern Time (US &
 * Canada)}), then the feed's own VTIMEZONE definitions (read by ical4j) under any other name. IANA
 * rules win over a VTIMEZONE of a well-known name, deliberately: feeds ship stale or wrong
 * definitions of well-known zones (OwnerRez's Europe/Paris, Outlook's 1601-based rules), while the
 * JDK's tz database is kept current. A VTIMEZONE whose TZID is no well-known name (a custom name,
 * {@code Customized Time Zone}, an offset-only display name) is the only definition there is, and
 * is used, as is one under an offset-style id the JDK would read as a fixed offset
 * ({@code GMT+02:00}). Not thread-safe: one instance per parse.
 *
 * <p>Reading a VTIMEZONE costs up to milliseconds of CPU, so a feed may have at most
 * {@value #MAX_DEFINED_ZONES} of its own zones read, each at most {@value #MAX_DEFINITION_CHARS}
 * characters long (real feeds carry one to a few zones of a few kilobytes); times in further zones
 * are read in the feed's floating zone with a diagnostic, as for an unknown TZID.
 */
final class Zones {
  /** The most VTIMEZONE definitions of one feed that are read. */
  public static final int MAX_DEFINED_ZONES = 50;
  /** The longest VTIMEZONE definition that is read, in characters. */
  public static final int MAX_DEFINITION_CHARS = 64 * 1024;

  /** A resolved zone: its id as written and its rules. */
  public record Zone(String id, ZoneRules rules) {
    /** A local wall time in this zone as an instant, resolving gaps and overlaps like ZonedDateTime. */
    public Instant toInstant(LocalDateTime local) {
      List<ZoneOffset> offsets = rules.getValidOffsets(local);
      if (offsets.size() == 1) {
        return local.toInstant(offsets.get(0));
      }
      if (offsets.isEmpty()) {
        ZoneOffsetTransition gap = rules.getTransition(local);
        return local.plusSeconds(gap.getDuration().getSeconds()).toInstant(gap.getOffsetAfter());
      }
      return local.toInstant(offsets.get(0));
    }

    /** The wall time of an instant in this zone. */
    public LocalDateTime toLocal(Instant t) {
      return LocalDateTime.ofEpochSecond(t.getEpochSecond(), t.getNano(), rules.getOffset(t));
    }
  }

  public static final Zone UTC = new Zone("UTC", ZoneOffset.UTC.getRules());

  private final Map<String, String> definitions = new HashMap<>();
  private final Map<String, Zone> cache = new HashMap<>();
  private final Map<String, Boolean> failed = new HashMap<>();
  private final Map<String, Boolean> overLimit = new HashMap<>();
  private final java.util.Set<String> provisional = new java.util.HashSet<>();
  private int read;

  /** Remembers a VTIMEZONE definition (the component's content lines, CRLF-separated). */
  public void define(String tzid, String vtimezone) {
    definitions.putIfAbsent(tzid, vtimezone);
    failed.remove(tzid);
    if (provisional.remove(tzid)) {
      cache.remove(tzid);
    }
  }

  /**
   * True when {@code tzid} resolved to the fixed offset of an offset-style id ({@code GMT+02:00})
   * for want of a definition: a VTIMEZONE of that name further down the calendar would replace it.
   */
  public boolean provisional(String tzid) {
    return provisional.contains(tzid);
  }

  public boolean hasDefinition(String tzid) {
    return definitions.containsKey(tzid);
  }

  /** Resolves a TZID, or null when neither IANA, Windows nor a definition in the feed knows it. */
  public @Nullable Zone resolve(String tzid) {
    Zone z = cache.get(tzid);
    if (z != null) {
      return z;
    }
    if (failed.containsKey(tzid)) {
      return null;
    }
    ZoneId id = wellKnown(tzid);
    if (id != null && !ZoneId.getAvailableZoneIds().contains(id.getId())) {
      // "GMT+02:00" is no IANA zone, only an offset: a definition in the feed says more
      if (definitions.containsKey(tzid)) {
        id = null;
      } else {
        provisional.add(tzid);
      }
    }
    if (id != null) {
      z = new Zone(tzid, id.getRules());
    } else {
      String def = definitions.get(tzid);
      if (def != null) {
        if (read >= MAX_DEFINED_ZONES || def.length() > MAX_DEFINITION_CHARS) {
          overLimit.put(tzid, Boolean.TRUE);
        } else {
          read++;
          ZoneRules rules = fromDefinition(def);
          if (rules != null) {
            z = new Zone(tzid, rules);
          }
        }
      }
    }
    if (z == null) {
      failed.put(tzid, Boolean.TRUE);
      return null;
    }
    cache.put(tzid, z);
    return z;
  }

  /** True when {@code tzid} has a definition that was not read because of the limits above. */
  public boolean overLimit(String tzid) {
    return overLimit.containsKey(tzid);
  }

  /** An IANA or Windows zone name as a ZoneId, or null. */
  public static @Nullable ZoneId wellKnown(String tzid) {
    String t = tzid.trim();
    if (t.isEmpty()) {
      return null;
    }
    ZoneId id = iana(t);
    if (id != null) {
      return id;
    }
    if (t.startsWith("/")) {
      // "/mozilla.org/20050126_1/Europe/Berlin", "/freeassociation.sourceforge.net/Tzfile/Europe/Berlin"
      String[] parts = t.substring(1).split("/");
      for (int n = Math.min(3, parts.length); n >= 1; n--) {
        String candidate = String.join("/", java.util.Arrays.copyOfRange(parts, parts.length - n, parts.length));
        id = iana(candidate);
        if (id != null) {
          return id;
        }
      }
    }
    String windows = WindowsZones.toIana(t);
    if (windows == null) {
      windows = WindowsZones.fromDisplayName(t);
    }
    if (windows != null) {
      return iana(windows);
    }
    return null;
  }

  private static @Nullable ZoneId iana(String t) {
    if (t.indexOf('/') < 0 && !t.equals("UTC") && !t.equals("GMT") && !t.equals("Z")
        && !t.startsWith("UTC") && !t.startsWith("GMT")) {
      return null; // keep ZoneId.of away from names it would misread
    }
    try {
      return ZoneId.of(t);
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static @Nullable ZoneRules fromDefinition(String vtimezone) {
    String cal = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ics-sync//zone//EN\r\n" + vtimezone
        + "END:VCALENDAR\r\n";
    try {
      Calendar c = new CalendarBuilder().build(new StringReader(cal));
      VTimeZone vtz = (VTimeZone) c.getComponent("VTIMEZONE").orElse(null);
      if (vtz == null) {
        return null;
      }
      return new ZoneRulesBuilder().vTimeZone(vtz).build();
    } catch (Exception e) {
      return null;
    }
  }
}

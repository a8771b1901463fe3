package dev.icssync.internal.export;

import dev.icssync.CalendarEvent;
import dev.icssync.DateRange;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.ExportView;
import dev.icssync.ExportedCalendar;
import dev.icssync.PropertySettings;
import dev.icssync.SyncConfig;
import dev.icssync.ical.IcalWriter;
import dev.icssync.internal.Digests;
import dev.icssync.spi.ChannelProfile;
import dev.icssync.spi.EventQuery;
import dev.icssync.spi.ExportCache;
import dev.icssync.spi.Store;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Renders {@link ExportView}s: reads the property's events, applies the view's rules and writes
 * deterministic RFC 5545 bytes. Renders are cached in the {@link ExportCache} under a key that
 * includes the day (the view's window rolls at the property's midnight) and the property's zone (a
 * zone change moves that midnight and the instants of all-day events).
 */
public final class Exporter {
  /** PRODID of every export; constant so that upgrading the library does not change the bytes. */
  public static final String PRODID = "-//ics-sync//ics-sync export//EN";
  static final String UID_SUFFIX = "@ics-sync";
  static final String RESERVED = "Reserved";
  static final String NOT_AVAILABLE = "Not available";
  static final String PLACEHOLDER = "Placeholder";

  private static final HexFormat HEX = HexFormat.of();
  private static final EventKind[] KINDS_BY_NAME = java.util.Arrays.stream(EventKind.values())
      .sorted(Comparator.comparing(Enum::name)).toArray(EventKind[]::new);
  private static final Comparator<Item> ORDER = Comparator
      .comparing(Item::sortStart)
      .thenComparing(Item::sortEnd)
      .thenComparing(Item::uid);

  /** {@link SyncConfig#blocksDates} of the default configuration. */
  private static final Predicate<EventKind> DEFAULT_BLOCKS = SyncConfig.defaults()::blocksDates;

  private final Store store;
  private final Clock clock;
  private final ExportCache cache;
  private final Predicate<EventKind> blocksDates;
  /** Cache keys already computed, by view, zone and day (a hash each; bounded, cleared when full). */
  private final java.util.concurrent.ConcurrentHashMap<KeyInput, String> keys =
      new java.util.concurrent.ConcurrentHashMap<>();
  static final int MAX_KEYS = 4096;

  private record KeyInput(ExportView view, ZoneId zone, LocalDate day) {}

  /** For {@link #cached}: the zone of a property as read at a store revision (bounded like the keys). */
  private final java.util.concurrent.ConcurrentHashMap<PropertyKey, KnownZone> zones =
      new java.util.concurrent.ConcurrentHashMap<>();

  private record PropertyKey(String tenant, String property) {}

  private record KnownZone(ZoneId zone, long revision) {}

  private void rememberZone(PropertyKey key, KnownZone zone) {
    if (zone.equals(zones.get(key))) {
      return;
    }
    if (zones.size() >= MAX_KEYS) {
      zones.clear(); // the properties still asked for come back at their next export
    }
    zones.put(key, zone);
  }

  /**
   * An exporter of events that block dates by {@code blocksDates}: the engine's
   * {@link SyncConfig#blocksDates}, which double-booking detection follows too.
   */
  public Exporter(Store store, Clock clock, ExportCache cache, Predicate<EventKind> blocksDates) {
    this.store = store;
    this.clock = clock;
    this.cache = cache;
    this.blocksDates = blocksDates;
  }

  public Exporter(Store store, Clock clock, ExportCache cache) {
    this(store, clock, cache, DEFAULT_BLOCKS);
  }

  /** The export of {@code view} today, from the cache when there. */
  public ExportedCalendar export(ExportView view) {
    // read before the property: a write after this read moves it, so the zone is never kept as newer than it is
    java.util.OptionalLong revision = store.tokenRevision();
    ZoneId zone = store.property(view.tenant(), view.property())
        .map(PropertySettings::zone)
        .orElse(java.time.ZoneOffset.UTC);
    if (revision.isPresent()) {
      rememberZone(new PropertyKey(view.tenant(), view.property()), new KnownZone(zone, revision.getAsLong()));
    }
    LocalDate today = LocalDate.now(clock.withZone(zone));
    String key = keyOf(view, zone, today);
    Optional<ExportedCalendar> hit = cache.get(key, view.tenant(), view.property());
    if (hit.isPresent()) {
      return hit.get();
    }
    // the render is cached until the next invalidation (or the cache's TTL): read it where the sync
    // that invalidated the cache is already visible, not from a lagging replica
    List<CalendarEvent> events = store.eventsForWrite(new EventQuery(view.tenant(), view.property(),
        today.minusDays(view.paddingDaysAfter()),
        today.plusDays(view.horizon().toDays() + view.paddingDaysBefore()), true));
    ExportedCalendar rendered = render(view, zone, today, events, blocksDates);
    cache.put(key, view.tenant(), view.property(), rendered);
    return rendered;
  }

  /**
   * The export of {@code view} today from memory alone, else empty: present only when the store
   * tells its {@link dev.icssync.spi.FeedStore#tokenRevision()} and it has not moved since
   * {@link #export} last read the property's zone (a property write moves it), and the cache holds
   * the render. Reads no store beyond its revision and renders nothing; the cache is asked (a remote
   * one over the network). A caller that must not block asks this first and hands an empty answer
   * to a thread that may call {@link #export}.
   */
  public Optional<ExportedCalendar> cached(ExportView view) {
    java.util.OptionalLong revision = store.tokenRevision();
    if (revision.isEmpty()) {
      return Optional.empty();
    }
    long rev = revision.getAsLong();
    java.time.Instant now = clock.instant();
    DayKey day = dayKeys.get(view);
    if (day == null || day.revision() != rev || now.isBefore(day.from()) || !now.isBefore(day.until())) {
      KnownZone known = zones.get(new PropertyKey(view.tenant(), view.property()));
      if (known == null || known.revision() != rev) {
        return Optional.empty();
      }
      ZoneId zone = known.zone();
      LocalDate today = LocalDate.ofInstant(now, zone);
      day = new DayKey(rev, today.atStartOfDay(zone).toInstant(), today.plusDays(1).atStartOfDay(zone).toInstant(),
          keyOf(view, zone, today));
      if (dayKeys.size() >= MAX_KEYS) {
        dayKeys.clear(); // the views still asked for come back at their next request
      }
      dayKeys.put(view, day);
      dayKeysBuilt.increment();
    }
    return cache.get(day.key(), view.tenant(), view.property());
  }

  /**
   * For {@link #cached}: a view's cache key for the day under way in its property's zone, from
   * {@code from} (inclusive) to {@code until}, while the store stays at {@code revision} (a zone
   * change moves it). A request within that day and revision costs one look-up, no date arithmetic.
   */
  private record DayKey(long revision, java.time.Instant from, java.time.Instant until, String key) {}

  private final java.util.concurrent.ConcurrentHashMap<ExportView, DayKey> dayKeys =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.LongAdder dayKeysBuilt = new java.util.concurrent.atomic.LongAdder();

  /** Day keys {@link #cached} has built so far (tests: a request within the same day builds none). */
  public long dayKeysBuilt() {
    return dayKeysBuilt.sum();
  }

  private String keyOf(ExportView view, ZoneId zone, LocalDate today) {
    KeyInput in = new KeyInput(view, zone, today);
    String key = keys.get(in);
    if (key == null) {
      key = cacheKey(view, zone, today, blocksDates);
      if (keys.size() >= MAX_KEYS) {
        keys.clear(); // yesterday's keys and views no longer asked for go; the rest come back at once
      }
      keys.put(in, key);
    }
    return key;
  }

  /** {@link #cacheKey(ExportView, ZoneId, LocalDate)} of a property in UTC. */
  public static String cacheKey(ExportView v, LocalDate day) {
    return cacheKey(v, java.time.ZoneOffset.UTC, day);
  }

  /**
   * The cache key of a view of a property in {@code zone} on a day: a hash of every field of the
   * view, the zone and the day, prefixed so the key's origin is obvious in a shared cache.
   */
  public static String cacheKey(ExportView v, ZoneId zone, LocalDate day) {
    return cacheKey(v, zone, day, DEFAULT_BLOCKS);
  }

  /** The cache key of a view whose events block dates by {@code blocksDates} (the kinds exported count). */
  public static String cacheKey(ExportView v, ZoneId zone, LocalDate day, Predicate<EventKind> blocksDates) {
    StringBuilder canonical = new StringBuilder(128);
    StringBuilder kinds = new StringBuilder(24);
    for (EventKind k : KINDS_BY_NAME) { // the kinds exported, by name, comma-separated
      if (v.kinds().contains(k) && blocksDates.test(k)) {
        kinds.append(kinds.length() == 0 ? "" : ",").append(k.name());
      }
    }
    for (String part : new String[] {"v2", v.tenant(), v.property(), kinds.toString(),
        v.channel() == null ? "*" : "=" + v.channel(), Integer.toString(v.paddingDaysBefore()),
        Integer.toString(v.paddingDaysAfter()), Long.toString(v.horizon().toDays()),
        Boolean.toString(v.placeholder()), v.placeholderDate().toString(), v.privacy().name(),
        v.calendarName() == null ? "*" : "=" + v.calendarName(),
        Boolean.toString(v.availabilityRules()), zone.getId(), day.toString()}) {
      canonical.append(part.length()).append(':').append(part);
    }
    return "icssync:export:" + Digests.sha256Hex(canonical.toString()).substring(0, 40);
  }

  /**
   * Renders {@code events} (any order, any status) for {@code view} on {@code today} in
   * {@code zone}. Pure: the same arguments always give the same bytes.
   */
  public static ExportedCalendar render(
      ExportView view, ZoneId zone, LocalDate today, List<CalendarEvent> events) {
    return render(view, zone, today, events, DEFAULT_BLOCKS);
  }

  /**
   * {@link #render(ExportView, ZoneId, LocalDate, List)} of the events that block dates by
   * {@code blocksDates} (and are of the view's kinds).
   */
  public static ExportedCalendar render(ExportView view, ZoneId zone, LocalDate today, List<CalendarEvent> events,
      Predicate<EventKind> blocksDates) {
    Instant dayStart = today.atStartOfDay(zone).toInstant();
    LocalDate horizonDay = today.plusDays(view.horizon().toDays());
    Instant horizonStart = horizonDay.atStartOfDay(zone).toInstant();
    // The window rolls at midnight, so the body may change then without any event changing:
    // Last-Modified never claims an earlier time than the start of the day.
    Instant newest = dayStart;
    MessageDigest sha = Digests.sha256();
    List<Item> items = new ArrayList<>(events.size());
    for (CalendarEvent e : events) {
      if (!e.tenant().equals(view.tenant()) || !e.property().equals(view.property())) {
        continue;
      }
      if (e.lastChanged().isAfter(newest)) {
        newest = e.lastChanged();
      }
      if (!e.isActive() || !view.kinds().contains(e.kind()) || !blocksDates.test(e.kind())
          || e.source().equals(view.channel())
          || (!view.availabilityRules() && e.key().uid().startsWith(ChannelProfile.RULE_UID_PREFIX))) {
        continue;
      }
      DateRange r = e.range();
      Instant sortStart;
      Instant sortEnd;
      if (r instanceof DateRange.AllDay d) {
        // never dropped for being empty: an all-day event is at least its first day
        LocalDate end = d.end().isAfter(d.start()) ? d.end() : d.start().plusDays(1);
        LocalDate s = d.start().minusDays(view.paddingDaysBefore());
        LocalDate en = end.plusDays(view.paddingDaysAfter());
        if (!en.isAfter(today) || !s.isBefore(horizonDay)) {
          continue;
        }
        r = DateRange.allDay(s, en);
        sortStart = s.atStartOfDay(zone).toInstant();
        sortEnd = en.atStartOfDay(zone).toInstant();
      } else {
        DateRange.Timed t = (DateRange.Timed) r;
        Instant s = t.start().minus(java.time.Duration.ofDays(view.paddingDaysBefore()));
        Instant en = t.end().plus(java.time.Duration.ofDays(view.paddingDaysAfter()));
        // a zero-length event is exported as the source wrote it (DTSTART = DTEND), not dropped
        if (!en.isAfter(dayStart) || !s.isBefore(horizonStart)) {
          continue;
        }
        r = DateRange.timed(s, en);
        sortStart = s;
        sortEnd = en;
      }
      items.add(new Item(sortStart, sortEnd, uid(sha, e), e, r));
    }
    items.sort(ORDER);

    IcalWriter w = IcalWriter.toBytes(256 + items.size() * 200);
    // No METHOD: RFC 5546 PUBLISH requires an ORGANIZER we do not have (ical4j rejects it).
    w.beginCalendar(PRODID);
    if (view.calendarName() != null) {
      w.text("X-WR-CALNAME", view.calendarName());
    }
    for (Item it : items) {
      CalendarEvent e = it.event();
      w.beginEvent();
      w.raw("UID", it.uid());
      w.dateTime("DTSTAMP", e.lastChanged());
      w.range(it.range());
      if (view.privacy() == ExportView.Privacy.DETAILED) {
        w.text("SUMMARY", e.summary().isBlank() ? neutralSummary(e.kind()) : e.summary());
        w.text("DESCRIPTION", "Source: " + e.source() + "\nKind: "
            + e.kind().name().toLowerCase(java.util.Locale.ROOT));
      } else {
        w.text("SUMMARY", neutralSummary(e.kind()));
      }
      w.integer("SEQUENCE", e.sequence());
      if (e.status() == EventStatus.TENTATIVE) {
        w.raw("STATUS", "TENTATIVE");
      }
      w.raw("TRANSP", "OPAQUE");
      w.endEvent();
    }
    int count = items.size();
    if (count == 0 && view.placeholder()) {
      LocalDate d = view.placeholderDate();
      w.beginEvent();
      w.raw("UID", "placeholder-" + hex(sha, view.tenant(), view.property()) + UID_SUFFIX);
      w.dateTime("DTSTAMP", d.atStartOfDay(java.time.ZoneOffset.UTC).toInstant());
      w.range(DateRange.allDay(d, d.plusDays(1)));
      w.text("SUMMARY", PLACEHOLDER);
      w.integer("SEQUENCE", 0);
      w.raw("TRANSP", "TRANSPARENT");
      w.endEvent();
      count = 1;
    }
    w.endCalendar();
    byte[] body = w.toByteArray();
    return ExportedCalendar.of(body, etag(body), newest, count);
  }

  /** Strong ETag of a body: 128 bits of its SHA-256, quoted. */
  public static String etag(byte[] body) {
    return '"' + HEX.formatHex(Digests.sha256().digest(body), 0, 16) + '"';
  }

  static String neutralSummary(EventKind kind) {
    return kind == EventKind.RESERVATION ? RESERVED : NOT_AVAILABLE;
  }

  /** Our UID of an event: from our identity, never the source's UID (which may say too much). */
  static String uid(MessageDigest sha, CalendarEvent e) {
    return hex(sha, e.tenant(), e.feedId(), e.key().uid(), e.key().recurrenceId()) + UID_SUFFIX;
  }

  private static String hex(MessageDigest sha, String... parts) {
    sha.reset();
    for (String p : parts) {
      byte[] b = p.getBytes(StandardCharsets.UTF_8);
      // length-prefixed: no two different part lists hash the same input
      sha.update((byte) (b.length >>> 24));
      sha.update((byte) (b.length >>> 16));
      sha.update((byte) (b.length >>> 8));
      sha.update((byte) b.length);
      sha.update(b);
    }
    return HEX.formatHex(sha.digest(), 0, 16);
  }

  private record Item(Instant sortStart, Instant sortEnd, String uid, CalendarEvent event,
      DateRange range) {}
}

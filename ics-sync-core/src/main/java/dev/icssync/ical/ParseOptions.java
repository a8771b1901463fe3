package dev.icssync.ical;

import dev.icssync.Checks;
import java.nio.charset.Charset;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Parser settings. Immutable; build with {@link #builder()} or take {@link #defaults()}.
 *
 * <p>Besides these limits the parser reads at most 50 VTIMEZONE definitions of a feed, each at most
 * 64 KB (real feeds carry a few); times in further zones are read in the floating zone with a
 * diagnostic, so a feed cannot spend seconds of CPU on zone definitions.
 *
 * <p>A final class rather than a record: the parser gains settings, and a record's canonical
 * constructor would break every caller with each one. Built only with {@link #builder()}; accessors
 * keep the record style.
 */
public final class ParseOptions {
  private final @Nullable Charset charset;
  private final ZoneId defaultZone;
  private final Instant expandFrom;
  private final Instant expandTo;
  private final long maxBytes;
  private final int maxLineLength;
  private final int maxEvents;
  private final int maxInstances;
  private final boolean strict;
  private final Set<String> keepProperties;

  private ParseOptions(@Nullable Charset charset, ZoneId defaultZone, Instant expandFrom,
      Instant expandTo, long maxBytes, int maxLineLength, int maxEvents, int maxInstances,
      boolean strict, Set<String> keepProperties) {
    Objects.requireNonNull(defaultZone, "defaultZone");
    Objects.requireNonNull(expandFrom, "expandFrom");
    Objects.requireNonNull(expandTo, "expandTo");
    if (expandTo.isBefore(expandFrom)) {
      throw new IllegalArgumentException("expandTo is before expandFrom");
    }
    Checks.positive(maxBytes, "maxBytes");
    Checks.positive(maxLineLength, "maxLineLength");
    Checks.positive(maxEvents, "maxEvents");
    Checks.positive(maxInstances, "maxInstances");
    keepProperties = Set.copyOf(keepProperties);
    this.charset = charset;
    this.defaultZone = defaultZone;
    this.expandFrom = expandFrom;
    this.expandTo = expandTo;
    this.maxBytes = maxBytes;
    this.maxLineLength = maxLineLength;
    this.maxEvents = maxEvents;
    this.maxInstances = maxInstances;
    this.strict = strict;
    this.keepProperties = keepProperties;
  }

  /** Charset given by the caller (from Content-Type); null to sniff (BOM, else UTF-8 with an ISO-8859-1 fallback for invalid sequences). */
  public @Nullable Charset charset() {
    return charset;
  }

  /** Zone for floating times and unknown TZIDs when the calendar names none (no X-WR-TIMEZONE); the sync engine passes the property's zone. */
  public ZoneId defaultZone() {
    return defaultZone;
  }

  /** Start of the recurrence expansion window (inclusive). */
  public Instant expandFrom() {
    return expandFrom;
  }

  /** End of the recurrence expansion window (exclusive). */
  public Instant expandTo() {
    return expandTo;
  }

  /** Larger inputs fail with {@code TOO_LARGE}. */
  public long maxBytes() {
    return maxBytes;
  }

  /** Longer unfolded content lines fail with {@code LINE_TOO_LONG}. */
  public int maxLineLength() {
    return maxLineLength;
  }

  /** More events (instances included) fail with {@code TOO_MANY_EVENTS}. */
  public int maxEvents() {
    return maxEvents;
  }

  /** More instances of one recurring event fail with {@code TOO_MANY_INSTANCES}. */
  public int maxInstances() {
    return maxInstances;
  }

  /** Turn every diagnostic into a {@code STRICT_VIOLATION} failure. */
  public boolean strict() {
    return strict;
  }

  /** Names of extra properties (X- or others) to keep in {@link ParsedEvent#extra()}; {@code "*"} keeps all. */
  public Set<String> keepProperties() {
    return keepProperties;
  }

  /** UTF-8 sniffing, UTC, a window of 30 days back to 730 days ahead of now, 64 MB, 1 MB lines, 1,000,000 events, 5,000 instances. */
  public static ParseOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.charset = charset;
    b.defaultZone = defaultZone;
    b.expandFrom = expandFrom;
    b.expandTo = expandTo;
    b.maxBytes = maxBytes;
    b.maxLineLength = maxLineLength;
    b.maxEvents = maxEvents;
    b.maxInstances = maxInstances;
    b.strict = strict;
    b.keepProperties = keepProperties;
    return b;
  }

  /** Builder of {@link ParseOptions}. */
  public static final class Builder {
    private @Nullable Charset charset;
    private ZoneId defaultZone = ZoneOffset.UTC;
    private @Nullable Instant expandFrom;
    private @Nullable Instant expandTo;
    private long maxBytes = 64L * 1024 * 1024;
    private int maxLineLength = 1024 * 1024;
    private int maxEvents = 1_000_000;
    private int maxInstances = 5_000;
    private boolean strict;
    private Set<String> keepProperties = Set.of();

    private Builder() {}

    public Builder charset(@Nullable Charset value) {
      this.charset = value;
      return this;
    }

    public Builder defaultZone(ZoneId value) {
      this.defaultZone = Objects.requireNonNull(value, "defaultZone");
      return this;
    }

    /** The recurrence expansion window {@code [from, to)}. */
    public Builder window(Instant from, Instant to) {
      this.expandFrom = Objects.requireNonNull(from, "expandFrom");
      this.expandTo = Objects.requireNonNull(to, "expandTo");
      return this;
    }

    public Builder maxBytes(long value) {
      this.maxBytes = value;
      return this;
    }

    public Builder maxLineLength(int value) {
      this.maxLineLength = value;
      return this;
    }

    public Builder maxEvents(int value) {
      this.maxEvents = value;
      return this;
    }

    public Builder maxInstances(int value) {
      this.maxInstances = value;
      return this;
    }

    public Builder strict(boolean value) {
      this.strict = value;
      return this;
    }

    public Builder keepProperties(Set<String> names) {
      this.keepProperties = Objects.requireNonNull(names, "keepProperties");
      return this;
    }

    public ParseOptions build() {
      Instant now = Instant.now();
      Instant from = expandFrom != null ? expandFrom : now.minus(java.time.Duration.ofDays(30));
      Instant to = expandTo != null ? expandTo : now.plus(java.time.Duration.ofDays(730));
      return new ParseOptions(charset, defaultZone, from, to, maxBytes, maxLineLength, maxEvents,
          maxInstances, strict, keepProperties);
    }
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof ParseOptions o
        && Objects.equals(charset, o.charset)
        && Objects.equals(defaultZone, o.defaultZone)
        && Objects.equals(expandFrom, o.expandFrom)
        && Objects.equals(expandTo, o.expandTo)
        && maxBytes == o.maxBytes
        && maxLineLength == o.maxLineLength
        && maxEvents == o.maxEvents
        && maxInstances == o.maxInstances
        && strict == o.strict
        && Objects.equals(keepProperties, o.keepProperties);
  }

  @Override
  public int hashCode() {
    return Objects.hash(charset, defaultZone, expandFrom, expandTo, maxBytes, maxLineLength,
        maxEvents, maxInstances, strict, keepProperties);
  }

  @Override
  public String toString() {
    return "ParseOptions[charset=" + charset + ", defaultZone=" + defaultZone
        + ", expandFrom=" + expandFrom + ", expandTo=" + expandTo + ", maxBytes=" + maxBytes
        + ", maxLineLength=" + maxLineLength + ", maxEvents=" + maxEvents
        + ", maxInstances=" + maxInstances + ", strict=" + strict
        + ", keepProperties=" + keepProperties + "]";
  }
}

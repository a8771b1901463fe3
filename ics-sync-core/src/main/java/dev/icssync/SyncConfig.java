package dev.icssync;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Engine settings. Build with {@link #builder()}; {@link #defaults()} gives the documented defaults.
 *
 * <p>A final class rather than a record: the engine gains settings, and a record's canonical
 * constructor would break every caller with each one. Built only with {@link #builder()}; accessors
 * keep the record style.
 */
public final class SyncConfig {
  private final double massCancelShare;
  private final int quarantineConfirmations;
  private final int parallelism;
  private final int perHostParallelism;
  private final Duration windowBack;
  private final Duration windowAhead;
  private final ZoneId defaultZone;
  private final Duration quarantineMinSpan;
  private final boolean personalEventsBlock;
  private final HistoryRetention historyRetention;
  private final int pruneEverySyncs;

  private SyncConfig(double massCancelShare, int quarantineConfirmations, int parallelism,
      int perHostParallelism, Duration windowBack, Duration windowAhead, ZoneId defaultZone,
      Duration quarantineMinSpan, boolean personalEventsBlock, HistoryRetention historyRetention,
      int pruneEverySyncs) {
    if (!(massCancelShare > 0 && massCancelShare <= 1)) {
      throw new IcsSyncException.ConfigurationException(
          "massCancelShare must be in (0, 1], was " + massCancelShare);
    }
    Checks.positive(quarantineConfirmations, "quarantineConfirmations");
    Checks.positive(parallelism, "parallelism");
    Checks.positive(perHostParallelism, "perHostParallelism");
    Checks.nonNegative(windowBack, "windowBack");
    Checks.positive(windowAhead, "windowAhead");
    Objects.requireNonNull(defaultZone, "defaultZone");
    Checks.nonNegative(quarantineMinSpan, "quarantineMinSpan");
    Objects.requireNonNull(historyRetention, "historyRetention");
    if (pruneEverySyncs < 0) {
      throw new IcsSyncException.ConfigurationException("pruneEverySyncs must not be negative, was " + pruneEverySyncs);
    }
    this.massCancelShare = massCancelShare;
    this.quarantineConfirmations = quarantineConfirmations;
    this.parallelism = parallelism;
    this.perHostParallelism = perHostParallelism;
    this.windowBack = windowBack;
    this.windowAhead = windowAhead;
    this.defaultZone = defaultZone;
    this.quarantineMinSpan = quarantineMinSpan;
    this.personalEventsBlock = personalEventsBlock;
    this.historyRetention = historyRetention;
    this.pruneEverySyncs = pruneEverySyncs;
  }

  /** Largest share of a feed's future events one run may cancel without quarantine (default 0.5). */
  public double massCancelShare() {
    return massCancelShare;
  }

  /** Consecutive identical suspicious results that confirm a quarantine (default 3); a failed sync of the feed or a different result in between starts the count again. */
  public int quarantineConfirmations() {
    return quarantineConfirmations;
  }

  /** Syncs run at once by {@code syncTenant}/{@code syncAll} (default 10). */
  public int parallelism() {
    return parallelism;
  }

  /** Syncs of feeds on one host run at once (default 2). */
  public int perHostParallelism() {
    return perHostParallelism;
  }

  /** How far back recurrences are expanded and events considered (default 30 days). */
  public Duration windowBack() {
    return windowBack;
  }

  /** How far ahead (default 730 days). */
  public Duration windowAhead() {
    return windowAhead;
  }

  /** Zone for floating times when neither the feed nor the property names one. */
  public ZoneId defaultZone() {
    return defaultZone;
  }

  /** Least time between the first of those identical results and the one that confirms them (default 1 hour; zero turns the rule off): a burst of manual syncs, or a channel that serves the same glitch for a few minutes (an outage page cached by its CDN, an export briefly empty while it is rebuilt), never counts as several confirmations. An hour is short next to what a wrong cancellation costs (the dates are sold again on every channel) and long next to the glitches channels are known for; at the default 15-minute poll interval it means that about five polls, not three, see the same result before it is applied. It applies when {@code quarantineConfirmations} is more than 1 (one confirmation turns the guard off). */
  public Duration quarantineMinSpan() {
    return quarantineMinSpan;
  }

  /** Whether events of kind {@link EventKind#EVENT} (what Google, Outlook and other personal or generic calendars yield: owner stays, maintenance, meetings) take the property's dates (default true); see {@link #blocksDates}. */
  public boolean personalEventsBlock() {
    return personalEventsBlock;
  }

  /** How much of the change log the store keeps (default {@link HistoryRetention#defaults()}: 2 days and at least the last 10 runs per feed). */
  public HistoryRetention historyRetention() {
    return historyRetention;
  }

  /** The engine asks for a prune of the change log after every this many syncs it ran (default 1,000; a not-modified or unchanged sync whose state is held for a batch counts with its batch, which appends one tally row per tenant, source and outcome, as one); the prune runs on the instance's own {@code ics-sync-prune} thread, one at a time, so no sync waits for it; 0 leaves pruning to the host ({@link IcsSync#pruneHistory()}). */
  public int pruneEverySyncs() {
    return pruneEverySyncs;
  }

  /**
   * Whether an event of {@code kind} takes the property's dates: the one rule that double-booking
   * detection and every export follow, so that a date counted as taken when looking for double
   * bookings is also closed on the channels the property is exported to, and the other way round.
   * Reservations, blocks and tentative holds always do; events of personal calendars
   * ({@link EventKind#EVENT}) do when {@link #personalEventsBlock} is on (the default).
   */
  public boolean blocksDates(EventKind kind) {
    return kind != EventKind.EVENT || personalEventsBlock;
  }

  public static SyncConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder of {@link SyncConfig}; values are validated by {@link #build()}. */
  public static final class Builder {
    private double massCancelShare = 0.5;
    private int quarantineConfirmations = 3;
    private int parallelism = 10;
    private int perHostParallelism = 2;
    private Duration windowBack = Duration.ofDays(30);
    private Duration windowAhead = Duration.ofDays(730);
    private ZoneId defaultZone = ZoneOffset.UTC;
    private Duration quarantineMinSpan = Duration.ofHours(1);
    private boolean personalEventsBlock = true;
    private HistoryRetention historyRetention = HistoryRetention.defaults();
    private int pruneEverySyncs = 1000;

    private Builder() {}

    public Builder massCancelShare(double value) {
      this.massCancelShare = value;
      return this;
    }

    public Builder quarantineConfirmations(int value) {
      this.quarantineConfirmations = value;
      return this;
    }

    public Builder parallelism(int value) {
      this.parallelism = value;
      return this;
    }

    public Builder perHostParallelism(int value) {
      this.perHostParallelism = value;
      return this;
    }

    public Builder windowBack(Duration value) {
      this.windowBack = value;
      return this;
    }

    public Builder windowAhead(Duration value) {
      this.windowAhead = value;
      return this;
    }

    public Builder defaultZone(ZoneId value) {
      this.defaultZone = value;
      return this;
    }

    /** See {@link SyncConfig#quarantineMinSpan()}; {@link Duration#ZERO} turns the rule off. */
    public Builder quarantineMinSpan(Duration value) {
      this.quarantineMinSpan = value;
      return this;
    }

    /**
     * Whether events of personal calendars (kind {@link EventKind#EVENT}: Google, Outlook) block
     * dates, in double-booking detection and in exports alike. On by default: an owner's stay or a
     * maintenance day in the owner's calendar closes the dates on every channel. Turn it off when
     * those calendars hold appointments that do not occupy the property; the events are still
     * stored and listed.
     */
    public Builder personalEventsBlock(boolean value) {
      this.personalEventsBlock = value;
      return this;
    }

    public Builder historyRetention(HistoryRetention value) {
      this.historyRetention = value;
      return this;
    }

    /** Syncs between two prunes of the change log by the engine; 0 turns automatic pruning off. */
    public Builder pruneEverySyncs(int value) {
      this.pruneEverySyncs = value;
      return this;
    }

    public SyncConfig build() {
      return new SyncConfig(massCancelShare, quarantineConfirmations, parallelism, perHostParallelism,
          windowBack, windowAhead, defaultZone, quarantineMinSpan, personalEventsBlock, historyRetention,
          pruneEverySyncs);
    }
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof SyncConfig o
        && Double.compare(massCancelShare, o.massCancelShare) == 0
        && quarantineConfirmations == o.quarantineConfirmations
        && parallelism == o.parallelism
        && perHostParallelism == o.perHostParallelism
        && Objects.equals(windowBack, o.windowBack)
        && Objects.equals(windowAhead, o.windowAhead)
        && Objects.equals(defaultZone, o.defaultZone)
        && Objects.equals(quarantineMinSpan, o.quarantineMinSpan)
        && personalEventsBlock == o.personalEventsBlock
        && Objects.equals(historyRetention, o.historyRetention)
        && pruneEverySyncs == o.pruneEverySyncs;
  }

  @Override
  public int hashCode() {
    return Objects.hash(massCancelShare, quarantineConfirmations, parallelism, perHostParallelism,
        windowBack, windowAhead, defaultZone, quarantineMinSpan, personalEventsBlock,
        historyRetention, pruneEverySyncs);
  }

  @Override
  public String toString() {
    return "SyncConfig[massCancelShare=" + massCancelShare
        + ", quarantineConfirmations=" + quarantineConfirmations
        + ", parallelism=" + parallelism + ", perHostParallelism=" + perHostParallelism
        + ", windowBack=" + windowBack + ", windowAhead=" + windowAhead
        + ", defaultZone=" + defaultZone + ", quarantineMinSpan=" + quarantineMinSpan
        + ", personalEventsBlock=" + personalEventsBlock
        + ", historyRetention=" + historyRetention + ", pruneEverySyncs=" + pruneEverySyncs + "]";
  }
}

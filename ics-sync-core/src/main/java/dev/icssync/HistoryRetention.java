package dev.icssync;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How much of the change log ({@link SyncRun}s) a store keeps. A run is pruned when it finished
 * more than {@link #keepFor()} ago <em>and</em> is not among the newest {@link #keepRuns()} runs of
 * its feed; stores delete at most {@link #batchSize()} rows per statement and transaction, so pruning
 * never holds many locks or a long transaction beside the syncs that append runs.
 *
 * <pre>{@code
 * SyncConfig.builder()
 *     .historyRetention(HistoryRetention.builder().keepFor(Duration.ofDays(7)).keepRuns(50).build())
 *     .build();
 * }</pre>
 *
 * <p>Defaults: keep 2 days, and at least the last 10 runs of every feed, deleting 1,000 rows per
 * batch. Two days cover the operator statistics of the last day (the {@code stats} command and the
 * run command's gauges read a one-day window) with a day to spare for a prune that ran late; ten
 * runs keep the recent story of a feed polled rarely, or one that stopped being polled. 10,000 feeds
 * polled every 15 minutes then keep about 1.9 million rows instead of adding a million a day.
 */
public final class HistoryRetention {
  private static final HistoryRetention DEFAULTS = builder().build();

  private final Duration keepFor;
  private final int keepRuns;
  private final int batchSize;

  private HistoryRetention(Duration keepFor, int keepRuns, int batchSize) {
    this.keepFor = keepFor;
    this.keepRuns = keepRuns;
    this.batchSize = batchSize;
  }

  /** 2 days, at least 10 runs per feed, batches of 1,000 rows. */
  public static HistoryRetention defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Runs that finished within this long before now are kept. */
  public Duration keepFor() {
    return keepFor;
  }

  /** The newest this many runs of each feed are kept, however old. */
  public int keepRuns() {
    return keepRuns;
  }

  /** Most rows one delete statement (one transaction) removes. */
  public int batchSize() {
    return batchSize;
  }

  /** Runs that finished before this instant are prunable (unless among their feed's newest). */
  public Instant cutoff(Instant now) {
    return Objects.requireNonNull(now, "now").minus(keepFor);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HistoryRetention r && r.keepFor.equals(keepFor) && r.keepRuns == keepRuns
        && r.batchSize == batchSize;
  }

  @Override
  public int hashCode() {
    return Objects.hash(keepFor, keepRuns, batchSize);
  }

  @Override
  public String toString() {
    return "HistoryRetention[keepFor=" + keepFor + ", keepRuns=" + keepRuns + ", batchSize=" + batchSize + "]";
  }

  /** Builder of {@link HistoryRetention}; values are validated by {@link #build()}. */
  public static final class Builder {
    private Duration keepFor = Duration.ofDays(2);
    private int keepRuns = 10;
    private int batchSize = 1000;

    private Builder() {}

    /** Keep runs that finished within this long (positive); default 2 days. */
    public Builder keepFor(Duration value) {
      this.keepFor = value;
      return this;
    }

    /** Keep at least the newest this many runs of each feed (positive); default 10. */
    public Builder keepRuns(int value) {
      this.keepRuns = value;
      return this;
    }

    /** Delete at most this many rows per statement and transaction (positive); default 1,000. */
    public Builder batchSize(int value) {
      this.batchSize = value;
      return this;
    }

    public HistoryRetention build() {
      Checks.positive(keepFor, "keepFor");
      Checks.positive(keepRuns, "keepRuns");
      Checks.positive(batchSize, "batchSize");
      return new HistoryRetention(keepFor, keepRuns, batchSize);
    }
  }
}

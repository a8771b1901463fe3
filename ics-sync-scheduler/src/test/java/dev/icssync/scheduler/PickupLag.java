package dev.icssync.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How late runs started after they were due, split into the lag the machine imposed on every run
 * alike and what is left for one run. On a loaded machine all runs start late together (CPU, the
 * database and the pollers are shared), and that lag is not the scheduler's to promise; what the
 * scheduler promises is that due runs are taken oldest first, so that no run waits much longer than
 * the runs that were due at the same time (nothing starved, nothing lost), whatever the shared lag
 * is. The shared lag is measured during the test itself: for a due time, the median lateness of the
 * runs due within {@link #COHORT} of it. A run's excess is its own lateness minus that. (Grouping by
 * start time instead would not do: a scheduler catching up on a backlog starts, within one second,
 * runs that were due seconds apart, oldest first.) On an idle machine the shared lag is about half a
 * polling interval, so bounds on the excess are as tight as the fixed bounds they replace.
 */
final class PickupLag {
  static final Duration COHORT = Duration.ofSeconds(1);

  /** One run: when its previous run said it was due, and when it started (both on the worker's clock). */
  record Run(String feed, Instant due, Instant started) {
    Duration late() {
      return Duration.between(due, started);
    }
  }

  private final List<Run> runs;
  private final long[] dues;
  private final long[] lates;

  PickupLag(Collection<Run> runs) {
    this.runs = runs.stream().sorted(Comparator.comparing(Run::due)).toList();
    this.dues = this.runs.stream().mapToLong(r -> r.due().toEpochMilli()).toArray();
    this.lates = this.runs.stream().mapToLong(r -> r.late().toMillis()).toArray();
  }

  /**
   * The runs of feeds whose records are given in start order per feed: each run after the first is due
   * when the record before it said.
   */
  static PickupLag ofChains(Map<String, List<FeedSyncTask.RunRecord>> byFeed) {
    List<Run> runs = new ArrayList<>();
    byFeed.forEach((feed, records) -> {
      for (int k = 1; k < records.size(); k++) {
        Instant due = records.get(k - 1).decision().nextRun();
        if (due != null) {
          runs.add(new Run(feed, due, records.get(k).started()));
        }
      }
    });
    return new PickupLag(runs);
  }

  /** Records grouped by feed, each group in start order. */
  static Map<String, List<FeedSyncTask.RunRecord>> chains(Collection<FeedSyncTask.RunRecord> records) {
    Map<String, List<FeedSyncTask.RunRecord>> byFeed = new TreeMap<>();
    records.stream().sorted(Comparator.comparing(FeedSyncTask.RunRecord::started))
        .forEach(r -> byFeed.computeIfAbsent(r.id().tenant() + "/" + r.id().feedId(), k -> new ArrayList<>()).add(r));
    return byFeed;
  }

  List<Run> runs() {
    return runs;
  }

  /** The median lateness of the runs due within {@link #COHORT} of {@code t}; zero when there are none. */
  Duration sharedAt(Instant t) {
    long at = t.toEpochMilli();
    int from = lowerBound(at - COHORT.toMillis());
    int to = lowerBound(at + COHORT.toMillis() + 1);
    if (from >= to) {
      return Duration.ZERO;
    }
    long[] window = Arrays.copyOfRange(lates, from, to);
    Arrays.sort(window);
    return Duration.ofMillis(Math.max(0, window[window.length / 2]));
  }

  /** How much later {@code run} started than the runs due at the same time. */
  Duration excess(Run run) {
    return run.late().minus(sharedAt(run.due()));
  }

  /** The largest shared lag of any run. */
  Duration worstShared() {
    return worstSharedBetween(Instant.MIN, Instant.MAX);
  }

  /** The largest shared lag of the runs that started in {@code [from, to]}. */
  Duration worstSharedBetween(Instant from, Instant to) {
    Duration worst = Duration.ZERO;
    for (Run r : runs) {
      if (!r.started().isBefore(from) && !r.started().isAfter(to)) {
        Duration d = sharedAt(r.due());
        worst = d.compareTo(worst) > 0 ? d : worst;
      }
    }
    return worst;
  }

  /**
   * How far behind the schedule the workers were at {@code t}: the largest lateness of the runs that
   * started in the {@link #COHORT} before it (zero when none did). A feed due longer ago than that and
   * still not started was passed over.
   */
  Duration behindAt(Instant t) {
    long worst = 0;
    for (Run r : runs) {
      if (!r.started().isAfter(t) && !r.started().isBefore(t.minus(COHORT))) {
        worst = Math.max(worst, r.late().toMillis());
      }
    }
    return Duration.ofMillis(worst);
  }

  /** Runs whose excess is above {@code bound}. */
  long excessAbove(Duration bound) {
    return runs.stream().filter(r -> excess(r).compareTo(bound) > 0).count();
  }

  private int lowerBound(long millis) {
    int lo = 0;
    int hi = dues.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (dues[mid] < millis) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}

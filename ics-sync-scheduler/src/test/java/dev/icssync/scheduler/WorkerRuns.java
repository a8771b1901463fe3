package dev.icssync.scheduler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** The {@code RUN} lines of {@link WorkerMain}'s output, parsed. */
record WorkerRuns(String worker, String feed, String kind, Instant started, String outcome, Instant finished,
    @Nullable Instant next) {

  static List<WorkerRuns> parse(String worker, List<String> lines) {
    List<WorkerRuns> runs = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("RUN " + worker + " ")) {
        String[] f = line.split(" ");
        if (f.length != 8) {
          continue; // a line still being written
        }
        runs.add(new WorkerRuns(f[1], f[2], f[3], Instant.ofEpochMilli(Long.parseLong(f[4])), f[5],
            Instant.ofEpochMilli(Long.parseLong(f[6])), f[7].equals("-") ? null : Instant.ofEpochMilli(Long.parseLong(f[7]))));
      }
    }
    return runs;
  }

  /** Runs of all workers grouped by feed, each group in start order. */
  static Map<String, List<WorkerRuns>> byFeed(List<WorkerRuns> runs) {
    Map<String, List<WorkerRuns>> m = new TreeMap<>();
    runs.stream().sorted(Comparator.comparing(WorkerRuns::started))
        .forEach(r -> m.computeIfAbsent(r.feed(), k -> new ArrayList<>()).add(r));
    return m;
  }

  /** Each run after a feed's first, due when the run before it (on whichever worker) said. */
  static PickupLag lag(Map<String, List<WorkerRuns>> byFeed) {
    List<PickupLag.Run> runs = new ArrayList<>();
    byFeed.forEach((feed, list) -> {
      for (int k = 1; k < list.size(); k++) {
        Instant due = list.get(k - 1).next();
        if (due != null) {
          runs.add(new PickupLag.Run(feed, due, list.get(k).started()));
        }
      }
    });
    return new PickupLag(runs);
  }
}

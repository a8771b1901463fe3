package dev.icssync.bench.load;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Options of the load test.
 *
 * @param mode "quick" (a smoke run in well under a minute) or "full"
 * @param scale feed counts of the scale curve (50 events per feed)
 * @param notModifiedCycles all-304 cycles per scale point (each beside a bare client cycle) up to
 *     10,000 feeds; larger points run at most {@link #HUGE_NOT_MODIFIED_CYCLES}
 * @param notModifiedWarmups untimed pairs of an all-304 cycle and a bare client cycle before the
 *     timed ones, at a point with the bare client: both sides' code compiled before the clock starts
 * @param sweepEvents events per feed of the events-per-feed sweep
 * @param sweepFeeds feeds of the events-per-feed sweep
 * @param threads worker threads of the scale cycles
 * @param seedConcurrency concurrent syncs of the seed load test
 * @param seedEvents events per feed of the seed load test
 * @param seedRounds measured rounds of the seed load test (after {@code seedWarmup} more)
 * @param seedWarmup warm-up rounds of the seed load test
 * @param latencySamples samples per row of the latency table (the slow rows take fewer)
 * @param memoryEvents events of the memory figure's feed (0: skip it)
 * @param memoryHeap -Xmx of the memory figure's child JVM
 * @param memorySeries heaps (-Xmx values) among which the memory part looks for the smallest in which
 *     the same sync succeeds (empty: no series)
 * @param memoryFullGcMs period of the forced full collections of the memory part's live-set probe,
 *     a second child JVM (0: no probe)
 * @param warmupFeeds feeds of the warm-up set that the scale curve syncs (first sync, 304s, unchanged
 *     bodies) before a point's warm rows while the JVM has synced fewer than that of each kind (0: none)
 * @param synchronousApplyCommit JdbcStore's synchronousApplyCommit (default true, the store's default)
 * @param out directory of load.json and load.md
 * @param bandwidthFeeds feeds (200 events each) of the tenant whose bandwidth is limited in the
 *     bandwidth part
 * @param bandwidthLimit the limit of that tenant, bytes a second (default the seed's 10 MB/s)
 * @param redisUri the Redis through which the bandwidth part's two workers share the limit
 * @param parts the parts to run: seed, latency, scale, sweep, memory, bandwidth
 */
record LoadOptions(
    String mode,
    List<Integer> scale,
    int notModifiedCycles,
    int notModifiedWarmups,
    List<Integer> sweepEvents,
    int sweepFeeds,
    int threads,
    int seedConcurrency,
    int seedEvents,
    int seedRounds,
    int seedWarmup,
    int latencySamples,
    int memoryEvents,
    String memoryHeap,
    List<String> memorySeries,
    int memoryFullGcMs,
    int warmupFeeds,
    boolean synchronousApplyCommit,
    Path out,
    int bandwidthFeeds,
    long bandwidthLimit,
    String redisUri,
    Set<String> parts) {

  /** The 100,000-feed point that {@code --huge} adds to the scale curve. */
  static final int HUGE = 100_000;
  /** All-304 cycles of a scale point above 10,000 feeds (each takes a minute or two there; three have a median). */
  static final int HUGE_NOT_MODIFIED_CYCLES = 3;

  /** All-304 cycles of a point of {@code feeds} feeds. */
  int notModifiedCycles(int feeds) {
    return feeds > 10_000 ? Math.min(notModifiedCycles, HUGE_NOT_MODIFIED_CYCLES) : notModifiedCycles;
  }

  static final List<String> ALL_PARTS = List.of("seed", "latency", "scale", "sweep", "memory", "bandwidth");

  boolean runs(String part) {
    return parts.contains(part);
  }

  static final String USAGE = String.join("\n",
      "usage: LoadTest [--quick | --full] [--scale 100,1000,10000] [--huge] [--cycles-304 N] [--sweep 10,50,200]",
      "                [--warmup-304 N]",
      "                [--sweep-feeds N]",
      "                [--threads N] [--rounds N] [--warmup N] [--samples N] [--memory-events N]",
      "                [--memory-heap 128m] [--memory-series 64m,80m,96m,112m] [--memory-full-gc-ms N]",
      "                [--warmup-feeds N]",
      "                [--bandwidth-feeds N] [--bandwidth-limit BYTES] [--redis URI]",
      "                [--async-commit] [--parts seed,latency,scale,sweep,memory,bandwidth] [--out DIR]",
      "  --quick          smoke run (small sizes, < 1 min)",
      "  --full           the whole run (default): scale 100,1000,10000, sweep 10,50,200 at 1,000 feeds",
      "  --scale LIST     feed counts of the scale curve",
      "  --huge           add 100,000 feeds to the scale curve (about 12 more minutes on 2 busy cores;",
      "                   run-benchmarks.sh --full gives the JVM -Xmx2g for it)",
      "  --cycles-304 N   all-304 cycles per scale point, each beside a bare Apache client (default 5;",
      "                   points above 10,000 feeds run at most 3)",
      "  --warmup-304 N   untimed pairs (an all-304 cycle, a bare client cycle) before the timed ones, so",
      "                   that both sides are compiled when the clock starts (default 3; quick 1)",
      "  --sweep LIST     events per feed of the sweep; --sweep-feeds its feed count",
      "  --threads N      worker threads of the scale cycles (default 16)",
      "  --rounds N       measured rounds of the seed load test (default 5); --warmup N rounds before (2)",
      "  --samples N      samples per latency row (default 300; quick 30; slow rows take fewer)",
      "  --memory-events  events of the big feed synced under --memory-heap (default 100000; 0 skips)",
      "  --memory-series  heaps among which to find the smallest in which the big feed's first sync",
      "                   succeeds, a child JVM each, starting at 96m (default full 64m,80m,96m,112m,128m;",
      "                   quick none; 'none' skips)",
      "  --memory-full-gc-ms N  a second child JVM forces a full GC every N ms during the sync: the live",
      "                   set along the sync (default 250; 0 skips)",
      "  --warmup-feeds N the scale curve warms the JVM with a warm-up set of N feeds (first sync, 304s,",
      "                   unchanged bodies) before a point's warm rows (default 2000, quick 100; 0: none)",
      "  --bandwidth-feeds N  feeds of 200 events of the tenant whose bandwidth is limited to the seed's",
      "                   10 MB/s, shared by two workers through Redis (default 600; quick 60)",
      "  --bandwidth-limit BYTES  that limit, bytes a second (default 10000000)",
      "  --redis URI      the Redis of that limit (default redis://127.0.0.1:6379)",
      "  --async-commit   JdbcStore.synchronousApplyCommit(false)",
      "  --parts LIST     run only these parts (default all)",
      "  --out DIR        where load.json and load.md go (default ics-sync-bench/target/results)");

  static LoadOptions parse(String... args) {
    boolean quick = false;
    for (String a : args) {
      if (a.equals("--quick")) {
        quick = true;
      }
    }
    String mode = quick ? "quick" : "full";
    List<Integer> scale = quick ? List.of(100, 400) : List.of(100, 1_000, 10_000);
    boolean huge = false;
    int notModifiedCycles = 5;
    int notModifiedWarmups = quick ? 1 : 3;
    List<Integer> sweep = quick ? List.of(10, 50) : List.of(10, 50, 200);
    int sweepFeeds = quick ? 100 : 1_000;
    int threads = 16;
    int rounds = quick ? 2 : 5;
    int warmup = quick ? 1 : 2;
    int samples = quick ? 30 : 300;
    int memoryEvents = quick ? 10_000 : 100_000;
    String memoryHeap = "128m";
    List<String> memorySeries = quick ? List.of() : List.of("64m", "80m", "96m", "112m", "128m");
    int memoryFullGcMs = 250;
    int warmupFeeds = quick ? 100 : 2_000;
    boolean syncCommit = true;
    Path out = Path.of("ics-sync-bench", "target", "results");
    int bandwidthFeeds = quick ? 60 : 600;
    long bandwidthLimit = (long) Harness.SEED_MAX_TENANT_BYTES_PER_SECOND;
    String redisUri = "redis://127.0.0.1:6379";
    Set<String> parts = new LinkedHashSet<>(ALL_PARTS);
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--quick", "--full" -> { }
        case "--scale" -> scale = ints(args[++i]);
        case "--huge" -> huge = true;
        case "--cycles-304" -> notModifiedCycles = Integer.parseInt(args[++i]);
        case "--warmup-304" -> notModifiedWarmups = Integer.parseInt(args[++i]);
        case "--sweep" -> sweep = ints(args[++i]);
        case "--sweep-feeds" -> sweepFeeds = Integer.parseInt(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--samples" -> samples = Integer.parseInt(args[++i]);
        case "--memory-events" -> memoryEvents = Integer.parseInt(args[++i]);
        case "--memory-heap" -> memoryHeap = args[++i];
        case "--memory-series" -> {
          String v = args[++i].trim();
          memorySeries = v.equals("none") || v.isEmpty() ? List.of()
              : java.util.Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
        }
        case "--memory-full-gc-ms" -> memoryFullGcMs = Integer.parseInt(args[++i]);
        case "--warmup-feeds" -> warmupFeeds = Integer.parseInt(args[++i]);
        case "--async-commit" -> syncCommit = false;
        case "--out" -> out = Path.of(args[++i]);
        case "--bandwidth-feeds" -> bandwidthFeeds = Integer.parseInt(args[++i]);
        case "--bandwidth-limit" -> bandwidthLimit = Long.parseLong(args[++i]);
        case "--redis" -> redisUri = args[++i];
        case "--parts" -> {
          parts = new LinkedHashSet<>();
          for (String part : args[++i].split(",")) {
            if (!ALL_PARTS.contains(part.trim())) {
              throw new IllegalArgumentException("unknown part " + part + "\n" + USAGE);
            }
            parts.add(part.trim());
          }
        }
        case "--help", "-h" -> throw new IllegalArgumentException(USAGE);
        default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
      }
    }
    if (threads < 1 || rounds < 1 || warmup < 0 || samples < 5 || notModifiedCycles < 1 || memoryFullGcMs < 0
        || warmupFeeds < 0 || notModifiedWarmups < 0 || bandwidthFeeds < 1 || bandwidthLimit < 1) {
      throw new IllegalArgumentException("--threads, --rounds and --cycles-304 must be positive, --warmup not"
          + " negative, --samples at least 5, --bandwidth-feeds and --bandwidth-limit positive\n" + USAGE);
    }
    if (huge && !scale.contains(HUGE)) {
      List<Integer> more = new ArrayList<>(scale);
      more.add(HUGE);
      scale = List.copyOf(more);
    }
    return new LoadOptions(mode, scale, notModifiedCycles, notModifiedWarmups, sweep, sweepFeeds, threads, 50, 100, rounds, warmup, samples,
        memoryEvents, memoryHeap, memorySeries, memoryFullGcMs, warmupFeeds, syncCommit, out, bandwidthFeeds, bandwidthLimit, redisUri,
        Set.copyOf(parts));
  }

  private static List<Integer> ints(String list) {
    List<Integer> out = new ArrayList<>();
    for (String s : list.split(",")) {
      String t = s.trim().replace("_", "").toLowerCase(Locale.ROOT);
      if (!t.isEmpty()) {
        int v = Integer.parseInt(t);
        if (v <= 0) {
          throw new IllegalArgumentException("sizes must be positive, was " + v);
        }
        out.add(v);
      }
    }
    return List.copyOf(out);
  }
}

package dev.icssync.bench.load;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Markdown fragment of the load test ({@code load.md}): one table per part, columns figure |
 * ours | seed target | ratio (ratio = target / ours: how many times better than the target), ready to
 * be included verbatim in BENCHMARKS.md. Built from the same tree as {@code load.json}.
 */
public final class LoadReport {
  private LoadReport() {}

  /**
   * Writes {@code load.md} again from {@code load.json} in {@code dir}: for steps that run after the
   * load test and add their figures to its JSON (the cold start).
   */
  @SuppressWarnings("unchecked")
  public static void rewrite(java.nio.file.Path dir) throws java.io.IOException {
    java.nio.file.Path json = dir.resolve("load.json");
    Map<String, Object> r = new com.fasterxml.jackson.databind.ObjectMapper().readValue(json.toFile(), Map.class);
    java.nio.file.Files.writeString(dir.resolve("load.md"), markdown(r), java.nio.charset.StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unchecked")
  static String markdown(Map<String, Object> r) {
    StringBuilder sb = new StringBuilder();
    Map<String, Object> machine = (Map<String, Object>) r.get("machine");
    Map<String, Object> setup = (Map<String, Object>) r.get("setup");
    sb.append("### Load test\n\n");
    sb.append(String.format(Locale.ROOT, "Machine: %s cores, %s, %s, heap of the load test's JVM %s MB (-Xmx, fixed"
            + " for the run), PostgreSQL %s, load average %s at start. %s worker threads, %s pooled connections."
            + " Command:%n%n```%n%s%n```%n%n",
        machine.get("cores"), machine.get("java"), machine.get("os"), machine.get("maxHeapMb"),
        machine.get("postgres"), machine.get("loadAverageAtStart"), setup.get("workerThreads"),
        setup.get("dbPoolSize"), r.get("command")));

    Map<String, Object> seed = (Map<String, Object>) r.get("seedLoad");
    if (seed != null) {
      Map<String, Object> t = (Map<String, Object>) seed.get("target");
      sb.append(String.format(Locale.ROOT, "#### Seed load test: %s concurrent syncs of %s-event feeds"
          + " (median of %s rounds)%n%n", seed.get("concurrency"), seed.get("eventsPerFeed"), seed.get("rounds")));
      sb.append("| figure | ours | seed target | ratio |\n|---|---:|---:|---:|\n");
      sb.append(String.format(Locale.ROOT, "| per sync p50 / p95 / p99 | %s / %s / %s ms | p95 %s ms | %sx |%n",
          ms(seed.get("p50Ms")), ms(seed.get("p95Ms")), ms(seed.get("p99Ms")), ms(t.get("ms")), t.get("ratio")));
      sb.append(String.format(Locale.ROOT, "| events/s | %s | | |%n", num(seed.get("eventsPerSecond"))));
      sb.append(String.format(Locale.ROOT, "| syncs/s | %s | | |%n", num(seed.get("syncsPerSecond"))));
      sb.append(String.format(Locale.ROOT, "| peak heap used (sampled) / after GC | %s MB / %s | | |%n%n",
          num(seed.get("peakHeapMb")), mbOrDash(seed.get("liveHeapAfterGcMb"))));
    }

    List<Map<String, Object>> latency = (List<Map<String, Object>>) r.get("latency");
    if (latency != null) {
      sb.append("#### Seed latency table\n\n");
      sb.append("| figure | ours p50 / p95 / p99 | seed target | ratio |\n|---|---:|---:|---:|\n");
      StringBuilder notes = new StringBuilder();
      for (Map<String, Object> row : latency) {
        Map<String, Object> t = (Map<String, Object>) row.get("target");
        sb.append(String.format(Locale.ROOT, "| %s | %s / %s / %s ms | %s | %s |%n", row.get("figure"),
            ms(row.get("p50Ms")), ms(row.get("p95Ms")), ms(row.get("p99Ms")),
            t == null ? "" : t.get("percentile") + " < " + ms(t.get("ms")) + " ms",
            t == null ? "" : t.get("ratio") + "x"));
        notes.append("- ").append(row.get("figure")).append(": ").append(row.get("what"));
        if (t != null) {
          notes.append("; target: ").append(t.get("source"));
        }
        notes.append(".\n");
      }
      sb.append('\n').append(notes).append('\n');
    }

    List<Map<String, Object>> scale = (List<Map<String, Object>>) r.get("scale");
    if (scale != null && !scale.isEmpty()) {
      sb.append("#### Scale curve (50 events per feed, 4 channels per property)\n\n");
      cycleTable(sb, scale, true);
      sb.append("ms/feed: wall time over feeds (the cost of one feed at this concurrency). Write transactions:"
          + " the store's connection checkouts that wrote (each one commit that waits for a WAL flush), counted on"
          + " the client; all transactions: `xact_commit` of `pg_stat_database`, read-only ones included (the"
          + " counting adds about three). Statements: JDBC executions of the store"
          + " (a batch counts once). Run rows: `icssync_sync_run` rows after the cycle (the engine prunes the"
          + " history every " + Harness.PRUNE_EVERY + " syncs, keeping the last run per feed). Pool: most"
          + " connections in use at once.\n\n");
      warmNote(sb, scale);
      liveHeapNote(sb, scale, machine.get("maxHeapMb"));
      notModifiedTable(sb, scale);
      costTable(sb, (Map<String, Object>) r.get("scaleCost"));
      historyTable(sb, scale);
    }
    List<Map<String, Object>> sweep = (List<Map<String, Object>>) r.get("eventsSweep");
    if (sweep != null && !sweep.isEmpty()) {
      sb.append("#### Events per feed (3 channels per property)\n\n");
      cycleTable(sb, sweep, false);
    }

    resourceTable(sb, (Map<String, Object>) r.get("resourceLimits"));
    coldStartTable(sb, (Map<String, Object>) r.get("coldStart"));

    Map<String, Object> mem = (Map<String, Object>) r.get("memory");
    if (mem != null) {
      double peak = ((Number) mem.get("peakHeapMb")).doubleValue();
      double limit = ((Number) mem.get("seedLimitMb")).doubleValue();
      sb.append(String.format(Locale.ROOT, "#### Memory: one first sync of a %s-event feed in a JVM with -Xmx%s%n%n",
          num(mem.get("events")), mem.get("xmx")));
      sb.append("| figure | ours | seed target | ratio |\n|---|---:|---:|---:|\n");
      sb.append(String.format(Locale.ROOT, "| succeeded, events stored | %s, %s | | |%n", mem.get("success"),
          num(mem.get("storedEvents"))));
      sb.append(String.format(Locale.ROOT, "| wall time | %s s | | |%n", mem.get("seconds")));
      sb.append(String.format(Locale.ROOT, "| heap limit | %s | %s MB | %sx |%n", mem.get("xmx"), num(limit),
          Json.round(limit / parseMb(String.valueOf(mem.get("xmx"))), 1)));
      double live = ((Number) mem.get("liveHeapAfterGcMb")).doubleValue();
      sb.append(String.format(Locale.ROOT, "| peak heap used (sampled) | %s MB | %s MB | %sx |%n", num(peak),
          num(limit), peak > 0 ? Json.round(limit / peak, 1) : "-"));
      sb.append(String.format(Locale.ROOT, "| largest heap after a GC (live data, plus old garbage until a full GC)"
          + " | %s | %s MB | %sx |%n", mbOrDash(live), num(limit), live > 0 ? Json.round(limit / live, 1) : "-"));
      Map<String, Object> probe = (Map<String, Object>) mem.get("fullGcProbe");
      if (probe != null) {
        double full = ((Number) probe.get("liveHeapPeakMb")).doubleValue();
        sb.append(String.format(Locale.ROOT, "| largest heap after a full GC (the live set; a second run forcing one"
                + " every %s ms, %s forced, %s) | %s | %s MB | %sx |%n", probe.get("everyMs"),
            probe.get("fullCollections"), Boolean.TRUE.equals(probe.get("success")) ? "succeeded" : "**failed**",
            mbOrDash(full), num(limit), full > 0 ? Json.round(limit / full, 1) : "-"));
      }
      List<Map<String, Object>> series = (List<Map<String, Object>>) mem.get("heapSeries");
      if (series != null && !series.isEmpty()) {
        List<String> runs = new java.util.ArrayList<>();
        for (Map<String, Object> run : series) {
          runs.add("-Xmx" + run.get("xmx") + " " + (Boolean.TRUE.equals(run.get("success")) ? "ok" : "failed ("
              + run.get("outcome") + ", exit " + run.get("exitCode") + ")"));
        }
        Object smallest = mem.get("smallestSucceedingHeap");
        sb.append(String.format(Locale.ROOT, "| the same sync in smaller heaps (a child JVM each) | %s; smallest that"
            + " succeeds: %s | | |%n", String.join(", ", runs), smallest == null ? "none" : "-Xmx" + smallest));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  @SuppressWarnings("unchecked")
  private static void cycleTable(StringBuilder sb, List<Map<String, Object>> points, boolean targets) {
    sb.append("| feeds x events | cycle | wall time | ms/feed | feeds/s | event rows written"
        + " | DB rows written (ins/upd/del) | write / all transactions | statements | run rows | p95 per sync"
        + " | peak heap used / after GC | pool | target | ratio |\n"
        + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Map<String, Object> p : points) {
      for (Map<String, Object> c : (List<Map<String, Object>>) p.get("cycles")) {
        Map<String, Object> rows = (Map<String, Object>) c.get("dbRows");
        Map<String, Object> per = (Map<String, Object>) c.get("perSync");
        Map<String, Object> t = (Map<String, Object>) c.get("target");
        Map<String, Object> res = (Map<String, Object>) c.get("resources");
        sb.append(String.format(Locale.ROOT, "| %s x %s | %s | %s s | %s | %s | %s | %s | %s | %s | %s | %s ms"
                + " | %s MB / %s | %s | %s | %s |%n",
            num(p.get("feeds")), p.get("eventsPerFeed"),
            c.get("cycle") + (Boolean.FALSE.equals(c.get("warm")) ? " (cold JVM)" : ""), c.get("seconds"),
            ms(c.get("msPerFeed")),
            num(c.get("feedsPerSecond")), num(c.get("eventsWritten")),
            rows == null ? "-" : num(rows.get("inserted")) + " / " + num(rows.get("updated")) + " / "
                + num(rows.get("deleted")),
            rows == null || rows.get("commits") == null ? "-" : (rows.get("writeTransactions") == null ? "-"
                : num(rows.get("writeTransactions"))) + " / " + num(rows.get("commits")),
            rows == null || rows.get("statements") == null ? "-" : num(rows.get("statements")),
            c.get("syncRunRows") == null ? "-" : num(c.get("syncRunRows")),
            ms(per.get("p95Ms")), num(c.get("peakHeapMb")), mbOrDash(c.get("liveHeapAfterGcMb")),
            res == null ? "-" : res.get("poolPeakActive") + " of " + res.get("poolMax"),
            t == null ? "" : "< " + num(t.get("seconds")) + " s", t == null ? "" : t.get("ratio") + "x"));
      }
    }
    sb.append('\n');
  }

  /** Which rows are warm, and the warm-up that made them so. */
  @SuppressWarnings("unchecked")
  private static void warmNote(StringBuilder sb, List<Map<String, Object>> points) {
    Map<String, Object> warmUp = null;
    for (Map<String, Object> p : points) {
      if (p.get("warmUp") != null) {
        warmUp = (Map<String, Object>) p.get("warmUp");
        break;
      }
    }
    if (warmUp == null) {
      return;
    }
    sb.append(String.format(Locale.ROOT, "Warm rows: before a point's warm rows, while the JVM had synced fewer than"
        + " %s syncs of a kind, it synced a warm-up set of %s feeds of its own tenant (a first sync, four all-304"
        + " cycles, two unchanged-body cycles; not measured, then deleted). A row marked \"cold JVM\" ran before"
        + " that (the first point's first sync, kept as the cold figure); \"%s\" is the same first sync of a"
        + " second set of the point's size once the JVM is warm.%n%n", num(warmUp.get("feeds")),
        num(warmUp.get("feeds")), LoadTest.WARM_FIRST_SYNC));
  }

  /**
   * What the scale curve needed of the heap: the JVM's fixed heap (a bigger heap only lets garbage
   * pile up longer, which the sampled peaks show) beside the largest heap left after a collection.
   */
  @SuppressWarnings("unchecked")
  private static void liveHeapNote(StringBuilder sb, List<Map<String, Object>> points, Object maxHeapMb) {
    double live = 0;
    Object at = null;
    for (Map<String, Object> p : points) {
      for (Map<String, Object> c : (List<Map<String, Object>>) p.get("cycles")) {
        double v = ((Number) c.get("liveHeapAfterGcMb")).doubleValue();
        if (v > live) {
          live = v;
          at = p.get("feeds");
        }
      }
    }
    if (at == null) {
      return;
    }
    sb.append(String.format(Locale.ROOT, "Heap: the load test's JVM ran with a fixed %s MB heap%s; the largest heap"
            + " left after a collection in the scale curve was %s MB (at %s feeds), the live data the harness, the"
            + " feed server and the engine held.%n%n", num(maxHeapMb),
        points.stream().anyMatch(p -> ((Number) p.get("feeds")).intValue() > 10_000)
            && ((Number) maxHeapMb).doubleValue() > 1024 ? " (2 GB instead of 1 GB when the curve goes past 10,000"
            + " feeds)" : "",
        num(Json.round(live, 1)), num(at)));
  }

  @SuppressWarnings("unchecked")
  private static void notModifiedTable(StringBuilder sb, List<Map<String, Object>> points) {
    if (points.stream().noneMatch(p -> p.get("notModifiedVsBare") != null)) {
      return;
    }
    int pairs = warmupPairs(points);
    sb.append("#### All-304 cycle beside a bare Apache HttpClient 5\n\n");
    sb.append("The same conditional GETs (If-None-Match and If-Modified-Since) to the same feed server from the"
        + " same number of threads, by a bare pooled Apache HttpClient 5 classic client (no SSRF guard, no"
        + " gate, no database), taking turns with our cycles"
        + (pairs > 0 ? " after " + pairs + " untimed pair" + (pairs == 1 ? "" : "s")
            + " of the two (both compiled before the clock starts)" : "")
        + ". Ratio: the bare client's time over ours (1: as fast as the bare client).\n\n");
    sb.append("| feeds | threads | cycles | ours (median) | bare client (median) | ours ÷ bare | goal | |\n"
        + "|---:|---:|---:|---:|---:|---:|---|---|\n");
    for (Map<String, Object> p : points) {
      Map<String, Object> v = (Map<String, Object>) p.get("notModifiedVsBare");
      if (v == null) {
        continue;
      }
      Map<String, Object> g = (Map<String, Object>) v.get("goal");
      sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s s | %s s | %sx | %s | %s |%n", num(p.get("feeds")),
          v.get("concurrency"), v.get("cycles"), v.get("oursMedianSeconds"), v.get("bareMedianSeconds"),
          v.get("ratio"), g == null ? "" : "<= " + g.get("seconds") + " s and >= " + g.get("ratio") + "x",
          g == null ? "" : Boolean.TRUE.equals(g.get("met")) ? "met" : "**not met**"));
    }
    sb.append('\n');
  }

  @SuppressWarnings("unchecked")
  private static void costTable(StringBuilder sb, Map<String, Object> cost) {
    if (cost == null) {
      return;
    }
    sb.append("#### Cost per feed along the scale curve\n\n");
    boolean base = cost.get("baseFeeds") != null;
    sb.append("Wall time per feed, in ms (all 304: the median cycle)")
        .append(base ? "; in brackets over the 10,000-feed row (goal: within " + cost.get("goalRatio") + "x)"
            : "; no 10,000-feed row in this run to compare with").append(".\n\n");
    sb.append("| feeds | cold | all 304 | unchanged body | |\n|---:|---:|---:|---:|---|\n");
    for (Map<String, Object> row : (List<Map<String, Object>>) cost.get("points")) {
      Map<String, Object> c = (Map<String, Object>) row.get("msPerFeed");
      Map<String, Object> vs = (Map<String, Object>) row.get("vs10k");
      sb.append("| ").append(num(row.get("feeds")));
      for (String k : List.of("cold", "notModified", "unchanged")) {
        Object v = c.get(k);
        sb.append(" | ").append(v == null ? "-" : ms(v));
        if (vs != null && vs.get(k) != null) {
          sb.append(" (").append(vs.get(k)).append("x)");
        }
      }
      Object met = row.get("met");
      sb.append(" | ").append(met == null ? "" : Boolean.TRUE.equals(met) ? "within" : "**over**").append(" |\n");
    }
    sb.append('\n');
  }

  @SuppressWarnings("unchecked")
  private static void historyTable(StringBuilder sb, List<Map<String, Object>> points) {
    sb.append("#### Run history over the cycles\n\n");
    sb.append("`icssync_sync_run` rows after each cycle of a scale point (cold, the all-304 cycles, the unchanged"
        + " one): flat while pruning keeps up.\n\n| feeds | rows after each cycle | inserted / deleted over the"
        + " cycles |\n|---:|---|---:|\n");
    for (Map<String, Object> p : points) {
      List<String> counts = new java.util.ArrayList<>();
      long ins = 0;
      long del = 0;
      for (Map<String, Object> c : (List<Map<String, Object>>) p.get("cycles")) {
        counts.add(c.get("syncRunRows") == null ? "-" : num(c.get("syncRunRows")));
        Map<String, Object> rows = (Map<String, Object>) c.get("dbRows");
        Map<String, Object> t = rows == null ? null
            : (Map<String, Object>) ((Map<String, Object>) rows.get("byTable")).get("icssync_sync_run");
        if (t != null) {
          ins += ((Number) t.get("inserted")).longValue();
          del += ((Number) t.get("deleted")).longValue();
        }
      }
      sb.append(String.format(Locale.ROOT, "| %s | %s | %s / %s |%n", num(p.get("feeds")), String.join(", ", counts),
          num(ins), num(del)));
    }
    sb.append('\n');
  }

  @SuppressWarnings("unchecked")
  private static void resourceTable(StringBuilder sb, Map<String, Object> r) {
    if (r == null) {
      return;
    }
    sb.append("#### Resource limits of the seed\n\n");
    sb.append("| figure | ours | seed limit | |\n|---|---:|---:|---|\n");
    sb.append(String.format(Locale.ROOT, "| database connections per worker: pool maximum / most in use (%s) | %s / %s"
            + " | < %s | %s |%n", r.get("poolPeakActiveCycle"), r.get("poolMax"), r.get("poolPeakActive"),
        r.get("connectionLimit"), Boolean.TRUE.equals(r.get("connectionsMet")) ? "met" : "**not met**"));
    Map<String, Object> limited = (Map<String, Object>) r.get("limited");
    sb.append(String.format(Locale.ROOT, "| feed bytes per second of one tenant, no limit set, largest one-second window"
            + " (%s) | %s | | %s |%n", r.get("tenantPeakCycle"), rate(r.get("tenantPeakBytesPerSecond")),
        // nothing limited these cycles: the limit is judged on the bandwidth part's row alone
        limited != null ? "measured, not limited" : "measured, not limited (the `bandwidth` part did not run)"));
    sb.append(String.format(Locale.ROOT, "| feed bytes per second of one tenant, no limit set, largest mean of a cycle"
        + " | %s | | |%n", rate(r.get("tenantMeanBytesPerSecondMax"))));
    if (limited != null) {
      long inFlight = ((Number) limited.get("workers")).longValue() * ((Number) limited.get("threadsPerWorker")).longValue();
      sb.append(String.format(Locale.ROOT, "| feed bytes per second of one tenant limited to %s (`tenantBandwidth`),"
              + " %s workers x %s threads sharing it %s (%s x %s unchanged bodies, %s in %s s): largest one-second"
              + " window / mean | %s / %s | %s: the limit + %d bodies of %s under way | %s |%n",
          rate(limited.get("limitBytesPerSecond")), limited.get("workers"), limited.get("threadsPerWorker"),
          Boolean.TRUE.equals(limited.get("sharedThroughRedis")) ? "through Redis"
              : "through nothing (Redis unreachable: a limit per worker)",
          num(limited.get("feeds")), limited.get("eventsPerFeed"), bytes(limited.get("feedBytes")),
          limited.get("seconds"), rate(limited.get("peakBytesPerSecond")), rate(limited.get("meanBytesPerSecond")),
          rate(limited.get("allowedBytesPerSecond")), inFlight, bytes(limited.get("bodyBytes")),
          Boolean.TRUE.equals(limited.get("met")) ? "met" : "**not met**"));
    }
    sb.append('\n').append(r.get("note")).append(".\n\n");
  }

  @SuppressWarnings("unchecked")
  private static void coldStartTable(StringBuilder sb, Map<String, Object> c) {
    sb.append("#### Cold start\n\n");
    if (c == null) {
      sb.append("Not measured in this run.\n\n");
      return;
    }
    sb.append("| figure | ours | hello-world JVM | ratio |\n|---|---:|---:|---:|\n");
    sb.append(String.format(Locale.ROOT, "| `check` of a 100-event feed, whole process | %s ms | %s ms | %sx |%n",
        c.get("checkMs") == null ? "-" : ms(c.get("checkMs")), c.get("helloWorldMs") == null ? "-" : ms(c.get("helloWorldMs")),
        c.get("ratio") == null ? "-" : c.get("ratio")));
    if (c.get("versionMs") != null) {
      sb.append(String.format(Locale.ROOT, "| `--version`, whole process | %s ms | | |%n", ms(c.get("versionMs"))));
    }
    sb.append('\n');
  }

  private static String rate(Object bytesPerSecond) {
    if (bytesPerSecond == null) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.2f MB/s", ((Number) bytesPerSecond).doubleValue() / 1e6);
  }

  /** Bytes in MB, or in kB below one MB. */
  private static String bytes(Object v) {
    double d = ((Number) v).doubleValue();
    return d >= 1e6 ? String.format(Locale.ROOT, "%.1f MB", d / 1e6) : String.format(Locale.ROOT, "%.1f kB", d / 1e3);
  }

  /** A heap figure in MB, or a dash when no collection ran (the probe saw none). */
  private static String mbOrDash(Object v) {
    double d = ((Number) v).doubleValue();
    return d > 0 ? num(Json.round(d, 1)) + " MB" : "-";
  }

  private static double parseMb(String xmx) {
    String s = xmx.toLowerCase(Locale.ROOT);
    double v = Double.parseDouble(s.replaceAll("[^0-9.]", ""));
    return s.endsWith("g") ? v * 1024 : s.endsWith("k") ? v / 1024 : v;
  }

  private static String ms(Object v) {
    double d = ((Number) v).doubleValue();
    return d >= 100 ? String.format(Locale.ROOT, "%,.0f", d)
        : d >= 10 ? String.format(Locale.ROOT, "%.1f", d) : String.format(Locale.ROOT, "%.2f", d);
  }

  private static String num(Object v) {
    double d = ((Number) v).doubleValue();
    return d == Math.rint(d) ? String.format(Locale.ROOT, "%,d", (long) d) : String.format(Locale.ROOT, "%,.1f", d);
  }

  /** The untimed all-304 pairs before the timed ones (0 in a load.json older than them). */
  @SuppressWarnings("unchecked")
  private static int warmupPairs(List<Map<String, Object>> points) {
    for (Map<String, Object> p : points) {
      Map<String, Object> v = (Map<String, Object>) p.get("notModifiedVsBare");
      if (v != null && v.get("warmupPairs") instanceof Number n) {
        return n.intValue();
      }
    }
    return 0;
  }
}

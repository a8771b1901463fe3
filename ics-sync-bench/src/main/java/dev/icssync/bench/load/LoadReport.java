package dev.icssync.bench.load;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Markdown fragment of the load test ({@code load.md}): one table per part, columns figure |
 * ours | seed target | ratio (ratio = target / ours: how many times better than the target), ready to
 * be included verbatim in BENCHMARKS.md. Built from the same tree as {@code load.json}.
 */
final class LoadReport {
  private LoadReport() {}

  @SuppressWarnings("unchecked")
  static String markdown(Map<String, Object> r) {
    StringBuilder sb = new StringBuilder();
    Map<String, Object> machine = (Map<String, Object>) r.get("machine");
    Map<String, Object> setup = (Map<String, Object>) r.get("setup");
    sb.append("### Load test\n\n");
    sb.append(String.format(Locale.ROOT, "Machine: %s cores, %s, %s, heap %s MB, PostgreSQL %s, load average %s at"
            + " start. %s worker threads, %s pooled connections. Command:%n%n```%n%s%n```%n%n",
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
    }
    List<Map<String, Object>> sweep = (List<Map<String, Object>>) r.get("eventsSweep");
    if (sweep != null && !sweep.isEmpty()) {
      sb.append("#### Events per feed (3 channels per property)\n\n");
      cycleTable(sb, sweep, false);
    }

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
          + " | %s | %s MB | %sx |%n%n", mbOrDash(live), num(limit), live > 0 ? Json.round(limit / live, 1) : "-"));
    }
    return sb.toString();
  }

  @SuppressWarnings("unchecked")
  private static void cycleTable(StringBuilder sb, List<Map<String, Object>> points, boolean targets) {
    sb.append("| feeds x events | cycle | wall time | feeds/s | event rows written | DB rows written (ins/upd/del)"
        + " | p95 per sync | peak heap used / after GC | target | ratio |\n"
        + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Map<String, Object> p : points) {
      for (Map<String, Object> c : (List<Map<String, Object>>) p.get("cycles")) {
        Map<String, Object> rows = (Map<String, Object>) c.get("dbRows");
        Map<String, Object> per = (Map<String, Object>) c.get("perSync");
        Map<String, Object> t = (Map<String, Object>) c.get("target");
        sb.append(String.format(Locale.ROOT, "| %s x %s | %s | %s s | %s | %s | %s | %s ms | %s MB / %s | %s | %s |%n",
            num(p.get("feeds")), p.get("eventsPerFeed"), c.get("cycle"), c.get("seconds"), num(c.get("feedsPerSecond")),
            num(c.get("eventsWritten")),
            rows == null ? "-" : num(rows.get("inserted")) + " / " + num(rows.get("updated")) + " / "
                + num(rows.get("deleted")),
            ms(per.get("p95Ms")), num(c.get("peakHeapMb")), mbOrDash(c.get("liveHeapAfterGcMb")),
            t == null ? "" : "< " + num(t.get("seconds")) + " s", t == null ? "" : t.get("ratio") + "x"));
      }
    }
    sb.append('\n');
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
}

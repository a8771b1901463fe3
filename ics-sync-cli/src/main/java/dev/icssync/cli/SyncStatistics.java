package dev.icssync.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.icssync.IcsSyncException;
import dev.icssync.SyncOutcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Operator statistics per tenant and per source over the last hour and day, read from the store's
 * change log ({@code icssync_sync_run_stats}, a view of the runs beside their feeds; the window is
 * an index range on {@code finished_at}) and the current open conflicts and quarantined feeds. Same
 * SQL on PostgreSQL and H2. Removed feeds' runs count under source {@code ""}.
 */
final class SyncStatistics {
  static final Duration HOUR = Duration.ofHours(1);
  static final Duration DAY = Duration.ofDays(1);

  /** What happened in one window, for one tenant or one tenant's source. */
  record Window(long syncs, Map<SyncOutcome, Long> outcomes, long eventsChanged, long bytes, double p50Ms,
      double p95Ms) {
    static final Window EMPTY = new Window(0, Map.of(), 0, 0, 0, 0);

    ObjectNode json() {
      ObjectNode n = Json.object();
      n.put("syncs", syncs);
      ObjectNode o = Json.object();
      for (SyncOutcome outcome : SyncOutcome.values()) {
        o.put(Json.lower(outcome), outcomes.getOrDefault(outcome, 0L));
      }
      n.set("outcomes", o);
      n.put("eventsChanged", eventsChanged);
      n.put("bytesFetched", bytes);
      n.put("p50Ms", p50Ms);
      n.put("p95Ms", p95Ms);
      return n;
    }
  }

  /** One tenant, or one source of a tenant ({@code source} null for the tenant's total). */
  record Row(String tenant, String source, long activeFeeds, long quarantinedFeeds, long openConflicts,
      Window lastHour, Window lastDay) {}

  /** Statistics at one moment: per tenant, each with its sources. */
  record Snapshot(Instant at, List<Row> tenants, Map<String, List<Row>> sources) {}

  private SyncStatistics() {}

  static Snapshot read(DataSource ds, Instant now) {
    try (Connection c = ds.getConnection()) {
      if (!c.getAutoCommit()) {
        c.setAutoCommit(true);
      }
      Map<String, Window> hourByTenant = windows(c, now.minus(HOUR), false);
      Map<String, Window> dayByTenant = windows(c, now.minus(DAY), false);
      Map<String, Window> hourBySource = windows(c, now.minus(HOUR), true);
      Map<String, Window> dayBySource = windows(c, now.minus(DAY), true);
      Map<String, Long> feeds = counts(c, "SELECT tenant, source, COUNT(*) FROM icssync_feed WHERE active"
          + " GROUP BY tenant, source");
      Map<String, Long> quarantined = counts(c, "SELECT f.tenant, f.source, COUNT(*) FROM icssync_feed f"
          + " JOIN icssync_feed_state s ON s.tenant = f.tenant AND s.feed_id = f.id"
          + " WHERE f.active AND s.quarantine_reason IS NOT NULL GROUP BY f.tenant, f.source");
      Map<String, Long> conflicts = counts(c, "SELECT tenant, '', COUNT(*) FROM icssync_conflict"
          + " WHERE status = 'OPEN' GROUP BY tenant");

      TreeMap<String, List<String>> sourcesOf = new TreeMap<>();
      for (Map<String, ?> m : List.of(hourBySource, dayBySource, feeds, quarantined)) {
        for (String key : m.keySet()) {
          String[] tk = split(key);
          List<String> list = sourcesOf.computeIfAbsent(tk[0], t -> new ArrayList<>());
          if (!list.contains(tk[1])) {
            list.add(tk[1]);
          }
        }
      }
      for (String key : conflicts.keySet()) {
        sourcesOf.computeIfAbsent(split(key)[0], t -> new ArrayList<>());
      }
      List<Row> tenants = new ArrayList<>();
      Map<String, List<Row>> sources = new TreeMap<>();
      for (Map.Entry<String, List<String>> e : sourcesOf.entrySet()) {
        String tenant = e.getKey();
        List<Row> rows = new ArrayList<>();
        long tenantFeeds = 0;
        long tenantQuarantined = 0;
        for (String source : e.getValue().stream().sorted().toList()) {
          String key = key(tenant, source);
          long f = feeds.getOrDefault(key, 0L);
          long q = quarantined.getOrDefault(key, 0L);
          tenantFeeds += f;
          tenantQuarantined += q;
          rows.add(new Row(tenant, source, f, q, 0, hourBySource.getOrDefault(key, Window.EMPTY),
              dayBySource.getOrDefault(key, Window.EMPTY)));
        }
        String tk = key(tenant, "");
        tenants.add(new Row(tenant, "", tenantFeeds, tenantQuarantined, conflicts.getOrDefault(tk, 0L),
            hourByTenant.getOrDefault(tk, Window.EMPTY), dayByTenant.getOrDefault(tk, Window.EMPTY)));
        sources.put(tenant, rows);
      }
      return new Snapshot(now, tenants, sources);
    } catch (SQLException e) {
      throw new IcsSyncException.StorageException("cannot read sync statistics: " + e.getMessage(), e);
    }
  }

  /**
   * The windows of every tenant (or tenant and source). A row of the view may stand for many runs
   * ({@code syncs}: a tally of batched 304s and unchanged bodies at their mean duration), so counts
   * are sums of {@code syncs} and the percentiles are weighted by it (PERCENTILE_CONT's
   * interpolation over the runs, each tally's runs at its mean).
   */
  private static Map<String, Window> windows(Connection c, Instant since, boolean bySource) throws SQLException {
    String group = bySource ? "source" : "''";
    StringBuilder sql = new StringBuilder("SELECT tenant, ").append(group)
        .append(", COALESCE(SUM(syncs), 0), COALESCE(SUM(events_changed), 0), COALESCE(SUM(bytes), 0)");
    SyncOutcome[] outcomes = SyncOutcome.values();
    for (SyncOutcome o : outcomes) {
      sql.append(", SUM(CASE WHEN outcome = '").append(o.name()).append("' THEN syncs ELSE 0 END)");
    }
    sql.append(" FROM icssync_sync_run_stats WHERE finished_at >= ? GROUP BY tenant");
    if (bySource) {
      sql.append(", source");
    }
    Map<String, long[]> durations = durations(c, since, bySource);
    Map<String, Window> out = new TreeMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      ps.setObject(1, OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Map<SyncOutcome, Long> byOutcome = new EnumMap<>(SyncOutcome.class);
          for (int i = 0; i < outcomes.length; i++) {
            long n = rs.getLong(6 + i);
            if (n > 0) {
              byOutcome.put(outcomes[i], n);
            }
          }
          String key = key(rs.getString(1), rs.getString(2));
          long[] d = durations.getOrDefault(key, new long[0]);
          out.put(key, new Window(rs.getLong(3), byOutcome, rs.getLong(4), rs.getLong(5), round(percentile(d, 0.5)),
              round(percentile(d, 0.95))));
        }
      }
    }
    return out;
  }

  /** Per key, pairs of (duration in ms, how many runs took it), by duration. */
  private static Map<String, long[]> durations(Connection c, Instant since, boolean bySource) throws SQLException {
    String group = bySource ? "source" : "''";
    String sql = "SELECT tenant, " + group + ", duration_ms, SUM(syncs) FROM icssync_sync_run_stats"
        + " WHERE finished_at >= ? GROUP BY tenant, " + (bySource ? "source, " : "") + "duration_ms"
        + " ORDER BY tenant, " + (bySource ? "source, " : "") + "duration_ms";
    Map<String, List<Long>> pairs = new TreeMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          List<Long> l = pairs.computeIfAbsent(key(rs.getString(1), rs.getString(2)), k -> new ArrayList<>());
          l.add(rs.getLong(3));
          l.add(rs.getLong(4));
        }
      }
    }
    Map<String, long[]> out = new TreeMap<>();
    pairs.forEach((k, l) -> out.put(k, l.stream().mapToLong(Long::longValue).toArray()));
    return out;
  }

  /**
   * PERCENTILE_CONT({@code p}) over durations given as (value, count) pairs in value order: the
   * value at position {@code p * (n - 1)} of the runs, interpolated between its neighbours.
   */
  static double percentile(long[] pairs, double p) {
    long n = 0;
    for (int i = 1; i < pairs.length; i += 2) {
      n += pairs[i];
    }
    if (n == 0) {
      return 0;
    }
    double pos = p * (n - 1);
    long lo = (long) Math.floor(pos);
    long hi = (long) Math.ceil(pos);
    return valueAt(pairs, lo) + (pos - lo) * (valueAt(pairs, hi) - valueAt(pairs, lo));
  }

  private static double valueAt(long[] pairs, long rank) {
    long seen = 0;
    for (int i = 0; i < pairs.length; i += 2) {
      seen += pairs[i + 1];
      if (rank < seen) {
        return pairs[i];
      }
    }
    return pairs[pairs.length - 2];
  }

  private static Map<String, Long> counts(Connection c, String sql) throws SQLException {
    Map<String, Long> out = new TreeMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.put(key(rs.getString(1), rs.getString(2)), rs.getLong(3));
      }
    }
    return out;
  }

  private static double round(double ms) {
    return Math.round(ms * 10) / 10.0;
  }

  private static String key(String tenant, String source) {
    return tenant + '\u0000' + source;
  }

  private static String[] split(String key) {
    int i = key.indexOf('\u0000');
    return new String[] {key.substring(0, i), key.substring(i + 1)};
  }

  /** The {@code stats --json} document. */
  static ObjectNode json(Snapshot s) {
    ObjectNode root = Json.object();
    root.put("at", Json.text(s.at()));
    ArrayNode tenants = Json.array();
    for (Row t : s.tenants()) {
      ObjectNode n = Json.object();
      n.put("tenant", t.tenant());
      n.put("activeFeeds", t.activeFeeds());
      n.put("quarantinedFeeds", t.quarantinedFeeds());
      n.put("openConflicts", t.openConflicts());
      n.set("lastHour", t.lastHour().json());
      n.set("lastDay", t.lastDay().json());
      ArrayNode sources = Json.array();
      for (Row r : s.sources().getOrDefault(t.tenant(), List.of())) {
        ObjectNode sn = Json.object();
        sn.put("source", r.source());
        sn.put("activeFeeds", r.activeFeeds());
        sn.put("quarantinedFeeds", r.quarantinedFeeds());
        sn.set("lastHour", r.lastHour().json());
        sn.set("lastDay", r.lastDay().json());
        sources.add(sn);
      }
      n.set("sources", sources);
      tenants.add(n);
    }
    root.set("tenants", tenants);
    return root;
  }

  /** One line per tenant and per source, for people. */
  static List<String> table(Snapshot s) {
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "%-16s %-12s %6s %6s %6s | %-30s | %-30s", "TENANT", "SOURCE", "FEEDS",
        "QUAR", "CONFL", "LAST HOUR syncs ok/fail p50/p95", "LAST DAY syncs ok/fail p50/p95"));
    for (Row t : s.tenants()) {
      lines.add(line(t, "*", t.openConflicts()));
      for (Row r : s.sources().getOrDefault(t.tenant(), List.of())) {
        lines.add(line(r, r.source().isEmpty() ? "(removed)" : r.source(), -1));
      }
    }
    return lines;
  }

  private static String line(Row r, String source, long conflicts) {
    return String.format(Locale.ROOT, "%-16s %-12s %6d %6d %6s | %-30s | %-30s", r.tenant(), source, r.activeFeeds(),
        r.quarantinedFeeds(), conflicts < 0 ? "" : Long.toString(conflicts), window(r.lastHour()), window(r.lastDay()));
  }

  private static String window(Window w) {
    long failed = w.outcomes().getOrDefault(SyncOutcome.FAILED, 0L);
    return String.format(Locale.ROOT, "%d %d/%d %.0f/%.0f ms %d ch %s", w.syncs(), w.syncs() - failed, failed,
        w.p50Ms(), w.p95Ms(), w.eventsChanged(), bytes(w.bytes()));
  }

  private static String bytes(long b) {
    return b < 10_240 ? b + " B" : b < 10_485_760 ? (b / 1024) + " KiB" : (b / 1_048_576) + " MiB";
  }
}

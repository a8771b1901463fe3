package dev.icssync.jdbc;

import dev.icssync.CalendarEvent;
import dev.icssync.FeedState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * H2 2.x: {@code MERGE INTO ... KEY} for plain upserts, {@code MERGE ... USING ... WHEN MATCHED AND
 * ... IS DISTINCT FROM} in a JDBC batch for events (H2 reports 0 or 1 per row, so counts are exact;
 * the first load of a feed is a plain INSERT batch),
 * session lock and query timeouts set at the start of every transaction.
 */
final class H2Dialect implements Dialect {

  private static final String[] EVENT_TYPES = {"VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR",
      "BOOLEAN", "TIMESTAMP(9) WITH TIME ZONE", "TIMESTAMP(9) WITH TIME ZONE", "VARCHAR", "VARCHAR", "VARCHAR",
      "BIGINT", "TIMESTAMP(9) WITH TIME ZONE", "TIMESTAMP(9) WITH TIME ZONE", "TIMESTAMP(9) WITH TIME ZONE",
      "INTEGER", "TIMESTAMP(9) WITH TIME ZONE"};

  private static final String MERGE_EVENT;
  private static final String INSERT_EVENT = "INSERT INTO icssync_event (" + Rows.EVENT_COLUMNS + ") VALUES ("
      + String.join(", ", java.util.Collections.nCopies(18, "?")) + ")";

  static {
    String[] cols = Rows.EVENT_COLUMNS.split(", ");
    StringBuilder select = new StringBuilder();
    for (int i = 0; i < cols.length; i++) {
      select.append(i == 0 ? "" : ", ").append("CAST(? AS ").append(EVENT_TYPES[i]).append(") AS ").append(cols[i]);
    }
    MERGE_EVENT = "MERGE INTO icssync_event t USING (SELECT " + select + ") s "
        + "ON t.tenant = s.tenant AND t.feed_id = s.feed_id AND t.uid = s.uid AND t.recurrence_id = s.recurrence_id "
        + "WHEN MATCHED AND (" + Arrays.stream(Rows.EVENT_VALUE_COLUMNS)
            .map(c -> "t." + c + " IS DISTINCT FROM s." + c).collect(Collectors.joining(" OR ")) + ") "
        + "THEN UPDATE SET " + Arrays.stream(Rows.EVENT_VALUE_COLUMNS).map(c -> c + " = s." + c)
            .collect(Collectors.joining(", ")) + " "
        + "WHEN NOT MATCHED THEN INSERT (" + Rows.EVENT_COLUMNS + ") VALUES ("
        + Arrays.stream(cols).map(c -> "s." + c).collect(Collectors.joining(", ")) + ")";
  }

  @Override
  public String name() {
    return "h2";
  }

  @Override
  public void begin(Connection c, Settings settings, @Nullable String tenant, boolean crossTenant, boolean apply)
      throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SET LOCK_TIMEOUT " + settings.lockTimeout().toMillis());
      st.execute("SET QUERY_TIMEOUT " + settings.statementTimeout().toMillis());
    }
  }

  @Override
  public FeedState beginSync(Connection c, Settings settings, String tenant, String feedId, Instant now)
      throws SQLException {
    if (bump(c, tenant, feedId, now) == 0) {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO icssync_feed_state "
          + "(tenant, feed_id, last_attempt, generation) VALUES (?, ?, ?, 1)")) {
        ps.setString(1, tenant);
        ps.setString(2, feedId);
        Rows.setInstant(ps, 3, now, this);
        ps.executeUpdate();
      } catch (SQLIntegrityConstraintViolationException raced) {
        bump(c, tenant, feedId, now);
      }
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT " + Rows.STATE_COLUMNS
        + " FROM icssync_feed_state WHERE tenant = ? AND feed_id = ?")) {
      ps.setString(1, tenant);
      ps.setString(2, feedId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return Rows.state(rs);
      }
    }
  }

  private int bump(Connection c, String tenant, String feedId, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE icssync_feed_state SET generation = generation + 1, "
        + "last_attempt = ? WHERE tenant = ? AND feed_id = ?")) {
      Rows.setInstant(ps, 1, now, this);
      ps.setString(2, tenant);
      ps.setString(3, feedId);
      return ps.executeUpdate();
    }
  }

  @Override
  public void insertStateIfAbsent(Connection c, String tenant, String feedId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("MERGE INTO icssync_feed_state t USING "
        + "(SELECT CAST(? AS VARCHAR) AS tenant, CAST(? AS VARCHAR) AS feed_id) s "
        + "ON t.tenant = s.tenant AND t.feed_id = s.feed_id "
        + "WHEN NOT MATCHED THEN INSERT (tenant, feed_id) VALUES (s.tenant, s.feed_id)")) {
      ps.setString(1, tenant);
      ps.setString(2, feedId);
      ps.executeUpdate();
    }
  }

  @Override
  public int upsertEvents(Connection c, String tenant, String feedId, List<CalendarEvent> events, boolean rls,
      @Nullable Boolean hasEvents) throws SQLException {
    if (events.isEmpty()) {
      return 0;
    }
    // a feed without stored events (its state row is locked by the apply) takes plain inserts
    boolean empty;
    try (PreparedStatement probe = c.prepareStatement(
        "SELECT 1 FROM icssync_event WHERE tenant = ? AND feed_id = ? FETCH FIRST ROW ONLY")) {
      probe.setString(1, tenant);
      probe.setString(2, feedId);
      try (ResultSet rs = probe.executeQuery()) {
        empty = !rs.next();
      }
    }
    try (PreparedStatement ps = c.prepareStatement(empty ? INSERT_EVENT : MERGE_EVENT)) {
      for (CalendarEvent e : events) {
        int i = 1;
        ps.setString(i++, tenant);
        ps.setString(i++, feedId);
        ps.setString(i++, e.key().uid());
        ps.setString(i++, e.key().recurrenceId());
        ps.setString(i++, e.property());
        ps.setString(i++, e.source());
        ps.setBoolean(i++, e.range().isAllDay());
        Rows.setInstant(ps, i++, Rows.start(e.range()), this);
        Rows.setInstant(ps, i++, Rows.end(e.range()), this);
        ps.setString(i++, e.kind().name());
        ps.setString(i++, e.status().name());
        ps.setString(i++, e.summary());
        ps.setLong(i++, e.fingerprint());
        Rows.setInstant(ps, i++, e.firstSeen(), this);
        Rows.setInstant(ps, i++, e.lastSeen(), this);
        Rows.setInstant(ps, i++, e.lastChanged(), this);
        ps.setInt(i++, e.sequence());
        Rows.setInstant(ps, i, e.cancelledAt(), this);
        ps.addBatch();
      }
      int written = 0;
      for (int count : ps.executeBatch()) {
        written += Math.max(count, 0);
      }
      return written;
    }
  }

  @Override
  public String upsertSql(String table, List<String> columns, List<String> keyColumns) {
    return "MERGE INTO " + table + " (" + String.join(", ", columns) + ") KEY (" + String.join(", ", keyColumns)
        + ") VALUES (" + columns.stream().map(x -> "?").collect(Collectors.joining(", ")) + ")";
  }

  @Override
  public Instant storable(Instant instant) {
    return instant;
  }

  @Override
  public boolean supportsRowLevelSecurity() {
    return false;
  }
}

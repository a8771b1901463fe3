package dev.icssync.jdbc;

import dev.icssync.CalendarEvent;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.FeedState;
import dev.icssync.IcsSyncException.StorageException;
import dev.icssync.jdbc.JdbcStore.PostgresUpsert;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * PostgreSQL: {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE ... IS DISTINCT FROM}, the generation
 * bump as one {@code INSERT ... ON CONFLICT ... RETURNING}, timeouts and the tenant as
 * transaction-local settings ({@code set_config(..., true)}).
 *
 * <p>Events are written by whichever technique measured fastest for the apply's size, each with an
 * exact update count (inserted + updated rows, unchanged rows skipped) whatever the driver's
 * {@code reWriteBatchedInserts} says: one {@code INSERT ... SELECT FROM unnest(arrays)} statement for
 * small applies; a binary COPY straight into the table for the first load of a feed; a binary COPY into
 * a session temporary table plus one {@code INSERT ... SELECT ... ON CONFLICT} for large resyncs (see
 * the module README for the figures). {@link JdbcStore.Builder#postgresUpsert} pins one technique for
 * benchmarks, {@link JdbcStore.Builder#postgresCopyThresholds} moves the sizes where COPY takes over.
 */
final class PostgresDialect implements Dialect {

  /** Rows per unnest statement: bounds the size of one bind message. */
  private static final int CHUNK = 20_000;

  private static final String CONFLICT_CLAUSE = " ON CONFLICT (tenant, feed_id, uid, recurrence_id) DO UPDATE SET "
      + Arrays.stream(Rows.EVENT_VALUE_COLUMNS).map(c -> c + " = excluded." + c).collect(Collectors.joining(", "))
      + " WHERE (" + Arrays.stream(Rows.EVENT_VALUE_COLUMNS).map(c -> "t." + c).collect(Collectors.joining(", "))
      + ") IS DISTINCT FROM (" + Arrays.stream(Rows.EVENT_VALUE_COLUMNS).map(c -> "excluded." + c)
          .collect(Collectors.joining(", ")) + ")";

  private static final String MICROS = "timestamptz 'epoch' + interval '1 microsecond' * ";

  private static final String UNNEST_SQL = "INSERT INTO icssync_event AS t (" + Rows.EVENT_COLUMNS + ") "
      + "SELECT ?, ?, x.uid, x.rid, x.property, x.source, x.all_day, " + MICROS + "x.s, " + MICROS + "x.e, "
      + "x.kind, x.status, x.summary, x.fp, " + MICROS + "x.fs, " + MICROS + "x.ls, " + MICROS + "x.lc, x.seq, "
      + MICROS + "x.ca "
      + "FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bool[], ?::int8[], ?::int8[], ?::text[], "
      + "?::text[], ?::text[], ?::int8[], ?::int8[], ?::int8[], ?::int8[], ?::int4[], ?::int8[]) "
      + "AS x(uid, rid, property, source, all_day, s, e, kind, status, summary, fp, fs, ls, lc, seq, ca)"
      + CONFLICT_CLAUSE;

  // a session temporary table shaped like the events table, emptied at every commit
  private static final String COPY_TABLE = "CREATE TEMPORARY TABLE IF NOT EXISTS icssync_event_in "
      + "(LIKE icssync_event INCLUDING DEFAULTS) ON COMMIT DELETE ROWS";

  private static final String COPY_DIRECT = "COPY icssync_event (" + Rows.EVENT_COLUMNS
      + ") FROM STDIN (FORMAT binary)";

  private static final String COPY_INSERT = "INSERT INTO icssync_event (" + Rows.EVENT_COLUMNS + ") SELECT "
      + Rows.EVENT_COLUMNS + " FROM icssync_event_in";

  private static final String COPY_MERGE = "INSERT INTO icssync_event AS t (" + Rows.EVENT_COLUMNS + ") SELECT "
      + Rows.EVENT_COLUMNS + " FROM icssync_event_in" + CONFLICT_CLAUSE;

  /**
   * Default of the rows from which {@link PostgresUpsert#AUTO} copies into a feed that has no stored events
   * yet (straight into the table: no temporary table, no conflict check). Measured: COPY loads faster
   * than unnest arrays from about 200 rows on.
   */
  static final int INITIAL_COPY_THRESHOLD = 100;

  /**
   * Default of the rows from which {@link PostgresUpsert#AUTO} copies into a feed that has stored events
   * (through the temporary table); below it the temporary table's fixed cost makes unnest arrays faster.
   */
  static final int COPY_THRESHOLD = 5_000;

  private static final String BATCH_SQL = "INSERT INTO icssync_event AS t (" + Rows.EVENT_COLUMNS + ") VALUES ("
      + String.join(", ", java.util.Collections.nCopies(18, "?")) + ")" + CONFLICT_CLAUSE;

  private final PostgresUpsert upsert;
  private final int initialCopyThreshold;
  private final int copyThreshold;

  PostgresDialect() {
    this(PostgresUpsert.AUTO);
  }

  PostgresDialect(PostgresUpsert upsert) {
    this(upsert, INITIAL_COPY_THRESHOLD, COPY_THRESHOLD);
  }

  PostgresDialect(PostgresUpsert upsert, int initialCopyThreshold, int copyThreshold) {
    this.upsert = upsert;
    this.initialCopyThreshold = initialCopyThreshold;
    this.copyThreshold = copyThreshold;
  }

  @Override
  public String name() {
    return "postgresql";
  }

  @Override
  public void begin(Connection c, Settings settings, @Nullable String tenant, boolean crossTenant, boolean apply)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(beginSql(settings, apply))) {
      bindBegin(ps, 1, settings, tenant, crossTenant);
      ps.executeQuery().close();
    }
  }

  /** The settings statement of {@link #begin}; its parameters are bound by {@link #bindBegin}. */
  static String beginSql(Settings settings, boolean apply) {
    return "SELECT set_config('statement_timeout', ?, true), set_config('lock_timeout', ?, true)"
        + (settings.rowLevelSecurity() ? ", set_config('app.tenant_id', ?, true), set_config('app.cross_tenant', ?, true)"
            : "")
        + (apply && !settings.synchronousApplyCommit() ? ", set_config('synchronous_commit', 'off', true)" : "");
  }

  /** Binds the parameters of {@link #beginSql} from {@code i}; returns the next index. */
  static int bindBegin(PreparedStatement ps, int i, Settings settings, @Nullable String tenant, boolean crossTenant)
      throws SQLException {
    ps.setString(i++, Long.toString(settings.statementTimeout().toMillis()));
    ps.setString(i++, Long.toString(settings.lockTimeout().toMillis()));
    if (settings.rowLevelSecurity()) {
      ps.setString(i++, tenant == null ? "" : tenant);
      ps.setString(i++, crossTenant ? "on" : "off");
    }
    return i;
  }

  /** One round trip: the transaction's settings, then the bump (committed synchronously by the caller). */
  @Override
  public FeedState beginSync(Connection c, Settings settings, String tenant, String feedId, Instant now)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(beginSql(settings, false) + "; INSERT INTO icssync_feed_state AS s "
        + "(tenant, feed_id, last_attempt, generation) VALUES (?, ?, ?, 1) "
        + "ON CONFLICT (tenant, feed_id) DO UPDATE SET generation = s.generation + 1, "
        + "last_attempt = excluded.last_attempt RETURNING " + Rows.STATE_COLUMNS)) {
      int i = bindBegin(ps, 1, settings, tenant, false);
      ps.setString(i, tenant);
      ps.setString(i + 1, feedId);
      Rows.setInstant(ps, i + 2, now, this);
      try (ResultSet rs = afterSettings(ps)) {
        rs.next();
        return Rows.state(rs);
      }
    }
  }

  /**
   * Executes a statement of {@link #beginSql} followed by one that returns rows, sent together;
   * returns the rows of the second.
   */
  static ResultSet afterSettings(PreparedStatement ps) throws SQLException {
    ps.execute(); // the settings
    if (!ps.getMoreResults()) {
      throw new SQLException("the statement after the settings returned no rows");
    }
    return ps.getResultSet();
  }

  @Override
  public void insertStateIfAbsent(Connection c, String tenant, String feedId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO icssync_feed_state (tenant, feed_id) "
        + "VALUES (?, ?) ON CONFLICT (tenant, feed_id) DO NOTHING")) {
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
    PostgresUpsert technique = upsert;
    if (upsert == PostgresUpsert.AUTO) {
      int n = events.size();
      if (n >= copyThreshold) {
        technique = PostgresUpsert.COPY;
      } else if (n >= initialCopyThreshold && !rls && !hasEvents(c, tenant, feedId, hasEvents)) {
        return (int) copyRows(c, COPY_DIRECT, tenant, feedId, events);
      } else {
        technique = PostgresUpsert.UNNEST;
      }
    }
    switch (technique) {
      case COPY:
        return copy(c, tenant, feedId, events, rls, hasEvents);
      case BATCH:
        return batch(c, tenant, feedId, events);
      default:
        int written = 0;
        for (int from = 0; from < events.size(); from += CHUNK) {
          written += unnest(c, tenant, feedId, events.subList(from, Math.min(events.size(), from + CHUNK)));
        }
        return written;
    }
  }

  /** The techniques that read whether the feed has stored events: every COPY. */
  @Override
  public boolean probesStoredEvents(int rows, boolean rls) {
    return switch (upsert) {
      case COPY -> rows > 0;
      case AUTO -> rows >= copyThreshold || (rows >= initialCopyThreshold && !rls);
      default -> false;
    };
  }

  @Override
  public boolean pipelinesSettings() {
    return true;
  }

  private int unnest(Connection c, String tenant, String feedId, List<CalendarEvent> events) throws SQLException {
    int n = events.size();
    String[] uid = new String[n];
    String[] rid = new String[n];
    String[] property = new String[n];
    String[] source = new String[n];
    Boolean[] allDay = new Boolean[n];
    Long[] start = new Long[n];
    Long[] end = new Long[n];
    String[] kind = new String[n];
    String[] status = new String[n];
    String[] summary = new String[n];
    Long[] fingerprint = new Long[n];
    Long[] firstSeen = new Long[n];
    Long[] lastSeen = new Long[n];
    Long[] lastChanged = new Long[n];
    Integer[] sequence = new Integer[n];
    Long[] cancelledAt = new Long[n];
    for (int i = 0; i < n; i++) {
      CalendarEvent e = events.get(i);
      uid[i] = e.key().uid();
      rid[i] = e.key().recurrenceId();
      property[i] = e.property();
      source[i] = e.source();
      allDay[i] = e.range().isAllDay();
      start[i] = Rows.epochMicros(Rows.start(e.range()));
      end[i] = Rows.epochMicros(Rows.end(e.range()));
      kind[i] = e.kind().name();
      status[i] = e.status().name();
      summary[i] = e.summary();
      fingerprint[i] = e.fingerprint();
      firstSeen[i] = Rows.epochMicros(e.firstSeen());
      lastSeen[i] = Rows.epochMicros(e.lastSeen());
      lastChanged[i] = Rows.epochMicros(e.lastChanged());
      sequence[i] = e.sequence();
      cancelledAt[i] = e.cancelledAt() == null ? null : Rows.epochMicros(e.cancelledAt());
    }
    Array[] arrays = {
        c.createArrayOf("text", uid), c.createArrayOf("text", rid), c.createArrayOf("text", property),
        c.createArrayOf("text", source), c.createArrayOf("bool", allDay), c.createArrayOf("int8", start),
        c.createArrayOf("int8", end), c.createArrayOf("text", kind), c.createArrayOf("text", status),
        c.createArrayOf("text", summary), c.createArrayOf("int8", fingerprint), c.createArrayOf("int8", firstSeen),
        c.createArrayOf("int8", lastSeen), c.createArrayOf("int8", lastChanged), c.createArrayOf("int4", sequence),
        c.createArrayOf("int8", cancelledAt)};
    try (PreparedStatement ps = c.prepareStatement(UNNEST_SQL)) {
      ps.setString(1, tenant);
      ps.setString(2, feedId);
      for (int i = 0; i < arrays.length; i++) {
        ps.setArray(3 + i, arrays[i]);
      }
      return ps.executeUpdate();
    } finally {
      for (Array a : arrays) {
        a.free();
      }
    }
  }

  /**
   * Binary COPY. A feed with no stored events (an initial load; the state row lock taken by the apply
   * keeps it so) is copied straight into the events table; otherwise, and always under row-level
   * security (COPY FROM does not apply policies), rows go through a session temporary table and one
   * {@code INSERT ... SELECT ... ON CONFLICT}.
   */
  private int copy(Connection c, String tenant, String feedId, List<CalendarEvent> events, boolean rls,
      @Nullable Boolean hasEvents) throws SQLException {
    boolean empty = !hasEvents(c, tenant, feedId, hasEvents);
    if (empty && !rls) {
      return (int) copyRows(c, COPY_DIRECT, tenant, feedId, events);
    }
    try (Statement st = c.createStatement()) {
      st.execute(COPY_TABLE);
    }
    copyRows(c, "COPY icssync_event_in (" + Rows.EVENT_COLUMNS + ") FROM STDIN (FORMAT binary)", tenant, feedId,
        events);
    try (Statement st = c.createStatement()) {
      return st.executeUpdate(empty ? COPY_INSERT : COPY_MERGE);
    }
  }

  /**
   * Whether the feed has stored events (a statement of its own; parameters tenant, feed). Read after
   * the apply locked the feed's state row: read before, a concurrent apply of the feed could still
   * add events.
   */
  static final String HAS_EVENTS_SQL = "SELECT EXISTS (SELECT 1 FROM icssync_event WHERE tenant = ? AND feed_id = ?)";

  /** {@code known} when the apply's opening read it, else a statement of its own. */
  private static boolean hasEvents(Connection c, String tenant, String feedId, @Nullable Boolean known)
      throws SQLException {
    if (known != null) {
      return known;
    }
    try (PreparedStatement ps = c.prepareStatement(HAS_EVENTS_SQL)) {
      ps.setString(1, tenant);
      ps.setString(2, feedId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /** Microseconds from the Unix epoch to PostgreSQL's (2000-01-01T00:00:00Z). */
  private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;
  private static final byte[] COPY_HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0,
      0, 0, 0, 0, 0, 0, 0, 0};

  private static long copyRows(Connection c, String copySql, String tenant, String feedId,
      List<CalendarEvent> events) throws SQLException {
    CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
    try {
      BinaryRows out = new BinaryRows(in);
      out.raw(COPY_HEADER);
      byte[] tenantBytes = tenant.getBytes(StandardCharsets.UTF_8);
      byte[] feedBytes = feedId.getBytes(StandardCharsets.UTF_8);
      // values that repeat row after row (one feed's property, source, summary) are encoded once
      Encoded property = new Encoded();
      Encoded source = new Encoded();
      Encoded summary = new Encoded();
      Encoded rid = new Encoded();
      for (CalendarEvent e : events) {
        out.int16(18);
        out.bytes(tenantBytes);
        out.bytes(feedBytes);
        out.text(e.key().uid());
        out.bytes(rid.of(e.key().recurrenceId()));
        out.bytes(property.of(e.property()));
        out.bytes(source.of(e.source()));
        out.int32(1);
        out.int8(e.range().isAllDay() ? 1 : 0);
        out.timestamp(Rows.start(e.range()));
        out.timestamp(Rows.end(e.range()));
        out.bytes(KIND_NAMES[e.kind().ordinal()]);
        out.bytes(STATUS_NAMES[e.status().ordinal()]);
        out.bytes(summary.of(e.summary()));
        out.int32(8);
        out.int64(e.fingerprint());
        out.timestamp(e.firstSeen());
        out.timestamp(e.lastSeen());
        out.timestamp(e.lastChanged());
        out.int32(4);
        out.int32(e.sequence());
        if (e.cancelledAt() == null) {
          out.int32(-1);
        } else {
          out.timestamp(e.cancelledAt());
        }
      }
      out.int16(-1);
      out.flush();
      return in.endCopy();
    } finally {
      if (in.isActive()) {
        in.cancelCopy();
      }
    }
  }

  private static final byte[][] KIND_NAMES = names(EventKind.values());
  private static final byte[][] STATUS_NAMES = names(EventStatus.values());

  private static byte[][] names(Enum<?>[] values) {
    byte[][] out = new byte[values.length][];
    for (Enum<?> v : values) {
      out[v.ordinal()] = v.name().getBytes(StandardCharsets.UTF_8);
    }
    return out;
  }

  /** The UTF-8 bytes of the last string asked for, kept while the next one is equal. */
  private static final class Encoded {
    private @Nullable String last;
    private byte[] bytes = new byte[0];

    byte[] of(String s) {
      if (!s.equals(last)) {
        bytes = s.getBytes(StandardCharsets.UTF_8);
        last = s;
      }
      return bytes;
    }
  }

  /** The binary COPY encoding, buffered into 64 KiB writes. */
  private static final class BinaryRows {
    private final CopyIn in;
    private final byte[] buf = new byte[1 << 16];
    private int pos;

    BinaryRows(CopyIn in) {
      this.in = in;
    }

    void flush() throws SQLException {
      if (pos > 0) {
        in.writeToCopy(buf, 0, pos);
        pos = 0;
      }
    }

    private void room(int n) throws SQLException {
      if (pos + n > buf.length) {
        flush();
      }
    }

    void raw(byte[] b) throws SQLException {
      room(b.length);
      System.arraycopy(b, 0, buf, pos, b.length);
      pos += b.length;
    }

    void int8(int v) throws SQLException {
      room(1);
      buf[pos++] = (byte) v;
    }

    void int16(int v) throws SQLException {
      room(2);
      buf[pos++] = (byte) (v >>> 8);
      buf[pos++] = (byte) v;
    }

    void int32(int v) throws SQLException {
      room(4);
      buf[pos++] = (byte) (v >>> 24);
      buf[pos++] = (byte) (v >>> 16);
      buf[pos++] = (byte) (v >>> 8);
      buf[pos++] = (byte) v;
    }

    void int64(long v) throws SQLException {
      int32((int) (v >>> 32));
      int32((int) v);
    }

    void timestamp(Instant t) throws SQLException {
      int32(8);
      int64(Rows.epochMicros(t) - PG_EPOCH_MICROS);
    }

    void text(String s) throws SQLException {
      bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    void bytes(byte[] b) throws SQLException {
      int32(b.length);
      if (b.length > buf.length - 4) {
        flush();
        in.writeToCopy(b, 0, b.length);
      } else {
        raw(b);
      }
    }
  }

  private int batch(Connection c, String tenant, String feedId, List<CalendarEvent> events) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(BATCH_SQL)) {
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
        if (count == Statement.SUCCESS_NO_INFO) {
          throw new StorageException("the driver rewrote the batch (reWriteBatchedInserts) and reports no "
              + "row counts; use the default upsert technique", null);
        }
        written += count;
      }
      return written;
    }
  }

  @Override
  public String upsertSql(String table, List<String> columns, List<String> keyColumns) {
    String cols = String.join(", ", columns);
    String params = columns.stream().map(x -> "?").collect(Collectors.joining(", "));
    String updates = columns.stream().filter(x -> !keyColumns.contains(x)).map(x -> x + " = excluded." + x)
        .collect(Collectors.joining(", "));
    return "INSERT INTO " + table + " (" + cols + ") VALUES (" + params + ") ON CONFLICT ("
        + String.join(", ", keyColumns) + ") DO " + (updates.isEmpty() ? "NOTHING" : "UPDATE SET " + updates);
  }

  /** Years 1 to 9999: what ISO-8601 text without a sign covers, and PostgreSQL reads. */
  private static final long MIN_ISO_SECOND = -62_135_596_800L;
  private static final long MAX_ISO_SECOND = 253_402_300_799L;

  /**
   * Sends the instant as ISO-8601 text of unspecified type, which the server reads as the
   * parameter's {@code timestamptz}. The driver's own {@code OffsetDateTime} binding builds a
   * {@code TimestampUtils} (and its calendars) once per statement object, a measurable share of
   * the CPU of a sync that writes only its feed state.
   */
  @Override
  public void setInstant(PreparedStatement ps, int i, Instant value) throws SQLException {
    Instant v = storable(value);
    if (v.getEpochSecond() < MIN_ISO_SECOND || v.getEpochSecond() > MAX_ISO_SECOND) {
      Dialect.super.setInstant(ps, i, value);
    } else {
      ps.setObject(i, v.toString(), Types.OTHER);
    }
  }

  @Override
  public Instant storable(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MICROS);
  }

  @Override
  public boolean supportsRowLevelSecurity() {
    return true;
  }

  /** Yes: pgjdbc cancels a statement past its query timeout (SQLState 57014, as statement_timeout). */
  @Override
  public boolean autoCommitReads() {
    return true;
  }

  @Override
  public boolean supportsWritableCte() {
    return true;
  }
}

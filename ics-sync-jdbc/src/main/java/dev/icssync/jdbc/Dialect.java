package dev.icssync.jdbc;

import dev.icssync.CalendarEvent;
import dev.icssync.FeedState;
import dev.icssync.IcsSyncException.ConfigurationException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What differs between the databases the store runs on: upsert syntax, the atomic generation bump,
 * batch writes of events, per-transaction settings and timestamp precision. Chosen by
 * {@link #detect} from the connection's metadata.
 */
interface Dialect {

  /** Name used in messages and the migration folder ({@code db/icssync/<name>}). */
  String name();

  /**
   * Starts the transaction just opened on {@code c} (auto-commit off): sets its statement and lock
   * timeouts and, with row-level security, the transaction-local tenant. {@code apply} marks the
   * transaction of an apply (whose commit may be asynchronous, see {@link Settings}).
   */
  void begin(Connection c, Settings settings, @Nullable String tenant, boolean crossTenant, boolean apply)
      throws SQLException;

  /**
   * Bumps the generation and the last attempt of a feed's state (creating it), returning the new state.
   * Where the dialect {@link #pipelinesSettings pipelines settings}, it sends those of {@code settings}
   * with the bump (the transaction has not been begun).
   */
  FeedState beginSync(Connection c, Settings settings, String tenant, String feedId, Instant now) throws SQLException;

  /** Creates the initial state row of a feed when it has none (concurrency-safe). */
  void insertStateIfAbsent(Connection c, String tenant, String feedId) throws SQLException;

  /**
   * Inserts or updates events of one feed (distinct keys), skipping rows whose every column is
   * unchanged, and returns how many rows were inserted or updated. Called with the feed's state row
   * locked, so no other apply writes this feed's events meanwhile. {@code hasEvents}: whether the
   * feed has stored events, as read after the lock was taken, or null when not read.
   */
  int upsertEvents(Connection c, String tenant, String feedId, List<CalendarEvent> events, boolean rowLevelSecurity,
      @Nullable Boolean hasEvents) throws SQLException;

  /**
   * Whether the settings of {@link #begin} travel with the first statement of an apply or a
   * {@link #beginSync} (one round trip fewer each) instead of being sent on their own: an apply's
   * settings, its fenced state update (with its run) and, where {@link #probesStoredEvents} says so,
   * the probe for the feed's stored events go to the database together, one round trip instead of
   * three.
   */
  default boolean pipelinesSettings() {
    return false;
  }

  /**
   * Whether {@link #upsertEvents} of {@code rows} rows needs to know if the feed has stored events
   * (it then takes them as {@code hasEvents}, or reads them itself when that is null).
   */
  default boolean probesStoredEvents(int rows, boolean rowLevelSecurity) {
    return false;
  }

  /** An insert-or-replace statement for {@code table}: parameters in {@code columns} order. */
  String upsertSql(String table, List<String> columns, List<String> keyColumns);

  /** The instant as the database stores it (PostgreSQL keeps microseconds). */
  Instant storable(Instant instant);

  /** Binds a non-null instant to a {@code timestamp with time zone} parameter. */
  default void setInstant(PreparedStatement ps, int i, Instant value) throws SQLException {
    ps.setObject(i, OffsetDateTime.ofInstant(storable(value), ZoneOffset.UTC));
  }

  boolean supportsRowLevelSecurity();

  /**
   * Whether a read of one statement may run in auto-commit with a JDBC query timeout instead of a
   * transaction with the timeouts set in {@link #begin}.
   */
  default boolean autoCommitReads() {
    return false;
  }

  /** Whether {@code WITH x AS (UPDATE ... RETURNING ...) INSERT ... SELECT ... FROM x} works. */
  default boolean supportsWritableCte() {
    return false;
  }

  /** The dialect of the database behind {@code c}, with default settings. */
  static Dialect detect(Connection c) throws SQLException {
    return detect(c, null);
  }

  /** The dialect of the database behind {@code c}, with the store's {@code settings} (or the defaults). */
  static Dialect detect(Connection c, @Nullable Settings settings) throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    String product = md.getDatabaseProductName().toLowerCase(Locale.ROOT);
    if (product.contains("postgresql")) {
      return settings == null ? new PostgresDialect() : new PostgresDialect(settings.postgresUpsert(),
          settings.initialCopyThreshold(), settings.copyThreshold());
    }
    if (product.contains("h2")) {
      return new H2Dialect();
    }
    throw new ConfigurationException("dataSource: unsupported database " + md.getDatabaseProductName()
        + " (supported: PostgreSQL, H2)");
  }
}

package dev.icssync.scheduler;

import dev.icssync.IcsSyncException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Per-host politeness across every worker: at most one fetch per host per minimum interval.
 *
 * <p>One row per host holds the earliest time the next fetch may start. A worker claims the host
 * with one conditional {@code UPDATE ... SET next_allowed = now + min WHERE next_allowed <= now}: the
 * row lock serialises claims, so two workers can never both win the same slot, and a crashed worker
 * holds nothing (the row is just a time). Works the same on PostgreSQL and H2, needs no Redis and no
 * session state (an advisory lock would only give mutual exclusion, not spacing, and is
 * PostgreSQL-only). Cost: one single-row statement per fetch of a throttled host; hosts with a zero
 * interval never touch the table.
 *
 * <p>"now" is the database's clock, read inside the claiming statement, never a worker's: workers on
 * different machines (or with an injected {@link java.time.Clock}) disagree by their clock skew,
 * and a time read in the JVM before the statement is stale by however long the pool and the row lock
 * made the claim wait. Either would let two claims land closer than the interval. Granted slots are
 * therefore spaced by at least the interval in one clock, exactly (both sides of the comparison are
 * stored timestamps of the same precision). A worker is only ever told how long to wait, which it
 * adds to its own clock.
 */
final class HostGate {
  /** What a claim got: a slot, or how long the host stays busy. */
  record Claim(boolean granted, @Nullable Instant slot, Duration busyFor) {
    /** A host that is not throttled. */
    static final Claim UNTHROTTLED = new Claim(true, null, Duration.ZERO);

    /** Granted: {@code slot} is when it starts in the database's clock; the host is busy for the interval. */
    static Claim granted(Instant slot) {
      return new Claim(true, slot, Duration.ZERO);
    }

    /** Refused: the host frees up after {@code wait}. */
    static Claim busy(Duration wait) {
      return new Claim(false, null, wait.isNegative() ? Duration.ZERO : wait);
    }
  }

  private final DataSource dataSource;
  private final Schema.Dialect dialect;
  private final String table;
  private final Duration defaultInterval;
  private final Map<String, Duration> perHost;

  HostGate(DataSource dataSource, Schema.Dialect dialect, String table, Duration defaultInterval,
      Map<String, Duration> perHost) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.table = table;
    this.defaultInterval = defaultInterval;
    this.perHost = Map.copyOf(perHost);
  }

  Duration intervalFor(String host) {
    return perHost.getOrDefault(host, defaultInterval);
  }

  boolean enabled() {
    return !defaultInterval.isZero() || perHost.values().stream().anyMatch(d -> !d.isZero());
  }

  /**
   * Tries to take the host's next slot now. Granted: the next fetch of this host by anyone may start
   * one interval after the slot. Refused: how long until the host frees up.
   */
  Claim tryClaim(String host) {
    Duration interval = intervalFor(host);
    if (interval.isZero()) {
      return Claim.UNTHROTTLED;
    }
    // whole microseconds: the precision of the stored timestamps on both databases
    long micros = Math.max(1, (interval.toNanos() + 999) / 1_000);
    try (Connection c = dataSource.getConnection()) {
      if (!c.getAutoCommit()) {
        c.setAutoCommit(true);
      }
      Instant next = claim(c, host, micros);
      if (next != null) {
        return Claim.granted(next.minus(micros, ChronoUnit.MICROS));
      }
      Duration wait = busyFor(c, host);
      if (wait == null) {
        next = insert(c, host, micros);
        if (next != null) {
          return Claim.granted(next.minus(micros, ChronoUnit.MICROS));
        }
        // another worker inserted the row first: it holds the slot
        wait = busyFor(c, host);
        if (wait == null) {
          throw new SQLException("host slot of " + host + " neither inserted nor found");
        }
      }
      return Claim.busy(wait);
    } catch (SQLException e) {
      throw new IcsSyncException.StorageException("host slot claim failed", e);
    }
  }

  /** The new next_allowed when the conditional update took the slot; null when the host is busy or unknown. */
  private @Nullable Instant claim(Connection c, String host, long micros) throws SQLException {
    String update;
    switch (dialect) {
      case POSTGRESQL -> update = "UPDATE " + table + " SET next_allowed = " + later("clock_timestamp()")
          + " WHERE host = ? AND next_allowed <= clock_timestamp() RETURNING next_allowed";
      case H2 -> update = "SELECT next_allowed FROM FINAL TABLE (UPDATE " + table + " SET next_allowed = "
          + later("CURRENT_TIMESTAMP") + " WHERE host = ? AND next_allowed <= CURRENT_TIMESTAMP)";
      default -> {
        return claimWithJvmClock(c, host, micros);
      }
    }
    try (PreparedStatement ps = c.prepareStatement(update)) {
      ps.setLong(1, micros);
      ps.setString(2, host);
      return single(ps);
    }
  }

  private @Nullable Instant insert(Connection c, String host, long micros) throws SQLException {
    String insert;
    switch (dialect) {
      case POSTGRESQL -> insert = "INSERT INTO " + table + " (host, next_allowed) VALUES (?, "
          + later("clock_timestamp()") + ") ON CONFLICT (host) DO NOTHING RETURNING next_allowed";
      case H2 -> insert = "SELECT next_allowed FROM FINAL TABLE (INSERT INTO " + table
          + " (host, next_allowed) VALUES (?, " + later("CURRENT_TIMESTAMP") + "))";
      default -> {
        return insertWithJvmClock(c, host, micros);
      }
    }
    try (PreparedStatement ps = c.prepareStatement(insert)) {
      ps.setString(1, host);
      ps.setLong(2, micros);
      return single(ps);
    } catch (SQLException raced) {
      if (dialect == Schema.Dialect.POSTGRESQL) {
        throw raced; // ON CONFLICT already covers the race
      }
      // H2: the primary key rejected a concurrent insert; the caller reads the winner's row
      return null;
    }
  }

  /** How long the host stays busy, in the database's clock; null when it has no row yet. */
  private @Nullable Duration busyFor(Connection c, String host) throws SQLException {
    String now = switch (dialect) {
      case POSTGRESQL -> "clock_timestamp()";
      case H2 -> "CURRENT_TIMESTAMP";
      default -> null;
    };
    try (PreparedStatement select = c.prepareStatement("SELECT next_allowed"
        + (now == null ? "" : ", " + now) + " FROM " + table + " WHERE host = ?")) {
      select.setString(1, host);
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        Instant next = rs.getObject(1, OffsetDateTime.class).toInstant();
        Instant current = now == null ? Instant.now() : rs.getObject(2, OffsetDateTime.class).toInstant();
        return Duration.between(current, next);
      }
    }
  }

  /** {@code now + ? microseconds} in the dialect's SQL; the parameter is bound by the caller. */
  private String later(String now) {
    return dialect == Schema.Dialect.H2
        ? "DATEADD(MICROSECOND, ?, " + now + ")"
        : "(" + now + " + ? * INTERVAL '1 microsecond')";
  }

  private static @Nullable Instant single(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getObject(1, OffsetDateTime.class).toInstant() : null;
    }
  }

  /*
   * Other databases: the JVM's clock, read once the connection is in hand. The stored slot is
   * rounded up and "now" down to whole milliseconds (a precision every database keeps), so rounding
   * can only make a claim wait, never land early.
   */
  private @Nullable Instant claimWithJvmClock(Connection c, String host, long micros) throws SQLException {
    Instant exact = Instant.now();
    Instant now = exact.truncatedTo(ChronoUnit.MILLIS);
    Instant next = ceilMillis(exact.plus(micros, ChronoUnit.MICROS));
    try (PreparedStatement update = c.prepareStatement(
        "UPDATE " + table + " SET next_allowed = ? WHERE host = ? AND next_allowed <= ?")) {
      update.setObject(1, OffsetDateTime.ofInstant(next, ZoneOffset.UTC));
      update.setString(2, host);
      update.setObject(3, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
      return update.executeUpdate() == 1 ? next : null;
    }
  }

  private @Nullable Instant insertWithJvmClock(Connection c, String host, long micros) throws SQLException {
    Instant next = ceilMillis(Instant.now().plus(micros, ChronoUnit.MICROS));
    try (PreparedStatement insert = c.prepareStatement(
        "INSERT INTO " + table + " (host, next_allowed) VALUES (?, ?)")) {
      insert.setString(1, host);
      insert.setObject(2, OffsetDateTime.ofInstant(next, ZoneOffset.UTC));
      insert.executeUpdate();
      return next;
    } catch (SQLException raced) {
      return null;
    }
  }

  private static Instant ceilMillis(Instant t) {
    Instant floor = t.truncatedTo(ChronoUnit.MILLIS);
    return floor.equals(t) ? t : floor.plusMillis(1);
  }
}

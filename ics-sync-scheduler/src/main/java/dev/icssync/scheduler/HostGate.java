package dev.icssync.scheduler;

import dev.icssync.IcsSyncException;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
 * PostgreSQL-only). Cost: one single-row UPDATE per fetch of a throttled host; hosts with a zero
 * interval never touch the table.
 */
final class HostGate {
  private final DataSource dataSource;
  private final String table;
  private final Duration defaultInterval;
  private final Map<String, Duration> perHost;

  HostGate(DataSource dataSource, String table, Duration defaultInterval, Map<String, Duration> perHost) {
    this.dataSource = dataSource;
    this.table = table;
    this.defaultInterval = defaultInterval;
    this.perHost = Map.copyOf(perHost);
  }

  /** The politeness key of a feed URL: its host, lower case; null when it has none. */
  static @Nullable String hostOf(String url) {
    try {
      String host = URI.create(url.trim()).getHost();
      return host == null ? null : host.toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  Duration intervalFor(String host) {
    return perHost.getOrDefault(host, defaultInterval);
  }

  boolean enabled() {
    return !defaultInterval.isZero() || perHost.values().stream().anyMatch(d -> !d.isZero());
  }

  /**
   * Tries to take the host's next slot at {@code now}. Empty when granted (the next fetch of this
   * host by anyone may start at {@code now + interval}); else the time the host frees up.
   */
  Optional<Instant> tryClaim(String host, Instant now) {
    Duration interval = intervalFor(host);
    if (interval.isZero()) {
      return Optional.empty();
    }
    OffsetDateTime nowTs = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
    OffsetDateTime next = OffsetDateTime.ofInstant(now.plus(interval), ZoneOffset.UTC);
    try (Connection c = dataSource.getConnection()) {
      if (!c.getAutoCommit()) {
        c.setAutoCommit(true);
      }
      try (PreparedStatement update = c.prepareStatement(
          "UPDATE " + table + " SET next_allowed = ? WHERE host = ? AND next_allowed <= ?")) {
        update.setObject(1, next);
        update.setString(2, host);
        update.setObject(3, nowTs);
        if (update.executeUpdate() == 1) {
          return Optional.empty();
        }
      }
      Instant busyUntil = read(c, host);
      if (busyUntil == null) {
        try (PreparedStatement insert = c.prepareStatement(
            "INSERT INTO " + table + " (host, next_allowed) VALUES (?, ?)")) {
          insert.setString(1, host);
          insert.setObject(2, next);
          insert.executeUpdate();
          return Optional.empty();
        } catch (SQLException raced) {
          // another worker inserted the row first: it holds the slot
          busyUntil = read(c, host);
          if (busyUntil == null) {
            throw raced;
          }
        }
      }
      return Optional.of(busyUntil.isAfter(now) ? busyUntil : now);
    } catch (SQLException e) {
      throw new IcsSyncException.StorageException("host slot claim failed", e);
    }
  }

  private @Nullable Instant read(Connection c, String host) throws SQLException {
    try (PreparedStatement select = c.prepareStatement(
        "SELECT next_allowed FROM " + table + " WHERE host = ?")) {
      select.setString(1, host);
      try (ResultSet rs = select.executeQuery()) {
        return rs.next() ? rs.getObject(1, OffsetDateTime.class).toInstant() : null;
      }
    }
  }
}

package dev.icssync.scheduler;

import dev.icssync.IcsSyncException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Our two tables: the db-scheduler executions table (the standard db-scheduler layout under our own
 * name, so it never clashes with a host's own db-scheduler) and the per-host politeness slots. The
 * same DDL ships as SQL files under {@code dev/icssync/scheduler/migration/} for hosts that manage
 * their schema themselves.
 */
final class Schema {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,47}(\\.[A-Za-z_][A-Za-z0-9_]{0,47})?");

  enum Dialect { POSTGRESQL, H2, OTHER }

  private Schema() {}

  static String checkTableName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IcsSyncException.ConfigurationException(
          "tableName must be an SQL identifier (optionally schema-qualified, at most 48 characters "
              + "each), was '" + name + "'");
    }
    return name;
  }

  static String hostSlotsTable(String tableName) {
    return tableName + "_host_slots";
  }

  static Dialect dialect(DataSource dataSource) {
    try (Connection c = dataSource.getConnection()) {
      String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
      if (product.contains("postgres")) {
        return Dialect.POSTGRESQL;
      }
      if (product.contains("h2")) {
        return Dialect.H2;
      }
      return Dialect.OTHER;
    } catch (SQLException e) {
      throw new IcsSyncException.StorageException("cannot connect to detect the database", e);
    }
  }

  static List<String> ddl(Dialect dialect, String table) {
    String text = dialect == Dialect.H2 ? "VARCHAR(1000)" : "TEXT";
    String bytes = dialect == Dialect.H2 ? "VARBINARY" : "BYTEA";
    String ts = "TIMESTAMP WITH TIME ZONE";
    String index = indexPrefix(table);
    String hosts = hostSlotsTable(table);
    return List.of(
        "CREATE TABLE IF NOT EXISTS " + table + " ("
            + "task_name " + text + " NOT NULL, "
            + "task_instance " + text + " NOT NULL, "
            + "task_data " + bytes + ", "
            + "execution_time " + ts + " NOT NULL, "
            + "picked BOOLEAN NOT NULL, "
            + "picked_by " + text + ", "
            + "last_success " + ts + ", "
            + "last_failure " + ts + ", "
            + "consecutive_failures INT, "
            + "last_heartbeat " + ts + ", "
            + "version BIGINT NOT NULL, "
            + "priority SMALLINT, "
            + "PRIMARY KEY (task_name, task_instance))",
        "CREATE INDEX IF NOT EXISTS " + index + "_execution_time_idx ON " + table + " (execution_time)",
        "CREATE INDEX IF NOT EXISTS " + index + "_last_heartbeat_idx ON " + table + " (last_heartbeat)",
        "CREATE TABLE IF NOT EXISTS " + hosts + " ("
            + "host " + (dialect == Dialect.H2 ? "VARCHAR(255)" : "TEXT") + " NOT NULL PRIMARY KEY, "
            + "next_allowed " + ts + " NOT NULL)");
  }

  private static String indexPrefix(String table) {
    int dot = table.indexOf('.');
    return dot < 0 ? table : table.substring(dot + 1);
  }

  /**
   * Creates the tables if missing. Several workers may start at once: PostgreSQL can fail one of
   * two concurrent {@code CREATE ... IF NOT EXISTS}; we retry once and then check the table is there.
   */
  static void create(DataSource dataSource, Dialect dialect, String table) {
    List<String> statements = ddl(dialect == Dialect.OTHER ? Dialect.POSTGRESQL : dialect, table);
    SQLException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(true);
        try {
          for (String sql : statements) {
            s.execute(sql);
          }
        } finally {
          c.setAutoCommit(auto);
        }
        return;
      } catch (SQLException e) {
        last = e;
        try {
          Thread.sleep(50L * (attempt + 1));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    if (!exists(dataSource, table)) {
      throw new IcsSyncException.StorageException("cannot create scheduler table " + table, last);
    }
  }

  static boolean exists(DataSource dataSource, String table) {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table + " WHERE 1 = 0")) {
        return true;
      }
    } catch (SQLException e) {
      return false;
    }
  }

}

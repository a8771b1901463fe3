package dev.icssync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.Feed;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link JdbcStore#migrate} beside a host that runs its own Flyway in the same schema: the host
 * migrates first (its tables and {@code flyway_schema_history}), then the store (a non-empty schema:
 * its private history {@code icssync_schema_history} baselines at 0 and runs V1), then the host's
 * next release. Both histories stay intact and each side touches only its own tables.
 */
@Tag("postgres")
class PostgresHostFlywayTest {

  @Test
  void theStoresMigrationsLiveBesideTheHostsOwnFlywayInOneSchema() {
    try (TestDatabase db = TestDatabases.postgres("jdbc_host_flyway")) {
      DataSource ds = db.dataSource();

      // 1. the host's first release, with its own Flyway and the default history table
      MigrateResult first = hostFlyway(ds, "classpath:db/host/release1").migrate();
      assertThat(first.success).isTrue();
      assertThat(first.migrationsExecuted).isEqualTo(1);
      List<String> hostHistory = history(ds, "flyway_schema_history");
      List<String> hostTables = columns(ds, "host_");
      List<String> hostRows = rows(ds, "SELECT id, guest FROM host_booking ORDER BY id");
      assertThat(hostHistory).containsExactly("1|host bookings|SQL|V1__host_bookings.sql|true");

      // 2. the store, into a schema that already holds the host's tables
      JdbcStore.migrate(ds);
      assertThat(history(ds, Migrations.HISTORY_TABLE)).containsExactly(
          "0|<< Flyway Baseline >>|BASELINE|<< Flyway Baseline >>|true",
          "1|schema|SQL|V1__schema.sql|true",
          "2|sync run statistics|SQL|V2__sync_run_statistics.sql|true",
          "3|batched state writes|SQL|V3__batched_state_writes.sql|true",
          "4|feed state fillfactor|SQL|V4__feed_state_fillfactor.sql|true");
      assertThat(columns(ds, "icssync_")).isNotEmpty();
      // the host's side is untouched: history, table definitions, rows
      assertThat(history(ds, "flyway_schema_history")).isEqualTo(hostHistory);
      assertThat(columns(ds, "host_")).isEqualTo(hostTables);
      assertThat(rows(ds, "SELECT id, guest FROM host_booking ORDER BY id")).isEqualTo(hostRows);
      List<String> storeHistory = history(ds, Migrations.HISTORY_TABLE);
      List<String> storeTables = columns(ds, "icssync_");

      assertThat(hostFlyway(ds, "classpath:db/host/release1").validateWithResult().validationSuccessful).isTrue();

      // 3. the host's next release: its Flyway migrates as if the store were not there
      Flyway host = hostFlyway(ds, "classpath:db/host/release1", "classpath:db/host/release2");
      MigrateResult second = host.migrate();
      assertThat(second.success).isTrue();
      assertThat(second.migrationsExecuted).isEqualTo(1);
      assertThat(second.initialSchemaVersion).isEqualTo("1");
      assertThat(second.targetSchemaVersion).isEqualTo("2");
      assertThat(history(ds, "flyway_schema_history")).containsExactly(
          "1|host bookings|SQL|V1__host_bookings.sql|true",
          "2|host invoices|SQL|V2__host_invoices.sql|true");
      assertThat(columns(ds, "host_")).contains("host_booking.nights:integer", "host_invoice.booking_id:bigint");
      assertThat(rows(ds, "SELECT id, guest FROM host_booking ORDER BY id")).isEqualTo(hostRows);
      // the store's side is untouched
      assertThat(history(ds, Migrations.HISTORY_TABLE)).isEqualTo(storeHistory);
      assertThat(columns(ds, "icssync_")).isEqualTo(storeTables);

      // the store's migration again: nothing to do, nothing of the host's touched; the store works
      JdbcStore.migrate(ds);
      assertThat(history(ds, Migrations.HISTORY_TABLE)).isEqualTo(storeHistory);
      assertThat(host.info().pending()).isEmpty();
      assertThat(host.validateWithResult().validationSuccessful).isTrue();
      JdbcStore store = JdbcStore.create(ds);
      store.saveFeed(Feed.builder("t", "f").property("p").source("airbnb").url("https://example.com/f.ics").build());
      assertThat(store.feed("t", "f")).isPresent();
    }
  }

  private static Flyway hostFlyway(DataSource ds, String... locations) {
    return Flyway.configure().dataSource(ds).locations(locations).load();
  }

  /** version|description|type|script|success of every row of a Flyway history table, in order. */
  private static List<String> history(DataSource ds, String table) {
    return rows(ds, "SELECT version, description, type, script, CAST(success AS TEXT) FROM " + table
        + " ORDER BY installed_rank");
  }

  /** table.column:type of the public schema's tables whose names start with {@code prefix}. */
  private static List<String> columns(DataSource ds, String prefix) {
    return rows(ds, "SELECT table_name || '.' || column_name || ':' || data_type FROM information_schema.columns"
        + " WHERE table_schema = current_schema() AND starts_with(table_name, '" + prefix + "')"
        + " ORDER BY table_name, ordinal_position");
  }

  private static List<String> rows(DataSource ds, String sql) {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      int n = rs.getMetaData().getColumnCount();
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          row.append(i == 1 ? "" : "|").append(rs.getString(i));
        }
        out.add(row.toString());
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }
}

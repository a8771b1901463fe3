package dev.icssync.jdbc;

import dev.icssync.spi.Store;
import dev.icssync.tck.StoreContract;
import dev.icssync.tck.db.PostgresServer;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;

/**
 * The store contract kit on PostgreSQL under row-level security: the tables carry the policies, the
 * store runs as an application role that neither owns them nor bypasses them, and sets the tenant in
 * every transaction (the apply sends it together with its first statements).
 */
@Tag("postgres")
class PostgresRowLevelSecurityStoreContractTest extends StoreContract {
  private static final String ROLE = "icssync_tck_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private static TestDatabase db;
  private static JdbcStore shared;

  @Override
  protected Store createStore() {
    synchronized (PostgresRowLevelSecurityStoreContractTest.class) {
      if (shared == null) {
        db = TestDatabases.postgres("jdbc_tck_rls");
        JdbcStore.migrateWithRowLevelSecurity(db.dataSource());
        db.execute("CREATE ROLE " + ROLE + " LOGIN NOSUPERUSER NOBYPASSRLS",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + ROLE,
            "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO " + ROLE);
        shared = JdbcStore.builder(db.pool(c -> {
          c.setUsername(ROLE);
          c.setMaximumPoolSize(4);
        })).rowLevelSecurity(true).build();
      }
      return shared;
    }
  }

  @AfterAll
  static void dropDatabaseAndRole() throws SQLException {
    if (db != null) {
      db.close();
      PostgresServer server = TestDatabases.postgresServer();
      try (Connection c = DriverManager.getConnection(server.jdbcUrl("postgres"), server.user(), server.password());
          Statement s = c.createStatement()) {
        s.execute("DROP ROLE IF EXISTS " + ROLE);
      }
    }
  }
}

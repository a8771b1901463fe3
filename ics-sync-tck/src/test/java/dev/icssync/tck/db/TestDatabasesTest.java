package dev.icssync.tck.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestDatabasesTest {

  @Test
  @Tag("postgres")
  void postgresDatabasesAreFreshDistinctAndDroppedOnClose() throws SQLException {
    PostgresServer server = TestDatabases.postgresServer();
    String name;
    try (TestDatabase a = TestDatabases.postgres("Some Test"); TestDatabase b = TestDatabases.postgres()) {
      name = a.name();
      assertThat(a.kind()).isEqualTo(TestDatabase.Kind.POSTGRES);
      assertThat(a.name()).startsWith("icssync_some_test_").isNotEqualTo(b.name());
      a.execute("CREATE TABLE t (x int)", "INSERT INTO t VALUES (42)");
      assertThat(count(a.dataSource(), "SELECT x FROM t")).isEqualTo(42);
      assertThat(count(b.dataSource(), "SELECT count(*) FROM pg_tables WHERE tablename = 't'")).isZero();
      assertThat(exists(server, name)).isTrue();
    }
    assertThat(exists(server, name)).isFalse();
  }

  @Test
  @Tag("postgres")
  void poolsAreClosedWithTheDatabase() {
    TestDatabase db = TestDatabases.postgres();
    var pool = db.pool(1);
    assertThat(pool.getMaximumPoolSize()).isEqualTo(1);
    db.close();
    assertThat(pool.isClosed()).isTrue();
    assertThatThrownBy(db::dataSource).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void h2MemoryIsPrivateAndGoneAfterClose() throws SQLException {
    String url;
    try (TestDatabase a = TestDatabases.h2Memory(); TestDatabase b = TestDatabases.h2Memory()) {
      url = a.jdbcUrl();
      a.execute("CREATE TABLE t (x INT)", "INSERT INTO t VALUES (7)");
      assertThat(count(a.dataSource(), "SELECT x FROM t")).isEqualTo(7);
      assertThat(count(b.unpooled(), "SELECT count(*) FROM information_schema.tables WHERE table_name = 'T'"))
          .isZero();
    }
    try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeQuery("SELECT x FROM t")).isInstanceOf(SQLException.class);
    }
  }

  @Test
  void h2FileSurvivesReopen(@TempDir Path dir) throws SQLException {
    try (TestDatabase db = TestDatabases.h2File(dir, "persist")) {
      db.execute("CREATE TABLE t (x INT)", "INSERT INTO t VALUES (9)");
    }
    try (TestDatabase again = TestDatabases.h2File(dir, "persist")) {
      assertThat(count(again.dataSource(), "SELECT x FROM t")).isEqualTo(9);
    }
  }

  private static boolean exists(PostgresServer server, String name) throws SQLException {
    try (Connection c = DriverManager.getConnection(server.jdbcUrl("postgres"), server.user(), server.password());
        var ps = c.prepareStatement("SELECT count(*) FROM pg_database WHERE datname = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1) == 1;
      }
    }
  }

  private static int count(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }
}

package dev.icssync.tck.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * One test database: a fresh PostgreSQL database (dropped on {@link #close()}) or an H2 database in
 * memory or on disk. Obtain it from {@link TestDatabases}. Thread-safe.
 */
public final class TestDatabase implements AutoCloseable {

  /** The database product. */
  public enum Kind {
    POSTGRES,
    H2
  }

  private final Kind kind;
  private final String name;
  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final boolean embeddedServer;
  private final @Nullable Runnable dropper;
  private final List<HikariDataSource> pools = new ArrayList<>();
  private @Nullable HikariDataSource shared;
  private @Nullable Connection keepAlive;
  private boolean closed;

  TestDatabase(Kind kind, String name, String jdbcUrl, String user, String password, boolean embeddedServer,
      @Nullable Runnable dropper) {
    this.kind = kind;
    this.name = name;
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.embeddedServer = embeddedServer;
    this.dropper = dropper;
  }

  /** Keeps an in-memory H2 database alive until {@link #close()}. */
  void keepAlive(Connection connection) {
    this.keepAlive = connection;
  }

  public Kind kind() {
    return kind;
  }

  /** The database name (PostgreSQL: the database; H2: the database file or memory name). */
  public String name() {
    return name;
  }

  /** The JDBC URL of this database, for tools that want one (Flyway, a second pool, a CLI). */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  /** True when this PostgreSQL database lives on the embedded server (no local server was reachable). */
  public boolean isEmbeddedServer() {
    return embeddedServer;
  }

  /** A shared HikariCP pool of at most 4 connections, created on first use, closed by {@link #close()}. */
  public synchronized DataSource dataSource() {
    checkOpen();
    if (shared == null) {
      shared = pool(c -> c.setMaximumPoolSize(4));
    }
    return shared;
  }

  /** A new HikariCP pool of at most {@code maximumPoolSize} connections, closed by {@link #close()}. */
  public HikariDataSource pool(int maximumPoolSize) {
    if (maximumPoolSize <= 0) {
      throw new IllegalArgumentException("maximumPoolSize must be positive, was " + maximumPoolSize);
    }
    return pool(c -> c.setMaximumPoolSize(maximumPoolSize));
  }

  /**
   * A new HikariCP pool on this database, configured further by {@code customizer} (which may change
   * the user, e.g. to an application role the test created), closed by {@link #close()}.
   */
  public synchronized HikariDataSource pool(Consumer<HikariConfig> customizer) {
    checkOpen();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(4);
    config.setMinimumIdle(0);
    config.setConnectionTimeout(10_000);
    config.setPoolName("test-" + name + "-" + (pools.size() + 1));
    customizer.accept(config);
    HikariDataSource ds = new HikariDataSource(config);
    pools.add(ds);
    return ds;
  }

  /** A data source that opens a new physical connection per call (no pool). */
  public DataSource unpooled() {
    return new DriverManagerDataSource(jdbcUrl, user, password);
  }

  /** Opens a new physical connection; the caller closes it. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, user, password);
  }

  /** Runs SQL statements (DDL, fixtures) in one auto-commit connection. */
  public void execute(String... sql) {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      for (String one : sql) {
        s.execute(one);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("statement failed on test database " + name + ": " + e.getMessage(), e);
    }
  }

  /** Closes the pools handed out and drops the database (PostgreSQL, H2 in memory). */
  @Override
  public void close() {
    List<HikariDataSource> toClose;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = new ArrayList<>(pools);
      pools.clear();
      shared = null;
    }
    for (HikariDataSource ds : toClose) {
      ds.close();
    }
    if (keepAlive != null) {
      try (Connection c = keepAlive; Statement s = c.createStatement()) {
        s.execute("SHUTDOWN");
      } catch (SQLException e) {
        // already gone: nothing to release
      }
    }
    if (dropper != null) {
      dropper.run();
    }
    TestDatabases.forget(this);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("test database " + name + " is closed");
    }
  }

  @Override
  public String toString() {
    return "TestDatabase[" + kind + " " + name + (embeddedServer ? " (embedded server)" : "") + "]";
  }

  /** A DataSource over {@link DriverManager}. */
  static final class DriverManagerDataSource implements DataSource {
    private final String url;
    private final String user;
    private final String password;
    private @Nullable PrintWriter logWriter;

    DriverManagerDataSource(String url, String user, String password) {
      this.url = Objects.requireNonNull(url, "url");
      this.user = user;
      this.password = password;
    }

    @Override
    public Connection getConnection() throws SQLException {
      return DriverManager.getConnection(url, user, password);
    }

    @Override
    public Connection getConnection(String username, String pwd) throws SQLException {
      Properties p = new Properties();
      p.setProperty("user", username);
      p.setProperty("password", pwd);
      return DriverManager.getConnection(url, p);
    }

    @Override
    public @Nullable PrintWriter getLogWriter() {
      return logWriter;
    }

    @Override
    public void setLogWriter(@Nullable PrintWriter out) {
      this.logWriter = out;
    }

    @Override
    public void setLoginTimeout(int seconds) {
      DriverManager.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() {
      return DriverManager.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      if (iface.isInstance(this)) {
        return iface.cast(this);
      }
      throw new SQLException("not a wrapper of " + iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return iface.isInstance(this);
    }
  }
}

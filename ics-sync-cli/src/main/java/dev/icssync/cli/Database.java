package dev.icssync.cli;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.icssync.IcsSync;
import dev.icssync.IcsSyncException;
import dev.icssync.http.HttpFeedFetcher;
import dev.icssync.jdbc.JdbcStore;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The store behind {@code --db}: a small pool, migrated on first use. */
final class Database implements AutoCloseable {
  private final HikariDataSource dataSource;
  private final JdbcStore store;
  private @Nullable IcsSync sync;
  private @Nullable HttpFeedFetcher fetcher;

  private Database(HikariDataSource dataSource) {
    this.dataSource = dataSource;
    this.store = JdbcStore.create(dataSource);
  }

  static Database open(String url) {
    if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
      throw new CliException(IcsSyncCli.USAGE, "--db takes jdbc:h2:... or jdbc:postgresql:..., not " + redact(url));
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setPoolName("ics-sync-cli");
    config.setMaximumPoolSize(4);
    config.setMinimumIdle(0);
    config.setConnectionTimeout(10_000);
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(config);
    } catch (RuntimeException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      throw new CliException(IcsSyncCli.FAILED, "cannot open " + redact(url) + ": " + root.getMessage(), e);
    }
    try {
      JdbcStore.migrate(ds);
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
    return new Database(ds);
  }

  /** A JDBC URL without its parameters (they may hold a password). */
  static String redact(String url) {
    int q = url.indexOf('?');
    int semi = url.startsWith("jdbc:h2:") ? url.indexOf(';') : -1;
    int cut = q >= 0 ? q : semi;
    return cut >= 0 ? url.substring(0, cut) + "..." : url;
  }

  JdbcStore store() {
    return store;
  }

  /** The engine on this store, fetching with the SSRF guard open for exactly {@code allowHosts}. */
  IcsSync sync(List<String> allowHosts) {
    if (sync == null) {
      fetcher = fetcher(allowHosts);
      sync = IcsSync.builder().store(store).fetcher(fetcher).build();
    }
    return sync;
  }

  /**
   * A fetcher whose SSRF guard lets exactly {@code allowHosts} through: host names and IP addresses,
   * and CIDR ranges ({@code 127.0.0.0/8}). A pattern such as {@code *} or {@code 127.0.0.*} would
   * match nothing, so it is a usage error.
   */
  static HttpFeedFetcher fetcher(List<String> allowHosts) {
    HttpFeedFetcher.Builder b = HttpFeedFetcher.builder();
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

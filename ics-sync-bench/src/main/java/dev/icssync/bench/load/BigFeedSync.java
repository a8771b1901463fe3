package dev.icssync.bench.load;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.icssync.Feed;
import dev.icssync.IcsSync;
import dev.icssync.SyncReport;
import dev.icssync.http.HttpFeedFetcher;
import dev.icssync.jdbc.JdbcStore;
import java.time.Duration;
import java.util.Locale;

/**
 * The memory figure's child JVM (started by {@link LoadTest} with a small {@code -Xmx}): one first
 * sync of one large feed from the parent's feed server into the parent's database, through the real
 * fetcher and store. Prints one {@code RESULT} line: outcome, events written, seconds, peak heap.
 *
 * <p>Arguments: JDBC URL, user, password, feed URL, tenant, feed id.
 */
public final class BigFeedSync {
  private BigFeedSync() {}

  public static void main(String[] args) throws Exception {
    String jdbcUrl = args[0];
    String user = args[1];
    String password = args[2];
    String url = args[3];
    String tenant = args[4];
    String feedId = args[5];
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(jdbcUrl);
    c.setUsername(user);
    c.setPassword(password);
    c.setMaximumPoolSize(2);
    c.setPoolName("big-feed");
    try (HeapProbe heap = new HeapProbe();
        HikariDataSource ds = new HikariDataSource(c);
        HttpFeedFetcher fetcher = HttpFeedFetcher.builder().allowHost("127.0.0.1")
            .minIntervalPerHost(Duration.ZERO).maxBodyBytes(256L * 1024 * 1024).timeout(Duration.ofMinutes(5))
            .build();
        IcsSync sync = IcsSync.builder().store(JdbcStore.create(ds)).fetcher(fetcher).build()) {
      sync.store().saveFeed(new Feed(feedId, tenant, "big", "airbnb", url, Duration.ofHours(1), true, 0));
      System.gc();
      heap.start();
      long t0 = System.nanoTime();
      SyncReport r = sync.syncFeed(tenant, feedId);
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "RESULT outcome=%s written=%d seen=%d bytes=%d seconds=%.3f peakMb=%.1f"
          + " poolPeakMb=%.1f afterGcMb=%.1f maxHeapMb=%.1f%n", r.outcome(), r.counts().writes(), r.counts().seen(),
          r.bytes(), seconds, heap.sampledPeakMb(), heap.poolPeakMb(), heap.afterGcPeakMb(),
          Runtime.getRuntime().maxMemory() / 1048576.0);
      if (!r.isSuccess()) {
        System.out.println("MESSAGE " + r.message());
      }
    }
  }
}

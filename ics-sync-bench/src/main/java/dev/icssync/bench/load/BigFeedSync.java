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
 * fetcher and store. Prints one {@code RESULT} line: outcome, events written, seconds, the sampled
 * peak of used heap, the pools' peaks, the largest heap after any collection and after a full one.
 *
 * <p>Arguments: JDBC URL, user, password, feed URL, tenant, feed id, and optionally a period in ms:
 * when above 0, a thread forces a full collection ({@code System.gc()}) that often during the sync,
 * so that the largest heap left after a full collection samples the live set along the whole sync
 * (the sync runs slower then: its time is not a figure).
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
    long fullGcEveryMs = args.length > 6 ? Long.parseLong(args[6]) : 0;
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
      Thread collector = fullGcEveryMs > 0 ? collector(fullGcEveryMs) : null;
      long t0 = System.nanoTime();
      SyncReport r;
      try {
        r = sync.syncFeed(tenant, feedId);
      } finally {
        if (collector != null) {
          collector.interrupt();
          collector.join();
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "RESULT outcome=%s written=%d seen=%d bytes=%d seconds=%.3f peakMb=%.1f"
          + " poolPeakMb=%.1f afterGcMb=%.1f fullGcMb=%.1f fullGcs=%d maxHeapMb=%.1f%n", r.outcome(),
          r.counts().writes(), r.counts().seen(), r.bytes(), seconds, heap.sampledPeakMb(), heap.poolPeakMb(),
          heap.afterGcPeakMb(), heap.fullGcPeakMb(), heap.fullCollections(),
          Runtime.getRuntime().maxMemory() / 1048576.0);
      if (!r.isSuccess()) {
        System.out.println("MESSAGE " + r.message());
      }
    }
  }

  /** A daemon thread that forces a full collection every {@code everyMs} until interrupted. */
  private static Thread collector(long everyMs) {
    Thread t = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          Thread.sleep(everyMs);
        } catch (InterruptedException e) {
          return;
        }
        System.gc();
      }
    }, "big-feed-full-gc");
    t.setDaemon(true);
    t.start();
    return t;
  }
}

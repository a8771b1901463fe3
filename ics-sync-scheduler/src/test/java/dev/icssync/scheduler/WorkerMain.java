package dev.icssync.scheduler;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.icssync.Feed;
import dev.icssync.spi.Store;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A worker JVM for the multi-process proofs, started by {@link WorkerProcesses} with the test
 * classpath. Arguments: name jdbcUrl user password feedBaseUrl feedCount intervalMillis.
 * Feeds {@code f0..f<n-1>} of tenant {@code t} are defined identically in every worker.
 */
public final class WorkerMain {
  private WorkerMain() {}

  public static void main(String[] args) throws Exception {
    String name = args[0];
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(args[1]);
    config.setUsername(args[2]);
    config.setPassword(args[3]);
    config.setMaximumPoolSize(6);
    config.setMinimumIdle(0);
    HikariDataSource ds = new HikariDataSource(config);
    String base = args[4];
    int count = Integer.parseInt(args[5]);
    Duration interval = Duration.ofMillis(Long.parseLong(args[6]));
    Store store = Store.inMemory();
    for (int i = 0; i < count; i++) {
      store.saveFeed(new Feed("f" + i, "t", "p" + i, "airbnb", base + "/feeds/f" + i + ".ics", interval, true, 0));
    }
    FeedSyncScheduler worker = FeedSyncScheduler.builder(ds)
        .feeds(store)
        .runner(new FetchingRunner(store, new LoopbackFetcher()))
        .schedulerName(name)
        .threads(4)
        .tenantConcurrency(4)
        .pollingInterval(Duration.ofMillis(500))
        .heartbeatInterval(Duration.ofSeconds(1))
        .missedHeartbeatsLimit(4)
        .shutdownMaxWait(Duration.ofSeconds(2))
        .observer(r -> System.out.println("RUN " + name + " " + r.id().feedId() + " " + r.kind() + " "
            + r.started().toEpochMilli() + " " + (r.report() == null ? "-" : r.report().outcome())))
        .start();
    System.out.println("READY " + name);
    System.out.flush();
    Runtime.getRuntime().addShutdownHook(new Thread(worker::close));
    new CountDownLatch(1).await();
  }
}

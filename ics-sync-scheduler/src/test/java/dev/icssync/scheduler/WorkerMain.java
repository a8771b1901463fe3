package dev.icssync.scheduler;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.icssync.Feed;
import dev.icssync.IcsSync;
import dev.icssync.SyncReport;
import dev.icssync.jdbc.JdbcStore;
import dev.icssync.spi.Store;
import dev.icssync.spi.SyncListener;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A worker JVM for the multi-process proofs, started by {@link WorkerProcesses} with the test
 * classpath. Arguments are {@code key=value}: name, url, user, password, mode ({@code fetch}: feeds
 * f0..f(n-1) of tenant t defined in memory, fetch-only runner; {@code engine}: the real engine on a
 * {@link JdbcStore} over the same database, feeds as the test stored them), and for fetch mode base,
 * feeds, interval (ms). {@code enrol=now} enrols every feed due now instead of spread. Each run prints
 * {@code RUN <name> <feed> <kind> <started ms> <outcome|-> <finished ms> <next due ms|->} (see
 * {@link WorkerRuns}).
 */
public final class WorkerMain {
  private WorkerMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    String name = a.get("name");
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(a.get("url"));
    config.setUsername(a.get("user"));
    config.setPassword(a.getOrDefault("password", ""));
    config.setMaximumPoolSize(8);
    config.setMinimumIdle(0);
    HikariDataSource ds = new HikariDataSource(config);
    FeedSyncScheduler.Builder builder = FeedSyncScheduler.builder(ds)
        .schedulerName(name)
        .threads(4)
        .tenantConcurrency(4)
        .pollingInterval(Duration.ofMillis(500))
        .heartbeatInterval(Duration.ofSeconds(1))
        .missedHeartbeatsLimit(4)
        .shutdownMaxWait(Duration.ofSeconds(2))
        .enrolOnStart(!"now".equals(a.get("enrol")))
        .observer(r -> out("RUN " + name + " " + r.id().feedId() + " " + r.kind() + " "
            + r.started().toEpochMilli() + " " + (r.report() == null ? "-" : r.report().outcome()) + " "
            + r.finished().toEpochMilli() + " "
            + (r.decision().nextRun() == null ? "-" : Long.toString(r.decision().nextRun().toEpochMilli()))));
    Store store;
    if ("engine".equals(a.get("mode"))) {
      store = JdbcStore.create(ds);
      IcsSync sync = IcsSync.builder()
          .store(store)
          .fetcher(new LoopbackFetcher())
          .listener(new SyncListener() {
            @Override
            public void onSyncFinished(Feed feed, SyncReport report) {
              out("REPORT " + name + " " + feed.id() + " " + report.outcome() + " " + report.message());
            }
          })
          .build();
      builder.sync(sync);
    } else {
      store = Store.inMemory();
      Duration interval = Duration.ofMillis(Long.parseLong(a.get("interval")));
      for (int i = 0; i < Integer.parseInt(a.get("feeds")); i++) {
        store.saveFeed(new Feed("f" + i, "t", "p" + i, "airbnb", a.get("base") + "/feeds/f" + i + ".ics", interval, true, 0));
      }
      builder.feeds(store).runner(new FetchingRunner(store, new LoopbackFetcher()));
    }
    FeedSyncScheduler worker = builder.start();
    if ("now".equals(a.get("enrol"))) {
      store.allFeeds().forEach(worker::enrol);
    }
    out("READY " + name);
    Runtime.getRuntime().addShutdownHook(new Thread(worker::close));
    new CountDownLatch(1).await();
  }

  private static synchronized void out(String line) {
    System.out.println(line);
    System.out.flush();
  }
}

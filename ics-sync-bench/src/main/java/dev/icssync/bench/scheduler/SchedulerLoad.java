package dev.icssync.bench.scheduler;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.icssync.Feed;
import dev.icssync.IcsSync;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.jdbc.JdbcStore;
import dev.icssync.scheduler.FeedSyncScheduler;
import dev.icssync.spi.SyncListener;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Load harness of the distributed scheduler: {@code feeds} feeds of {@code events} stays each, served
 * by a loopback server, synced by {@code workers} scheduler workers (each with its own connection
 * pool, engine and store instance, as separate processes would have) over one fresh PostgreSQL
 * database. Three cycles, each triggered for every feed at once: a full first sync, an all-304 cycle,
 * and a cycle where bodies come back unchanged but without validators (digest check, no writes).
 * Prints wall time and feeds/s per cycle. Not part of the build; see the module README for the command.
 *
 * <p>System properties: feeds (10000), events (50), workers (3), threads (8 per worker), tenants
 * (100), pg.host (127.0.0.1), pg.port (5432), pg.user (postgres), pg.password ("").
 */
public final class SchedulerLoad {
  private SchedulerLoad() {}

  public static void main(String[] args) throws Exception {
    int feeds = Integer.getInteger("feeds", 10_000);
    int events = Integer.getInteger("events", 50);
    int workers = Integer.getInteger("workers", 3);
    int threads = Integer.getInteger("threads", 8);
    int tenants = Integer.getInteger("tenants", 100);
    String host = System.getProperty("pg.host", "127.0.0.1");
    String port = System.getProperty("pg.port", "5432");
    String user = System.getProperty("pg.user", "postgres");
    String password = System.getProperty("pg.password", "");
    byte[] random = new byte[5];
    new SecureRandom().nextBytes(random);
    String dbName = "icssync_load_" + HexFormat.of().formatHex(random);
    String admin = "jdbc:postgresql://" + host + ":" + port + "/postgres";
    String url = "jdbc:postgresql://" + host + ":" + port + "/" + dbName;
    execute(admin, user, password, "CREATE DATABASE " + dbName);
    List<AutoCloseable> closing = new ArrayList<>();
    try (LoadFeedServer server = new LoadFeedServer(events, 16)) {
      HikariDataSource setup = pool(url, user, password, 4, "setup");
      closing.add(setup);
      JdbcStore.migrate(setup);
      JdbcStore setupStore = JdbcStore.create(setup);
      long t0 = System.nanoTime();
      List<String> tenantIds = new ArrayList<>();
      for (int t = 0; t < tenants; t++) {
        tenantIds.add("tenant" + t);
      }
      for (int i = 0; i < feeds; i++) {
        String id = "feed" + i;
        setupStore.saveFeed(new Feed(id, tenantIds.get(i % tenants), "prop" + i, "airbnb", server.url(id),
            Duration.ofHours(1), true, 0));
      }
      System.out.printf("setup: %d feeds of %d events, %d tenants, %d workers x %d threads, stored in %.1f s%n",
          feeds, events, tenants, workers, threads, (System.nanoTime() - t0) / 1e9);

      Counter counter = new Counter();
      List<FeedSyncScheduler> schedulers = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        HikariDataSource ds = pool(url, user, password, threads + 4, "w" + w);
        closing.add(ds);
        IcsSync sync = IcsSync.builder().store(JdbcStore.create(ds)).fetcher(new LoadFetcher()).listener(counter).build();
        FeedSyncScheduler scheduler = FeedSyncScheduler.builder(ds)
            .sync(sync)
            .schedulerName("load-w" + w)
            .threads(threads)
            .pollingInterval(Duration.ofSeconds(1))
            .enrolOnStart(false)
            .start();
        schedulers.add(scheduler);
        closing.add(0, scheduler);
      }

      cycle("1 full first sync", feeds, counter, server, () -> schedulers.get(0).enrolAll(Duration.ZERO));
      cycle("2 all 304", feeds, counter, server, () -> tenantIds.forEach(schedulers.get(0)::syncNow));
      server.validators(false);
      cycle("3 unchanged, no validators", feeds, counter, server, () -> tenantIds.forEach(schedulers.get(0)::syncNow));
      System.out.printf("sample: %s has %d stored events%n", "feed0", setupStore.eventsOfFeed("tenant0", "feed0").size());
    } finally {
      for (AutoCloseable c : closing) {
        c.close();
      }
      execute(admin, user, password, "DROP DATABASE IF EXISTS " + dbName + " WITH (FORCE)");
    }
  }

  private static void cycle(String name, int feeds, Counter counter, LoadFeedServer server, Runnable trigger)
      throws InterruptedException {
    counter.reset();
    long ok0 = server.ok.get();
    long nm0 = server.notModified.get();
    long t0 = System.nanoTime();
    trigger.run();
    long lastPrint = t0;
    while (counter.finished.get() < feeds) {
      Thread.sleep(50);
      if (System.nanoTime() - lastPrint > 10_000_000_000L) {
        lastPrint = System.nanoTime();
        System.out.printf("  ... %s: %d/%d after %.0f s%n", name, counter.finished.get(), feeds, (lastPrint - t0) / 1e9);
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("cycle %-28s %6d feeds in %7.2f s = %7.1f feeds/s; outcomes %s; HTTP 200: %d, 304: %d%n",
        name, feeds, seconds, feeds / seconds, counter.snapshot(), server.ok.get() - ok0, server.notModified.get() - nm0);
  }

  private static HikariDataSource pool(String url, String user, String password, int size, String name) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(url);
    c.setUsername(user);
    c.setPassword(password);
    c.setMaximumPoolSize(size);
    c.setPoolName("load-" + name);
    return new HikariDataSource(c);
  }

  private static void execute(String url, String user, String password, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** Counts finished syncs of the current cycle by outcome. */
  private static final class Counter implements SyncListener {
    final AtomicInteger finished = new AtomicInteger();
    final Map<SyncOutcome, LongAdder> outcomes = new ConcurrentHashMap<>();

    void reset() {
      finished.set(0);
      outcomes.clear();
    }

    Map<SyncOutcome, Long> snapshot() {
      Map<SyncOutcome, Long> m = new EnumMap<>(SyncOutcome.class);
      outcomes.forEach((k, v) -> m.put(k, v.sum()));
      return m;
    }

    @Override
    public void onSyncFinished(Feed feed, SyncReport report) {
      outcomes.computeIfAbsent(report.outcome(), k -> new LongAdder()).increment();
      finished.incrementAndGet();
    }
  }
}

package dev.icssync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.icssync.CalendarEvent;
import dev.icssync.ExportView;
import dev.icssync.FailureReason;
import dev.icssync.Feed;
import dev.icssync.IcsSync;
import dev.icssync.IcsSyncException.StorageException;
import dev.icssync.SyncOutcome;
import dev.icssync.SyncReport;
import dev.icssync.spi.FetchResult;
import dev.icssync.tck.db.PostgresServer;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import dev.icssync.tck.net.TcpProxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The database goes away under a running engine and comes back, as its clients see a restart: a
 * proxy between the pool and PostgreSQL drops every connection and refuses new ones, then accepts
 * again. (The shared server itself is not restarted: other builds use it.)
 */
@Tag("postgres")
class PostgresRestartTest {
  static final String T = "t1";
  static final Instant NOW = Instant.parse("2026-06-10T12:00:00Z");

  static String calendar(int stays) {
    StringBuilder b = new StringBuilder("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n");
    for (int i = 0; i < stays; i++) {
      b.append("BEGIN:VEVENT\r\nUID:stay").append(i).append("@test\r\nDTSTART;VALUE=DATE:202607")
          .append(String.format("%02d", 1 + 3 * i)).append("\r\nDTEND;VALUE=DATE:202607")
          .append(String.format("%02d", 3 + 3 * i)).append("\r\nSUMMARY:Reserved\r\nEND:VEVENT\r\n");
    }
    return b.append("END:VCALENDAR\r\n").toString();
  }

  @Test
  void aRestartFailsCleanlyWithoutHangingAndThePoolRecovers() throws Exception {
    PostgresServer server = TestDatabases.postgresServer();
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try (TestDatabase db = TestDatabases.postgres("jdbc_restart");
        TcpProxy proxy = new TcpProxy(server.host(), server.port())) {
      JdbcStore.migrate(db.dataSource());
      JdbcStore direct = JdbcStore.create(db.dataSource());
      HikariDataSource viaProxy = db.pool(c -> {
        c.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + db.name()
            + "?connectTimeout=2&socketTimeout=20&tcpKeepAlive=true");
        c.setMaximumPoolSize(2);
        c.setConnectionTimeout(2_000);
        c.setValidationTimeout(1_000);
        c.setInitializationFailTimeout(-1);
      });
      AtomicReference<String> body = new AtomicReference<>(calendar(2));
      try (IcsSync sync = IcsSync.builder().store(JdbcStore.create(viaProxy))
          .clock(Clock.fixed(NOW, ZoneOffset.UTC))
          .fetcher(r -> FetchResult.Fetched.of(body.get().getBytes(StandardCharsets.UTF_8))).build()) {
        sync.store().saveFeed(Feed.builder(T, "f").property("villa").source("airbnb").url("https://cal.example.com/f.ics?t=x").build());
        assertThat(sync.syncFeed(T, "f").outcome()).isEqualTo(SyncOutcome.APPLIED);
        List<CalendarEvent> before = direct.eventsOfFeed(T, "f");
        assertThat(before).hasSize(2);

        proxy.cut();
        body.set(calendar(3));
        List<Callable<Object>> calls = List.of(
            () -> sync.syncFeed(T, "f"),
            () -> sync.syncFeed(T, "f"),
            () -> catching(() -> sync.syncTenant(T)),
            () -> catching(() -> sync.export(ExportView.forProperty(T, "villa"))),
            () -> catching(() -> sync.store().eventsOfFeed(T, "f")));
        List<Future<Object>> running = new ArrayList<>();
        for (Callable<Object> c : calls) {
          running.add(callers.submit(c));
        }
        List<Object> results = new ArrayList<>();
        for (Future<Object> f : running) {
          // bounded by the pool's 2 s connection timeout; 30 s leaves room for a loaded machine
          results.add(f.get(30, TimeUnit.SECONDS));
        }
        for (Object r : results.subList(0, 2)) {
          SyncReport report = (SyncReport) r;
          assertThat(report.outcome()).as("%s", report).isEqualTo(SyncOutcome.FAILED);
          assertThat(report.failure()).isEqualTo(FailureReason.STORAGE);
        }
        for (Object r : results.subList(2, results.size())) {
          assertThat(r).as("a typed storage failure").isInstanceOf(StorageException.class);
        }
        assertThat(direct.eventsOfFeed(T, "f")).as("nothing changed while down").isEqualTo(before);

        proxy.restore();
        // the pool drops its dead connections and opens new ones: a sync goes through again
        SyncReport after = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
            .until(() -> {
              SyncReport r = sync.syncFeed(T, "f");
              assertThat(r.isSuccess() || r.failure() == FailureReason.STORAGE).as("%s", r).isTrue();
              return r;
            }, SyncReport::isSuccess);
        assertThat(after.outcome()).as("%s", after).isEqualTo(SyncOutcome.APPLIED);
        assertThat(after.counts().created()).isEqualTo(1);
        assertThat(direct.eventsOfFeed(T, "f")).hasSize(3).allMatch(CalendarEvent::isActive);
        assertThat(sync.export(ExportView.forProperty(T, "villa")).body()).isNotEmpty();
        assertThat(viaProxy.getHikariPoolMXBean().getThreadsAwaitingConnection()).isZero();
      }
    } finally {
      callers.shutdownNow();
      assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).as("no caller thread hangs").isTrue();
    }
  }

  private static Object catching(Callable<?> call) {
    try {
      return call.call();
    } catch (Exception e) {
      return e;
    }
  }
}

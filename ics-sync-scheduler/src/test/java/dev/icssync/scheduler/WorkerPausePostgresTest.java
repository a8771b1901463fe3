package dev.icssync.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.icssync.CalendarEvent;
import dev.icssync.Feed;
import dev.icssync.IcsSync;
import dev.icssync.SyncOutcome;
import dev.icssync.jdbc.JdbcStore;
import dev.icssync.spi.Store;
import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * At-least-once made safe: a worker JVM paused with SIGSTOP in the middle of a sync (after the engine
 * fenced the feed's generation, while the download of version 1 is in flight) stays paused past the
 * heartbeat limit; another worker revives the execution and syncs version 2. When the paused worker
 * resumes, its late apply of version 1 is rejected as stale, the schedule it tries to write back is
 * ignored, and the stored events are exactly those of one correct sync of version 2.
 */
@Tag("postgres")
@Tag("slow")
class WorkerPausePostgresTest {

  @Test
  void aPausedWorkersLateApplyIsRejectedAndStoredEventsMatchOneCorrectRun() throws Exception {
    try (TestDatabase db = TestDatabases.postgres("sched_pause");
        FeedServer server = new FeedServer(8).events(12);
        WorkerProcesses jvms = new WorkerProcesses()) {
      DataSource ds = db.pool(2);
      JdbcStore.migrate(ds);
      JdbcStore store = JdbcStore.create(ds);
      Feed feed = new Feed("z", "acme", "villa", "airbnb", server.url("z"), Duration.ofHours(1), true, 0);
      store.saveFeed(feed);
      CountDownLatch fetching = server.hold("z");

      Process paused = jvms.start(WorkerMain.class, args("paused", db, "enrol=now"));
      assertThat(fetching.await(3, TimeUnit.MINUTES)).as("the first worker is downloading version 1").isTrue();
      WorkerProcesses.signal(paused, "STOP");
      server.version("z", 2);
      server.release("z"); // version 1's bytes wait in the stopped worker's socket

      Process other = jvms.start(WorkerMain.class, args("other", db));
      await().atMost(Duration.ofMinutes(3)).until(() -> jvms.output("other").stream()
          .anyMatch(l -> l.startsWith("REPORT other z ")));
      assertThat(jvms.output("other")).anyMatch(l -> l.startsWith("REPORT other z " + SyncOutcome.APPLIED));
      List<CalendarEvent> afterRevival = store.eventsOfFeed("acme", "z");

      WorkerProcesses.signal(paused, "CONT");
      await().atMost(Duration.ofMinutes(2)).until(() -> jvms.output("paused").stream()
          .anyMatch(l -> l.startsWith("REPORT paused z ")));
      assertThat(jvms.output("paused")).as(jvms.output("paused").toString())
          .anyMatch(l -> l.startsWith("REPORT paused z " + SyncOutcome.STALE));

      // nothing the zombie did reached the store or the schedule
      List<CalendarEvent> stored = store.eventsOfFeed("acme", "z");
      assertThat(stored).isEqualTo(afterRevival);
      assertThat(project(stored)).isEqualTo(project(singleCorrectRun(server, feed)));
      assertThat(schedule(ds)).as("picked_by, picked").isNotEqualTo("paused|true");
      assertThat(server.overlaps).hasValue(0);
      other.destroyForcibly();
    }
  }

  private static String[] args(String name, TestDatabase db, String... more) {
    String[] base = {"name=" + name, "url=" + db.jdbcUrl(), "user=" + db.user(), "password=" + db.password(),
        "mode=engine"};
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  /** One sync of the feed as the server serves it now, into an empty in-memory store. */
  private static List<CalendarEvent> singleCorrectRun(FeedServer server, Feed feed) {
    Store reference = Store.inMemory();
    reference.saveFeed(feed);
    try (IcsSync sync = IcsSync.builder().store(reference).fetcher(new LoopbackFetcher()).build()) {
      assertThat(sync.syncFeed(feed.tenant(), feed.id()).outcome()).isEqualTo(SyncOutcome.APPLIED);
    }
    return reference.eventsOfFeed(feed.tenant(), feed.id());
  }

  /** What a sync decides about each event; leaves out when it happened. */
  private static List<String> project(List<CalendarEvent> events) {
    return events.stream()
        .map(e -> e.key() + " " + e.range() + " " + e.kind() + " " + e.status() + " " + e.summary() + " " + e.fingerprint())
        .sorted()
        .toList();
  }

  private static String schedule(DataSource ds) throws Exception {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT picked_by, picked FROM icssync_scheduled_tasks WHERE task_instance = 'acme/z'");
        ResultSet rs = ps.executeQuery()) {
      assertThat(rs.next()).as("the feed is still scheduled").isTrue();
      return rs.getString(1) + "|" + rs.getBoolean(2);
    }
  }
}

package dev.icssync.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Three worker JVMs share 40 slow feeds; one is killed with SIGKILL in the middle of its syncs. Its
 * picked executions are revived on the survivors within heartbeat x missed limit + the dead-execution
 * check period (2 x heartbeat) + polling, and nothing stays picked by the dead worker.
 */
@Tag("postgres")
@Tag("slow")
class WorkerKillPostgresTest {
  private static final Duration HEARTBEAT = Duration.ofSeconds(1);
  private static final int MISSED = 4;
  private static final Duration POLLING = Duration.ofMillis(500);

  @Test
  void aKilledWorkersFeedsResumeOnTheOthers() throws Exception {
    try (TestDatabase db = TestDatabases.postgres("sched_kill");
        FeedServer server = new FeedServer(24).delay(400);
        WorkerProcesses jvms = new WorkerProcesses()) {
      DataSource ds = db.pool(2);
      String base = server.url("x").replace("/feeds/x.ics", "");
      List<String> names = List.of("w0", "w1", "victim");
      List<Process> processes = new ArrayList<>();
      for (String name : names) {
        processes.add(jvms.start(WorkerMain.class, "name=" + name, "url=" + db.jdbcUrl(), "user=" + db.user(),
            "password=" + db.password(), "mode=fetch", "base=" + base, "feeds=40", "interval=4000"));
      }
      await().atMost(Duration.ofMinutes(3)).until(() -> {
        for (String name : names) {
          if (!jvms.output(name).contains("READY " + name)) {
            return false;
          }
        }
        return true;
      });
      await().atMost(Duration.ofMinutes(2)).until(() -> picked(ds, "victim").size() >= 2);

      Process victim = processes.get(2);
      victim.destroyForcibly();
      victim.waitFor();
      Instant killedAt = Instant.now();
      List<String> orphans = picked(ds, "victim");
      assertThat(orphans).as("executions the dead worker held").isNotEmpty();

      // db-scheduler declares an execution dead once its heartbeat is MISSED heartbeats old and looks
      // for dead ones every 2 heartbeats; a survivor then picks it within one polling interval. The
      // margin covers the survivors' own delays on a lightly loaded 2-core machine (4.6-5.8 s seen
      // against 6.5 s); a busier machine widens it by the lag it measurably imposed (below). A revival
      // that never comes fails the await (a liveness guard); one that comes late fails the bound.
      Duration bound = HEARTBEAT.multipliedBy(MISSED + 2L).plus(POLLING).plusMillis(2_500);
      await().atMost(Duration.ofMinutes(3)).until(() -> picked(ds, "victim").isEmpty()
          && orphans.stream().allMatch(id -> server.arrivalsOf(feedId(id)).stream().anyMatch(t -> t.isAfter(killedAt))));
      Duration worst = Duration.ZERO;
      for (String id : orphans) {
        Instant resumed = server.arrivalsOf(feedId(id)).stream().filter(t -> t.isAfter(killedAt)).findFirst().orElseThrow();
        Duration d = Duration.between(killedAt, resumed);
        worst = d.compareTo(worst) > 0 ? d : worst;
      }
      // the survivors' own pickup lag around the kill (how late their other runs started, from 5 s
      // before it to the last revival; the same for every run on a loaded machine) delays the revival
      // as much: the bound grows by what was measured
      List<WorkerRuns> survivors = new ArrayList<>();
      survivors.addAll(WorkerRuns.parse("w0", jvms.output("w0")));
      survivors.addAll(WorkerRuns.parse("w1", jvms.output("w1")));
      // (the orphans' own runs left out: their lateness is the revival being measured)
      survivors.removeIf(r -> orphans.stream().anyMatch(id -> feedId(id).equals(r.feed())));
      Duration shared = WorkerRuns.lag(WorkerRuns.byFeed(survivors))
          .worstSharedBetween(killedAt.minusSeconds(5), killedAt.plus(worst));
      System.out.printf("SIGKILL: %d orphaned executions resumed on the survivors after at most %d ms (bound %d ms + "
          + "survivors' shared pickup lag %d ms)%n", orphans.size(), worst.toMillis(), bound.toMillis(), shared.toMillis());
      assertThat(worst).isLessThanOrEqualTo(bound.plus(shared));
      assertThat(server.overlaps).hasValue(0);
      // and every feed keeps running on the survivors
      Instant later = Instant.now();
      await().atMost(Duration.ofMinutes(2)).until(() -> {
        for (int i = 0; i < 40; i++) {
          if (server.arrivalsOf("f" + i).stream().noneMatch(t -> t.isAfter(later))) {
            return false;
          }
        }
        return true;
      });
      assertThat(jvms.errors("w0")).doesNotContain("Exception in thread");
    }
  }

  private static String feedId(String instanceId) {
    return FeedTaskId.parse(instanceId).feedId();
  }

  private static List<String> picked(DataSource ds, String by) throws Exception {
    List<String> ids = new ArrayList<>();
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT task_instance FROM icssync_scheduled_tasks WHERE picked AND picked_by = ?")) {
      ps.setString(1, by);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
    } catch (java.sql.SQLException e) {
      return ids; // table not created yet
    }
    return ids;
  }
}

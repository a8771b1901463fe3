package dev.icssync.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Three separate worker JVMs over one PostgreSQL database share 1,000 feeds served by a loopback
 * server: every feed syncs once per period (never twice within one, none missed), the work is spread
 * over all three JVMs, and no feed is fetched by two JVMs at once. Asserted on the structure of each
 * feed's arrivals and runs, not on wall-clock totals: how late a run started is compared with the lag
 * every run had at that moment on this machine ({@link PickupLag}), so a loaded machine widens the
 * bound by what it measurably imposed and a starved or lost run still stands out.
 */
@Tag("postgres")
@Tag("slow")
class ThreeWorkerJvmsPostgresTest {
  private static final int FEEDS = 1_000;
  private static final Duration INTERVAL = Duration.ofSeconds(4);
  private static final double JITTER = 0.1; // the workers' default

  @Test
  void thousandFeedsThreeWorkerJvmsEveryFeedOncePerPeriod() throws Exception {
    try (TestDatabase db = TestDatabases.postgres("sched_jvms");
        FeedServer server = new FeedServer(8);
        WorkerProcesses jvms = new WorkerProcesses()) {
      String base = server.url("x").replace("/feeds/x.ics", "");
      List<String> names = List.of("w0", "w1", "w2");
      for (String name : names) {
        jvms.start(WorkerMain.class, "name=" + name, "url=" + db.jdbcUrl(), "user=" + db.user(),
            "password=" + db.password(), "mode=fetch", "base=" + base, "feeds=" + FEEDS,
            "interval=" + INTERVAL.toMillis());
      }
      await().atMost(Duration.ofMinutes(3)).until(() -> {
        for (String name : names) {
          if (!jvms.output(name).contains("READY " + name)) {
            return false;
          }
        }
        return true;
      });
      // first runs are spread over one interval; let one period settle, then watch until every feed has
      // synced three more times: about three periods on an idle machine, longer on a loaded one (the
      // await is a liveness guard, not a timing bound: what is asserted is how the runs are ordered)
      Instant from = Instant.now().plus(INTERVAL);
      await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(1)).until(() -> {
        for (int i = 0; i < FEEDS; i++) {
          if (server.arrivalsOf("f" + i).stream().filter(t -> !t.isBefore(from)).count() < 3) {
            return false;
          }
        }
        return true;
      });
      Instant to = Instant.now();

      assertThat(server.overlaps).as("one feed fetched by two workers at once").hasValue(0);
      List<WorkerRuns> all = new ArrayList<>();
      for (String name : names) {
        all.addAll(WorkerRuns.parse(name, jvms.output(name)));
      }
      Map<String, List<WorkerRuns>> byFeed = WorkerRuns.byFeed(all);
      PickupLag lag = WorkerRuns.lag(byFeed);
      Duration minGap = INTERVAL.minusMillis((long) (INTERVAL.toMillis() * JITTER));
      Duration maxPlanned = INTERVAL.plusMillis((long) (INTERVAL.toMillis() * JITTER));
      long gaps = 0;
      long early = 0;
      for (int i = 0; i < FEEDS; i++) {
        String id = "f" + i;
        List<Instant> arrivals = server.arrivalsOf(id);
        for (int k = 1; k < arrivals.size(); k++) {
          if (arrivals.get(k).isBefore(from)) {
            continue;
          }
          gaps++;
          if (Duration.between(arrivals.get(k - 1), arrivals.get(k)).compareTo(minGap) < 0) {
            early++;
          }
        }
        // the plan never skips a period: each sync put the next one within interval + jitter of its end
        for (WorkerRuns r : byFeed.getOrDefault(id, List.of())) {
          if (r.kind().equals("sync") && r.next() != null) {
            assertThat(Duration.between(r.finished(), r.next())).as("next run of %s planned after its sync", id)
                .isLessThanOrEqualTo(maxPlanned);
          }
        }
      }
      assertThat(early).as("feeds synced twice within a period (gap < interval - jitter), of %s gaps", gaps).isZero();
      assertThat(lag.runs()).as("runs with a known due time").hasSizeGreaterThan(FEEDS * 2);
      for (PickupLag.Run r : lag.runs()) {
        assertThat(r.late()).as("run of %s started before it was due", r.feed()).isGreaterThanOrEqualTo(Duration.ofMillis(-1));
      }
      // a loaded machine makes every run late alike (measured: the shared lag); no run may wait much
      // longer than the runs due with it. A lost execution, or one picked only after a restart or a
      // dead-worker rescue, is late by seconds more than its cohort; pickup on an idle machine is
      // within one polling interval (500 ms), and 1.5 s more is allowed for 1 % of the runs
      Duration excessBound = Duration.ofMillis(500 + 1_500);
      long excessive = lag.excessAbove(excessBound);
      assertThat(excessive).as("runs started more than 2 s later than the runs due with them, of %s",
          lag.runs().size()).isLessThanOrEqualTo(lag.runs().size() / 100);
      // nothing lost: at the end of the window every feed is either due in the future or overdue by no
      // more than the workers were behind at that moment (plus the same allowance)
      Instant end = to;
      Duration behindAtEnd = lag.behindAt(end);
      for (Map.Entry<String, List<WorkerRuns>> e : byFeed.entrySet()) {
        WorkerRuns last = null;
        for (WorkerRuns r : e.getValue()) {
          if (!r.started().isAfter(end)) {
            last = r;
          }
        }
        assertThat(last).as("a run of %s by the end of the window", e.getKey()).isNotNull();
        assertThat(last.next()).as("%s still scheduled", e.getKey()).isNotNull();
        assertThat(Duration.between(last.next(), end)).as("how overdue %s is at the end of the window", e.getKey())
            .isLessThanOrEqualTo(behindAtEnd.plus(excessBound).plusSeconds(2));
      }
      System.out.printf("three worker JVMs: %d gaps checked, shared pickup lag up to %d ms, %d runs over it by > %d ms%n",
          gaps, lag.worstShared().toMillis(), excessive, excessBound.toMillis());

      Map<String, Integer> perJvm = new HashMap<>();
      for (String name : names) {
        int runs = (int) jvms.output(name).stream().filter(l -> l.startsWith("RUN " + name + " ")).count();
        perJvm.put(name, runs);
        assertThat(jvms.errors(name)).as("stderr of %s", name).doesNotContain("Exception in thread");
      }
      System.out.printf("three worker JVMs: %d gaps checked, runs per JVM %s%n", gaps, perJvm);
      // spread: each JVM took a fair part (a third each on an idle machine; at least a tenth under load)
      int total = perJvm.values().stream().mapToInt(Integer::intValue).sum();
      assertThat(perJvm.values()).as("runs per JVM %s", perJvm).allMatch(n -> n > total / 10);
    }
  }
}

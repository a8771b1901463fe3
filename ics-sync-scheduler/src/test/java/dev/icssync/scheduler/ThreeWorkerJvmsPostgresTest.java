package dev.icssync.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Three separate worker JVMs over one PostgreSQL database share 1,000 feeds served by a loopback
 * server: every feed syncs once per period (never twice within one, none missed), the work is spread
 * over all three JVMs, and no feed is fetched by two JVMs at once. Asserted on the structure of each
 * feed's arrivals, not on wall-clock totals.
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
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        for (String name : names) {
          if (!jvms.output(name).contains("READY " + name)) {
            return false;
          }
        }
        return true;
      });
      // first runs are spread over one interval; let one period settle, then watch three more
      Instant from = Instant.now().plus(INTERVAL);
      Instant to = from.plus(INTERVAL.multipliedBy(3));
      await().atMost(INTERVAL.multipliedBy(4).plusSeconds(30)).until(() -> Instant.now().isAfter(to.plusSeconds(1)));

      assertThat(server.overlaps).as("one feed fetched by two workers at once").hasValue(0);
      Duration minGap = INTERVAL.minusMillis((long) (INTERVAL.toMillis() * JITTER));
      // a missed period would leave a gap of about two intervals; pickup on a loaded machine adds
      // polling (500 ms) plus the workers' own delays, well below that
      Duration maxGap = INTERVAL.plusMillis((long) (INTERVAL.toMillis() * JITTER)).plusMillis(2_500);
      long gaps = 0;
      long early = 0;
      long missed = 0;
      for (int i = 0; i < FEEDS; i++) {
        String id = "f" + i;
        List<Instant> arrivals = server.arrivalsOf(id);
        List<Instant> inWindow = arrivals.stream().filter(t -> !t.isBefore(from) && !t.isAfter(to)).toList();
        // 3 periods of 3.6-4.4 s in a 12 s window: 2 to 4 syncs, never more
        assertThat(inWindow.size()).as("syncs of %s in three periods", id).isBetween(2, 4);
        for (int k = 1; k < arrivals.size(); k++) {
          Duration gap = Duration.between(arrivals.get(k - 1), arrivals.get(k));
          if (arrivals.get(k).isBefore(from)) {
            continue;
          }
          gaps++;
          if (gap.compareTo(minGap) < 0) {
            early++;
          }
          if (gap.compareTo(maxGap) > 0) {
            missed++;
          }
        }
      }
      assertThat(early).as("feeds synced twice within a period (gap < interval - jitter), of %s gaps", gaps).isZero();
      assertThat(missed).as("gaps longer than interval + jitter + 2.5 s, of %s", gaps).isLessThanOrEqualTo(gaps / 100);

      Map<String, Integer> perJvm = new HashMap<>();
      for (String name : names) {
        int runs = (int) jvms.output(name).stream().filter(l -> l.startsWith("RUN " + name + " ")).count();
        perJvm.put(name, runs);
        assertThat(jvms.errors(name)).as("stderr of %s", name).doesNotContain("Exception in thread");
      }
      System.out.printf("three worker JVMs: %d gaps checked, runs per JVM %s%n", gaps, perJvm);
      assertThat(perJvm.values()).as("runs per JVM %s", perJvm).allMatch(n -> n > FEEDS / 3);
    }
  }
}

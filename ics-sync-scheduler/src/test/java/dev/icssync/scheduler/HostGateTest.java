package dev.icssync.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.tck.db.TestDatabase;
import dev.icssync.tck.db.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class HostGateTest {
  private static final Duration INTERVAL = Duration.ofMillis(100);

  @Test
  void concurrentClaimsOnH2AreSpacedByTheInterval() throws Exception {
    try (TestDatabase db = TestDatabases.h2Memory()) {
      assertSpaced(db.pool(8), Schema.Dialect.H2);
    }
  }

  @Test
  @Tag("postgres")
  void concurrentClaimsOnPostgresAreSpacedByTheInterval() throws Exception {
    try (TestDatabase db = TestDatabases.postgres("sched_hosts")) {
      assertSpaced(db.pool(8), Schema.Dialect.POSTGRESQL);
    }
  }

  @Test
  void aBusyHostSaysHowLongToWaitAndIsFreeAfterThatOnH2() throws Exception {
    try (TestDatabase db = TestDatabases.h2Memory()) {
      assertWaitIsEnough(db.pool(2), Schema.Dialect.H2);
    }
  }

  @Test
  @Tag("postgres")
  void aBusyHostSaysHowLongToWaitAndIsFreeAfterThatOnPostgres() throws Exception {
    try (TestDatabase db = TestDatabases.postgres("sched_hosts_wait")) {
      assertWaitIsEnough(db.pool(2), Schema.Dialect.POSTGRESQL);
    }
  }

  @Test
  void hostKeysAndPerHostIntervals() {
    HostGate gate = new HostGate(null, Schema.Dialect.H2, "unused", Duration.ZERO, Map.of("slow.example", Duration.ofSeconds(1)));
    assertThat(gate.enabled()).isTrue();
    assertThat(gate.intervalFor("slow.example")).isEqualTo(Duration.ofSeconds(1));
    // a host with a zero interval is granted without touching the database (the data source is null)
    assertThat(gate.tryClaim("fast.example").granted()).isTrue();
    assertThat(new HostGate(null, Schema.Dialect.H2, "unused", Duration.ZERO, Map.of()).enabled()).isFalse();
  }

  /**
   * Six threads claim one host as fast as they can until ten slots were granted. The spacing is
   * checked on the slots the gate itself recorded (the database's clock, whole microseconds on both
   * databases), so it is exact: no tolerance, whatever the load. A JVM timestamp taken around the
   * call would add the thread's scheduling delay and the two clocks' rounding to the measurement.
   */
  private static void assertSpaced(DataSource ds, Schema.Dialect dialect) throws Exception {
    Schema.create(ds, dialect, "gate_test");
    HostGate gate = new HostGate(ds, dialect, Schema.hostSlotsTable("gate_test"), INTERVAL, Map.of());
    int wanted = 10;
    ConcurrentLinkedQueue<Instant> granted = new ConcurrentLinkedQueue<>();
    AtomicInteger refused = new AtomicInteger();
    AtomicReference<Duration> longestWait = new AtomicReference<>(Duration.ZERO);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    for (int t = 0; t < 6; t++) {
      pool.submit(() -> {
        while (granted.size() < wanted) {
          HostGate.Claim claim = gate.tryClaim("polite.example");
          if (claim.granted()) {
            granted.add(claim.slot());
          } else {
            refused.incrementAndGet();
            longestWait.accumulateAndGet(claim.busyFor(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
          }
        }
        return null;
      });
    }
    pool.shutdown();
    // a liveness guard, not a timing bound: ten slots need about one second
    assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).as("the host keeps being granted").isTrue();
    List<Instant> sorted = new ArrayList<>(granted);
    sorted.sort(null);
    assertThat(sorted).hasSizeBetween(wanted, wanted + 5).doesNotContainNull();
    for (int i = 1; i < sorted.size(); i++) {
      assertThat(Duration.between(sorted.get(i - 1), sorted.get(i))).as("slot %d after slot %d", i, i - 1)
          .isGreaterThanOrEqualTo(INTERVAL);
    }
    assertThat(refused.get()).as("contention happened").isPositive();
    // a refused claim is never told to wait longer than one interval (the holder claimed before it asked)
    assertThat(longestWait.get()).isLessThanOrEqualTo(INTERVAL);
    assertThat(gate.tryClaim("other.example").granted()).as("hosts are independent").isTrue();
  }

  /** One thread: a claim right after a grant is refused, and waiting as long as told is enough. */
  private static void assertWaitIsEnough(DataSource ds, Schema.Dialect dialect) throws Exception {
    Schema.create(ds, dialect, "gate_wait");
    HostGate gate = new HostGate(ds, dialect, Schema.hostSlotsTable("gate_wait"), Duration.ofMillis(300), Map.of());
    HostGate.Claim first = gate.tryClaim("polite.example");
    assertThat(first.granted()).as("the first claim inserts the host's row").isTrue();
    Instant previous = first.slot();
    for (int i = 0; i < 3; i++) {
      HostGate.Claim busy = gate.tryClaim("polite.example");
      if (busy.granted()) {
        // this thread was descheduled for a whole interval: still spaced, in the gate's clock
        assertThat(Duration.between(previous, busy.slot())).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        previous = busy.slot();
        continue;
      }
      assertThat(busy.busyFor()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(300));
      // sleep rounds up to whole milliseconds, so the slot is free when it returns
      Thread.sleep(busy.busyFor().toMillis() + 1);
      HostGate.Claim next = gate.tryClaim("polite.example");
      assertThat(next.granted()).as("free after the wait it was told").isTrue();
      assertThat(Duration.between(previous, next.slot())).isGreaterThanOrEqualTo(Duration.ofMillis(300));
      previous = next.slot();
    }
  }
}

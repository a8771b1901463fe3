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
import javax.sql.DataSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class HostGateTest {

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
  void hostKeysAndPerHostIntervals() {
    assertThat(HostGate.hostOf("https://Calendar.Example.com:8443/a.ics?token=x")).isEqualTo("calendar.example.com");
    assertThat(HostGate.hostOf("webcal://ical.example.org/x")).isEqualTo("ical.example.org");
    assertThat(HostGate.hostOf("not a url")).isNull();
    HostGate gate = new HostGate(null, "unused", Duration.ZERO, Map.of("slow.example", Duration.ofSeconds(1)));
    assertThat(gate.enabled()).isTrue();
    assertThat(gate.intervalFor("slow.example")).isEqualTo(Duration.ofSeconds(1));
    // a host with a zero interval is granted without touching the database (the data source is null)
    assertThat(gate.tryClaim("fast.example", Instant.now())).isEmpty();
    assertThat(new HostGate(null, "unused", Duration.ZERO, Map.of()).enabled()).isFalse();
  }

  private static void assertSpaced(DataSource ds, Schema.Dialect dialect) throws Exception {
    Schema.create(ds, dialect, "gate_test");
    Duration interval = Duration.ofMillis(100);
    HostGate gate = new HostGate(ds, Schema.hostSlotsTable("gate_test"), interval, Map.of());
    ConcurrentLinkedQueue<Instant> granted = new ConcurrentLinkedQueue<>();
    Instant end = Instant.now().plusMillis(1_200);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    for (int t = 0; t < 6; t++) {
      pool.submit(() -> {
        while (Instant.now().isBefore(end)) {
          Instant now = Instant.now();
          if (gate.tryClaim("polite.example", now).isEmpty()) {
            granted.add(now);
          }
        }
        return null;
      });
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
    List<Instant> sorted = new ArrayList<>(granted);
    sorted.sort(null);
    for (int i = 1; i < sorted.size(); i++) {
      assertThat(Duration.between(sorted.get(i - 1), sorted.get(i))).isGreaterThanOrEqualTo(interval);
    }
    // 1.2 s at one claim per 100 ms: about 12, and the gate does not starve the host either
    assertThat(sorted.size()).isBetween(8, 13);
    assertThat(gate.tryClaim("other.example", Instant.now())).as("hosts are independent").isEmpty();
  }
}

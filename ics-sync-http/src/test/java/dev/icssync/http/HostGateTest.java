package dev.icssync.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HostGateTest {
  private static final Duration SHORT = Duration.ofMillis(50);
  private static final Duration IDLE = Duration.ofMinutes(1);

  @Test
  void atMostMaxConcurrentLeasesPerHostAndOtherHostsAreIndependent() throws Exception {
    HostGate gate = new HostGate(3, Duration.ZERO, IDLE);
    List<HostGate.Lease> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(gate.acquire("a.example", SHORT, false));
    }
    assertThatThrownBy(() -> gate.acquire("a.example", SHORT, false))
        .isInstanceOf(HostGate.QueueTimeoutException.class);
    gate.acquire("b.example", SHORT, false).release();
    held.remove(0).release();
    gate.acquire("a.example", SHORT, false).release();
  }

  @Test
  void theFirstRequestToAHostWithNoConnectionGoesAloneUntilItReachesTheHost() throws Exception {
    HostGate gate = new HostGate(3, Duration.ZERO, IDLE);
    HostGate.Lease first = gate.acquire("a.example", SHORT, true);
    assertThatThrownBy(() -> gate.acquire("a.example", SHORT, true))
        .as("a second request waits while the first opens the connection")
        .isInstanceOf(HostGate.QueueTimeoutException.class);
    first.connected();
    first.release();

    List<HostGate.Lease> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(gate.acquire("a.example", SHORT, true));
    }
    assertThat(held).as("once connected, requests share the host's slots").hasSize(3);
    held.forEach(HostGate.Lease::release);
  }

  @Test
  void aFirstRequestThatNeverReachedTheHostLeavesTheNextOneAloneToo() throws Exception {
    HostGate gate = new HostGate(2, Duration.ZERO, IDLE);
    gate.acquire("a.example", SHORT, true).release(); // e.g. connection refused: not connected()
    HostGate.Lease again = gate.acquire("a.example", SHORT, true);
    assertThatThrownBy(() -> gate.acquire("a.example", SHORT, true))
        .isInstanceOf(HostGate.QueueTimeoutException.class);
    again.release();
  }

  @Test
  void theConnectedMarkLastsOnlyAsLongAsAnIdleConnection() throws Exception {
    AtomicLong nanos = new AtomicLong();
    HostGate gate = new HostGate(2, Duration.ZERO, Duration.ofMillis(1), nanos::get);
    HostGate.Lease first = gate.acquire("a.example", SHORT, true);
    first.connected();
    first.release();
    nanos.addAndGet(Duration.ofMillis(1).toNanos() - 1);
    HostGate.Lease shared = gate.acquire("a.example", SHORT, true);
    gate.acquire("a.example", SHORT, true).release(); // still connected: the second slot is free
    shared.release();
    nanos.addAndGet(1); // the pool has closed the idle connection by now
    HostGate.Lease alone = gate.acquire("a.example", SHORT, true);
    assertThatThrownBy(() -> gate.acquire("a.example", SHORT, true))
        .isInstanceOf(HostGate.QueueTimeoutException.class);
    alone.release();
  }

  @Test
  void withoutFirstAloneEveryRequestTakesOneSlot() throws Exception {
    HostGate gate = new HostGate(2, Duration.ZERO, IDLE);
    // no connection to the host yet: with firstAlone the first request would take both slots
    HostGate.Lease a = gate.acquire("a.example", SHORT, false);
    HostGate.Lease b = gate.acquire("a.example", SHORT, false);
    assertThatThrownBy(() -> gate.acquire("a.example", SHORT, false))
        .as("two requests hold the host's two slots")
        .isInstanceOf(HostGate.QueueTimeoutException.class);
    a.release();
    HostGate.Lease c = gate.acquire("a.example", SHORT, false);
    assertThatThrownBy(() -> gate.acquire("a.example", SHORT, false))
        .as("a release gives back exactly the one slot it took")
        .isInstanceOf(HostGate.QueueTimeoutException.class);
    b.release();
    c.release();
    List<HostGate.Lease> again = List.of(
        gate.acquire("a.example", SHORT, false), gate.acquire("a.example", SHORT, false));
    assertThat(again).as("every slot is free again").hasSize(2);
    again.forEach(HostGate.Lease::release);
  }
}

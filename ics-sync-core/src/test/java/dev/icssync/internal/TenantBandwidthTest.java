package dev.icssync.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.icssync.Feed;
import dev.icssync.IcsSync;
import dev.icssync.IcsSyncException.ConfigurationException;
import dev.icssync.spi.FetchRequest;
import dev.icssync.spi.FetchResult;
import dev.icssync.spi.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The per-tenant bandwidth limit, on a ticker that only moves when a fetch waits: the bytes a tenant
 * fetched are measured against the ticker's time, never the wall clock.
 */
class TenantBandwidthTest {
  static final long RATE = 1_000_000; // bytes a second
  static final int BODY = 100_000;

  final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  final AtomicLong fetchedT1 = new AtomicLong();
  final AtomicLong fetchedT2 = new AtomicLong();
  final AtomicLong waitedNanos = new AtomicLong();

  /** Every wait moves the ticker to its end (threads that wait at once share the time). */
  private TenantBandwidth limited() {
    long start = nanos.get();
    return new TenantBandwidth(request -> {
      (request.feed().tenant().equals("t1") ? fetchedT1 : fetchedT2).addAndGet(BODY);
      return FetchResult.Fetched.of(new byte[BODY]);
    }, RATE, nanos::get, n -> {
      waitedNanos.addAndGet(n);
      long end = nanos.get() + n;
      nanos.accumulateAndGet(end, Math::max);
    });
  }

  private static FetchRequest request(String tenant) {
    return FetchRequest.unconditional(Feed.builder(tenant, "f").property("villa").source("airbnb").url("https://example.test/f.ics").build());
  }

  private double secondsSince(long start) {
    return (nanos.get() - start) / 1e9;
  }

  @Test
  void aTenantsBytesOverAStretchStayWithinTheRateWithoutBurst() {
    TenantBandwidth fetcher = limited();
    long start = nanos.get();
    for (int i = 0; i < 200; i++) { // 20 MB at 1 MB/s
      assertThat(fetcher.fetch(request("t1"))).isInstanceOf(FetchResult.Fetched.class);
      // at every point: bytes <= rate x elapsed + the body just fetched (+1: rounding)
      assertThat((double) fetchedT1.get()).isLessThanOrEqualTo(RATE * secondsSince(start) + BODY + 1);
    }
    // slowed down to the rate, not below it: 20 MB took about 20 s (the first body went at once)
    assertThat(secondsSince(start)).isBetween(19.5, 20.5);
  }

  @Test
  void anIdleTenantSavesNothingUpForABurst() {
    TenantBandwidth fetcher = limited();
    fetcher.fetch(request("t1"));
    nanos.addAndGet(3_600_000_000_000L); // an hour without a fetch
    long start = nanos.get();
    long before = fetchedT1.get();
    for (int i = 0; i < 11; i++) { // 1.1 MB at 1 MB/s: the first body at once, the other ten paid for
      fetcher.fetch(request("t1"));
    }
    assertThat(fetchedT1.get() - before).isEqualTo(11L * BODY);
    assertThat(secondsSince(start)).isBetween(0.99, 1.01);
  }

  @Test
  void theLimitIsSharedByEveryThreadFetchingForTheTenant() throws Exception {
    TenantBandwidth fetcher = limited();
    long start = nanos.get();
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      Thread t = new Thread(() -> {
        for (int i = 0; i < 50; i++) {
          fetcher.fetch(request("t1"));
        }
      });
      workers.add(t);
      t.start();
    }
    for (Thread t : workers) {
      t.join();
    }
    // 4 workers x 50 x 100 kB = 20 MB: the same stretch as one worker, less at most one body each
    assertThat(fetchedT1).hasValue(20_000_000);
    assertThat((double) fetchedT1.get()).isLessThanOrEqualTo(RATE * secondsSince(start) + 4 * BODY + 1);
  }

  @Test
  void tenantsDoNotShareABucket() {
    TenantBandwidth fetcher = limited();
    for (int i = 0; i < 30; i++) { // t1 3 MB in debt
      fetcher.fetch(request("t1"));
    }
    long waited = waitedNanos.get();
    fetcher.fetch(request("t2")); // t2 owes nothing: its fetch goes at once
    assertThat(waitedNanos.get()).isEqualTo(waited);
    assertThat(fetchedT2).hasValue(BODY);
  }

  @Test
  void aNotModifiedCostsNothing() {
    AtomicLong calls = new AtomicLong();
    TenantBandwidth fetcher = new TenantBandwidth(request -> {
      calls.incrementAndGet();
      return new FetchResult.NotModified("\"v1\"", null, null);
    }, 1, nanos::get, n -> waitedNanos.addAndGet(n));
    for (int i = 0; i < 1000; i++) {
      fetcher.fetch(request("t1"));
    }
    assertThat(calls).hasValue(1000);
    assertThat(waitedNanos).hasValue(0);
  }

  @Test
  void theBuilderTakesTheLimitAndRejectsANegativeOne() {
    assertThatThrownBy(() -> IcsSync.builder().store(Store.inMemory()).fetcher(r -> FetchResult.Fetched.of(new byte[0]))
        .tenantBandwidth(-1).build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("tenantBandwidth");
    try (IcsSync sync = IcsSync.builder().store(Store.inMemory()).fetcher(r -> FetchResult.Fetched.of(new byte[0]))
        .tenantBandwidth(10_000_000).build()) {
      assertThat(sync.settings().fetcher()).isInstanceOf(TenantBandwidth.class);
    }
    try (IcsSync sync = IcsSync.builder().store(Store.inMemory()).fetcher(r -> FetchResult.Fetched.of(new byte[0]))
        .build()) {
      assertThat(sync.settings().fetcher()).isNotInstanceOf(TenantBandwidth.class);
    }
  }
}

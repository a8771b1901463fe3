package dev.icssync.bench.load;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Latency samples in nanoseconds, summarised as nearest-rank percentiles in milliseconds. */
final class Percentiles {
  private long[] samples = new long[64];
  private int n;

  synchronized void add(long nanos) {
    if (n == samples.length) {
      samples = Arrays.copyOf(samples, n * 2);
    }
    samples[n++] = nanos;
  }

  synchronized void addAll(Percentiles other) {
    long[] o;
    int m;
    synchronized (other) {
      o = Arrays.copyOf(other.samples, other.n);
      m = other.n;
    }
    for (int i = 0; i < m; i++) {
      add(o[i]);
    }
  }

  synchronized int count() {
    return n;
  }

  /** The {@code p}-th percentile (0 to 100) in milliseconds, nearest rank; 0 when empty. */
  synchronized double ms(double p) {
    if (n == 0) {
      return 0;
    }
    long[] sorted = Arrays.copyOf(samples, n);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * n);
    return sorted[Math.max(0, Math.min(n - 1, rank - 1))] / 1e6;
  }

  synchronized double meanMs() {
    if (n == 0) {
      return 0;
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += samples[i];
    }
    return sum / n / 1e6;
  }

  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("samples", count());
    m.put("p50Ms", Json.round(ms(50), 3));
    m.put("p95Ms", Json.round(ms(95), 3));
    m.put("p99Ms", Json.round(ms(99), 3));
    m.put("maxMs", Json.round(ms(100), 3));
    m.put("meanMs", Json.round(meanMs(), 3));
    return m;
  }
}

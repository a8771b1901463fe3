package dev.icssync;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff, the library's one retry policy: after the n-th failure in a row the
 * delay is {@code base} doubled n - 1 times, at most {@code cap}. The engine uses it for a feed's
 * next due time (base: the poll interval, cap: a day or the interval if longer, never earlier than
 * a Retry-After); the scheduler module draws its retry times from it with full jitter.
 *
 * <pre>{@code
 * Backoff b = Backoff.exponential(Duration.ofMinutes(1), Duration.ofHours(1));
 * b.delay(1);   // PT1M
 * b.delay(3);   // PT4M
 * b.delay(30);  // PT1H
 * b.jitteredDelay(3, random);  // uniform in [PT1M, PT4M]
 * }</pre>
 */
public final class Backoff {
  private final Duration base;
  private final Duration cap;

  private Backoff(Duration base, Duration cap) {
    this.base = base;
    this.cap = cap;
  }

  /**
   * @throws NullPointerException if an argument is null
   * @throws IcsSyncException.ConfigurationException if {@code base} is not positive or {@code cap}
   *     is shorter than {@code base}
   */
  public static Backoff exponential(Duration base, Duration cap) {
    Checks.positive(base, "backoffBase");
    Objects.requireNonNull(cap, "backoffCap");
    if (cap.compareTo(base) < 0) {
      throw new IcsSyncException.ConfigurationException(
          "backoffCap must not be shorter than backoffBase, was " + cap);
    }
    return new Backoff(base, cap);
  }

  public Duration base() {
    return base;
  }

  public Duration cap() {
    return cap;
  }

  /** The delay after the {@code failures}-th failure in a row (1 and below: the base). */
  public Duration delay(int failures) {
    int doublings = Math.min(Math.max(failures - 1, 0), 62);
    Duration wait = base;
    for (int i = 0; i < doublings && wait.compareTo(cap) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(cap) > 0 ? cap : wait;
  }

  /**
   * Full jitter over {@code [base, delay(failures)]}, in whole milliseconds: workers that failed
   * together do not retry together.
   */
  public Duration jitteredDelay(int failures, RandomGenerator random) {
    long from = base.toMillis();
    long to = delay(failures).toMillis();
    return to <= from ? Duration.ofMillis(from) : Duration.ofMillis(from + random.nextLong(to - from + 1));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Backoff b && base.equals(b.base) && cap.equals(b.cap);
  }

  @Override
  public int hashCode() {
    return Objects.hash(base, cap);
  }

  @Override
  public String toString() {
    return "Backoff[exponential, base=" + base + ", cap=" + cap + "]";
  }
}

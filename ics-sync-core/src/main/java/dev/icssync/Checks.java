package dev.icssync;

import dev.icssync.IcsSyncException.ConfigurationException;
import java.time.Duration;
import java.util.Objects;

/**
 * Argument checks for builders and value types, the library's and an adapter's: each returns its
 * argument, and each failure names the parameter, so a builder reads
 *
 * <pre>{@code
 * Checks.positive(timeout, "timeout");
 * Checks.nonBlank(host, "host");
 * }</pre>
 *
 * <p>The library's one validation rule: a builder's setters only store (a null is refused at once
 * with a {@link NullPointerException} naming the parameter), and its {@code build()} (or
 * {@code start()}) checks every setting before it has any effect; a value out of range is a
 * {@link ConfigurationException} whose message names the parameter, the one exception family of
 * rejected settings and arguments, whatever the check.
 *
 * <p>Supported API for adapters (the core's {@code internal} packages are not).
 */
public final class Checks {
  private Checks() {}

  /**
   * @throws NullPointerException if {@code value} is null
   * @throws ConfigurationException if {@code value} is empty or only white space
   */
  public static String nonBlank(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new ConfigurationException(name + " must not be blank");
    }
    return value;
  }

  /**
   * @throws NullPointerException if {@code value} is null
   * @throws ConfigurationException if {@code value} is zero or negative
   */
  public static Duration positive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new ConfigurationException(name + " must be positive, was " + value);
    }
    return value;
  }

  /**
   * @throws NullPointerException if {@code value} is null
   * @throws ConfigurationException if {@code value} is negative
   */
  public static Duration nonNegative(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new ConfigurationException(name + " must not be negative, was " + value);
    }
    return value;
  }

  /** @throws ConfigurationException if {@code value} is zero or negative */
  public static int positive(int value, String name) {
    if (value <= 0) {
      throw new ConfigurationException(name + " must be positive, was " + value);
    }
    return value;
  }

  /** @throws ConfigurationException if {@code value} is zero or negative */
  public static long positive(long value, String name) {
    if (value <= 0) {
      throw new ConfigurationException(name + " must be positive, was " + value);
    }
    return value;
  }
}

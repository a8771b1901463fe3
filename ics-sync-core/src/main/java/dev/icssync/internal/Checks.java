package dev.icssync.internal;

import dev.icssync.IcsSyncException.ConfigurationException;
import java.time.Duration;
import java.util.Objects;

/** Argument checks shared by records and builders; messages name the parameter. */
public final class Checks {
  private Checks() {}

  public static String nonBlank(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }

  public static Duration positive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new ConfigurationException(name + " must be positive, was " + value);
    }
    return value;
  }

  public static Duration nonNegative(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new ConfigurationException(name + " must not be negative, was " + value);
    }
    return value;
  }

  public static int positive(int value, String name) {
    if (value <= 0) {
      throw new ConfigurationException(name + " must be positive, was " + value);
    }
    return value;
  }

  public static long positive(long value, String name) {
    if (value <= 0) {
      throw new ConfigurationException(name + " must be positive, was " + value);
    }
    return value;
  }
}

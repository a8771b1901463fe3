package dev.icssync;

import java.time.Duration;
import java.util.Objects;

/**
 * Durations of the phases of one sync; a phase that did not run is {@link Duration#ZERO}.
 *
 * <p>Still a record: the durations of the phases of a sync. Its constructor is public, so a new
 * component will come with the old constructor kept as an overload (Java 17 has no record
 * patterns to break).
 */
public record SyncTimings(
    Duration fetch, Duration parse, Duration diff, Duration apply, Duration detect, Duration total) {

  public static final SyncTimings ZERO =
      new SyncTimings(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);

  public SyncTimings {
    Objects.requireNonNull(fetch, "fetch");
    Objects.requireNonNull(parse, "parse");
    Objects.requireNonNull(diff, "diff");
    Objects.requireNonNull(apply, "apply");
    Objects.requireNonNull(detect, "detect");
    Objects.requireNonNull(total, "total");
  }
}

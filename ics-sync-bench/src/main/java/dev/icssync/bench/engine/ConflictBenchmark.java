package dev.icssync.bench.engine;

import dev.icssync.CalendarEvent;
import dev.icssync.DateRange;
import dev.icssync.EventKey;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.PropertySettings;
import dev.icssync.internal.conflict.ConflictDetector;
import dev.icssync.internal.conflict.OverlapSweep;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Double-booking detection over 1,000,000 events of four feeds (target: under 1 s per run).
 * {@code detect} is the whole detector (all-day ranges placed in the property's zone at its
 * check-in/check-out times, the sweep, the overlap objects); {@code sweep} is the sweep alone over
 * primitive arrays. Each feed has back-to-back stays of 1-7 nights with 0-20 free days between:
 * feeds collide often, so the output is large (reported as pairs per run). Scored in runs per second
 * (the target is at least 1 run/s); run with {@code -jvmArgs "-Xms2g -Xmx2g -XX:+AlwaysPreTouch"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class ConflictBenchmark {
  @Param({"1000000"})
  public int events;

  List<CalendarEvent> list;
  PropertySettings settings;
  long[] start;
  long[] end;

  @Setup(Level.Trial)
  public void setUp() {
    settings = new PropertySettings("t1", "villa", ZoneId.of("Europe/Paris"), PropertySettings.DEFAULT_CHECK_IN,
        PropertySettings.DEFAULT_CHECK_OUT);
    SplittableRandom rnd = new SplittableRandom(7);
    int feeds = 4;
    list = new ArrayList<>(events);
    LocalDate[] cursor = new LocalDate[feeds];
    for (int f = 0; f < feeds; f++) {
      cursor[f] = LocalDate.of(2026, 1, 1).plusDays(rnd.nextInt(10));
    }
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 0; i < events; i++) {
      int f = i % feeds;
      LocalDate from = cursor[f].plusDays(rnd.nextInt(21));
      LocalDate to = from.plusDays(1 + rnd.nextInt(7));
      cursor[f] = to;
      list.add(CalendarEvent.builder()
          .key(EventKey.of("t1", "feed" + f, "u" + i))
          .property("villa")
          .source("s")
          .range(DateRange.allDay(from, to))
          .kind(EventKind.RESERVATION)
          .summary("Reserved")
          .firstSeen(t)
          .lastSeen(t)
          .lastChanged(t)
          .build());
    }
    start = new long[events];
    end = new long[events];
    for (int i = 0; i < events; i++) {
      DateRange.Timed r = list.get(i).range().toInstants(settings.zone(), settings.checkIn(), settings.checkOut());
      start[i] = r.start().toEpochMilli();
      end[i] = r.end().toEpochMilli();
    }
  }

  @Benchmark
  public int detect() {
    return ConflictDetector.detect(list, settings).size();
  }

  @Benchmark
  public void sweep(Blackhole bh) {
    long[] count = new long[1];
    OverlapSweep.forEachOverlap(start, end, events, (a, b) -> count[0]++);
    bh.consume(count[0]);
  }
}

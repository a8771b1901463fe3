package dev.icssync.bench.engine;

import dev.icssync.CalendarEvent;
import dev.icssync.DateRange;
import dev.icssync.EventKey;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.Feed;
import dev.icssync.internal.engine.FeedDiff;
import dev.icssync.internal.engine.Incoming;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
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
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The diff of a 100,000-event feed against its stored copy where 1% of the events changed dates
 * (and 0.1% vanished, 0.1% are new). Scored in events per second (target: >= 1,000,000/s).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(DiffBenchmark.EVENTS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class DiffBenchmark {
  static final int EVENTS = 100_000;
  static final Instant NOW = Instant.parse("2026-06-10T12:00:00Z");
  static final LocalDate TODAY = LocalDate.of(2026, 6, 10);

  @Param({"0.01"})
  public double changedShare;

  Feed feed;
  List<CalendarEvent> stored;
  List<Incoming> fetched;
  FeedDiff.Params params;

  @Setup(Level.Trial)
  public void setUp() {
    feed = Feed.builder("t1", "f1").property("villa").source("airbnb").url("https://example.com/f1.ics").build();
    SplittableRandom rnd = new SplittableRandom(42);
    stored = new ArrayList<>(EVENTS);
    fetched = new ArrayList<>(EVENTS);
    Instant then = NOW.minusSeconds(86_400);
    for (int i = 0; i < EVENTS; i++) {
      LocalDate from = TODAY.plusDays(rnd.nextInt(-20, 700));
      DateRange range = DateRange.allDay(from, from.plusDays(1 + rnd.nextInt(7)));
      EventKey key = EventKey.of("t1", "f1", String.format("1418fb94e984-%032x@airbnb.com", i));
      Incoming in = Incoming.of(key, range, EventKind.RESERVATION, EventStatus.CONFIRMED, "Reserved");
      stored.add(CalendarEvent.builder()
          .key(key)
          .property("villa")
          .source("airbnb")
          .range(range)
          .kind(in.kind())
          .status(in.status())
          .summary(in.summary())
          .fingerprint(in.fingerprint())
          .firstSeen(then)
          .lastSeen(then)
          .lastChanged(then)
          .build());
      double roll = rnd.nextDouble();
      if (roll < changedShare) {
        DateRange moved = DateRange.allDay(from.plusDays(1), from.plusDays(3));
        fetched.add(Incoming.of(key, moved, EventKind.RESERVATION, EventStatus.CONFIRMED, "Reserved"));
      } else if (roll < changedShare + 0.001) {
        continue; // vanished
      } else {
        fetched.add(in);
      }
    }
    for (int i = 0; i < EVENTS / 1000; i++) {
      LocalDate from = TODAY.plusDays(rnd.nextInt(0, 700));
      fetched.add(Incoming.of(EventKey.of("t1", "f1", "new-" + i), DateRange.allDay(from, from.plusDays(2)),
          EventKind.RESERVATION, EventStatus.CONFIRMED, "Reserved"));
    }
    params = new FeedDiff.Params(feed, NOW, ZoneOffset.UTC, NOW.plusSeconds(86_400L * 730), 0.5, 3,
        java.time.Duration.ofHours(1), false, null);
  }

  @Benchmark
  public FeedDiff.Result diff() {
    return FeedDiff.compute(params, stored, fetched);
  }
}

package dev.icssync.bench.parse;

import biweekly.Biweekly;
import biweekly.ICalendar;
import biweekly.component.VEvent;
import dev.icssync.ical.IcalParser;
import dev.icssync.ical.ParseOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.data.ParserException;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Property;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * One operation = parsing one whole feed of {@code events} VEVENTs and touching what a sync needs of
 * every event (UID, start, end). Events/s = ops/s x events; bytes per event =
 * {@code gc.alloc.rate.norm} / events (run with {@code -prof gc}).
 *
 * <p>Our parser also expands the RRULEs of the Google-style feed into instances (the other two
 * only read the rule), so it does strictly more work there.
 *
 * <p>The default sizes are those of BENCHMARKS.md; 100,000 events is a manual run (ical4j takes
 * several seconds per operation there and needs a 3 GB heap):
 *
 * <pre>
 * java -jar ics-sync-bench/target/benchmarks.jar ParseBenchmark \
 *     -f 1 -wi 2 -i 3 -w 3s -r 5s -prof gc -jvmArgs "-Xms2g -Xmx2g -XX:+AlwaysPreTouch"
 * java -jar ics-sync-bench/target/benchmarks.jar ParseBenchmark -p events=100000 \
 *     -f 1 -wi 2 -i 3 -w 3s -r 5s -prof gc -jvmArgs "-Xms3g -Xmx3g -XX:+AlwaysPreTouch"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class ParseBenchmark {

  @Param({"AIRBNB", "GOOGLE"})
  public Feeds.Kind feed;

  @Param({"100", "10000"})
  public int events;

  private byte[] body;
  private IcalParser ours;

  @Setup
  public void setUp() {
    body = Feeds.generate(feed, events);
    ours = IcalParser.create(ParseOptions.builder()
        .window(Instant.parse("2025-12-01T00:00:00Z"), Instant.parse("2028-01-01T00:00:00Z"))
        .build());
  }

  @Benchmark
  public void ours(Blackhole bh) {
    ours.parse(body, e -> {
      bh.consume(e.uid());
      bh.consume(e.range());
    });
  }

  @Benchmark
  public void ical4j(Blackhole bh) throws IOException, ParserException {
    Calendar c = new CalendarBuilder().build(new ByteArrayInputStream(body));
    List<net.fortuna.ical4j.model.component.VEvent> list = c.getComponents("VEVENT");
    for (net.fortuna.ical4j.model.component.VEvent e : list) {
      bh.consume(e.getProperty("UID").map(Property::getValue).orElse(null));
      bh.consume(e.getDateTimeStart().getDate());
      bh.consume(e.getDateTimeEnd().getDate());
    }
  }

  @Benchmark
  public void biweekly(Blackhole bh) throws IOException {
    ICalendar c = Biweekly.parse(new StringReader(new String(body, StandardCharsets.UTF_8))).first();
    for (VEvent e : c.getEvents()) {
      bh.consume(e.getUid().getValue());
      bh.consume(e.getDateStart().getValue());
      bh.consume(e.getDateEnd().getValue());
    }
  }
}

package dev.icssync.bench.export;

import dev.icssync.ExportView;
import dev.icssync.ExportedCalendar;
import dev.icssync.IcsSync;
import dev.icssync.spi.ExportCache;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One uncached export of a property: store query, view rules, RFC 5545 writing and the ETag hash.
 * Targets: 100 events under 1 ms, 10,000 events under 50 ms (at least 1,000 and 20 exports/s).
 *
 * <pre>
 * java -jar benchmarks.jar ExportBenchmark -f 1 -wi 2 -i 3 -jvmArgs "-Xms2g -Xmx2g -XX:+AlwaysPreTouch"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ExportBenchmark {
  @Param({"100", "10000"})
  public int events;

  private IcsSync sync;
  private ExportView merged;
  private ExportView forAirbnb;

  @Setup
  public void setUp() {
    sync = ExportData.sync(ExportData.store(events), ExportCache.none(), ExportData.clock());
    merged = ExportView.forProperty(ExportData.TENANT, ExportData.PROPERTY);
    forAirbnb = merged.forChannel("airbnb").withPadding(0, 1);
    ExportedCalendar c = sync.export(merged);
    if (c.eventCount() < events * 9 / 10) {
      throw new IllegalStateException("expected about " + events + " events, got " + c.eventCount());
    }
  }

  @Benchmark
  public ExportedCalendar exportMerged() {
    return sync.export(merged);
  }

  @Benchmark
  public ExportedCalendar exportForChannel() {
    return sync.export(forAirbnb);
  }
}

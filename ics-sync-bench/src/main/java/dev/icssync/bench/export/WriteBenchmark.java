package dev.icssync.bench.export;

import biweekly.Biweekly;
import biweekly.ICalendar;
import biweekly.property.DateEnd;
import biweekly.property.DateStart;
import dev.icssync.DateRange;
import dev.icssync.ical.IcalWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import net.fortuna.ical4j.data.CalendarOutputter;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.ComponentList;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.PropertyList;
import net.fortuna.ical4j.model.component.CalendarComponent;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.property.CalScale;
import net.fortuna.ical4j.model.property.DtEnd;
import net.fortuna.ical4j.model.property.DtStamp;
import net.fortuna.ical4j.model.property.DtStart;
import net.fortuna.ical4j.model.property.ProdId;
import net.fortuna.ical4j.model.property.Sequence;
import net.fortuna.ical4j.model.property.Summary;
import net.fortuna.ical4j.model.property.Uid;
import net.fortuna.ical4j.model.property.Version;
import net.fortuna.ical4j.validate.ValidationException;
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

/**
 * Writing one calendar of {@code events} all-day stays (UID, DTSTAMP, DTSTART, DTEND, SUMMARY,
 * SEQUENCE: what an export carries) to bytes: our streaming {@link IcalWriter} beside ical4j (build
 * the {@code Calendar} model, then {@code CalendarOutputter} without validation) and biweekly (build
 * the {@code ICalendar} model, then {@code Biweekly.write}). Each library starts from the same plain
 * records, in its own date type prepared in advance. Events/s = ops/s x events.
 *
 * <pre>
 * java -jar ics-sync-bench/target/benchmarks.jar WriteBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc \
 *     -jvmArgs "-Xms2g -Xmx2g -XX:+AlwaysPreTouch"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class WriteBenchmark {
  private static final String PRODID = "-//ics-sync//bench//EN";

  @Param({"100", "10000"})
  public int events;

  /** One stay as an export holds it. */
  record Stay(String uid, LocalDate start, LocalDate end, Instant stamp, int sequence, String summary,
      Date startDate, Date endDate, Date stampDate) {}

  private List<Stay> stays;

  @Setup
  public void setUp() {
    Random r = new Random(events);
    ZoneId zone = ZoneId.systemDefault();
    stays = new ArrayList<>(events);
    LocalDate today = LocalDate.of(2026, 6, 1);
    for (int i = 0; i < events; i++) {
      LocalDate start = today.plusDays(r.nextInt(720));
      LocalDate end = start.plusDays(1 + r.nextInt(10));
      Instant stamp = Instant.parse("2026-05-01T10:00:00Z").minusSeconds(r.nextInt(90 * 86_400));
      stays.add(new Stay(String.format("%032x@ics-sync", r.nextLong() & Long.MAX_VALUE), start, end, stamp,
          r.nextInt(4), r.nextInt(5) == 0 ? "Not available" : "Reserved",
          Date.from(start.atStartOfDay(zone).toInstant()), Date.from(end.atStartOfDay(zone).toInstant()),
          Date.from(stamp)));
    }
  }

  @Benchmark
  public byte[] ours() {
    IcalWriter w = IcalWriter.toBytes(256 + stays.size() * 200);
    w.beginCalendar(PRODID);
    for (Stay s : stays) {
      w.beginEvent()
          .text("UID", s.uid())
          .dateTime("DTSTAMP", s.stamp())
          .range(DateRange.allDay(s.start(), s.end()))
          .text("SUMMARY", s.summary())
          .integer("SEQUENCE", s.sequence())
          .endEvent();
    }
    return w.endCalendar().toByteArray();
  }

  @Benchmark
  public byte[] ical4j() throws IOException, ValidationException {
    List<CalendarComponent> components = new ArrayList<>(stays.size());
    for (Stay s : stays) {
      List<Property> p = new ArrayList<>(6);
      p.add(new Uid(s.uid()));
      p.add(new DtStamp(s.stamp()));
      p.add(new DtStart<>(s.start()));
      p.add(new DtEnd<>(s.end()));
      p.add(new Summary(s.summary()));
      p.add(new Sequence(s.sequence()));
      components.add(new VEvent(new PropertyList(p)));
    }
    Calendar c = new Calendar(new PropertyList(List.of(new ProdId(PRODID), new Version(new net.fortuna.ical4j.model.ParameterList(), Version.VALUE_2_0),
        new CalScale(CalScale.VALUE_GREGORIAN))), new ComponentList<>(components));
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + stays.size() * 200);
    new CalendarOutputter(false).output(c, out);
    return out.toByteArray();
  }

  @Benchmark
  public byte[] biweekly() throws IOException {
    ICalendar c = new ICalendar();
    c.setProductId(PRODID);
    for (Stay s : stays) {
      biweekly.component.VEvent e = new biweekly.component.VEvent();
      e.setUid(s.uid());
      e.setDateTimeStamp(s.stampDate());
      e.setDateStart(new DateStart(s.startDate(), false));
      e.setDateEnd(new DateEnd(s.endDate(), false));
      e.setSummary(s.summary());
      e.setSequence(s.sequence());
      c.addEvent(e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + stays.size() * 200);
    Biweekly.write(c).go(out);
    return out.toByteArray();
  }
}

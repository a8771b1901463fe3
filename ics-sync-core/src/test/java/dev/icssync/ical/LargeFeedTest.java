package dev.icssync.ical;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A 100 MB feed streams through the parser in a JVM limited to a 64 MB heap. The feed is generated
 * on the fly (never held in memory); the child JVM prints what it saw.
 */
class LargeFeedTest {
  static final long SIZE = 100L * 1024 * 1024;

  @Test
  void hundredMegabytesParseInSixtyFourMegabytesOfHeap() throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    Process p = new ProcessBuilder(List.of(java, "-Xmx64m", "-XX:+UseSerialGC", "-cp",
        System.getProperty("java.class.path"), LargeFeedTest.class.getName()))
        .redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      boolean done = p.waitFor(120, TimeUnit.SECONDS);
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(done).as("child finished: %s", out).isTrue();
    } finally {
      p.destroyForcibly();
    }
    assertThat(p.exitValue()).as(out).isZero();
    String last = out.lines().filter(l -> l.startsWith("events=")).findFirst().orElseThrow();
    long events = Long.parseLong(last.substring("events=".length(), last.indexOf(' ')));
    long bytes = Long.parseLong(last.substring(last.indexOf("bytes=") + 6).trim());
    assertThat(bytes).isGreaterThanOrEqualTo(SIZE);
    assertThat(events).isEqualTo(Generator.eventsFor(SIZE));
  }

  /** Runs in the child JVM. */
  public static void main(String[] args) {
    long[] count = new long[1];
    ParseOptions o = ParseOptions.builder().maxBytes(SIZE * 2)
        .window(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z")).build();
    ParseResult r = IcalParser.create(o).parse(new Generator(SIZE), e -> count[0]++);
    System.out.println("events=" + count[0] + " bytes=" + r.bytes());
  }

  /** An Airbnb-style feed of at least {@code size} bytes, produced as it is read. */
  static final class Generator extends InputStream {
    static final byte[] HEAD = "BEGIN:VCALENDAR\r\nPRODID:-//Airbnb Inc//Hosting Calendar 1.0//EN\r\nVERSION:2.0\r\n"
        .getBytes(StandardCharsets.US_ASCII);
    static final byte[] TAIL = "END:VCALENDAR\r\n".getBytes(StandardCharsets.US_ASCII);
    private final long events;
    private long next;
    private byte[] chunk = HEAD;
    private int pos;
    private boolean ended;

    Generator(long size) {
      this.events = eventsFor(size);
    }

    static byte[] event(long i) {
      String d = String.format("2026%02d%02d", 1 + (i % 12), 1 + (i % 28));
      return ("BEGIN:VEVENT\r\nDTSTAMP:20260101T120000Z\r\nDTSTART;VALUE=DATE:" + d + "\r\nDTEND;VALUE=DATE:" + d
          + "\r\nSUMMARY:Reserved\r\nUID:1418fb94e984-" + String.format("%032x", i) + "@airbnb.com\r\n"
          + "DESCRIPTION:Reservation URL: https://www.airbnb.com/hosting/reservations/det\r\n"
          + " ails/HMABCDE123\\nPhone Number (Last 4 Digits): 1234\r\nEND:VEVENT\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    static long eventsFor(long size) {
      return (size - HEAD.length - TAIL.length) / event(0).length + 1;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      while (pos >= chunk.length) {
        if (next < events) {
          chunk = event(next++);
        } else if (!ended) {
          chunk = TAIL;
          ended = true;
        } else {
          return -1;
        }
        pos = 0;
      }
      int n = Math.min(len, chunk.length - pos);
      System.arraycopy(chunk, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public int available() throws IOException {
      return chunk.length - pos;
    }
  }
}

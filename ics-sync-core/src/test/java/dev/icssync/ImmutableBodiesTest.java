package dev.icssync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.icssync.spi.FetchResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Bodies are copied on the way in and never handed out for writing. */
class ImmutableBodiesTest {
  private static final String ICS = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";

  @Test
  void anExportedCalendarKeepsItsBytesWhateverTheCallerDoesWithTheirs() throws IOException {
    byte[] given = ICS.getBytes(StandardCharsets.UTF_8);
    ExportedCalendar cal = ExportedCalendar.of(given, "\"e\"", Instant.EPOCH, 0);
    given[0] = 'X';
    cal.body()[1] = 'Y';
    assertThat(new String(cal.body(), StandardCharsets.UTF_8)).isEqualTo(ICS);
    assertThat(cal.bodyLength()).isEqualTo(ICS.length());
    assertThat(cal.bodyBuffer().isReadOnly()).isTrue();
    assertThatThrownBy(() -> cal.bodyBuffer().put(0, (byte) 'Z')).isInstanceOf(ReadOnlyBufferException.class);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    cal.writeTo(out);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(ICS);
    assertThat(cal).isEqualTo(ExportedCalendar.of(ICS.getBytes(StandardCharsets.UTF_8), "\"e\"", Instant.EPOCH, 0));
  }

  @Test
  void aFetchedBodyKeepsItsBytesWhateverTheCallerDoesWithTheirs() throws IOException {
    byte[] given = ICS.getBytes(StandardCharsets.UTF_8);
    FetchResult.Fetched fetched = FetchResult.Fetched.of(given);
    given[0] = 'X';
    fetched.body()[1] = 'Y';
    assertThat(new String(fetched.body(), StandardCharsets.UTF_8)).isEqualTo(ICS);
    assertThat(fetched.bodyBuffer().isReadOnly()).isTrue();
    assertThat(fetched.bodyStream().readAllBytes()).isEqualTo(ICS.getBytes(StandardCharsets.UTF_8));
    assertThat(fetched.bodyLength()).isEqualTo(ICS.length());
    assertThat(fetched.isBlank()).isFalse();
  }

  @Test
  void anExportServedFromTheEnginesCacheCannotBeChangedByOneReader() {
    IcsSync sync = IcsSync.builder().store(dev.icssync.spi.Store.inMemory())
        .fetcher(feed -> FetchResult.Failed.of(FailureReason.NETWORK, "offline")).build();
    ExportView view = ExportView.forProperty("t", "p");
    byte[] first = sync.export(view).body();
    sync.export(view).body()[0] = 'X';
    assertThat(sync.export(view).body()).isEqualTo(first);
  }
}

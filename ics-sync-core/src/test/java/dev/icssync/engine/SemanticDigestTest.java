package dev.icssync.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.internal.engine.Backoff;
import dev.icssync.internal.engine.SemanticDigest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SemanticDigestTest {
  static final String BASE = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTAMP:20260101T000000Z\r\n"
      + "UID:a@x\r\nSEQUENCE:1\r\nDTSTART;VALUE=DATE:20260824\r\nDTEND;VALUE=DATE:20260902\r\n"
      + "X-DOWNLOAD:1\r\nSUMMARY:Reserved\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

  static String d(String s) {
    return SemanticDigest.of(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void volatileLinesLineEndsAndFoldingDoNotChangeTheDigest() {
    String other = BASE.replace("DTSTAMP:20260101T000000Z", "dtstamp:20270101T000000Z")
        .replace("SEQUENCE:1", "SEQUENCE:7").replace("X-DOWNLOAD:1", "X-DOWNLOAD:2\r\n  continued")
        .replace("BEGIN:VEVENT\r\n", "BEGIN:VEVENT\r\nLAST-MODIFIED:20260505T000000Z\r\n\r\n")
        .replace("\r\n", "\n").replace("SUMMARY:Reserved", "SUMMARY:Res\n erved");
    assertThat(d(other)).isEqualTo(d(BASE));
  }

  @Test
  void meaningfulChangesChangeTheDigest() {
    assertThat(d(BASE.replace("20260902", "20260903"))).isNotEqualTo(d(BASE));
    assertThat(d(BASE.replace("Reserved", "Blocked"))).isNotEqualTo(d(BASE));
    assertThat(d(BASE.replace("VERSION:2.0", "VERSION:2.0\r\nX-WR-TIMEZONE:Europe/Paris"))).isNotEqualTo(d(BASE));
    assertThat(d("")).isNotEqualTo(d(BASE));
  }

  @Test
  void backoffDoublesUpToADayAndHonoursRetryAfter() {
    Instant now = Instant.parse("2026-06-10T12:00:00Z");
    Duration poll = Duration.ofMinutes(15);
    assertThat(Backoff.afterFailure(now, poll, 1, null)).isEqualTo(now.plus(poll));
    assertThat(Backoff.afterFailure(now, poll, 3, null)).isEqualTo(now.plus(Duration.ofMinutes(60)));
    assertThat(Backoff.afterFailure(now, poll, 30, null)).isEqualTo(now.plus(Duration.ofHours(24)));
    assertThat(Backoff.afterFailure(now, poll, 1, Duration.ofHours(2))).isEqualTo(now.plus(Duration.ofHours(2)));
    assertThat(Backoff.afterFailure(now, Duration.ofDays(2), 5, null)).isEqualTo(now.plus(Duration.ofDays(2)));
  }
}

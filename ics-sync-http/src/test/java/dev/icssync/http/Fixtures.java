package dev.icssync.http;

import dev.icssync.Feed;
import dev.icssync.spi.FetchRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.GZIPOutputStream;

final class Fixtures {
  private Fixtures() {}

  static final String CALENDAR =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:1@test\r\n"
          + "DTSTART;VALUE=DATE:20260101\r\nDTEND;VALUE=DATE:20260105\r\nSUMMARY:Reserved\r\n"
          + "END:VEVENT\r\nEND:VCALENDAR\r\n";

  /** A fetcher that may reach loopback 127.0.0.1 (by that exact host) and has short bounds. */
  static HttpFeedFetcher.Builder loopback() {
    return HttpFeedFetcher.builder()
        .allowHost("127.0.0.1")
        .minIntervalPerHost(Duration.ZERO)
        .connectTimeout(Duration.ofSeconds(2))
        .timeout(Duration.ofSeconds(5));
  }

  static FetchRequest request(String url) {
    return FetchRequest.unconditional(Feed.builder("tenant-1", "feed-1").property("prop-1").source("airbnb").url(url).build());
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bos.toByteArray();
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}

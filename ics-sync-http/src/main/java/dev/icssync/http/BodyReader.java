package dev.icssync.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Reads a response body: undoes gzip/deflate while streaming and counts the decoded bytes, so the
 * size cap holds for compressed bodies too (a 10 KB gzip bomb that inflates to 1 GB stops at the cap,
 * with at most one buffer beyond it in memory). Also sniffs whether a body is a calendar.
 */
final class BodyReader {
  private BodyReader() {}

  /** The decoded body would exceed the cap. */
  static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    TooLargeException(String message) {
      super(message, null);
    }
  }

  /** A Content-Encoding this reader does not decode. */
  static final class UnsupportedEncodingException extends IOException {
    private static final long serialVersionUID = 1L;

    UnsupportedEncodingException(String message) {
      super(message, null);
    }
  }

  /** The fetch deadline passed while reading. */
  static final class DeadlineException extends IOException {
    private static final long serialVersionUID = 1L;

    DeadlineException() {
      super("deadline passed while reading the body", null);
    }
  }

  private static final int MAX_LAYERS = 3;

  /**
   * Decodes a body received whole: with no Content-Encoding the received array is the body and is
   * returned as it is (a feed of tens of megabytes is not copied again), else it is read through
   * {@link #read}. The cap holds either way.
   */
  static byte[] decode(
      byte[] received,
      @Nullable String contentEncoding,
      long declaredLength,
      long maxBytes,
      long deadlineNanos,
      LongSupplier nanoTime)
      throws IOException {
    List<String> codings = codings(contentEncoding);
    if (codings.isEmpty()) {
      refuseDeclaredLength(codings, declaredLength, maxBytes);
      if (received.length > maxBytes) {
        throw new TooLargeException("decoded body exceeds " + maxBytes + " bytes");
      }
      return received;
    }
    return read(new ByteArrayInputStream(received), contentEncoding, declaredLength, maxBytes,
        deadlineNanos, nanoTime);
  }

  /**
   * @param raw the body as received (de-chunked, still content-encoded)
   * @param contentEncoding the Content-Encoding header, or null
   * @param maxBytes the cap on decoded bytes
   * @param deadlineNanos {@link System#nanoTime()} value after which reading stops
   * @param nanoTime the clock for the deadline
   */
  static byte[] read(
      InputStream raw,
      @Nullable String contentEncoding,
      long declaredLength,
      long maxBytes,
      long deadlineNanos,
      LongSupplier nanoTime)
      throws IOException {
    List<String> codings = codings(contentEncoding);
    refuseDeclaredLength(codings, declaredLength, maxBytes);
    InputStream in = raw;
    for (int i = codings.size() - 1; i >= 0; i--) {
      in = decoder(in, codings.get(i));
    }
    // trust a declared length only so far: a lying server must not make us allocate the cap up front
    int initial = codings.isEmpty() && declaredLength > 0
        ? (int) Math.min(declaredLength, Math.min(maxBytes, 1 << 20)) : 8192;
    byte[] buf = new byte[Math.max(initial, 16)];
    int len = 0;
    while (true) {
      if (nanoTime.getAsLong() - deadlineNanos > 0) {
        throw new DeadlineException();
      }
      if (len == buf.length) {
        long grown = Math.min((long) buf.length * 2, maxBytes + 1);
        if (grown <= buf.length) {
          grown = buf.length + 1L;
        }
        buf = Arrays.copyOf(buf, (int) Math.min(grown, Integer.MAX_VALUE - 16));
      }
      int n = in.read(buf, len, Math.min(buf.length - len, 64 * 1024));
      if (n < 0) {
        break;
      }
      len += n;
      if (len > maxBytes) {
        throw new TooLargeException("decoded body exceeds " + maxBytes + " bytes");
      }
    }
    return len == buf.length ? buf : Arrays.copyOf(buf, len);
  }

  /**
   * The most bytes of a body to receive before it is decoded: the cap for a plain body (one whose
   * declared length is over the cap is refused at once), a little more for an encoded one, since
   * compressed bytes may slightly outnumber the decoded ones (incompressible content).
   */
  static long receiveCap(@Nullable String contentEncoding, long declaredLength, long maxBytes)
      throws IOException {
    List<String> codings = codings(contentEncoding);
    refuseDeclaredLength(codings, declaredLength, maxBytes);
    return codings.isEmpty() ? maxBytes : maxBytes + maxBytes / 64 + 4096;
  }

  private static void refuseDeclaredLength(List<String> codings, long declaredLength, long maxBytes)
      throws TooLargeException {
    if (codings.isEmpty() && declaredLength > maxBytes) {
      throw new TooLargeException("Content-Length " + declaredLength + " exceeds " + maxBytes);
    }
  }

  static List<String> codings(@Nullable String contentEncoding) throws UnsupportedEncodingException {
    List<String> out = new ArrayList<>(2);
    if (contentEncoding == null) {
      return out;
    }
    for (String part : contentEncoding.split(",")) {
      String c = part.trim().toLowerCase(Locale.ROOT);
      if (c.isEmpty() || c.equals("identity")) {
        continue;
      }
      if (!(c.equals("gzip") || c.equals("x-gzip") || c.equals("deflate"))) {
        throw new UnsupportedEncodingException(
            "unsupported Content-Encoding " + (c.length() > 20 ? c.substring(0, 20) : c));
      }
      out.add(c);
    }
    if (out.size() > MAX_LAYERS) {
      throw new UnsupportedEncodingException("more than " + MAX_LAYERS + " content encodings");
    }
    return out;
  }

  private static InputStream decoder(InputStream in, String coding) throws IOException {
    PushbackInputStream p = new PushbackInputStream(in, 2);
    byte[] head = new byte[2];
    int n = p.readNBytes(head, 0, 2);
    if (n == 0) {
      return InputStream.nullInputStream(); // empty body with a Content-Encoding: still empty
    }
    p.unread(head, 0, n);
    if (coding.equals("deflate")) {
      // "deflate" should be zlib-wrapped; some servers send raw deflate: tell by the zlib header
      int cmf = head[0] & 0xff;
      int flg = head[1] & 0xff;
      boolean zlib = n == 2 && (cmf & 0x0f) == 8 && ((cmf << 8) | flg) % 31 == 0;
      return new InflaterInputStream(p, new Inflater(!zlib), 8192);
    }
    return new GZIPInputStream(p, 8192);
  }

  // ---- sniffing

  private static final byte[] BEGIN = "BEGIN:VCALENDAR".getBytes(StandardCharsets.US_ASCII);

  /**
   * Why a non-empty body is not a calendar, or null when it starts like one (after an optional BOM
   * and blank space). The body decides: servers often label calendars text/plain, text/html or
   * application/octet-stream, so a calendar body passes whatever the Content-Type says.
   */
  static @Nullable String notACalendar(byte[] body, @Nullable String contentType) {
    String head = text(body, 0, Math.min(body.length, 512)).stripLeading();
    if (head.isEmpty()) {
      return null; // blank body: see FetchResult.isBlank, checked first
    }
    if (head.regionMatches(true, 0, "BEGIN:VCALENDAR", 0, BEGIN.length)) {
      return null;
    }
    if (head.length() < BEGIN.length
        && "BEGIN:VCALENDAR".regionMatches(true, 0, head, 0, head.length())) {
      return null; // a prefix of a calendar: truncated, not something else
    }
    String what;
    char c = head.charAt(0);
    String lower = head.toLowerCase(Locale.ROOT);
    if (lower.startsWith("<!doctype html") || lower.startsWith("<html") || lower.contains("<body")) {
      what = "an HTML page";
    } else if (c == '<') {
      what = "markup (HTML or XML)";
    } else if (c == '{' || c == '[') {
      what = "JSON";
    } else {
      what = "content that does not start with BEGIN:VCALENDAR";
    }
    return what + (contentType == null ? "" : " (Content-Type " + contentType + ")");
  }


  /** True when a calendar body does not end with END:VCALENDAR (cut off mid-way). */
  static boolean truncatedCalendar(byte[] body) {
    int from = Math.max(0, body.length - 1024);
    String tail = text(body, from, body.length);
    return !tail.toUpperCase(Locale.ROOT).contains("END:VCALENDAR");
  }

  private static String text(byte[] body, int from, int to) {
    Charset cs = StandardCharsets.ISO_8859_1;
    int start = from;
    if (body.length >= 2) {
      int b0 = body[0] & 0xff;
      int b1 = body[1] & 0xff;
      if (b0 == 0xfe && b1 == 0xff) {
        cs = StandardCharsets.UTF_16BE;
      } else if (b0 == 0xff && b1 == 0xfe) {
        cs = StandardCharsets.UTF_16LE;
      }
      if (cs != StandardCharsets.ISO_8859_1) {
        if (start < 2) {
          start = 2;
        }
        if ((start & 1) != 0) {
          start++; // stay on a code unit boundary
        }
      }
    }
    if (cs == StandardCharsets.ISO_8859_1 && start == 0 && body.length >= 3
        && (body[0] & 0xff) == 0xef && (body[1] & 0xff) == 0xbb && (body[2] & 0xff) == 0xbf) {
      start = 3;
    }
    if (start >= to) {
      return "";
    }
    String s = new String(body, start, to - start, cs);
    return s.replace('\0', ' ');
  }
}

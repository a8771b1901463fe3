package dev.icssync.ical;

import dev.icssync.IcsSyncException.ParseException;
import dev.icssync.ParseFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackInputStream;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Charset handling in front of the byte-level reader, which reads UTF-8 (with a per-value
 * ISO-8859-1 fallback). A BOM wins (UTF-8, UTF-16 LE/BE); UTF-16 without a BOM is recognised by its
 * zero bytes; otherwise the caller's charset; otherwise UTF-8. Anything not UTF-8 compatible is
 * transcoded to UTF-8 while streaming.
 */
final class Input {
  private Input() {}

  /** The charset the bytes starting at {@code b[0..n)} are in, and the BOM length in {@code bom[0]}. */
  static @Nullable Charset sniff(byte[] b, int n, @Nullable Charset caller, int[] bom) {
    bom[0] = 0;
    if (n >= 3 && (b[0] & 0xff) == 0xef && (b[1] & 0xff) == 0xbb && (b[2] & 0xff) == 0xbf) {
      bom[0] = 3;
      return null;
    }
    if (n >= 2 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xfe) {
      bom[0] = 2;
      return StandardCharsets.UTF_16LE;
    }
    if (n >= 2 && (b[0] & 0xff) == 0xfe && (b[1] & 0xff) == 0xff) {
      bom[0] = 2;
      return StandardCharsets.UTF_16BE;
    }
    if (n >= 4 && b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0) {
      return StandardCharsets.UTF_16LE;
    }
    if (n >= 4 && b[0] == 0 && b[1] != 0 && b[2] == 0 && b[3] != 0) {
      return StandardCharsets.UTF_16BE;
    }
    if (caller == null || caller.equals(StandardCharsets.UTF_8) || caller.equals(StandardCharsets.US_ASCII)) {
      return null;
    }
    return caller;
  }

  /** A reader over a whole body. */
  public static LineReader open(byte[] body, @Nullable Charset caller, int maxLineLength) {
    int[] bom = new int[1];
    Charset cs = sniff(body, body.length, caller, bom);
    if (cs == null) {
      return new LineReader(body, bom[0], maxLineLength);
    }
    byte[] utf8 = new String(body, bom[0], body.length - bom[0], cs).getBytes(StandardCharsets.UTF_8);
    return new LineReader(utf8, 0, maxLineLength);
  }

  /** A reader over a stream, which counts raw bytes against {@code maxBytes}. */
  public static LineReader open(InputStream raw, @Nullable Charset caller, int maxLineLength, long maxBytes,
      long[] counter) {
    try {
      PushbackInputStream in = new PushbackInputStream(new Limited(raw, maxBytes, counter), 4);
      byte[] head = new byte[4];
      int n = 0;
      while (n < 4) {
        int r = in.read(head, n, 4 - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      int[] bom = new int[1];
      Charset cs = sniff(head, n, caller, bom);
      in.unread(head, bom[0], n - bom[0]);
      if (cs == null) {
        return new LineReader(in, maxLineLength);
      }
      return new LineReader(new Transcoding(new InputStreamReader(in, cs)), maxLineLength);
    } catch (IOException e) {
      throw io(e);
    }
  }

  static ParseException io(IOException e) {
    ParseException p = new ParseException(ParseFailure.IO, "reading the feed failed: " + e.getMessage());
    p.initCause(e);
    return p;
  }

  /** Counts bytes and fails with TOO_LARGE past the limit. */
  private static final class Limited extends InputStream {
    private final InputStream in;
    private final long max;
    private final long[] counter;

    Limited(InputStream in, long max, long[] counter) {
      this.in = in;
      this.max = max;
      this.counter = counter;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) {
      counter[0] += n;
      if (counter[0] > max) {
        throw new ParseException(ParseFailure.TOO_LARGE, "feed is larger than " + max + " bytes (maxBytes)");
      }
    }
  }

  /** Characters to UTF-8 bytes, chunk by chunk, keeping surrogate pairs together. */
  private static final class Transcoding extends InputStream {
    private final Reader reader;
    private final char[] chars = new char[8192];
    private int carry = -1;
    private byte[] out = new byte[0];
    private int pos;

    Transcoding(Reader reader) {
      this.reader = reader;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      while (pos >= out.length) {
        int start = 0;
        if (carry >= 0) {
          chars[0] = (char) carry;
          carry = -1;
          start = 1;
        }
        int n = reader.read(chars, start, chars.length - start);
        if (n < 0) {
          if (start == 0) {
            return -1;
          }
          n = 0;
        }
        int total = start + n;
        if (n > 0 && total > 0 && Character.isHighSurrogate(chars[total - 1])) {
          carry = chars[total - 1];
          total--;
        }
        out = new String(chars, 0, total).getBytes(StandardCharsets.UTF_8);
        pos = 0;
      }
      int k = Math.min(len, out.length - pos);
      System.arraycopy(out, pos, b, off, k);
      pos += k;
      return k;
    }
  }
}

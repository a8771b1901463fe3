package dev.icssync.ical;

import dev.icssync.IcsSyncException.ParseException;
import dev.icssync.ParseFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.jspecify.annotations.Nullable;

/**
 * Reads unfolded content lines as UTF-8 bytes. Accepts CRLF, LF, CR and any mix; a line starting
 * with a space or a tab continues the previous one (also inside a name or a parameter). The current
 * logical line is {@code line()[offset(), offset() + length())}; it stays valid until the next call
 * to {@link #next()}. A line that is not folded is not copied: it is a window on the input buffer.
 */
final class LineReader {
  private static final int CHUNK = 16 * 1024;
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long CRS = 0x0d0d0d0d0d0d0d0dL;
  private static final long LFS = 0x0a0a0a0a0a0a0a0aL;

  private final @Nullable InputStream in;
  private byte[] buf;
  private int pos;
  private int limit;
  private boolean eof;

  private byte[] scratch = new byte[256];
  private byte[] lineBuf;
  private int lineOff;
  private int len;
  private int maxLineLength;

  private int physicalLine; // number of terminators consumed so far
  private int lineNo;

  /** Reads a whole array (no copy of the input). */
  public LineReader(byte[] body, int offset, int maxLineLength) {
    this.in = null;
    this.buf = body;
    this.pos = offset;
    this.limit = body.length;
    this.eof = true;
    this.maxLineLength = maxLineLength;
    this.lineBuf = scratch;
  }

  /** Reads a stream in chunks (the stream is not closed). */
  public LineReader(InputStream in, int maxLineLength) {
    this.in = in;
    this.buf = new byte[CHUNK];
    this.maxLineLength = maxLineLength;
    this.lineBuf = scratch;
  }

  public byte[] line() {
    return lineBuf;
  }

  public int offset() {
    return lineOff;
  }

  public int length() {
    return len;
  }

  /** 1-based physical line where the current logical line starts. */
  public int lineNumber() {
    return lineNo;
  }

  public void maxLineLength(int value) {
    this.maxLineLength = value;
  }

  /** Advances to the next logical line; false at the end of input. */
  public boolean next() {
    if (pos >= limit && !fill()) {
      len = 0;
      return false;
    }
    lineNo = physicalLine + 1;
    boolean copied = false;
    len = 0;
    while (true) {
      int start = pos;
      int p = scan(buf, pos, limit);
      int n = p - start;
      if (p >= limit) {
        // the physical line goes on past the buffer (or the input ends without a terminator)
        copy(start, n);
        copied = true;
        pos = p;
        if (fill()) {
          continue;
        }
        return finish(true);
      }
      if (!copied && len == 0) {
        // a window on the buffer, unless a fold or a refill forces a copy below
        lineBuf = buf;
        lineOff = start;
        len = n;
        checkLength(n);
      } else {
        copy(start, n);
        copied = true;
      }
      // at a terminator
      byte t = buf[p];
      pos = p + 1;
      physicalLine++;
      if (t == '\r') {
        if (pos >= limit) {
          ensureCopied(copied);
          copied = true;
          fill();
        }
        if (pos < limit && buf[pos] == '\n') {
          pos++;
        }
      }
      if (pos >= limit) {
        ensureCopied(copied);
        copied = true;
        if (!fill()) {
          return finish(copied);
        }
      }
      byte c = buf[pos];
      if (c == ' ' || c == '\t') {
        ensureCopied(copied); // a fold: the logical line is assembled in scratch
        copied = true;
        pos++;
        continue;
      }
      return finish(copied);
    }
  }

  private boolean finish(boolean copied) {
    if (copied) {
      lineBuf = scratch;
      lineOff = 0;
    }
    return true;
  }

  /** Moves a line that is still a window on the buffer into scratch. */
  private void ensureCopied(boolean copied) {
    if (!copied && lineBuf == buf) {
      int n = len;
      int off = lineOff;
      len = 0;
      append(buf, off, n);
      lineBuf = scratch;
      lineOff = 0;
    }
  }

  private void copy(int start, int n) {
    if (lineBuf == buf && len > 0) {
      ensureCopied(false);
    }
    lineBuf = scratch;
    lineOff = 0;
    append(buf, start, n);
  }

  /** Index of the first CR or LF in {@code b[p, lim)}, or lim; eight bytes at a time. */
  private static int scan(byte[] b, int p, int lim) {
    while (p + 8 <= lim) {
      long x = Text.longAt(b, p);
      long cr = x ^ CRS;
      long lf = x ^ LFS;
      long z = (((cr - ONES) & ~cr) | ((lf - ONES) & ~lf)) & HIGHS;
      if (z != 0) {
        return p + (Long.numberOfTrailingZeros(z) >>> 3);
      }
      p += 8;
    }
    while (p < lim) {
      byte c = b[p];
      if (c == '\n' || c == '\r') {
        return p;
      }
      p++;
    }
    return lim;
  }

  private void checkLength(int n) {
    if (n > maxLineLength) {
      throw tooLong();
    }
  }

  private ParseException tooLong() {
    return new ParseException(ParseFailure.LINE_TOO_LONG,
        "content line at line " + lineNo + " is longer than " + maxLineLength + " bytes");
  }

  private void append(byte[] src, int off, int n) {
    if (n == 0) {
      return;
    }
    int need = len + n;
    if (need > maxLineLength) {
      throw tooLong();
    }
    if (need > scratch.length) {
      int cap = Math.max(need, Math.min(scratch.length * 2, maxLineLength));
      byte[] nl = new byte[cap];
      System.arraycopy(scratch, 0, nl, 0, len);
      scratch = nl;
    }
    System.arraycopy(src, off, scratch, len, n);
    len = need;
  }

  private boolean fill() {
    if (eof || in == null) {
      return false;
    }
    try {
      int n = in.read(buf, 0, buf.length);
      while (n == 0) {
        n = in.read(buf, 0, buf.length);
      }
      if (n < 0) {
        eof = true;
        pos = 0;
        limit = 0;
        return false;
      }
      pos = 0;
      limit = n;
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

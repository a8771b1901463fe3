package dev.icssync.internal.ical;

import dev.icssync.IcsSyncException.ParseException;
import dev.icssync.ParseFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Reads unfolded content lines as UTF-8 bytes. Accepts CRLF, LF, CR and any mix; a line starting
 * with a space or a tab continues the previous one (also inside a name or a parameter). The current
 * logical line is {@code line()[0, length())}; it is overwritten by the next call to {@link #next()}.
 */
public final class LineReader {
  private static final int CHUNK = 16 * 1024;

  private final @org.jspecify.annotations.Nullable InputStream in;
  private byte[] buf;
  private int pos;
  private int limit;
  private boolean eof;

  private byte[] line = new byte[256];
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
  }

  /** Reads a stream in chunks (the stream is not closed). */
  public LineReader(InputStream in, int maxLineLength) {
    this.in = in;
    this.buf = new byte[CHUNK];
    this.maxLineLength = maxLineLength;
  }

  public byte[] line() {
    return line;
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
    len = 0;
    if (pos >= limit && !fill()) {
      return false;
    }
    lineNo = physicalLine + 1;
    while (true) {
      // scan one physical line
      while (true) {
        byte[] b = buf;
        int p = pos;
        int lim = limit;
        while (p < lim) {
          byte c = b[p];
          if (c == '\n' || c == '\r') {
            break;
          }
          p++;
        }
        append(b, pos, p - pos);
        pos = p;
        if (p < lim) {
          break;
        }
        if (!fill()) {
          return true; // last line without terminator
        }
      }
      // at a terminator
      byte t = buf[pos++];
      physicalLine++;
      if (t == '\r') {
        if (pos >= limit) {
          fill();
        }
        if (pos < limit && buf[pos] == '\n') {
          pos++;
        }
      }
      if (pos >= limit && !fill()) {
        return true;
      }
      byte c = buf[pos];
      if (c == ' ' || c == '\t') {
        pos++; // continuation: drop the one white space character
        continue;
      }
      return true;
    }
  }

  private void append(byte[] src, int off, int n) {
    if (n == 0) {
      return;
    }
    int need = len + n;
    if (need > maxLineLength) {
      throw new ParseException(ParseFailure.LINE_TOO_LONG,
          "content line at line " + (lineNo) + " is longer than " + maxLineLength + " bytes");
    }
    if (need > line.length) {
      int cap = Math.max(need, Math.min(line.length * 2, maxLineLength));
      byte[] nl = new byte[cap];
      System.arraycopy(line, 0, nl, 0, len);
      line = nl;
    }
    System.arraycopy(src, off, line, len, n);
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

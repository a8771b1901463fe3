package dev.icssync.ical;

import java.nio.charset.StandardCharsets;

/**
 * TEXT values and line folding: unescaping from bytes, escaping, folding and unfolding of strings.
 *
 * <p>Unescaping reads {@code \n \N \, \; \\} as RFC 5545 says, {@code \:} as a colon (Outlook), keeps
 * any other backslash as it is, and reads the double-escaped {@code \\\,} and {@code \\\;} that
 * Booking.com emits as a plain comma or semicolon. The price of the latter: a text that really holds
 * a backslash followed by a comma or a semicolon does not survive escape + unescape.
 */
final class Text {
  private Text() {}

  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long BACKSLASHES = 0x5c5c5c5c5c5c5c5cL;
  /** {@link #scan} result bit: a backslash was seen. */
  public static final int ESCAPED = 1;
  /** {@link #scan} result bit: a byte above 0x7f was seen. */
  public static final int NON_ASCII = 2;

  /**
   * The eight bytes of {@code b} from {@code p} as a little-endian long, assembled byte by byte.
   * Not a {@code byteArrayViewVarHandle} or a {@code ByteBuffer} view: those cost as much once
   * compiled (ParseBenchmark), but the first VarHandle of a process sets up the JDK's method-handle
   * machinery and, interpreted, each read through either is a chain of calls; the first feed a short
   * command ({@code check}) parses runs interpreted, and this keeps its parse at two thirds of the time.
   */
  static long longAt(byte[] b, int p) {
    return (b[p] & 0xffL) | (b[p + 1] & 0xffL) << 8 | (b[p + 2] & 0xffL) << 16 | (b[p + 3] & 0xffL) << 24
        | (b[p + 4] & 0xffL) << 32 | (b[p + 5] & 0xffL) << 40 | (b[p + 6] & 0xffL) << 48 | (b[p + 7] & 0xffL) << 56;
  }

  /** Whether {@code b[off, end)} holds backslashes and non-ASCII bytes; eight bytes at a time. */
  public static int scan(byte[] b, int off, int end) {
    int flags = 0;
    int p = off;
    while (p + 8 <= end) {
      long x = longAt(b, p);
      long bs = x ^ BACKSLASHES;
      if ((((bs - ONES) & ~bs) & HIGHS) != 0) {
        flags |= ESCAPED;
      }
      if ((x & HIGHS) != 0) {
        flags |= NON_ASCII;
      }
      if (flags == (ESCAPED | NON_ASCII)) {
        return flags;
      }
      p += 8;
    }
    for (; p < end; p++) {
      byte c = b[p];
      if (c == '\\') {
        flags |= ESCAPED;
      } else if (c < 0) {
        flags |= NON_ASCII;
      }
    }
    return flags;
  }

  /** Decodes UTF-8, or ISO-8859-1 when the bytes are not valid UTF-8. */
  public static String decode(byte[] b, int off, int len) {
    int end = off + len;
    for (int i = off; i < end; i++) {
      if (b[i] < 0) {
        return isValidUtf8(b, i, end)
            ? new String(b, off, len, StandardCharsets.UTF_8)
            : new String(b, off, len, StandardCharsets.ISO_8859_1);
      }
    }
    return new String(b, off, len, StandardCharsets.ISO_8859_1);
  }

  /** True when {@code b[off, end)} is well-formed UTF-8 (no overlongs, no surrogates). */
  public static boolean isValidUtf8(byte[] b, int off, int end) {
    int i = off;
    while (i < end) {
      int c = b[i] & 0xff;
      if (c < 0x80) {
        i++;
        continue;
      }
      int n;
      int min;
      if (c >= 0xc2 && c <= 0xdf) {
        n = 1;
        min = 0x80;
      } else if (c >= 0xe0 && c <= 0xef) {
        n = 2;
        min = 0x800;
      } else if (c >= 0xf0 && c <= 0xf4) {
        n = 3;
        min = 0x10000;
      } else {
        return false;
      }
      if (i + n >= end) {
        return false; // truncated sequence
      }
      int cp = c & (0x3f >> n);
      for (int k = 1; k <= n; k++) {
        int cc = b[i + k] & 0xff;
        if ((cc & 0xc0) != 0x80) {
          return false;
        }
        cp = (cp << 6) | (cc & 0x3f);
      }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return false;
      }
      i += n + 1;
    }
    return true;
  }

  /**
   * Unescapes a TEXT value into {@code scratch} and returns the number of bytes written; scratch must
   * be at least {@code len} long.
   */
  public static int unescape(byte[] b, int off, int len, byte[] scratch) {
    int end = off + len;
    int o = 0;
    int i = off;
    while (i < end) {
      byte c = b[i];
      if (c != '\\' || i + 1 >= end) {
        scratch[o++] = c;
        i++;
        continue;
      }
      byte n = b[i + 1];
      switch (n) {
        case 'n', 'N' -> {
          scratch[o++] = '\n';
          i += 2;
        }
        case ',', ';', ':' -> {
          scratch[o++] = n;
          i += 2;
        }
        case '\\' -> {
          // Booking.com: "\\\," is a comma escaped twice
          if (i + 3 < end && b[i + 2] == '\\' && (b[i + 3] == ',' || b[i + 3] == ';')) {
            scratch[o++] = b[i + 3];
            i += 4;
          } else {
            scratch[o++] = '\\';
            i += 2;
          }
        }
        default -> {
          scratch[o++] = c;
          i++;
        }
      }
    }
    return o;
  }

  /** Unescapes a TEXT value given as a string. */
  public static String unescape(String value) {
    byte[] b = value.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[b.length];
    int n = unescape(b, 0, b.length, out);
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }

  /** Escapes a TEXT value: backslash, comma, semicolon and line breaks (CRLF, CR, LF become \n). */
  public static String escape(String value) {
    StringBuilder sb = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case ',' -> sb.append("\\,");
        case ';' -> sb.append("\\;");
        case '\n' -> sb.append("\\n");
        case '\r' -> {
          sb.append("\\n");
          if (i + 1 < value.length() && value.charAt(i + 1) == '\n') {
            i++;
          }
        }
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * Folds one content line (without its line end) at 75 octets, never inside a UTF-8 sequence;
   * continuation lines start with one space. Lines are joined with CRLF, without a final CRLF.
   */
  public static String fold(String contentLine) {
    byte[] b = contentLine.getBytes(StandardCharsets.UTF_8);
    if (b.length <= 75) {
      return contentLine;
    }
    StringBuilder sb = new StringBuilder(contentLine.length() + contentLine.length() / 37 + 4);
    int i = 0;
    int room = 75;
    while (i < b.length) {
      int end = Math.min(b.length, i + room);
      if (end < b.length) {
        while (end > i && (b[end] & 0xc0) == 0x80) {
          end--; // do not split a UTF-8 sequence
        }
      }
      if (i > 0) {
        sb.append("\r\n ");
      }
      sb.append(new String(b, i, end - i, StandardCharsets.UTF_8));
      i = end;
      room = 74; // the leading space counts
    }
    return sb.toString();
  }

  /** Unfolds text: a line end (CRLF, LF or CR) followed by a space or a tab disappears with it. */
  public static String unfold(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c == '\r' || c == '\n') {
        int j = i + 1;
        if (c == '\r' && j < n && text.charAt(j) == '\n') {
          j++;
        }
        if (j < n && (text.charAt(j) == ' ' || text.charAt(j) == '\t')) {
          i = j;
          continue;
        }
      }
      sb.append(c);
    }
    return sb.toString();
  }
}

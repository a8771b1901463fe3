package dev.icssync.internal.engine;

import dev.icssync.internal.Digests;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The digest of a feed body that ignores what changes on every download: DTSTAMP, LAST-MODIFIED,
 * SEQUENCE and X- properties (except X-WR-TIMEZONE, which changes how floating times read), blank
 * lines and line-ending style. Folded lines are unfolded first. Equal digests mean the feed says the
 * same thing, so the engine skips parsing and writing. A single pass over the bytes.
 */
public final class SemanticDigest {
  private static final byte[][] VOLATILE = {
      bytes("DTSTAMP"), bytes("LAST-MODIFIED"), bytes("SEQUENCE")};
  private static final byte[] KEEP_X = bytes("X-WR-TIMEZONE");

  private SemanticDigest() {}

  public static String of(byte[] body) {
    MessageDigest md = Digests.sha256();
    int n = body.length;
    int i = 0;
    boolean skipping = false;
    while (i < n) {
      int start = i;
      int j = start;
      while (j < n && body[j] != '\n') {
        j++;
      }
      int end = j;
      if (end > start && body[end - 1] == '\r') {
        end--;
      }
      i = j + 1;
      if (end == start) {
        continue;
      }
      byte first = body[start];
      if (first == ' ' || first == '\t') {
        if (!skipping) {
          md.update(body, start + 1, end - start - 1);
        }
        continue;
      }
      skipping = isVolatile(body, start, end);
      if (!skipping) {
        md.update((byte) '\n');
        md.update(body, start, end - start);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static boolean isVolatile(byte[] b, int start, int end) {
    int nameEnd = start;
    while (nameEnd < end && b[nameEnd] != ':' && b[nameEnd] != ';') {
      nameEnd++;
    }
    int len = nameEnd - start;
    for (byte[] v : VOLATILE) {
      if (len == v.length && equalsIgnoreCase(b, start, v)) {
        return true;
      }
    }
    if (len >= 2 && (b[start] == 'X' || b[start] == 'x') && b[start + 1] == '-') {
      return !(len == KEEP_X.length && equalsIgnoreCase(b, start, KEEP_X));
    }
    return false;
  }

  private static boolean equalsIgnoreCase(byte[] b, int off, byte[] upper) {
    for (int k = 0; k < upper.length; k++) {
      int c = b[off + k];
      if (c >= 'a' && c <= 'z') {
        c -= 32;
      }
      if (c != upper[k]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}

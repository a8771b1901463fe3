package dev.icssync.ical;

/**
 * Remembers the strings of short, repeated values (SUMMARY "Reserved", STATUS "CONFIRMED", TZIDs)
 * so that a feed of many alike events does not allocate the same string again and again.
 */
final class StringCache {
  private static final int SIZE = 256;
  private static final int MAX_LEN = 48;
  private final byte[][] keys = new byte[SIZE][];
  private final String[] values = new String[SIZE];

  String get(byte[] b, int off, int len) {
    if (len > MAX_LEN) {
      return Text.decode(b, off, len);
    }
    int h = len;
    for (int i = off, end = off + len; i < end; i++) {
      h = 31 * h + b[i];
    }
    int slot = (h ^ (h >>> 8)) & (SIZE - 1);
    byte[] k = keys[slot];
    if (k != null && k.length == len && java.util.Arrays.equals(k, 0, len, b, off, off + len)) {
      return values[slot];
    }
    String s = Text.decode(b, off, len);
    keys[slot] = java.util.Arrays.copyOfRange(b, off, off + len);
    values[slot] = s;
    return s;
  }
}

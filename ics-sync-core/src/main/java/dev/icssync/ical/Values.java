package dev.icssync.ical;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** Hand-written readers for DATE, DATE-TIME, DURATION and INTEGER values, straight from bytes. */
final class Values {
  private Values() {}

  /** Kind of a parsed date value. */
  public static final int NONE = 0;
  public static final int DATE = 1;
  public static final int UTC = 2;
  /** Floating or with a TZID: a local date-time to be placed in a zone. */
  public static final int LOCAL = 3;

  /**
   * Reads a DATE ({@code yyyyMMdd}) or DATE-TIME ({@code yyyyMMddTHHmmss[Z]}, seconds optional)
   * from {@code b[off, end)}, into {@code out}. Returns the kind, or {@link #NONE} when malformed.
   * Trailing white space is ignored.
   */
  public static int parseDateTime(byte[] b, int off, int end, int[] out) {
    while (end > off && (b[end - 1] == ' ' || b[end - 1] == '\t')) {
      end--;
    }
    while (off < end && (b[off] == ' ' || b[off] == '\t')) {
      off++;
    }
    int n = end - off;
    if (n < 8) {
      return NONE;
    }
    int y = digits(b, off, 4);
    int mo = digits(b, off + 4, 2);
    int d = digits(b, off + 6, 2);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > lengthOfMonth(y, mo)) {
      return NONE;
    }
    out[0] = y;
    out[1] = mo;
    out[2] = d;
    out[3] = 0;
    out[4] = 0;
    out[5] = 0;
    if (n == 8) {
      return DATE;
    }
    if (b[off + 8] != 'T' && b[off + 8] != 't') {
      return NONE;
    }
    int p = off + 9;
    if (end - p < 4) {
      return NONE;
    }
    int h = digits(b, p, 2);
    int mi = digits(b, p + 2, 2);
    if (h < 0 || h > 23 || mi < 0 || mi > 59) {
      return NONE;
    }
    p += 4;
    int s = 0;
    if (p + 2 <= end && b[p] >= '0' && b[p] <= '9') {
      s = digits(b, p, 2);
      if (s < 0 || s > 60) {
        return NONE;
      }
      if (s == 60) {
        s = 59; // leap second
      }
      p += 2;
    }
    out[3] = h;
    out[4] = mi;
    out[5] = s;
    if (p == end) {
      return LOCAL;
    }
    if (p + 1 == end && (b[p] == 'Z' || b[p] == 'z')) {
      return UTC;
    }
    return NONE;
  }

  private static int digits(byte[] b, int off, int n) {
    if (off + n > b.length) {
      return -1;
    }
    int v = 0;
    for (int i = 0; i < n; i++) {
      int c = b[off + i] - '0';
      if (c < 0 || c > 9) {
        return -1;
      }
      v = v * 10 + c;
    }
    return v;
  }

  static int lengthOfMonth(int y, int m) {
    return switch (m) {
      case 2 -> ((y & 3) == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  public static LocalDate date(int[] v) {
    return LocalDate.of(v[0], v[1], v[2]);
  }

  public static LocalDateTime local(int[] v) {
    return LocalDateTime.of(v[0], v[1], v[2], v[3], v[4], v[5]);
  }

  public static Instant utc(int[] v) {
    return Instant.ofEpochSecond(epochDay(v[0], v[1], v[2]) * 86400L + v[3] * 3600L + v[4] * 60L + v[5]);
  }

  /** Same as {@link LocalDate#toEpochDay()} without making a LocalDate. */
  static long epochDay(int year, int month, int day) {
    long y = year;
    long m = month;
    long total = 365 * y;
    if (y >= 0) {
      total += (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
    } else {
      total -= y / -4 - y / -100 + y / -400;
    }
    total += ((367 * m - 362) / 12);
    total += day - 1;
    if (m > 2) {
      total--;
      boolean leap = (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
      if (!leap) {
        total--;
      }
    }
    return total - 719528L;
  }

  /**
   * Reads a DURATION ({@code [+-]P[nW][nD][T[nH][nM][nS]]}). Returns false when malformed; else
   * {@code out[0]} = days (weeks included), {@code out[1]} = seconds, both negative for "-P".
   */
  public static boolean parseDuration(byte[] b, int off, int end, long[] out) {
    while (end > off && (b[end - 1] == ' ' || b[end - 1] == '\t')) {
      end--;
    }
    int p = off;
    int sign = 1;
    if (p < end && (b[p] == '+' || b[p] == '-')) {
      sign = b[p] == '-' ? -1 : 1;
      p++;
    }
    if (p >= end || (b[p] != 'P' && b[p] != 'p')) {
      return false;
    }
    p++;
    long days = 0;
    long secs = 0;
    boolean time = false;
    boolean any = false;
    while (p < end) {
      byte c = b[p];
      if (c == 'T' || c == 't') {
        time = true;
        p++;
        continue;
      }
      long num = 0;
      int start = p;
      while (p < end && b[p] >= '0' && b[p] <= '9' && p - start < 12) {
        num = num * 10 + (b[p] - '0');
        p++;
      }
      if (p == start || p >= end) {
        return false;
      }
      byte u = (byte) (b[p] & ~0x20);
      p++;
      any = true;
      if (!time && u == 'W') {
        days += num * 7;
      } else if (!time && u == 'D') {
        days += num;
      } else if (time && u == 'H') {
        secs += num * 3600;
      } else if (time && u == 'M') {
        secs += num * 60;
      } else if (time && u == 'S') {
        secs += num;
      } else {
        return false;
      }
    }
    if (!any) {
      return false;
    }
    out[0] = sign * days;
    out[1] = sign * secs;
    return true;
  }

  /** Reads a signed decimal integer; {@code Integer.MIN_VALUE} when malformed. */
  public static int parseInt(byte[] b, int off, int end) {
    while (end > off && (b[end - 1] == ' ' || b[end - 1] == '\t')) {
      end--;
    }
    while (off < end && b[off] == ' ') {
      off++;
    }
    boolean neg = false;
    if (off < end && (b[off] == '-' || b[off] == '+')) {
      neg = b[off] == '-';
      off++;
    }
    if (off >= end || end - off > 9) {
      return Integer.MIN_VALUE;
    }
    int v = 0;
    for (int i = off; i < end; i++) {
      int c = b[i] - '0';
      if (c < 0 || c > 9) {
        return Integer.MIN_VALUE;
      }
      v = v * 10 + c;
    }
    return neg ? -v : v;
  }

  /** The RFC 5545 form of a DATE: {@code yyyyMMdd}. */
  public static String formatDate(LocalDate d) {
    char[] c = new char[8];
    put(c, 0, d.getYear(), 4);
    put(c, 4, d.getMonthValue(), 2);
    put(c, 6, d.getDayOfMonth(), 2);
    return new String(c);
  }

  /** The RFC 5545 form of a UTC DATE-TIME: {@code yyyyMMddTHHmmssZ}. */
  public static String formatUtc(Instant t) {
    LocalDateTime l = LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, ZoneOffset.UTC);
    char[] c = new char[16];
    put(c, 0, l.getYear(), 4);
    put(c, 4, l.getMonthValue(), 2);
    put(c, 6, l.getDayOfMonth(), 2);
    c[8] = 'T';
    put(c, 9, l.getHour(), 2);
    put(c, 11, l.getMinute(), 2);
    put(c, 13, l.getSecond(), 2);
    c[15] = 'Z';
    return new String(c);
  }

  private static void put(char[] c, int off, int v, int n) {
    for (int i = off + n - 1; i >= off; i--) {
      c[i] = (char) ('0' + v % 10);
      v /= 10;
    }
  }
}

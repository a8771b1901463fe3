package dev.icssync.bench.report;

import java.util.Locale;

/** Number formatting of the report: grouped thousands, three significant digits below 100. */
final class Format {
  private Format() {}

  /** A figure: {@code 1,234,567}, {@code 12.3}, {@code 0.0456}; {@code n/a} for NaN. */
  static String number(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "n/a";
    }
    double a = Math.abs(v);
    if (a >= 100 || a == 0) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (a >= 1) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.3g", v);
  }

  /** A score with its error, e.g. {@code 1,234 ± 56}; the error alone is {@code ± n/a} when unknown. */
  static String withError(double score, double error) {
    return number(score) + " ± " + number(error);
  }

  /** A ratio: {@code 0.83x}, {@code 12.5x}, {@code 1,234x}. */
  static String ratio(double r) {
    if (Double.isNaN(r) || Double.isInfinite(r)) {
      return "n/a";
    }
    if (r >= 100) {
      return String.format(Locale.ROOT, "%,.0fx", r);
    }
    if (r >= 10) {
      return String.format(Locale.ROOT, "%.1fx", r);
    }
    return String.format(Locale.ROOT, "%.2fx", r);
  }

  /** Bytes in B, KB, MB or GB (powers of 1024). */
  static String bytes(double b) {
    if (Double.isNaN(b)) {
      return "n/a";
    }
    String[] units = {"B", "KB", "MB", "GB"};
    int u = 0;
    double v = b;
    while (Math.abs(v) >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return (u == 0 ? String.format(Locale.ROOT, "%,.0f", v) : number(v)) + " " + units[u];
  }

  /** A duration given in seconds, in ns, µs, ms or s (a negative one, such as a fitted intercept, alike). */
  static String duration(double seconds) {
    if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
      return "n/a";
    }
    if (seconds < 0) {
      return "-" + duration(-seconds);
    }
    if (seconds >= 1) {
      return number(seconds) + " s";
    }
    if (seconds >= 1e-3) {
      return number(seconds * 1e3) + " ms";
    }
    if (seconds >= 1e-6) {
      return number(seconds * 1e6) + " µs";
    }
    return number(seconds * 1e9) + " ns";
  }
}

package dev.icssync.cli;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A live count on a terminal ({@code syncing 12/40 feeds}), rewritten in place on stderr; nothing at
 * all when the output is not a terminal (a pipe, a file, a test).
 */
final class Progress {
  private final PrintWriter err;
  private final boolean enabled;
  private final String label;
  private final int total;
  private final AtomicInteger done = new AtomicInteger();

  private Progress(PrintWriter err, boolean enabled, String label, int total) {
    this.err = err;
    this.enabled = enabled;
    this.label = label;
    this.total = total;
  }

  /** Shown only when this JVM writes to a terminal. */
  static Progress onTerminal(PrintWriter err, String label, int total) {
    return new Progress(err, System.console() != null && total > 1, label, total);
  }

  void step() {
    int n = done.incrementAndGet();
    if (enabled) {
      synchronized (err) {
        err.print("\r" + label + " " + n + "/" + total);
        err.flush();
      }
    }
  }

  void finish() {
    if (enabled) {
      synchronized (err) {
        err.print("\r" + " ".repeat(label.length() + 24) + "\r");
        err.flush();
      }
    }
  }
}

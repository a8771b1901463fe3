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
  private static final int WIDTH = 79;
  private final AtomicInteger done = new AtomicInteger();
  private final java.util.Set<String> running = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private int shown;

  private Progress(PrintWriter err, boolean enabled, String label, int total) {
    this.err = err;
    this.enabled = enabled;
    this.label = label;
    this.total = total;
  }

  /** Shown whatever the output is (tests). */
  static Progress shown(PrintWriter err, String label, int total) {
    return new Progress(err, true, label, total);
  }

  /** Shown only when this JVM writes to a terminal. */
  static Progress onTerminal(PrintWriter err, String label, int total) {
    return new Progress(err, System.console() != null && total > 1, label, total);
  }

  /** {@code item} started: the live line names what is running. */
  void start(String item) {
    running.add(item);
    show();
  }

  void step() {
    done.incrementAndGet();
    show();
  }

  /** {@code item} finished. */
  void step(String item) {
    running.remove(item);
    step();
  }

  private void show() {
    if (enabled) {
      synchronized (err) {
        String line = label + " " + done.get() + "/" + total + (running.isEmpty() ? "" : " (running: "
            + String.join(", ", running.stream().map(TerminalText::line).sorted().toList()) + ")");
        line = line.length() > WIDTH ? line.substring(0, WIDTH - 3) + "..." : line;
        err.print("\r" + line + " ".repeat(Math.max(0, shown - line.length())));
        shown = line.length();
        err.flush();
      }
    }
  }

  void finish() {
    if (enabled) {
      synchronized (err) {
        err.print("\r" + " ".repeat(Math.max(shown, label.length() + 24)) + "\r");
        err.flush();
      }
    }
  }
}

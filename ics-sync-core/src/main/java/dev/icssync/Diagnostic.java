package dev.icssync;

import java.util.Objects;

/**
 * A problem the lenient parser worked around: the 1-based line where it starts and what it was.
 *
 * <p>A record because its shape is fixed: a line number and a message; a component will not be
 * added.
 */
public record Diagnostic(int line, String message) {
  public Diagnostic {
    Objects.requireNonNull(message, "message");
  }
}

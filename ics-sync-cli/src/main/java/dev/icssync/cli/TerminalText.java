package dev.icssync.cli;

import org.jspecify.annotations.Nullable;

/**
 * Text from a feed (summaries, UIDs, PRODIDs, diagnostics, server messages) made safe for a
 * terminal: every control character but tab and newline (C0, DEL and C1) is written as
 * {@code \xNN} or {@code \u0085}, so a feed cannot retitle the terminal, move the cursor or hide
 * text. Every text printer passes feed text through here; JSON output escapes on its own.
 */
final class TerminalText {
  private TerminalText() {}

  /** Tab and newline kept; every other control character escaped. */
  static String escape(@Nullable String s) {
    return escape(s, false);
  }

  /** For a table cell or a one-line message: newlines escaped as well. */
  static String line(@Nullable String s) {
    return escape(s, true);
  }

  private static String escape(@Nullable String s, boolean oneLine) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean control = (c < 0x20 && c != '\t' && (c != '\n' || oneLine)) || (c >= 0x7f && c <= 0x9f);
      if (control) {
        if (sb == null) {
          sb = new StringBuilder(s.length() + 16).append(s, 0, i);
        }
        sb.append(c <= 0x7f ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? s : sb.toString();
  }
}

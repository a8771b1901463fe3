package dev.icssync;

/** Why a body could not be read as a calendar. */
public enum ParseFailure {
  /** HTML, JSON, binary noise or any text that is not iCalendar. */
  NOT_A_CALENDAR,
  /** The body is larger than {@code ParseOptions.maxBytes}. */
  TOO_LARGE,
  /** A content line longer than {@code ParseOptions.maxLineLength}. */
  LINE_TOO_LONG,
  /** More events than {@code ParseOptions.maxEvents}. */
  TOO_MANY_EVENTS,
  /** A recurrence produced more instances than {@code ParseOptions.maxInstances}. */
  TOO_MANY_INSTANCES,
  /** Strict mode: a diagnostic became an error. */
  STRICT_VIOLATION,
  /** The stream ended inside a component (no END:VCALENDAR), in strict mode. */
  TRUNCATED,
  /** Reading the input failed. */
  IO
}

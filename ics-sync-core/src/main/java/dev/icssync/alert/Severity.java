package dev.icssync.alert;

/** How urgent an alert is. */
public enum Severity {
  WARNING,
  CRITICAL
}

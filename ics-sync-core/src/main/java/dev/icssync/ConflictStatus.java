package dev.icssync;

/** Lifecycle of a double booking. */
public enum ConflictStatus {
  /** Both events are active and overlap. */
  OPEN,
  /** One side was cancelled or moved: the overlap is gone. */
  RESOLVED,
  /** An operator decided the overlap is fine; it stays ignored while it lasts. */
  IGNORED
}

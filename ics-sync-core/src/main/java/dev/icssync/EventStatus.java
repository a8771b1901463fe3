package dev.icssync;

/** The lifecycle status of a stored event. */
public enum EventStatus {
  CONFIRMED,
  TENTATIVE,
  /** Vanished from its feed (or STATUS:CANCELLED); never deleted, reinstated if it reappears. */
  CANCELLED
}

package dev.icssync;

/** What an event means for the property's availability. */
public enum EventKind {
  /** A guest's stay. */
  RESERVATION,
  /** Dates closed by the owner or the channel (maintenance, booking window, "Not available"). */
  BLOCK,
  /** A hold that may become a reservation (Vrbo "Provisoire", tentative quotes). */
  TENTATIVE,
  /** Anything else from a generic calendar (meetings, holidays). */
  EVENT
}

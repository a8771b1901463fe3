package dev.icssync;

/**
 * What a sync did to the stored events.
 *
 * <p>Still a record: counters of a sync, made by the engine. Its constructor is public, so a new
 * component will come with the old constructor kept as an overload (Java 17 has no record
 * patterns to break).
 *
 * @param seen events (instances) in the fetched feed after normalisation
 * @param created new events
 * @param updated events whose fingerprint changed (dates, kind, status, summary)
 * @param cancelled events that vanished and ended after now
 * @param reinstated cancelled events that came back
 * @param unchanged events present with the same fingerprint
 * @param uidReissued vanished + new pairs recognised as one stay with a new UID (counted here, not
 *     in created/cancelled)
 * @param heldBack cancellations held back by the mass-cancel guard
 */
public record ChangeCounts(
    int seen, int created, int updated, int cancelled, int reinstated, int unchanged, int uidReissued,
    int heldBack) {

  public static final ChangeCounts NONE = new ChangeCounts(0, 0, 0, 0, 0, 0, 0, 0);

  /** Number of event rows this sync writes or wrote. */
  public int writes() {
    return created + updated + cancelled + reinstated + uidReissued;
  }
}

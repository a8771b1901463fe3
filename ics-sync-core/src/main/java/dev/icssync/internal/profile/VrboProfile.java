package dev.icssync.internal.profile;

import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.ical.ParsedEvent;
import dev.icssync.spi.ChannelProfile;
import org.jspecify.annotations.Nullable;

/**
 * Vrbo / HomeAway / Abritel: localised summaries. {@code Reserved - <name>}, {@code Réservée - <name>},
 * {@code Reservation VRB-...} are reservations (the mark may stand anywhere in the summary);
 * {@code Blocked}, {@code Indisponible} and their translations blocks; {@code Provisoire - <name>}
 * (and STATUS:TENTATIVE) tentative holds. Names are dropped. Anything without a block's mark is read
 * as a reservation: when in doubt it is a stay, which takes part in conflict detection.
 */
public final class VrboProfile implements ChannelProfile {
  private static final String[] TENTATIVE = {"provisoire", "tentative", "hold", "pending", "provisional",
      "vorläufig", "provisional", "provisorisch", "provisorio", "provvisori"};
  private static final String[] RESERVED = {"reserved", "réservé", "reservé", "reservation", "réservation",
      "reservado", "reservada", "reserviert", "prenotat", "gereserveerd", "booked"};
  private static final String[] BLOCKED = {"blocked", "block", "indisponible", "unavailable", "not available",
      "bloqué", "bloque", "blockiert", "gesperrt", "nicht verfügbar", "bloqueado", "bloqueada", "no disponible",
      "bloccat", "non disponibile", "geblokkeerd", "niet beschikbaar", "closed", "owner"};

  @Override
  public String source() {
    return "vrbo";
  }

  @Override
  public int version() {
    return 2;
  }

  @Override
  public boolean recognises(@Nullable String prodId, String sampleUid) {
    return Readings.containsIgnoreCase(prodId, "homeaway") || Readings.containsIgnoreCase(prodId, "vrbo")
        || Readings.containsIgnoreCase(prodId, "abritel");
  }

  @Override
  public @Nullable Normalized normalize(ParsedEvent event) {
    String s = Readings.summary(event);
    EventStatus status = Readings.status(event);
    EventKind kind;
    if (status == EventStatus.TENTATIVE || Readings.startsWithAny(s, TENTATIVE)) {
      kind = EventKind.TENTATIVE;
    } else if (Readings.containsAny(s, RESERVED) || !Readings.containsAny(s, BLOCKED)) {
      kind = EventKind.RESERVATION;
    } else {
      kind = EventKind.BLOCK;
    }
    return Readings.of(kind, status);
  }

  @Override
  public String toString() {
    return "ChannelProfile[vrbo]";
  }
}

package dev.icssync.internal.engine;

import dev.icssync.CalendarEvent;
import dev.icssync.ChangeCounts;
import dev.icssync.ChangeEvent;
import dev.icssync.DateRange;
import dev.icssync.EventKey;
import dev.icssync.EventStatus;
import dev.icssync.Feed;
import dev.icssync.Quarantine;
import dev.icssync.internal.Digests;
import dev.icssync.spi.FeedApply;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The diff of one feed: fetched events against stored ones, by key. Pure: no I/O, no clock.
 *
 * <ul>
 *   <li>present, same fingerprint: nothing (not even {@code lastSeen}: an unchanged event is never
 *       rewritten; the feed state's {@code lastSuccess} says when the feed was last read);</li>
 *   <li>present, other fingerprint: update (DatesChanged when the range moved, else Updated);</li>
 *   <li>present, stored cancelled: reinstated; STATUS:CANCELLED in the feed: cancelled;</li>
 *   <li>new: created, unless a vanished event of the same feed has exactly the same range: then it
 *       is the same stay with a reissued UID (rekey + update);</li>
 *   <li>vanished: cancelled when it ends after now (an all-day event ends at the start of its
 *       check-out day in the property's zone) and starts before the window's end; past stays are
 *       history and stay as they are.</li>
 * </ul>
 *
 * <p>The mass-cancel guard: when the feed had future events and comes back with no active event, or
 * would cancel more than {@code massCancelShare} of its future events, the cancellations are held
 * back and the feed quarantined; they are applied once the same set of cancellations has been seen
 * on {@code confirmations} consecutive fetches spanning at least {@code minSpan} (a failed sync in
 * between sets the previous quarantine's count to zero, which restarts the count like a different
 * result does), or when an operator confirms that very set. Upserts proceed either way.
 */
public final class FeedDiff {
  private FeedDiff() {}

  /**
   * What the diff needs besides the events.
   *
   * @param feed the feed
   * @param now the sync's time
   * @param zone the property's zone (for "ends after now" of all-day events)
   * @param windowEnd events starting at or after this are beyond the feed's horizon: never cancelled
   * @param massCancelShare see {@code SyncConfig}
   * @param confirmations see {@code SyncConfig.quarantineConfirmations}
   * @param minSpan see {@code SyncConfig.quarantineMinSpan}
   * @param confirm the operator confirms the held-back cancellations: applied when this result is
   *     the one {@code previous} holds back (the same set of cancellations), whatever the count
   * @param previous the feed's current quarantine, or null
   */
  public record Params(
      Feed feed, Instant now, ZoneId zone, Instant windowEnd, double massCancelShare, int confirmations,
      Duration minSpan, boolean confirm, @Nullable Quarantine previous) {
    public Params {
      Objects.requireNonNull(feed, "feed");
      Objects.requireNonNull(now, "now");
      Objects.requireNonNull(zone, "zone");
      Objects.requireNonNull(windowEnd, "windowEnd");
      Objects.requireNonNull(minSpan, "minSpan");
    }
  }

  /**
   * The diff.
   *
   * @param upserts events to write
   * @param rekeys UID reissues, applied before the upserts
   * @param changes typed changes, in the order computed
   * @param counts counts
   * @param quarantine the feed's quarantine after this run (null: none)
   * @param heldBack true when this run held cancellations back
   * @param pendingCancellations the events whose cancellation was held back
   */
  public record Result(
      List<CalendarEvent> upserts,
      List<FeedApply.Rekey> rekeys,
      List<ChangeEvent> changes,
      ChangeCounts counts,
      @Nullable Quarantine quarantine,
      boolean heldBack,
      List<CalendarEvent> pendingCancellations) {}

  /** A stored event and whether the fetched feed still has it. */
  private static final class Slot {
    final CalendarEvent event;
    boolean seen;

    Slot(CalendarEvent event) {
      this.event = event;
    }
  }

  public static Result compute(Params p, List<CalendarEvent> stored, List<Incoming> incoming) {
    Feed feed = p.feed();
    Instant now = p.now();
    Map<EventKey, Slot> byKey = new HashMap<>(Math.max(16, stored.size() * 2));
    Slot[] slots = new Slot[stored.size()];
    for (int i = 0; i < slots.length; i++) {
      slots[i] = new Slot(stored.get(i));
      byKey.put(slots[i].event.key(), slots[i]);
    }
    Set<EventKey> freshKeys = new HashSet<>();
    List<CalendarEvent> upserts = new ArrayList<>();
    List<ChangeEvent> changes = new ArrayList<>();
    List<Incoming> fresh = new ArrayList<>();
    int seenCount = 0;
    int unchanged = 0;
    int updated = 0;
    int reinstated = 0;
    int cancelled = 0;
    int activeIncoming = 0;
    for (Incoming in : incoming) {
      Slot slot = byKey.get(in.key());
      if (slot != null ? slot.seen : !freshKeys.add(in.key())) {
        continue; // duplicate UID in the feed: the first one wins
      }
      seenCount++;
      boolean cancelledInFeed = in.status() == EventStatus.CANCELLED;
      if (!cancelledInFeed) {
        activeIncoming++;
      }
      if (slot == null) {
        if (!cancelledInFeed) {
          fresh.add(in);
        }
        continue;
      }
      slot.seen = true;
      CalendarEvent s = slot.event;
      if (s.isCancelled()) {
        if (cancelledInFeed) {
          unchanged++;
        } else {
          CalendarEvent e = event(feed, in, s.firstSeen(), now, s.sequence() + 1);
          upserts.add(e);
          changes.add(new ChangeEvent.Reinstated(e));
          reinstated++;
        }
      } else if (cancelledInFeed) {
        CalendarEvent e = s.cancel(now);
        upserts.add(e);
        changes.add(new ChangeEvent.Cancelled(e));
        cancelled++;
      } else if (s.fingerprint() == in.fingerprint()) {
        unchanged++;
      } else {
        CalendarEvent e = event(feed, in, s.firstSeen(), now, s.sequence() + 1);
        upserts.add(e);
        changes.add(s.range().equals(in.range())
            ? new ChangeEvent.Updated(s, e)
            : new ChangeEvent.DatesChanged(e, s.range(), in.range()));
        updated++;
      }
    }

    // Vanished events that matter: active, ending after now, within the horizon.
    Horizon horizon = new Horizon(now, p.windowEnd(), p.zone());
    int future = 0;
    Map<DateRange, ArrayDeque<CalendarEvent>> vanishedByRange = new HashMap<>();
    List<CalendarEvent> vanished = new ArrayList<>();
    for (Slot slot : slots) {
      CalendarEvent s = slot.event;
      if (s.isCancelled() || !horizon.counts(s.range())) {
        continue;
      }
      future++;
      if (!slot.seen) {
        vanished.add(s);
        vanishedByRange.computeIfAbsent(s.range(), r -> new ArrayDeque<>()).add(s);
      }
    }

    // UID reissue: a new event covering exactly the dates of a vanished one is that stay.
    List<FeedApply.Rekey> rekeys = new ArrayList<>();
    Set<EventKey> reissuedFrom = new HashSet<>();
    int reissued = 0;
    int created = 0;
    for (Incoming in : fresh) {
      ArrayDeque<CalendarEvent> same = vanished.isEmpty() ? null : vanishedByRange.get(in.range());
      CalendarEvent old = same == null ? null : same.poll();
      if (old != null) {
        rekeys.add(new FeedApply.Rekey(old.key(), in.key()));
        reissuedFrom.add(old.key());
        CalendarEvent e = event(feed, in, old.firstSeen(), now, old.sequence() + 1);
        upserts.add(e);
        changes.add(new ChangeEvent.UidReissued(old.key(), e));
        reissued++;
      } else {
        CalendarEvent e = event(feed, in, now, now, 0);
        upserts.add(e);
        changes.add(new ChangeEvent.Created(e));
        created++;
      }
    }
    List<CalendarEvent> pending = new ArrayList<>(vanished.size());
    for (CalendarEvent s : vanished) {
      if (!reissuedFrom.contains(s.key())) {
        pending.add(s);
      }
    }

    // The mass-cancel guard.
    Quarantine quarantine = null;
    boolean hold = false;
    boolean empty = activeIncoming == 0;
    boolean suspicious = future > 0 && !pending.isEmpty()
        && (empty || pending.size() > p.massCancelShare() * future);
    if (suspicious) {
      String digest = digestOf(pending);
      Quarantine prev = p.previous();
      // the held-back result seen again, or null
      Quarantine again = prev != null && prev.resultDigest().equals(digest) ? prev : null;
      boolean same = again != null;
      // a count of zero: a failed sync came after the last result, so this one counts from one
      int seenTimes = again != null && again.confirmations() > 0 ? again.confirmations() + 1 : 1;
      Instant firstSeen = again != null && seenTimes > 1 ? again.since() : now;
      // one confirmation (the guard off) has no span to wait for
      boolean confirmed = (p.confirm() && same) || (seenTimes >= p.confirmations()
          && (seenTimes == 1 || !now.isBefore(firstSeen.plus(p.minSpan()))));
      if (!confirmed) {
        hold = true;
        String reason = empty
            ? "feed came back empty; it had " + future + " future events"
            : "would cancel " + pending.size() + " of " + future + " future events";
        quarantine = new Quarantine(reason, firstSeen, pending.size(), digest, seenTimes);
        changes.add(new ChangeEvent.FeedQuarantined(feed, quarantine));
      }
    }
    if (!hold) {
      for (CalendarEvent s : pending) {
        CalendarEvent e = s.cancel(now);
        upserts.add(e);
        changes.add(new ChangeEvent.Cancelled(e));
        cancelled++;
      }
    }
    ChangeCounts counts = new ChangeCounts(seenCount, created, updated, cancelled, reinstated, unchanged,
        reissued, hold ? pending.size() : 0);
    return new Result(upserts, rekeys, changes, counts, quarantine, hold, hold ? pending : List.of());
  }

  private static CalendarEvent event(Feed feed, Incoming in, Instant firstSeen, Instant now, int sequence) {
    EventStatus status = in.status() == EventStatus.CANCELLED ? EventStatus.CONFIRMED : in.status();
    return CalendarEvent.builder()
        .key(in.key())
        .property(feed.property())
        .source(feed.source())
        .range(in.range())
        .kind(in.kind())
        .status(status)
        .summary(in.summary())
        .fingerprint(in.fingerprint())
        .firstSeen(firstSeen)
        .lastSeen(now)
        .lastChanged(now)
        .sequence(sequence)
        .build();
  }

  /** True when the range ends after {@code now}; an all-day range ends at its check-out day's start. */
  public static boolean endsAfter(DateRange range, Instant now, ZoneId zone) {
    if (range instanceof DateRange.AllDay d) {
      return d.end().isAfter(LocalDate.ofInstant(now, zone));
    }
    return ((DateRange.Timed) range).end().isAfter(now);
  }

  /**
   * "Ends after now and starts before the window's end", with the zone arithmetic done once per
   * diff instead of once per event.
   */
  private static final class Horizon {
    final Instant now;
    final Instant windowEnd;
    final LocalDate today;
    /** All-day events starting before this date start before the window's end. */
    final LocalDate firstDateOutside;

    Horizon(Instant now, Instant windowEnd, ZoneId zone) {
      this.now = now;
      this.windowEnd = windowEnd;
      this.today = LocalDate.ofInstant(now, zone);
      LocalDate d = LocalDate.ofInstant(windowEnd, zone);
      this.firstDateOutside = d.atStartOfDay(zone).toInstant().isBefore(windowEnd) ? d.plusDays(1) : d;
    }

    boolean counts(DateRange range) {
      if (range instanceof DateRange.AllDay d) {
        return d.end().isAfter(today) && d.start().isBefore(firstDateOutside);
      }
      DateRange.Timed t = (DateRange.Timed) range;
      return t.end().isAfter(now) && t.start().isBefore(windowEnd);
    }
  }

  /** Digest of a set of cancellations: the same set gives the same digest. */
  static String digestOf(List<CalendarEvent> pending) {
    List<String> keys = new ArrayList<>(pending.size());
    for (CalendarEvent e : pending) {
      keys.add(e.key().uid() + '\u0000' + e.key().recurrenceId());
    }
    keys.sort(null);
    MessageDigest md = Digests.sha256();
    for (String k : keys) {
      md.update(k.getBytes(StandardCharsets.UTF_8));
      md.update((byte) 1);
    }
    return HexFormat.of().formatHex(md.digest());
  }
}

package dev.icssync.internal.conflict;

import dev.icssync.CalendarEvent;
import dev.icssync.ChangeEvent;
import dev.icssync.Conflict;
import dev.icssync.ConflictStatus;
import dev.icssync.EventKey;
import dev.icssync.spi.ConflictPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles detected overlaps with stored conflicts of one property: a new overlap opens a conflict
 * (the policy marks a winner), a stored open or ignored conflict whose overlap is gone is resolved,
 * an ignored one that still overlaps stays ignored, and a resolved one that comes back opens again.
 */
public final class ConflictLifecycle {
  private static final Logger log = LoggerFactory.getLogger(ConflictLifecycle.class);

  private ConflictLifecycle() {}

  /**
   * What to save and tell.
   *
   * @param toSave new or changed conflicts
   * @param changes ConflictOpened / ConflictResolved
   * @param opened conflicts opened
   * @param resolved conflicts resolved
   */
  public record Result(List<Conflict> toSave, List<ChangeEvent> changes, int opened, int resolved) {}

  public static Result reconcile(String tenant, String property, List<ConflictDetector.Overlap> detected,
      List<Conflict> existing, ConflictPolicy policy, Instant now) {
    return reconcile(tenant, property, detected, existing, policy, now, Map.of());
  }

  /**
   * @param existing the stored conflicts of the property that the detection covered (any status)
   * @param renamed events whose UID was reissued in this sync, old key to new key: a conflict of the
   *     old key carries on under the new one (an ignored conflict stays ignored; no opened/resolved
   *     pair is reported), and the old record is closed silently
   */
  public static Result reconcile(String tenant, String property, List<ConflictDetector.Overlap> detected,
      List<Conflict> existing, ConflictPolicy policy, Instant now, Map<EventKey, EventKey> renamed) {
    Map<String, Conflict> stored = new HashMap<>();
    for (Conflict c : existing) {
      stored.put(c.id(), c);
    }
    Map<String, Conflict> inherited = new HashMap<>();
    if (!renamed.isEmpty()) {
      for (Conflict c : existing) {
        if (c.status() != ConflictStatus.RESOLVED && (renamed.containsKey(c.first()) || renamed.containsKey(c.second()))) {
          inherited.put(Conflict.idOf(renamed.getOrDefault(c.first(), c.first()),
              renamed.getOrDefault(c.second(), c.second())), c);
        }
      }
    }
    Map<String, Boolean> carriedOver = new HashMap<>();
    List<Conflict> toSave = new ArrayList<>();
    List<ChangeEvent> changes = new ArrayList<>();
    int opened = 0;
    int resolved = 0;
    Map<String, Boolean> live = new HashMap<>();
    for (ConflictDetector.Overlap o : detected) {
      String id = Conflict.idOf(o.a().key(), o.b().key());
      if (live.put(id, Boolean.TRUE) != null) {
        continue;
      }
      EventKey first = o.a().key().compareTo(o.b().key()) < 0 ? o.a().key() : o.b().key();
      EventKey second = first.equals(o.a().key()) ? o.b().key() : o.a().key();
      @Nullable EventKey winner = winner(policy, o.a(), o.b());
      Conflict old = stored.get(id);
      Conflict predecessor = old == null ? inherited.get(id) : null;
      if (predecessor != null) {
        toSave.add(new Conflict(id, tenant, property, first, second, o.overlap(), predecessor.status(), winner,
            predecessor.openedAt(), null));
        toSave.add(new Conflict(predecessor.id(), tenant, property, predecessor.first(), predecessor.second(),
            predecessor.overlap(), ConflictStatus.RESOLVED, predecessor.winner(), predecessor.openedAt(), now));
        carriedOver.put(predecessor.id(), Boolean.TRUE);
      } else if (old == null || old.status() == ConflictStatus.RESOLVED) {
        Conflict c = new Conflict(id, tenant, property, first, second, o.overlap(), ConflictStatus.OPEN, winner,
            now, null);
        toSave.add(c);
        changes.add(new ChangeEvent.ConflictOpened(c));
        opened++;
      } else if (!old.overlap().equals(o.overlap()) || !Objects.equals(old.winner(), winner)) {
        toSave.add(new Conflict(id, tenant, property, first, second, o.overlap(), old.status(), winner,
            old.openedAt(), null));
      }
    }
    for (Conflict c : existing) {
      if (c.status() != ConflictStatus.RESOLVED && !live.containsKey(c.id()) && !carriedOver.containsKey(c.id())) {
        Conflict r = new Conflict(c.id(), c.tenant(), c.property(), c.first(), c.second(), c.overlap(),
            ConflictStatus.RESOLVED, c.winner(), c.openedAt(), now);
        toSave.add(r);
        changes.add(new ChangeEvent.ConflictResolved(r));
        resolved++;
      }
    }
    return new Result(toSave, changes, opened, resolved);
  }

  private static @Nullable EventKey winner(ConflictPolicy policy, CalendarEvent a, CalendarEvent b) {
    try {
      @Nullable EventKey w = policy.winner(a, b);
      return w != null && (w.equals(a.key()) || w.equals(b.key())) ? w : null;
    } catch (RuntimeException e) {
      log.warn("conflict policy failed; keeping both sides", e);
      return null;
    }
  }
}

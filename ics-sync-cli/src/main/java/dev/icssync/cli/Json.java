package dev.icssync.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.icssync.CalendarEvent;
import dev.icssync.ChangeEvent;
import dev.icssync.Conflict;
import dev.icssync.DateRange;
import dev.icssync.EventKey;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.SyncReport;
import dev.icssync.SyncTimings;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The JSON the commands print: field names are a stable contract (see the README). */
final class Json {
  /** Holds the mapper: loaded, and the mapper made, on the first call of {@link #mapper()}. */
  private static final class Mapper {
    static final ObjectMapper INSTANCE = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  private Json() {}

  /**
   * The mapper, made on first use: the text output of a command ({@link #lower} and the like) never
   * pays for Jackson's start-up (about 600 classes).
   */
  static ObjectMapper mapper() {
    return Mapper.INSTANCE;
  }

  static ObjectNode object() {
    return mapper().createObjectNode();
  }

  static ArrayNode array() {
    return mapper().createArrayNode();
  }

  static void print(PrintWriter out, JsonNode node) {
    try {
      out.println(mapper().writeValueAsString(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  static @Nullable String text(@Nullable Instant i) {
    return i == null ? null : i.toString();
  }

  /** {@code 2026-08-24} for all-day bounds, {@code 2026-08-24T13:00:00Z} for timed ones. */
  static void range(ObjectNode node, DateRange range) {
    if (range instanceof DateRange.AllDay d) {
      node.put("start", d.start().toString());
      node.put("end", d.end().toString());
      node.put("allDay", true);
    } else {
      DateRange.Timed t = (DateRange.Timed) range;
      node.put("start", t.start().toString());
      node.put("end", t.end().toString());
      node.put("allDay", false);
    }
  }

  /** The event fields shared by {@code check} and {@code events}. */
  static ObjectNode event(String uid, String recurrenceId, DateRange range, EventKind kind, EventStatus status,
      String summary) {
    ObjectNode n = object();
    n.put("uid", uid);
    n.put("recurrenceId", recurrenceId.isEmpty() ? null : recurrenceId);
    range(n, range);
    n.put("kind", lower(kind));
    n.put("status", lower(status));
    n.put("summary", summary);
    return n;
  }

  static ObjectNode event(CalendarEvent e) {
    ObjectNode n = event(e.key().uid(), e.key().recurrenceId(), e.range(), e.kind(), e.status(), e.summary());
    n.put("feedId", e.feedId());
    n.put("source", e.source());
    n.put("sequence", e.sequence());
    n.put("firstSeen", text(e.firstSeen()));
    n.put("lastChanged", text(e.lastChanged()));
    n.put("cancelledAt", text(e.cancelledAt()));
    return n;
  }

  static ObjectNode feed(Feed f, FeedState s) {
    ObjectNode n = object();
    n.put("id", f.id());
    n.put("tenant", f.tenant());
    n.put("property", f.property());
    n.put("source", f.source());
    n.put("url", f.redactedUrl());
    n.put("interval", f.pollInterval().toString());
    n.put("active", f.active());
    n.put("priority", f.priority());
    n.put("lastAttempt", text(s.lastAttempt()));
    n.put("lastSuccess", text(s.lastSuccess()));
    n.put("consecutiveFailures", s.consecutiveFailures());
    n.put("lastError", s.lastError());
    n.put("quarantine", s.quarantine() == null ? null : s.quarantine().reason());
    return n;
  }

  /**
   * {@link #feed(Feed, FeedState)} and, for {@code feeds list}, when the feed is next due and why it is
   * held: {@code held} is null, or the cancellations held back, the identical results seen so far, how
   * many confirm, and from when the confirming one may come ({@code confirmableFrom}).
   */
  static ObjectNode feed(Feed f, FeedState s, int confirmations, java.time.Duration minSpan) {
    ObjectNode n = feed(f, s);
    n.put("nextDue", text(s.nextDue()));
    var q = s.quarantine();
    if (q == null) {
      n.putNull("held");
    } else {
      ObjectNode held = object();
      held.put("reason", q.reason());
      held.put("pendingCancellations", q.pendingCancellations());
      held.put("identicalResults", q.confirmations());
      held.put("confirmationsNeeded", confirmations);
      held.put("confirmableFrom", q.since().plus(minSpan).toString());
      n.set("held", held);
    }
    return n;
  }

  static ObjectNode key(EventKey k) {
    ObjectNode n = object();
    n.put("feedId", k.feedId());
    n.put("uid", k.uid());
    n.put("recurrenceId", k.recurrenceId().isEmpty() ? null : k.recurrenceId());
    return n;
  }

  static ObjectNode conflict(Conflict c) {
    ObjectNode n = object();
    n.put("id", c.id());
    n.put("tenant", c.tenant());
    n.put("property", c.property());
    n.put("status", lower(c.status()));
    n.set("first", key(c.first()));
    n.set("second", key(c.second()));
    ObjectNode overlap = object();
    overlap.put("start", c.overlap().start().toString());
    overlap.put("end", c.overlap().end().toString());
    n.set("overlap", overlap);
    n.set("winner", c.winner() == null ? null : key(c.winner()));
    n.put("openedAt", text(c.openedAt()));
    n.put("resolvedAt", text(c.resolvedAt()));
    return n;
  }

  /** A sync report: feed id, outcome, reason, counts, durations (milliseconds). */
  static ObjectNode report(SyncReport r) {
    ObjectNode n = object();
    n.put("feedId", r.feedId());
    n.put("tenant", r.tenant());
    n.put("property", r.property());
    n.put("source", r.source());
    n.put("outcome", lower(r.outcome()));
    n.put("reason", r.failure() == null ? null : lower(r.failure()));
    n.put("message", r.message());
    ObjectNode counts = object();
    counts.put("seen", r.counts().seen());
    counts.put("created", r.counts().created());
    counts.put("updated", r.counts().updated());
    counts.put("cancelled", r.counts().cancelled());
    counts.put("reinstated", r.counts().reinstated());
    counts.put("unchanged", r.counts().unchanged());
    counts.put("uidReissued", r.counts().uidReissued());
    counts.put("heldBack", r.counts().heldBack());
    n.set("counts", counts);
    n.put("conflictsOpened", r.conflictsOpened());
    n.put("conflictsResolved", r.conflictsResolved());
    SyncTimings t = r.timings();
    ObjectNode d = object();
    d.put("fetch", ms(t.fetch()));
    d.put("parse", ms(t.parse()));
    d.put("diff", ms(t.diff()));
    d.put("apply", ms(t.apply()));
    d.put("detect", ms(t.detect()));
    d.put("total", ms(t.total()));
    n.set("durations", d);
    n.put("bytes", r.bytes());
    n.put("startedAt", text(r.startedAt()));
    return n;
  }

  /** A dry run's report: {@link #report} and the changes it would make, each with its event. */
  static ObjectNode dryRun(SyncReport r) {
    ObjectNode n = report(r);
    ArrayNode changes = n.putArray("changes");
    for (ChangeEvent c : r.changes()) {
      CalendarEvent e = c instanceof ChangeEvent.Created x ? x.event()
          : c instanceof ChangeEvent.DatesChanged x ? x.event()
          : c instanceof ChangeEvent.Updated x ? x.after()
          : c instanceof ChangeEvent.Cancelled x ? x.event()
          : c instanceof ChangeEvent.Reinstated x ? x.event()
          : c instanceof ChangeEvent.UidReissued x ? x.event() : null;
      if (e == null) {
        continue; // conflicts and feed state: a dry run writes neither
      }
      ObjectNode o = changes.addObject();
      o.put("change", c.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT));
      o.set("event", event(e));
    }
    return n;
  }

  private static double ms(Duration d) {
    return Math.round(d.toNanos() / 10_000.0) / 100.0;
  }
}

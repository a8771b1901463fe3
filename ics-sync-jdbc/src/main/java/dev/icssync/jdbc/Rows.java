package dev.icssync.jdbc;

import dev.icssync.CalendarEvent;
import dev.icssync.DateRange;
import dev.icssync.EventKey;
import dev.icssync.EventKind;
import dev.icssync.EventStatus;
import dev.icssync.FeedState;
import dev.icssync.Quarantine;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jspecify.annotations.Nullable;

/** Column lists and row mapping shared by the dialects. */
final class Rows {
  private Rows() {}

  static final String STATE_COLUMNS = "tenant, feed_id, etag, last_modified, content_digest, parser_version, "
      + "last_attempt, last_success, consecutive_failures, last_error, next_due, quarantine_reason, "
      + "quarantine_since, quarantine_pending, quarantine_digest, quarantine_confirmations, generation";

  static final String EVENT_COLUMNS = "tenant, feed_id, uid, recurrence_id, property, source, all_day, start_at, "
      + "end_at, kind, status, summary, fingerprint, first_seen, last_seen, last_changed, sequence, cancelled_at";

  /** The event columns that an upsert compares and overwrites (everything but the key). */
  static final String[] EVENT_VALUE_COLUMNS = {"property", "source", "all_day", "start_at", "end_at", "kind",
      "status", "summary", "fingerprint", "first_seen", "last_seen", "last_changed", "sequence", "cancelled_at"};

  static FeedState state(ResultSet rs) throws SQLException {
    String reason = rs.getString("quarantine_reason");
    Quarantine q = reason == null ? null : new Quarantine(reason, instant(rs, "quarantine_since"),
        rs.getInt("quarantine_pending"), rs.getString("quarantine_digest"), rs.getInt("quarantine_confirmations"));
    return FeedState.builder()
        .tenant(rs.getString("tenant"))
        .feedId(rs.getString("feed_id"))
        .etag(rs.getString("etag"))
        .lastModified(rs.getString("last_modified"))
        .contentDigest(rs.getString("content_digest"))
        .parserVersion(rs.getInt("parser_version"))
        .lastAttempt(instantOrNull(rs, "last_attempt"))
        .lastSuccess(instantOrNull(rs, "last_success"))
        .consecutiveFailures(rs.getInt("consecutive_failures"))
        .lastError(rs.getString("last_error"))
        .nextDue(instantOrNull(rs, "next_due"))
        .quarantine(q)
        .generation(rs.getLong("generation"))
        .build();
  }

  /** Binds every state column after the key, starting at {@code i}; returns the next index. */
  static int bindStateValues(PreparedStatement ps, int i, FeedState s, Dialect d) throws SQLException {
    ps.setString(i++, s.etag());
    ps.setString(i++, s.lastModified());
    ps.setString(i++, s.contentDigest());
    ps.setInt(i++, s.parserVersion());
    setInstant(ps, i++, s.lastAttempt(), d);
    setInstant(ps, i++, s.lastSuccess(), d);
    ps.setInt(i++, s.consecutiveFailures());
    ps.setString(i++, s.lastError());
    setInstant(ps, i++, s.nextDue(), d);
    Quarantine q = s.quarantine();
    ps.setString(i++, q == null ? null : q.reason());
    setInstant(ps, i++, q == null ? null : q.since(), d);
    setInteger(ps, i++, q == null ? null : q.pendingCancellations());
    ps.setString(i++, q == null ? null : q.resultDigest());
    setInteger(ps, i++, q == null ? null : q.confirmations());
    ps.setLong(i++, s.generation());
    return i;
  }

  static CalendarEvent event(ResultSet rs) throws SQLException {
    return event(rs, null);
  }

  /**
   * The event of the current row. Values equal to those of {@code previous} (the row before: the
   * tenant, feed, property, source, summary, timestamps of one sync) are taken from it, so a large
   * read holds each repeated value once rather than once per row.
   */
  static CalendarEvent event(ResultSet rs, @Nullable CalendarEvent previous) throws SQLException {
    @Nullable CalendarEvent p = previous;
    String tenant = same(rs.getString(1), p == null ? null : p.key().tenant());
    String feedId = same(rs.getString(2), p == null ? null : p.key().feedId());
    String rid = same(rs.getString(4), p == null ? null : p.key().recurrenceId());
    EventKey key = new EventKey(tenant, feedId, rs.getString(3), rid);
    boolean allDay = rs.getBoolean(7);
    Instant start = instant(rs, 8);
    Instant end = instant(rs, 9);
    DateRange range = allDay
        ? DateRange.allDay(LocalDate.ofInstant(start, ZoneOffset.UTC), LocalDate.ofInstant(end, ZoneOffset.UTC))
        : DateRange.timed(start, end);
    OffsetDateTime cancelled = rs.getObject(18, OffsetDateTime.class);
    Instant firstSeen = same(instant(rs, 14), p == null ? null : p.firstSeen());
    Instant lastSeen = same(same(instant(rs, 15), firstSeen), p == null ? null : p.lastSeen());
    Instant lastChanged = same(same(instant(rs, 16), lastSeen), p == null ? null : p.lastChanged());
    return CalendarEvent.builder()
        .key(key)
        .property(same(rs.getString(5), p == null ? null : p.property()))
        .source(same(rs.getString(6), p == null ? null : p.source()))
        .range(range)
        .kind(EventKind.valueOf(rs.getString(10)))
        .status(EventStatus.valueOf(rs.getString(11)))
        .summary(same(rs.getString(12), p == null ? null : p.summary()))
        .fingerprint(rs.getLong(13))
        .firstSeen(firstSeen)
        .lastSeen(lastSeen)
        .lastChanged(lastChanged)
        .sequence(rs.getInt(17))
        .cancelledAt(cancelled == null ? null : same(cancelled.toInstant(), p == null ? null : p.cancelledAt()))
        .build();
  }

  /** {@code known} when it equals {@code value}: one instance of a value repeated row after row. */
  private static <T> T same(T value, @Nullable T known) {
    return known != null && known.equals(value) ? known : value;
  }

  /** The stored start of a range: all-day dates at UTC midnight. */
  static Instant start(DateRange r) {
    return r instanceof DateRange.AllDay d ? midnight(d.start()) : ((DateRange.Timed) r).start();
  }

  static Instant end(DateRange r) {
    return r instanceof DateRange.AllDay d ? midnight(d.end()) : ((DateRange.Timed) r).end();
  }

  /** Midnight UTC of {@code date}, by arithmetic (the zone machinery of atStartOfDay showed in profiles). */
  static Instant midnight(LocalDate date) {
    return Instant.ofEpochSecond(Math.multiplyExact(date.toEpochDay(), 86_400L));
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    return rs.getObject(column, OffsetDateTime.class).toInstant();
  }

  static Instant instant(ResultSet rs, int column) throws SQLException {
    return rs.getObject(column, OffsetDateTime.class).toInstant();
  }

  static @Nullable Instant instantOrNull(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  static void setInstant(PreparedStatement ps, int i, @Nullable Instant value, Dialect d) throws SQLException {
    if (value == null) {
      ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      d.setInstant(ps, i, value);
    }
  }

  static void setInteger(PreparedStatement ps, int i, @Nullable Integer value) throws SQLException {
    if (value == null) {
      ps.setNull(i, Types.INTEGER);
    } else {
      ps.setInt(i, value);
    }
  }

  /** Microseconds since the epoch (PostgreSQL's timestamp resolution). */
  static long epochMicros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
  }
}

package dev.icssync;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Objects;

/**
 * A half-open range {@code [start, end)}: all-day ranges are {@link LocalDate}s (the end is the
 * check-out day, exclusive), timed ranges are {@link Instant}s. A range never ends before it starts.
 */
public sealed interface DateRange permits DateRange.AllDay, DateRange.Timed {

  static AllDay allDay(LocalDate start, LocalDate end) {
    return new AllDay(start, end);
  }

  static Timed timed(Instant start, Instant end) {
    return new Timed(start, end);
  }

  boolean isAllDay();

  /** This range as instants: all-day dates are placed in {@code zone} at the given times. */
  Timed toInstants(ZoneId zone, LocalTime checkIn, LocalTime checkOut);

  /** True when the range contains no time at all (start == end). */
  boolean isEmpty();

  /** All-day range of dates, end exclusive. */
  record AllDay(LocalDate start, LocalDate end) implements DateRange {
    public AllDay {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      if (end.isBefore(start)) {
        throw new IllegalArgumentException("range ends (" + end + ") before it starts (" + start + ")");
      }
    }

    @Override
    public boolean isAllDay() {
      return true;
    }

    @Override
    public boolean isEmpty() {
      return start.equals(end);
    }

    /**
     * A stay from {@code start} at check-in time to {@code end} at check-out time; an empty or
     * one-day range with check-out after check-in collapses to an empty range at check-in.
     */
    @Override
    public Timed toInstants(ZoneId zone, LocalTime checkIn, LocalTime checkOut) {
      Instant s = start.atTime(checkIn).atZone(zone).toInstant();
      Instant e = end.atTime(checkOut).atZone(zone).toInstant();
      return new Timed(s, e.isBefore(s) ? s : e);
    }

    @Override
    public String toString() {
      return start + "/" + end;
    }
  }

  /** Timed range of instants, end exclusive. */
  record Timed(Instant start, Instant end) implements DateRange {
    public Timed {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      if (end.isBefore(start)) {
        throw new IllegalArgumentException("range ends (" + end + ") before it starts (" + start + ")");
      }
    }

    @Override
    public boolean isAllDay() {
      return false;
    }

    @Override
    public boolean isEmpty() {
      return start.equals(end);
    }

    @Override
    public Timed toInstants(ZoneId zone, LocalTime checkIn, LocalTime checkOut) {
      return this;
    }

    /** True when both ranges share some time; touching ends ({@code [a,b)} and {@code [b,c)}) do not. */
    public boolean overlaps(Timed other) {
      return start.isBefore(other.end) && other.start.isBefore(end);
    }

    @Override
    public String toString() {
      return start + "/" + end;
    }
  }
}

package dev.icssync.engine.scenario;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;

/** Builds channel-shaped .ics bodies (shapes from CHANNELS.md; UIDs and digits made up). */
final class Ics {
  private static final DateTimeFormatter D = DateTimeFormatter.BASIC_ISO_DATE;
  private final StringBuilder sb = new StringBuilder();
  private final String dtstamp;

  private Ics(String prodId, String dtstamp) {
    this.dtstamp = dtstamp;
    sb.append("BEGIN:VCALENDAR\r\nPRODID:").append(prodId).append("\r\nCALSCALE:GREGORIAN\r\nVERSION:2.0\r\n");
  }

  static Ics airbnb() {
    return airbnb("20260610T120000Z");
  }

  static Ics airbnb(String dtstamp) {
    return new Ics("-//Airbnb Inc//Hosting Calendar 1.0//EN", dtstamp);
  }

  static Ics booking() {
    return new Ics("-//admin.booking.com\\\\\\, b.v.//NONSGML v1.0//EN", "20260610T120000Z");
  }

  static Ics vrbo() {
    return new Ics("-//HomeAway.com, Inc.//EN", "20260610T120000Z");
  }

  static Ics google() {
    return new Ics("-//Google Inc//Google Calendar 70.9054//EN", "20260610T120000Z");
  }

  Ics allDay(String uid, LocalDate from, LocalDate to, String summary, String... extra) {
    sb.append("BEGIN:VEVENT\r\n");
    if (dtstamp != null) {
      sb.append("DTSTAMP:").append(dtstamp).append("\r\n");
    }
    sb.append("DTSTART;VALUE=DATE:").append(D.format(from)).append("\r\n");
    sb.append("DTEND;VALUE=DATE:").append(D.format(to)).append("\r\n");
    sb.append("UID:").append(uid).append("\r\n");
    for (String line : extra) {
      sb.append(line).append("\r\n");
    }
    sb.append("SUMMARY:").append(summary).append("\r\n");
    sb.append("END:VEVENT\r\n");
    return this;
  }

  Ics timed(String uid, String start, String end, String summary) {
    sb.append("BEGIN:VEVENT\r\nDTSTAMP:").append(dtstamp).append("\r\nDTSTART:").append(start)
        .append("\r\nDTEND:").append(end).append("\r\nUID:").append(uid).append("\r\nSUMMARY:").append(summary)
        .append("\r\nEND:VEVENT\r\n");
    return this;
  }

  /** An Airbnb reservation with the personal data Airbnb puts in the description. */
  Ics reserved(String hex, LocalDate from, LocalDate to) {
    return allDay("1418fb94e984-" + hex + "@airbnb.com", from, to, "Reserved",
        "DESCRIPTION:Reservation URL: https://www.airbnb.com/hosting/reservations/details/HMABCDE123\\nPhone",
        " Number (Last 4 Digits): 1234");
  }

  Ics notAvailable(String hex, LocalDate from, LocalDate to) {
    return allDay("7f662ec65913-" + hex + "@airbnb.com", from, to, "Airbnb (Not available)");
  }

  String build() {
    return sb + "END:VCALENDAR\r\n";
  }
}

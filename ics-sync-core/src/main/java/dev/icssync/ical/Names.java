package dev.icssync.ical;

/** Property, parameter and component names as small ints, matched case-insensitively on bytes. */
final class Names {
  private Names() {}

  static final int INVALID = -1;
  static final int OTHER = 0;
  static final int BEGIN = 1;
  static final int END = 2;
  static final int UID = 3;
  static final int DTSTART = 4;
  static final int DTEND = 5;
  static final int DURATION = 6;
  static final int SUMMARY = 7;
  static final int DESCRIPTION = 8;
  static final int STATUS = 9;
  static final int TRANSP = 10;
  static final int SEQUENCE = 11;
  static final int DTSTAMP = 12;
  static final int LAST_MODIFIED = 13;
  static final int CREATED = 14;
  static final int RRULE = 15;
  static final int RDATE = 16;
  static final int EXDATE = 17;
  static final int RECURRENCE_ID = 18;
  static final int PRODID = 19;
  static final int X_WR_TIMEZONE = 20;
  static final int TZID = 21;
  static final int EXRULE = 22;

  // parameters
  static final int P_VALUE = 1;
  static final int P_TZID = 2;
  static final int P_RANGE = 3;

  // components
  static final int C_OTHER = 0;
  static final int C_VCALENDAR = 1;
  static final int C_VEVENT = 2;
  static final int C_VTIMEZONE = 3;

  /** Property name of {@code b[s, e)}; {@link #INVALID} when it holds characters a name cannot. */
  static int property(byte[] b, int s, int e) {
    int n = e - s;
    if (n == 0) {
      return INVALID;
    }
    int known = known(b, s, n);
    if (known != OTHER) {
      return known;
    }
    for (int i = s; i < e; i++) {
      byte c = b[i];
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
        return INVALID;
      }
    }
    return OTHER;
  }

  private static int known(byte[] b, int s, int n) {
    switch (n) {
      case 3:
        if (eq(b, s, "UID")) return UID;
        if (eq(b, s, "END")) return END;
        break;
      case 4:
        if (eq(b, s, "TZID")) return TZID;
        break;
      case 5:
        if (eq(b, s, "BEGIN")) return BEGIN;
        if (eq(b, s, "DTEND")) return DTEND;
        if (eq(b, s, "RRULE")) return RRULE;
        if (eq(b, s, "RDATE")) return RDATE;
        break;
      case 6:
        if (eq(b, s, "STATUS")) return STATUS;
        if (eq(b, s, "TRANSP")) return TRANSP;
        if (eq(b, s, "EXDATE")) return EXDATE;
        if (eq(b, s, "PRODID")) return PRODID;
        if (eq(b, s, "EXRULE")) return EXRULE;
        break;
      case 7:
        if (eq(b, s, "DTSTART")) return DTSTART;
        if (eq(b, s, "SUMMARY")) return SUMMARY;
        if (eq(b, s, "DTSTAMP")) return DTSTAMP;
        if (eq(b, s, "CREATED")) return CREATED;
        break;
      case 8:
        if (eq(b, s, "DURATION")) return DURATION;
        if (eq(b, s, "SEQUENCE")) return SEQUENCE;
        break;
      case 11:
        if (eq(b, s, "DESCRIPTION")) return DESCRIPTION;
        break;
      case 13:
        if (eq(b, s, "LAST-MODIFIED")) return LAST_MODIFIED;
        if (eq(b, s, "RECURRENCE-ID")) return RECURRENCE_ID;
        if (eq(b, s, "X-WR-TIMEZONE")) return X_WR_TIMEZONE;
        break;
      default:
        break;
    }
    return OTHER;
  }

  static int parameter(byte[] b, int s, int e) {
    switch (e - s) {
      case 4:
        if (eq(b, s, "TZID")) return P_TZID;
        break;
      case 5:
        if (eq(b, s, "VALUE")) return P_VALUE;
        if (eq(b, s, "RANGE")) return P_RANGE;
        break;
      default:
        break;
    }
    return OTHER;
  }

  /** Component named by a BEGIN/END value {@code b[s, e)} (trailing white space ignored). */
  static int component(byte[] b, int s, int e) {
    switch (e - s) {
      case 6:
        if (eq(b, s, "VEVENT")) return C_VEVENT;
        break;
      case 9:
        if (eq(b, s, "VCALENDAR")) return C_VCALENDAR;
        if (eq(b, s, "VTIMEZONE")) return C_VTIMEZONE;
        break;
      default:
        break;
    }
    return C_OTHER;
  }

  /** Case-insensitive match of {@code b[s, s + k.length())} against upper-case ASCII {@code k}. */
  static boolean eq(byte[] b, int s, String k) {
    int n = k.length();
    if (s + n > b.length) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      int c = b[s + i];
      if (c >= 'a' && c <= 'z') {
        c -= 32;
      }
      if (c != k.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}

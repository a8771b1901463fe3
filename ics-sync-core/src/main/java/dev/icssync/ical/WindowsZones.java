package dev.icssync.ical;

import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Windows time zone names (as Outlook and Exchange write them in TZID) to IANA ids, after CLDR; also
 * Windows display names ({@code (UTC-05:00) Eastern Time (US & Canada)}) and their offsets.
 */
final class WindowsZones {
  private WindowsZones() {}

  private static final Map<String, String> MAP = new HashMap<>();

  static {
    String[] t = {
      "Dateline Standard Time", "Etc/GMT+12",
      "UTC-11", "Etc/GMT+11",
      "Aleutian Standard Time", "America/Adak",
      "Hawaiian Standard Time", "Pacific/Honolulu",
      "Marquesas Standard Time", "Pacific/Marquesas",
      "Alaskan Standard Time", "America/Anchorage",
      "UTC-09", "Etc/GMT+9",
      "Pacific Standard Time (Mexico)", "America/Tijuana",
      "UTC-08", "Etc/GMT+8",
      "Pacific Standard Time", "America/Los_Angeles",
      "US Mountain Standard Time", "America/Phoenix",
      "Mountain Standard Time (Mexico)", "America/Mazatlan",
      "Mountain Standard Time", "America/Denver",
      "Yukon Standard Time", "America/Whitehorse",
      "Central America Standard Time", "America/Guatemala",
      "Central Standard Time", "America/Chicago",
      "Easter Island Standard Time", "Pacific/Easter",
      "Central Standard Time (Mexico)", "America/Mexico_City",
      "Canada Central Standard Time", "America/Regina",
      "SA Pacific Standard Time", "America/Bogota",
      "Eastern Standard Time (Mexico)", "America/Cancun",
      "Eastern Standard Time", "America/New_York",
      "Haiti Standard Time", "America/Port-au-Prince",
      "Cuba Standard Time", "America/Havana",
      "US Eastern Standard Time", "America/Indiana/Indianapolis",
      "Turks And Caicos Standard Time", "America/Grand_Turk",
      "Paraguay Standard Time", "America/Asuncion",
      "Atlantic Standard Time", "America/Halifax",
      "Venezuela Standard Time", "America/Caracas",
      "Central Brazilian Standard Time", "America/Cuiaba",
      "SA Western Standard Time", "America/La_Paz",
      "Pacific SA Standard Time", "America/Santiago",
      "Newfoundland Standard Time", "America/St_Johns",
      "Tocantins Standard Time", "America/Araguaina",
      "E. South America Standard Time", "America/Sao_Paulo",
      "SA Eastern Standard Time", "America/Cayenne",
      "Argentina Standard Time", "America/Argentina/Buenos_Aires",
      "Greenland Standard Time", "America/Godthab",
      "Montevideo Standard Time", "America/Montevideo",
      "Magallanes Standard Time", "America/Punta_Arenas",
      "Saint Pierre Standard Time", "America/Miquelon",
      "Bahia Standard Time", "America/Bahia",
      "UTC-02", "Etc/GMT+2",
      "Mid-Atlantic Standard Time", "Etc/GMT+2",
      "Azores Standard Time", "Atlantic/Azores",
      "Cape Verde Standard Time", "Atlantic/Cape_Verde",
      "UTC", "Etc/UTC",
      "Coordinated Universal Time", "Etc/UTC",
      "GMT Standard Time", "Europe/London",
      "Greenwich Standard Time", "Atlantic/Reykjavik",
      "Sao Tome Standard Time", "Africa/Sao_Tome",
      "Morocco Standard Time", "Africa/Casablanca",
      "W. Europe Standard Time", "Europe/Berlin",
      "Central Europe Standard Time", "Europe/Budapest",
      "Romance Standard Time", "Europe/Paris",
      "Central European Standard Time", "Europe/Warsaw",
      "W. Central Africa Standard Time", "Africa/Lagos",
      "Jordan Standard Time", "Asia/Amman",
      "GTB Standard Time", "Europe/Bucharest",
      "Middle East Standard Time", "Asia/Beirut",
      "Egypt Standard Time", "Africa/Cairo",
      "E. Europe Standard Time", "Europe/Chisinau",
      "Syria Standard Time", "Asia/Damascus",
      "West Bank Standard Time", "Asia/Hebron",
      "South Africa Standard Time", "Africa/Johannesburg",
      "FLE Standard Time", "Europe/Kiev",
      "Israel Standard Time", "Asia/Jerusalem",
      "South Sudan Standard Time", "Africa/Juba",
      "Kaliningrad Standard Time", "Europe/Kaliningrad",
      "Sudan Standard Time", "Africa/Khartoum",
      "Libya Standard Time", "Africa/Tripoli",
      "Namibia Standard Time", "Africa/Windhoek",
      "Arabic Standard Time", "Asia/Baghdad",
      "Turkey Standard Time", "Europe/Istanbul",
      "Arab Standard Time", "Asia/Riyadh",
      "Belarus Standard Time", "Europe/Minsk",
      "Russian Standard Time", "Europe/Moscow",
      "E. Africa Standard Time", "Africa/Nairobi",
      "Volgograd Standard Time", "Europe/Volgograd",
      "Iran Standard Time", "Asia/Tehran",
      "Arabian Standard Time", "Asia/Dubai",
      "Astrakhan Standard Time", "Europe/Astrakhan",
      "Azerbaijan Standard Time", "Asia/Baku",
      "Russia Time Zone 3", "Europe/Samara",
      "Mauritius Standard Time", "Indian/Mauritius",
      "Saratov Standard Time", "Europe/Saratov",
      "Georgian Standard Time", "Asia/Tbilisi",
      "Caucasus Standard Time", "Asia/Yerevan",
      "Afghanistan Standard Time", "Asia/Kabul",
      "West Asia Standard Time", "Asia/Tashkent",
      "Ekaterinburg Standard Time", "Asia/Yekaterinburg",
      "Pakistan Standard Time", "Asia/Karachi",
      "Qyzylorda Standard Time", "Asia/Qyzylorda",
      "India Standard Time", "Asia/Kolkata",
      "Sri Lanka Standard Time", "Asia/Colombo",
      "Nepal Standard Time", "Asia/Kathmandu",
      "Central Asia Standard Time", "Asia/Bishkek",
      "Bangladesh Standard Time", "Asia/Dhaka",
      "Omsk Standard Time", "Asia/Omsk",
      "Myanmar Standard Time", "Asia/Yangon",
      "SE Asia Standard Time", "Asia/Bangkok",
      "Altai Standard Time", "Asia/Barnaul",
      "W. Mongolia Standard Time", "Asia/Hovd",
      "North Asia Standard Time", "Asia/Krasnoyarsk",
      "N. Central Asia Standard Time", "Asia/Novosibirsk",
      "Tomsk Standard Time", "Asia/Tomsk",
      "China Standard Time", "Asia/Shanghai",
      "North Asia East Standard Time", "Asia/Irkutsk",
      "Singapore Standard Time", "Asia/Singapore",
      "W. Australia Standard Time", "Australia/Perth",
      "Taipei Standard Time", "Asia/Taipei",
      "Ulaanbaatar Standard Time", "Asia/Ulaanbaatar",
      "Aus Central W. Standard Time", "Australia/Eucla",
      "Transbaikal Standard Time", "Asia/Chita",
      "Tokyo Standard Time", "Asia/Tokyo",
      "North Korea Standard Time", "Asia/Pyongyang",
      "Korea Standard Time", "Asia/Seoul",
      "Yakutsk Standard Time", "Asia/Yakutsk",
      "Cen. Australia Standard Time", "Australia/Adelaide",
      "AUS Central Standard Time", "Australia/Darwin",
      "E. Australia Standard Time", "Australia/Brisbane",
      "AUS Eastern Standard Time", "Australia/Sydney",
      "West Pacific Standard Time", "Pacific/Port_Moresby",
      "Tasmania Standard Time", "Australia/Hobart",
      "Vladivostok Standard Time", "Asia/Vladivostok",
      "Lord Howe Standard Time", "Australia/Lord_Howe",
      "Bougainville Standard Time", "Pacific/Bougainville",
      "Russia Time Zone 10", "Asia/Srednekolymsk",
      "Magadan Standard Time", "Asia/Magadan",
      "Norfolk Standard Time", "Pacific/Norfolk",
      "Sakhalin Standard Time", "Asia/Sakhalin",
      "Central Pacific Standard Time", "Pacific/Guadalcanal",
      "Russia Time Zone 11", "Asia/Kamchatka",
      "New Zealand Standard Time", "Pacific/Auckland",
      "UTC+12", "Etc/GMT-12",
      "Fiji Standard Time", "Pacific/Fiji",
      "Chatham Islands Standard Time", "Pacific/Chatham",
      "UTC+13", "Etc/GMT-13",
      "Tonga Standard Time", "Pacific/Tongatapu",
      "Samoa Standard Time", "Pacific/Apia",
      "Line Islands Standard Time", "Pacific/Kiritimati",
    };
    for (int i = 0; i < t.length; i += 2) {
      MAP.put(t[i].toLowerCase(Locale.ROOT), t[i + 1]);
    }
  }

  /**
   * The places of Windows display names ({@code (UTC-05:00) Eastern Time (US & Canada)}, as
   * Outlook writes them in TZID, also with a {@code (GMT-05:00)} prefix of older versions) to
   * Windows ids: the current names after the comments of CLDR's windowsZones.xml, then names of
   * earlier Windows versions. Keys are compared by {@link #placesKey}.
   */
  private static final Map<String, String> DISPLAY = new HashMap<>();

  static {
    String[] t = {
      "International Date Line West", "Dateline Standard Time",
      "Coordinated Universal Time-11", "UTC-11",
      "Aleutian Islands", "Aleutian Standard Time",
      "Hawaii", "Hawaiian Standard Time",
      "Marquesas Islands", "Marquesas Standard Time",
      "Alaska", "Alaskan Standard Time",
      "Coordinated Universal Time-09", "UTC-09",
      "Baja California", "Pacific Standard Time (Mexico)",
      "Coordinated Universal Time-08", "UTC-08",
      "Pacific Time (US & Canada)", "Pacific Standard Time",
      "Arizona", "US Mountain Standard Time",
      "Chihuahua, La Paz, Mazatlan", "Mountain Standard Time (Mexico)",
      "Mountain Time (US & Canada)", "Mountain Standard Time",
      "Yukon", "Yukon Standard Time",
      "Central America", "Central America Standard Time",
      "Central Time (US & Canada)", "Central Standard Time",
      "Easter Island", "Easter Island Standard Time",
      "Guadalajara, Mexico City, Monterrey", "Central Standard Time (Mexico)",
      "Saskatchewan", "Canada Central Standard Time",
      "Bogota, Lima, Quito, Rio Branco", "SA Pacific Standard Time",
      "Chetumal", "Eastern Standard Time (Mexico)",
      "Eastern Time (US & Canada)", "Eastern Standard Time",
      "Haiti", "Haiti Standard Time",
      "Havana", "Cuba Standard Time",
      "Indiana (East)", "US Eastern Standard Time",
      "Turks and Caicos", "Turks And Caicos Standard Time",
      "Asuncion", "Paraguay Standard Time",
      "Atlantic Time (Canada)", "Atlantic Standard Time",
      "Caracas", "Venezuela Standard Time",
      "Cuiaba", "Central Brazilian Standard Time",
      "Georgetown, La Paz, Manaus, San Juan", "SA Western Standard Time",
      "Santiago", "Pacific SA Standard Time",
      "Newfoundland", "Newfoundland Standard Time",
      "Araguaina", "Tocantins Standard Time",
      "Brasilia", "E. South America Standard Time",
      "Cayenne, Fortaleza", "SA Eastern Standard Time",
      "City of Buenos Aires", "Argentina Standard Time",
      "Greenland", "Greenland Standard Time",
      "Montevideo", "Montevideo Standard Time",
      "Punta Arenas", "Magallanes Standard Time",
      "Saint Pierre and Miquelon", "Saint Pierre Standard Time",
      "Salvador", "Bahia Standard Time",
      "Coordinated Universal Time-02", "UTC-02",
      "Azores", "Azores Standard Time",
      "Cabo Verde Is.", "Cape Verde Standard Time",
      "Coordinated Universal Time", "UTC",
      "Dublin, Edinburgh, Lisbon, London", "GMT Standard Time",
      "Monrovia, Reykjavik", "Greenwich Standard Time",
      "Sao Tome", "Sao Tome Standard Time",
      "Casablanca", "Morocco Standard Time",
      "Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "W. Europe Standard Time",
      "Belgrade, Bratislava, Budapest, Ljubljana, Prague", "Central Europe Standard Time",
      "Brussels, Copenhagen, Madrid, Paris", "Romance Standard Time",
      "Sarajevo, Skopje, Warsaw, Zagreb", "Central European Standard Time",
      "West Central Africa", "W. Central Africa Standard Time",
      "Amman", "Jordan Standard Time",
      "Athens, Bucharest", "GTB Standard Time",
      "Beirut", "Middle East Standard Time",
      "Cairo", "Egypt Standard Time",
      "Chisinau", "E. Europe Standard Time",
      "Damascus", "Syria Standard Time",
      "Gaza, Hebron", "West Bank Standard Time",
      "Harare, Pretoria", "South Africa Standard Time",
      "Helsinki, Kyiv, Riga, Sofia, Tallinn, Vilnius", "FLE Standard Time",
      "Jerusalem", "Israel Standard Time",
      "Juba", "South Sudan Standard Time",
      "Kaliningrad", "Kaliningrad Standard Time",
      "Khartoum", "Sudan Standard Time",
      "Tripoli", "Libya Standard Time",
      "Windhoek", "Namibia Standard Time",
      "Baghdad", "Arabic Standard Time",
      "Istanbul", "Turkey Standard Time",
      "Kuwait, Riyadh", "Arab Standard Time",
      "Minsk", "Belarus Standard Time",
      "Moscow, St. Petersburg", "Russian Standard Time",
      "Nairobi", "E. Africa Standard Time",
      "Tehran", "Iran Standard Time",
      "Abu Dhabi, Muscat", "Arabian Standard Time",
      "Astrakhan, Ulyanovsk", "Astrakhan Standard Time",
      "Baku", "Azerbaijan Standard Time",
      "Izhevsk, Samara", "Russia Time Zone 3",
      "Port Louis", "Mauritius Standard Time",
      "Saratov", "Saratov Standard Time",
      "Tbilisi", "Georgian Standard Time",
      "Volgograd", "Volgograd Standard Time",
      "Yerevan", "Caucasus Standard Time",
      "Kabul", "Afghanistan Standard Time",
      "Ashgabat, Tashkent", "West Asia Standard Time",
      "Ekaterinburg", "Ekaterinburg Standard Time",
      "Islamabad, Karachi", "Pakistan Standard Time",
      "Qyzylorda", "Qyzylorda Standard Time",
      "Chennai, Kolkata, Mumbai, New Delhi", "India Standard Time",
      "Sri Jayawardenepura", "Sri Lanka Standard Time",
      "Kathmandu", "Nepal Standard Time",
      "Astana", "Central Asia Standard Time",
      "Dhaka", "Bangladesh Standard Time",
      "Omsk", "Omsk Standard Time",
      "Yangon (Rangoon)", "Myanmar Standard Time",
      "Bangkok, Hanoi, Jakarta", "SE Asia Standard Time",
      "Barnaul, Gorno-Altaysk", "Altai Standard Time",
      "Hovd", "W. Mongolia Standard Time",
      "Krasnoyarsk", "North Asia Standard Time",
      "Novosibirsk", "N. Central Asia Standard Time",
      "Tomsk", "Tomsk Standard Time",
      "Beijing, Chongqing, Hong Kong, Urumqi", "China Standard Time",
      "Irkutsk", "North Asia East Standard Time",
      "Kuala Lumpur, Singapore", "Singapore Standard Time",
      "Perth", "W. Australia Standard Time",
      "Taipei", "Taipei Standard Time",
      "Ulaanbaatar", "Ulaanbaatar Standard Time",
      "Eucla", "Aus Central W. Standard Time",
      "Chita", "Transbaikal Standard Time",
      "Osaka, Sapporo, Tokyo", "Tokyo Standard Time",
      "Pyongyang", "North Korea Standard Time",
      "Seoul", "Korea Standard Time",
      "Yakutsk", "Yakutsk Standard Time",
      "Adelaide", "Cen. Australia Standard Time",
      "Darwin", "AUS Central Standard Time",
      "Brisbane", "E. Australia Standard Time",
      "Canberra, Melbourne, Sydney", "AUS Eastern Standard Time",
      "Guam, Port Moresby", "West Pacific Standard Time",
      "Hobart", "Tasmania Standard Time",
      "Vladivostok", "Vladivostok Standard Time",
      "Lord Howe Island", "Lord Howe Standard Time",
      "Bougainville Island", "Bougainville Standard Time",
      "Chokurdakh", "Russia Time Zone 10",
      "Magadan", "Magadan Standard Time",
      "Norfolk Island", "Norfolk Standard Time",
      "Sakhalin", "Sakhalin Standard Time",
      "Solomon Is., New Caledonia", "Central Pacific Standard Time",
      "Anadyr, Petropavlovsk-Kamchatsky", "Russia Time Zone 11",
      "Auckland, Wellington", "New Zealand Standard Time",
      "Coordinated Universal Time+12", "UTC+12",
      "Fiji", "Fiji Standard Time",
      "Chatham Islands", "Chatham Islands Standard Time",
      "Coordinated Universal Time+13", "UTC+13",
      "Nuku'alofa", "Tonga Standard Time",
      "Samoa", "Samoa Standard Time",
      "Kiritimati Island", "Line Islands Standard Time",
      // names of earlier Windows versions (XP to 10), still written by old Outlook installs
      "Midway Island, Samoa", "UTC-11",
      "Pacific Time (US & Canada); Tijuana", "Pacific Standard Time",
      "Tijuana, Baja California", "Pacific Standard Time (Mexico)",
      "Chihuahua, La Paz, Mazatlan - New", "Mountain Standard Time (Mexico)",
      "Guadalajara, Mexico City, Monterrey - New", "Central Standard Time (Mexico)",
      "Guadalajara, Mexico City, Monterrey - Old", "Central Standard Time (Mexico)",
      "Bogota, Lima, Quito", "SA Pacific Standard Time",
      "Georgetown, La Paz, San Juan", "SA Western Standard Time",
      "Manaus", "Central Brazilian Standard Time",
      "Buenos Aires", "Argentina Standard Time",
      "Georgetown", "SA Eastern Standard Time",
      "Mid-Atlantic", "Mid-Atlantic Standard Time",
      "Cape Verde Is.", "Cape Verde Standard Time",
      "Cape Verde Islands", "Cape Verde Standard Time",
      "Greenwich Mean Time : Dublin, Edinburgh, Lisbon, London", "GMT Standard Time",
      "Casablanca, Monrovia", "Greenwich Standard Time",
      "Casablanca, Monrovia, Reykjavik", "Greenwich Standard Time",
      "Helsinki, Kiev, Riga, Sofia, Tallinn, Vilnius", "FLE Standard Time",
      "Athens, Bucharest, Istanbul", "GTB Standard Time",
      "Athens, Istanbul, Minsk", "GTB Standard Time",
      "Moscow, St. Petersburg, Volgograd", "Russian Standard Time",
      "Baku, Tbilisi, Yerevan", "Caucasus Standard Time",
      "Islamabad, Karachi, Tashkent", "West Asia Standard Time",
      "Tashkent", "West Asia Standard Time",
      "Astana, Dhaka", "Central Asia Standard Time",
      "Almaty, Novosibirsk", "N. Central Asia Standard Time",
      "Irkutsk, Ulaan Bataar", "North Asia East Standard Time",
      "Irkutsk, Ulaanbaatar", "North Asia East Standard Time",
      "Magadan, Solomon Is., New Caledonia", "Central Pacific Standard Time",
      "Fiji, Kamchatka, Marshall Is.", "Fiji Standard Time",
      "Petropavlovsk-Kamchatsky", "Russia Time Zone 11",
    };
    for (int i = 0; i < t.length; i += 2) {
      DISPLAY.put(placesKey(t[i]), t[i + 1]);
    }
  }

  /**
   * {@code (UTC-05:00)}, {@code (GMT +01:00)}, {@code (UTC+01.00)}, {@code (UTC)}: the offset prefix
   * of a display name, then the places.
   */
  private static final Pattern PREFIX = Pattern.compile(
      "\\(\\s*(?:UTC|GMT)\\s*(?:([+-])\\s*(\\d{1,2})(?:[:.]?(\\d{2}))?)?\\s*\\)\\s*(.*)",
      Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  /** The IANA id for a Windows display name ({@code (UTC-05:00) Eastern Time (US & Canada)}), or null. */
  static @Nullable String fromDisplayName(String tzid) {
    Matcher m = PREFIX.matcher(tzid.trim());
    if (!m.matches() || m.group(4).isBlank()) {
      return null;
    }
    String places = m.group(4);
    String id = DISPLAY.get(placesKey(places));
    if (id == null && placesKey(places).startsWith("greenwichmeantime")) {
      id = DISPLAY.get(placesKey(places).substring("greenwichmeantime".length()));
    }
    return id == null ? null : toIana(id);
  }

  /**
   * The offset of a display name's prefix ({@code (GMT +01:00)} gives +01:00; {@code (UTC)} gives
   * 0), or null when the TZID does not start with one or the offset is out of range.
   */
  static @Nullable ZoneOffset displayOffset(String tzid) {
    Matcher m = PREFIX.matcher(tzid.trim());
    if (!m.matches()) {
      return null;
    }
    if (m.group(1) == null) {
      return ZoneOffset.UTC;
    }
    int h = Integer.parseInt(m.group(2));
    int min = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
    if (h > 14 || min > 59) {
      return null;
    }
    int sign = m.group(1).equals("-") ? -1 : 1;
    return ZoneOffset.ofTotalSeconds(sign * (h * 3600 + min * 60));
  }

  /** Places compared without case, spaces or punctuation, "&" read as "and". */
  static String placesKey(String places) {
    String s = places.toLowerCase(Locale.ROOT).replace("&", "and");
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isLetterOrDigit(c) || c == '+' || c == '-') {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** The IANA id for a Windows zone name, or null. */
  static @Nullable String toIana(String windowsName) {
    return MAP.get(windowsName.trim().toLowerCase(Locale.ROOT));
  }
}

package dev.icssync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RedactionTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "https://user:pw@host:8443/path/x.ics?t=secret#f | https://***@host:8443/path/x.ics?t=***t",
      "https://www.airbnb.com/calendar/ical/1.ics?s=abc   | https://www.airbnb.com/calendar/ical/1.ics?s=***",
      "https://host/x.ics#fragment                       | https://host/x.ics",
      "https://host/x.ics                                | https://host/x.ics",
      "webcal://token@p.example/cal.ics                  | webcal://***@p.example/cal.ics",
      "https://tok@host                                  | https://***@host",
      "https://u:p@ss@host/x                             | https://***@host/x",
      "https://host/a@b/x.ics                            | https://host/a@b/x.ics",
      "https://host/x?mail=a@b.com                       | https://host/x?mail=***m",
      "https://host/x#a@b?c                              | https://host/x",
      "user:pw@host/x                                    | ***@host/x",
      "https://[::1]:8080/x?k=v                          | https://[::1]:8080/x?k=***",
      "https://host/x?hunter22                           | https://host/x?***22",
      "https://host/x?a=1&&b=&k3y%3D=v                   | https://host/x?a=***&b=***&***=***",
      "?                                                 | ?***",
      "#                                                 | ``",
      "@                                                 | ***@",
      "://                                               | ://",
      "https://@/                                        | https://***@/",
  })
  void removesUserInfoQueryAndFragment(String url, String redacted) {
    assertThat(Redaction.url(url)).isEqualTo(redacted);
  }

  /**
   * Real-world feed URL shapes (secrets made up, shapes real): the secret is gone, scheme, host and
   * the shape of the path stay, and ids that are not secrets (listing numbers, calendar names) stay.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // Google Calendar, secret address: calendar id and private key
      "https://calendar.google.com/calendar/ical/q8r3b2k1m0l9p7n6o5j4i3h2g1%40group.calendar.google.com/private-0f3c5e7a9b1d2f4a6c8e0b2d4f6a9a2b/basic.ics"
          + " | https://calendar.google.com/calendar/ical/***h2g1%40group.calendar.google.com/private-***9a2b/basic.ics",
      "https://calendar.google.com/calendar/ical/jane.doe%40gmail.com/private-a1b2c3d4e5f60718293a4b5c6d7e8f90/basic.ics"
          + " | https://calendar.google.com/calendar/ical/jane.doe%40gmail.com/private-***8f90/basic.ics",
      // Google, a public holiday calendar: nothing secret, nothing masked
      "https://calendar.google.com/calendar/ical/en.usa%23holiday%40group.v.calendar.google.com/public/basic.ics"
          + " | https://calendar.google.com/calendar/ical/en.usa%23holiday%40group.v.calendar.google.com/public/basic.ics",
      // Vrbo / HomeAway
      "https://www.vrbo.com/icalendar/5d1f0e2b7c3a49e8b6f1a2c3d4e59f2c.ics | https://www.vrbo.com/icalendar/***9f2c.ics",
      "https://www.vrbo.com/icalendar/5d1f0e2b7c3a49e8b6f1a2c3d4e59f2c.ics?nonTentative"
          + " | https://www.vrbo.com/icalendar/***9f2c.ics?***ive",
      "http://www.homeaway.com/icalendar/8c2a4e6f1b3d5a7c9e0f2b4d6a8c0e1f.ics | http://www.homeaway.com/icalendar/***0e1f.ics",
      // Outlook / Office 365 published calendars
      "https://outlook.office365.com/owa/calendar/cf7d500ee50e4c7b876fb1845efe821d@example.org/22ed80c434a3478d9ba6316fbfed35137860062344497390190/calendar.ics"
          + " | https://outlook.office365.com/owa/calendar/***821d@example.org/***0190/calendar.ics",
      "https://outlook.live.com/owa/calendar/00000000-0000-0000-0000-000000000000/4a5b6c7d-1e2f-4a3b-9c8d-7e6f5a4b3c2d/cid-1A2B3C4D5E6F7A8B/calendar.ics"
          + " | https://outlook.live.com/owa/calendar/***0000/***3c2d/***7A8B/calendar.ics",
      // ics-sync's own export tokens (24 random bytes, base64url)
      "https://cal.example.com/export/Zx81mQp_3Lr9Tb2KwVy7AaQ-n4HcUe0s.ics | https://cal.example.com/export/***Ue0s.ics",
      "https://cal.example.com/export/AbCdEfGhIjK-LmNoPqRsTuV.ics | https://cal.example.com/export/***sTuV.ics",
      // Booking.com, Airbnb, Smoobu, Beds24: query secrets
      "https://admin.booking.com/hotel/hoteladmin/ical.html?t=7f3e5a1c-2b4d-4e6f-8a9b-0c1d2e3f4a5b"
          + " | https://admin.booking.com/hotel/hoteladmin/ical.html?t=***4a5b",
      "https://ical.booking.com/v1/export?t=7f3e5a1c-2b4d-4e6f-8a9b-0c1d2e3f4a5b | https://ical.booking.com/v1/export?t=***4a5b",
      "https://www.airbnb.com/calendar/ical/12345678.ics?s=a1b2c3d4e5f60718293a4b5c6d7e8f90"
          + " | https://www.airbnb.com/calendar/ical/12345678.ics?s=***8f90",
      "https://www.airbnb.de/calendar/ical/1662358419016161878.ics?t=c25400ade2ab4db39e32dbfcd5a1b2c3"
          + " | https://www.airbnb.de/calendar/ical/1662358419016161878.ics?t=***b2c3",
      "https://login.smoobu.com/ical/detail/3277112.ics?s=82zX75JdRR | https://login.smoobu.com/ical/detail/3277112.ics?s=***RR",
      "https://api.beds24.com/ical/bookings.ics?roomid=699023&token=89db58bee5303154709421779bdefac0"
          + " | https://api.beds24.com/ical/bookings.ics?roomid=***3&token=***fac0",
      "https://beds24.com/ical.php?propKey=Kx7RmP2qLw9Z&roomId=0 | https://beds24.com/ical.php?propKey=***w9Z&roomId=***",
      // property-management systems: secrets in the path
      "https://platform.hostaway.com/ical/oa1HWBI56NzbAMgClOcBidsGrQp9hYOqPXug3QXTcq7ze0wmfj0iLlH4Et9ELA5D/listings/466923.ics"
          + " | https://platform.hostaway.com/ical/***LA5D/listings/466923.ics",
      "https://app.guesty.com/api/v2/calendar/5f8a1b2c3d4e5f6a7b8c9d0e.ics | https://app.guesty.com/api/v2/calendar/***9d0e.ics",
      "https://api.lodgify.com/icalendar/3f2504e0-4f89-11d3-9a0c-0305e82c3301.ics | https://api.lodgify.com/icalendar/***3301.ics",
      "https://my.hospitable.com/api/ical/listing-a1b2c3d4e5f6a7b8/ics | https://my.hospitable.com/api/ical/***a7b8/ics",
      "https://www.tripadvisor.com/Owners-ical-r12345678-a1b2c3d4e5f6.ics | https://www.tripadvisor.com/***e5f6.ics",
      "https://www.meetup.com/events/ical/8333638/dfdba2e469216075/ | https://www.meetup.com/events/ical/8333638/***6075/",
      "https://p123-caldav.icloud.com/published/2/MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkw"
          + " | https://p123-caldav.icloud.com/published/2/***ODkw",
      "https://pms.example/ical/token-abc/cal.ics | https://pms.example/ical/token-***/cal.ics",
      // ordinary paths stay readable
      "https://example.com/api/public/acme/properties/villa-sunset-2br-12/calendar.ics"
          + " | https://example.com/api/public/acme/properties/villa-sunset-2br-12/calendar.ics",
      "https://example.com/HomeAway/GetICalFeed.ashx?id=42 | https://example.com/HomeAway/GetICalFeed.ashx?id=***",
      "https://example.com/room-12-unit-3/v2/ical2024/cal.ics | https://example.com/room-12-unit-3/v2/ical2024/cal.ics",
  })
  void masksCredentialLikePathSegmentsOfRealFeedShapes(String url, String redacted) {
    assertThat(Redaction.url(url)).isEqualTo(redacted);
  }

  @Test
  void twoFeedsOfOneChannelStayDistinguishable() {
    List<List<String>> pairs = List.of(
        List.of("https://www.vrbo.com/icalendar/5d1f0e2b7c3a49e8b6f1a2c3d4e59f2c.ics",
            "https://www.vrbo.com/icalendar/77aa01c3e5b24d6f8a9c0b1d2e3f4a61.ics"),
        List.of("https://admin.booking.com/hotel/hoteladmin/ical.html?t=7f3e5a1c-2b4d-4e6f-8a9b-0c1d2e3f4a5b",
            "https://admin.booking.com/hotel/hoteladmin/ical.html?t=0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d"),
        List.of("https://calendar.google.com/calendar/ical/jane.doe%40gmail.com/private-a1b2c3d4e5f60718293a4b5c6d7e8f90/basic.ics",
            "https://calendar.google.com/calendar/ical/jane.doe%40gmail.com/private-0f3c5e7a9b1d2f4a6c8e0b2d4f6a1c3e/basic.ics"),
        List.of("https://cal.example.com/export/Zx81mQp_3Lr9Tb2KwVy7AaQ-n4HcUe0s.ics",
            "https://cal.example.com/export/q0W9e8R7t6Y5u4I3o2P1a0S9d8F7g6H5.ics"));
    for (List<String> pair : pairs) {
      assertThat(Redaction.url(pair.get(0))).as(pair.get(0)).isNotEqualTo(Redaction.url(pair.get(1)));
    }
  }

  /** Random secrets of the shapes channels issue never survive, whatever path they sit in. */
  @Test
  void randomSecretsInThePathNeverSurvive() {
    Random random = new Random(20261202L);
    List<Function<String, String>> shapes = List.of(
        t -> "https://www.vrbo.com/icalendar/" + t + ".ics",
        t -> "https://calendar.google.com/calendar/ical/me%40example.org/private-" + t + "/basic.ics",
        t -> "https://outlook.office365.com/owa/calendar/" + t + "@example.org/" + t + "/calendar.ics",
        t -> "https://cal.example.com/export/" + t + ".ics",
        t -> "https://platform.hostaway.com/ical/" + t + "/listings/466923.ics",
        t -> "webcal://pms.example/feeds/" + t);
    List<Function<Random, String>> tokens = List.of(
        r -> base64Url(r, 24), // ics-sync export tokens
        r -> base64Url(r, 18),
        r -> HexFormat.of().formatHex(bytes(r, 16)),
        r -> HexFormat.of().formatHex(bytes(r, 20)).toUpperCase(java.util.Locale.ROOT),
        r -> new UUID(r.nextLong(), r.nextLong()).toString(),
        r -> alphanumeric(r, 40));
    for (int n = 0; n < 5_000; n++) {
      for (Function<Random, String> token : tokens) {
        String secret = token.apply(random);
        for (Function<String, String> shape : shapes) {
          String url = shape.apply(secret);
          String redacted = Redaction.url(url);
          assertThat(redacted).as(url).doesNotContain(secret.substring(0, 5))
              .doesNotContain(secret.substring(secret.length() / 2 - 2, secret.length() / 2 + 3));
          assertThat(redacted).as(url).startsWith(url.substring(0, url.indexOf('/', 10)));
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "not a url", "http:", "https://", "%zz", "\u0000\uffff", "https://h:99999999/"})
  void oddInputIsReturnedWithoutThrowing(String odd) {
    assertThat(Redaction.url(odd)).isEqualTo(odd);
  }

  @Test
  void nullIsSpelledOut() {
    assertThat(Redaction.url(null)).isEqualTo("null");
  }

  @Test
  void randomInputNeverThrowsAndNeverKeepsAQueryOrUserInfoOrAPathSecret() {
    Random random = new Random(20260824L);
    String alphabet = "ab:/@?#.%[]\\ \u00e9-_Z09&=\ud83d\ude00";
    for (int n = 0; n < 20_000; n++) {
      StringBuilder sb = new StringBuilder();
      int len = random.nextInt(24);
      for (int i = 0; i < len; i++) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String in = sb.toString();
      String secret = "S3CRET" + n;
      String pathSecret = "x" + HexFormat.of().formatHex(bytes(random, 12)) + "q" + n;
      String withQuery = in + "?k=" + secret;
      String withUser = "https://" + secret + "@" + in.replace("/", "").replace("?", "").replace("#", "") + "/x";
      String withPath = "https://host/" + in.replace("?", "").replace("#", "") + "/" + pathSecret + ".ics";

      assertThatCode(() -> Redaction.url(in)).as(in).doesNotThrowAnyException();
      assertThat(Redaction.url(withQuery)).as(withQuery).doesNotContain(secret);
      assertThat(Redaction.url(withUser)).as(withUser).doesNotContain(secret);
      assertThat(Redaction.url(withPath)).as(withPath).doesNotContain(pathSecret.substring(0, 8))
          .startsWith("https://host/");
      assertThat(Redaction.url(in)).as(in).doesNotContain("#");
    }
  }

  private static byte[] bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  private static String base64Url(Random r, int n) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(r, n));
  }

  private static String alphanumeric(Random r, int n) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}

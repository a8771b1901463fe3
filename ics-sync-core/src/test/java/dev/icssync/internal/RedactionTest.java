package dev.icssync.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RedactionTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "https://user:pw@host:8443/path/x.ics?t=secret#f | https://***@host:8443/path/x.ics?***",
      "https://www.airbnb.com/calendar/ical/1.ics?s=abc   | https://www.airbnb.com/calendar/ical/1.ics?***",
      "https://host/x.ics#fragment                       | https://host/x.ics",
      "https://host/x.ics                                | https://host/x.ics",
      "webcal://token@p.example/cal.ics                  | webcal://***@p.example/cal.ics",
      "https://tok@host                                  | https://***@host",
      "https://u:p@ss@host/x                             | https://***@host/x",
      "https://host/a@b/x.ics                            | https://host/a@b/x.ics",
      "https://host/x?mail=a@b.com                       | https://host/x?***",
      "https://host/x#a@b?c                              | https://host/x",
      "user:pw@host/x                                    | ***@host/x",
      "https://[::1]:8080/x?k=v                          | https://[::1]:8080/x?***",
      "?                                                 | ?***",
      "#                                                 | ``",
      "@                                                 | ***@",
      "://                                               | ://",
      "https://@/                                        | https://***@/",
  })
  void removesUserInfoQueryAndFragment(String url, String redacted) {
    assertThat(Redaction.url(url)).isEqualTo(redacted);
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
  void randomInputNeverThrowsAndNeverKeepsAQueryOrUserInfo() {
    Random random = new Random(20260824L);
    String alphabet = "ab:/@?#.%[]\\ \u00e9";
    for (int n = 0; n < 20_000; n++) {
      StringBuilder sb = new StringBuilder();
      int len = random.nextInt(24);
      for (int i = 0; i < len; i++) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String in = sb.toString();
      String secret = "S3CRET" + n;
      String withQuery = in + "?k=" + secret;
      String withUser = "https://" + secret + "@" + in.replace("/", "").replace("?", "").replace("#", "") + "/x";

      assertThatCode(() -> Redaction.url(in)).as(in).doesNotThrowAnyException();
      assertThat(Redaction.url(withQuery)).as(withQuery).doesNotContain(secret);
      assertThat(Redaction.url(withUser)).as(withUser).doesNotContain(secret);
      assertThat(Redaction.url(in)).as(in).doesNotContain("#");
    }
  }
}

package dev.icssync.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a feed URL is requested as. A URL already in canonical form is requested as written (its one
 * parse is kept); every other form is rewritten, and the two must never disagree.
 */
class FeedUrlTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "https://cal.example.com/a.ics?t=secret|https://cal.example.com/a.ics?t=secret|cal.example.com",
      "http://127.0.0.1:8080/f/1.ics|http://127.0.0.1:8080/f/1.ics|127.0.0.1",
      "https://cal.example.com|https://cal.example.com/|cal.example.com",
      "HTTPS://Cal.Example.COM/A.ics|https://cal.example.com/A.ics|cal.example.com",
      "webcal://cal.example.com/a.ics|https://cal.example.com/a.ics|cal.example.com",
      "https://cal.example.com:443/a.ics|https://cal.example.com/a.ics|cal.example.com",
      "http://cal.example.com:80/a.ics|http://cal.example.com/a.ics|cal.example.com",
      "https://cal.example.com./a.ics|https://cal.example.com/a.ics|cal.example.com",
      "https://cal.example.com/a.ics#frag|https://cal.example.com/a.ics|cal.example.com",
      "https://[::1]:8443/a.ics|https://[0:0:0:0:0:0:0:1]:8443/a.ics|0:0:0:0:0:0:0:1",
      "https://b\u00fccher.example/a.ics|https://xn--bcher-kva.example/a.ics|xn--bcher-kva.example",
      "https://cal.example.com/k\u00e4se.ics|https://cal.example.com/k%C3%A4se.ics|cal.example.com",
      "https://cal.example.com/a b.ics?x=|https://cal.example.com/a%20b.ics?x=|cal.example.com",
      "'  https://cal.example.com/a.ics  '|https://cal.example.com/a.ics|cal.example.com",
  })
  void isRequestedInCanonicalForm(String raw, String requested, String host) throws Exception {
    FeedUrl url = FeedUrl.parse(raw);
    assertThat(url.uri().toString()).isEqualTo(requested);
    assertThat(url.host()).isEqualTo(host);
    assertThat(url.authorization()).isNull();
    // the canonical form is its own canonical form, requested as written
    FeedUrl again = FeedUrl.parse(requested);
    assertThat(again.uri()).isEqualTo(url.uri());
    assertThat(again.uri().toString()).isEqualTo(requested);
    assertThat(again.host()).isEqualTo(host);
  }

  @Test
  void userInfoBecomesAnAuthorizationAndLeavesTheRequestedUrl() throws Exception {
    FeedUrl url = FeedUrl.parse("https://user:p%40ss@cal.example.com/a.ics");
    assertThat(url.uri().toString()).isEqualTo("https://cal.example.com/a.ics");
    assertThat(url.authorization()).isEqualTo(
        "Basic " + Base64.getEncoder().encodeToString("user:p@ss".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void whatCannotBeRequestedIsRefusedWhateverItsForm() {
    assertThatThrownBy(() -> FeedUrl.parse("ftp://cal.example.com/a.ics")).hasMessageContaining("scheme not allowed");
    assertThatThrownBy(() -> FeedUrl.parse("https:///a.ics")).hasMessageContaining("no valid host");
    assertThatThrownBy(() -> FeedUrl.parse("https://cal.example.com:70000/a.ics")).isInstanceOf(
        FeedUrl.InvalidUrlException.class);
    assertThatThrownBy(() -> FeedUrl.parse("cal.example.com/a.ics")).hasMessageContaining("no scheme");
  }
}

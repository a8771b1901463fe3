package dev.icssync.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.FailureReason;
import org.junit.jupiter.api.Test;

/** The redirect rules and URL normalisation on their own (TlsTest covers https end to end). */
class RedirectPolicyTest {

  @Test
  void httpsToHttpDowngradeIsRefused() throws Exception {
    FeedUrl start = FeedUrl.parse("https://cal.example.com/a.ics?t=secret");
    RedirectPolicy policy = new RedirectPolicy(5, start);
    RedirectPolicy.Step step = policy.next(start, 301, "http://cal.example.com/a.ics?t=secret");
    assertThat(step).isInstanceOf(RedirectPolicy.Refusal.class);
    RedirectPolicy.Refusal refusal = (RedirectPolicy.Refusal) step;
    assertThat(refusal.reason()).isEqualTo(FailureReason.REDIRECT);
    assertThat(refusal.message()).contains("downgrade").doesNotContain("secret");
  }

  @Test
  void httpToHttpsUpgradeAndWebcalTargetsAreFollowed() throws Exception {
    FeedUrl start = FeedUrl.parse("http://cal.example.com/a.ics");
    RedirectPolicy policy = new RedirectPolicy(5, start);
    RedirectPolicy.Step up = policy.next(start, 308, "https://cal.example.com/a.ics");
    assertThat(((RedirectPolicy.Follow) up).url().uri().toString())
        .isEqualTo("https://cal.example.com/a.ics");
    FeedUrl https = ((RedirectPolicy.Follow) up).url();
    RedirectPolicy.Step webcal = policy.next(https, 302, "webcal://other.example.com/b.ics");
    assertThat(((RedirectPolicy.Follow) webcal).url().isHttps()).isTrue();
    assertThat(policy.permanentRedirect()).isEqualTo("https://cal.example.com/a.ics");
  }

  @Test
  void nonHttpTargetsAndMissingLocationAreRefused() throws Exception {
    FeedUrl start = FeedUrl.parse("https://cal.example.com/a.ics");
    RedirectPolicy policy = new RedirectPolicy(5, start);
    assertThat(((RedirectPolicy.Refusal) policy.next(start, 302, "file:///etc/passwd")).reason())
        .isEqualTo(FailureReason.REFUSED);
    assertThat(((RedirectPolicy.Refusal) policy.next(start, 302, null)).reason())
        .isEqualTo(FailureReason.REDIRECT);
  }

  @Test
  void userInfoInALocationIsDropped() throws Exception {
    FeedUrl start = FeedUrl.parse("https://u:p@cal.example.com/a.ics");
    assertThat(start.authorization()).startsWith("Basic ");
    assertThat(start.uri().toString()).isEqualTo("https://cal.example.com/a.ics");
    FeedUrl next = ((RedirectPolicy.Follow) new RedirectPolicy(5, start)
        .next(start, 302, "https://x:y@cal.example.com/b.ics")).url();
    assertThat(next.authorization()).isNull();
    assertThat(next.uri().toString()).doesNotContain("x:y");
  }

  @Test
  void internationalisedHostsBecomePunycode() throws Exception {
    FeedUrl url = FeedUrl.parse("https://user:pw@b\u00fccher.example:8443/k\u00e4se.ics");
    assertThat(url.host()).isEqualTo("xn--bcher-kva.example");
    assertThat(url.uri().toString()).isEqualTo("https://xn--bcher-kva.example:8443/k%C3%A4se.ics");
    assertThat(url.authorization()).isNotNull();
  }

  @Test
  void webcalBecomesHttpsAndIllegalCharactersAreEscaped() throws Exception {
    assertThat(FeedUrl.parse("webcal://cal.example.com/x.ics").uri().toString())
        .isEqualTo("https://cal.example.com/x.ics");
    assertThat(FeedUrl.parse("webcals://cal.example.com:8443/x.ics").uri().toString())
        .isEqualTo("https://cal.example.com:8443/x.ics");
    assertThat(FeedUrl.parse("https://cal.example.com/a b.ics?x=|").uri().toString())
        .isEqualTo("https://cal.example.com/a%20b.ics?x=%7C");
  }

  @Test
  void aRedirectBackToTheStartOrToItselfIsALoop() throws Exception {
    FeedUrl start = FeedUrl.parse("https://cal.example.com/a.ics");
    RedirectPolicy toItself = new RedirectPolicy(5, start);
    assertThat(((RedirectPolicy.Refusal) toItself.next(start, 302, "/a.ics")).message()).contains("loop");

    RedirectPolicy back = new RedirectPolicy(5, start);
    FeedUrl b = ((RedirectPolicy.Follow) back.next(start, 302, "https://cal.example.com/b.ics")).url();
    FeedUrl c = ((RedirectPolicy.Follow) back.next(b, 302, "https://CAL.example.com:443/c.ics")).url();
    assertThat(((RedirectPolicy.Refusal) back.next(c, 302, "https://cal.example.com/a.ics")).message())
        .contains("loop");
    assertThat(back.hops()).isEqualTo(2);
  }
}

package dev.icssync.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.client5.http.async.AsyncExecRuntime;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.concurrent.ComplexCancellable;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.nio.AsyncDataConsumer;
import org.apache.hc.core5.net.URIAuthority;
import org.junit.jupiter.api.Test;

/** The fetcher's protocol step: what it keeps of Apache's, and that it adds nothing to a request. */
class PlainProtocolExecTest {

  private static final HttpHost TARGET = new HttpHost("https", "calendar.example.com", 443);

  private final List<HttpRequest> proceeded = new ArrayList<>();
  private final AsyncExecChain chain = (request, producer, scope, callback) -> proceeded.add(request);
  private final AsyncExecCallback callback = new AsyncExecCallback() {
    @Override
    public AsyncDataConsumer handleResponse(HttpResponse response, EntityDetails entityDetails) {
      throw new AssertionError("not called");
    }

    @Override
    public void handleInformationResponse(HttpResponse response) { }

    @Override
    public void completed() { }

    @Override
    public void failed(Exception cause) { }
  };

  private static AsyncExecChain.Scope scope(HttpRoute route, HttpRequest request) {
    // the step neither connects nor executes: any use of the runtime fails the test
    AsyncExecRuntime runtime = (AsyncExecRuntime) Proxy.newProxyInstance(
        PlainProtocolExecTest.class.getClassLoader(), new Class<?>[] {AsyncExecRuntime.class},
        (proxy, method, args) -> {
          throw new AssertionError("runtime used: " + method.getName());
        });
    return new AsyncExecChain.Scope("ex-1", route, request, new ComplexCancellable(), HttpClientContext.create(),
        runtime);
  }

  @Test
  void aFeedRequestGoesOnUnchangedWithNoAuthenticationHeaderAdded() throws Exception {
    BasicHttpRequest get = new BasicHttpRequest(Method.GET, URI.create("https://calendar.example.com/ical/abc.ics?t=1"));
    get.setHeader("If-None-Match", "\"v1\"");
    new PlainProtocolExec().execute(get, null, scope(new HttpRoute(TARGET), get), chain, callback);

    assertThat(proceeded).containsExactly(get);
    assertThat(get.getPath()).isEqualTo("/ical/abc.ics?t=1");
    assertThat(get.getAuthority()).isEqualTo(new URIAuthority("calendar.example.com"));
    assertThat(get.getHeaders()).extracting(h -> h.getName()).containsExactly("If-None-Match");
  }

  @Test
  void aRequestWithoutSchemeOrAuthorityGetsTheRoutes() throws Exception {
    BasicHttpRequest get = new BasicHttpRequest(Method.GET.name(), "/feed.ics");
    new PlainProtocolExec().execute(get, null, scope(new HttpRoute(TARGET), get), chain, callback);

    assertThat(get.getScheme()).isEqualTo("https");
    assertThat(get.getAuthority()).isEqualTo(new URIAuthority(TARGET));
  }

  @Test
  void connectUserInfoAndProxiesAreRefused() {
    PlainProtocolExec exec = new PlainProtocolExec();
    BasicHttpRequest connect = new BasicHttpRequest(Method.CONNECT, URI.create("https://calendar.example.com/"));
    assertThatThrownBy(() -> exec.execute(connect, null, scope(new HttpRoute(TARGET), connect), chain, callback))
        .isInstanceOf(ProtocolException.class);

    BasicHttpRequest withUser = new BasicHttpRequest(Method.GET, URI.create("https://calendar.example.com/a.ics"));
    withUser.setAuthority(new URIAuthority("user:secret", "calendar.example.com", 443));
    assertThatThrownBy(() -> exec.execute(withUser, null, scope(new HttpRoute(TARGET), withUser), chain, callback))
        .isInstanceOf(ProtocolException.class)
        .hasMessageNotContaining("secret");

    BasicHttpRequest viaProxy = new BasicHttpRequest(Method.GET, URI.create("https://calendar.example.com/a.ics"));
    HttpRoute proxied = new HttpRoute(TARGET, new HttpHost("http", "proxy.example.net", 3128));
    assertThatThrownBy(() -> exec.execute(viaProxy, null, scope(proxied, viaProxy), chain, callback))
        .isInstanceOf(ProtocolException.class);

    assertThat(proceeded).isEmpty();
  }
}

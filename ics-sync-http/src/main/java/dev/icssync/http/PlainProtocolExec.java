package dev.icssync.http;

import java.io.IOException;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.client5.http.async.AsyncExecChainHandler;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.net.URIAuthority;

/**
 * The protocol step of the fetcher's Apache execution chain, in place of Apache's own
 * ({@code AsyncProtocolExec}). Apache's step exists for HTTP authentication: on every request it
 * parses and normalises the request path into an authentication scope and looks up the exchange
 * state of the target and the proxy. The fetcher uses neither Apache's authentication (it is turned
 * off; a feed URL's user info becomes an {@code Authorization} header the fetcher sets itself) nor a
 * proxy, so that work, done on every poll, bought nothing.
 *
 * <p>What is kept of Apache's step: {@code CONNECT} is refused, a request gets the route's scheme
 * and authority when it has none, a request whose authority carries user info is refused, and a
 * proxied route (which the fetcher never builds) is refused rather than sent with a relative URI.
 */
final class PlainProtocolExec implements AsyncExecChainHandler {

  @Override
  public void execute(HttpRequest request, AsyncEntityProducer entityProducer,
      AsyncExecChain.Scope scope, AsyncExecChain chain, AsyncExecCallback callback)
      throws HttpException, IOException {
    if (Method.CONNECT.isSame(request.getMethod())) {
      throw new ProtocolException("Direct execution of CONNECT is not allowed");
    }
    HttpRoute route = scope.route;
    if (route.getProxyHost() != null) {
      throw new ProtocolException("The feed fetcher does not use a proxy");
    }
    HttpHost target = route.getTargetHost();
    if (request.getScheme() == null) {
      request.setScheme(target.getSchemeName());
    }
    if (request.getAuthority() == null) {
      request.setAuthority(new URIAuthority(target));
    }
    if (request.getAuthority().getUserInfo() != null) {
      throw new ProtocolException("Request URI authority contains user info");
    }
    chain.proceed(request, entityProducer, scope, callback);
  }
}

package dev.icssync.http;

import dev.icssync.Checks;
import dev.icssync.FailureReason;
import dev.icssync.IcsSyncException.ConfigurationException;
import dev.icssync.Redaction;
import dev.icssync.spi.FeedFetcher;
import dev.icssync.spi.FetchRequest;
import dev.icssync.spi.FetchResult;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.ZipException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.concurrent.DefaultThreadFactory;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.http2.config.H2Config;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP(S) {@link FeedFetcher}: conditional, compressed, polite, bounded, and guarded against
 * server-side request forgery. Thread-safe; create one per application and {@link #close()} it on
 * shutdown.
 *
 * <pre>{@code
 * HttpFeedFetcher fetcher = HttpFeedFetcher.builder()
 *     .timeout(Duration.ofSeconds(30))
 *     .userAgent("airbnb.com", "Mozilla/5.0 (compatible; MyPms/2.1)")
 *     .build();
 * IcsSync sync = IcsSync.builder().fetcher(fetcher)...build();
 * }</pre>
 *
 * <h2>What a fetch does</h2>
 *
 * <ul>
 *   <li>Schemes {@code http} and {@code https}; {@code webcal}/{@code webcals} are fetched over
 *       https. User info in the URL becomes a Basic {@code Authorization} header, sent only to the
 *       URL's own origin (dropped when a redirect leaves it). User info, query values and
 *       credential-like path segments never appear in results, messages or logs ({@link
 *       Redaction#url}).
 *   <li>Conditional GET with the stored validators ({@code If-None-Match}, {@code
 *       If-Modified-Since}); 304 becomes {@link FetchResult.NotModified}.
 *   <li>{@code Accept-Encoding: gzip, deflate}; the size cap (default 10 MiB) holds twice: on the
 *       bytes received, while they stream (a body over the cap is cut off, dropping the HTTP/1.1
 *       connection or resetting the HTTP/2 stream), and on the decoded bytes, so a gzip bomb stops
 *       at the cap.
 *   <li>One deadline for the whole fetch, redirects and body included (default 60 s): a server that
 *       drips a byte a second is cut off. Connect timeout default 10 s; it also bounds the DNS
 *       lookup. Response headers are limited (200 lines of at most 16 KB).
 *   <li>At most 5 redirects, loops detected, https to http refused, every hop checked again by the
 *       SSRF guard; a leading chain of 301/308 is reported in {@link
 *       FetchResult#permanentRedirect()} (redacted).
 *   <li>Per-host politeness: at most 4 requests in flight to one host and starts at least 100 ms
 *       apart (both configurable). HTTP/2 where an https server offers it by ALPN, otherwise
 *       pooled HTTP/1.1 keep-alive connections; plain http is HTTP/1.1. Over https, the first
 *       fetch to a host with no open connection goes alone, so the fetches queued behind it
 *       multiplex over the HTTP/2 connection it opened instead of each opening one.
 *   <li>200 with HTML/JSON/anything that does not start with {@code BEGIN:VCALENDAR} is {@link
 *       FailureReason#NOT_A_CALENDAR}; a 200 with an empty or blank body, and a 204, are {@link
 *       FailureReason#EMPTY_BODY} (a calendar with no events has {@code BEGIN:VCALENDAR} and
 *       {@code END:VCALENDAR}); a calendar without {@code END:VCALENDAR} is a truncated transfer ({@link
 *       FailureReason#NETWORK}), so a cut-off feed never looks like cancelled bookings.
 *   <li>404/410 {@code GONE}, 401/403 {@code UNAUTHORIZED}, 429 {@code RATE_LIMITED} and 503 {@code
 *       SERVER_ERROR} with Retry-After (seconds or HTTP date, capped at 6 h), other 5xx {@code
 *       SERVER_ERROR}, resets {@code NETWORK}, timeouts {@code TIMEOUT}. {@link #fetch} never
 *       throws.
 * </ul>
 *
 * <h2>SSRF guard and why Apache HttpClient 5</h2>
 *
 * <p>Feed URLs are typed in by tenants. The guard refuses loopback, private, link-local (cloud
 * metadata), CGNAT, unspecified, multicast, reserved, benchmarking and documentation addresses,
 * IPv6 unique-local/link-local/site-local, and judges IPv4-mapped, NAT64 and 6to4 addresses by the
 * IPv4 address inside them (Teredo is refused). Odd IPv4 spellings ({@code 2130706433}, {@code
 * 0177.0.0.1}, {@code 0x7f.1}, {@code 127.1}) are normalised first.
 *
 * <p>A check before the request is not enough: the client would resolve the name again when it
 * connects, and a rebinding DNS server can answer "public" to the check and "private" to the
 * connect. {@code java.net.http.HttpClient} offers no hook between resolution and connect, so this
 * fetcher uses Apache HttpClient 5 (its async client, for HTTP/2), whose connection manager takes
 * a {@code DnsResolver}: ours resolves, checks <em>every</em> address, refuses the host if any address is
 * refused or the lookup fails (fail closed), and hands back only the addresses it checked, which are
 * the only ones the connection manager connects to. No proxy is used (a proxy would resolve names
 * itself and defeat the guard), cookies are off (a shared client must not carry one tenant's
 * cookies to another's feed) and Apache's own redirect, retry, decompression and authentication
 * handling are off: this class does each of them under its own rules. Apache's protocol step, which
 * serves its authentication alone, is replaced by one that only checks the request ({@code
 * PlainProtocolExec}), so a poll does not pay for parsing its path into an authentication scope.
 *
 * <p>Threads: the calling thread waits for each response with the fetch's remaining deadline, so a
 * fetch never outlives its bound; responses are read by a small pool of I/O reactor threads ({@code
 * ics-sync-http-io-N}, daemon, as many as processors, at least 2). Fetches in flight across all
 * hosts are limited to {@link Builder#maxConnections}, so a new connection (and its DNS lookup)
 * is always opened on the calling thread, never on a reactor thread. {@link Builder#http2
 * http2(false)} offers HTTP/1.1 only.
 *
 * <p>The allow-list ({@link Builder#allowHost}, {@link Builder#allowCidr}) opens exactly what it
 * names, for tests on loopback and trusted intranets. Logging: keep the {@code org.apache.hc} loggers
 * below DEBUG in production; at DEBUG Apache logs request lines and headers, including feed tokens
 * (a warning is logged when a fetcher is built with them enabled).
 */
public final class HttpFeedFetcher implements FeedFetcher, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpFeedFetcher.class);

  /** The default cap on a decoded body, 10 MiB ({@link Builder#maxBodyBytes}). */
  public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;

  /** The default User-Agent names the library. */
  public static final String DEFAULT_USER_AGENT =
      "ics-sync/" + version() + " (calendar sync; +https://github.com/ics-sync/ics-sync)";

  private static final String ACCEPT = "text/calendar, text/plain;q=0.8, */*;q=0.5";
  private static final int SMALL_BODY = 16 * 1024;
  private static final int MAX_HEADER_LINE = 16 * 1024;
  private static final int MAX_HEADERS = 200;
  private static final int MAX_H2_HEADER_LIST = 256 * 1024;
  private static final int H2_WINDOW = 1 << 20;
  private static final TimeValue CONNECTION_IDLE = TimeValue.ofMinutes(1);

  private final Settings settings;
  private final AccessPolicy policy;
  private final HostGate gate;
  /**
   * Fetches in flight across all hosts, at most the pool size: a lease then never waits for a
   * connection, so connecting (and its DNS lookup) runs on the fetching thread, never on an I/O
   * reactor thread.
   */
  private final Semaphore inFlight;
  private final CloseableHttpAsyncClient client;
  private final AtomicBoolean apacheDebugWarned = new AtomicBoolean();

  /** Settings after validation. */
  private record Settings(
      Duration connectTimeout,
      Duration timeout,
      long maxBodyBytes,
      int maxRedirects,
      Duration maxRetryAfter,
      String userAgent,
      Map<String, String> userAgents,
      int maxConcurrentPerHost,
      Duration minIntervalPerHost,
      Duration maxQueueWait,
      int maxConnections,
      boolean rejectTruncated,
      boolean http2,
      @Nullable SSLContext sslContext,
      Clock clock) {}

  private HttpFeedFetcher(Settings settings, AccessPolicy policy, GuardedDnsResolver.Lookup lookup) {
    this.settings = settings;
    this.policy = policy;
    this.gate = new HostGate(settings.maxConcurrentPerHost(), settings.minIntervalPerHost(),
        CONNECTION_IDLE.toDuration());
    this.inFlight = new Semaphore(settings.maxConnections(), true);
    Timeout connect = Timeout.of(settings.connectTimeout());
    Timeout total = Timeout.of(settings.timeout());
    PoolingAsyncClientConnectionManagerBuilder poolBuilder =
        PoolingAsyncClientConnectionManagerBuilder.create();
    if (settings.sslContext() != null) {
      poolBuilder.setTlsStrategy(new DefaultClientTlsStrategy(settings.sslContext()));
    }
    PoolingAsyncClientConnectionManager pool =
        poolBuilder
            .setDnsResolver(new GuardedDnsResolver(lookup, policy, settings.connectTimeout()))
            // room for the connections of fetches that just ended but are not yet back in the pool
            .setMaxConnTotal(2 * settings.maxConnections())
            .setMaxConnPerRoute(Math.min(settings.maxConnections(), settings.maxConcurrentPerHost()))
            .setMessageMultiplexing(settings.http2())
            .setDefaultTlsConfig(
                TlsConfig.custom()
                    // ALPN offers h2 and http/1.1 over TLS; cleartext http stays HTTP/1.1
                    .setVersionPolicy(settings.http2()
                        ? HttpVersionPolicy.NEGOTIATE : HttpVersionPolicy.FORCE_HTTP_1)
                    .setHandshakeTimeout(connect)
                    .build())
            .setDefaultConnectionConfig(
                ConnectionConfig.custom()
                    .setConnectTimeout(connect)
                    .setSocketTimeout(total)
                    .setTimeToLive(TimeValue.ofMinutes(5))
                    .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                    .build())
            .build();
    RequestConfig requestConfig =
        RequestConfig.custom()
            .setRedirectsEnabled(false)
            .setAuthenticationEnabled(false)
            .setContentCompressionEnabled(false)
            .setProtocolUpgradeEnabled(false)
            .setExpectContinueEnabled(false)
            .setConnectionRequestTimeout(total)
            .setResponseTimeout(total)
            .build();
    this.client =
        HttpAsyncClients.custom()
            .setConnectionManager(pool)
            .setDefaultRequestConfig(requestConfig)
            .setIOReactorConfig(
                IOReactorConfig.custom()
                    .setIoThreadCount(Math.max(2, Runtime.getRuntime().availableProcessors()))
                    .setSoTimeout(total)
                    .setTcpNoDelay(true)
                    .build())
            .setThreadFactory(new DefaultThreadFactory("ics-sync-http-io", true))
            // a hostile server must not grow the heap with endless header lines
            .setHttp1Config(
                Http1Config.custom()
                    .setMaxLineLength(MAX_HEADER_LINE)
                    .setMaxHeaderCount(MAX_HEADERS)
                    .setMaxEmptyLineCount(10)
                    .build())
            .setH2Config(
                H2Config.custom()
                    .setPushEnabled(false)
                    .setMaxHeaderListSize(MAX_H2_HEADER_LIST)
                    .setMaxContinuations(MAX_HEADERS)
                    .setInitialWindowSize(H2_WINDOW)
                    .build())
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableContentCompression()
            .disableCookieManagement()
            .disableAuthCaching()
            .replaceExecInterceptor(ChainElement.PROTOCOL.name(), new PlainProtocolExec())
            .evictExpiredConnections()
            .evictIdleConnections(CONNECTION_IDLE)
            .build();
    this.client.start();
    warnIfApacheDebugLogging();
  }

  /** A fetcher with the defaults described in the class documentation. */
  public static HttpFeedFetcher create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public FetchResult fetch(FetchRequest request) {
    long started = System.nanoTime();
    warnIfApacheDebugLogging();
    FetchResult result;
    try {
      result = doFetch(request);
    } catch (RuntimeException e) {
      result =
          FetchResult.Failed.of(
              FailureReason.INTERNAL,
              "unexpected " + e.getClass().getSimpleName() + " fetching " + request.feed().redactedUrl());
      LOG.warn("feed {}: unexpected {} fetching {}", request.feed().id(),
          e.getClass().getName(), request.feed().redactedUrl());
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("feed {}: {} in {} ms", request.feed().id(), describe(result),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
    return result;
  }

  /**
   * Why this fetcher would refuse {@code url} before connecting (scheme other than http, https,
   * webcal or webcals; no host; malformed; port out of range), in the words of the {@code REFUSED}
   * result a fetch of it returns; empty when the URL can be requested. Checks syntax only: the SSRF
   * guard decides at fetch time. For validating a URL when a feed is added rather than at its first
   * sync. The message carries no secret of the URL.
   */
  public static Optional<String> urlProblem(String url) {
    Objects.requireNonNull(url, "url");
    try {
      FeedUrl.parse(url);
      return Optional.empty();
    } catch (FeedUrl.InvalidUrlException e) {
      return Optional.of(String.valueOf(e.getMessage()));
    }
  }

  private FetchResult doFetch(FetchRequest request) {
    FeedUrl url;
    try {
      url = FeedUrl.parse(request.feed().url());
    } catch (FeedUrl.InvalidUrlException e) {
      return FetchResult.Failed.of(
          FailureReason.REFUSED, e.getMessage() + ": " + request.feed().redactedUrl());
    }
    String etag = headerSafe(request.etag());
    String lastModified = headerSafe(request.lastModified());
    RedirectPolicy redirects = new RedirectPolicy(settings.maxRedirects(), url);
    Exchange exchange = new Exchange();
    String authorization = url.authorization();
    String authOrigin = url.origin();
    while (true) {
      Optional<String> refused = policy.refusalForHost(url.host());
      if (refused.isPresent()) {
        return failed(FailureReason.REFUSED, "refused " + url + ": " + refused.get(), 0, null,
            redirects);
      }
      HostGate.Lease lease;
      Duration maxWait = settings.maxQueueWait();
      if (exchange.started()) { // a later hop: the fetch deadline is already running
        long left = exchange.nanosLeft();
        if (left <= 0) {
          return timedOut(url, 0, redirects);
        }
        maxWait = maxWait.toNanos() < left ? maxWait : Duration.ofNanos(left);
      }
      long waitStarted = System.nanoTime();
      try {
        // over HTTP/2 the first request to a host opens the connection alone, the rest share it
        lease = gate.acquire(url.host(), maxWait, settings.http2() && url.isHttps());
      } catch (HostGate.QueueTimeoutException e) {
        return failed(FailureReason.TIMEOUT,
            "waited more than " + maxWait + " for a per-host slot for " + url,
            0, null, redirects);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return failed(FailureReason.INTERNAL, "interrupted fetching " + url, 0, null, redirects);
      }
      try {
        long poolWait = maxWait.toNanos() - (System.nanoTime() - waitStarted);
        if (!inFlight.tryAcquire(Math.max(0, poolWait), TimeUnit.NANOSECONDS)) {
          return failed(FailureReason.TIMEOUT,
              "waited more than " + maxWait + " for a connection for " + url, 0, null,
              redirects);
        }
      } catch (InterruptedException e) {
        lease.release();
        Thread.currentThread().interrupt();
        return failed(FailureReason.INTERNAL, "interrupted fetching " + url, 0, null, redirects);
      } catch (RuntimeException e) {
        lease.release();
        throw e;
      }
      try {
        exchange.start(settings.timeout());
        boolean sameOrigin = authorization != null && url.origin().equals(authOrigin);
        Hop hop = exchange(exchange, url, sameOrigin ? authorization : null, etag, lastModified,
            redirects, true);
        if (hop.reached()) {
          lease.connected();
        }
        if (hop instanceof Done done) {
          return done.result();
        }
        Redirect r = (Redirect) hop;
        RedirectPolicy.Step step = redirects.next(url, r.status(), r.location());
        if (step instanceof RedirectPolicy.Refusal refusal) {
          return failed(refusal.reason(), refusal.message(), r.status(), null, redirects);
        }
        url = ((RedirectPolicy.Follow) step).url();
      } finally {
        inFlight.release();
        lease.release();
      }
    }
  }

  // ---- one request/response

  private sealed interface Hop {
    /** Whether the host answered (so a connection to it is open). */
    boolean reached();
  }

  private record Done(FetchResult result) implements Hop {
    @Override
    public boolean reached() {
      return !(result instanceof FetchResult.Failed f) || f.httpStatus() > 0;
    }
  }

  private record Redirect(int status, @Nullable String location) implements Hop {
    @Override
    public boolean reached() {
      return true;
    }
  }

  /** The one deadline of a fetch, started by its first request and shared by its redirects. */
  private static final class Exchange {
    private long deadlineNanos;
    private boolean started;

    void start(Duration timeout) {
      if (!started) {
        started = true;
        deadlineNanos = System.nanoTime() + timeout.toNanos();
      }
    }

    boolean started() {
      return started;
    }

    long nanosLeft() {
      return deadlineNanos - System.nanoTime();
    }
  }

  /** A response as the consumer collected it: the head and, for a 2xx, the raw (encoded) body. */
  private record Response(HttpResponse head, byte[] body, @Nullable String contentEncoding,
      @Nullable String contentType, long declaredLength) {
    @Nullable String header(String name) {
      Header h = head.getFirstHeader(name);
      return h == null ? null : h.getValue();
    }
  }

  private Hop exchange(Exchange exchange, FeedUrl url, @Nullable String authorization,
      @Nullable String etag, @Nullable String lastModified, RedirectPolicy redirects,
      boolean mayRetry) {
    BasicHttpRequest get = new BasicHttpRequest(Method.GET, url.uri());
    get.setHeader("User-Agent", userAgentFor(url.host()));
    get.setHeader("Accept", ACCEPT);
    get.setHeader("Accept-Encoding", "gzip, deflate");
    if (authorization != null) {
      get.setHeader("Authorization", authorization);
    }
    if (etag != null) {
      get.setHeader("If-None-Match", etag);
    }
    if (lastModified != null) {
      get.setHeader("If-Modified-Since", lastModified);
    }
    long left = exchange.nanosLeft();
    if (left <= 0) {
      return new Done(timedOut(url, 0, redirects));
    }
    BodyConsumer consumer = new BodyConsumer(settings.maxBodyBytes());
    HttpClientContext context = HttpClientContext.create();
    Future<Response> future =
        client.execute(new BasicRequestProducer(get, null), consumer, null, context, null);
    Response response;
    try {
      response = future.get(left, TimeUnit.NANOSECONDS);
    } catch (TimeoutException | CancellationException e) {
      future.cancel(true); // the whole fetch is over its deadline: drop the connection or stream
      return new Done(timedOut(url, consumer.status(), redirects));
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      return new Done(failed(FailureReason.TIMEOUT, "I/O interrupted fetching " + url,
          consumer.status(), null, redirects));
    } catch (ExecutionException e) {
      Throwable failed = e.getCause();
      Throwable cause = failed != null ? failed : e;
      if (cause instanceof BodyConsumer.DroppedBody && consumer.head != null) {
        response = new Response(consumer.head, new byte[0], null, null, -1);
      } else if (mayRetry && consumer.head == null && cause instanceof ConnectionClosedException
          && exchange.nanosLeft() > 0) {
        // a pooled keep-alive connection the server had already closed: a GET is idempotent, so
        // one retry on a fresh connection is safe (no other failure is retried here)
        return exchange(exchange, url, authorization, etag, lastModified, redirects, false);
      } else {
        return new Done(failure(cause, exchange, url, consumer.status(), redirects));
      }
    }
    if (LOG.isTraceEnabled()) {
      LOG.trace("{} {} from {}", context.getProtocolVersion(), response.head().getCode(), url);
    }
    int status = response.head().getCode();
    // the redacted URL is built only for a failure's message: a 304 or a body never needs it
    if (status == 304) {
      if (etag == null && lastModified == null) {
        return new Done(failed(FailureReason.HTTP_ERROR,
            statusText(status, url) + " to a request without validators", status, null, redirects));
      }
      String newEtag = response.header("ETag");
      String newLastModified = response.header("Last-Modified");
      return new Done(new FetchResult.NotModified(
          newEtag != null ? newEtag : etag,
          newLastModified != null ? newLastModified : lastModified,
          redirects.permanentRedirect()));
    }
    if (RedirectPolicy.isRedirect(status)) {
      return new Redirect(status, response.header("Location"));
    }
    if (BodyConsumer.wantsBody(status)) {
      try {
        return new Done(body(response, exchange, url, status, redirects));
      } catch (IOException e) {
        return new Done(failure(e, exchange, url, status, redirects));
      }
    }
    Duration retryAfter = null;
    FailureReason reason;
    if (status == 404 || status == 410) {
      reason = FailureReason.GONE;
    } else if (status == 401 || status == 403) {
      reason = FailureReason.UNAUTHORIZED;
    } else if (status == 429) {
      reason = FailureReason.RATE_LIMITED;
      retryAfter = retryAfter(response);
    } else if (status >= 500 && status < 600) {
      reason = FailureReason.SERVER_ERROR;
      retryAfter = retryAfter(response);
    } else if (status >= 300 && status < 400) {
      reason = FailureReason.REDIRECT;
    } else {
      reason = FailureReason.HTTP_ERROR;
    }
    return new Done(failed(reason, statusText(status, url), status, retryAfter, redirects));
  }

  private static String statusText(int status, FeedUrl url) {
    return "HTTP " + status + " from " + url;
  }

  private FetchResult body(Response response, Exchange exchange, FeedUrl url, int status,
      RedirectPolicy redirects) throws IOException {
    String contentTypeHeader = response.contentType();
    String mediaType = mediaType(contentTypeHeader);
    Charset charset = charset(contentTypeHeader);
    byte[] body = response.body().length == 0
        ? response.body()
        : BodyReader.decode(response.body(), response.contentEncoding(),
            response.declaredLength(), settings.maxBodyBytes(),
            System.nanoTime() + Math.max(0, exchange.nanosLeft()), System::nanoTime);
    if (FetchResult.isBlank(body)) {
      // no calendar at all: what a channel's glitch looks like, never "no bookings"
      return failed(FailureReason.EMPTY_BODY, "HTTP " + status + " from " + url
          + (status == 204 ? " has no content" : body.length == 0 ? " has an empty body" : " has a blank body")
          + ", not a calendar", status, null, redirects);
    }
    String notCalendar = BodyReader.notACalendar(body, mediaType);
    if (notCalendar != null) {
      return failed(FailureReason.NOT_A_CALENDAR,
          "HTTP " + status + " from " + url + " is " + notCalendar + ", not a calendar", status,
          null, redirects);
    }
    if (settings.rejectTruncated() && body.length > 0
        && !new String(body, 0, Math.min(body.length, 64), StandardCharsets.ISO_8859_1).isBlank()
        && BodyReader.truncatedCalendar(body)) {
      return failed(FailureReason.NETWORK,
          "calendar from " + url + " ends without END:VCALENDAR (truncated transfer)", status, null,
          redirects);
    }
    return new FetchResult.Fetched(body, charset, mediaType, response.header("ETag"),
        response.header("Last-Modified"), redirects.permanentRedirect());
  }

  /**
   * Collects one response on the I/O reactor. A 2xx body is kept up to a cap on its encoded bytes
   * (decoding, with the cap on decoded bytes, happens afterwards in {@link BodyReader}); a body the
   * cap does not allow is refused while it streams, which drops the HTTP/1.1 connection or resets
   * the HTTP/2 stream. Any other response's body is read and dropped up to {@link #SMALL_BODY} so
   * the connection can be reused, and cut off beyond it.
   */
  private static final class BodyConsumer implements AsyncResponseConsumer<Response> {
    /** Thrown to stop a body that is dropped anyway; the head is still used. */
    static final class DroppedBody extends IOException {
      private static final long serialVersionUID = 1L;

      DroppedBody() {
        super("response body dropped", null);
      }
    }

    private final long maxBodyBytes;
    volatile @Nullable HttpResponse head;
    private @Nullable FutureCallback<Response> callback;
    private @Nullable EntityDetails entity;
    private boolean keep;
    private long limit;
    private byte[] buf = new byte[0];
    private long received;
    private @Nullable Response result;

    BodyConsumer(long maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
    }

    static boolean wantsBody(int status) {
      return status >= 200 && status < 300 && status != 206;
    }

    int status() {
      HttpResponse h = head;
      return h == null ? 0 : h.getCode();
    }

    @Override
    public void consumeResponse(HttpResponse response, @Nullable EntityDetails entityDetails,
        HttpContext context, FutureCallback<Response> resultCallback) throws IOException {
      this.head = response;
      this.callback = resultCallback;
      this.entity = entityDetails;
      this.keep = wantsBody(response.getCode());
      if (entityDetails == null) {
        result = response(new byte[0]);
        return;
      }
      if (!keep) {
        limit = SMALL_BODY;
        return;
      }
      long declared = entityDetails.getContentLength();
      limit = BodyReader.receiveCap(entityDetails.getContentEncoding(), declared, maxBodyBytes);
      // trust a declared length only so far: a lying server must not make us allocate up front
      buf = new byte[(int) Math.max(1024, Math.min(declared, Math.min(limit, 1 << 20)))];
    }

    @Override
    public void informationResponse(HttpResponse response, HttpContext context) {
      // 1xx: nothing to do
    }

    @Override
    public void updateCapacity(CapacityChannel capacityChannel) throws IOException {
      capacityChannel.update(Integer.MAX_VALUE); // the cap below bounds what is held
    }

    @Override
    public void consume(ByteBuffer src) throws IOException {
      int n = src.remaining();
      received += n;
      if (received > limit) {
        if (!keep) {
          throw new DroppedBody();
        }
        throw new BodyReader.TooLargeException("body exceeds " + limit + " bytes");
      }
      if (!keep) {
        src.position(src.limit());
        return;
      }
      int len = (int) (received - n);
      if (received > buf.length) {
        buf = Arrays.copyOf(buf, (int) Math.min(Math.max(received, (long) buf.length * 2), limit));
      }
      src.get(buf, len, n);
    }

    @Override
    public void streamEnd(@Nullable List<? extends Header> trailers) {
      int len = (int) received;
      result = response(!keep ? new byte[0] : len == buf.length ? buf : Arrays.copyOf(buf, len));
    }

    private Response response(byte[] body) {
      EntityDetails e = entity;
      return new Response(Objects.requireNonNull(head), body,
          e == null ? null : e.getContentEncoding(), e == null ? null : e.getContentType(),
          e == null ? -1 : e.getContentLength());
    }

    @Override
    public void failed(Exception cause) {
      // the client fails the exchange's future with the same cause
    }

    /**
     * Called after the client has returned the connection to the pool (or dropped it): only now is
     * the fetch told its result, so the next fetch to the same host finds the connection in the
     * pool instead of opening another.
     */
    @Override
    public void releaseResources() {
      Response r = result;
      FutureCallback<Response> cb = callback;
      result = null;
      if (r != null && cb != null) {
        cb.completed(r);
      }
    }
  }

  private @Nullable Duration retryAfter(Response response) {
    return RetryAfter.parse(response.header("Retry-After"), settings.clock().instant(),
        settings.maxRetryAfter());
  }

  private FetchResult.Failed timedOut(FeedUrl url, int status, RedirectPolicy redirects) {
    return failed(FailureReason.TIMEOUT,
        "deadline of " + settings.timeout() + " passed fetching " + url, status, null, redirects);
  }

  private FetchResult failure(Throwable e, Exchange exchange, FeedUrl url, int status,
      RedirectPolicy redirects) {
    if (e instanceof GuardedDnsResolver.RefusedHostException) {
      return failed(FailureReason.REFUSED, "refused " + url + ": " + e.getMessage(), 0, null,
          redirects);
    }
    if (e instanceof BodyReader.TooLargeException) {
      return failed(FailureReason.TOO_LARGE, "body of " + url + ": " + e.getMessage(), status, null,
          redirects);
    }
    if (e instanceof BodyReader.UnsupportedEncodingException) {
      return failed(FailureReason.NOT_A_CALENDAR, "body of " + url + ": " + e.getMessage(), status,
          null, redirects);
    }
    if (exchange.nanosLeft() <= 0 || e instanceof BodyReader.DeadlineException) {
      return timedOut(url, status, redirects);
    }
    if (e instanceof GuardedDnsResolver.LookupTimeoutException) {
      return failed(FailureReason.TIMEOUT, "DNS lookup for " + url + " timed out", 0, null,
          redirects);
    }
    if (e instanceof UnknownHostException) {
      return failed(FailureReason.REFUSED,
          "host of " + url + " could not be resolved (refused: the guard fails closed)", 0, null,
          redirects);
    }
    if (e instanceof ConnectTimeoutException) {
      return failed(FailureReason.TIMEOUT, "connect timeout to " + url, 0, null, redirects);
    }
    if (e instanceof SocketTimeoutException) {
      return failed(FailureReason.TIMEOUT, "read timeout from " + url, status, null, redirects);
    }
    if (e instanceof InterruptedIOException) {
      return failed(FailureReason.TIMEOUT, "I/O interrupted fetching " + url, status, null,
          redirects);
    }
    String what;
    if (e instanceof ConnectException || e instanceof NoRouteToHostException) {
      what = "could not connect to " + url;
    } else if (e instanceof SSLException) {
      what = "TLS failure with " + url;
    } else if (e instanceof ConnectionClosedException || e instanceof EOFException) {
      what = "connection closed before the response from " + url + " ended";
    } else if (e instanceof SocketException) {
      what = "connection reset by " + url;
    } else if (e instanceof ZipException) {
      what = "corrupt compressed body from " + url;
    } else if (e instanceof HttpException
        || e instanceof org.apache.hc.core5.http.MessageConstraintException) {
      what = "invalid HTTP response from " + url;
    } else {
      what = "network failure (" + e.getClass().getSimpleName() + ") fetching " + url;
    }
    return failed(FailureReason.NETWORK, what, status, null, redirects);
  }

  private static FetchResult.Failed failed(FailureReason reason, String message, int status,
      @Nullable Duration retryAfter, RedirectPolicy redirects) {
    return new FetchResult.Failed(reason, message, status, retryAfter, redirects.permanentRedirect());
  }

  // ---- small helpers

  private String userAgentFor(String host) {
    Map<String, String> map = settings.userAgents();
    if (!map.isEmpty()) {
      String h = host;
      while (true) {
        String ua = map.get(h);
        if (ua != null) {
          return ua;
        }
        int dot = h.indexOf('.');
        if (dot < 0) {
          break;
        }
        h = h.substring(dot + 1);
      }
    }
    return settings.userAgent();
  }

  /** Drops stored validators that could not be sent as a header (CR, LF, other controls). */
  private static @Nullable String headerSafe(@Nullable String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 && c != '\t' || c == 0x7f) {
        return null;
      }
    }
    return value;
  }

  static @Nullable String mediaType(@Nullable String contentType) {
    if (contentType == null) {
      return null;
    }
    int semi = contentType.indexOf(';');
    String t = (semi >= 0 ? contentType.substring(0, semi) : contentType).trim()
        .toLowerCase(Locale.ROOT);
    return t.isEmpty() ? null : t;
  }

  static @Nullable Charset charset(@Nullable String contentType) {
    if (contentType == null) {
      return null;
    }
    for (String part : contentType.split(";")) {
      String p = part.trim();
      if (p.regionMatches(true, 0, "charset=", 0, 8)) {
        String name = p.substring(8).trim();
        if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
          name = name.substring(1, name.length() - 1);
        }
        try {
          return Charset.isSupported(name) ? Charset.forName(name) : null;
        } catch (IllegalArgumentException e) {
          return null;
        }
      }
    }
    return null;
  }

  private static String describe(FetchResult result) {
    if (result instanceof FetchResult.Fetched f) {
      return "fetched " + f.bodyLength() + " bytes";
    }
    if (result instanceof FetchResult.NotModified) {
      return "not modified";
    }
    FetchResult.Failed failed = (FetchResult.Failed) result;
    return failed.reason() + ": " + failed.message();
  }

  private static String version() {
    String v = HttpFeedFetcher.class.getPackage().getImplementationVersion();
    return v == null ? "0.1" : v;
  }

  private static final List<Logger> APACHE_SECRET_LOGGERS = List.of(
      LoggerFactory.getLogger("org.apache.hc.client5.http.headers"),
      LoggerFactory.getLogger("org.apache.hc.client5.http.wire"),
      LoggerFactory.getLogger("org.apache.hc.client5.http.impl.async.HttpAsyncMainClientExec"),
      LoggerFactory.getLogger("org.apache.hc.client5.http2.headers"),
      LoggerFactory.getLogger("org.apache.hc.client5.http2.frame.payload"));

  /**
   * Apache HttpClient logs request lines and headers (feed tokens, the Authorization header) at
   * DEBUG on these loggers; nothing this class can filter. Checked on every fetch (levels can change
   * at run time) and reported once per fetcher.
   */
  private void warnIfApacheDebugLogging() {
    if (apacheDebugWarned.get()) {
      return;
    }
    for (Logger logger : APACHE_SECRET_LOGGERS) {
      if (logger.isDebugEnabled() && apacheDebugWarned.compareAndSet(false, true)) {
        LOG.warn("logger {} is at DEBUG: Apache HttpClient will log request lines and headers,"
            + " including feed URL tokens and credentials; raise it to INFO in production",
            logger.getName());
        return;
      }
    }
  }

  /** Closes pooled connections and the deadline thread. Fetches after close fail. */
  @Override
  public void close() {
    client.close(CloseMode.GRACEFUL);
  }

  /** Builds an {@link HttpFeedFetcher}; every setting has a default, checked in {@link #build()}. */
  public static final class Builder {
    private static final java.util.regex.Pattern HOST_NAME =
        java.util.regex.Pattern.compile("[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*");

    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration timeout = Duration.ofSeconds(60);
    private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int maxRedirects = 5;
    private Duration maxRetryAfter = Duration.ofHours(6);
    private String userAgent = DEFAULT_USER_AGENT;
    private final Map<String, String> userAgents = new HashMap<>();
    private int maxConcurrentPerHost = 4;
    private Duration minIntervalPerHost = Duration.ofMillis(100);
    private Duration maxQueueWait = Duration.ofMinutes(5);
    private int maxConnections = 64;
    private boolean rejectTruncated = true;
    private boolean http2 = true;
    private Clock clock = Clock.systemUTC();
    private @Nullable SSLContext sslContext;
    private final Set<String> allowedHosts = new HashSet<>();
    private final List<String> allowedCidrs = new ArrayList<>();
    private GuardedDnsResolver.Lookup lookup = GuardedDnsResolver.Lookup.system();

    private Builder() {}

    /** Time to establish a TCP connection (default 10 s). */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    /** Deadline for the whole fetch, redirects and body included (default 60 s). */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** Cap on the decoded body (default 10 MiB). */
    public Builder maxBodyBytes(long maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /** Redirects followed per fetch, 0 to 20 (default 5). */
    public Builder maxRedirects(int maxRedirects) {
      this.maxRedirects = maxRedirects;
      return this;
    }

    /** Longest Retry-After passed on; longer ones are capped (default 6 h). */
    public Builder maxRetryAfter(Duration maxRetryAfter) {
      this.maxRetryAfter = maxRetryAfter;
      return this;
    }

    /** The User-Agent sent to every host without an override (default {@link #DEFAULT_USER_AGENT}). */
    public Builder userAgent(String userAgent) {
      this.userAgent = userAgent;
      return this;
    }

    /**
     * The User-Agent for {@code host} and its subdomains ({@code "airbnb.com"} also covers {@code
     * "www.airbnb.com"}); the most specific entry wins.
     */
    public Builder userAgent(String host, String userAgent) {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(userAgent, "userAgent");
      this.userAgents.put(host.trim().toLowerCase(Locale.ROOT), userAgent);
      return this;
    }

    /** Requests in flight to one host at once (default 4). */
    public Builder maxConcurrentPerHost(int maxConcurrentPerHost) {
      this.maxConcurrentPerHost = maxConcurrentPerHost;
      return this;
    }

    /** Minimum time between request starts to one host (default 100 ms; zero disables). */
    public Builder minIntervalPerHost(Duration minIntervalPerHost) {
      this.minIntervalPerHost = minIntervalPerHost;
      return this;
    }

    /** Longest wait for a per-host slot before the fetch fails with TIMEOUT (default 5 min). */
    public Builder maxQueueWait(Duration maxQueueWait) {
      this.maxQueueWait = maxQueueWait;
      return this;
    }

    /**
     * Fetches in flight across all hosts (default 64); further fetches wait for a slot within
     * {@link #maxQueueWait}. The pool keeps up to twice as many keep-alive connections.
     */
    public Builder maxConnections(int maxConnections) {
      this.maxConnections = maxConnections;
      return this;
    }

    /**
     * Whether a calendar body without {@code END:VCALENDAR} is reported as a truncated transfer
     * (default true). Turn off only for a source known to omit it.
     */
    public Builder rejectTruncatedCalendars(boolean reject) {
      this.rejectTruncated = reject;
      return this;
    }

    /**
     * Whether https connections offer HTTP/2 by ALPN (default true): a server that accepts it
     * serves every feed of its host over one multiplexed connection; a server that does not gets
     * HTTP/1.1 with keep-alive pooling. Plain http is always HTTP/1.1. False offers HTTP/1.1 only.
     */
    public Builder http2(boolean http2) {
      this.http2 = http2;
      return this;
    }

    /**
     * The TLS context (trust store, client certificate) for https; default: the JVM's default
     * context. Host names are always verified.
     */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /** The clock for HTTP-date Retry-After values (default UTC system clock). */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Lets the SSRF guard pass one exact host name or IP literal, whatever it resolves to (for
     * tests on loopback and trusted intranets). Other names are still checked, even if they resolve
     * to the same address.
     *
     * @throws ConfigurationException at once, unlike other settings, when {@code host} is not a host
     *     name or an IP address (a caller adding many, such as the CLI, learns which one is refused)
     */
    public Builder allowHost(String host) {
      Checks.nonBlank(host, "host");
      String h = host.trim();
      if (h.startsWith("[") && h.endsWith("]")) {
        h = h.substring(1, h.length() - 1);
      }
      try {
        // a feed URL's host is compared in its ASCII form: allow the same form
        String canonical = AddressClassifier.canonicalHost(FeedUrl.asciiHost("http://" + h).substring(7));
        // a pattern (*, 127.0.0.*) or a range would be compared as a name and match nothing
        if (AddressClassifier.parseLiteral(canonical) == null && !HOST_NAME.matcher(canonical).matches()) {
          throw new UnknownHostException(canonical);
        }
        allowedHosts.add(canonical);
      } catch (UnknownHostException e) {
        throw new ConfigurationException("host is not a valid host name or address (patterns such as * match "
            + "nothing; use allowCidr for a range): " + host);
      }
      return this;
    }

    /**
     * Lets the SSRF guard pass addresses in one block, e.g. {@code 10.20.0.0/16}.
     *
     * @throws ConfigurationException at once, as {@link #allowHost}, when {@code cidr} is not a range
     */
    public Builder allowCidr(String cidr) {
      Checks.nonBlank(cidr, "cidr");
      try {
        AccessPolicy.Cidr.parse(cidr);
      } catch (IllegalArgumentException e) {
        // the message names "cidr"
        throw new ConfigurationException(java.util.Objects.requireNonNullElse(e.getMessage(), "invalid cidr: " + cidr));
      }
      allowedCidrs.add(cidr.trim());
      return this;
    }

    /** Test seam: the raw name lookup behind the guard. */
    Builder lookup(GuardedDnsResolver.Lookup lookup) {
      this.lookup = Objects.requireNonNull(lookup, "lookup");
      return this;
    }

    /**
     * Checks every setting, then builds.
     *
     * @throws ConfigurationException naming the setting, when one is out of range or a host or
     *     user agent is blank
     */
    public HttpFeedFetcher build() {
      Checks.positive(connectTimeout, "connectTimeout");
      Checks.positive(timeout, "timeout");
      Checks.positive(maxBodyBytes, "maxBodyBytes");
      if (maxBodyBytes > Integer.MAX_VALUE - 64) {
        throw new ConfigurationException("maxBodyBytes must be below 2 GiB, was " + maxBodyBytes);
      }
      if (maxRedirects < 0 || maxRedirects > 20) {
        throw new ConfigurationException("maxRedirects must be 0..20, was " + maxRedirects);
      }
      Checks.nonNegative(maxRetryAfter, "maxRetryAfter");
      Checks.nonBlank(userAgent, "userAgent");
      Checks.positive(maxConcurrentPerHost, "maxConcurrentPerHost");
      Checks.nonNegative(minIntervalPerHost, "minIntervalPerHost");
      Checks.positive(maxQueueWait, "maxQueueWait");
      Checks.positive(maxConnections, "maxConnections");
      Objects.requireNonNull(clock, "clock");
      userAgents.forEach((host, agent) -> {
        Checks.nonBlank(host, "host");
        Checks.nonBlank(agent, "userAgent");
      });
      List<AccessPolicy.Cidr> cidrs = new ArrayList<>();
      for (String c : allowedCidrs) {
        cidrs.add(AccessPolicy.Cidr.parse(c));
      }
      Settings s = new Settings(connectTimeout, timeout, maxBodyBytes, maxRedirects, maxRetryAfter,
          userAgent, Map.copyOf(userAgents), maxConcurrentPerHost, minIntervalPerHost, maxQueueWait,
          maxConnections, rejectTruncated, http2, sslContext, clock);
      return new HttpFeedFetcher(s, new AccessPolicy(true, allowedHosts, cidrs), lookup);
    }
  }
}

package dev.icssync.http;

import dev.icssync.ExportToken;
import dev.icssync.ExportTokens;
import dev.icssync.ExportView;
import dev.icssync.ExportedCalendar;
import dev.icssync.IcsSync;
import dev.icssync.IcsSyncException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.message.BasicHeader;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The export endpoint, free of any web framework: a {@link Request} (method, path, headers) in, a
 * {@link Response} (status, headers, body) out. Thread-safe; build one and share it.
 *
 * <p>The last path segment is the export token, with or without {@code .ics}:
 * {@code GET /export/Xq3...Zk.ics}. The answer is:
 * <ul>
 *   <li>{@code 200} with the view's calendar, {@code Content-Type: text/calendar; charset=utf-8}, a
 *       strong {@code ETag} (a hash of the body; {@code "<hash>-gzip"} for the gzip representation),
 *       {@code Last-Modified}, {@code Cache-Control} (default
 *       {@value #DEFAULT_CACHE_CONTROL}), {@code Surrogate-Key} ({@link ExportView#surrogateKey()})
 *       and {@code Vary: Accept-Encoding}; gzip when {@code Accept-Encoding} allows it;
 *   <li>{@code 304} when {@code If-None-Match} matches (either representation's tag), or, without
 *       {@code If-None-Match}, when {@code If-Modified-Since} is not older than Last-Modified;
 *   <li>{@code HEAD}: the same headers, no body;
 *   <li>{@code 404}: one identical response (same body, same headers) for a malformed, unknown,
 *       expired, rotated-out or revoked token and for a property that no longer exists;
 *   <li>{@code 405} for other methods; {@code 503} when the store fails (logged without the token).
 * </ul>
 * Tokens never reach a log line or an exception message from this class.
 *
 * <h2>Mounting</h2>
 * With the JDK's server: {@link ExportHttpServer#start}. In a servlet container (Jakarta Servlet):
 * <pre>{@code
 * public final class ExportServlet extends HttpServlet {
 *   private final ExportEndpoint endpoint = ExportEndpoint.builder(sync).build();
 *
 *   protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
 *     Map<String, List<String>> headers = new HashMap<>();
 *     for (String name : Collections.list(req.getHeaderNames())) {
 *       headers.put(name, Collections.list(req.getHeaders(name)));
 *     }
 *     ExportEndpoint.Response r =
 *         endpoint.handle(new ExportEndpoint.Request(req.getMethod(), req.getRequestURI(), headers));
 *     resp.setStatus(r.status());
 *     r.headers().forEach((name, values) -> values.forEach(v -> resp.addHeader(name, v)));
 *     r.writeTo(resp.getOutputStream());   // empty for HEAD and 304
 *   }
 * }
 * }</pre>
 * Any other framework (Spring MVC, Javalin, Vert.x, Netty) maps the same way: method, raw path and
 * headers in; status, every header, and the body bytes out. Do not let the framework's access log
 * print the path: it holds the token.
 */
public final class ExportEndpoint {
  /** The default Cache-Control of a 200 or 304. */
  public static final String DEFAULT_CACHE_CONTROL = "public, max-age=300, s-maxage=600";
  public static final String CONTENT_TYPE = "text/calendar; charset=utf-8";

  private static final Logger log = LoggerFactory.getLogger(ExportEndpoint.class);
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
  private static final Pattern ENTITY_TAG = Pattern.compile("(?:W/)?\"([^\"]*)\"|\\*");
  private static final String GZIP_SUFFIX = "-gzip";

  private static final Answer NOT_FOUND = Answer.of(plain(404, "Not Found\n", Map.of()));
  private static final Answer NOT_ALLOWED =
      Answer.of(plain(405, "Method Not Allowed\n", Map.of("Allow", "GET, HEAD")));
  private static final Answer UNAVAILABLE =
      Answer.of(plain(503, "Service Unavailable\n", Map.of("Retry-After", "30")));
  private static final byte[] EMPTY = new byte[0];
  /** Rendered calendars whose answers are kept ready (each a few headers; bodies are shared, not copied). */
  static final int MAX_PREPARED = 4096;

  private final IcsSync sync;
  private final ExportTokens tokens;
  private final String cacheControl;
  private final Function<ExportToken, ExportView> views;
  private final GzipMemo gzip;
  private final ConcurrentHashMap<PreparedKey, Prepared> prepared = new ConcurrentHashMap<>();
  private final int maxPrepared;
  /** True when cached exports may be answered from memory ({@link #answerFromMemory}). */
  private final boolean memory;
  /** For {@link #answerFromMemory}: the view a resolved token opens and its property's zone. */
  private final ConcurrentHashMap<String, MemoryView> memoryViews = new ConcurrentHashMap<>(); // by token hash

  private ExportEndpoint(Builder b) {
    this.sync = b.sync;
    this.tokens = sync.exportTokens();
    this.cacheControl = b.cacheControl;
    this.views = b.views;
    this.gzip = new GzipMemo(b.gzipMemoBytes);
    this.maxPrepared = b.maxPrepared;
    this.memory = answersFromMemory(sync.settings());
  }

  /**
   * True when a cached export can be answered with nothing that blocks: the store tells its token
   * revision (so it sees every write and lives in this process: an in-memory store) and the export
   * cache says it answers from process memory ({@link dev.icssync.spi.ExportCache#answersFromProcessMemory()},
   * as the Caffeine one does). A database store, a Redis cache or no cache: never.
   */
  static boolean answersFromMemory(IcsSync.Settings settings) {
    return settings.store().tokenRevision().isPresent() && settings.exportCache().answersFromProcessMemory();
  }

  /** True when this endpoint may answer cached exports from memory ({@link #answerFromMemory}). */
  boolean answersFromMemory() {
    return memory;
  }

  /** Prepared answers looked up by key in {@link #answerFromMemory} (tests: a steady export needs none). */
  private final java.util.concurrent.atomic.LongAdder preparedLookups = new java.util.concurrent.atomic.LongAdder();

  long preparedLookupsFromMemory() {
    return preparedLookups.sum();
  }

  /** Rendered calendars whose answers are kept now (tests). */
  int preparedCount() {
    return prepared.size();
  }

  /** An endpoint serving the exports of {@code sync}. */
  public static Builder builder(IcsSync sync) {
    return new Builder(sync);
  }

  /**
   * An HTTP request as the endpoint needs it.
   *
   * @param method request method ({@code GET}, {@code HEAD}, ...)
   * @param path the raw request path (a query string, if present, is ignored)
   * @param headers request headers; names are matched ignoring case
   */
  public record Request(String method, String path, Map<String, List<String>> headers) {
    public Request {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(path, "path");
      Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      Objects.requireNonNull(headers, "headers").forEach((k, v) -> {
        if (k != null) {
          copy.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v);
        }
      });
      headers = Collections.unmodifiableMap(copy);
    }

    /** A request with one value per header. */
    public static Request of(String method, String path, Map<String, String> headers) {
      Map<String, List<String>> m = new LinkedHashMap<>();
      headers.forEach((k, v) -> m.put(k, List.of(v)));
      return new Request(method, path, m);
    }

    /** Every value of a header (comma-separated lists are left as sent). */
    public List<String> headers(String name) {
      return headers.getOrDefault(name, List.of());
    }

    /** The first value of a header, or null. */
    public @Nullable String header(String name) {
      List<String> v = headers.get(name);
      return v == null || v.isEmpty() ? null : v.get(0);
    }

    @Override
    public String toString() {
      return "Request[" + method + " <path hidden>]";
    }
  }

  /**
   * What to send back. For {@code HEAD} and {@code 304} the body is empty; a {@code HEAD}'s
   * Content-Length is that of the body a GET would get.
   *
   * <p>Immutable: a body is copied on the way in, and the endpoint's own answers share the rendered
   * export (and its gzip) with every other request, so the bytes are never handed out for writing.
   * A server sends them with {@link #writeTo(OutputStream)} or {@link #bodyBuffer()}, which read
   * them in place; {@link #body()} returns a fresh copy.
   *
   * <p>A final class rather than a record: a record hands out its array. It keeps the record's
   * constructor and accessors.
   */
  public static final class Response {
    private static final byte[] EMPTY = new byte[0];

    private final int status;
    private final Map<String, List<String>> headers;
    private final @Nullable ExportedCalendar calendar; // the body when set, read in place
    private final byte[] bytes; // the body otherwise; never handed out

    /**
     * A response.
     *
     * @param status HTTP status
     * @param headers response headers in sending order (names as sent)
     * @param body the bytes to send (copied)
     */
    public Response(int status, Map<String, List<String>> headers, byte[] body) {
      this(status, headers, null, Objects.requireNonNull(body, "body").clone());
    }

    private Response(int status, Map<String, List<String>> headers, @Nullable ExportedCalendar calendar,
        byte[] bytes) {
      Objects.requireNonNull(headers, "headers");
      Map<String, List<String>> copy = new LinkedHashMap<>();
      headers.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      this.status = status;
      this.headers = Collections.unmodifiableMap(copy);
      this.calendar = calendar;
      this.bytes = bytes;
    }

    /** The rendered export as the body, not copied. */
    static Response of(int status, Map<String, List<String>> headers, ExportedCalendar calendar) {
      return new Response(status, headers, calendar, EMPTY);
    }

    /** {@code bytes} as the body, not copied: only for arrays nobody else writes. */
    static Response sharing(int status, Map<String, List<String>> headers, byte[] bytes) {
      return new Response(status, headers, null, bytes);
    }

    /** HTTP status. */
    public int status() {
      return status;
    }

    /** Response headers in sending order (names as sent). */
    public Map<String, List<String>> headers() {
      return headers;
    }

    /** A copy of the bytes to send: changing it changes nothing here. */
    public byte[] body() {
      return calendar != null ? calendar.body() : bytes.clone();
    }

    /** The bytes to send in place, read-only, positioned at 0: no copy. */
    public ByteBuffer bodyBuffer() {
      return calendar != null ? calendar.bodyBuffer() : ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    /** Length of the body in bytes. */
    public int bodyLength() {
      return calendar != null ? calendar.bodyLength() : bytes.length;
    }

    /** Writes the body to {@code out} without copying it; does not close {@code out}. */
    public void writeTo(OutputStream out) throws IOException {
      if (calendar != null) {
        calendar.writeTo(out);
      } else {
        out.write(bytes);
      }
    }

    /** The first value of a header (name matched ignoring case), or null. */
    public @Nullable String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return e.getValue().get(0);
        }
      }
      return null;
    }

    /** Equal when status, headers and body bytes are (the record compared the array's identity). */
    @Override
    public boolean equals(@Nullable Object other) {
      return other instanceof Response o
          && status == o.status
          && headers.equals(o.headers)
          && bodyBuffer().equals(o.bodyBuffer());
    }

    @Override
    public int hashCode() {
      return Objects.hash(status, headers, bodyBuffer());
    }

    @Override
    public String toString() {
      return "Response[status=" + status + ", headers=" + headers + ", body=" + bodyLength() + " bytes]";
    }
  }

  /** Answers one request. Never throws for a bad request or a store failure. */
  public Response handle(Request request) {
    Objects.requireNonNull(request, "request");
    return answer(request.method(), request.path(), request::headers).response;
  }

  /** The request headers the endpoint reads, by name (matched ignoring case), each value as sent. */
  @FunctionalInterface
  interface RequestHeaders {
    List<String> values(String name);
  }

  /**
   * The one way in, for {@link #handle} and {@link ExportHttpServer}: the answer with its head and
   * body ready to write. A cached export's answers are built once per rendered calendar (headers,
   * ETags, the body wrapped read-only), so a request costs a token resolution, a cache look-up and
   * the validator check.
   */
  Answer answer(String method, String path, RequestHeaders headers) {
    boolean head = method.equalsIgnoreCase("HEAD");
    if (!head && !method.equalsIgnoreCase("GET")) {
      return NOT_ALLOWED;
    }
    String token = tokenOf(path);
    if (token == null) {
      return NOT_FOUND;
    }
    ExportView view;
    ExportedCalendar calendar;
    java.util.OptionalLong revision;
    ExportToken found;
    try {
      // read before the token: a write after this read moves the revision, so what is kept below
      // is never taken for newer than it is
      revision = memory ? sync.settings().store().tokenRevision() : java.util.OptionalLong.empty();
      found = tokens.resolve(token).orElse(null);
      if (found == null) {
        return NOT_FOUND;
      }
      view = views.apply(found);
      if (!view.tenant().equals(found.tenant()) || !view.property().equals(found.property())) {
        throw new IllegalStateException("the view function returned a view of another property");
      }
      calendar = sync.export(view);
    } catch (RuntimeException e) {
      // The token is not in the message: only what the exception says about the store.
      log.warn("export failed: {}", e.toString(), e);
      return UNAVAILABLE;
    }
    Prepared prepared = prepared(view, calendar);
    if (revision.isPresent()) {
      rememberView(found, view, revision.getAsLong(), prepared);
    }
    boolean gz = acceptsGzip(headers.values("Accept-Encoding"));
    if (notModified(headers, prepared)) {
      return gz ? prepared.notModifiedGzip : prepared.notModified;
    }
    if (gz) {
      Answer[] zipped = prepared.gzip(gzip);
      return head ? zipped[1] : zipped[0];
    }
    return head ? prepared.okHead : prepared.ok;
  }

  /**
   * The answer to a request for a cached export, computed from memory alone, or null when it needs
   * anything that may block or take long: then call {@link #answer} on a thread that may. Non-null
   * only when the token's resolution is held at the store's current revision and still valid (so a
   * revocation, a rotation or any token, feed or property write sends the request to
   * {@link #answer}, which reads the store), the view of that token was opened by {@link #answer} at
   * that revision, the export cache holds the calendar and its answers are prepared (gzip included,
   * when the request accepts it). Never reads the store beyond its revision, never runs the view
   * function, never renders or compresses.
   */
  @Nullable Answer answerFromMemory(String method, String path, RequestHeaders headers) {
    if (!memory) {
      return null;
    }
    boolean head = method.equals("HEAD");
    if (!head && !method.equals("GET")) {
      return null;
    }
    String token = tokenOf(path);
    if (token == null) {
      return null;
    }
    try {
      java.util.OptionalLong revision = sync.settings().store().tokenRevision();
      ExportToken found = tokens.resolveIfRemembered(token).orElse(null);
      if (found == null || revision.isEmpty()) {
        return null;
      }
      MemoryView mv = memoryViews.get(found.hash());
      if (mv == null || mv.revision != revision.getAsLong()) {
        return null;
      }
      ExportedCalendar calendar = sync.exportIfCached(mv.view).orElse(null);
      if (calendar == null) {
        return null;
      }
      Prepared p = mv.prepared;
      if (p.calendar != calendar) { // re-rendered since (a sync, the day's turn): prepared by answer()?
        preparedLookups.increment();
        p = prepared.get(new PreparedKey(calendar.etag(), calendar.lastModified(), mv.view.tenant(),
            mv.view.property()));
        if (p == null || p.calendar != calendar) {
          return null;
        }
      }
      boolean gz = acceptsGzip(headers.values("Accept-Encoding"));
      if (notModified(headers, p)) {
        return gz ? p.notModifiedGzip : p.notModified;
      }
      if (gz) {
        Answer[] zipped = p.gzip;
        return zipped == null ? null : head ? zipped[1] : zipped[0];
      }
      return head ? p.okHead : p.ok;
    } catch (RuntimeException e) {
      return null; // answer() will meet it again, on a thread that may log and block
    }
  }

  /**
   * What a token opened at a store revision, for {@link #answerFromMemory}, with the answers last
   * prepared for it (used while the export cache still holds that very calendar).
   */
  private record MemoryView(ExportView view, long revision, Prepared prepared) {}

  private void rememberView(ExportToken token, ExportView view, long revision, Prepared prepared) {
    MemoryView known = memoryViews.get(token.hash());
    if (known != null && known.revision == revision && known.prepared == prepared && known.view.equals(view)) {
      return;
    }
    while (memoryViews.size() >= maxPrepared) { // bounded like the prepared answers
      java.util.Iterator<String> it = memoryViews.keySet().iterator();
      if (!it.hasNext()) {
        break;
      }
      memoryViews.remove(it.next());
    }
    memoryViews.put(token.hash(), new MemoryView(view, revision, prepared));
  }

  /** The answers of one rendered calendar of one property, built at its first request. */
  private Prepared prepared(ExportView view, ExportedCalendar calendar) {
    PreparedKey key = new PreparedKey(calendar.etag(), calendar.lastModified(), view.tenant(), view.property());
    Prepared p = prepared.get(key);
    if (p != null && p.calendar == calendar) {
      return p;
    }
    if (p != null && !memory && p.sameBytes(calendar)) {
      return p; // an equal calendar (a copy from a shared cache): same answers
    }
    // (with answers from memory, a new render is prepared again: answerFromMemory knows a prepared
    // answer by the identity of the cached calendar, so it never compares bytes)
    Prepared built = new Prepared(calendar, view.surrogateKey(), cacheControl);
    // bounded: beyond the cap an arbitrary entry goes (it is built again when asked)
    while (prepared.size() >= maxPrepared) {
      java.util.Iterator<PreparedKey> it = prepared.keySet().iterator();
      if (!it.hasNext()) {
        break;
      }
      prepared.remove(it.next());
    }
    prepared.put(key, built);
    return built;
  }

  private record PreparedKey(String etag, Instant lastModified, String tenant, String property) {}

  /** What to send for one request: the public {@link Response} and the same as HttpCore writes it. */
  static final class Answer {
    final Response response;
    /** Every header to send, Content-Length included (for HEAD, the GET body's). */
    final Header[] head;
    /** The body, read-only; null when none is sent (HEAD, 304). Read it through a duplicate. */
    final @Nullable ByteBuffer body;

    private Answer(Response response, @Nullable ByteBuffer body) {
      this.response = response;
      List<Header> h = new ArrayList<>();
      response.headers().forEach((name, values) -> values.forEach(v -> h.add(new BasicHeader(name, v))));
      this.head = h.toArray(new Header[0]);
      this.body = body;
    }

    static Answer of(Response response) {
      return new Answer(response, response.bodyLength() == 0 ? null : response.bodyBuffer());
    }
  }

  private static final class Prepared {
    final ExportedCalendar calendar;
    final byte[] body;
    final String opaque;
    final Map<String, List<String>> common;
    final Answer ok;
    final Answer okHead;
    final Answer notModified;
    final Answer notModifiedGzip;
    private volatile Answer @Nullable [] gzip;

    Prepared(ExportedCalendar calendar, String surrogateKey, String cacheControl) {
      this.calendar = calendar;
      this.body = bodyOf(calendar);
      this.opaque = calendar.etag().substring(1, calendar.etag().length() - 1);
      this.common = headers(calendar.etag(), calendar.lastModified(), surrogateKey, cacheControl);
      Map<String, List<String>> gzHead = withEtag(common, '"' + opaque + GZIP_SUFFIX + '"');
      this.notModified = Answer.of(Response.sharing(304, common, EMPTY));
      this.notModifiedGzip = Answer.of(Response.sharing(304, gzHead, EMPTY));
      Map<String, List<String>> h = body(common, null, body.length);
      Response okResponse = Response.sharing(200, h, body);
      this.ok = new Answer(okResponse, okResponse.bodyBuffer());
      this.okHead = Answer.of(Response.sharing(200, h, EMPTY));
    }

    boolean sameBytes(ExportedCalendar other) {
      return calendar.equals(other); // compares the bytes in place, without copying them
    }

    /** The gzip answers, GET then HEAD, compressed at the first request that accepts gzip. */
    Answer[] gzip(GzipMemo memo) {
      Answer[] g = gzip;
      if (g == null) {
        byte[] zipped = memo.gzip(calendar.etag(), body);
        Map<String, List<String>> h = body(withEtag(common, '"' + opaque + GZIP_SUFFIX + '"'), "gzip", zipped.length);
        Response zippedResponse = Response.sharing(200, h, zipped);
        g = new Answer[] {new Answer(zippedResponse, zippedResponse.bodyBuffer()),
            Answer.of(Response.sharing(200, h, EMPTY))};
        gzip = g;
      }
      return g;
    }

    private static Map<String, List<String>> headers(String etag, Instant lastModified, String surrogateKey,
        String cacheControl) {
      Map<String, List<String>> h = new LinkedHashMap<>();
      h.put("ETag", List.of(etag));
      h.put("Last-Modified", List.of(HTTP_DATE.format(lastModified)));
      h.put("Cache-Control", List.of(cacheControl));
      h.put("Surrogate-Key", List.of(surrogateKey));
      h.put("Vary", List.of("Accept-Encoding"));
      h.put("X-Content-Type-Options", List.of("nosniff"));
      h.put("Referrer-Policy", List.of("no-referrer"));
      return h;
    }

    private static Map<String, List<String>> withEtag(Map<String, List<String>> common, String etag) {
      Map<String, List<String>> h = new LinkedHashMap<>(common);
      h.put("ETag", List.of(etag));
      return h;
    }

    private static Map<String, List<String>> body(Map<String, List<String>> common, @Nullable String encoding,
        int length) {
      Map<String, List<String>> h = new LinkedHashMap<>(common);
      h.put("Content-Type", List.of(CONTENT_TYPE));
      if (encoding != null) {
        h.put("Content-Encoding", List.of(encoding));
      }
      h.put("Content-Length", List.of(Integer.toString(length)));
      return h;
    }
  }

  /** The bytes of a rendered calendar (a copy, taken once per rendered calendar): the one place the endpoint reads them. */
  static byte[] bodyOf(ExportedCalendar calendar) {
    return calendar.body();
  }

  /** The token in the last path segment, or null when the path cannot hold one. */
  static @Nullable String tokenOf(String path) {
    int q = path.indexOf('?');
    String p = q >= 0 ? path.substring(0, q) : path;
    int slash = p.lastIndexOf('/');
    String last = p.substring(slash + 1);
    if (last.endsWith(".ics")) {
      last = last.substring(0, last.length() - 4);
    }
    return ExportTokens.isWellFormed(last) ? last : null;
  }

  private static boolean notModified(RequestHeaders request, Prepared p) {
    List<String> inm = request.values("If-None-Match");
    if (!inm.isEmpty()) {
      String quoted = p.calendar.etag();
      for (String value : inm) {
        if (value.equals(quoted)) {
          return true; // the common case, without a pattern
        }
        Matcher m = ENTITY_TAG.matcher(value);
        while (m.find()) {
          String tag = m.group(1);
          if (tag == null || tag.equals(p.opaque) || tag.equals(p.opaque + GZIP_SUFFIX)) {
            return true; // "*" or a tag of either representation (weak comparison, RFC 9110 13.1.2)
          }
        }
      }
      return false;
    }
    List<String> since = request.values("If-Modified-Since");
    if (since.isEmpty()) {
      return false;
    }
    try {
      Instant ims = ZonedDateTime.parse(since.get(0).trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return !p.calendar.lastModified().truncatedTo(ChronoUnit.SECONDS).isAfter(ims);
    } catch (DateTimeParseException e) {
      return false; // an invalid date is ignored (RFC 9110 13.1.3)
    }
  }

  /** True when gzip is acceptable: listed with q > 0, or "*" with q > 0 and gzip not refused. */
  static boolean acceptsGzip(List<String> values) {
    if (values.isEmpty()) {
      return false;
    }
    Boolean gzip = null;
    boolean star = false;
    for (String value : values) {
      for (String part : value.split(",")) {
        String[] bits = part.split(";");
        String coding = bits[0].trim().toLowerCase(Locale.ROOT);
        double q = 1;
        for (int i = 1; i < bits.length; i++) {
          String param = bits[i].trim();
          if (param.regionMatches(true, 0, "q=", 0, 2)) {
            try {
              q = Double.parseDouble(param.substring(2).trim());
            } catch (NumberFormatException e) {
              q = 0;
            }
          }
        }
        if (coding.equals("gzip") || coding.equals("x-gzip")) {
          gzip = q > 0;
        } else if (coding.equals("*")) {
          star = q > 0;
        }
      }
    }
    return gzip != null ? gzip : star;
  }

  private static Response plain(int status, String body, Map<String, String> extra) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    Map<String, List<String>> h = new LinkedHashMap<>();
    h.put("Content-Type", List.of("text/plain; charset=utf-8"));
    h.put("Cache-Control", List.of("no-store"));
    h.put("X-Content-Type-Options", List.of("nosniff"));
    h.put("Referrer-Policy", List.of("no-referrer"));
    extra.forEach((k, v) -> h.put(k, List.of(v)));
    h.put("Content-Length", List.of(Integer.toString(bytes.length)));
    return Response.sharing(status, h, bytes);
  }

  /** Builder of {@link ExportEndpoint}; values are checked as they are set. */
  public static final class Builder {
    private final IcsSync sync;
    private String cacheControl = DEFAULT_CACHE_CONTROL;
    private Function<ExportToken, ExportView> views =
        t -> ExportView.forProperty(t.tenant(), t.property()).forChannel(t.channel());
    private long gzipMemoBytes = 32L * 1024 * 1024;
    private int maxPrepared = MAX_PREPARED;

    private Builder(IcsSync sync) {
      this.sync = Objects.requireNonNull(sync, "sync");
    }

    /** Cache-Control of 200 and 304 answers (default {@value #DEFAULT_CACHE_CONTROL}). */
    public Builder cacheControl(String value) {
      Objects.requireNonNull(value, "cacheControl");
      if (value.isBlank() || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        throw new IcsSyncException.ConfigurationException("cacheControl must be one non-blank header line");
      }
      this.cacheControl = value.trim();
      return this;
    }

    /**
     * The view a token opens. The default is the token's property and channel with every other
     * setting at its default; a host adds its padding, placeholder or privacy here, for example
     * {@code t -> ExportView.forProperty(t.tenant(), t.property()).forChannel(t.channel())
     * .withPadding(0, 1)}. The view must be of the token's tenant and property.
     */
    public Builder view(Function<ExportToken, ExportView> value) {
      this.views = Objects.requireNonNull(value, "view");
      return this;
    }

    /** Bytes of gzipped bodies kept for reuse (default 32 MB; 0 compresses every time). */
    public Builder gzipMemoBytes(long value) {
      if (value < 0) {
        throw new IcsSyncException.ConfigurationException("gzipMemoBytes must not be negative, was " + value);
      }
      this.gzipMemoBytes = value;
      return this;
    }

    /** Rendered calendars whose answers are kept ready (default {@value ExportEndpoint#MAX_PREPARED}; tests set fewer). */
    Builder maxPrepared(int value) {
      if (value <= 0) {
        throw new IcsSyncException.ConfigurationException("maxPrepared must be positive, was " + value);
      }
      this.maxPrepared = value;
      return this;
    }

    public ExportEndpoint build() {
      return new ExportEndpoint(this);
    }
  }
}

package dev.icssync.spring.boot;

import dev.icssync.http.ExportEndpoint;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The export endpoint as a servlet: method, raw path and headers in; status, every header and the
 * body bytes out, untouched by message converters (the ETag is a hash of exactly these bytes).
 */
public final class ExportServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient ExportEndpoint endpoint;

  public ExportServlet(ExportEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : Collections.list(req.getHeaderNames())) {
      headers.put(name, Collections.list(req.getHeaders(name)));
    }
    ExportEndpoint.Response r = endpoint.handle(new ExportEndpoint.Request(req.getMethod(), req.getRequestURI(), headers));
    resp.setStatus(r.status());
    r.headers().forEach((name, values) -> values.forEach(v -> resp.addHeader(name, v)));
    if (r.bodyLength() > 0) {
      r.writeTo(resp.getOutputStream());
    }
  }
}

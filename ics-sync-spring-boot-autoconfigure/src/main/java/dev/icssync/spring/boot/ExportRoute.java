package dev.icssync.spring.boot;

import dev.icssync.http.ExportEndpoint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The export endpoint as a WebFlux route; the endpoint reads the store, so it runs off the event loop. */
final class ExportRoute {
  private ExportRoute() {}

  static RouterFunction<ServerResponse> create(ExportEndpoint endpoint, String path) {
    return RouterFunctions.route(RequestPredicates.path(path + "/**"), request -> handle(endpoint, request));
  }

  private static Mono<ServerResponse> handle(ExportEndpoint endpoint, ServerRequest request) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    request.headers().asHttpHeaders().forEach(headers::put);
    ExportEndpoint.Request in = new ExportEndpoint.Request(request.method().name(),
        request.uri().getRawPath(), headers);
    return Mono.fromCallable(() -> endpoint.handle(in))
        .subscribeOn(Schedulers.boundedElastic())
        .flatMap(r -> {
          ServerResponse.BodyBuilder out = ServerResponse.status(HttpStatusCode.valueOf(r.status()))
              .headers(h -> r.headers().forEach(h::put));
          return r.bodyLength() == 0 ? out.build() : out.bodyValue(r.body());
        });
  }
}

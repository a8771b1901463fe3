package dev.icssync.spring.boot;

import dev.icssync.IcsSync;
import dev.icssync.http.ExportEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The export endpoint in the application's own web server, at {@code ics-sync.export.path}
 * (default {@code /ics}): {@code GET /ics/<token>.ics}. A servlet application gets a servlet beside
 * its DispatcherServlet (the application's servlet filters, Spring Security's included, apply); a
 * WebFlux application a router function whose store reads run on the bounded-elastic scheduler.
 */
@AutoConfiguration(after = IcsSyncAutoConfiguration.class)
@ConditionalOnClass(ExportEndpoint.class)
@ConditionalOnProperty(prefix = "ics-sync.export", name = "enabled", havingValue = "true", matchIfMissing = true)
public class IcsSyncWebAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(IcsSync.class)
  ExportEndpoint icsSyncExportEndpoint(IcsSync sync, IcsSyncProperties properties) {
    String cacheControl = properties.getExport().getCacheControl();
    return IcsSyncAutoConfiguration.configured("export", () -> {
      ExportEndpoint.Builder b = ExportEndpoint.builder(sync);
      if (cacheControl != null) {
        b.cacheControl(cacheControl);
      }
      return b.build();
    });
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(name = "jakarta.servlet.http.HttpServlet")
  static class ServletConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "icsSyncExportServlet")
    @ConditionalOnBean(IcsSync.class) // nested classes register before the endpoint above: it exists when the engine does
    ServletRegistrationBean<ExportServlet> icsSyncExportServlet(ExportEndpoint endpoint, IcsSyncProperties properties) {
      ServletRegistrationBean<ExportServlet> registration = new ServletRegistrationBean<>(new ExportServlet(endpoint),
          properties.getExport().getPath() + "/*");
      registration.setName("icsSyncExportServlet");
      return registration;
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
  @ConditionalOnClass(name = {"org.springframework.web.reactive.function.server.RouterFunction",
      "reactor.core.scheduler.Schedulers"})
  static class ReactiveConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "icsSyncExportRoute")
    @ConditionalOnBean(IcsSync.class)
    RouterFunction<ServerResponse> icsSyncExportRoute(ExportEndpoint endpoint, IcsSyncProperties properties) {
      return ExportRoute.create(endpoint, properties.getExport().getPath());
    }
  }
}

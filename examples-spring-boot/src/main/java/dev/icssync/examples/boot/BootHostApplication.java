package dev.icssync.examples.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot host: the starter on the classpath, a DataSource, and {@code application.properties}
 * are all it takes. The store, the fetcher, the caches, the engine, the scheduler, the export
 * endpoint at {@code /ics/<token>.ics}, the {@code icsSync} health indicator and the sync metrics on
 * {@code /actuator/prometheus} are auto-configured; {@link Calendars} is the host's own code on top.
 *
 * <pre>{@code
 * SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:5432/test SPRING_DATASOURCE_USERNAME=postgres \
 *   java -cp ... dev.icssync.examples.boot.BootHostApplication
 * }</pre>
 */
@SpringBootApplication
public class BootHostApplication {
  public static void main(String[] args) {
    SpringApplication.run(BootHostApplication.class, args);
  }
}

package dev.icssync.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.icssync.Feed;
import dev.icssync.IcsSync;
import dev.icssync.PropertySettings;
import dev.icssync.SyncOutcome;
import dev.icssync.http.ExportEndpoint;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/** What the auto-configured beans do: health, the export endpoint in both web stacks, graceful shutdown. */
class IcsSyncRuntimeTest {
  private static final String SECRET = "s3cr3t-feed-token";

  private final String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
        .withConfiguration(IcsSyncAutoConfigurationTest.ICS_SYNC)
        .withPropertyValues("spring.datasource.url=" + url, "ics-sync.scheduler.enabled=false",
            "ics-sync.fetcher.allowed-hosts=127.0.0.1", "ics-sync.fetcher.min-interval-per-host=0s");
  }

  // ------------------------------------------------------------------------------------ health

  @Test
  void healthShowsDegradedFeedsQuarantinesAndConflictsWithoutUrls() {
    LocalDate in = LocalDate.now(ZoneOffset.UTC).plusDays(15);
    try (FeedServer feeds = new FeedServer()) {
      feeds.put("/airbnb.ics", FeedServer.stay("a1@airbnb.com", in, 4))
          .put("/booking.ics", FeedServer.stay("b1@booking.com", in.plusDays(1), 2));
      runner().withPropertyValues("ics-sync.health.failing-after=1").run(context -> {
        IcsSync sync = context.getBean(IcsSync.class);
        sync.store().saveProperty(PropertySettings.defaults("t1", "villa"));
        sync.store().saveFeed(Feed.builder("t1", "airbnb").property("villa").source("airbnb").url(feeds.url("/airbnb.ics") + "?t=" + SECRET).build());
        sync.store().saveFeed(Feed.builder("t1", "booking").property("villa").source("booking").url(feeds.url("/booking.ics") + "?t=" + SECRET).build());
        sync.store().saveFeed(Feed.builder("t1", "gone").property("villa").source("vrbo").url(feeds.url("/gone.ics") + "?t=" + SECRET).build());
        assertThat(sync.syncFeed("t1", "airbnb").outcome()).isEqualTo(SyncOutcome.APPLIED);
        assertThat(sync.syncFeed("t1", "booking").outcome()).isEqualTo(SyncOutcome.APPLIED); // double booking
        assertThat(sync.syncFeed("t1", "gone").outcome()).isEqualTo(SyncOutcome.FAILED);
        feeds.put("/airbnb.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"); // suddenly empty
        assertThat(sync.syncFeed("t1", "airbnb").outcome()).isEqualTo(SyncOutcome.QUARANTINED);

        HealthIndicator indicator = context.getBean("icsSyncHealthIndicator", HealthIndicator.class);
        Health health = indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.UP); // a channel's outage is not this instance's
        Map<String, Object> d = health.getDetails();
        assertThat(d).containsEntry("status", "QUARANTINED").containsEntry("feeds", 3)
            .containsEntry("quarantined", 1).containsEntry("openConflicts", 1);
        assertThat(d.get("counts").toString()).contains("failing=1", "quarantined=1", "ok=1");
        assertThat(d.get("unhealthy").toString()).contains("feed=airbnb", "feed=gone", "status=FAILING");
        assertThat(d.toString()).doesNotContain(SECRET).doesNotContain("127.0.0.1").doesNotContain("http");
      });
      runner().withPropertyValues("ics-sync.health.failing-after=1", "ics-sync.health.degraded-status=DOWN",
              "spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
          .run(context -> {
            IcsSync sync = context.getBean(IcsSync.class);
            assertThat(context.getBean("icsSyncHealthIndicator", HealthIndicator.class).health().getStatus())
                .isEqualTo(Status.UP); // no feeds yet
            sync.store().saveFeed(Feed.builder("t1", "gone").property("villa").source("vrbo").url(feeds.url("/gone.ics")).build());
            sync.syncFeed("t1", "gone");
            assertThat(context.getBean("icsSyncHealthIndicator", HealthIndicator.class).health().getStatus())
                .isEqualTo(Status.DOWN);
          });
    }
  }

  @Test
  void healthIndicatorCanBeTurnedOffOrReplaced() {
    runner().withPropertyValues("management.health.icssync.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean("icsSyncHealthIndicator"));
    HealthIndicator own = () -> Health.up().build();
    runner().withBean("icsSyncHealthIndicator", HealthIndicator.class, () -> own)
        .run(context -> assertThat(context.getBean("icsSyncHealthIndicator")).isSameAs(own));
  }

  // ------------------------------------------------------------------------------------ export

  @Test
  void servletApplicationServesExportsAtTheConfiguredPath() {
    new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
        .withConfiguration(IcsSyncAutoConfigurationTest.ICS_SYNC)
        .withPropertyValues("spring.datasource.url=" + url, "ics-sync.scheduler.enabled=false",
            "ics-sync.export.path=/calendars")
        .run(context -> {
          ServletRegistrationBean<?> registration = context.getBean("icsSyncExportServlet",
              ServletRegistrationBean.class);
          assertThat(registration.getUrlMappings()).containsExactly("/calendars/*");
          ExportServlet servlet = (ExportServlet) registration.getServlet();
          IcsSync sync = context.getBean(IcsSync.class);
          sync.store().saveProperty(PropertySettings.defaults("t1", "villa"));
          String token = sync.exportTokens().create("t1", "villa", null).token();

          MockHttpServletResponse first = new MockHttpServletResponse();
          servlet.service(new MockHttpServletRequest("GET", "/calendars/" + token + ".ics"), first);
          assertThat(first.getStatus()).isEqualTo(200);
          assertThat(first.getContentAsString()).startsWith("BEGIN:VCALENDAR");
          assertThat(first.getHeader("Content-Type")).isEqualTo(ExportEndpoint.CONTENT_TYPE);
          String etag = first.getHeader("ETag");
          assertThat(etag).isNotBlank();

          MockHttpServletRequest again = new MockHttpServletRequest("GET", "/calendars/" + token + ".ics");
          again.addHeader("If-None-Match", etag);
          MockHttpServletResponse second = new MockHttpServletResponse();
          servlet.service(again, second);
          assertThat(second.getStatus()).isEqualTo(304);
          assertThat(second.getContentAsByteArray()).isEmpty();

          MockHttpServletResponse unknown = new MockHttpServletResponse();
          servlet.service(new MockHttpServletRequest("GET", "/calendars/nope.ics"), unknown);
          assertThat(unknown.getStatus()).isEqualTo(404);
        });
  }

  @Test
  void reactiveApplicationServesExportsThroughARoute() {
    new ReactiveWebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
        .withConfiguration(IcsSyncAutoConfigurationTest.ICS_SYNC)
        .withPropertyValues("spring.datasource.url=" + url, "ics-sync.scheduler.enabled=false")
        .run(context -> {
          assertThat(context).doesNotHaveBean("icsSyncExportServlet");
          @SuppressWarnings("unchecked")
          RouterFunction<ServerResponse> route = context.getBean("icsSyncExportRoute", RouterFunction.class);
          IcsSync sync = context.getBean(IcsSync.class);
          sync.store().saveProperty(PropertySettings.defaults("t1", "villa"));
          String token = sync.exportTokens().create("t1", "villa", "airbnb").token();
          WebTestClient client = WebTestClient.bindToRouterFunction(route).build();
          String etag = client.get().uri("/ics/" + token + ".ics").exchange()
              .expectStatus().isOk()
              .expectHeader().contentType("text/calendar;charset=utf-8")
              .expectBody(String.class).value(body -> assertThat(body).startsWith("BEGIN:VCALENDAR"))
              .returnResult().getResponseHeaders().getETag();
          assertThat(etag).isNotBlank();
          client.get().uri("/ics/" + token + ".ics").header("If-None-Match", etag).exchange()
              .expectStatus().isNotModified();
          client.get().uri("/ics/unknown.ics").exchange().expectStatus().isNotFound();
        });
  }

  // ------------------------------------------------------------------------------------ shutdown

  @Test
  void closingTheContextLetsTheSyncInFlightFinishBeforeTheDataSourceCloses() throws Exception {
    LocalDate in = LocalDate.now(ZoneOffset.UTC).plusDays(5);
    CountDownLatch release = new CountDownLatch(1);
    try (FeedServer feeds = new FeedServer()) {
      feeds.put("/slow.ics", FeedServer.stay("s1@airbnb.com", in, 2)).hold("/slow.ics", release);
      runner().withPropertyValues("ics-sync.scheduler.enabled=true", "ics-sync.scheduler.polling-interval=1s",
          "ics-sync.scheduler.threads=2").run(context -> {
            IcsSync sync = context.getBean(IcsSync.class);
            IcsSyncSchedulerLifecycle scheduler = context.getBean(IcsSyncSchedulerLifecycle.class);
            Feed feed = Feed.builder("t1", "slow").property("villa").source("airbnb").url(feeds.url("/slow.ics")).build();
            sync.store().saveFeed(feed);
            scheduler.enrol(feed);
            assertThat(feeds.awaitHeld(60)).as("the scheduler started the sync").isTrue();

            Thread closer = new Thread(context::close, "closer");
            closer.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> !scheduler.isRunning()); // stop has begun
            assertThat(closer.isAlive()).as("close waits for the sync in flight").isTrue();
            release.countDown();
            closer.join(60_000);
            assertThat(closer.isAlive()).isFalse();
          });
    }
    // the sync in flight was applied, whole, before the pool went away
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        PreparedStatement ps = c.prepareStatement(
            "SELECT last_success FROM icssync_feed_state WHERE tenant = 't1' AND feed_id = 'slow'")) {
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getObject(1)).isNotNull();
      }
      try (ResultSet rs = c.createStatement().executeQuery(
          "SELECT COUNT(*) FROM icssync_event WHERE tenant = 't1' AND feed_id = 'slow'")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
    }
  }
}

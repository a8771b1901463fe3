package dev.icssync.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.Feed;
import dev.icssync.FeedState;
import dev.icssync.Quarantine;
import dev.icssync.spi.FeedApply;
import dev.icssync.spi.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class FeedHealthCheckTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private final Feed feed = Feed.builder("t1", "f1").property("p1").source("airbnb").url("https://x.test/a.ics?t=secret").build()
      .withPollInterval(Duration.ofMinutes(15));

  private static FeedState state(Instant lastSuccess, int failures, Quarantine q) {
    return FeedState.builder()
        .tenant("t1")
        .feedId("f1")
        .parserVersion(1)
        .lastAttempt(lastSuccess)
        .lastSuccess(lastSuccess)
        .consecutiveFailures(failures)
        .lastError(failures > 0 ? "SERVER_ERROR: 503" : null)
        .quarantine(q)
        .generation(1)
        .build();
  }

  private HealthStatus status(FeedState s) {
    return FeedHealthCheck.evaluate(feed, s, NOW, HealthPolicy.defaults()).status();
  }

  @Test
  void okWithinKIntervalsStaleBeyond() {
    assertThat(status(state(NOW.minus(Duration.ofMinutes(45)), 0, null))).isEqualTo(HealthStatus.OK);
    assertThat(status(state(NOW.minus(Duration.ofMinutes(46)), 0, null)))
        .isEqualTo(HealthStatus.STALE);
    assertThat(status(FeedState.initial("t1", "f1"))).isEqualTo(HealthStatus.STALE);
  }

  @Test
  void failingAfterThresholdAndQuarantineWins() {
    Instant recent = NOW.minus(Duration.ofMinutes(1));
    assertThat(status(state(recent, 2, null))).isEqualTo(HealthStatus.OK);
    assertThat(status(state(recent, 3, null))).isEqualTo(HealthStatus.FAILING);
    Quarantine q = new Quarantine("feed came back empty", NOW, 5, "d", 1);
    assertThat(status(state(recent, 3, q))).isEqualTo(HealthStatus.QUARANTINED);
    FeedHealth h = FeedHealthCheck.evaluate(feed, state(null, 4, null), NOW,
        new HealthPolicy(3, 1));
    assertThat(h.status()).isEqualTo(HealthStatus.FAILING);
    assertThat(h.detail()).contains("4 failures").doesNotContain("secret");
  }

  @Test
  void aggregateFromStoreSkipsInactiveFeedsAndTakesTheWorst() {
    Store store = Store.inMemory();
    Feed ok = feed;
    Feed stale = Feed.builder("t1", "f2").property("p1").source("booking").url("https://x.test/b.ics").build();
    Feed off = Feed.builder("t1", "f3").property("p1").source("vrbo").url("https://x.test/c.ics").build().withActive(false);
    Feed other = Feed.builder("t2", "f9").property("p9").source("vrbo").url("https://x.test/d.ics").build();
    store.saveFeed(ok);
    store.saveFeed(stale);
    store.saveFeed(off);
    store.saveFeed(other);
    FeedState begun = store.beginSync("t1", "f1", NOW);
    FeedState success = FeedState.builder()
        .tenant("t1")
        .feedId("f1")
        .parserVersion(1)
        .lastAttempt(NOW)
        .lastSuccess(NOW.minusSeconds(60))
        .generation(begun.generation())
        .build();
    store.apply(FeedApply.stateOnly(success, null));

    FeedHealthCheck check = FeedHealthCheck.create(store, Clock.fixed(NOW, ZoneOffset.UTC));
    HealthReport t1 = check.tenant("t1");
    assertThat(t1.feeds()).isEqualTo(2);
    assertThat(t1.status()).isEqualTo(HealthStatus.STALE);
    assertThat(t1.count(HealthStatus.OK)).isEqualTo(1);
    assertThat(t1.count(HealthStatus.STALE)).isEqualTo(1);
    assertThat(t1.count(HealthStatus.FAILING)).isZero();
    assertThat(t1.unhealthy()).extracting(FeedHealth::feedId).containsExactly("f2");
    assertThat(check.all().feeds()).isEqualTo(3);
    assertThat(check.check(ok).status()).isEqualTo(HealthStatus.OK);
    assertThat(HealthReport.of(java.util.List.of(), NOW).isHealthy()).isTrue();
  }
}

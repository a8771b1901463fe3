package dev.icssync.export;

import static dev.icssync.export.ExportFixture.NOW;
import static dev.icssync.export.ExportFixture.PROPERTY;
import static dev.icssync.export.ExportFixture.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.ExportView;
import dev.icssync.ExportedCalendar;
import dev.icssync.alert.MutableClock;
import dev.icssync.internal.export.Exporter;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * {@link Exporter#cached}, the look-up a server makes where it must not block: within one day and
 * one store revision it builds the view's cache key once, yet the day's end and any write that
 * moves the revision are seen on the very next look-up.
 */
class ExporterCachedTest {
  private final ExportFixture fx = new ExportFixture();
  private final MutableClock clock = new MutableClock(NOW);
  private final Exporter exporter = new Exporter(fx.store, clock, new ExportViewTest.MapCache());
  private final ExportView view = ExportView.forProperty(TENANT, PROPERTY).forChannel("airbnb");

  @Test
  void aViewLookedUpAgainTheSameDayBuildsNoKey() {
    ExportedCalendar rendered = exporter.export(view);
    assertThat(exporter.cached(view)).containsSame(rendered);
    long built = exporter.dayKeysBuilt();
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofHours(2));
      assertThat(exporter.cached(ExportView.forProperty(TENANT, PROPERTY).forChannel("airbnb")))
          .containsSame(rendered);
    }
    assertThat(exporter.dayKeysBuilt()).isEqualTo(built);
  }

  @Test
  void theDaysEndIsSeenOnTheNextLookUp() {
    ExportedCalendar today = exporter.export(view);
    assertThat(exporter.cached(view)).containsSame(today);
    clock.advance(Duration.between(NOW, Instant.parse("2026-06-01T23:59:59.999Z")));
    assertThat(exporter.cached(view)).containsSame(today);
    clock.advance(Duration.ofMillis(1)); // 2026-06-02T00:00:00Z
    assertThat(exporter.cached(view)).isEmpty(); // tomorrow's key: not rendered yet
    ExportedCalendar tomorrow = exporter.export(view);
    assertThat(exporter.cached(view)).containsSame(tomorrow);
  }

  @Test
  void aWriteThatMovesTheRevisionIsSeenOnTheNextLookUp() {
    exporter.export(view);
    assertThat(exporter.cached(view)).isPresent();
    fx.feed("airbnb-2", "airbnb");
    assertThat(exporter.cached(view)).isEmpty(); // the zone may have changed: export reads it again
    exporter.export(view);
    assertThat(exporter.cached(view)).isPresent();
  }
}

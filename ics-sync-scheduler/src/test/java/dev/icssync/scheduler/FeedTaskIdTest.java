package dev.icssync.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FeedTaskIdTest {
  @Test
  void roundTripsIdsContainingTheSeparatorAndSpecialCharacters() {
    FeedTaskId id = new FeedTaskId("tenant/with slash", "feed%2F/é");
    assertThat(FeedTaskId.parse(id.instanceId())).isEqualTo(id);
    assertThat(new FeedTaskId("a/b", "c").instanceId()).isNotEqualTo(new FeedTaskId("a", "b/c").instanceId());
  }

  @Test
  void plainIdsStayReadable() {
    assertThat(new FeedTaskId("acme", "feed-42").instanceId()).isEqualTo("acme/feed-42");
    assertThat(FeedTaskId.tenantPrefix("acme")).isEqualTo("acme/");
  }

  @Test
  void rejectsMalformedIds() {
    assertThatThrownBy(() -> FeedTaskId.parse("no-separator")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FeedTaskId.parse("a/b/c")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FeedTaskId.parse("/b")).isInstanceOf(IllegalArgumentException.class);
  }
}

package dev.icssync.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.Feed;
import dev.icssync.spi.FeedStore;
import dev.icssync.spi.Store;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** When the chunks of a sync of many feeds are read. */
class FeedPrefetchTest {

  @Test
  void theNextChunkIsReadFromTheSecondFeedOfAChunkOn() {
    Store inner = Store.inMemory();
    List<Feed> feeds = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Feed f = Feed.builder("t1", "f" + i).property("p").source("airbnb").url("https://example.test/f" + i + ".ics")
          .build();
      inner.saveFeed(f);
      feeds.add(f);
    }
    List<List<String>> reads = new CopyOnWriteArrayList<>();
    FeedStore counting = (FeedStore) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {FeedStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("feedsWithStates")) {
            @SuppressWarnings("unchecked")
            List<String> ids = List.copyOf((List<String>) args[1]);
            reads.add(ids);
          }
          try {
            return method.invoke(inner, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    FeedPrefetch prefetch = new FeedPrefetch(counting, feeds, 4);

    assertThat(prefetch.take(0).feed().id()).isEqualTo("f0");
    assertThat(reads).containsExactly(List.of("f0", "f1", "f2", "f3"));
    // the next chunk is read now: the other workers sync the rest of this one meanwhile, and none
    // of them waits for its read at the chunk's end
    assertThat(prefetch.take(1).feed().id()).isEqualTo("f1");
    assertThat(reads).containsExactly(List.of("f0", "f1", "f2", "f3"), List.of("f4", "f5", "f6", "f7"));
    for (int i = 2; i < 5; i++) {
      assertThat(prefetch.take(i).feed().id()).isEqualTo("f" + i);
    }
    assertThat(reads).hasSize(2);
    assertThat(prefetch.take(5).feed().id()).isEqualTo("f5");
    assertThat(reads).hasSize(3).last().isEqualTo(List.of("f8", "f9", "f10", "f11"));
    for (int i = 6; i < 12; i++) {
      assertThat(prefetch.take(i).feed().id()).isEqualTo("f" + i);
    }
    assertThat(reads).hasSize(3);
  }
}

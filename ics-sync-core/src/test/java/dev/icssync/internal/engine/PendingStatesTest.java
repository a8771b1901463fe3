package dev.icssync.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.icssync.FeedState;
import dev.icssync.spi.StateUpdate;
import dev.icssync.spi.Store;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** How held states are written while syncs keep adding them. */
class PendingStatesTest {

  private static StateUpdate update(int i) {
    FeedState read = FeedState.builder().tenant("t1").feedId("f" + i).contentDigest("d" + i).generation(1).build();
    return new StateUpdate(read, read.toBuilder().etag("\"e" + i + "\"").build(), null);
  }

  /** A store in memory that runs {@code before} with each batch {@code saveStates} is given, before saving it. */
  private static Store onSaveStates(SaveHook before) {
    Store inner = Store.inMemory();
    return (Store) Proxy.newProxyInstance(PendingStatesTest.class.getClassLoader(), new Class<?>[] {Store.class},
        (proxy, method, args) -> {
          if (method.getName().equals("saveStates")) {
            before.accept((List<?>) args[0]);
          }
          try {
            return method.invoke(inner, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @FunctionalInterface
  private interface SaveHook {
    void accept(List<?> batch) throws Exception;
  }

  @Test
  void oneAddingThreadWritesAtATimeAndItsBatchesAreFull() throws Exception {
    CountDownLatch firstWriteStarted = new CountDownLatch(1);
    CountDownLatch releaseFirstWrite = new CountDownLatch(1);
    AtomicInteger writing = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    List<Integer> batches = new CopyOnWriteArrayList<>();
    Store store = onSaveStates(batch -> {
      int now = writing.incrementAndGet();
      mostAtOnce.accumulateAndGet(now, Math::max);
      try {
        batches.add(batch.size());
        if (batches.size() == 1) {
          firstWriteStarted.countDown();
          // a slow database: the other syncs go on adding while this batch is written
          assertThat(releaseFirstWrite.await(60, TimeUnit.SECONDS)).isTrue();
        }
      } finally {
        writing.decrementAndGet();
      }
    });
    PendingStates pending = new PendingStates(store, () -> { }, Long.MAX_VALUE);
    int batch = PendingStates.MAX_BATCH;
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      // the first thread's last add fills a batch: that thread writes it, and waits in the store
      CompletableFuture<Void> first = CompletableFuture.runAsync(() -> {
        for (int i = 0; i < batch; i++) {
          pending.add(update(i));
        }
      }, pool);
      assertThat(firstWriteStarted.await(60, TimeUnit.SECONDS)).isTrue();
      List<CompletableFuture<Void>> others = new ArrayList<>();
      for (int t = 1; t <= 3; t++) {
        int from = t * batch;
        others.add(CompletableFuture.runAsync(() -> {
          for (int i = from; i < from + batch; i++) {
            pending.add(update(i));
          }
        }, pool));
      }
      CompletableFuture.allOf(others.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      assertThat(pending.size()).isEqualTo(3 * batch);
      releaseFirstWrite.countDown();
      first.get(60, TimeUnit.SECONDS);
      pending.flush();
    } finally {
      releaseFirstWrite.countDown();
      pool.shutdownNow();
    }
    assertThat(mostAtOnce.get()).isEqualTo(1);
    assertThat(batches).containsExactly(batch, batch, batch, batch);
    assertThat(pending.size()).isZero();
  }

  @Test
  void anAddingThreadLeavesLessThanABatchForLaterUnlessTheOldestIsOld() {
    List<Integer> batches = new CopyOnWriteArrayList<>();
    Store store = onSaveStates(batch -> batches.add(batch.size()));
    PendingStates young = new PendingStates(store, () -> { }, Long.MAX_VALUE);
    for (int i = 0; i < PendingStates.MAX_BATCH - 1; i++) {
      young.add(update(i));
    }
    assertThat(batches).isEmpty();
    young.add(update(PendingStates.MAX_BATCH));
    assertThat(batches).containsExactly(PendingStates.MAX_BATCH);

    batches.clear();
    PendingStates old = new PendingStates(store, () -> { }, 0);
    old.add(update(1));
    assertThat(batches).containsExactly(1);
    assertThat(old.size()).isZero();
  }
}

package dev.icssync.internal.conflict;

import java.util.Arrays;

/**
 * Finds every overlapping pair among half-open intervals {@code [start, end)} with a sweep over the
 * intervals sorted by start and a min-heap of the open ones by end: O(n log n + k) for k pairs,
 * never pairwise. Touching intervals ({@code [a,b)} and {@code [b,c)}) and empty ones never overlap.
 */
public final class OverlapSweep {

  /** Told each overlapping pair once, as two indices in no particular order. */
  @FunctionalInterface
  public interface PairConsumer {
    void accept(int a, int b);
  }

  private OverlapSweep() {}

  public static void forEachOverlap(long[] start, long[] end, int n, PairConsumer out) {
    if (n < 2) {
      return;
    }
    int[] order = orderByStart(start, n);
    int[] heap = new int[n];
    int size = 0;
    for (int k = 0; k < n; k++) {
      int i = order[k];
      long s = start[i];
      if (end[i] <= s) {
        continue;
      }
      while (size > 0 && end[heap[0]] <= s) {
        heap[0] = heap[--size];
        siftDown(heap, size, end);
      }
      for (int h = 0; h < size; h++) {
        out.accept(heap[h], i);
      }
      heap[size] = i;
      siftUp(heap, size++, end);
    }
  }

  /** Indices sorted by start: packed into longs and sorted as primitives when the span allows. */
  static int[] orderByStart(long[] start, int n) {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < n; i++) {
      min = Math.min(min, start[i]);
      max = Math.max(max, start[i]);
    }
    int bits = 64 - Long.numberOfLeadingZeros(Math.max(1, n - 1));
    long span = max - min;
    int[] order = new int[n];
    if (span >= 0 && (span >>> (63 - bits)) == 0) {
      long[] keys = new long[n];
      for (int i = 0; i < n; i++) {
        keys[i] = ((start[i] - min) << bits) | i;
      }
      Arrays.sort(keys);
      long mask = (1L << bits) - 1;
      for (int i = 0; i < n; i++) {
        order[i] = (int) (keys[i] & mask);
      }
      return order;
    }
    Integer[] boxed = new Integer[n];
    for (int i = 0; i < n; i++) {
      boxed[i] = i;
    }
    Arrays.sort(boxed, (a, b) -> Long.compare(start[a], start[b]));
    for (int i = 0; i < n; i++) {
      order[i] = boxed[i];
    }
    return order;
  }

  private static void siftUp(int[] heap, int pos, long[] end) {
    int x = heap[pos];
    while (pos > 0) {
      int parent = (pos - 1) >>> 1;
      if (end[heap[parent]] <= end[x]) {
        break;
      }
      heap[pos] = heap[parent];
      pos = parent;
    }
    heap[pos] = x;
  }

  private static void siftDown(int[] heap, int size, long[] end) {
    if (size == 0) {
      return;
    }
    int pos = 0;
    int x = heap[0];
    while (true) {
      int child = 2 * pos + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && end[heap[child + 1]] < end[heap[child]]) {
        child++;
      }
      if (end[heap[child]] >= end[x]) {
        break;
      }
      heap[pos] = heap[child];
      pos = child;
    }
    heap[pos] = x;
  }
}

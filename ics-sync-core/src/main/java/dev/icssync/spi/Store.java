package dev.icssync.spi;

/** A complete store: what {@code IcsSync.builder().store(...)} takes. */
public interface Store extends FeedStore, EventStore {

  /**
   * The built-in in-memory store: thread-safe, complete, and lost when the JVM exits. The default
   * for tests and demos.
   */
  static Store inMemory() {
    return new InMemoryStore();
  }
}

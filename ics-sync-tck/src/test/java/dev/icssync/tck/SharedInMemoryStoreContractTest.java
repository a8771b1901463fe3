package dev.icssync.tck;

import dev.icssync.spi.Store;

/**
 * The kit on one store shared by every test, as a database-backed store runs it: the tests must not
 * depend on an empty store.
 */
class SharedInMemoryStoreContractTest extends StoreContract {
  private static final Store SHARED = Store.inMemory();

  @Override
  protected Store createStore() {
    return SHARED;
  }
}

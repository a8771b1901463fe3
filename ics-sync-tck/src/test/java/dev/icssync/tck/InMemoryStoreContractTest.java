package dev.icssync.tck;

import dev.icssync.spi.Store;

/** The built-in in-memory store passes the kit with a fresh store per test. */
class InMemoryStoreContractTest extends StoreContract {
  @Override
  protected Store createStore() {
    return Store.inMemory();
  }
}

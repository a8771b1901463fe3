package dev.icssync.examples.store;

import dev.icssync.spi.Store;
import dev.icssync.tck.StoreContract;

/** The example store passes the same contract as the built-in stores. */
class CopyOnWriteStoreContractTest extends StoreContract {
  @Override
  protected Store createStore() {
    return new CopyOnWriteStore();
  }
}

package dev.icssync.cache;

import dev.icssync.spi.Store;
import dev.icssync.tck.StoreContract;
import java.time.Clock;
import java.time.Duration;

/** The property-settings cache in front of a store passes the store kit: it forwards all it does not cache. */
class PropertyCachingStoreContractTest extends StoreContract {
  @Override
  protected Store createStore() {
    return CaffeineCaches.propertySettings(Store.inMemory(), Duration.ofMinutes(5), Clock.systemUTC());
  }
}

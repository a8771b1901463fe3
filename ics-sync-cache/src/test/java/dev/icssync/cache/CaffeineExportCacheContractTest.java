package dev.icssync.cache;

import dev.icssync.spi.ExportCache;
import dev.icssync.tck.cache.ExportCacheContract;

class CaffeineExportCacheContractTest extends ExportCacheContract {
  @Override
  protected ExportCache createCache() {
    return CaffeineCaches.exportCache();
  }
}

package dev.icssync.cache;

import dev.icssync.spi.ExportCache;
import dev.icssync.tck.cache.ExportCacheContract;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

@Tag("redis")
class RedisExportCacheContractTest extends ExportCacheContract {
  private RedisCaches redis;
  private String prefix;

  @BeforeAll
  static void redisUp() {
    RedisSupport.requireRedis();
  }

  @Override
  protected ExportCache createCache() {
    prefix = RedisSupport.uniquePrefix();
    redis = RedisCaches.builder(RedisSupport.URI).keyPrefix(prefix).build();
    RedisSupport.awaitAvailable(redis);
    return redis.exportCache();
  }

  @Override
  protected void closeCache(ExportCache cache) {
    redis.close();
    RedisSupport.deleteAll(prefix);
  }
}

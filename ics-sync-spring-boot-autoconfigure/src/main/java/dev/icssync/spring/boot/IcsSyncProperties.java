package dev.icssync.spring.boot;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Everything under {@code ics-sync}. Checked when bound: a bad value fails start-up with a message
 * that names the property ({@code ics-sync.fetcher.timeout must be positive, was PT0S}).
 *
 * <pre>
 * ics-sync.fetcher.allowed-hosts=feeds.intranet.example
 * ics-sync.sync.source-priority=direct,airbnb,booking
 * ics-sync.scheduler.threads=4
 * ics-sync.export.path=/calendars
 * </pre>
 */
@ConfigurationProperties(prefix = IcsSyncProperties.PREFIX)
public class IcsSyncProperties implements Validator {
  /** The prefix of every property. */
  public static final String PREFIX = "ics-sync";

  private final Store store = new Store();
  private final Fetcher fetcher = new Fetcher();
  private final Sync sync = new Sync();
  private final Cache cache = new Cache();
  private final Redis redis = new Redis();
  private final Scheduler scheduler = new Scheduler();
  private final Export export = new Export();
  private final Metrics metrics = new Metrics();
  private final Health health = new Health();

  public Store getStore() {
    return store;
  }

  public Fetcher getFetcher() {
    return fetcher;
  }

  public Sync getSync() {
    return sync;
  }

  public Cache getCache() {
    return cache;
  }

  public Redis getRedis() {
    return redis;
  }

  public Scheduler getScheduler() {
    return scheduler;
  }

  public Export getExport() {
    return export;
  }

  public Metrics getMetrics() {
    return metrics;
  }

  public Health getHealth() {
    return health;
  }

  /** The JDBC store on the application's DataSource. */
  public static class Store {
    /**
     * Whether the store's schema is created or upgraded on start (Flyway, own history table
     * icssync_schema_history, after the application's own Flyway or Liquibase).
     */
    private boolean migrate = true;
    /** PostgreSQL row-level security on every ics-sync table (app.tenant_id set per transaction). */
    private boolean rowLevelSecurity;
    /** Longest a single statement may run. */
    private Duration statementTimeout = Duration.ofSeconds(30);
    /** Longest a statement waits for a row lock. */
    private Duration lockTimeout = Duration.ofSeconds(10);
    /** Whether an apply's commit waits for its WAL to reach disk (PostgreSQL). */
    private boolean synchronousApplyCommit = true;

    public boolean isMigrate() {
      return migrate;
    }

    public void setMigrate(boolean migrate) {
      this.migrate = migrate;
    }

    public boolean isRowLevelSecurity() {
      return rowLevelSecurity;
    }

    public void setRowLevelSecurity(boolean rowLevelSecurity) {
      this.rowLevelSecurity = rowLevelSecurity;
    }

    public Duration getStatementTimeout() {
      return statementTimeout;
    }

    public void setStatementTimeout(Duration statementTimeout) {
      this.statementTimeout = statementTimeout;
    }

    public Duration getLockTimeout() {
      return lockTimeout;
    }

    public void setLockTimeout(Duration lockTimeout) {
      this.lockTimeout = lockTimeout;
    }

    public boolean isSynchronousApplyCommit() {
      return synchronousApplyCommit;
    }

    public void setSynchronousApplyCommit(boolean synchronousApplyCommit) {
      this.synchronousApplyCommit = synchronousApplyCommit;
    }
  }

  /** The HTTP feed fetcher. */
  public static class Fetcher {
    /** Time to establish a TCP connection. */
    private Duration connectTimeout = Duration.ofSeconds(10);
    /** Deadline for a whole fetch, redirects and body included. */
    private Duration timeout = Duration.ofSeconds(60);
    /** Cap on a feed's decoded body. */
    private DataSize maxBodySize = DataSize.ofMegabytes(10);
    /** Redirects followed per fetch, 0 to 20. */
    private int maxRedirects = 5;
    /** User-Agent sent to every host (default: the fetcher's own). */
    private @Nullable String userAgent;
    /** Requests in flight to one host at once. */
    private int maxConcurrentPerHost = 4;
    /** Minimum time between request starts to one host (0 disables). */
    private Duration minIntervalPerHost = Duration.ofMillis(100);
    /** Longest wait for a per-host slot before a fetch fails with TIMEOUT. */
    private Duration maxQueueWait = Duration.ofMinutes(5);
    /** Fetches in flight across all hosts. */
    private int maxConnections = 64;
    /** Whether https connections offer HTTP/2. */
    private boolean http2 = true;
    /**
     * Host names or IP literals the SSRF guard lets through whatever they resolve to (loopback test
     * servers, trusted intranet hosts). Empty in production.
     */
    private List<String> allowedHosts = new ArrayList<>();
    /** Address blocks the SSRF guard lets through, e.g. 10.20.0.0/16. */
    private List<String> allowedCidrs = new ArrayList<>();

    public Duration getConnectTimeout() {
      return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }

    public DataSize getMaxBodySize() {
      return maxBodySize;
    }

    public void setMaxBodySize(DataSize maxBodySize) {
      this.maxBodySize = maxBodySize;
    }

    public int getMaxRedirects() {
      return maxRedirects;
    }

    public void setMaxRedirects(int maxRedirects) {
      this.maxRedirects = maxRedirects;
    }

    public @Nullable String getUserAgent() {
      return userAgent;
    }

    public void setUserAgent(@Nullable String userAgent) {
      this.userAgent = userAgent;
    }

    public int getMaxConcurrentPerHost() {
      return maxConcurrentPerHost;
    }

    public void setMaxConcurrentPerHost(int maxConcurrentPerHost) {
      this.maxConcurrentPerHost = maxConcurrentPerHost;
    }

    public Duration getMinIntervalPerHost() {
      return minIntervalPerHost;
    }

    public void setMinIntervalPerHost(Duration minIntervalPerHost) {
      this.minIntervalPerHost = minIntervalPerHost;
    }

    public Duration getMaxQueueWait() {
      return maxQueueWait;
    }

    public void setMaxQueueWait(Duration maxQueueWait) {
      this.maxQueueWait = maxQueueWait;
    }

    public int getMaxConnections() {
      return maxConnections;
    }

    public void setMaxConnections(int maxConnections) {
      this.maxConnections = maxConnections;
    }

    public boolean isHttp2() {
      return http2;
    }

    public void setHttp2(boolean http2) {
      this.http2 = http2;
    }

    public List<String> getAllowedHosts() {
      return allowedHosts;
    }

    public void setAllowedHosts(List<String> allowedHosts) {
      this.allowedHosts = allowedHosts;
    }

    public List<String> getAllowedCidrs() {
      return allowedCidrs;
    }

    public void setAllowedCidrs(List<String> allowedCidrs) {
      this.allowedCidrs = allowedCidrs;
    }
  }

  /** The engine (SyncConfig) and its conflict policy. */
  public static class Sync {
    /** Largest share of a feed's future events one run may cancel without quarantine, in (0, 1]. */
    private double massCancelShare = 0.5;
    /** Consecutive identical suspicious results that confirm a quarantine. */
    private int quarantineConfirmations = 3;
    /** Syncs run at once by syncTenant and syncAll. */
    private int parallelism = 10;
    /** Syncs of feeds on one host run at once. */
    private int perHostParallelism = 2;
    /** How far back recurrences are expanded and events considered. */
    private Duration windowBack = Duration.ofDays(30);
    /** How far ahead recurrences are expanded and events considered. */
    private Duration windowAhead = Duration.ofDays(730);
    /** Zone for floating times when neither the feed nor the property names one. */
    private ZoneId defaultZone = ZoneId.of("UTC");
    /**
     * Sources in order of precedence when two bookings overlap (e.g. direct,airbnb,booking); empty:
     * the first seen wins.
     */
    private List<String> sourcePriority = new ArrayList<>();
    /**
     * Bytes a second each tenant's feeds may fetch, shared by every sync thread of this instance, or
     * by every instance sharing the Redis when {@code ics-sync.redis.uri} is set; fetches slow down to
     * it and never fail for it. 0: no limit.
     */
    private DataSize tenantBandwidth = DataSize.ofBytes(0);

    public DataSize getTenantBandwidth() {
      return tenantBandwidth;
    }

    public void setTenantBandwidth(DataSize tenantBandwidth) {
      this.tenantBandwidth = tenantBandwidth;
    }

    public double getMassCancelShare() {
      return massCancelShare;
    }

    public void setMassCancelShare(double massCancelShare) {
      this.massCancelShare = massCancelShare;
    }

    public int getQuarantineConfirmations() {
      return quarantineConfirmations;
    }

    public void setQuarantineConfirmations(int quarantineConfirmations) {
      this.quarantineConfirmations = quarantineConfirmations;
    }

    public int getParallelism() {
      return parallelism;
    }

    public void setParallelism(int parallelism) {
      this.parallelism = parallelism;
    }

    public int getPerHostParallelism() {
      return perHostParallelism;
    }

    public void setPerHostParallelism(int perHostParallelism) {
      this.perHostParallelism = perHostParallelism;
    }

    public Duration getWindowBack() {
      return windowBack;
    }

    public void setWindowBack(Duration windowBack) {
      this.windowBack = windowBack;
    }

    public Duration getWindowAhead() {
      return windowAhead;
    }

    public void setWindowAhead(Duration windowAhead) {
      this.windowAhead = windowAhead;
    }

    public ZoneId getDefaultZone() {
      return defaultZone;
    }

    public void setDefaultZone(ZoneId defaultZone) {
      this.defaultZone = defaultZone;
    }

    public List<String> getSourcePriority() {
      return sourcePriority;
    }

    public void setSourcePriority(List<String> sourcePriority) {
      this.sourcePriority = sourcePriority;
    }
  }

  /** In-process Caffeine caches (ics-sync-cache on the class path). */
  public static class Cache {
    /** Whether rendered exports and property settings are cached in process. */
    private boolean enabled = true;
    /** Weight bound of the export cache. */
    private DataSize exportMaxSize = DataSize.ofMegabytes(50);
    /** Time to live of a cached export. */
    private Duration exportTtl = Duration.ofMinutes(5);
    /** Time to live of cached property settings (0 turns that cache off). */
    private Duration propertyTtl = Duration.ofMinutes(15);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public DataSize getExportMaxSize() {
      return exportMaxSize;
    }

    public void setExportMaxSize(DataSize exportMaxSize) {
      this.exportMaxSize = exportMaxSize;
    }

    public Duration getExportTtl() {
      return exportTtl;
    }

    public void setExportTtl(Duration exportTtl) {
      this.exportTtl = exportTtl;
    }

    public Duration getPropertyTtl() {
      return propertyTtl;
    }

    public void setPropertyTtl(Duration propertyTtl) {
      this.propertyTtl = propertyTtl;
    }
  }

  /**
   * Redis, shared by every instance (Lettuce and bucket4j-lettuce on the class path): the export
   * cache and, when set, the per-tenant sync limit and per-host fetch politeness.
   */
  public static class Redis {
    /** Redis URI (redis://[password@]host:port[/db]); unset: no Redis. */
    private @Nullable String uri;
    /** Prefix of every key and channel; one per deployment. */
    private String keyPrefix = "icssync:";
    /** Connect and command timeout. */
    private Duration commandTimeout = Duration.ofMillis(250);
    /** How long Redis is left alone after a failure. */
    private Duration coolDown = Duration.ofSeconds(5);
    /** Time to live of shared exports. */
    private Duration exportTtl = Duration.ofMinutes(5);
    /** Syncs admitted per tenant per tenant-limit-window across every instance (0: no limit). */
    private int tenantLimit;
    /** The sliding window of tenant-limit. */
    private Duration tenantLimitWindow = Duration.ofHours(1);
    /** Fetches per host per host-limit-window across every instance (0: no limit). */
    private int hostLimit;
    /** The window of host-limit. */
    private Duration hostLimitWindow = Duration.ofSeconds(1);
    /** Longest a fetch waits for its host's turn before it reports RATE_LIMITED. */
    private Duration hostLimitMaxWait = Duration.ofSeconds(5);

    public @Nullable String getUri() {
      return uri;
    }

    public void setUri(@Nullable String uri) {
      this.uri = uri;
    }

    public String getKeyPrefix() {
      return keyPrefix;
    }

    public void setKeyPrefix(String keyPrefix) {
      this.keyPrefix = keyPrefix;
    }

    public Duration getCommandTimeout() {
      return commandTimeout;
    }

    public void setCommandTimeout(Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
    }

    public Duration getCoolDown() {
      return coolDown;
    }

    public void setCoolDown(Duration coolDown) {
      this.coolDown = coolDown;
    }

    public Duration getExportTtl() {
      return exportTtl;
    }

    public void setExportTtl(Duration exportTtl) {
      this.exportTtl = exportTtl;
    }

    public int getTenantLimit() {
      return tenantLimit;
    }

    public void setTenantLimit(int tenantLimit) {
      this.tenantLimit = tenantLimit;
    }

    public Duration getTenantLimitWindow() {
      return tenantLimitWindow;
    }

    public void setTenantLimitWindow(Duration tenantLimitWindow) {
      this.tenantLimitWindow = tenantLimitWindow;
    }

    public int getHostLimit() {
      return hostLimit;
    }

    public void setHostLimit(int hostLimit) {
      this.hostLimit = hostLimit;
    }

    public Duration getHostLimitWindow() {
      return hostLimitWindow;
    }

    public void setHostLimitWindow(Duration hostLimitWindow) {
      this.hostLimitWindow = hostLimitWindow;
    }

    public Duration getHostLimitMaxWait() {
      return hostLimitMaxWait;
    }

    public void setHostLimitMaxWait(Duration hostLimitMaxWait) {
      this.hostLimitMaxWait = hostLimitMaxWait;
    }
  }

  /** The persistent per-feed scheduler (ics-sync-scheduler on the class path). */
  public static class Scheduler {
    /** Whether this instance syncs feeds on schedule. */
    private boolean enabled = true;
    /** Syncs this instance runs at once. */
    private int threads = 10;
    /** Syncs of one tenant run at once (default threads - 1, at least 1). */
    private @Nullable Integer tenantConcurrency;
    /** How often an idle worker looks for due feeds. */
    private Duration pollingInterval = Duration.ofSeconds(10);
    /** How often a running sync's heartbeat is written. */
    private Duration heartbeatInterval = Duration.ofSeconds(30);
    /** How long shutdown waits for running syncs; the rest are revived by another worker. */
    private Duration shutdownMaxWait = Duration.ofSeconds(30);
    /** The executions table (a plain or schema-qualified identifier). */
    private String tableName = "icssync_scheduled_tasks";
    /** Whether the scheduler's tables are created when missing. */
    private boolean createTables = true;
    /** Whether every active feed is enrolled when the scheduler starts. */
    private boolean enrolOnStart = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public int getThreads() {
      return threads;
    }

    public void setThreads(int threads) {
      this.threads = threads;
    }

    public @Nullable Integer getTenantConcurrency() {
      return tenantConcurrency;
    }

    public void setTenantConcurrency(@Nullable Integer tenantConcurrency) {
      this.tenantConcurrency = tenantConcurrency;
    }

    public Duration getPollingInterval() {
      return pollingInterval;
    }

    public void setPollingInterval(Duration pollingInterval) {
      this.pollingInterval = pollingInterval;
    }

    public Duration getHeartbeatInterval() {
      return heartbeatInterval;
    }

    public void setHeartbeatInterval(Duration heartbeatInterval) {
      this.heartbeatInterval = heartbeatInterval;
    }

    public Duration getShutdownMaxWait() {
      return shutdownMaxWait;
    }

    public void setShutdownMaxWait(Duration shutdownMaxWait) {
      this.shutdownMaxWait = shutdownMaxWait;
    }

    public String getTableName() {
      return tableName;
    }

    public void setTableName(String tableName) {
      this.tableName = tableName;
    }

    public boolean isCreateTables() {
      return createTables;
    }

    public void setCreateTables(boolean createTables) {
      this.createTables = createTables;
    }

    public boolean isEnrolOnStart() {
      return enrolOnStart;
    }

    public void setEnrolOnStart(boolean enrolOnStart) {
      this.enrolOnStart = enrolOnStart;
    }
  }

  /** The export endpoint in the application's own web server. */
  public static class Export {
    /** Whether the export endpoint is mounted. */
    private boolean enabled = true;
    /** Where exports are served: GET {path}/{token}.ics. */
    private String path = "/ics";
    /** Cache-Control of 200 and 304 answers (default: the endpoint's own). */
    private @Nullable String cacheControl;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getPath() {
      return path;
    }

    public void setPath(String path) {
      this.path = path;
    }

    public @Nullable String getCacheControl() {
      return cacheControl;
    }

    public void setCacheControl(@Nullable String cacheControl) {
      this.cacheControl = cacheControl;
    }
  }

  /** Sync metrics (a MeterRegistry bean and ics-sync-micrometer on the class path). */
  public static class Metrics {
    /** Whether syncs are recorded in the application's MeterRegistry. */
    private boolean enabled = true;
    /** Adds a tenant tag to per-sync meters (mind the cardinality). */
    private boolean tenantTag;
    /** How often the feed gauges are read from the store (right with several workers). */
    private Duration gaugeRefresh = Duration.ofSeconds(30);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public boolean isTenantTag() {
      return tenantTag;
    }

    public void setTenantTag(boolean tenantTag) {
      this.tenantTag = tenantTag;
    }

    public Duration getGaugeRefresh() {
      return gaugeRefresh;
    }

    public void setGaugeRefresh(Duration gaugeRefresh) {
      this.gaugeRefresh = gaugeRefresh;
    }
  }

  /** The Actuator health indicator. */
  public static class Health {
    /** A feed is stale when its last success is older than this many poll intervals. */
    private int staleAfterIntervals = 3;
    /** Consecutive failed syncs that make a feed failing. */
    private int failingAfter = 3;
    /** Unhealthy feeds listed in the details at most (the counts cover all). */
    private int maxListed = 20;
    /**
     * The status reported while some feed is stale, failing or quarantined: UP by default (a
     * channel's outage is not this instance's), or e.g. DEGRADED or DOWN.
     */
    private String degradedStatus = "UP";

    public int getStaleAfterIntervals() {
      return staleAfterIntervals;
    }

    public void setStaleAfterIntervals(int staleAfterIntervals) {
      this.staleAfterIntervals = staleAfterIntervals;
    }

    public int getFailingAfter() {
      return failingAfter;
    }

    public void setFailingAfter(int failingAfter) {
      this.failingAfter = failingAfter;
    }

    public int getMaxListed() {
      return maxListed;
    }

    public void setMaxListed(int maxListed) {
      this.maxListed = maxListed;
    }

    public String getDegradedStatus() {
      return degradedStatus;
    }

    public void setDegradedStatus(String degradedStatus) {
      this.degradedStatus = degradedStatus;
    }
  }

  // ------------------------------------------------------------------------------------ validation

  @Override
  public boolean supports(Class<?> type) {
    return IcsSyncProperties.class.isAssignableFrom(type);
  }

  @Override
  public void validate(Object target, Errors errors) {
    IcsSyncProperties p = (IcsSyncProperties) target;
    Check c = new Check(errors);
    c.positive("store.statement-timeout", "store.statementTimeout", p.store.statementTimeout);
    c.positive("store.lock-timeout", "store.lockTimeout", p.store.lockTimeout);
    if (p.store.statementTimeout != null && p.store.statementTimeout.toMillis() < 1) {
      c.reject("store.statement-timeout", "store.statementTimeout", "must be at least 1ms");
    }
    if (p.store.lockTimeout != null && p.store.lockTimeout.toMillis() < 1) {
      c.reject("store.lock-timeout", "store.lockTimeout", "must be at least 1ms");
    }

    c.positive("fetcher.connect-timeout", "fetcher.connectTimeout", p.fetcher.connectTimeout);
    c.positive("fetcher.timeout", "fetcher.timeout", p.fetcher.timeout);
    if (p.fetcher.maxBodySize == null || p.fetcher.maxBodySize.toBytes() <= 0
        || p.fetcher.maxBodySize.toBytes() > Integer.MAX_VALUE - 64) {
      c.reject("fetcher.max-body-size", "fetcher.maxBodySize", "must be more than 0B and below 2GB");
    }
    c.range("fetcher.max-redirects", "fetcher.maxRedirects", p.fetcher.maxRedirects, 0, 20);
    if (p.fetcher.userAgent != null && p.fetcher.userAgent.isBlank()) {
      c.reject("fetcher.user-agent", "fetcher.userAgent", "must not be blank");
    }
    c.range("fetcher.max-concurrent-per-host", "fetcher.maxConcurrentPerHost", p.fetcher.maxConcurrentPerHost, 1,
        Integer.MAX_VALUE);
    c.nonNegative("fetcher.min-interval-per-host", "fetcher.minIntervalPerHost", p.fetcher.minIntervalPerHost);
    c.positive("fetcher.max-queue-wait", "fetcher.maxQueueWait", p.fetcher.maxQueueWait);
    c.range("fetcher.max-connections", "fetcher.maxConnections", p.fetcher.maxConnections, 1, Integer.MAX_VALUE);
    for (int i = 0; i < p.fetcher.allowedHosts.size(); i++) {
      String h = p.fetcher.allowedHosts.get(i);
      if (h == null || h.isBlank()) {
        c.reject("fetcher.allowed-hosts[" + i + "]", "fetcher.allowedHosts[" + i + "]", "must not be blank");
      }
    }
    for (int i = 0; i < p.fetcher.allowedCidrs.size(); i++) {
      String cidr = p.fetcher.allowedCidrs.get(i);
      if (!Cidrs.valid(cidr)) {
        c.reject("fetcher.allowed-cidrs[" + i + "]", "fetcher.allowedCidrs[" + i + "]",
            "must be an address block such as 10.20.0.0/16");
      }
    }

    if (!(p.sync.massCancelShare > 0 && p.sync.massCancelShare <= 1)) {
      c.reject("sync.mass-cancel-share", "sync.massCancelShare", "must be in (0, 1]");
    }
    c.range("sync.quarantine-confirmations", "sync.quarantineConfirmations", p.sync.quarantineConfirmations, 1,
        Integer.MAX_VALUE);
    c.range("sync.parallelism", "sync.parallelism", p.sync.parallelism, 1, Integer.MAX_VALUE);
    c.range("sync.per-host-parallelism", "sync.perHostParallelism", p.sync.perHostParallelism, 1, Integer.MAX_VALUE);
    c.nonNegative("sync.window-back", "sync.windowBack", p.sync.windowBack);
    c.positive("sync.window-ahead", "sync.windowAhead", p.sync.windowAhead);
    if (p.sync.defaultZone == null) {
      c.reject("sync.default-zone", "sync.defaultZone", "must be set");
    }
    if (p.sync.tenantBandwidth == null || p.sync.tenantBandwidth.isNegative()) {
      c.reject("sync.tenant-bandwidth", "sync.tenantBandwidth", "must not be negative, was " + p.sync.tenantBandwidth);
    }
    for (int i = 0; i < p.sync.sourcePriority.size(); i++) {
      String s = p.sync.sourcePriority.get(i);
      if (s == null || s.isBlank()) {
        c.reject("sync.source-priority[" + i + "]", "sync.sourcePriority[" + i + "]", "must not be blank");
      }
    }

    if (p.cache.exportMaxSize == null || p.cache.exportMaxSize.toBytes() <= 0) {
      c.reject("cache.export-max-size", "cache.exportMaxSize", "must be more than 0B");
    }
    c.positive("cache.export-ttl", "cache.exportTtl", p.cache.exportTtl);
    c.nonNegative("cache.property-ttl", "cache.propertyTtl", p.cache.propertyTtl);

    if (p.redis.uri != null && !Cidrs.redisUri(p.redis.uri)) {
      c.reject("redis.uri", "redis.uri", "must be a Redis URI such as redis://host:6379");
    }
    if (p.redis.keyPrefix == null || p.redis.keyPrefix.isBlank()) {
      c.reject("redis.key-prefix", "redis.keyPrefix", "must not be blank");
    }
    c.positive("redis.command-timeout", "redis.commandTimeout", p.redis.commandTimeout);
    c.nonNegative("redis.cool-down", "redis.coolDown", p.redis.coolDown);
    c.positive("redis.export-ttl", "redis.exportTtl", p.redis.exportTtl);
    c.range("redis.tenant-limit", "redis.tenantLimit", p.redis.tenantLimit, 0, Integer.MAX_VALUE);
    c.positive("redis.tenant-limit-window", "redis.tenantLimitWindow", p.redis.tenantLimitWindow);
    c.range("redis.host-limit", "redis.hostLimit", p.redis.hostLimit, 0, Integer.MAX_VALUE);
    c.positive("redis.host-limit-window", "redis.hostLimitWindow", p.redis.hostLimitWindow);
    c.nonNegative("redis.host-limit-max-wait", "redis.hostLimitMaxWait", p.redis.hostLimitMaxWait);

    c.range("scheduler.threads", "scheduler.threads", p.scheduler.threads, 1, Integer.MAX_VALUE);
    if (p.scheduler.tenantConcurrency != null && p.scheduler.tenantConcurrency < 1) {
      c.reject("scheduler.tenant-concurrency", "scheduler.tenantConcurrency", "must be positive");
    }
    c.positive("scheduler.polling-interval", "scheduler.pollingInterval", p.scheduler.pollingInterval);
    c.positive("scheduler.heartbeat-interval", "scheduler.heartbeatInterval", p.scheduler.heartbeatInterval);
    c.nonNegative("scheduler.shutdown-max-wait", "scheduler.shutdownMaxWait", p.scheduler.shutdownMaxWait);
    if (p.scheduler.tableName == null
        || !p.scheduler.tableName.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?")) {
      c.reject("scheduler.table-name", "scheduler.tableName", "must be a plain or schema-qualified identifier");
    }

    String path = p.export.path;
    if (path == null || !path.matches("(/[A-Za-z0-9._~-]+)+")) {
      c.reject("export.path", "export.path", "must start with / and name at least one segment, e.g. /ics");
    }
    String cc = p.export.cacheControl;
    if (cc != null && (cc.isBlank() || cc.indexOf('\r') >= 0 || cc.indexOf('\n') >= 0)) {
      c.reject("export.cache-control", "export.cacheControl", "must be one non-blank header line");
    }

    c.positive("metrics.gauge-refresh", "metrics.gaugeRefresh", p.metrics.gaugeRefresh);

    c.range("health.stale-after-intervals", "health.staleAfterIntervals", p.health.staleAfterIntervals, 1,
        Integer.MAX_VALUE);
    c.range("health.failing-after", "health.failingAfter", p.health.failingAfter, 1, Integer.MAX_VALUE);
    c.range("health.max-listed", "health.maxListed", p.health.maxListed, 0, Integer.MAX_VALUE);
    if (p.health.degradedStatus == null || !p.health.degradedStatus.matches("[A-Z_]+")) {
      c.reject("health.degraded-status", "health.degradedStatus", "must be a status code such as UP or DEGRADED");
    }
  }

  /** Rejects values with messages that carry the full property name. */
  private static final class Check {
    private final Errors errors;

    Check(Errors errors) {
      this.errors = errors;
    }

    void reject(String property, String field, String why) {
      errors.rejectValue(field, "ics-sync.invalid", PREFIX + "." + property + " " + why);
    }

    void positive(String property, String field, @Nullable Duration d) {
      if (d == null || d.isZero() || d.isNegative()) {
        reject(property, field, "must be positive, was " + d);
      }
    }

    void nonNegative(String property, String field, @Nullable Duration d) {
      if (d == null || d.isNegative()) {
        reject(property, field, "must not be negative, was " + d);
      }
    }

    void range(String property, String field, int value, int min, int max) {
      if (value < min || value > max) {
        reject(property, field, (max == Integer.MAX_VALUE ? "must be at least " + min
            : "must be in [" + min + ", " + max + "]") + ", was " + value);
      }
    }
  }

  /** Syntax checks that need no adapter on the class path. */
  static final class Cidrs {
    private Cidrs() {}

    static boolean valid(@Nullable String cidr) {
      if (cidr == null) {
        return false;
      }
      String s = cidr.trim();
      int slash = s.indexOf('/');
      if (slash <= 0 || slash == s.length() - 1) {
        return false;
      }
      String address = s.substring(0, slash);
      int bits;
      try {
        bits = Integer.parseInt(s.substring(slash + 1));
      } catch (NumberFormatException e) {
        return false;
      }
      boolean v4 = address.matches("\\d{1,3}(\\.\\d{1,3}){3}");
      boolean v6 = !v4 && address.contains(":") && address.matches("[0-9A-Fa-f:.]+");
      return (v4 && bits >= 0 && bits <= 32) || (v6 && bits >= 0 && bits <= 128);
    }

    static boolean redisUri(String uri) {
      String u = Objects.requireNonNull(uri).trim();
      return u.matches("(?i)rediss?(-socket|-sentinel)?://.+");
    }
  }
}

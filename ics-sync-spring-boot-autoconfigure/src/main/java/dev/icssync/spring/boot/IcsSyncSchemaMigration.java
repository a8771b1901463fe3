package dev.icssync.spring.boot;

import dev.icssync.IcsSyncException;
import dev.icssync.jdbc.JdbcStore;
import javax.sql.DataSource;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Creates or upgrades the store's schema when the context starts ({@link JdbcStore#migrate}: its own
 * Flyway history table, so it runs beside the application's own migrations, after them). Declare a
 * bean of this type to take over, or set {@code ics-sync.store.migrate=false} when the schema is
 * managed elsewhere.
 */
public class IcsSyncSchemaMigration implements InitializingBean {
  private final DataSource dataSource;
  private final boolean rowLevelSecurity;
  private volatile boolean migrated;

  public IcsSyncSchemaMigration(DataSource dataSource, boolean rowLevelSecurity) {
    this.dataSource = dataSource;
    this.rowLevelSecurity = rowLevelSecurity;
  }

  @Override
  public void afterPropertiesSet() {
    if (rowLevelSecurity) {
      try {
        JdbcStore.migrateWithRowLevelSecurity(dataSource);
      } catch (IcsSyncException.ConfigurationException e) { // e.g. row-level security on H2
        throw new InvalidConfigurationPropertyValueException("ics-sync.store.row-level-security", true,
            e.getMessage());
      }
    } else {
      JdbcStore.migrate(dataSource);
    }
    migrated = true;
  }

  /** True once the migration ran in this context. */
  public boolean isMigrated() {
    return migrated;
  }
}

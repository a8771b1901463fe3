-- Optional PostgreSQL row-level security for ics-sync tables (applied by JdbcStore.migrate when
-- row-level security is requested). Each policy admits the rows of the tenant named by the
-- transaction-local setting app.tenant_id (set by the store with set_config(..., true) in every
-- transaction, so a pooled connection never carries one tenant's context to the next borrower).
-- The two cross-tenant reads of the SPI (allFeeds, tokenByHash) set app.cross_tenant = 'on' for
-- their own read-only transaction. Writes must always name the current tenant (WITH CHECK).
-- Policies bind the application role only when it does not own the tables: run the application as
-- a separate role (table owners bypass row-level security unless FORCE is set).
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['icssync_feed', 'icssync_feed_state', 'icssync_event', 'icssync_conflict',
                           'icssync_sync_run', 'icssync_export_token', 'icssync_property']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('DROP POLICY IF EXISTS icssync_tenant ON %I', t);
    EXECUTE format('CREATE POLICY icssync_tenant ON %I '
        || 'USING (tenant = current_setting(''app.tenant_id'', true) '
        || '       OR current_setting(''app.cross_tenant'', true) = ''on'') '
        || 'WITH CHECK (tenant = current_setting(''app.tenant_id'', true))', t);
  END LOOP;
END
$$;

-- the statistics view (V2, replaced by V3) reads icssync_sync_run and icssync_feed: with the caller's policies
-- (security_invoker, PostgreSQL 15+), not its owner's, who bypasses them. Older servers cannot
-- apply them through a view, so there it is not readable by tenants at all.
DO $$
BEGIN
  IF current_setting('server_version_num')::int >= 150000 THEN
    EXECUTE 'ALTER VIEW icssync_sync_run_stats SET (security_invoker = true)';
  ELSE
    EXECUTE 'REVOKE ALL ON icssync_sync_run_stats FROM PUBLIC';
  END IF;
END
$$;

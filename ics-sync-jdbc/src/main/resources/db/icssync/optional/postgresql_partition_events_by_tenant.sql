-- Optional (PostgreSQL): hash-partition icssync_event by tenant, for large installations.
--
-- Why hash on tenant and not by month of start date: a unique key on a partitioned table must
-- contain the partition key. Month partitions would force the start date into the event's key, so a
-- guest changing dates would become a delete + insert across partitions and upsert-by-UID (identity
-- = tenant, feed, uid, recurrence id) would break. Every query of the store names its tenant, so hash
-- partitions on tenant keep the identity as the primary key, prune to one partition per statement
-- and spread a large tenant base over 16 smaller tables and indexes (vacuum, index depth).
--
-- Run once after JdbcStore.migrate (version 1), in a maintenance window: it copies the table.
-- With row-level security, run it before JdbcStore.migrateWithRowLevelSecurity, or re-run that
-- script's statements afterwards (policies belong to the table and are not copied).
ALTER TABLE icssync_event RENAME TO icssync_event_unpartitioned;
ALTER INDEX icssync_event_pkey RENAME TO icssync_event_unpartitioned_pkey;
ALTER INDEX icssync_event_active_range RENAME TO icssync_event_unpartitioned_active_range;
ALTER INDEX icssync_event_cancelled_range RENAME TO icssync_event_unpartitioned_cancelled_range;

CREATE TABLE icssync_event (LIKE icssync_event_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
  PARTITION BY HASH (tenant);
ALTER TABLE icssync_event ADD PRIMARY KEY (tenant, feed_id, uid, recurrence_id);
CREATE INDEX icssync_event_active_range ON icssync_event (tenant, property, start_at, end_at)
  WHERE status <> 'CANCELLED';
CREATE INDEX icssync_event_cancelled_range ON icssync_event (tenant, property, start_at, end_at)
  WHERE status = 'CANCELLED';
DO $$
BEGIN
  FOR i IN 0..15 LOOP
    EXECUTE format('CREATE TABLE icssync_event_p%s PARTITION OF icssync_event '
        || 'FOR VALUES WITH (MODULUS 16, REMAINDER %s) WITH (fillfactor = 90)', i, i);
  END LOOP;
END
$$;

INSERT INTO icssync_event SELECT * FROM icssync_event_unpartitioned;
DROP TABLE icssync_event_unpartitioned;
ANALYZE icssync_event;

-- operator statistics (ics-sync stats, the run command's gauges) read the change log of the last
-- day: each run also records its fetched bytes and its duration, finished_at is indexed for the
-- window, and one view puts each run beside its feed's property and source
ALTER TABLE icssync_sync_run ADD COLUMN bytes bigint NOT NULL DEFAULT 0;
ALTER TABLE icssync_sync_run ADD COLUMN duration_ms bigint NOT NULL DEFAULT 0;
CREATE INDEX icssync_sync_run_finished ON icssync_sync_run (finished_at);

CREATE VIEW icssync_sync_run_stats AS
SELECT r.tenant, r.feed_id, COALESCE(f.property, '') AS property, COALESCE(f.source, '') AS source,
       r.outcome, r.failure, r.finished_at, r.duration_ms, r.bytes,
       r.created + r.updated + r.cancelled + r.reinstated + r.uid_reissued AS events_changed
FROM icssync_sync_run r
LEFT JOIN icssync_feed f ON f.tenant = r.tenant AND f.id = r.feed_id;

-- a poll answered 304 or with an unchanged body writes only its feed's state, in batches of many
-- feeds; its run is kept in a tally row that stands for many runs of one tenant, source and outcome
-- (feed_id '', syncs = how many runs, duration_ms = their mean, bytes = their sum). Every other run
-- keeps its own row (syncs = 1, source taken from its feed). The statistics view counts syncs.
ALTER TABLE icssync_sync_run ADD COLUMN syncs integer NOT NULL DEFAULT 1;
ALTER TABLE icssync_sync_run ADD COLUMN source text;

CREATE OR REPLACE VIEW icssync_sync_run_stats AS
SELECT r.tenant, r.feed_id, COALESCE(f.property, '') AS property, COALESCE(f.source, r.source, '') AS source,
       r.outcome, r.failure, r.finished_at, r.duration_ms, r.bytes,
       r.created + r.updated + r.cancelled + r.reinstated + r.uid_reissued AS events_changed,
       r.syncs
FROM icssync_sync_run r
LEFT JOIN icssync_feed f ON f.tenant = r.tenant AND f.id = r.feed_id;

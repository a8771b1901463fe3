-- ics-sync scheduler tables for PostgreSQL (what FeedSyncScheduler creates itself unless
-- createTables(false)). The executions table has db-scheduler's layout under our own name.
CREATE TABLE IF NOT EXISTS icssync_scheduled_tasks (
  task_name TEXT NOT NULL,
  task_instance TEXT NOT NULL,
  task_data BYTEA,
  execution_time TIMESTAMP WITH TIME ZONE NOT NULL,
  picked BOOLEAN NOT NULL,
  picked_by TEXT,
  last_success TIMESTAMP WITH TIME ZONE,
  last_failure TIMESTAMP WITH TIME ZONE,
  consecutive_failures INT,
  last_heartbeat TIMESTAMP WITH TIME ZONE,
  version BIGINT NOT NULL,
  priority SMALLINT,
  PRIMARY KEY (task_name, task_instance));
CREATE INDEX IF NOT EXISTS icssync_scheduled_tasks_execution_time_idx ON icssync_scheduled_tasks (execution_time);
CREATE INDEX IF NOT EXISTS icssync_scheduled_tasks_last_heartbeat_idx ON icssync_scheduled_tasks (last_heartbeat);
-- per-host politeness: the earliest time the next fetch of a host may start, across all workers
CREATE TABLE IF NOT EXISTS icssync_scheduled_tasks_host_slots (
  host TEXT NOT NULL PRIMARY KEY,
  next_allowed TIMESTAMP WITH TIME ZONE NOT NULL);

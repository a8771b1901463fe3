-- ics-sync schema, H2 (2.x). Applied by JdbcStore.migrate(dataSource) with Flyway (history table
-- icssync_schema_history); a host with its own migration tool may run this file as it is.
-- Same tables as the PostgreSQL schema; H2 compares strings like Java's String.compareTo, has no
-- partial indexes (the indexes cover all rows) and keeps nanoseconds.

CREATE TABLE icssync_feed (
  tenant            VARCHAR NOT NULL,
  id                VARCHAR NOT NULL,
  property          VARCHAR NOT NULL,
  source            VARCHAR NOT NULL,
  url               VARCHAR             NOT NULL,
  poll_interval_ms  bigint           NOT NULL CHECK (poll_interval_ms > 0),
  active            boolean          NOT NULL,
  priority          integer          NOT NULL,
  PRIMARY KEY (tenant, id)
);
CREATE INDEX icssync_feed_property ON icssync_feed (tenant, property);

CREATE TABLE icssync_feed_state (
  tenant                    VARCHAR NOT NULL,
  feed_id                   VARCHAR NOT NULL,
  etag                      VARCHAR,
  last_modified             VARCHAR,
  content_digest            VARCHAR,
  parser_version            integer     NOT NULL DEFAULT 0,
  last_attempt              TIMESTAMP(9) WITH TIME ZONE,
  last_success              TIMESTAMP(9) WITH TIME ZONE,
  consecutive_failures      integer     NOT NULL DEFAULT 0,
  last_error                VARCHAR,
  next_due                  TIMESTAMP(9) WITH TIME ZONE,
  quarantine_reason         VARCHAR,
  quarantine_since          TIMESTAMP(9) WITH TIME ZONE,
  quarantine_pending        integer,
  quarantine_digest         VARCHAR,
  quarantine_confirmations  integer,
  -- fencing token: bumped by beginSync, checked (row locked) by every apply
  generation                bigint      NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant, feed_id)
);

CREATE TABLE icssync_event (
  tenant         VARCHAR NOT NULL,
  feed_id        VARCHAR NOT NULL,
  uid            VARCHAR NOT NULL,
  -- '' for a non-recurring event or a recurrence master (never NULL: it is part of the key)
  recurrence_id  VARCHAR NOT NULL DEFAULT '',
  property       VARCHAR NOT NULL,
  source         VARCHAR NOT NULL,
  all_day        boolean     NOT NULL,
  -- all-day ranges are stored as UTC midnights of their dates, timed ranges as instants; [start, end)
  start_at       TIMESTAMP(9) WITH TIME ZONE NOT NULL,
  end_at         TIMESTAMP(9) WITH TIME ZONE NOT NULL CHECK (end_at >= start_at),
  kind           VARCHAR        NOT NULL CHECK (kind IN ('RESERVATION', 'BLOCK', 'TENTATIVE', 'EVENT')),
  status         VARCHAR        NOT NULL CHECK (status IN ('CONFIRMED', 'TENTATIVE', 'CANCELLED')),
  summary        VARCHAR        NOT NULL,
  fingerprint    bigint      NOT NULL,
  first_seen     TIMESTAMP(9) WITH TIME ZONE NOT NULL,
  last_seen      TIMESTAMP(9) WITH TIME ZONE NOT NULL,
  last_changed   TIMESTAMP(9) WITH TIME ZONE NOT NULL,
  sequence       integer     NOT NULL,
  cancelled_at   TIMESTAMP(9) WITH TIME ZONE,
  -- identity: upsert by UID survives a guest changing dates
  PRIMARY KEY (tenant, feed_id, uid, recurrence_id)
);
-- the property lookup of active events (conflict detection, exports), ordered by start
CREATE INDEX icssync_event_range ON icssync_event (tenant, property, start_at, end_at);

CREATE TABLE icssync_conflict (
  tenant                VARCHAR NOT NULL,
  id                    VARCHAR NOT NULL,
  property              VARCHAR NOT NULL,
  first_feed_id         VARCHAR NOT NULL,
  first_uid             VARCHAR NOT NULL,
  first_recurrence_id   VARCHAR NOT NULL,
  second_feed_id        VARCHAR NOT NULL,
  second_uid            VARCHAR NOT NULL,
  second_recurrence_id  VARCHAR NOT NULL,
  overlap_start         TIMESTAMP(9) WITH TIME ZONE NOT NULL,
  overlap_end           TIMESTAMP(9) WITH TIME ZONE NOT NULL,
  status                VARCHAR        NOT NULL CHECK (status IN ('OPEN', 'RESOLVED', 'IGNORED')),
  winner_feed_id        VARCHAR,
  winner_uid            VARCHAR,
  winner_recurrence_id  VARCHAR,
  opened_at             TIMESTAMP(9) WITH TIME ZONE NOT NULL,
  resolved_at           TIMESTAMP(9) WITH TIME ZONE,
  PRIMARY KEY (tenant, id)
);
CREATE INDEX icssync_conflict_property ON icssync_conflict (tenant, property, opened_at, id);

-- the change log: one row per sync run, appended in the apply's transaction
CREATE TABLE icssync_sync_run (
  seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant         VARCHAR NOT NULL,
  feed_id        VARCHAR NOT NULL,
  run_id         VARCHAR        NOT NULL,
  generation     bigint      NOT NULL,
  started_at     TIMESTAMP(9) WITH TIME ZONE NOT NULL,
  finished_at    TIMESTAMP(9) WITH TIME ZONE NOT NULL,
  outcome        VARCHAR        NOT NULL,
  failure        VARCHAR,
  seen           integer     NOT NULL,
  created        integer     NOT NULL,
  updated        integer     NOT NULL,
  cancelled      integer     NOT NULL,
  reinstated     integer     NOT NULL,
  unchanged      integer     NOT NULL,
  uid_reissued   integer     NOT NULL,
  held_back      integer     NOT NULL,
  message        VARCHAR        NOT NULL
);
CREATE INDEX icssync_sync_run_feed ON icssync_sync_run (tenant, feed_id, seq DESC);

-- export tokens: only the SHA-256 hash of the secret is stored
CREATE TABLE icssync_export_token (
  hash        VARCHAR PRIMARY KEY,
  tenant      VARCHAR NOT NULL,
  property    VARCHAR NOT NULL,
  channel     VARCHAR,
  created_at  TIMESTAMP(9) WITH TIME ZONE NOT NULL,
  expires_at  TIMESTAMP(9) WITH TIME ZONE,
  revoked_at  TIMESTAMP(9) WITH TIME ZONE
);
CREATE INDEX icssync_export_token_property ON icssync_export_token (tenant, property, created_at DESC);

CREATE TABLE icssync_property (
  tenant     VARCHAR NOT NULL,
  property   VARCHAR NOT NULL,
  zone       VARCHAR NOT NULL,
  check_in   TIME(9) NOT NULL,
  check_out  TIME(9) NOT NULL,
  PRIMARY KEY (tenant, property)
);

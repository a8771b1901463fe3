-- ics-sync schema, PostgreSQL. Applied by JdbcStore.migrate(dataSource) with Flyway (history table
-- icssync_schema_history); a host with its own migration tool may run this file as it is.
-- Key columns use COLLATE "C" so that ORDER BY sorts like Java's String.compareTo and the indexes
-- do not depend on the database's locale.

CREATE TABLE icssync_feed (
  tenant            text COLLATE "C" NOT NULL,
  id                text COLLATE "C" NOT NULL,
  property          text COLLATE "C" NOT NULL,
  source            text COLLATE "C" NOT NULL,
  url               text             NOT NULL,
  poll_interval_ms  bigint           NOT NULL CHECK (poll_interval_ms > 0),
  active            boolean          NOT NULL,
  priority          integer          NOT NULL,
  PRIMARY KEY (tenant, id)
);
-- schedulers and admin tools list the active feeds
CREATE INDEX icssync_feed_active ON icssync_feed (tenant, id) WHERE active;
CREATE INDEX icssync_feed_property ON icssync_feed (tenant, property);

CREATE TABLE icssync_feed_state (
  tenant                    text COLLATE "C" NOT NULL,
  feed_id                   text COLLATE "C" NOT NULL,
  etag                      text,
  last_modified             text,
  content_digest            text,
  parser_version            integer     NOT NULL DEFAULT 0,
  last_attempt              timestamptz,
  last_success              timestamptz,
  consecutive_failures      integer     NOT NULL DEFAULT 0,
  last_error                text,
  next_due                  timestamptz,
  quarantine_reason         text,
  quarantine_since          timestamptz,
  quarantine_pending        integer,
  quarantine_digest         text,
  quarantine_confirmations  integer,
  -- fencing token: bumped by beginSync, checked (row locked) by every apply
  generation                bigint      NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant, feed_id)
);

CREATE TABLE icssync_event (
  tenant         text COLLATE "C" NOT NULL,
  feed_id        text COLLATE "C" NOT NULL,
  uid            text COLLATE "C" NOT NULL,
  -- '' for a non-recurring event or a recurrence master (never NULL: it is part of the key)
  recurrence_id  text COLLATE "C" NOT NULL DEFAULT '',
  property       text COLLATE "C" NOT NULL,
  source         text COLLATE "C" NOT NULL,
  all_day        boolean     NOT NULL,
  -- all-day ranges are stored as UTC midnights of their dates, timed ranges as instants; [start, end)
  start_at       timestamptz NOT NULL,
  end_at         timestamptz NOT NULL CHECK (end_at >= start_at),
  kind           text        NOT NULL CHECK (kind IN ('RESERVATION', 'BLOCK', 'TENTATIVE', 'EVENT')),
  status         text        NOT NULL CHECK (status IN ('CONFIRMED', 'TENTATIVE', 'CANCELLED')),
  summary        text        NOT NULL,
  fingerprint    bigint      NOT NULL,
  first_seen     timestamptz NOT NULL,
  last_seen      timestamptz NOT NULL,
  last_changed   timestamptz NOT NULL,
  sequence       integer     NOT NULL,
  cancelled_at   timestamptz,
  -- identity: upsert by UID survives a guest changing dates
  PRIMARY KEY (tenant, feed_id, uid, recurrence_id)
) WITH (fillfactor = 90);
-- the property lookup of active events (conflict detection, exports), ordered by start; cancelled
-- events (never deleted, so they accumulate) live in their own partial index: each row is in exactly
-- one of the two, so writes pay for one range index, and queries that include cancelled events read
-- both (UNION ALL). Source identity (tenant, feed, uid) is the primary key's prefix.
CREATE INDEX icssync_event_active_range ON icssync_event (tenant, property, start_at, end_at)
  WHERE status <> 'CANCELLED';
CREATE INDEX icssync_event_cancelled_range ON icssync_event (tenant, property, start_at, end_at)
  WHERE status = 'CANCELLED';

CREATE TABLE icssync_conflict (
  tenant                text COLLATE "C" NOT NULL,
  id                    text COLLATE "C" NOT NULL,
  property              text COLLATE "C" NOT NULL,
  first_feed_id         text COLLATE "C" NOT NULL,
  first_uid             text COLLATE "C" NOT NULL,
  first_recurrence_id   text COLLATE "C" NOT NULL,
  second_feed_id        text COLLATE "C" NOT NULL,
  second_uid            text COLLATE "C" NOT NULL,
  second_recurrence_id  text COLLATE "C" NOT NULL,
  overlap_start         timestamptz NOT NULL,
  overlap_end           timestamptz NOT NULL,
  status                text        NOT NULL CHECK (status IN ('OPEN', 'RESOLVED', 'IGNORED')),
  winner_feed_id        text COLLATE "C",
  winner_uid            text COLLATE "C",
  winner_recurrence_id  text COLLATE "C",
  opened_at             timestamptz NOT NULL,
  resolved_at           timestamptz,
  PRIMARY KEY (tenant, id)
);
CREATE INDEX icssync_conflict_property ON icssync_conflict (tenant, property, opened_at, id);
CREATE INDEX icssync_conflict_open ON icssync_conflict (tenant, property, opened_at) WHERE status = 'OPEN';

-- the change log: one row per sync run, appended in the apply's transaction
CREATE TABLE icssync_sync_run (
  seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant         text COLLATE "C" NOT NULL,
  feed_id        text COLLATE "C" NOT NULL,
  run_id         text        NOT NULL,
  generation     bigint      NOT NULL,
  started_at     timestamptz NOT NULL,
  finished_at    timestamptz NOT NULL,
  outcome        text        NOT NULL,
  failure        text,
  seen           integer     NOT NULL,
  created        integer     NOT NULL,
  updated        integer     NOT NULL,
  cancelled      integer     NOT NULL,
  reinstated     integer     NOT NULL,
  unchanged      integer     NOT NULL,
  uid_reissued   integer     NOT NULL,
  held_back      integer     NOT NULL,
  message        text        NOT NULL
);
CREATE INDEX icssync_sync_run_feed ON icssync_sync_run (tenant, feed_id, seq DESC);

-- export tokens: only the SHA-256 hash of the secret is stored
CREATE TABLE icssync_export_token (
  hash        text COLLATE "C" PRIMARY KEY,
  tenant      text COLLATE "C" NOT NULL,
  property    text COLLATE "C" NOT NULL,
  channel     text,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz,
  revoked_at  timestamptz
);
CREATE INDEX icssync_export_token_property ON icssync_export_token (tenant, property, created_at DESC);

CREATE TABLE icssync_property (
  tenant     text COLLATE "C" NOT NULL,
  property   text COLLATE "C" NOT NULL,
  zone       text NOT NULL,
  check_in   time NOT NULL,
  check_out  time NOT NULL,
  PRIMARY KEY (tenant, property)
);

-- a feed's state row is rewritten at every poll (a 304 included). With full pages, each new version
-- lands on another page and needs a new primary-key entry, and the table and its index grow with
-- every round of polls until a vacuum catches up. With room left on each page, the update stays on
-- its page as a heap-only tuple (no index entry) and the page's dead versions are pruned when it is
-- next read, with no vacuum. Applies to pages written from now on: an existing table converges as
-- its rows are updated (VACUUM FULL or pg_repack applies it at once). Takes only a SHARE UPDATE
-- EXCLUSIVE lock: reads and writes go on while it runs.
ALTER TABLE icssync_feed_state SET (fillfactor = 70);

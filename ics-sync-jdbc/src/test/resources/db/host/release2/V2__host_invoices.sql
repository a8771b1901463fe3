-- The host's next release, migrated after the ics-sync tables exist in the same schema.
CREATE TABLE host_invoice (
  id BIGINT PRIMARY KEY,
  booking_id BIGINT NOT NULL REFERENCES host_booking (id)
);
ALTER TABLE host_booking ADD COLUMN nights INT;

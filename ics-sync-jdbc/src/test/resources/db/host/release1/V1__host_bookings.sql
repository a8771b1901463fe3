-- The host application's own first migration (its own Flyway, default history table).
CREATE TABLE host_booking (
  id BIGINT PRIMARY KEY,
  guest TEXT NOT NULL
);
INSERT INTO host_booking (id, guest) VALUES (1, 'first guest');

-- Sessions expire: a token is refused once it is older than the maximum age or has not been
-- used for the idle age (both flags of `serve`; UserService checks them on every look-up), and
-- the maintenance deletes expired and revoked rows (SessionSweeper). last_used_at is moved on a
-- look-up at most once a minute, so a busy token does not write on every cache miss.
ALTER TABLE sessions ADD COLUMN last_used_at timestamptz NOT NULL DEFAULT now();

-- Users and sessions (UserService). A session's token is stored only as its SHA-256 hex.

-- name: InsertUser
-- $1 username, $2 bcrypt hash. A taken username fails with SQLSTATE 23505.
INSERT INTO users (username, password_hash) VALUES ($1, $2) RETURNING id;

-- name: UserCredentials
-- $1 username. No row: no such user.
SELECT id, password_hash FROM users WHERE username = $1;

-- name: InsertSession
-- $1 token hash, $2 user id.
INSERT INTO sessions (token_hash, user_id) VALUES ($1, $2);

-- name: SessionUser
-- $1 token hash. No row: unknown or revoked token. Prepared once per connection (every
-- authenticated request that misses the session cache runs it).
SELECT user_id FROM sessions WHERE token_hash = $1 AND revoked_at IS NULL;

-- name: RevokeSession
-- $1 token hash. One row changed: revoked now; none: unknown or revoked already.
UPDATE sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL;

-- name: UserProfile
-- $1 user id. No row: no such user.
SELECT id, username, bio, follower_count, following_count, post_count FROM users WHERE id = $1;

-- name: UserExists
-- $1 user id.
SELECT 1 FROM users WHERE id = $1;

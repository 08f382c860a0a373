-- Users and sessions (UserService). A session's token is stored only as its SHA-256 hex.

-- name: InsertUser
-- $1 username, $2 bcrypt hash. A taken username fails with SQLSTATE 23505; no row: the name is
-- a deleted account's, still in its grace period (migration 0021).
INSERT INTO users (username, password_hash)
SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM username_tombstones WHERE username = $1 AND released_at > now())
RETURNING id;

-- name: UserCredentials
-- $1 username. No row: no such user (or one being deleted).
SELECT id, password_hash FROM users WHERE username = $1 AND deleted_at IS NULL;

-- name: InsertSession
-- $1 token hash, $2 user id.
INSERT INTO sessions (token_hash, user_id) VALUES ($1, $2);

-- fragment: LiveSession(token, maximum_age, idle_age, now)
-- Two common table expressions: `live`, the session of token hash {token} (text) if it is
-- neither revoked nor expired (created more than {maximum_age} seconds before {now}, or last
-- used more than {idle_age} seconds before), with its user_id; and `touched`, which moves its
-- last_used_at to {now} when that is a minute old or more. {now} NULL: the server's clock.
live AS (
    SELECT token_hash, user_id, last_used_at FROM sessions
    WHERE token_hash = {token}::text AND revoked_at IS NULL
      AND created_at > coalesce({now}::timestamptz, now()) - make_interval(secs => {maximum_age}::float8)
      AND last_used_at > coalesce({now}::timestamptz, now()) - make_interval(secs => {idle_age}::float8)
), touched AS (
    UPDATE sessions s SET last_used_at = coalesce({now}::timestamptz, now())
    FROM live
    WHERE s.token_hash = live.token_hash
      AND live.last_used_at < coalesce({now}::timestamptz, now()) - interval '1 minute'
);

-- name: SessionUser
-- $1 token hash, $2 maximum age (seconds), $3 idle age (seconds), $4 now (NULL: the server's
-- clock). No row: unknown, revoked or expired token (created more than the maximum age ago, or
-- last used more than the idle age ago). A live token's last_used_at moves to now when it is a
-- minute old or more. Prepared once per connection (every authenticated request that misses
-- the session cache runs it).
WITH {{LiveSession token=$1 maximum_age=$2 idle_age=$3 now=$4}}
SELECT user_id FROM live;

-- name: RevokeSession
-- $1 token hash. One row changed: revoked now; none: unknown or revoked already.
UPDATE sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL;

-- name: DeleteExpiredSessions
-- $1 maximum age (seconds), $2 idle age (seconds), $3 now (NULL: the server's clock), $4 rows
-- at most. Deletes revoked and expired sessions (see SessionUser); returns how many.
WITH gone AS (
    DELETE FROM sessions WHERE token_hash = ANY(ARRAY(
        SELECT token_hash FROM sessions
        WHERE revoked_at IS NOT NULL
           OR created_at <= coalesce($3::timestamptz, now()) - make_interval(secs => $1::float8)
           OR last_used_at <= coalesce($3::timestamptz, now()) - make_interval(secs => $2::float8)
        LIMIT $4::integer))
    RETURNING 1
)
SELECT count(*)::int8 AS deleted FROM gone;

-- name: UserProfile
-- $1 user id, $2 viewer id (NULL: anonymous). No row: no such user, one being deleted, or a
-- block between the two (either way).
SELECT u.id, u.username, u.display_name, u.bio, u.avatar_prefix, u.follower_count, u.following_count, u.post_count
FROM users u
WHERE u.id = $1 AND u.deleted_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.blocker_id = $1 AND b.blocked_id = $2)
                                             OR (b.blocker_id = $2 AND b.blocked_id = $1));

-- name: UserExists
-- $1 user id. No row: no such user, or one being deleted.
SELECT 1 FROM users WHERE id = $1 AND deleted_at IS NULL;

-- name: SetOperator
-- $1 username, $2 whether the user is an operator. No row: no such user.
UPDATE users SET is_operator = $2::boolean WHERE username = $1 RETURNING id;

-- name: UserIsOperator
-- $1 user id. No row: no such user.
SELECT is_operator FROM users WHERE id = $1;

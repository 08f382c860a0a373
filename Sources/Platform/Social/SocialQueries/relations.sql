-- Blocks and mutes (RelationService; migration 0020).

-- name: InsertBlock
-- $1 blocker id, $2 blocked id. No row: no such user (or one being deleted); inserted 0:
-- blocked already.
WITH target AS (SELECT id FROM users WHERE id = $2 AND deleted_at IS NULL),
inserted AS (
    INSERT INTO blocks (blocker_id, blocked_id) SELECT $1, id FROM target ON CONFLICT DO NOTHING RETURNING 1
)
SELECT (SELECT count(*) FROM inserted)::int8 AS inserted FROM target;

-- name: DeleteBlock
-- $1 blocker id, $2 blocked id.
DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2;

-- name: InsertMute
-- $1 muter id, $2 muted id. No row: no such user; inserted 0: muted already.
WITH target AS (SELECT id FROM users WHERE id = $2 AND deleted_at IS NULL),
inserted AS (
    INSERT INTO mutes (muter_id, muted_id) SELECT $1, id FROM target ON CONFLICT DO NOTHING RETURNING 1
)
SELECT (SELECT count(*) FROM inserted)::int8 AS inserted FROM target;

-- name: DeleteMute
-- $1 muter id, $2 muted id.
DELETE FROM mutes WHERE muter_id = $1 AND muted_id = $2;

-- name: BlockedUsersPage
-- $1 blocker id; $2 and $3 the cursor (microseconds since 1970, user id); $4 rows. Newest first.
SELECT u.id, u.username, b.created_at, (extract(epoch FROM b.created_at) * 1000000)::int8 AS created_us
FROM blocks b JOIN users u ON u.id = b.blocked_id
WHERE b.blocker_id = $1
  AND (b.created_at, b.blocked_id) < (timestamptz 'epoch' + $2 * interval '1 microsecond', $3)
ORDER BY b.created_at DESC, b.blocked_id DESC LIMIT $4;

-- name: MutedUsersPage
-- $1 muter id; $2 and $3 the cursor (microseconds since 1970, user id); $4 rows. Newest first.
SELECT u.id, u.username, m.created_at, (extract(epoch FROM m.created_at) * 1000000)::int8 AS created_us
FROM mutes m JOIN users u ON u.id = m.muted_id
WHERE m.muter_id = $1
  AND (m.created_at, m.muted_id) < (timestamptz 'epoch' + $2 * interval '1 microsecond', $3)
ORDER BY m.created_at DESC, m.muted_id DESC LIMIT $4;

-- name: BlockBetween
-- $1 and $2 user ids. A row: one blocks the other (either way).
SELECT 1 FROM blocks WHERE (blocker_id = $1 AND blocked_id = $2) OR (blocker_id = $2 AND blocked_id = $1);

-- name: PostAuthorBlock
-- $1 post id, $2 user id. A row: the live post's author and the user block each other (either
-- way).
SELECT 1 FROM posts p JOIN blocks b
  ON (b.blocker_id = p.user_id AND b.blocked_id = $2) OR (b.blocker_id = $2 AND b.blocked_id = p.user_id)
WHERE p.id = $1;

-- name: IsFollowing
-- $1 follower id, $2 followee id. A row: following.
SELECT 1 FROM follows WHERE follower_id = $1 AND followee_id = $2;

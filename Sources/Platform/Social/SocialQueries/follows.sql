-- Follows (FollowService): the follows row and both users' counts change in one transaction.

-- name: FolloweeFollowerCount
-- $1 followee id. No row: no such user.
SELECT follower_count FROM users WHERE id = $1 AND deleted_at IS NULL;

-- name: InsertFollow
-- $1 follower id, $2 followee id. No row inserted: already following.
INSERT INTO follows (follower_id, followee_id) VALUES ($1, $2) ON CONFLICT DO NOTHING;

-- name: DeleteFollow
-- $1 follower id, $2 followee id. No row deleted: not following (or no such user).
DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2;

-- name: AdjustFollowCounts
-- $1 follower id, $2 followee id, $3 change (+1 or -1). One statement for both rows, so two
-- opposite follows lock them in the same (id) order.
UPDATE users SET
    following_count = following_count + CASE WHEN id = $1 THEN $3::bigint ELSE 0 END,
    follower_count = follower_count + CASE WHEN id = $2 THEN $3::bigint ELSE 0 END
WHERE id IN (SELECT unnest(ARRAY[$1, $2]::bigint[]) ORDER BY 1);

-- name: BackfillTimeline
-- $1 follower id, $2 followee id, $3 rows at most (the timeline length). Copies the followee's
-- newest ready posts into the follower's timeline, only when that timeline is materialised and
-- the follower has not muted the followee (BackfillTimeline also serves an unmute).
INSERT INTO timelines (user_id, post_id, author_id, created_at)
SELECT $1, p.id, p.user_id, p.created_at FROM posts p JOIN media m ON m.id = p.media_id
WHERE p.user_id = $2 AND NOT p.deleted AND m.status = 'ready'
  AND EXISTS (SELECT 1 FROM timeline_state s WHERE s.user_id = $1)
  AND NOT EXISTS (SELECT 1 FROM mutes mu WHERE mu.muter_id = $1 AND mu.muted_id = $2)
ORDER BY p.created_at DESC, p.id DESC LIMIT $3
ON CONFLICT DO NOTHING;

-- name: DeleteAuthorFromTimeline
-- $1 reader id, $2 author id: the author's posts leave the reader's timeline.
DELETE FROM timelines WHERE user_id = $1 AND author_id = $2;

-- Account deletion (UserService+Account requests it, AccountDeletion is the `user.delete` job;
-- migration 0021). Every step is a batch that finds its rows by the user, so running a step again
-- (a re-run after a crash) only does what is left; each answers how many rows it handled.

-- name: MarkUserDeleted
-- $1 user id: the account stops logging in and being shown. No row: unknown or deleted already.
UPDATE users SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL RETURNING username;

-- name: RevokeUserSessions
-- $1 user id, $2 a token hash to keep (NULL: none). Returns the revoked tokens' hashes.
UPDATE sessions SET revoked_at = now()
WHERE user_id = $1 AND revoked_at IS NULL AND token_hash IS DISTINCT FROM $2
RETURNING token_hash;

-- name: UpdatePassword
-- $1 user id, $2 new bcrypt hash.
UPDATE users SET password_hash = $2 WHERE id = $1 AND deleted_at IS NULL;

-- name: UserPasswordHash
-- $1 user id. No row: no such user (or one being deleted).
SELECT password_hash FROM users WHERE id = $1 AND deleted_at IS NULL;

-- name: InsertTombstone
-- $1 username, $2 grace period (seconds): the name is not registered again before it ends.
INSERT INTO username_tombstones (username, released_at) VALUES ($1, now() + make_interval(secs => $2::float8))
ON CONFLICT (username) DO UPDATE SET released_at = EXCLUDED.released_at;

-- name: DeletingUser
-- $1 user id: the account's name when it is marked deleted. No row: gone already, or not
-- being deleted (the job then does nothing).
SELECT username FROM users WHERE id = $1 AND deleted_at IS NOT NULL;

-- name: UserLivePosts
-- $1 user id, $2 rows at most: live posts, locked until commit.
SELECT id, media_id FROM posts WHERE user_id = $1 AND NOT deleted ORDER BY id LIMIT $2 FOR UPDATE;

-- name: UserDeletedMedia
-- $1 user id: media of the user's posts that are deleted (no live post shows them), whose files
-- the job removes.
SELECT DISTINCT m.id FROM posts p JOIN media m ON m.id = p.media_id
WHERE p.user_id = $1 AND m.status = 'deleted' ORDER BY m.id;

-- name: DeleteUserLikes
-- $1 user id, $2 rows at most, $3 whether counts move through like_deltas (else the posts'
-- like_count changes here). Each like removed takes its 1 off the post's count.
WITH gone AS (
    DELETE FROM likes WHERE user_id = $1 AND post_id IN (SELECT post_id FROM likes WHERE user_id = $1 LIMIT $2)
    RETURNING post_id
), deltas AS (
    INSERT INTO like_deltas (post_id, delta) SELECT post_id, -1 FROM gone WHERE $3::boolean RETURNING 1
), inline AS (
    UPDATE posts p SET like_count = p.like_count - 1 FROM gone WHERE p.id = gone.post_id AND NOT $3::boolean RETURNING 1
)
SELECT count(*)::int8 AS handled FROM gone;

-- name: DeleteUserComments
-- $1 user id, $2 rows at most. Each post's comment_count loses the comments removed from it.
WITH gone AS (
    DELETE FROM comments WHERE id IN (SELECT id FROM comments WHERE user_id = $1 LIMIT $2) RETURNING post_id
), counts AS (
    SELECT post_id, count(*)::int8 AS removed FROM gone GROUP BY post_id
), adjusted AS (
    UPDATE posts p SET comment_count = p.comment_count - counts.removed FROM counts WHERE p.id = counts.post_id RETURNING 1
)
SELECT count(*)::int8 AS handled FROM gone;

-- name: DeleteUserFollowing
-- $1 user id, $2 rows at most: the user's follows of others; each followee loses a follower.
WITH gone AS (
    DELETE FROM follows WHERE follower_id = $1
      AND followee_id IN (SELECT followee_id FROM follows WHERE follower_id = $1 LIMIT $2)
    RETURNING followee_id
), adjusted AS (
    UPDATE users u SET follower_count = u.follower_count - 1 FROM gone WHERE u.id = gone.followee_id RETURNING 1
)
SELECT count(*)::int8 AS handled FROM gone;

-- name: DeleteUserFollowers
-- $1 user id, $2 rows at most: others' follows of the user; each follower follows one fewer.
WITH gone AS (
    DELETE FROM follows WHERE followee_id = $1
      AND follower_id IN (SELECT follower_id FROM follows WHERE followee_id = $1 LIMIT $2)
    RETURNING follower_id
), adjusted AS (
    UPDATE users u SET following_count = u.following_count - 1 FROM gone WHERE u.id = gone.follower_id RETURNING 1
)
SELECT count(*)::int8 AS handled FROM gone;

-- name: DeleteUserNotificationEvents
-- $1 user id, $2 rows at most: pending events for or by the user.
WITH gone AS (
    DELETE FROM notification_events WHERE id IN (
        SELECT id FROM notification_events WHERE recipient_id = $1 OR actor_id = $1 LIMIT $2)
    RETURNING 1
)
SELECT count(*)::int8 AS handled FROM gone;

-- name: DeleteUserNotifications
-- $1 user id, $2 rows at most: the user's own notifications.
WITH gone AS (
    DELETE FROM notifications WHERE id IN (SELECT id FROM notifications WHERE recipient_id = $1 LIMIT $2) RETURNING 1
)
SELECT count(*)::int8 AS handled FROM gone;

-- name: DeleteUserAsActor
-- $1 user id, $2 rows at most: the user leaves the notifications of others it acted in (as a
-- retraction does: one actor fewer; a notification left with none is hidden from lists).
WITH gone AS (
    DELETE FROM notification_actors WHERE actor_id = $1
      AND notification_id IN (SELECT notification_id FROM notification_actors WHERE actor_id = $1 LIMIT $2)
    RETURNING notification_id
), adjusted AS (
    UPDATE notifications n SET actor_count = greatest(n.actor_count - 1, 0), actors = array_remove(n.actors, $1::bigint)
    FROM gone WHERE n.id = gone.notification_id RETURNING 1
)
SELECT count(*)::int8 AS handled FROM gone;

-- name: ScrubUserFromActorLists
-- $1 user id: notifications whose short actor list still names the user (without an actors row).
UPDATE notifications SET actors = array_remove(actors, $1::bigint) WHERE actors @> ARRAY[$1::bigint];

-- name: DeleteUserPosts
-- $1 user id, $2 rows at most: the user's (deleted) posts; their likes, comments, timeline rows,
-- idempotency keys and notifications go with them (foreign keys), and their pending like
-- deltas here; reports about them are stamped gone (0029). The media rows stay (other posts, near-duplicate records), their original file
-- name cleared when no live post shows them.
WITH gone AS (
    DELETE FROM posts WHERE id IN (SELECT id FROM posts WHERE user_id = $1 AND deleted LIMIT $2) RETURNING id, media_id
), deltas AS (
    DELETE FROM like_deltas d USING gone WHERE d.post_id = gone.id RETURNING 1
), names AS (
    UPDATE media m SET original_name = NULL FROM gone WHERE m.id = gone.media_id AND m.status = 'deleted' RETURNING 1
), reported AS (
    -- Reports about the posts stay as moderation records until their retention ends.
    UPDATE reports r SET target_gone_at = now() FROM gone
    WHERE r.target_kind = 'post' AND r.target_id = gone.id AND r.target_gone_at IS NULL RETURNING 1
)
SELECT count(*)::int8 AS handled FROM gone;

-- name: DeleteLoginFailures
-- $1 key (`user:<username>`).
DELETE FROM login_failures WHERE key = $1;

-- name: DeleteUser
-- $1 user id: the row goes (sessions, timelines, blocks, mutes, avatars rows, stream tickets and
-- the reports the user made with it); reports about the account and hash-list matches of its
-- media stay, stamped gone (0029, 0030), until their retention ends.
WITH reported AS (
    UPDATE reports SET target_gone_at = now()
    WHERE target_kind = 'user' AND target_id = $1 AND target_gone_at IS NULL RETURNING 1
), matched AS (
    UPDATE blocklist_matches SET account_gone_at = now() WHERE user_id = $1 AND account_gone_at IS NULL RETURNING 1
)
DELETE FROM users WHERE id = $1;

-- name: DeleteReleasedTombstones
-- $1 now (NULL: the server's clock), $2 rows at most: tombstones whose grace period has ended
-- (the name is free again, and nothing of the account stays); returns how many were deleted.
WITH gone AS (
    DELETE FROM username_tombstones WHERE username = ANY(ARRAY(
        SELECT username FROM username_tombstones WHERE released_at <= coalesce($1::timestamptz, now()) LIMIT $2::integer))
    RETURNING 1
)
SELECT count(*)::int8 AS deleted FROM gone;

-- name: DeleteExpiredModerationRecords
-- $1 now (NULL: the server's clock), $2 rows at most (of each kind), $3 retention (seconds):
-- reports about posts or accounts, and hash-list matches of accounts, deleted longer ago than
-- the retention; returns how many were deleted (less than $2 only once neither kind has more).
WITH reports_gone AS (
    DELETE FROM reports WHERE id = ANY(ARRAY(
        SELECT id FROM reports
        WHERE target_gone_at <= coalesce($1::timestamptz, now()) - make_interval(secs => $3::float8) LIMIT $2::integer))
    RETURNING 1
), matches_gone AS (
    DELETE FROM blocklist_matches WHERE id = ANY(ARRAY(
        SELECT id FROM blocklist_matches
        WHERE account_gone_at <= coalesce($1::timestamptz, now()) - make_interval(secs => $3::float8) LIMIT $2::integer))
    RETURNING 1
)
SELECT ((SELECT count(*) FROM reports_gone) + (SELECT count(*) FROM matches_gone))::int8 AS deleted;

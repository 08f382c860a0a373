-- The home feed (FeedService): materialised timelines, filled by fan-out and rebuilt on read,
-- merged on read with the posts of followed authors at or above the celebrity threshold.

-- name: FanOutSource
-- $1 post id: the author and the author's follower count, when the post is live and its media
-- ready. No row: nothing to fan out.
SELECT p.user_id, u.follower_count FROM posts p JOIN users u ON u.id = p.user_id
JOIN media m ON m.id = p.media_id
WHERE p.id = $1 AND NOT p.deleted AND NOT p.hidden AND m.status = 'ready';

-- name: FanOutPost
-- $1 post id, $2 author id: the post into the timelines of the author and the author's
-- followers who have not muted the author. Returns the readers whose timeline gained it (none
-- again on a re-run).
INSERT INTO timelines (user_id, post_id, author_id, created_at)
SELECT r.reader, p.id, p.user_id, p.created_at FROM posts p,
    (SELECT f.follower_id AS reader FROM follows f WHERE f.followee_id = $2
        AND NOT EXISTS (SELECT 1 FROM mutes mu WHERE mu.muter_id = f.follower_id AND mu.muted_id = $2)
     UNION SELECT $2) r
WHERE p.id = $1
ON CONFLICT DO NOTHING
RETURNING user_id;

-- name: TrimFollowerTimelines
-- $1 author id, $2 rows kept per timeline: trims the timelines of the author and the author's
-- followers to their newest $2 posts.
DELETE FROM timelines t USING (
    SELECT user_id, post_id FROM (
        SELECT user_id, post_id, row_number() OVER (
            PARTITION BY user_id ORDER BY created_at DESC, post_id DESC) AS position
        FROM timelines
        WHERE user_id IN (SELECT follower_id FROM follows WHERE followee_id = $1 UNION SELECT $1)
    ) ranked WHERE position > $2
) old
WHERE t.user_id = old.user_id AND t.post_id = old.post_id;

-- name: DeleteTimeline
-- $1 reader id.
DELETE FROM timelines WHERE user_id = $1;

-- name: RebuildTimeline
-- $1 reader id, $2 celebrity threshold, $3 rows kept: the newest ready posts of the reader and
-- of followed authors below the threshold that the reader has not muted.
INSERT INTO timelines (user_id, post_id, author_id, created_at)
SELECT $1, p.id, p.user_id, p.created_at
FROM posts p JOIN users u ON u.id = p.user_id JOIN media m ON m.id = p.media_id
WHERE NOT p.deleted AND NOT p.hidden AND m.status = 'ready' AND u.follower_count < $2
  AND (p.user_id = $1 OR p.user_id IN (SELECT followee_id FROM follows WHERE follower_id = $1))
  AND NOT EXISTS (SELECT 1 FROM mutes mu WHERE mu.muter_id = $1 AND mu.muted_id = p.user_id)
ORDER BY p.created_at DESC, p.id DESC LIMIT $3;

-- name: MarkTimelineBuilt
-- $1 reader id.
INSERT INTO timeline_state (user_id) VALUES ($1)
ON CONFLICT (user_id) DO UPDATE SET built_at = now();

-- name: FeedPage
-- $1 reader id; $2 and $3 the cursor (microseconds since 1970, post id; see Cursor.swift);
-- $4 rows (a page's size plus one); $5 the celebrity threshold. Every row carries `built`,
-- whether the reader's timeline exists (no posts are read when it does not); a page without
-- posts is one row whose post columns are null. Prepared once per connection
-- (`queryPrepared`), so PostgreSQL must find a generic plan (one that does not depend on the
-- parameters' values) cheaper than a custom one, or it plans every call afresh, which takes
-- longer than the run. Two choices make it so:
-- * A LIMIT parameter is costed as a tenth of the rows, which keeps the same index scans.
-- * `follower_count >= $5` alone would be taken to hold for a third of all users, and a plan
--   merging a third of the reader's followees costs more than a custom one. As a range with an
--   upper bound (always true: follower_count is a bigint) it is taken to hold for 0.5% of them:
--   the few authors it does hold for, as the index users_follower_count then finds.
-- PlatformTests' FeedPlanTests checks both. `mediadaemon bench feed-sql` prints this statement
-- for pgbench.
WITH state AS (SELECT EXISTS (SELECT 1 FROM timeline_state WHERE user_id = $1::bigint) AS built)
SELECT state.built, feed_page.* FROM state LEFT JOIN LATERAL (
    SELECT p.id, p.user_id, u.username, u.avatar_prefix, p.caption,
           -- The folded count plus the likes' deltas not folded yet (LikeDeltaFolder).
           p.like_count + coalesce((SELECT sum(d.delta) FROM like_deltas d WHERE d.post_id = p.id), 0)::int8 AS like_count,
           p.comment_count, p.created_at,
           (extract(epoch FROM p.created_at) * 1000000)::int8 AS created_us,
           m.id AS media_id, m.kind, m.status, m.manifest, m.error_code, m.error_message
    FROM posts p JOIN users u ON u.id = p.user_id JOIN media m ON m.id = p.media_id
    JOIN (
        (SELECT post_id FROM timelines
        WHERE user_id = $1
          AND (created_at, post_id) < (timestamptz 'epoch' + $2::bigint * interval '1 microsecond', $3::bigint)
        ORDER BY created_at DESC, post_id DESC LIMIT $4::bigint)
        UNION
        SELECT c.id FROM follows f JOIN users a ON a.id = f.followee_id
            AND a.follower_count BETWEEN $5::bigint AND 9223372036854775807
        CROSS JOIN LATERAL (
            SELECT p2.id FROM posts p2 JOIN media m2 ON m2.id = p2.media_id
            WHERE p2.user_id = f.followee_id AND NOT p2.deleted AND NOT p2.hidden AND m2.status = 'ready'
              AND (p2.created_at, p2.id) < (timestamptz 'epoch' + $2 * interval '1 microsecond', $3)
            ORDER BY p2.created_at DESC, p2.id DESC LIMIT $4
        ) c
        WHERE f.follower_id = $1
          AND NOT EXISTS (SELECT 1 FROM mutes mu WHERE mu.muter_id = $1 AND mu.muted_id = f.followee_id)
    ) feed ON feed.post_id = p.id
    -- An author being deleted is hidden at once; the deletion job removes the rows after.
    WHERE NOT p.deleted AND NOT p.hidden AND u.deleted_at IS NULL AND state.built
    ORDER BY p.created_at DESC, p.id DESC LIMIT $4
) feed_page ON true;

-- name: SessionFeedPage
-- The session look-up and the first or next page in one statement, for a request that finds
-- neither its session nor its page cached: $1 token hash, $2 maximum age (seconds), $3 idle age
-- (seconds), $4 now (NULL: the server's clock), as `SessionUser` in users.sql, whose live
-- session and last_used_at update it repeats; $5 and $6 the cursor, $7 rows, $8 the celebrity
-- threshold, as $2 to $5 of `FeedPage`, whose page it repeats for the session's user (the
-- LATERAL part is FeedPage's with the reader from the session: keep the two in step;
-- PlatformTests' FeedSessionPageTests checks they answer the same). Every row carries the
-- reader's id and `built`; no row: unknown, revoked or expired token. It writes (the session's
-- last use), so it runs on the primary only. `mediadaemon bench feed-sql --with-session`
-- prints it for pgbench.
WITH live AS (
    SELECT token_hash, user_id, last_used_at FROM sessions
    WHERE token_hash = $1::text AND revoked_at IS NULL
      AND created_at > coalesce($4::timestamptz, now()) - make_interval(secs => $2::float8)
      AND last_used_at > coalesce($4::timestamptz, now()) - make_interval(secs => $3::float8)
), touched AS (
    UPDATE sessions s SET last_used_at = coalesce($4::timestamptz, now())
    FROM live
    WHERE s.token_hash = live.token_hash
      AND live.last_used_at < coalesce($4::timestamptz, now()) - interval '1 minute'
), state AS (
    SELECT live.user_id AS reader_id,
           EXISTS (SELECT 1 FROM timeline_state WHERE user_id = live.user_id) AS built
    FROM live
)
SELECT state.reader_id, state.built, feed_page.* FROM state LEFT JOIN LATERAL (
    SELECT p.id, p.user_id, u.username, u.avatar_prefix, p.caption,
           -- The folded count plus the likes' deltas not folded yet (LikeDeltaFolder).
           p.like_count + coalesce((SELECT sum(d.delta) FROM like_deltas d WHERE d.post_id = p.id), 0)::int8 AS like_count,
           p.comment_count, p.created_at,
           (extract(epoch FROM p.created_at) * 1000000)::int8 AS created_us,
           m.id AS media_id, m.kind, m.status, m.manifest, m.error_code, m.error_message
    FROM posts p JOIN users u ON u.id = p.user_id JOIN media m ON m.id = p.media_id
    JOIN (
        (SELECT post_id FROM timelines
        WHERE user_id = state.reader_id
          AND (created_at, post_id) < (timestamptz 'epoch' + $5::bigint * interval '1 microsecond', $6::bigint)
        ORDER BY created_at DESC, post_id DESC LIMIT $7::bigint)
        UNION
        SELECT c.id FROM follows f JOIN users a ON a.id = f.followee_id
            AND a.follower_count BETWEEN $8::bigint AND 9223372036854775807
        CROSS JOIN LATERAL (
            SELECT p2.id FROM posts p2 JOIN media m2 ON m2.id = p2.media_id
            WHERE p2.user_id = f.followee_id AND NOT p2.deleted AND NOT p2.hidden AND m2.status = 'ready'
              AND (p2.created_at, p2.id) < (timestamptz 'epoch' + $5 * interval '1 microsecond', $6)
            ORDER BY p2.created_at DESC, p2.id DESC LIMIT $7
        ) c
        WHERE f.follower_id = state.reader_id
          AND NOT EXISTS (SELECT 1 FROM mutes mu WHERE mu.muter_id = state.reader_id AND mu.muted_id = f.followee_id)
    ) feed ON feed.post_id = p.id
    -- An author being deleted is hidden at once; the deletion job removes the rows after.
    WHERE NOT p.deleted AND NOT p.hidden AND u.deleted_at IS NULL AND state.built
    ORDER BY p.created_at DESC, p.id DESC LIMIT $7
) feed_page ON true;

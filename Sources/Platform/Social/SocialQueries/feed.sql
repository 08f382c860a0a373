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

-- fragment: FeedPageRows(reader, after_us, after_id, rows, celebrity)
-- A page of reader {reader}'s home feed before the cursor ({after_us} microseconds since 1970,
-- post id {after_id}), {rows} rows at most, authors with {celebrity} followers or more read at
-- request time: the posts of the reader's timeline and of the followed celebrities, newest
-- first, with the columns of PostColumns (posts.sql). Written for a LATERAL join after a `state`
-- whose `built` says whether the reader's timeline exists (no posts are read when it does not).
    SELECT {{PostColumns}}
    FROM posts p JOIN users u ON u.id = p.user_id JOIN media m ON m.id = p.media_id
    JOIN (
        (SELECT post_id FROM timelines
        WHERE user_id = {reader}
          AND (created_at, post_id) < (timestamptz 'epoch' + {after_us}::bigint * interval '1 microsecond', {after_id}::bigint)
        ORDER BY created_at DESC, post_id DESC LIMIT {rows}::bigint)
        UNION
        SELECT c.id FROM follows f JOIN users a ON a.id = f.followee_id
            AND a.follower_count BETWEEN {celebrity}::bigint AND 9223372036854775807
        CROSS JOIN LATERAL (
            SELECT p2.id FROM posts p2 JOIN media m2 ON m2.id = p2.media_id
            WHERE p2.user_id = f.followee_id AND NOT p2.deleted AND NOT p2.hidden AND m2.status = 'ready'
              AND (p2.created_at, p2.id) < (timestamptz 'epoch' + {after_us} * interval '1 microsecond', {after_id})
            ORDER BY p2.created_at DESC, p2.id DESC LIMIT {rows}
        ) c
        WHERE f.follower_id = {reader}
          AND NOT EXISTS (SELECT 1 FROM mutes mu WHERE mu.muter_id = {reader} AND mu.muted_id = f.followee_id)
    ) feed ON feed.post_id = p.id
    -- An author being deleted is hidden at once; the deletion job removes the rows after.
    WHERE NOT p.deleted AND NOT p.hidden AND u.deleted_at IS NULL AND state.built
    ORDER BY p.created_at DESC, p.id DESC LIMIT {rows};

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
    {{FeedPageRows reader=$1 after_us=$2 after_id=$3 rows=$4 celebrity=$5}}
) feed_page ON true;

-- name: SessionFeedPage
-- The session look-up and the first or next page in one statement, for a request that finds
-- neither its session nor its page cached: $1 token hash, $2 maximum age (seconds), $3 idle age
-- (seconds), $4 now (NULL: the server's clock), as `SessionUser` in users.sql (the same
-- LiveSession); $5 and $6 the cursor, $7 rows, $8 the celebrity threshold, as $2 to $5 of
-- `FeedPage` (the same FeedPageRows, for the session's user; PlatformTests'
-- FeedSessionPageTests checks the two answer the same). Every row carries the reader's id and
-- `built`; no row: unknown, revoked or expired token. It writes (the session's last use), so it
-- runs on the primary only. `mediadaemon bench feed-sql --with-session` prints it for pgbench.
WITH {{LiveSession token=$1 maximum_age=$2 idle_age=$3 now=$4}}, state AS (
    SELECT live.user_id AS reader_id,
           EXISTS (SELECT 1 FROM timeline_state WHERE user_id = live.user_id) AS built
    FROM live
)
SELECT state.reader_id, state.built, feed_page.* FROM state LEFT JOIN LATERAL (
    {{FeedPageRows reader=state.reader_id after_us=$5 after_id=$6 rows=$7 celebrity=$8}}
) feed_page ON true;

-- Likes (LikeService): the likes row, its ±1 in like_deltas and the notification event change in
-- one statement (Like, Unlike; with `--inline-like-counts`, in one transaction of the statements
-- below them). posts.like_count is not touched by the folded path: LikeDeltaFolder folds the
-- deltas in batches, so concurrent likers of one post never wait on its row lock (migration 0016).

-- name: InsertLike
-- $1 user id, $2 post id. No row: unknown, deleted or hidden post; inserted 0: already liked. The
-- post's author comes back for the notification. The foreign key's share lock on the post row
-- does not conflict with other likers' share locks.
WITH post AS (SELECT id, user_id FROM posts WHERE id = $2 AND NOT deleted AND NOT hidden),
inserted AS (
    INSERT INTO likes (user_id, post_id) SELECT $1, id FROM post ON CONFLICT DO NOTHING RETURNING post_id
)
SELECT post.user_id AS author_id, (SELECT count(*) FROM inserted)::int8 AS inserted FROM post;

-- name: DeleteLike
-- $1 user id, $2 post id. No row: not liked. Returns the post's author, for the retraction.
DELETE FROM likes l USING posts p
WHERE l.user_id = $1 AND l.post_id = $2 AND p.id = l.post_id
RETURNING p.user_id AS author_id;

-- name: Like
-- $1 user id, $2 post id. The folded path's whole like in one statement, so it commits on its
-- own (one round trip, no BEGIN/COMMIT): the likes row, its +1 in like_deltas and the
-- notification event (none when liking your own post, as InsertNotificationEvent) all commit
-- or none does. No row: unknown, deleted or hidden (reports.sql) post; blocked: the post's author and the user block
-- each other (either way; nothing written); inserted 0: already liked (nothing written).
-- Returns the post's author and the new count: the folded count plus the deltas not folded
-- yet plus this like's.
WITH post AS (SELECT id, user_id, like_count FROM posts WHERE id = $2 AND NOT deleted AND NOT hidden),
blocked AS (
    SELECT 1 FROM post JOIN blocks b
      ON (b.blocker_id = post.user_id AND b.blocked_id = $1) OR (b.blocker_id = $1 AND b.blocked_id = post.user_id)
),
inserted AS (
    INSERT INTO likes (user_id, post_id) SELECT $1, id FROM post WHERE NOT EXISTS (SELECT 1 FROM blocked)
    ON CONFLICT DO NOTHING RETURNING post_id
),
delta AS (INSERT INTO like_deltas (post_id, delta) SELECT post_id, 1 FROM inserted RETURNING delta),
event AS (
    INSERT INTO notification_events (recipient_id, actor_id, kind, post_id, retract)
    SELECT post.user_id, $1, 'like', post.id, false FROM post JOIN inserted ON inserted.post_id = post.id
    WHERE post.user_id <> $1::int8
)
SELECT post.user_id AS author_id, (SELECT count(*) FROM inserted)::int8 AS inserted,
       EXISTS (SELECT 1 FROM blocked) AS blocked,
       (post.like_count + coalesce((SELECT sum(d.delta) FROM like_deltas d WHERE d.post_id = post.id), 0)
        + (SELECT count(*) FROM delta))::int8 AS like_count
FROM post;

-- name: Unlike
-- $1 user id, $2 post id. The folded path's unlike in one statement: deletes the likes row,
-- writes its -1 and retracts the notification event. No row: not liked (nothing written).
WITH deleted AS (
    DELETE FROM likes l USING posts p
    WHERE l.user_id = $1 AND l.post_id = $2 AND p.id = l.post_id
    RETURNING p.user_id AS author_id, p.id AS post_id
),
delta AS (INSERT INTO like_deltas (post_id, delta) SELECT post_id, -1 FROM deleted),
event AS (
    INSERT INTO notification_events (recipient_id, actor_id, kind, post_id, retract)
    SELECT author_id, $1, 'like', post_id, true FROM deleted WHERE author_id <> $1::int8
)
SELECT author_id FROM deleted;

-- name: TryLockLikeFold
-- One folder at a time across daemons (a second one skips its pass): with one folder, a -1 can
-- never be applied before the +1 it undoes, so like_count >= 0 holds. Held until commit.
SELECT pg_try_advisory_xact_lock(hashtextextended('like_deltas', 16)) AS locked;

-- name: FoldLikeDeltas
-- $1 most delta rows to fold (at least 1). Deletes the oldest deltas and adds their sum to each
-- post's like_count: one UPDATE per post. Returns one row per post. The batch is every delta up
-- to the id of the $1-th oldest (all of them when there are fewer), a bound computed once, so
-- every plan is one pass over the batch: `DELETE … WHERE id IN (SELECT id … LIMIT $1)` could be
-- planned as a nested loop, and a pass over a backlog of 72,000 deltas ran for minutes while
-- the backlog (which every like of a hot post sums) kept growing. Deltas are never updated and
-- one folder runs at a time, so the statement deletes exactly the rows its bound counted.
WITH bound AS (
    SELECT coalesce(
        (SELECT id FROM like_deltas ORDER BY id OFFSET $1::int4 - 1 LIMIT 1),
        (SELECT max(id) FROM like_deltas)) AS id
), taken AS (
    DELETE FROM like_deltas WHERE id <= (SELECT id FROM bound)
    RETURNING post_id, delta
), sums AS (
    SELECT post_id, sum(delta)::int8 AS delta, count(*)::int8 AS rows FROM taken GROUP BY post_id ORDER BY post_id
)
UPDATE posts p SET like_count = p.like_count + s.delta FROM sums s
WHERE p.id = s.post_id
RETURNING p.id, s.rows;

-- name: VacuumLikeDeltas
-- After a pass that folded deltas. Every like of a post sums that post's rows here, and the
-- sum (a bitmap scan of like_deltas_post) visits the index entries of folded, deleted rows
-- too until a vacuum removes them; autovacuum comes by once a minute at best, so on a hot post
-- a like read tens of thousands of dead entries. SKIP_LOCKED: a daemon whose vacuum would wait
-- (autovacuum, another daemon's) skips it. TRUNCATE false: giving back the empty end of the
-- table takes an exclusive lock, held up to 5 s, that every like's insert here would wait for
-- (with truncation on, one vacuum took 5 s in the like bench). Not a prepared statement
-- (VACUUM cannot be), and never inside a transaction.
VACUUM (SKIP_LOCKED, TRUNCATE false) like_deltas;

-- name: AddLikeCount
-- `--like-counts inline` only (the behaviour before like_deltas, kept to measure against):
-- $1 post id, $2 +1 or -1. The row lock taken here serialises concurrent likes of one post.
UPDATE posts SET like_count = like_count + $2::int8 WHERE id = $1 AND NOT deleted RETURNING like_count;

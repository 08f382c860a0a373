-- Likes (LikeService): the likes row, its ±1 in like_deltas and the notification event change in
-- one statement (LikeBatch, for a group of likes and unlikes; with `--inline-like-counts`, in one
-- transaction of the statements below it). posts.like_count is not touched by the folded path: LikeDeltaFolder folds the
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

-- name: LikeBatch
-- $1 user ids, $2 post ids, $3 ops (1 like, -1 unlike): the folded path's likes and unlikes of
-- one group commit (LikeBatcher), in one statement that commits on its own. No two requests
-- share a (user, post) pair. Each like writes its likes row, its +1 in like_deltas and its
-- notification event (none when liking your own post, as InsertNotificationEvent); each unlike
-- deletes the row (of a live post or not), writes its -1 and retracts the event. A like of an
-- unknown, deleted or hidden (reports.sql) post, or one the post's author and the user block
-- each other over (either way), writes nothing.
-- One row per request, by n (its 1-based place in the arrays): live (the post is live),
-- blocked, changed (the like inserted or the unlike deleted a row) and like_count: the folded
-- count plus the deltas not folded yet plus this statement's, summed once per post, so every
-- liker of a hot post in the group shares one read of its pending deltas.
WITH req AS (
    SELECT r.n, r.user_id, r.post_id, r.op = 1 AS is_like
    FROM unnest($1::int8[], $2::int8[], $3::int4[]) WITH ORDINALITY AS r(user_id, post_id, op, n)
),
post AS (
    SELECT p.id, p.user_id, p.like_count FROM posts p
    WHERE p.id = ANY ($2::int8[]) AND NOT p.deleted AND NOT p.hidden
),
blocked AS (
    SELECT DISTINCT r.n FROM req r JOIN post ON post.id = r.post_id JOIN blocks b
      ON (b.blocker_id = post.user_id AND b.blocked_id = r.user_id) OR (b.blocker_id = r.user_id AND b.blocked_id = post.user_id)
    WHERE r.is_like
),
inserted AS (
    INSERT INTO likes (user_id, post_id)
    SELECT r.user_id, r.post_id FROM req r JOIN post ON post.id = r.post_id
    WHERE r.is_like AND r.n NOT IN (SELECT n FROM blocked)
    ORDER BY r.post_id, r.user_id
    ON CONFLICT DO NOTHING RETURNING user_id, post_id
),
deleted AS (
    DELETE FROM likes l USING req r, posts p
    WHERE NOT r.is_like AND l.user_id = r.user_id AND l.post_id = r.post_id AND p.id = l.post_id
    RETURNING l.user_id, l.post_id, p.user_id AS author_id
),
changes AS (
    SELECT i.user_id, i.post_id, post.user_id AS author_id, 1 AS delta FROM inserted i JOIN post ON post.id = i.post_id
    UNION ALL
    SELECT user_id, post_id, author_id, -1 FROM deleted
),
delta AS (INSERT INTO like_deltas (post_id, delta) SELECT post_id, delta FROM changes ORDER BY post_id),
event AS (
    INSERT INTO notification_events (recipient_id, actor_id, kind, post_id, retract)
    SELECT author_id, user_id, 'like', post_id, delta < 0 FROM changes WHERE author_id <> user_id
),
pending AS (
    SELECT d.post_id, sum(d.delta)::int8 AS delta FROM like_deltas d
    WHERE d.post_id IN (SELECT id FROM post) GROUP BY d.post_id
),
batch AS (SELECT post_id, sum(delta)::int8 AS delta FROM changes GROUP BY post_id)
SELECT r.n, post.id IS NOT NULL AS live, b.n IS NOT NULL AS blocked, c.user_id IS NOT NULL AS changed,
       (coalesce(post.like_count, 0) + coalesce(pending.delta, 0) + coalesce(batch.delta, 0))::int8 AS like_count
FROM req r
LEFT JOIN post ON post.id = r.post_id
LEFT JOIN blocked b ON b.n = r.n
LEFT JOIN changes c ON c.user_id = r.user_id AND c.post_id = r.post_id
LEFT JOIN pending ON pending.post_id = r.post_id
LEFT JOIN batch ON batch.post_id = r.post_id
ORDER BY r.n;

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

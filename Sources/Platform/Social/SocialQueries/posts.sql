-- Posts (PostService). Every read of posts (GetPost, UserPostsPage, TagPostsPage in tags.sql,
-- FeedPage and SessionFeedPage in feed.sql) selects the columns of `PostColumns`, which
-- PostQuery.view maps to a PostView: a post with its author's name and its media's kind,
-- status, manifest and error.

-- fragment: PostColumns
-- A post's columns, from `posts p` joined with its author `users u` and its `media m`.
p.id, p.user_id, u.username, u.avatar_prefix, p.caption,
-- The folded count plus the likes' deltas not folded yet (LikeDeltaFolder).
p.like_count + coalesce((SELECT sum(d.delta) FROM like_deltas d WHERE d.post_id = p.id), 0)::int8 AS like_count,
p.comment_count, p.created_at,
(extract(epoch FROM p.created_at) * 1000000)::int8 AS created_us,
m.id AS media_id, m.kind, m.status, m.manifest, m.error_code, m.error_message;

-- name: LockIdempotencyKey
-- $1 user id (text), $2 key. Serialises retries of one key; released at commit.
SELECT pg_advisory_xact_lock(hashtextextended($1::text || ':' || $2, 7));

-- name: PostForIdempotencyKey
-- $1 user id, $2 key: the post a first request with this key created, with its media status
-- and the SHA-256 of its original (a retry must send the same file).
SELECT p.id, p.created_at, m.status, m.sha256 FROM post_idempotency i
JOIN posts p ON p.id = i.post_id JOIN media m ON m.id = p.media_id
WHERE i.user_id = $1 AND i.key = $2;

-- name: InsertPost
-- $1 user id, $2 media id, $3 caption.
INSERT INTO posts (user_id, media_id, caption) VALUES ($1, $2, $3) RETURNING id, created_at;

-- name: AddPostCount
-- $1 user id.
UPDATE users SET post_count = post_count + 1 WHERE id = $1;

-- name: InsertPostIdempotency
-- $1 user id, $2 key, $3 post id.
INSERT INTO post_idempotency (user_id, key, post_id) VALUES ($1, $2, $3);

-- name: MediaStatus
-- $1 media id.
SELECT status FROM media WHERE id = $1;

-- name: LivePost
-- $1 post id. No row: unknown, deleted or hidden (reports.sql) post: none can be liked,
-- commented on or have its comments listed.
SELECT 1 FROM posts WHERE id = $1 AND NOT deleted AND NOT hidden;

-- name: GetPost
-- $1 post id, $2 viewer id (NULL: anonymous). No row: unknown, deleted or hidden (reports.sql)
-- post, one whose author is being deleted, or one whose author and the viewer block each other
-- (either way).
SELECT {{PostColumns}}
FROM posts p JOIN users u ON u.id = p.user_id JOIN media m ON m.id = p.media_id
WHERE p.id = $1 AND NOT p.deleted AND NOT p.hidden AND u.deleted_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.blocker_id = p.user_id AND b.blocked_id = $2)
                                             OR (b.blocker_id = $2 AND b.blocked_id = p.user_id));

-- name: UserPostsPage
-- $1 author id; $2 and $3 the cursor (microseconds since 1970, post id; see Cursor.swift);
-- $4 rows (a page's size plus one). The author's live posts, newest first.
SELECT {{PostColumns}}
FROM posts p JOIN users u ON u.id = p.user_id JOIN media m ON m.id = p.media_id
WHERE p.user_id = $1 AND NOT p.deleted AND NOT p.hidden
  AND (p.created_at, p.id) < (timestamptz 'epoch' + $2 * interval '1 microsecond', $3)
ORDER BY p.created_at DESC, p.id DESC LIMIT $4;

-- name: LockPostForDelete
-- $1 post id: the live post's author and media, locked until commit. No row: unknown or
-- deleted post.
SELECT user_id, media_id FROM posts WHERE id = $1 AND NOT deleted FOR UPDATE;

-- name: MarkPostDeleted
-- $1 post id.
UPDATE posts SET deleted = true WHERE id = $1;

-- name: SubtractPostCount
-- $1 user id.
UPDATE users SET post_count = post_count - 1 WHERE id = $1;

-- name: DeletePostFromTimelines
-- $1 post id.
DELETE FROM timelines WHERE post_id = $1;

-- name: LockMediaForPostCount
-- $1 media id. Taken before counting the media's other posts: a post being created on this
-- media holds a share lock until it commits, so it is counted or it finds the media deleted.
SELECT 1 FROM media WHERE id = $1 FOR NO KEY UPDATE;

-- name: OtherLivePostOnMedia
-- $1 media id. No row: no live post shows the media any more.
SELECT 1 FROM posts WHERE media_id = $1 AND NOT deleted LIMIT 1;

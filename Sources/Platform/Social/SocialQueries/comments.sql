-- Comments (CommentService): the comments row and posts.comment_count change in one
-- transaction.

-- name: AddCommentCount
-- $1 post id. No row: unknown, deleted or hidden (reports.sql) post. Returns the post's author
-- (user_id).
UPDATE posts SET comment_count = comment_count + 1 WHERE id = $1 AND NOT deleted AND NOT hidden RETURNING id, user_id;

-- name: InsertComment
-- $1 post id, $2 user id, $3 text.
INSERT INTO comments (post_id, user_id, text) VALUES ($1, $2, $3) RETURNING id, created_at;

-- name: CommentsPage
-- $1 post id; $2 and $3 the cursor (microseconds since 1970, comment id; see Cursor.swift);
-- $4 rows (a page's size plus one, to tell whether another page follows); $5 viewer id (NULL:
-- anonymous): comments by users the viewer blocks or is blocked by, and by accounts being
-- deleted, are left out. Newest first, with the commenter's name and avatar.
SELECT c.id, c.user_id, u.username, u.avatar_prefix, c.text, c.created_at,
       (extract(epoch FROM c.created_at) * 1000000)::int8 AS created_us
FROM comments c JOIN users u ON u.id = c.user_id
WHERE c.post_id = $1 AND u.deleted_at IS NULL
  AND (c.created_at, c.id) < (timestamptz 'epoch' + $2 * interval '1 microsecond', $3)
  AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.blocker_id = c.user_id AND b.blocked_id = $5)
                                             OR (b.blocker_id = $5 AND b.blocked_id = c.user_id))
ORDER BY c.created_at DESC, c.id DESC LIMIT $4;

-- name: CommentForDelete
-- $1 comment id, $2 post id. The comment (locked until commit) with its post's author; no
-- row: no such comment on that live post.
SELECT c.user_id, c.text, p.user_id AS author_id
FROM comments c JOIN posts p ON p.id = c.post_id
WHERE c.id = $1 AND c.post_id = $2 AND NOT p.deleted
FOR UPDATE OF c;

-- name: DeleteComment
-- $1 comment id.
DELETE FROM comments WHERE id = $1;

-- name: SubtractCommentCount
-- $1 post id.
UPDATE posts SET comment_count = comment_count - 1 WHERE id = $1;

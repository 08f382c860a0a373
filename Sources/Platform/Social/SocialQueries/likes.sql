-- Likes (LikeService): the likes row and posts.like_count change in one transaction.

-- name: AddLikeCount
-- $1 post id. No row: unknown or deleted post. The row lock taken here serialises concurrent
-- likes of one post.
UPDATE posts SET like_count = like_count + 1 WHERE id = $1 AND NOT deleted RETURNING like_count;

-- name: InsertLike
-- $1 user id, $2 post id. No row inserted: already liked.
INSERT INTO likes (user_id, post_id) VALUES ($1, $2) ON CONFLICT DO NOTHING;

-- name: DeleteLike
-- $1 user id, $2 post id. No row deleted: not liked.
DELETE FROM likes WHERE user_id = $1 AND post_id = $2;

-- name: SubtractLikeCount
-- $1 post id.
UPDATE posts SET like_count = like_count - 1 WHERE id = $1;

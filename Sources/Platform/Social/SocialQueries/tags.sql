-- Hashtags, tag pages and search (Hashtags, SearchService). Tables: migration 0023.

-- name: InsertPostTags
-- $1 post id, $2 its folded tag names, distinct and sorted (rows of a hot tag are locked in
-- one order). Creates missing tags, counts the post into each, and records the post's rows.
WITH counted AS (
    INSERT INTO tags (name, post_count) SELECT name, 1 FROM unnest($2::text[]) AS name
    ON CONFLICT (name) DO UPDATE SET post_count = tags.post_count + 1
    RETURNING id
)
INSERT INTO post_tags (post_id, tag_id, created_at)
SELECT $1, counted.id, p.created_at FROM counted, posts p WHERE p.id = $1;

-- name: DeletePostTags
-- $1 post id: its rows go, and each of its tags counts one post less.
WITH gone AS (DELETE FROM post_tags WHERE post_id = $1 RETURNING tag_id)
UPDATE tags SET post_count = post_count - 1 WHERE id IN (SELECT tag_id FROM gone);

-- name: TagID
-- $1 folded tag name. No row: no post ever carried it.
SELECT id FROM tags WHERE name = $1;

-- name: TagPostsPage
-- $1 tag id; $2 and $3 the cursor (microseconds since 1970, post id; see Cursor.swift); $4
-- rows (a page's size plus one); $5 viewer id (NULL: anonymous). Live, visible posts with ready
-- media, newest first, leaving out authors being deleted and authors who block the viewer or
-- whom the viewer blocks; the columns of GetPost. The id is looked up first (TagID) so that the plan, made with the
-- values, knows how many rows the tag has: for a popular tag it walks post_tags_page newest
-- first and stops at $4 rows; joined by name, PostgreSQL guessed an average tag's few dozen
-- rows and sorted all 100k of the most used one (0.9 s instead of 1 ms).
SELECT {{PostColumns}}
FROM post_tags pt
JOIN posts p ON p.id = pt.post_id JOIN users u ON u.id = p.user_id JOIN media m ON m.id = p.media_id
WHERE pt.tag_id = $1 AND NOT p.deleted AND NOT p.hidden AND m.status = 'ready' AND u.deleted_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.blocker_id = p.user_id AND b.blocked_id = $5::int8)
                                             OR (b.blocker_id = $5::int8 AND b.blocked_id = p.user_id))
  AND (pt.created_at, pt.post_id) < (timestamptz 'epoch' + $2 * interval '1 microsecond', $3)
ORDER BY pt.created_at DESC, pt.post_id DESC LIMIT $4;

-- name: SearchTags
-- $1 folded prefix, $2 rows. Tags starting with the prefix that some live post carries, most
-- used first (`^@` reads the C-collated unique index as a range).
SELECT name, post_count FROM tags
WHERE name ^@ $1 AND post_count > 0
ORDER BY post_count DESC, name LIMIT $2;

-- name: SearchUsersByPrefix
-- $1 the query, lower-cased; $2 a LIKE pattern: $1 with `\`, `%` and `_` escaped, then `%`;
-- $3 rows. The user named exactly the query, then users whose username or display name
-- (case-insensitively) starts with it, by followers. Planned with the values (an unnamed
-- statement), so PostgreSQL sees how many names the prefix matches: a few (a long prefix)
-- are read by the text_pattern_ops ranges and sorted; thousands (one or two characters) by
-- walking users_follower_count down until enough match, without sorting them all.
(SELECT id, username, display_name, follower_count FROM users WHERE username = $1)
UNION ALL
(SELECT id, username, display_name, follower_count FROM users
 WHERE (username LIKE $2 OR lower(display_name) LIKE $2) AND username <> $1
 ORDER BY follower_count DESC, id LIMIT $3)
LIMIT $3;

-- name: SetSimilarityThreshold
-- $1 pg_trgm's similarity threshold (text) for the rest of the transaction.
SELECT set_config('pg_trgm.similarity_threshold', $1, true);

-- name: SearchUsersFuzzy
-- $1 the query, lower-cased; $2 rows. Users whose username or display name is close to the
-- query by trigram similarity (pg_trgm's `%`, at the threshold SetSimilarityThreshold set:
-- a word of a display name, "curie" in "Marie Curie", is close enough), closest first, then
-- by followers.
-- SearchService runs it only when the prefix match leaves room: a short query is similar to
-- thousands of names, each of which the index makes it check.
SELECT id, username, display_name, follower_count FROM users
WHERE username % $1 OR display_name % $1
ORDER BY greatest(similarity(username, $1), similarity(display_name, $1)) DESC, follower_count DESC, id
LIMIT $2;

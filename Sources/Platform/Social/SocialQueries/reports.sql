-- Reports and moderation (ReportService, ModerationService). Tables and the moderation states:
-- migration 0024.

-- name: LockReportedPost
-- $1 post id: the live post's author, locked until commit, so that concurrent reports of one
-- post count each other. No row: unknown or deleted post.
SELECT user_id FROM posts WHERE id = $1 AND NOT deleted FOR NO KEY UPDATE;

-- name: InsertReport
-- $1 reporter, $2 'post' or 'user', $3 target id, $4 reason. No row: this reporter reported
-- this target already (the first report stands).
INSERT INTO reports (reporter_id, target_kind, target_id, reason) VALUES ($1, $2, $3, $4)
ON CONFLICT (target_kind, target_id, reporter_id) DO NOTHING RETURNING id;

-- name: HidePostIfReported
-- $1 post id, $2 reporters needed, $3 minimum account age (seconds), $4 now (NULL: the
-- server's clock). Hides a visible, never reviewed post once $2 distinct reporters whose
-- accounts were created at least $3 seconds ago reported it. One row: hidden now.
UPDATE posts SET hidden = true, hidden_by = 'reports'
WHERE id = $1 AND NOT hidden AND moderated_at IS NULL
  AND (SELECT count(*) FROM reports r JOIN users u ON u.id = r.reporter_id
       WHERE r.target_kind = 'post' AND r.target_id = $1
         AND u.created_at <= coalesce($4::timestamptz, now()) - make_interval(secs => $3::float8)) >= $2::int8
RETURNING id;

-- name: ModerationQueue
-- $1 true: every hidden post; false: those pending review (posts the hash list hid are not:
-- `blocklist matches` and the moderation page's own list show them). $2 at most this many (NULL: all).
-- Newest hidden first, with their reports per reason.
SELECT p.id, p.user_id, p.media_id, u.username, p.hidden_by, p.moderated_at, p.created_at,
       (SELECT count(*) FROM reports r WHERE r.target_kind = 'post' AND r.target_id = p.id) AS report_count,
       coalesce((SELECT string_agg(reason || ' ' || n, ', ' ORDER BY n DESC, reason) FROM (
           SELECT r.reason, count(*) AS n FROM reports r
           WHERE r.target_kind = 'post' AND r.target_id = p.id GROUP BY r.reason) reasons), '') AS reasons
FROM posts p JOIN users u ON u.id = p.user_id
WHERE p.hidden AND ($1::boolean OR (p.moderated_at IS NULL AND p.hidden_by IS DISTINCT FROM 'hashlist'))
ORDER BY p.id DESC
LIMIT $2::int8;

-- name: ReportedUsers
-- Users with reports against them, most reported first.
SELECT r.target_id AS id, u.username, count(*) AS report_count,
       string_agg(DISTINCT r.reason, ', ') AS reasons
FROM reports r LEFT JOIN users u ON u.id = r.target_id
WHERE r.target_kind = 'user'
GROUP BY r.target_id, u.username
ORDER BY count(*) DESC, r.target_id;

-- name: RecentlyReportedPosts
-- $1 at most this many posts. The live posts among the targets of the newest 2000 post
-- reports, most recently reported first, visible or hidden, with all their reports per reason.
-- Bounded walks only (the operator page runs it): the reports' primary key backwards, then the
-- posts' primary key and the reports' (target_kind, target_id, …) key per post.
SELECT p.id, p.user_id, p.media_id, u.username, p.hidden, p.hidden_by, p.moderated_at,
       (SELECT count(*) FROM reports c WHERE c.target_kind = 'post' AND c.target_id = p.id) AS report_count,
       coalesce((SELECT string_agg(reason || ' ' || n, ', ' ORDER BY n DESC, reason) FROM (
           SELECT c.reason, count(*) AS n FROM reports c
           WHERE c.target_kind = 'post' AND c.target_id = p.id GROUP BY c.reason) reasons), '') AS reasons
FROM (SELECT target_id, max(id) AS last_report
      FROM (SELECT id, target_id FROM reports WHERE target_kind = 'post' ORDER BY id DESC LIMIT 2000) newest
      GROUP BY target_id ORDER BY max(id) DESC LIMIT $1::int8) r
JOIN posts p ON p.id = r.target_id AND NOT p.deleted
JOIN users u ON u.id = p.user_id
ORDER BY r.last_report DESC;

-- name: RecentlyReportedUsers
-- $1 at most this many users. The targets of the newest 2000 user reports, most recently
-- reported first, with all their reports (the username is NULL once the account is gone).
-- Bounded walks, as RecentlyReportedPosts.
SELECT r.target_id AS id, u.username,
       (SELECT count(*) FROM reports c WHERE c.target_kind = 'user' AND c.target_id = r.target_id) AS report_count,
       coalesce((SELECT string_agg(DISTINCT c.reason, ', ') FROM reports c
                 WHERE c.target_kind = 'user' AND c.target_id = r.target_id), '') AS reasons
FROM (SELECT target_id, max(id) AS last_report
      FROM (SELECT id, target_id FROM reports WHERE target_kind = 'user' ORDER BY id DESC LIMIT 2000) newest
      GROUP BY target_id ORDER BY max(id) DESC LIMIT $1::int8) r
LEFT JOIN users u ON u.id = r.target_id
ORDER BY r.last_report DESC;

-- name: ModeratePost
-- $1 post id, $2 true to hide, false to restore: the operator's decision, which marks the post
-- reviewed. No row: unknown or deleted post.
UPDATE posts SET hidden = $2::boolean, hidden_by = CASE WHEN $2::boolean THEN 'operator' END,
                 moderated_at = now()
WHERE id = $1 AND NOT deleted
RETURNING id;

-- Notifications (NotificationEvents, NotificationFolder, NotificationService; migration 0016
-- draws the lifecycle). Events are written by the cause's transaction; the folder coalesces
-- them under one advisory lock, which every statement that takes a change number also holds.

-- name: InsertNotificationEvent
-- $1 recipient, $2 actor, $3 kind, $4 post id (NULL for follows), $5 true for a retraction.
-- Nothing when the actor is the recipient (acting on your own post). No NOTIFY here: a
-- transaction that notifies takes PostgreSQL's one notify lock from its commit record to its
-- end, which would serialise every like's commit; the writer's daemon wakes its folder after
-- the commit instead (NotificationHub.foldSoon) and every folder also polls.
INSERT INTO notification_events (recipient_id, actor_id, kind, post_id, retract)
SELECT $1, $2, $3, $4::int8, $5 WHERE $1::int8 <> $2::int8;

-- name: InsertMentionEvents
-- $1 actor, $2 post id, $3 lower-case usernames mentioned, $4 true for a retraction. One
-- event per existing user other than the actor (no NOTIFY, as InsertNotificationEvent).
INSERT INTO notification_events (recipient_id, actor_id, kind, post_id, retract)
SELECT u.id, $1, 'mention', $2, $4 FROM users u WHERE u.username = ANY($3::text[]) AND u.id <> $1::int8;

-- name: InsertMediaEvents
-- $1 media id, $2 'post_ready' or 'post_failed'. One event per live post on the media, only
-- while it is still processing (run before the media row changes), so reprocessing a ready
-- media notifies nobody again. Job completions are rare: these wake the folders by NOTIFY.
WITH events AS (
    INSERT INTO notification_events (recipient_id, actor_id, kind, post_id)
    SELECT p.user_id, p.user_id, $2, p.id FROM posts p JOIN media m ON m.id = p.media_id
    WHERE p.media_id = $1 AND NOT p.deleted AND m.status = 'processing'
    RETURNING id
)
SELECT pg_notify('notification_events', '') FROM events LIMIT 1;

-- name: LockNotificationChanges
-- Held until commit by the folder and by read marking: change numbers are taken and committed
-- in one order, so a reader that saw change N will see every later change as > N.
SELECT pg_advisory_xact_lock(hashtextextended('notification_changes', 16));

-- name: TakeNotificationEvents
-- $1 most events. Deletes and returns the oldest events (the caller folds them in id order).
DELETE FROM notification_events WHERE id IN (SELECT id FROM notification_events ORDER BY id LIMIT $1)
RETURNING id, recipient_id, actor_id, kind, post_id, retract, created_at;

-- name: FoldNotificationEvent
-- $1 recipient, $2 kind, $3 post id (NULL for follows), $4 actor, $5 the event's time, $6 the
-- kind's window in seconds (0: never coalesce). Adds the actor to the newest unread
-- notification of that recipient, kind and post whose window holds the event, or to a new one;
-- returns that notification's id. No row when the recipient or the post no longer exists (the
-- event is dropped). One statement, so a fold costs one round trip per event.
WITH open AS (
    SELECT id FROM notifications
    WHERE recipient_id = $1 AND kind = $2 AND post_id IS NOT DISTINCT FROM $3::int8 AND read_at IS NULL
      AND window_start > $5::timestamptz - make_interval(secs => $6::float8)
    ORDER BY id DESC LIMIT 1
), created AS (
    INSERT INTO notifications (recipient_id, kind, post_id, window_start, latest_at)
    SELECT $1, $2, $3::int8, $5, $5
    WHERE NOT EXISTS (SELECT 1 FROM open) AND EXISTS (SELECT 1 FROM users WHERE id = $1)
      AND ($3::int8 IS NULL OR EXISTS (SELECT 1 FROM posts WHERE id = $3::int8))
    RETURNING id
)
INSERT INTO notification_actors (notification_id, actor_id, weight, acted_at)
SELECT id, $4, 1, $5 FROM (SELECT id FROM open UNION ALL SELECT id FROM created) AS target
ON CONFLICT (notification_id, actor_id) DO UPDATE
SET weight = notification_actors.weight + 1, acted_at = greatest(notification_actors.acted_at, excluded.acted_at)
RETURNING notification_id;

-- name: FoldNotificationEventsAdded
-- A run of added events (no retraction among them, every kind one that coalesces) in one
-- statement: $1 recipients, $2 kinds, $3 post ids (NULL for follows), $4 actors, $5 the events'
-- times, $6 each event's window in seconds. Per (recipient, kind, post): the newest unread
-- notification whose window holds the run's first event there, or a new one (not when the
-- recipient or the post no longer exists); each actor is added with its number of events.
-- Returns the notifications changed (one row per actor). Equivalent to FoldNotificationEvent
-- per event, except that a run spanning more than a window (a backlog) folds into one.
WITH events AS (
    SELECT * FROM unnest($1::int8[], $2::text[], $3::int8[], $4::int8[], $5::timestamptz[], $6::float8[])
        AS e (recipient_id, kind, post_id, actor_id, at, window_s)
), grouped AS (
    SELECT recipient_id, kind, post_id, min(at) AS first_at, max(window_s) AS window_s
    FROM events GROUP BY recipient_id, kind, post_id
), keys AS (
    SELECT g.*, (
        SELECT n.id FROM notifications n
        WHERE n.recipient_id = g.recipient_id AND n.kind = g.kind AND n.post_id IS NOT DISTINCT FROM g.post_id
          AND n.read_at IS NULL AND n.window_start > g.first_at - make_interval(secs => g.window_s)
        ORDER BY n.id DESC LIMIT 1) AS open_id
    FROM grouped g
), created AS (
    INSERT INTO notifications (recipient_id, kind, post_id, window_start, latest_at)
    SELECT k.recipient_id, k.kind, k.post_id, k.first_at, k.first_at FROM keys k
    WHERE k.open_id IS NULL AND EXISTS (SELECT 1 FROM users u WHERE u.id = k.recipient_id)
      AND (k.post_id IS NULL OR EXISTS (SELECT 1 FROM posts p WHERE p.id = k.post_id))
    RETURNING id, recipient_id, kind, post_id
), targets AS (
    SELECT k.recipient_id, k.kind, k.post_id, coalesce(k.open_id, c.id) AS id
    FROM keys k LEFT JOIN created c
      ON c.recipient_id = k.recipient_id AND c.kind = k.kind AND c.post_id IS NOT DISTINCT FROM k.post_id
)
INSERT INTO notification_actors (notification_id, actor_id, weight, acted_at)
SELECT t.id, e.actor_id, count(*)::int4, max(e.at)
FROM events e JOIN targets t
  ON t.recipient_id = e.recipient_id AND t.kind = e.kind AND t.post_id IS NOT DISTINCT FROM e.post_id
WHERE t.id IS NOT NULL
GROUP BY t.id, e.actor_id
ON CONFLICT (notification_id, actor_id) DO UPDATE
SET weight = notification_actors.weight + excluded.weight, acted_at = greatest(notification_actors.acted_at, excluded.acted_at)
RETURNING notification_id;

-- name: LowerNotificationActor
-- $1 recipient, $2 kind, $3 post id or NULL, $4 actor. Takes one event of the actor off the
-- newest unread notification that holds it; no row when there is none (read, or never folded).
UPDATE notification_actors a SET weight = a.weight - 1
WHERE a.actor_id = $4 AND a.notification_id = (
    SELECT n.id FROM notifications n JOIN notification_actors held ON held.notification_id = n.id
    WHERE n.recipient_id = $1 AND n.kind = $2 AND n.post_id IS NOT DISTINCT FROM $3::int8
      AND n.read_at IS NULL AND held.actor_id = $4 AND held.weight > 0
    ORDER BY n.id DESC LIMIT 1)
RETURNING a.notification_id;

-- name: RefreshNotifications
-- $1 notification ids, $2 actors to keep in `actors`. Recounts each one's actors, keeps the
-- newest few and the latest time, gives each a new change number, and wakes the recipients'
-- streams on every daemon at commit (NOTIFY notifications, payload the recipient id).
WITH counted AS (
    SELECT n.id, count(a.actor_id)::int4 AS count, max(a.acted_at) AS latest,
           ARRAY(SELECT actor_id FROM notification_actors WHERE notification_id = n.id AND weight > 0
                 ORDER BY acted_at DESC, actor_id DESC LIMIT $2) AS actors
    FROM notifications n LEFT JOIN notification_actors a ON a.notification_id = n.id AND a.weight > 0
    WHERE n.id = ANY($1::int8[])
    GROUP BY n.id
), refreshed AS (
    UPDATE notifications n
    SET actor_count = c.count, actors = c.actors, latest_at = coalesce(c.latest, n.latest_at),
        change = nextval('notification_changes')
    FROM counted c WHERE n.id = c.id
    RETURNING n.recipient_id
)
SELECT pg_notify('notifications', recipient_id::text) FROM (SELECT DISTINCT recipient_id FROM refreshed) AS r;

-- name: NotifyRecipients
-- $1 recipient ids: wakes their streams on every daemon at commit.
SELECT pg_notify('notifications', r::text) FROM unnest($1::int8[]) AS r;

-- name: NotificationsPage
-- $1 recipient; $2 and $3 the cursor (microseconds since 1970 of latest_at, notification id;
-- see Cursor.swift); $4 rows (a page's size plus one). Newest first; retracted ones (no actors
-- left) and those on deleted posts are not shown.
SELECT * FROM notification_views
WHERE recipient_id = $1 AND actor_count > 0 AND NOT post_deleted
  AND (latest_at, id) < (timestamptz 'epoch' + $2 * interval '1 microsecond', $3)
ORDER BY latest_at DESC, id DESC LIMIT $4;

-- name: NotificationChanges
-- $1 recipient, $2 the last change the client has, $3 rows at most. Every notification
-- changed since, oldest change first, retracted ones included (the client drops them).
SELECT * FROM notification_views WHERE recipient_id = $1 AND change > $2 ORDER BY change LIMIT $3;

-- name: LatestNotificationChange
-- $1 recipient: where a stream without Last-Event-ID starts.
SELECT coalesce(max(change), 0)::int8 AS change FROM notifications WHERE recipient_id = $1;

-- name: UnreadNotificationCount
-- $1 recipient.
SELECT count(*)::int8 AS unread FROM notifications
WHERE recipient_id = $1 AND read_at IS NULL AND actor_count > 0;

-- name: MarkNotificationsRead
-- $1 recipient, $2 the highest notification id to mark. Each marked row takes a change number
-- (the caller holds LockNotificationChanges).
UPDATE notifications SET read_at = now(), change = nextval('notification_changes')
WHERE recipient_id = $1 AND read_at IS NULL AND id <= $2
RETURNING id;

-- name: DeleteOldNotifications
-- $1 age in seconds, $2 now (NULL: the server's clock), $3 rows at most. Deletes read
-- notifications read longer ago than the age, and retracted ones as old; returns how many.
WITH gone AS (
    DELETE FROM notifications WHERE id = ANY(ARRAY(
        SELECT id FROM notifications
        WHERE read_at <= coalesce($2::timestamptz, now()) - make_interval(secs => $1::float8)
           OR (actor_count = 0 AND latest_at <= coalesce($2::timestamptz, now()) - make_interval(secs => $1::float8))
        LIMIT $3::integer))
    RETURNING 1
)
SELECT count(*)::int8 AS deleted FROM gone;

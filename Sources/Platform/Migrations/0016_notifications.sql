-- Notifications and hot-post likes (DESIGN.md "Growing the design": events).
--
-- Lifecycle of a notification:
--
--   cause commits ──▶ notification_events (outbox row, same transaction as the like, comment,
--                     follow, mention or media completion; NOTIFY notification_events)
--                          │ NotificationFolder, one at a time across daemons (advisory lock)
--                          ▼
--   notifications: one row per (recipient, kind, post, window), unread ──▶ read (read_at)
--     every change (new actor, retracted actor, read) takes a new `change` number from
--     notification_changes while holding the same advisory lock, so changes commit in number
--     order and a stream resuming "after change N" (Last-Event-ID) misses nothing;
--     NOTIFY notifications, payload the recipient id.
--   A retraction (unlike, unfollow, comment deleted) removes its actor from the newest unread
--   notification holding it; a row left with no actors stays (actor_count 0, shown to streams
--   so clients drop it, hidden from lists) until the retention deletes it with the read rows.
CREATE TABLE notification_events (
    id           bigserial   PRIMARY KEY,
    recipient_id bigint      NOT NULL,
    actor_id     bigint      NOT NULL,
    kind         text        NOT NULL
                 CHECK (kind IN ('like', 'comment', 'follow', 'mention', 'post_ready', 'post_failed')),
    post_id      bigint,
    retract      boolean     NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE SEQUENCE notification_changes;

CREATE TABLE notifications (
    id           bigserial   PRIMARY KEY,
    recipient_id bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         text        NOT NULL
                 CHECK (kind IN ('like', 'comment', 'follow', 'mention', 'post_ready', 'post_failed')),
    post_id      bigint      REFERENCES posts (id) ON DELETE CASCADE,
    -- The first event's time: later events fold in while they fall within the kind's window.
    window_start timestamptz NOT NULL,
    actor_count  integer     NOT NULL DEFAULT 0 CHECK (actor_count >= 0),
    -- The latest few actors, newest first (the full set is in notification_actors).
    actors       bigint[]    NOT NULL DEFAULT '{}',
    latest_at    timestamptz NOT NULL,
    change       bigint      NOT NULL DEFAULT nextval('notification_changes'),
    read_at      timestamptz
);
CREATE INDEX notifications_changes ON notifications (recipient_id, change);
CREATE INDEX notifications_newest ON notifications (recipient_id, latest_at DESC, id DESC) WHERE actor_count > 0;
CREATE INDEX notifications_open ON notifications (recipient_id, kind, post_id, id DESC) WHERE read_at IS NULL;
CREATE INDEX notifications_read ON notifications (read_at) WHERE read_at IS NOT NULL;

-- Who a notification is about; weight counts their events (two comments by one user are one
-- actor until both are deleted).
CREATE TABLE notification_actors (
    notification_id bigint      NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    actor_id        bigint      NOT NULL,
    weight          integer     NOT NULL CHECK (weight >= 0),
    acted_at        timestamptz NOT NULL,
    PRIMARY KEY (notification_id, actor_id)
);

-- Hot posts: a like writes its ±1 here in its own transaction instead of updating the post row
-- (which serialised every liker of a post on one row lock); LikeDeltaFolder moves the sums into
-- posts.like_count in batches (one UPDATE per post per pass), so like_count is exact once the
-- deltas are folded and never further behind than one pass.
CREATE TABLE like_deltas (
    id      bigserial PRIMARY KEY,
    post_id bigint    NOT NULL,
    delta   smallint  NOT NULL CHECK (delta IN (-1, 1))
);
CREATE INDEX like_deltas_post ON like_deltas (post_id);

-- Single-use tickets for the notification stream (EventSource cannot send Authorization):
-- only the SHA-256 of the ticket is stored; redeeming deletes it.
CREATE TABLE stream_tickets (
    ticket_hash text        PRIMARY KEY CHECK (ticket_hash ~ '^[0-9a-f]{64}$'),
    user_id     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX stream_tickets_expiry ON stream_tickets (expires_at);

-- What the API shows of a notification (NotificationView): the actors' names in the order of
-- `actors`, and the post's media for its 150 rendition.
CREATE VIEW notification_views AS
SELECT n.id, n.recipient_id, n.kind, n.post_id, n.actor_count, n.actors, n.latest_at, n.read_at, n.change,
       (extract(epoch FROM n.latest_at) * 1000000)::int8 AS latest_us,
       ARRAY(SELECT u.username FROM unnest(n.actors) WITH ORDINALITY AS a (id, position)
             JOIN users u ON u.id = a.id ORDER BY a.position) AS actor_names,
       m.id AS media_id, m.status AS media_status, m.manifest,
       coalesce(p.deleted, false) AS post_deleted
FROM notifications n
LEFT JOIN posts p ON p.id = n.post_id
LEFT JOIN media m ON m.id = p.media_id;

-- Account deletion (AccountDeletion). `DELETE /api/v1/users/me` sets deleted_at (the account
-- can no longer log in, and is shown to nobody), revokes every session, records the username's
-- tombstone and enqueues the `user.delete` job in one transaction. The job removes everything of
-- the account step by step (each step idempotent, so a re-run after a crash finishes the work)
-- and deletes the users row last.
--
-- A tombstone keeps the username from being registered until released_at (the grace period,
-- a flag of `serve`); after that the name is free again.
ALTER TABLE users ADD COLUMN deleted_at timestamptz;

CREATE TABLE username_tombstones (
    username    text        PRIMARY KEY,
    released_at timestamptz NOT NULL
);
CREATE INDEX username_tombstones_released ON username_tombstones (released_at);

-- The deletion job finds an account's likes, comments and notification actors by user; these
-- indexes keep each of its batches from scanning the whole table.
CREATE INDEX likes_user ON likes (user_id);
CREATE INDEX comments_user ON comments (user_id);
CREATE INDEX notification_actors_actor ON notification_actors (actor_id);

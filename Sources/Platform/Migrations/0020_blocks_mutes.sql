-- Blocking and muting (RelationService). A block hides the two users from each other (posts,
-- comments, profiles), removes the follows between them and stops the blocked user from
-- following, liking or commenting; a mute only takes the muted user's posts out of the muter's
-- feed. Both are rows that the reads and writes consult, removed to undo.
CREATE TABLE blocks (
    blocker_id bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_id bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (blocker_id, blocked_id),
    CHECK (blocker_id <> blocked_id)
);
CREATE INDEX blocks_blocked ON blocks (blocked_id, blocker_id);

CREATE TABLE mutes (
    muter_id   bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    muted_id   bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (muter_id, muted_id),
    CHECK (muter_id <> muted_id)
);
CREATE INDEX mutes_muted ON mutes (muted_id, muter_id);

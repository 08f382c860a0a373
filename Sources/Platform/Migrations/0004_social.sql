-- Users, sessions, posts and the social graph behind the HTTP API (DESIGN.md "HTTP API").
--
-- Counters live on the rows they describe and change in the same transaction as the row that
-- they count (a like, a follow, a comment, a post), so they stay exact under concurrent writes.
CREATE TABLE users (
    id              bigserial   PRIMARY KEY,
    username        text        NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9_]{3,30}$'),
    password_hash   text        NOT NULL,
    bio             text        NOT NULL DEFAULT '',
    follower_count  bigint      NOT NULL DEFAULT 0 CHECK (follower_count >= 0),
    following_count bigint      NOT NULL DEFAULT 0 CHECK (following_count >= 0),
    post_count      bigint      NOT NULL DEFAULT 0 CHECK (post_count >= 0),
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- Bearer tokens: only the SHA-256 of the token is stored.
CREATE TABLE sessions (
    token_hash text        PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE posts (
    id            bigserial   PRIMARY KEY,
    user_id       bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    media_id      bigint      NOT NULL REFERENCES media (id),
    caption       text        NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    like_count    bigint      NOT NULL DEFAULT 0 CHECK (like_count >= 0),
    comment_count bigint      NOT NULL DEFAULT 0 CHECK (comment_count >= 0),
    deleted       boolean     NOT NULL DEFAULT false
);
-- Profiles and the read-time merge of high-follower authors: newest first per author.
CREATE INDEX posts_user_created ON posts (user_id, created_at DESC, id DESC) WHERE NOT deleted;
CREATE INDEX posts_media ON posts (media_id);

CREATE TABLE follows (
    follower_id bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    followee_id bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (follower_id, followee_id),
    CHECK (follower_id <> followee_id)
);
CREATE INDEX follows_followee ON follows (followee_id, follower_id);

CREATE TABLE likes (
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    post_id    bigint      NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (post_id, user_id)
);

CREATE TABLE comments (
    id         bigserial   PRIMARY KEY,
    post_id    bigint      NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    text       text        NOT NULL CHECK (length(text) BETWEEN 1 AND 2200),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX comments_post_created ON comments (post_id, created_at DESC, id DESC);

-- Materialised home timelines: one row per (reader, post), trimmed to the newest ~800 per
-- reader by the fan-out. timeline_state marks a timeline as built; a reader without a row
-- gets the timeline rebuilt on read.
CREATE TABLE timelines (
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    post_id    bigint      NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    author_id  bigint      NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, post_id)
);
CREATE INDEX timelines_read ON timelines (user_id, created_at DESC, post_id DESC);
CREATE INDEX timelines_author ON timelines (user_id, author_id);

CREATE TABLE timeline_state (
    user_id  bigint      PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    built_at timestamptz NOT NULL DEFAULT now()
);

-- Idempotent post creation: one post per (user, Idempotency-Key).
CREATE TABLE post_idempotency (
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key        text        NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    post_id    bigint      NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);

-- Hashtags and search (TagService, SearchService).
--
-- A post's `#tags` (Hashtags.tags: Unicode letters, digits and underscores, case-folded and in
-- NFC) are recorded when the post is created: one tags row per name, one post_tags row per
-- (post, tag), tags.post_count the live posts carrying it. Deleting a post removes its
-- post_tags rows and lowers the counts in the same transaction. post_tags.created_at copies
-- the post's, so a tag page is one index range read newest first with the feed's cursor.
--
-- pg_trgm is a trusted extension (PostgreSQL 13 and later): a role with CREATE on the database
-- may create it, superuser or not. Its GIN indexes serve both the fuzzy match (`%`, `<%`) of
-- user search; text_pattern_ops b-trees serve the prefix match (`LIKE 'abc%'`) whatever the
-- database's collation.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- users.display_name comes from migration 0019.
CREATE INDEX users_username_prefix ON users (username text_pattern_ops);
CREATE INDEX users_username_trgm ON users USING gin (username gin_trgm_ops);
CREATE INDEX users_display_name_prefix ON users (lower(display_name) text_pattern_ops);
CREATE INDEX users_display_name_trgm ON users USING gin (display_name gin_trgm_ops);

-- Names compare byte-wise (C collation): the unique index then also serves the prefix
-- search (`name ^@ $1`) whatever the database's collation.
CREATE TABLE tags (
    id         bigserial PRIMARY KEY,
    name       text COLLATE "C" NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    post_count bigint NOT NULL DEFAULT 0 CHECK (post_count >= 0)
);

CREATE TABLE post_tags (
    post_id    bigint      NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    tag_id     bigint      NOT NULL REFERENCES tags (id),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (post_id, tag_id)
);
-- Tag pages: newest first by (created_at, post_id), the feed's cursor order.
CREATE INDEX post_tags_page ON post_tags (tag_id, created_at DESC, post_id DESC);

-- Hash-list moderation (Blocklist, BlocklistIndex, BlocklistScan).
--
-- An import adds entries from one file: PDQ hashes (photo entries, one each) or one vPDQ video
-- (a video entry whose frame hashes are in blocklist_frames). `blocklist remove` marks an entry
-- removed (its row stays: match records name it). Every daemon's in-memory BlocklistIndex
-- catches up from blocklist_changes by seq watermark, as DedupIndexes does from
-- media_hash_changes: an import or a removal writes one row under a transaction-scoped advisory
-- lock held until commit, so rows become visible in seq order.
--
-- A media whose hashes match an entry becomes `blocked`:
--   processing ──(pipeline done, match before publishing)──▶ blocked: nothing published
--   ready ──(an import matches it: BlocklistScan)──▶ blocked: renditions removed by a
--             `media.takedown` job enqueued in the same transaction
-- A blocked media has no manifest (nothing is served), keeps its original (never served) and
-- its posts are hidden with hidden_by 'hashlist'. blocklist_matches records each decision; it
-- has no foreign keys, so it outlives the posts, accounts and entries it names.
CREATE TABLE blocklist_imports (
    id          bigserial   PRIMARY KEY,
    source      text        NOT NULL,
    kind        text        NOT NULL CHECK (kind IN ('photo', 'video')),
    entries     integer     NOT NULL CHECK (entries >= 0),
    imported_at timestamptz NOT NULL DEFAULT now()
);

-- import_id has no foreign key, and pdq is checked with decode rather than a regular
-- expression: on a million-row import the per-row trigger and regex took 4× the insert itself.
CREATE TABLE blocklist_entries (
    id          bigserial   PRIMARY KEY,
    -- The import that added it (written in the same transaction).
    import_id   bigint      NOT NULL,
    kind        text        NOT NULL CHECK (kind IN ('photo', 'video')),
    -- Photo entries: the listed PDQ (64 lowercase hex digits) and the quality the list gave, if any.
    pdq         text        CHECK (octet_length(pdq) = 64 AND octet_length(decode(pdq, 'hex')) = 32 AND pdq = lower(pdq)),
    quality     integer     CHECK (quality BETWEEN 0 AND 100),
    -- Video entries: the file the frame hashes came from.
    name        text,
    removed_at  timestamptz,
    CHECK ((kind = 'photo') = (pdq IS NOT NULL))
);
CREATE INDEX blocklist_entries_import ON blocklist_entries (import_id);

-- A video entry's frame hashes, as the vPDQ reference tool writes them.
CREATE TABLE blocklist_frames (
    entry_id    bigint      NOT NULL REFERENCES blocklist_entries (id),
    frame       integer     NOT NULL CHECK (frame >= 0),
    pdq         text        NOT NULL CHECK (pdq ~ '^[0-9a-f]{64}$'),
    quality     integer     NOT NULL CHECK (quality BETWEEN 0 AND 100),
    PRIMARY KEY (entry_id, frame)
);

-- One row per import (import_id) or removal (removed_entry), in commit order.
CREATE TABLE blocklist_changes (
    seq           bigserial   PRIMARY KEY,
    import_id     bigint,
    removed_entry bigint,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((import_id IS NULL) <> (removed_entry IS NULL))
);

-- Every hash-list decision: the media, the entry it matched and how closely, and the post and
-- user it belonged to. No foreign keys: moderation records outlive what they name.
CREATE TABLE blocklist_matches (
    id          bigserial   PRIMARY KEY,
    media_id    bigint      NOT NULL,
    entry_id    bigint      NOT NULL,
    -- PDQ Hamming distance of 256; for a video, the rounded mean distance of the matched frames.
    distance    integer     NOT NULL CHECK (distance >= 0),
    post_id     bigint,
    user_id     bigint,
    -- 'processing': blocked before anything was published; 'import': taken down by an import.
    found_by    text        NOT NULL CHECK (found_by IN ('processing', 'import')),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX blocklist_matches_media ON blocklist_matches (media_id);
CREATE INDEX blocklist_matches_user ON blocklist_matches (user_id);

ALTER TABLE media DROP CONSTRAINT media_status_check;
ALTER TABLE media ADD CONSTRAINT media_status_check
    CHECK (status IN ('processing', 'ready', 'failed', 'deleted', 'blocked'));

-- The PDQ of the 8 rotations and mirrors of a photo, kept so that an import can match media
-- published before it the way processing matches new ones.
ALTER TABLE media ADD COLUMN pdq_dihedral text[];

ALTER TABLE posts DROP CONSTRAINT posts_hidden_by_check;
ALTER TABLE posts ADD CONSTRAINT posts_hidden_by_check CHECK (hidden_by IN ('reports', 'operator', 'hashlist'));

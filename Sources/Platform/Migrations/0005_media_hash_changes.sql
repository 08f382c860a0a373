-- Every change to the perceptual hashes the in-memory dedup indexes hold, in commit order.
--
-- A media's hashes are set when it becomes ready, replaced when it is reprocessed and cleared
-- when it is deleted; each of these writes one row here in the same transaction. Every
-- daemon's index catches up by `seq` watermark, so it learns of hashes written by other
-- daemons and of deletions, whatever order media became ready in (a watermark on media.id
-- would skip a video that finishes after a later photo). Writers take a transaction-scoped
-- advisory lock before inserting (held until commit), so a higher seq never becomes visible
-- before a lower one and a reader's watermark never skips a row.
CREATE TABLE media_hash_changes (
    seq        bigserial   PRIMARY KEY,
    media_id   bigint      NOT NULL,
    -- An earlier change exists for the media: readers drop its indexed hashes before loading
    -- the current ones.
    replaces   boolean     NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX media_hash_changes_media ON media_hash_changes (media_id);

-- Media hashed before this table existed.
INSERT INTO media_hash_changes (media_id, replaces)
SELECT id, false FROM media WHERE status = 'ready' ORDER BY id;

-- For video near-duplicates `duplicate_distance` is the mean PDQ distance (of 256) between
-- the video's matched frames and their nearest frame of the earlier video, rounded: the
-- same unit as a photo's distance.
COMMENT ON COLUMN media.duplicate_distance IS
    'PDQ Hamming distance of 256; for video, the rounded mean distance of the matched frames';

-- Media records: statements used by MediaLibrary and the media job handlers.

-- name: InsertMedia
-- A new original; returns nothing when a media with the same bytes exists (deleted media
-- do not count: the same bytes after a delete are a new media).
INSERT INTO media (sha256, kind, original_key, original_name, bytes)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (sha256) WHERE status <> 'deleted' DO NOTHING
RETURNING id, status;

-- name: MediaBySHA256
-- The media holding these bytes, locked against a concurrent deletion until commit; nothing
-- when it was deleted meanwhile (the caller inserts again).
SELECT id, status FROM media WHERE sha256 = $1 AND status <> 'deleted' FOR SHARE;

-- name: GetMedia
SELECT id, sha256, kind, status, original_key, original_name, bytes, manifest::text AS manifest,
       preset_name, preset_version, pdq, pdq_quality, phash, duplicate_of, duplicate_distance,
       error_code, error_message, created_at, processed_at
FROM media WHERE id = $1;

-- name: ListMedia
-- $1: status or null for all; newest first.
SELECT id, sha256, kind, status, original_key, original_name, bytes, manifest::text AS manifest,
       preset_name, preset_version, pdq, pdq_quality, phash, duplicate_of, duplicate_distance,
       error_code, error_message, created_at, processed_at
FROM media
WHERE ($1::text IS NULL OR status = $1)
ORDER BY id DESC
LIMIT $2;

-- name: MarkMediaReady
-- The outputs are published; switches the manifest in one statement, so readers see the old
-- outputs or the new ones, never a mix.
UPDATE media
SET status = 'ready', manifest = $2::jsonb, input = $3::jsonb, preset_name = $4, preset_version = $5,
    pdq = $6, pdq_quality = $7, phash = $8, duplicate_of = $9, duplicate_distance = $10,
    error_code = NULL, error_message = NULL, processed_at = now(), updated_at = now()
WHERE id = $1 AND status <> 'deleted';

-- name: MarkMediaFailed
UPDATE media
SET status = 'failed', manifest = NULL, error_code = $2, error_message = $3,
    processed_at = now(), updated_at = now()
WHERE id = $1 AND status <> 'deleted';

-- name: LockLiveMedia
-- The media $1 unless deleted, locked until commit: a deletion waits for the caller, and the
-- caller sees a deletion that committed first.
SELECT id FROM media WHERE id = $1 AND status <> 'deleted' FOR SHARE;

-- name: MarkMediaDeleted
-- The last live post showing it is gone: the row stays (posts refer to it) but releases its
-- SHA-256 and hashes; the files go with the `media.delete` job.
UPDATE media
SET status = 'deleted', manifest = NULL, error_code = NULL, error_message = NULL,
    pdq = NULL, pdq_quality = NULL, phash = NULL, updated_at = now()
WHERE id = $1 AND status <> 'deleted'
RETURNING id;

-- name: ReplaceFrameHashes
-- $2, $3, $4: parallel arrays of t_ms, pdq hex, quality.
WITH gone AS (DELETE FROM media_frame_hashes WHERE media_id = $1)
INSERT INTO media_frame_hashes (media_id, t_ms, pdq, quality)
SELECT $1, t, h, q FROM unnest($2::int[], $3::text[], $4::int[]) AS f(t, h, q)
ON CONFLICT (media_id, t_ms) DO UPDATE SET pdq = excluded.pdq, quality = excluded.quality;

-- name: HashChangesAfter
-- Dedup index catch-up: hash changes above a watermark, with the media's current hashes.
-- pdq is null unless the media is ready with a hash good enough to match (quality >= 50);
-- has_frames says whether to load its frame hashes.
SELECT c.seq, c.media_id, c.replaces,
       CASE WHEN m.status = 'ready' AND m.pdq_quality >= 50 THEN m.pdq END AS pdq,
       coalesce(m.status = 'ready' AND m.kind = 'video', false) AS has_frames
FROM media_hash_changes c
LEFT JOIN media m ON m.id = c.media_id
WHERE c.seq > $1
ORDER BY c.seq
LIMIT $2;

-- name: UsableFrameHashes
-- Frame hashes good enough to match (quality >= 50) of the media $1 (an array).
SELECT media_id, pdq, quality FROM media_frame_hashes
WHERE media_id = ANY($1) AND quality >= 50
ORDER BY media_id, t_ms;

-- name: MediaHashed
-- Whether an index may hold hashes of the media (a change was recorded for it before).
SELECT EXISTS (SELECT 1 FROM media_hash_changes WHERE media_id = $1) AS hashed;

-- name: LockHashChanges
-- Held until commit, so hash changes become visible in seq order.
SELECT pg_advisory_xact_lock(7305001);

-- name: InsertHashChange
INSERT INTO media_hash_changes (media_id, replaces) VALUES ($1, $2);

-- name: ClearMediaHashes
-- Deleted media: its hashes no longer match future uploads.
UPDATE media SET pdq = NULL, pdq_quality = NULL, phash = NULL, updated_at = now() WHERE id = $1;

-- name: DeleteFrameHashes
DELETE FROM media_frame_hashes WHERE media_id = $1;

-- name: ReprocessCandidates
-- Media matching an operator's filters, in id order after $7 (keyset pagination).
-- $1 kind, $2 created since, $3 created before, $4 status, $5 preset version below,
-- $6 only these ids; each null means "any".
SELECT id, kind, original_key, sha256 FROM media
WHERE ($1::text IS NULL OR kind = $1)
  AND ($2::timestamptz IS NULL OR created_at >= $2)
  AND ($3::timestamptz IS NULL OR created_at < $3)
  AND ($4::text IS NULL OR status = $4)
  AND ($5::int IS NULL OR preset_version IS NULL OR preset_version < $5)
  AND ($6::bigint[] IS NULL OR id = ANY($6))
  AND status <> 'deleted'
  AND id > $7
ORDER BY id
LIMIT $8;

-- name: ReprocessProgress
-- How many of the media $1 finished (ready or failed) since $2.
SELECT count(*) FILTER (WHERE status = 'ready') AS ready,
       count(*) FILTER (WHERE status = 'failed') AS failed
FROM media
WHERE id = ANY($1) AND processed_at >= $2;

-- name: PostsOnMedia
-- Live posts showing a media, to fan out once it is ready.
SELECT id FROM posts WHERE media_id = $1 AND NOT deleted ORDER BY id;

-- Deleted media keep their row (posts and near-duplicate records refer to it) but give up
-- their SHA-256: once the last live post showing a media is deleted, the media becomes
-- `deleted` in the same transaction, its files are removed by a `media.delete` job, and the
-- same bytes uploaded again make a new media row that is processed again. Only media that
-- are not deleted count for the uniqueness of sha256 and for the exact-duplicate lookup.
ALTER TABLE media DROP CONSTRAINT media_status_check;
ALTER TABLE media ADD CONSTRAINT media_status_check
    CHECK (status IN ('processing', 'ready', 'failed', 'deleted'));

ALTER TABLE media DROP CONSTRAINT media_sha256_key;
CREATE UNIQUE INDEX media_sha256_live ON media (sha256) WHERE status <> 'deleted';

-- Media whose posts were all deleted before this migration: deleted now, hashes cleared, and
-- the change recorded so every dedup index drops them.
CREATE TEMPORARY TABLE media_orphaned ON COMMIT DROP AS
SELECT m.id FROM media m
WHERE m.status <> 'deleted'
  AND EXISTS (SELECT 1 FROM posts p WHERE p.media_id = m.id)
  AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.media_id = m.id AND NOT p.deleted);

UPDATE media m
SET status = 'deleted', manifest = NULL, error_code = NULL, error_message = NULL,
    pdq = NULL, pdq_quality = NULL, phash = NULL, updated_at = now()
FROM media_orphaned o WHERE m.id = o.id;

DELETE FROM media_frame_hashes f USING media_orphaned o WHERE f.media_id = o.id;

SELECT pg_advisory_xact_lock(7305001);
INSERT INTO media_hash_changes (media_id, replaces)
SELECT o.id, EXISTS (SELECT 1 FROM media_hash_changes c WHERE c.media_id = o.id)
FROM media_orphaned o ORDER BY o.id;

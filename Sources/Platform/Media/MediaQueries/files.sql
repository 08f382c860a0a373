-- Originals and the media rows that hold them (MediaFiles, OriginalSweeper).
--
-- An original is stored once per content (originals/<ab>/<sha256>) and may outlive the media
-- that first stored it: a later live media with the same bytes holds it too. Writers (an
-- upload, an ingest) take the shared lock of its SHA-256 from before they store the file until
-- their media row commits; removers (the media.delete job, the sweep) take the exclusive lock,
-- then check that no live media holds the bytes. So a file is never removed between a writer
-- storing it and its row committing, and a remover sees every row committed before its check.

-- name: LockOriginalShared
-- $1 SHA-256. Held until commit by a transaction that stores the original and records a media.
SELECT pg_advisory_xact_lock_shared(hashtextextended('original:' || $1::text, 7));

-- name: LockOriginal
-- $1 SHA-256. Held until commit by a remover; waits for writers.
SELECT pg_advisory_xact_lock(hashtextextended('original:' || $1::text, 7));

-- name: TryLockOriginal
-- $1 SHA-256. The sweep's lock: false when a writer or another daemon's sweep holds it.
SELECT pg_try_advisory_xact_lock(hashtextextended('original:' || $1::text, 7)) AS locked;

-- name: OriginalHeld
-- $1 SHA-256: whether a media that is not deleted holds these bytes.
SELECT EXISTS (SELECT 1 FROM media WHERE sha256 = $1::text AND status <> 'deleted') AS held;

-- name: MediaOriginal
-- $1 media id: the SHA-256 and store key of its original (kept by deleted media).
SELECT sha256, original_key FROM media WHERE id = $1;

-- Store removals and backups (StoreRemovals): a backup copies the database first, then the
-- store's files, so no file a copied row names may be removed in between. Removers (the
-- media.delete job, the originals' sweep) take the shared lock until their transaction ends,
-- trying only (a busy remover retries later); a backup holds the exclusive lock on its session
-- from before its database copy until its file copy is done.

-- name: TryLockStoreRemoval
-- Held until commit by a remover; false while a backup runs.
SELECT pg_try_advisory_xact_lock_shared(hashtextextended('store-backup', 7)) AS locked;

-- name: LockStoreForBackup
-- Session lock of a backup: waits for running removals, holds new ones off until unlocked.
SELECT pg_advisory_lock(hashtextextended('store-backup', 7));

-- name: UnlockStoreForBackup
SELECT pg_advisory_unlock(hashtextextended('store-backup', 7)) AS unlocked;

-- Hash-list moderation: the tables and the states are in migration 0025.

-- name: InsertImport
-- $1 source label, $2 'photo' or 'video', $3 entries.
INSERT INTO blocklist_imports (source, kind, entries) VALUES ($1, $2, $3) RETURNING id, imported_at;

-- name: InsertPhotoEntries
-- $1 import id; $2, $3 parallel arrays of PDQ hex and quality (NULL: none given). One batch of
-- a bulk import.
INSERT INTO blocklist_entries (import_id, kind, pdq, quality)
SELECT $1, 'photo', h, q FROM unnest($2::text[], $3::int[]) AS e(h, q);

-- name: InsertVideoEntry
-- $1 import id, $2 the file's name.
INSERT INTO blocklist_entries (import_id, kind, name) VALUES ($1, 'video', $2) RETURNING id;

-- name: InsertEntryFrames
-- $1 entry id; $2, $3, $4 parallel arrays of frame number, PDQ hex, quality.
INSERT INTO blocklist_frames (entry_id, frame, pdq, quality)
SELECT $1, f, h, q FROM unnest($2::int[], $3::text[], $4::int[]) AS e(f, h, q)
ON CONFLICT (entry_id, frame) DO UPDATE SET pdq = excluded.pdq, quality = excluded.quality;

-- name: LockChanges
-- Held until commit, so changes become visible in seq order. Completions take it shared
-- (LockChangesShared): an import that commits while a media completes either is seen by the
-- completion's catch-up or waits for it, and then its scan sees the media ready.
SELECT pg_advisory_xact_lock(hashtextextended('blocklist_changes', 25));

-- name: LockChangesShared
SELECT pg_advisory_xact_lock_shared(hashtextextended('blocklist_changes', 25));

-- name: InsertChange
-- $1 import id or NULL, $2 removed entry or NULL.
INSERT INTO blocklist_changes (import_id, removed_entry) VALUES ($1, $2);

-- name: ChangesAfter
-- Index catch-up: changes above the watermark $1, at most $2.
SELECT seq, import_id, removed_entry FROM blocklist_changes WHERE seq > $1 ORDER BY seq LIMIT $2;

-- name: ImportPhotoEntries
-- $1 import id: its photo entries not removed, with their hashes.
SELECT id, pdq FROM blocklist_entries
WHERE import_id = $1 AND removed_at IS NULL AND kind = 'photo' ORDER BY id;

-- name: ImportVideoFrames
-- $1 import id: the frames of its video entries not removed.
SELECT f.entry_id, f.pdq, f.quality FROM blocklist_frames f JOIN blocklist_entries e ON e.id = f.entry_id
WHERE e.import_id = $1 AND e.removed_at IS NULL AND e.kind = 'video' ORDER BY f.entry_id, f.frame;

-- name: RemoveEntry
-- $1 entry id. No row: unknown or removed already.
UPDATE blocklist_entries SET removed_at = now() WHERE id = $1 AND removed_at IS NULL RETURNING id;

-- name: ListImports
-- Every import with its entries still listed, newest first.
SELECT i.id, i.source, i.kind, i.entries, i.imported_at,
       (SELECT count(*) FROM blocklist_entries e WHERE e.import_id = i.id AND e.removed_at IS NULL) AS listed,
       (SELECT min(e.id) FROM blocklist_entries e WHERE e.import_id = i.id) AS first_entry,
       (SELECT max(e.id) FROM blocklist_entries e WHERE e.import_id = i.id) AS last_entry
FROM blocklist_imports i ORDER BY i.id DESC LIMIT $1;

-- name: ImportRange
-- $1 import id: its lowest and highest entry ids.
SELECT min(id) AS first_entry, max(id) AS last_entry FROM blocklist_entries WHERE import_id = $1;

-- name: MarkMediaBlocked
-- $1 media id. Nothing is served of a blocked media: no manifest; its hashes leave the dedup
-- indexes with the hash change the caller records.
UPDATE media
SET status = 'blocked', manifest = NULL, error_code = NULL, error_message = NULL,
    processed_at = now(), updated_at = now()
WHERE id = $1 AND status NOT IN ('deleted', 'blocked')
RETURNING id;

-- name: HideMediaPosts
-- $1 media id: its live posts are hidden by the hash list; returns each with its author.
UPDATE posts SET hidden = true, hidden_by = 'hashlist'
WHERE media_id = $1 AND NOT deleted
RETURNING id, user_id;

-- name: InsertMatch
-- $1 media id, $2 entry id, $3 distance, $4 post id, $5 user id, $6 'processing' or 'import'.
INSERT INTO blocklist_matches (media_id, entry_id, distance, post_id, user_id, found_by)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: InsertAvatarMatch
-- $1 avatar id, $2 entry id, $3 distance, $4 'processing' or 'import'. The user is the avatar's
-- (NULL when its row is gone), so account deletion stamps the record gone (0030, 0031).
INSERT INTO blocklist_matches (avatar_id, entry_id, distance, user_id, found_by)
VALUES ($1, $2, $3, (SELECT user_id FROM avatars WHERE id = $1), $4);

-- name: HidePostOnBlockedMedia
-- $1 post id: a post just made on a blocked media (the same bytes again) is hidden at once.
UPDATE posts SET hidden = true, hidden_by = 'hashlist'
WHERE id = $1 AND media_id IN (SELECT id FROM media WHERE status = 'blocked');

-- name: SetPhotoVariants
-- $1 media id, $2 the PDQ of its 8 rotations and mirrors.
UPDATE media SET pdq_dihedral = $2::text[] WHERE id = $1;

-- name: MediaBlocked
-- $1 media id: whether it is blocked (a takedown removes its renditions only then).
SELECT status = 'blocked' AS blocked FROM media WHERE id = $1 FOR SHARE;

-- name: PublishedMediaAfter
-- Keyset page of ready media after id $1, at most $2, with what an import matches them by.
SELECT id, kind, pdq, pdq_quality, pdq_dihedral FROM media
WHERE status = 'ready' AND id > $1 ORDER BY id LIMIT $2;

-- name: MediaFrames
-- $1 media ids: their frame hashes.
SELECT media_id, pdq, quality FROM media_frame_hashes WHERE media_id = ANY($1) ORDER BY media_id, t_ms;

-- name: ListMatches
-- Newest first, $1 at most, with the entry's source.
SELECT m.id, m.media_id, m.avatar_id, m.entry_id, m.distance, m.post_id, m.user_id, m.found_by, m.created_at,
       i.source, e.kind AS entry_kind
FROM blocklist_matches m
LEFT JOIN blocklist_entries e ON e.id = m.entry_id
LEFT JOIN blocklist_imports i ON i.id = e.import_id
ORDER BY m.id DESC LIMIT $1;

-- name: SetAvatarHashes
-- $1 avatar id, $2 PDQ hex, $3 its quality, $4 the PDQ of its 8 rotations and mirrors; only a
-- ready avatar (one that went at its completion keeps none).
UPDATE avatars SET pdq = $2, pdq_quality = $3, pdq_dihedral = $4::text[] WHERE id = $1 AND status = 'ready';

-- name: PublishedAvatarsAfter
-- Keyset page of ready avatars with hashes after id $1, at most $2.
SELECT id, pdq, pdq_quality, pdq_dihedral FROM avatars
WHERE status = 'ready' AND pdq IS NOT NULL AND id > $1 ORDER BY id LIMIT $2;

-- name: MarkAvatarBlocked
-- $1 avatar id (locked by the caller with its user), $2 error code: a ready avatar an import matched fails
-- with $2. No row: it is not ready (replaced, refused or gone) and nothing changes.
UPDATE avatars SET status = 'failed', error_code = $2, store_prefix = NULL
WHERE id = $1 AND status = 'ready' RETURNING user_id;

-- name: ClearCurrentAvatar
-- $1 user id, $2 avatar id: the user has no avatar when $2 was the current one.
UPDATE users SET avatar_id = NULL, avatar_prefix = NULL WHERE id = $1 AND avatar_id = $2;

-- name: AvatarFilesRemovable
-- $1 avatar id: whether its files may go (not ready); no row: gone, its files with it.
SELECT status <> 'ready' AS removable FROM avatars WHERE id = $1 FOR SHARE;

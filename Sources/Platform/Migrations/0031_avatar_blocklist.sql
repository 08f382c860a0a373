-- Avatars are checked against the hash list as post media are (0025).
--
-- The `user.avatar` job matches the upload's PDQ and its 8 rotations and mirrors before
-- publishing anything; on a match the avatar fails with error_code 'blocked' (the user's avatar
-- is unchanged, the upload goes) and a match record names the avatar instead of a media:
--   processing ──(match before publishing)──▶ failed ('blocked'): nothing published
--   ready ──(an import matches it: BlocklistScan)──▶ failed ('blocked'): no longer the user's
--             avatar (users.avatar_id/avatar_prefix cleared), its files removed by an
--             `avatar.takedown` job enqueued in the same transaction
-- The record's user_id is the avatar's user, so account deletion stamps it gone (0030).
ALTER TABLE blocklist_matches ALTER COLUMN media_id DROP NOT NULL;
ALTER TABLE blocklist_matches ADD COLUMN avatar_id bigint;
ALTER TABLE blocklist_matches ADD CONSTRAINT blocklist_matches_subject_check
    CHECK ((media_id IS NULL) <> (avatar_id IS NULL));
CREATE INDEX blocklist_matches_avatar ON blocklist_matches (avatar_id) WHERE avatar_id IS NOT NULL;

-- A ready avatar's PDQ and those of its 8 rotations and mirrors, written by its completion, so
-- that an import can match avatars published before it as processing matches new ones.
ALTER TABLE avatars ADD COLUMN pdq text CHECK (pdq ~ '^[0-9a-f]{64}$');
ALTER TABLE avatars ADD COLUMN pdq_quality integer CHECK (pdq_quality BETWEEN 0 AND 100);
ALTER TABLE avatars ADD COLUMN pdq_dihedral text[];
CREATE INDEX avatars_published ON avatars (id) WHERE status = 'ready' AND pdq IS NOT NULL;

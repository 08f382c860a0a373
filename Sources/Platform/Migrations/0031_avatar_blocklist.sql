-- Avatars are checked against the hash list as post media are (0025).
--
-- The `user.avatar` job matches the upload's PDQ and its 8 rotations and mirrors before
-- publishing anything; on a match the avatar fails with error_code 'blocked' (the user's avatar
-- is unchanged, the upload goes) and a match record names the avatar instead of a media:
--   processing ──(match before publishing)──▶ failed ('blocked'): nothing published
-- The record's user_id is the avatar's user, so account deletion stamps it gone (0030).
ALTER TABLE blocklist_matches ALTER COLUMN media_id DROP NOT NULL;
ALTER TABLE blocklist_matches ADD COLUMN avatar_id bigint;
ALTER TABLE blocklist_matches ADD CONSTRAINT blocklist_matches_subject_check
    CHECK ((media_id IS NULL) <> (avatar_id IS NULL));
CREATE INDEX blocklist_matches_avatar ON blocklist_matches (avatar_id) WHERE avatar_id IS NOT NULL;

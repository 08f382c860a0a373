-- Profiles and avatars (UserService.updateProfile, AvatarService; migration 0019).

-- name: UpdateProfile
-- $1 user id, $2 display name (NULL: unchanged), $3 bio (NULL: unchanged). No row: no such user.
UPDATE users SET display_name = coalesce($2, display_name), bio = coalesce($3, bio)
WHERE id = $1 AND deleted_at IS NULL
RETURNING id;

-- name: InsertAvatar
-- $1 user id: a new avatar, processing. No row: no such user (or one being deleted).
INSERT INTO avatars (user_id) SELECT id FROM users WHERE id = $1 AND deleted_at IS NULL RETURNING id;

-- name: LockAvatar
-- $1 avatar id: the avatar and its user, locked until commit (the user row first, so two
-- completions for one user take their locks in the same order). No row: gone.
SELECT a.user_id, a.status, u.avatar_id, u.deleted_at IS NOT NULL AS user_deleted
FROM avatars a JOIN users u ON u.id = a.user_id
WHERE a.id = $1
FOR UPDATE OF u, a;

-- name: MarkAvatarReady
-- $1 avatar id, $2 store prefix of its renditions.
UPDATE avatars SET status = 'ready', store_prefix = $2, error_code = NULL WHERE id = $1;

-- name: MarkAvatarFailed
-- $1 avatar id, $2 error code. Only a processing avatar fails (no row: it was not processing).
UPDATE avatars SET status = 'failed', error_code = $2 WHERE id = $1 AND status = 'processing' RETURNING id;

-- name: SetCurrentAvatar
-- $1 user id, $2 avatar id, $3 its store prefix: the user's avatar, unless a newer one is
-- current already. No row: a newer one is (the same one again is a row: a completion re-run).
UPDATE users SET avatar_id = $2, avatar_prefix = $3
WHERE id = $1 AND coalesce(avatar_id, 0) <= $2
RETURNING id;

-- name: OlderAvatars
-- $1 user id, $2 avatar id: the user's avatars older than $2 that are not processing (their
-- files go once a newer one is current; one still processing finds a newer current one and
-- removes itself when it completes).
SELECT id FROM avatars WHERE user_id = $1 AND id < $2 AND status <> 'processing' ORDER BY id;

-- name: DeleteAvatar
-- $1 avatar id.
DELETE FROM avatars WHERE id = $1;

-- name: UserAvatars
-- $1 user id: every avatar row of the user (account deletion).
SELECT id FROM avatars WHERE user_id = $1 ORDER BY id;

-- Profiles (UserService.updateProfile, AvatarService): a display name, and an avatar made by
-- the photo pipeline with the avatar preset (320 and 150 square crops, JPEG and WebP).
--
-- An avatar's life: uploaded ──▶ avatars row `processing` (its upload kept privately under
-- `avatar-uploads/<id>`, a `user.avatar` job enqueued in the same transaction)
--   ──▶ `ready`: renditions published under `avatars/<id>/…`; when it is the user's newest
-- avatar, users.avatar_id and users.avatar_prefix switch to it in the job's completion, and the
-- user's older avatars (rows and files) go in that same step.
--   ──▶ `failed` (bad or over-limit input): error_code says why; the user's avatar is unchanged.
-- users.avatar_prefix is the store prefix of the current avatar's renditions, so the feed and
-- comment reads name the 150 rendition without a join.
ALTER TABLE users ADD COLUMN display_name text NOT NULL DEFAULT ''
    CHECK (length(display_name) <= 50);
ALTER TABLE users ADD COLUMN avatar_id bigint;
ALTER TABLE users ADD COLUMN avatar_prefix text;

CREATE TABLE avatars (
    id           bigserial   PRIMARY KEY,
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status       text        NOT NULL DEFAULT 'processing' CHECK (status IN ('processing', 'ready', 'failed')),
    store_prefix text,
    error_code   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'ready') = (store_prefix IS NOT NULL))
);
CREATE INDEX avatars_user ON avatars (user_id, id);

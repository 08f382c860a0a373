-- Uploaded media: one row per distinct original (by SHA-256), whatever number of posts use it.
--
-- status: processing (job enqueued or running) -> ready (manifest written) | failed (bad or
-- over-limit input; error_code says which). Reprocessing moves ready/failed back to processing
-- and the completion transaction writes the new manifest in one go, so a reader sees either
-- the old outputs or the new ones, never a mix.
CREATE TABLE media (
    id                 bigserial   PRIMARY KEY,
    sha256             text        NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    kind               text        NOT NULL CHECK (kind IN ('photo', 'video')),
    status             text        NOT NULL DEFAULT 'processing'
                                   CHECK (status IN ('processing', 'ready', 'failed')),
    -- Store key of the original (content-addressed) and what the uploader said it was.
    original_key       text        NOT NULL,
    original_name      text,
    bytes              bigint      NOT NULL CHECK (bytes >= 0),
    -- Facts from the probe (format, width, height, duration_ms, rotation, has_audio, ...).
    input              jsonb,
    -- The manifest of the current outputs (DESIGN.md "manifests"); null until ready.
    manifest           jsonb,
    preset_name        text,
    preset_version     integer,
    -- Perceptual hashes (lowercase hex), for near-duplicate lookup.
    pdq                text        CHECK (pdq ~ '^[0-9a-f]{64}$'),
    pdq_quality        integer     CHECK (pdq_quality BETWEEN 0 AND 100),
    phash              text        CHECK (phash ~ '^[0-9a-f]{16}$'),
    -- A near-duplicate of an earlier media (never merged, only recorded).
    duplicate_of       bigint      REFERENCES media (id) ON DELETE SET NULL,
    duplicate_distance integer     CHECK (duplicate_distance >= 0),
    error_code         text,
    error_message      text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    processed_at       timestamptz,
    CHECK ((status = 'ready') = (manifest IS NOT NULL)),
    CHECK ((status = 'failed') = (error_code IS NOT NULL)),
    CHECK ((duplicate_of IS NULL) = (duplicate_distance IS NULL)),
    CHECK (duplicate_of IS DISTINCT FROM id)
);

CREATE INDEX media_status_created ON media (status, created_at);
-- The dedup index catches up by id watermark over rows that have a hash.
CREATE INDEX media_pdq_watermark ON media (id) WHERE pdq IS NOT NULL;
-- reprocess --preset-older-than
CREATE INDEX media_preset ON media (kind, preset_version);

-- One PDQ per sampled second of a video (vPDQ-style matching).
CREATE TABLE media_frame_hashes (
    media_id bigint  NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    t_ms     integer NOT NULL CHECK (t_ms >= 0),
    pdq      text    NOT NULL CHECK (pdq ~ '^[0-9a-f]{64}$'),
    quality  integer NOT NULL CHECK (quality BETWEEN 0 AND 100),
    PRIMARY KEY (media_id, t_ms)
);

-- Quarantine by content: an input that kills the workers processing it (the process dies or
-- hangs, the lease expires) is stopped after a few attempts in a row instead of taking down
-- worker after worker until max_attempts, and new jobs for it are dead-lettered at insert.
--
-- A job names its input with a top-level string `content_key` in its payload (media jobs use
-- the original's SHA-256); the insert trigger copies it into jobs.content_key, so a plain SQL
-- enqueue gets the same treatment (it may also set the column itself).

ALTER TABLE jobs ADD COLUMN content_key text CHECK (content_key <> '');

-- Dead-lettering the other queued jobs of a newly quarantined input.
CREATE INDEX jobs_content_key_idx ON jobs (content_key) WHERE content_key IS NOT NULL;

-- One row per input that has killed at least one attempt since its last success. `kills`
-- counts attempts in a row whose worker died (lease expired) or hung (stalled); a successful
-- job for the input deletes the row. quarantined_at is set when kills reaches the rescuer's
-- limit; operators lift a quarantine by deleting the row (`jobs quarantine lift`).
CREATE TABLE job_content_kills (
    content_key    text        PRIMARY KEY CHECK (content_key <> ''),
    kills          integer     NOT NULL CHECK (kills >= 1),
    last_job_id    bigint      NOT NULL,
    last_kind      text        NOT NULL,
    last_error     text        NOT NULL,
    last_killed_at timestamptz NOT NULL,
    quarantined_at timestamptz
);
CREATE INDEX job_content_kills_quarantined_idx ON job_content_kills (quarantined_at) WHERE quarantined_at IS NOT NULL;

-- Fills content_key from the payload and dead-letters a job whose input is quarantined. The
-- WHEN clause keeps the function off the path of jobs that name no input.
CREATE FUNCTION jobs_content_key_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.content_key IS NULL AND jsonb_typeof(NEW.payload -> 'content_key') = 'string' THEN
        NEW.content_key := nullif(NEW.payload ->> 'content_key', '');
    END IF;
    IF NEW.content_key IS NOT NULL AND NEW.state = 'available' AND EXISTS (
        SELECT 1 FROM job_content_kills
        WHERE content_key = NEW.content_key AND quarantined_at IS NOT NULL)
    THEN
        NEW.state := 'dead';
        NEW.finished_at := now();
        NEW.last_error := 'quarantined: input ' || NEW.content_key || ' killed its workers; lift with `jobs quarantine lift`';
        NEW.errors := NEW.errors || jsonb_build_array(jsonb_build_object(
            'attempt', NEW.attempts, 'at', now(), 'code', 'quarantined', 'message', NEW.last_error));
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER jobs_content_key_inserted
    BEFORE INSERT ON jobs
    FOR EACH ROW
    WHEN (NEW.content_key IS NOT NULL OR NEW.payload ? 'content_key')
    EXECUTE FUNCTION jobs_content_key_inserted();

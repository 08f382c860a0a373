-- Retention of moderation records about deleted accounts (SessionSweeper).
--
-- Reports outlive their target (0024): when a post or a whole account is deleted, its reports
-- stay as a moderation record, stamped with when the target went (target_gone_at), and the
-- maintenance deletes them once the retention period (a flag of `serve`) has passed since.
-- Reports about targets that still exist are never stamped, so never swept.
ALTER TABLE reports ADD COLUMN target_gone_at timestamptz;
CREATE INDEX reports_target_gone ON reports (target_gone_at) WHERE target_gone_at IS NOT NULL;

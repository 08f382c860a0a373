-- Reports and moderation (ReportService, ModerationService).
--
-- A report: one per reporter and target (a post or a user), with a reason code
-- (ReportReason lists them). Targets carry no foreign key: reports about an account or a
-- post are moderation records and outlive it.
--
-- A post's moderation:
--   visible ──(N distinct reporters whose accounts are older than the minimum age)──▶ hidden,
--             hidden_by 'reports', moderated_at NULL: pending review
--   visible or pending ──(operator: moderation hide)──▶ hidden, hidden_by 'operator', moderated_at set
--   hidden ──(operator: moderation restore)──▶ visible, moderated_at set: reviewed, so the
--             reports already made (and later ones) do not hide it again; only an operator does.
-- Hidden posts leave feeds, profiles, tag pages and GET /posts/{id}; their rows stay.
ALTER TABLE posts ADD COLUMN hidden boolean NOT NULL DEFAULT false;
ALTER TABLE posts ADD COLUMN hidden_by text CHECK (hidden_by IN ('reports', 'operator'));
ALTER TABLE posts ADD COLUMN moderated_at timestamptz;
CREATE INDEX posts_pending_review ON posts (id) WHERE hidden AND moderated_at IS NULL;

CREATE TABLE reports (
    id          bigserial   PRIMARY KEY,
    reporter_id bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    target_kind text        NOT NULL CHECK (target_kind IN ('post', 'user')),
    target_id   bigint      NOT NULL,
    reason      text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (target_kind, target_id, reporter_id)
);

-- Flows: what a session started from picks its flow; steps store more than artifacts and events in results.
ALTER TABLE sessions ADD COLUMN kind text NOT NULL DEFAULT 'prompt' CHECK (kind IN ('voice', 'prompt', 'lipsync'));
UPDATE sessions SET kind = 'voice' WHERE EXISTS (SELECT 1 FROM artifacts WHERE artifacts.session_id = sessions.id AND artifacts.role = 'input-audio');
UPDATE sessions SET kind = 'lipsync' WHERE EXISTS (SELECT 1 FROM artifacts WHERE artifacts.session_id = sessions.id AND artifacts.role = 'input-speech');
ALTER TABLE sessions ADD COLUMN results jsonb NOT NULL DEFAULT '{}'::jsonb;

-- Owners: the principal that created a session owns it and its artifacts ('dev' until authentication exists).
ALTER TABLE sessions ADD COLUMN owner text NOT NULL DEFAULT 'dev';
ALTER TABLE artifacts ADD COLUMN owner text NOT NULL DEFAULT 'dev';
CREATE INDEX sessions_of_owner_newest_first ON sessions (owner, created_at DESC, id DESC);
-- A person's avatars are their generated portraits, newest first.
CREATE INDEX artifacts_of_owner_by_role ON artifacts (owner, role, created_at DESC, id DESC);

-- GPU seconds a step paid for (a render), for the cost estimate.
ALTER TABLE steps ADD COLUMN gpu_seconds double precision NULL;

-- Web-search answers, kept so an identical question within the reuse window is not paid for again.
CREATE TABLE answers (
    owner        text        NOT NULL,
    question_key text        NOT NULL,
    session_id   uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    model        text        NOT NULL,
    answer       jsonb       NOT NULL,
    created_at   timestamptz NOT NULL
);
CREATE INDEX answers_newest_per_question ON answers (owner, question_key, created_at DESC);

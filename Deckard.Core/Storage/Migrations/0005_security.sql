-- Deckard-issued API keys. Only a SHA-256 of the key is kept: a key is shown once, when it is created.
CREATE TABLE api_keys (
    id           uuid        PRIMARY KEY,
    principal    text        NOT NULL CHECK (principal ~ '^[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}$'),
    name         text        NOT NULL,
    prefix       text        NOT NULL,
    key_hash     bytea       NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz NULL
);

-- What a principal spent on sessions that no longer exist (deleted by them or by retention), per UTC day, so a
-- deleted session still counts against the day's budget.
CREATE TABLE spend_ledger (
    owner        text             NOT NULL,
    day          date             NOT NULL,
    tokens       bigint           NOT NULL DEFAULT 0,
    gpu_seconds  double precision NOT NULL DEFAULT 0,
    PRIMARY KEY (owner, day)
);

-- When the person confirmed they may upload this voice (null: no voice, or consent not asked for).
ALTER TABLE sessions ADD COLUMN voice_consent_at timestamptz NULL;

-- Every read is scoped to an owner: their sessions newest first, their active ones, today's spend.
CREATE INDEX sessions_owner_newest ON sessions (owner, created_at DESC, id DESC);
-- Retention deletes finished sessions oldest first.
CREATE INDEX sessions_finished ON sessions (finished_at) WHERE finished_at IS NOT NULL;

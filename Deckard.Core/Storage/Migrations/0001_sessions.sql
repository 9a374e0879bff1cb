-- Sessions, their steps, their events (a per-session sequence), their artifacts, and the outbox that feeds Redis.
CREATE TABLE sessions (
    id               uuid PRIMARY KEY,
    status           text        NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
    prompt           text        NULL,
    transcript       text        NULL,
    intent           text        NULL CHECK (intent IN ('avatar', 'conversation', 'search')),
    intent_arguments jsonb       NULL,
    options          jsonb       NOT NULL DEFAULT '{}'::jsonb,
    error            text        NULL,
    last_event_seq   bigint      NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    finished_at      timestamptz NULL
);
CREATE INDEX sessions_newest_first ON sessions (created_at DESC, id DESC);

CREATE TABLE steps (
    session_id    uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    name          text        NOT NULL,
    state         text        NOT NULL CHECK (state IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
    attempts      integer     NOT NULL DEFAULT 0,
    input         jsonb       NULL,
    output        jsonb       NULL,
    error         text        NULL,
    model         text        NULL,
    input_tokens  integer     NULL,
    output_tokens integer     NULL,
    total_tokens  integer     NULL,
    created_at    timestamptz NOT NULL,
    started_at    timestamptz NULL,
    finished_at   timestamptz NULL,
    PRIMARY KEY (session_id, name)
);

CREATE TABLE events (
    session_id uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq        bigint      NOT NULL,
    type       text        NOT NULL,
    data       jsonb       NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (session_id, seq)
);

CREATE TABLE artifacts (
    id           uuid        PRIMARY KEY,
    session_id   uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    kind         text        NOT NULL CHECK (kind IN ('audio', 'image', 'video', 'transcript')),
    role         text        NOT NULL,
    content_type text        NOT NULL,
    size_bytes   bigint      NOT NULL,
    data         bytea       NOT NULL,
    created_at   timestamptz NOT NULL,
    -- A step writes each of its artifacts once, however often it runs.
    UNIQUE (session_id, role)
);

CREATE TABLE outbox (
    id           bigserial   PRIMARY KEY,
    session_id   uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    step         text        NOT NULL,
    trace_parent text        NULL,
    available_at timestamptz NOT NULL,
    created_at   timestamptz NOT NULL,
    sent_at      timestamptz NULL
);
CREATE INDEX outbox_unsent ON outbox (available_at, id) WHERE sent_at IS NULL;

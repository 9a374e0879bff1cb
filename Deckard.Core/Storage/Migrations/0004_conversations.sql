-- A conversation session is live ('conversing') between running and its end.
ALTER TABLE sessions DROP CONSTRAINT sessions_status_check;
ALTER TABLE sessions ADD CONSTRAINT sessions_status_check
    CHECK (status IN ('queued', 'running', 'conversing', 'completed', 'failed', 'cancelled'));

-- A session may run one step many times (a lip-sync render per conversation turn): each run is an instance of the
-- step with its own input and artifacts. The flow's own runs keep the empty instance.
ALTER TABLE steps ADD COLUMN instance text NOT NULL DEFAULT '';
ALTER TABLE steps DROP CONSTRAINT steps_pkey;
ALTER TABLE steps ADD PRIMARY KEY (session_id, name, instance);
ALTER TABLE outbox ADD COLUMN instance text NOT NULL DEFAULT '';

-- One row per assistant reply of a conversation: both transcripts and the reply's captured audio.
CREATE TABLE turns (
    session_id           uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    number               integer     NOT NULL CHECK (number > 0),
    user_transcript      text        NULL,
    assistant_transcript text        NULL,
    audio_artifact_id    uuid        NULL REFERENCES artifacts (id) ON DELETE SET NULL,
    audio_ms             integer     NOT NULL,
    interrupted          boolean     NOT NULL,
    complete             boolean     NOT NULL,
    created_at           timestamptz NOT NULL,
    PRIMARY KEY (session_id, number)
);

-- A live conversation's heartbeat: the Api touches it while a browser is connected, so an abandoned one can be ended.
ALTER TABLE sessions ADD COLUMN live_at timestamptz NULL;

-- The trace of the request that created a session, so a person can go from a session to its trace.
ALTER TABLE sessions ADD COLUMN trace_id text NULL CHECK (trace_id ~ '^[0-9a-f]{32}$');

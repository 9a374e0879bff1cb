-- The quota check before every new session read a principal's active sessions through an index over all their
-- sessions, and today's spend by summing the steps of today's sessions: both grew with the principal's history.
-- Active sessions now have an index of their own, and spend_ledger becomes the running total of each principal's
-- spend per UTC day, added to whenever a step's usage is stored (and no longer when a session is deleted).
CREATE INDEX sessions_active_of_owner ON sessions (owner) WHERE status IN ('queued', 'running', 'conversing');

-- 0005 made a second copy of 0003's sessions_of_owner_newest_first: one fewer index to write on every session insert.
DROP INDEX IF EXISTS sessions_owner_newest;

-- Today's and yesterday's spend so far, which the ledger did not hold yet (it held only deleted sessions' spend).
INSERT INTO spend_ledger (owner, day, tokens, gpu_seconds)
SELECT s.owner, (s.created_at AT TIME ZONE 'UTC')::date,
       coalesce(sum(coalesce(st.total_tokens, coalesce(st.input_tokens, 0) + coalesce(st.output_tokens, 0))), 0),
       coalesce(sum(st.gpu_seconds), 0)
FROM sessions s JOIN steps st ON st.session_id = s.id
WHERE s.created_at >= (now() AT TIME ZONE 'UTC')::date - 1
GROUP BY s.owner, (s.created_at AT TIME ZONE 'UTC')::date
ON CONFLICT (owner, day) DO UPDATE
    SET tokens = spend_ledger.tokens + excluded.tokens, gpu_seconds = spend_ledger.gpu_seconds + excluded.gpu_seconds;

COMMENT ON TABLE spend_ledger IS 'Each principal''s spend per UTC day (model tokens, GPU seconds), added to as steps store their usage; kept when sessions are deleted.';

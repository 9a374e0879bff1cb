-- A step's result is stored in one batch, one round trip, committed as PostgreSQL's implicit transaction. Its first
-- statement completes the step only while the attempt that claimed it still holds it; when it does not (the step was
-- reclaimed by another worker, or the session ended), the statement calls this, and the whole batch rolls back.
CREATE FUNCTION deckard_step_overtaken() RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the step was overtaken: another attempt holds it, or its session has ended' USING ERRCODE = 'DK001';
END
$$;

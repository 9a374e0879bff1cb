-- Media bytes are stored uncompressed out of line: PostgreSQL's pglz gains nothing on audio, images and video, and an
-- uncompressed TOAST value lets substring() read just the slice asked for, so a Range request or a chunk of a large
-- video touches only its own pages.
ALTER TABLE artifacts ALTER COLUMN data SET STORAGE EXTERNAL;

-- With Media:Storage:Provider S3 the bytes live in a bucket and the row keeps the object's key instead.
ALTER TABLE artifacts ALTER COLUMN data DROP NOT NULL;
ALTER TABLE artifacts ADD COLUMN storage_key text;
ALTER TABLE artifacts ADD CONSTRAINT artifacts_bytes_somewhere CHECK ((data IS NULL) <> (storage_key IS NULL));

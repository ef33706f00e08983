-- Who may see an indexed chunk: the job it was written in (goal, reflection, meeting-prep,
-- mentor-feedback) and whether it is private to that job (a private stage's answer, the private
-- sections of an artefact, what got in the way of a commitment). Chunks written before carry neither,
-- so the catalogue (derived data) is emptied and the index rebuilds itself from the records.
ALTER TABLE index_chunks ADD COLUMN job TEXT;
ALTER TABLE index_chunks ADD COLUMN private INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1));
DELETE FROM index_chunks;
DELETE FROM feed_cursors WHERE name = 'retrieval-index';

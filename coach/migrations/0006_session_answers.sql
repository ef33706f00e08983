-- The final, accepted answer of each stage of a finished session, as JSON {stage id: text}.
-- What was typed and then refused or rewritten stays in turns; only these answers are indexed and compared.
ALTER TABLE sessions ADD COLUMN answers TEXT;

-- A session in which the safety gate stopped the routine flow: the category it saw (suicide, self_harm...).
-- Such a session stays the person's, but is never indexed, recalled, counted as a theme or sent to a model.
ALTER TABLE sessions ADD COLUMN safety TEXT;

-- Renegotiated commitments: keep (a new date; the first one agreed is kept in original_due), shrink (a new,
-- smaller commitment whose replaces_id names the one it replaces, which becomes 'dropped') and drop (status
-- 'dropped', with the reason if one was given). SQLite cannot change a CHECK constraint in place, so the
-- table is rebuilt the documented way (create, copy, drop, rename), then its index and the change-feed
-- triggers that dropping it removed are made again. Nothing is re-fed: no record's content changed.
CREATE TABLE commitments_new (
    id INTEGER PRIMARY KEY,
    profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    goal_id INTEGER REFERENCES goals(id) ON DELETE SET NULL,
    text TEXT NOT NULL,
    due TEXT,
    status TEXT NOT NULL CHECK (status IN ('open', 'done', 'partial', 'missed', 'dropped')),
    made_in_session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
    reviewed_in_session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
    obstacle TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    replaces_id INTEGER REFERENCES commitments(id) ON DELETE SET NULL,
    original_due TEXT,
    drop_reason TEXT
);
INSERT INTO commitments_new (
    id, profile_id, goal_id, text, due, status, made_in_session_id, reviewed_in_session_id, obstacle,
    created_at, updated_at
)
SELECT
    id, profile_id, goal_id, text, due, status, made_in_session_id, reviewed_in_session_id, obstacle,
    created_at, updated_at
FROM commitments;
DROP TABLE commitments;
ALTER TABLE commitments_new RENAME TO commitments;

CREATE INDEX commitments_profile ON commitments(profile_id, status, due);
CREATE INDEX commitments_replaces ON commitments(replaces_id);

CREATE TRIGGER commitments_insert AFTER INSERT ON commitments BEGIN
    INSERT INTO changes (entity, entity_id, profile_id, op) VALUES ('commitment', NEW.id, NEW.profile_id, 'upsert');
END;
CREATE TRIGGER commitments_update AFTER UPDATE ON commitments BEGIN
    INSERT INTO changes (entity, entity_id, profile_id, op) VALUES ('commitment', NEW.id, NEW.profile_id, 'upsert');
END;
CREATE TRIGGER commitments_delete AFTER DELETE ON commitments BEGIN
    INSERT INTO changes (entity, entity_id, profile_id, op) VALUES ('commitment', OLD.id, OLD.profile_id, 'delete');
END;

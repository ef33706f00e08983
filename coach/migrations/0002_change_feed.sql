-- The change feed: every write to an indexed record is logged here, by trigger, so the index can follow.
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    entity TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    profile_id INTEGER,
    op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX changes_entity ON changes(entity, entity_id);

-- Followers (the retrieval index) record how far they have read.
CREATE TABLE feed_cursors (name TEXT PRIMARY KEY, seq INTEGER NOT NULL);

CREATE TRIGGER goals_insert AFTER INSERT ON goals BEGIN
    INSERT INTO changes (entity, entity_id, profile_id, op) VALUES ('goal', NEW.id, NEW.profile_id, 'upsert');
END;
CREATE TRIGGER goals_update AFTER UPDATE ON goals BEGIN
    INSERT INTO changes (entity, entity_id, profile_id, op) VALUES ('goal', NEW.id, NEW.profile_id, 'upsert');
END;
CREATE TRIGGER goals_delete AFTER DELETE ON goals BEGIN
    INSERT INTO changes (entity, entity_id, profile_id, op) VALUES ('goal', OLD.id, OLD.profile_id, 'delete');
END;
CREATE TRIGGER commitments_insert AFTER INSERT ON commitments BEGIN
    INSERT INTO changes (entity, entity_id, profile_id, op) VALUES ('commitment', NEW.id, NEW.profile_id, 'upsert');
END;
CREATE TRIGGER commitments_update AFTER UPDATE ON commitments BEGIN
    INSERT INTO changes (entity, entity_id, profile_id, op) VALUES ('commitment', NEW.id, NEW.profile_id, 'upsert');
END;
CREATE TRIGGER commitments_delete AFTER DELETE ON commitments BEGIN
    INSERT INTO changes (entity, entity_id, profile_id, op) VALUES ('commitment', OLD.id, OLD.profile_id, 'delete');
END;
CREATE TRIGGER sessions_insert AFTER INSERT ON sessions BEGIN
    INSERT INTO changes (entity, entity_id, profile_id, op) VALUES ('session', NEW.id, NEW.profile_id, 'upsert');
END;
CREATE TRIGGER sessions_update AFTER UPDATE ON sessions BEGIN
    INSERT INTO changes (entity, entity_id, profile_id, op) VALUES ('session', NEW.id, NEW.profile_id, 'upsert');
END;
CREATE TRIGGER sessions_delete AFTER DELETE ON sessions BEGIN
    INSERT INTO changes (entity, entity_id, profile_id, op) VALUES ('session', OLD.id, OLD.profile_id, 'delete');
END;
CREATE TRIGGER meetings_insert AFTER INSERT ON meetings BEGIN
    INSERT INTO changes (entity, entity_id, profile_id, op) VALUES ('meeting', NEW.id, NEW.profile_id, 'upsert');
END;
CREATE TRIGGER meetings_update AFTER UPDATE ON meetings BEGIN
    INSERT INTO changes (entity, entity_id, profile_id, op) VALUES ('meeting', NEW.id, NEW.profile_id, 'upsert');
END;
CREATE TRIGGER meetings_delete AFTER DELETE ON meetings BEGIN
    INSERT INTO changes (entity, entity_id, profile_id, op) VALUES ('meeting', OLD.id, OLD.profile_id, 'delete');
END;
CREATE TRIGGER turns_insert AFTER INSERT ON turns BEGIN
    INSERT INTO changes (entity, entity_id, profile_id, op)
    SELECT 'session', s.id, s.profile_id, 'upsert' FROM sessions s WHERE s.id = NEW.session_id;
END;
CREATE TRIGGER turns_update AFTER UPDATE ON turns BEGIN
    INSERT INTO changes (entity, entity_id, profile_id, op)
    SELECT 'session', s.id, s.profile_id, 'upsert' FROM sessions s WHERE s.id = NEW.session_id;
END;
CREATE TRIGGER turns_delete AFTER DELETE ON turns BEGIN
    INSERT INTO changes (entity, entity_id, profile_id, op)
    SELECT 'session', s.id, s.profile_id, 'upsert' FROM sessions s WHERE s.id = OLD.session_id;
END;

-- Records written before the feed existed are fed once, so a follower sees them too.
INSERT INTO changes (entity, entity_id, profile_id, op) SELECT 'goal', id, profile_id, 'upsert' FROM goals;
INSERT INTO changes (entity, entity_id, profile_id, op) SELECT 'commitment', id, profile_id, 'upsert' FROM commitments;
INSERT INTO changes (entity, entity_id, profile_id, op) SELECT 'session', id, profile_id, 'upsert' FROM sessions;
INSERT INTO changes (entity, entity_id, profile_id, op) SELECT 'meeting', id, profile_id, 'upsert' FROM meetings;

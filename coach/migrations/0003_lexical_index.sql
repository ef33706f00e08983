-- The retrieval catalogue: every indexed chunk (derived data, rebuilt from the records at will),
-- with an FTS5 index beside the vectors so names, dates and rare words are found by their letters.
CREATE TABLE index_chunks (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('knowledge', 'history')),
    profile_id INTEGER,
    source TEXT NOT NULL,
    title TEXT NOT NULL,
    date TEXT,
    citation TEXT NOT NULL,
    text TEXT NOT NULL,
    digest TEXT NOT NULL
);
CREATE INDEX index_chunks_source ON index_chunks(source);
CREATE INDEX index_chunks_scope ON index_chunks(kind, profile_id);

-- One FTS table per kind, so a search of the notes never walks the postings of everyone's history.
CREATE VIRTUAL TABLE fts_knowledge USING fts5(
    title, text, content = 'index_chunks', content_rowid = 'rowid',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE fts_history USING fts5(
    title, text, content = 'index_chunks', content_rowid = 'rowid',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER index_chunks_ai_knowledge AFTER INSERT ON index_chunks WHEN NEW.kind = 'knowledge' BEGIN
    INSERT INTO fts_knowledge (rowid, title, text) VALUES (NEW.rowid, NEW.title || ' ' || NEW.citation, NEW.text);
END;
CREATE TRIGGER index_chunks_ad_knowledge AFTER DELETE ON index_chunks WHEN OLD.kind = 'knowledge' BEGIN
    INSERT INTO fts_knowledge (fts_knowledge, rowid, title, text)
        VALUES ('delete', OLD.rowid, OLD.title || ' ' || OLD.citation, OLD.text);
END;
CREATE TRIGGER index_chunks_au_knowledge AFTER UPDATE ON index_chunks WHEN OLD.kind = 'knowledge' BEGIN
    INSERT INTO fts_knowledge (fts_knowledge, rowid, title, text)
        VALUES ('delete', OLD.rowid, OLD.title || ' ' || OLD.citation, OLD.text);
    INSERT INTO fts_knowledge (rowid, title, text) VALUES (NEW.rowid, NEW.title || ' ' || NEW.citation, NEW.text);
END;
CREATE TRIGGER index_chunks_ai_history AFTER INSERT ON index_chunks WHEN NEW.kind = 'history' BEGIN
    INSERT INTO fts_history (rowid, title, text) VALUES (NEW.rowid, NEW.title || ' ' || NEW.citation, NEW.text);
END;
CREATE TRIGGER index_chunks_ad_history AFTER DELETE ON index_chunks WHEN OLD.kind = 'history' BEGIN
    INSERT INTO fts_history (fts_history, rowid, title, text)
        VALUES ('delete', OLD.rowid, OLD.title || ' ' || OLD.citation, OLD.text);
END;
CREATE TRIGGER index_chunks_au_history AFTER UPDATE ON index_chunks WHEN OLD.kind = 'history' BEGIN
    INSERT INTO fts_history (fts_history, rowid, title, text)
        VALUES ('delete', OLD.rowid, OLD.title || ' ' || OLD.citation, OLD.text);
    INSERT INTO fts_history (rowid, title, text) VALUES (NEW.rowid, NEW.title || ' ' || NEW.citation, NEW.text);
END;

-- Small facts about this data home, such as its id (it names the collections on a shared Chroma server).
CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO store_meta VALUES ('home_id', lower(hex(randomblob(8))));

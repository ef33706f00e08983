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

CREATE VIRTUAL TABLE index_fts USING fts5(
    title, text, content = 'index_chunks', content_rowid = 'rowid', tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER index_chunks_ai AFTER INSERT ON index_chunks BEGIN
    INSERT INTO index_fts (rowid, title, text) VALUES (NEW.rowid, NEW.title || ' ' || NEW.citation, NEW.text);
END;
CREATE TRIGGER index_chunks_ad AFTER DELETE ON index_chunks BEGIN
    INSERT INTO index_fts (index_fts, rowid, title, text) VALUES ('delete', OLD.rowid, OLD.title || ' ' || OLD.citation, OLD.text);
END;
CREATE TRIGGER index_chunks_au AFTER UPDATE ON index_chunks BEGIN
    INSERT INTO index_fts (index_fts, rowid, title, text)
        VALUES ('delete', OLD.rowid, OLD.title || ' ' || OLD.citation, OLD.text);
    INSERT INTO index_fts (rowid, title, text) VALUES (NEW.rowid, NEW.title || ' ' || NEW.citation, NEW.text);
END;

-- Small facts about this data home, such as its id (it names the collections on a shared Chroma server).
CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO store_meta VALUES ('home_id', lower(hex(randomblob(8))));

-- The first schema: profiles, goals, milestones, commitments, sessions with turns, meetings.
CREATE TABLE profiles (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('member', 'mentor')),
    created_at TEXT NOT NULL
);

CREATE TABLE goals (
    id INTEGER PRIMARY KEY,
    profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    why TEXT,
    measure TEXT,
    target TEXT,
    due TEXT,
    status TEXT NOT NULL CHECK (status IN ('active', 'at-risk', 'done', 'dropped')),
    framework TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX goals_profile ON goals(profile_id, status);

CREATE TABLE milestones (
    id INTEGER PRIMARY KEY,
    goal_id INTEGER NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    due TEXT,
    done INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    group_name TEXT NOT NULL,
    date TEXT NOT NULL,
    brief TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('goal', 'reflection', 'meeting-prep', 'mentor-feedback', 'chat')),
    framework TEXT,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    mood INTEGER CHECK (mood BETWEEN 1 AND 5),
    tags TEXT NOT NULL DEFAULT '[]',
    summary TEXT,
    goal_id INTEGER REFERENCES goals(id) ON DELETE SET NULL,
    meeting_id INTEGER REFERENCES meetings(id) ON DELETE SET NULL
);
CREATE INDEX sessions_profile ON sessions(profile_id, started_at);

CREATE TABLE turns (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('coach', 'user', 'system')),
    stage TEXT,
    text TEXT NOT NULL,
    citations TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    UNIQUE (session_id, position)
);

CREATE TABLE commitments (
    id INTEGER PRIMARY KEY,
    profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    goal_id INTEGER REFERENCES goals(id) ON DELETE SET NULL,
    text TEXT NOT NULL,
    due TEXT,
    status TEXT NOT NULL CHECK (status IN ('open', 'done', 'partial', 'missed')),
    made_in_session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
    reviewed_in_session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
    obstacle TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX commitments_profile ON commitments(profile_id, status, due);

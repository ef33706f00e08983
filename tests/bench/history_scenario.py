"""Seeded reflection-journal history for the retrieval bench and eval, with planted facts to find."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from coach.models import Commitment, Session, Turn
from coach.store import Store

TURNS_PER_SESSION = 5
STAGES = ("what", "feelings", "so what", "obstacles", "now what")
COACH_PROMPTS = {
    "what": "What happened since we last spoke?",
    "feelings": "How did you feel about it?",
    "so what": "What does that tell you?",
    "obstacles": "What got in the way?",
    "now what": "What will you do next, and by when?",
}
HISTORY_START = date(2024, 3, 1)
HISTORY_DAYS = 730

# Words the planted facts rely on never appear in the generated distractors, so each answer is unique.
NAMES = (
    "Priya", "Tom", "Aisha", "Daniel", "Mei", "Jonas", "Fatima", "Luca", "Sofia", "Kwame", "Hannah", "Raj",
    "Elena", "Marcus", "Yuki", "Omar", "Chloe", "Ben", "Nadia", "Sam", "Grace", "Tariq", "Leah", "Diego",
    "Anika", "Pete", "Rosa", "Ivan", "Zoe", "Felix", "Maya", "Hugo", "Amara", "Kenji", "Olga", "Theo",
)  # fmt: skip
ROLES = (
    "my manager", "my mentor", "the team lead", "a peer from the mastermind group", "the product owner",
    "a new hire", "the client", "my skip-level manager", "the head of design", "our finance partner",
)  # fmt: skip
PROJECTS = (
    "the onboarding revamp", "the billing migration", "the Q3 roadmap", "the mobile release",
    "the data warehouse move", "the hiring plan", "the customer survey", "the API redesign",
    "the budget review", "the support backlog", "the design system", "the analytics dashboard",
    "the partner integration", "the quarterly report", "the grant application", "the pricing experiment",
    "the accessibility audit", "the search relaunch", "the vendor contract", "the internal wiki cleanup",
)  # fmt: skip
ARTIFACTS = (
    "budget deck", "hiring plan", "project brief", "status report", "retro notes", "roadmap slides",
    "survey results", "proposal", "release notes", "risk register", "interview scorecard", "sales deck",
    "launch checklist", "meeting notes", "training slides", "one-page summary",
)  # fmt: skip
CITIES = (
    "Berlin", "Madrid", "Dublin", "Warsaw", "Amsterdam", "Prague", "Vienna", "Milan", "Oslo", "Edinburgh",
)  # fmt: skip
EVENTS = ("workshop", "offsite", "conference", "training day", "hackathon", "kickoff", "all-hands", "retreat")
FEELINGS = (
    "anxious", "relieved", "frustrated", "proud", "tired", "energised", "overwhelmed", "calm", "uncertain",
    "hopeful", "irritated", "motivated", "flat", "nervous", "content", "stretched thin", "grateful",
    "restless", "defensive", "curious",
)  # fmt: skip
OBSTACLES = (
    "back-to-back meetings", "a sick child at home", "the release crunch", "my own perfectionism",
    "unclear priorities", "slow approvals from procurement", "a bad cold", "two days of travel",
    "a late change from the client", "constant chat notifications", "a broken laptop",
    "waiting on legal", "saying yes to too many side requests", "a reorg rumour", "poor sleep",
)  # fmt: skip
TOPICS = (
    "delegation", "giving feedback", "prioritisation", "public speaking", "stakeholder management",
    "career growth", "estimating work", "running better meetings", "saying no", "mentoring juniors",
    "time blocking", "negotiation", "writing clearly", "handling conflict", "work-life balance",
)  # fmt: skip
HABITS = (
    "a walk at lunch", "two deep-work blocks a week", "a Friday weekly review", "reading before bed",
    "a five-minute plan each morning", "declining optional meetings", "batching email twice a day",
    "a short retro after each meeting", "turning off notifications after six", "a standing desk afternoon",
)  # fmt: skip
LESSONS = (
    "asking early saves more time than polishing alone",
    "I underestimate how long reviews take",
    "people respond better to a draft than to a blank page",
    "I avoid hard conversations until they are urgent",
    "clear owners matter more than clear deadlines",
    "I do my best thinking before ten in the morning",
    "I say yes too quickly when someone senior asks",
    "small wins keep the team going more than big speeches",
    "writing the decision down stops the same debate happening twice",
    "I need to check assumptions with the client before building anything",
)  # fmt: skip
ACTIONS = (
    "send the {artifact} to {name}", "book a two-hour focus block for {project}",
    "ask {role} for feedback on the {artifact}", "draft the agenda for the {event}",
    "finish the {artifact} for {project}", "follow up with {name} about {project}",
    "block Friday afternoons for {topic}", "pair with {name} on {project}", "try {habit} for two weeks",
    "write up the lessons from {project}", "set up a one-to-one with {name}",
    "share the {artifact} with {role}", "prepare three questions for {role} about {topic}",
)  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")

TEMPLATES: dict[str, tuple[str, ...]] = {
    "what": (
        "This week I spent most of my time on {project}.",
        "{name} and I met on {weekday} to go through the {artifact}.",
        "The main thing that happened was the {event} in {city}, where I ran a session on {topic}.",
        "{name} asked me to take over {project} while they are away until {date}.",
        "I had my one-to-one with {role} and we talked mostly about {topic}.",
        "On {date} I presented the {artifact} to {role}.",
        "I only got to the {artifact} late on {weekday} afternoon.",
        "We shipped the first part of {project}, two weeks later than planned.",
        "{role} joined our stand-up and asked a lot of questions about {project}.",
        "I spent {weekday} morning untangling {project} with {name}.",
        "There was a long thread about the {artifact} and I stayed out of it until {weekday}.",
        "I gave {name} feedback on the {artifact} for the first time.",
    ),
    "feelings": (
        "I felt {feeling} going in and {feeling2} coming out.",
        "Honestly I was {feeling}, mostly because of {obstacle}.",
        "I noticed I got {feeling} when {name} questioned the {artifact}.",
        "By {weekday} I was {feeling}; {obstacle} ate most of my focus time.",
        "I was more {feeling} than I expected about {project}.",
        "Mostly {feeling}, with a bit of {feeling2} underneath.",
        "I caught myself feeling {feeling} before the {event} even started.",
        "It left me {feeling}, and I carried that into the evening.",
    ),
    "so what": (
        "Looking back, I learned that {lesson}.",
        "What went well was the prep with {name}; what did not was the follow-up on {project}.",
        "The pattern I keep seeing is that {lesson}.",
        "{name} pointed out that {lesson}, and I think that is fair.",
        "It matters because {project} depends on me getting better at {topic}.",
        "I think {habit} helped more than I admit.",
        "If I am honest, {topic} is the skill I keep avoiding.",
        "Compared with last quarter I am handling {topic} better.",
    ),
    "obstacles": (
        "What got in the way was {obstacle}.",
        "{obstacle} again; I lost about {hours} hours to it.",
        "The biggest blocker was {obstacle}, and I did not ask for help soon enough.",
        "Between {obstacle} and {obstacle2} there was little time left for {project}.",
        "I let {obstacle} push the {artifact} back to {weekday}.",
        "Nothing dramatic, just {obstacle} and a full calendar.",
    ),
    "now what": (
        "Next week I will {action} by {weekday}.",
        "I am committing to {action} before {date}.",
        "I told {name} I would {action}.",
        "For the {event} in {city} I will {action}.",
        "One small step: {action}.",
        "I will {action} and check in with {role} on {weekday}.",
        "By {date} I want to {action}.",
    ),
}
# The bench's search queries: a mix of history questions and knowledge-note questions.
QUERY_TEMPLATES = (
    "When did I feel {feeling} about {project}?",
    "What did I promise {name}?",
    "What got in the way of {project}?",
    "What did I learn about {topic}?",
    "What did I commit to for the {event} in {city}?",
    "How did the {artifact} go with {role}?",
    "Times I mentioned {obstacle}",
    "{name} feedback on the {artifact}",
    "How do I get better at {topic}?",
    "What does a good mentor do about {topic}?",
    "How should I run a mastermind hot seat?",
    "How do I set a goal I will actually keep?",
    "What is the GROW model?",
    "Tips for {topic} with a mentee",
)


class JournalWriter:
    """Writes varied, plausible reflection-journal sessions from a seeded random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def _date_phrase(self, day: date) -> str:
        when = day + timedelta(days=self.rng.randint(-7, 40))
        if when.month == 3 and when.day == 14:  # reserved for a planted fact
            when += timedelta(days=1)
        text = f"{when.day} {when:%B}"
        return f"{text} {when.year}" if self.rng.random() < 0.35 else text

    def fill(self, template: str, day: date) -> str:
        r = self.rng
        feeling, feeling2 = r.sample(FEELINGS, 2)
        obstacle, obstacle2 = r.sample(OBSTACLES, 2)
        values = {
            "name": r.choice(NAMES),
            "role": r.choice(ROLES),
            "project": r.choice(PROJECTS),
            "artifact": r.choice(ARTIFACTS),
            "city": r.choice(CITIES),
            "event": r.choice(EVENTS),
            "feeling": feeling,
            "feeling2": feeling2,
            "obstacle": obstacle,
            "obstacle2": obstacle2,
            "topic": r.choice(TOPICS),
            "habit": r.choice(HABITS),
            "lesson": r.choice(LESSONS),
            "weekday": r.choice(WEEKDAYS),
            "hours": str(r.randint(2, 9)),
            "date": self._date_phrase(day),
        }
        values["action"] = r.choice(ACTIONS).format(**values)
        text = template.format(**values)
        return text[0].upper() + text[1:]

    def answer(self, stage: str, day: date) -> str:
        """One user answer of two to four sentences for a stage."""
        pool = TEMPLATES[stage]
        picks = self.rng.sample(pool, k=min(len(pool), self.rng.randint(2, 4)))
        return " ".join(self.fill(t, day) for t in picks)

    def session(
        self, profile_id: int, when: datetime, n_turns: int = TURNS_PER_SESSION, planted: Turn | None = None
    ) -> Session:
        """A reflection with n_turns user answers (each one chunk), each after the coach's question."""
        turns: list[Turn] = []
        for i in range(n_turns):
            stage = STAGES[i % len(STAGES)]
            turns.append(Turn(role="coach", stage=stage, text=COACH_PROMPTS[stage]))
            if planted is not None and planted.stage == stage:
                turns.append(planted)
            else:
                turns.append(Turn(role="user", stage=stage, text=self.answer(stage, when.date())))
        tags = self.rng.sample(["work", "team", "growth", "health", "family", "career", "mentoring"], k=2)
        # ended: only a finished session's final answers are indexed
        ended = when + timedelta(minutes=20)
        return Session(
            profile_id=profile_id, kind="reflection", started_at=when, ended_at=ended, tags=tags, turns=turns
        )

    def moments(self, count: int, start: date = HISTORY_START, days: int = HISTORY_DAYS) -> list[datetime]:
        """Sorted session times spread over the period, in the evening or at lunch."""
        out = []
        for _ in range(count):
            day = start + timedelta(days=self.rng.randrange(days))
            clock = time(self.rng.choice((7, 12, 13, 18, 19, 20, 21)), self.rng.randrange(60))
            out.append(datetime.combine(day, clock, tzinfo=UTC))
        return sorted(out)


def distractor_sessions(
    writer: JournalWriter,
    profile_id: int,
    n_chunks: int,
    start: date = HISTORY_START,
    days: int = HISTORY_DAYS,
) -> list[Session]:
    """Sessions making exactly n_chunks history chunks (one per user answer; no summaries)."""
    full, rest = divmod(n_chunks, TURNS_PER_SESSION)
    sizes = [TURNS_PER_SESSION] * full + ([rest] if rest else [])
    moments = writer.moments(len(sizes), start, days)
    return [writer.session(profile_id, when, size) for when, size in zip(moments, sizes, strict=True)]


def history_sessions(
    profile_id: int,
    n_chunks: int,
    seed: int = 2026,
    start: date = HISTORY_START,
    days: int = HISTORY_DAYS,
) -> list[Session]:
    """Unsaved sessions, oldest first, holding exactly n_chunks indexable chunks."""
    return distractor_sessions(JournalWriter(random.Random(seed)), profile_id, n_chunks, start, days)


def generate_history(
    store: Store,
    profile_id: int,
    n_chunks: int,
    seed: int = 2026,
    start: date = HISTORY_START,
    days: int = HISTORY_DAYS,
) -> list[int]:
    """Store sessions holding exactly n_chunks indexable chunks; returns their ids, oldest first."""
    return [
        store.sessions.start(s).id or 0 for s in history_sessions(profile_id, n_chunks, seed, start, days)
    ]


def sample_queries(n: int, seed: int = 2026) -> list[str]:
    """n varied search queries (history and knowledge questions), seeded."""
    rng = random.Random(seed)
    writer = JournalWriter(rng)
    today = HISTORY_START + timedelta(days=HISTORY_DAYS)
    return [writer.fill(QUERY_TEMPLATES[i % len(QUERY_TEMPLATES)], today) for i in range(n)]


# --- the planted scenario --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Plant:
    """A fact written into one user answer of one session, and the questions it answers."""

    key: str
    when: datetime
    stage: str
    text: str
    questions: tuple[str, ...] = ()
    commitment: str | None = None
    due: date | None = None


@dataclass(frozen=True)
class HistoryCase:
    key: str
    q: str
    expect: frozenset[str]
    """Source ids (e.g. "session:17") any one of which answers the question."""


@dataclass
class Scenario:
    profile_id: int
    other_profile_id: int
    cases: list[HistoryCase]
    own_sources: set[str] = field(default_factory=set)
    other_sources: set[str] = field(default_factory=set)
    planted: dict[str, str] = field(default_factory=dict)
    """Planted key -> session source id, for the first profile."""


def _at(y: int, m: int, d: int, hour: int = 19) -> datetime:
    return datetime(y, m, d, hour, 5, tzinfo=UTC)


PLANTS: tuple[Plant, ...] = (
    Plant(
        "pricing-deck",
        _at(2025, 9, 3),
        "now what",
        "I promised Marguerite I would send her the pricing deck by Thursday so she can take it to the "
        "regional sales meeting.",
        ("Who did I promise the pricing deck to?", "When was the pricing deck due and for whom?"),
    ),
    Plant(
        "lisbon-workshop",
        _at(2025, 5, 20),
        "now what",
        "For the Lisbon workshop I committed to writing the facilitation guide and running the opening "
        "exercise on stakeholder maps.",
        ("What did I commit to for the Lisbon workshop?",),
    ),
    Plant(
        "steering-date",
        _at(2026, 3, 16),
        "what",
        "On 14 March 2026 I finally presented the revised roadmap to the steering committee and they "
        "approved the second phase.",
        ("What happened on 14 March 2026?", "How did the steering committee react to the roadmap?"),
    ),
    Plant(
        "oncall-obstacle",
        _at(2025, 2, 11),
        "obstacles",
        "The thing that keeps derailing my certification study is the on-call rotation: every evening I "
        "block for studying gets eaten by pager alerts.",
        ("What keeps getting in the way of studying for my certification?",),
    ),
    Plant(
        "thaddeus-review",
        _at(2024, 11, 6, 12),
        "what",
        "Had coffee with Thaddeus from the platform team; he offered to read my design doc for the caching "
        "layer and poke holes in it.",
        ("Which colleague offered to review my caching design?", "What did Thaddeus offer to do?"),
    ),
    Plant(
        "board-exhausted",
        _at(2025, 1, 27),
        "feelings",
        "After the quarterly board presentation I was completely wiped out and slept most of the weekend; I "
        "had not realised how much adrenaline I was running on.",
        ("When did I feel exhausted after presenting to the board?",),
    ),
    Plant(
        "running-goal",
        _at(2025, 4, 2, 7),
        "now what",
        "My aim for the autumn is to run a half marathon in under two hours, so I am following a "
        "twelve-week plan with three runs a week.",
        ("What was my fitness goal?",),
    ),
    Plant(
        "mentor-interrupting",
        _at(2024, 9, 18),
        "so what",
        "Ingrid, my mentor, pointed out that I interrupt people in meetings when I get excited about an "
        "idea, and that quieter colleagues then stop contributing.",
        ("What did my mentor say about how I behave in meetings?",),
    ),
    Plant(
        "declined-offer",
        _at(2025, 7, 9),
        "so what",
        "I decided to turn down the offer from Northwind Analytics because the ninety-minute commute would "
        "swallow my evenings with the kids.",
        ("Why did I say no to the job offer?",),
    ),
    Plant(
        "journaling-calm",
        _at(2024, 6, 12, 7),
        "so what",
        "Writing in my journal at six in the morning, before anyone else is awake, has become the calmest "
        "part of my day.",
        ("Which morning routine has been helping me feel calm?",),
    ),
    Plant(
        "invoices",
        _at(2025, 10, 28),
        "now what",
        "I need to sort out the overdue freelance invoices; I will call the accountant before the twentieth.",
        ("Did I commit to anything about my freelance invoices?",),
        commitment="Call the accountant about the overdue freelance invoices",
        due=date(2025, 11, 20),
    ),
    Plant(
        "porto-launch",
        _at(2025, 12, 2),
        "what",
        "Rui and I argued about whether to delay the Porto launch; he thinks the translations are not "
        "ready, I think we are hiding behind them.",
        ("What was the disagreement about the Porto launch?",),
    ),
)

# The second profile holds similar-sounding facts: none of them may ever reach the first profile.
OTHER_PLANTS: tuple[Plant, ...] = (
    Plant(
        "pricing-deck",
        _at(2025, 9, 4),
        "now what",
        "Marguerite sent me the pricing deck to review and I promised to send comments back by Monday.",
    ),
    Plant(
        "lisbon-workshop",
        _at(2025, 5, 21),
        "now what",
        "For the Lisbon workshop I committed to booking the catering and confirming the venue.",
    ),
    Plant(
        "steering-date",
        _at(2026, 3, 15),
        "what",
        "On 14 March 2026 I had my annual performance review with the steering group; mostly positive.",
    ),
    Plant(
        "thaddeus-review",
        _at(2024, 11, 7),
        "what",
        "Thaddeus offered to review my caching design doc next week.",
    ),
    Plant(
        "running-goal",
        _at(2025, 4, 3),
        "now what",
        "I want to run a half marathon next spring, my first one.",
    ),
    Plant(
        "mentor-interrupting",
        _at(2024, 9, 19),
        "so what",
        "Ingrid told me I talk too fast in meetings when I present.",
    ),
    Plant(
        "declined-offer",
        _at(2025, 7, 10),
        "so what",
        "Northwind Analytics offered me a job and I said no to it.",
    ),
    Plant(
        "invoices",
        _at(2025, 10, 29),
        "now what",
        "I must chase the freelance invoices with the accountant.",
        commitment="Chase the freelance invoices with the accountant",
        due=date(2025, 11, 21),
    ),
)


def _store_profile(
    store: Store, writer: JournalWriter, name: str, plants: tuple[Plant, ...], n_chunks: int
) -> tuple[int, dict[str, str], dict[str, str]]:
    """One profile with distractor sessions and planted ones, stored in date order.

    Returns the profile id, planted key -> session source, planted key -> commitment source.
    """
    pid = store.profiles.add(name).id or 0
    sessions: list[tuple[datetime, str | None, Session]] = [
        (s.started_at or datetime.now(UTC), None, s) for s in distractor_sessions(writer, pid, n_chunks)
    ]
    for plant in plants:
        turn = Turn(role="user", stage=plant.stage, text=plant.text)
        sessions.append((plant.when, plant.key, writer.session(pid, plant.when, planted=turn)))
    sessions.sort(key=lambda item: item[0])
    by_key: dict[str, str] = {}
    commitments: dict[str, str] = {}
    for _, key, session in sessions:
        sid = store.sessions.start(session).id or 0
        if key is not None:
            by_key[key] = f"session:{sid}"
    for plant in plants:
        if plant.commitment:
            sid = int(by_key[plant.key].split(":")[1])
            item = Commitment(profile_id=pid, text=plant.commitment, due=plant.due, made_in_session_id=sid)
            commitments[plant.key] = f"commitment:{store.commitments.add(item).id}"
    return pid, by_key, commitments


def _sources(store: Store, profile_id: int) -> set[str]:
    out: set[str] = set()
    for table, entity in (("sessions", "session"), ("commitments", "commitment"), ("goals", "goal")):
        rows = store.db.query(f"SELECT id FROM {table} WHERE profile_id = ?", (profile_id,))
        out |= {f"{entity}:{r[0]}" for r in rows}
    return out


def _extra(found: dict[str, str], key: str) -> frozenset[str]:
    return frozenset({found[key]}) if key in found else frozenset()


def plant_scenario(
    store: Store, *, distractor_chunks: int = 2000, other_chunks: int = 500, seed: int = 1403
) -> Scenario:
    """Store two profiles: "Ana" with planted facts among distractors, "Bea" with look-alike facts.

    The cases ask about Ana's planted facts; each is answered by its session (or its commitment).
    """
    writer = JournalWriter(random.Random(seed))
    pid, planted, commitments = _store_profile(store, writer, "Ana", PLANTS, distractor_chunks)
    other, _, _ = _store_profile(store, writer, "Bea", OTHER_PLANTS, other_chunks)
    cases = [
        HistoryCase(plant.key, q, frozenset({planted[plant.key]}) | _extra(commitments, plant.key))
        for plant in PLANTS
        for q in plant.questions
    ]
    return Scenario(
        profile_id=pid,
        other_profile_id=other,
        cases=cases,
        own_sources=_sources(store, pid),
        other_sources=_sources(store, other),
        planted=planted,
    )

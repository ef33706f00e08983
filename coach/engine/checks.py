"""Named checks on an answer (SMART, WOOP, SBI, OKR and more); a failed check carries a follow-up question."""

from __future__ import annotations

import re
from collections.abc import Callable

from pydantic import BaseModel

from coach.dates import find_due


class CheckResult(BaseModel):
    check: str
    label: str
    ok: bool
    message: str = ""
    suggestion: str = ""


Finding = tuple[str, str] | None  # (what is wrong, a suggested rewrite) or None when the answer passes


def _words(text: str) -> list[str]:
    return re.findall(r"[\w']+", text.lower())


def _has(text: str, phrases: list[str]) -> list[str]:
    low = text.lower()
    return [p for p in phrases if re.search(rf"\b{re.escape(p)}\b", low)]


def _phrases(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


def _norm(text: str) -> str:
    return text.lower().replace("’", "'")


def _starts(words: str, phrase: str) -> bool:
    """Whether space-joined words begin with the phrase as whole words."""
    return words == phrase or words.startswith(f"{phrase} ")


_NUMBER_WORDS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "twenty",
    "thirty",
    "fifty",
    "hundred",
    "thousand",
    "dozen",
    "half",
    "double",
    "percent",
    "once",
    "twice",
]
_GOAL_VERBS_TEXT = """
get land run write finish launch build learn save lose sign grow hire ship complete publish read
start stop reach earn raise create find improve increase reduce cut make spend call send apply
practice practise train walk meet win pass move quit book plan prepare deliver double hit close
secure set become speak present mentor coach lead open sell buy pay repay clear visit join leave
take give teach study master cook swim cycle climb record release submit fix design test hold host
organise organize attend finalise finalize
"""
_GOAL_VERBS = set(_GOAL_VERBS_TEXT.split())
_PRONOUNS = ["i", "i'll", "i'm", "i've", "we", "we'll", "my team will"]
JUDGEMENTS = {
    "lazy": "say what was not done and when: 'the report was due Monday and arrived Wednesday'",
    "rude": "quote what was said or done: 'you spoke over Sam twice in the stand-up'",
    "careless": "name the mistake: 'three totals in the invoice were wrong'",
    "sloppy": "name the mistake: 'the slides had the old prices'",
    "arrogant": "describe the behaviour: 'you dismissed Ana's idea before she finished'",
    "unprofessional": "describe the behaviour: 'you arrived 20 minutes late to the client call'",
    "disrespectful": "quote what happened: 'you checked your phone while Li presented'",
    "selfish": "describe the action: 'you took the Friday slot without asking the team'",
    "incompetent": "name the specific outcome that fell short",
    "useless": "name the specific outcome that fell short",
    "aggressive": "quote the words or tone: 'you raised your voice when the budget came up'",
    "defensive": "describe the response: 'you explained why before hearing the whole point'",
    "unreliable": "list the commitments missed, with dates",
    "irresponsible": "name the specific action and its consequence",
    "immature": "describe the behaviour you saw",
    "bossy": "describe the behaviour: 'you assigned tasks without asking who had capacity'",
    "negative": "quote what was said",
    "difficult": "describe what happened, not the person",
    "attitude": "describe what you saw or heard instead of the attitude",
    "stupid": "describe the decision and its effect",
}
# the word describes the task or the speaker's experience, not the person: "what made it difficult?"
_NOT_LABELS = _phrases("""
it difficult, find difficult, found difficult, what was difficult, what's difficult, what is difficult,
negative feedback, feel defensive, felt defensive, feeling defensive
""")
_ABSOLUTES = ["always", "never", "every time", "constantly", "all the time", "everyone", "nobody", "no one"]
_VAGUE_TIME = [
    "lately",
    "recently",
    "sometimes",
    "often",
    "these days",
    "for a while",
    "the other day",
    "usually",
    "a lot",
    "in general",
    "generally",
]
_WHEN_MARKERS = [
    "yesterday",
    "today",
    "this morning",
    "last week",
    "meeting",
    "stand-up",
    "standup",
    "call",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "review",
    "presentation",
    "session",
    "demo",
    "workshop",
    "on the",
    "during",
    "at the",
    "when we",
]
_EFFECTS = [
    "so",
    "meant",
    "result",
    "effect",
    "impact",
    "caused",
    "because",
    "felt",
    "had to",
    "couldn't",
    "could not",
    "delayed",
    "lost",
    "missed",
    "team",
    "client",
    "which",
    "made",
    "left",
    "stopped",
]
# "felt" alone is not a feeling ("I felt that the agenda was too long"), and "content" is mostly a noun
_FEELINGS_TEXT = """
anxious happy proud nervous frustrated excited relieved angry sad calm worried
tired energised energized confident scared afraid embarrassed disappointed hopeful grateful
overwhelmed stressed annoyed pleased glad upset ashamed curious bored lonely joy fear guilty
hurt irritated surprised confused uneasy tense uncomfortable helpless jealous
relief frustration anger anxiety shame pride sadness
"""
_FEELINGS = list(_FEELINGS_TEXT.split())
_FEEL_VERBS = ["felt", "feel", "feels", "feeling"]
# what follows "I felt" in a thought: "I felt that ...", "I feel like ...", "I felt the agenda was ..."
_THOUGHT_OPENERS = _phrases("""
that, like, as if, as though, it, the, this, there, they, he, she, we, you, i, nobody, no one, everyone,
everybody, people
""")
_SOFTENERS = _phrases("""
a bit, a little, kind of, sort of, quite, very, so, really, pretty, rather, somewhat, slightly, totally,
completely, honestly, just, also, still
""")
_ACTIVITY_VERBS = {
    "hold",
    "run",
    "do",
    "have",
    "attend",
    "write",
    "send",
    "launch",
    "make",
    "start",
    "organise",
    "organize",
    "create",
    "build",
    "meet",
    "post",
    "publish",
    "call",
    "host",
}
_ASK_MARKERS = [
    "help",
    "feedback",
    "introduction",
    "intro",
    "advice",
    "ideas",
    "review",
    "recommend",
    "who",
    "how",
    "what",
    "which",
    "should",
    "connect",
    "referral",
    "challenge",
]


def short(text: str, min_words: int) -> Finding:
    n = len(_words(text))
    if n < max(min_words, 1):
        return f"only {n} word{'s' if n != 1 else ''}", "add who, what and where"
    return None


def no_number(text: str, _: int) -> Finding:
    if re.search(r"\d", text) or _has(text, _NUMBER_WORDS):
        return None
    return "no number to measure it by", "e.g. 'sign 3 clients' rather than 'get more clients'"


def no_date(text: str, _: int) -> Finding:
    due, problem = find_due(text)
    if due:
        return None
    return (problem or "no date to aim for"), "e.g. 'by 31 March'"


def no_owner_verb(text: str, _: int) -> Finding:
    words = _words(text)
    if not words or _has(text, _PRONOUNS) or words[0] in _GOAL_VERBS or words[0].endswith(("ise", "ize")):
        return None
    return (
        "it does not say what you will do",
        f"start with a verb you own: 'Sign ...', 'Write ...' ({words[0]}?)",
    )


def several_goals(text: str, _: int) -> Finding:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if (
        len(lines) > 1
        or ";" in text
        or text.lower().count(" and ") >= 2
        or _has(text, ["also", "as well as"])
    ):
        return "that sounds like more than one goal", "pick the one that matters most now; park the others"
    return None


def no_if_then(text: str, _: int) -> Finding:
    if re.search(r"\b(if|when(ever)?)\b.+\b(then|i will|i'll)\b", text, re.I | re.S):
        return None
    return "the plan is not an if-then plan", "If (the obstacle shows up), then I will (one action)."


def _labels(text: str) -> list[str]:
    low = _norm(text)
    for phrase in _NOT_LABELS:
        low = re.sub(rf"\b{re.escape(phrase)}\b", " ", low)
    return _has(low, list(JUDGEMENTS))


def judgement(text: str, _: int) -> Finding:
    found = _labels(text)
    if not found:
        return None
    return (f"judges character ('{found[0]}') instead of describing behaviour", JUDGEMENTS[found[0]])


def absolutes(text: str, _: int) -> Finding:
    found = _has(_norm(text), _ABSOLUTES)
    if not found:
        return None
    return (
        f"uses an absolute ('{found[0]}')",
        "name the specific occasions instead: 'in the last two reviews', 'at Thursday's demo'",
    )


def vague_time(text: str, _: int) -> Finding:
    found = _has(text, _VAGUE_TIME)
    if found:
        return f"vague about when ('{found[0]}')", "name the occasion: 'in Tuesday's client call'"
    if not _has(text, _WHEN_MARKERS) and not find_due(text)[0] and not re.search(r"\d", text):
        return "does not say when or where it happened", "name the occasion: 'in Tuesday's client call'"
    return None


def no_impact(text: str, _: int) -> Finding:
    if len(_words(text)) >= 5 and _has(text, _EFFECTS):
        return None
    return "the impact is missing", "say what it led to: 'so the client waited a day for the numbers'"


def _after_feel(text: str) -> tuple[bool, str]:
    """Whether "felt" names a feeling ("I felt terrible"), and the first thought it opens instead."""
    low, named, thought = _norm(text), False, ""
    for m in re.finditer(rf"\b({'|'.join(_FEEL_VERBS)})\b", low):
        rest = " ".join(_words(low[m.end() :]))
        while softener := next((s for s in _SOFTENERS if _starts(rest, s)), None):
            rest = rest[len(softener) :].strip()
        opener = next((o for o in _THOUGHT_OPENERS if _starts(rest, o)), None)
        if opener:
            subject = "I " if re.search(r"\b(i|i've|i'd)\s*$", low[: m.start()]) else ""
            thought = thought or f"{subject}{m.group(1)} {opener}"
        elif rest:
            named = True
    return named, thought


def no_feeling(text: str, _: int) -> Finding:
    if _has(_norm(text), _FEELINGS):
        return None
    named, thought = _after_feel(text)
    if named:
        return None
    if thought:
        return (
            f"'{thought} ...' is a thought, not a feeling",
            "name the feeling, not the thought: anxious, frustrated, embarrassed, relieved",
        )
    return "no feelings named", "e.g. 'I felt nervous before, then relieved'"


def activity_not_outcome(text: str, _: int) -> Finding:
    words = _words(text)
    if words and words[0] in _ACTIVITY_VERBS:
        return "it is an activity, not an outcome", "measure the result: 'trial sign-ups rise from 40 to 100'"
    return None


def vague_ask(text: str, _: int) -> Finding:
    # a question, a named kind of help, or a quantity ("three names of ...") makes an ask answerable
    if len(_words(text)) >= 6 and ("?" in text or _has(text, _ASK_MARKERS) or no_number(text, 0) is None):
        return None
    return "the ask is not specific yet", "e.g. 'Who can introduce me to a buyer at a mid-size bank?'"


def fewer_than_three(text: str, _: int) -> Finding:
    items = [ln for ln in re.split(r"\n|\?\s+", text) if ln.strip()]
    if len(items) >= 3:
        return None
    return f"{len(items)} question{'s' if len(items) != 1 else ''} so far", "one per line"


CHECKS: dict[str, Callable[[str, int], Finding]] = {
    "short": short,
    "no_number": no_number,
    "no_date": no_date,
    "no_owner_verb": no_owner_verb,
    "several_goals": several_goals,
    "no_if_then": no_if_then,
    "judgement": judgement,
    "absolutes": absolutes,
    "vague_time": vague_time,
    "no_impact": no_impact,
    "no_feeling": no_feeling,
    "activity_not_outcome": activity_not_outcome,
    "vague_ask": vague_ask,
    "fewer_than_three": fewer_than_three,
}


def run_check(name: str, label: str, text: str, min_words: int = 0) -> CheckResult:
    finding = CHECKS[name](text, min_words)
    if finding is None:
        return CheckResult(check=name, label=label, ok=True)
    return CheckResult(check=name, label=label, ok=False, message=finding[0], suggestion=finding[1])


# the SBI intent question's checks register themselves (a module of their own: this one grew past 500 lines)
from coach.engine import question_checks  # noqa: E402, F401

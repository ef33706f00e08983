"""Checks on the mentor's intent question in SBI feedback: open, not leading, not accusing."""

from __future__ import annotations

import re

from coach.engine.checks import (
    _ABSOLUTES,
    CHECKS,
    Finding,
    _has,
    _labels,
    _norm,
    _phrases,
    _starts,
    _words,
)

# comma-separated phrases
_AUXILIARIES = set(
    _phrases("""
am, is, are, was, were, do, does, did, have, has, had, can, could, will, would, shall, should, may, might,
must, isn't, aren't, wasn't, weren't, don't, doesn't, didn't, haven't, hasn't, hadn't, can't, couldn't,
won't, wouldn't, shouldn't, mustn't
""")
)
_OPENERS = _phrases("""
what, what's, how, how's, which, where, when, who, whom, whose, why, in what, to what extent, tell me,
talk me through, walk me through, help me understand, say more, describe, explain, share, i'd like to hear,
i'm curious, i wonder what, i wonder how, is there anything, is there something, anything else
""")
_PREFACES = _phrases("can i ask, could i ask, may i ask, can i check, i'd like to ask")  # then the question
_FILLERS = set(_phrases("so, and, but, ok, okay, well, now, then, also, please, honestly"))
_ACCUSATIONS = _phrases("""
how could you, how dare you, what were you thinking, what's wrong with you, what is wrong with you,
what's your problem, what is your problem, who do you think, how many times, what is it with you,
what's with you
""")
_WHY = ["why", "how come"]
_AT_THEM = _phrases("you, your, you're, yourself, you've, you'd")
# with "why ... you", these turn a question into blame: "Why did you skip it again?", "Why didn't you say?"
_BLAME = _phrases("""
again, even, ever, on earth, still, didn't, couldn't, wasn't, weren't, haven't, hadn't, can't, won't,
wouldn't, did not, could not, was not, were not, cannot
""")
_VERDICTS = _phrases("you are, you're, you were, you always, you never, you constantly, you keep")
_LEADING = _phrases("""
don't you think, do you not think, don't you agree, wouldn't you agree, would you agree, surely,
wouldn't it be better, wouldn't it have been better, would it not be better, wouldn't it make sense,
isn't it true, isn't it better, shouldn't you, why don't you, why not just, have you tried,
have you considered, have you thought about, can't you see
""")
_TAG_QUESTION = re.compile(
    r",\s*(right|yes|no|ok|okay|correct|agreed|\w+n't\s+(it|you|they|we|he|she|i))\s*\?"
)
_OPEN_INSTEAD = (
    "open with what or how: 'What was going on for you when ...?', 'How did it look from your side?'"
)


def _sentences(text: str) -> list[str]:
    return [x.strip() for x in re.split(r"(?<=[?.!])\s+|\n+", text.replace("’", "'")) if x.strip()]


def _clip(sentence: str, n: int = 6) -> str:
    words = sentence.split()
    return " ".join(words[:n]) + (" ..." if len(words) > n else "")


def _kind(sentence: str) -> str:
    """'open', 'closed' (a yes/no question) or 'statement', from how the sentence's first clause starts."""
    for clause in re.split(r"[,;:]\s*|\s[-–—]\s", sentence):
        words = _words(clause)
        while words and words[0] in _FILLERS:
            words = words[1:]
        head = " ".join(words)
        preface = next((p for p in _PREFACES if _starts(head, p)), None)
        if preface:  # "Can I ask what happened?" is the question that follows
            head = head[len(preface) :].strip()
        if not head:
            continue
        if any(_starts(head, o) for o in _OPENERS):
            return "open"
        # "Can you walk me through it?" invites; "Can you be on time?" does not
        if head.split()[0] in ("can", "could", "would", "will") and _starts(head.split(" ", 1)[-1], "you"):
            rest = head.split(" ", 2)[-1]
            if any(_starts(rest, o) for o in _OPENERS):
                return "open"
        if head.split()[0] in _AUXILIARIES:
            return "closed"
        if preface is None and len(words) > 3:  # past a lead-in ("Sam, ...", "From your side, ...")
            break  # a statement, or a statement with a question mark ("You knew, right?")
    return "closed" if sentence.endswith("?") else "statement"


def closed_question(text: str, _: int) -> Finding:
    kinds = [(x, _kind(x)) for x in _sentences(text)]
    closed = next((x for x, k in kinds if k == "closed"), None)
    if closed:
        return f"can be answered yes or no ('{_clip(closed)}')", _OPEN_INSTEAD
    if any(k == "open" for _, k in kinds):
        return None
    return "it is a statement, not a question", _OPEN_INSTEAD


def accusing_question(text: str, _: int) -> Finding:
    instead = "ask what was going on for them: 'What was going on for you when ...?'"
    found = _has(_norm(text), _ACCUSATIONS)
    if found:
        return f"accuses ('{found[0]}'); people defend themselves instead of explaining", instead
    for sentence in _sentences(text):
        loaded = _labels(sentence) + _has(sentence, _ABSOLUTES)
        why = _has(sentence, _WHY)
        if why and _has(sentence, _AT_THEM):
            loaded += _has(sentence, _BLAME) + re.findall(r"\bso \w+", sentence, re.I)
            if loaded:
                return (
                    f"accuses ('{why[0]} ... {loaded[0]}'): a 'why' question puts people on the defensive",
                    instead,
                )
        verdict = _has(sentence, _VERDICTS)
        if verdict and loaded:
            return f"accuses ('{verdict[0]} ... {loaded[0]}'), a verdict rather than a question", instead
    return None


def leading_question(text: str, _: int) -> Finding:
    low = _norm(text)
    found = _has(low, _LEADING)
    tag = _TAG_QUESTION.search(low)
    if not found and not tag:
        return None
    quoted = found[0] if found else tag.group(0).lstrip(", ") if tag else ""
    return f"leads to an answer ('{quoted}')", "ask without the answer in it: 'How do you see it now?'"


CHECKS.update(
    closed_question=closed_question, accusing_question=accusing_question, leading_question=leading_question
)

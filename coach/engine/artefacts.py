"""What a finished conversation leaves: the Markdown artefact and the records it stores."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from coach.dates import show_date
from coach.engine.checks import CheckResult
from coach.engine.flows import SKIPPED
from coach.engine.kinds import kind_of
from coach.engine.listening import to_mentee
from coach.engine.results import Artefact, Recall, Thread
from coach.models import Commitment, Goal

if TYPE_CHECKING:
    from datetime import date

    from coach.engine.answers import ReviewItem
    from coach.engine.engine import Engine
    from coach.store import Store

_EMPTY = SKIPPED


class _Fields(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return _EMPTY


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {i}" for i in items) if items else _EMPTY


def _as_markdown(text: str, listed: bool) -> str:
    """An answer as typed, its lines kept: a bullet each for a list, else Markdown hard line breaks."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    if listed:
        return _bullets([line for line in lines if line.strip()])
    return "  \n".join(lines)


def _fields(engine: Engine) -> _Fields:
    listed = {s.id for s in engine.flow.stages if s.listed}
    fields = _Fields({k: _as_markdown(v, k in listed) for k, v in engine.answers.items() if v.strip()})
    fields["title"] = engine.flow.title
    fields["date"] = f"{engine.today:%A %d %B %Y}"
    fields["commitments"] = _bullets(
        [
            f"{p.text} (due {show_date(p.due, engine.today, weekday=True)})" if p.due else p.text
            for p in engine.proposals
        ]
    )
    fields["milestones"] = _bullets(
        [f"{m.text} (by {show_date(m.due, engine.today)})" if m.due else m.text for m in engine.milestones]
    )
    for stage in engine.flow.stages:  # structured answers are shown formatted, under the stage's own id
        shown = kind_of(stage.type).display(engine, stage)
        if shown is not None:
            fields[stage.id] = shown or _EMPTY
    mentee = engine.answers.get("mentee", "").strip()
    spoken = [
        to_mentee(engine.answers[k].strip(), mentee)
        for k in ("situation", "behaviour", "impact", "intent", "context")
        if engine.answers.get(k, "").strip()
    ]
    fields["spoken"] = "  \n".join(spoken) if mentee and spoken else _EMPTY
    marks = {"done": "✅ done", "partial": "🟡 partial", "missed": "❌ missed", "not_due": "⏳ not due yet"}
    reviewed = [
        f"{i.text}: {marks.get(i.status or '', 'not reviewed')}"
        + (f" (what got in the way: {i.obstacle})" if i.obstacle else "")
        + _choice(i, engine.today)
        for i in engine.review
    ]
    later = [
        f"{i.text}: still open, due {show_date(i.due, engine.today)}"
        for i in engine.not_due
        if i.due is not None
    ]
    fields["review"] = _bullets(reviewed + later)
    # the card shows the statuses alone, of what was made for this group and not left off by the person
    fields["review_card"] = _bullets(
        [
            f"{i.text}: {marks.get(i.status or '', 'not reviewed')}" + _choice(i, engine.today, shared=True)
            for i in engine.review
            if i.for_group and i.on_card and i.status
        ]
    )
    fields["follow_through"] = _follow_through(engine)
    # patterns the coach named, with what the person made of them
    fields["threads"] = "\n\n".join(_thread(t) for t in engine.threads) if engine.threads else _EMPTY
    results = [r for stage_results in engine.checks.values() for r in stage_results]
    fields["checks"] = _bullets(
        [f"✓ {r.label}" if r.ok else f"⚠ {r.label}: {r.message}. Try: {r.suggestion}" for r in results]
    )
    fields["question_bank"] = _bullets(choose_questions(engine))
    for key, value in engine.dates.items():
        fields[key] = f"{value:%A %d %B %Y}"
    return fields


def _choice(item: ReviewItem, today: date, shared: bool = False) -> str:
    """What the person chose for a commitment that slipped; on the card, without a drop's reason."""
    choice = item.choice
    if choice is None or choice.question() is not None:
        return ""
    if choice.kind == "keep" and choice.due:
        return f" → kept, now due {show_date(choice.due, today, weekday=True)}"
    if choice.kind == "shrink" and choice.text and shared:
        return " → made smaller"
    if choice.kind == "shrink" and choice.text:
        due = f" (due {show_date(choice.due, today, weekday=True)})" if choice.due else ""
        return f" → made smaller: {choice.text}{due}"
    if choice.kind == "drop":
        return " → dropped" + (f" ({choice.reason})" if choice.reason and not shared else "")
    return ""


def _follow_through(engine: Engine) -> str:
    """Commitments done of those that came due, as the store will count them once this review is saved.
    A dropped one (or one made smaller) counts neither way; a partial one counts, but not as done."""
    from coach.insights import follow_through_rate

    rate = follow_through_rate(engine.store, engine.profile_id, engine.today)
    done, counted = rate or (0, 0)
    for item in engine.review:  # this review's statuses are not stored until the brief is
        if item.status in ("done", "partial", "missed") and not (item.choice and item.choice.kind != "keep"):
            counted += 1
            done += item.status == "done"
    if not counted:
        return "Follow-through: nothing has come due yet."
    return f"Follow-through: {done} of {counted} done ({round(100 * done / counted)}%)."


_SKIPPED_LINE = re.compile(r"^\*\*[^*\n]+:\*\* " + re.escape(_EMPTY) + r"[ \t]*$", re.M)
_SKIPPED_PART = re.compile(r"\s*·?\s*[^·\n:]+: " + re.escape(_EMPTY))


def tidy(markdown: str) -> str:
    """The artefact as it is read and exported: a section, a "**Label:**" line or a "· Label:" part that
    only says it was skipped is left out. The stored artefact keeps them (its template is its shape)."""
    lines = []
    for line in _SKIPPED_LINE.sub("", markdown).split("\n"):
        if line.strip() == _EMPTY:
            continue
        lines.append(_SKIPPED_PART.sub("", line).lstrip(" ·") if _EMPTY in line else line)
    blocks = re.split(r"(?m)^(?=#{2,6} )", "\n".join(lines))
    kept = [b for b in blocks if not (b.startswith("##") and not b.partition("\n")[2].strip())]
    return re.sub(r"\n{3,}", "\n\n", "".join(kept)).strip() + "\n"


def _source(recall: Recall, said: str, question: str) -> str:
    """A citation, with the quote too unless the question already holds it."""
    if said and said.casefold() not in question.casefold():
        return f"“{said}” {recall.citation}"
    return recall.citation


def _thread(thread: Thread) -> str:
    cited = "Sources: " + ", ".join(
        _source(r, q, thread.question) for r, q in zip(thread.items, thread.quotes, strict=True)
    )
    said = _as_markdown(thread.answer, False) if thread.answer.strip() else "_(not answered)_"
    return f"**{thread.title}:** {thread.question}  \n{cited}\n\n{said}"


def choose_questions(engine: Engine, n: int = 5) -> list[str]:
    """Questions from the flow's bank whose tags match the words of the answers, general ones to fill."""
    if not engine.flow.questions:
        return []
    words = set(re.findall(r"\w+", " ".join(engine.answers.values()).lower()))
    scored = []
    for i, q in enumerate(engine.flow.questions):
        tags = q.get("tags", [])
        tag_list = tags if isinstance(tags, list) else [tags]
        score = sum(1 for t in tag_list if t in words)
        scored.append((-score, "general" not in tag_list, i, str(q["ask"])))
    scored.sort()
    return [ask for _, _, _, ask in scored[:n]]


def _apply(store: Store, item: ReviewItem, sid: int, stored: dict[str, list[int]]) -> None:
    """Keep, shrink or drop, as the person chose for a commitment that slipped."""
    choice = item.choice
    if choice is None or choice.question() is not None:
        return
    cid = item.commitment_id
    if choice.kind == "keep" and choice.due:
        store.commitments.keep(cid, choice.due, session_id=sid)
        stored.setdefault("kept", []).append(cid)
    elif choice.kind == "shrink" and choice.text:
        smaller = store.commitments.shrink(cid, choice.text, choice.due, sid)
        stored.setdefault("shrunk", []).append(smaller.id or 0)
    elif choice.kind == "drop":
        store.commitments.drop(cid, choice.reason, session_id=sid)
        stored.setdefault("dropped", []).append(cid)


def finish(engine: Engine) -> Artefact:
    """Store what the conversation produced, end the session, and return the artefact."""
    store, flow, pid, sid = engine.store, engine.flow, engine.profile_id, engine.session_id
    fields = _fields(engine)
    markdown = flow.summary.format_map(fields).strip() + "\n"
    if engine.kept:  # written under the safety gate outside a text stage: theirs, kept word for word
        kept = "\n\n".join(f"**{title}:** {text}" for title, text in engine.kept)
        markdown += f"\n## Also in your words\n\n{kept}\n"
    shared = _Fields({**fields, **{k: _as_markdown(v, False) for k, v in engine.first_said.items() if v}})
    card = flow.card.format_map(shared).strip() + "\n" if flow.card else None  # no deeper answers on it
    stored: dict[str, list[int]] = {}
    goal_id = engine.links.get("goal")
    meeting_id = engine.links.get("meeting")
    with store.db.tx():
        if flow.job == "goal" and engine.answers.get("goal"):
            first_line = engine.answers["goal"].strip().splitlines()[0][:200]
            goal = store.goals.add(
                Goal(
                    profile_id=pid,
                    title=first_line,
                    why=engine.answers.get("why"),
                    measure=engine.answers.get("measure"),
                    target=engine.answers.get("target"),
                    due=engine.dates.get("due"),
                    framework=flow.id,
                )
            )
            goal_id = goal.id
            stored["goals"] = [goal.id or 0]
            stored["milestones"] = [
                store.goals.add_milestone(goal.id or 0, m.text[:200], m.due).id or 0
                for m in engine.milestones
            ]
        if flow.job == "meeting-prep":
            from coach.models import Meeting

            meeting = store.meetings.add(
                Meeting(
                    profile_id=pid,
                    group_name=(engine.answers.get("group") or "My group")[:200],
                    date=engine.dates.get("meeting_date", engine.today),
                    brief=markdown,
                )
            )
            meeting_id = meeting.id
            stored["meetings"] = [meeting.id or 0]
        if any(s.type == "review" for s in flow.stages):  # meeting prep, and the weekly review
            for item in engine.review:
                if item.status in ("done", "partial", "missed"):
                    store.commitments.set_status(
                        item.commitment_id, item.status, obstacle=item.obstacle, reviewed_in_session_id=sid
                    )
                _apply(store, item, sid, stored)
            stored["reviewed"] = [
                i.commitment_id for i in engine.review if i.status in ("done", "partial", "missed")
            ]
        stored["commitments"] = [
            store.commitments.add(
                Commitment(profile_id=pid, text=p.text, due=p.due, goal_id=goal_id, made_in_session_id=sid)
            ).id
            or 0
            for p in engine.proposals
        ]
        store.sessions.end(
            sid,
            mood=engine.mood,
            tags=engine.tags,
            summary=markdown,
            goal_id=goal_id,
            meeting_id=meeting_id,
            answers={k: v for k, v in engine.answers.items() if v.strip()},
        )
    all_checks: list[CheckResult] = [r for results in engine.checks.values() for r in results]
    return Artefact(
        flow=flow.id,
        job=flow.job,
        title=flow.title,
        markdown=markdown,
        card=card,
        session_id=sid,
        stored=stored,
        answers=dict(engine.answers),
        followups=list(engine.followups),
        unanswered=list(engine.unanswered),
        tips=list(engine.tips),
        recalls=list(engine.recalls),
        checks=all_checks,
        threads=list(engine.threads),
    )

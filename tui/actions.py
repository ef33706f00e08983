"""One table of the app's actions: the key bindings, the command palette and the home's key line come from it.

A flow's entry comes from its flow file's `launch` block (its key, its short label, the words people type
for it), so a new flow file is a new key, palette entry and hint at once. Every binding has an id, and the
`keymap` table of config.toml can give it another key:

    [keymap]
    "coach.goals" = "g"        # a binding id, then its key(s), comma-separated

The flow files are read with the bounded YAML reader alone (no pydantic), so the home still paints at once.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from textual.binding import Binding

from coach.paths import bundled_dir


@dataclass(frozen=True)
class Action:
    id: str
    """The binding's id, as the keymap names it."""
    key: str | None
    """Its default key (Textual's name: "slash", "ctrl+q"); None: only in the palette."""
    label: str
    """The footer's and the hint line's word for it."""
    name: str
    """The palette's title."""
    help: str
    action: str
    """What runs, on the home screen (the palette and the keys go home first)."""
    words: tuple[str, ...] = ()
    """Other words people type for it in the palette."""
    scope: str = "everywhere"
    """"everywhere": an app key, live on every screen but in a text field; "home": the home screen's own."""
    footer: bool = False
    """Shown in the home's footer (the rest are in the hint line)."""
    tab: str = ""
    """For a Settings action with no key of its own, its tab's digit: the palette shows "s 3" for it."""


# The actions that are not flows, in the order the palette lists them after the flows.
APP_ACTIONS: tuple[Action, ...] = (
    Action(
        "coach.goals",
        "1",
        "Goals",
        "Goals",
        "Your goals, their progress and milestones",
        "open('goals')",
        ("goal", "milestones", "progress"),
    ),
    Action(
        "coach.commitments",
        "2",
        "Commitments",
        "Commitments",
        "Review what you said you would do",
        "open('commitments')",
        ("commitment", "done", "missed", "promises", "todo"),
    ),
    Action(
        "coach.history",
        "3",
        "History",
        "History",
        "Your past sessions, in full",
        "open('history')",
        ("sessions", "entries", "past", "read"),
    ),
    Action(
        "coach.knowledge",
        "4",
        "Knowledge",
        "Knowledge",
        "The best-practice notes and your own",
        "open('knowledge')",
        ("notes", "tips", "best practice", "library"),
    ),
    Action(
        "coach.insights",
        "5",
        "Insights",
        "Insights",
        "Follow-through, mood, streaks and themes",
        "open('insights')",
        ("mood", "streak", "stats", "themes", "trends", "follow-through"),
    ),
    Action(
        "coach.search",
        "slash",
        "Search",
        "Search history",
        "Search everything you have written",
        "search",
        ("find", "look up"),
        footer=True,
    ),
    Action(
        "coach.ask",
        "a",
        "Ask",
        "Ask my history",
        "A question answered from your own entries, with sources",
        "ask",
        ("question", "answer"),
        footer=True,
    ),
    Action(
        "coach.settings",
        "s",
        "Settings",
        "Settings",
        "Profile, language model, import, export, backup",
        "settings",
        ("preferences", "options", "config", "configure"),
    ),
    Action(
        "coach.profile",
        None,
        "Profile",
        "Switch or add a profile",
        "Settings, Profile tab",
        "settings('tab-profile')",
        ("profile", "user", "switch", "who", "name", "role"),
        tab="1",
    ),
    Action(
        "coach.model",
        None,
        "Model",
        "Language model",
        "Settings, Language model tab: provider, test",
        "settings('tab-llm')",
        ("llm", "model", "ollama", "openai", "llama", "local only"),
        tab="2",
    ),
    Action(
        "coach.import",
        None,
        "Import",
        "Import entries",
        "Settings, Data: jrnl, Day One, Markdown, coach",
        "settings('tab-data', 'import-path')",
        ("import", "jrnl", "day one", "markdown", "load"),
        tab="3",
    ),
    Action(
        "coach.export",
        None,
        "Export",
        "Export my data",
        "Settings, Data tab: JSON or Markdown",
        "settings('tab-data', 'export-out')",
        ("export", "save", "download", "json", "markdown"),
        tab="3",
    ),
    Action(
        "coach.backup",
        None,
        "Back up",
        "Back up the data home",
        "Settings, Data tab: one file to keep",
        "settings('tab-data', 'backup-out')",
        ("backup", "back up", "copy", "save"),
        tab="3",
    ),
    Action(
        "coach.restore",
        None,
        "Restore",
        "Restore from a backup",
        "Settings, Data: replaces the data home",
        "settings('tab-data', 'restore-path')",
        ("restore", "recover", "backup"),
        tab="3",
    ),
    Action(
        "coach.reminders",
        None,
        "Reminders",
        "Daily reminder and calendar",
        "Settings, Between sessions: a daily reminder, the calendar file, how far ahead",
        "settings('tab-between', 'remind-at')",
        ("remind", "reminder", "notification", "calendar", "ics", "cron", "quiet hours", "review day"),
        tab="4",
    ),
    Action("coach.home", "h", "Home", "Home", "Back to the home screen", "home", ("start", "main")),
    Action("coach.quit", "q", "Quit", "Quit", "Leave coach", "app.quit", ("exit", "close"), scope="home"),
)


def _flow_entry(path: Path) -> tuple[int, Action] | None:
    """A flow file's launch block as (its order, an action); None for a flow without one, or unreadable."""
    from coach.errors import InputError
    from coach.safe_load import load_yaml

    try:
        data = load_yaml(path.read_text(encoding="utf-8"), source=path.name)
    except (OSError, UnicodeDecodeError, InputError):
        return None  # the flow loader names the problem when the flow is opened
    launch = data.get("launch") if isinstance(data, dict) else None
    if not isinstance(launch, dict) or not isinstance(data.get("id"), str):
        return None
    flow_id, key, order = data["id"], launch.get("key"), launch.get("order")
    action = Action(
        id=f"flow.{flow_id}",
        key=key if isinstance(key, str) else None,
        label=str(launch.get("label") or data.get("title") or flow_id),
        name=str(launch.get("name") or data.get("title") or flow_id),
        help=str(launch.get("help") or ""),
        action=f"flow({flow_id!r})",
        words=tuple(str(w) for w in launch.get("words") or ()),
        scope="home",
        footer=bool(launch.get("footer", False)),
    )
    return (order if isinstance(order, int) else 99), action


@cache
def flow_actions(folder: Path | None = None) -> tuple[Action, ...]:
    """One action per flow file with a launch block, by its launch.order, then by file name."""
    folder = folder or bundled_dir("prompts") / "flows"
    found = [entry for path in sorted(folder.glob("*.yaml")) if (entry := _flow_entry(path))]
    return tuple(action for _, action in sorted(found, key=lambda pair: pair[0]))


def all_actions() -> tuple[Action, ...]:
    return flow_actions() + APP_ACTIONS


def bindings(scope: str) -> list[Binding]:
    """The Textual bindings of one scope, each with its id (for the keymap) and a tooltip."""
    return [
        Binding(a.key, a.action, a.label, show=a.footer, id=a.id, tooltip=a.help)
        for a in all_actions()
        if a.scope == scope and a.key
    ]


def home_bindings() -> list[Binding]:
    """The home's keys: the flows and quit, and the app keys its footer names, run there directly."""
    own = bindings("home")
    shown = [
        Binding(a.key, a.action, a.label, id=a.id, tooltip=a.help)
        for a in APP_ACTIONS
        if a.scope == "everywhere" and a.key and a.footer
    ]
    return own + shown


def app_bindings() -> list[Binding]:
    """The keys that work from every screen: each goes home first, then runs its action there."""
    return [
        Binding(a.key, f"go({a.action!r})", a.label, show=False, id=a.id, tooltip=a.help)
        for a in APP_ACTIONS
        if a.scope == "everywhere" and a.key
    ]


KEY_NAMES = {"slash": "/", "question_mark": "?", "escape": "Esc", "space": "Space"}


def key_shown(action: Action, keymap: dict[str, str] | None = None) -> str:
    """The keys that run an action, as the screen names them ("/" for slash, "^w" for ctrl+w), the
    keymap's when it gives one; for a Settings tab's action, the settings key then the tab's digit."""
    keymap = keymap or {}
    key = keymap.get(action.id, action.key)
    if key:
        key = key.split(",")[0].strip()
        return KEY_NAMES.get(key, key.replace("ctrl+", "^"))
    if action.tab:
        settings = next(a for a in APP_ACTIONS if a.id == "coach.settings")
        return f"{key_shown(settings, keymap)} {action.tab}"
    return ""


def hint_line(keymap: dict[str, str] | None = None) -> str:
    """The home's line of keys not in its footer: every keyed action, from the same table."""
    parts = [
        f"{key_shown(a, keymap)} {a.label.lower()}"
        for a in all_actions()
        if a.key and not a.footer and a.id != "coach.home"
    ]
    return " · ".join([*parts, "ctrl+p every action"])


def read_keymap(table: dict[str, object]) -> tuple[dict[str, str], list[str]]:
    """The entries of a [keymap] table that can be used, and a line for each one that cannot: an id that
    names no action (with the nearest id when there is one), or no key given as text."""
    ids = [a.id for a in all_actions()]
    usable: dict[str, str] = {}
    problems = []
    for name, keys in table.items():
        if name not in ids:
            close = difflib.get_close_matches(name, ids, n=1)
            hint = f" (did you mean {close[0]}?)" if close else f" (ids: {', '.join(ids)})"
            problems.append(f"keymap: no action '{name}'{hint}")
        elif not isinstance(keys, str) or not keys.strip():
            problems.append(f'keymap: {name}: give a key as text, e.g. "g" or "ctrl+g"')
        else:
            usable[name] = keys
    return usable, problems

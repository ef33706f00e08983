"""The safety gate: crisis language in any person, tense or spelling triggers; idioms and hard days do not."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest

from coach import safety
from coach.config import SafetyRegion

# (text, category) that must trigger. Negations ("I'm not suicidal", "I would never kill myself") are
# deliberately left to trigger: the gate cannot tell denial from disclosure, and the message costs little.
MUST_TRIGGER: list[tuple[str, str]] = [
    # suicide: first and third person, past and future, spelling, slang, embedded in longer text
    ("I want to kill myself.", "suicide"),
    ("i wanna kill myself lol", "suicide"),
    ("I'm going to kill myself tonight", "suicide"),
    ("Im gonna kms", "suicide"),
    ("honestly might just kms after this week", "suicide"),
    ("I KEEP THINKING ABOUT KILLING MYSELF", "suicide"),
    ("I've been thinking about suicide a lot.", "suicide"),
    ("I feel suicidal again", "suicide"),
    ("i think im suicdal", "suicide"),
    ("Had some sucidal thoughts on the train", "suicide"),
    ("I tried to kill myself last year and I still think about it", "suicide"),
    ("My friend told me she wants to kill herself", "suicide"),
    ("He said he was going to end his life", "suicide"),
    ("My brother took his own life in 2019.", "suicide"),
    ("she attempted suicide twice", "suicide"),
    ("I want to unalive myself", "suicide"),
    ("thinking about unaliving", "suicide"),
    ("I want to end my life", "suicide"),
    ("I'm planning to end it all", "suicide"),
    ("I just want to die", "suicide"),
    ("I really wanna die", "suicide"),
    ("i want to dieeee", "suicide"),
    ("I wish I was dead", "suicide"),
    ("I wish I were dead", "suicide"),
    ("Some days I'd be better off dead", "suicide"),
    ("I would rather be dead.", "suicide"),
    ("Maybe I should just die.", "suicide"),
    ("i want to killl myselff", "suicide"),
    ("I want to kill my self", "suicide"),
    ("iwanttokillmyself", "suicide"),
    ("I wanted to hang myself", "suicide"),
    ("He drowned himself last spring", "suicide"),
    ("They told me to kys", "suicide"),
    ("Dont want to be here, thinking about sewerslide", "suicide"),
    ("I dont think I can stop myself from killing myself", "suicide"),
    ("I looked up painless ways to die", "suicide"),
    ("I'm thinking about taking my life", "suicide"),
    ("i want to end myself", "suicide"),
    ("I've been having thoughts of ending it", "suicide"),
    ("I hope I die in my sleep", "suicide"),
    ("I'd rather be dead than keep living like this", "suicide"),
    # self-harm
    ("I've been cutting myself again", "self_harm"),
    ("I want to hurt myself", "self_harm"),
    ("I relapsed on self harm yesterday", "self_harm"),
    ("my daughter has been self-harming", "self_harm"),
    ("I burned myself on purpose", "self_harm"),
    ("I cut my wrists last night", "self_harm"),
    ("I want to cut myself so badly", "self_harm"),
    ("30 days clean from self harm and it still feels fragile", "self_harm"),
    ("I keep thinking about hurting myself", "self_harm"),
    ("I've been starving myself for weeks", "self_harm"),
    ("He's been cutting into his arms", "self_harm"),
    # wanting to disappear / not exist
    (
        "Honestly I don't see the point anymore. Sometimes I think everyone would be better off without me.",
        "not_exist",
    ),
    ("Everyone would be better off without me", "not_exist"),
    ("I wish I had never been born", "not_exist"),
    ("I wish I didnt exist", "not_exist"),
    ("I don't want to be alive anymore", "not_exist"),
    ("i dont want to live anymore", "not_exist"),
    ("I don't want to exist", "not_exist"),
    ("I want to go to sleep and never wake up", "not_exist"),
    ("I want to disappear forever", "not_exist"),
    ("I just want to stop existing", "not_exist"),
    ("There's no point in living", "not_exist"),
    ("What's the point of living", "not_exist"),
    ("My life is not worth living", "not_exist"),
    ("I have nothing to live for", "not_exist"),
    ("I'm so tired of being alive", "not_exist"),
    ("I can't go on anymore", "not_exist"),
    ("No one would even miss me.", "not_exist"),
    ("I'm just a burden to everyone", "not_exist"),
    ("The team meeting went fine. But at night I don't want to wake up tomorrow.", "not_exist"),
    ("My sister says she doesn't want to be alive anymore", "not_exist"),
    ("they would all be better off if i wasnt here", "not_exist"),
    ("It would be easier if I just didn't exist", "not_exist"),
    ("I don't deserve to live", "not_exist"),
    ("Everyone hates me and I wish I was gone", "not_exist"),
    ("If I died tomorrow no one would care", "not_exist"),
    # harm to others
    ("I want to kill him", "harm_others"),
    ("I'm going to hurt my boss", "harm_others"),
    ("Sometimes I have thoughts of hurting my baby", "harm_others"),
    ("I'm scared I'll hurt the kids", "harm_others"),
    ("I'll kill her", "harm_others"),
    ("My son said he wants to shoot up the school", "harm_others"),
    ("I want to stab my roommate", "harm_others"),
    ("i keep fantasizing about killing my ex", "harm_others"),
    # abuse
    ("My husband hits me", "abuse"),
    ("He hit me again last night", "abuse"),
    ("my dad beats me when he drinks", "abuse"),
    ("I was raped at a party", "abuse"),
    ("She was sexually assaulted", "abuse"),
    ("He threatened to kill me", "abuse"),
    ("My boyfriend said he'd hurt me if I left", "abuse"),
    ("I'm scared of my husband", "abuse"),
    ("I'm in an abusive relationship", "abuse"),
    ("my stepdad touches me when mom isn't home", "abuse"),
    ("My partner won't let me see my friends or have my own money", "abuse"),
    ("I was abused as a child", "abuse"),
    ("he choked me during the argument", "abuse"),
    ("My mom's boyfriend hits her", "abuse"),
    ("He slapped her in front of everyone", "abuse"),
    ("my partner pushes me around and hits me", "abuse"),
    ("He grabbed me by the throat", "abuse"),
    # immediate danger
    ("I took a whole bottle of pills", "immediate_danger"),
    ("I just took an overdose", "immediate_danger"),
    ("I swallowed a handful of sleeping pills", "immediate_danger"),
    ("I'm standing on the edge of the bridge", "immediate_danger"),
    ("I'm going to jump off the roof", "immediate_danger"),
    ("He's pointing a gun at me", "immediate_danger"),
    ("I'm not safe at home", "immediate_danger"),
    ("I don't feel safe around him", "immediate_danger"),
    ("I've been saving up my pills", "immediate_danger"),
    ("I tied a noose", "immediate_danger"),
    ("He is hitting me right now", "immediate_danger"),
    ("My friend overdosed on painkillers", "immediate_danger"),
    ("I cut myself too deep and the bleeding won't stop", "immediate_danger"),
    ("I'm going to drive my car into a tree", "immediate_danger"),
    ("I'm scared for my life", "immediate_danger"),
    ("I took like 20 tylenol", "immediate_danger"),
    ("He's outside with a knife", "immediate_danger"),
]

# Texts that must not trigger. Borderline choices, decided on purpose:
# - "disappear" alone is embarrassment or rest ("I wanted to disappear after that slide"); only
#   "for good", "forever", "from the world" trigger.
# - "I could kill him" and "this is killing me" are figures of speech; "want/going to kill him" triggers.
# - Emotional hurt ("don't want to hurt her", "what he said hurt me") is not violence.
# - Injuries ("I cut myself cooking", "hurt myself at the gym") are not self-harm.
# - "I don't want to be here anymore" triggers (read as a warning sign, even said of a job);
#   "I don't want to live in London" does not.
# - Topical words without a person in crisis ("suicide prevention training", "drug abuse") do not;
#   "suicide" itself always does.
MUST_NOT_TRIGGER: list[str] = [
    "This deadline is killing me",
    "I could kill for a coffee",
    "I'm dead tired after the offsite",
    "The project died in committee",
    "I'd die of embarrassment if they saw my first draft",
    "She killed it on stage tonight",
    "My phone died halfway through the call",
    "I'm dying to try the new ramen place",
    "I had to kill the process and restart the server",
    "I was bored to death in the quarterly review",
    "We discussed 'Kill Your Darlings' in the writing group",
    "We read “To Kill a Mockingbird” in school",
    "The joke killed, everyone laughed",
    "The suicide squeeze won the game in the ninth",
    "She was drop-dead gorgeous at the gala",
    "I felt terrible after the meeting",
    "I want to disappear into a book this weekend",
    "After that slide I wanted to disappear",
    "My back is killing me",
    "It would be career suicide to say that to the board",
    "We watched Suicide Squad on Friday",
    "Coach made us run suicides at practice",
    "I did suicide prevention training at work",
    "The last few kms of the half marathon were brutal",
    "I ran 10 kms this morning",
    "My mum will kill me when she sees my room",
    "I could kill him for eating my lunch",
    "I don't want to hurt her feelings",
    "I want to break up but I don't want to hurt him",
    "What he said really hurt me",
    "I'll shoot him an email tomorrow",
    "She hit me up about the conference",
    "He hit me with a tough question in the interview",
    "My brother beat me at chess again",
    "They beat us 3-0 in the final",
    "I cut myself some slack this week",
    "I've been cutting myself off from social media",
    "I keep burning myself out",
    "I cut myself cooking dinner",
    "I hurt myself at the gym",
    "I shot myself in the foot by promising too much",
    "I'm going to drown myself in work this week",
    "He threw himself into the project",
    "I've been killing myself at work to hit the deadline",
    "I killed myself laughing at the standup",
    "I'm starving, let's get lunch",
    "I got choked up during my speech",
    "He stabbed me in the back in the meeting",
    "I was in danger of missing the deadline",
    "I don't feel safe sharing ideas in meetings",
    "I don't want to live in London anymore",
    "I don't want to live with my parents",
    "I could sleep forever",
    "There's no point in going on with this project",
    "What's the point of this meeting?",
    "I don't see the point of the weekly sync anymore",
    "The team is better off without me on this project",
    "I'm better off without him",
    "I'd rather die than sing karaoke",
    "I'm ready to die on this hill",
    "Old habits die hard",
    "I would die for my kids",
    "The cake was to die for",
    "I want to die my hair blue",
    "I need to let the noise die down",
    "I overdosed on coffee today",
    "An overdose of meetings this week",
    "I took two paracetamol for my headache",
    "I took all my meds today, proud of that",
    "I want to kill the feature and ship sooner",
    "I'm going to kill it at the pitch",
    "Let's kill two birds with one stone",
    "Kill them with kindness",
    "I want to murder a pizza",
    "She's a drug abuse counsellor",
    "We read about domestic violence policy at work",
    "I'm in a dead-end job",
    "I felt like a failure today",
    "I'm exhausted and sad, but I'll rest and try again tomorrow",
    "I felt hopeless about the budget",
    "Dead Poets Society is my favourite film",
    "I'm scared my presentation will bomb",
    "He pushed me to apply for the promotion",
    "The news hit me hard",
    "I'm going to kick him off the project",
    "The band killed it last night",
    "We need to stop the bleeding on churn",
    "The noose is tightening on the budget",
    "I wish I could just go to sleep early tonight",
    "I need to cut my losses",
    "She burned me with that comment",
    "I want it to be over, this launch has been long",
    "I can't do this anymore, I need a new job",
    "If everyone jumped off a bridge, would you?",
    "I'm going to jump off the bus at the next stop",
    "Nobody would notice if I left the meeting early",
    "I'm scared of my boss",
    "I'm a self-starter and self-taught",
    "My self-esteem took a hit",
    "My suede shoes got wet",
    "I'm going to succeed at this",
    "You don't deserve to live like this",
    "My baby kicks me all night",
    "If I disappeared for a week nobody would notice",
    "I wish I was gone on holiday already",
    "I'd be better off gone from this team",
    "I took the pressure off myself this week",
    "My grandfather died last year and I miss him",
    "She died of cancer in March",
    "I see a therapist on Tuesdays",
    "I'm drowning in emails",
    "I feel dead inside after that week",
    "I hurt my back lifting boxes",
    "He attacked my idea in the meeting",
    "I'm going to attack the backlog",
    "I swallowed my pride",
    "I took a bunch of notes",
    "I'm going to disappear for good from Twitter",
    "Self-harm awareness posters were up in the office",
    "My daughter fell and hit her head on the table",
    "She kicked her shoes off and laughed",
]


@pytest.mark.parametrize(("text", "category"), MUST_TRIGGER)
def test_crisis_language_triggers(text: str, category: str) -> None:
    hit = safety.screen(text)
    assert hit is not None, text
    assert hit.category == category, (text, hit)
    assert hit.phrase and hit.phrase in text


@pytest.mark.parametrize("text", MUST_NOT_TRIGGER)
def test_idioms_and_hard_days_do_not_trigger(text: str) -> None:
    assert safety.screen(text) is None


def test_rates(capsys: pytest.CaptureFixture[str]) -> None:
    caught = sum(safety.screen(t) is not None for t, _ in MUST_TRIGGER)
    false = sum(safety.screen(t) is not None for t in MUST_NOT_TRIGGER)
    recall, false_rate = caught / len(MUST_TRIGGER), false / len(MUST_NOT_TRIGGER)
    with capsys.disabled():
        print(
            f"\nsafety gate: recall {caught}/{len(MUST_TRIGGER)} = {recall:.0%}, "
            f"false triggers {false}/{len(MUST_NOT_TRIGGER)} = {false_rate:.0%}"
        )
    assert len(MUST_TRIGGER) >= 70 and len(MUST_NOT_TRIGGER) >= 70
    assert {c for _, c in MUST_TRIGGER} == {c for c, _ in safety.load_safety().categories}
    assert recall == 1.0 and false_rate == 0.0


def test_spelling_variants_fold_to_the_same_hit() -> None:
    for text in (
        "I don't want to live anymore",
        "I don’t want to live anymore",
        "I dont  want to live ANYMORE",
    ):
        hit = safety.screen(text)
        assert hit is not None and hit.category == "not_exist" and hit.phrase.lower().endswith("anymore")


def test_the_phrase_is_the_persons_own_words() -> None:
    text = "Long day. I’m sooo tired.\nI want to KILLLL myself honestly"
    hit = safety.screen(text)
    assert hit == safety.SafetyHit("suicide", "KILLLL myself")


def test_an_idiom_does_not_hide_crisis_language_beside_it() -> None:
    assert safety.screen("The joke killed. Later I wanted to kill myself.") == safety.SafetyHit(
        "suicide", "kill myself"
    )
    assert safety.screen("This deadline is killing me and I want to die") is not None


def test_data_loads_with_every_region_complete() -> None:
    data = safety.load_safety()
    assert safety.regions()[0] == "international"
    assert set(safety.regions()) >= {"international", "us", "uk", "ie"}
    for region in data.resources.regions.values():
        assert region.crisis_line.strip() and region.emergency.strip()
    assert (
        "988" in data.resources.regions["us"].crisis_line and data.resources.regions["us"].emergency == "911"
    )
    assert (
        "116 123" in data.resources.regions["uk"].crisis_line
        and data.resources.regions["uk"].emergency == "999"
    )
    assert (
        "116 123" in data.resources.regions["ie"].crisis_line
        and "112" in data.resources.regions["ie"].emergency
    )
    assert "findahelpline.com" in data.resources.regions["international"].crisis_line
    assert safety.load_safety() is data  # read once


def test_the_setting_offers_exactly_the_regions_in_the_data() -> None:
    assert set(get_args(SafetyRegion)) == set(safety.regions())


@pytest.mark.parametrize("region", ["international", "us", "uk", "ie"])
def test_messages_name_the_regions_lines(region: str) -> None:
    r = safety.load_safety().resources.regions[region]
    message = safety.crisis_message(region)
    assert r.crisis_line in message and f"call {r.emergency}" in message
    assert "not a crisis service" in message and "someone you trust" in message
    assert "{" not in message and "}" not in message
    checkin = safety.mood_checkin(region)
    assert r.crisis_line in checkin and len(checkin.splitlines()) == 2


def test_unknown_region_falls_back_to_international() -> None:
    assert (
        safety.crisis_message("mars") == safety.crisis_message("international") == safety.crisis_message(None)
    )
    assert safety.mood_checkin("mars") == safety.mood_checkin("international")


def test_choices_and_next_start_checkin() -> None:
    assert set(safety.choices()) == {"pause", "go_on"} and all(safety.choices().values())
    assert safety.next_start_checkin() and "{" not in safety.next_start_checkin()


def _copy_data(tmp_path: Path) -> Path:
    folder = tmp_path / "safety"
    folder.mkdir()
    for path in safety.safety_dir().glob("*.yaml"):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("name", "text", "match"),
    [
        ("phrases.yaml", "categories: [unclosed", r"phrases\.yaml: not valid YAML"),
        ("resources.yaml", "regions:\n  us: {name: US}\n", r"resources\.yaml: .*crisis_line"),
        (
            "resources.yaml",
            "regions:\n  us: {name: US, crisis_line: x, emergency: '911'}\n",
            r"international",
        ),
        (
            "messages.yaml",
            "crisis: '{who}'\npause: a\ngo_on: b\nmood_checkin: c\nnext_start_checkin: d\n",
            "who",
        ),
        (
            "phrases.yaml",
            "categories:\n  - {id: x, label: x, patterns: ['(unclosed']}\n",
            "not a valid regular",
        ),
        ("phrases.yaml", "categories:\n  - {id: x, label: x, patterns: ['{nope} me']}\n", "unknown macro"),
        ("phrases.yaml", "categories:\n  - {id: x, label: x, patterns: ['(?:a)?']}\n", "matches empty text"),
        ("phrases.yaml", "categories:\n  - {id: x, label: x, patterns: ['Kill']}\n", "capitals"),
    ],
)
def test_broken_data_names_the_file(tmp_path: Path, name: str, text: str, match: str) -> None:
    folder = _copy_data(tmp_path)
    (folder / name).write_text(text, encoding="utf-8")
    with pytest.raises(safety.SafetyDataError, match=match) as info:
        safety.load_safety(folder)
    assert str(folder / name) in str(info.value)


def test_long_text_screens_quickly() -> None:
    import time

    text = "I felt terrible after the meeting, but the walk helped. " * 3000  # ~170k characters
    start = time.perf_counter()
    assert safety.screen(text + " I want to die.") is not None
    assert time.perf_counter() - start < 5


def test_the_region_is_a_setting(home: Path) -> None:
    from coach import config
    from coach.errors import ConfigError

    assert config.load_settings().safety_region == "international"
    config.set_value("safety_region", "uk")
    assert config.load_settings().safety_region == "uk"
    with pytest.raises(ConfigError, match="safety_region"):
        config.set_value("safety_region", "mars")
    assert any(r["name"] == "safety_region" and r["doc"] for r in config.describe())

"""Every response the grounding exercise can give stays inside Alexa's SSML rules.

A walker drives every live step x every action (and the follow-ups those open) through POST /alexa,
in every locale, and collects each outputSpeech and reprompt. Each is checked twice: by the product's
``ssml_problems`` and by an independent check written here, so the test does not trust product code alone.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from skill.alexa.ssml import ssml_problems
from tests.test_grounding import LIVE_STEPS, speaker, walk_to

ACTIONS = ["next", "back", "repeat", "help", "yellow", "red", "yes", "no", "fallback", "pause", "start over",
           "stop", "cancel", "resume"]
FOLLOW_UPS = ["yes", "no", "next", "help"]
LOCALES = ["en-US", "en-GB", "en-AU", "en-IN", "en-CA"]

# docs/platform-alexa.md, "SSML": written out here again on purpose.
ALEXA_TAGS = {"speak", "p", "s", "break", "emphasis", "prosody", "say-as", "sub", "phoneme", "lang", "audio", "w",
              "voice", "amazon:effect", "amazon:emotion", "amazon:domain", "amazon:breath", "amazon:auto-breaths"}
BREAK_TIME = re.compile(r"""<break\b[^>]*?\btime\s*=\s*["']([^"']*)["']""")


def collect(server, locale: str) -> list[tuple[str, str]]:
    """(where, ssml) for every speech and reprompt of every path; ``where`` says how it was reached."""
    found: list[tuple[str, str]] = []
    counter = iter(range(10**6))

    def keep(where: str, turn) -> None:
        assert turn.status == 200, (where, turn.status, turn.raw[:200])
        for kind, ssml in (("speech", turn.ssml), ("reprompt", turn.reprompt_ssml)):
            if ssml is not None:
                found.append((f"{locale} {where} [{kind}]", ssml))

    def fresh():
        return speaker(server, locale=locale, user_id=f"amzn1.ask.account.WALK{next(counter):05d}")

    # Outside an exercise: first and later welcome, help, fallback, and a one-shot into grounding.
    alexa = fresh()
    keep("launch first", alexa.launch())
    for action in ["help", "fallback", "next", "yellow", "resume", "no"]:
        keep(f"menu {action}", alexa.say(action))
    keep("launch again", alexa.launch())

    for step in LIVE_STEPS:
        for action in ACTIONS:
            alexa = fresh()
            keep(f"{step} (arrived)", walk_to(alexa, step))
            turn = alexa.say(action)
            keep(f"{step} {action}", turn)
            if turn.ends_session:
                keep(f"{step} {action} -> launch", alexa.launch())
                for follow in ("yes", "next"):
                    if alexa.session_id is None:
                        break
                    keep(f"{step} {action} -> launch -> {follow}", alexa.say(follow))
                continue
            for follow in FOLLOW_UPS:  # answer whatever was asked, then keep going, gently or not
                turn = alexa.say(follow)
                keep(f"{step} {action} -> {follow}", turn)
                if turn.ends_session:
                    break
            else:
                # Finish the exercise from wherever this left the person (every ending, gentle or not).
                for _ in range(15):
                    turn = alexa.say("next")
                    keep(f"{step} {action} -> ... next", turn)
                    if turn.ends_session:
                        break
    return found


@pytest.fixture(scope="module")
def every_response(tmp_path_factory) -> list[tuple[str, str]]:
    from tests.conftest import SkillServer

    server = SkillServer(tmp_path_factory.mktemp("ssml") / "state.sqlite3")
    found = []
    for locale in LOCALES:
        found += collect(server, locale)
    return found


def independent_problems(ssml: str) -> list[str]:
    problems = []
    if len(ssml) >= 8000:
        problems.append(f"{len(ssml)} characters")
    # Declare the amazon: prefix so the document parses as real namespaced XML.
    doc = re.sub(r"^<speak\b", '<speak xmlns:amazon="urn:amazon-ssml"', ssml.strip(), count=1)
    try:
        root = ET.fromstring(doc)
    except ET.ParseError as exc:
        return problems + [f"not XML: {exc}"]
    if root.tag != "speak":
        problems.append(f"root is {root.tag}")
    parsed_breaks = 0
    for el in root.iter():
        tag = el.tag.replace("{urn:amazon-ssml}", "amazon:")
        if tag not in ALEXA_TAGS:
            problems.append(f"tag {tag}")
        if tag == "break":
            parsed_breaks += 1
    times = BREAK_TIME.findall(ssml)
    if len(times) != parsed_breaks or ssml.count("<break") != parsed_breaks:
        problems.append(f"{parsed_breaks} breaks parsed, {len(times)} with a time")
    for value in times:
        m = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s)", value)
        if not m:
            problems.append(f"break time {value!r}")
        elif float(m.group(1)) * (1 if m.group(2) == "ms" else 1000) > 10_000:
            problems.append(f"break of {value}")
    if len(re.findall(r"<audio\b", ssml)) > 5:
        problems.append("more than 5 audio clips")
    return problems


def test_the_walk_covers_every_step_and_the_slow_variants(every_response):
    assert len(every_response) > 1000
    texts = " ".join(s for _, s in every_response)
    assert "are you feeling okay now?" in texts.lower()
    for words in ["I'm here with you", "This is the end of grounding", "We'll end grounding here",
                  "Let's let the breath slow down", "Tele Manas", "Samaritans", "Lifeline"]:
        assert words in texts, words
    assert 'rate="' in texts


def test_every_response_passes_the_products_ssml_check(every_response):
    bad = [(where, problems) for where, ssml in every_response if (problems := ssml_problems(ssml))]
    assert not bad, bad[:5]


def test_every_response_passes_an_independent_ssml_check(every_response):
    bad = [(where, problems, ssml[:200]) for where, ssml in every_response
           if (problems := independent_problems(ssml))]
    assert not bad, bad[:5]


@pytest.mark.parametrize("ssml", [
    '<speak>Hello <break time="11s"/> there</speak>',
    '<speak>Hello <break time="10001ms"/></speak>',
    "<speak>Hello <font>x</font></speak>",
    "<speak>Unclosed <p>tag</speak>",
    "<speak>" + "word " * 1700 + "</speak>",
])
def test_both_checks_catch_broken_ssml(ssml):
    assert ssml_problems(ssml)
    assert independent_problems(ssml)


def test_both_checks_accept_alexa_ssml():
    ssml = ('<speak><prosody rate="90%">Hi.<break time="10s"/><amazon:effect name="whispered">soft</amazon:effect>'
            '<say-as interpret-as="cardinal">3</say-as></prosody></speak>')
    assert ssml_problems(ssml) == [] and independent_problems(ssml) == []

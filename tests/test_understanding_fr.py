"""French understanding (skill/understanding/lang/fr.toml): the safety screen on people's own words, in France,
Quebec and Switzerland, written with or without accents as recognisers do. The corpus figures live in
tests/understanding/dev_fr.tsv; these are the kinds of line each rule is there for."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from skill.intents.catalogue import normalize
from skill.understanding.language import load_language
from skill.understanding.screen import colors_said, most_cautious, screen
from skill.understanding import reader_for
from tests.support.corpus import SAFETY_INTENTS, SAMPLE_NEEDS, SCREEN_STRENGTH, catalogue_samples, reading

FR = load_language("fr")
# French needs the accent-aware normalization (branch understand_infra): before it, "ça" reads as "a".
pytestmark = pytest.mark.skipif(normalize("ça é") in ("a", ""), reason="normalize drops accented letters")


def kind(text: str) -> str | None:
    found = screen(FR, FR.canon(text))
    return found.kind if found else None


@pytest.mark.parametrize("text, expected", [
    ("il m'a giflée", "unsafe"), ("mon chum m'a poussée contre le mur", "unsafe"),
    ("il a pris mon téléphone", "unsafe"), ("il me laisse pas sortir", "unsafe"),
    ("il m'a dit que si je partais il me tuerait", "unsafe"), ("il me tient les poignets", "unsafe"),
    ("je suis enfermée dans la salle de bain", "unsafe"), ("j'ai peur de ce qu'il va faire", "unsafe"),
    ("je veux mourir", "at_risk"), ("j'ai plus envie de vivre", "at_risk"), ("j'ai pris trop de cachets", "at_risk"),
    ("jarrive pas a respirer", "at_risk"), ("j'ai de la misère à respirer", "at_risk"),
    ("j'ai mal à la poitrine", "at_risk"), ("tout le monde serait mieux sans moi", "at_risk"),
    ("j'en peux pu", "distress"), ("chu pas correct pantoute", "distress"), ("ça va pas du tout", "distress"),
    ("ca va pas", "distress"), ("je fais une crise d'angoisse", "distress"), ("je tremble de partout", "distress"),
    ("j'arrête pas de pleurer", "distress"), ("je revois les messages en boucle", "distress"),
    ("j'ai l'impression de plus être dans mon corps", "distress"), ("je capote", "distress"),
    ("mon conjoint se met à pleurer", "distress"),
    ("on arrête là", "stop"), ("arrete", "stop"), ("non non non stop", "stop"), ("enlève ta main", "stop"),
    ("j'ai mon voyage, on arrête", "stop"), ("rouge", "red"), ("chu rouge", "red"),
])
def test_own_words_for_danger_distress_and_stop(text, expected):
    assert kind(text) == expected


@pytest.mark.parametrize("text", [
    "je meurs de faim", "je suis mort de rire", "un verre de vin rouge", "mon téléphone est mort",
    "elle m'a battue aux échecs", "il m'a pris la main, c'était doux", "elle me serre dans ses bras",
    "je me suis coupé le doigt en cuisinant", "t'as fermé la porte", "aidez-moi à m'ancrer",
])
def test_alarming_words_in_everyday_french_are_no_safety_signal(text):
    assert kind(text) is None


@pytest.mark.parametrize("text, expected", [
    ("j'ai pas peur", None), ("je ne suis pas paniquée", None), ("je vais pas bien", "distress"),
    ("je ne veux plus vivre", "at_risk"),
])
def test_spoken_negation_turns_a_feeling_round_but_never_a_plea(text, expected):
    assert kind(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("moi vert, lui rouge", "red"), ("moi jaune mais elle est rouge", "red"), ("je suis vert", "green"),
    ("plutôt orange", "yellow"), ("vert pour nous deux", "green"), ("un verre de vin rouge", None),
])
def test_colours_said_as_check_ins_the_most_cautious_wins(text, expected):
    assert most_cautious(colors_said(FR, FR.canon(text))) == expected


def _french_samples():
    fill = {"{exercise}": "ancrage", "{color}": "vert", "{second}": "jaune", "{rating}": "cinq", "{upper}": "six",
            "{minutes}": "dix", "{setting}": "plus court", "{when}": "lundi à huit heures"}
    return catalogue_samples(("fr", "fr-FR", "fr-CA"), fill)


@pytest.mark.parametrize("intent, sample", [p for p in _french_samples() if p[0] not in SAFETY_INTENTS])
def test_the_catalogues_own_requests_raise_no_alarm(intent, sample):
    assert kind(sample) in (None, "unsure"), (intent, sample)


@pytest.mark.parametrize("intent, sample", [p for p in _french_samples() if p[0] in ("at_risk", "distress", "stop")])
def test_the_catalogues_safety_samples_are_screened_at_least_as_strongly(intent, sample):
    assert SCREEN_STRENGTH.get(kind(sample), -1) >= SAMPLE_NEEDS[intent], (intent, sample)


def test_what_the_french_menu_tells_people_to_say_is_in_vous_and_reaches_grounding():
    """The menu says "Vous pouvez dire : aidez-moi à m'ancrer": the content speaks in vous, so its suggestion does
    too, and said as suggested it starts grounding."""
    phrases = (Path(__file__).resolve().parents[1] / "skill" / "audio_scripts" / "fr" / "common"
               / "phrases.toml").read_text(encoding="utf-8")
    suggested = set(re.findall(r"Vous pouvez dire : ([^.]+)\.", phrases))
    assert suggested == {"aidez-moi à m'ancrer"}
    for said in suggested:
        assert reading(reader_for("fr-FR").understand(said).event) == "ground", said

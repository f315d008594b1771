"""German understanding (skill/understanding/lang/de.toml): the safety screen on people's own words, in Germany,
Austria and Switzerland, written with umlauts or ae/oe/ue as recognisers and keyboards do. The corpus figures live
in tests/understanding/dev_de.tsv; these are the kinds of line each rule is there for."""
from __future__ import annotations

import pytest

from skill.intents.catalogue import normalize
from skill.understanding.language import load_language
from skill.understanding.screen import colors_said, most_cautious, screen
from tests.support.corpus import SAFETY_INTENTS, SAMPLE_NEEDS, SCREEN_STRENGTH, catalogue_samples

DE = load_language("de")
# German needs the letter-keeping normalization (branch understand_infra): before it, "hör" reads as "h r".
pytestmark = pytest.mark.skipif(normalize("hör ü") in ("h r", "hr", ""), reason="normalize drops umlauts")


def kind(text: str) -> str | None:
    found = screen(DE, DE.canon(text))
    return found.kind if found else None


@pytest.mark.parametrize("text, expected", [
    ("er schlägt mich", "unsafe"), ("sie bedroht mich", "unsafe"), ("ich habe Angst vor ihm", "unsafe"),
    ("mein Freund hat mir eine Ohrfeige gegeben", "unsafe"), ("er schreit mich jeden Abend an", "unsafe"),
    ("sie sperrt mich ein, wenn sie geht", "unsafe"), ("er hat gesagt, er bringt mich um", "unsafe"),
    ("er liest alle meine Nachrichten", "unsafe"), ("ich darf meine Freunde nicht mehr sehen", "unsafe"),
    ("ich trau mich nicht nach Hause", "unsafe"), ("mei Mann haut mi", "unsafe"),
    ("ich will nicht mehr leben", "at_risk"), ("ich denke daran, mich umzubringen", "at_risk"),
    ("ich will mit allem Schluss machen", "at_risk"), ("am liebsten wäre ich tot", "at_risk"),
    ("ich habe eine ganze Packung Tabletten geschluckt", "at_risk"), ("alle wären ohne mich besser dran", "at_risk"),
    ("mein Mann ist umgekippt und reagiert nicht", "at_risk"), ("i wü nimma lebn", "at_risk"),
    ("Panik, ich kriege keine Luft", "distress"), ("mir geht's dreckig", "distress"), ("ich kann nicht mehr", "distress"),
    ("es ist alles zu viel", "distress"), ("ich hab wieder einen Flashback", "distress"),
    ("ich hab Herzrasen", "distress"), ("ich zittere am ganzen Körper", "distress"), ("ich hab Todesangst", "distress"),
    ("ich halt's nicht mehr aus", "distress"), ("mir gaht's nöd guet", "distress"), ("i cha nöd meh", "distress"),
    ("ich fuehle mich nicht sicher", "distress"),
    ("stopp", "stop"), ("halt", "stop"), ("hör bitte sofort auf", "stop"), ("hoer auf", "stop"), ("genug für heute", "stop"),
    ("Schluss jetzt", "stop"), ("mir reicht's", "stop"), ("nimm deine Hand weg", "stop"), ("i mag nimmer", "stop"),
    ("es isch gnueg", "stop"), ("tschüss", "stop"),
    ("rot", "red"), ("rod", "red"),
])
def test_own_words_for_danger_distress_and_stop(text, expected):
    assert kind(text) == expected


@pytest.mark.parametrize("text", [
    "ich lach mich tot", "das Essen war zum Sterben schön", "ich bin todmüde", "ich sterbe vor Hunger",
    "mein Akku ist tot", "ein Glas Rotwein", "sie hat mich beim Schach geschlagen", "er hält meine Hand",
    "sie drückt mich ganz fest", "ich höre auf meinen Körper", "kannst du das Licht ausmachen",
    "am Ende des Tages ist alles gut", "ich habe genug gegessen", "das ist halt so", "wir kommen aus der Schweiz",
    "er nimmt sich heute Zeit für mich", "ich habe mein Handy mitgenommen", "ich schneide Gemüse mit dem Messer",
    "ich will mit ihm Schluss machen", "was passiert wenn ich rot sage",
])
def test_alarming_words_in_everyday_german_are_no_safety_signal(text):
    assert kind(text) is None


@pytest.mark.parametrize("text, expected", [
    ("ich habe keine Angst", None), ("ich hab gar keine Panik", None), ("ich zittere nicht, mir ist nur kalt", None),
    ("ich bin nicht überfordert", None), ("ich bin nicht okay", "distress"), ("mir geht es gar nicht gut", "distress"),
    ("ich will nicht mehr leben", "at_risk"), ("hör nicht auf", None), ("ich will nicht aufhören", None),
])
def test_negation_before_a_noun_or_after_a_verb_turns_a_feeling_round_but_never_a_plea(text, expected):
    assert kind(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("hör bitte sofort auf damit", "stop"), ("wir hören jetzt lieber auf", "stop"), ("hör auf mich zu erinnern", None),
    ("er sperrt mich immer ein", "unsafe"), ("er bringt mich um", "unsafe"), ("er schreit mich dauernd an", "unsafe"),
])
def test_separable_verbs_are_read_with_words_between_verb_and_particle(text, expected):
    assert kind(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("ich grün, er rot", "red"), ("bei mir gelb, bei ihm rot", "red"), ("ich bin grün", "green"),
    ("eher gelb", "yellow"), ("wir sind beide grün", "green"), ("bi mir isch rot", "red"), ("gelb bis rot", "red"),
    ("die rote Decke", None), ("wir haben grünen Tee getrunken", None),
])
def test_colours_said_as_check_ins_the_most_cautious_wins(text, expected):
    assert most_cautious(colors_said(DE, DE.canon(text))) == expected


def _german_samples():
    fill = {"{exercise}": "erdung", "{color}": "grün", "{second}": "gelb", "{rating}": "fünf", "{upper}": "sechs",
            "{minutes}": "zehn", "{setting}": "kürzer", "{when}": "montags um acht"}
    return catalogue_samples(("de", "de-DE"), fill)


@pytest.mark.parametrize("intent, sample", [p for p in _german_samples() if p[0] not in SAFETY_INTENTS])
def test_the_catalogues_own_requests_raise_no_alarm(intent, sample):
    assert kind(sample) in (None, "unsure"), (intent, sample)


@pytest.mark.parametrize("intent, sample", [p for p in _german_samples() if p[0] in ("at_risk", "distress", "stop")])
def test_the_catalogues_safety_samples_are_screened_at_least_as_strongly(intent, sample):
    assert SCREEN_STRENGTH.get(kind(sample), -1) >= SAMPLE_NEEDS[intent], (intent, sample)

"""Spanish understanding (skill/understanding/lang/es.toml): the safety screen on people's own words, in Spain,
Mexico and the United States, written with or without accents as recognisers do. The corpus figures live in
tests/understanding/dev_es.tsv (scored by the last test here); these are the kinds of line each rule is there for."""
from __future__ import annotations

from pathlib import Path

import pytest

from skill.intents.catalogue import normalize
from skill.understanding.language import load_language
from skill.understanding.screen import colors_said, most_cautious, screen
from tests.support.corpus import SAFETY_INTENTS, SAMPLE_NEEDS, SCREEN_STRENGTH, catalogue_samples

ES = load_language("es")
# Spanish needs the accent-aware normalization (branch understand_infra): before it, "está" reads as "est".
pytestmark = pytest.mark.skipif(normalize("está ñ") in ("est", "est a", ""), reason="normalize drops accented letters")


def kind(text: str) -> str | None:
    found = screen(ES, ES.canon(text))
    return found.kind if found else None


@pytest.mark.parametrize("text, expected", [
    # a partner, named or only in the verb (Spanish drops the subject)
    ("me pegó", "unsafe"), ("mi marido me golpeó anoche", "unsafe"), ("me agarró del cuello", "unsafe"),
    ("me tiene encerrada en el cuarto", "unsafe"), ("me quitó el celular", "unsafe"),
    ("no me deja salir de casa", "unsafe"), ("me dijo que si lo dejo me mata", "unsafe"),
    ("le tengo miedo a mi esposo", "unsafe"), ("revisa mi teléfono todos los días", "unsafe"),
    ("tiene un cuchillo", "unsafe"), ("me forzó aunque le dije que no", "unsafe"),
    # risk to life
    ("me quiero morir", "at_risk"), ("ya no quiero vivir", "at_risk"), ("me tomé un montón de pastillas", "at_risk"),
    ("no puedo respirar", "at_risk"), ("no puedo jalar aire", "at_risk"), ("me duele el pecho", "at_risk"),
    ("todos estarían mejor sin mí", "at_risk"), ("pienso en suicidarme", "at_risk"), ("me corté otra vez", "at_risk"),
    # distress, in Spain, Mexico and the US
    ("estoy fatal", "distress"), ("me estoy agüitando", "distress"), ("me estoy aguitando", "distress"),
    ("me da un ataque", "distress"), ("no estoy bien", "distress"), ("ya no puedo mas", "distress"),
    ("me siento de la fregada", "distress"), ("estoy rayadísimo", "distress"), ("me siento súper overwhelmed", "distress"),
    ("es como si estuviera pasando otra vez", "distress"), ("mi pareja se puso a temblar", "distress"),
    ("me cago de miedo", "distress"), ("ayuda", "distress"),
    # stop: "para" as a command, never as "for"
    ("para", "stop"), ("para ya", "stop"), ("basta", "stop"), ("ya no", "stop"), ("detente", "stop"),
    ("alto", "stop"), ("párale güey", "stop"), ("no, mejor lo dejamos, para", "stop"), ("pa", "stop"),
    ("no me toques", "stop"), ("deja de tocarme", "stop"), ("ya estuvo", "stop"),
    ("rojo", "red"), ("estoy en rojo", "red"), ("yo verde, él rojo", "red"),
])
def test_own_words_for_danger_distress_and_stop(text, expected):
    assert kind(text) == expected


@pytest.mark.parametrize("text", [
    "me muero de risa", "me mata de la risa ese programa", "me muero de hambre", "una copa de vino tinto",
    "la luz roja del cargador parpadea", "mi suéter rojo está en la secadora", "para nada", "esto es para ti",
    "mi hermana me ganó a las cartas", "me corté el pelo ayer", "se me murió la batería del celular",
    "ya terminé mi libro", "estamos en números rojos este mes", "ayúdame a poner un recordatorio",
    "sigue donde lo dejamos", "ya no quiero recordatorios",
])
def test_alarming_words_in_everyday_spanish_are_no_safety_signal(text):
    assert kind(text) is None


@pytest.mark.parametrize("text, expected", [
    ("no tengo miedo", None), ("no estoy asustada", None), ("nunca tengo pánico", None),
    ("no estoy bien", "distress"), ("no quiero vivir", "at_risk"), ("no, para", "stop"),
    ("no estoy seguro", None),
])
def test_negation_turns_a_feeling_round_but_never_a_plea(text, expected):
    assert kind(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("yo verde, él rojo", "red"), ("yo amarillo pero ella está en rojo", "red"), ("estoy en verde", "green"),
    ("más bien naranja", "yellow"), ("verde para los dos", "green"), ("la manta roja", None),
    ("el coche rojo", None), ("mmm rojo", "red"),
])
def test_colours_said_as_check_ins_the_most_cautious_wins(text, expected):
    assert most_cautious(colors_said(ES, ES.canon(text))) == expected


def _spanish_samples():
    fill = {"{exercise}": "anclaje", "{color}": "verde", "{second}": "amarillo", "{rating}": "cinco",
            "{upper}": "seis", "{minutes}": "diez", "{setting}": "más corto", "{when}": "el lunes a las ocho"}
    return catalogue_samples(("es", "es-ES", "es-MX", "es-US"), fill)


@pytest.mark.parametrize("intent, sample", [p for p in _spanish_samples() if p[0] not in SAFETY_INTENTS])
def test_the_catalogues_own_requests_raise_no_alarm(intent, sample):
    assert kind(sample) in (None, "unsure"), (intent, sample)


@pytest.mark.parametrize("intent, sample", [p for p in _spanish_samples() if p[0] in ("at_risk", "distress", "stop")])
def test_the_catalogues_safety_samples_are_screened_at_least_as_strongly(intent, sample):
    assert SCREEN_STRENGTH.get(kind(sample), -1) >= SAMPLE_NEEDS[intent], (intent, sample)


def test_the_development_corpus_is_understood_in_each_locale():
    """Every line of dev_es.tsv through the whole layer (screen, colours, classifier) in es-ES, es-MX and es-US:
    every safety line honoured, 95% of the others, as the held-out bar (tests/support/corpus.py)."""
    from tests.support.corpus import read, score

    if not (Path(__file__).resolve().parents[1] / "skill" / "understanding" / "models" / "es.json").exists():
        pytest.skip("no Spanish model built yet (python -m skill model build)")
    lines = read(Path(__file__).resolve().parent / "understanding" / "dev_es.tsv")
    for locale in ("es-ES", "es-MX", "es-US"):
        result, missed = score(lines, locale)
        assert result.safety_ok == result.safety, (locale, [str(m) for m in missed if m[0].safety])
        assert result.others_ok >= 0.95 * result.others, (locale, result, [f"{m[0]} -> {m[1]}" for m in missed])

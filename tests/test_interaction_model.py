"""The interaction model: generated from the intent catalogue, consistent across locales, free of collisions."""

import json
import re
import shutil
from pathlib import Path

import pytest

from skill.__main__ import cmd_model, main as skill_main
from skill.alexa import interaction_model as skill_model
from skill.intents.catalogue import CatalogueError, exercise_values
from skill.alexa.interaction_model import build_models, check_models, load_model, write_models
from tests.support.alexa_nlu import Matcher, all_utterances, normalize

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "skill" / "intents" / "locales"
SCRIPTS = REPO / "skill" / "audio_scripts"
LOCALES = ["en-US", "en-GB", "en-CA", "en-AU", "en-IN", "es-ES", "es-MX", "es-US", "de-DE", "fr-FR", "fr-CA"]
# Each language's invocation name: the skill's name in that language, as its content says it.
INVOCATION = {"en": "safe harbor", "es": "refugio seguro", "de": "sicherer hafen", "fr": "havre de paix"}
CONTRACT_INTENTS = {
    "StartExerciseIntent", "GroundMeIntent", "CheckInIntent",
    "AMAZON.YesIntent", "AMAZON.NoIntent", "AMAZON.NextIntent", "AMAZON.PreviousIntent",
    "AMAZON.RepeatIntent", "AMAZON.StartOverIntent", "AMAZON.PauseIntent", "AMAZON.ResumeIntent",
    "AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.FallbackIntent",
    "AMAZON.NavigateHomeIntent", "AMAZON.LoopOnIntent", "AMAZON.LoopOffIntent",
    "AMAZON.ShuffleOnIntent", "AMAZON.ShuffleOffIntent", "RatingIntent", "SetLengthIntent", "SettingIntent",
    "GoFirstIntent", "DeleteDataIntent", "WhatDoYouKeepIntent", "CaptureIntent",
    "AtRiskIntent", "DistressIntent", "SlowDownIntent", "BreakIntent", "KeepGoingIntent", "NotSureIntent",
    "WhichOneIntent", "SetReminderIntent", "ListRemindersIntent", "DeleteRemindersIntent", "HowAreWeDoingIntent",
    "PairingCodeIntent",
}
GROUNDING_TOML = ('id = "grounding"\ntitle = "grounding"\nsynonyms = ["ground", "five senses"]\nrole = "grounding"\n'
                  '[[steps]]\nid = "only"\ntitle = "T"\nend = true\nsay = "This is the end."\n')


@pytest.fixture
def scripts_dir(tmp_path):
    d = tmp_path / "scripts"
    d.mkdir()
    (d / "grounding.toml").write_text(GROUNDING_TOML)
    shutil.copytree(SCRIPTS / "common", d / "common")
    return d


@pytest.fixture
def models(scripts_dir):
    return build_models(SOURCE, scripts_dir)


def lm(model):
    return model["interactionModel"]["languageModel"]


def intents_by_name(model):
    return {i["name"]: i for i in lm(model)["intents"]}


def test_committed_locale_files_equal_a_fresh_build():
    built = build_models(SOURCE, SCRIPTS)
    assert sorted(built) == sorted(LOCALES)
    for locale in LOCALES:
        assert load_model(locale) == built[locale], f"{locale}: run `python -m skill model build`"
    assert check_models(REPO) == []


def test_check_reports_a_hand_edit_and_a_missing_file(tmp_path, scripts_dir):
    root = tmp_path / "repo"
    (root / "skill").mkdir(parents=True)
    shutil.copytree(SOURCE, root / "skill" / "intents" / "locales")
    shutil.copytree(scripts_dir, root / "skill" / "audio_scripts")
    write_models(root)
    assert check_models(root) == []

    gb = root / "interaction_models" / "interactionModels" / "custom" / "en-GB.json"
    gb.write_text(gb.read_text().replace('"help me ground"', '"help me grounded"'))
    (gb.parent / "en-IN.json").unlink()
    drift = check_models(root)
    assert any("en-GB.json" in d and "differs" in d for d in drift)
    assert any("en-IN.json" in d and "missing" in d for d in drift)
    assert not any("en-US.json" in d for d in drift)


def test_cli_check_exit_codes(tmp_path, scripts_dir, capsys):
    root = tmp_path / "repo"
    (root / "skill").mkdir(parents=True)
    shutil.copytree(SOURCE, root / "skill" / "intents" / "locales")
    shutil.copytree(scripts_dir, root / "skill" / "audio_scripts")
    assert cmd_model("check", root) == 1  # nothing generated yet
    assert cmd_model("build", root) == 0
    assert cmd_model("check", root) == 0
    assert "match the source" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exited:
        skill_main(["model", "frobnicate"])
    assert exited.value.code == 2


def test_exercise_values_come_from_the_toml_files(models):
    types = {t["name"]: t["values"] for t in lm(models["en-US"])["types"]}
    # The content's synonyms, then the catalogue's extra spoken forms for that exercise.
    import tomllib
    from skill.intents.catalogue import LOCALES_DIR
    extra = tomllib.loads((LOCALES_DIR / "en.toml").read_text())["types"]["exercise"]["extra_synonyms"]["grounding"]
    assert types["EXERCISE"] == [
        {"id": "grounding", "name": {"value": "grounding", "synonyms": ["ground", "five senses", *extra]}}
    ]
    assert "some grounding" in extra


def test_bad_exercise_files_are_refused(tmp_path):
    (tmp_path / "a.toml").write_text('title = "no id"\n')
    with pytest.raises(CatalogueError, match="a.toml"):
        exercise_values(tmp_path)
    (tmp_path / "a.toml").write_text(GROUNDING_TOML)
    (tmp_path / "b.toml").write_text(GROUNDING_TOML)
    with pytest.raises(CatalogueError, match="must match the file name"):
        exercise_values(tmp_path)


def test_empty_scripts_folder_is_flagged(tmp_path):
    warnings = skill_model.warnings_for(build_models(SOURCE, tmp_path))
    assert any("EXERCISE has no values" in w for w in warnings)


def test_same_intents_and_slots_in_every_locale(models):
    def shape(model):
        return {i["name"]: [(s["name"], s["type"]) for s in i.get("slots", [])] for i in lm(model)["intents"]}

    assert sorted(models) == sorted(LOCALES)
    reference = shape(models["en-US"])
    assert set(reference) == CONTRACT_INTENTS
    for locale in LOCALES:
        assert shape(models[locale]) == reference
        assert [t["name"] for t in lm(models[locale])["types"]] == ["CAPTURE_TEXT", "CHECKIN_COLOR", "EXERCISE",
                                                                   "PRACTICE_SCHEDULE", "SETTING"]
    assert reference["StartExerciseIntent"] == [("exercise", "EXERCISE")]
    assert reference["RatingIntent"] == [("rating", "AMAZON.NUMBER"), ("upper", "AMAZON.NUMBER")]
    # two people's colours: the more cautious one is acted on
    assert reference["CheckInIntent"] == [("color", "CHECKIN_COLOR"), ("second", "CHECKIN_COLOR")]
    # words that match no sample reach the skill as words (docs/platform-alexa.md, "Free text")
    assert reference["CaptureIntent"] == [("text", "CAPTURE_TEXT")]


def test_locale_extras_stay_in_their_locale(models):
    assert "my colour is {color}" in intents_by_name(models["en-GB"])["CheckInIntent"]["samples"]
    assert "my colour is {color}" not in intents_by_name(models["en-US"])["CheckInIntent"]["samples"]


def test_invocation_name_and_required_built_ins(models):
    for locale, model in models.items():
        assert lm(model)["invocationName"] == INVOCATION[locale[:2]]
        names = set(intents_by_name(model))
        for required in ("CancelIntent", "HelpIntent", "StopIntent", "NavigateHomeIntent", "FallbackIntent"):
            assert f"AMAZON.{required}" in names


def test_extended_built_in_samples(models):
    by_name = intents_by_name(models["en-US"])
    assert {"we're ready", "yes", "okay"} <= set(by_name["AMAZON.YesIntent"]["samples"])
    assert {"I'm okay", "I'm alright", "keep going"} <= set(by_name["KeepGoingIntent"]["samples"])
    assert {"no", "not really", "we're not ready"} <= set(by_name["AMAZON.NoIntent"]["samples"])
    assert {"I'm not okay", "I'm scared"} <= set(by_name["DistressIntent"]["samples"])
    assert {"stop", "I need to stop", "I want to stop", "please stop"} <= set(by_name["AMAZON.StopIntent"]["samples"])
    assert "go back" in by_name["AMAZON.PreviousIntent"]["samples"]
    assert len(by_name["StartExerciseIntent"]["samples"]) >= 10


SAMPLE_CHARS = re.compile(r"^(?:[^\W\d_]|[' .]|\{[A-Za-z]+\})+$")  # letters of any language


@pytest.mark.parametrize("locale", LOCALES)
def test_samples_use_allowed_characters_and_declared_slots(models, locale):
    for intent in lm(models[locale])["intents"]:
        declared = {s["name"] for s in intent.get("slots", [])}
        used = set()
        for sample in intent["samples"]:
            assert SAMPLE_CHARS.match(sample), f"{intent['name']}: {sample!r}"
            assert sample == sample.strip() and "  " not in sample
            refs = set(re.findall(r"\{(\w+)\}", sample))
            assert refs <= declared, f"{intent['name']}: {sample!r} names an undeclared slot"
            used |= refs
        assert used == declared, f"{intent['name']}: a declared slot is never sampled"


def test_no_sample_belongs_to_two_intents(models):
    for locale, model in models.items():
        owner = {}
        for intent, sample in all_utterances(model):
            key = normalize(sample, locale[:2])
            assert owner.setdefault(key, intent) == intent, f"{locale}: {sample!r} in {owner[key]} and {intent}"


def test_no_plain_sample_equals_a_value_of_a_bare_slot_sample(models):
    for locale, model in models.items():
        values_by_type = {
            t["name"]: {normalize(x) for v in t["values"] for x in (v["name"]["value"], *v["name"]["synonyms"])}
            for t in lm(model)["types"]
        }
        plain = {normalize(s): i for i, s in all_utterances(model) if "{" not in s}
        for intent in lm(model)["intents"]:
            slot_types = {s["name"]: s["type"] for s in intent.get("slots", [])}
            for sample in intent["samples"]:
                bare = re.fullmatch(r"\{(\w+)\}", sample)
                if not bare:
                    continue
                for value in values_by_type.get(slot_types[bare.group(1)], ()):  # AMAZON.* types: no list
                    other = plain.get(value)
                    assert other in (None, intent["name"]), f"{locale}: {value!r} is both {intent['name']} and {other}"


def test_collision_check_would_catch_a_clash(tmp_path):
    # A colour synonym equal to a Stop sample must be noticed by the test above's rule.
    shutil.copytree(SOURCE, tmp_path / "locales")
    us = tmp_path / "locales" / "en-US.toml"
    us.write_text(us.read_text() + '\n[types.colour.extra_synonyms]\nred = ["I need to stop"]\n')
    clashing = build_models(tmp_path / "locales", tmp_path)
    with pytest.raises(AssertionError):
        test_no_plain_sample_equals_a_value_of_a_bare_slot_sample(clashing)


# --- skill package manifest and ASK CLI project file ---

def manifest():
    return json.loads((REPO / "interaction_models" / "skill.json").read_text())["manifest"]


def test_skill_manifest_publishes_every_locale_with_disclaimer():
    from tests.test_skill_package import DISCLAIMER

    m = manifest()
    pub = m["publishingInformation"]
    assert set(pub["locales"]) == set(LOCALES)
    assert pub["isAvailableWorldwide"] is False
    # German devices serve Austria too (its lines are chosen by the time zone).
    assert set(pub["distributionCountries"]) == {"US", "GB", "CA", "AU", "IN", "ES", "MX", "DE", "AT", "FR"}
    assert pub["category"] == "HEALTH_AND_FITNESS"
    for locale, info in pub["locales"].items():
        assert info["name"].lower() == INVOCATION[locale[:2]]
        assert DISCLAIMER[locale[:2]] in info["description"].lower(), locale
        assert DISCLAIMER[locale[:2]] in info["summary"].lower(), locale
        assert len(info["summary"]) <= 160
    privacy = m["privacyAndCompliance"]
    assert set(privacy["locales"]) == set(LOCALES)
    for info in privacy["locales"].values():
        assert info["privacyPolicyUrl"].startswith("https://")
        assert info["termsOfUseUrl"].startswith("https://")
    assert privacy["usesPersonalInfo"] is False and privacy["allowsPurchases"] is False
    assert privacy["isChildDirected"] is False and privacy["containsAds"] is False


def test_skill_manifest_apis_and_events():
    m = manifest()
    assert {"type": "AUDIO_PLAYER"} in m["apis"]["custom"]["interfaces"]
    assert m["apis"]["custom"]["endpoint"]["uri"]
    assert {"eventName": "SKILL_DISABLED"} in m["events"]["subscriptions"]
    assert m["events"]["endpoint"]["uri"]
    # Reminders only: the Settings API (time zone) needs none.
    assert m.get("permissions") == [{"name": "alexa::alerts:reminders:skill:readwrite"}]


def test_example_phrases_are_understood():
    for locale, info in manifest()["publishingInformation"]["locales"].items():
        matcher = Matcher(load_model(locale), locale)  # the committed model, with the real exercise names
        first, *rest = info["examplePhrases"]
        assert first.startswith("Alexa, ") and info["name"] in first
        for phrase in info["examplePhrases"]:
            m = matcher.match(phrase)
            assert m.kind in ("launch", "intent") and m.intent != "AMAZON.FallbackIntent", phrase
            assert all(s.value_id for s in m.slots.values()), phrase


# "Alexa, ask Safe Harbor for a pairing code", as people say it in each language (skill/core/pairing.py).
PAIRING_ASKED = {
    "en": ("ask safe harbor for a pairing code", "tell safe harbor I need a pairing code"),
    "es": ("pide a refugio seguro un código de vinculación", "pide a refugio seguro que me dé un código de vinculación"),
    "de": ("frag sicherer hafen nach einem kopplungscode", "sag sicherer hafen ich brauche einen kopplungscode"),
    "fr": ("demande à havre de paix un code d'association", "dis à havre de paix que je voudrais un code d'association"),
}


@pytest.mark.parametrize("locale", ["en-US", "es-ES", "de-DE", "fr-FR"])  # the intent's samples are the language's
def test_pairing_code_is_asked_for_in_each_language_in_its_own_words(locale):
    model = load_model(locale)  # the committed model
    samples = intents_by_name(model)["PairingCodeIntent"]["samples"]
    assert len(samples) >= 15 and not intents_by_name(model)["PairingCodeIntent"].get("slots")
    matcher = Matcher(model, locale)
    for phrase in PAIRING_ASKED[locale.split("-")[0]]:
        m = matcher.match("Alexa, " + phrase)
        assert (m.kind, m.intent) == ("intent", "PairingCodeIntent"), (phrase, m)


def test_ask_resources_file():
    res = json.loads((REPO / "ask-resources.json").read_text())
    assert res["askcliResourcesVersion"] == "2020-03-31"
    profile = res["profiles"]["default"]
    assert profile["skillMetadata"]["src"] == "./interaction_models"
    # SAM owns the function (infra/README.md step 5): `ask deploy` deploys the skill package only.
    assert "skillInfrastructure" not in profile and "code" not in profile


def test_committed_models_are_collision_free_with_the_real_exercises():
    committed = {locale: load_model(locale) for locale in LOCALES}
    test_no_sample_belongs_to_two_intents(committed)
    test_no_plain_sample_equals_a_value_of_a_bare_slot_sample(committed)


def test_the_model_has_every_intent_the_handlers_answer_and_none_they_dont():
    from skill.alexa.interaction_model import NEUTRAL_INTENTS

    handled = set(NEUTRAL_INTENTS)  # the handlers answer every Alexa name of a catalogue intent
    for locale in LOCALES:
        assert {i["name"] for i in lm(load_model(locale))["intents"]} == handled

"""The ASK CLI skill package: ask-resources.json, interaction_models/skill.json and one model per locale.

What `ask deploy` uploads is checked here offline: every published locale has its interaction model,
the listing carries the health disclaimer and a privacy policy, skill events reach the backend, and
the ASK CLI project deploys only the package (SAM owns the Lambda, infra/README.md step 5).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from skill.alexa.interaction_model import CATALOGUE_SUBDIR
from tests.support.alexa_nlu import CAPTURE, FALLBACK, Matcher

REPO = Path(__file__).resolve().parents[1]
LOCALES = {"en-US", "en-GB", "en-CA", "en-AU", "en-IN", "de-DE", "fr-FR", "fr-CA"}
# The listing's disclaimer, in each language's own words.
DISCLAIMER = {"en": "not a substitute for professional advice", "de": "kein ersatz für professionelle beratung",
              "fr": "ne remplace pas un avis professionnel", "es": "no sustituye el consejo profesional"}
LAMBDA_ARN = re.compile(r"arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+")


def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def resources() -> dict:
    return load_json(REPO / "ask-resources.json")


@pytest.fixture(scope="module")
def package_dir(resources) -> Path:
    src = resources["profiles"]["default"]["skillMetadata"]["src"]
    path = (REPO / src).resolve()
    assert path.is_dir(), f"skillMetadata.src {src!r} is not a folder"
    return path


@pytest.fixture(scope="module")
def manifest(package_dir) -> dict:
    return load_json(package_dir / "skill.json")["manifest"]


# ---- ask-resources.json ---------------------------------------------------------------------------


def test_ask_resources_is_a_skill_package_only_project(resources, package_dir):
    assert resources["askcliResourcesVersion"] == "2020-03-31"
    assert set(resources["profiles"]) >= {"default"}
    for name, profile in resources["profiles"].items():
        # infra/README.md step 5: with SAM owning the function, a code or skillInfrastructure entry
        # would make `ask deploy` create a second Lambda without the table, secret or audio settings.
        assert set(profile) == {"skillMetadata"}, f"profile {name}: {sorted(profile)}"
        assert (REPO / profile["skillMetadata"]["src"]).resolve() == package_dir
    assert package_dir == (REPO / "interaction_models").resolve()  # the docs/architecture.md contract
    assert (package_dir / "skill.json").is_file()


def test_package_folder_holds_only_what_smapi_expects(package_dir):
    found = {p.relative_to(package_dir).as_posix() for p in package_dir.rglob("*") if p.is_file()}
    expected = {"skill.json"} | {f"interactionModels/custom/{loc}.json" for loc in LOCALES}
    assert found == expected, f"unexpected files in the skill package: {sorted(found - expected)}"
    # The generator's source (the intent catalogue) lives outside the uploaded folder.
    source = REPO / CATALOGUE_SUBDIR
    assert (source / "en.toml").is_file() and package_dir not in source.parents


# ---- skill.json ---------------------------------------------------------------------------------


def test_every_locale_has_an_interaction_model(manifest, package_dir):
    published = set(manifest["publishingInformation"]["locales"])
    assert published == LOCALES
    for locale in published:
        model = load_json(package_dir / "interactionModels" / "custom" / f"{locale}.json")
        language_model = model["interactionModel"]["languageModel"]
        assert language_model["invocationName"] == "safe harbor"
        names = {i["name"] for i in language_model["intents"]}
        assert {"GroundMeIntent", "AMAZON.StopIntent", "AMAZON.PauseIntent", "AMAZON.ResumeIntent"} <= names
    countries = set(manifest["publishingInformation"]["distributionCountries"])
    assert countries == {loc.split("-")[1] for loc in LOCALES} | {"AT"}  # German devices serve Austria too


@pytest.mark.parametrize("locale", sorted(LOCALES))
def test_listing_carries_the_disclaimer(manifest, locale):
    listing = manifest["publishingInformation"]["locales"][locale]
    assert listing["name"] in ("Safe Harbor", "Sicherer Hafen", "Havre de paix")
    for field in ("summary", "description"):
        assert DISCLAIMER[locale[:2]] in listing[field].lower(), f"{locale} {field} lacks the disclaimer"
    assert len(listing["summary"]) <= 160  # the console's limit for the one-line summary
    assert listing["examplePhrases"] and len(listing["examplePhrases"]) <= 3


@pytest.mark.parametrize("locale", sorted(LOCALES))
def test_example_phrases_reach_real_intents(manifest, package_dir, locale):
    """Certification tries each example phrase: each must name the skill and land on a real intent."""
    model = load_json(package_dir / "interactionModels" / "custom" / f"{locale}.json")
    matcher = Matcher(model, locale)
    invocation = model["interactionModel"]["languageModel"]["invocationName"]
    for phrase in manifest["publishingInformation"]["locales"][locale]["examplePhrases"]:
        assert phrase.startswith("Alexa, ") and invocation in phrase.lower()
        match = matcher.match(phrase)
        assert match.kind in ("launch", "intent"), phrase
        if match.kind == "intent":
            assert match.intent not in (FALLBACK, CAPTURE) and not match.intent.startswith("AMAZON."), phrase
            assert all(slot.value_id for slot in match.slots.values()), phrase
    assert matcher.match(manifest["publishingInformation"]["locales"][locale]["examplePhrases"][0]).kind == "launch"


def test_privacy_policy_for_every_locale(manifest):
    privacy = manifest["privacyAndCompliance"]
    assert set(privacy["locales"]) == LOCALES
    for locale, urls in privacy["locales"].items():
        parts = urlsplit(urls["privacyPolicyUrl"])
        assert parts.scheme == "https" and parts.netloc, f"{locale}: {urls['privacyPolicyUrl']!r}"
    assert privacy["isChildDirected"] is False
    assert privacy["allowsPurchases"] is False and privacy["containsAds"] is False


def test_skill_disabled_events_reach_the_backend(manifest):
    events = manifest["events"]
    assert {"eventName": "SKILL_DISABLED"} in events["subscriptions"]
    # Events go to the same function as requests, so a disabled skill's record can be deleted.
    assert events["endpoint"]["uri"] == manifest["apis"]["custom"]["endpoint"]["uri"]
    assert LAMBDA_ARN.fullmatch(events["endpoint"]["uri"])


def test_custom_api_declares_audio_player(manifest):
    custom = manifest["apis"]["custom"]
    assert {"type": "AUDIO_PLAYER"} in custom["interfaces"]
    assert manifest["publishingInformation"]["category"] == "HEALTH_AND_FITNESS"
    assert manifest["manifestVersion"] == "1.0"


def test_custom_api_declares_apl_for_hub_screens(manifest):
    """The APL interface, as Amazon's manifest schema names it, with the hub viewports the document is laid out
    for (https://developer.amazon.com/en-US/docs/alexa/smapi/skill-manifest.html#custom-interfaces)."""
    apl = [i for i in manifest["apis"]["custom"]["interfaces"] if i["type"] == "ALEXA_PRESENTATION_APL"]
    assert len(apl) == 1
    viewports = apl[0]["supportedViewports"]
    assert viewports and {v["mode"] for v in viewports} == {"HUB"}
    for v in viewports:
        assert v["shape"] in ("RECTANGLE", "ROUND") and v["minWidth"] <= v["maxWidth"]
        assert v["minHeight"] <= v["maxHeight"]

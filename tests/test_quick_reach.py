"""Quick checks of the modules that otherwise only slow, browser or OVOS tests reach (docs/testing.md), so that
`python3 dev.py quick` exercises every module: the studio's web app without a browser, the OpenVoiceOS
adapter's entry point and hearing without a device, and the classifier's training examples without training.
The full tests of each stay where they are."""
from __future__ import annotations

import re

from skill.core import Ev, Event
from skill.intents import catalogue as cat


def test_the_studio_answers_loopback_only_and_lists_every_exercise():
    from skill.core import load_catalog
    from skill.studio.server import create_app

    client = create_app().test_client()
    index = client.get("/api/index", base_url="http://127.0.0.1:8090")
    assert index.status_code == 200
    listed = str(index.get_json())
    assert all(eid in listed for eid in load_catalog().exercises)
    assert client.get("/api/index", base_url="http://studio.example.test").status_code == 403  # not loopback
    assert client.post("/api/approve", data="x", base_url="http://127.0.0.1:8090").status_code == 415  # not JSON


def test_the_ovos_skill_is_found_offline_through_its_entry_point_and_hears_safety_first():
    from ovos_plugin_manager.skills import find_skill_plugins

    from skill.openvoiceos import SKILL_ID
    from skill.openvoiceos.hearing import heard, named
    from skill.openvoiceos.resources import LAUNCH
    from skill.openvoiceos.skill import SafeHarborSkill

    assert find_skill_plugins()[SKILL_ID] is SafeHarborSkill
    needs = SafeHarborSkill.runtime_requirements
    assert not (needs.requires_internet or needs.requires_network)
    assert heard(["next", "red"], "en-US") == Event(Ev.CHECKIN, "red")  # the safety reading wins
    assert heard(["next please"], "en-US", safety_only=True) is None
    assert named(LAUNCH, {}, "en-US") == Event(Ev.LAUNCH)


def test_training_examples_fill_every_slot_and_keep_everyday_lines_as_none():
    from skill.understanding.model import NONE
    from skill.understanding.train import examples

    pairs = examples(cat.load("en-US"))
    assert pairs and not [text for text, _ in pairs if re.search(r"\{\w+\}", text)]
    assert {label for _, label in pairs} > {NONE}
    assert examples(cat.load("en-US")) == pairs  # the same catalogue, the same examples, in the same order

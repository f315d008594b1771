"""Shared fixtures: the skill's web app on a fresh SQLite file, in dev mode or verifying with a test CA; and the
markers (slow, browser, ovos) given to tests by file or test name, which `python3 dev.py quick` leaves out."""
from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from skill.config import Settings
from skill.alexa.web import create_app
from skill.alexa.skill import build
from tests.support.alexa import Speaker
from skill.alexa.localca import SKILL_ID, alexa_ca

SECRET = "test-hash-secret-0123456789abcdef"
AUDIO_BASE = "https://audio.example.test/audio"


def settings_for(db: Path, dev: bool = True, **env: str) -> Settings:
    return Settings.from_env(dev=dev, env={"SKILL_ID": SKILL_ID, "SKILL_HASH_SECRET": SECRET,
                                           "SKILL_STORE": f"sqlite:///{db}",
                                           "SKILL_AUDIO_BASE_URL": AUDIO_BASE, **env})


class SkillServer:
    """One running instance of the skill: its Flask app, services and store. ``restart`` builds a new one
    on the same store URL, as a process restart would."""

    def __init__(self, db: Path, dev: bool = True, store=None, **env: str):
        self.db, self.dev, self.env = db, dev, env
        self.settings = settings_for(db, dev, **env)
        self.skill, self.services = build(self.settings, store)
        verifier = None if dev else alexa_ca().make_verifier(SKILL_ID)
        self.app = create_app(self.settings, self.skill, verifier=verifier)
        self.client = self.app.test_client()

    def restart(self, store=None) -> "SkillServer":
        return SkillServer(self.db, self.dev, store, **self.env)

    def speaker(self, **kw) -> Speaker:
        if not self.dev:
            kw.setdefault("sign", alexa_ca().signed_headers)
        return Speaker(self.client, **kw)


# Markers by file (every test in it) or by "file::test" (every parametrisation of it). Here rather than in
# each file, so one table says what the quick run leaves out (docs/testing.md); a name that matches no test
# is an error, so a renamed test cannot slip back in unmarked. `ovos` also goes to every test that starts
# an OVOS device (tests/support/ovos.py: the `device` fixture, or Device(...) in its body).
BROWSER = ("test_studio_browser.py", "test_studio_client_browser.py", "test_studio_languages_browser.py")
SLOW = (  # measured with --durations on a 2-core machine, two workers (docs/testing.md)
    "test_client_pairing.py::test_on_dynamodb_the_records_expire_by_ttl_and_a_code_works_once",
    "test_client_pairing.py::test_a_spoken_code_gives_the_deployer_the_key_and_the_version_then_follows_that_account",
    "test_client_pairing.py::test_asked_in_each_language_in_its_own_words",
    "test_audio.py::test_bed_is_exactly_a_minute_quiet_and_seeded",  # these three share a 4 s decode of the bed
    "test_audio.py::test_bed_joins_without_a_click",
    "test_audio.py::test_bed_swells_slowly",
    "test_cli_edges.py::test_dev_py_run_on_a_busy_port_says_so_in_one_line",
    "test_cli_edges.py::test_model_help_exits_0_and_check_says_so_on_success",
    "test_dev_extras.py::test_model_check_works_without_scikit_learn",
    "test_dynamodb_skill.py::test_outage_mid_exercise_keeps_answering_and_loses_nothing",
    "test_heldout_alexa.py::test_held_out_lines_through_post_alexa",
    "test_hostile_input.py::test_fuzz_mutated_real_envelopes",
    "test_hostile_input.py::test_fuzz_session_attributes_of_any_shape",
    "test_intent_catalogue.py::test_the_console_understands_every_sample_with_every_slot_value",
    "test_interaction_model.py::test_check_reports_a_hand_edit_and_a_missing_file",
    "test_languages.py::test_red_stop_and_distress_in_the_locales_words_at_every_step_name_the_countrys_line",
    "test_interaction_model.py::test_cli_check_exit_codes",
    "test_interaction_model.py::test_committed_locale_files_equal_a_fresh_build",
    "test_openvoiceos.py::test_model_check_fails_when_an_ovos_file_is_stale",
    "test_openvoiceos_golden.py::test_every_golden_path_says_the_same_words_through_the_ovos_adapter",
    "test_package_data.py",  # builds a wheel from a copy of the tree
    "test_ssml_rules.py",  # one walk of every step and action in five locales, shared by its tests
    "test_state_rules.py::test_failed_load_then_an_older_record_does_not_take_over",
    "test_store_contract.py::test_dynamodb_server_down_fails_fast_then_recovers",
    "test_store_deadline.py::test_late_write_never_lands_on_a_newer_one",
    "test_store_deadline.py::test_no_attempt_is_sent_after_the_deadline",
    "test_store_deadline.py::test_sqlite_lock_waits_do_not_stack_across_threads",
    "test_store_outages.py::test_frozen_dynamodb_every_turn_answers_within_4s",
    "test_store_outages.py::test_sqlite_locked_by_another_process_eight_people_answer_within_4s",
    "test_studio_content.py::test_browser_tests_fail_not_skip_without_chromium",
    "test_understanding.py::test_training_is_deterministic_and_reproduces_the_committed_model",
)
MARKS = {"browser": BROWSER, "slow": SLOW}


def _starts_an_ovos_device(item) -> bool:
    if "device" in getattr(item, "fixturenames", ()) and item.path.name.startswith("test_openvoiceos"):
        return True
    try:
        return "Device(" in inspect.getsource(item.function)
    except (AttributeError, OSError, TypeError):
        return False


@pytest.hookimpl(tryfirst=True)  # before -m deselects by these markers
def pytest_collection_modifyitems(config, items):
    modules = {}
    for item in items:
        file = item.path.name
        modules[file] = item.module
        names = {file, f"{file}::{item.originalname}"}
        for mark, marked in MARKS.items():
            if names & set(marked):
                item.add_marker(mark)
        if _starts_an_ovos_device(item):
            item.add_marker("ovos")
    stale = []
    for name in (n for marked in MARKS.values() for n in marked):
        file, _, test = name.partition("::")
        if not (Path(__file__).with_name(file).is_file() and (file not in modules or not test
                                                              or hasattr(modules[file], test))):
            stale.append(name)
    if stale:
        raise pytest.UsageError(f"tests/conftest.py marks tests that do not exist: {stale}")


@pytest.fixture
def server(tmp_path) -> SkillServer:
    return SkillServer(tmp_path / "state.sqlite3")


@pytest.fixture
def verified_server(tmp_path) -> SkillServer:
    return SkillServer(tmp_path / "state.sqlite3", dev=False)

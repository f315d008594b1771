"""Practice schedules said in each language's own words (skill/understanding/schedule.py and the ``[schedule]``
section of each ``lang/<code>.toml``): through POST /alexa, the words heard in the reminder slot become the
schedule the skill says back and asks permission for (its token carries the schedule's value)."""
from __future__ import annotations

import pytest

from skill.understanding import reader_for
from skill.understanding.language import LanguageError
from skill.understanding.schedule import schedule_value, schedule_words
from tests.support.alexa import API_TOKEN
from tests.support.reminders_api import RemindersAPI

SAID = [
    ("en-US", "tuesday and friday at eight", "TU,FR@20:00"), ("en-US", "every evening", "daily@20:00"),
    ("en-US", "weekdays at half past seven in the morning", "MO,TU,WE,TH,FR@07:30"),
    ("en-US", "quarter to nine", "daily@20:45"), ("en-US", "remind us", None),  # no time said: the skill asks
    ("es-ES", "el martes y el viernes a las ocho", "TU,FR@20:00"), ("es-MX", "todas las noches", "daily@20:00"),
    ("es-US", "entre semana a las siete y media de la mañana", "MO,TU,WE,TH,FR@07:30"),
    ("es-ES", "los domingos a las nueve menos cuarto", "SU@20:45"), ("es-MX", "los sábados al mediodía", "SA@12:00"),
    ("fr-FR", "mardi et vendredi à huit heures", "TU,FR@20:00"), ("fr-CA", "tous les soirs", "daily@20:00"),
    ("fr-FR", "en semaine à sept heures et demie du matin", "MO,TU,WE,TH,FR@07:30"),
    ("fr-FR", "le dimanche à neuf heures moins le quart", "SU@20:45"), ("fr-CA", "à vingt heures trente", "daily@20:30"),
    ("de-DE", "dienstags und freitags um acht", "TU,FR@20:00"), ("de-DE", "jeden abend", "daily@20:00"),
    ("de-DE", "werktags um halb acht morgens", "MO,TU,WE,TH,FR@07:30"),
    ("de-DE", "sonntags um viertel vor neun", "SU@20:45"), ("de-DE", "samstags um zwanzig uhr dreißig", "SA@20:30"),
]


@pytest.mark.parametrize("locale, words, value", SAID)
def test_a_schedule_is_read_in_the_locales_words(locale, words, value):
    reader = reader_for(locale)
    assert schedule_value(reader.lang.canon(words), reader.lang.code) == value


def test_a_broken_schedule_section_names_the_file_and_field(tmp_path):
    (tmp_path / "xx.toml").write_text("[schedule]\nweekdays = '('\n")
    with pytest.raises(LanguageError, match=r"xx.toml: field 'schedule.days'"):
        schedule_words("xx", tmp_path)


@pytest.mark.parametrize("locale, words, value", [s for s in SAID if s[2] and not s[0].startswith("en")])
def test_said_in_the_language_the_skill_asks_permission_for_that_schedule(server, locale, words, value):
    with RemindersAPI(token=API_TOKEN, zone="Europe/Madrid") as api:
        alexa = server.speaker(user_id=f"amzn1.ask.account.SCHEDULE-{locale}-{value}", locale=locale,
                               api_endpoint=api.endpoint)
        turn = alexa.intent("SetReminderIntent", {"when": (words, None)})
        assert turn.status == 200 and "?" in turn.speech  # said back, asking before anything is set
        assert api.calls == []
        turn = alexa.intent("AMAZON.YesIntent")
        ask = [d for d in turn.directives if d["type"] == "Connections.SendRequest"]
        assert ask and ask[0]["token"] == f"reminder:{value}", turn.speech

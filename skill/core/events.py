"""What the engine understands: platform-neutral events, the turn's context, and its reply."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from .pairing import Pairing
    from .reminders import Reminders


class Ev(StrEnum):
    """The kinds of event the engine understands; every adapter maps its platform's requests onto these."""

    LAUNCH = "launch"
    START = "start"  # value: exercise id, or None when the name did not match
    GROUND = "ground"  # "help me ground", "I'm triggered", "I'm having a flashback"
    NEXT = "next"
    BACK = "back"
    REPEAT = "repeat"
    START_OVER = "start_over"
    PAUSE = "pause"
    RESUME = "resume"
    HELP = "help"
    YES = "yes"
    NO = "no"
    CHECKIN = "checkin"  # value: green, yellow, red, or None when unmatched
    STOP = "stop"
    CANCEL = "cancel"
    FALLBACK = "fallback"
    LOOP = "loop"
    SHUFFLE = "shuffle"
    SESSION_END = "session_end"
    RATING = "rating"  # value: the number said, as text (may be out of range or not a number)
    SETTING = "setting"  # value: shorter, longer, less_talking, more_talking
    SET_LENGTH = "set_length"  # value: minutes, as text
    GO_FIRST = "go_first"  # "I'll go first"
    DELETE_DATA = "delete_data"  # "delete my data": asks once, then forgets everything
    WHAT_WE_KEEP = "what_we_keep"  # "what do you keep about me?"
    # Distress in any words; value "at_risk" when life may be at risk, "unsafe" when someone is hurting the
    # person (a partner, at home), else None.
    DISTRESS = "distress"
    UNSURE = "unsure"  # it may have been distress: the understanding layer could not tell
    GO_ON = "go_on"  # "keep going", "I'm okay": green at a check-in, yes to a question, else on
    NOT_SURE = "not_sure"  # "I don't know": a rating is optional; a question can wait
    WHICH_ONE = "which_one"  # "which one?": names the exercise in progress
    HOLD_STOPPED = "hold_stopped"  # the hold audio stopped; the position is in Context.playing
    HOLD_FINISHED = "hold_finished"  # the hold's last segment (the chime) finished
    HOLD_FAILED = "hold_failed"
    # Practice reminders (skill/core/reminders.py) and "how are we doing?"
    SET_REMINDER = "set_reminder"  # value: a schedule's value form ("TU,FR@20:00"), or None when none was read
    LIST_REMINDERS = "list_reminders"
    DELETE_REMINDERS = "delete_reminders"  # "stop the reminders"
    # The platform's answer to its own permission prompt: value "accepted", "denied" or "not_answered";
    # about: the schedule that was being set (its value form)
    PERMISSION = "permission"
    PROGRESS = "progress"  # "how are we doing?"
    PAIRING = "pairing"  # "ask Safe Harbor for a pairing code" (skill/core/pairing.py)

# Events that come from the audio player, not from a person's voice: they can never speak.
AUDIO_EVENTS = frozenset({Ev.HOLD_STOPPED, Ev.HOLD_FINISHED, Ev.HOLD_FAILED})
# Events that start the exercise of a role that names them (common/roles.toml, starts_on), whatever is going on.
ROLE_EVENTS = frozenset({Ev.GROUND})
# Consent and safety: what every voice may always say, and what is always honoured and saved, whoever says it
# and whatever setting is on ("only my voice" included): no (and "not ready"), stop, cancel, a colour, pause,
# distress in any words (unsafe included), "it may have been distress", and grounding.
CONSENT_AND_SAFETY = frozenset({Ev.NO, Ev.STOP, Ev.CANCEL, Ev.CHECKIN, Ev.PAUSE, Ev.DISTRESS, Ev.UNSURE,
                                Ev.GROUND})


@dataclass(frozen=True)
class Event:
    """One thing said or reported: its ``kind``, and the value it carries (see Ev) or None."""

    kind: Ev
    value: str | None = None
    about: str | None = None  # PERMISSION only: what the permission was asked for


def _unknown_time() -> datetime | None:
    return None


def _unknown_zone() -> str | None:
    return None


@dataclass(frozen=True)
class HoldPosition:
    """Where a step's hold audio is: which exercise, step and run, and how far in (ms)."""

    exercise: str
    step: str
    run: str
    elapsed_ms: int


@dataclass(frozen=True)
class Context:
    """What the engine may know of the turn beyond the event: the locale, whether the session is new, the
    device's local time (a callable, asked only when a step names the day), its abilities, the voice, how long
    records are kept (days), where this skill's hold audio is playing, if it is, the device's wake word, its
    reminders (a ``reminders.Reminders`` port, or None) and whether the account has voice profiles."""

    locale: str = "en-US"
    new_session: bool = False
    # The device's local time, asked for only when a step names the day (it may cost a network call).
    local_time: Callable[[], datetime | None] = field(default=_unknown_time)
    audio_player: bool = False  # the device can play long-form audio
    recognised_voice: bool = False  # Alexa recognised the speaker's voice profile
    other_voice: bool = False  # the speaker is not the one whose session (and progress) this is
    record_days: int = 90  # how long an unused record is kept
    playing: HoldPosition | None = None  # this skill's hold audio, as the device reports it
    wake_word: str = "Alexa"  # the name the device answers to, said in "{wake}, next"
    reminders: Reminders | None = None  # the platform's reminders; None: this device sets none
    profiles: bool = False  # the account's record lists voice profiles (a record of theirs is not everyone's)
    screen: bool = False  # the device shows what the turn puts on screen (Reply.screen)
    # The device's IANA time zone ("Europe/Vienna"), asked only where it chooses a country's lines (Austria and
    # Switzerland on German and French devices: content.Phrases.country); None when unknown.
    time_zone: Callable[[], str | None] = field(default=_unknown_zone)
    # The account's keyed hash (identity.Identity.account, never the raw id): picks a client's own version.
    account: str | None = None
    # Pairing codes (skill/core/pairing.py), where a client's version is named by account; None: this device
    # needs none (OpenVoiceOS reads the version from its own data folder).
    pairing: Pairing | None = None


@dataclass(frozen=True)
class Reply:
    """What to say, in the content markup (plain text with [pause N]); the speech layer renders it."""

    speech: str = ""
    reprompt: str | None = None
    end_session: bool = True
    gentle: bool = False
    play: HoldPlay | None = None  # start (or go on with) a step's hold audio
    stop_audio: bool = False
    forget: bool = False  # delete everything stored for this person (confirmed by voice)
    # Ask the platform for permission to set reminders (its own prompt), then carry on with this schedule
    # (its value form); the answer comes back as Ev.PERMISSION.
    ask_permission: str | None = None
    screen: Screen | None = None  # what a device with a screen shows now (only when Context.screen)


@dataclass(frozen=True)
class HoldPlay:
    """Play the hold of ``exercise``/``step`` (run ``run``) of ``seconds`` in all, from ``elapsed_ms`` in."""

    exercise: str
    step: str
    run: str
    seconds: int
    elapsed_ms: int = 0


@dataclass(frozen=True)
class Screen:
    """What a screen shows after a turn, in the content's words (each adapter decides how): a short ``title``
    (a step's title, or a phrase that names no exercise), the ``crisis`` line when the turn names it, and the
    ``hold`` playing now, whose countdown runs from ``hold.elapsed_ms`` to ``hold.seconds``. ``buttons``:
    the labels of the touch controls, by what they do ("stop", "pause", "help")."""

    title: str
    buttons: tuple[tuple[str, str], ...] = ()
    crisis: str | None = None
    hold: HoldPlay | None = None
    hold_label: str | None = None

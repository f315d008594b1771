"""The content rules that span steps or files, checked when the catalog loads (and by ``content check``).

Each is something the engine relies on or docs/writing-content.md asks for and a machine can check: every step is
reachable and can reach an ending; a question takes both yes and no; a partnered exercise explains the
colours once, at its start; every ending says it is the end; each role of common/roles.toml is played by
exactly one exercise (for one person, where the role says so); a length setting declared in two files is the
same in both; no text says what is untrue wherever it is spoken (``check_words``). Errors name the
file, the step and the field (``ContentError``).
"""
from __future__ import annotations

import re
from collections import deque

from .content import BREATH_SECONDS, Catalog, ContentError, Exercise
from .speech import SENTENCE_END, SILENCE, Breath, Pace, plan

COLOURS_EXPLAINED = re.compile(r"\bgreen\b.*\bkeep going\b.*\byellow\b.*\bslow down\b.*\bred\b.*\bstop\b",
                               re.IGNORECASE | re.DOTALL)
SAYS_END = re.compile(r"\bend\b", re.IGNORECASE)

# Kinds of sentence that are untrue wherever they are spoken (docs/writing-content.md, "Every sentence must be
# true where it is spoken"), each with the reason given in the ContentError. Words that depend on the device (sound, a chime)
# are the engine's to choose, by whether the device plays audio.
_PRIVACY = "promises privacy the platform does not keep: a listening speaker may save what it hears"
UNTRUE: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"\byou(?:'re| are)(?: both| all)?(?: now)? safe\b|\bsafe now\b|\bnothing can hurt you\b",
                re.IGNORECASE),
     "asserts the listener is safe, which the skill cannot know: say where and when they are"),
    (re.compile(r"\b(?:i|we|safe harbor|alexa|this skill)\s+(?:won't|will not|don't|do not|never|can't|cannot)"
                r"\s+(?:record|save|store|keep|hear|listen|remember)\w*", re.IGNORECASE), _PRIVACY),
    (re.compile(r"\b(?:nobody|no one|no-one)\b[^.?!]*\b(?:hear\w*|listen\w*|record\w*)\b", re.IGNORECASE), _PRIVACY),
    (re.compile(r"\bbetween (?:us|you and me|the three of us)\b|\bconfidential\b|\b(?:isn't|is not|not being|never)"
                r" recorded\b|\boff the record\b", re.IGNORECASE), _PRIVACY),
    (re.compile(r"\b(?:betray\w*|affairs?|cheat(?:ed|ing|er)?|infidelity|unfaithful\w*|adultery|porn\w*)\b",
                re.IGNORECASE),
     "names betrayal aloud: whoever is listening hears it, and not everyone came for that reason"),
    (re.compile(r"\bafter what (?:happened|they did|was done)\b|\bwhat (?:your partner|they) did\b|"
                r"\brebuild(?:ing)? (?:the )?trust\b|\bhealing from\b", re.IGNORECASE),
     "assumes why they came"),
)


# Sound and a chime are promised only by the engine, where the device plays them (phrases.hold_with_audio).
PROMISES_SOUND = re.compile(r"\bchimes?\b|\bsound will play\b|\bsoft sound\b|\bmusic\b", re.IGNORECASE)
# hold_length_over is said only while the hold audio plays (a length said during it, already past).
SOUND_PHRASES = frozenset({"hold_with_audio", "hold_reprompt_audio", "hold_length_over"})


def check_device_words(exercise: Exercise, file: str) -> None:
    """Raise ContentError where a step's words promise sound: a device without AudioPlayer would never play it."""
    for step in exercise.steps:
        fields = {**step.variants(), "help": step.help, "reprompt": step.reprompt,
                  **{name: getattr(step, name) for name in ("say_without_clock", "gentle_without_clock",
                                                            "brief_without_clock")}}
        for name, text in fields.items():
            m = PROMISES_SOUND.search(text or "")
            if m:
                raise ContentError(file, step.id, name, f"promises sound ('{m.group(0)}') that a device without "
                                   "AudioPlayer never plays; the engine adds it where it plays (hold_with_audio)")


def check_words(text: str, file: str, step: str | None, field_name: str) -> None:
    """Raise ContentError when ``text`` holds a sentence of a kind in ``UNTRUE``, quoting it."""
    for pattern, reason in UNTRUE:
        m = pattern.search(text)
        if m:
            raise ContentError(file, step, field_name, f"{reason} ('{m.group(0)}')")


def successors(exercise: Exercise, step_id: str) -> set[str]:
    """The steps one answer can lead to from ``step_id`` ("back" with no trail goes to the step before)."""
    ids = [s.id for s in exercise.steps]
    i = ids.index(step_id)
    out: set[str] = set()
    for target in exercise.steps[i].on.values():
        if target == "next":
            out.update(ids[i + 1:i + 2])
        elif target == "back":
            out.update(ids[max(i - 1, 0):i] or [step_id])
        elif target == "repeat":
            out.add(step_id)
        elif target == "end":
            out.add(next(s.id for s in exercise.steps if s.end))
        else:
            out.add(target)
    return out


def reachable(exercise: Exercise, start: str) -> set[str]:
    """Every step that some sequence of answers leads to from ``start`` (``start`` included)."""
    seen, queue = {start}, deque([start])
    while queue:
        for nxt in successors(exercise, queue.popleft()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def check_exercise(exercise: Exercise, file: str) -> None:
    """Raise ContentError unless one exercise's steps form a sound path (see the module docstring)."""
    ends = {s.id for s in exercise.steps if s.end}
    from_first = reachable(exercise, exercise.first.id)
    for step in exercise.steps:
        if step.id not in from_first:
            raise ContentError(file, step.id, "id", "no answer leads to this step from the first one")
        if step.end:
            if not SAYS_END.search(step.say):
                raise ContentError(file, step.id, "say", "an ending must say that this is the end")
            continue
        if not reachable(exercise, step.id) & ends:
            raise ContentError(file, step.id, "on", "no answer leads from here to an ending")
        if step.asks_question and not {"yes", "no"} <= set(step.on):
            raise ContentError(file, step.id, "on", "a question must take both yes and no")
    if exercise.partnered:
        for name, text in exercise.first.variants().items():
            if not COLOURS_EXPLAINED.search(text):
                raise ContentError(file, exercise.first.id, name,
                                   "a partnered exercise explains green, yellow and red in its first step")
        for step in exercise.steps[1:]:
            for name, text in step.variants().items():
                if COLOURS_EXPLAINED.search(text):
                    raise ContentError(file, step.id, name, "the colours are explained once, in the first step")
    check_device_words(exercise, file)


# A sentence that cues one breath in or out ("In.", "And out, slowly.", "Breathe in gently.", "And a long, slow
# breath out."): the silence after it is a paced breath, written [breath N], never a rest ([pause N]) that the
# gentle pace would stretch.
BREATH_CUE = re.compile(r"^(?:(?:and|now|again|then)[,.]?\s+)?(?:(?:a|one)\s+(?:(?:long|slow|deep|gentle),?\s+)*"
                        r"breath\s+(?:in|out)|breath(?:e|ing)\s+(?:in|out)|in|out)\b", re.IGNORECASE)


def step_texts(step) -> dict[str, str]:
    """Every text of a step, by field: its wordings, their no-clock forms, help and reprompt."""
    fields = {**step.variants(), "help": step.help, "reprompt": step.reprompt,
              **{name: getattr(step, name) for name in ("say_without_clock", "gentle_without_clock",
                                                        "brief_without_clock")}}
    return {name: text for name, text in fields.items() if text}


def check_breaths(text: str, pacing: dict[str, Pace], file: str, step: str | None, field_name: str,
                  cue: re.Pattern = BREATH_CUE) -> None:
    """Raise ContentError where a paced breath would fall outside BREATH_SECONDS at any pace (normal, gentle, any
    other), or where a breath is cued (``cue``: the text's language's, English by default) but its silence is
    written as a rest."""
    low, high = BREATH_SECONDS
    for pace_name, pace in pacing.items():
        for part in plan(text, pace):
            if isinstance(part, Breath) and not low * 1000 <= part.ms <= high * 1000:
                raise ContentError(file, step, field_name,
                                   f"a paced breath of {part.ms / 1000:g} s at the {pace_name} pace is outside "
                                   f"{low:g} to {high:g} s (docs/writing-content.md, 'Paced breaths')")
    parts = SILENCE.split(" ".join(text.split()))  # words, then each silence's kind and seconds, then words ...
    for i in range(1, len(parts) - 1, 3):
        if parts[i] != "pause":
            continue
        sentences = [s for s in SENTENCE_END.split(parts[i - 1].strip()) if s]  # the words before this rest
        if sentences and cue.match(sentences[-1]):
            raise ContentError(file, step, field_name,
                               f"'{sentences[-1]}' cues a breath: write its silence as [breath N], not [pause N], "
                               "so the gentle pace keeps it within the comfortable range")


def check_catalog(catalog: Catalog, folder: str) -> None:
    """Raise ContentError unless the exercises fit together: some exist, gates name real exercises, roles are
    played as declared (``check_roles``), and settings of one name agree."""
    if not catalog.exercises:
        raise ContentError(folder, None, "(folder)", "holds no exercise files")
    for exercise in catalog.exercises.values():
        if exercise.gate and exercise.gate.after not in catalog.exercises:
            raise ContentError(f"{exercise.id}.toml", None, "offered_after.exercise",
                               f"names no exercise: '{exercise.gate.after}'")
    for key, text in catalog.phrases.text.items():
        m = PROMISES_SOUND.search(text)
        if m and key not in SOUND_PHRASES:
            raise ContentError("common/phrases.toml", None, f"phrases.{key}",
                               f"promises sound ('{m.group(0)}'); only {sorted(SOUND_PHRASES)} may")
    for exercise in catalog.exercises.values():  # every text of every exercise, at every pace
        for step in exercise.steps:
            for name, text in step_texts(step).items():
                check_breaths(text, catalog.pacing, f"{exercise.id}.toml", step.id, name)
    for key, text in catalog.phrases.text.items():
        check_breaths(text, catalog.pacing, "common/phrases.toml", None, f"phrases.{key}")
    check_reminder_text(catalog)
    check_roles(catalog, folder)
    seen: dict[str, tuple[str, object]] = {}
    for exercise in catalog.exercises.values():
        for name, spec in exercise.settings.items():
            first = seen.setdefault(name, (exercise.id, spec))
            if first[1] != spec:
                raise ContentError(f"{exercise.id}.toml", None, f"settings.{name}",
                                   f"differs from the one in {first[0]}.toml (declare it once, in common/settings.toml)")


# Words that would tell anyone reading the household's Alexa app what the practice is.
PRIVATE_WORDS = re.compile(r"\b(?:touch|touching|sensate|intimacy|intimate|sex|sexual|body|bodies|affair|"
                           r"betrayal|trauma|flashback|therapy|couples?|partner)\b", re.IGNORECASE)


def check_reminder_text(catalog: Catalog) -> None:
    """A reminder's words (phrase ``reminder_text``) show in the household's Alexa app: they name no exercise
    (id, title or synonym) and no word of what the practice is (PRIVATE_WORDS)."""
    text = catalog.phrases.text.get("reminder_text")
    if text is None:
        raise ContentError("common/phrases.toml", None, "phrases.reminder_text", "is missing")
    low = " ".join(re.sub(r"[^a-z' ]+", " ", text.lower()).split())
    names = {n.lower() for e in catalog.exercises.values() for n in (e.id.replace("_", " "), e.title, *e.synonyms)}
    named = [n for n in names if n and re.search(rf"\b{re.escape(n)}\b", low)]
    m = PRIVATE_WORDS.search(text)
    if named or m:
        raise ContentError("common/phrases.toml", None, "phrases.reminder_text",
                           f"names what is private ('{named[0] if named else m.group(0)}'): it shows in the "
                           "household's Alexa app")


def check_roles(catalog: Catalog, folder: str) -> None:
    """Raise ContentError unless every role an exercise names is declared, and each declared role is played by
    exactly one exercise, for one person where the role is ``solo``."""
    for exercise in catalog.exercises.values():
        if exercise.role is not None and exercise.role not in catalog.roles:
            raise ContentError(f"{exercise.id}.toml", None, "role", f"names no role of common/roles.toml: "
                               f"'{exercise.role}'")
    for role in catalog.roles.values():
        players = [e for e in catalog.exercises.values() if e.role == role.name]
        if len(players) != 1:
            where = f"{players[1].id}.toml" if players else folder
            raise ContentError(where, None, "role", f'exactly one exercise needs role = "{role.name}", '
                               f"not {len(players)}")
        if role.solo and players[0].partnered:
            raise ContentError(f"{players[0].id}.toml", None, "kind",
                               f'the {role.name} exercise is for one person: kind = "solo"')

"""One language's understanding data (skill/understanding/lang/<language>.toml), loaded and checked once.

The file holds what generalises beyond the catalogue's samples: canonical spellings, the word lists and rules of
the safety screen, the check-in colours, the phrases that mean yellow, and how numbers are said. Errors name the file and the field (LanguageError).
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..intents.catalogue import fold, normalize, number_words

LANG_DIR = Path(__file__).resolve().parent / "lang"
# Most serious first. Red is mostly read as a colour (screen.colors_said); a rule may name it too ("read" alone).
SCREEN_KINDS = ("unsafe", "at_risk", "distress", "stop", "red", "unsure")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
NEVER = r"(?!x)x"  # a pattern that matches nothing, for a language that leaves one out


class LanguageError(ValueError):
    """A language file cannot be used (the message names the file and the field)."""


@dataclass(frozen=True)
class Rule:
    kind: str
    pattern: re.Pattern
    negatable: bool


@dataclass(frozen=True)
class Language:
    """A language's compiled understanding data. ``canonical``: spelling -> form, applied by ``canon``."""

    code: str
    canonical: tuple[tuple[re.Pattern, str], ...]
    fillers: frozenset[str]
    negation: re.Pattern
    rules: tuple[Rule, ...]
    colors: dict[str, tuple[str, ...]]
    color_after: frozenset[str]
    color_before: frozenset[str]  # words that say the next colour is a check-in ("at red", "still red")
    caution: tuple[re.Pattern, ...]
    out_of: re.Pattern  # the scale said after a number ("eight out of ten"), dropped before numbers are read
    not_a_rating: re.Pattern  # numbers that are no rating ("one moment"), dropped before a rating is read
    harmless: re.Pattern | None  # idioms whose alarming word is harmless, removed before the screen reads a text
    numbers: frozenset[str]  # the language's number words, read as one feature by the classifier

    def canon(self, text: str) -> str:
        """The catalogue's normalization, then the language's canonical spellings ("im ok" -> "i'm okay")."""
        t = normalize(text, self.code)
        for pattern, form in self.canonical:
            t = pattern.sub(form, t)
        return t

    def words(self, canonical: str) -> list[str]:
        """The words of a canonical text, fillers dropped ("um i'm okay" -> ["i'm", "okay"])."""
        return [w for w in canonical.split() if w not in self.fillers]

    def tokens(self, canonical: str) -> list[str]:
        """What the classifier reads of a canonical text: its words (``words``), each number word as "#" and
        every word without accents (``fold``), so that "panico" and "pánico" are one word."""
        return ["#" if w in self.numbers else fold(w) for w in self.words(canonical)]

    def negated(self, text: str, start: int, end: int) -> bool:
        """Whether a negation stands in ``text[start:end]`` (a match) or in the one word before it: "i'm not
        scared", "not panicking"; "it's not working, i'm panicking" is not negated."""
        before = text[:start].split()[-1:]
        return bool(self.negation.search(" ".join([*before, text[start:end]])))


def _alternatives(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True) if w)


def _phrases(phrases: list[str], code: str) -> re.Pattern | None:
    """Whole phrases, not after a negation ("in a good way", but not "not in a good way"); None for none."""
    if not phrases:
        return None
    return re.compile(rf"(?<![\w'])(?<!not )(?<!n't )(?:{_alternatives([normalize(p, code) for p in phrases])})(?![\w'])")


def _number_words(code: str) -> frozenset[str]:
    """The words of 0-20, the tens and a hundred in a language. Outside English the word for one is left out: it
    is the indefinite article too ("un", "una", "ein")."""
    said = [*range(21), *range(30, 101, 10)]
    return frozenset(w for n in said if code == "en" or n != 1 for w in number_words(n, code).split())


@lru_cache(maxsize=None)
def load_language(code: str, directory: Path = LANG_DIR) -> Language:
    """The understanding data of a language ("en"), compiled. Raises LanguageError naming the file and field."""
    path = Path(directory) / f"{code}.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LanguageError(f"{path.name}: no such language file") from None
    except tomllib.TOMLDecodeError as exc:
        raise LanguageError(f"{path.name}: {exc}") from None
    words = data.get("words", {})
    for name, value in words.items():
        if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
            raise LanguageError(f"{path.name}: field 'words.{name}': a list of strings")

    def compile_rule(where: str, source: str) -> re.Pattern:
        def fill(m: re.Match) -> str:
            if m.group(1) not in words:
                raise LanguageError(f"{path.name}: {where}: unknown word list {{{m.group(1)}}}")
            return f"(?:{_alternatives([normalize(w, code) for w in words[m.group(1)]])})"
        try:
            return re.compile(PLACEHOLDER.sub(fill, source))
        except re.error as exc:
            raise LanguageError(f"{path.name}: {where}: {exc}") from None

    rules = []
    for index, rule in enumerate(data.get("screen", [])):
        kind = rule.get("kind")
        if kind not in SCREEN_KINDS:
            raise LanguageError(f"{path.name}: field 'screen[{index}].kind': one of {', '.join(SCREEN_KINDS)}")
        for n, source in enumerate(rule.get("patterns", [])):
            rules.append(Rule(kind, compile_rule(f"field 'screen[{index}].patterns[{n}]'", source),
                              bool(rule.get("negatable", True))))
    rules.sort(key=lambda r: SCREEN_KINDS.index(r.kind))
    colors = {name: tuple(normalize(w, code) for w in names) for name, names in data.get("colors", {}).items()}
    if set(colors) != {"green", "yellow", "red"}:
        raise LanguageError(f"{path.name}: field 'colors': needs green, yellow and red")
    canonical = tuple((re.compile(rf"(?<![\w']){re.escape(k)}(?![\w'])"), v)
                      for k, v in sorted(data.get("canonical", {}).items(), key=lambda kv: -len(kv[0])))
    return Language(
        code=code, canonical=canonical,
        fillers=frozenset(normalize(w, code) for w in words.get("fillers", [])),
        negation=re.compile(rf"(?<![\w'])(?:{_alternatives(words.get('negation', []))})(?![\w'])"),
        rules=tuple(rules), colors=colors,
        color_after=frozenset(normalize(w, code) for w in words.get("colour_after", [])),
        color_before=frozenset(normalize(w, code) for w in words.get("colour_before", [])),
        caution=tuple(compile_rule(f"field 'caution.patterns[{n}]'", p)
                      for n, p in enumerate(data.get("caution", {}).get("patterns", []))),
        harmless=_phrases(data.get("idioms", {}).get("harmless", []), code),
        out_of=re.compile(data.get("numbers", {}).get("out_of", NEVER)),
        not_a_rating=re.compile(data.get("numbers", {}).get("not_a_rating", NEVER)),
        numbers=_number_words(code),
    )

"""Reading the words of a text the way the classifier and the slot readers need them."""
from __future__ import annotations

from .language import Language


def words_of(lang: Language, text: str, canonical: bool = False) -> list[str]:
    """The words of ``text`` in canonical form, fillers dropped ("um, I'm OK" -> ["i'm", "okay"])."""
    t = text if canonical else lang.canon(text)
    return [w for w in t.split() if w not in lang.fillers]

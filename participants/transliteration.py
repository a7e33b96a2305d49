"""Names in Latin letters: what the desk searches, and the Latin line of a Cyrillic-only badge.

The Russian letters are romanized by iuliia's published schemes: ICAO Doc 9303, the one
machine-readable passports use (Пётр Щукин → Petr Shchukin), and the popular spelling
people type (Pyotr). The Kazakh, Kyrgyz and Tajik letters those schemes leave alone
(ә ғ қ ң ө ұ ү һ і ҳ ҷ ӣ ӯ) then go through anyascii, which also reads Latin letters
without their accents (José → Jose), so that either spelling finds the other.
"""

from __future__ import annotations

import re

import iuliia
from anyascii import anyascii

CYRILLIC = re.compile("[\u0400-\u052f]")

# The passport's spelling first, then the popular one; anyascii alone gives a third
# (Aleksey, Yuriy).
_SCHEMES = (iuliia.ICAO_DOC_9303.translate, iuliia.WIKIPEDIA.translate, str)


def has_cyrillic(text: str) -> bool:
    return CYRILLIC.search(text) is not None


def _schemes(text: str) -> tuple:
    # The Russian schemes leave Latin text as it is: without Cyrillic, anyascii alone gives
    # the same spellings, at a fraction of the time (an import of 10,000 Latin names).
    return _SCHEMES if has_cyrillic(text) else (str,)


def to_latin(text: str) -> str:
    """``text`` as a passport would spell it (ICAO Doc 9303); Latin text stays as it is."""
    if not has_cyrillic(text):
        return text
    return anyascii(iuliia.ICAO_DOC_9303.translate(text))


def spellings(text: str) -> list[str]:
    """Every Latin spelling of the words of ``text``, in lower case, each once, in order."""
    words: dict[str, None] = {}
    for scheme in _schemes(text):
        for word in anyascii(scheme(text)).lower().split():
            words[word] = None
    return list(words)


def search_key(*names: str) -> str:
    """The stored search key of a person's names: their Latin spellings, each word preceded
    by a space so that a match at a word's start is ``contains(" " + word)``."""
    return "".join(f" {word}" for word in spellings(" ".join(names)))


def query_spellings(word: str) -> list[str]:
    """The spellings one typed word may have in a search key, each once; a word with no
    Latin spelling (only marks that anyascii drops) is looked for as it is."""
    found = {"".join(anyascii(scheme(word)).lower().split()): None for scheme in _schemes(word)}
    found.pop("", None)
    return list(found) or [word.lower()]

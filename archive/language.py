"""Which language a text is in, as far as its function words tell: jusText's
stoplists, one for each of 100 languages.

A line of prose is mostly function words of its language; a menu, a list of
headlines or a credit line has few. The cleaner reads that share, and the
search leans on the words that are not function words to pick what to look for."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def words(text: str) -> list[str]:
    """The words of a text, case folded; numbers and punctuation are not words."""
    return [w.casefold() for w in WORD.findall(text)]


@lru_cache(maxsize=1)
def stoplists() -> dict[str, frozenset[str]]:
    import justext

    return {name: frozenset(w.casefold() for w in justext.get_stoplist(name)) for name in sorted(justext.get_stoplists())}


@lru_cache(maxsize=1)
def _all_stopwords() -> frozenset[str]:
    return frozenset().union(*stoplists().values())


def guess(tokens: Iterable[str]) -> str | None:
    """The language whose function words the tokens use most; None when they use none."""
    counted: dict[str, int] = {}
    every = _all_stopwords()
    seen = [t for t in tokens if t in every]
    if not seen:
        return None
    for name, stop in stoplists().items():
        counted[name] = sum(t in stop for t in seen)
    return max(counted, key=lambda name: (counted[name], -len(stoplists()[name])))


def stopwords(language: str | None) -> frozenset[str]:
    return stoplists().get(language or "", frozenset())

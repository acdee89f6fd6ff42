"""Which language a text is in (py3langid's model), and its function words
(jusText's stoplists, one for each of 100 languages).

A line of prose is mostly function words of its language; a menu, a list of
headlines or a credit line has few. The cleaner reads that share, and the
search leans on the words that are not function words to pick what to look for."""

from __future__ import annotations

import heapq
import re
from functools import lru_cache
from typing import Iterable

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


# Labels, menus and headlines write this share of their words (function words aside) with a capital.
TITLE_CASE = 0.8


def title_case(text: str, stop: frozenset[str]) -> bool:
    """Whether a line is written as headlines and labels are, a capital to
    (nearly) every word but the function words: "Officials Eye Debris off Wash."
    is a headline with a full stop, "He died in Paris." a sentence."""
    content = [w for w in WORD.findall(text) if w.casefold() not in stop]
    return bool(content) and sum(w[0].isupper() for w in content) / len(content) >= TITLE_CASE


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


def identify(text: str) -> str | None:
    """The name of the text's language, as jusText's stoplists are named, when
    py3langid knows it and jusText has its function words; else the language
    whose function words the text uses most."""
    import py3langid

    code, _ = py3langid.classify(_sample(text))
    name = _stoplist_name(code)
    return name if name is not None else guess(words(text))


# The model reads this much of a text: its longest lines, the prose, where the
# language shows; the time it takes grows with what it reads.
SAMPLE_CHARS = 1000
SAMPLE_LINES = 8


def _sample(text: str) -> str:
    if len(text) <= SAMPLE_CHARS:
        return text
    return "\n".join(heapq.nlargest(SAMPLE_LINES, text.splitlines(), key=len))[:SAMPLE_CHARS]


@lru_cache(maxsize=None)
def _stoplist_name(code: str) -> str | None:
    import unicodedata

    import pycountry

    language = pycountry.languages.get(alpha_2=code)
    if language is None:
        return None
    name = re.sub(r"\s*\(.*\)", "", language.name)
    name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).replace(" ", "_")
    return name if name in stoplists() else None


def guess(tokens: Iterable[str]) -> str | None:
    """The language whose function words the tokens use most; None when they use
    none. Letters alone are left out: "v" or "a" is a word in too many languages.
    Some stoplists hold words of other languages too: ``identify`` knows better."""
    counted: dict[str, int] = {}
    every = _all_stopwords()
    seen = [t for t in tokens if len(t) > 1 and t in every]
    if not seen:
        return None
    for name, stop in stoplists().items():
        counted[name] = sum(t in stop for t in seen)
    return max(counted, key=lambda name: (counted[name], -len(stoplists()[name])))


def stopwords(language: str | None) -> frozenset[str]:
    return stoplists().get(language or "", frozenset())

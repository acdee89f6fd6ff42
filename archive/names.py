"""How entity names compare and vote: the key two spellings of one name share,
the types, the vote that gives a name its type, and the one rule by which a
short name ("Putin", "Serena") joins the longer name it stands for, in an
article and across the archive alike."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Iterable

from .text import QUOTES

if TYPE_CHECKING:
    from .aliases import Aliases

NAME_TYPES = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT")
TYPES = (*NAME_TYPES, "DATE")
PLACES = frozenset({"GPE", "LOC", "FAC"})
# Votes tie rarely; when they do, the more specific type wins.
TYPE_ORDER = {t: i for i, t in enumerate(("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT"))}
DATE_KEY = "date:"
# How much a mention's label counts in the vote, by what says it; an alias decides alone.
VOTE_WEIGHT = {"model": 1, "context": 2, "name": 1, "alias": 1}

_DASHES = re.compile(r"[-‐‑‒–—_/]+")
_NOT_NAME = re.compile(r"[^\w' &]+")


def name_key(text: str) -> str:
    """How names compare: case, diacritics, quotes, dots, dashes, a leading "the"
    and a possessive do not make two names different."""
    t = unicodedata.normalize("NFKD", text.translate(QUOTES))
    t = "".join(c for c in t if not unicodedata.combining(c)).lower().replace(".", "")
    t = _NOT_NAME.sub(" ", _DASHES.sub(" ", t))
    t = " ".join(t.split())
    t = re.sub(r"^the ", "", t)
    return re.sub(r"(?:'s|')$", "", t).strip()


def vote(key: str, counts: Counter, aliases: "Aliases") -> str:
    """A name's type: an alias's, else what most of its mentions say."""
    if key.startswith(DATE_KEY):
        return "DATE"
    alias = aliases.by_key.get(key)
    if alias is not None:
        return alias.type
    return min(counts, key=lambda t: (-counts[t], TYPE_ORDER.get(t, 99)))


# A short name has this many words at most; the longer name it joins, more.
SHORT_NAME_WORDS = 2


class People:
    """The longer people's names of a scope (an article, the archive), by the
    short names they begin or end with."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.by_part: dict[str, set[str]] = defaultdict(set)
        for key in keys:
            for part in parts(key):
                self.by_part[part].add(key)

    def full_name(self, key: str, kind: str | None) -> str | None:
        """The one longer person's name of the scope that a short name ("Putin",
        "De Mistura", "Serena") ends or begins, when there is exactly one and the
        short name is not a place's or a date's; else None."""
        if kind in PLACES or kind == "DATE" or len(key.split()) > SHORT_NAME_WORDS:
            return None
        found = self.by_part.get(key, set())
        return next(iter(found)) if len(found) == 1 else None


def parts(key: str) -> list[str]:
    """The short names a person's longer name can be written as: its last one or
    two words, its first word."""
    words = key.split()
    if len(words) < 2:
        return []
    found = {" ".join(words[-n:]) for n in range(1, min(SHORT_NAME_WORDS, len(words) - 1) + 1)}
    found.add(words[0])
    return sorted(found)


def is_person_name(key: str, kind: str) -> bool:
    """A name a short name may join: a person's, of two words or more."""
    return kind == "PERSON" and " " in key

"""How entity names compare and vote: the key two spellings of one name share,
the types, the vote that gives a name its type, and the one rule by which a
short name ("Putin", "Serena") joins the longer name it stands for, in an
article and across the archive alike."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable

from . import gazetteer
from .text import QUOTES

if TYPE_CHECKING:
    from .aliases import Aliases

NAME_TYPES = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "WORK_OF_ART")
TYPES = (*NAME_TYPES, "DATE")
PLACES = frozenset({"GPE", "LOC", "FAC"})
# Votes tie rarely; when they do, the more specific type wins.
TYPE_ORDER = {t: i for i, t in enumerate(("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "WORK_OF_ART"))}
DATE_KEY = "date:"
# How much a mention's label counts in the vote, by what says it; an alias decides alone.
# A title's mention of a name its text writes carries the text's label, and no vote.
VOTE_WEIGHT = {"model": 1, "context": 2, "name": 1, "alias": 1, "gazetteer": 1, "title": 0}
# How much the gazetteer's word that a name is a place's counts, as a context cue does.
GAZETTEER_WEIGHT = 2
# How much a first name at the head of a name counts for a person, as a model's label does.
GIVEN_NAME_WEIGHT = 1

# The last word of a longer name often says what it names: "Manger Magazin", "Canary Wharf".
ORG_HEADS = frozenset(
    "ministry department agency bank council institute foundation party army forces front group company "
    "corporation corp inc ltd plc club university college association organisation organization commission "
    "committee times news magazine magazin journal post bureau office treasury parliament assembly court "
    "police fund union league liga federation authority board service services airlines airways "
    "network channel radio tv television records studios united utd rovers wanderers athletic fc afc hotspur albion "
    "newsroom band orchestra ensemble choir quartet quintet project coalition alliance society trust partnership "
    "lab labs laboratory laboratories academy school consortium syndicate cooperative co-operative".split()
)
PLACE_HEADS = frozenset(
    "province city sea river mountains mountain valley island islands street square airport stadium park "
    "bridge county region gulf bay lake ocean desert wharf road avenue district heights coast hills falls "
    "springs gardens keys lakes plains highlands place arena beach harbour harbor pier cay caye forest "
    "palace castle abbey cathedral tower church chapel temple mosque synagogue".split()
)
# The first word of a team's name: "Team GB", "Club Brugge".
ORG_FIRST = frozenset("team club".split())
# The words that begin or end the name of an event: a storm, a tournament, a festival.
EVENT_FIRST = frozenset("hurricane typhoon cyclone storm superstorm".split())
EVENT_HEADS = frozenset(
    "cup open slam championship championships games olympics olympiad trophy tournament festival awards "
    "prize marathon classic derby".split()
)
# A last word that says a name is a body's, a place's or an event's.
KIND_HEADS = ORG_HEADS | PLACE_HEADS | EVENT_HEADS

_DASHES = re.compile(r"[-‐‑‒–—_/]+")
_NOT_NAME = re.compile(r"[^\w' &]+")
_THE = re.compile(r"^the ")
_POSSESSIVE = re.compile(r"(?:'s|')$")


@lru_cache(maxsize=1 << 16)  # names recur: each is folded many times over an import and its linking
def name_key(text: str) -> str:
    """How names compare: case, diacritics, quotes, dots, dashes, a leading "the"
    and a possessive do not make two names different."""
    t = text.translate(QUOTES)
    if not t.isascii():  # most names are: nothing to take apart
        t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    t = _NOT_NAME.sub(" ", _DASHES.sub(" ", t.lower().replace(".", "")))
    t = " ".join(t.split())
    return _POSSESSIVE.sub("", _THE.sub("", t)).strip()


def vote(key: str, counts: Counter, aliases: "Aliases", doubted: int = 0, first: Counter | None = None) -> str:
    """A name's type: an alias's, else what most of its mentions say.
    ``doubted`` is the part of the PERSON votes not to be believed when any
    other type is said (``lone_word``); ``first``, the votes of its first word
    written alone (``body_first``)."""
    if key.startswith(DATE_KEY):
        return "DATE"
    alias = aliases.by_key.get(key)
    if alias is not None:
        return alias.type
    if key in gazetteer.places():  # a vote, not an override: "Jordan" the player stays a person
        counts = Counter(counts)
        counts[max((t for t in counts if t in PLACES), key=counts.get, default="GPE")] += GAZETTEER_WEIGHT
    elif _first_name_first(key):  # "Francesca Schiavone", which the model may call a team
        counts = Counter(counts)
        counts["PERSON"] += GIVEN_NAME_WEIGHT
    elif key in gazetteer.given_names() and any(n > 0 for t, n in counts.items() if t not in PLACES):
        # A first name written alone that names no place of the gazetteer
        # ("Tanya", "Lauren" in a line-up) is no place's: the model's place
        # labels on it are misreadings, when it says anything else of it.
        counts = Counter({t: n for t, n in counts.items() if t not in PLACES})
    if counts["ORG"] > 0 and counts["GPE"] > 0 and key not in gazetteer.named_places():
        # Said to be a body's and a town's, of no town the gazetteer has: a
        # firm the model took for a town ("BT", "Gazprom") or a club named
        # after a district; the town's votes are the body's.
        counts = Counter(counts)
        counts["ORG"] += counts.pop("GPE")
    if doubted and any(n > 0 for t, n in counts.items() if t != "PERSON"):
        counts = Counter(counts)
        counts["PERSON"] -= doubted
        if counts["PERSON"] <= 0:
            del counts["PERSON"]
    found = _most(counts)
    others = Counter({t: n for t, n in counts.items() if t != "PERSON" and n > 0})
    if found == "PERSON" and sum(others.values()) > counts["PERSON"]:
        return _most(others)
    if found == "PERSON" and body_first(key, first, aliases) and first["ORG"] >= counts["PERSON"]:
        return "ORG"
    return found


def _most(counts: Counter) -> str:
    """The type most votes say; of a tie, the more specific."""
    return min(counts, key=lambda t: (-counts[t], TYPE_ORDER.get(t, 99)))


def body_first(key: str, first: Counter | None, aliases: "Aliases") -> bool:
    """Whether a longer name begins with a body's name: its first word, written
    alone, is called a body's, and is no first name of the dictionary. A
    person's first name alone is a person's, so the longer name the model
    calls a person's ("Xbox Live", "Mac Mini", "Fiat Auto") is the body's,
    or a thing of it, when the word alone is called a body's at least as often.
    An initial is no body's name ("L Deacon", though "L" alone is one's)."""
    words = key.split()
    return len(words) >= 2 and bool(first) and len(words[0]) > 1 and words[0] not in gazetteer.given_names() \
        and vote(words[0], first, aliases) == "ORG"


def first_word(key: str) -> str | None:
    """The first word of a longer name, whose votes ``body_first`` weighs."""
    words = key.split()
    return words[0] if len(words) >= 2 and not key.startswith(DATE_KEY) else None


# Words that join the parts of a body's or a work's name, never a person's.
_LINKING_WORDS = frozenset("of and the for on in at to".split())


def _first_name_first(key: str) -> bool:
    """A name of two or three words whose first is a first name of the
    dictionary (``gazetteer.given_names``), written as a person's name is:
    no "&" and no "of", "and" or "the" inside ("Emil & Friends", "Tao of
    Surfing"), and no last word that says it is a body's, a place's or an
    event's ("Patrick Corporation", "Ellis Island", "Jesse Owens Awards")."""
    words = key.split()
    return 2 <= len(words) <= 3 and words[0] in gazetteer.given_names() \
        and not any(w == "&" or w in _LINKING_WORDS for w in words) \
        and words[-1] not in KIND_HEADS


def lone_word(key: str, named_in_full: bool) -> bool:
    """Whether the model's PERSON label on a name is doubted: news writing
    names a person in full at least once, so a single word the archive never
    writes as part of a longer person's name (a company's, a club's, a
    product's name the model took for a surname) is a person on the model's word alone only when nothing else is said of
    it. A cue ("striker X", "X said") is still believed."""
    return not named_in_full and " " not in key and not key.startswith(DATE_KEY)


# A short name has this many words at most; the longer name it joins, more.
SHORT_NAME_WORDS = 2


class People:
    """The longer people's names of an article, by the short names they begin
    or end with (the archive keeps its own in ``person_parts``)."""

    def __init__(self, keys: Iterable[str], first_named: dict[str, int] | None = None) -> None:
        """``first_named``: where the article first names each of its names, in order."""
        self.by_part: dict[str, set[str]] = defaultdict(set)
        self.first_named = first_named or {}
        self.names = frozenset(keys)
        for key in self.names:
            for part in parts(key):
                self.by_part[part].add(key)

    def full_name(self, key: str, kind: str | None) -> str | None:
        """The one longer person's name of the scope that a short name ("Putin",
        "De Mistura", "Serena") ends or begins, when there is exactly one and the
        short name may join one (``joins``); else None. A surname that several
        people of the article bear is the first named's when the article writes
        it alone before it names the second: news writing gives those after
        the first their first names ("Alexander Teves ... Teves lunged ... his
        father Tom Teves")."""
        if not joins(key, kind, same_article=True):
            return None

        def named_with(part: str) -> set[str]:
            return self.by_part.get(part, set())

        found = longest(key, named_with, kind)
        if found is None and kind == "PERSON":
            found = self._short_for(key)
        if found is None and " " not in key and key in self.first_named:
            bearers = sorted((self.first_named[n], n) for n in named_with(key) if n.endswith(" " + key))
            if len(bearers) > 1 and self.first_named[key] < bearers[1][0]:
                found = longest(bearers[0][1], named_with, "PERSON") or bearers[0][1]
        return found

    def _short_for(self, key: str) -> str | None:
        """The one person of the article whose first name a first name written
        alone begins, as a short form of it ("Alex" of "Alexander Teves", "Chris"
        of "Christopher Reeve"), when no one of the article bears it in full."""
        if " " in key or len(key) < SHORT_FORM_LETTERS or key not in gazetteer.given_names():
            return None
        firsts = {name: name.split()[0] for name in self.names}
        if key in firsts.values():
            return None
        found = [name for name, first in firsts.items()
                 if first.startswith(key) and first in gazetteer.given_names()]
        return found[0] if len(found) == 1 else None


# A first name written short has this many letters at least ("Alex", "Chris"; not "Al" or "Jo").
SHORT_FORM_LETTERS = 3


def longest(key: str, names_with_part, kind: str | None = None) -> str | None:
    """The one longer name a short name stands for, followed on to the one
    longer name that one stands for in turn ("Tayyip" → "Tayyip Erdogan" →
    "Recep Tayyip Erdogan"; "G Henson" → "Gavin Henson"); None when there is
    none, or more than one. A short name of ``kind`` stands for none that it
    begins, unless a person's first name may begin it (``first_of``)."""
    found, at = None, key
    while True:
        longer = [n for n in names_with_part(at) if (len(n.split()) > len(at.split()) or n != at and _initialled(at))
                  and (at != key or first_of(key, kind, n))]
        if len(longer) != 1 or longer[0] == found:
            return found
        found = at = longer[0]


def first_of(key: str, kind: str | None, longer: str) -> bool:
    """Whether a short name may be the first word of a longer person's name it
    begins: a person's first name written alone is called a person's, so one
    called a body's ("Xbox" of "Xbox Live", "Mac" of "Mac Mini") is the body's,
    whatever the model calls the longer name; a first name of the dictionary
    is a person's whatever the model calls it alone ("Kelly")."""
    return not longer.startswith(key + " ") or kind in (None, "PERSON") or key in gazetteer.given_names()


# How the names of most peoples end: "American", "Brazilian", "Japanese", "Scottish", "Israeli".
_DEMONYM = re.compile(r"(?:an|ese|ish|ic|i)$")


def joins(key: str, kind: str | None, same_article: bool = False) -> bool:
    """Whether a name may be a short form of a longer person's name: a short
    name its mentions do not call a date, a place or a people ("Europe" is not
    the "Europe" of "Labs Europe", "Irish" not the surname of "Oliver Irish"),
    though a word the model calls a people's that is no language's name and
    ends as few peoples' names do is a surname it took for one ("Beckham").
    In the article that writes the longer name, a town the gazetteer does not
    know is a surname the model took for one ("Srichaphan", after "Paradorn
    Srichaphan"); across the archive it is as often a club's or a firm's name
    that a wrong person's name ends in ("Fulham", "BT")."""
    if kind == "DATE" or len(key.split()) > SHORT_NAME_WORDS:
        return False
    if kind == "GPE" and same_article:
        return key not in gazetteer.places()
    if kind == "NORP":  # "Beckham" of "David Beckham", which the model took for a people's name; not "Irish"
        return " " not in key and not gazetteer.language(key) and not _DEMONYM.search(key)
    return kind not in PLACES


def parts(key: str) -> list[str]:
    """The short names a person's longer name can be written as: its last one or
    two words, its first word, its first initial before its last word, as
    team sheets and lists write them ("G Henson"), and its first and last
    words without what is between ("George Bush" of "George W Bush")."""
    words = key.split()
    if len(words) < 2:
        return []
    found = {" ".join(words[-n:]) for n in range(1, min(SHORT_NAME_WORDS, len(words) - 1) + 1)}
    found.add(words[0])
    if len(words[0]) > 1 and words[0][0].isalpha():
        found.add(f"{words[0][0]} {words[-1]}")
    if len(words) > 2:
        found.add(f"{words[0]} {words[-1]}")
    return sorted(found)


def _initialled(key: str) -> bool:
    """A name written with a first initial before a last name ("g henson")."""
    words = key.split()
    return len(words) == 2 and len(words[0]) == 1 and len(words[1]) > 1


def is_person_name(key: str, kind: str) -> bool:
    """A name a short name may join: a person's, of two words or more."""
    return kind == "PERSON" and " " in key


# A first name one letter from another is often another name when short ("Ian", "Ivan").
VARIANT_LETTERS = 4


def spelled_alike(a: str, b: str) -> bool:
    """Whether two people's names may be one name spelled two ways: the same
    surname and number of words, the rest one letter apart (a letter changed,
    added or left out) and each part that differs long enough to be told apart."""
    from rapidfuzz.distance import Levenshtein

    first, second = a.split(), b.split()
    if a == b or len(first) != len(second) or len(first) < 2 or first[-1] != second[-1]:
        return False
    differ = [(x, y) for x, y in zip(first[:-1], second[:-1]) if x != y]
    if len(differ) != 1:
        return False
    x, y = differ[0]
    return min(len(x), len(y)) >= VARIANT_LETTERS and Levenshtein.distance(x, y) == 1


def variants(names: Iterable[str], evidence, mentions) -> dict[str, tuple[str, str]]:
    """Of people's names that share a surname, the spellings merged into
    another: a pair spelled alike that ``evidence`` (names in common) says is
    one person, and neither spelled like any third. The spelling mentioned
    more is kept, the first in order on a tie. Returns {name: (kept, shared)}."""
    names = sorted(set(names))
    alike = {n: [m for m in names if spelled_alike(n, m)] for n in names}
    merged: dict[str, tuple[str, str]] = {}
    for a in names:
        if len(alike[a]) != 1:
            continue
        b = alike[a][0]
        if a > b or len(alike[b]) != 1:
            continue
        shared = evidence(a, b)
        if not shared:
            continue
        kept, other = (a, b) if (-mentions(a), a) <= (-mentions(b), b) else (b, a)
        merged[other] = (kept, shared)
    return merged


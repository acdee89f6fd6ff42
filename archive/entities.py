"""Stage 3: named entities, the stage's public face. Extraction is per article
and lands with the article (``extraction``); the alias file is data
(``aliases``); how names compare, vote and join is one set of rules for both
scopes (``names``); linking mentions into entities is archive-wide, after
every import (``linking``)."""

from .aliases import DEFAULT_ALIASES, Alias, AliasError, Aliases, load_aliases
from .extraction import ENTITY_VERSION, Extractor, Mention, ModelError, default_model, iso_date, load_model, model_stamp
from .linking import (LINK_VERSION, LinkSummary, count_pairs, link, link_stamp, linked_by_others, needs_linking,
                      replace_mentions)
from .names import DATE_KEY, NAME_TYPES, PLACES, TYPES, name_key

__all__ = [
    "DATE_KEY", "DEFAULT_ALIASES", "ENTITY_VERSION", "LINK_VERSION", "NAME_TYPES", "PLACES", "TYPES", "Alias",
    "AliasError", "Aliases", "Extractor", "LinkSummary", "Mention", "ModelError", "count_pairs", "default_model",
    "iso_date", "link", "link_stamp", "linked_by_others", "load_aliases", "load_model", "model_stamp", "name_key", "needs_linking",
    "replace_mentions",
]

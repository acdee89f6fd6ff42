"""What people type into a search box, as an FTS5 query that cannot fail.

The syntax is the one web search engines taught everyone: words (all must
match), "quoted phrases", OR between alternatives, -word to exclude, word* for
a prefix. Everything else is literal: every term becomes a quoted FTS5 string,
so no input can reach FTS5's own operators or cause a syntax error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# How many letters porter stemming may cut from a word's end, and the shortest
# stem worth matching, for prefix searches.
MAX_STEM_CUT = 3
STEM_MIN_CHARS = 4
# What FTS5 answers with no rows and no error: the translation of an empty search.
MATCH_NOTHING = '""'

# Letters and digits (and combining marks), as unicode61 splits tokens; a hyphen
# or apostrophe inside a name splits it too, so al-Nusra becomes the phrase "al nusra".
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_PIECE = re.compile(
    r"""
    (?P<neg>-)?                          # exclude
    (?:
        "(?P<phrase>[^"]*)"(?P<star>\*)?   # a quoted phrase (a prefix with *)
      | (?P<word>[^\s"]+)                # or a bare word (may end in *)
    )
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Term:
    tokens: tuple[str, ...]
    prefix: bool = False

    def fts(self) -> str:
        quoted = '"' + " ".join(self.tokens) + '"'
        if not self.prefix:
            return quoted
        if len(self.tokens) > 1 or len(self.tokens[0]) <= STEM_MIN_CHARS:
            return quoted + " *"
        # The index holds porter stems, and a stem can be shorter than what was
        # typed: "negotiate" is stored as "negoti", which "negotiat*" misses. A
        # stem is a prefix of its word, so the typed prefix's own truncations,
        # matched exactly, find those words.
        word = self.tokens[0]
        cuts = range(len(word) - 1, max(STEM_MIN_CHARS, len(word) - MAX_STEM_CUT) - 1, -1)
        return "(" + " OR ".join([quoted + " *"] + [f'"{word[:n]}"' for n in cuts]) + ")"


def _term(text: str, prefix: bool = False) -> Term | None:
    tokens = tuple(_TOKEN.findall(text))
    return Term(tokens, prefix) if tokens else None


def to_fts_query(q: str | None) -> str:
    """Translate a search box's text to FTS5 query syntax."""
    if not q:
        return MATCH_NOTHING
    if q.count('"') % 2:
        # An unbalanced quote is literal text, not the start of a phrase.
        q = q.replace('"', " ")
    groups: list[list[Term]] = []  # terms joined by OR; groups joined by AND
    excluded: list[Term] = []
    pending_or = False
    for m in _PIECE.finditer(q):
        word = m.group("word")
        if word == "OR" and not m.group("neg"):
            pending_or = bool(groups)
            continue
        if word == "AND" and not m.group("neg"):
            continue  # every word must match anyway
        if word is not None:
            term = _term(word, prefix=word.endswith("*") and not word.startswith("*"))
        else:
            term = _term(m.group("phrase"), prefix=bool(m.group("star")))
        if term is None:
            continue
        if m.group("neg"):
            excluded.append(term)
            pending_or = False
        elif pending_or:
            groups[-1].append(term)
            pending_or = False
        else:
            groups.append([term])
    if not groups:
        return MATCH_NOTHING
    query = " AND ".join(_group(g) for g in groups)
    if excluded:
        query = f"({query}) NOT ({' OR '.join(t.fts() for t in excluded)})"
    return query


def _group(terms: list[Term]) -> str:
    if len(terms) == 1:
        return terms[0].fts()
    return "(" + " OR ".join(t.fts() for t in terms) + ")"

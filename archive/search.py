"""What people type into a search box, as an FTS5 query that cannot fail.

The syntax is the one web search engines taught everyone: words (all must
match), "quoted phrases", OR between alternatives, -word or NOT word to
exclude, word* for a prefix. Everything else is literal: every term becomes a
quoted FTS5 string, so no input can reach FTS5's own operators or cause a
syntax error.

A long text pasted into the box (a sentence or a paragraph, to find where it
came from) is searched as the passage it is: a few of its phrases, spread over
it, any of which may match. The article that holds the passage holds all of
them and ranks first, and the query's cost no longer grows with the text: FTS5
never sees more than a few terms, however much is pasted.
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
# More distinct terms than this, and the input is a passage, searched by its phrases.
MAX_TERMS = 12
# A passage is searched by this many of its phrases, each of this many words.
PASSAGE_PHRASES = 6
PHRASE_WORDS = 3

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
    pending_or = pending_not = False
    for m in _PIECE.finditer(q):
        word = m.group("word")
        if word == "OR" and not m.group("neg"):
            pending_or = bool(groups)
            continue
        if word == "AND" and not m.group("neg"):
            continue  # every word must match anyway
        if word == "NOT" and not m.group("neg"):
            pending_not = True
            continue
        if word is not None:
            term = _term(word, prefix=word.endswith("*") and not word.startswith("*"))
        else:
            term = _term(m.group("phrase"), prefix=bool(m.group("star")))
        if term is None:
            continue
        if m.group("neg") or pending_not:
            excluded.append(term)
            pending_or = pending_not = False
        elif pending_or:
            groups[-1].append(term)
            pending_or = False
        else:
            groups.append([term])
    if not groups:
        return MATCH_NOTHING
    if len({token.casefold() for g in groups for t in g for token in t.tokens}) > MAX_TERMS:
        return passage_query(q)
    groups = list({_group(g): g for g in groups}.values())  # a term typed twice counts once
    query = " AND ".join(_group(g) for g in groups)
    if excluded:
        query = f"({query}) NOT ({' OR '.join(t.fts() for t in excluded)})"
    return query


def _group(terms: list[Term]) -> str:
    if len(terms) == 1:
        return terms[0].fts()
    return "(" + " OR ".join(t.fts() for t in terms) + ")"


# Where a pasted passage is cut before its phrases are chosen: a phrase never
# runs across a line or a sentence's end, which a stored paragraph may not share.
_SEGMENT = re.compile(r"[\n.!?;:…]+")


def warm() -> None:
    """Load what a pasted passage is read with (the language model, the
    stoplists) before the first search needs it: inside a query, loading
    counts against the SQL time limit, and every thread would load it at once."""
    from .language import identify, stoplists

    stoplists()
    identify("A sentence to wake the language model with.")


def passage_query(text: str) -> str:
    """A pasted passage as a few of its phrases, spread over it, joined by OR.

    Each part of the passage gives the phrase of PHRASE_WORDS words in it that
    holds the most words that are not function words of the passage's language,
    and the longest: rarer, so cheaper to look up and worth more in the ranking."""
    from .language import identify, stopwords

    segments = [[t.casefold() for t in _TOKEN.findall(part)] for part in _SEGMENT.split(text)]
    stop = stopwords(identify(text))
    windows: list[tuple[str, ...]] = []
    for tokens in segments:
        width = min(PHRASE_WORDS, len(tokens))
        windows.extend(tuple(tokens[i : i + width]) for i in range(len(tokens) - width + 1))
    if not windows:
        return MATCH_NOTHING
    longest = max(len(w) for w in windows)
    windows = [w for w in windows if len(w) == longest]

    def weight(window: tuple[str, ...]) -> tuple[int, int]:
        content = [t for t in window if t not in stop and not t.isdigit()]
        return len(content), sum(map(len, content))  # longer words are rarer

    chosen: list[tuple[str, ...]] = []
    parts = min(PASSAGE_PHRASES, len(windows))
    for k in range(parts):
        part = windows[k * len(windows) // parts : (k + 1) * len(windows) // parts]
        best = max((w for w in part if w not in chosen), key=weight, default=None)
        if best is not None:
            chosen.append(best)
    return " OR ".join('"' + " ".join(w) + '"' for w in chosen)

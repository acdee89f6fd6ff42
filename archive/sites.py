"""Stage 1c: each site learned from its own files.

Files copied from one site share its template: the menu, the footer, the
labels around the article. Nobody needs to say which files those are: files
that share enough of the lines that could be template are one site, and the
lines most of a site's files hold are its template. The template goes from
every file of the site, with the evidence (in how many of its files).

Which lines could be template is decided by place and form, not by repetition
alone: lines at the top and the bottom of a file, short, and not sentences of
prose. A paragraph two articles of one story share (a wire quote, a
correction) is a sentence of prose in the middle of both: never template.

The learning is stored in the archive (``sites``, ``site_lines``,
``article_keys``, ``line_keys``), so a file imported later is cleaned with what
the site's earlier files taught, and an earlier article is cleaned again when
its site's template grows.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import sqlite_utils

from . import language
from .text import QUOTES

# The last this many lines of a file's text are places of template too.
EDGE_LINES = 3
# A file's candidate lines are counted up to this many: a page's chrome has fewer.
MAX_KEYS = 200
# A line of template has this many words at most; outside the article, where
# the teasers of other stories stand, this many.
TEMPLATE_MAX_WORDS = 20
OUTSIDE_MAX_WORDS = 80
# A line of this many words or more that ends a sentence, most of whose words
# are function words, is prose, not template.
PROSE_WORDS = 6
PROSE_STOPWORDS = 0.3
# Two files of one site share this many candidate lines at least.
SITE_MIN_SHARED = 5
# A line in this share of a site's files, and in this many at least, is its template.
TEMPLATE_SHARE = 0.5
TEMPLATE_MIN_FILES = 3

# A sentence ends in a full stop, a question or an exclamation mark, maybe
# inside a quote or a bracket.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")


def fold(text: str) -> str:
    return " ".join(text.translate(QUOTES).casefold().split())


def key(text: str) -> int:
    """A line's key: 64 bits of its folded text's hash, as SQLite stores an integer."""
    digest = hashlib.blake2b(fold(text).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def candidates(lines: Sequence[tuple[int, str]], stop: frozenset[str], core: tuple[int, int] | None,
               text: tuple[int, int] | None) -> dict[int, str]:
    """The lines of a file that could be its site's template, by key: any line
    but a wall of text outside the heaviest run of prose the detector found
    (the core of the article: around it stand the chrome, the author's note,
    the reprint notice), and inside it, the short lines that are not sentences
    of prose; and the last few lines of the text, whatever their form (an
    author's note, a reprint notice). A sentence of the article's core is
    never one, however many files hold it: two articles of one story may share
    a paragraph, and most often their first."""
    found: dict[int, str] = {}
    numbers = [n for n, _ in lines if text is not None and text[0] <= n <= text[1]]
    edges = set(numbers[-EDGE_LINES:])
    for number, line in lines:
        words = language.WORD.findall(line)
        in_core = core is not None and core[0] <= number <= core[1]
        if not in_core or number in edges:
            if 1 <= len(words) <= OUTSIDE_MAX_WORDS:
                found.setdefault(key(line), line)
        elif 1 <= len(words) <= TEMPLATE_MAX_WORDS and not _prose(line, words, stop):
            found.setdefault(key(line), line)
        if len(found) == MAX_KEYS:
            break
    return found


def _prose(text: str, words: list[str], stop: frozenset[str]) -> bool:
    if len(words) < PROSE_WORDS or not _SENTENCE_END.search(text):
        return False
    return not stop or sum(w.casefold() in stop for w in words) / len(words) >= PROSE_STOPWORDS


@dataclass(frozen=True)
class Templates:
    """What the archive knows of its sites, as cleaning needs it: which site a
    file's lines point to, and the template lines of each site."""

    # key -> the sites that hold the line in two of their files or more
    sites_by_key: dict[int, tuple[int, ...]] = field(default_factory=dict)
    # site -> its template lines, each with the number of its files that hold it
    template: dict[int, dict[int, int]] = field(default_factory=dict)
    files: dict[int, int] = field(default_factory=dict)  # site -> how many files it has
    digest: dict[int, str] = field(default_factory=dict)  # site -> its template's digest
    names: dict[int, str] = field(default_factory=dict)  # site -> the name a person gave it
    orders: dict[int, str] = field(default_factory=dict)  # site -> DMY or MDY, as its files write dates

    def site_for(self, keys: Iterable[int]) -> int | None:
        """The site whose lines the file shares most, when it shares enough."""
        shared: Counter = Counter(site for k in set(keys) for site in self.sites_by_key.get(k, ()))
        if not shared:
            return None
        site, count = min(shared.items(), key=lambda item: (-item[1], item[0]))
        return site if count >= SITE_MIN_SHARED else None


EMPTY = Templates()


def load(db: sqlite_utils.Database) -> Templates:
    """The archive's sites, read once for an import."""
    sites_by_key: dict[int, list[int]] = defaultdict(list)
    template: dict[int, dict[int, int]] = defaultdict(dict)
    for site_id, k, files, is_template in db.execute(
        "SELECT site_id, key, files, template FROM site_lines WHERE files >= 2 ORDER BY site_id"
    ):
        sites_by_key[k].append(site_id)
        if is_template:
            template[site_id][k] = files
    rows = db.execute("SELECT id, articles, template, name, date_order FROM sites").fetchall()
    return Templates(
        {k: tuple(v) for k, v in sites_by_key.items()}, dict(template),
        {site: n for site, n, *_ in rows}, {site: digest for site, _, digest, *_ in rows},
        {site: name for site, _, _, name, _ in rows if name}, {site: order for site, *_, order in rows if order},
    )


def _digest(keys: Iterable[int], order: str | None = None) -> str:
    """A template's digest, with the site's way of writing dates; no template
    and no way, none, as for an article of no site."""
    keys = sorted(keys)
    digest = hashlib.sha256(",".join(map(str, keys)).encode()).hexdigest()[:16] if keys else ""
    return f"{digest}:{order}" if order else digest


def save_keys(db: sqlite_utils.Database, article_id: int, keys: dict[int, str]) -> None:
    """A new or rewritten article's candidate lines; ``learn`` counts them in."""
    conn = db.conn
    conn.execute("DELETE FROM article_keys WHERE article_id = ?", [article_id])
    conn.executemany("INSERT OR IGNORE INTO line_keys (key, text) VALUES (?, ?)", keys.items())
    conn.executemany("INSERT INTO article_keys (article_id, key) VALUES (?, ?)", [(article_id, k) for k in keys])
    _pending(db).execute("INSERT OR IGNORE INTO temp.site_pending (article_id) VALUES (?)", [article_id])


def forget(db: sqlite_utils.Database, article_id: int) -> None:
    """An article's lines taken off its site's counts, before it changes or goes."""
    conn = db.conn
    row = conn.execute("SELECT site_id FROM articles WHERE id = ?", [article_id]).fetchone()
    if row is None or row[0] is None:
        return
    site = row[0]
    conn.execute(
        "UPDATE site_lines SET files = files - 1 WHERE site_id = ?"
        " AND key IN (SELECT key FROM article_keys WHERE article_id = ?)", [site, article_id])
    conn.execute("DELETE FROM site_lines WHERE site_id = ? AND files <= 0", [site])
    conn.execute("UPDATE sites SET articles = articles - 1 WHERE id = ?", [site])
    conn.execute("UPDATE articles SET site_id = NULL WHERE id = ?", [article_id])
    _pending(db).execute("INSERT OR IGNORE INTO temp.site_touched (site_id) VALUES (?)", [site])


def _pending(db: sqlite_utils.Database):
    """What changed since the last ``learn``, kept on the connection until then."""
    conn = db.conn
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS site_pending (article_id INTEGER PRIMARY KEY)")
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS site_touched (site_id INTEGER PRIMARY KEY)")
    return conn


def learn(db: sqlite_utils.Database, base: str) -> set[int]:
    """Count the lines of the articles written since the last call into their
    sites: the site their cleaning found, else the site their lines point to,
    else a new site with the articles without one that share their lines.
    Then say which articles were cleaned with another template than their
    site's now is (``base`` is the pipeline without the template): the caller
    cleans them again. Runs inside the transaction that wrote them."""
    conn = _pending(db)
    templates = load(db)
    new = [row for row in conn.execute(
        "SELECT p.article_id, a.site_id FROM temp.site_pending p JOIN articles a ON a.id = p.article_id")]
    touched = {site for (site,) in conn.execute("SELECT site_id FROM temp.site_touched")}
    conn.execute("DELETE FROM temp.site_pending")
    conn.execute("DELETE FROM temp.site_touched")
    claimed: dict[int, int] = {a: site for a, site in new if site is not None}
    parent: dict[int, int] = {}

    def root(a: int) -> int:
        parent.setdefault(a, a)
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for article_id, site in new:
        if site is not None:
            continue
        keys = [k for (k,) in conn.execute("SELECT key FROM article_keys WHERE article_id = ?", [article_id])]
        site = templates.site_for(keys)
        if site is not None:
            claimed[article_id] = site
            continue
        root(article_id)
        for (other,) in conn.execute(
            "SELECT k2.article_id FROM article_keys k1"
            " JOIN article_keys k2 ON k2.key = k1.key AND k2.article_id != k1.article_id"
            " JOIN articles a ON a.id = k2.article_id AND a.site_id IS NULL"
            " WHERE k1.article_id = ? GROUP BY k2.article_id HAVING count(*) >= ?",
            [article_id, SITE_MIN_SHARED],
        ):
            parent[root(other)] = root(article_id)
    groups: dict[int, list[int]] = defaultdict(list)
    for article_id in parent:
        groups[root(article_id)].append(article_id)
    for members in groups.values():
        if len(members) >= 2:
            site = conn.execute("INSERT INTO sites (name, articles, template) VALUES (NULL, 0, '')").lastrowid
            claimed.update((a, site) for a in members)
    conn.executemany("UPDATE articles SET site_id = ? WHERE id = ?", [(s, a) for a, s in claimed.items()])
    joined: dict[int, list[int]] = defaultdict(list)
    for article_id, site in claimed.items():
        joined[site].append(article_id)
    stale: set[int] = set()
    for site in sorted(set(joined) | touched):
        before = conn.execute("SELECT template FROM sites WHERE id = ?", [site]).fetchone()
        if before is None:
            continue
        for article_id in joined.get(site, []):
            conn.execute(
                "INSERT INTO site_lines (site_id, key, files, template) SELECT ?, key, 1, 0 FROM article_keys"
                " WHERE article_id = ? ON CONFLICT (site_id, key) DO UPDATE SET files = files + 1",
                [site, article_id],
            )
        after = _settle(db, site)
        if after != before[0]:  # the template changed: every article of the site is cleaned anew
            stale.update(a for a, p in conn.execute("SELECT id, pipeline FROM articles WHERE site_id = ?", [site])
                         if p != f"{base}+{after}")
        else:
            stale.update(a for a in joined.get(site, [])
                         if conn.execute("SELECT pipeline FROM articles WHERE id = ?", [a]).fetchone()[0]
                         != f"{base}+{after}")
    conn.execute("DELETE FROM sites WHERE articles = 0")
    return stale


def _settle(db: sqlite_utils.Database, site: int) -> str:
    """A site's count of articles, and which of its lines are its template: the
    lines in enough of its files. Returns the template's digest."""
    conn = db.conn
    members = conn.execute("SELECT count(*) FROM articles WHERE site_id = ?", [site]).fetchone()[0]
    needed = max(TEMPLATE_MIN_FILES, math.ceil(TEMPLATE_SHARE * members))
    conn.execute("UPDATE site_lines SET template = 1 WHERE site_id = ? AND template = 0 AND files >= ?", [site, needed])
    conn.execute("UPDATE site_lines SET template = 0 WHERE site_id = ? AND template = 1 AND files < ?", [site, needed])
    template = [k for (k,) in conn.execute("SELECT key FROM site_lines WHERE site_id = ? AND template = 1", [site])]
    order = date_order(db, site)
    digest = _digest(template, order)
    conn.execute("UPDATE sites SET articles = ?, template = ?, date_order = ? WHERE id = ?",
                 [members, digest, order, site])
    return digest


def date_order(db: sqlite_utils.Database, site: int) -> str | None:
    """The way a site writes dates in figures, as its files settle it: the way
    more of them write (13/8/2018 is day first), when any does; a tie settles
    nothing."""
    counts = db.conn.execute(
        "SELECT date_order, count(*) FROM articles WHERE site_id = ? AND date_order IS NOT NULL"
        " GROUP BY date_order ORDER BY count(*) DESC", [site]).fetchall()
    if not counts or (len(counts) > 1 and counts[0][1] == counts[1][1]):
        return None
    return counts[0][0]


@dataclass(frozen=True)
class Site:
    id: int
    name: str | None
    articles: int
    date_order: str | None
    # The template lines that tell the site's files apart, the most held first,
    # each with the number of its files that hold it.
    lines: list[tuple[str, int]]


def listing(db: sqlite_utils.Database, lines: int = 5) -> list[Site]:
    """Every site, the largest first, with the lines that identify it."""
    found = []
    for site, name, articles, order in db.execute(
            "SELECT id, name, articles, date_order FROM sites ORDER BY articles DESC, id").fetchall():
        top = db.execute(
            "SELECT k.text, l.files FROM site_lines l JOIN line_keys k ON k.key = l.key"
            " WHERE l.site_id = ? AND l.template = 1 ORDER BY l.files DESC, k.text LIMIT ?", [site, lines]).fetchall()
        found.append(Site(site, name, articles, order, [tuple(t) for t in top]))
    return found


# The sources a site's name stands before: the domain of an address, a copyright notice.
NAMED_OVER = ("site", "url", "copyright-line")


def name(db: sqlite_utils.Database, site: int, new_name: str) -> int:
    """Name a site: it becomes the source of its articles that say nothing
    stronger of theirs (a manifest, a source line, a dateline), now, and later
    as its files are cleaned. Returns how many articles changed; raises
    LookupError for a site there is not."""
    conn = db.conn
    if conn.execute("SELECT 1 FROM sites WHERE id = ?", [site]).fetchone() is None:
        raise LookupError(site)
    conn.execute("UPDATE sites SET name = ? WHERE id = ?", [new_name, site])
    marks = ", ".join("?" for _ in NAMED_OVER)
    return conn.execute(
        f"UPDATE articles SET source = ?, source_from = 'site' WHERE site_id = ?"
        f" AND (source_from IS NULL OR source_from IN ({marks}))"
        f" AND NOT (source IS ? AND source_from IS 'site')",
        [new_name, site, *NAMED_OVER, new_name]).rowcount

"""What the reading room's pages show beside what their queries return: the
size of the archive, a search's totals, facets and suggestions, an article's
text with its names linked, an entity's months and companions.

Each function takes the archive's Datasette database and plain values and
returns plain data for a template; the text it returns is escaped there,
except for ``Markup`` built here from escaped pieces."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Sequence
from urllib.parse import urlencode

from markupsafe import Markup, escape

from .names import name_key
from .search import to_fts_query
from .text import MARK_CLOSE, MARK_OPEN

# How many names each list of the home page and each names facet shows.
TOP_NAMES = 8
# The names facet of a search counts the names of its best matches, this many.
NAME_FACET_MATCHES = 200
# Above this many matches, a search's sources and months are counted in a
# sample of its matches of about this size, spread over the whole archive.
FACET_SAMPLE = 5000
# Facet values shown at most, of each kind.
FACET_VALUES = 12
# Spellings close enough to suggest: rapidfuzz's score out of 100.
SUGGESTION_SCORE = 80
SUGGESTIONS = 5
NAME_TYPES = {"PERSON": "People", "ORG": "Organisations", "PLACE": "Places"}
PLACE_TYPES = ("GPE", "LOC", "FAC")
TYPE_NAMES = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place", "FAC": "place",
              "NORP": "group", "EVENT": "event", "DATE": "date", "WORK_OF_ART": "work", "LAW": "law"}
# The narrowing a search page takes, and how each is said.
FILTERS = {"source": "from", "month": "in", "since": "since", "until": "until", "name": "naming"}


async def rows(db, sql: str, params: Sequence | dict = ()) -> list[dict[str, Any]]:
    result = await db.execute(sql, params)
    return [dict(r) for r in result.rows]


# --- the home page ---------------------------------------------------------------


async def home(db) -> dict[str, Any]:
    # Three queries, each answered by an index alone rather than one scan of every article.
    [size] = await rows(db, "SELECT count(*) AS articles FROM articles")
    [dates] = await rows(db, "SELECT count(published) AS dated, min(published) AS first, max(published) AS last"
                             " FROM articles")
    [sources] = await rows(db, "SELECT count(DISTINCT source) AS sources FROM articles")
    size = {**size, **dates, **sources}
    top = {}
    for kind, label in NAME_TYPES.items():
        types = PLACE_TYPES if kind == "PLACE" else (kind,)
        top[label] = await rows(
            db, f"SELECT id, name, article_count FROM entities WHERE type IN ({', '.join('?' * len(types))})"
                " ORDER BY mention_count DESC, article_count DESC, name LIMIT ?", [*types, TOP_NAMES])
    sources = await rows(db, "SELECT source, count(*) AS articles FROM articles WHERE source IS NOT NULL"
                             " GROUP BY source ORDER BY articles DESC, source LIMIT ?", [TOP_NAMES])
    return {"size": size, "top": top, "sources": sources}


# --- searching -------------------------------------------------------------------


@dataclass(frozen=True)
class Search:
    kind: str  # "articles" or "paragraphs"
    args: dict[str, str]

    @property
    def q(self) -> str:
        return self.args.get("q", "")

    def url(self, **change: str | None) -> str:
        """This search's page with some arguments changed (None drops one)."""
        args = {**self.args, **change}
        args = {k: v for k, v in args.items() if v not in (None, "") and not k.startswith("_")}
        if "page" in change and change["page"] in (None, "1"):
            args.pop("page", None)
        return f"/archive/search_{self.kind}?{urlencode(args)}" if args else f"/archive/search_{self.kind}"


def _narrowing_sql(kind: str) -> str:
    """The search's matches, narrowed as the canned query narrows them."""
    return (
        f"WITH matches AS MATERIALIZED ({_MATCHES[kind]}),"
        " narrowed AS MATERIALIZED (SELECT matches.id, matches.article_id, articles.source, articles.published"
        " FROM matches JOIN articles ON articles.id = matches.article_id"
        " WHERE (:source = '' OR articles.source = :source)"
        " AND (:month = '' OR substr(articles.published, 1, 7) = :month)"
        " AND (:since = '' OR articles.published >= :since) AND (:until = '' OR articles.published <= :until)"
        " AND (:name = '' OR matches.article_id IN (SELECT article_entities.article_id FROM entity_names"
        " JOIN article_entities ON article_entities.entity_id = entity_names.entity_id"
        " WHERE entity_names.name_key = entity_key(:name))))"
    )


# Each match of a search, with its article.
_MATCHES = {
    "articles": "SELECT rowid AS id, rowid AS article_id FROM articles_fts WHERE articles_fts MATCH fts_query(:q)",
    "paragraphs": ("SELECT paragraphs_fts.rowid AS id, paragraphs.article_id FROM paragraphs_fts"
                   " JOIN paragraphs ON paragraphs.id = paragraphs_fts.rowid"
                   " WHERE paragraphs_fts MATCH fts_query(:q)"),
}
# The matches alone, as the index gives them, with no article read.
_INDEXED = {
    "articles": "SELECT rowid AS id FROM articles_fts WHERE articles_fts MATCH fts_query(:q)",
    "paragraphs": "SELECT rowid AS id FROM paragraphs_fts WHERE paragraphs_fts MATCH fts_query(:q)",
}


async def _counted(db, kind: str, params: dict[str, str]) -> tuple[int, list[dict[str, Any]], int]:
    """A search's total, and its matches counted by source and month: every
    match when the search is narrowed or small; else one in every ``sample``
    of them, scaled, since joining each match of a common word to its
    article would read most of the archive for one page."""
    if any(params[k] for k in FILTERS):
        grouped = await rows(db, _narrowing_sql(kind) + " SELECT source, substr(published, 1, 7) AS month,"
                                 " count(*) AS n FROM narrowed GROUP BY 1, 2", params)
        return sum(r["n"] for r in grouped), grouped, 1
    [counted] = await rows(db, f"SELECT count(*) AS n FROM ({_INDEXED[kind]})", params)
    sample = max(1, -(-counted["n"] // FACET_SAMPLE))
    grouped = await rows(
        db, f"WITH matches AS ({_MATCHES[kind]}) SELECT articles.source, substr(articles.published, 1, 7) AS month,"
            " count(*) * :sample AS n FROM matches JOIN articles ON articles.id = matches.article_id"
            " WHERE matches.id % :sample = 0 GROUP BY 1, 2", {**params, "sample": sample})
    return counted["n"], grouped, sample


async def search(db, kind: str, args: dict[str, str], page_rows: int) -> dict[str, Any]:
    """A search page's totals, facets, paging and narrowing; suggestions when nothing matches."""
    s = Search(kind, {k: v for k, v in args.items() if k in ("q", "sort", "page", *FILTERS)})
    params = {"q": s.q, **{k: s.args.get(k, "") for k in FILTERS}}
    found: dict[str, Any] = {"q": s.q, "kind": kind, "sort": s.args.get("sort") or "relevance"}
    found["narrowing"] = [{"label": f"{FILTERS[k]} {v}", "remove": s.url(**{k: None, "page": None})}
                          for k, v in s.args.items() if k in FILTERS and v]
    found["sorts"] = {"relevance": s.url(sort=None, page=None), "date": s.url(sort="date", page=None)}
    if to_fts_query(s.q) == '""':
        found.update(total=0, facets={}, pages=0, page=1)
        return found
    total, grouped, sample = await _counted(db, kind, params)
    sources: dict[str, int] = {}
    months: dict[str, int] = {}
    for r in grouped:
        if r["source"]:
            sources[r["source"]] = sources.get(r["source"], 0) + r["n"]
        months[r["month"] or ""] = months.get(r["month"] or "", 0) + r["n"]
    undated = min(months.pop("", 0), total)
    page = max(1, min(int(s.args.get("page") or 1) if (s.args.get("page") or "1").isdigit() else 1,
                      max(1, -(-total // page_rows))))
    found.update(total=total, page=page, pages=-(-total // page_rows), undated=undated, sample=sample,
                 first=(page - 1) * page_rows + 1 if total else 0, last=min(page * page_rows, total))
    found["prev"] = s.url(page=str(page - 1)) if page > 1 else None
    found["next"] = s.url(page=str(page + 1)) if page * page_rows < total else None
    found["facets"] = {
        "Source": [{"label": k, "n": v, "url": s.url(source=k, page=None)}
                   for k, v in sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_VALUES]],
        "Month": [{"label": k, "n": v, "url": s.url(month=k, page=None)} for k, v in sorted(months.items())],
    }
    if total:
        # The names of the best matches (the first of them in the index's
        # order): counting the names of every match of a common word would
        # read most of the archive's links for one page.
        # Unnarrowed, they come from the index without the narrowing's join of every match.
        sql = (_narrowing_sql(kind) + ", best AS (SELECT DISTINCT article_id FROM narrowed LIMIT :best)"
               if any(params[k] for k in FILTERS)
               else f"WITH best AS (SELECT DISTINCT article_id FROM ({_MATCHES[kind]}) LIMIT :best)")
        names = await rows(
            db, sql + " SELECT entities.name, entities.type, count(*) AS n FROM best"
            " JOIN article_entities ON article_entities.article_id = best.article_id"
            " JOIN entities ON entities.id = article_entities.entity_id AND entities.type != 'DATE'"
            " GROUP BY entities.id ORDER BY n DESC, entities.name LIMIT :top",
            {**params, "best": NAME_FACET_MATCHES, "top": FACET_VALUES})
        found["facets"]["Names"] = [{"label": r["name"], "n": r["n"], "url": s.url(name=r["name"], page=None)}
                                    for r in names]
        found["names_of"] = min(total, NAME_FACET_MATCHES)
    else:
        found["suggestions"] = [{"label": w, "url": s.url(q=w, page=None)} for w in await suggest(db, s.q)]
        found["script"] = await script_note(db, s.q)
    found["exports"] = {
        name: f"/archive/search_{kind}.{fmt}?" + urlencode({**{k: v for k, v in s.args.items() if k != "page" and v},
                                                            **extra})
        for name, fmt, extra in (("CSV", "csv", {}), ("CSV for spreadsheets", "csv", {"_bom": "1"}),
                                 ("JSON", "json", {"_stream": "on"}))
    }
    return found


async def suggest(db, q: str) -> list[str]:
    """Names and words of the archive spelled close to what was typed: its
    entities' spellings, and the words of its text (the index keeps their
    stems; a stem's first use in a paragraph gives the word as written)."""
    from rapidfuzz import fuzz, process

    typed = [w for w in re.findall(r"[^\W\d_]+", q) if len(w) > 2]
    if not typed:
        return []
    names = [r["name_key"] for r in await rows(db, "SELECT name_key FROM entity_names")]
    found: list[str] = []
    whole = " ".join(typed).casefold()
    for name, score, _ in process.extract(whole, names, scorer=fuzz.ratio, limit=SUGGESTIONS):
        if score >= SUGGESTION_SCORE and name != whole:
            [row] = await rows(db, "SELECT e.name FROM entity_names n JOIN entities e ON e.id = n.entity_id"
                                   " WHERE n.name_key = ?", [name])
            found.append(row["name"])
    await _vocabulary(db)
    for word in typed:
        for stem, score, _ in process.extract(word.casefold(), _VOCABULARY[id(db)], scorer=fuzz.ratio, limit=2):
            if score < SUGGESTION_SCORE or stem == word.casefold():
                continue
            marked = await rows(db, "SELECT highlight(paragraphs_fts, 0, char(57344), char(57345)) AS t"
                                    " FROM paragraphs_fts WHERE paragraphs_fts MATCH ? LIMIT 1", ['"' + stem + '"'])
            m = re.search(f"{MARK_OPEN}(.*?){MARK_CLOSE}", marked[0]["t"]) if marked else None
            if m:
                found.append(q.replace(word, m.group(1)))
    return list(dict.fromkeys(found))[:SUGGESTIONS]


# The words of each archive served, read once: the index's vocabulary.
_VOCABULARY: dict[int, list[str]] = {}


async def _vocabulary(db) -> None:
    if id(db) not in _VOCABULARY:
        def read(conn) -> list[str]:
            conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.paragraph_words USING fts5vocab(main, paragraphs_fts, 'row')")
            return [t for (t,) in conn.execute("SELECT term FROM temp.paragraph_words WHERE doc > 1")]

        _VOCABULARY[id(db)] = await db.execute_fn(read)


def scripts(text: str) -> set[str]:
    """The scripts a text is written in, as Unicode names them (LATIN, ARABIC, CJK...)."""
    found = set()
    for c in text:
        if c.isalpha():
            try:
                found.add(unicodedata.name(c).split()[0])
            except ValueError:
                continue
    return found


async def script_note(db, q: str) -> str | None:
    """A plain word when the query is written in a script no article of the archive is in."""
    from . import language

    typed = scripts(q)
    if not typed:
        return None
    held = set()
    for r in await rows(db, "SELECT DISTINCT language FROM articles WHERE language IS NOT NULL"):
        held |= scripts(" ".join(sorted(language.stopwords(r["language"]))[:50]))
    missing = typed - held
    if not missing or not held:
        return None
    names = sorted(r["language"] for r in await rows(
        db, "SELECT DISTINCT language FROM articles WHERE language IS NOT NULL"))
    return (f"No article of this archive is written in {', '.join(sorted(s.title() for s in missing))} script;"
            f" its articles are in {', '.join(n.replace('_', ' ') for n in names)}.")


# --- an article -------------------------------------------------------------------


def marked(text: str, links: Sequence[tuple[int, int, str]], marks: Sequence[tuple[int, int]]) -> Markup:
    """A paragraph as HTML: every piece escaped; each mention a link to its
    entity's page, each matched word of the search marked."""
    cuts = {0, len(text)}
    for a, b, _ in links:
        cuts |= {a, b}
    for a, b in marks:
        cuts |= {a, b}
    html = []
    edges = sorted(c for c in cuts if 0 <= c <= len(text))
    for a, b in zip(edges, edges[1:]):
        piece = escape(text[a:b])
        if any(ma <= a and b <= mb for ma, mb in marks):
            piece = Markup("<mark>{}</mark>").format(piece)
        link = next((url for la, lb, url in links if la <= a and b <= lb), None)
        if link:
            piece = Markup('<a class="mention" href="{}">{}</a>').format(link, piece)
        html.append(piece)
    return Markup("").join(html)


def _marks(highlighted: str) -> list[tuple[int, int]]:
    """Where FTS5's markers stood in a highlighted text, as offsets into the plain text."""
    spans, at, start = [], 0, None
    for c in highlighted:
        if c == MARK_OPEN:
            start = at
        elif c == MARK_CLOSE:
            if start is not None:
                spans.append((start, at))
            start = None
        else:
            at += 1
    return spans


async def article(db, article_id: int, q: str = "") -> dict[str, Any] | None:
    found = await rows(db, "SELECT * FROM articles WHERE id = ?", [article_id])
    if not found:
        return None
    paragraphs = await rows(db, "SELECT id, position, text FROM paragraphs WHERE article_id = ? ORDER BY position",
                            [article_id])
    mentions = await rows(
        db, "SELECT m.paragraph_id, m.start, m.end, m.entity_id, e.name, e.type FROM mentions m"
            " JOIN entities e ON e.id = m.entity_id WHERE m.article_id = ? AND e.type != 'DATE'"
            " ORDER BY m.paragraph_id, m.start", [article_id])
    by_paragraph: dict[int | None, list] = {}  # None: the title's
    for m in mentions:
        by_paragraph.setdefault(m["paragraph_id"], []).append((m["start"], m["end"], f"/archive/entities/{m['entity_id']}"))
    marks: dict[int, list] = {}
    if to_fts_query(q) != '""':
        for r in await rows(
            db, "SELECT p.id, highlight(paragraphs_fts, 0, char(57344), char(57345)) AS t FROM paragraphs_fts"
                " JOIN paragraphs p ON p.id = paragraphs_fts.rowid"
                " WHERE paragraphs_fts MATCH fts_query(?) AND p.article_id = ?", [q, article_id]):
            marks[r["id"]] = _marks(r["t"])
    text = [{"position": p["position"], "html": marked(p["text"], by_paragraph.get(p["id"], []), marks.get(p["id"], []))}
            for p in paragraphs]
    names: dict[int, dict] = {}
    for m in mentions:
        names.setdefault(m["entity_id"], {"id": m["entity_id"], "name": m["name"], "type": TYPE_NAMES.get(m["type"], m["type"]).lower(), "n": 0})["n"] += 1
    removed = await rows(
        db, "SELECT r.line_number, r.text, r.reason, r.evidence, rules.description FROM removed_lines r"
            " LEFT JOIN rules ON rules.name = r.reason WHERE r.article_id = ? ORDER BY r.line_number", [article_id])
    files = await rows(db, "SELECT path, sha256, encoding, repairs, imported_at FROM article_files"
                           " WHERE article_id = ? ORDER BY imported_at, path", [article_id])
    site = None
    if found[0]["site_id"] is not None:
        [site] = await rows(db, "SELECT id, name, articles FROM sites WHERE id = ?", [found[0]["site_id"]]) or [None]
    return {
        "article": found[0], "title": marked(found[0]["title"], by_paragraph.get(None, []), []),
        "paragraphs": text, "marked": sum(len(v) for v in marks.values()),
        "names": sorted(names.values(), key=lambda n: (-n["n"], n["name"])), "removed": removed, "files": files,
        "site": site, "q": q,
    }


async def article_text(db, article_id: int) -> str | None:
    """An article as plain text: its title, and its paragraphs separated by blank lines."""
    found = await rows(db, "SELECT title, body FROM article_texts WHERE id = ?", [article_id])
    return f"{found[0]['title']}\n\n{found[0]['body']}\n" if found else None


# --- an entity --------------------------------------------------------------------


async def entity(db, entity_id: int, page: int, page_rows: int) -> dict[str, Any] | None:
    found = await rows(db, "SELECT * FROM entities WHERE id = ?", [entity_id])
    if not found:
        return None
    e = found[0]
    counted = await rows(db, "SELECT month, dated, articles, mentions FROM entity_months WHERE entity_id = ?"
                             " ORDER BY month, dated", [entity_id])
    months = [m for m in counted if m["dated"] != "undated"]
    undated = sum(m["articles"] for m in counted if m["dated"] == "undated")
    together = await rows(
        db, "SELECT o.id, o.name, o.type, p.articles FROM entity_pairs p JOIN entities o ON o.id = p.other_id"
            " WHERE p.entity_id = ? ORDER BY p.articles DESC, p.mentions DESC, o.name LIMIT 20", [entity_id])
    for t in together:
        t["both"] = "/archive/articles_naming_both?" + urlencode({"a": e["name"], "b": t["name"]})
        t["type"] = TYPE_NAMES.get(t["type"], t["type"])
    articles = await rows(
        db, "WITH page AS (SELECT article_id, published, mentions, first_mention FROM article_entities"
            " WHERE entity_id = ? ORDER BY published DESC, article_id DESC LIMIT ? OFFSET ?)"
            " SELECT a.id, a.title, page.published, a.published_from, a.source, page.mentions, p.position,"
            " coalesce(p.text, a.title) AS text, m.start, m.end FROM page JOIN articles a ON a.id = page.article_id"
            " JOIN mentions m ON m.id = page.first_mention LEFT JOIN paragraphs p ON p.id = m.paragraph_id"
            " ORDER BY page.published DESC, page.article_id DESC",
        [entity_id, page_rows, (page - 1) * page_rows])
    for a in articles:
        a["first"] = marked(a["text"], [], [(a["start"], a["end"])])
    spellings = json.loads(e["aliases"])
    # Another spelling linked to this one: said, with the evidence, so a reader can judge it.
    merged = [{"name": next((s for s in spellings if name_key(s) == v["name_key"]), v["name_key"]),
               "reason": v["reason"]}
              for v in await rows(db, "SELECT name_key, reason FROM name_variants WHERE variant_of = ?"
                                      " ORDER BY name_key", [e["key"]])]
    chart = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "width": "container", "height": 180,
        "data": {"values": [{"month": m["month"], "dated": "from the text (about)" if m["dated"] == "about"
                             else "from the page's metadata", "articles": m["articles"], "mentions": m["mentions"]}
                            for m in months]},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {"field": "month", "type": "temporal", "timeUnit": "yearmonth", "title": "month",
                  "scale": {"domain": _month_span([m["month"] for m in months])}},
            "y": {"field": "articles", "type": "quantitative", "title": "articles"},
            "color": {"field": "dated", "type": "nominal", "title": "date"},
        },
    }
    total = e["article_count"]
    return {
        "entity": e, "type": TYPE_NAMES.get(e["type"], e["type"]), "spellings": spellings, "merged": merged,
        "months": months,
        "undated": undated, "dated": total - undated, "together": together, "articles": articles,
        "chart": Markup(json.dumps(chart).replace("<", "\\u003c")), "page": page,
        "pages": -(-total // page_rows),
        "prev": f"/archive/entities/{entity_id}?page={page - 1}" if page > 1 else None,
        "next": f"/archive/entities/{entity_id}?page={page + 1}" if page * page_rows < total else None,
        "first": (page - 1) * page_rows + 1, "last": (page - 1) * page_rows + len(articles),
    }


def _month_span(months: list[str]) -> list[str]:
    """The chart's months: a month more on each side of the entity's, so that
    one month is drawn as a month's bar, not across the whole chart."""
    if not months:
        return []

    def shift(month: str, by: int) -> str:
        year, m = divmod(int(month[:4]) * 12 + int(month[5:7]) - 1 + by, 12)
        return f"{year:04d}-{m + 1:02d}-01"

    return [shift(min(months), -1), shift(max(months), 2)]


async def browse(db, kind: str) -> dict[str, Any]:
    """How many names of each type the archive holds, for the choice of a type."""
    counts = {r["type"]: r["n"] for r in await rows(db, "SELECT type, count(*) AS n FROM entities GROUP BY type")}
    choices = [{"value": "", "label": "All names", "n": sum(v for k, v in counts.items() if k != "DATE")}]
    choices.append({"value": "PLACE", "label": "Places", "n": sum(counts.get(t, 0) for t in PLACE_TYPES)})
    for t in ("PERSON", "ORG", "NORP", "EVENT", "GPE", "LOC", "FAC", "DATE"):
        if counts.get(t):
            choices.append({"value": t, "label": TYPE_NAMES.get(t, t).capitalize() + f" ({t})", "n": counts[t]})
    return {"choices": choices, "chosen": kind.upper().strip()}

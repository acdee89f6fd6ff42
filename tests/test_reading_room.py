"""The reading room, in process: the home page, the searches with their totals,
paging, sorting, facets and suggestions, the article and entity pages, names by
type, the articles naming two names, and the exports."""

import asyncio
import csv
import io
import json
import re

import pytest

from archive.serve import PAGE_ROWS, make_datasette

from .conftest import ROOT, reading_room, seed_files


@pytest.fixture(scope="module")
def room(tmp_path_factory, ruleset, extractor):
    """The seeds and the gold's BBC articles with the real model's entities, and
    sixty reports built from the seeds' paragraphs: more matches than a page holds."""
    return make_datasette(reading_room(tmp_path_factory.mktemp("room"), ruleset, extractor, 60))


async def get(ds, url, **params):
    response = await ds.client.get(url, params=params or None)
    assert response.status_code == 200, (url, response.text[:500])
    return response.text


def visible(html: str) -> str:
    """The page's text as a person reads it, tags aside."""
    return " ".join(re.sub(r"<[^>]+>", " ", re.sub(r"(?s)<(script|style).*?</\1>", " ", html)).split())


async def test_the_home_page_searches_and_says_what_the_archive_holds(room):
    html = await get(room, "/")
    assert re.search(r'<form class="archive-search" action="/archive/search_articles" method="get"', html)
    assert '<input type="search" id="q" name="q"' in html
    text = visible(html)
    count = len(seed_files()) + len(list((ROOT / "eval" / "bbc").glob("*.txt"))) + 60
    assert re.search(rf"\b{count} articles, dated from \d{{4}}-\d\d-\d\d to \d{{4}}-\d\d-\d\d", text)
    for heading in ("People", "Organisations", "Places"):
        assert f"<h2>{heading}</h2>" in html
    assert '<a href="/archive/entities/' in html
    assert 'href="/archive/search_paragraphs"' in html and 'href="/archive"' in html
    databases = (await room.client.get("/-/databases.json")).json()
    assert [d["name"] for d in databases] == ["archive"]


async def test_internal_tables_are_out_of_sight(room):
    html = await get(room, "/archive")
    for hidden in ("article_keys", "line_keys", "site_lines", "_sqlite_migrations", "_archive_state", "entity_names"):
        assert f'href="/archive/{hidden}"' not in html, hidden
    assert 'href="/archive/articles"' in html


async def test_a_search_says_how_many_match_and_pages_through_all_of_them(room):
    first = await get(room, "/archive/search_articles", q="Idlib")
    m = re.search(r"1–20 of (\d+) articles", visible(first))
    assert m and int(m.group(1)) > 2 * PAGE_ROWS
    total = int(m.group(1))
    seen = set()
    page, html = 1, first
    while True:
        seen |= set(re.findall(r'<h2><a href="/archive/articles/(\d+)\?q=Idlib">', html))
        nxt = re.search(r'<a rel="next" href="([^"]+)">', html)
        if not nxt:
            break
        page += 1
        html = await get(room, nxt.group(1).replace("&amp;", "&"))
        assert f"Page {page} of" in visible(html)
    assert len(seen) == total and page == -(-total // PAGE_ROWS)
    assert 'rel="prev"' in html


async def test_a_search_page_shows_no_sql_no_ids_and_no_scores(room):
    html = await get(room, "/archive/search_articles", q="Idlib")
    text = visible(html)
    assert "Custom SQL query" not in text and "Run SQL" not in html and "bm25" not in html
    assert not re.search(r"-\d\.\d+e-\d\d", text)  # a raw score
    rows = (await room.client.get("/archive/search_articles.json", params={"q": "Idlib", "_shape": "array"})).json()
    assert {"id", "score", "url"} <= set(rows[0])  # tools keep what they need


async def test_sorting_by_date_puts_the_newest_first(room):
    rows = (await room.client.get("/archive/search_articles.json",
                                  params={"q": "Idlib", "sort": "date", "_shape": "array"})).json()
    dates = [r["published"] for r in rows if r["published"]]
    assert dates == sorted(dates, reverse=True) and dates
    html = await get(room, "/archive/search_articles", q="Idlib", sort="date")
    assert "<strong>date</strong>" in html


# The matches as one would first select them: every match joined, narrowed and ordered.
REFERENCE = {
    "articles": ("SELECT a.id FROM articles_fts f JOIN articles a ON a.id = f.rowid"
                 " WHERE articles_fts MATCH fts_query(:q) {narrowed}"
                 " ORDER BY {date} bm25(articles_fts, 1.0, 10.0), a.id", "a.published DESC, a.id DESC,"),
    "paragraphs": ("SELECT p.article_id, p.position FROM paragraphs_fts f JOIN paragraphs p ON p.id = f.rowid"
                   " JOIN articles a ON a.id = p.article_id WHERE paragraphs_fts MATCH fts_query(:q) {narrowed}"
                   " ORDER BY {date} bm25(paragraphs_fts), p.id", "a.published DESC, a.id DESC, p.position,"),
}


@pytest.mark.parametrize("walk", [False, True], ids=["join", "walk"])
@pytest.mark.parametrize("kind", REFERENCE)
async def test_every_plan_of_a_search_pages_through_the_matches_a_plain_query_finds(room, kind, walk, monkeypatch):
    """Each way of choosing a page (best first, newest first, narrowed or not)
    gives, page by page, what the plain query gives."""
    from archive import serve

    monkeypatch.setattr(serve, "WALK_ABOVE", 0 if walk else 10**9)
    db = room.get_database("archive")
    [[person]] = (await db.execute("SELECT name FROM entities WHERE type = 'PERSON'"
                                   " ORDER BY article_count DESC LIMIT 1")).rows
    sql, by_date = REFERENCE[kind]
    longer = 0  # searches with more matches than a page holds
    for q in ("Idlib", "said", '"Idlib province"', "Turkey OR Russia"):
        for sort in ("", "date"):
            for narrowing in ({}, {"source": "Example Wire"}, {"name": person}, {"since": "2018-01-01"}):
                narrowed = {"source": "AND a.source = :source",
                            "name": "AND a.id IN (SELECT ae.article_id FROM entity_names n JOIN article_entities ae"
                                    " ON ae.entity_id = n.entity_id WHERE n.name_key = entity_key(:name))",
                            "since": "AND a.published >= :since"}
                reference = [tuple(r) for r in (await db.execute(
                    sql.format(narrowed=" ".join(narrowed[k] for k in narrowing), date=by_date if sort else ""),
                    {"q": q, **narrowing})).rows]
                longer += len(reference) > PAGE_ROWS
                found = []
                for page in range(1, 4):
                    rows = (await room.client.get(f"/archive/search_{kind}.json", params={
                        "q": q, "sort": sort, "page": str(page), "_shape": "array", **narrowing})).json()
                    found += [(r["id"],) if kind == "articles" else (r["article_id"], r["position"]) for r in rows]
                assert found == reference[:len(found)] and len(found) == min(len(reference), 3 * PAGE_ROWS), \
                    (q, sort, narrowing)
    assert longer >= 16


async def test_facets_narrow_the_search_and_the_narrowing_can_be_removed(room):
    html = await get(room, "/archive/search_articles", q="Idlib")
    total = int(re.search(r"of (\d+) articles", visible(html)).group(1))
    link = re.search(r'<a href="(/archive/search_articles\?q=Idlib&amp;source=Example\+Wire)">Example Wire</a>'
                     r' <span class="count">(\d+)</span>', html)
    assert link
    narrowed = await get(room, link.group(1).replace("&amp;", "&"))
    count = int(re.search(r"of (\d+) articles", visible(narrowed)).group(1))
    assert count == int(link.group(2)) < total
    assert "Narrowed to from Example Wire" in visible(narrowed)
    remove = re.search(r'<a href="([^"]+)" aria-label="Remove: from Example Wire">', narrowed).group(1)
    assert remove.replace("&amp;", "&") == "/archive/search_articles?q=Idlib"
    # A name narrows as well: the articles that name it.
    name = re.search(r'<a href="(/archive/search_articles\?q=Idlib&amp;name=[^"]+)">', html).group(1)
    assert "Narrowed to naming" in visible(await get(room, name.replace("&amp;", "&")))


async def test_a_common_words_sources_and_months_are_counted_in_a_sample_and_said_to_be(room, monkeypatch):
    from archive import pages

    exact = await pages.search(room.get_database("archive"), "paragraphs", {"q": "the"}, PAGE_ROWS)
    assert exact["sample"] == 1
    monkeypatch.setattr(pages, "FACET_SAMPLE", 50)
    html = await get(room, "/archive/search_paragraphs", q="the")
    sampled = await pages.search(room.get_database("archive"), "paragraphs", {"q": "the"}, PAGE_ROWS)
    assert sampled["total"] == exact["total"] > 300 and sampled["sample"] == -(-exact["total"] // 50) > 1
    for facet in ("Source", "Month"):
        counts = {v["label"]: v["n"] for v in sampled["facets"][facet]}
        assert all(n % sampled["sample"] == 0 for n in counts.values())
        truth = {v["label"]: v["n"] for v in exact["facets"][facet]}
        # A sample of one in every few: the largest values are near the truth.
        top = max(truth, key=truth.get)
        assert abs(counts.get(top, 0) - truth[top]) <= 0.35 * truth[top], (facet, counts, truth)
    assert f"counted in one of every {sampled['sample']} matches" in visible(html)
    assert re.search(r'>Example Wire</a> <span class="count">≈ \d', html)
    # Narrowed, the counts are exact again.
    narrowed = await pages.search(room.get_database("archive"), "paragraphs", {"q": "the", "source": "Example Wire"},
                                  PAGE_ROWS)
    assert narrowed["sample"] == 1 and narrowed["total"] == {v["label"]: v["n"] for v in exact["facets"]["Source"]}[
        "Example Wire"]


async def test_a_search_pages_totals_are_read_once_beside_its_rows(room, monkeypatch):
    from archive import pages, serve

    calls = []
    search = pages.search

    async def counted(*args, **kwargs):
        calls.append(args[1])
        return await search(*args, **kwargs)

    monkeypatch.setattr(pages, "search", counted)
    for kind in ("articles", "paragraphs"):
        html = await get(room, f"/archive/search_{kind}", q="Idlib")
        assert re.search(rf"1–20 of \d+ {kind}", visible(html))
    assert calls == ["articles", "paragraphs"]
    # A page whose rows fail leaves no search of its totals running.
    async def failing(scope, receive, send):
        assert isinstance(scope["archive_search"], asyncio.Task)
        raise RuntimeError("the rows failed")

    scope = {"type": "http", "method": "GET", "path": "/archive/search_articles", "query_string": b"q=Idlib"}
    with pytest.raises(RuntimeError):
        await serve._search_page(room, failing, "articles", scope, None, None)
    assert not [t for t in asyncio.all_tasks() if t.get_coro().__qualname__.startswith("counted")]


async def test_not_and_minus_leave_out_what_follows(room):
    every = (await room.client.get("/archive/search_articles.json", params={"q": "Idlib", "_stream": "on"})).json()
    without = [
        (await room.client.get("/archive/search_articles.json", params={"q": q, "_stream": "on"})).json()
        for q in ("Idlib AND NOT Putin", "Idlib -Putin")
    ]
    assert without[0] == without[1] and 0 < len(without[0]) < len(every)
    assert all("Putin" not in r["snippet"] for r in without[0])


async def test_nothing_found_suggests_names_and_says_when_the_script_is_not_the_archives(room):
    html = await get(room, "/archive/search_articles", q="Erdgan")
    assert "No articles match" in visible(html)
    assert re.search(r"Did you mean <a href=\"/archive/search_articles\?q=[^\"]*\">Recep Tayyip Erdogan</a>", html) \
        or "Erdogan" in visible(html).split("Did you mean", 1)[1]
    arabic = visible(await get(room, "/archive/search_articles", q="إدلب تحت القصف"))
    assert "No article of this archive is written in Arabic script" in arabic
    empty = visible(await get(room, "/archive/search_articles", q=""))
    assert "Type words" in empty


async def test_the_article_page_gives_the_whole_text_with_its_names_and_what_was_removed(room):
    rows = (await room.client.get("/archive/search_articles.json",
                                  params={"q": "Coordination Idlib", "_shape": "array"})).json()
    seed = next(r for r in rows if "Coordination" in r["title"])
    html = await get(room, f"/archive/articles/{seed['id']}", q="Idlib")
    body = (await room.client.get(f"/archive/articles/{seed['id']}.txt")).text
    title, text = body.split("\n\n", 1)
    # The title is read as the text is: its names the text writes link to their pages.
    heading = re.search(r"<h1>(.*?)</h1>", html).group(1)
    assert re.sub(r"<[^>]+>", "", heading) == title
    assert re.search(r'<a class="mention" href="/archive/entities/\d+">Idlib</a>', heading)
    for paragraph in text.strip().split("\n\n"):
        assert " ".join(paragraph.split()[:6]) in visible(html)
    assert "<mark>Idlib</mark>" in html
    assert re.search(r'<a class="mention" href="/archive/entities/\d+">Lavrov</a>', html)
    assert "2018-08-10" in visible(html) and "date from metadata-line" in visible(html)
    assert "<details class=\"archive-removed\">" in html and "share-label" in html
    assert "A label for share buttons, in any language" in html  # the rule's description
    assert "004_e04ca7f6de3972df.txt" in html
    assert f'href="/archive/articles/{seed["id"]}.json"' in html and f'href="/archive/articles/{seed["id"]}.txt"' in html


async def test_the_entity_page_charts_months_and_links_the_names_mentioned_with_it(room):
    rows = (await room.client.get("/archive/top_entities.json", params={"type": "PERSON", "_shape": "array"})).json()
    person = rows[0]
    html = await get(room, f"/archive/entities/{person['entity_id']}")
    assert f"<h1>{person['entity']}</h1>" in html
    assert re.search(r"\d+ of \d+ articles naming .+ are dated", visible(html))
    together = re.findall(r'<a href="(/archive/articles_naming_both\?a=[^"]+)">(\d+) articles? naming both</a>', html)
    assert together
    url, count = together[0]
    both = (await room.client.get(url.replace("&amp;", "&").replace("articles_naming_both", "articles_naming_both.json")
                                  + "&_stream=on")).json()
    assert len(both) == int(count)
    assert "/archive-static/vendor/vega.min.js" in html
    assert re.search(rf"1–\d+ of {person['articles']}", visible(html))
    # The chart runs from the month before the first to the month after the last:
    # one month is drawn a month wide, not across the whole chart.
    spec = json.loads(re.search(r'<script type="application/json" id="chart-spec">(.*?)</script>', html, re.S).group(1))
    months = sorted({v["month"] for v in spec["data"]["values"]})
    first, last = spec["encoding"]["x"]["scale"]["domain"]
    assert first < months[0] + "-01" and last > months[-1] + "-31"


async def test_articles_naming_both_takes_any_spelling_of_each(room):
    one = (await room.client.get("/archive/articles_naming_both.json",
                                 params={"a": "Erdogan", "b": "Putin", "_shape": "array"})).json()
    other = (await room.client.get("/archive/articles_naming_both.json",
                                   params={"a": "Recep Tayyip Erdoğan", "b": "Vladimir Putin", "_shape": "array"})).json()
    assert one == other and one


async def test_names_are_browsed_by_a_choice_of_type(room):
    html = await get(room, "/archive/top_entities", type="PERSON")
    assert re.search(r'<select id="type" name="type">', html)
    assert re.search(r'<option value="PERSON" selected>Person \(PERSON\) \(\d+\)</option>', html)
    assert re.search(r'<a href="/archive/entities/\d+">', html)


async def test_exports_are_named_after_their_query_and_carry_each_articles_page(room):
    response = await room.client.get("/archive/search_articles.csv", params={"q": "Idlib", "_bom": "1"})
    assert response.headers["content-disposition"].startswith('attachment; filename="search_articles-idlib.csv"')
    assert response.content.startswith("\ufeff".encode())
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {"title", "published", "source", "url"} <= set(table[0])
    assert all(re.fullmatch(r"http://[^/]+/archive/articles/\d+", row["url"]) for row in table)
    plain = await room.client.get("/archive/search_articles.csv", params={"q": "Idlib"})
    assert not plain.content.startswith("\ufeff".encode())

"""The Datasette site, in-process: canned queries, highlighting, exports, read-only."""

import csv
import io
import json

import pytest

from archive import entities, ingest, store
from archive.serve import PAGE_ROWS, load_metadata, make_datasette

from .conftest import QUICK, write_articles

QUERIES = ["search_articles", "search_paragraphs"]
ENTITY_QUERIES = {"entity_articles": "name", "cooccurring_entities": "name", "entity_timeline": "name",
                  "top_entities": "type", "articles_naming_both": "a"}
HOSTILE = [
    "", " ", '"', '""', '"unbalanced', "OR", "AND", "NOT", "-", "*", "-*", "OR OR -",
    "NEAR(idlib turkey, 2)", "title:idlib", "idlib^", "(idlib", "idlib)", "{title body}: x",
    "'; drop table articles; --", "<script>alert(1)</script>", "مشاركة :", "إدلب",
    "\x00", "\ue000idlib\ue001", "%", "_", "\\", "idlib " * 300, "x" * 2000,
    " ".join(f"word{i} OR -x{i}" for i in range(300)), "Idlib \"talks " * 150,
]


def test_every_canned_query_has_a_title_and_description():
    queries = load_metadata()["databases"]["archive"]["queries"]
    assert sorted(queries) == sorted(QUERIES + list(ENTITY_QUERIES))
    for name, query in queries.items():
        assert query["title"] and query["description_html"], name


async def rows(ds, query, q):
    response = await ds.client.get(f"/archive/{query}.json", params={"q": q, "_shape": "objects"})
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["ok"] is True, data
    return data["rows"]


async def test_search_articles_ranks_title_matches_first(seeded_ds):
    results = await rows(seeded_ds, "search_articles", "Turkey adamant")
    assert [r["title"] for r in results][:1] == [
        "\ue000Turkey\ue001 Seems \ue000Adamant\ue001 In Its Attempts To Rescue Terrorists In Syria’s Idlib Province"
    ]
    everywhere = await rows(seeded_ds, "search_articles", "Idlib")
    assert len(everywhere) == 5
    assert [r["score"] for r in everywhere] == sorted(r["score"] for r in everywhere)
    assert set(everywhere[0]) == {"id", "title", "published", "published_from", "source", "snippet", "score", "url"}


@pytest.mark.parametrize(
    "q, count",
    [("Erdoğan", 4), ("erdogan", 4), ('"chemical weapons"', 2), ("Bolton OR Mattis", 2), ("Idlib -Putin", 2),
     ("al-Nusra", 3), ("Zakharova", 2), ("negotiat*", 3)],
)
async def test_search_articles_syntax(seeded_ds, q, count):
    assert len(await rows(seeded_ds, "search_articles", q)) == count


async def test_search_paragraphs_gives_paragraph_and_article(seeded_ds):
    results = await rows(seeded_ds, "search_paragraphs", "Mattis")
    assert len(results) == 1
    [hit] = results
    assert hit["title"] == "Syrian FM says regime will try to avoid civilian deaths in Idlib"
    assert hit["position"] == 2
    assert "\ue000Mattis\ue001" in hit["text"]


# The quick loop tries every third of them.
SOME_HOSTILE = HOSTILE[::3] if QUICK else HOSTILE


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("q", SOME_HOSTILE, ids=range(len(SOME_HOSTILE)))
async def test_hostile_input_never_errors(seeded_ds, query, q):
    await rows(seeded_ds, query, q)
    page = await seeded_ds.client.get(f"/archive/{query}", params={"q": q})
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text


@pytest.mark.parametrize("query", ENTITY_QUERIES)
@pytest.mark.parametrize("value", SOME_HOSTILE, ids=range(len(SOME_HOSTILE)))
async def test_hostile_entity_parameters_never_error(seeded_ds, query, value):
    param = ENTITY_QUERIES[query]
    response = await seeded_ds.client.get(f"/archive/{query}.json", params={param: value, "_shape": "objects"})
    assert response.status_code == 200, response.text
    assert response.json()["ok"] is True
    page = await seeded_ds.client.get(f"/archive/{query}", params={param: value})
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text


async def test_highlights_render_as_mark(seeded_ds):
    page = await seeded_ds.client.get("/archive/search_articles", params={"q": "Mattis"})
    assert "<mark>Mattis</mark>" in page.text
    assert "\ue000" not in page.text
    [article_id] = [r["id"] for r in await rows(seeded_ds, "search_articles", "Mattis")]
    assert f'<a href="/archive/articles/{article_id}?q=Mattis">' in page.text


@pytest.fixture
def hostile_ds(tmp_path, ruleset):
    evil = (
        "<script>alert('title')</script> Idlib\n\n"
        "Idlib <img src=x onerror=alert(1)> &amp; <b>bold</b> \ue000fake\ue001 mark.\n\n"
        "More news: <script>alert('removed')</script> in Idlib\n\n"
        "Shares in Evil <script>alert(2)</script> Corp rose, and Evil <script>alert(2)</script> Corp said so.\n"
    )
    # An alias file is how a name holding markup becomes an entity.
    aliases = tmp_path / "aliases.yml"
    aliases.write_text('entities:\n  - {name: "Evil <script>alert(2)</script> Corp", type: ORG}\n')
    extractor = entities.Extractor(entities.load_model(), entities.load_aliases([aliases]))
    db = store.open_db(tmp_path / "archive.db")
    # File names may hold markup too: they are shown as paths and import errors.
    files = write_articles(tmp_path / "in", {"<img src=x onerror=alert(3)>.txt": evil, "<i onmouseover=alert(4)>.txt": " \n"})
    summary = ingest.import_files(db, files, ruleset, extractor=extractor)
    assert (summary.imported, len(summary.rejected)) == (1, 1)
    assert db.conn.execute("SELECT count(*) FROM entities WHERE name LIKE 'Evil <script>%'").fetchone()[0] == 1
    return make_datasette(tmp_path / "archive.db")


async def _first_id(ds, table):
    page = await ds.client.get(f"/archive/{table}.json", params={"_shape": "array", "_size": "1"})
    row = page.json()[0]
    return row.get("id") or row.get("rowid")


@pytest.mark.parametrize(
    "url",
    ["/archive/search_articles?q=idlib", "/archive/search_paragraphs?q=idlib", "/archive/articles",
     "/archive/entities", "/archive/entities/1", "/archive/mentions", "/archive/top_entities",
     "/archive/entity_articles?name=Evil+%3Cscript%3Ealert(2)%3C/script%3E+Corp",
     "/archive/cooccurring_entities?name=Idlib", "/archive/entity_timeline?name=Evil+%3Cscript%3Ealert(2)%3C/script%3E+Corp",
     "/archive/paragraphs", "/archive?sql=select+title,+body+from+article_texts", "/archive/articles/{articles}",
     "/archive/paragraphs/{paragraphs}", "/archive/import_errors", "/archive/article_files",
     "/archive/removed_lines", "/archive/articles?_search=idlib", "/archive/paragraphs?_facet=article_id",
     "/", "/archive/articles/{articles}?q=idlib", "/archive/articles/{articles}?q=%3Cscript%3Ealert(1)%3C/script%3E",
     "/archive/search_articles?q=evil", "/archive/search_articles?q=idlib&source=%3Cb%3Ebold%3C/b%3E",
     "/archive/search_articles?q=%3Cimg+src%3Dx%3E&name=%3Ci+onmouseover%3D1%3E",
     "/archive/entities/{entities}", "/archive/top_entities?type=ORG",
     "/archive/articles_naming_both?a=Evil+%3Cscript%3Ealert(2)%3C/script%3E+Corp&b=Idlib",
     "/archive/search_paragraphs?q=evil&month=%3Cscript%3Ealert(1)%3C/script%3E"],
)
async def test_article_text_cannot_inject_markup(hostile_ds, url):
    for table in ("articles", "paragraphs", "entities"):
        if "{" + table + "}" in url:
            url = url.replace("{" + table + "}", str(await _first_id(hostile_ds, table)))
    page = await hostile_ds.client.get(url)
    assert page.status_code == 200
    for raw in ("<script>alert(", "<img src=x", "<b>bold</b>", "<mark>fake</mark>", "<i onmouseover"):
        assert raw not in page.text, (url, raw)
    assert "&lt;script&gt;" in page.text or "&lt;img" in page.text or "&lt;i onmouseover" in page.text \
        or "&lt;b&gt;" in page.text


@pytest.fixture(scope="module")
def big_ds(tmp_path_factory):
    from archive.clean import load_rules

    folder = tmp_path_factory.mktemp("big")
    texts = {f"{i:05}.txt": f"Story number {i}\n\nA common word, and the unique marker w{i}x.\n" for i in range(1500)}
    db = store.open_db(folder / "archive.db")
    summary = ingest.import_files(db, write_articles(folder / "in", texts), load_rules())
    assert summary.imported == 1500
    return make_datasette(folder / "archive.db")


@pytest.mark.parametrize("query", QUERIES)
async def test_csv_export_is_complete(big_ds, query):
    response = await big_ds.client.get(f"/archive/{query}.csv", params={"q": "common"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.text)))
    assert len(table) == 1501
    assert "\ue000" not in response.text
    markers = {row[0] for row in table[1:]}
    assert len(markers) == 1500


@pytest.mark.parametrize("query", QUERIES)
async def test_json_stream_export_is_complete(big_ds, query):
    page = (await big_ds.client.get(f"/archive/{query}.json", params={"q": "common"})).json()
    assert len(page["rows"]) == PAGE_ROWS  # the best matches; an export has them all
    response = await big_ds.client.get(f"/archive/{query}.json", params={"q": "common", "_stream": "on"})
    assert response.status_code == 200
    assert len(json.loads(response.text)) == 1500


async def test_export_of_a_table_is_left_to_datasette(big_ds):
    response = await big_ds.client.get("/archive/articles.csv", params={"_size": "10"})
    assert response.status_code == 200
    assert len(list(csv.reader(io.StringIO(response.text)))) == 11


@pytest.mark.parametrize(
    "sql",
    [
        "insert into articles (id) values ('x')",
        "delete from articles",
        "update articles set title = 'x'",
        "attach database 'other.db' as other",
        "select load_extension('/tmp/x')",
        "pragma journal_mode=delete",
        "select 1; delete from articles",
    ],
)
async def test_site_is_read_only(seeded_ds, seeded_db_path, sql):
    response = await seeded_ds.client.get("/archive.json", params={"sql": sql})
    assert response.status_code in (400, 403), response.text
    assert store.open_db(seeded_db_path).table("articles").count == 5


@pytest.mark.parametrize("query", QUERIES)
async def test_a_page_holds_the_best_matches_of_the_full_ranking(seeded_ds, query, monkeypatch):
    """The page ranks every match before it cuts: its rows are the export's first rows."""
    from archive import serve

    monkeypatch.setattr(serve, "PAGE_ROWS", 3)
    page = await seeded_ds.client.get(f"/archive/{query}.json", params={"q": "Idlib", "_shape": "array"})
    every = await seeded_ds.client.get(f"/archive/{query}.json", params={"q": "Idlib", "_stream": "on"})
    rows, all_rows = page.json(), json.loads(every.text)
    assert len(rows) == 3 and len(all_rows) > 3
    assert len({r["score"] for r in all_rows}) > 3
    assert [r["score"] for r in rows] == sorted(r["score"] for r in all_rows)[: len(rows)]
    assert [r["score"] for r in rows] == [r["score"] for r in all_rows][: len(rows)]


async def test_an_entity_page_is_the_head_of_its_complete_export(seeded_ds, monkeypatch):
    from archive import serve

    monkeypatch.setattr(serve, "PAGE_ROWS", 3)
    page = await seeded_ds.client.get("/archive/entity_articles.json", params={"name": "Idlib", "_shape": "array"})
    every = await seeded_ds.client.get("/archive/entity_articles.csv", params={"name": "Idlib"})
    rows, exported = page.json(), list(csv.reader(io.StringIO(every.text)))[1:]
    assert len(rows) == 3 and len(exported) > 3
    assert [str(r["article_id"]) for r in rows] == [row[0] for row in exported[:3]]


@pytest.fixture(scope="module")
def passages_ds(tmp_path_factory):
    """The seeds and the BBC articles of the gold, imported as they are."""
    from archive.clean import load_rules

    from .conftest import ROOT, seed_files

    db_path = tmp_path_factory.mktemp("passages") / "archive.db"
    db = store.open_db(db_path)
    files = seed_files() + sorted((ROOT / "eval" / "bbc").glob("*.txt"))
    assert ingest.import_files(db, files, load_rules()).imported == len(files)
    texts = {row[0]: row[1] for row in db.execute("select id, body from article_texts")}
    db.close()
    return make_datasette(db_path), texts


def passages(body: str) -> list[str]:
    """What a person pastes: a paragraph from the start, one from the middle, the
    last, and 2,000 characters across paragraphs from the second on."""
    paragraphs = [p for p in body.split("\n\n") if len(p.split()) > 12]
    found = list(dict.fromkeys([paragraphs[0], paragraphs[len(paragraphs) // 2], paragraphs[-1]]))
    return found + ["\n\n".join(body.split("\n\n")[1:])[:2000].rsplit(" ", 1)[0]]


@pytest.mark.slow  # an archive of the gold's BBC articles, built with the model
async def test_a_pasted_passage_finds_its_article_first_on_every_page_and_export(passages_ds):
    ds, texts = passages_ds
    tried = 0
    for article_id, body in texts.items():
        for passage in passages(body):
            holders = {i for i, b in texts.items() if passage in b}
            for query, id_column in (("search_articles", "id"), ("search_paragraphs", "article_id")):
                page = await ds.client.get(f"/archive/{query}.json", params={"q": passage, "_shape": "array"})
                assert page.status_code == 200, page.text
                assert page.json()[0][id_column] in holders, (query, passage[:80])
                export = await ds.client.get(f"/archive/{query}.csv", params={"q": passage})
                first = list(csv.DictReader(io.StringIO(export.text)))[0]
                assert int(first[id_column]) in holders, (query, passage[:80])
            tried += 1
    assert tried > 50


async def test_an_article_only_its_title_names_an_entity_in_is_listed_with_its_title(tmp_path, ruleset, extractor):
    """A mention in the title has no paragraph: the entity's page and its
    canned query show the title as the first mention, and link to the article."""
    files = write_articles(tmp_path / "in", {
        "a.txt": "Ministers Meet in Canberra for Budget Talks\n\nThe minister said the talks went well and"
                 " that they would go on next week.\n",
        "b.txt": "Canberra Prepares for Winter\n\nSnow fell in Canberra overnight, and the roads into the"
                 " city were closed until the morning.\n"})
    db = store.open_db(tmp_path / "archive.db")
    ingest.import_files(db, files, ruleset, extractor=extractor)
    [(entity_id, count)] = db.execute("select id, article_count from entities where key = 'canberra'").fetchall()
    db.close()
    assert count == 2
    ds = make_datasette(tmp_path / "archive.db")
    rows = (await ds.client.get("/archive/entity_articles.json", params={"name": "Canberra", "_shape": "array"})).json()
    by_title = {r["title"]: r for r in rows}
    only = by_title["Ministers Meet in Canberra for Budget Talks"]
    assert only["paragraph"] is None and only["url"] == f"/archive/articles/{only['article_id']}"
    assert only["first_mention"] == "Ministers Meet in \ue000Canberra\ue001 for Budget Talks"
    assert by_title["Canberra Prepares for Winter"]["paragraph"] == 1  # the text's mention before the title's
    html = (await ds.client.get(f"/archive/entities/{entity_id}")).text
    assert f'<a href="/archive/articles/{only["article_id"]}">Ministers Meet in Canberra' in html
    assert "Ministers Meet in <mark>Canberra</mark> for Budget Talks" in html

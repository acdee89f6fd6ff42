"""Migrations: an archive made by any earlier version comes out in the shape of a
new one, literally, with every row it held; each step is recorded, and lands
whole or not at all."""

import gzip
import sqlite3
from pathlib import Path

import pytest

from archive import ingest, linking, migrations, schema, store
from archive.search import to_fts_query

from .conftest import seed_files

FIXTURES = Path(__file__).parent / "fixtures"
# An archive of the first two seeds made by each version whose shape differs
# from the one before (with entities from 9bfb32a on), by that version's own
# `archive import`, up to the version before steps were recorded.
MADE_AT = {
    "4232d90": "the first importer: articles keyed by digest, their bodies and file facts on the article",
    "9bfb32a": "entities",
    "cda4921": "article_files",
    "016bfae": "each text stored once",
    "1bf8421": "entity pairs and dates on article_entities",
    "1fcd337": "articles numbered",
}
# And by each version since that recorded its steps and changed the shape.
RECORDED = {
    "757eb45": "steps recorded",
    "0d1b311": "sites learned",
    "224bc1a": "removed lines with evidence",
    "445761a": "provenance columns and rules",
    "f2af722": "file metadata and date order",
    "31f78e9": "incremental linking",
    "824d2ea": "name variants",
    "b6020b6": "entity months",
    "9c9247f": "name counts",
    "12cabd4": "title mentions",
}
MADE_AT.update(RECORDED)


def made_at(commit: str, tmp_path: Path) -> Path:
    path = tmp_path / f"{commit}.db"
    path.write_bytes(gzip.decompress((FIXTURES / f"archive-made-at-{commit}.db.gz").read_bytes()))
    return path


def stored(conn) -> dict[str, list]:
    """What an archive holds, told apart by digest (the one key every version had)."""
    id_type = conn.execute("select type from pragma_table_info('articles') where name = 'id'").fetchone()[0]
    keyed = "id" if id_type == "TEXT" else "digest"

    def digest(table: str) -> str:
        return f"(select {keyed} from articles a where a.id = {table}.article_id)"

    rows = {
        "articles": sorted(conn.execute(f"select {keyed}, title, published, source, path, pipeline from articles")),
        "paragraphs": sorted(conn.execute(f"select {digest('t')}, position, text from paragraphs t")),
        "removed_lines": sorted(conn.execute(f"select {digest('t')}, line_number, text, reason from removed_lines t")),
    }
    if conn.execute("select 1 from sqlite_master where name = 'mentions'").fetchone():
        rows["mentions"] = sorted(conn.execute(  # by its article: a title's mention has no paragraph
            f"select {digest('m')}, m.text, m.start, m.end, m.label, m.name_key, e.key from mentions m"
            " left join entities e on e.id = m.entity_id"))
        rows["entities"] = sorted(conn.execute("select key, name, type, article_count, mention_count from entities"))
    return rows


def objects(path: Path) -> dict[str, str]:
    db = store.sqlite_utils.Database(path)
    try:
        return schema.objects(db)
    finally:
        db.close()


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> dict[str, str]:
    path = tmp_path_factory.mktemp("fresh") / "archive.db"
    store.open_db(path).close()
    return objects(path)


@pytest.mark.parametrize("commit", MADE_AT, ids=lambda c: f"{c}-{MADE_AT[c].split(':')[0].replace(' ', '-')}")
def test_an_archive_of_each_earlier_shape_becomes_a_new_archive_keeping_every_row(commit, fresh, tmp_path, ruleset):
    path = made_at(commit, tmp_path)
    old = sqlite3.connect(path)
    recorded = old.execute("select 1 from sqlite_master where name = '_sqlite_migrations'").fetchone()
    assert bool(recorded) == (commit in RECORDED)
    before = stored(old)
    old.close()
    assert len(before["articles"]) == 2 and len(before["paragraphs"]) > 10
    if commit != "4232d90":  # entities from the next version on
        assert len(before["mentions"]) > 100

    db = store.open_db(path)
    steps = [row[0] for row in db.execute("select name from _sqlite_migrations order by id")]
    assert steps == [m.name for m in migrations.MIGRATIONS._migrations]
    db.close()
    # Literally a new archive's shape: every table, index, view, trigger and full-text index.
    assert objects(path) == fresh
    db = store.open_db(path)
    assert {k: v for k, v in stored(db.conn).items() if k in before} == before
    for fts in schema.FTS:
        db.execute(f"insert into {fts}_fts({fts}_fts, rank) values('integrity-check', 1)")
    assert db.execute("pragma foreign_key_check").fetchall() == []
    if "mentions" in before:  # an entity's months, as linking would count them from its links
        assert db.execute("select count(*) from article_entities ae join articles a on a.id = ae.article_id"
                          " where ae.date_from_text != coalesce(a.published_from = 'text', 0)"
                          " or ae.published is not a.published").fetchone() == (0,)
        months = db.execute("select * from entity_months order by 1, 2, 3").fetchall()
        assert sum(n for _, _, _, n, _ in months) == db.execute("select count(*) from article_entities").fetchone()[0]
        linking.count_months(db)
        assert db.execute("select * from entity_months order by 1, 2, 3").fetchall() == months
        spelled = db.execute("select * from name_counts order by 1, 2, 3, 4").fetchall()
        assert sum(n for *_, n in spelled) == len(before["mentions"])
        linking.count_names(db)
        assert db.execute("select * from name_counts order by 1, 2, 3, 4").fetchall() == spelled
    hits = db.execute("select rowid from articles_fts where articles_fts match ?", [to_fts_query("Idlib")])
    assert len(hits.fetchall()) == 2
    # Every file is known: the same seeds from their folder are the articles already stored.
    files = {row[0] for row in db.execute("select path from article_files")}
    assert len(files) == 2
    summary = ingest.import_files(db, seed_files()[:2], ruleset)
    assert summary.imported == 0 and db.table("articles").count == 2
    db.close()


def test_a_new_archive_records_every_step_and_runs_none(db_path):
    db = store.open_db(db_path)
    recorded = [row[0] for row in db.execute("select name from _sqlite_migrations order by id")]
    assert recorded == [m.name for m in migrations.MIGRATIONS._migrations]
    assert migrations.MIGRATIONS.pending(db) == []
    assert migrations.migrate(db) == []


def test_an_archive_made_before_records_runs_each_step_once(tmp_path):
    path = made_at("1fcd337", tmp_path)
    db = store.sqlite_utils.Database(sqlite3.connect(path, isolation_level=None))
    assert migrations.migrate(db) == [m.name for m in migrations.MIGRATIONS._migrations]
    assert migrations.migrate(db) == []


def test_a_step_that_fails_leaves_the_archive_as_it_was(tmp_path, monkeypatch):
    path = made_at("1fcd337", tmp_path)
    before = objects(path)

    def broken(db):
        db.execute("drop table import_errors")
        raise RuntimeError("a step that fails half-way")

    failing = next(m for m in migrations.MIGRATIONS._migrations if m.name == "import-error-detail")
    monkeypatch.setattr(failing, "fn", broken)
    with pytest.raises(RuntimeError, match="half-way"):
        store.open_db(path)
    assert objects(path) == before  # not even the record of the steps before it
    monkeypatch.undo()
    store.open_db(path).close()
    assert "detail" in objects(path)["import_errors"]


def test_a_step_that_would_break_a_reference_is_refused(tmp_path, monkeypatch):
    path = made_at("1fcd337", tmp_path)
    before = objects(path)

    def orphaning(db):
        db.execute("delete from articles")  # paragraphs would name articles that are gone

    step = next(m for m in migrations.MIGRATIONS._migrations if m.name == "archive-state")
    monkeypatch.setattr(step, "fn", orphaning)
    with pytest.raises(migrations.MigrationError, match="rows naming rows that are not there"):
        store.open_db(path)
    assert objects(path) == before
    assert sqlite3.connect(path).execute("select count(*) from articles").fetchone()[0] == 2


def test_an_unrecorded_archive_with_article_bodies_stores_its_text_once(tmp_path, ruleset):
    """The body column with numbered articles: the shape the store-text-once step
    looks for, made from the last unrecorded version's archive by undoing what
    the step does."""
    path = made_at("1fcd337", tmp_path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("drop table articles_fts")
    conn.execute("alter table articles add column body text")
    conn.execute("update articles set body = (select body from article_texts where id = articles.id)")
    conn.execute("drop view article_texts")
    conn.close()
    legacy = store.sqlite_utils.Database(path)
    legacy.table("articles").enable_fts(["title", "body"], fts_version="FTS5", tokenize=schema.TOKENIZE,
                                        create_triggers=True)
    legacy.close()

    db = store.open_db(path)
    assert "body" not in db.table("articles").columns_dict
    assert {t.name for t in db.triggers} == {f"paragraphs_{op}" for op in ("ai", "ad", "au")}
    db.execute("insert into articles_fts(articles_fts, rank) values('integrity-check', 1)")
    hits = db.execute("select rowid from articles_fts where articles_fts match ?", [to_fts_query("Idlib")])
    assert len(hits.fetchall()) == 2
    assert ingest.import_files(db, seed_files()[:2], ruleset).imported == 0


def test_an_unrecorded_archive_linked_before_pairs_gets_them(tmp_path):
    path = made_at("1fcd337", tmp_path)
    conn = sqlite3.connect(path, isolation_level=None)
    pairs = conn.execute("SELECT * FROM entity_pairs ORDER BY 1, 2").fetchall()
    dates = conn.execute("SELECT entity_id, article_id, published FROM article_entities ORDER BY 1, 2").fetchall()
    conn.execute("DELETE FROM entity_pairs")
    conn.execute("UPDATE article_entities SET published = NULL")
    conn.close()
    db = store.open_db(path)
    assert db.execute("SELECT * FROM entity_pairs ORDER BY 1, 2").fetchall() == pairs and pairs
    assert db.execute("SELECT entity_id, article_id, published FROM article_entities ORDER BY 1, 2").fetchall() == dates

"""The archive file: schema, full-text sync, idempotent and replacing imports."""

import sqlite3
from pathlib import Path

import pytest

from archive import ingest, migrations, schema, store
from archive.search import to_fts_query

from .conftest import seed_files, write_articles

STORY = "Talks in Geneva\n\nThe envoy met Erdoğan on Monday. Fighters were killed near Idlib.\n"


def columns(db, table):
    """(name, type, not null, position in the primary key) of each column."""
    return [(row[1], row[2], row[3], row[5]) for row in db.execute(f"pragma table_info([{table}])")]


def test_schema(fresh_db):
    assert columns(fresh_db, "articles") == [
        ("id", "INTEGER", 0, 1), ("digest", "TEXT", 1, 0), ("title", "TEXT", 1, 0), ("title_from", "TEXT", 0, 0),
        ("published", "TEXT", 0, 0), ("published_from", "TEXT", 0, 0), ("published_evidence", "TEXT", 0, 0),
        ("date_order", "TEXT", 0, 0), ("source", "TEXT", 0, 0),
        ("source_from", "TEXT", 0, 0), ("url", "TEXT", 0, 0), ("language", "TEXT", 0, 0),
        ("path", "TEXT", 1, 0), ("word_count", "INTEGER", 1, 0),
        ("imported_at", "TEXT", 1, 0), ("pipeline", "TEXT", 1, 0), ("entity_model", "TEXT", 0, 0),
        ("site_id", "INTEGER", 0, 0),
    ]
    assert {(tuple(i.columns), i.unique) for i in fresh_db.table("articles").indexes} == {
        (("digest",), 1), (("published",), 0), (("source",), 0), (("site_id", "date_order"), 0)
    }
    assert columns(fresh_db, "file_metadata") == [
        ("path", "TEXT", 0, 1), ("url", "TEXT", 0, 0), ("title", "TEXT", 0, 0), ("published", "TEXT", 0, 0),
        ("source", "TEXT", 0, 0), ("source_from", "TEXT", 0, 0), ("language", "TEXT", 0, 0),
        ("manifest", "TEXT", 0, 0),
    ]
    assert [fk.other_table for fk in fresh_db.table("articles").foreign_keys] == ["sites"]
    assert columns(fresh_db, "site_lines") == [
        ("site_id", "INTEGER", 1, 1), ("key", "INTEGER", 1, 2), ("files", "INTEGER", 1, 0), ("template", "INTEGER", 1, 0),
    ]
    assert columns(fresh_db, "article_keys") == [("article_id", "INTEGER", 1, 1), ("key", "INTEGER", 1, 2)]
    assert fresh_db.table("article_keys").schema.endswith("WITHOUT ROWID")
    assert columns(fresh_db, "paragraphs") == [
        ("id", "INTEGER", 0, 1), ("article_id", "INTEGER", 1, 0), ("position", "INTEGER", 1, 0), ("text", "TEXT", 1, 0),
    ]
    assert columns(fresh_db, "removed_lines") == [
        ("article_id", "INTEGER", 1, 1), ("line_number", "INTEGER", 1, 2), ("text", "TEXT", 1, 0),
        ("reason", "TEXT", 1, 0), ("evidence", "TEXT", 0, 0),
    ]
    assert fresh_db.table("removed_lines").schema.endswith("WITHOUT ROWID")
    assert [fk.other_table for fk in fresh_db.table("paragraphs").foreign_keys] == ["articles"]
    assert columns(fresh_db, "mentions") == [
        ("id", "INTEGER", 0, 1), ("entity_id", "INTEGER", 0, 0), ("article_id", "INTEGER", 1, 0),
        ("paragraph_id", "INTEGER", 0, 0), ("text", "TEXT", 1, 0), ("start", "INTEGER", 1, 0),
        ("end", "INTEGER", 1, 0), ("label", "TEXT", 1, 0), ("label_source", "TEXT", 1, 0),
        ("name_key", "TEXT", 1, 0), ("value", "TEXT", 0, 0),
    ]
    assert sorted(fk.other_table for fk in fresh_db.table("mentions").foreign_keys) == [
        "articles", "entities", "paragraphs"
    ]
    assert [c[0] for c in columns(fresh_db, "entities")] == [
        "id", "key", "name", "type", "aliases", "article_count", "mention_count"
    ]
    assert columns(fresh_db, "article_files") == [
        ("path", "TEXT", 0, 1), ("article_id", "INTEGER", 1, 0), ("sha256", "TEXT", 1, 0), ("encoding", "TEXT", 0, 0),
        ("repairs", "TEXT", 0, 0), ("imported_at", "TEXT", 1, 0),
    ]
    assert columns(fresh_db, "entity_pairs") == [
        ("entity_id", "INTEGER", 1, 1), ("other_id", "INTEGER", 1, 2), ("articles", "INTEGER", 1, 0),
        ("mentions", "INTEGER", 1, 0),
    ]
    assert fresh_db.table("entity_pairs").schema.endswith("WITHOUT ROWID")
    assert columns(fresh_db, "article_entities")[-2:] == [("published", "TEXT", 0, 0),
                                                          ("date_from_text", "INTEGER", 1, 0)]
    assert fresh_db.table("name_counts").pks == ["name_key", "label", "label_source", "text"]
    assert columns(fresh_db, "entity_months") == [
        ("entity_id", "INTEGER", 1, 1), ("month", "TEXT", 1, 2), ("dated", "TEXT", 1, 3), ("articles", "INTEGER", 1, 0),
        ("mentions", "INTEGER", 1, 0),
    ]
    for fts in ("articles_fts", "paragraphs_fts"):
        sql = fresh_db.table(fts).schema
        assert "USING FTS5" in sql and "tokenize='porter unicode61 remove_diacritics 2'" in sql
    # The text is stored once: articles_fts reads it back through a view.
    assert 'content="article_texts"' in fresh_db.table("articles_fts").schema
    assert [c[0] for c in columns(fresh_db, "article_texts")] == ["id", "title", "body"]
    # The body first: FTS5 stores no column number for entries in the first column.
    assert [c[0] for c in columns(fresh_db, "articles_fts")] == ["body", "title"]
    assert fresh_db.execute("pragma page_size").fetchone()[0] == schema.PAGE_SIZE
    triggers = {t.name for t in fresh_db.triggers}
    assert triggers == {f"paragraphs_{op}" for op in ("ai", "ad", "au")}
    assert fresh_db.journal_mode == "wal"


def test_opening_again_changes_nothing(fresh_db, db_path):
    before = fresh_db.schema
    assert migrations.migrate(fresh_db) == []
    again = store.open_db(db_path)
    assert again.schema == before


def counts(db):
    return {t: db.table(t).count for t in ("articles", "paragraphs", "removed_lines", "articles_fts", "paragraphs_fts")}


def test_import_twice_changes_nothing(fresh_db, ruleset):
    first = ingest.import_files(fresh_db, seed_files(), ruleset)
    before = counts(fresh_db), list(fresh_db.execute("select id, imported_at from articles order by id"))
    second = ingest.import_files(fresh_db, seed_files(), ruleset)
    assert (first.imported, second.imported, second.unchanged, second.updated) == (5, 0, 5, 0)
    assert (counts(fresh_db), list(fresh_db.execute("select id, imported_at from articles order by id"))) == before
    assert counts(fresh_db)["paragraphs"] == counts(fresh_db)["paragraphs_fts"] == 72


def search(db, table, q):
    return db.execute(f"select rowid from {table} where {table} match ?", [to_fts_query(q)]).fetchall()


def test_changed_file_replaces_its_article(fresh_db, ruleset, tmp_path):
    [path] = write_articles(tmp_path / "in", {"story.txt": STORY})
    ingest.import_files(fresh_db, [path], ruleset)
    path.write_text(STORY.replace("Idlib", "Aleppo"), encoding="utf-8")
    summary = ingest.import_files(fresh_db, [path], ruleset)
    assert (summary.imported, summary.updated) == (0, 1)
    assert counts(fresh_db) == {"articles": 1, "paragraphs": 1, "removed_lines": 0, "articles_fts": 1, "paragraphs_fts": 1}
    assert search(fresh_db, "paragraphs_fts", "Aleppo") and not search(fresh_db, "paragraphs_fts", "Idlib")


def test_file_changed_to_content_stored_elsewhere_drops_its_old_article(fresh_db, ruleset, tmp_path):
    a, b = write_articles(tmp_path / "in", {"a.txt": STORY, "b.txt": STORY.replace("Idlib", "Aleppo")})
    ingest.import_files(fresh_db, [a, b], ruleset)
    b.write_text(STORY, encoding="utf-8")
    summary = ingest.import_files(fresh_db, [a, b], ruleset)
    assert (summary.unchanged, summary.updated) == (1, 1)
    assert counts(fresh_db)["articles"] == counts(fresh_db)["articles_fts"] == 1
    assert not search(fresh_db, "paragraphs_fts", "Aleppo")


def test_new_rules_reclean_unchanged_files(fresh_db, ruleset, tmp_path):
    from archive.clean import load_rules

    [path] = write_articles(tmp_path / "in", {"story.txt": STORY.replace("\n\nThe", "\n\nWIRE DESK\n\nThe")})
    ingest.import_files(fresh_db, [path], ruleset)
    rules = tmp_path / "desk.yml"
    rules.write_text("rules:\n  - name: desk\n    description: Desk label.\n    pattern: '^WIRE DESK$'\n", encoding="utf-8")
    summary = ingest.import_files(fresh_db, [path], load_rules([rules]))
    assert summary.updated == 1
    assert list(fresh_db.execute("select line_number, reason from removed_lines")) == [(3, "desk")]


def test_stemming_and_diacritics(fresh_db, ruleset, tmp_path):
    paths = write_articles(tmp_path / "in", {"story.txt": STORY})
    ingest.import_files(fresh_db, paths, ruleset)
    for q in ("Erdogan", "erdoğan", "kill", "killing", "Fighter", "idlib"):
        assert search(fresh_db, "articles_fts", q), q
        assert search(fresh_db, "paragraphs_fts", q), q


def test_fts_integrity_after_updates_and_deletes(fresh_db, ruleset, tmp_path):
    paths = write_articles(tmp_path / "in", {f"s{i}.txt": STORY.replace("Monday", f"day {i}") for i in range(5)})
    ingest.import_files(fresh_db, paths, ruleset)
    with store.transaction(fresh_db):
        store.delete(fresh_db, fresh_db.execute("select id from articles limit 1").fetchone()[0])
    for table in ("articles_fts", "paragraphs_fts"):
        fresh_db.execute(f"insert into {table}({table}, rank) values('integrity-check', 1)")
    assert counts(fresh_db)["articles"] == counts(fresh_db)["articles_fts"] == 4
    assert fresh_db.execute("pragma foreign_key_check").fetchall() == []


def test_failed_article_leaves_nothing_behind(fresh_db, ruleset, tmp_path, monkeypatch):
    good, bad = (
        ingest.prepare(path, ruleset)
        for path in write_articles(tmp_path / "in", {"a.txt": STORY, "b.txt": STORY.replace("Geneva", "Vienna")})
    )
    real_insert = store._insert

    def failing_insert(db, doc):
        article_id = real_insert(db, doc)
        if doc is bad:
            raise sqlite3.IntegrityError("simulated failure after the article row")
        return article_id

    monkeypatch.setattr(store, "_insert", failing_insert)
    with store.transaction(fresh_db):
        assert store.save(fresh_db, good) == store.Status.IMPORTED
    # The batch is the unit: the failure takes its batch back, and only that.
    with pytest.raises(sqlite3.IntegrityError):
        with store.transaction(fresh_db):
            store.save(fresh_db, bad)
    assert [row[0] for row in fresh_db.execute("select title from articles")] == ["Talks in Geneva"]
    assert counts(fresh_db) == {"articles": 1, "paragraphs": 1, "removed_lines": 0, "articles_fts": 1, "paragraphs_fts": 1}

"""Named, ordered changes of the archive's shape, each recorded in the archive.

A new archive is made in the declared shape (``schema``) and every step is
recorded as done. An archive made by an earlier version runs the steps it has
not recorded, in order, each with its record in one savepoint of one
transaction, so a step lands whole or not at all.

The first three steps are for archives made before steps were recorded (by
any version up to commit 1fcd337): they find out from the file's shape what it
still needs, and bring it to the shape of ``schema-1fcd337.sql``. Every later
step applies to every archive that has not recorded it, and looks at nothing.
A step is history: it never changes once released, and what it creates it
spells out itself rather than reading the present declaration.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from importlib.resources import files

import sqlite_utils
from sqlite_utils.migrations import Migrations

from . import schema
from .sqlite import sqlite3

MIGRATIONS = Migrations("news-archive")


class MigrationError(RuntimeError):
    """A step that would leave the archive inconsistent; nothing of it is kept."""


# --- the shape of 1fcd337 ---------------------------------------------------------


@lru_cache(maxsize=1)
def _baseline() -> list[tuple[str, str, str, str]]:
    """(type, name, table, sql) of every object of the 1fcd337 shape, in the
    order SQLite made them, read by SQLite itself from the dump."""
    conn = sqlite3.connect(":memory:")
    conn.executescript(files("archive").joinpath("schema-1fcd337.sql").read_text(encoding="utf-8"))
    rows = conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL"
        " AND name NOT GLOB '*_fts_*' ORDER BY rowid"
    ).fetchall()
    conn.close()
    return rows


def _baseline_sql(kind: str, table: str | None = None) -> list[tuple[str, str]]:
    return [(name, sql) for t, name, tbl, sql in _baseline() if t == kind and table in (None, tbl)]


def _baseline_tables() -> list[str]:
    return [name for t, name, tbl, sql in _baseline() if t == "table" and "VIRTUAL" not in sql]


def _columns(db: sqlite_utils.Database, table: str) -> dict[str, str]:
    return {row[1]: row[2].upper() for row in db.execute(f"PRAGMA table_info([{table}])")}


def _drop_text_indexes(db: sqlite_utils.Database) -> None:
    """The full-text indexes, their triggers and the views they read: made again
    from the baseline once the tables they index are in their new shape."""
    conn = db.conn
    for fts in ("articles_fts", "paragraphs_fts"):
        conn.execute(f"DROP TABLE IF EXISTS [{fts}]")
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER [{name}]")
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'").fetchall():
        conn.execute(f"DROP VIEW [{name}]")


def _create_text_indexes(db: sqlite_utils.Database) -> None:
    """The baseline's views, full-text indexes and triggers, filled from the tables."""
    conn = db.conn
    for kind in ("view", "table", "trigger"):
        for name, sql in _baseline_sql(kind):
            if kind == "table" and "VIRTUAL" not in sql:
                continue
            conn.execute(sql)
            if kind == "table":
                conn.execute(f"INSERT INTO [{name}]([{name}]) VALUES ('rebuild')")


# --- steps for archives made before steps were recorded ----------------------------


@MIGRATIONS(name="number-articles")
def number_articles(db: sqlite_utils.Database) -> None:
    """Archives from before articles were numbered, when every table named an
    article by its 16-character digest. Each table in the baseline is made in
    its 1fcd337 shape and filled from the old one, the article numbered by its
    old rowid; file facts kept on the article (before article_files) become
    its first file's row; tables the archive lacked are made empty."""
    if not db.table("articles").exists() or _columns(db, "articles").get("id") != "TEXT":
        return
    conn = db.conn
    _drop_text_indexes(db)
    present = [name for name in _baseline_tables() if db.table(name).exists()]
    for name in present:
        conn.execute(f"ALTER TABLE [{name}] RENAME TO [_old_{name}]")
    for name in _baseline_tables():
        [(_, sql)] = [(n, s) for n, s in _baseline_sql("table") if n == name]
        conn.execute(sql)
        new = _columns(db, name)
        if name not in present:
            old = _columns(db, "_old_articles")
            if name == "article_files" and "sha256" in old:
                facts = ", ".join(c if c in old else "NULL" for c in ("encoding", "repairs"))
                conn.execute(
                    "INSERT INTO article_files (path, article_id, sha256, encoding, repairs, imported_at)"
                    f" SELECT path, rowid, sha256, {facts}, imported_at FROM _old_articles"
                )
            continue
        old = _columns(db, f"_old_{name}")
        if name == "articles":
            shared = [c for c in new if c in old and c != "id"]
            conn.execute(
                f"INSERT INTO articles (id, digest, {', '.join(shared)})"
                f" SELECT rowid, id, {', '.join(shared)} FROM _old_articles ORDER BY rowid"
            )
        elif "article_id" in new:
            shared = [c for c in new if c in old]
            picked = ", ".join("a.rowid" if c == "article_id" else f"t.[{c}]" for c in shared)
            conn.execute(
                f"INSERT INTO [{name}] ({', '.join(f'[{c}]' for c in shared)}) SELECT {picked}"
                f" FROM [_old_{name}] t JOIN _old_articles a ON a.id = t.article_id"
            )
        else:
            shared = ", ".join(f"[{c}]" for c in new if c in old)
            conn.execute(f"INSERT INTO [{name}] ({shared}) SELECT {shared} FROM [_old_{name}]")
    for name in reversed(present):
        conn.execute(f"DROP TABLE [_old_{name}]")
    for name in _baseline_tables():
        for _, sql in _baseline_sql("index", name):
            conn.execute(sql)
    _create_text_indexes(db)


@MIGRATIONS(name="store-text-once")
def store_text_once(db: sqlite_utils.Database) -> None:
    """Archives from before the text was stored once, as paragraphs: the body
    column goes, and articles_fts is made again over the article_texts view."""
    if not db.table("articles").exists() or "body" not in _columns(db, "articles"):
        return
    _drop_text_indexes(db)
    db.conn.execute("ALTER TABLE articles DROP COLUMN body")
    _create_text_indexes(db)


@MIGRATIONS(name="date-and-pair-entities")
def date_and_pair_entities(db: sqlite_utils.Database) -> None:
    """Archives linked before entity pages were served from entity_pairs and the
    dates on article_entities: both are filled in from the links. (The two came
    together, so linked entities without pairs say which archives these are.)"""
    from .entities import count_pairs

    linked = db.execute("SELECT 1 FROM article_entities LIMIT 1").fetchone() is not None
    if not linked or db.execute("SELECT 1 FROM entity_pairs LIMIT 1").fetchone() is not None:
        return
    db.conn.execute(
        "UPDATE article_entities SET published = (SELECT published FROM articles WHERE id = article_id)"
    )
    count_pairs(db)


# --- steps every archive takes ------------------------------------------------------


@MIGRATIONS(name="import-error-detail")
def import_error_detail(db: sqlite_utils.Database) -> None:
    """A traceback beside the one-line reason, for a file that met a fault of ours."""
    _rebuild(db, "import_errors", _table(
        db, "import_errors", {"path": str, "reason": str, "at": str, "detail": str}, pk="path", not_null={"reason", "at"}))


@MIGRATIONS(name="archive-state")
def archive_state(db: sqlite_utils.Database) -> None:
    """What the archive was last made with, where no row says it (the linking rules)."""
    db.execute(_table(db, "_archive_state", {"key": str, "value": str}, pk="key", not_null={"value"}))


@MIGRATIONS(name="site-templates")
def site_templates(db: sqlite_utils.Database) -> None:
    """What the cleaner learns of each site from its files: the sites, the lines
    that could be their template, and the site of each article."""
    db.execute(_table(db, "sites", {"id": int, "name": str, "articles": int, "template": str},
                      pk="id", not_null={"articles", "template"}))
    _rebuild(db, "articles", _table(db, "articles", {
        "id": int, "digest": str, "title": str, "published": str, "source": str, "path": str, "word_count": int,
        "imported_at": str, "pipeline": str, "entity_model": str, "site_id": int,
    }, pk="id", not_null={"digest", "title", "path", "word_count", "imported_at", "pipeline"},
        foreign_keys=[("site_id", "sites", "id")]))
    db.table("articles").create_index(["site_id"])
    db.execute(_table(db, "article_keys", {"article_id": int, "key": int}, pk=("article_id", "key"),
                      foreign_keys=[("article_id", "articles", "id")], without_rowid=True))
    db.table("article_keys").create_index(["key"])
    db.execute(_table(db, "line_keys", {"key": int, "text": str}, pk="key", not_null={"text"}))
    db.execute(_table(
        db, "site_lines", {"site_id": int, "key": int, "files": int, "template": int}, pk=("site_id", "key"),
        not_null={"files", "template"}, foreign_keys=[("site_id", "sites", "id"), ("key", "line_keys", "key")],
        without_rowid=True,
    ))
    db.table("site_lines").create_index(["key"])
    db.table("site_lines").create_index(["site_id", "template", "files"])


@MIGRATIONS(name="removed-line-evidence")
def removed_line_evidence(db: sqlite_utils.Database) -> None:
    """What the detector saw of each line it removed, beside the reason."""
    _rebuild(db, "removed_lines", _table(
        db, "removed_lines", {"article_id": int, "line_number": int, "text": str, "reason": str, "evidence": str},
        pk=("article_id", "line_number"), not_null={"text", "reason"},
        foreign_keys=[("article_id", "articles", "id")], without_rowid=True))


@MIGRATIONS(name="provenance-and-rules")
def provenance_and_rules(db: sqlite_utils.Database) -> None:
    """Where an article's date and source came from, its address and language;
    and the descriptions of the rules that removed lines."""
    _rebuild(db, "articles", _table(db, "articles", {
        "id": int, "digest": str, "title": str, "published": str, "published_from": str, "published_evidence": str,
        "source": str, "source_from": str, "url": str, "language": str, "path": str, "word_count": int,
        "imported_at": str, "pipeline": str, "entity_model": str, "site_id": int,
    }, pk="id", not_null={"digest", "title", "path", "word_count", "imported_at", "pipeline"},
        foreign_keys=[("site_id", "sites", "id")]))
    db.execute(_table(db, "rules", {"name": str, "description": str}, pk="name", not_null={"description"}))


@MIGRATIONS(name="file-metadata-and-date-order")
def file_metadata_and_date_order(db: sqlite_utils.Database) -> None:
    """What manifests say of files, kept; where an article's title came from;
    the way an article's and a site's files write dates in figures."""
    _rebuild(db, "sites", _table(db, "sites", {"id": int, "name": str, "articles": int, "template": str,
                                               "date_order": str}, pk="id", not_null={"articles", "template"}))
    _rebuild(db, "articles", _table(db, "articles", {
        "id": int, "digest": str, "title": str, "title_from": str, "published": str, "published_from": str,
        "published_evidence": str, "date_order": str, "source": str, "source_from": str, "url": str,
        "language": str, "path": str, "word_count": int, "imported_at": str, "pipeline": str, "entity_model": str,
        "site_id": int,
    }, pk="id", not_null={"digest", "title", "path", "word_count", "imported_at", "pipeline"},
        foreign_keys=[("site_id", "sites", "id")]))
    db.conn.execute("DROP INDEX IF EXISTS idx_articles_site_id")
    db.table("articles").create_index(["site_id", "date_order"])
    db.execute(_table(db, "file_metadata", {
        "path": str, "url": str, "title": str, "published": str, "source": str, "source_from": str,
        "language": str, "manifest": str}, pk="path"))


@MIGRATIONS(name="incremental-linking")
def incremental_linking(db: sqlite_utils.Database) -> None:
    """What linking keeps between links, so that it works in proportion to a
    change; an archive linked before is linked whole once, on its next import."""
    db.execute(_table(db, "name_votes", {"name_key": str, "type": str, "entity_key": str}, pk="name_key",
                      not_null={"type", "entity_key"}))
    db.table("name_votes").create_index(["entity_key"])
    db.execute(_table(db, "person_parts", {"part": str, "name_key": str}, pk=("part", "name_key"),
                      without_rowid=True))
    db.execute(_table(db, "entity_spellings", {"name_key": str, "entity_id": int}, pk=("name_key", "entity_id"),
                      foreign_keys=[("entity_id", "entities", "id")], without_rowid=True))
    db.table("entity_spellings").create_index(["entity_id"])
    db.execute(_table(db, "link_pending", {"name_key": str}, pk="name_key"))
    db.execute(_table(db, "link_pending_articles", {"article_id": int}, pk="article_id"))


@MIGRATIONS(name="name-variants")
def name_variants(db: sqlite_utils.Database) -> None:
    """Spellings of one person's name merged, with their evidence; the link
    version changes with it, so the next import links the archive whole."""
    db.execute(_table(db, "name_variants", {"name_key": str, "variant_of": str, "reason": str}, pk="name_key",
                      not_null={"variant_of", "reason"}))
    db.table("name_variants").create_index(["variant_of"])


@MIGRATIONS(name="entity-months")
def entity_months(db: sqlite_utils.Database) -> None:
    """An entity's months counted once by linking instead of for each page;
    its links say whether their date was read in the text, and come in date
    order from their index."""
    conn = db.conn
    conn.execute("DROP INDEX IF EXISTS idx_article_entities_entity_id_published_mentions")
    _rebuild(db, "article_entities", _table(
        db, "article_entities", {"entity_id": int, "article_id": int, "mentions": int, "first_mention": int,
                                 "published": str, "date_from_text": int},
        pk=("entity_id", "article_id"), not_null={"mentions", "first_mention", "date_from_text"},
        foreign_keys=[("entity_id", "entities", "id"), ("article_id", "articles", "id"),
                      ("first_mention", "mentions", "id")]),
        filled={"date_from_text": "coalesce((SELECT published_from = 'text' FROM articles"
                                  " WHERE articles.id = article_entities.article_id), 0)"})
    db.table("article_entities").create_index(["entity_id", "published", "article_id"])
    db.execute(_table(db, "entity_months", {"entity_id": int, "month": str, "dated": str, "articles": int,
                                            "mentions": int},
                      pk=("entity_id", "month", "dated"), not_null={"month", "dated", "articles", "mentions"},
                      foreign_keys=[("entity_id", "entities", "id")], without_rowid=True))
    conn.execute(
        "INSERT INTO entity_months (entity_id, month, dated, articles, mentions)"
        " SELECT entity_id, coalesce(substr(published, 1, 7), 'undated'),"
        " CASE WHEN published IS NULL THEN 'undated' WHEN date_from_text THEN 'about' ELSE 'dated' END,"
        " count(*), sum(mentions) FROM article_entities GROUP BY 1, 2, 3")


@MIGRATIONS(name="name-counts")
def name_counts(db: sqlite_utils.Database) -> None:
    """How often each name is written each way, counted once from the
    mentions; linking keeps the counts from then on."""
    db.execute(_table(db, "name_counts", {"name_key": str, "label": str, "label_source": str, "text": str,
                                          "mentions": int},
                      pk=("name_key", "label", "label_source", "text"),
                      not_null={"name_key", "label", "label_source", "text", "mentions"}, without_rowid=True))
    db.conn.execute("INSERT INTO name_counts (name_key, label, label_source, text, mentions)"
                    " SELECT name_key, label, label_source, text, count(*) FROM mentions GROUP BY 1, 2, 3, 4")


@MIGRATIONS(name="title-mentions")
def title_mentions(db: sqlite_utils.Database) -> None:
    """A mention may be in the title, which is no paragraph: its paragraph may
    be empty. The entity version changes with it, so the next import reads
    every stored title."""
    _rebuild(db, "mentions", _table(db, "mentions", {
        "id": int, "entity_id": int, "article_id": int, "paragraph_id": int, "text": str, "start": int, "end": int,
        "label": str, "label_source": str, "name_key": str, "value": str,
    }, pk="id", not_null={"article_id", "text", "start", "end", "label", "label_source", "name_key"},
        foreign_keys=[("entity_id", "entities", "id"), ("article_id", "articles", "id"),
                      ("paragraph_id", "paragraphs", "id")]))


def _table(db: sqlite_utils.Database, name: str, columns: dict, without_rowid: bool = False, **spec) -> str:
    """A CREATE TABLE statement as sqlite-utils writes it, as a new archive has it."""
    sql = db.create_table_sql(name, columns, **spec).rstrip().rstrip(";")
    return sql + (" WITHOUT ROWID" if without_rowid else "")


def _rebuild(db: sqlite_utils.Database, name: str, sql: str, filled: dict[str, str] | None = None) -> None:
    """A table made again in a new shape, with the rows of the old one, as
    SQLite's documentation says to (a new table, its rows, the old one dropped,
    the new one renamed): the one way to give a table a column with its
    constraint that leaves its CREATE statement as a new archive's, and other
    tables' references to it as they were. The views are made again around it.
    ``filled`` gives a new column's value as SQL over the old row."""
    conn = db.conn
    old = _columns(db, name)
    indexes = [row[0] for row in conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", [name])]
    views = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'").fetchall()
    for view, _ in views:
        conn.execute(f"DROP VIEW [{view}]")
    conn.execute(sql.replace(f'CREATE TABLE "{name}"', f'CREATE TABLE "_new_{name}"', 1))
    new = _columns(db, f"_new_{name}")
    filled = filled or {}
    shared = [c for c in new if c in old]
    columns = ", ".join(f"[{c}]" for c in [*shared, *filled])
    values = ", ".join([*(f"[{c}]" for c in shared), *filled.values()])
    conn.execute(f"INSERT INTO [_new_{name}] ({columns}) SELECT {values} FROM [{name}]")
    conn.execute(f"DROP TABLE [{name}]")
    conn.execute(f"ALTER TABLE [_new_{name}] RENAME TO [{name}]")
    for index in indexes:
        conn.execute(index)
    for _, view in views:
        conn.execute(view)


# --- bringing an archive up to date ----------------------------------------------


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Make a new archive, or bring an older one up to the declared schema; the
    names of the steps run. Runs in one write transaction, so a second program
    opening the same file waits, then finds nothing left to do."""
    conn = db.conn
    if not db.table_names():  # the page size is set before anything is written
        conn.execute(f"PRAGMA page_size = {schema.PAGE_SIZE}")
    if conn.execute("PRAGMA database_list").fetchone()[2]:  # a file, not :memory:
        db.enable_wal()
    # Off while tables that name each other are made again; checked before commit.
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            done = _migrate(db)
            problems = conn.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise MigrationError(f"rows naming rows that are not there: {problems[:5]}")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
    return done


def _migrate(db: sqlite_utils.Database) -> list[str]:
    pending = [m.name for m in MIGRATIONS.pending(db)]
    if db.table_names():
        MIGRATIONS.apply(db)
        return pending
    schema.create(db)
    MIGRATIONS.ensure_migrations_table(db)
    at = str(dt.datetime.now(dt.timezone.utc))
    db.table(MIGRATIONS.migrations_table).insert_all(
        {"migration_set": MIGRATIONS.name, "name": name, "applied_at": at} for name in pending
    )
    return []

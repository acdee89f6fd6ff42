"""Stage 4: the SQLite archive. The schema and full-text setup are declared here, once."""

from __future__ import annotations

import datetime as dt
import os
import textwrap
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Callable, Iterator

try:
    import fcntl
except ImportError:  # Windows: SQLite's own locking still keeps the file whole
    fcntl = None  # type: ignore[assignment]

import sqlite_utils

from .entities import Mention, count_pairs
from .parse import Article
from .sqlite import sqlite3

# Porter stemming over unicode61 with diacritics removed: "kill" finds "killed",
# "Erdogan" finds "Erdoğan".
TOKENIZE = "porter unicode61 remove_diacritics 2"

TABLES: dict[str, dict] = {
    # An article is numbered in the archive and known by its digest, from its
    # cleaned text; the facts of the files that hold it are in article_files.
    "articles": {
        "columns": {
            "id": int,
            "digest": str,
            "title": str,
            "published": str,
            "source": str,
            "path": str,
            "word_count": int,
            "imported_at": str,
            "pipeline": str,
            "entity_model": str,
        },
        "pk": "id",
        "not_null": {"digest", "title", "path", "word_count", "imported_at", "pipeline"},
        "unique_indexes": [["digest"]],
        "indexes": [["published"], ["source"]],
    },
    "paragraphs": {
        "columns": {"id": int, "article_id": int, "position": int, "text": str},
        "pk": "id",
        "not_null": {"article_id", "position", "text"},
        "foreign_keys": [("article_id", "articles", "id")],
        "unique_indexes": [["article_id", "position"]],
    },
    "removed_lines": {
        "columns": {"article_id": int, "line_number": int, "text": str, "reason": str},
        "pk": ("article_id", "line_number"),
        "not_null": {"text", "reason"},
        "foreign_keys": [("article_id", "articles", "id")],
        "indexes": [["reason"]],
        "without_rowid": True,
    },
    # Entities are derived from mentions by entities.link(), after every import.
    "entities": {
        "columns": {
            "id": int, "key": str, "name": str, "type": str, "aliases": str,
            "article_count": int, "mention_count": int,
        },
        "pk": "id",
        "not_null": {"key", "name", "type", "aliases", "article_count", "mention_count"},
        "unique_indexes": [["key"]],
        "indexes": [["type", "mention_count"], ["mention_count"]],
    },
    "mentions": {
        "columns": {
            "id": int, "entity_id": int, "article_id": int, "paragraph_id": int,
            "text": str, "start": int, "end": int, "label": str, "label_source": str, "name_key": str,
            "value": str,
        },
        "pk": "id",
        "not_null": {"article_id", "paragraph_id", "text", "start", "end", "label", "label_source", "name_key"},
        "foreign_keys": [
            ("entity_id", "entities", "id"),
            ("article_id", "articles", "id"),
            ("paragraph_id", "paragraphs", "id"),
        ],
        "indexes": [["article_id"], ["paragraph_id"], ["entity_id"], ["name_key"]],
    },
    # The article's date is repeated here so that an entity's articles come in
    # date order from the index, however many there are.
    "article_entities": {
        "columns": {"entity_id": int, "article_id": int, "mentions": int, "first_mention": int, "published": str},
        "pk": ("entity_id", "article_id"),
        "not_null": {"mentions", "first_mention"},
        "foreign_keys": [
            ("entity_id", "entities", "id"),
            ("article_id", "articles", "id"),
            ("first_mention", "mentions", "id"),
        ],
        "indexes": [["article_id"], ["entity_id", "published", "mentions"]],
    },
    # How many articles name two entities together, counted by link(): counted
    # per page, the commonest entity of 200,000 articles joins 1.5 million rows.
    "entity_pairs": {
        "columns": {"entity_id": int, "other_id": int, "articles": int, "mentions": int},
        "pk": ("entity_id", "other_id"),
        "not_null": {"articles", "mentions"},
        "foreign_keys": [("entity_id", "entities", "id"), ("other_id", "entities", "id")],
        # Kept in key order: an entity's pairs are one stretch of the table.
        "without_rowid": True,
    },
    "entity_names": {
        "columns": {"name_key": str, "entity_id": int},
        "pk": "name_key",
        "not_null": {"entity_id"},
        "foreign_keys": [("entity_id", "entities", "id")],
        "indexes": [["entity_id"]],
    },
    # Every file that holds an article's text: the same story saved twice is one article.
    "article_files": {
        "columns": {"path": str, "article_id": int, "sha256": str, "encoding": str, "repairs": str, "imported_at": str},
        "pk": "path",
        "not_null": {"article_id", "sha256", "imported_at"},
        "foreign_keys": [("article_id", "articles", "id")],
        "indexes": [["article_id"]],
    },
    "import_errors": {
        "columns": {"path": str, "reason": str, "at": str},
        "pk": "path",
        "not_null": {"reason", "at"},
    },
}

# An article's text is stored once, as its paragraphs; this view joins them
# back into the body that articles_fts indexes and shows in snippets.
VIEWS: dict[str, str] = {
    "article_texts": """
        SELECT articles.id, articles.title,
          (SELECT group_concat(text, char(10) || char(10)) FROM
            (SELECT text FROM paragraphs WHERE paragraphs.article_id = articles.id ORDER BY position)) AS body
        FROM articles""",
}

# paragraphs_fts indexes its table, kept in sync by triggers. articles_fts reads
# article_texts: a view has no triggers, so store.py indexes an article once
# its paragraphs are in, and unindexes it before they change. The body comes
# first: FTS5 marks every entry outside the first column with its column's
# number, which cost 70 MB in the 200,000-article benchmark's index of 236 MB.
FTS: dict[str, dict] = {
    "articles": {"columns": ["body", "title"], "content": "article_texts", "content_rowid": "id"},
    "paragraphs": {"columns": ["text"]},
}

# New archives store 16 KiB pages: the paragraphs, 400 bytes on average, leave
# less of each page unused (the benchmark's archive is 3% smaller than with 4 KiB).
PAGE_SIZE = 16384


class Status(str, Enum):
    IMPORTED = "imported"
    UNCHANGED = "unchanged"
    UPDATED = "updated"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class Document:
    """An article ready to store: what the file said, and where it came from.

    ``digest`` comes from the cleaned text, ``sha256`` from the file's bytes:
    one text saved in two encodings, or under two names, is one article."""

    digest: str
    path: str
    sha256: str
    encoding: str
    pipeline: str
    article: Article
    repairs: str | None = None
    # None when imported without entities: stored mentions are then left as they are.
    mentions: list[Mention] | None = None
    entity_model: str | None = None


def open_db(path: str | Path) -> sqlite_utils.Database:
    """A connection in autocommit mode: the importer draws its own transactions."""
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_S)
    db = sqlite_utils.Database(conn)
    ensure_schema(db)
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Bring any database file up to the schema; safe to run again and again."""
    if not db.table_names():  # the page size is set before anything is written
        db.conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
    if db.conn.execute("PRAGMA database_list").fetchone()[2]:  # a file, not :memory:
        db.enable_wal()
    db.conn.execute("PRAGMA foreign_keys = ON")
    # Archives from before entity pages were served from article_entities alone.
    undated = db.table("article_entities").exists() and (
        "published" not in db.table("article_entities").columns_dict or not db.table("entity_pairs").exists()
    )
    if db.table("articles").exists() and db.table("articles").columns_dict["id"] is str:
        _number_articles(db)
    for name, spec in TABLES.items():
        table = db.table(name)
        if not table.exists():
            db.execute(_create_sql(db, name))
        else:  # an archive made by an older version gains the new columns
            for column, kind in spec["columns"].items():
                if column not in table.columns_dict:
                    table.add_column(column, kind)
        for columns in spec.get("indexes", []):
            table.create_index(columns, if_not_exists=True)
        for columns in spec.get("unique_indexes", []):
            table.create_index(columns, unique=True, if_not_exists=True)
    if "body" in db.table("articles").columns_dict:
        _drop_article_bodies(db)
    if undated:
        _date_and_pair(db)
    for name, sql in VIEWS.items():
        if not db[name].exists():
            db.create_view(name, textwrap.dedent(sql).strip())
    for name, spec in FTS.items():
        fts = f"{name}_fts"
        if db.table(fts).exists():
            continue
        if "content" not in spec:
            db.table(name).enable_fts(spec["columns"], fts_version="FTS5", tokenize=TOKENIZE, create_triggers=True)
            continue
        columns = ", ".join(f'"{c}"' for c in spec["columns"])
        with transaction(db):  # never an index without its rows, even if killed here
            db.conn.execute(
                f'CREATE VIRTUAL TABLE "{fts}" USING FTS5 (\n    {columns},\n    tokenize=\'{TOKENIZE}\',\n'
                f'    content="{spec["content"]}", content_rowid="{spec["content_rowid"]}"\n)'
            )
            db.conn.execute(f"INSERT INTO [{fts}]([{fts}]) VALUES ('rebuild')")


def _create_sql(db: sqlite_utils.Database, name: str) -> str:
    spec = TABLES[name]
    sql = db.create_table_sql(
        name, spec["columns"], pk=spec["pk"], not_null=spec.get("not_null"), foreign_keys=spec.get("foreign_keys")
    )
    return sql.rstrip().rstrip(";") + (" WITHOUT ROWID" if spec.get("without_rowid") else "")


# The tables that name an article, parents first (TABLES declares them in that order).
_ARTICLE_TABLES = [name for name, spec in TABLES.items() if name == "articles" or "article_id" in spec["columns"]]


def _number_articles(db: sqlite_utils.Database) -> None:
    """Archives from before articles were numbered, when each table named an
    article by its 16-character digest: every one is rebuilt in one transaction,
    the article numbered by its old rowid, and the full-text indexes are built
    again by the caller. A number takes 1 to 3 bytes where the digest took 17,
    in every row and index that names an article."""
    conn = db.conn
    present = [name for name in _ARTICLE_TABLES if db.table(name).exists()]
    # Off while the old tables, which name each other, are renamed and dropped.
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        with transaction(db):
            for name in FTS:
                conn.execute(f"DROP TABLE IF EXISTS [{name}_fts]")
            for view in VIEWS:
                conn.execute(f"DROP VIEW IF EXISTS [{view}]")
            for (trigger,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN"
                f" ({', '.join('?' for _ in present)})", present,
            ).fetchall():
                conn.execute(f"DROP TRIGGER [{trigger}]")
            for name in present:
                conn.execute(f"ALTER TABLE [{name}] RENAME TO [_old_{name}]")
            for name in present:
                conn.execute(_create_sql(db, name))
                old = db.table(f"_old_{name}").columns_dict
                if name == "articles":
                    shared = [c for c in TABLES[name]["columns"] if c in old and c != "id"]
                    conn.execute(
                        f"INSERT INTO articles (id, digest, {', '.join(shared)})"
                        f" SELECT rowid, id, {', '.join(shared)} FROM _old_articles ORDER BY rowid"
                    )
                    continue
                shared = [c for c in TABLES[name]["columns"] if c in old]
                picked = ", ".join("a.rowid" if c == "article_id" else f"t.[{c}]" for c in shared)
                conn.execute(
                    f"INSERT INTO [{name}] ({', '.join(f'[{c}]' for c in shared)}) SELECT {picked}"
                    f" FROM [_old_{name}] t JOIN _old_articles a ON a.id = t.article_id"
                )
            for name in reversed(present):
                conn.execute(f"DROP TABLE [_old_{name}]")
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


def _date_and_pair(db: sqlite_utils.Database) -> None:
    """What link() now also stores, filled in for entities linked before."""
    with transaction(db):
        db.conn.execute(
            "UPDATE article_entities SET published = (SELECT published FROM articles WHERE id = article_id)"
        )
        count_pairs(db)


def _drop_article_bodies(db: sqlite_utils.Database) -> None:
    """Archives from before the text was stored once: articles_fts is rebuilt
    from article_texts by the caller, and the body column goes."""
    with transaction(db):
        for op in ("ai", "ad", "au"):
            db.conn.execute(f"DROP TRIGGER IF EXISTS articles_{op}")
        db.conn.execute("DROP TABLE IF EXISTS articles_fts")
        db.conn.execute("ALTER TABLE articles DROP COLUMN body")


def index_article(db: sqlite_utils.Database, article_id: int) -> None:
    """Add an article to articles_fts, once its title and paragraphs are stored."""
    db.conn.execute(
        "INSERT INTO articles_fts (rowid, body, title) SELECT id, body, title FROM article_texts WHERE id = ?",
        [article_id],
    )


def unindex_article(db: sqlite_utils.Database, article_id: int) -> None:
    """Take an article out of articles_fts before its title or paragraphs change.

    FTS5 removes a row of an external-content index by being told the values it
    indexed; article_texts still gives exactly those until the change is made."""
    db.conn.execute(
        "INSERT INTO articles_fts (articles_fts, rowid, body, title)"
        " SELECT 'delete', id, body, title FROM article_texts WHERE id = ?",
        [article_id],
    )


# How long a write waits for another connection's transaction to end.
BUSY_TIMEOUT_S = 30

# SQLite's error names, in the words a user can act on.
_ERRORS = {
    "SQLITE_READONLY": "the archive is read-only: check the permissions of the file and its folder",
    "SQLITE_FULL": "the disk is full: the batch being written was rolled back; free some space and import again",
    "SQLITE_BUSY": f"the archive is busy: another program held its write lock for over {BUSY_TIMEOUT_S} s",
    "SQLITE_LOCKED": "the archive is locked by another connection",
    "SQLITE_NOTADB": "not an archive: the file is not a SQLite database",
    "SQLITE_CORRUPT": "the database file is damaged (PRAGMA integrity_check says where)",
    "SQLITE_CANTOPEN": "cannot open the file: does its folder exist, and may it be written?",
    "SQLITE_IOERR": "the disk reported an I/O error",
    "SQLITE_PERM": "permission denied",
}


def describe_error(error: sqlite3.Error) -> str:
    """One line for the user: what went wrong with the file, not a traceback."""
    name = getattr(error, "sqlite_errorname", "") or ""
    for prefix, message in _ERRORS.items():
        if name == prefix or name.startswith(prefix + "_"):
            return f"{message} ({error})"
    return str(error)


@contextmanager
def import_lock(db_path: str | Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """One import at a time per archive: a second one waits for the first to end.

    SQLite alone would keep the file whole, but two imports would interleave
    their batches and both pay for the same extraction. The lock is an
    ``flock`` on a file beside the archive, which the system drops if the
    importer dies, so a killed import never leaves the archive locked."""
    if fcntl is None:
        yield
        return
    try:
        fd = os.open(f"{db_path}-import.lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:  # a folder we cannot write to: opening the archive says why
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """One write transaction; taken at once, so a second importer waits its turn."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        # SQLite has already rolled back on some errors (a full disk, for one).
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


def save(db: sqlite_utils.Database, doc: Document) -> Status:
    """Store a document, replacing what an earlier version of its file left.

    Runs inside transaction(), which is the unit that lands whole: an error
    here rolls back the batch. A savepoint per article would keep the rest of
    the batch, but would make FTS5 flush its index to disk for every article."""
    row = db.conn.execute("SELECT article_id, sha256 FROM article_files WHERE path = ?", [doc.path]).fetchone()
    previous, file_sha256 = row if row else (None, None)
    stored = _stored(db, doc.digest)
    article_id = stored[0] if stored else None
    content_stale = stored is None or stored[1] != doc.pipeline
    mentions_stale = doc.mentions is not None and (content_stale or stored[2] != doc.entity_model)
    # A file that reads well again is no longer an import error, changed or not.
    db.conn.execute("DELETE FROM import_errors WHERE path = ?", [doc.path])
    unchanged = previous is not None and previous == article_id and file_sha256 == doc.sha256
    if unchanged and not content_stale and not mentions_stale:
        return Status.UNCHANGED
    if previous is not None and previous != article_id:
        _detach(db, doc.path, previous)
    if article_id is None:
        article_id = _insert(db, doc)
    elif content_stale:
        _clear(db, article_id)
        _rewrite(db, article_id, doc)
    if mentions_stale:
        replace_mentions(db, article_id, doc.mentions or [], doc.entity_model)
    db.conn.execute(
        "INSERT OR REPLACE INTO article_files (path, article_id, sha256, encoding, repairs, imported_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [doc.path, article_id, doc.sha256, doc.encoding, doc.repairs, now()],
    )
    if stored is None:
        return Status.UPDATED if previous else Status.IMPORTED
    if previous is None:
        return Status.DUPLICATE
    return Status.UPDATED if previous != article_id or content_stale or mentions_stale else Status.UNCHANGED


def _detach(db: sqlite_utils.Database, path: str, article_id: int) -> None:
    """A file no longer holds this article: the article goes with its last file."""
    conn = db.conn
    conn.execute("DELETE FROM article_files WHERE path = ?", [path])
    other = conn.execute(
        "SELECT path FROM article_files WHERE article_id = ? ORDER BY imported_at, path LIMIT 1", [article_id]
    ).fetchone()
    if other is None:
        delete(db, article_id)
    else:  # the article names a file that still holds it
        conn.execute("UPDATE articles SET path = ? WHERE id = ? AND path = ?", [other[0], article_id, path])


def _stored(db: sqlite_utils.Database, digest: str) -> tuple[int, str, str | None] | None:
    """The number, pipeline and entity model of what is stored for this content, if anything."""
    return db.conn.execute("SELECT id, pipeline, entity_model FROM articles WHERE digest = ?", [digest]).fetchone()


def needs_work(db: sqlite_utils.Database, digest: str, pipeline: str, entity_model: str | None) -> bool:
    """Whether saving this content would change what is stored; entity_model None
    means entities are not being extracted, so stored mentions do not matter."""
    stored = _stored(db, digest)
    return stored is None or stored[1] != pipeline or (entity_model is not None and stored[2] != entity_model)


def has_unlinked_mentions(db: sqlite_utils.Database) -> bool:
    return db.conn.execute("SELECT 1 FROM mentions WHERE entity_id IS NULL LIMIT 1").fetchone() is not None


def replace_mentions(
    db: sqlite_utils.Database, article_id: int, mentions: list[Mention], entity_model: str | None
) -> None:
    """An article's mentions, all replaced at once; entities.link() attaches them to entities."""
    conn = db.conn
    conn.execute("DELETE FROM article_entities WHERE article_id = ?", [article_id])
    conn.execute("DELETE FROM mentions WHERE article_id = ?", [article_id])
    paragraph_ids = [row[0] for row in conn.execute(
        "SELECT id FROM paragraphs WHERE article_id = ? ORDER BY position", [article_id]
    )]
    conn.executemany(
        "INSERT INTO mentions (article_id, paragraph_id, text, start, end, label, label_source, name_key, value)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (article_id, paragraph_ids[m.paragraph], m.text, m.start, m.end, m.label, m.source, m.key, m.value)
            for m in mentions
        ],
    )
    conn.execute("UPDATE articles SET entity_model = ? WHERE id = ?", [entity_model, article_id])


def _insert(db: sqlite_utils.Database, doc: Document) -> int:
    article = doc.article
    article_id = db.conn.execute(
        "INSERT INTO articles (digest, title, published, source, path, word_count, imported_at, pipeline)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [doc.digest, article.title, article.published, article.source, doc.path, article.word_count, now(),
         doc.pipeline],
    ).lastrowid
    _insert_lines(db, article_id, doc)
    index_article(db, article_id)
    return article_id


def _rewrite(db: sqlite_utils.Database, article_id: int, doc: Document) -> None:
    """The same text cleaned by other rules or code: the article keeps its number
    and files. Runs after _clear, which took it out of articles_fts."""
    article = doc.article
    db.conn.execute(
        "UPDATE articles SET title = ?, published = ?, source = ?, word_count = ?,"
        " imported_at = ?, pipeline = ?, entity_model = NULL WHERE id = ?",
        [article.title, article.published, article.source, article.word_count, now(), doc.pipeline, article_id],
    )
    _insert_lines(db, article_id, doc)
    index_article(db, article_id)


def _insert_lines(db: sqlite_utils.Database, article_id: int, doc: Document) -> None:
    db.conn.executemany(
        "INSERT INTO paragraphs (article_id, position, text) VALUES (?, ?, ?)",
        [(article_id, position, text) for position, text in enumerate(doc.article.paragraphs, start=1)],
    )
    db.conn.executemany(
        "INSERT INTO removed_lines (article_id, line_number, text, reason) VALUES (?, ?, ?, ?)",
        [(article_id, r.line_number, r.text, r.reason) for r in doc.article.removed],
    )


def _clear(db: sqlite_utils.Database, article_id: int) -> None:
    """Every row that hangs off an article, its index entry included; the article
    row and its files aside."""
    unindex_article(db, article_id)
    for table in ("article_entities", "mentions", "removed_lines", "paragraphs"):
        db.conn.execute(f"DELETE FROM {table} WHERE article_id = ?", [article_id])


def delete(db: sqlite_utils.Database, article_id: int) -> None:
    """Remove an article and every row that hangs off it, its index entries included."""
    _clear(db, article_id)
    db.conn.execute("DELETE FROM article_files WHERE article_id = ?", [article_id])
    db.conn.execute("DELETE FROM articles WHERE id = ?", [article_id])


def record_error(db: sqlite_utils.Database, path: str, reason: str) -> None:
    db.conn.execute(
        "INSERT OR REPLACE INTO import_errors (path, reason, at) VALUES (?, ?, ?)", [path, reason, now()]
    )

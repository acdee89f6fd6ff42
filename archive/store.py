"""Stage 4: the SQLite archive: opening it, and writing articles into it. The
schema is declared in ``schema``, and ``migrations`` brings a file up to it."""

from __future__ import annotations

import datetime as dt
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Callable, Iterator

try:
    import fcntl
except ImportError:  # Windows: SQLite's own locking still keeps the file whole
    fcntl = None  # type: ignore[assignment]

import sqlite_utils

from . import migrations, sites
from . import linking
from .extraction import Mention
from .parse import Article
from .sqlite import sqlite3


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
    # The lines that could be its site's template, and the site they point to.
    keys: dict[int, str] = field(default_factory=dict)
    site: int | None = None


def open_db(path: str | Path) -> sqlite_utils.Database:
    """A connection in autocommit mode: the importer draws its own transactions."""
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_S)
    db = sqlite_utils.Database(conn)
    migrations.migrate(db)
    return db


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
    if stored is not None and content_stale and _same_content(db, stored[0], doc):
        # Cleaned by other rules, code or template, to the same result: nothing
        # a reader sees has changed, and its mentions still hold.
        db.conn.execute("UPDATE articles SET pipeline = ?, site_id = coalesce(?, site_id) WHERE id = ?",
                        [doc.pipeline, doc.site, stored[0]])
        db.conn.executemany("UPDATE removed_lines SET evidence = ? WHERE article_id = ? AND line_number = ?",
                            [(r.evidence or None, stored[0], r.line_number) for r in doc.article.removed])
        content_stale = False
        stored = (stored[0], doc.pipeline, stored[2])
    mentions_stale = doc.mentions is not None and (content_stale or stored[2] != doc.entity_model)
    # A file that reads well again is no longer an import error, changed or not.
    db.conn.execute("DELETE FROM import_errors WHERE path = ?", [doc.path])
    unchanged = previous is not None and previous == article_id and file_sha256 == doc.sha256
    # What is said of the article is what is said of its own file (the first
    # that held it), not of a copy.
    redescribed = (stored is not None and not content_stale and _own_file(db, article_id) == doc.path
                   and _redescribe(db, article_id, doc.article))
    if redescribed:
        unchanged = False
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
        linking.replace_mentions(db, article_id, doc.mentions or [], doc.entity_model)
    db.conn.execute(
        "INSERT OR REPLACE INTO article_files (path, article_id, sha256, encoding, repairs, imported_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [doc.path, article_id, doc.sha256, doc.encoding, doc.repairs, now()],
    )
    if stored is None:
        return Status.UPDATED if previous else Status.IMPORTED
    if previous is None:
        return Status.DUPLICATE
    changed = previous != article_id or content_stale or mentions_stale or redescribed
    return Status.UPDATED if changed else Status.UNCHANGED


def _own_file(db: sqlite_utils.Database, article_id: int) -> str:
    return db.conn.execute("SELECT path FROM articles WHERE id = ?", [article_id]).fetchone()[0]


def _same_content(db: sqlite_utils.Database, article_id: int, doc: Document) -> bool:
    """Whether what is stored for the article is what the document would store,
    but for the evidence of its removed lines (a site's count of files grows)."""
    conn, article = db.conn, doc.article
    row = conn.execute(f"SELECT title, {', '.join(DESCRIBED)} FROM articles WHERE id = ?", [article_id]).fetchone()
    if row != (article.title, *(getattr(article, c) for c in DESCRIBED)):
        return False
    paragraphs = [t for (t,) in conn.execute(
        "SELECT text FROM paragraphs WHERE article_id = ? ORDER BY position", [article_id])]
    removed = conn.execute(
        "SELECT line_number, text, reason FROM removed_lines WHERE article_id = ? ORDER BY line_number",
        [article_id]).fetchall()
    keys = {k for (k,) in conn.execute("SELECT key FROM article_keys WHERE article_id = ?", [article_id])}
    return (paragraphs == article.paragraphs and keys == set(doc.keys)
            and removed == [(r.line_number, r.text, r.reason) for r in article.removed])


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


def article_id(db: sqlite_utils.Database, digest: str) -> int:
    return db.conn.execute("SELECT id FROM articles WHERE digest = ?", [digest]).fetchone()[0]


def _stored(db: sqlite_utils.Database, digest: str) -> tuple[int, str, str | None] | None:
    """The number, pipeline and entity model of what is stored for this content, if anything."""
    return db.conn.execute("SELECT id, pipeline, entity_model FROM articles WHERE digest = ?", [digest]).fetchone()


def needs_work(db: sqlite_utils.Database, digest: str, pipeline: str, entity_model: str | None) -> bool:
    """Whether saving this content would change what is stored; entity_model None
    means entities are not being extracted, so stored mentions do not matter."""
    stored = _stored(db, digest)
    return stored is None or stored[1] != pipeline or (entity_model is not None and stored[2] != entity_model)


def _insert(db: sqlite_utils.Database, doc: Document) -> int:
    article = doc.article
    article_id = db.conn.execute(
        "INSERT INTO articles (digest, title, path, word_count, imported_at, pipeline, site_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [doc.digest, article.title, doc.path, article.word_count, now(), doc.pipeline, doc.site],
    ).lastrowid
    _describe(db, article_id, article)
    _insert_lines(db, article_id, doc)
    index_article(db, article_id)
    return article_id


def _rewrite(db: sqlite_utils.Database, article_id: int, doc: Document) -> None:
    """The same text cleaned by other rules or code: the article keeps its number
    and files. Runs after _clear, which took it out of articles_fts."""
    article = doc.article
    db.conn.execute(
        "UPDATE articles SET title = ?, word_count = ?, imported_at = ?, pipeline = ?, entity_model = NULL,"
        " site_id = coalesce(?, site_id) WHERE id = ?",
        [article.title, article.word_count, now(), doc.pipeline, doc.site, article_id],
    )
    _describe(db, article_id, article)
    _insert_lines(db, article_id, doc)
    index_article(db, article_id)


# What is said of an article beside its text: where its title came from, its
# date, source, address and language.
DESCRIBED = ("title_from", "published", "published_from", "published_evidence", "date_order", "source",
             "source_from", "url", "language")


def _describe(db: sqlite_utils.Database, article_id: int, article: Article) -> None:
    db.conn.execute(
        f"UPDATE articles SET {', '.join(f'{c} = ?' for c in DESCRIBED)} WHERE id = ?",
        [*(getattr(article, c) for c in DESCRIBED), article_id],
    )
    linking.set_published(db, article_id, article.published, article.published_from == "text")


def _redescribe(db: sqlite_utils.Database, article_id: int, article: Article) -> bool:
    """The same text, with something else said of it (a new manifest, a site's
    name, a date settled by the site's other files): what changed is updated,
    the title in the index too. Whether anything changed."""
    conn = db.conn
    row = conn.execute(f"SELECT title, {', '.join(DESCRIBED)} FROM articles WHERE id = ?", [article_id]).fetchone()
    if row == (article.title, *(getattr(article, c) for c in DESCRIBED)):
        return False
    if row[0] != article.title:
        unindex_article(db, article_id)
        conn.execute("UPDATE articles SET title = ? WHERE id = ?", [article.title, article_id])
        index_article(db, article_id)
    _describe(db, article_id, article)
    return True


# What a manifest row may say of a file.
GIVEN = ("url", "title", "published", "source", "source_from", "language", "manifest")


def save_given(db: sqlite_utils.Database, rows: dict[str, dict[str, str]]) -> None:
    """What was said of files beside their text, by absolute path: a file's row
    replaces what an earlier manifest said of it."""
    db.conn.executemany(
        f"INSERT OR REPLACE INTO file_metadata (path, {', '.join(GIVEN)}) VALUES (?{', ?' * len(GIVEN)})",
        [(path, *(row.get(c) for c in GIVEN)) for path, row in rows.items()],
    )


# How many paths one query asks about: under SQLite's limit of bound values.
_CHUNK = 500


def given(db: sqlite_utils.Database, paths: list[str]) -> dict[str, dict[str, str]]:
    """What was said of these files beside their text, for those of them it was said of."""
    if db.conn.execute("SELECT 1 FROM file_metadata LIMIT 1").fetchone() is None:
        return {}
    found: dict[str, dict[str, str]] = {}
    for start in range(0, len(paths), _CHUNK):
        chunk = paths[start : start + _CHUNK]
        for path, *values in db.conn.execute(
            f"SELECT path, {', '.join(GIVEN)} FROM file_metadata WHERE path IN ({', '.join('?' * len(chunk))})",
            chunk,
        ):
            found[path] = {c: v for c, v in zip(GIVEN, values) if v is not None}
    return found


def save_rules(db: sqlite_utils.Database, described: dict[str, str]) -> None:
    """The descriptions of the rules and detectors an import cleans with."""
    db.conn.executemany("INSERT OR REPLACE INTO rules (name, description) VALUES (?, ?)", described.items())


def _insert_lines(db: sqlite_utils.Database, article_id: int, doc: Document) -> None:
    sites.save_keys(db, article_id, doc.keys)
    db.conn.executemany(
        "INSERT INTO paragraphs (article_id, position, text) VALUES (?, ?, ?)",
        [(article_id, position, text) for position, text in enumerate(doc.article.paragraphs, start=1)],
    )
    db.conn.executemany(
        "INSERT INTO removed_lines (article_id, line_number, text, reason, evidence) VALUES (?, ?, ?, ?, ?)",
        [(article_id, r.line_number, r.text, r.reason, r.evidence or None) for r in doc.article.removed],
    )


def _clear(db: sqlite_utils.Database, article_id: int) -> None:
    """Every row that hangs off an article, its index entry included; the article
    row and its files aside."""
    unindex_article(db, article_id)
    sites.forget(db, article_id)
    linking.forget(db, article_id)
    for table in ("removed_lines", "paragraphs", "article_keys"):
        db.conn.execute(f"DELETE FROM {table} WHERE article_id = ?", [article_id])


def delete(db: sqlite_utils.Database, article_id: int) -> None:
    """Remove an article and every row that hangs off it, its index entries included."""
    _clear(db, article_id)
    db.conn.execute("DELETE FROM article_files WHERE article_id = ?", [article_id])
    db.conn.execute("DELETE FROM articles WHERE id = ?", [article_id])


def record_error(db: sqlite_utils.Database, path: str, reason: str, detail: str | None = None) -> None:
    db.conn.execute(
        "INSERT OR REPLACE INTO import_errors (path, reason, at, detail) VALUES (?, ?, ?, ?)",
        [path, reason, now(), detail],
    )

"""The archive's schema, declared once: tables with their types, keys and
indexes, the view that joins an article's text, and the full-text indexes.

``create`` builds it in an empty file; ``migrations`` brings an archive made
by an earlier version up to it, step by recorded step."""

from __future__ import annotations

import textwrap

import sqlite_utils

# Porter stemming over unicode61 with diacritics removed: "kill" finds "killed",
# "Erdogan" finds "Erdoğan".
TOKENIZE = "porter unicode61 remove_diacritics 2"

TABLES: dict[str, dict] = {
    # The sites the cleaner has told apart by the template lines their files
    # share; ``template`` is a digest of the site's template and of the way
    # its files write dates in figures (``date_order``, DMY or MDY), which the
    # pipeline of its articles names. A site's ``name`` is given by a person
    # (``archive sites --name``) and is the source of its articles.
    "sites": {
        "columns": {"id": int, "name": str, "articles": int, "template": str, "date_order": str},
        "pk": "id",
        "not_null": {"articles", "template"},
    },
    # An article is numbered in the archive and known by its digest, from its
    # cleaned text; the facts of the files that hold it are in article_files.
    # Its title, date and source say where each came from (``*_from``:
    # manifest, metadata-line, dateline, url, text, site, ...), the date on
    # what evidence; ``date_order`` is the way its own lines write a date in
    # figures, when one settles it (13/8/2018 is DMY).
    "articles": {
        "columns": {
            "id": int,
            "digest": str,
            "title": str,
            "title_from": str,
            "published": str,
            "published_from": str,
            "published_evidence": str,
            "date_order": str,
            "source": str,
            "source_from": str,
            "url": str,
            "language": str,
            "path": str,
            "word_count": int,
            "imported_at": str,
            "pipeline": str,
            "entity_model": str,
            "site_id": int,
        },
        "pk": "id",
        "not_null": {"digest", "title", "path", "word_count", "imported_at", "pipeline"},
        "foreign_keys": [("site_id", "sites", "id")],
        "unique_indexes": [["digest"]],
        "indexes": [["published"], ["source"], ["site_id", "date_order"]],
    },
    # The lines at the top and the bottom of each article's file that could be
    # a site's template (short, and not sentences of prose), each by its key:
    # what tells a site's files apart from other sites'.
    "article_keys": {
        "columns": {"article_id": int, "key": int},
        "pk": ("article_id", "key"),
        "foreign_keys": [("article_id", "articles", "id")],
        "indexes": [["key"]],
        "without_rowid": True,
    },
    # The text of each such line, once.
    "line_keys": {
        "columns": {"key": int, "text": str},
        "pk": "key",
        "not_null": {"text"},
    },
    # How many of a site's files hold each line; a line in enough of them is
    # the site's template, removed from every file of the site.
    "site_lines": {
        "columns": {"site_id": int, "key": int, "files": int, "template": int},
        "pk": ("site_id", "key"),
        "not_null": {"files", "template"},
        "foreign_keys": [("site_id", "sites", "id"), ("key", "line_keys", "key")],
        "indexes": [["key"], ["site_id", "template", "files"]],
        "without_rowid": True,
    },
    "paragraphs": {
        "columns": {"id": int, "article_id": int, "position": int, "text": str},
        "pk": "id",
        "not_null": {"article_id", "position", "text"},
        "foreign_keys": [("article_id", "articles", "id")],
        "unique_indexes": [["article_id", "position"]],
    },
    # The rule or detector that removed a line is its reason; what it saw, its evidence.
    "removed_lines": {
        "columns": {"article_id": int, "line_number": int, "text": str, "reason": str, "evidence": str},
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
        # A mention in the title has no paragraph; its start and end are in the title.
        "not_null": {"article_id", "text", "start", "end", "label", "label_source", "name_key"},
        "foreign_keys": [
            ("entity_id", "entities", "id"),
            ("article_id", "articles", "id"),
            ("paragraph_id", "paragraphs", "id"),
        ],
        "indexes": [["article_id"], ["paragraph_id"], ["entity_id"], ["name_key"]],
    },
    # The article's date is repeated here (and whether it was read in the
    # text) so that an entity's articles come in date order from the index,
    # however many there are, and its months are counted from its links alone.
    "article_entities": {
        "columns": {"entity_id": int, "article_id": int, "mentions": int, "first_mention": int, "published": str,
                    "date_from_text": int},
        "pk": ("entity_id", "article_id"),
        "not_null": {"mentions", "first_mention", "date_from_text"},
        "foreign_keys": [
            ("entity_id", "entities", "id"),
            ("article_id", "articles", "id"),
            ("first_mention", "mentions", "id"),
        ],
        "indexes": [["article_id"], ["entity_id", "published", "article_id"]],
    },
    # An entity's articles and mentions month by month (``month`` 'undated'
    # for articles with no date), kept by linking as the pairs are: counted
    # for each page instead, a common name reads every one of its links.
    # ``dated`` is 'dated' (the page's metadata), 'about' (read in the text)
    # or 'undated'.
    "entity_months": {
        "columns": {"entity_id": int, "month": str, "dated": str, "articles": int, "mentions": int},
        "pk": ("entity_id", "month", "dated"),
        "not_null": {"month", "dated", "articles", "mentions"},
        "foreign_keys": [("entity_id", "entities", "id")],
        "without_rowid": True,
    },
        # How many articles name two entities together, counted once by link():
    # counted for each page instead, a common entity joins every article of its own.
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
    # How often each name is written each way, with each label: what its
    # mentions say, kept as they come and go so that a name's vote and its
    # entity's spellings read a few rows, not every mention of a common name.
    "name_counts": {
        "columns": {"name_key": str, "label": str, "label_source": str, "text": str, "mentions": int},
        "pk": ("name_key", "label", "label_source", "text"),
        "not_null": {"name_key", "label", "label_source", "text", "mentions"},
        "without_rowid": True,
    },
    # What linking keeps between links (linking.py): each mention name's type
    # by its own vote and the entity it joins; the short names a longer
    # person's name can be written as; every folded spelling of each entity.
    "name_votes": {
        "columns": {"name_key": str, "type": str, "entity_key": str},
        "pk": "name_key",
        "not_null": {"type", "entity_key"},
        "indexes": [["entity_key"]],
    },
    "person_parts": {
        "columns": {"part": str, "name_key": str},
        "pk": ("part", "name_key"),
        "without_rowid": True,
    },
    "entity_spellings": {
        "columns": {"name_key": str, "entity_id": int},
        "pk": ("name_key", "entity_id"),
        "foreign_keys": [("entity_id", "entities", "id")],
        "indexes": [["entity_id"]],
        "without_rowid": True,
    },
    # Two spellings of one person's name merged (linking.py): the name, the
    # spelling it was merged into and the archive's evidence for it.
    "name_variants": {
        "columns": {"name_key": str, "variant_of": str, "reason": str},
        "pk": "name_key",
        "not_null": {"variant_of", "reason"},
        "indexes": [["variant_of"]],
    },
    # What changed since the last link: the names of the mentions an import
    # removed or added, and their articles. Linking starts from there.
    "link_pending": {
        "columns": {"name_key": str},
        "pk": "name_key",
    },
    "link_pending_articles": {
        "columns": {"article_id": int},
        "pk": "article_id",
    },
    # Every file that holds an article's text: the same story saved twice is one article.
    "article_files": {
        "columns": {"path": str, "article_id": int, "sha256": str, "encoding": str, "repairs": str, "imported_at": str},
        "pk": "path",
        "not_null": {"article_id", "sha256", "imported_at"},
        "foreign_keys": [("article_id", "articles", "id")],
        "indexes": [["article_id"]],
    },
    # What was said of a file beside its text: its manifest row (``manifest``
    # names the manifest and the row), or the source an import was given
    # (``source_from`` is manifest or import). Kept, so that a file imported
    # again, or cleaned again when its site's template grows, keeps it.
    "file_metadata": {
        "columns": {"path": str, "url": str, "title": str, "published": str, "source": str, "source_from": str,
                    "language": str, "manifest": str},
        "pk": "path",
    },
    # The one-line reason is for the user; the detail, when the fault is ours
    # rather than the file's, is the traceback to report.
    # The rules and detectors that removed lines, each with why such lines are
    # boilerplate: what the reading room shows beside a removed line.
    "rules": {
        "columns": {"name": str, "description": str},
        "pk": "name",
        "not_null": {"description"},
    },
    "import_errors": {
        "columns": {"path": str, "reason": str, "at": str, "detail": str},
        "pk": "path",
        "not_null": {"reason", "at"},
    },
    # What the archive was last made with, where no single row says it: the
    # linking rules, for one (a change relinks every entity).
    "_archive_state": {
        "columns": {"key": str, "value": str},
        "pk": "key",
        "not_null": {"value"},
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
# number (docs/scaling.md says what that costs).
FTS: dict[str, dict] = {
    "articles": {"columns": ["body", "title"], "content": "article_texts", "content_rowid": "id"},
    "paragraphs": {"columns": ["text"]},
}

# New archives store 16 KiB pages: paragraphs of a few hundred bytes leave less
# of each page unused than with SQLite's default of 4 KiB.
PAGE_SIZE = 16384



def table_sql(db: sqlite_utils.Database, name: str) -> str:
    """A table's CREATE statement, as sqlite-utils writes it."""
    spec = TABLES[name]
    sql = db.create_table_sql(
        name, spec["columns"], pk=spec["pk"], not_null=spec.get("not_null"), foreign_keys=spec.get("foreign_keys")
    )
    return sql.rstrip().rstrip(";") + (" WITHOUT ROWID" if spec.get("without_rowid") else "")


def create_indexes(db: sqlite_utils.Database, name: str) -> None:
    table = db.table(name)
    for columns in TABLES[name].get("indexes", []):
        table.create_index(columns, if_not_exists=True)
    for columns in TABLES[name].get("unique_indexes", []):
        table.create_index(columns, unique=True, if_not_exists=True)


def create_text_indexes(db: sqlite_utils.Database) -> None:
    """The views and full-text indexes, filled from what is stored."""
    for name, sql in VIEWS.items():
        db.create_view(name, textwrap.dedent(sql).strip())
    for name, spec in FTS.items():
        fts = f"{name}_fts"
        if "content" not in spec:
            db.table(name).enable_fts(spec["columns"], fts_version="FTS5", tokenize=TOKENIZE, create_triggers=True)
            continue
        columns = ", ".join(f'"{c}"' for c in spec["columns"])
        db.conn.execute(
            f'CREATE VIRTUAL TABLE "{fts}" USING FTS5 (\n    {columns},\n    tokenize=\'{TOKENIZE}\',\n'
            f'    content="{spec["content"]}", content_rowid="{spec["content_rowid"]}"\n)'
        )
        db.conn.execute(f"INSERT INTO [{fts}]([{fts}]) VALUES ('rebuild')")


def create(db: sqlite_utils.Database) -> None:
    """Every table, index, view and full-text index, in an empty archive; the
    caller holds the transaction."""
    for name in TABLES:
        db.execute(table_sql(db, name))
        create_indexes(db, name)
    create_text_indexes(db)


def objects(db: sqlite_utils.Database) -> dict[str, str]:
    """Every table, index, view and trigger by name, as SQLite stores its SQL:
    what two archives of the same shape have alike, literally."""
    return dict(db.execute(
        "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name"
    ).fetchall())

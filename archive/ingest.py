"""The import pipeline: files on disk through cleaning and parsing into the archive."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import sqlite_utils

from . import entities, store
from .clean import RuleSet, clean
from .parse import parse
from .read import Rejected, decode

# Code changes that alter what the importer stores bump this, so re-importing
# refreshes articles cleaned by an older version.
PIPELINE_VERSION = "1"
# Articles written per transaction.
BATCH_SIZE = 200


@dataclass
class Summary:
    imported: int = 0
    unchanged: int = 0
    updated: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)

    def count(self, status: store.Status) -> None:
        setattr(self, status.value, getattr(self, status.value) + 1)

    def __str__(self) -> str:
        return (
            f"{self.imported} imported, {self.unchanged} unchanged, "
            f"{self.updated} updated, {len(self.rejected)} rejected"
        )


def find_files(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders searched recursively for *.txt, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.txt") if not p.is_dir()))
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def pipeline_id(ruleset: RuleSet) -> str:
    return hashlib.sha256(f"{PIPELINE_VERSION}:{ruleset.fingerprint}".encode()).hexdigest()[:16]


def prepare(path: Path, ruleset: RuleSet) -> store.Document:
    """Read, clean and parse one file; raises Rejected with the reason."""
    try:
        data = path.read_bytes()
    except IsADirectoryError as e:
        raise Rejected("is a folder") from e
    except FileNotFoundError as e:
        raise Rejected("no such file (or a broken link)") from e
    except OSError as e:
        raise Rejected(f"cannot read: {e.strerror or e}") from e
    decoded = decode(data)
    if not decoded.text.strip():
        raise Rejected("empty file")
    article = parse(clean(decoded.text, ruleset), ruleset)
    if not article.paragraphs:
        raise Rejected("no article text: every line is boilerplate")
    digest = hashlib.sha256(data).hexdigest()
    return store.Document(
        id=digest[:16],
        path=os.path.abspath(path),
        sha256=digest,
        encoding=decoded.encoding,
        pipeline=pipeline_id(ruleset),
        article=article,
    )


def import_files(
    db: sqlite_utils.Database,
    files: Sequence[Path],
    ruleset: RuleSet,
    on_file: Callable[[Path, store.Status | Rejected], None] | None = None,
    extractor: entities.Extractor | None = None,
) -> Summary:
    """Import files in batched transactions; a bad file is reported and skipped.

    With an extractor, the batch's new articles go through the model together
    before the write transaction opens, so readers and the model never wait on
    each other; entities are linked once, after the last batch, when anything
    changed (or an interrupted import left mentions unlinked)."""
    summary = Summary()
    for start in range(0, len(files), BATCH_SIZE):
        batch: list[tuple[Path, store.Document | Rejected]] = []
        for path in files[start : start + BATCH_SIZE]:
            try:
                batch.append((path, prepare(path, ruleset)))
            except Rejected as e:
                batch.append((path, e))
        if extractor is not None:
            batch = _annotate(db, batch, extractor)
        with store.transaction(db):
            for path, prepared in batch:
                outcome: store.Status | Rejected
                if isinstance(prepared, Rejected):
                    outcome = prepared
                    summary.rejected.append((str(path), str(prepared)))
                    store.record_error(db, os.path.abspath(path), str(prepared))
                else:
                    outcome = store.save(db, prepared)
                    summary.count(outcome)
                if on_file:
                    on_file(path, outcome)
    if extractor is not None and (summary.imported or summary.updated or store.has_unlinked_mentions(db)):
        with store.transaction(db):
            entities.link(db, extractor.aliases)
    return summary


def _annotate(
    db: sqlite_utils.Database, batch: list[tuple[Path, store.Document | Rejected]], extractor: entities.Extractor
) -> list[tuple[Path, store.Document | Rejected]]:
    """Attach mentions to the documents whose stored mentions are missing or stale."""
    todo = [
        i for i, (_, doc) in enumerate(batch)
        if isinstance(doc, store.Document) and store.needs_work(db, doc.id, doc.pipeline, extractor.stamp)
    ]
    found = extractor.extract([batch[i][1].article.paragraphs for i in todo])  # type: ignore[union-attr]
    annotated = list(batch)
    for i, mentions in zip(todo, found):
        path, doc = batch[i]
        annotated[i] = (path, dataclasses.replace(doc, mentions=mentions, entity_model=extractor.stamp))
    return annotated


def reannotate(
    db: sqlite_utils.Database, extractor: entities.Extractor, on_article: Callable[[], None] | None = None
) -> entities.LinkSummary:
    """Extract the mentions of every stored article again, then link: for a new
    model or alias file, without reading the files again."""
    ids = [row[0] for row in db.conn.execute("SELECT id FROM articles ORDER BY rowid")]
    for start in range(0, len(ids), BATCH_SIZE):
        chunk = ids[start : start + BATCH_SIZE]
        paragraphs = [
            [row[0] for row in db.conn.execute(
                "SELECT text FROM paragraphs WHERE article_id = ? ORDER BY position", [article_id]
            )]
            for article_id in chunk
        ]
        found = extractor.extract(paragraphs)
        with store.transaction(db):
            for article_id, mentions in zip(chunk, found):
                with store.savepoint(db):
                    store.replace_mentions(db, article_id, mentions, extractor.stamp)
                if on_article:
                    on_article()
    with store.transaction(db):
        return entities.link(db, extractor.aliases)

"""The import pipeline: files on disk through cleaning and parsing into the archive."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import sqlite_utils

from . import store
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
) -> Summary:
    """Import files in batched transactions; a bad file is reported and skipped."""
    summary = Summary()
    for start in range(0, len(files), BATCH_SIZE):
        with store.transaction(db):
            for path in files[start : start + BATCH_SIZE]:
                outcome: store.Status | Rejected
                try:
                    outcome = store.save(db, prepare(path, ruleset))
                except Rejected as e:
                    outcome = e
                    summary.rejected.append((str(path), str(e)))
                    store.record_error(db, os.path.abspath(path), str(e))
                else:
                    summary.count(outcome)
                if on_file:
                    on_file(path, outcome)
    return summary

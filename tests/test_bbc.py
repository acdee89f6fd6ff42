"""The clean BBC articles must come through untouched: nothing removed, nothing lost."""

import os

import pytest

from archive import ingest

from .conftest import BBC

# Skipped on a machine without the corpus beside the project, never in CI.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not BBC.is_dir() and not os.environ.get("CI"), reason=f"BBC corpus not found at {BBC}"),
]


def test_bbc_corpus_imports_with_every_line_kept(fresh_db, ruleset):
    files = ingest.find_files([BBC])
    assert len(files) == 1333
    summary = ingest.import_files(fresh_db, files, ruleset)
    assert (summary.imported, summary.rejected) == (1333, [])
    assert fresh_db.execute("select count(*) from removed_lines").fetchone()[0] == 0
    rows = fresh_db.execute("select path, texts.title, body from article_texts texts join articles using (id)")
    by_path = {row[0]: row[1:] for row in rows}
    for path in files:
        # As given, not resolved: the corpus may sit behind a symbolic link.
        title, body = by_path[os.path.abspath(path)]
        flat = " ".join(body.split())
        lines = [" ".join(line.split()) for line in path.read_text(encoding="utf-8").splitlines()]
        lines = [line for line in lines if line]
        assert title == lines[0], path
        for line in lines[1:]:
            assert line in flat, (path, line)
    assert fresh_db.execute("pragma integrity_check").fetchone()[0] == "ok"

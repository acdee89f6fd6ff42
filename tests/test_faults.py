"""Faults: an import killed at any moment, two imports at once, searching while
importing, a full disk and a read-only archive. Each is made for real: a killed
process, a second process, a database that cannot grow, a file that cannot be
written."""

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive import cli, ingest, schema, store
from archive.serve import make_datasette

from .conftest import run_archive, seed_files, without_file_privileges

# Three batches, the last one short. The batches are large enough that each
# transaction stays open long enough to be caught and killed.
BATCH = 50
ARTICLES = 130
# Columns that say when, not what: they differ between any two runs.
WHEN = {"imported_at", "at"}


def make_corpus(folder: Path, count: int) -> list[Path]:
    """Distinct articles built from the seeds' own paragraphs, boilerplate and all."""
    pool = [line for seed in seed_files() for line in seed.read_text(encoding="utf-8").split("\n") if line.strip()]
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        lines = [f"Idlib report number {i}"] + [pool[(i * 7 + k * 13) % len(pool)] for k in range(5)]
        lines.append(f"Report {i} was filed from Geneva by the envoy on Monday.")
        path = folder / f"{i:04}.txt"
        path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("corpus"), ARTICLES)


@pytest.fixture(scope="module")
def options(fake_model) -> list[str]:
    """The model is not what these tests are about: a stand-in that loads at once."""
    return ["--model", str(fake_model), "--batch-size", str(BATCH)]


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory, ruleset, fake_extractor):
    """What an uninterrupted import of the corpus stores."""
    path = tmp_path_factory.mktemp("reference") / "archive.db"
    db = store.open_db(path)
    summary = ingest.import_files(db, corpus, ruleset, extractor=fake_extractor, batch_size=BATCH)
    assert summary.imported == ARTICLES
    rows = dump(db)
    db.close()
    return rows


def dump(db) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order, less the timestamps."""
    rows = {}
    for name in (*schema.TABLES, *(f"{t}_fts" for t in schema.FTS)):
        columns = [c.name for c in db.table(name).columns if c.name not in WHEN]
        order = "rowid" if name.endswith("_fts") else ", ".join(columns)
        rows[name] = db.execute(f"select {', '.join(columns)} from [{name}] order by {order}").fetchall()
    return rows


def assert_sound(db) -> None:
    assert db.execute("pragma integrity_check").fetchall() == [("ok",)]
    assert db.execute("pragma foreign_key_check").fetchall() == []
    for table in schema.FTS:
        db.execute(f"insert into {table}_fts({table}_fts, rank) values ('integrity-check', 1)")
        assert db.table(f"{table}_fts").count == db.table(table).count


def write_lock_held(path: Path) -> bool:
    """Whether another connection is inside a write transaction right now."""
    if not path.exists():
        return False
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


def count(path: Path, sql: str) -> int:
    """A count read as the site reads it; -1 before the file or schema exists."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    except sqlite3.OperationalError:
        return -1
    try:
        return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:
        return -1
    finally:
        conn.close()


def start_import(folder: Path, db_path: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "archive", "import", str(folder), "--db", str(db_path), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def children(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return set(map(int, path.read_text().split())) if path.exists() else set()


def descendants(pid: int) -> set[int]:
    """Workers may be the import's grandchildren, forked by a server process."""
    found = children(pid)
    for child in list(found):
        found |= descendants(child)
    return found


@pytest.mark.parametrize(
    "moment, stored_before, jobs",
    [
        ("writing the first batch", 0, 1),
        ("writing the second batch", BATCH, 1),
        ("writing the last batch", 2 * BATCH, 1),
        ("linking entities", ARTICLES, 1),
        ("writing the second batch", BATCH, 2),
    ],
)
@pytest.mark.slow
def test_kill_9_then_the_same_import_again_gives_the_rows_of_one_import(
    corpus, reference, options, tmp_path, moment, stored_before, jobs
):
    db_path = tmp_path / "archive.db"
    process = start_import(corpus[0].parent, db_path, "--jobs", str(jobs), *options)
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and process.poll() is None:
            stored = count(db_path, "select count(*) from articles")
            unlinked = count(db_path, "select count(*) from mentions where entity_id is null")
            if stored == stored_before and (moment != "linking entities" or unlinked > 0) and write_lock_held(db_path):
                workers = descendants(process.pid)
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.005)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL, f"the import ended before it was killed {moment}"
    # Worker processes do not outlive the import that started them.
    assert len(workers) >= jobs if jobs > 1 else not workers
    deadline = time.monotonic() + 30
    while any(map(ingest._running, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if ingest._running(pid)]

    interrupted = store.open_db(db_path)
    assert_sound(interrupted)
    # Whatever landed, landed whole: each stored article has exactly the rows
    # an uninterrupted import gives it, and only committed batches are there.
    rows = dump(interrupted)
    assert len(rows["articles"]) == stored_before
    for table in ("articles", "paragraphs", "removed_lines", "article_files"):
        assert set(rows[table]) <= set(reference[table]), table
    by_article = {}
    for row in reference["paragraphs"]:
        by_article.setdefault(row[1], []).append(row)
    for article in rows["articles"]:
        assert [r for r in rows["paragraphs"] if r[1] == article[0]] == by_article[article[0]]
    interrupted.close()

    rerun = run_archive("import", corpus[0].parent, "--db", db_path, *options)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stdout.startswith(f"{ARTICLES - stored_before} imported, {stored_before} unchanged")
    again = store.open_db(db_path)
    assert_sound(again)
    assert dump(again) == reference


@pytest.mark.slow
def test_two_imports_at_once_the_second_waits(corpus, reference, options, tmp_path):
    db_path = tmp_path / "archive.db"
    # Started together: whichever takes the lock first, the other waits for it.
    imports = [start_import(corpus[0].parent, db_path, *options) for _ in range(2)]
    results = [p.communicate(timeout=600) for p in imports]
    assert [p.returncode for p in imports] == [0, 0], results
    waited = [err == f"Waiting: another import is writing to {db_path}\n" for _, err in results]
    assert sorted(waited) == [False, True], results
    (out_first, err_first), (out_second, _) = sorted(results, key=lambda r: bool(r[1]))
    assert err_first == ""
    assert out_first.startswith(f"{ARTICLES} imported, 0 unchanged")
    assert out_second.startswith(f"0 imported, {ARTICLES} unchanged")
    db = store.open_db(db_path)
    assert_sound(db)
    assert dump(db) == reference


@pytest.mark.slow
async def test_searching_while_an_import_runs(corpus, tmp_path):
    db_path = tmp_path / "archive.db"
    store.open_db(db_path).close()
    ds = make_datasette(db_path)
    process = start_import(corpus[0].parent, db_path, "--no-entities")
    seen = []
    try:
        while process.poll() is None:
            page = await ds.client.get("/archive/search_articles.json", params={"q": "idlib report", "_stream": "on"})
            assert page.status_code == 200, page.text
            table = await ds.client.get("/archive/articles.json", params={"_size": "1", "_shape": "object"})
            assert table.status_code == 200, table.text
            seen.append(len(json.loads(page.text)))
            await asyncio.sleep(0.02)
    finally:
        process.wait(timeout=600)
    assert process.returncode == 0
    assert seen == sorted(seen), "a search saw fewer articles than the one before"
    assert len(set(seen)) >= 2, seen  # the searches saw the archive grow
    final = await ds.client.get("/archive/search_articles.json", params={"q": "idlib report", "_stream": "on"})
    assert len(json.loads(final.text)) == ARTICLES


def test_a_full_disk_is_a_clear_error_and_loses_nothing(corpus, ruleset, tmp_path, monkeypatch):
    """SQLite reports a full disk as SQLITE_FULL whether the disk or the
    database's page limit ran out; the limit makes one without filling a disk."""
    from click.testing import CliRunner

    db_path = tmp_path / "archive.db"
    db = store.open_db(db_path)
    ingest.import_files(db, corpus[:10], ruleset)
    before = dump(db)
    pages = db.execute("pragma page_count").fetchone()[0]
    db.close()

    real_open = store.open_db

    def open_on_a_full_disk(path):
        opened = real_open(path)
        opened.execute(f"pragma max_page_count = {pages + 4}")
        return opened

    monkeypatch.setattr(store, "open_db", open_on_a_full_disk)
    result = CliRunner().invoke(cli.cli, ["import", str(corpus[0].parent), "--db", str(db_path), "--no-entities"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {db_path}: the disk is full: the batch being written was rolled back;"
        " free some space and import again (database or disk is full)\n"
    )
    monkeypatch.undo()
    db = store.open_db(db_path)
    assert_sound(db)
    assert dump(db) == before
    assert ingest.import_files(db, corpus, ruleset).imported == ARTICLES - 10


@pytest.mark.parametrize("read_only", ["file", "folder"])
def test_a_read_only_archive_is_a_clear_error(tmp_path, ruleset, read_only):
    folder = tmp_path / "archive"
    folder.mkdir()
    db_path = folder / "archive.db"
    db = store.open_db(db_path)
    ingest.import_files(db, seed_files()[:2], ruleset)
    before = dump(db)
    db.close()  # the last connection out folds the WAL back in: no -wal or -shm is left
    assert sorted(os.listdir(folder)) == ["archive.db"]
    target = db_path if read_only == "file" else folder
    mode = target.stat().st_mode
    target.chmod(0o444 if read_only == "file" else 0o555)
    try:
        result = run_archive("import", *seed_files(), "--db", db_path, "--no-entities",
                             preexec_fn=without_file_privileges())
    finally:
        target.chmod(mode)
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"Error: {db_path}: ")
    # SQLite needs to write beside the file too (its WAL), so both read as read-only.
    assert "the archive is read-only: check the permissions of the file and its folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert dump(store.open_db(db_path)) == before


def test_a_file_that_is_not_an_archive_is_a_clear_error(tmp_path):
    not_a_db = tmp_path / "notes.db"
    not_a_db.write_text("these are my notes, not a database\n" * 100)
    result = run_archive("import", *seed_files(), "--db", not_a_db, "--no-entities")
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: {not_a_db}: not an archive: the file is not a SQLite database (file is not a database)\n"
    )
    assert not_a_db.read_text() == "these are my notes, not a database\n" * 100

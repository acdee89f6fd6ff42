"""--jobs: worker processes prepare and extract, one process writes, and the
archive holds exactly what a one-process import stores."""

import multiprocessing
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import pytest

from archive import ingest, store

from .conftest import run_archive, seed_files, write_articles
from .test_faults import dump, make_corpus


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """Seeds, generated articles, a copy of one, and files that must be rejected."""
    folder = tmp_path_factory.mktemp("mixed")
    paths = make_corpus(folder / "made", 70)
    for seed in seed_files():
        shutil.copy(seed, folder / seed.name)
    shutil.copy(paths[3], folder / "copy-of-0003.txt")
    write_articles(folder, {"empty.txt": "\n\n", "junk.txt": "2,500 $\nShare:\n"})
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    return ingest.find_files([folder])


@pytest.mark.slow
@pytest.mark.parametrize("entities", [False, True], ids=["no-entities", "entities"])
def test_two_workers_store_what_one_process_stores(mixed, ruleset, fake_extractor, tmp_path, entities):
    outcomes = {}
    rows = {}
    for jobs in (1, 2):
        db = store.open_db(tmp_path / f"jobs{jobs}.db")
        seen = []
        summary = ingest.import_files(
            db, mixed, ruleset, on_file=lambda path, outcome: seen.append((path, str(outcome))),
            extractor=fake_extractor if entities else None, jobs=jobs,
        )
        outcomes[jobs] = (str(summary), seen)
        rows[jobs] = dump(db)
        db.execute("insert into articles_fts(articles_fts, rank) values ('integrity-check', 1)")
        db.close()
    assert outcomes[2] == outcomes[1]
    assert outcomes[1][0] == "75 imported, 0 unchanged, 0 updated, 1 duplicate, 3 rejected"
    assert rows[2] == rows[1]
    assert bool(rows[1]["mentions"]) == entities
    assert not multiprocessing.active_children()


def test_an_error_in_the_writer_stops_the_workers(mixed, ruleset, fresh_db):
    def fail(path, outcome):
        raise RuntimeError("writer failed")

    with pytest.raises(RuntimeError, match="writer failed"):
        ingest.import_files(fresh_db, mixed, ruleset, on_file=fail, jobs=2)
    assert not multiprocessing.active_children()
    assert fresh_db.table("articles").count == 0


@pytest.mark.skipif(not hasattr(os, "nice"), reason="no process priorities here")
def test_workers_yield_the_cpu_to_the_writer(ruleset, fresh_db, db_path):
    # The writer is the part that cannot be spread over processes.
    with ProcessPoolExecutor(1, mp_context=ingest._worker_context(), initializer=ingest._start_worker,
                             initargs=(str(db_path), ruleset, None, 1000, os.getpid())) as pool:
        assert pool.submit(os.nice, 0).result() == min(os.nice(0) + ingest.WORKER_NICENESS, 19)


def test_a_killed_importer_is_not_running_even_before_it_is_collected():
    # Workers watch the importer; killed, it stays a zombie until its own parent collects it.
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    assert ingest._running(process.pid)
    process.kill()
    deadline = time.monotonic() + 10
    while ingest._running(process.pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not ingest._running(process.pid) and process.poll() == -9  # a zombie until poll() collects it
    assert not ingest._running(process.pid)  # and then gone


@pytest.mark.slow
def test_the_command_line_takes_jobs(mixed, tmp_path):
    # Workers open the archive by URI: characters that mean something in a URI are plain here.
    db_path = tmp_path / "odd ?#% name" / "archive.db"
    db_path.parent.mkdir()
    result = run_archive("import", *mixed, "--db", db_path, "--no-entities", "--jobs", "2")
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("75 imported, 0 unchanged, 0 updated, 1 duplicate, 3 rejected")
    again = run_archive("import", *mixed, "--db", db_path, "--no-entities", "-j", "2")
    assert again.stdout.startswith("0 imported, 76 unchanged, 0 updated, 0 duplicate, 3 rejected")
    assert run_archive("import", *mixed, "--db", db_path, "--jobs", "0").returncode == 2

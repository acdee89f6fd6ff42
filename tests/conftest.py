import ctypes
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase

from archive import entities, ingest, store
from archive.clean import load_rules
from archive.serve import make_datasette

from . import fake_model as fake_model_module

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLDEN = Path(__file__).resolve().parent / "golden"
# The shared corpora beside the project; `pytest --shared DIR` (or ARCHIVE_SHARED) names another place.
SHARED = ROOT.parent / "shared"
BBC = SHARED / "corpora" / "bbc-news"
# linux/prctl.h and linux/capability.h
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE = 1
CAP_DAC_READ_SEARCH = 2


# Examples Hypothesis found that fail are kept here and committed, so every run,
# CI's on a fresh clone among them, tries them first.
settings.register_profile("archive", database=DirectoryBasedExampleDatabase(ROOT / "tests" / "hypothesis-examples"))
settings.load_profile("archive")
# `make check` runs each property with a tenth of its examples.
QUICK = os.environ.get("ARCHIVE_QUICK_TESTS") == "1"


def examples(n: int) -> int:
    """How many examples a property test tries: all of them, or a tenth in the quick loop."""
    return max(10, n // 10) if QUICK else n


def pytest_addoption(parser):
    parser.addoption("--shared", default=os.environ.get("ARCHIVE_SHARED", str(SHARED)),
                     help="the folder of shared corpora (default: ../shared beside the project)")


def pytest_configure(config):
    """Set before the test modules are collected, which read these names."""
    global SHARED, BBC
    SHARED = Path(config.getoption("--shared"))
    BBC = SHARED / "corpora" / "bbc-news"
    config.addinivalue_line("markers", "slow: a real process killed, a big file, a browser, a fresh install or the model over the whole gold;"
                                       " left out of the quick loop (make check)")


def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def golden(seed: Path) -> dict:
    return json.loads((GOLDEN / f"{seed.stem}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def ruleset():
    return load_rules()


@pytest.fixture(scope="session")
def extractor():
    """The real model: for tests of what it finds."""
    return entities.Extractor(entities.load_model(), entities.load_aliases())


@pytest.fixture(scope="session")
def fake_model(tmp_path_factory) -> Path:
    """A rule-based stand-in for the model, saved as a folder (``--model FOLDER``)."""
    return fake_model_module.build(tmp_path_factory.mktemp("fake-model") / "fake_ruler")


@pytest.fixture(scope="session")
def fake_extractor(fake_model):
    """For tests where the model is not what is tested: it loads and runs in a blink."""
    return entities.Extractor(entities.load_model(str(fake_model)), entities.load_aliases())


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "archive.db"


@pytest.fixture
def fresh_db(db_path):
    db = store.open_db(db_path)
    yield db
    db.close()


def write_articles(folder: Path, articles: dict[str, str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in articles.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="session")
def seeded_db_path(tmp_path_factory, ruleset, extractor):
    path = tmp_path_factory.mktemp("seeded") / "archive.db"
    db = store.open_db(path)
    summary = ingest.import_files(db, seed_files(), ruleset, extractor=extractor)
    assert (summary.imported, summary.rejected) == (5, [])
    db.close()
    return path


@pytest.fixture(scope="session")
def seeded_ds(seeded_db_path):
    """One site for every test that only reads the seeds: making a Datasette costs more than most requests."""
    return make_datasette(seeded_db_path)


def without_file_privileges():
    """A preexec_fn for a child that obeys file permissions even when run as root:
    it drops the capabilities that let root read and write any file."""
    if os.geteuid() != 0:
        return None

    def drop() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
            if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")

    return drop


def run_archive(*args, preexec_fn=None, timeout=600) -> subprocess.CompletedProcess:
    """The command line in a process of its own, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "archive", *map(str, args)],
        capture_output=True, text=True, timeout=timeout, preexec_fn=preexec_fn,
    )


def reading_room(folder: Path, ruleset, extractor, reports: int) -> Path:
    """An archive to read as a person does: the seeds and the gold's BBC
    articles with the extractor's entities, and ``reports`` made from the
    seeds' paragraphs (more matches than a page holds); every third article
    from a second source, for the facets."""
    from .test_faults import make_corpus

    files = seed_files() + sorted((ROOT / "eval" / "bbc").glob("*.txt")) + make_corpus(folder / "made", reports)
    db = store.open_db(folder / "archive.db")
    ingest.import_files(db, files, ruleset, extractor=extractor)
    db.conn.execute("UPDATE articles SET source = 'Example Wire' WHERE id % 3 = 0")
    db.close()
    return folder / "archive.db"


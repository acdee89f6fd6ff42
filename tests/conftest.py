import json
from pathlib import Path

import pytest

from archive import entities, ingest, store
from archive.clean import load_rules
from archive.serve import make_datasette

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLDEN = Path(__file__).resolve().parent / "golden"
BBC = ROOT.parent / "shared" / "corpora" / "bbc-news"


def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def golden(seed: Path) -> dict:
    return json.loads((GOLDEN / f"{seed.stem}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def ruleset():
    return load_rules()


@pytest.fixture(scope="session")
def extractor():
    return entities.Extractor(entities.load_model(), entities.load_aliases())


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


@pytest.fixture
def seeded_ds(seeded_db_path):
    return make_datasette(seeded_db_path)

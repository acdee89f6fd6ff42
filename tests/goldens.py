"""The golden outputs of the seeds, and the stamp each was made under.

Three stages write what an archive keeps, and each names what made it: the
cleaning by ``ingest.pipeline_id`` (PIPELINE_VERSION and the rules), the
extraction by ``Extractor.stamp`` (the model, the aliases and ENTITY_VERSION),
the linking by ``entities.link_stamp`` (LINK_VERSION and the aliases). An
archive redoes a stage's work only when its stamp changes, so a change of
output under the same stamp would leave older archives as they were: stale.

``stamps.json`` keeps, per stage, every stamp with the digest of the seeds'
output under it. Regenerating refuses an output that differs under a stamp
already recorded; bump the version first::

    .venv/bin/python -m tests.goldens
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

from archive import entities, ingest, store
from archive.clean import clean, load_rules
from archive.parse import parse
from archive.read import decode

GOLDEN = Path(__file__).resolve().parent / "golden"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
STAMPS = GOLDEN / "stamps.json"
STAGES = ("cleaning", "mentions", "linking")


def seeds() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def cleaning() -> dict[str, dict]:
    """What ``archive clean --json`` prints for each seed."""
    ruleset = load_rules()
    found = {}
    for seed in seeds():
        article = ingest.prepare(seed, ruleset).article
        found[seed.stem] = article.to_dict()
    return found


def mentions(extractor: entities.Extractor) -> dict[str, list[list]]:
    """Each seed's mentions, as the extractor finds them in its paragraphs."""
    ruleset = load_rules()
    articles = [parse(clean(decode(seed.read_bytes()).text, ruleset), ruleset).paragraphs for seed in seeds()]
    return {
        seed.stem: [[m.paragraph, m.start, m.end, m.text, m.label, m.key, m.value, m.source] for m in found]
        for seed, found in zip(seeds(), extractor.extract(articles))
    }


def linking(extractor: entities.Extractor) -> list[list]:
    """The entities of an archive of the seeds: key, name, type, spellings and counts."""
    with tempfile.TemporaryDirectory() as tmp:
        db = store.open_db(Path(tmp) / "seeds.db")
        ingest.import_files(db, seeds(), load_rules(), extractor=extractor)
        rows = db.execute(
            "SELECT key, name, type, aliases, article_count, mention_count FROM entities ORDER BY key"
        ).fetchall()
        db.close()
    return [list(row) for row in rows]


def stamp(stage: str, extractor: entities.Extractor) -> str:
    if stage == "cleaning":
        return ingest.pipeline_id(load_rules())
    if stage == "mentions":
        return extractor.stamp
    return entities.link_stamp(extractor.aliases)


def output(stage: str, extractor: entities.Extractor):
    return cleaning() if stage == "cleaning" else mentions(extractor) if stage == "mentions" else linking(extractor)


def digest(value) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]


def golden_path(stage: str) -> Path:
    return GOLDEN / {"cleaning": ".", "mentions": "mentions.json", "linking": "entities.json"}[stage]


def read_golden(stage: str):
    if stage == "cleaning":
        return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(GOLDEN.glob("0*.json"))}
    return json.loads(golden_path(stage).read_text(encoding="utf-8"))


def write_golden(stage: str, value) -> None:
    if stage == "cleaning":
        for name, doc in value.items():
            (GOLDEN / f"{name}.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return
    golden_path(stage).write_text(json.dumps(value, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def read_stamps() -> dict[str, list[list[str]]]:
    return json.loads(STAMPS.read_text(encoding="utf-8")) if STAMPS.exists() else {s: [] for s in STAGES}


def regenerate() -> list[str]:
    """Write the goldens anew; refuse an output that differs under a recorded stamp."""
    extractor = entities.Extractor(entities.load_model(), entities.load_aliases())
    stamps = read_stamps()
    said = []
    for stage in STAGES:
        value, current = output(stage, extractor), stamp(stage, extractor)
        recorded = dict(map(tuple, stamps[stage]))
        if current in recorded and recorded[current] != digest(value):
            raise SystemExit(f"{stage}: the output changed under the stamp {current}, which older archives"
                             " keep: bump its version (PIPELINE_VERSION, ENTITY_VERSION or LINK_VERSION)")
        if current not in recorded:
            stamps[stage].append([current, digest(value)])
            said.append(f"{stage}: new stamp {current}")
        write_golden(stage, value)
    lines = [f"  {json.dumps(stage)}: [\n" + ",\n".join(f"    {json.dumps(entry)}" for entry in stamps[stage]) + "\n  ]"
             for stage in STAGES]
    STAMPS.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")
    return said


if __name__ == "__main__":
    print("\n".join(regenerate()) or "no stamp changed", file=sys.stderr)

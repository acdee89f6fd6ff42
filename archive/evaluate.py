"""Entity extraction measured against hand-written gold: the raw model beside the
archive, document-level precision, recall and F1 per type. Run by ``make eval``.

Document-level: for each article, the set of distinct entities found is
compared with the gold set. A found entity matches a gold entry when its name,
or any of its mentions in the article, is one of the entry's names; each gold
entry is matched at most once, so one referent split in two costs precision.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import yaml

from . import entities, ingest, store
from .clean import load_rules
from .read import decode

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "eval" / "gold.yml"
GROUPS = ("PERSON", "ORG", "PLACE")
ALL = "ALL"


def group(label: str) -> str | None:
    """The gold type a model label counts as; None for types not evaluated."""
    if label in entities.PLACES:
        return "PLACE"
    return label if label in GROUPS else None


@dataclass(frozen=True)
class Found:
    """One entity found in one article: its type and every name it goes by there."""

    type: str
    names: frozenset[str]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Score:
    counts: dict[str, Counts] = field(default_factory=lambda: {g: Counts() for g in (*GROUPS, ALL)})
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class GoldDoc:
    path: Path
    entries: dict[str, list[tuple[str, ...]]]  # type -> entries, each a tuple of names


def load_gold(path: Path = GOLD) -> list[GoldDoc]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    docs = []
    for item in data["documents"]:
        entries = {}
        for kind in GROUPS:
            entries[kind] = [tuple([e] if isinstance(e, str) else e) for e in item.get(kind) or []]
        docs.append(GoldDoc(path=(path.parent.parent / item["path"]).resolve(), entries=entries))
    return docs


def score(gold: Iterable[GoldDoc], found: dict[Path, list[Found]]) -> Score:
    result = Score()
    for doc in gold:
        open_entries = {kind: [frozenset(entities.name_key(n) for n in e) for e in doc.entries[kind]]
                        for kind in GROUPS}
        names = {kind: list(doc.entries[kind]) for kind in GROUPS}
        # Entities whose canonical name is a gold name claim their entry first.
        for f in sorted(found.get(doc.path, []), key=lambda f: -len(f.names)):
            keys = {entities.name_key(n) for n in f.names}
            hit = next((i for i, e in enumerate(open_entries[f.type]) if e & keys), None)
            if hit is None:
                result.counts[f.type].fp += 1
                result.counts[ALL].fp += 1
                result.errors.append(f"{doc.path.name}: extra {f.type} {sorted(f.names)}")
                continue
            result.counts[f.type].tp += 1
            result.counts[ALL].tp += 1
            open_entries[f.type].pop(hit)
            names[f.type].pop(hit)
        for kind in GROUPS:
            for entry in names[kind]:
                result.counts[kind].fn += 1
                result.counts[ALL].fn += 1
                result.errors.append(f"{doc.path.name}: missed {kind} {list(entry)}")
    return result


def raw_model(gold: list[GoldDoc], model: str | None) -> dict[Path, list[Found]]:
    """The model's own entities (its ner pipe, whose output the full pipeline
    shares), on each file's text as it was collected, boilerplate and all."""
    nlp = entities.load_model(model)
    found = {}
    for doc in gold:
        text = decode(doc.path.read_bytes()).text
        distinct = {(" ".join(e.text.split()), group(e.label_)) for e in nlp(text).ents}
        found[doc.path] = [Found(kind, frozenset([name])) for name, kind in distinct if kind]
    return found


def archive(gold: list[GoldDoc], model: str | None, aliases: entities.Aliases, context: Sequence[Path] = ()
            ) -> dict[Path, list[Found]]:
    """The archive's entities of each article, after import into a fresh archive
    (with the context articles beside them: the vote runs across the archive)."""
    extractor = entities.Extractor(entities.load_model(model), aliases)
    with tempfile.TemporaryDirectory() as tmp:
        db = store.open_db(Path(tmp) / "eval.db")
        files = [d.path for d in gold] + ingest.find_files(context)
        ingest.import_files(db, files, load_rules(), extractor=extractor)
        found: dict[Path, list[Found]] = defaultdict(list)
        # A gold file may also be in the context folder: every file of an article counts.
        rows = db.conn.execute(
            "SELECT f.path, e.type, e.name, group_concat(m.text, char(31)) FROM article_entities ae"
            " JOIN article_files f ON f.article_id = ae.article_id JOIN entities e ON e.id = ae.entity_id"
            " JOIN mentions m ON m.article_id = ae.article_id AND m.entity_id = ae.entity_id"
            " GROUP BY f.path, ae.entity_id"
        )
        for path, kind, name, texts in rows:
            if group(kind):
                found[Path(path)].append(Found(group(kind), frozenset([name, *texts.split("\x1f")])))
        db.close()
    return found


def evaluate(gold_path: Path = GOLD, model: str | None = None, aliases: entities.Aliases | None = None,
             context: Sequence[Path] = ()) -> tuple[Score, Score]:
    gold = load_gold(gold_path)
    aliases = aliases or entities.load_aliases()
    return score(gold, raw_model(gold, model)), score(gold, archive(gold, model, aliases, context))


@lru_cache(maxsize=None)
def measured(model: str | None = None) -> tuple[Score, Score]:
    """The scores on the default gold, measured once per process: the README's
    table and the test of its floors read the same run."""
    return evaluate(GOLD, model)


def report(raw: Score, ours: Score) -> str:
    lines = [
        f"{'':8} {'raw model':^23}   {'archive':^23}",
        f"{'type':8} {'P':>7} {'R':>7} {'F1':>7}   {'P':>7} {'R':>7} {'F1':>7}   gold",
    ]
    for kind in (*GROUPS, ALL):
        a, b = raw.counts[kind], ours.counts[kind]
        lines.append(
            f"{kind:8} {a.precision:7.3f} {a.recall:7.3f} {a.f1:7.3f}   "
            f"{b.precision:7.3f} {b.recall:7.3f} {b.f1:7.3f}   {b.tp + b.fn}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m archive.evaluate", description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", nargs="?", type=Path, default=GOLD)
    parser.add_argument("--model", help="spaCy pipeline (default: en_core_web_sm, else the pinned package)")
    parser.add_argument("--context", type=Path, action="append", default=[],
                        help="more articles (files or folders) imported beside the gold ones")
    parser.add_argument("--errors", action="store_true", help="list the archive's misses and extras")
    args = parser.parse_args(argv)
    if not args.gold.exists():
        parser.error(f"{args.gold}: no such gold file (the default is the checkout's eval/gold.yml)")
    raw, ours = evaluate(args.gold, args.model, context=args.context)
    docs = len(load_gold(args.gold))
    print(f"Document-level entity scores over {docs} articles ({args.gold}):\n")
    print(report(raw, ours))
    if args.errors:
        print("\n" + "\n".join(ours.errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Entity extraction measured against hand-written gold: the raw model beside the
archive, document-level precision, recall and F1 per type. Run by ``make eval``.

Document-level: for each article, the set of distinct entities found is
compared with the gold set. A found entity matches a gold entry when its name,
or any of its mentions in the article, is one of the entry's names; each gold
entry is matched at most once, so one referent split in two costs precision.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
from collections import Counter, defaultdict
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
# Where a gold path starting "shared:" is read: the corpora beside the checkout.
SHARED = Path(os.environ.get("ARCHIVE_SHARED") or ROOT.parent / "shared")
SETS = ("tuned", "held-out")
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
    # The errors by type and kind (``KINDS``), without their names: what a
    # held-out half may show of its errors without teaching them.
    kinds: Counter = field(default_factory=Counter)


# What an extra or a missed entity is, in the order they are told apart.
KINDS = {
    "extra": ("split", "typed", "part", "not gold"),
    "missed": ("typed", "part", "not found"),
}
KIND_TEXT = {
    ("extra", "split"): "a second entity for one gold entry",
    ("extra", "typed"): "a gold entity of another type",
    ("extra", "part"): "shares a word with a gold name (its span?)",
    ("extra", "not gold"): "no gold entity",
    ("missed", "typed"): "found, as another type",
    ("missed", "part"): "a found name shares a word (its span?)",
    ("missed", "not found"): "not found",
}


def _words(keys: Iterable[str]) -> set[str]:
    return {w for k in keys for w in k.split()}


def _kind_of_extra(keys: set[str], kind: str, matched: set[str], gold: dict[str, set[str]]) -> str:
    if keys & matched:
        return "split"
    if any(keys & names for other, names in gold.items() if other != kind):
        return "typed"
    return "part" if _words(keys) & _words(set().union(*gold.values())) else "not gold"


def _kind_of_miss(entry: frozenset[str], kind: str, found: list[tuple[str, set[str]]]) -> str:
    if any(entry & keys for other, keys in found if other != kind):
        return "typed"
    return "part" if any(_words(entry) & _words(keys) for _, keys in found) else "not found"


@dataclass(frozen=True)
class GoldDoc:
    path: Path
    entries: dict[str, list[tuple[str, ...]]]  # type -> entries, each a tuple of names
    tuned: bool = False  # an article the rules were written against


def load_gold(path: Path = GOLD, shared: Path = SHARED) -> list[GoldDoc]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    docs = []
    for item in data["documents"]:
        entries = {}
        for kind in GROUPS:
            entries[kind] = [tuple([e] if isinstance(e, str) else e) for e in item.get(kind) or []]
        where = item["path"]
        # As the importer names files: absolute, links not resolved.
        file = shared / where[len("shared:"):] if where.startswith("shared:") else path.parent.parent / where
        docs.append(GoldDoc(path=Path(os.path.abspath(file)), entries=entries, tuned=bool(item.get("tuned"))))
    return docs


def score(gold: Iterable[GoldDoc], found: dict[Path, list[Found]]) -> Score:
    result = Score()
    for doc in gold:
        open_entries = {kind: [frozenset(entities.name_key(n) for n in e) for e in doc.entries[kind]]
                        for kind in GROUPS}
        names = {kind: list(doc.entries[kind]) for kind in GROUPS}
        gold_keys = {kind: set().union(*entries) for kind, entries in open_entries.items()}
        matched: dict[str, set[str]] = {kind: set() for kind in GROUPS}
        found_keys = [(f.type, {entities.name_key(n) for n in f.names}) for f in found.get(doc.path, [])]
        extras = []
        # Entities whose canonical name is a gold name claim their entry first.
        for f, (_, keys) in sorted(zip(found.get(doc.path, []), found_keys), key=lambda fk: -len(fk[0].names)):
            hit = next((i for i, e in enumerate(open_entries[f.type]) if e & keys), None)
            if hit is None:
                result.counts[f.type].fp += 1
                result.counts[ALL].fp += 1
                result.errors.append(f"{doc.path.name}: extra {f.type} {sorted(f.names)}")
                extras.append((f.type, keys))
                continue
            result.counts[f.type].tp += 1
            result.counts[ALL].tp += 1
            matched[f.type] |= open_entries[f.type].pop(hit)
            names[f.type].pop(hit)
        for kind, keys in extras:
            result.kinds[kind, "extra", _kind_of_extra(keys, kind, matched[kind], gold_keys)] += 1
        for kind in GROUPS:
            for entry, keys in zip(names[kind], open_entries[kind]):
                result.counts[kind].fn += 1
                result.counts[ALL].fn += 1
                result.errors.append(f"{doc.path.name}: missed {kind} {list(entry)}")
                result.kinds[kind, "missed", _kind_of_miss(keys, kind, found_keys)] += 1
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


@dataclass(frozen=True)
class Measured:
    """The raw model and the archive, on each set of the gold and on all of it."""

    sets: dict[str, tuple[Score, Score]]  # "tuned", "held-out", "all" -> (raw, archive)
    documents: dict[str, int]


def half(path: Path) -> int:
    """Which half of the held-out articles a file is in, by a hash of its name:
    a change is developed on one half and checked on the other."""
    return int(hashlib.md5(path.name.encode()).hexdigest(), 16) % 2


def evaluate(gold_path: Path = GOLD, model: str | None = None, aliases: entities.Aliases | None = None,
             context: Sequence[Path] = (), shared: Path = SHARED, split: str = "all") -> Measured:
    gold = load_gold(gold_path, shared)
    if split != "all":
        gold = [d for d in gold if d.tuned or half(d.path) == (0 if split == "even" else 1)]
    aliases = aliases or entities.load_aliases()
    raw, ours = raw_model(gold, model), archive(gold, model, aliases, context)
    parts = {"tuned": [d for d in gold if d.tuned], "held-out": [d for d in gold if not d.tuned], "all": gold}
    return Measured({name: (score(docs, raw), score(docs, ours)) for name, docs in parts.items() if docs},
                    {name: len(docs) for name, docs in parts.items() if docs})


@lru_cache(maxsize=None)
def measured(model: str | None = None) -> Measured:
    """The scores on the default gold, measured once per process: the README's
    table and the test of its floors read the same run."""
    return evaluate(GOLD, model)


def report_all(m: Measured) -> str:
    """A table for each set of the gold: the tuned articles apart from the rest."""
    titles = {"tuned": "articles the rules were written against", "held-out": "the rest (held out)",
              "all": "all"}
    return "\n\n".join(f"{titles[name]}, {m.documents[name]} articles:\n{report(*scores)}"
                        for name, scores in m.sets.items())


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


def report_kinds(m: Measured) -> str:
    """The archive's errors on each set by kind and type, counted, not named."""
    blocks = []
    for name in ("tuned", "held-out"):
        if name not in m.sets:
            continue
        kinds = m.sets[name][1].kinds
        lines = [f"{name}, errors by kind:", f"{'':52} " + " ".join(f"{g:>6}" for g in GROUPS)]
        for side, names in KINDS.items():
            for kind in names:
                counts = [kinds[g, side, kind] for g in GROUPS]
                lines.append(f"{side + ': ' + KIND_TEXT[side, kind]:52} " + " ".join(f"{n:6}" for n in counts))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m archive.evaluate", description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", nargs="?", type=Path, default=GOLD)
    parser.add_argument("--model", help="spaCy pipeline (default: en_core_web_sm, else the pinned package)")
    parser.add_argument("--context", type=Path, action="append", default=[],
                        help="more articles (files or folders) imported beside the gold ones")
    parser.add_argument("--errors", action="store_true", help="list the archive's misses and extras")
    parser.add_argument("--kinds", action="store_true",
                        help="count the archive's errors by kind (a second entity for one referent, another type,"
                             " a span too long or short, no gold entity, not found), without naming them")
    parser.add_argument("--shared", type=Path, default=SHARED, help="where gold paths starting 'shared:' are read")
    parser.add_argument("--split", choices=["all", "even", "odd"], default="all",
                        help="one half of the held-out articles (by a hash of their file name), or all")
    args = parser.parse_args(argv)
    if not args.gold.exists():
        parser.error(f"{args.gold}: no such gold file (the default is the checkout's eval/gold.yml)")
    m = evaluate(args.gold, args.model, context=args.context, shared=args.shared, split=args.split)
    print(f"Document-level entity scores ({args.gold}):\n")
    print(report_all(m))
    if args.kinds:
        print("\n" + report_kinds(m))
    if args.errors:
        print("\n" + "\n".join(m.sets["all"][1].errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())

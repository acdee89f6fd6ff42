"""How often whole-page copies get a date and a source, and whether the date is
the article's own.

Every page of ``web-pages/page/`` is cleaned and parsed as ``archive clean``
does it, with no manifest and no site learned: what a page says of itself.
Counted by where each value came from. Then the pages of
``dates-checked.tsv``, each read by hand for the date the page gives its
article (empty where it gives none): how many got a date, how many got that
one, how many got another.

    python -m bench.dates [--shared DIR] [--split even|odd|all]
"""

from __future__ import annotations

import argparse
import collections
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

from archive import ingest
from archive.clean import load_rules

from .cleaning import half, table

ROOT = Path(__file__).resolve().parent.parent
CHECKED = Path(__file__).resolve().parent / "dates-checked.tsv"


@dataclass(frozen=True)
class Found:
    published: str | None
    published_from: str | None
    source_from: str | None


def found(pages: Path, split: str = "all") -> dict[str, Found]:
    ruleset = load_rules()
    out = {}
    for path in sorted(pages.glob("*.txt")):
        if split != "all" and half(path.stem) != (0 if split == "even" else 1):
            continue
        article = ingest.prepare(path, ruleset).article
        out[path.stem] = Found(article.published, article.published_from, article.source_from)
    return out


def checked() -> dict[str, str]:
    with CHECKED.open(encoding="utf-8") as f:
        return {row["id"]: row["date"] for row in csv.DictReader(f, delimiter="\t")}


def report(shared: Path, split: str = "all") -> str:
    pages = shared / "corpora" / "web-pages" / "page"
    got = found(pages, split)
    n = len(got)
    dated = collections.Counter(f.published_from or "none" for f in got.values())
    sourced = collections.Counter(f.source_from or "none" for f in got.values())
    lines = [f"Whole-page copies ({n} pages of `web-pages/page/`, nothing beside the files):", ""]
    rows = [["date", f"{n - dated['none']} ({(n - dated['none']) / n:.0%})",
             ", ".join(f"{k} {v}" for k, v in dated.most_common() if k != "none")],
            ["source", f"{n - sourced['none']} ({(n - sourced['none']) / n:.0%})",
             ", ".join(f"{k} {v}" for k, v in sourced.most_common() if k != "none")]]
    lines += [table(rows, ["", "found", "from"]), ""]
    gold = {k: v for k, v in checked().items() if k in got}
    shown = [k for k, v in gold.items() if v]
    right = [k for k in shown if got[k].published == gold[k]]
    wrong = [k for k in gold if got[k].published and got[k].published != gold[k]]
    missed = [k for k in shown if not got[k].published]
    lines += [
        f"Checked by hand ({len(gold)} pages, `bench/dates-checked.tsv`; {len(shown)} give their article a date):",
        "",
        table([[len(shown), f"{len(right)} ({len(right) / max(1, len(shown)):.0%})",
                f"{len(wrong)} ({', '.join(wrong) or 'none'})", f"{len(missed)} ({', '.join(missed) or 'none'})",
                f"{len(right) / max(1, len(right) + len(wrong)):.0%}"]],
              ["pages with a date", "the article's own date", "another date", "no date", "dates given that are right"]),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dates", description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--split", choices=["all", "even", "odd"], default="all")
    args = parser.parse_args(argv)
    print(report(args.shared, args.split))
    return 0


if __name__ == "__main__":
    sys.exit(main())

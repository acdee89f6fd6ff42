"""The cleaner's figures on real pages, and on collections of one site.

``pages``: every page of ``web-pages/`` in both variants (the whole page as
select-all copies it, and the article area), cleaned as ``archive clean``
cleans one file, scored as ``shared/tools/score-cleaning`` scores it (word
tokens of the stored paragraphs against the gold text, less its headline),
beside the file as it is. Also: the share of the boilerplate tokens inside
the file that went, and of the body's tokens that went.

``one_site``: collections built as a person collects them from one site: the
chrome of a real page (everything above its headline and below its text) around
ten clean BBC articles, with the page's lines that read as headlines of other
stories replaced in each file by other BBC headlines, so that a site's
related-story lines vary from file to file. Each site's ten files are imported
into one archive, and the stored articles are scored against the BBC articles.

The corpora are read from ``--shared`` (default ``../shared``), never copied.

    python -m bench.cleaning [--shared DIR] [--split even|odd|all] [--write BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import collections
import csv
import hashlib
import random
import re
import statistics
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from archive import ingest, store
from archive.clean import load_rules
from archive.read import Rejected

ROOT = Path(__file__).resolve().parent.parent
WORD = re.compile(r"\w+")
QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u2039": "'", "\u203a": "'",
    "`": "'", "\u00b4": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
})
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
VARIANTS = ("page", "article")
FILES_PER_SITE = 10


def tokens(text: str) -> list[str]:
    return [t.lower() for t in WORD.findall(text)]


def norm(text: str | None) -> str:
    """score-cleaning's comparison key of a title."""
    text = unicodedata.normalize("NFC", text or "").translate(ZERO_WIDTH).translate(QUOTES)
    return " ".join(text.split())


def gold_body(gold: str, title: str) -> str:
    lines = [line for line in gold.split("\n") if line.strip()]
    if norm(title):
        for k, line in enumerate(lines[:3]):
            if norm(line) == norm(title):
                return "\n".join(lines[:k] + lines[k + 1 :])
    return "\n".join(lines)


def half(ident: str) -> int:
    """Which half of the corpus a page is in: the split rules were developed on, or the other."""
    return int(hashlib.md5(ident.encode()).hexdigest(), 16) % 2


@dataclass
class Scored:
    precision: float
    recall: float
    f1: float
    boilerplate: int  # boilerplate tokens in the file
    boilerplate_kept: int
    body: int  # body tokens in the file
    body_kept: int
    titled: bool
    title_ok: bool
    rejected: bool = False


def prf(out: collections.Counter, gold: collections.Counter) -> tuple[float, float, float]:
    n_out, n_gold, hit = sum(out.values()), sum(gold.values()), sum((out & gold).values())
    p = hit / n_out if n_out else 0.0
    r = hit / n_gold if n_gold else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def score(raw: str, paragraphs: list[str], title: str | None, gold: str, gold_title: str) -> Scored:
    body = collections.Counter(tokens(gold_body(gold, gold_title)))
    out = collections.Counter(tokens("\n".join(paragraphs)))
    file = collections.Counter(tokens(raw))
    p, r, f = prf(out, body)
    in_file = file & body
    return Scored(p, r, f, sum((file - body).values()), sum((out - body).values()), sum(in_file.values()),
                  sum((out & in_file).values()), bool(norm(gold_title)),
                  bool(norm(gold_title)) and norm(title) == norm(gold_title))


@dataclass
class Figures:
    pages: int
    f1: float
    precision: float
    recall: float
    boilerplate_removed: float  # pooled over the pages
    body_removed: float
    titles: float
    rejected: int

    @staticmethod
    def of(scored: list[Scored]) -> "Figures":
        titled = [s for s in scored if s.titled]
        boiler = sum(s.boilerplate for s in scored)
        body = sum(s.body for s in scored)
        return Figures(
            len(scored), statistics.mean(s.f1 for s in scored), statistics.mean(s.precision for s in scored),
            statistics.mean(s.recall for s in scored),
            1 - sum(s.boilerplate_kept for s in scored) / boiler if boiler else 1.0,
            1 - sum(s.body_kept for s in scored) / body if body else 0.0,
            sum(s.title_ok for s in titled) / len(titled) if titled else 0.0, sum(s.rejected for s in scored),
        )


def index(corpus: Path) -> list[dict[str, str]]:
    with open(corpus / "index.tsv", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def pages(corpus: Path, split: str = "all") -> dict[str, tuple[Figures, Figures]]:
    """(cleaned, as it is) figures of each variant."""
    ruleset = load_rules()
    rows = [r for r in index(corpus) if split == "all" or half(r["id"]) == (split == "odd")]
    found = {}
    for variant in VARIANTS:
        cleaned, floor = [], []
        for row in rows:
            path = corpus / variant / f"{row['id']}.txt"
            raw = path.read_text(encoding="utf-8")
            gold = (corpus / "gold" / f"{row['id']}.txt").read_text(encoding="utf-8")
            try:
                article = ingest.prepare(path, ruleset).article
                cleaned.append(score(raw, article.paragraphs, article.title, gold, row["title"]))
            except Rejected:
                scored = score(raw, [], None, gold, row["title"])
                scored.rejected = True
                cleaned.append(scored)
            first = next((line for line in raw.split("\n") if line.strip()), "")
            floor.append(score(raw, [raw], first, gold, row["title"]))
        found[variant] = (Figures.of(cleaned), Figures.of(floor))
    return found


# --- collections of one site ------------------------------------------------------


def _titled(line: str) -> bool:
    """A line that reads as another story's headline: a few words, most of them capitalised."""
    words = line.split()
    return 5 <= len(words) <= 14 and not line.rstrip().endswith((".", ":", ";")) and \
        sum(w[:1].isupper() for w in words) >= len(words) / 2


def chrome(corpus: Path, row: dict[str, str]) -> tuple[list[str], list[str]] | None:
    """A page's lines above its headline and below its text, or None when its
    headline or its text cannot be found in it exactly."""
    lines = (corpus / "page" / f"{row['id']}.txt").read_text(encoding="utf-8").split("\n")
    folded = [norm(line) for line in lines]
    title = norm(row["title"])
    gold = [norm(line) for line in (corpus / "gold" / f"{row['id']}.txt").read_text(encoding="utf-8").split("\n")
            if len(line.split()) >= 8]
    if not title or title not in folded or not gold:
        return None
    top = folded.index(title)
    body = [i for i, line in enumerate(folded) if line in gold and i > top]
    if not body:
        return None
    return lines[:top], lines[body[-1] + 1 :]


@dataclass(frozen=True)
class Story:
    title: str
    paragraphs: tuple[str, ...]


def stories(bbc: Path) -> list[Story]:
    found = []
    for path in sorted(bbc.rglob("*.txt")):
        blocks = [" ".join(b.split()) for b in path.read_text(encoding="utf-8").split("\n\n") if b.strip()]
        if len(blocks) >= 3:
            found.append(Story(blocks[0], tuple(blocks[1:])))
    return found


def site_files(folder: Path, top: list[str], bottom: list[str], pool: list[Story], rng: random.Random
               ) -> list[tuple[Path, Story]]:
    """Ten files of one site: its chrome around ten stories, its other stories'
    headlines drawn anew for each file."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for n in range(FILES_PER_SITE):
        story = rng.choice(pool)

        def vary(lines: list[str]) -> list[str]:
            return [rng.choice(pool).title if _titled(line) else line for line in lines]

        text = "\n".join(vary(top) + [story.title, ""] + ["\n\n".join(story.paragraphs), ""] + vary(bottom))
        path = folder / f"{n:02}.txt"
        path.write_text(text + "\n", encoding="utf-8")
        made.append((path, story))
    return made


def one_site(corpus: Path, bbc: Path, split: str = "all", sites: int = 40, seed: int = 1) -> tuple[Figures, int]:
    """The figures of the stored articles of ``sites`` sites of ten files each,
    every site imported into an archive of its own; and how many sites."""
    rng = random.Random(seed)
    pool = stories(bbc)
    rows = [r for r in index(corpus) if split == "all" or half(r["id"]) == (split == "odd")]
    ruleset = load_rules()
    scored: list[Scored] = []
    made = 0
    with tempfile.TemporaryDirectory() as tmp:
        for row in rows:
            found = chrome(corpus, row)
            if found is None or len([line for line in found[0] + found[1] if line.strip()]) < 20:
                continue
            made += 1
            files = site_files(Path(tmp) / row["id"], *found, pool, rng)
            db = store.open_db(Path(tmp) / f"{row['id']}.db")
            ingest.import_files(db, [path for path, _ in files], ruleset)
            for path, story in files:
                stored = db.execute(
                    "SELECT t.title, t.body FROM article_texts t JOIN article_files f ON f.article_id = t.id"
                    " WHERE f.path = ?", [str(path)]).fetchone()
                gold = story.title + "\n" + "\n".join(story.paragraphs)
                raw = path.read_text(encoding="utf-8")
                if stored is None:
                    scored.append(score(raw, [], None, gold, story.title))
                else:
                    scored.append(score(raw, stored[1].split("\n\n"), stored[0], gold, story.title))
            db.close()
            if made == sites:
                break
    return Figures.of(scored), made


def table(rows: list[list[object]], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def report(shared: Path, split: str = "all") -> str:
    corpus, bbc = shared / "corpora" / "web-pages", shared / "corpora" / "bbc-news"
    rows = []
    for variant, (ours, floor) in pages(corpus, split).items():
        for name, f in (("cleaned", ours), ("as it is", floor)):
            rows.append([variant, name, f.pages, f"{f.f1:.3f}", f"{f.precision:.3f}", f"{f.recall:.3f}",
                         f"{f.boilerplate_removed:.1%}", f"{f.body_removed:.2%}", f"{f.titles:.1%}", f.rejected])
    site, sites = one_site(corpus, bbc, split)
    rows.append([f"one site ({sites} sites × {FILES_PER_SITE} files)", "imported", site.pages, f"{site.f1:.3f}",
                 f"{site.precision:.3f}", f"{site.recall:.3f}", f"{site.boilerplate_removed:.1%}",
                 f"{site.body_removed:.2%}", f"{site.titles:.1%}", site.rejected])
    return table(rows, ["variant", "text", "pages", "F1 (mean)", "precision", "recall",
                        "boilerplate removed", "body removed", "title is the headline", "rejected"])


HEADING = "## Cleaning"


def section(shared: Path) -> list[str]:
    """BENCHMARKS.md's cleaning section, heading and table, as ``make bench`` writes it."""
    return [
        HEADING,
        "",
        "`python -m bench.cleaning`: every page of `web-pages/` in both variants, cleaned as `archive clean`",
        "cleans one file and scored as `score-cleaning` scores it, beside the file as it is (the floor); and",
        "collections of one site, each site's files imported into one archive.",
        "",
        report(shared),
    ]


def replace_section(document: str, lines: list[str]) -> str:
    """The document with its cleaning section, up to the next heading of its
    level, replaced: the rest of a benchmark run's figures stay as measured."""
    start = document.index(HEADING + "\n")
    end = document.find("\n## ", start + len(HEADING))
    rest = "" if end < 0 else "\n" + document[end + 1 :]
    return document[:start] + "\n".join(lines) + "\n" + rest


def refreshed(lines: list[str], commit: str, machine: list[str]) -> list[str]:
    """A section measured apart from the file's run says so: by which command, at which commit, where."""
    return [*lines, "", f"This section alone was measured again by `make bench-cleaning` at {commit}, on:", "",
            *machine]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cleaning", description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--split", choices=["all", "even", "odd"], default="all",
                        help="the pages of one half of the corpus (by a hash of their id), or all")
    parser.add_argument("--write", type=Path, metavar="FILE",
                        help="replace FILE's cleaning section (BENCHMARKS.md) with this run's, all pages")
    args = parser.parse_args(argv)
    if args.write is None:
        print(report(args.shared, args.split))
        return 0
    from .run import machine  # the run's own description of the machine

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.strip()
    lines = refreshed(section(args.shared), commit, machine())
    args.write.write_text(replace_section(args.write.read_text(encoding="utf-8"), lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A deterministic corpus of realistic collected articles, for benchmarks.

Each article is built from the clean BBC articles (title, and paragraphs drawn
from two or three stories, so every text is new) and dressed in the web
boilerplate the seeds carry: donation bars, support appeals, promos in the
middle of the text, toolbars, bullet metadata with a date, picture
placeholders, share labels and a repeated title. The same N and seed always
give the same files.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BBC = ROOT.parent / "shared" / "corpora" / "bbc-news"
FILES_PER_FOLDER = 1000
# The seeds' boilerplate, as templates; {title} is another article's title.
TOP = ["{amount} $", "{amount} $", "0 $", "• {day}/{month}/{year}", "• 00:00", "news-picture"]
MIDDLE = ["More news: {title}", "Do you like this content? Consider helping us!", "news-picture"]
BOTTOM = ["Adjust Comment Print", "مشاركة :", "Do you like this content? Consider helping us!"]


@dataclass(frozen=True)
class Story:
    title: str
    paragraphs: tuple[str, ...]


def load_stories(folder: Path = BBC) -> list[Story]:
    """The BBC articles: a title line, then paragraphs separated by blank lines."""
    if not folder.is_dir():
        raise SystemExit(f"{folder}: the BBC corpus is needed to build a benchmark corpus")
    stories = []
    for path in sorted(folder.rglob("*.txt")):
        blocks = [" ".join(b.split()) for b in path.read_text(encoding="utf-8").split("\n\n")]
        blocks = [b for b in blocks if b]
        if len(blocks) >= 3:
            stories.append(Story(blocks[0], tuple(blocks[1:])))
    return stories


def article(stories: list[Story], number: int, seed: int = 0) -> str:
    """The text of article ``number``: the same for the same number and seed."""
    rng = random.Random(f"{seed}:{number}")
    main, *others = rng.sample(stories, 3)
    # About six paragraphs in all, as a whole article has.
    count = rng.randint(3, 6)
    paragraphs = list(main.paragraphs[:count])
    for other in others[: rng.randint(1, 2)]:
        at = rng.randrange(len(paragraphs) + 1)
        paragraphs.insert(at, rng.choice(other.paragraphs))
    fill = {
        "title": rng.choice(stories).title,
        "amount": f"{rng.randint(0, 9)},{rng.randint(0, 999):03} ",
        "day": rng.randint(1, 28), "month": rng.randint(1, 12), "year": rng.randint(2015, 2024),
    }
    # The number in the headline makes every text new, as a collection's texts are.
    title = f"{main.title} ({number})"
    lines = [title]
    lines += [t.format(**fill).replace("  ", " ") for t in rng.sample(TOP, rng.randint(1, 3))]
    if rng.random() < 0.3:
        lines.append(title)  # the title printed twice
    for paragraph in paragraphs:
        lines.append(paragraph)
        if rng.random() < 0.08:
            lines.append(rng.choice(MIDDLE).format(**fill))
    lines += rng.sample(BOTTOM, rng.randint(0, 2))
    return "\n\n".join(lines) + "\n"


def path_for(folder: Path, number: int) -> Path:
    return folder / f"{number // FILES_PER_FOLDER:04}" / f"{number:07}.txt"


def generate(folder: Path, count: int, seed: int = 0, stories: list[Story] | None = None) -> list[Path]:
    """Write ``count`` articles under ``folder``; files already there are kept."""
    stories = stories or load_stories()
    paths = []
    for number in range(count):
        path = path_for(folder, number)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(article(stories, number, seed), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    generate(args.folder, args.articles, args.seed)
    print(f"{args.articles} articles in {args.folder}")


if __name__ == "__main__":
    main()

"""``make screenshots``: the reading room's pages as a browser shows them, for the
README. An archive of the seeds and the gold's BBC articles, with entities,
served and photographed at a desktop's width and a phone's.

    .venv/bin/python -m tests.screenshots [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from pathlib import Path

from archive import entities, ingest, store
from archive.clean import load_rules

from .browser import chromium, served

ROOT = Path(__file__).resolve().parent.parent


def pages(db_path: Path) -> dict[str, str]:
    """The pages to photograph, found in the archive itself."""
    conn = sqlite3.connect(db_path)
    person = conn.execute(
        "SELECT e.id FROM entities e JOIN article_entities ae ON ae.entity_id = e.id WHERE e.type = 'PERSON'"
        " GROUP BY e.id ORDER BY count(ae.published) DESC, e.mention_count DESC").fetchone()[0]
    article = conn.execute("SELECT id FROM articles WHERE title LIKE '%Coordination%'").fetchone()[0]
    conn.close()
    return {
        "home": "/",
        "search": "/archive/search_articles?q=Idlib",
        "paragraphs": "/archive/search_paragraphs?q=Erdogan",
        "nothing-found": "/archive/search_articles?q=Erdgan",
        "article": f"/archive/articles/{article}?q=Idlib",
        "entity": f"/archive/entities/{person}",
        "names": "/archive/top_entities?type=PERSON",
        "naming-both": "/archive/articles_naming_both?a=Putin&b=Erdogan",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.screenshots", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "archive.db"
        db = store.open_db(db_path)
        files = sorted((ROOT / "seeds").glob("*.txt")) + sorted((ROOT / "eval" / "bbc").glob("*.txt"))
        extractor = entities.Extractor(entities.load_model(), entities.load_aliases())
        ingest.import_files(db, files, load_rules(), extractor=extractor)
        db.close()
        with served(db_path) as base, chromium() as browser:
            for width, suffix, full in ((1280, "", True), (390, "-phone", False)):
                context = browser.new_context(viewport={"width": width, "height": 900 if width > 400 else 844})
                page = context.new_page()
                for name, path in pages(db_path).items():
                    page.goto(base + path)
                    page.wait_for_load_state("networkidle")
                    if name == "entity" and page.locator("#chart").count():
                        page.wait_for_selector("#chart[data-drawn=yes]", timeout=15000)
                    page.screenshot(path=str(args.out / f"{name}{suffix}.png"), full_page=full)
                context.close()
    print(f"screenshots in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``make bench``: the archive's speed, memory and size, each beside its baseline
measured in the same run, written to BENCHMARKS.md."""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from archive import entities, ingest, store
from archive.clean import load_rules
from archive.serve import load_metadata, make_datasette

from .corpus import generate, load_stories

ROOT = Path(__file__).resolve().parent.parent
# Words too common to be worth a search: the frequent-word queries are the most
# frequent of the rest, which is what makes them slow.
STOPWORDS = set(
    "a about after all also an and any are as at be been but by can could did do for from had has have he her "
    "him his how i if in into is it its just last like made make many may more most mr much new no not now of "
    "on one only or other our out over said say says she so some than that the their them then there these "
    "they this those three time to two up us was we were what when which who will with would year years you".split()
)
PLAIN_ARTICLES = (
    "select articles.id, highlight(articles_fts, 0, char(57344), char(57345)) as title, articles.published,"
    " snippet(articles_fts, 1, char(57344), char(57345), '…', 24) as snippet, bm25(articles_fts, 10.0, 1.0)"
    " from articles_fts join articles on articles.rowid = articles_fts.rowid"
    " where articles_fts match fts_query(:q) order by bm25(articles_fts, 10.0, 1.0) limit 101"
)
PLAIN_PARAGRAPHS = (
    "select paragraphs.article_id, articles.title, highlight(paragraphs_fts, 0, char(57344), char(57345)),"
    " bm25(paragraphs_fts) from paragraphs_fts join paragraphs on paragraphs.id = paragraphs_fts.rowid"
    " join articles on articles.id = paragraphs.article_id"
    " where paragraphs_fts match fts_query(:q) order by bm25(paragraphs_fts) limit 101"
)


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)

    def add(self, text: str = "") -> None:
        self.lines.append(text)
        print(text, flush=True)

    def table(self, header: list[str], rows: list[list[object]]) -> None:
        self.add("| " + " | ".join(header) + " |")
        self.add("|" + "---|" * len(header))
        for row in rows:
            self.add("| " + " | ".join(str(cell) for cell in row) + " |")
        self.add()


def machine() -> list[str]:
    cpu = "unknown"
    if Path("/proc/cpuinfo").exists():
        m = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = m.group(1) if m else cpu
    memory = ""
    if Path("/proc/meminfo").exists():
        m = re.search(r"MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text())
        memory = f"{int(m.group(1)) / 2**20:.0f} GiB" if m else ""
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores; memory {memory}",
        f"- {platform.system()} {platform.release()}; Python {platform.python_version()}; "
        f"SQLite {sqlite3.sqlite_version} (the Python standard library's)",
    ]


def peak_memory_mb() -> float:
    """This process's own peak resident memory (VmHWM)."""
    status = Path("/proc/self/status")
    if not status.exists():
        return float("nan")
    return int(re.search(r"VmHWM:\s+(\d+) kB", status.read_text()).group(1)) / 1024


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


# Import throughput ---------------------------------------------------------


def bare_loop(db_path: Path, rows: list[tuple[str, str, str, list[str]]]) -> float:
    """The floor any importer pays: the same titles, bodies and paragraphs into
    the same tables and FTS5 indexes (same triggers), one transaction, no work
    on the text. Returns seconds."""
    db = store.open_db(db_path)
    conn = db.conn
    start = time.perf_counter()
    conn.execute("BEGIN")
    for article_id, title, body, paragraphs in rows:
        conn.execute(
            "INSERT INTO articles (id, title, path, sha256, word_count, body, imported_at, pipeline)"
            " VALUES (?, ?, ?, '', 0, ?, '', '')", [article_id, title, article_id, body],
        )
        conn.executemany(
            "INSERT INTO paragraphs (article_id, position, text) VALUES (?, ?, ?)",
            [(article_id, i, text) for i, text in enumerate(paragraphs, start=1)],
        )
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    db.close()
    return elapsed


def stored_texts(db: sqlite3.Connection) -> list[tuple[str, str, str, list[str]]]:
    paragraphs: dict[str, list[str]] = {}
    for article_id, text in db.execute("select article_id, text from paragraphs order by article_id, position"):
        paragraphs.setdefault(article_id, []).append(text)
    return [(i, t, b, paragraphs[i]) for i, t, b in db.execute("select id, title, body from articles order by rowid")]


def bench_import(report: Report, files: list[Path], work: Path) -> None:
    ruleset = load_rules()
    ours_path = work / "import-ours.db"
    db = store.open_db(ours_path)
    start = time.perf_counter()
    summary = ingest.import_files(db, files, ruleset)
    ours = time.perf_counter() - start
    assert summary.imported == len(files), summary
    rows = stored_texts(db.conn)
    db.close()
    bare = bare_loop(work / "import-bare.db", rows)
    paragraphs = sum(len(r[3]) for r in rows)
    report.add(f"### Import without entities ({len(files):,} articles, {paragraphs:,} paragraphs)")
    report.add()
    report.table(
        ["", "seconds", "articles/s", "ratio"],
        [
            ["`archive import --no-entities` (read, clean, parse, store)", f"{ours:.1f}", f"{len(files) / ours:.0f}",
             f"**{bare / ours:.2f}**"],
            ["bare sqlite3 loop (same rows, same FTS5 tables)", f"{bare:.1f}", f"{len(files) / bare:.0f}", "1.00"],
        ],
    )


def bench_entities(report: Report, files: list[Path], work: Path) -> None:
    ruleset = load_rules()
    nlp = entities.load_model()
    extractor = entities.Extractor(nlp, entities.load_aliases())
    prepared = store.open_db(work / "entities-texts.db")
    ingest.import_files(prepared, files, ruleset)
    texts = [p for row in stored_texts(prepared.conn) for p in row[3]]
    prepared.close()
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=64):
        pass
    bare = time.perf_counter() - start
    db = store.open_db(work / "entities-ours.db")
    start = time.perf_counter()
    ingest.import_files(db, files, ruleset, extractor=extractor)
    ours = time.perf_counter() - start
    db.close()
    report.add(f"### Import with entities ({len(files):,} articles, {len(texts):,} paragraphs, one process)")
    report.add()
    report.table(
        ["", "seconds", "articles/s", "ratio"],
        [
            ["`archive import` (read, clean, parse, extract, store, link)", f"{ours:.1f}",
             f"{len(files) / ours:.1f}", f"**{bare / ours:.2f}**"],
            [f"bare `nlp.pipe` over the paragraphs, pipes {nlp.pipe_names}", f"{bare:.1f}",
             f"{len(files) / bare:.1f}", "1.00"],
        ],
    )
    report.add(f"Peak memory of the benchmark process so far: {peak_memory_mb():.0f} MB.")
    report.add()


# Search -------------------------------------------------------------------


def query_mix(db_path: Path, per_kind: int, seed: int = 0) -> dict[str, list[str]]:
    """Frequent content words, rare words, phrases and OR queries, from the corpus itself."""
    rng = random.Random(seed)
    conn = sqlite3.connect(db_path)
    conn.execute("create virtual table if not exists temp.vocab using fts5vocab(main, articles_fts, 'row')")
    terms = conn.execute("select term, doc from temp.vocab where term glob '[a-z]*' order by doc desc").fetchall()
    frequent = [t for t, _ in terms if t not in STOPWORDS and len(t) > 3][:per_kind]
    rare_pool = [t for t, doc in terms if 2 <= doc <= 20 and len(t) > 4]
    rare = rng.sample(rare_pool, min(per_kind, len(rare_pool)))
    count = conn.execute("select max(rowid) from paragraphs").fetchone()[0]
    phrases = []
    while len(phrases) < per_kind:
        row = conn.execute("select text from paragraphs where rowid = ?", [rng.randint(1, count)]).fetchone()
        words = re.findall(r"[A-Za-z]{4,}", row[0] if row else "")
        if len(words) >= 2:
            i = rng.randrange(len(words) - 1)
            phrases.append(f'"{words[i]} {words[i + 1]}"')
    either = [f"{rng.choice(frequent)} OR {rng.choice(rare)}" for _ in range(per_kind)]
    conn.close()
    return {"frequent word": frequent, "rare word": rare, "phrase": phrases, "OR": either}


async def time_canned(ds, query: str, params: dict[str, str]) -> float:
    start = time.perf_counter()
    response = await ds.client.get(f"/archive/{query}.json", params={**params, "_shape": "array"})
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"{query} {params}: {response.status_code} {response.text[:200]}")
    return elapsed


def time_plain(db_path: Path, sql: str, q: str) -> float:
    from archive.search import to_fts_query

    conn = sqlite3.connect(db_path)
    conn.create_function("fts_query", 1, to_fts_query)
    start = time.perf_counter()
    conn.execute(sql, {"q": q}).fetchall()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def bench_search(report: Report, db_path: Path, mix: dict[str, list[str]]) -> None:
    ds = make_datasette(db_path)
    rows = []
    for query, plain in (("search_articles", PLAIN_ARTICLES), ("search_paragraphs", PLAIN_PARAGRAPHS)):
        every, every_plain = [], []
        for kind, qs in mix.items():
            times = [asyncio.run(time_canned(ds, query, {"q": q})) for q in qs]
            plain_times = [time_plain(db_path, plain, q) for q in qs]
            every += times
            every_plain += plain_times
            rows.append([f"`{query}`", kind, len(qs), ms(pct(times, 0.5)), ms(pct(times, 0.95)), ms(max(times)),
                         ms(pct(plain_times, 0.5)), ms(pct(plain_times, 0.95))])
        rows.append([f"`{query}`", "**all**", len(every), ms(pct(every, 0.5)), f"**{ms(pct(every, 0.95))}**",
                     ms(max(every)), ms(pct(every_plain, 0.5)), ms(pct(every_plain, 0.95))])
    report.table(
        ["query", "kind", "n", "p50 ms", "p95 ms", "max ms", "plain p50 ms", "plain p95 ms"], rows
    )


def bench_entity_pages(report: Report, db_path: Path, names: int) -> None:
    conn = sqlite3.connect(db_path)
    top = [r[0] for r in conn.execute(
        "select name from entities where type != 'DATE' order by mention_count desc limit ?", [names // 2])]
    rest = [r[0] for r in conn.execute(
        "select name from entities where type != 'DATE' order by random() limit ?", [names - len(top)])]
    conn.close()
    ds = make_datasette(db_path)
    rows = []
    for query in ("entity_articles", "cooccurring_entities", "entity_timeline"):
        times = [asyncio.run(time_canned(ds, query, {"name": name})) for name in top + rest]
        rows.append([f"`{query}`", len(times), ms(pct(times, 0.5)), f"**{ms(pct(times, 0.95))}**", ms(max(times))])
    report.table(["query", "names", "p50 ms", "p95 ms", "max ms"], rows)


# Load ---------------------------------------------------------------------


def bench_load(report: Report, db_path: Path, mix: dict[str, list[str]], clients: int, seconds: float) -> None:
    import socket

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "archive", "serve", "--db", str(db_path), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    queries = [q for qs in mix.values() for q in qs]

    async def run() -> tuple[list[float], int, int]:
        latencies: list[float] = []
        errors = 0
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            for _ in range(300):
                try:
                    if (await client.get("/archive/articles.json?_size=1")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.2)
            deadline = time.perf_counter() + seconds

            async def worker(n: int) -> None:
                nonlocal errors
                rng = random.Random(n)
                while time.perf_counter() < deadline:
                    query = rng.choice(["search_articles", "search_paragraphs"])
                    start = time.perf_counter()
                    try:
                        response = await client.get(f"/archive/{query}.json", params={"q": rng.choice(queries)})
                        ok = response.status_code == 200
                    except httpx.HTTPError:
                        ok = False
                    latencies.append(time.perf_counter() - start)
                    errors += not ok

            await asyncio.gather(*(worker(n) for n in range(clients)))
        return latencies, errors, len(latencies)

    try:
        latencies, errors, total = asyncio.run(run())
    finally:
        server.terminate()
        server.wait(timeout=30)
    report.table(
        ["clients", "seconds", "requests", "errors", "requests/s", "p50 ms", "p99 ms"],
        [[clients, f"{seconds:.0f}", total, f"**{errors}**", f"{total / seconds:.1f}", ms(pct(latencies, 0.5)),
          f"**{ms(pct(latencies, 0.99))}**"]],
    )


def bench_size(report: Report, db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    text = conn.execute(
        "select sum(length(cast(title as blob)) + length(cast(body as blob))) from articles").fetchone()[0]
    articles, paragraphs = (conn.execute(f"select count(*) from {t}").fetchone()[0] for t in ("articles", "paragraphs"))
    conn.close()
    size = sum(p.stat().st_size for p in (db_path, Path(f"{db_path}-wal")) if p.exists())
    report.table(
        ["articles", "paragraphs", "clean text (title + body, UTF-8)", "database file", "ratio"],
        [[f"{articles:,}", f"{paragraphs:,}", f"{text / 1e6:.0f} MB", f"{size / 1e6:.0f} MB", f"**{size / text:.2f}**"]],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", type=Path, default=Path("/tmp/archive-bench"))
    parser.add_argument("--articles", type=int, default=200_000, help="the search archive's size")
    parser.add_argument("--import-articles", type=int, default=10_000)
    parser.add_argument("--entity-articles", type=int, default=1_000)
    parser.add_argument("--queries", type=int, default=40, help="queries of each kind")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    command = "make bench  # python -m bench.run " + " ".join(sys.argv[1:])
    report = Report()
    report.add("# Benchmarks")
    report.add()
    report.add(f"Written by `make bench` (`bench/run.py`); every ratio is measured side by side in this one run.")
    report.add()
    report.add("```console")
    report.add(f"$ {command}")
    report.add("```")
    report.add()
    for line in machine():
        report.add(line)
    report.add()

    started = time.perf_counter()
    stories = load_stories()
    files = generate(args.work / "corpus", args.articles, stories=stories)
    report.add(f"Corpus: {len(files):,} generated articles (`bench/corpus.py`: BBC text in the seeds' boilerplate).")
    report.add()

    report.add("## Import")
    report.add()
    for path in args.work.glob("import-*.db*"):
        path.unlink()
    bench_import(report, files[: args.import_articles], args.work)
    for path in args.work.glob("entities-*.db*"):
        path.unlink()
    bench_entities(report, files[: args.entity_articles], args.work)

    big = args.work / f"search-{args.articles}.db"
    if not big.exists():
        start = time.perf_counter()
        db = store.open_db(big)
        ingest.import_files(db, files, load_rules())
        db.close()
        report.add(f"The {args.articles:,}-article archive imported in {time.perf_counter() - start:.0f} s.")
        report.add()
    report.add("## Size")
    report.add()
    bench_size(report, big)

    report.add(f"## Search at {args.articles:,} articles")
    report.add()
    report.add("Through Datasette's JSON API, in process. The plain columns run the same search as one")
    report.add("`ORDER BY bm25(...) LIMIT 101` query with highlights and snippets, straight on sqlite3:")
    report.add("SQLite's top-N sort already keeps it from building a snippet for every match.")
    report.add()
    mix = query_mix(big, args.queries)
    bench_search(report, big, mix)

    report.add(f"## Entity pages ({args.entity_articles:,} articles with entities)")
    report.add()
    bench_entity_pages(report, args.work / "entities-ours.db", args.queries)

    report.add("## Under load")
    report.add()
    report.add(f"{args.clients} clients, each sending the next search as soon as the last returns, to `archive serve`.")
    report.add()
    bench_load(report, big, mix, args.clients, args.seconds)
    report.add(f"Whole run: {time.perf_counter() - started:.0f} s.")
    args.out.write_text("\n".join(report.lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

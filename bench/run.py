"""``make bench``: the archive's speed, memory and size, each beside its baseline
measured in the same run, written to BENCHMARKS.md."""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import os
import platform
import random
import re
import shutil
import statistics
import sqlite3 as stdlib_sqlite3  # its SQLite has the dbstat table, for the size breakdown
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from archive import entities, ingest, store
from archive.language import stopwords
from archive.clean import load_rules
from archive.serve import make_datasette
from archive.sqlite import sqlite3

from . import cleaning, dates
from .corpus import generate, load_stories

ROOT = Path(__file__).resolve().parent.parent
# The imports without entities take seconds: each is timed this many times.
IMPORT_RUNS = 3
# The import with entities against the bare model, each timed this many times, interleaved.
ENTITY_RUNS = 3
# Words too common to be worth a search (jusText's English function words): the
# frequent-word queries are the most frequent of the rest, which is what makes them slow.
STOPWORDS = stopwords("English")
# A pasted passage is a paragraph of the archive of at least this many words, up to 2,000 characters.
PASTED_MIN_WORDS = 30
PASTED_MAX_CHARS = 2000
# The search as a Datasette user would first write it: ORDER BY rank over the
# full-text match, with highlights, snippets and the page's LIMIT.
PLAIN_ARTICLES = (
    "select articles.id, highlight(articles_fts, 1, char(57344), char(57345)) as title, articles.published,"
    " snippet(articles_fts, 0, char(57344), char(57345), '…', 24) as snippet, rank"
    " from articles_fts join articles on articles.id = articles_fts.rowid"
    " where articles_fts match fts_query(:q) and rank match 'bm25(1.0, 10.0)' order by rank limit 101"
)
PLAIN_PARAGRAPHS = (
    "select paragraphs.article_id, articles.title, highlight(paragraphs_fts, 0, char(57344), char(57345)), rank"
    " from paragraphs_fts join paragraphs on paragraphs.id = paragraphs_fts.rowid"
    " join articles on articles.id = paragraphs.article_id"
    " where paragraphs_fts match fts_query(:q) order by rank limit 101"
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
        f"SQLite {sqlite3.sqlite_version} (module {sqlite3.__name__}; the standard library's is "
        f"{stdlib_sqlite3.sqlite_version})",
    ]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


# Import throughput ---------------------------------------------------------


def bare_loop(db_path: Path, rows: list[tuple[str, str, str, list[str]]]) -> float:
    """The floor any importer pays: the same titles and paragraphs into the same
    tables, and the same bodies into the same FTS5 indexes (the paragraphs'
    by their trigger), one transaction, no work on the text. Returns seconds."""
    for path in db_path.parent.glob(db_path.name + "*"):
        path.unlink()
    db = store.open_db(db_path)
    conn = db.conn
    start = time.perf_counter()
    conn.execute("BEGIN")
    for digest, title, body, paragraphs in rows:
        article_id = conn.execute(
            "INSERT INTO articles (digest, title, path, word_count, imported_at, pipeline)"
            " VALUES (?, ?, ?, 0, '', '')", [digest, title, digest],
        ).lastrowid
        conn.executemany(
            "INSERT INTO paragraphs (article_id, position, text) VALUES (?, ?, ?)",
            [(article_id, i, text) for i, text in enumerate(paragraphs, start=1)],
        )
        conn.execute("INSERT INTO articles_fts (rowid, body, title) VALUES (?, ?, ?)", [article_id, body, title])
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    db.close()
    return elapsed


def stored_texts(db) -> list[tuple[str, str, str, list[str]]]:
    paragraphs: dict[int, list[str]] = {}
    for article_id, text in db.execute("select article_id, text from paragraphs order by article_id, position"):
        paragraphs.setdefault(article_id, []).append(text)
    return [(d, t, b, paragraphs[i]) for i, d, t, b in db.execute(
        "select t.id, a.digest, t.title, t.body from article_texts t join articles a on a.id = t.id order by t.id")]


@dataclass
class Run:
    seconds: float
    peak_mb: float  # the largest total resident memory of the import and its workers
    output: str


def rss_kb(pid: int) -> int:
    try:
        return int(re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text()).group(1))
    except (OSError, AttributeError):
        return 0


def run_import(files_from: Path | None, db_path: Path, *options: str) -> Run:
    """``archive import`` as a user runs it, in its own process; memory sampled
    every 50 ms over the process and its workers."""
    for path in db_path.parent.glob(db_path.name + "*"):
        path.unlink()
    start = time.perf_counter()
    sources = [str(files_from)] if files_from is not None else []
    process = subprocess.Popen(
        [sys.executable, "-m", "archive", "import", *sources, "--db", str(db_path), *options],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, sum(map(rss_kb, process_tree(process.pid))))
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    out, err = process.communicate()
    # A file rejected is said in the summary line the report shows; anything else stops the run.
    if process.returncode != 0 and not (process.returncode == 1 and " rejected " in out):
        raise RuntimeError(f"archive import {options}: {err[-500:]}")
    return Run(seconds, peak / 1024, out.strip())


def process_tree(pid: int) -> list[int]:
    """A process and its descendants: workers are forked by a server the import starts."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        kids = map(int, children.read_text().split())
    except OSError:  # gone, or no /proc
        return [pid]
    return [pid, *(p for kid in kids for p in process_tree(kid))]


def subset(files: list[Path], folder: Path) -> Path:
    """A folder of links to the first files: the command line takes a folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, path in enumerate(files):
        link = folder / f"{i:07}.txt"
        if not link.exists():
            link.symlink_to(path)
    return folder


def bench_import(report: Report, files: list[Path], work: Path) -> None:
    folder = subset(files, work / f"first-{len(files)}")
    ones, twos, bares = [], [], []
    for _ in range(IMPORT_RUNS):  # interleaved, so that a noisy moment costs each side alike
        ones.append(run_import(folder, work / "import-ours.db", "--no-entities"))
        twos.append(run_import(folder, work / "import-jobs2.db", "--no-entities", "--jobs", "2"))
        if not bares:
            db = store.open_db(work / "import-ours.db")
            rows = stored_texts(db.conn)
            db.close()
        bares.append(bare_loop(work / "import-bare.db", rows))
    one, two = (Run(statistics.median(r.seconds for r in runs), max(r.peak_mb for r in runs), runs[0].output)
                for runs in (ones, twos))
    bare = statistics.median(bares)
    paragraphs = sum(len(r[3]) for r in rows)
    n = len(files)
    report.add(f"### Import without entities ({n:,} articles, {paragraphs:,} paragraphs)")
    report.add()
    report.add("`archive import` runs as a user runs it, in its own process (start-up included); peak memory is")
    report.add("the largest total resident memory of the import and its workers, sampled every 50 ms.")
    report.add(f"Each of the three ran {IMPORT_RUNS} times, interleaved; the medians are shown, and every run's seconds:")
    report.add(f"one process {', '.join(f'{r.seconds:.1f}' for r in ones)}; `--jobs 2` "
               f"{', '.join(f'{r.seconds:.1f}' for r in twos)}; bare loop {', '.join(f'{b:.1f}' for b in bares)}.")
    report.add()
    report.table(
        ["", "seconds", "articles/s", "vs bare loop", "peak MB"],
        [
            ["`archive import --no-entities` (read, clean, parse, store)", f"{one.seconds:.1f}",
             f"{n / one.seconds:.0f}", f"**{bare / one.seconds:.2f}**", f"{one.peak_mb:.0f}"],
            ["`archive import --no-entities --jobs 2`", f"{two.seconds:.1f}", f"{n / two.seconds:.0f}",
             f"**{bare / two.seconds:.2f}**", f"{two.peak_mb:.0f}"],
            ["bare sqlite3 loop (same rows, same FTS5 indexes)", f"{bare:.1f}", f"{n / bare:.0f}", "1.00", ""],
        ],
    )
    report.add(f"`--jobs 2` against one process: **{one.seconds / two.seconds:.2f}×**.")
    report.add()


def write_manifest(files: list[Path], path: Path) -> None:
    """A row for every file, as a scraper writes one: its address, date and source."""
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["path", "url", "published", "source"])
        for n, file in enumerate(files):
            day = dt.date(2018, 1, 1) + dt.timedelta(days=n % 365)
            out.writerow([os.path.relpath(file, path.parent), f"https://news.example.org/{day:%Y/%m/%d}/story-{n}",
                          day.isoformat(), ("SouthFront", "Asharq Al-Awsat", "Reuters")[n % 3]])


def bench_manifest(report: Report, files: list[Path], work: Path, without: Run) -> None:
    """The same import as the one before it, with a manifest naming every file."""
    manifest = work / "manifest.csv"
    write_manifest(files, manifest)
    with_manifest = run_import(None, work / "manifest.db", "--manifest", str(manifest), "--no-entities",
                               "--jobs", "2")
    report.add(f"With a manifest of {len(files):,} rows (`--manifest`, every file's address, date and source),")
    report.add("the same import, just after it:")
    report.add()
    report.table(
        ["", "seconds", "articles/s", "ratio", "peak MB"],
        [
            ["`archive import DIR --no-entities --jobs 2`", f"{without.seconds:.0f}",
             f"{len(files) / without.seconds:.0f}", "1.00", f"{without.peak_mb:.0f}"],
            ["`archive import --manifest FILE --no-entities --jobs 2`", f"{with_manifest.seconds:.0f}",
             f"{len(files) / with_manifest.seconds:.0f}", f"**{with_manifest.seconds / without.seconds:.2f}**",
             f"{with_manifest.peak_mb:.0f}"],
        ],
    )
    report.add(f"`{with_manifest.output}`")
    report.add()
    (work / "manifest.db").unlink()


def bench_entities(report: Report, files: list[Path], work: Path) -> None:
    ruleset = load_rules()
    nlp = entities.load_model()
    aliases = entities.load_aliases()
    prepared = store.open_db(work / "entities-texts.db")
    ingest.import_files(prepared, files, ruleset)
    texts = [p for row in stored_texts(prepared.conn) for p in row[3]]
    prepared.close()
    bares, ourses = [], []
    for _ in range(ENTITY_RUNS):  # interleaved, so that a noisy moment costs each side alike
        start = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=64):
            pass
        bares.append(time.perf_counter() - start)
        for path in work.glob("entities-ours.db*"):
            path.unlink()
        db = store.open_db(work / "entities-ours.db")
        extractor = entities.Extractor(nlp, aliases)  # its cache of pieces as cold as the first time
        start = time.perf_counter()
        ingest.import_files(db, files, ruleset, extractor=extractor)
        ourses.append(time.perf_counter() - start)
        db.close()
    bare, ours = statistics.median(bares), statistics.median(ourses)
    folder = subset(files, work / f"first-{len(files)}")
    one = run_import(folder, work / "entities-jobs1.db")
    two = run_import(folder, work / "entities-jobs2.db", "--jobs", "2")
    n = len(files)
    report.add(f"### Import with entities ({n:,} articles, {len(texts):,} paragraphs)")
    report.add()
    report.add("One process, in process against the bare model loop (the model loaded before either clock starts).")
    report.add(f"Each ran {ENTITY_RUNS} times, interleaved; the medians are shown, and every run's seconds: the import"
               f" {', '.join(f'{s:.1f}' for s in ourses)}; bare {', '.join(f'{s:.1f}' for s in bares)}.")
    report.add()
    report.table(
        ["", "seconds", "articles/s", "ratio"],
        [
            ["`ingest.import_files` with the extractor (read, clean, parse, extract, store, link)",
             f"{ours:.1f}", f"{n / ours:.1f}", f"**{bare / ours:.2f}**"],
            [f"bare `nlp.pipe` over the paragraphs, pipes {nlp.pipe_names}", f"{bare:.1f}", f"{n / bare:.1f}", "1.00"],
        ],
    )
    report.add("`archive import` as a user runs it, one process against two workers (model loading included):")
    report.add()
    report.table(
        ["", "seconds", "articles/s", "speed-up", "peak MB"],
        [
            ["`archive import`", f"{one.seconds:.1f}", f"{n / one.seconds:.1f}", "1.00", f"{one.peak_mb:.0f}"],
            ["`archive import --jobs 2`", f"{two.seconds:.1f}", f"{n / two.seconds:.1f}",
             f"**{one.seconds / two.seconds:.2f}×**", f"{two.peak_mb:.0f}"],
        ],
    )


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
    pasted = []
    while len(pasted) < per_kind:
        row = conn.execute("select text from paragraphs where rowid = ?", [rng.randint(1, count)]).fetchone()
        if row and len(row[0].split()) >= PASTED_MIN_WORDS and len(row[0]) <= PASTED_MAX_CHARS:
            pasted.append(row[0])
    conn.close()
    return {"frequent word": frequent, "rare word": rare, "phrase": phrases, "OR": either, "pasted paragraph": pasted}


async def first_holds(ds, query: str, q: str) -> bool:
    """Whether the first result of a pasted paragraph holds it (the corpus
    draws its paragraphs from the BBC stories, so several articles may)."""
    response = await ds.client.get(f"/archive/{query}.json", params={"q": q, "_shape": "array"})
    rows = response.json()
    if not rows:
        return False
    article = rows[0].get("article_id") or rows[0].get("id")
    db = ds.get_database("archive")
    found = await db.execute("select 1 from paragraphs where article_id = ? and text = ?", [article, q])
    return bool(found.rows)


async def time_canned(ds, query: str, params: dict[str, str]) -> tuple[float, bool]:
    """(seconds, answered): a query stopped by Datasette's time limit counts at
    the time it took to stop; any other failure stops the benchmark."""
    start = time.perf_counter()
    response = await ds.client.get(f"/archive/{query}.json", params={**params, "_shape": "array"})
    elapsed = time.perf_counter() - start
    timed_out = response.status_code == 400 and "took too long" in response.text
    if response.status_code != 200 and not timed_out:
        raise RuntimeError(f"{query} {params}: {response.status_code} {response.text[:200]}")
    return elapsed, not timed_out


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
            answers = [asyncio.run(time_canned(ds, query, {"q": q})) for q in qs]
            if not all(answered for _, answered in answers):
                raise RuntimeError(f"{query}: a {kind} search ran over Datasette's time limit")
            times = [seconds for seconds, _ in answers]
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
    pasted = mix["pasted paragraph"]
    first = {query: sum(asyncio.run(first_holds(ds, query, q)) for q in pasted)
             for query in ("search_articles", "search_paragraphs")}
    report.add()
    report.add(f"A pasted paragraph ({PASTED_MIN_WORDS} words to {PASTED_MAX_CHARS:,} characters) finds an article"
               f" holding it first: `search_articles` {first['search_articles']} of {len(pasted)},"
               f" `search_paragraphs` {first['search_paragraphs']} of {len(pasted)}.")
    report.add()


class ModelOncePerText:
    """The model, run once per distinct text: the generated corpus reuses
    the BBC paragraphs, so a 200,000-article archive gets the real model's
    entities in minutes instead of hours. Only what the extractor reads of a
    Doc is kept: its entities."""

    def __init__(self, nlp) -> None:
        self.nlp = nlp
        self.meta = nlp.meta
        self.pipe_names = nlp.pipe_names
        self.docs: dict[str, SimpleNamespace] = {}

    def pipe(self, texts, batch_size: int = 64):
        texts = list(texts)
        new = [t for t in dict.fromkeys(texts) if t not in self.docs]
        for text, doc in zip(new, self.nlp.pipe(new, batch_size=batch_size)):
            self.docs[text] = SimpleNamespace(ents=tuple(
                SimpleNamespace(label_=e.label_, start_char=e.start_char, end_char=e.end_char, text=e.text)
                for e in doc.ents))
        return (self.docs[text] for text in texts)

    def __call__(self, text: str) -> SimpleNamespace:
        return next(self.pipe([text]))


def add_entities(report: Report, source: Path, db_path: Path) -> None:
    """A copy of the search archive, with every article's entities extracted and linked."""
    for path in db_path.parent.glob(db_path.name + "*"):
        path.unlink()
    conn = stdlib_sqlite3.connect(source)
    conn.execute("pragma wal_checkpoint(truncate)")
    conn.close()
    shutil.copyfile(source, db_path)
    model = ModelOncePerText(entities.load_model())
    extractor = entities.Extractor(model, entities.load_aliases())
    db = store.open_db(db_path)
    start = time.perf_counter()
    result = ingest.reannotate(db, extractor)
    seconds = time.perf_counter() - start
    db.close()
    report.add(f"The search archive with entities: `ingest.reannotate` (what `archive entities` runs) in {seconds:.0f} s,")
    report.add(f"the model run once on each of {len(model.docs):,} distinct texts (paragraphs, and the names it"
               " looks at again; `ModelOncePerText`):")
    report.add(f"{result.mentions:,} mentions of {result.entities:,} entities; database file "
               f"{db_path.stat().st_size / 1e6:,.0f} MB.")
    report.add()


def relink(report: Report, db_path: Path) -> None:
    """A kept archive with entities linked by this version's rules (at once
    when they are its own), so that the ten files after measure their own change."""
    db = store.open_db(db_path)
    start = time.perf_counter()
    with store.transaction(db):
        summary = entities.link(db, entities.load_aliases())
    seconds = time.perf_counter() - start
    db.close()
    report.add(f"Its entities linked by this version's rules first: {seconds:.0f} s, {summary.mentions:,} mentions"
               f" of {summary.entities:,} entities.")
    report.add()


def bench_ten_more(report: Report, db_path: Path, stories, start: int, work: Path) -> None:
    """Ten new files imported with entities into the large archive: the whole
    import beside its extraction alone, and the linking it runs."""
    from .corpus import article

    conn = stdlib_sqlite3.connect(db_path)
    start += conn.execute("SELECT count(*) FROM articles").fetchone()[0]  # new to an archive kept from a run before
    conn.close()
    folder = work / "ten-more"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for n in range(start, start + 10):
        path = folder / f"{n:07}.txt"
        path.write_text(article(stories, n, seed=1), encoding="utf-8")
        files.append(path)
    ruleset = load_rules()
    extractor = entities.Extractor(entities.load_model(), entities.load_aliases())
    paragraphs = [ingest.prepare(path, ruleset).article.paragraphs for path in files]
    extractor.extract(paragraphs)  # the model warmed up, as the import finds it
    start_extract = time.perf_counter()
    extractor.extract(paragraphs)
    extraction = time.perf_counter() - start_extract
    linked: list[float] = []
    real_link = entities.link

    def timed_link(*args, **kwargs):
        begun = time.perf_counter()
        try:
            return real_link(*args, **kwargs)
        finally:
            linked.append(time.perf_counter() - begun)

    entities.link = timed_link
    try:
        db = store.open_db(db_path)
        begun = time.perf_counter()
        summary = ingest.import_files(db, files, ruleset, extractor=extractor)
        total = time.perf_counter() - begun
        db.close()
    finally:
        entities.link = real_link
    report.add(f"Ten more files imported with entities into it (`ingest.import_files`: {summary}): {total:.1f} s in all,")
    report.add(f"of which their extraction alone takes {extraction:.1f} s; beyond it **{total - extraction:.1f} s**,"
               f" the linking {sum(linked):.2f} s.")
    report.add()


def bench_entity_pages(report: Report, db_path: Path, names: int) -> None:
    conn = sqlite3.connect(db_path)
    top = [r[0] for r in conn.execute(
        "select name from entities where type != 'DATE' order by mention_count desc limit ?", [names // 2])]
    rest = [r[0] for r in conn.execute(
        "select name from entities where type != 'DATE' order by random() limit ?", [names - len(top)])]
    conn.close()
    ds = make_datasette(db_path)
    limit = ds.setting("sql_time_limit_ms")
    rows = []
    for query in ("entity_articles", "cooccurring_entities", "entity_timeline"):
        answers = [asyncio.run(time_canned(ds, query, {"name": name})) for name in top + rest]
        times = [t for t, _ in answers]
        over = sum(not ok for _, ok in answers)
        rows.append([f"`{query}`", len(times), ms(pct(times, 0.5)), f"**{ms(pct(times, 0.95))}**", ms(max(times)),
                     f"**{over}**"])
    report.table(["query", "names", "p50 ms", "p95 ms", "max ms", f"over Datasette's {limit} ms limit"], rows)


def bench_pages(report: Report, db_path: Path, mix: dict[str, list[str]], n: int) -> None:
    """Every page of the reading room as a browser asks for it (HTML), p95 over
    ``n`` of each, the parameters drawn from the archive."""
    conn = sqlite3.connect(db_path)
    articles = [r[0] for r in conn.execute("select id from articles order by random() limit ?", [n])]
    named = [r[0] for r in conn.execute(
        "select id from entities where type != 'DATE' order by mention_count desc limit ?", [n // 2])]
    named += [r[0] for r in conn.execute(
        "select id from entities where type != 'DATE' order by random() limit ?", [n - len(named)])]
    people = [r[0] for r in conn.execute(
        "select name from entities where type = 'PERSON' order by mention_count desc limit 20")]
    conn.close()
    rng = random.Random(0)
    words = mix["frequent word"] + mix["rare word"]
    pages = {
        "home `/`": ["/"] * n,
        "search `/archive/search_articles?q=`": [f"/archive/search_articles?q={q}" for q in words[:n]],
        "search, page 5, by date": [f"/archive/search_articles?q={q}&sort=date&page=5" for q in mix["frequent word"][:n]],
        "paragraphs `/archive/search_paragraphs?q=`": [f"/archive/search_paragraphs?q={q}" for q in words[:n]],
        "article `/archive/articles/ID`": [f"/archive/articles/{a}" for a in articles],
        "article with marks `?q=`": [f"/archive/articles/{a}?q={rng.choice(words)}" for a in articles],
        "entity `/archive/entities/ID`": [f"/archive/entities/{e}" for e in named],
        "names `/archive/top_entities?type=PERSON`": ["/archive/top_entities?type=PERSON"] * n,
        "naming both `/archive/articles_naming_both`": [
            f"/archive/articles_naming_both?a={rng.choice(people)}&b={rng.choice(people)}" for _ in range(n)],
    }
    ds = make_datasette(db_path)

    async def get(path: str) -> float:
        start = time.perf_counter()
        response = await ds.client.get(path)
        elapsed = time.perf_counter() - start
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code} {response.text[:200]}")
        return elapsed

    rows = []
    for name, paths in pages.items():
        times = [asyncio.run(get(path)) for path in paths]
        rows.append([name, len(times), ms(pct(times, 0.5)), f"**{ms(pct(times, 0.95))}**", ms(max(times))])
    report.table(["page (HTML)", "n", "p50 ms", "p95 ms", "max ms"], rows)
    report.add()


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
    conn = stdlib_sqlite3.connect(db_path)
    text = conn.execute(
        "select sum(length(cast(title as blob)) + length(cast(body as blob))) from article_texts").fetchone()[0]
    articles, paragraphs = (conn.execute(f"select count(*) from {t}").fetchone()[0] for t in ("articles", "paragraphs"))
    size = sum(p.stat().st_size for p in (db_path, Path(f"{db_path}-wal")) if p.exists())
    report.table(
        ["articles", "paragraphs", "clean text (title + body, UTF-8)", "database file", "ratio"],
        [[f"{articles:,}", f"{paragraphs:,}", f"{text / 1e6:.0f} MB", f"{size / 1e6:.0f} MB", f"**{size / text:.2f}**"]],
    )
    try:
        parts = conn.execute(
            "select name, sum(pgsize), sum(unused) from dbstat group by name order by 2 desc").fetchall()
    except stdlib_sqlite3.OperationalError:  # a SQLite built without dbstat
        parts = []
    conn.close()
    if parts:
        report.add("Where the bytes are (SQLite's dbstat; the largest objects):")
        report.add()
        report.table(["table or index", "MB", "unused MB", "× clean text"],
                     [[f"`{name}`", f"{size / 1e6:.0f}", f"{unused / 1e6:.0f}", f"{size / text:.2f}"]
                      for name, size, unused in parts[:12]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", type=Path, default=Path("/tmp/archive-bench"))
    parser.add_argument("--articles", type=int, default=200_000, help="the search archive's size")
    parser.add_argument("--import-articles", type=int, default=10_000)
    parser.add_argument("--entity-articles", type=int, default=2_000)
    parser.add_argument("--queries", type=int, default=40, help="queries of each kind")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--reuse", action="store_true",
                        help="measure on the large archives an earlier run left in --work, brought up to this"
                             " version, instead of building them again (no manifest import)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    command = "make bench  # python -m bench.run " + " ".join(sys.argv[1:])
    report = Report()
    report.add("# Benchmarks")
    report.add()
    report.add("Written by `make bench` (`bench/run.py`); every ratio is measured side by side in this one run.")
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

    for line in cleaning.section(args.shared):
        report.add(line)
    report.add()
    report.add("## Dates and sources")
    report.add()
    report.add("`python -m bench.dates`:")
    report.add()
    report.add(dates.report(args.shared))
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
    with_entities = args.work / f"entities-{args.articles}.db"
    reused = args.reuse and big.exists() and with_entities.exists()
    if reused:
        for path in (big, with_entities):
            store.open_db(path).close()  # migrated, as `archive serve` finds it
        report.add(f"The {args.articles:,}-article archives were built by an earlier run (`--reuse`): their import,"
                   " the manifest's and the extraction of their entities are not measured again here.")
    else:
        for path in args.work.glob(f"{big.name}*"):
            path.unlink()
        built = run_import(args.work / "corpus", big, "--no-entities", "--jobs", "2")
        report.add(f"The {args.articles:,}-article archive: `archive import --no-entities --jobs 2` in "
                   f"{built.seconds:.0f} s ({args.articles / built.seconds:.0f} articles/s), peak memory "
                   f"**{built.peak_mb:.0f} MB** over the import and its workers: {built.output}.")
        report.add()
        bench_manifest(report, files, args.work, built)
    report.add("## Size")
    report.add()
    bench_size(report, big)

    report.add(f"## Search at {args.articles:,} articles")
    report.add()
    report.add("Through Datasette's JSON API, in process, with the canned queries of `metadata.yml`. The plain")
    report.add("columns run the search as one would first write it, straight on the same SQLite: `ORDER BY rank`")
    report.add("with highlights, snippets and `LIMIT 101`.")
    report.add()
    mix = query_mix(big, args.queries)
    bench_search(report, big, mix)

    report.add("## Entity pages")
    report.add()
    report.add(f"Half the names are the most mentioned, half drawn at random. On the {args.entity_articles:,}"
               " articles imported with entities above:")
    report.add()
    bench_entity_pages(report, args.work / "entities-ours.db", args.queries)
    if reused:
        relink(report, with_entities)
    else:
        add_entities(report, big, with_entities)
    report.add(f"On the {args.articles:,}-article archive with entities:")
    report.add()
    bench_entity_pages(report, with_entities, args.queries)
    bench_ten_more(report, with_entities, stories, args.articles, args.work)

    report.add("## The reading room's pages")
    report.add()
    report.add(f"Each page as a browser asks for it, through Datasette in process, on the {args.articles:,}-article")
    report.add("archive with entities; the parameters drawn from the archive (half the names the most mentioned).")
    report.add()
    bench_pages(report, with_entities, mix, args.queries)

    report.add("## Under load")
    report.add()
    report.add(f"{args.clients} clients, each sending the next search as soon as the last returns, to `archive serve`.")
    report.add()
    bench_load(report, big, mix, args.clients, args.seconds)
    report.add(f"Whole run: {time.perf_counter() - started:.0f} s.")
    args.out.write_text("\n".join(report.lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

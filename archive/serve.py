"""Stage 5: the Datasette site. A plugin (registered through the ``datasette``
entry point) that gives SQL the search translation, renders highlights safely,
and exports canned queries in full.

Installed, the plugin is loaded for every database Datasette serves; each hook
acts on the archive's database (named ``archive``) alone and leaves any other
as Datasette serves it."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import time
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

import yaml
from datasette import hookimpl
from datasette.utils import derive_named_parameters
from markupsafe import Markup, escape

from .entities import name_key
from .search import to_fts_query
from .sqlite import sqlite3
from .text import MARK_CLOSE, MARK_OPEN, unmark

if TYPE_CHECKING:
    from datasette.app import Datasette

DATABASE = "archive"
# The canned queries and table descriptions, shipped inside the package.
METADATA = files("archive").joinpath("metadata.yml")
# A full export may run far past the site's per-query time limit, but not forever.
EXPORT_TIME_LIMIT_S = 600
EXPORT_CHUNK_ROWS = 500

_EXPORT_PATH = re.compile(r"^/(?P<database>[^/]+)/(?P<query>[^/]+)\.(?P<format>csv|json)$")


def load_metadata(path: Path | Traversable = METADATA) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def make_datasette(db_path: str | Path, metadata_path: Path | Traversable = METADATA, **settings: Any) -> "Datasette":
    """The site as served: the archive database named ``archive``, read-only."""
    # Imported here: Datasette imports this module while it loads its plugins.
    from datasette.app import Datasette
    from datasette.database import Database

    ds = Datasette(metadata=load_metadata(metadata_path), settings=settings or None)
    ds.add_database(Database(ds, path=str(db_path), is_mutable=True), name=DATABASE)
    return ds


def highlight_html(value: str) -> Markup:
    """Escape first, then mark: article text can never inject markup."""
    html = str(escape(value)).replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
    unclosed = html.count("<mark>") - html.count("</mark>")
    return Markup(html + "</mark>" * max(unclosed, 0))


# The searches rank every match, and an entity's page orders every article, but
# highlights and snippets are built only for the page shown: ``:_page_rows`` in
# a canned query is PAGE_ROWS rows on a page, and every row in an export.
PAGE_ROWS_PARAMETER = "_page_rows"
PAGE_ROWS = 100
EVERY_ROW = "-1"


@hookimpl
def register_magic_parameters(datasette):
    def page(key: str, request) -> str:
        if key != "rows" or not _ours(request):
            raise KeyError(key)
        return str(PAGE_ROWS)

    return [("page", page)]


def _ours(request) -> bool:
    return request is not None and (request.url_vars or {}).get("database") == DATABASE


@hookimpl
def prepare_connection(conn, database):
    if database != DATABASE:
        return
    conn.create_function("fts_query", 1, to_fts_query, deterministic=True)
    conn.create_function("entity_key", 1, _entity_key, deterministic=True)


@hookimpl
def handle_exception(datasette, request, exception):
    """pysqlite3 reports two statements in one query as a ``Warning``, which
    Datasette takes for a crash; it is the visitor's SQL, so a 400 as with
    Python's own sqlite3."""
    database = request.path.lstrip("/").split("/")[0].split(".")[0]
    if isinstance(exception, sqlite3.Warning) and database == DATABASE:
        from datasette.handle_exception import handle_exception as default
        from datasette.views.base import DatasetteError

        return default(datasette, request, DatasetteError(str(exception), status=400))
    return None


def _entity_key(value: Any) -> str:
    return name_key(value) if isinstance(value, str) else ""


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if database != DATABASE or not isinstance(value, str):
        return None
    html = highlight_html(value) if MARK_OPEN in value else None
    keys = row.keys() if hasattr(row, "keys") else []
    if table is None and column == "entity" and "entity_id" in keys and isinstance(row["entity_id"], int):
        url = datasette.urls.row(database, "entities", str(row["entity_id"]))
        return Markup('<a href="{}">{}</a>').format(url, html or value)
    if table == "entities" and column == "name":
        url = datasette.urls.database(database) + "/entity_articles?" + urlencode({"name": value})
        return Markup('<a href="{}">{}</a>').format(url, value)
    if table is None and column == "title":
        article_id = next((row[k] for k in ("article_id", "id") if k in keys), None)
        if isinstance(article_id, int) and not isinstance(article_id, bool):
            url = datasette.urls.row(database, "articles", str(article_id))
            return Markup('<a href="{}">{}</a>').format(url, html or value)
    return html


@hookimpl
def asgi_wrapper(datasette):
    """Serve a canned query's .csv (and .json?_stream=on) with every row, streamed."""

    def wrap(app):
        async def export_app(scope, receive, send):
            if scope["type"] == "http" and scope.get("method") == "GET":
                m = _EXPORT_PATH.match(scope.get("path", ""))
                if m and m["database"] == DATABASE:
                    args = _query_args(scope)
                    wanted = m["format"] == "csv" or args.get("_stream") in ("on", "1", "true")
                    query = await _canned(datasette, m["database"], m["query"]) if wanted else None
                    if query is not None:
                        await _export(datasette, m["database"], query, args, m["format"], send)
                        return
            await app(scope, receive, send)

        return export_app

    return wrap


def _query_args(scope) -> dict[str, str]:
    return dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))


async def _canned(datasette: "Datasette", database: str, name: str) -> dict | None:
    if database not in datasette.databases:
        return None
    query = await datasette.get_canned_query(database, name, None)
    if query is None or query.get("write"):
        return None
    allowed = await datasette.permission_allowed(None, "view-query", (database, name), default=True)
    return query if allowed else None


async def _export(datasette: "Datasette", database: str, query: dict, args: dict, fmt: str, send) -> None:
    db = datasette.get_database(database)
    names = query.get("params") or await derive_named_parameters(db, query["sql"])
    params = {name: args.get(name, "") for name in names}
    if PAGE_ROWS_PARAMETER in params:
        params[PAGE_ROWS_PARAMETER] = EVERY_ROW
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue(maxsize=4)
    cancelled = False

    def put(item) -> None:
        asyncio.run_coroutine_threadsafe(queue.put(item), loop).result()

    def produce() -> None:
        deadline = time.monotonic() + EXPORT_TIME_LIMIT_S
        conn = db.connect()
        try:
            datasette._prepare_connection(conn, database)
            conn.set_progress_handler(lambda: int(cancelled or time.monotonic() > deadline), 10_000)
            cursor = conn.execute(query["sql"], params)
            put(("columns", [d[0] for d in cursor.description]))
            while rows := cursor.fetchmany(EXPORT_CHUNK_ROWS):
                put(("rows", rows))
            put(("end", None))
        except Exception as e:  # reported to the client below, never swallowed
            put(("error", e))
        finally:
            conn.close()

    producer = loop.run_in_executor(None, produce)
    kind, first = await queue.get()
    if kind == "error":
        await _send_error(send, f"{type(first).__name__}: {first}")
        await producer
        return
    columns: list[str] = first
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/json; charset=utf-8"
    await send({"type": "http.response.start", "status": 200, "headers": [
        (b"content-type", content_type.encode()),
        (b"access-control-allow-origin", b"*"),
    ]})
    writer = _CsvChunks(columns) if fmt == "csv" else _JsonChunks(columns)
    try:
        await send({"type": "http.response.body", "body": writer.start(), "more_body": True})
        while True:
            kind, payload = await queue.get()
            if kind != "rows":
                break
            await send({"type": "http.response.body", "body": writer.rows(payload), "more_body": True})
        # An error after the first row cannot change the status: the body stops short
        # (and JSON stays unterminated) so a client never mistakes it for complete.
        tail = writer.end() if kind == "end" else b""
        await send({"type": "http.response.body", "body": tail, "more_body": False})
    finally:
        cancelled = True
        while not producer.done():
            try:
                queue.get_nowait()
            except asyncio.QueueEmpty:
                await asyncio.sleep(0.01)
        await producer


async def _send_error(send, message: str) -> None:
    body = json.dumps({"ok": False, "error": message}).encode()
    await send({"type": "http.response.start", "status": 400,
                "headers": [(b"content-type", b"application/json; charset=utf-8")]})
    await send({"type": "http.response.body", "body": body})


def _plain(value: Any) -> Any:
    return unmark(value) if isinstance(value, str) else value


class _CsvChunks:
    def __init__(self, columns: list[str]):
        self.columns = columns

    def _write(self, rows) -> bytes:
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        return buffer.getvalue().encode("utf-8")

    def start(self) -> bytes:
        return self._write([self.columns])

    def rows(self, rows) -> bytes:
        return self._write([[_plain(v) for v in row] for row in rows])

    def end(self) -> bytes:
        return b""


class _JsonChunks:
    def __init__(self, columns: list[str]):
        self.columns = columns
        self.first = True

    def start(self) -> bytes:
        return b"["

    def rows(self, rows) -> bytes:
        parts = []
        for row in rows:
            parts.append(("" if self.first else ",\n") + json.dumps(dict(zip(self.columns, row)), ensure_ascii=False))
            self.first = False
        return "".join(parts).encode("utf-8")

    def end(self) -> bytes:
        return b"]\n"

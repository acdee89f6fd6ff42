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
from urllib.parse import parse_qsl, quote, urlencode

import yaml
from datasette import hookimpl
from datasette.utils import derive_named_parameters
from markupsafe import Markup, escape

from . import pages, search
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

    package = files("archive")
    ds = Datasette(
        metadata=load_metadata(metadata_path), settings=settings or None,
        template_dir=str(package / "templates"), static_mounts=[(STATIC, str(package / "static"))],
    )
    ds.add_database(Database(ds, path=str(db_path), is_mutable=True), name=DATABASE)
    ds.remove_database("_memory")  # added for a Datasette made without files: the site serves its archive alone
    _plain_tracebacks()
    return ds


def _plain_tracebacks() -> None:
    """Datasette prints each error it meets, a visitor's mistyped query among
    them, as a ``rich`` traceback with every frame's variables (when ``rich``
    is installed, as spaCy installs it): on a site open to anyone, a core's
    time spent and a console filled for each typo. The visitor gets the
    error as before; the site's own failures (500s) are still printed, as
    Python's plain traceback. The setting is the process's: ``archive serve``
    runs one site."""
    import datasette.handle_exception

    datasette.handle_exception.rich = None


def highlight_html(value: str) -> Markup:
    """Escape first, then mark: article text can never inject markup."""
    html = str(escape(value)).replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
    unclosed = html.count("<mark>") - html.count("</mark>")
    return Markup(html + "</mark>" * max(unclosed, 0))


# The searches rank every match, and an entity's page orders every article, but
# highlights and snippets are built only for the page shown: ``:_page_rows`` in
# a canned query is PAGE_ROWS rows on a page, and every row in an export;
# ``:_page_offset`` skips the pages before the one asked for (``?page=N``).
PAGE_ROWS_PARAMETER = "_page_rows"
PAGE_OFFSET_PARAMETER = "_page_offset"
# Newest first, a search with more matching paragraphs than this walks down the
# articles' dates to its page instead of joining every match to its article.
WALK_PARAMETER = "_page_walk"
WALK_ABOVE = 10_000
PAGE_ROWS = 20
EVERY_ROW = "-1"
# The site's own styles, scripts and vendored libraries, served at /archive-static/.
STATIC = "archive-static"


def page_number(value: str | None) -> int:
    """The page asked for: 1 when the value is not a page number."""
    try:
        return max(1, int(value or "1"))
    except ValueError:
        return 1


@hookimpl
def startup(datasette):
    if DATABASE in datasette.databases:
        search.warm()


@hookimpl
def register_magic_parameters(datasette):
    def page(key: str, request) -> str:
        if not _ours(request):
            raise KeyError(key)
        if key == "rows":
            return str(PAGE_ROWS)
        if key == "offset":
            return str((page_number(request.args.get("page")) - 1) * PAGE_ROWS)
        if key == "walk":
            return str(WALK_ABOVE)
        raise KeyError(key)

    return [("page", page)]


def _ours(request) -> bool:
    return request is not None and (request.url_vars or {}).get("database") == DATABASE


@hookimpl
def prepare_connection(conn, database):
    if database != DATABASE:
        return
    conn.create_function("fts_query", 1, to_fts_query, deterministic=True)
    conn.create_function("entity_key", 1, _entity_key, deterministic=True)
    conn.create_function("url_quote", 1, lambda v: quote(str(v or ""), safe=""), deterministic=True)


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
    """Serve a canned query's .csv (and .json?_stream=on) with every row,
    streamed; and start a search page's totals and facets beside its rows."""

    def wrap(app):
        async def export_app(scope, receive, send):
            if scope["type"] == "http" and scope.get("method") == "GET":
                m = _EXPORT_PATH.match(scope.get("path", ""))
                if m and m["database"] == DATABASE:
                    args = _query_args(scope)
                    wanted = m["format"] == "csv" or args.get("_stream") in ("on", "1", "true")
                    query = await _canned(datasette, m["database"], m["query"]) if wanted else None
                    if query is not None:
                        await _export(datasette, m["database"], m["query"], query, args, m["format"], send,
                                      _base_url(scope))
                        return
                page = _SEARCH_PAGE.match(scope.get("path", ""))
                if page and DATABASE in datasette.databases:
                    await _search_page(datasette, app, page["kind"], scope, receive, send)
                    return
            await app(scope, receive, send)

        return export_app

    return wrap


# A search's page as HTML, whose totals and facets are read beside its rows.
_SEARCH_PAGE = re.compile(rf"^/{DATABASE}/search_(?P<kind>articles|paragraphs)$")


async def _search_page(datasette: "Datasette", app, kind: str, scope, receive, send) -> None:
    """The totals and facets are queries of their own, as long as the rows':
    started before Datasette runs the canned query, the two run at once on
    the database's threads, and the template waits for whichever is last."""
    from datasette.utils.asgi import Request

    args = _page_args(Request(scope, receive))
    found = asyncio.create_task(pages.search(datasette.get_database(DATABASE), kind, args, page_rows=PAGE_ROWS))
    try:
        await app(dict(scope, archive_search=found), receive, send)
    finally:
        if not found.done():
            found.cancel()
        # Awaited even when the page was not rendered (an error), so that its failure is not left unread.
        await asyncio.gather(found, return_exceptions=True)


def _page_args(request) -> dict[str, str]:
    """A page's arguments as its template reads them: the first of each name."""
    return {k: request.args.get(k, "") for k in request.args}


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


def _base_url(scope) -> str:
    headers = dict(scope.get("headers") or [])
    host = headers.get(b"host", b"localhost").decode("latin-1")
    return f"{scope.get('scheme', 'http')}://{host}"


def export_name(name: str, values: list[str], fmt: str) -> str:
    """An export's file name: the query's and its parameters' (search_articles-idlib.csv)."""
    slug = "-".join(filter(None, (re.sub(r"[^\w]+", "-", v.casefold()).strip("-_") for v in values)))
    return f"{name}-{slug[:60].strip('-')}.{fmt}" if slug else f"{name}.{fmt}"


async def _export(datasette: "Datasette", database: str, name: str, query: dict, args: dict, fmt: str, send,
                  base: str) -> None:
    db = datasette.get_database(database)
    names = list(dict.fromkeys(await derive_named_parameters(db, query["sql"])))  # every one, the page's among them
    params = {name: args.get(name, "") for name in names}
    filename = export_name(name, [params[n] for n in names if not n.startswith("_")], fmt)
    if PAGE_ROWS_PARAMETER in params:
        params[PAGE_ROWS_PARAMETER] = EVERY_ROW
    if PAGE_OFFSET_PARAMETER in params:
        params[PAGE_OFFSET_PARAMETER] = "0"
    if WALK_PARAMETER in params:
        params[WALK_PARAMETER] = str(WALK_ABOVE)
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
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    await send({"type": "http.response.start", "status": 200, "headers": [
        (b"content-type", content_type.encode()),
        (b"access-control-allow-origin", b"*"),
        (b"content-disposition",
         f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}".encode("latin-1")),
    ]})
    # A spreadsheet opens UTF-8 right when the file says so with a byte order mark.
    bom = fmt == "csv" and args.get("_bom") in ("1", "on", "true")
    writer = _CsvChunks(columns, base, bom) if fmt == "csv" else _JsonChunks(columns, base)
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


def _absolute(columns: list[str], base: str):
    """A row's values as exported: highlight markers gone, page addresses whole."""
    at = columns.index("url") if "url" in columns else None

    def values(row) -> list:
        out = [_plain(v) for v in row]
        if at is not None and isinstance(out[at], str) and out[at].startswith("/"):
            out[at] = base + out[at]
        return out

    return values


class _CsvChunks:
    def __init__(self, columns: list[str], base: str = "", bom: bool = False):
        self.columns = columns
        self.values = _absolute(columns, base)
        self.bom = bom

    def _write(self, rows) -> bytes:
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        return buffer.getvalue().encode("utf-8")

    def start(self) -> bytes:
        return ("\ufeff".encode("utf-8") if self.bom else b"") + self._write([self.columns])

    def rows(self, rows) -> bytes:
        return self._write([self.values(row) for row in rows])

    def end(self) -> bytes:
        return b""


class _JsonChunks:
    def __init__(self, columns: list[str], base: str = ""):
        self.columns = columns
        self.values = _absolute(columns, base)
        self.first = True

    def start(self) -> bytes:
        return b"["

    def rows(self, rows) -> bytes:
        parts = []
        for row in rows:
            item = dict(zip(self.columns, self.values(row)))
            parts.append(("" if self.first else ",\n") + json.dumps(item, ensure_ascii=False))
            self.first = False
        return "".join(parts).encode("utf-8")

    def end(self) -> bytes:
        return b"]\n"


# --- the reading room's pages ---------------------------------------------------


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["highlight"] = lambda value: highlight_html(value) if isinstance(value, str) else value


@hookimpl
def extra_css_urls(database, datasette):
    if database in (None, DATABASE):
        return [f"/{STATIC}/archive.css"]
    return []


@hookimpl
def extra_template_vars(template, database, table, request, datasette):
    """What each page of the reading room shows beside its query's rows."""

    async def inner():
        if database not in (None, DATABASE) or request is None or DATABASE not in datasette.databases:
            return {}
        db = datasette.get_database(DATABASE)
        args = _page_args(request)
        found: dict[str, Any] = {"archive_base": f"/{DATABASE}", "static_base": f"/{STATIC}"}
        if template == "index.html":
            found["home"] = await pages.home(db)
        elif template.startswith(f"query-{DATABASE}-search_"):
            kind = template.removeprefix(f"query-{DATABASE}-search_").removesuffix(".html")
            started = request.scope.get("archive_search")
            found["found"] = await (started or pages.search(db, kind, args, page_rows=PAGE_ROWS))
        elif template == f"query-{DATABASE}-top_entities.html":
            found["browse"] = await pages.browse(db, args.get("type", ""))
        elif template == f"row-{DATABASE}-articles.html":
            found["page"] = await pages.article(db, int(request.url_vars["pks"]), args.get("q", ""))
        elif template == f"row-{DATABASE}-entities.html":
            found["page"] = await pages.entity(db, int(request.url_vars["pks"]), page_number(args.get("page")),
                                               PAGE_ROWS)
        found["page_rows"] = PAGE_ROWS
        found["page_number"] = page_number(args.get("page"))
        return found

    return inner


@hookimpl
def register_routes():
    return [(rf"^/{DATABASE}/articles/(?P<id>\d+)\.txt$", _article_text),
            (rf"^/{DATABASE}/entities/(?P<pks>\d+)$", _entity_page)]


async def _entity_page(datasette, request):
    """An entity's page, at its row's address. Datasette's row page would also
    count the rows of every table that names the entity, and a common name is
    named by a million mentions: the page shows none of those counts."""
    from datasette.utils.asgi import Response

    entity = request.url_vars["pks"]
    found = await datasette.get_database(DATABASE).execute("SELECT 1 FROM entities WHERE id = ?", [int(entity)])
    if not found.rows:
        html = await datasette.render_template(
            "error.html", {"ok": False, "error": "Entity not found", "status": 404, "title": None}, request=request)
        return Response.html(html, status=404)
    html = await datasette.render_template(
        f"row-{DATABASE}-entities.html",
        {"database": DATABASE, "table": "entities", "metadata": datasette.metadata(database=DATABASE) or {},
         "alternate_url_json": f"/{DATABASE}/entities/{entity}.json"},
        request=request, view_name="row")
    return Response.html(html)


async def _article_text(datasette, request):
    from datasette.utils.asgi import Response

    text = await pages.article_text(datasette.get_database(DATABASE), int(request.url_vars["id"]))
    if text is None:
        return Response.text("No such article\n", status=404)
    return Response.text(text, headers={"access-control-allow-origin": "*"})

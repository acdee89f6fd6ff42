"""The site on a network: bound to this machine, time-limited, and no parameter
value can make a canned query fail or write."""

import asyncio
import hashlib
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.serve import load_metadata, make_datasette

from .conftest import examples

QUERIES = load_metadata()["databases"]["archive"]["queries"]
# Text as people type it, and the characters that mean something to FTS5, SQL or HTML.
SPECIAL = st.sampled_from(['"', "-", "*", "OR", "AND", "NOT", "NEAR", "(", ")", ":", "^", "+", "'", ";", "--",
                           "%", "_", "\\", "<script>", "&amp;", "\x00", "\ue000", "\ue001", "مشاركة", "Idlib",
                           "PERSON", "PLACE", "ORG", "GPE"])
VALUES = st.one_of(st.text(max_size=200), st.lists(SPECIAL, max_size=30).map(" ".join))


def fingerprint(db_path: Path) -> list[str]:
    """The bytes of the archive and its WAL: any write would change them. (A
    reader may create an empty WAL file; only its content counts.)"""
    return [
        hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() and path.stat().st_size else "-"
        for path in (db_path, Path(f"{db_path}-wal"))
    ]


@pytest.fixture(scope="module")
def site(seeded_db_path):
    return make_datasette(seeded_db_path)


@pytest.mark.parametrize("name", sorted(QUERIES))
@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(VALUES, min_size=3, max_size=3))
def test_no_parameter_value_makes_a_canned_query_fail_or_write(site, seeded_db_path, name, values):
    names = QUERIES[name].get("params") or sorted(set(re.findall(r":([a-z]\w*)", QUERIES[name]["sql"])))
    assert names
    params = dict(zip(names, values))
    before = fingerprint(seeded_db_path)

    async def fetch():
        return await site.client.get(f"/archive/{name}.json", params={**params, "_shape": "objects"})

    response = asyncio.run(fetch())
    assert response.status_code == 200, (params, response.text)
    assert response.json()["ok"] is True
    assert fingerprint(seeded_db_path) == before


async def test_the_sql_time_limit_stays_on(site):
    settings_page = await site.client.get("/-/settings.json")
    assert settings_page.json()["sql_time_limit_ms"] == 1000
    endless = "with recursive n(x) as (select 1 union all select x + 1 from n) select count(*) from n"
    response = await site.client.get("/archive.json", params={"sql": endless})
    assert response.status_code == 400
    assert "SQL query took too long" in response.json()["error"]


async def test_arbitrary_sql_stays_read_only_even_in_a_pragma_or_function(site, seeded_db_path):
    before = fingerprint(seeded_db_path)
    for sql in [
        "select writefile('/tmp/x', 'y')",
        "select * from pragma_journal_mode('delete')",
        "select fts_query('x'), entity_key('x')",
        "with x as (select 1) insert into articles (id) select 'y' from x",
        "vacuum",
        "select load_extension('libc.so.6')",
    ]:
        response = await site.client.get("/archive.json", params={"sql": sql})
        assert response.status_code in (200, 400, 403), (sql, response.text)
    assert fingerprint(seeded_db_path) == before


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening_addresses(port: int) -> set[str]:
    """The local addresses listening on a TCP port, from the kernel's own table."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads the kernel's socket table")
@pytest.mark.slow
def test_serve_binds_to_this_machine_only_by_default(seeded_db_path):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "archive", "serve", "--db", str(seeded_db_path), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/archive/articles.json?_size=1") as r:
                    assert r.status == 200
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, server.stderr.read()
                time.sleep(0.2)
        assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1, and nothing else
    finally:
        server.terminate()
        server.wait(timeout=30)


async def test_a_visitors_bad_sql_is_answered_without_a_traceback_on_the_console(seeded_ds, capsys):
    """Datasette prints each error it meets as a traceback with every frame's
    variables (tens of kilobytes); for a visitor's mistyped query, a write or
    a query stopped at the time limit, that is a core's time and a console
    filled, on a site open to anyone."""
    endless = "with recursive n(x) as (select 1 union all select x + 1 from n) select count(*) from n"
    for sql in ["selec 1", "insert into articles (id) values ('x')", endless]:
        response = await seeded_ds.client.get("/archive.json", params={"sql": sql})
        assert response.status_code == 400, (sql, response.text)
        printed = capsys.readouterr()
        assert "Traceback" not in printed.out + printed.err, sql

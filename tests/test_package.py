"""The package as a user installs it: a wheel in a fresh environment serves an
archive with its canned queries; and the plugin, loaded for every database
Datasette serves, acts on the archive's alone."""

import csv
import io
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from archive.serve import load_metadata, make_datasette

from .conftest import ROOT, SEEDS


@pytest.mark.slow
def test_a_wheel_installed_in_a_fresh_environment_serves_the_seeds_with_its_queries(tmp_path):
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", wheels, ROOT],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert build.returncode == 0, build.stderr
    [wheel] = wheels.glob("news_archive-*.whl")
    fresh = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", fresh], check=True)
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", fresh / "bin" / "python", "install", "--quiet", "--no-deps", wheel],
        capture_output=True, text=True,
    )
    assert install.returncode == 0, install.stderr
    # The dependencies come from the project's environment, read as a plain folder
    # (its .pth files, the editable install's among them, are not run): no download.
    [site] = (fresh / "lib").glob("python3*/site-packages")
    [deps] = Path(sys.prefix, "lib").glob("python3*/site-packages")
    (site / "deps.pth").write_text(f"{deps}\n")
    python, archive = fresh / "bin" / "python", fresh / "bin" / "archive"
    where = subprocess.run([python, "-c", "import archive; print(archive.__file__)"], capture_output=True, text=True,
                           cwd=tmp_path)
    assert where.stdout.startswith(str(site)), where.stdout + where.stderr

    db_path = tmp_path / "archive.db"
    imported = subprocess.run([archive, "import", SEEDS, "--db", db_path, "--no-entities"], capture_output=True,
                              text=True, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([archive, "serve", "--db", db_path, "--port", str(port)], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                url = f"http://127.0.0.1:{port}/archive/search_articles.csv?q=Idlib"
                with urllib.request.urlopen(url) as response:
                    rows = list(csv.DictReader(io.StringIO(response.read().decode("utf-8-sig"))))
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, server.stderr.read()
                time.sleep(0.2)
        assert len(rows) == 5 and all(row["title"] for row in rows)
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def two_databases(seeded_db_path, tmp_path):
    """The archive served beside an unrelated database with a canned query of its own."""
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("create table notes (id integer primary key, text text)")
    conn.executemany("insert into notes (text) values (?)", [(f"note \ue000{i}\ue001",) for i in range(1500)])
    conn.commit()
    conn.close()
    metadata = load_metadata()
    metadata["databases"]["other"] = {"queries": {"all_notes": {"sql": "select id, text from notes"}}}
    path = tmp_path / "metadata.yml"
    import yaml

    path.write_text(yaml.safe_dump(metadata), encoding="utf-8")
    ds = make_datasette(seeded_db_path, path)
    from datasette.database import Database

    ds.add_database(Database(ds, path=str(other)), name="other")
    return ds


async def test_the_plugin_leaves_another_database_as_datasette_serves_it(two_databases):
    ds = two_databases
    # A canned query's CSV: Datasette's own, capped as Datasette caps it, no open CORS.
    ours = await ds.client.get("/archive/search_articles.csv", params={"q": "Idlib"})
    theirs = await ds.client.get("/other/all_notes.csv")
    assert ours.headers.get("access-control-allow-origin") == "*"
    assert theirs.status_code == 200 and "access-control-allow-origin" not in theirs.headers
    assert len(list(csv.reader(io.StringIO(theirs.text)))) <= 1001
    # The search functions exist on the archive's connections only.
    assert (await ds.client.get("/archive.json", params={"sql": "select fts_query('x') as q"})).status_code == 200
    response = await ds.client.get("/other.json", params={"sql": "select fts_query('x') as q"})
    assert response.status_code == 400 and "no such function" in response.json()["error"]
    # Cells are theirs: no highlighting of the archive's markers, no links to its pages.
    page = await ds.client.get("/other/notes")
    assert "<mark>" not in page.text and "/archive/articles/" not in page.text
    magic = await ds.client.get("/other.json", params={"sql": "select :_page_rows as n"})
    assert magic.status_code == 400

"""The command line: exit codes, messages, and what each command prints."""

import json
import subprocess
import sys

from click.testing import CliRunner

from archive.cli import cli

from .conftest import SEEDS, write_articles

STORY = "A headline\n\nThe story. It goes on.\n"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_import_reports_a_summary_and_exits_0(db_path):
    result = run("import", SEEDS, "--db", db_path)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"5 imported, 0 unchanged, 0 updated, 0 duplicate, 0 rejected ({db_path})\n"
    again = run("import", SEEDS, "--db", db_path)
    assert again.stdout.startswith("0 imported, 5 unchanged, 0 updated, 0 duplicate, 0 rejected")


def test_bad_files_are_reported_and_the_rest_imported(db_path, tmp_path):
    folder = tmp_path / "in"
    write_articles(folder, {"a.txt": STORY, "empty.txt": "  \n\n", "junk.txt": "0 $\n2,500 $\nShare:\n"})
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    result = run("import", folder, "--db", db_path)
    assert result.exit_code == 1
    assert result.stdout.startswith("1 imported, 0 unchanged, 0 updated, 0 duplicate, 3 rejected")
    assert result.stderr.splitlines() == [
        f"error: {folder / 'binary.txt'}: binary file, not text",
        f"error: {folder / 'empty.txt'}: only white space",
        f"error: {folder / 'junk.txt'}: no article text: every line is boilerplate",
    ]
    from archive.store import open_db

    db = open_db(db_path)
    assert db.table("articles").count == 1
    assert sorted(r["reason"] for r in db.table("import_errors").rows) == [
        "binary file, not text", "no article text: every line is boilerplate", "only white space",
    ]


def test_a_missing_path_is_a_bad_file_not_a_usage_error(db_path, tmp_path):
    result = run("import", tmp_path / "missing.txt", SEEDS, "--db", db_path)
    assert result.exit_code == 1
    assert result.stderr == f"error: {tmp_path / 'missing.txt'}: no such file (or a broken link)\n"
    assert result.stdout.startswith("5 imported,")


def test_usage_errors_exit_2(db_path, tmp_path):
    assert run("import", "--db", db_path).exit_code == 2
    bad_rules = tmp_path / "bad.yml"
    bad_rules.write_text("rules:\n  - name: x\n    pattern: '('\n", encoding="utf-8")
    result = run("import", SEEDS, "--db", db_path, "--rules", bad_rules)
    assert result.exit_code == 2
    assert "rule 'x' has a bad pattern" in result.stderr


def test_clean_prints_what_would_be_stored():
    result = run("clean", SEEDS / "004_e04ca7f6de3972df.txt")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "Title:     Russian-Turkish Coordination on Limited Idlib Battle  (headline)",
        "Published: 2018-08-10  (from metadata-line: line 3: • 8/10/2018 (read as the month the text names))",
        "Source:    -",
    ]
    dated_by_text = run("clean", SEEDS / "000_6b97b866aae4ce72.txt").stdout.splitlines()[1]
    assert dated_by_text.startswith("Published: about 2018-08-30  (from text: the text names August 30th")
    assert "Removed 7 lines:" in lines
    assert "  line    8  image-placeholder  news-picture" in lines
    data = json.loads(run("clean", "--json", SEEDS / "003_2de9e591a6f84857.txt").stdout)
    assert [r["reason"] for r in data["removed"]] == ["toolbar", "promo-link", "promo-link", "promo-link"]


def test_clean_of_a_binary_file_is_a_one_line_error(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes(b"\x00\x01\x02" * 100)
    result = run("clean", path)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {path}: binary file, not text\n"


def test_serve_without_an_archive_is_a_clear_error(tmp_path):
    result = run("serve", "--db", tmp_path / "none.db")
    assert result.exit_code == 1
    assert "no such archive" in result.stderr


def test_python_dash_m_and_console_script():
    out = subprocess.run([sys.executable, "-m", "archive", "--help"], capture_output=True, text=True, check=True)
    assert "import" in out.stdout and "clean" in out.stdout and "serve" in out.stdout

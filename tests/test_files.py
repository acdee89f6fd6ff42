"""Real collections: nested folders, links, unreadable files, thousands of files, and copies."""

import os

import pytest
from click.testing import CliRunner

from archive import ingest
from archive.cli import cli

from .conftest import SEEDS, run_archive, seed_files, without_file_privileges, write_articles

STORY = "Talks in Geneva\n\nThe envoy met Erdoğan on Monday. Fighters were killed near Idlib.\n"


def test_folders_are_searched_for_txt_files_in_a_stable_order(tmp_path):
    root = tmp_path / "collection"
    write_articles(root / "b", {"2.txt": STORY, "1.TXT": STORY, "notes.md": STORY})
    write_articles(root / "a" / "deep", {"3.txt": STORY})
    (root / "elsewhere").symlink_to(root / "a", target_is_directory=True)  # not followed
    (root / "a" / "loop").symlink_to(root, target_is_directory=True)  # a loop, not followed
    found = ingest.find_files([root])
    assert found == [root / "a" / "deep" / "3.txt", root / "b" / "1.TXT", root / "b" / "2.txt"]
    assert ingest.find_files([root, root / "b" / "2.txt"]) == found


def test_links_pipes_and_folders_named_like_articles_are_rejected_with_a_reason(fresh_db, ruleset, tmp_path):
    folder = tmp_path / "in"
    [good] = write_articles(folder, {"good.txt": STORY})
    (folder / "broken.txt").symlink_to(tmp_path / "gone.txt")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "linked.txt").symlink_to(good)
    os.mkfifo(folder / "pipe.txt")  # opening it would wait for a writer forever
    (folder / "folder.txt").mkdir()  # searched, not read
    write_articles(folder / "folder.txt", {"inner.txt": STORY.replace("Geneva", "Oslo")})
    summary = ingest.import_files(fresh_db, ingest.find_files([folder]), ruleset)
    assert (summary.imported, summary.duplicate) == (2, 1)
    assert dict(summary.rejected) == {
        str(folder / "broken.txt"): "no such file (or a broken link)",
        str(folder / "loop.txt"): "a symbolic link that loops",
        str(folder / "pipe.txt"): "not a regular file (a pipe, socket or device)",
    }
    assert {row["path"] for row in fresh_db.table("import_errors").rows} == set(dict(summary.rejected))


def test_unreadable_files_and_folders_are_reported_and_the_rest_imported(tmp_path):
    folder = tmp_path / "in"
    write_articles(folder, {"good.txt": STORY, "secret.txt": STORY.replace("Geneva", "Vienna")})
    write_articles(folder / "locked", {"inside.txt": STORY.replace("Geneva", "Oslo")})
    (folder / "secret.txt").chmod(0)
    (folder / "locked").chmod(0)
    try:
        result = run_archive(
            "import", folder, "--db", tmp_path / "archive.db", "--no-entities", preexec_fn=without_file_privileges()
        )
    finally:
        (folder / "locked").chmod(0o755)
    assert result.returncode == 1, result.stderr
    assert sorted(result.stderr.splitlines()) == [
        f"error: {folder / 'locked'}: permission denied",
        f"error: {folder / 'secret.txt'}: permission denied",
    ]
    assert result.stdout.startswith("1 imported, 0 unchanged, 0 updated, 0 duplicate, 2 rejected")


@pytest.mark.slow
def test_a_folder_of_thousands_of_files(fresh_db, ruleset, tmp_path):
    texts = {f"{i:05}.txt": f"Report {i}\n\nThe envoy met delegation {i} in Geneva on Monday.\n" for i in range(3000)}
    files = write_articles(tmp_path / "in", texts)
    summary = ingest.import_files(fresh_db, ingest.find_files([tmp_path / "in"]), ruleset)
    assert (summary.imported, summary.rejected) == (3000, [])
    assert fresh_db.table("articles").count == fresh_db.table("article_files").count == 3000
    assert ingest.import_files(fresh_db, files, ruleset).unchanged == 3000


def test_the_same_text_under_two_names_is_one_article_with_both_paths(fresh_db, ruleset, tmp_path):
    a, b = write_articles(tmp_path / "in", {"a.txt": STORY, "copy of a.txt": STORY})
    # Saved again elsewhere with Windows line ends, a byte order mark and in cp1252:
    c = tmp_path / "in" / "c.txt"
    c.write_bytes(b"\xef\xbb\xbf" + STORY.replace("\n", "\r\n").encode("utf-8"))
    summary = ingest.import_files(fresh_db, [a, b, c], ruleset)
    assert (summary.imported, summary.duplicate) == (1, 2)
    assert fresh_db.table("articles").count == fresh_db.table("articles_fts").count == 1
    [article_id] = [row[0] for row in fresh_db.execute("select id from articles")]
    assert fresh_db.execute("select path, article_id, encoding from article_files order by path").fetchall() == [
        (str(a), article_id, "utf-8"), (str(c), article_id, "utf-8-sig"), (str(b), article_id, "utf-8"),
    ]
    assert fresh_db.execute("select path from articles").fetchall() == [(str(a),)]
    assert ingest.import_files(fresh_db, [a, b, c], ruleset).unchanged == 3


def test_a_copy_keeps_the_article_when_the_first_file_changes(fresh_db, ruleset, tmp_path):
    a, b = write_articles(tmp_path / "in", {"a.txt": STORY, "b.txt": STORY})
    ingest.import_files(fresh_db, [a, b], ruleset)
    [old_id] = [row[0] for row in fresh_db.execute("select id from articles")]
    a.write_text(STORY.replace("Idlib", "Aleppo"), encoding="utf-8")
    summary = ingest.import_files(fresh_db, [a, b], ruleset)
    assert (summary.updated, summary.unchanged) == (1, 1)
    rows = dict(fresh_db.execute("select path, article_id from article_files").fetchall())
    assert rows[str(b)] == old_id and rows[str(a)] != old_id
    # The old article now names the file that still holds it.
    assert fresh_db.execute("select path from articles where id = ?", [old_id]).fetchone() == (str(b),)
    b.write_text(STORY.replace("Idlib", "Homs"), encoding="utf-8")
    ingest.import_files(fresh_db, [a, b], ruleset)
    assert fresh_db.execute("select count(*) from articles where id = ?", [old_id]).fetchone() == (0,)
    assert fresh_db.table("articles").count == fresh_db.table("article_files").count == 2
    assert fresh_db.execute("pragma foreign_key_check").fetchall() == []


def test_copies_share_one_extraction(fresh_db, ruleset, extractor, tmp_path):
    calls = []
    real = extractor.extract

    def counting(articles, titles=None):
        calls.append(len(articles))
        return real(articles, titles)

    extractor.extract = counting
    try:
        files = write_articles(tmp_path / "in", {"a.txt": STORY, "b.txt": STORY, "c.txt": STORY + "\nMore.\n"})
        ingest.import_files(fresh_db, files, ruleset, extractor=extractor)
    finally:
        del extractor.extract
    assert calls == [2]
    assert fresh_db.execute("select count(distinct article_id) from mentions").fetchone() == (2,)


def test_a_stored_article_survives_its_file_going_bad(fresh_db, ruleset, tmp_path):
    [path] = write_articles(tmp_path / "in", {"a.txt": STORY})
    ingest.import_files(fresh_db, [path], ruleset)
    before = fresh_db.execute("select * from articles").fetchall()
    path.write_bytes(bytes(range(256)) * 10)
    summary = ingest.import_files(fresh_db, [path], ruleset)
    assert summary.rejected == [(str(path), "binary file, not text")]
    assert fresh_db.execute("select * from articles").fetchall() == before
    assert [row["reason"] for row in fresh_db.table("import_errors").rows] == ["binary file, not text"]
    path.write_text(STORY, encoding="utf-8")
    assert ingest.import_files(fresh_db, [path], ruleset).unchanged == 1
    assert fresh_db.table("import_errors").count == 0


def test_max_size_option(tmp_path):
    """The seeds are 2.5 to 6.1 KB: a 4 KB limit takes the two smallest."""
    result = CliRunner().invoke(cli, ["import", str(SEEDS), "--db", str(tmp_path / "a.db"), "--no-entities",
                                      "--max-size", "0.004"])
    assert result.exit_code == 1
    assert result.stdout.startswith("2 imported, 0 unchanged, 0 updated, 0 duplicate, 3 rejected")
    big = [path for path in seed_files() if path.stat().st_size > 4000]
    assert result.stderr.splitlines() == [
        f"error: {path}: {path.stat().st_size / 1e6:.3g} MB, over the 0.004 MB limit (--max-size)" for path in big
    ]


def test_store_keeps_one_row_per_file(fresh_db, ruleset):
    ingest.import_files(fresh_db, seed_files(), ruleset)
    assert fresh_db.execute("select count(*) from article_files").fetchone() == (5,)
    assert fresh_db.execute(
        "select count(*) from articles a join article_files f on f.path = a.path and f.article_id = a.id"
    ).fetchone() == (5,)


def test_an_unexpected_fault_costs_one_file_not_the_import(fresh_db, ruleset, tmp_path, monkeypatch):
    from archive import parse

    real = parse.parse

    def fragile(cleaned, rules, given=None):
        if any("Vienna" in line.text for line in cleaned.lines):
            raise RecursionError("maximum recursion depth exceeded\nwhile parsing")
        return real(cleaned, rules, given)

    monkeypatch.setattr(ingest, "parse", fragile)
    files = write_articles(tmp_path / "in", {"a.txt": STORY, "b.txt": STORY.replace("Geneva", "Vienna")})
    summary = ingest.import_files(fresh_db, files, ruleset)
    assert summary.imported == 1
    assert summary.rejected == [
        (str(files[1]), "unexpected error: RecursionError: maximum recursion depth exceeded while parsing")
    ]
    # The traceback is kept for whoever reports the fault: it names the code that failed.
    [(reason, detail)] = fresh_db.execute("select reason, detail from import_errors").fetchall()
    assert reason.startswith("unexpected error: RecursionError")
    assert detail.startswith("Traceback (most recent call last):")
    assert "in fragile" in detail and detail.rstrip().endswith("while parsing")


def test_verbose_prints_the_traceback_of_a_fault_and_only_of_a_fault(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from archive import parse
    from archive.cli import cli

    real = parse.parse

    def fragile(cleaned, rules, given=None):
        if any("Vienna" in line.text for line in cleaned.lines):
            raise ValueError("a fault of the parser's")
        return real(cleaned, rules, given)

    monkeypatch.setattr(ingest, "parse", fragile)
    files = write_articles(tmp_path / "in", {"a.txt": STORY, "b.txt": STORY.replace("Geneva", "Vienna"), "c.txt": ""})
    args = ["import", *map(str, files), "--db", str(tmp_path / "a.db"), "--no-entities"]
    quiet = CliRunner().invoke(cli, args)
    assert quiet.exit_code == 1
    assert quiet.stderr.splitlines() == [
        f"error: {files[1]}: unexpected error: ValueError: a fault of the parser's",
        f"error: {files[2]}: empty file",
    ]
    loud = CliRunner().invoke(cli, [*args, "-v"])
    lines = loud.stderr.splitlines()
    assert lines[0] == f"error: {files[1]}: unexpected error: ValueError: a fault of the parser's"
    assert lines[1] == "Traceback (most recent call last):"
    assert lines[-2] == "ValueError: a fault of the parser's"
    assert lines[-1] == f"error: {files[2]}: empty file"  # a bad file has a reason, not a traceback

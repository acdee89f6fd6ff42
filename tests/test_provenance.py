"""Dates and sources: what stands beside the files (a manifest, --source), what
the file says of itself (an address, a date line), what the site says (its
name, its way of writing dates), and last the text; each with where it came
from, and updated alone when what is said of a file changes."""

import json
import re

import pytest
from click.testing import CliRunner

from archive import ingest, provenance, sites, store
from archive.cli import cli

from .conftest import QUICK, SEEDS, SHARED, seed_files
from .pages import STORIES, story, whole_page
from .test_sites import FOOTER, MENU

WEB_PAGES = SHARED / "corpora" / "web-pages" / "page"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def described(db, path):
    return db.execute(
        "SELECT a.title, a.title_from, a.published, a.published_from, a.source, a.source_from, a.url, a.language"
        " FROM articles a JOIN article_files f ON f.article_id = a.id WHERE f.path = ?", [str(path)]).fetchone()


def copies(tmp_path, n=3):
    """The first seeds, copied into a folder of their own."""
    folder = tmp_path / "in"
    folder.mkdir()
    paths = []
    for seed in seed_files()[:n]:
        path = folder / seed.name
        path.write_bytes(seed.read_bytes())
        paths.append(path)
    return paths


# --- a manifest -------------------------------------------------------------------------


def test_a_csv_manifest_says_each_files_address_title_date_source_and_language(fresh_db, ruleset, tmp_path):
    a, b, c = copies(tmp_path)
    manifest = tmp_path / "in" / "manifest.csv"
    manifest.write_text(
        "path,url,title,published,source,language\n"
        f"{a.name},https://southfront.org/idlib/,Idlib: the talks,2018-08-31,SouthFront,English\n"
        f"{b.name},,,2018-09-01T10:00:00Z,,\n", encoding="utf-8")
    summary = ingest.import_files(fresh_db, [c], ruleset, manifest=provenance.read_manifest(manifest))
    assert (summary.imported, summary.manifest_problems) == (3, [])  # the files it names are imported too
    assert described(fresh_db, a) == ("Idlib: the talks", "manifest", "2018-08-31", "manifest", "SouthFront",
                                      "manifest", "https://southfront.org/idlib/", "English")
    assert described(fresh_db, b)[2:4] == ("2018-09-01", "manifest")
    assert described(fresh_db, b)[4] is None  # said nothing of its source: nothing is made up
    assert described(fresh_db, c)[1] != "manifest"
    kept = fresh_db.execute("SELECT path, published, manifest FROM file_metadata ORDER BY path").fetchall()
    assert kept == [(str(a), "2018-08-31", f"{manifest}:2"), (str(b), "2018-09-01", f"{manifest}:3")]


def test_a_json_lines_manifest_and_absolute_paths(fresh_db, ruleset, tmp_path):
    a, b, _ = copies(tmp_path)
    manifest = tmp_path / "elsewhere" / "m.jsonl"
    manifest.parent.mkdir()
    manifest.write_text(json.dumps({"path": str(a), "published": "10 August 2018", "source": "Asharq Al-Awsat"})
                        + "\n\n" + json.dumps({"path": f"../in/{b.name}", "url": "https://example.org/b"}) + "\n",
                        encoding="utf-8")
    ingest.import_files(fresh_db, [], ruleset, manifest=provenance.read_manifest(manifest))
    assert described(fresh_db, a)[2:6] == ("2018-08-10", "manifest", "Asharq Al-Awsat", "manifest")
    assert described(fresh_db, b)[4:7] == ("example.org", "url", "https://example.org/b")


def test_manifest_rows_that_cannot_be_taken_are_reported_one_line_each_and_the_rest_goes_on(db_path, tmp_path):
    a, b, c = copies(tmp_path)
    manifest = tmp_path / "in" / "manifest.csv"
    manifest.write_text(
        "path,published,date\n"
        f"{a.name},2018-08-31,x\n"
        "gone.txt,2018-08-31,\n"
        f"{b.name},sometime in August,\n"
        f"{c.name},8/10/2018,\n"
        f"{a.name},2018-09-30,\n"
        ",2018-08-31,\n", encoding="utf-8")
    result = run("import", "--manifest", manifest, "--db", db_path, "--no-entities")
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert errors == [
        f"error: {manifest}: columns not known, left out: date (known: path, url, title, published, source, language)",
        f"error: {tmp_path / 'in' / 'gone.txt'}: named in the manifest ({manifest}:3), but there is no such file",
        f"error: {b}: the manifest's date 'sometime in August' ({manifest}:4) is not a complete date:"
        " the file is imported without it",
        f"error: {c}: the manifest's date '8/10/2018' ({manifest}:5) could be read with the day or the month first:"
        " the file is imported without it",
        f"error: {a}: named again in the manifest ({manifest}:6); the first row is kept",
        f"error: {manifest}:7: no path",
    ]
    assert result.stdout.startswith("3 imported, 0 unchanged, 0 updated, 0 duplicate, 0 rejected, 6 manifest problems (")
    db = store.open_db(db_path)
    assert described(db, a)[2:4] == ("2018-08-31", "manifest")
    assert described(db, b)[3] != "manifest"  # dated, if at all, by its own evidence


@pytest.mark.parametrize("text, reason", [
    ("url,title\nx,y\n", "a CSV manifest needs a header with a 'path' column"),
    (b"\xff\xfe\x00bad", "cannot read the manifest"),
])
def test_a_manifest_that_cannot_be_read_at_all_is_a_usage_error(db_path, tmp_path, text, reason):
    manifest = tmp_path / "m.csv"
    manifest.write_bytes(text if isinstance(text, bytes) else text.encode())
    result = run("import", "--manifest", manifest, "--db", db_path, "--no-entities")
    assert result.exit_code == 2 and reason in result.stderr and str(manifest) in result.stderr
    assert not db_path.exists()


def test_an_address_that_is_not_a_web_page_is_not_taken(fresh_db, ruleset, tmp_path):
    a, *_ = copies(tmp_path, 1)
    manifest = tmp_path / "m.jsonl"
    manifest.write_text(json.dumps({"path": str(a), "url": "javascript:alert(1)"}) + "\n", encoding="utf-8")
    read = provenance.read_manifest(manifest)
    assert read.problems == [(str(a), f"the manifest's address 'javascript:alert(1)' ({manifest}:1) is not a"
                                      " web page's: the file is imported without it")]
    ingest.import_files(fresh_db, [], ruleset, manifest=read)
    assert described(fresh_db, a)[6] is None


def test_the_imports_source_is_every_files_where_no_manifest_row_names_one(fresh_db, ruleset, tmp_path):
    a, b, _ = copies(tmp_path)
    manifest = tmp_path / "m.csv"
    manifest.write_text(f"path,source\n{a},Reuters\n", encoding="utf-8")
    ingest.import_files(fresh_db, [b], ruleset, manifest=provenance.read_manifest(manifest), source="My clippings")
    assert described(fresh_db, a)[4:6] == ("Reuters", "manifest")
    assert described(fresh_db, b)[4:6] == ("My clippings", "import")


def test_a_new_manifest_updates_what_it_changes_and_nothing_else(db_path, ruleset, tmp_path, fake_extractor):
    a, b, c = copies(tmp_path)
    first = tmp_path / "first.csv"
    first.write_text(f"path,published\n{a},2018-08-31\n{b},2018-09-01\n", encoding="utf-8")
    db = store.open_db(db_path)
    ingest.import_files(db, [c], ruleset, extractor=fake_extractor, manifest=provenance.read_manifest(first))
    before = {row[0]: row for row in db.execute("SELECT id, digest, title, published, pipeline, imported_at"
                                                " FROM articles")}
    mentions = db.execute("SELECT count(*), max(id) FROM mentions").fetchone()
    second = tmp_path / "second.csv"
    second.write_text(f"path,published\n{a},2018-08-29\n{b},2018-09-01\n", encoding="utf-8")
    summary = ingest.import_files(db, [c], ruleset, extractor=fake_extractor,
                                  manifest=provenance.read_manifest(second))
    assert (summary.imported, summary.updated, summary.unchanged) == (0, 1, 2)
    after = {row[0]: row for row in db.execute("SELECT id, digest, title, published, pipeline, imported_at"
                                               " FROM articles")}
    changed = [i for i in before if before[i] != after[i]]
    assert len(changed) == 1 and after[changed[0]][3] == "2018-08-29"
    assert before[changed[0]][:3] == after[changed[0]][:3]  # the same article, number and text
    assert db.execute("SELECT count(*), max(id) FROM mentions").fetchone() == mentions  # its mentions kept
    assert {p for (p,) in db.execute("SELECT DISTINCT published FROM article_entities WHERE article_id = ?",
                                     changed)} == {"2018-08-29"}
    # Imported again without a manifest, the files keep what the last one said.
    again = ingest.import_files(db, [a, b, c], ruleset, extractor=fake_extractor)
    assert (again.updated, again.unchanged) == (0, 3)
    assert described(db, a)[2:4] == ("2018-08-29", "manifest")


def test_a_copy_of_an_article_does_not_say_what_its_own_file_says(fresh_db, ruleset, tmp_path):
    a, *_ = copies(tmp_path, 1)
    manifest = tmp_path / "m.csv"
    manifest.write_text(f"path,published\n{a},2018-08-31\n", encoding="utf-8")
    ingest.import_files(fresh_db, [], ruleset, manifest=provenance.read_manifest(manifest))
    copy = tmp_path / "copy.txt"
    copy.write_bytes(a.read_bytes())
    assert ingest.import_files(fresh_db, [copy], ruleset).duplicate == 1
    assert described(fresh_db, copy)[2:4] == ("2018-08-31", "manifest")


# --- what the file says of itself ----------------------------------------------------------

ARTICLE = ("Turkey warns of an offensive\n\n{line}\n\nTurkey warned on Friday that an offensive against the"
           " province would cause a disaster, as the army prepared for an assault.\n\n"
           "The United Nations said hundreds of thousands of people could be displaced by the fighting.\n")


@pytest.mark.parametrize("line, url, source, published", [
    ("Source: https://www.reuters.com/article/us-syria/turkey-idUSKCN1LN1/", "https://www.reuters.com/article/"
     "us-syria/turkey-idUSKCN1LN1/", "reuters.com", None),
    ("Originally published at https://news.bbc.co.uk/2/hi/middle_east/2018/09/07/story.stm",
     "https://news.bbc.co.uk/2/hi/middle_east/2018/09/07/story.stm", "bbc.co.uk", "2018-09-07"),
    ("URL: <https://www.aljazeera.com/news/2018/9/7/turkey>", "https://www.aljazeera.com/news/2018/9/7/turkey",
     "aljazeera.com", "2018-09-07"),
])
def test_an_address_in_the_file_gives_its_source_and_maybe_its_date(fresh_db, ruleset, tmp_path, line, url,
                                                                    source, published):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE.format(line=line), encoding="utf-8")
    article = ingest.prepare(path, ruleset).article
    assert article.url == url
    assert (article.source, article.source_from) == (source, "url")
    assert article.published == published
    assert article.published_from == ("url" if published else None)


def test_a_dateline_names_the_agency_and_a_copyright_notice_the_publisher(ruleset, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE.format(line="By Jane Example").replace("Turkey warned", "ANKARA (Reuters) - Turkey warned")
                    + "\n© 2018 Example News Ltd. All rights reserved.\n", encoding="utf-8")
    assert ingest.prepare(path, ruleset).article.source_from == "dateline"
    path.write_text(ARTICLE.format(line="By Jane Example") + "\nMore\n\n© 2018 Example News Ltd."
                    " All rights reserved.\n", encoding="utf-8")
    article = ingest.prepare(path, ruleset).article
    assert (article.source, article.source_from) == ("Example News Ltd", "copyright-line")


def test_an_amount_in_brackets_is_no_dateline_and_gives_no_date(ruleset, tmp_path):
    """"Profit for 2004 was £15.4m ($29.4m)": a figure in brackets where an
    agency's name would be, and nothing dateparser reads there ("4m") may
    date the page the day it is imported."""
    path = tmp_path / "a.txt"
    path.write_text("Umbrella profits rise\n\nPre-tax profit for 2004 was £15.4m ($29.4m). The firm said so on"
                    " Thursday.\n\nIt expects more next year.\n", encoding="utf-8")
    article = ingest.prepare(path, ruleset).article
    assert article.published_from != "dateline"
    assert article.published is None or article.published[:4] == "2004"


def test_a_date_line_above_the_headline_dates_the_page_not_a_sidebars(ruleset, tmp_path):
    path = tmp_path / "a.txt"
    page = whole_page(story(STORIES[0]), menu=MENU + ["Latest: Council votes on budget, 2 May 2019"],
                      after_title=["By Jane Example"], comments=[], footer=FOOTER)
    title = story(STORIES[0]).title
    path.write_text(page.replace(title, f"World | 19 July 2012\n\n{title}", 1), encoding="utf-8")
    article = ingest.prepare(path, ruleset).article
    assert (article.published, article.published_from) == ("2012-07-19", "metadata-line")


# --- what the site says ---------------------------------------------------------------------


def dated_site(folder, dates, dateline_at=None):
    """Files of one site, each with its date line under the headline."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, date in enumerate(dates):
        s = story(STORIES[n % len(STORIES)])
        if n == dateline_at:
            s = type(s)(s.title, ["LONDON (Reuters) - " + s.paragraphs[0], *s.paragraphs[1:]])
        related = ["Related", f"Council to review plan number {n} for the city centre"]
        path = folder / f"{n:02}.txt"
        path.write_text(whole_page(s, menu=MENU, after_title=["By Jane Example", date], related=related,
                                   comments=[], footer=FOOTER), encoding="utf-8")
        paths.append(path)
    return paths


def test_a_sites_files_settle_how_it_writes_dates_and_so_its_ambiguous_ones(fresh_db, ruleset, tmp_path):
    files = dated_site(tmp_path / "site", ["13/8/2018", "8/10/2018", "14/8/2018", "21/9/2018", "3/4/2018"])
    ingest.import_files(fresh_db, files, ruleset)
    assert fresh_db.execute("SELECT date_order FROM sites").fetchall() == [("DMY",)]
    published = [fresh_db.execute("SELECT published, published_evidence FROM articles a JOIN article_files f"
                                  " ON f.article_id = a.id WHERE f.path = ?", [str(p)]).fetchone() for p in files]
    assert [p for p, _ in published] == ["2018-08-13", "2018-10-08", "2018-08-14", "2018-09-21", "2018-04-03"]
    assert published[1][1].endswith("8/10/2018 (read as the site's other files write dates)")


def test_a_file_on_its_own_leaves_a_date_either_way_unresolved(fresh_db, ruleset, tmp_path):
    files = dated_site(tmp_path / "site", ["8/10/2018"])
    ingest.import_files(fresh_db, files, ruleset, date_from_text=False)
    row = fresh_db.execute("SELECT published, published_from, published_evidence FROM articles").fetchone()
    assert row[:2] == (None, None) and "could be either way" in row[2]


def test_a_named_site_is_the_source_of_its_articles_now_and_later(fresh_db, ruleset, tmp_path):
    files = dated_site(tmp_path / "site", [f"{d} March 2024" for d in range(1, 9)], dateline_at=2)
    ingest.import_files(fresh_db, files, ruleset)
    [site] = sites.listing(fresh_db, lines=50)
    assert site.articles == 8 and {"Skip to content", "The Daily Example"} <= {t for t, _ in site.lines}
    with store.transaction(fresh_db):
        assert sites.name(fresh_db, site.id, "The Daily Example") == 7
    rows = fresh_db.execute("SELECT source, source_from FROM articles ORDER BY path").fetchall()
    assert rows.count(("The Daily Example", "site")) == 7 and ("Reuters", "dateline") in rows
    later = dated_site(tmp_path / "later", [f"{d} April 2024" for d in range(1, 4)])
    ingest.import_files(fresh_db, later, ruleset)
    assert {described(fresh_db, p)[4:6] for p in later} == {("The Daily Example", "site")}
    # Cleaned again as the site grows, they keep it.
    again = ingest.import_files(fresh_db, files + later, ruleset)
    assert again.updated == 0
    with pytest.raises(LookupError):
        sites.name(fresh_db, 99, "Nobody")


def test_archive_sites_lists_the_sites_and_names_one(db_path, tmp_path):
    files = dated_site(tmp_path / "site", [f"{d}/3/2024" for d in range(13, 19)])
    run("import", *files, "--db", db_path, "--no-entities")
    listing = run("sites", "--db", db_path)
    assert listing.exit_code == 0
    lines = listing.stdout.splitlines()
    assert re.fullmatch(r" +1  \(no name\)  6 articles, dates day first", lines[0])
    assert re.fullmatch(r" +6 files  \S.*", lines[1]) and len(lines) == 4
    named = run("sites", "--db", db_path, "--name", "1", "The Daily Example")
    assert named.stdout == f"Site 1 is 'The Daily Example': 6 articles take it as their source ({db_path})\n"
    assert json.loads(run("sites", "--db", db_path, "--json").stdout)[0]["name"] == "The Daily Example"
    assert run("sites", "--db", db_path, "--name", "7", "X").exit_code == 1
    assert run("sites", "--db", db_path, "--name", "one", "X").exit_code == 2
    assert run("sites", "--db", tmp_path / "none.db").exit_code == 1


# --- the text, last -----------------------------------------------------------------------


def test_the_seeds_dates_and_where_they_came_from(fresh_db, ruleset):
    ingest.import_files(fresh_db, seed_files(), ruleset)
    rows = {path.split("/")[-1][:3]: (published, came_from) for path, published, came_from in fresh_db.execute(
        "SELECT path, published, published_from FROM articles")}
    assert rows["004"] == ("2018-08-10", "metadata-line")
    assert rows["000"] == ("2018-08-30", "text")
    assert rows["002"] == rows["003"] == (None, None)


def test_no_date_from_text_turns_the_text_off(db_path):
    run("import", SEEDS, "--db", db_path, "--no-entities", "--no-date-from-text")
    db = store.open_db(db_path)
    assert db.execute("SELECT count(*) FROM articles WHERE published_from = 'text'").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM articles WHERE published_from = 'metadata-line'").fetchone() == (1,)


def test_nothing_has_a_value_without_saying_where_it_came_from(ruleset):
    pages = sorted(WEB_PAGES.glob("*.txt"))
    pages = [*seed_files(), *(pages[::10] if QUICK else pages)]
    dated = sourced = 0
    for path in pages:
        a = ingest.prepare(path, ruleset).article
        assert a.title_from in {"headline", "first-line", "first-paragraph"}, path
        assert (a.published is None) == (a.published_from is None), path
        assert (a.source is None) == (a.source_from is None), path
        if a.published:
            assert re.fullmatch(r"\d{4}-\d\d-\d\d", a.published) and a.published_evidence, path
        dated += a.published is not None
        sourced += a.source is not None
    assert dated >= 0.6 * len(pages) and sourced >= 0.4 * len(pages)

"""The reading room in real Chromium, walked as a person walks it: a query typed
on the home page, a result opened and read, a name followed to its chart, the
articles naming two people, the last page of a search, a facet, the CSV; on a
desktop and on a 390-pixel phone, from the keyboard too."""

import csv
import io
import re
from pathlib import Path

import pytest

from .browser import CHROMIUM, chromium, served
from .conftest import reading_room

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM} (.ci/run installs it)"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory, ruleset, extractor):
    with served(reading_room(tmp_path_factory.mktemp("browser"), ruleset, extractor, 40)) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    yield context.new_page()
    context.close()


def test_search_read_follow_a_name_and_see_its_chart(site, page):
    page.goto(site + "/")
    page.fill("input[name=q]", "Lavrov")
    page.press("input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"/archive/search_articles\?q=Lavrov"))
    assert re.search(r"of \d+ articles", page.inner_text(".archive-count"))
    page.click(".archive-results li:first-child h2 a")
    page.wait_for_url(re.compile(r"/archive/articles/\d+\?q=Lavrov"))
    assert page.locator("mark", has_text="Lavrov").count() >= 1
    paragraphs = page.locator(".archive-text p")
    assert paragraphs.count() >= 3
    page.locator("a.mention", has_text="Lavrov").first.click()
    page.wait_for_url(re.compile(r"/archive/entities/\d+"))
    assert page.inner_text("h1") == "Sergei Lavrov"
    page.wait_for_selector("#chart[data-drawn=yes] svg", timeout=15000)
    assert page.locator("#chart svg .mark-rect path").count() >= 1  # the bars
    assert re.search(r"\d+ of \d+ articles naming Sergei Lavrov are dated", page.inner_text(".archive-chart"))


def test_the_articles_naming_two_people(site, page):
    page.goto(site + "/archive/top_entities?type=PERSON")
    page.click("text=Vladimir Putin")
    link = page.locator(".archive-together a", has_text="naming both").first
    expected = int(re.match(r"(\d+)", link.inner_text()).group(1))
    link.click()
    page.wait_for_url(re.compile(r"/archive/articles_naming_both\?a="))
    assert page.locator(".archive-results li").count() == expected
    assert page.inner_text("h1").startswith("Articles naming Vladimir Putin and ")


def test_page_to_the_last_result_narrow_by_a_facet_and_download_the_csv(site, page):
    page.goto(site + "/archive/search_articles?q=Idlib")
    total = int(re.search(r"of (\d+) articles", page.inner_text(".archive-count")).group(1))
    seen = 0
    while True:
        seen += page.locator(".archive-results li").count()
        if page.locator("a[rel=next]").count() == 0:
            break
        page.click("a[rel=next]")
        page.wait_for_load_state()
    assert seen == total
    page.goto(site + "/archive/search_articles?q=Idlib")
    page.locator(".archive-facets a", has_text="Example Wire").click()
    page.wait_for_url(re.compile(r"source=Example"))
    narrowed = int(re.search(r"of (\d+) articles", page.inner_text(".archive-count")).group(1))
    assert 0 < narrowed < total
    with page.expect_download() as download:
        page.click("text=CSV for spreadsheets")
    d = download.value
    assert d.suggested_filename == "search_articles-idlib-example-wire.csv"
    rows = list(csv.DictReader(io.StringIO(Path(d.path()).read_bytes().decode("utf-8-sig"))))
    assert len(rows) == narrowed and all(r["url"].startswith(site + "/archive/articles/") for r in rows)
    page.locator(".chip a").click()  # the narrowing taken away
    assert int(re.search(r"of (\d+) articles", page.inner_text(".archive-count")).group(1)) == total


def test_the_removed_lines_wait_until_asked_for(site, page):
    page.goto(site + "/archive/search_articles?q=Coordination")
    page.click(".archive-results li:first-child h2 a")
    removed = page.locator("details.archive-removed")
    assert not removed.evaluate("d => d.open")
    assert not page.locator("details.archive-removed table").is_visible()
    removed.locator("summary").click()
    assert page.locator("details.archive-removed table").is_visible()
    assert "share-label" in page.inner_text("details.archive-removed")


def test_from_the_keyboard_alone(site, page):
    page.goto(site + "/")
    for _ in range(12):  # through the menu to the search box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "q":
            break
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.type("Erdogan")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=Erdogan"))
    for _ in range(30):  # on to the first result, and into it
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.archive-results') !== null"):
            break
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/archive/articles/\d+"))


@pytest.mark.parametrize("path", ["/", "/archive/search_articles?q=Idlib", "/archive/articles/1?q=Idlib",
                                  "/archive/entities/1", "/archive/top_entities", "/archive/search_paragraphs?q=Idlib"])
def test_every_page_reads_on_a_phone(site, browser, path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(site + path)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    context.close()


def test_no_request_leaves_this_machine(site, page):
    asked = []
    page.on("request", lambda r: asked.append(r.url))
    for path in ("/", "/archive/search_articles?q=Idlib", "/archive/entities/1", "/archive/articles/1"):
        page.goto(site + path)
        page.wait_for_load_state("networkidle")
    assert asked and all(url.startswith(site) for url in asked), [u for u in asked if not u.startswith(site)]

"""Stage 2b: when an article was published and who published it, each with
where it came from.

The evidence, strongest first: what stands beside the files (a manifest, the
import's ``--source``); what the file says of itself (a date line, a byline, a
source line, a dateline, the page's address); the site the cleaner placed it
in (a name given to the site, the address's registered domain); and last the
text itself, whose latest complete date says roughly when it was written.

Dates are parsed by dateparser, in the article's language. A date written
in figures whose day and month could be either way (8/10/2018) is read the way
the site's other files write theirs (13/8/2018 says day first), or the way the
article's own words name its month; failing both, the ambiguity is recorded,
not resolved by a guess.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Container, Iterable, Iterator, Sequence

# Dates outside these years are no article's.
FIRST_YEAR, LAST_YEAR = 1900, 2100
# The columns a manifest may have.
MANIFEST_COLUMNS = ("path", "url", "title", "published", "source", "language")
DAY_FIRST, MONTH_FIRST = "DMY", "MDY"

_NUMERIC = re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/.-])")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](\d{1,2})[/-](\d{1,2})(?:/|[-_]|$)")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


_OTHER_DIGIT = re.compile(r"(?![0-9])\d")


def _ascii_digits(text: str) -> str:
    """Every decimal digit as its ASCII one: "١٠ أغسطس ٢٠١٨" is "10 أغسطس 2018"."""
    return _OTHER_DIGIT.sub(lambda m: str(unicodedata.decimal(m.group())), text)


@dataclass(frozen=True)
class Found:
    value: str  # an ISO date, a source's name or an address
    came_from: str  # manifest, import, metadata-line, dateline, source-line, url, site, text
    evidence: str = ""


@dataclass(frozen=True)
class Unsure:
    """A date whose day and month could be either way, nothing settling which."""

    evidence: str


def _valid(year: int, month: int, day: int) -> dt.date | None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 and year < 70 else year + 1900 if len(text) == 2 else year


def numeric_order(text: str) -> str | None:
    """The order a date in figures settles: 13/8/2018 is day first, 8/13/2018 month first."""
    for m in _NUMERIC.finditer(_ascii_digits(text)):
        first, second = int(m.group(1)), int(m.group(3))
        if first > 12 >= second:
            return DAY_FIRST
        if second > 12 >= first:
            return MONTH_FIRST
    return None


@lru_cache(maxsize=64)
def _code(language: str | None) -> str | None:
    """The ISO 639-1 code dateparser knows a language by (English is "en")."""
    if not language:
        return None
    import pycountry

    found = pycountry.languages.get(name=language.replace("_", " ").split(" (")[0])
    return getattr(found, "alpha_2", None)


def _languages(language: str | None) -> list[str]:
    """The article's language as dateparser knows it, when it does, and English."""
    from dateparser.data.languages_info import language_order

    code = _code(language)
    return list(dict.fromkeys([c for c in (code, "en") if c and c in language_order]))


def date_in_line(text: str, language: str | None, order: str | None, months: Container[int] = frozenset()
                 ) -> Found | Unsure | None:
    """The complete date a line of metadata states, read by dateparser."""
    from dateparser.search import search_dates

    plain = _ascii_digits(text)
    ambiguous = _ambiguous(plain)
    if ambiguous is not None:
        first, second, year = int(ambiguous.group(1)), int(ambiguous.group(3)), _year(ambiguous.group(4))
        readings = {DAY_FIRST: _valid(year, second, first), MONTH_FIRST: _valid(year, first, second)}
        weekdays = _weekdays_named(plain, language)
        fits = [o for o, date in readings.items() if date and date.weekday() in weekdays]
        if len(weekdays) == 1 and len(fits) == 1:  # "Monday, 11.05.2012": 5 November 2012 was a Monday
            order, how = fits[0], "read by the weekday it names"
        elif order is not None:
            how = "read as the site's other files write dates"
        else:  # the article's own words name a month: the reading that falls in it
            fits = [o for o, month in ((DAY_FIRST, second), (MONTH_FIRST, first)) if month in months]
            order = fits[0] if len(fits) == 1 else None
            how = "read as the month the text names"
        if order is None:
            return Unsure(f"{text} (the day and the month could be either way)")
        day, month = (first, second) if order == DAY_FIRST else (second, first)
        date = _valid(year, month, day)
        return Found(date.isoformat(), "metadata-line", f"{text} ({how})") if date else None
    for m in _NUMERIC.finditer(plain):  # in figures, one way only: 25/12/2018, 12/25/2018, 7/7/2018
        first, second, year = int(m.group(1)), int(m.group(3)), _year(m.group(4))
        month_first = second > 12 or (order == MONTH_FIRST and first <= 12)
        date = _valid(year, first, second) if month_first else _valid(year, second, first)
        if date:
            return Found(date.isoformat(), "metadata-line", text)
    for m in _ISO.finditer(plain):
        date = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if date:
            return Found(date.isoformat(), "metadata-line", text)
    languages = _languages(language)
    # In the article's language, then in any: a page's metadata may be written
    # in the site's language, not the article's.
    for names in (_month_names(tuple(languages)), _every_month_name()):
        for _, month, day, year, _ in _month_dates(plain, names):
            date = _valid(year, month, day) if year else None
            if date:
                return Found(date.isoformat(), "metadata-line", text)
    if not _YEAR.search(plain):
        return None
    settings = {"REQUIRE_PARTS": ["day", "month", "year"], "RETURN_AS_TIMEZONE_AWARE": False,
                "PREFER_DATES_FROM": "past"}
    if order:
        settings["DATE_ORDER"] = order
    years = {int(y) for y in _YEAR.findall(plain)}
    for _, value in search_dates(plain, languages=languages, settings=settings) or []:
        # A year the line does not write is dateparser's reading of something
        # relative ("4m" as minutes ago): the day of the import, no date of the page's.
        date = _valid(value.year, value.month, value.day) if value.year in years else None
        if date:
            return Found(date.isoformat(), "metadata-line", text)
    return None


_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")


@lru_cache(maxsize=32)
def _month_names(languages: tuple[str, ...]) -> dict[str, int]:
    """Each month's names and their short forms in these languages, as dateparser knows them."""
    from dateparser.languages.loader import default_loader

    names: dict[str, int] = {}
    for code in languages:
        info = default_loader.get_locale(code).info
        for number, month in enumerate(_MONTHS, start=1):
            for name in info.get(month, []):
                if len(name) >= 3 and _WORD.fullmatch(name):
                    names.setdefault(name.casefold(), number)
    return names


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@lru_cache(maxsize=32)
def _weekday_names(languages: tuple[str, ...]) -> dict[str, int]:
    from dateparser.languages.loader import default_loader

    names: dict[str, int] = {}
    for code in languages:
        info = default_loader.get_locale(code).info
        for number, day in enumerate(_WEEKDAYS):
            for name in info.get(day, []):
                if len(name) >= 3 and _WORD.fullmatch(name):
                    names.setdefault(name.casefold(), number)
    return names


def _weekdays_named(text: str, language: str | None) -> set[int]:
    """The weekdays a line names (Monday is 0), in the article's language or English."""
    names = _weekday_names(tuple(_languages(language)))
    return {day for w in _WORD.finditer(text) if (day := names.get(w.group().casefold())) is not None}


@lru_cache(maxsize=1)
def _every_month_name() -> dict[str, int]:
    """The months' names in every language dateparser knows; where two
    languages give one name to two months, the more common language's."""
    from dateparser.data.languages_info import language_order

    return _month_names(tuple(language_order))


_WORD = re.compile(r"[^\W\d_]+")
_DAY_BEFORE = re.compile(r"(?<![\w.,])(\d{1,2})(?:st|nd|rd|th|er|e|\.)?\s+(?:de\s+)?$", re.IGNORECASE)
_DAY_AFTER = re.compile(r"\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?![\w/.:-]\w)", re.IGNORECASE)
_YEAR_AFTER = re.compile(r"\.?,?\s+(?:de\s+)?(\d{4})(?![\d/.:-]\d)", re.IGNORECASE)
# The words just after a number or just before one: where a month's name in a date stands.
# A word before a number is tried from its first letter only (tried from each of its
# letters, a long word costs the square of its length).
_BESIDE_DIGITS = re.compile(
    r"(?<=\d)(?:st|nd|rd|th|er|e)?\.?\s+(?:de\s+)?([^\W\d_]+)|(?<![^\W\d_])([^\W\d_]+)\.?,?\s+(?=\d)", re.IGNORECASE)


@dataclass(frozen=True)
class _Span:
    _start: int
    _end: int

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end


# How far before a month's name its day may stand ("30th of" is not read).
_DAY_REACH = 12


def _month_dates(plain: str, names: dict[str, int]) -> Iterator[tuple[int, int, int, int | None, str]]:
    """Each date written with its month as a word ("10 August 2018", "Aug. 10,
    2018", "10 أغسطس 2018", "August 30th"): where it starts, its month, day and
    year (None when it has none), and how it is written. The text's words are
    looked up, not matched against every name: fast in any language."""
    for m in _BESIDE_DIGITS.finditer(plain):
        group = 1 if m.group(1) else 2
        word, start, end = m.group(group), m.start(group), m.end(group)
        month = names.get(word.casefold())
        if month is None:
            continue
        w = _Span(start, end)
        before = _DAY_BEFORE.search(plain, max(0, w.start() - _DAY_REACH), w.start())
        if before:
            year = _YEAR_AFTER.match(plain, w.end())
            end = year.end() if year else w.end()
            yield before.start(), month, int(before.group(1)), int(year.group(1)) if year else None, \
                plain[before.start() : end]
            continue
        after = _DAY_AFTER.match(plain, w.end())
        if after:
            year = _YEAR_AFTER.match(plain, after.end())
            end = year.end() if year else after.end()
            yield w.start(), month, int(after.group(1)), int(year.group(1)) if year else None, plain[w.start() : end]


def months_named(texts: Iterable[str], language: str | None) -> set[int]:
    names = _month_names(tuple(_languages(language)))
    return {month for text in texts for w in _WORD.finditer(text) if (month := names.get(w.group().casefold()))}


# Words just before a date that put it ahead of the article: an event to come
# is no evidence of when the article was written. A few languages; the rest
# go without.
FUTURE = re.compile(
    r"\b(?:will|would|might|may|could|shall|going to|expected|scheduled|due|planned|plans?|next|upcoming|set to|to be held|from|until|till|through|by|before"
    r"|prévue?s?|prochain|jusqu'au|avant|wird|werden|soll|geplant|bis|próxim[oa]|hasta|antes del?|previst[oa])\b"
    r"[^.;!?]{0,80}$", re.IGNORECASE)
FUTURE_REACH = 100


def date_from_text(texts: Sequence[str], language: str | None, imported: dt.date) -> Found | None:
    """The latest complete date the texts name, never after the import; a
    month and day with no year take a year the texts name. A date the text
    names as one to come ("a summit expected on September 7th") is left out."""
    names = _month_names(tuple(_languages(language)))
    complete: list[tuple[dt.date, str]] = []
    partial: list[tuple[int, int, str]] = []
    years = set()
    for text in texts:
        plain = _ascii_digits(text)
        years |= {int(y) for y in _YEAR.findall(plain)}
        for start, month, day, year, written in _month_dates(plain, names):
            if FUTURE.search(plain, max(0, start - FUTURE_REACH), start):
                continue
            if year:
                date = _valid(year, month, day)
                if date and date <= imported:
                    complete.append((date, written))
            else:
                partial.append((month, day, written))
        for m in _ISO.finditer(plain):
            date = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if date and date <= imported:
                complete.append((date, m.group(0)))
    for month, day, written in partial:
        for year in sorted(years, reverse=True):
            date = _valid(year, month, day)
            if date and date <= imported:
                complete.append((date, f"{written} (the year {year} from the text)"))
                break
    if not complete:
        return None
    date, written = max(complete)
    return Found(date.isoformat(), "text", f"the text names {written}")


def url_date(url: str) -> Found | None:
    """A date an address carries in its path (/2018/08/10/)."""
    m = _URL_DATE.search(url)
    if m:
        date = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if date:
            return Found(date.isoformat(), "url", url)
    return None


@lru_cache(maxsize=1)
def _extract():
    import tldextract

    # The public-suffix list the package ships: no network.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def domain(url: str) -> str | None:
    """An address's registered domain (news.bbc.co.uk is bbc.co.uk)."""
    found = _extract()(url)
    registered = getattr(found, "top_domain_under_public_suffix", None) or found.registered_domain
    return registered or None


def urls_in(texts: Iterable[str]) -> list[str]:
    return [m.group(0).rstrip(".,;:") for text in texts for m in _URL.finditer(text)]


# --- manifests ------------------------------------------------------------------------


class ManifestError(ValueError):
    """A manifest that cannot be read at all; the message names the file."""


@dataclass(frozen=True)
class Manifest:
    """What a manifest says of each file, by the file's absolute path; and the
    rows it could not take, each with its reason."""

    rows: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)

    def paths(self) -> list[Path]:
        return [Path(p) for p in self.rows]

    def __bool__(self) -> bool:  # a manifest is given, whatever it holds
        return True


def read_manifest(path: Path) -> Manifest:
    """A CSV (with a header) or JSON Lines manifest; paths relative to it. A
    row naming no file, or a file twice, is not taken; a row whose date is no
    date is taken without it; each says why."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise ManifestError(f"{path}: cannot read the manifest: {e}") from e
    items: list[tuple[int, dict | None, str | None]] = []
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as e:
                items.append((number, None, f"not JSON: {e.msg}"))
                continue
            items.append((number, item, None) if isinstance(item, dict) else (number, None, "not a JSON object"))
    else:
        try:
            reader = csv.DictReader(io.StringIO(text, newline=""))
            if reader.fieldnames is None or "path" not in reader.fieldnames:
                raise ManifestError(f"{path}: a CSV manifest needs a header with a 'path' column")
            items = [(reader.line_num, row, None) for row in reader]
        except csv.Error as e:
            raise ManifestError(f"{path}: not a CSV file: {e}") from e
    manifest = Manifest()
    unknown = sorted({k for _, item, _ in items if item for k in item if k not in MANIFEST_COLUMNS and k})
    if unknown:
        manifest.problems.append((str(path), f"columns not known, left out: {', '.join(map(str, unknown))}"
                                             f" (known: {', '.join(MANIFEST_COLUMNS)})"))
    for number, item, problem in items:
        where = f"{path}:{number}"
        if problem or item is None:
            manifest.problems.append((where, problem or "empty"))
            continue
        row = {k: str(v).strip() for k, v in item.items() if k in MANIFEST_COLUMNS and v not in (None, "")}
        row = {k: v for k, v in row.items() if v}
        if "path" not in row:
            manifest.problems.append((where, "no path"))
            continue
        target = os.path.abspath(path.parent / row.pop("path"))
        if target in manifest.rows:
            manifest.problems.append((target, f"named again in the manifest ({where}); the first row is kept"))
            continue
        if not Path(target).is_file():
            manifest.problems.append((target, f"named in the manifest ({where}), but there is no such file"))
            continue
        if "published" in row:
            date = _manifest_date(row["published"])
            if not isinstance(date, str):
                manifest.problems.append((target, f"the manifest's date {row['published']!r} ({where}) {date[0]}:"
                                                  " the file is imported without it"))
                del row["published"]
            else:
                row["published"] = date
        if "url" in row and not _URL.fullmatch(row["url"]):
            manifest.problems.append((target, f"the manifest's address {row['url']!r} ({where}) is not a web"
                                              " page's: the file is imported without it"))
            del row["url"]
        if "source" in row:
            row["source_from"] = "manifest"
        row["manifest"] = where
        manifest.rows[target] = row
    return manifest


def _manifest_date(text: str) -> str | tuple[str]:
    """An ISO date, or (why not,): a date of a manifest is complete and reads one way."""
    text = text.strip()
    m = _ISO.match(text)
    if m and (len(text) == 10 or text[10] in "T "):
        date = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return date.isoformat() if date else ("is no day of the calendar",)
    if _ambiguous(_ascii_digits(text)):
        return ("could be read with the day or the month first",)
    import dateparser

    value = dateparser.parse(text, settings={"REQUIRE_PARTS": ["day", "month", "year"]})
    date = _valid(value.year, value.month, value.day) if value else None
    return date.isoformat() if date else ("is not a complete date",)


def _ambiguous(plain: str) -> re.Match[str] | None:
    """A date in figures whose day and month could be either way (8/10/2018)."""
    for m in _NUMERIC.finditer(plain):
        first, second = int(m.group(1)), int(m.group(3))
        if first <= 12 and second <= 12 and first != second:
            return m
    return None


# --- an article's date, source and address ------------------------------------------


@dataclass(frozen=True)
class Given:
    """What an import knows of a file beside its text: its manifest row, the
    import's ``--source``, its site's name and way of writing dates."""

    manifest: dict[str, str] = field(default_factory=dict)
    source: str | None = None
    site_name: str | None = None
    site_order: str | None = None
    from_text: bool = True
    imported: dt.date = field(default_factory=dt.date.today)


@dataclass(frozen=True)
class Described:
    published: Found | Unsure | None
    source: Found | None
    url: Found | None
    date_order: str | None = None  # the way the article's own lines write dates in figures


def describe(removed: Sequence, texts: Sequence[str], span: tuple[int, int] | None, language: str | None,
             dateline: Found | None, given: Given, opening: int | None = None) -> Described:
    """The article's date, source and address, from the strongest evidence there is.

    ``removed`` are the lines the cleaner removed, each with its number, text,
    reason, and whether it carries the page's own metadata (a date line, a
    byline, a source line) with the fields its rule captured; ``texts`` the
    title and paragraphs, ``span`` the first and last line of the article in
    the file and ``opening`` the line of its first paragraph. Of the metadata lines, the nearest the article speaks for it:
    a whole page holds other stories' bylines too. Of the removed lines, those
    inside the article (a caption) name its dates as its text does; those
    around it (a sidebar, the comments) do not."""
    m = given.manifest
    metadata = sorted((r for r in removed if r.metadata), key=lambda r: (_distance(r.line_number, span), r.line_number))
    above = [r for r in removed if span is not None and r.line_number < span[0] and not r.metadata][-NEAR_LINES:]
    under = [r for r in removed if span is not None and opening is not None and span[0] < r.line_number < opening
             and not r.metadata]
    dated_lines = [*metadata, *(r for r in [*under, *reversed(above)] if _short(r.text))]
    url = Found(m["url"], "manifest") if m.get("url") else None
    if url is None:
        for line in metadata:
            if line.fields.get("url"):
                url = Found(line.fields["url"], "metadata-line", f"line {line.line_number}: {line.text}")
                break
    published: Found | Unsure | None = Found(m["published"], "manifest") if m.get("published") else None
    inside = [r.text for r in removed if _distance(r.line_number, span) == 0]
    months = _Lazy(lambda: months_named([*texts, *inside], language))
    if published is None:
        for line in dated_lines:
            found = date_in_line(line.text, language, given.site_order, months)
            if isinstance(found, Found):
                published = Found(found.value, found.came_from, f"line {line.line_number}: {found.evidence}")
                break
            if isinstance(found, Unsure) and published is None:
                published = Unsure(f"line {line.line_number}: {found.evidence}")
    if not isinstance(published, Found):
        head = dateline_head(texts[1:1 + DATELINE_PARAGRAPHS])
        found = date_in_line(head, language, given.site_order, months) if head else None
        if isinstance(found, Found):
            published = Found(found.value, "dateline", found.evidence)
    if not isinstance(published, Found) and url is not None:
        published = url_date(url.value) or published
    if published is None and given.from_text:
        published = date_from_text([*inside, *texts], language, given.imported)
    source = (Found(m["source"], m.get("source_from") or "manifest") if m.get("source") else
              Found(given.source, "import") if given.source else None)
    if source is None:
        for line in metadata:
            if line.fields.get("source") and not _URL.match(line.fields["source"]):
                source = Found(line.fields["source"], "source-line", f"line {line.line_number}: {line.text}")
                break
    source = source or dateline
    if source is None and given.site_name:
        source = Found(given.site_name, "site")
    if source is None and url is not None and (registered := domain(url.value)):
        source = Found(registered, "url", url.value)
    if source is None:
        source = copyright_holder([r for r in removed if r.reason == COPYRIGHT and _distance(r.line_number, span) > 0])
    order = next((o for line in dated_lines if (o := numeric_order(line.text))), None)
    return Described(published, source, url, order)


# A page's date line stands among the few lines the cleaner removed just above
# its headline ("July 24, 2012 8:13 AM", "In Depth | 19 July 2012"), a line of
# a few words that is no sentence.
NEAR_LINES = 3
NEAR_LINE_WORDS = 12


def _short(text: str) -> bool:
    return len(text.split()) <= NEAR_LINE_WORDS and not text.rstrip().endswith((".", "!", "?"))


# A dateline opens one of the article's first paragraphs.
DATELINE_PARAGRAPHS = 2
# A dateline ends at a dash or an agency's name in brackets, this far into its paragraph at most.
DATELINE_CHARS = 80
_DATELINE_END = re.compile(r"\s[-–—]+\s|\([^)]{1,30}\)\s*[-–—]?")


def dateline_head(paragraphs: Sequence[str]) -> str | None:
    """The dateline that opens a wire story ("LONDON, July 24, 2012 (AP) —",
    "BEIRUT, Aug 10 (Reuters) -"): the head of one of its first paragraphs up
    to a dash or an agency's name, or a paragraph of a few words that is no
    sentence ("LONDON July 24, 2012 (AP)")."""
    for paragraph in paragraphs:
        m = _DATELINE_END.search(paragraph, 0, DATELINE_CHARS)
        if m:
            return paragraph[: m.end()].strip()
        if _short(paragraph):
            return paragraph
    return None


class _Lazy:
    """The months an article names, counted only when a date needs them."""

    def __init__(self, count) -> None:
        self._count, self._months = count, None

    def __contains__(self, month: int) -> bool:
        if self._months is None:
            self._months = self._count()
        return month in self._months


def _distance(number: int, span: tuple[int, int] | None) -> int:
    if span is None:
        return 0
    return max(0, span[0] - number, number - span[1])


# The rule whose lines are a site's copyright notice.
COPYRIGHT = "copyright-line"
_HOLDER = re.compile(
    r"(?:copyright\b\s*)?(?P<mark>©|\(c\))?\s*(?P<year>(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)?\d\d)?,?\s*)?"
    r"(?P<holder>[^\W\d_][^|©]*?)\s*(?:,?\s*(?:19|20)\d\d)?\s*"
    r"(?:[.,;]?\s*(?:all rights reserved|tous droits|alle rechte|todos los derechos)|[|·•]|\.\s|\.?$)",
    re.IGNORECASE)
# A holder's name is a few words.
HOLDER_MAX_WORDS = 6


def copyright_holder(lines: Sequence) -> Found | None:
    """Who a page's copyright notice names, outside the article (its footer):
    the publisher of the page, when nothing better says who that is. The last
    notice on the page is the footer's."""
    for line in reversed(lines):
        at = max(line.text.find("©"), line.text.casefold().find("copyright"))
        if at < 0:
            continue
        m = _HOLDER.match(line.text, at)
        if not m or not (m.group("mark") or m.group("year")) or line.text[at - 1 : at] == "(":
            continue  # "Copyright information" is a link; "(Copyright: ...)" a photo's credit
        holder = m.group("holder").strip(" .,-–")
        if holder and len(holder.split()) <= HOLDER_MAX_WORDS and not holder.casefold().startswith(
                ("all rights", "copyright")):
            return Found(holder, COPYRIGHT, f"line {line.line_number}: {line.text}")
    return None

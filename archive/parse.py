"""Stage 2: find an article's title, date, source and paragraphs in its clean lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Sequence


from . import detect, language, provenance
from .clean import DATELINE_ALONE, Cleaned, Line, Removed, RuleSet

# A title line is short and does not end like a sentence of body text.
TITLE_MAX_CHARS = 200
TITLE_MAX_WORDS = 30
# A derived title is cut at a word boundary below this length.
DERIVED_TITLE_CHARS = 100
# A line that stops mid-sentence at this length or more was hard-wrapped.
WRAP_MIN_CHARS = 50
# A paragraph longer than this is a wall of text, split into passages.
WALL_CHARS = 1200
# Passages of a split wall aim for this size, sentence by sentence.
PASSAGE_CHARS = 600
PASSAGE_MAX_SENTENCES = 5
# A run of text with no sentence end is cut at a space below this length, so no
# stored paragraph is too long to show, to highlight or to give the model.
PASSAGE_MAX_CHARS = 2000
# The sentencizer reads a huge wall in windows of about this size, bounding memory.
SENTENCE_WINDOW_CHARS = 100_000

_SENTENCE_END = tuple(".!?…:;\"'”’»)]")


@dataclass
class Article:
    title: str
    published: str | None
    source: str | None
    paragraphs: list[str]
    removed: list[Removed]
    # Where the title, the date and the source came from, and on what evidence.
    title_from: str | None = None
    published_from: str | None = None
    published_evidence: str | None = None
    source_from: str | None = None
    url: str | None = None
    language: str | None = None
    # DMY or MDY, when the article's own lines write a date in figures that settles it.
    date_order: str | None = None
    # Counted where the article is parsed: in a worker process, not the writer.
    word_count: int = field(init=False)

    def __post_init__(self) -> None:
        self.word_count = sum(len(p.split()) for p in self.paragraphs)

    def to_dict(self) -> dict:
        """What ``archive clean --json`` prints: what would be stored, and where each part came from."""
        return {
            "title": self.title,
            "title_from": self.title_from,
            "published": self.published,
            "published_from": self.published_from,
            "published_evidence": self.published_evidence,
            "source": self.source,
            "source_from": self.source_from,
            "url": self.url,
            "language": self.language,
            "paragraphs": self.paragraphs,
            "removed": [{"line_number": r.line_number, "text": r.text, "reason": r.reason} for r in self.removed],
        }


def parse(cleaned: Cleaned, ruleset: RuleSet, given: provenance.Given | None = None) -> Article:
    """The article's title, paragraphs, date and source; what stands beside
    the file (``given``) is stronger than what the file says of itself."""
    content = cleaned.content
    lines = cleaned.lines
    title, title_from = "", None
    heading = next((line for line in content if line.number == cleaned.headline), None)
    if heading is not None:
        title_from = "headline"
    elif len(content) > 1 and looks_like_title(content[0].text, language.stopwords(cleaned.language)):
        heading, title_from = content[0], "first-line"
    if heading is not None:
        title = heading.text
        lines = [line for line in lines if line.number != heading.number]
    paragraphs = [p for block in _blocks(lines) for p in split_wall(block)]
    if not title and paragraphs:
        title, title_from = derive_title(paragraphs[0]), "first-paragraph"
    given = given or provenance.Given()
    kept = [line.number for line in cleaned.lines if line.text]
    span = (min(cleaned.headline or kept[0], kept[0]), kept[-1]) if kept else None
    opening = next((line.number for line in lines if line.text), None)
    told = provenance.describe(cleaned.removed, [title, *paragraphs], span, cleaned.language,
                               dateline_source(paragraphs, ruleset.agencies), given, opening)
    published = told.published
    if given.manifest.get("title"):
        title, title_from = given.manifest["title"], "manifest"
    return Article(
        title=title,
        published=published.value if isinstance(published, provenance.Found) else None,
        source=told.source.value if told.source else None,
        paragraphs=paragraphs,
        removed=cleaned.removed,
        title_from=title_from,
        published_from=published.came_from if isinstance(published, provenance.Found) else None,
        published_evidence=(published.evidence or None) if published else None,
        source_from=told.source.came_from if told.source else None,
        url=told.url.value if told.url else None,
        language=given.manifest.get("language") or cleaned.language,
        date_order=told.date_order,
    )


def looks_like_title(text: str, stop: frozenset[str] = frozenset()) -> bool:
    """A short line that ends as a headline does (``detect.ends_as_headline``)."""
    return len(text) <= TITLE_MAX_CHARS and len(text.split()) <= TITLE_MAX_WORDS and detect.ends_as_headline(text, stop)


def derive_title(paragraph: str) -> str:
    """A headline for an article without one: its first sentence, shortened."""
    first = sentences(paragraph)[0]
    if len(first) <= DERIVED_TITLE_CHARS:
        return first.rstrip(".") or first
    cut = first[: DERIVED_TITLE_CHARS + 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–—") + "…"


def _blocks(lines: Sequence[Line]) -> list[str]:
    """Paragraphs from blank-line or one-line-per-paragraph layouts alike.

    A line joins the next one only when it was hard-wrapped: it stops without
    closing a sentence, and it is as long as wrapped lines are or the next line
    carries on in lower case. Short lines (scores, venues, list items) stay apart.
    """
    blocks: list[str] = []
    current: list[str] = []
    for line in lines:
        if not line.text:
            if current:
                blocks.append(" ".join(current))
                current = []
            continue
        if current and not _continues(current[-1], line.text):
            blocks.append(" ".join(current))
            current = []
        current.append(line.text)
    if current:
        blocks.append(" ".join(current))
    return blocks


def _continues(previous: str, line: str) -> bool:
    if previous.endswith(_SENTENCE_END):
        return False
    return len(previous) >= WRAP_MIN_CHARS or line[0].islower()


def split_wall(paragraph: str) -> list[str]:
    """A wall of text becomes passages of a few sentences each."""
    if len(paragraph) <= WALL_CHARS:
        return [paragraph]
    passages: list[tuple[int, int]] = []
    first = last = None
    count = 0
    for start, end in sentence_spans(paragraph):
        if first is not None and (end - first > PASSAGE_CHARS or count == PASSAGE_MAX_SENTENCES):
            passages.append((first, last))
            first, count = None, 0
        if first is None:
            first = start
        last = end
        count += 1
    if first is not None:
        passages.append((first, last))
    return [paragraph[a:b] for start, end in passages for a, b in _cut(paragraph, start, end)]


def _cut(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Pieces of text[start:end] no longer than PASSAGE_MAX_CHARS, cut at spaces
    where there are any; each piece is a slice of the text, trimmed."""
    pieces = []
    while end - start > PASSAGE_MAX_CHARS:
        cut = text.rfind(" ", start + 1, start + PASSAGE_MAX_CHARS + 1)
        if cut <= start:
            cut = start + PASSAGE_MAX_CHARS
        stop = cut
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        pieces.append((start, stop))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        pieces.append((start, end))
    return pieces


@lru_cache(maxsize=1)
def _sentencizer():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 10_000_000
    return nlp


# Words separated by single spaces, as cleaned paragraphs are.
_SINGLE_SPACED = re.compile(r"\S+(?: \S+)*")
_WORD = re.compile(r"\S+")


def _sentence_starts(text: str) -> list[int]:
    """Where spaCy's sentencizer starts sentences, found without tokenizing
    every word.

    The sentencizer starts a sentence at the first word after a sentence-ending
    mark and any punctuation after it. spaCy tokenizes each space-separated
    word on its own, so only words holding such a mark, and the words right
    after one, need its tokenizer; the rest cannot start or end a sentence.
    Text spaced any other way goes through the whole pipeline."""
    nlp = _sentencizer()
    if not _SINGLE_SPACED.fullmatch(text):
        return [span.start_char for span in nlp(text).sents]
    marks = _sentence_marks()
    starts = [0]
    seen_mark = False
    for word in _WORD.finditer(text):
        if not seen_mark and marks.isdisjoint(word.group()):
            continue
        for token in nlp.tokenizer(word.group()):
            is_mark = token.text in marks
            if seen_mark and not token.is_punct and not is_mark:
                starts.append(word.start() + token.idx)
                seen_mark = False
            elif is_mark:
                seen_mark = True
    return starts


@lru_cache(maxsize=1)
def _sentence_marks() -> frozenset[str]:
    return frozenset(_sentencizer().get_pipe("sentencizer").punct_chars)


# Opening quotes and brackets that the sentencizer leaves at the end of the
# sentence before the one they open.
_OPENERS = re.compile(r"\s([“‘«„\"'(\[{]+)$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence boundaries that respect abbreviations (Mr., U.S.) and quotes,
    as offsets into ``text``: a passage is always a slice of what was written."""
    bounds = [0]
    for offset, window in _windows(text):
        for start in _sentence_starts(window):
            start += offset
            if start == 0:
                continue
            m = _OPENERS.search(text[bounds[-1] : start].rstrip())
            if m:
                start = bounds[-1] + m.start(1)
            # A boundary needs white space before it: "One.Tel" is one name.
            if start > bounds[-1] and text[start - 1].isspace():
                bounds.append(start)
    bounds.append(len(text))
    spans = []
    for a, b in zip(bounds, bounds[1:]):
        piece = text[a:b]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece.rstrip())
        if trail > lead:
            spans.append((a + lead, a + trail))
    return spans or [(0, len(text))]


def _windows(text: str) -> list[tuple[int, str]]:
    """(offset, piece) windows of a long text, cut at white space."""
    windows = []
    start = 0
    while len(text) - start > SENTENCE_WINDOW_CHARS:
        cut = text.rfind(" ", start + 1, start + SENTENCE_WINDOW_CHARS)
        if cut <= start:
            cut = start + SENTENCE_WINDOW_CHARS
        windows.append((start, text[start:cut]))
        start = cut
    windows.append((start, text[start:]))
    return windows


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def dateline_source(paragraphs: Sequence[str], agencies: Sequence[str]) -> provenance.Found | None:
    """The agency a wire story's dateline names ("BEIRUT (Reuters) -"), in its
    first paragraph, or its second under a byline the cleaner kept."""
    for paragraph in paragraphs[: provenance.DATELINE_PARAGRAPHS] if agencies else ():
        m = _dateline(tuple(agencies)).match(paragraph)
        if m:
            return provenance.Found(m.group("agency") or m.group("alone"), "dateline", paragraph[: m.end()])
    return None


@lru_cache(maxsize=8)
def _dateline(agencies: tuple[str, ...]) -> re.Pattern[str]:
    """A wire story's opening: "DAMASCUS, Syria (Reuters) - ..." or "BEIRUT (AP) — ...";
    or a dateline on a line of its own, with the day: "WESTPORT, Wash. July 24, 2012 (AP)"."""
    names = "|".join(re.escape(a) for a in sorted(agencies, key=len, reverse=True))
    return re.compile(rf"^[A-Z][A-Z .'-]{{1,40}}(?:,\s[A-Z][\w .'-]{{1,40}})?\s\((?P<agency>{names})\)\s?[-–—]"
                      "|^" + DATELINE_ALONE.replace("{agencies}", f"(?P<alone>{names})"))

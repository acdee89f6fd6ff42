"""Stage 1b: the main text of a page, found on plain text by general evidence.

What a browser's select-all gives is the article inside a page's chrome:
menus, breadcrumbs, lists of other stories, share buttons, comment threads and
footers. There is no markup left to tell them apart, but their form does:

- prose is long lines, most of whose words are function words of the page's
  language (jusText's stoplists); chrome is short lines, and long ones of
  names and labels;
- the article is one run of prose, with few short lines inside it; chrome is
  runs of short lines, and comments are prose broken up by names and dates;
- the headline sits at the top of the article: a line of a few words that
  the first paragraphs take up again.

The article is the densest run of prose (each line counts its words, less
the cost of a line break, as Finn's body text extraction counts tokens less
tags), found from the headline down. What lies before the headline goes;
what lies after the run goes when it shows chrome; inside, runs of short
link-like lines go. Every decision names its detector and its evidence.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Sequence

from . import language
from .text import QUOTES

# jusText's defaults: a line shorter than this many characters is short, one
# longer than the high mark with enough function words is surely prose.
LENGTH_LOW = 70
LENGTH_HIGH = 200
# jusText's defaults: the share of function words of prose, and of near-prose.
STOPWORDS_HIGH = 0.32
STOPWORDS_LOW = 0.30
# What a line break costs in the run of prose, in words: about what a line of
# LENGTH_LOW characters holds, so a short line costs more than it brings.
LINE_COST = 10
# A line counts this many words at most: an article is a run of paragraphs,
# and one long line (a site's blurb at its foot) outweighs none of it.
LINE_WORDS_CAP = 100
# A line that breaks prose into posts (a date and time, a "Reply" repeated)
# costs three line breaks: a comment thread falls apart into its comments.
BREAK_COST = 1000 * LINE_COST
# A line printed again and again is furniture (a button, a label) when it has
# this many words at most: a headline printed twice is not.
FURNITURE_WORDS = 4
# A short line of content (a list's item, a table's row) costs half as much:
# lists and tables inside an article do not cut it in two.
SHORT_LINE_COST = LINE_COST // 2
# The headline is looked for this many non-blank lines above the run of prose:
# boxes (a picture, a table, a list of other stories) may stand between the
# headline and the longest run of paragraphs.
HEADLINE_REACH = 40
# A headline's words are looked for in this many paragraphs below it.
LEAD_LINES = 2
# Words are compared by this many first letters.
STEM = 5
# A standfirst is at most this many lines below its headline, and shares this
# share of its words with the first paragraphs, as the headline does.
STANDFIRST_REACH = 3
STANDFIRST_OVERLAP = 0.3
# The first line of a file is read as the headline of an article copied from
# its headline down when the text starts this few lines below it.
FIRST_LINE_REACH = 5
# A headline ending in a full stop has this many words at most: longer, it is a sentence.
HEADLINE_SENTENCE_WORDS = 15
# A headline has this many words at least, and at most.
HEADLINE_MIN_WORDS = 2
HEADLINE_MAX_WORDS = 30
# This many short link-like lines in a row, inside the text, are a menu or a
# list of other stories; a line of a list has this many words at most.
MENU_RUN = 3
MENU_LINE_WORDS = 12
# A line that ends in a colon and announces a list has this many words at least.
ANNOUNCING_WORDS = 4
# A line of this many words or more that begins in a small letter carries on a sentence: no link.
LOWER_RUN_WORDS = 3
# Below the text, a line of this many words at most, with no figure and no
# sentence, that heads no paragraph, is the page's (a link, a label).
WEAK_WORDS = 4
# A menu's items have this many words at most ("Home", "World News", "Health & Fitness").
MENU_LABEL_WORDS = 3
# The article is the first run of prose that weighs at least this share of the
# heaviest: comments come after the article, and a long thread outweighs it.
FIRST_RUN_SHARE = 0.5
# A run after the article's carries it on across a box of at most this many
# lines, when this share of its words are words of the article already.
BOX_LINES = 30
CARRIES_ON = 0.3
# A run this few lines after the article's is its next part, whatever it speaks of.
SEPARATOR_LINES = 2
# How many lines above a post's text hold its author and date.
POST_HEAD_LINES = 3

BYLINE = "byline"
# A line this long that ends a sentence, under the headline, is the text's first.
BYLINE_SENTENCE = 6
# A byline is a few words: "By Jane Example and John Example in Paris".
BYLINE_WORDS = 8
# What being below the byline costs a headline candidate.
BELOW_BYLINE = 0.5
# What standing right above the byline brings one.
ABOVE_BYLINE = 0.3

_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*$")
_DIGITS = re.compile(r"[\d\u00bc-\u00be\u2150-\u215e]")  # a figure, a fraction's among them ("½ cup")
_TOKEN = re.compile(r"\w+")
_NAME = r"[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*){1,2}"
# "By" before a name, as bylines in a few languages begin.
_BY = r"(?i:by|par|von|por|door|av|af|przez|от|بقلم)"
_BYLINE_WORD = re.compile(rf"{_BY}\s+[^\W\d_]")
_BY_ALONE = re.compile(rf"{_BY}:?")
# A blog's byline names the post before its writer, with the date and labels
# after: "Posted by X on <date> | Permalink", "Music post by X, Submitted by ...", "Written By: X".
_POSTED_BY = re.compile(
    r"(?i:(?:\S+\s){0,2}(?:posted|written|submitted|post|story|article|published)\s+(by|on)):?\s+\w")
WRITERS_BOX = "writers-box"
_WRITERS_EVIDENCE = "below the text: the writer's name over the last paragraph, which begins with it"
# The line over a box about the writer has this many words at most.
WRITER_WORDS = 5
# The line over a box about the writer: their name, maybe after "About" or a byline's word.
_WRITER = re.compile(rf"(?:(?i:about|(?:written|posted)\s+{_BY}|{_BY}):?\s+)?"
                     rf"([^\W\d_][\w.'’-]*(?:\s[^\W\d_][\w.'’-]*){{0,2}})")
# A date line ending in its writer's name: "November 12th, 2012 @ 2:14pm (PT) by Jane Example".
_DATED_BY = re.compile(r"\b(?i:by)\s+[A-Z][\w'’.-]*(?:\s[A-Z][\w'’.-]*){0,2}$")
# Such a byline is a line of this many words at most.
POSTED_BY_WORDS = 25
# A short line printed again on the page heads the text, not a post, when the
# paragraphs below one of its copies take up this share of its words at least
# (the headline printed over the text a second time, in the middle of the page).
HEADING_TAKEN = 0.5
# How many lines below a trail of labels its headline may be printed again.
TRAIL_REACH = 2
# A trail of labels: two separators at least ("Home / News / ...", "Home › World ›").
_BREADCRUMB = re.compile(r"\s[/›»>|·•]\s.*\s[/›»>|·•](?:\s|$)")
# A sentence ending inside a line: small letters, the stop, a capital ("debt. Can it?", not "Mr. Smith").
_INNER_SENTENCE = re.compile(r"([^\W\d_]{2})[.!?]\s+([^\W\d_])")
_CLOSING = "\"'”’»)] "
# A picture's caption ends in its credit in brackets ("... in 1968. (Copyright: X Archives)", "(Credit: X)").
_CREDITED = re.compile(
    r"(?i:(?:^|\s)\(\s?(?:copyright|©|credits?|courtesy|photo(?:graph)?s?|images?|pictures?)\b[^()]{1,120}\)\.?)$")
# A share control, with its networks' buttons on the same line: "Share this page Pin It", "Share on Facebook".
_SHARE = re.compile(r"(?i:share (?:this|on)(?: article| story| post| page)?)(?:\s|:|$)")
# An embedded post's attribution, as a social network prints it under the post
# an article quotes: "— Jane Example (@example) October 29, 2012", its dash on
# the line or alone above it. A comment's head carries no dash.
_HANDLE = re.compile(r"\(@\w+\)")
_DASHES = ("—", "–")
# A table's row ends in figures: "Yes 149 74%", "Undecided 7 3%".
_FIGURES_END = re.compile(r"\d[\d.,]*\s?%?$")
# A list's item written with its bullet: "- Guest Blogging", "• Case Studies".
_BULLET = re.compile(r"[-–—•*·▪●◦‣∙]\s")
_DOMAIN = re.compile(r"(?:https?://)?(?:[\w-]+\.)+[^\W\d_]{2,}/?")
_TWO_NAMES = re.compile(rf"(?:[Bb]y\s)?{_NAME}(?:,\s{_NAME})*\s(?:and|&)\s{_NAME}")
# A date in figures, or a month's name beside a day: with a few words at most,
# a line of them is a date line (a time alone is not: races and timetables).
_MONTH = (r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
          r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?")
_DATE_LIKE = re.compile(
    rf"\b\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}\b|\b\d{{4}}-\d\d-\d\d\b"
    rf"|(?i:\b{_MONTH}\s\d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s{_MONTH}(?:\s|,|$))"
)
DATE_LINE_WORDS = 8
# An article, in most languages that have them, is a word of three letters at most.
ARTICLE_LETTERS = 3
# A headline comes back on its page in a share line, a breadcrumb and a
# reply form; a line printed more often than that is the page's furniture.
HEADLINE_REPEATS = 5


@dataclass(frozen=True)
class Line:
    """A line the rules kept, as the detector sees it."""

    number: int
    text: str


@dataclass(frozen=True)
class Removal:
    number: int
    reason: str
    evidence: str


@dataclass(frozen=True)
class Detected:
    removed: list[Removal]
    headline: int | None  # the number of the headline's line, when one was found
    language: str | None
    # What each line looked like: its number, class (good, near, short, bad) and
    # what made it so, for ``archive clean --explain``.
    seen: list[tuple[int, str, str]] = field(default_factory=list)
    run: tuple[int, int] | None = None  # the first and last line of the text
    core: tuple[int, int] | None = None  # the first and last line of its heaviest run of prose


@dataclass
class _Features:
    number: int
    text: str
    words: int
    chars: int
    stop: float
    ends_sentence: bool
    capitalised: float  # share of the words that are not function words written with a capital
    digits: bool
    repeats: int = 1  # how many lines of the page read the same
    heads_prose: bool = False  # each line that reads the same comes right above a paragraph
    kind: str = ""  # good, near, short or bad; template or ruled for lines known to be the page's
    post: bool = False  # a ruled line that heads or ends a post
    quoted: bool = False  # the attribution of a post the text quotes, not a post of the page

    @property
    def weight(self) -> float:
        """What the line adds to a run of prose: its words, less the cost of a
        line break; a short line of content (a list item, a table row) costs
        less than a label or a link, which brings nothing."""
        if self.interrupts:
            return -BREAK_COST
        if self.kind == "ruled":
            return -LINE_COST
        if self.kind in ("good", "near"):
            return min(self.words, LINE_WORDS_CAP) - LINE_COST
        if self.kind == "short" and not self.label_like:
            return self.words - SHORT_LINE_COST
        return -LINE_COST

    @property
    def interrupts(self) -> bool:
        """A line that breaks prose into posts: a short line printed again and
        again (a "Reply" under each comment), or a date and time line. A
        short line printed again that heads a paragraph or a sentence each
        time is the text's subheading ("History" in each part of an
        explainer, "Method:" over a recipe's first step)."""
        if self.kind == "ruled":
            return self.post
        if self.quoted:
            return False  # a post the article quotes is its text's, dated or not
        if self.ends_sentence and self.text[-1] in ".?!":
            return False  # a sentence of the text that names a date
        furniture = self.repeats > 1 and 1 <= self.words <= FURNITURE_WORDS and not self.heads_prose
        return furniture or (self.words <= DATE_LINE_WORDS and bool(_DATE_LIKE.search(self.text)))

    @property
    def label_like(self) -> bool:
        """Words as menus, links and section labels write them: each one with a
        capital, no figures, no sentence; or a line of the site's template."""
        return self.kind in ("template", "ruled") or (
            self.capitalised >= language.TITLE_CASE and not self.digits and not self.ends_sentence)


def _features(lines: Sequence[Line], stop: frozenset[str], known: bool) -> list[_Features]:
    found = []
    for line in lines:
        ws = language.WORD.findall(line.text)
        n = len(ws)
        stops = capitals = 0  # function words; capitalised words among the rest
        for w in ws:
            if w.casefold() in stop:
                stops += 1
            elif w[0].isupper():
                capitals += 1
        share = stops / n if n and known else (1.0 if n else 0.0)
        content = n - stops
        found.append(_Features(line.number, line.text, n, len(line.text), share, bool(_SENTENCE_END.search(line.text)),
                               capitals / content if content else 0.0, bool(_DIGITS.search(line.text))))
    return found


def _fold(text: str) -> str:
    return " ".join(text.translate(QUOTES).casefold().split())


def _classify(f: _Features) -> str:
    """jusText's context-free classes, on a line of plain text."""
    if f.words == 0:
        return "bad"
    if f.chars < LENGTH_LOW:
        return "short"
    if f.stop >= STOPWORDS_HIGH:
        return "good" if f.chars > LENGTH_HIGH or f.ends_sentence else "near"
    if f.stop >= STOPWORDS_LOW:
        return "near"
    return "bad"


def _heaviest(feats: list[_Features], lo: int, hi: int) -> tuple[float, int, int] | None:
    """The run of lines in [lo, hi) with the largest total weight (Kadane)."""
    best, span = 0.0, None
    total, start = 0.0, lo
    for i in range(lo, hi):
        if total <= 0:
            total, start = 0.0, i
        total += feats[i].weight
        if total > best:
            best, span = total, (start, i)
    return (best, *span) if span else None


def _runs(feats: list[_Features]) -> list[tuple[float, int, int]]:
    """The runs of prose of the page, in order: the heaviest run, then the
    heaviest on each side of it, and so on (Ruzzo and Tompa's maximal
    scoring segments): (weight, first, last)."""
    runs = []
    todo = [(0, len(feats))]
    while todo:
        lo, hi = todo.pop()
        found = _heaviest(feats, lo, hi)
        if found is None:
            continue
        runs.append(found)
        todo += [(lo, found[1]), (found[2] + 1, hi)]
    return sorted(runs, key=lambda r: r[1])


def _main_run(feats: list[_Features], stop: frozenset[str]) -> tuple[int, int, int, int] | None:
    """The article's run of prose: the first that weighs at least half the
    heaviest (what people write about an article comes after it, and may weigh
    more) and holds two paragraphs or more, unless it is the heaviest (a
    site's promotion above the article is one long paragraph), with the runs
    after it that carry on its text: a box (a poll, a table, an
    advertisement) cuts a run of prose, a thread of comments or a list of
    other stories begins one with lines that break posts apart, and speaks
    of other things."""
    runs = _runs(feats)
    if not runs:
        return None
    heaviest = max(weight for weight, _, _ in runs)
    at = next(k for k, r in enumerate(runs) if r[0] == heaviest or r[0] >= FIRST_RUN_SHARE * heaviest
              and sum(f.kind in ("good", "near") for f in feats[r[1] : r[2] + 1]) >= 2)
    _, start, end = runs[at]
    core = start, end
    # The run's words and lines, read when a run after it asks (most pages have none that does).
    words: set[str] | None = None
    own: set[str] | None = None
    for weight, first, last in runs[at + 1 :]:
        if sum(f.label_like or f.kind == "bad" for f in feats[end + 1 : first]) > BOX_LINES:
            break  # a list of items of the text (a recipe's) is no box, however long
        if weight < LINE_COST:
            continue  # a line or two of prose inside a box: the box's, whatever comes next
        # A post begins with its author and date just above its text; the
        # article's own furniture (an advertisement's label) may come again,
        # and a line one box prints twice (a poll's answer, then its share of
        # the votes) breaks no posts apart: furniture recurs beyond the box.
        near = feats[max(end + 1, first - POST_HEAD_LINES) : last + 1]
        own = own if own is not None else {_fold(f.text) for f in feats[start : end + 1]}
        if any(f.interrupts and (_DATE_LIKE.search(f.text) or _fold(f.text) not in own
                                 and (f.kind == "ruled" or not _boxed(feats, _fold(f.text), end + 1, first)))
               for f in near):
            break
        theirs = set().union(*(_stems(f.text, stop) for f in feats[first : last + 1] if f.kind in ("good", "near")))
        close = first - end - 1 <= SEPARATOR_LINES  # a rule or a blank between items of one post
        menu = _has_menu(feats[end + 1 : first])
        if words is None:
            words = set().union(*(_stems(f.text, stop) for f in feats[start : end + 1] if f.kind in ("good", "near")))
        if menu or (not close and (not theirs or len(theirs & words) / len(theirs) < CARRIES_ON)):
            break
        if own is not None:  # the run's own lines now reach to its new end
            own |= {_fold(f.text) for f in feats[end + 1 : last + 1]}
        end = last
        words |= theirs
    return start, end, *core


def _boxed(feats: list[_Features], key: str, lo: int, hi: int) -> bool:
    """Whether every line reading ``key`` lies in [lo, hi): in one box between two runs."""
    return all(lo <= i < hi for i, f in enumerate(feats) if _fold(f.text) == key)


def _writers_box(feats: list[_Features], start: int, end: int, stop: frozenset[str]) -> int | None:
    """Where a box about the writer begins below the text: their name on a
    line of its own, right above the last paragraph, which begins with it
    ("Jane Example is a staff writer ..."), with a paragraph of the text
    above it. A name has no function word ("The All Blacks" over "The
    careers of ..." is a label over the text)."""
    last = next((k for k in range(end, start + 1, -1) if feats[k].kind in ("good", "near")), None)
    if last is None or not any(f.kind in ("good", "near") for f in feats[start : last - 1]):
        return None
    named = _WRITER.fullmatch(feats[last - 1].text)
    if named is None or feats[last - 1].words > WRITER_WORDS:
        return None
    words = named.group(1).split()
    if (len(words) > 1 and not all(w[0].isupper() for w in words)) or any(w.casefold() in stop for w in words):
        return None
    bio = feats[last].text.casefold()
    if bio.startswith(named.group(1).casefold() + " ") or len(words) > 1 and bio.startswith(words[0].casefold() + " "):
        return last - 1
    return None


def _chrome(f: _Features) -> bool:
    return f.label_like or (f.kind == "bad" and f.words > 0) or f.interrupts


def _reach(feats: list[_Features], at: int, step: int, known: bool) -> int:
    """How far the text runs on from a run of prose, line by line, until the
    first sign of the page around it: two labels in a row, a long line of
    names, a post's date or furniture. A short paragraph, a list's items or a
    figure are text; the end of the file is no sign of anything. When the
    site's template is ``known``, it says where the page begins: a long line of
    names (a team's line-up, a list of sources) is text, unless it is template."""
    i = at
    while 0 <= i + step < len(feats):
        f = feats[i + step]
        following = feats[i + 2 * step] if 0 <= i + 2 * step < len(feats) else None
        if (f.kind == "bad" and f.words > 0 and not known) or f.interrupts or f.kind in ("template", "ruled"):
            break
        if f.label_like and following is not None and _chrome(following):
            break
        if following is not None and following.interrupts and f.kind == "short":
            break  # a post's author, above its date
        if step > 0 and _weak(f) and (following is None or following.kind not in ("good", "near")):
            break  # a few words that head no paragraph: a link, a label
        i += step
    return i


def _weak(f: _Features) -> bool:
    return f.words <= WEAK_WORDS and not f.digits and not f.ends_sentence


def _shows_chrome(feats: list[_Features], start: int, end: int) -> bool:
    """Whether the text shows the page it was copied from: a menu above the
    article or below the short lines that follow it, or the dates and buttons
    of posts. A clean
    article shows none, and the detector leaves it whole: a table or a list of
    names in it, even one that reads like a menu, is the article's."""
    after = end + 1
    while after < len(feats) and feats[after].kind == "short":
        after += 1  # the short lines right after the prose: a list or a table of the article's, maybe
    return (_has_menu(feats[:start]) or _has_menu(feats[after:]) or sum(f.interrupts for f in feats) >= 2
            or sum(f.kind in ("template", "ruled") for f in feats) >= MENU_RUN)


def _has_menu(feats: list[_Features]) -> bool:
    """Whether MENU_RUN lines in a row of these are a menu's: labels of a few
    words, with no bullet typed before them (a copied menu shows none: a list
    written as "- Guest Blogging" is the text's)."""
    run = 0
    for f in feats:
        run = run + 1 if f.label_like and f.words <= MENU_LABEL_WORDS and not _BULLET.match(f.text) else 0
        if run >= MENU_RUN:
            return True
    return False


def _link_like(f: _Features) -> bool:
    """A line as menus and lists of headlines have them: a label, or a short
    line of a few words with no sentence end; not an item written with its
    bullet, nor one that begins in a small letter ("want to learn how to ...,
    or"): a link's words begin with a capital, a list's items that carry on a
    sentence do not."""
    return f.kind in ("short", "bad") and not _BULLET.match(f.text) and not _carries_on(f.text) and (
        f.label_like or (not f.ends_sentence and f.words <= MENU_LINE_WORDS and not f.digits))


def _announces(f: _Features) -> bool:
    """A clause that ends in a colon announces the list below it ("the most
    likely conditions:", "three main objectives:"); a label with a colon
    ("Related articles:", "Leave a comment:") is a few words, and heads a menu."""
    return f.text.endswith(":") and f.words >= ANNOUNCING_WORDS


def _carries_on(text: str) -> bool:
    """A line of words (not an address) that begins in a small letter."""
    return text[:1].islower() and len(text.split()) >= LOWER_RUN_WORDS


def _stems(text: str, stop: frozenset[str]) -> set[str]:
    """Content words cut to their first letters: "loaning" is "loan", near
    enough in most languages to see that a headline's words come back below it."""
    return {w[:STEM] for w in language.words(text) if w not in stop and len(w) > 1}


def _name_like(f: _Features, stop: frozenset[str]) -> bool:
    """A byline's name or a section label: a few words, every one of them written
    with a capital, none a function word but a short first article ("Lucas
    Massey", "World News", "The Associated Press"); two names joined ("Hilary
    Osborne and Phillip Inman"); a byline ("By ..."); or a site's address ("Example.com")."""
    ws = language.WORD.findall(f.text)
    if len(ws) >= 3 and ws[0].casefold() in stop and ws[0][0].isupper() and len(ws[0]) <= ARTICLE_LETTERS:
        ws = ws[1:]  # "The Associated Press" is a name as "Associated Press" is
    if len(ws) <= 4 and all(w[0].isupper() for w in ws) and not any(w.casefold() in stop for w in ws):
        return True
    return bool(_TWO_NAMES.fullmatch(f.text) or _byline(f) or _DOMAIN.fullmatch(f.text))


def _lead(feats: list[_Features]) -> list[_Features]:
    """The first paragraphs of these lines: where a headline's words come back."""
    return [g for g in feats if g.kind in ("good", "near")][:LEAD_LINES]


def _taken(f: _Features, lead: list[_Features], stop: frozenset[str]) -> tuple[int, int]:
    """How many of a line's words the lead's paragraphs take up, and of how many."""
    words = _stems(f.text, stop)
    taken = set().union(set(), *(_stems(g.text, stop) for g in lead))
    return len(words & taken), len(words)


def _taken_up(f: _Features, lead: list[_Features], stop: frozenset[str]) -> float:
    """The share of a line's words that the lead's paragraphs take up."""
    hits, words = _taken(f, lead, stop)
    return hits / words if words else 0.0


def ends_as_headline(text: str, stop: frozenset[str]) -> bool:
    """A line ends as a headline does: on no sentence's end, on "...", or on a
    full stop in a short line written in title case ("... off Wash.": an abbreviation's)."""
    if text.endswith("..."):
        return True
    if text.endswith("."):
        return len(text.split()) <= HEADLINE_SENTENCE_WORDS and language.title_case(text, stop)
    return not text.endswith((",", ";", ":"))


def _below_labels(feats: list[_Features], stop: frozenset[str]) -> int | None:
    """The headline of an article copied from its top under a section's
    one-word label or a counter ("Music", "0"): the first line of a
    headline's length and form, when only such words stand above it."""
    for k, f in enumerate(feats[:FIRST_LINE_REACH]):
        count = len(_TOKEN.findall(f.text))
        if count >= HEADLINE_MIN_WORDS:
            if k == 0 or not ends_as_headline(f.text, stop) or count > HEADLINE_MAX_WORDS or f.kind == "good" \
                    or k + 1 >= len(feats):
                return None
            return k
        if f.ends_sentence:
            return None
    return None


def _opens(feats: list[_Features], scored: list[tuple[float, int, float]], start: int, stop: frozenset[str],
           page: str) -> bool:
    """Whether the file begins with the article's headline, however far above
    the text (a standfirst, a byline, share buttons, a picture between): its
    first line is a headline of four words or more, printed nowhere else on
    the page (a site's name comes again at its foot), with no menu below it,
    and the paragraphs below it or the text's first take up its words."""
    if not any(c[1] == 0 for c in scored) or len(_TOKEN.findall(feats[0].text)) < 4:
        return False
    if page.count(_fold(feats[0].text)) > 1 or _has_menu(feats[1 : 1 + MENU_RUN]):
        return False
    below = _lead(feats[1:]) + _lead(feats[start:])  # a standfirst or the text under it, and the text's first
    return _taken_up(feats[0], below, stop) >= STANDFIRST_OVERLAP


def _ends_in_next(feats: list[_Features], i: int) -> bool:
    """Whether a line ends in the words of one of the next lines, as a trail of
    labels ends in the headline printed below it ("Browse: Home / <headline>",
    "Blog . Section . <headline>")."""
    own = _fold(feats[i].text)
    for g in feats[i + 1 : i + 1 + TRAIL_REACH]:
        tail = _fold(g.text)
        if len(tail.split()) >= HEADLINE_MIN_WORDS + 1 and own.endswith(" " + tail):
            return True
    return False


def _first_named(text: str) -> bool:
    """A line that begins with a first name ("Rick", "Laura says:"): a
    commenter's, printed over each of their comments, not a subheading."""
    from . import gazetteer

    first = language.WORD.match(text)
    return first is not None and gazetteer.first_name(first.group())


def _two_sentences(text: str) -> bool:
    """Whether a line holds a sentence ending before its own: a headline is one
    sentence or none, in any script that writes capitals."""
    return any(m.group(1).islower() and m.group(2).isupper() for m in _INNER_SENTENCE.finditer(text))


def _table_row(f: _Features | None) -> bool:
    """A row of a table: it ends in figures ("Yes 149 74%"), and is no date."""
    return f is not None and _FIGURES_END.search(f.text) is not None and not _DATE_LIKE.search(f.text)


def _byline(f: _Features) -> bool:
    """A byline: "By Jane Example", "By" on a line of its own above the name, or
    a post's "Posted by Jane Example on <date>" (not a sentence of the text, unless dated)."""
    if f.words <= BYLINE_WORDS and bool(_BYLINE_WORD.match(f.text) or _BY_ALONE.fullmatch(f.text)):
        return True
    if f.words > POSTED_BY_WORDS:
        return False
    posted = _POSTED_BY.match(f.text)
    if posted:  # "Posted on <date>" is dated; "The report by X found ..." is a sentence
        return bool(_DATE_LIKE.search(f.text)) or (posted.group(1).lower() == "by" and f.kind != "good")
    return bool(_DATED_BY.search(f.text) and _DATE_LIKE.search(f.text))  # "<date> @ 2:14pm by Jane Example"


def _headline(feats: list[_Features], start: int, stop: frozenset[str], page: str) -> int | None:
    """The line above the run of prose that reads as its headline: the nearest
    line of a few words that is not a byline, a date, a label or a sentence of
    the text. One whose words the first paragraphs take up is preferred, and
    one the page prints again (in a breadcrumb, a share line, a reply form);
    a line ending in a full stop, or one between the byline and the text, is
    more often a caption. Of a headline and the standfirst below it, both
    taken up by the text, the headline is the upper."""
    scored: list[tuple[float, int, float]] = []
    seen = 0
    for i in range(start, -1, -1):
        f = feats[i]
        seen += 1
        if seen > HEADLINE_REACH:
            break
        count = len(_TOKEN.findall(f.text))  # "80-20 software" is a headline of three
        if not HEADLINE_MIN_WORDS <= count <= HEADLINE_MAX_WORDS or f.kind in ("template", "ruled"):
            continue
        if f.repeats > HEADLINE_REPEATS:
            continue  # printed under each picture or post ("Mouseover photo to ..."): furniture
        if _name_like(f, stop) and not (i + 1 < len(feats) and _byline(feats[i + 1]) and not _byline(f)):
            continue  # a name or a label, unless a byline comes under it ("'Chasing Mavericks' Review", "By ...")
        if _CREDITED.search(f.text) or _SHARE.match(f.text):
            continue  # a picture's caption, ending in its credit; a share control
        if _BREADCRUMB.search(f.text) or _ends_in_next(feats, i):
            continue  # "Home / News / <the headline>": the trail to the page, not its headline
        asks = f.text.rstrip(_CLOSING)[-1:] in ("?", "!")  # a headline may ask or exclaim
        if (f.kind == "good" and not asks) or (f.ends_sentence and not asks and f.words > HEADLINE_SENTENCE_WORDS):
            continue  # a sentence of the text
        if f.words <= DATE_LINE_WORDS and _DATE_LIKE.search(f.text):
            continue  # a date or a time, with a name or a place at most
        hits, words = _taken(f, _lead(feats[i + 1 :]), stop)
        overlap = hits / words if words else 0.0
        # One word of a two-word label found in the text ("Pin It") is less
        # evidence than four of a headline's seven: the share as if one more were missed.
        support = hits / (words + 1)
        again = overlap > 0 and page.count(_fold(f.text)) > 1  # a related story printed twice takes up nothing
        stops = f.text[-1] == "." or _two_sentences(f.text)  # a caption, a standfirst of sentences
        first = i == 0 and seen <= FIRST_LINE_REACH  # an article copied from its headline down
        score = (1.0 + 1.0 * support + 0.1 * (count >= 4) - 0.2 * (count <= 2) + 0.3 * again + 0.4 * first
                 - 0.15 * stops - 0.03 * (seen - 1))
        scored.append((score, i, overlap))
    if not scored:
        return None
    # The byline comes under the headline: a line between it and the text is a
    # picture's caption or a standfirst, when a line above it is one the text
    # takes up.
    low = min(c[1] for c in scored)
    byline = next((i for i in range(start - 1, low, -1) if _byline(feats[i])), None)
    if byline is not None and any(c[1] < byline and (c[2] > 0 or c[1] == byline - 1) for c in scored):
        scored = [(c[0] - BELOW_BYLINE * (c[1] > byline) + ABOVE_BYLINE * (c[1] == byline - 1), c[1], c[2])
                  for c in scored]
    if _opens(feats, scored, start, stop, page):
        return 0
    best_score, best, best_overlap = max(scored)
    # A headline is printed again on its page (a share line, a breadcrumb); a
    # standfirst is not: one printed again is the headline, whatever lies above.
    if best_overlap >= STANDFIRST_OVERLAP and page.count(_fold(feats[best].text)) == 1:
        between = 0
        for i in range(best - 1, -1, -1):  # the lines above, ruled ones aside
            if feats[i].kind == "ruled":
                continue
            if _ends_in_next(feats, i):
                break  # a trail of labels ends in it: it is the headline
            between += 1
            if between > STANDFIRST_REACH:
                break
            upper = next((c for c in scored if c[1] == i), None)
            if upper is not None and upper[2] >= STANDFIRST_OVERLAP and not feats[i].text.endswith("."):
                return i
            if upper is not None:
                break  # a title-like line the text does not take up: a list of other stories is above
    return best


def detect(lines: Sequence[Line], lang: str | None = None, known: frozenset[int] = frozenset(),
           ruled: dict[int, bool] | None = None) -> Detected:
    """Which of the lines are the article's text, and why the others are not;
    ``lang`` names the page's language, found from the lines when not given.
    ``known`` numbers the lines known to be the page's (its site's template):
    they weigh as chrome, are evidence of it, and are never the headline.
    ``ruled`` numbers the lines the rules removed, each true when it heads or
    ends a post: evidence where the chrome and the posts are, never removed
    again."""
    ruled = ruled or {}
    if lang is None and lines:
        lang = language.identify("\n".join(line.text for line in lines))
    stop = language.stopwords(lang)
    feats = _features(lines, stop, bool(stop))
    folded = [_fold(f.text) for f in feats]
    counts = Counter(folded)
    for f, key in zip(feats, folded):
        f.kind = "template" if f.number in known else "ruled" if f.number in ruled else _classify(f)
        f.post = ruled.get(f.number, False)
        f.repeats = counts[key]
    for f, above in zip(feats, [None] + feats):
        f.quoted = bool(_HANDLE.search(f.text)) and (f.text.startswith(_DASHES)
                                                     or above is not None and above.text.strip() in _DASHES)
    heads = defaultdict(list)  # for each text, whether each of its lines comes right above a paragraph or a sentence
    titles: set[str] = set()  # texts printed again, one of whose lines heads paragraphs that take up its words
    for k, (f, key, below) in enumerate(zip(feats, folded, feats[1:] + [None])):
        sentence = below is not None and below.ends_sentence and below.words >= BYLINE_SENTENCE
        heads[key].append(below is not None and below.kind == "good"
                          or counts[key] > 1 and (sentence or _table_row(below)) and not _first_named(f.text))
        if counts[key] > 1 and below is not None and below.kind == "good" and f.kind == "short":
            hits, words = _taken(f, _lead(feats[k + 1 :]), stop)
            if words >= HEADLINE_MIN_WORDS and hits / words >= HEADING_TAKEN:
                titles.add(key)
    for f, key in zip(feats, folded):
        f.heads_prose = all(heads[key]) or key in titles
    seen = [(f.number, f.kind, f"{f.words} words, {f.stop:.0%} function words"
             + (", ends a sentence" if f.ends_sentence else "")) for f in feats]
    span = _main_run(feats, stop)
    if span is None:
        return Detected([], None, lang, seen)
    start, end, core_start, core_end = span
    if not any(f.kind in ("good", "near") for f in feats[start : end + 1]):
        return Detected([], None, lang, seen)  # not one line of prose: no main text to tell the page from
    core = (feats[core_start].number, feats[core_end].number)
    if not _shows_chrome(feats, start, end):
        top = _below_labels(feats, stop)
        box = _writers_box(feats, top or 0, len(feats) - 1, stop)
        removed = [] if box is None else [Removal(f.number, WRITERS_BOX, _WRITERS_EVIDENCE) for f in feats[box:]
                                          if f.number not in ruled]
        if top is None:
            return Detected(removed, None, lang, seen, core=core)
        removed = [Removal(f.number, "outside-main-text", f"above the headline (line {feats[top].number})")
                   for f in feats[:top] if f.number not in ruled] + removed
        return Detected(removed, feats[top].number, lang, seen, core=core)
    # Looked for above the run's first paragraph: a run may begin with a short
    # line or two above its headline (a tagline, a link) that add up above nothing.
    prose = next((i for i in range(start, end + 1) if feats[i].kind in ("good", "near")), start)
    headline = _headline(feats, prose, stop, "\n".join(folded))
    if headline is None:
        start = _reach(feats, start, -1, bool(known))
    end = _reach(feats, end, 1, bool(known))
    first = headline if headline is not None else start
    removed: list[Removal] = []
    below = end + 1
    box = _writers_box(feats, first, end, stop)
    if box is not None:
        removed += [Removal(f.number, WRITERS_BOX, _WRITERS_EVIDENCE) for f in feats[box:below]]
        end = box - 1
    if headline is not None:
        for f in feats[:headline]:
            removed.append(Removal(f.number, "outside-main-text", f"above the headline (line {feats[headline].number})"))
    else:
        for f in feats[:start]:
            removed.append(Removal(f.number, "outside-main-text",
                                   f"above the text, which starts at line {feats[start].number}"))
    for f in feats[below:]:
        removed.append(Removal(f.number, "outside-main-text", f"below the text, which ends at line {feats[end].number}"))
    i = first + 1
    if headline is not None:  # between the headline and the first paragraph: the byline, the date, a label
        while i < prose and feats[i].words <= MENU_LINE_WORDS and not (feats[i].ends_sentence
                                                                        and feats[i].words >= BYLINE_SENTENCE):
            removed.append(Removal(feats[i].number, BYLINE, "between the headline and the first paragraph"))
            i += 1
    while i <= end:
        j = i
        while j <= end and _link_like(feats[j]):
            j += 1
        if j - i >= MENU_RUN and not _announces(feats[i - 1]):
            for f in feats[i:j]:
                removed.append(Removal(f.number, "menu-run", f"one of {j - i} short lines in a row inside the text"))
        i = max(j, i + 1)
    removed = [r for r in removed if r.number not in ruled]
    return Detected(sorted(removed, key=lambda r: r.number), feats[headline].number if headline is not None else None,
                    lang, seen, (feats[start].number, feats[end].number), core)

"""Stage 1: strip web boilerplate from an article's lines, recording every removal.

The rules are data (``rules.yml``); this module only compiles and applies them.
One structural rule lives in code because it compares lines with each other
rather than with a pattern: ``duplicate-title``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import yaml

from . import detect, language, sites
from .text import QUOTES

DEFAULT_RULES = Path(__file__).with_name("rules.yml")

DUPLICATE_TITLE = "duplicate-title"
SITE_TEMPLATE = "site-template"
# The rules that live in code, because they compare lines with each other,
# and the detectors, which weigh a line's evidence.
CODE_RULES = {
    DUPLICATE_TITLE: "The headline printed again near the top of the page, with other quote marks or case.",
    SITE_TEMPLATE: "A line that most files of this site hold in the same places (its menu, its footer, its labels).",
    "outside-main-text": "Above the article's headline or below its text: the page around the article.",
    "menu-run": "One of a run of short lines inside the text that read as a menu or a list of other stories.",
    "byline": "A short line between the headline and the first paragraph: the byline, the date, a label.",
    "writers-box": "Below the text, a box about its writer: their name over a paragraph that begins with it.",
}
# How many of the first kept lines may repeat the title.
TITLE_REPEAT_WINDOW = 6



class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file and rule."""


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    regex: re.Pattern[str]
    max_length: int | None = None
    metadata: bool = False
    outside_text: bool = False
    post: bool = False
    # A rule that keeps what it matches: no rule or detector removes such a line.
    keep: bool = False

    def match(self, line: str) -> re.Match[str] | None:
        if self.max_length is not None and len(line) > self.max_length:
            return None
        return self.regex.search(line)


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    agencies: tuple[str, ...]
    # Hash of the rule files' text: an article cleaned by other rules is re-imported.
    fingerprint: str

    def describe(self, reason: str) -> str:
        """Why lines removed for this reason are boilerplate, for whoever reads the removal."""
        if reason in CODE_RULES:
            return CODE_RULES[reason]
        return next((r.description for r in self.rules if r.name == reason), "")

    def described(self) -> dict[str, str]:
        """Every rule and detector by name, with its description."""
        return {**{r.name: r.description for r in self.rules}, **CODE_RULES}


@dataclass(frozen=True)
class Removed:
    line_number: int
    text: str
    reason: str
    metadata: bool = False
    fields: dict[str, str] = field(default_factory=dict)
    # What the detector saw, for lines it removed; a rule's match is its own evidence.
    evidence: str = ""
    post: bool = False  # removed by a rule whose lines head or end posts


@dataclass(frozen=True)
class Line:
    number: int
    text: str  # "" for a blank line: blank lines separate paragraphs


@dataclass
class Cleaned:
    lines: list[Line]
    removed: list[Removed]
    # The text the lines were split from, normalized: what an article's id is made of.
    text: str
    # The line the detector found to be the headline, if any.
    headline: int | None = None
    language: str | None = None
    # The lines that could be a site's template, by key; the site they point to,
    # and the digest of the template that was applied.
    keys: dict[int, str] = field(default_factory=dict)
    site: int | None = None
    template: str = ""
    # What the detector saw of each line it weighed, for ``archive clean --explain``.
    seen: dict[int, str] = field(default_factory=dict)
    # The lines a keep rule holds in the text, each with the rule's name.
    pinned: dict[int, str] = field(default_factory=dict)

    @property
    def content(self) -> list[Line]:
        return [line for line in self.lines if line.text]


# A wire story's dateline on a line of its own, with its day ("WESTPORT, Wash.
# July 24, 2012 (AP)"): ``{dateline}`` in a rule's pattern, and what the parser
# reads the agency from. Its place is in capitals whatever the rule's case.
DATELINE_ALONE = (r"(?-i:[A-Z][A-Z .'-]{1,40})(?:,\s[A-Z][\w.'-]*(?:\s[A-Z][\w.'-]*){0,2})?,?"
                  r"\s[^()]{0,30}\d\s\({agencies}\)$")


def _alternation(words: Iterable[str]) -> str:
    """The words as one group, longest first, so "Related news" wins over
    "Related"; a group, so that the pattern around it binds to all of them."""
    return "(?:" + "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) + ")"


def _compile(raw: dict, agencies: Sequence[str], origin: str) -> Rule:
    name = raw.get("name")
    if not name or not isinstance(name, str):
        raise RulesError(f"{origin}: every rule needs a name")
    pattern = raw.get("pattern")
    if not pattern:
        raise RulesError(f"{origin}: rule {name!r} has no pattern")
    pattern = pattern.replace("{dateline}", DATELINE_ALONE)
    pattern = pattern.replace("{agencies}", "(?-i:" + _alternation(agencies) + ")")
    if "{words}" in pattern:
        if not raw.get("words"):
            raise RulesError(f"{origin}: rule {name!r} uses {{words}} but lists none")
        pattern = pattern.replace("{words}", _alternation(str(w) for w in raw["words"]))
    flags = 0 if raw.get("case_sensitive") else re.IGNORECASE
    try:
        regex = re.compile(pattern, flags)
    except re.error as e:
        raise RulesError(f"{origin}: rule {name!r} has a bad pattern: {e}") from e
    return Rule(
        name=name,
        description=" ".join(str(raw.get("description", "")).split()),
        regex=regex,
        max_length=raw.get("max_length"),
        metadata=bool(raw.get("metadata", False)),
        outside_text=bool(raw.get("outside_text", False)),
        post=bool(raw.get("post", False)),
        keep=bool(raw.get("keep", False)),
    )


def load_rules(extra: Sequence[Path] = ()) -> RuleSet:
    """The built-in rules followed by the rules of each extra file, in order."""
    digest = hashlib.sha256()
    rules: list[Rule] = []
    agencies: list[str] = []
    for path in (DEFAULT_RULES, *extra):
        try:
            text = Path(path).read_text(encoding="utf-8")
            data = yaml.safe_load(text) or {}
        except (OSError, yaml.YAMLError) as e:
            raise RulesError(f"{path}: cannot read rules: {e}") from e
        if not isinstance(data, dict):
            raise RulesError(f"{path}: expected a mapping with a 'rules' list")
        digest.update(text.encode("utf-8"))
        agencies.extend(str(a) for a in data.get("agencies") or [])
        for raw in data.get("rules") or []:
            rules.append(_compile(raw, agencies, str(path)))
    for name in set(r.name for r in rules) & set(CODE_RULES):
        raise RulesError(f"{name!r} is the name of a built-in rule")
    return RuleSet(tuple(rules), tuple(dict.fromkeys(agencies)), digest.hexdigest())


def normalize_text(text: str) -> str:
    """Unify newlines and compose accents. Control and invisible characters are
    gone already: ``read.decode`` removes them, and counts them."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def normalize_line(line: str) -> str:
    """Runs of white space as one space: str.split knows the same white space as \\s."""
    return " ".join(line.split())


def fold(line: str) -> str:
    """A comparison key: case, quote marks, spacing and end punctuation ignored."""
    key = unicodedata.normalize("NFKC", line).translate(QUOTES).casefold()
    return normalize_line(key).rstrip(" .:;,!")


def clean(text: str, ruleset: RuleSet, templates: sites.Templates = sites.EMPTY) -> Cleaned:
    """Split text into kept and removed lines; line numbers are 1-based. With
    the archive's templates, the lines of the file's site's template go too."""
    lines: list[Line] = []
    removed: list[Removed] = []
    pinned: dict[int, str] = {}
    keeping = [rule for rule in ruleset.rules if rule.keep]
    dropping = [rule for rule in ruleset.rules if not rule.keep]
    text = normalize_text(text)
    raw_lines = [normalize_line(raw) for raw in text.split("\n")]
    sentences = [n for n, line in enumerate(raw_lines, start=1) if _sentence(line)]
    first, last = (sentences[0], sentences[-1]) if sentences else (0, 0)
    for number, line in enumerate(raw_lines, start=1):
        if not line:
            lines.append(Line(number, ""))
            continue
        keeper = next((rule for rule in keeping if rule.match(line)), None)
        if keeper is not None:  # a user's rule says this is text, whatever else would say
            pinned[number] = keeper.name
            lines.append(Line(number, line))
            continue
        for rule in dropping:
            if rule.outside_text and first <= number <= last:
                continue
            m = rule.match(line)
            if m:
                fields = {k: v.strip() for k, v in m.groupdict().items() if v}
                removed.append(Removed(number, line, rule.name, rule.metadata, fields, post=rule.post))
                break
        else:
            lines.append(Line(number, line))
    cleaned = Cleaned(lines, removed, text, pinned=pinned)
    kept = [line.text for line in lines if line.text]
    cleaned.language = language.identify("\n".join(kept)) if kept else None
    # The headline printed twice is known before the page is weighed (the first
    # line's repeats) and after (the headline's, once the detector found it).
    return _drop_repeated_title(_main_text(_drop_repeated_title(cleaned), templates))


_SENTENCE = re.compile(r"[.!?…][\"'”’»)\]]*$")
# A line of this many words that ends a sentence is a sentence of the text.
SENTENCE_WORDS = 6


def _sentence(line: str) -> bool:
    return len(line.split()) >= SENTENCE_WORDS and bool(_SENTENCE.search(line))


def _main_text(cleaned: Cleaned, templates: sites.Templates) -> Cleaned:
    """What the rules kept, less what lies outside the page's main text, and
    less the lines of the site's template when the file's lines say which site
    it is: the detector weighs those as the page's, whatever their form."""
    content = [detect.Line(line.number, line.text) for line in cleaned.lines if line.text]
    # What the rules removed is evidence too: where the page's chrome and its posts are.
    ruled = {r.line_number: r.post for r in cleaned.removed}
    weighed = sorted(content + [detect.Line(r.line_number, r.text) for r in cleaned.removed], key=lambda l: l.number)
    found = detect.detect(weighed, cleaned.language, ruled=ruled)
    cleaned.keys = sites.candidates([(line.number, line.text) for line in content],
                                    language.stopwords(cleaned.language), found.core, found.run or found.core)
    site = templates.site_for(cleaned.keys)
    template = templates.template.get(site, {}) if site is not None else {}
    known = {line.number: template[k] for line in content
             if (k := sites.key(line.text)) in template and line.number not in cleaned.pinned}
    # A site's articles may end on the same sentences (a note, a notice), but
    # a template is never a whole article: when it holds every sentence of
    # prose of this file's core, the file keeps them.
    core = found.core or (0, -1)
    prose = [line.number for line in content if core[0] <= line.number <= core[1] and _sentence(line.text)]
    if prose and all(n in known for n in prose):
        known = {n: count for n, count in known.items() if n not in prose}
    cleaned.site, cleaned.template = site, templates.digest.get(site, "") if site is not None else ""
    if known:
        found = detect.detect(weighed, cleaned.language, frozenset(known), ruled=ruled)
    cleaned.headline = found.headline
    cleaned.seen = {number: f"{kind}: {why}" for number, kind, why in found.seen}
    files = templates.files.get(site, 0) if site is not None else 0
    gone = [r for r in found.removed if r.number not in known and r.number not in cleaned.pinned]
    gone += [detect.Removal(n, SITE_TEMPLATE, f"in {count} of the {files} files of this site")
             for n, count in known.items()]
    if not gone:
        return cleaned
    by_number = {line.number: line for line in cleaned.lines}
    numbers = {r.number for r in gone}
    cleaned.removed = sorted(cleaned.removed + [
        Removed(r.number, by_number[r.number].text, r.reason, metadata=r.reason == detect.BYLINE, evidence=r.evidence)
        for r in gone
    ], key=lambda r: r.line_number)
    cleaned.lines = [line for line in cleaned.lines if line.number not in numbers]
    return cleaned


def _drop_repeated_title(cleaned: Cleaned) -> Cleaned:
    """Templates often print the headline twice, with other quote marks."""
    content = cleaned.content
    if not content:
        return cleaned
    at = next((i for i, line in enumerate(content) if line.number == cleaned.headline), 0)
    title_key = fold(content[at].text)
    repeats = {line.number for line in content[at + 1 : at + TITLE_REPEAT_WINDOW]
               if fold(line.text) == title_key and line.number not in cleaned.pinned}
    if not repeats:
        return cleaned
    cleaned.removed = sorted(cleaned.removed + [
        Removed(line.number, line.text, DUPLICATE_TITLE) for line in content if line.number in repeats
    ], key=lambda r: r.line_number)
    cleaned.lines = [line for line in cleaned.lines if line.number not in repeats]
    return cleaned


@dataclass(frozen=True)
class Decision:
    """What became of one line of a file, and why."""

    number: int
    text: str
    decision: str  # "title", "keep" or "drop"
    reason: str  # the rule or detector that removed it, for a dropped line
    evidence: str


def explain(text: str, ruleset: RuleSet, templates: sites.Templates = sites.EMPTY) -> list[Decision]:
    """Every non-blank line of a text with its decision and its evidence."""
    from .parse import parse

    cleaned = clean(text, ruleset, templates)
    article = parse(cleaned, ruleset)
    removed = {r.line_number: r for r in cleaned.removed}
    title = next((line.number for line in cleaned.lines if line.text and line.text == article.title), None)
    decisions = []
    for number, raw in enumerate(cleaned.text.split("\n"), start=1):
        line = normalize_line(raw)
        if not line:
            continue
        if number in removed:
            r = removed[number]
            decisions.append(Decision(number, line, "drop", r.reason, r.evidence or f"rule: {ruleset.describe(r.reason)}"))
        elif number == title:
            decisions.append(Decision(number, line, "title", "", "the headline: " + cleaned.seen.get(number, "")))
        elif number in cleaned.pinned:
            decisions.append(Decision(number, line, "keep", cleaned.pinned[number],
                                      f"rule: {ruleset.describe(cleaned.pinned[number])}"))
        else:
            decisions.append(Decision(number, line, "keep", "", cleaned.seen.get(number, "")))
    return decisions

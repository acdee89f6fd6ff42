"""Parsing: titles, dates, sources and paragraphs across layouts."""

import random

import pytest

from archive.clean import clean
from archive.parse import WALL_CHARS, _sentence_starts, _sentencizer, parse, sentences

from .conftest import BBC, SEEDS


def parsed(text, ruleset):
    return parse(clean(text, ruleset), ruleset)


def test_layout_does_not_matter(ruleset):
    seed = (SEEDS / "000_6b97b866aae4ce72.txt").read_text(encoding="utf-8")
    messy = "\r\n".join("  " + line.replace(" ", " \t ") + "   " for line in seed.split("\n"))
    assert parsed(messy, ruleset) == parsed(seed, ruleset)


def test_single_newline_layout_gives_one_paragraph_per_line(ruleset):
    text = "Headline of the day\nFirst paragraph here.\nSecond paragraph here.\nThird one.\n"
    article = parsed(text, ruleset)
    assert article.title == "Headline of the day"
    assert article.paragraphs == ["First paragraph here.", "Second paragraph here.", "Third one."]


def test_hard_wrapped_lines_join_into_one_paragraph(ruleset):
    text = (
        "Headline\n\nThe minister said on Sunday that the talks with the rebels\n"
        "would resume on Monday morning in the Swiss city of\nGeneva.\n\n"
        "Tuesday, 1 March\nLansdowne Road, Dublin\n"
    )
    assert parsed(text, ruleset).paragraphs == [
        "The minister said on Sunday that the talks with the rebels would resume on Monday morning"
        " in the Swiss city of Geneva.",
        "Tuesday, 1 March",
        "Lansdowne Road, Dublin",
    ]


def test_no_title_line_gives_a_short_title_from_the_first_sentence(ruleset):
    article = parsed((SEEDS / "002_3db6dc4f35d16cb8.txt").read_text(encoding="utf-8"), ruleset)
    assert article.title == (
        "Russia, Turkey, and Iran have not agreed on new military operations against al-Qaeda-linked jihadis…"
    )
    # The first line is body text, not lost to the title.
    assert article.paragraphs[0].startswith("Russia, Turkey, and Iran have not agreed")


def test_short_first_sentence_is_the_whole_derived_title(ruleset):
    article = parsed("Markets fell sharply on Monday. Traders blamed oil.\nMore followed.\n", ruleset)
    assert article.title == "Markets fell sharply on Monday"


def test_wall_of_text_is_split_into_passages_of_sentences(ruleset):
    sentence = "The envoy said the talks in Geneva would go on for another week, with or without Mr. Smith of the U.S. delegation."
    wall = " ".join([sentence] * 30)
    article = parsed(f"Headline\n\n{wall}\n", ruleset)
    assert len(article.paragraphs) > 1
    assert all(len(p) < WALL_CHARS for p in article.paragraphs)
    assert all(p.startswith("The envoy said") and p.endswith("delegation.") for p in article.paragraphs)
    assert " ".join(article.paragraphs) == wall


def test_sentences_keep_abbreviations_and_quotes():
    assert sentences("Mr. Assad met U.S. envoys. “It went well,” he said. “Next,” she said.") == [
        "Mr. Assad met U.S. envoys.",
        "“It went well,” he said.",
        "“Next,” she said.",
    ]


# Words that end, open, or only look like they end a sentence.
TRICKY_WORDS = [
    "Mr.", "U.S.", "One.Tel", "3.5", "etc.", "said.", "said.\u201d", "\u201cNext,", "(Reuters)", "...", "\u2026", "Why?!",
    "no!", "\u201d", "\u2014", "-", "\"", "'", "(", ")", "[a.", "b.]", "\u061f", "\u06d4", "\u0645\u0634\u0627\u0631\u0643\u0629",
    "e.g.", "www.bbc.co.uk.", "Â£5.", "10.30am.", ":)", "A.", "?", ".", "the", "envoy", "Idlib", "\u2019s.",
]


def test_sentence_starts_are_the_sentencizers_own():
    # The shortcut that tokenizes only around sentence marks must give exactly
    # what spaCy's sentencizer gives on the whole text.
    nlp = _sentencizer()
    texts = [" ".join(p.split()) for path in sorted(SEEDS.glob("*.txt")) for p in path.read_text(encoding="utf-8").split("\n\n")]
    if BBC.exists():
        texts += [" ".join(p.split()) for path in sorted(BBC.rglob("*.txt"))[:300] for p in path.read_text(encoding="utf-8").split("\n\n")]
    rng = random.Random(7)
    texts += [" ".join(rng.choices(TRICKY_WORDS, k=rng.randint(1, 30))) for _ in range(3_000)]
    texts += ["  Two  spaces. And\ta tab.", " Leading space. Here.", "Trailing. Space. "]
    texts = [t for t in texts if t.strip()]
    boundaries = 0
    for text in texts:
        expected = [span.start_char for span in nlp(text).sents]
        assert _sentence_starts(text) == expected, text
        boundaries += len(expected) - 1
    assert boundaries > 5_000


@pytest.mark.parametrize(
    "line, expected",
    [
        ("• 8/10/2018", "2018-08-10"),
        ("• 2018-09-07", "2018-09-07"),
        ("• 7 September 2018", "2018-09-07"),
        ("• Sept. 7, 2018", "2018-09-07"),
        ("• 25/12/2018", "2018-12-25"),
        ("Published on 10 August 2018 at 14:00", "2018-08-10"),
        ("• 00:00", None),
        ("• 13/13/2018", None),
    ],
)
def test_published_comes_from_metadata_lines(line, expected, ruleset):
    article = parsed(f"A headline\n{line}\n\nThe story begins here. It ends here.\n", ruleset)
    assert article.published == expected


def test_dates_in_the_body_are_never_taken_as_published(ruleset):
    text = "A headline\n\nOn August 30th, 2018 the minister spoke. On 8/10/2018 he spoke again.\n"
    assert parsed(text, ruleset).published is None


def test_source_from_a_source_line_or_a_dateline(ruleset):
    line = parsed("A headline\nSource: Asharq Al-Awsat\n\nThe story. More of it.\n", ruleset)
    assert line.source == "Asharq Al-Awsat"
    dateline = parsed("A headline\n\nBEIRUT (Reuters) - Shelling hit the town. More of it.\n", ruleset)
    assert dateline.source == "Reuters"
    assert dateline.paragraphs[0].startswith("BEIRUT (Reuters)")
    assert parsed("A headline\n\nThe story, as Reuters said. More.\n", ruleset).source is None


def test_a_long_line_ending_in_an_ellipsis_is_not_a_title(ruleset):
    long_line = "The envoy said the talks would go on, " * 8 + "and then..."
    article = parsed(f"{long_line}\nThe second paragraph.\n", ruleset)
    assert article.paragraphs[0] == long_line
    assert article.title != long_line
    assert parsed("Is this the end...\nThe story begins. It goes on.\n", ruleset).title == "Is this the end..."

"""Parsing: titles, dates, sources and paragraphs across layouts."""

import datetime as dt
import random

import pytest

from archive import provenance
from archive.clean import clean
from archive.parse import WALL_CHARS, _sentence_starts, _sentencizer, parse, sentences

from .conftest import BBC, SEEDS, examples


def parsed(text, ruleset, given=None):
    return parse(clean(text, ruleset), ruleset, given)


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
        texts += [" ".join(p.split()) for path in sorted(BBC.rglob("*.txt"))[:examples(300)] for p in path.read_text(encoding="utf-8").split("\n\n")]
    rng = random.Random(7)
    texts += [" ".join(rng.choices(TRICKY_WORDS, k=rng.randint(1, 30))) for _ in range(examples(3_000))]
    texts += ["  Two  spaces. And\ta tab.", " Leading space. Here.", "Trailing. Space. "]
    texts = [t for t in texts if t.strip()]
    boundaries = 0
    for text in texts:
        expected = [span.start_char for span in nlp(text).sents]
        assert _sentence_starts(text) == expected, text
        boundaries += len(expected) - 1
    assert boundaries > examples(5_000)


@pytest.mark.parametrize(
    "line, expected",
    [
        ("• 2018-09-07", "2018-09-07"),
        ("• 7 September 2018", "2018-09-07"),
        ("• Sept. 7, 2018", "2018-09-07"),
        ("• 25/12/2018", "2018-12-25"),
        ("• 12/25/2018", "2018-12-25"),
        ("• 7.7.2018", "2018-07-07"),
        ("Published on 10 August 2018 at 14:00", "2018-08-10"),
        ("Updated 8:16 AM ET, Tue November 19, 2019", "2019-11-19"),
        ("First published on November 19, 2019 / 8:16 AM", "2019-11-19"),
        ("Publié le 10 août 2018", "2018-08-10"),
        ("• 00:00", None),
        ("• 13/13/2018", None),
    ],
)
def test_published_comes_from_metadata_lines(line, expected, ruleset):
    article = parsed(f"A headline\n{line}\n\nThe story begins here. It ends here.\n", ruleset)
    assert article.published == expected
    assert article.published_from == ("metadata-line" if expected else None)
    if expected:
        assert line in article.published_evidence


def test_a_date_either_way_is_recorded_not_guessed(ruleset):
    article = parsed("A headline\n• 8/10/2018\n\nThe story begins here. It ends here.\n", ruleset)
    assert article.published is None and article.published_from is None
    assert article.published_evidence == "line 2: • 8/10/2018 (the day and the month could be either way)"


def test_a_date_either_way_is_read_as_the_month_the_text_names(ruleset):
    article = parsed("A headline\n• 8/10/2018\n\nIn August the army moved. It ends here.\n", ruleset)
    assert article.published == "2018-08-10"
    assert "read as the month the text names" in article.published_evidence
    article = parsed("A headline\n• 8/10/2018\n\nIn October the army moved. It ends here.\n", ruleset)
    assert article.published == "2018-10-08"


def test_a_date_either_way_is_read_as_the_site_writes_dates(ruleset):
    text = "A headline\n• 8/10/2018\n\nThe story begins here. It ends here.\n"
    assert parsed(text, ruleset, provenance.Given(site_order="DMY")).published == "2018-10-08"
    assert parsed(text, ruleset, provenance.Given(site_order="MDY")).published == "2018-08-10"


def test_the_figures_settle_the_articles_own_way_of_writing_dates(ruleset):
    assert parsed("A headline\n• 13/8/2018\n\nThe story. It ends.\n", ruleset).date_order == "DMY"
    assert parsed("A headline\n• 8/13/2018\n\nThe story. It ends.\n", ruleset).date_order == "MDY"
    assert parsed("A headline\n• 8/10/2018\n\nThe story. It ends.\n", ruleset).date_order is None


def test_a_date_either_way_is_read_by_the_weekday_it_names(ruleset):
    article = parsed("A headline\nMonday, 11.05.2012 / 12:04 AM\n\nThe story begins here. It ends here.\n", ruleset)
    assert article.published == "2012-11-05"  # 5 November 2012 was a Monday; 11 May a Friday
    assert article.published_evidence.endswith("(read by the weekday it names)")


@pytest.mark.parametrize("opening", [
    "LONDON, July 24, 2012 (AP) — Britain deployed more troops. It ends here.",
    "BEIRUT, 24 July 2012 - The army moved north. It ends here.",
])
def test_a_wire_storys_dateline_dates_it(ruleset, opening):
    article = parsed(f"A headline\n\n{opening}\n\nA second paragraph names 30 July 2012.\n", ruleset)
    assert (article.published, article.published_from) == ("2012-07-24", "dateline")


def test_dates_in_other_languages_and_scripts(ruleset):
    arabic = parsed("عنوان الخبر\nنشر في ١٠ أغسطس ٢٠١٨\n\nقال المسؤول إن المحادثات ستستمر. وانتهى الاجتماع.\n", ruleset)
    assert arabic.published == "2018-08-10"


def test_the_text_dates_an_article_last_and_as_about(ruleset):
    text = "A headline\n\nOn August 30th the minister spoke, a year after the 2017 talks. In 2018 he spoke again.\n"
    article = parsed(text, ruleset)
    assert (article.published, article.published_from) == ("2018-08-30", "text")
    assert "August 30th (the year 2018 from the text)" in article.published_evidence
    assert parsed(text, ruleset, provenance.Given(from_text=False)).published is None


def test_the_text_never_dates_an_article_by_an_event_to_come_or_after_its_import(ruleset):
    text = ("A headline\n\nThe talks of 3 August 2018 failed. A summit is expected on 7 September 2018."
            " It ends here.\n")
    assert parsed(text, ruleset).published == "2018-08-03"
    early = provenance.Given(imported=dt.date(2018, 8, 1))
    assert parsed(text, ruleset, early).published is None


def test_the_text_dates_by_the_caption_inside_the_article_not_by_a_sidebar(ruleset):
    text = ("A headline\n\nTroops in a convoy on August 29, 2018. (AFP)\n\nThe army moved. It ends here.\n\n"
            "Related: the summit of 12 December 2019\n")
    assert parsed(text, ruleset).published == "2018-08-29"


def test_source_from_a_source_line_or_a_dateline(ruleset):
    line = parsed("A headline\nSource: Asharq Al-Awsat\n\nThe story. More of it.\n", ruleset)
    assert line.source == "Asharq Al-Awsat"
    dateline = parsed("A headline\n\nBEIRUT (Reuters) - Shelling hit the town. More of it.\n", ruleset)
    assert dateline.source == "Reuters"
    assert dateline.paragraphs[0].startswith("BEIRUT (Reuters)")
    assert parsed("A headline\n\nThe story, as Reuters said. More.\n", ruleset).source is None


def test_a_datelines_line_of_its_own_is_the_articles_and_names_its_agency(ruleset):
    """Ending in an agency's name in brackets, as a caption ends in its
    credit, a dateline with the day on a line of its own is no caption: it
    stays with the text, and dates and sources it."""
    article = parsed("A headline\nNORTHPORT, Wash. July 24, 2012 (AP)\nOfficials are watching the coast."
                     " More of it.\n\nA second paragraph names 30 July 2012.\n", ruleset)
    assert article.paragraphs[0] == "NORTHPORT, Wash. July 24, 2012 (AP)"
    assert (article.source, article.source_from) == ("AP", "dateline")
    assert (article.published, article.published_from) == ("2012-07-24", "dateline")
    caption = parsed("A headline\nOfficials on the coast on July 24, 2012 (AP)\nThe story. More of it.\n", ruleset)
    assert [r.reason for r in caption.removed] == ["photo-caption"] and caption.source is None


def test_a_long_line_ending_in_an_ellipsis_is_not_a_title(ruleset):
    long_line = "The envoy said the talks would go on, " * 8 + "and then..."
    article = parsed(f"{long_line}\nThe second paragraph.\n", ruleset)
    assert article.paragraphs[0] == long_line
    assert article.title != long_line
    assert parsed("Is this the end...\nThe story begins. It goes on.\n", ruleset).title == "Is this the end..."

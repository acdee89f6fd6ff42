"""Cleaning: golden output for every seed, and rules that generalise past them."""

import json

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from archive import ingest
from archive.cli import cli
from archive.clean import RulesError, clean, load_rules, normalize_line, normalize_text
from archive.parse import parse
from archive.read import Rejected

from .conftest import examples, golden, seed_files


def cleaned(text, ruleset):
    return parse(clean(text, ruleset), ruleset)


@pytest.mark.parametrize("seed", seed_files(), ids=lambda p: p.stem)
def test_seed_matches_golden(seed):
    result = CliRunner().invoke(cli, ["clean", "--json", str(seed)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == golden(seed)


@pytest.mark.parametrize("seed", seed_files(), ids=lambda p: p.stem)
def test_every_seed_line_is_kept_or_explained(seed, ruleset):
    article = cleaned(seed.read_text(encoding="utf-8"), ruleset)
    body = " ".join(" ".join(p.split()) for p in article.paragraphs)
    removed = {r.line_number for r in article.removed}
    for number, line in enumerate(seed.read_text(encoding="utf-8").splitlines(), start=1):
        line = " ".join(line.split())
        if line and number not in removed:
            assert line == article.title or line in body, (number, line)


def test_golden_removals_name_their_rules():
    reasons = {r["reason"] for seed in seed_files() for r in golden(seed)["removed"]}
    assert reasons == {
        "donation-bar", "duplicate-title", "photo-caption", "support-appeal",
        "toolbar", "promo-link", "bullet-metadata", "image-placeholder", "share-label",
    }


ARTICLE = "A headline about a market\n\nThe first paragraph of the story. It has two sentences.\n\nThe second paragraph.\n"


@pytest.mark.parametrize(
    "line, reason",
    [
        ("10 €", "donation-bar"),
        ("$ 1,250", "donation-bar"),
        ("300 USD", "donation-bar"),
        ("Please support our journalism", "support-appeal"),
        ("Like this article? Become a member", "support-appeal"),
        ("Read more: Oil prices fall again", "promo-link"),
        ("Related: Talks stall in Geneva", "promo-link"),
        ("Share Tweet Email", "toolbar"),
        ("Print | Comments", "toolbar"),
        ("Partager :", "share-label"),
        ("Поделиться", "share-label"),
        ("Share this article:", "share-label"),
        ("• 12 September 2018", "bullet-metadata"),
        ("· 1,204 views", "bullet-metadata"),
        ("featured-image", "image-placeholder"),
        ("Smoke rises over the city after an air strike. (Reuters)", "photo-caption"),
        ("Civilians flee the fighting (Photo: AFP)", "photo-caption"),
        ("A convoy on the highway (AP Photo/Ghaith Alsayed)", "photo-caption"),
        ("Photo: Getty Images", "photo-credit"),
        ("The minister at the launch on Monday. Picture: Supplied Source: Example Wire", "credit-label"),
        ("Images: Example Archives/Northport Museum", "credit-label"),
        ("About the author", "about-label"),
        ("About Jane Example", "about-label"),
        ("Report this ad", "ad-label"),
        ("14 Photos", "gallery-control"),
        ("Über mich", "about-label"),
        ("Published on 10 August 2018", "published-line"),
    ],
)
def test_rule_patterns_not_strings(line, reason, ruleset):
    text = ARTICLE.replace("\n\nThe second", f"\n\n{line}\n\nThe second")
    article = cleaned(text, ruleset)
    assert [(r.text, r.reason) for r in article.removed] == [(line, reason)]
    assert article.paragraphs == ["The first paragraph of the story. It has two sentences.", "The second paragraph."]


@pytest.mark.parametrize(
    "line",
    [
        "27,595",  # an attendance figure
        "Phil Fear (WRU)",  # a referee and his union
        "Share boost for feud-hit Reliance",
        "did",
        "- Increased spending on health to 102.8bn rupees ($2.35bn)",
        "The firm said it would consider helping the union with its pension scheme, which is in deficit.",
        "Sales rose to $1.6bn (£850m) in the year to March.",
        "Reuters adds:",
        "About Designer",  # a subheading: one word, no name
        "Photos: The harbour after the storm in Northport and Eastbay (part 2)",
    ],
)
def test_article_lines_that_look_like_boilerplate_are_kept(line, ruleset):
    text = ARTICLE.replace("\n\nThe second", f"\n\n{line}\n\nThe second")
    article = cleaned(text, ruleset)
    assert article.removed == []
    assert line in article.paragraphs


def test_title_repeated_with_other_quotes_is_removed(ruleset):
    text = "Talks on Syria’s north\n\nTalks on Syria's north\n\nDiplomats met on Monday. They agreed nothing.\n"
    article = cleaned(text, ruleset)
    assert article.title == "Talks on Syria’s north"
    assert [(r.line_number, r.reason) for r in article.removed] == [(3, "duplicate-title")]


def test_promo_in_the_middle_of_a_paragraph_run(ruleset):
    text = "Title here\nFirst paragraph ends.\nMore news: Something else entirely\nSecond paragraph.\n"
    article = cleaned(text, ruleset)
    assert article.paragraphs == ["First paragraph ends.", "Second paragraph."]
    assert [r.reason for r in article.removed] == ["promo-link"]


def test_extra_rules_file_extends_the_builtin_rules(tmp_path, ruleset):
    rules = tmp_path / "mine.yml"
    rules.write_text(
        "rules:\n"
        "  - name: audio-player\n"
        "    description: The button that reads the article aloud.\n"
        "    pattern: '^listen to this {words}'\n"
        "    words: [article, story]\n",
        encoding="utf-8",
    )
    extended = load_rules([rules])
    assert extended.rules[-1].name == "audio-player"
    assert extended.fingerprint != ruleset.fingerprint
    text = ARTICLE.replace("\n\nThe second", "\n\nListen to this story\n\nThe second")
    assert [r.reason for r in cleaned(text, extended).removed] == ["audio-player"]
    assert cleaned(text, ruleset).removed == []


def test_a_keep_rule_holds_a_line_in_the_text_against_rules_and_detectors(tmp_path, ruleset):
    from .pages import STORIES, story, whole_page

    s = story(STORIES[0])
    page = whole_page(s)
    before = {r.text: r.reason for r in clean(page, ruleset).removed}
    assert {"Related stories", "Share this article"} <= set(before)  # removed, as boilerplate
    rules = tmp_path / "mine.yml"
    rules.write_text(
        "rules:\n"
        "  - name: our-related-list\n"
        "    description: In this collection the related stories are part of what was kept.\n"
        "    pattern: '^(?:related stories|share this article)$'\n"
        "    keep: true\n", encoding="utf-8")
    keeping = load_rules([rules])
    after = clean(page, keeping)
    kept = {line.text for line in after.lines}
    assert {"Related stories", "Share this article"} <= kept
    assert not {"Related stories", "Share this article"} & {r.text for r in after.removed}
    # Everything else the page's cleaning removed still goes.
    assert {r.text for r in after.removed} == set(before) - {"Related stories", "Share this article"}
    from archive.clean import explain

    decisions = {d.text: d for d in explain(page, keeping)}
    assert (decisions["Related stories"].decision, decisions["Related stories"].reason) == ("keep", "our-related-list")


@pytest.mark.parametrize(
    "content, message",
    [
        ("rules:\n  - pattern: 'x'\n", "every rule needs a name"),
        ("rules:\n  - name: broken\n    pattern: '('\n", "rule 'broken' has a bad pattern"),
        ("rules:\n  - name: empty\n    pattern: '^({words})$'\n", "uses {words} but lists none"),
        ("rules: [\n", "cannot read rules"),
    ],
)
def test_bad_rules_file_is_a_clear_error(tmp_path, content, message):
    rules = tmp_path / "bad.yml"
    rules.write_text(content, encoding="utf-8")
    with pytest.raises(RulesError, match=message.replace("{", r"\{").replace("(", r"\(")):
        load_rules([rules])


# Lines as collected pages have them: the seeds' own lines (boilerplate and
# text), web furniture, and anything at all, including control characters and
# line breaks of every kind.
SEED_LINES = sorted({line for seed in seed_files() for line in seed.read_text(encoding="utf-8").splitlines()})
FURNITURE = ["2,500 $", "Do you like this content? Consider helping us!", "More news: Idlib talks", "• 8/10/2018",
             "Adjust Comment Print", "news-picture", "مشاركة :", "(AFP)", "Photo: Reuters", "", "   ", "\t"]
LINES = st.one_of(st.sampled_from(SEED_LINES), st.sampled_from(FURNITURE), st.text(max_size=300))
TEXTS = st.tuples(st.lists(LINES, max_size=40), st.sampled_from(["\n", "\r\n", "\r"])).map(
    lambda parts: parts[1].join(parts[0])
)


def squeeze(parts) -> str:
    """Text with every space removed: passages of a wall may be cut anywhere."""
    return "".join("".join(parts).split())


@settings(max_examples=examples(400), deadline=None)
@given(text=TEXTS)
def test_every_line_lands_in_the_article_or_in_removed_lines(ruleset, text):
    article = cleaned(text, ruleset)  # never raises
    lines = [normalize_line(line) for line in normalize_text(text).split("\n")]
    removed = {r.line_number: r for r in article.removed}
    assert len(removed) == len(article.removed)
    for number, r in removed.items():
        assert lines[number - 1] == r.text and r.text and r.reason
    kept = [line for number, line in enumerate(lines, start=1) if line and number not in removed]
    # Every kept line, in order, is the article's text: nothing lost, nothing added.
    assert squeeze(kept) in (squeeze(article.paragraphs), squeeze([article.title, *article.paragraphs]))
    assert all(p.strip() == p and p for p in article.paragraphs)


@settings(max_examples=examples(200), deadline=None)
@given(text=TEXTS)
def test_cleaning_is_deterministic(ruleset, text):
    assert cleaned(text, ruleset) == cleaned(text, load_rules())


@settings(max_examples=examples(300), deadline=None)
@given(data=st.one_of(st.binary(max_size=3000), TEXTS.map(lambda t: t.encode("utf-8"))))
@example(data=b".")  # found by Hypothesis: a derived title of "." stripped to nothing
def test_any_bytes_give_an_article_or_a_reason(tmp_path_factory, ruleset, data):
    path = tmp_path_factory.mktemp("any") / "file.txt"
    path.write_bytes(data)
    try:
        doc = ingest.prepare(path, ruleset)
    except Rejected as e:
        assert str(e) and "\n" not in str(e)
    else:
        assert doc.article.paragraphs and doc.article.title


def test_clean_says_why_each_kind_of_removed_line_is_boilerplate(ruleset):
    seed = next(s for s in seed_files() if s.stem.startswith("000"))
    result = CliRunner().invoke(cli, ["clean", str(seed)])
    assert result.exit_code == 0, result.output
    why = result.stdout.split("\nWhy:\n", 1)[1].splitlines()
    reasons = list(dict.fromkeys(r["reason"] for r in golden(seed)["removed"]))
    assert [line.split(":", 1)[0].strip() for line in why] == reasons
    for line, reason in zip(why, reasons):
        assert line == f"  {reason}: {ruleset.describe(reason)}" and ruleset.describe(reason)

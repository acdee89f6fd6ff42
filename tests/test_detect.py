"""The main text of a page, found on plain text: each detector on pages laid out
as news sites lay them out, and the files it must leave whole."""

import pytest
from click.testing import CliRunner

from archive.cli import cli
from archive.clean import clean, explain, load_rules
from archive.detect import Line, detect
from archive.language import stopwords
from archive.parse import parse

from .conftest import BBC
from .pages import BREADCRUMB, BYLINE, COMMENTS, FOOTER, MENU, RELATED, STORIES, Story, lead_words, story, whole_page


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def cleaned(text, rules):
    return parse(clean(text, rules), rules)


def joined(paragraphs):
    """The text, however it is cut into paragraphs (a long one is split into passages)."""
    return " ".join(" ".join(paragraphs).split())


@pytest.mark.parametrize("path", STORIES, ids=lambda p: p.stem)
def test_a_whole_page_gives_its_article_and_headline(path, rules):
    s = story(path)
    article = cleaned(whole_page(s), rules)
    assert article.title == s.title
    assert joined(article.paragraphs) == joined(s.paragraphs)
    reasons = {r.reason for r in article.removed}
    assert reasons <= {"outside-main-text", "byline", "share-label", "toolbar", "comment-furniture",
                       "copyright-line", "menu-run"}
    gone = {r.text for r in article.removed}
    assert set(MENU + RELATED + COMMENTS + FOOTER) <= gone


def test_what_goes_says_which_detector_and_why(rules):
    s = story(STORIES[0])
    removed = {r.text: r for r in cleaned(whole_page(s), rules).removed}
    assert removed["Skip to content"].reason == "outside-main-text"
    assert removed["Skip to content"].evidence.startswith("above the headline (line ")
    assert removed["About us"].evidence.startswith("below the text, which ends at line ")
    assert removed["3 comments"].reason == "comment-furniture"


def test_the_headline_is_not_the_site_a_section_or_a_byline(rules):
    s = story(STORIES[1])
    for after in (["By Jane Example"], ["Jane Example", "Markets"], ["12 March 2024", "World News"]):
        assert cleaned(whole_page(s, after_title=after), rules).title == s.title


def test_a_headline_ending_in_a_full_stop_is_still_the_headline(rules):
    s = story(STORIES[2])
    headline = "Talks resume in Brussels, and end without a deal."
    assert cleaned(whole_page(s, title=headline), rules).title == headline


@pytest.mark.parametrize("headline, title", [
    ("Officials Eye Debris off Wash.", True),  # title case: the full stop is an abbreviation's
    ("Catch the games on NHL Network-U.S.", True),
    ("The talks ended without a deal.", False),  # a sentence
])
def test_an_article_copied_from_a_headline_with_a_full_stop_keeps_it_whole(headline, title, rules):
    s = story(STORIES[2])
    article = cleaned("\n\n".join([headline, *s.paragraphs]) + "\n", rules)
    assert (article.title == headline) is title
    assert article.title_from == ("first-line" if title else "first-paragraph")


def test_a_sections_label_above_an_articles_headline_is_not_the_title(rules):
    s = story(STORIES[1])
    article = cleaned("\n\n".join(["Business", "0", s.title, *s.paragraphs]) + "\n", rules)
    assert article.title == s.title
    assert joined(article.paragraphs) == joined(s.paragraphs)
    assert [(r.text, r.reason) for r in article.removed] == [("Business", "outside-main-text"),
                                                             ("0", "outside-main-text")]
    # A one-word headline over its text stays the headline.
    article = cleaned("\n\n".join(["Business", *s.paragraphs]) + "\n", rules)
    assert (article.title, article.removed) == ("Business", [])


def test_a_headline_that_asks_is_a_headline_however_many_function_words(rules):
    s = story(STORIES[3])
    asked = "Why do we all keep on paying for the things that we were promised by them and never get?"
    assert cleaned(whole_page(s, title=asked), rules).title == asked


def test_a_trail_of_labels_ending_in_the_headline_is_not_the_headline(rules):
    s = story(STORIES[3])
    exclaimed = s.title + "!"
    page = whole_page(s, menu=MENU + ["You are here: Home / Business / " + exclaimed], title=exclaimed)
    assert cleaned(page, rules).title == exclaimed


@pytest.mark.parametrize("trail", ["Browse: Home / {}", "Example Blog . Business . {}", "Home Business {}"])
def test_a_line_ending_in_the_headline_below_it_is_a_trail_not_the_headline(trail, rules):
    """One separator, dots, or none at all: a line that ends in the words of the
    line below it leads to that line, the headline."""
    s = story(STORIES[3])
    page = whole_page(s, breadcrumb=[*BREADCRUMB, trail.format(s.title)])
    assert cleaned(page, rules).title == s.title


@pytest.mark.parametrize("trail", ["Home › Russia ›", "World » Russia »"])
def test_a_trail_of_labels_ending_in_its_separator_is_not_the_headline(trail, rules):
    """Its last label is a word of the text ("Russia", in a story from there): the
    separator after it says it is a trail's."""
    s = story(STORIES[3])
    assert "Russia" in s.paragraphs[0]
    assert cleaned(whole_page(s, breadcrumb=[trail]), rules).title == s.title


def test_a_file_that_begins_with_its_headline_keeps_it_over_a_caption_near_the_text(rules):
    """An article-area copy: the headline on top, then a date, a byline, a
    player's label and a picture's caption that the first paragraph takes up."""
    s = story(STORIES[3])
    caption = " ".join(w.strip(".,") for w in s.paragraphs[0].split()[:9])
    top = [s.title, "12 March 2024", "Jane Example, in Moscow", "Updated 13 March 2024", "Listen to this article",
           "A picture of the talks", caption]
    article = cleaned("\n\n".join([*top, *s.paragraphs, *RELATED, *FOOTER]) + "\n", rules)
    assert article.title == s.title
    # A site's name on top, printed again at its foot, is no headline.
    named = " ".join(w.strip(".,") for w in s.paragraphs[0].split()[:5]) + " Weekly"  # its words in the text
    page = "\n\n".join([named, *top[1:], *s.paragraphs, *RELATED, *FOOTER, named]) + "\n"
    assert cleaned(page, rules).title != named


def test_the_standfirst_below_the_headline_is_not_the_title(rules):
    s = story(STORIES[3])
    standfirst = "The plan would cost " + " ".join(s.paragraphs[0].split()[3:12])
    article = cleaned(whole_page(s, after_title=[standfirst, "By Jane Example"]), rules)
    assert article.title == s.title


def test_a_headline_printed_again_is_the_headline_under_a_label_the_text_takes_up(rules):
    """A section's label just above the headline may share its words with the
    text ("World Trade News" over a story of the World Trade Organisation), as
    a headline above its standfirst does; the headline is the line the page
    prints again (here in a line to share it)."""
    s = story(STORIES[3])
    page = whole_page(s, breadcrumb=["World Trade News"], after_title=[*BYLINE, f"Share: {s.title}"])
    assert cleaned(page, rules).title == s.title


def test_a_control_of_two_words_one_of_them_the_texts_is_not_the_headline(rules):
    """A control between the headline and the text ("Pin It" over a story of
    pins): its one content word found in the text is weaker evidence than
    four of a headline's seven, however much nearer the text it stands."""
    s = story(STORIES[3])
    words = [w for w in s.paragraphs[0].split() if w.isalpha() and w.islower() and len(w) > 6]
    headline = " ".join(w.capitalize() for w in words[:4]) + " Seen Through Gleaming Spectacles"
    assert not {"seen", "gleaming", "spectacles"} & set(" ".join(s.paragraphs[:2]).lower().split())
    control = words[0].capitalize() + " It"
    page = whole_page(s, title=headline,
                      after_title=[*BYLINE, "Be the first to comment", "Previous story", control, "Next story"])
    assert cleaned(page, rules).title == headline


@pytest.mark.parametrize("credit", ["The {} {} {}", "{}.com", "www.{}.co.uk"])
def test_a_name_after_an_article_or_a_sites_address_is_not_a_headline(credit, rules):
    """An agency's, a blog's or a site's name over the text ("The Associated
    Press", "Example.com") is a credit or a label, its leading article aside,
    even when the text takes up its words and the page's foot prints it again."""
    s = story(STORIES[3])
    words = lead_words(s)
    headline = " ".join(w.capitalize() for w in words[:4]) + " Seen Through Gleaming Spectacles"
    credit = credit.format(*(w.capitalize() for w in words[4:7]))
    page = whole_page(s, title=headline, after_title=[*BYLINE, credit], footer=[*FOOTER, credit])
    assert cleaned(page, rules).title == headline


def test_a_caption_between_the_byline_and_the_text_is_not_the_headline(rules):
    """The byline comes under the headline: a picture's caption below it, however
    near the text and however many of its words the text takes up, is not the
    headline when a line above the byline is one the text takes up too."""
    s = story(STORIES[3])
    words = lead_words(s)
    headline = " ".join(w.capitalize() for w in words[:2]) + " Seen Through Gleaming Spectacles"
    names = [w.strip(".,\"") for w in s.paragraphs[1].split() if w[0].isupper()][1:7]
    caption = " ".join(names) + " speaks at the negotiations"  # few function words, as captions have
    for byline in (["By Jane Example"], ["By", "Jane Example"]):
        page = whole_page(s, title=headline, after_title=[*byline, "12 March 2024", caption])
        assert cleaned(page, rules).title == headline


def test_the_line_right_above_the_byline_is_the_headline_though_the_text_takes_up_none_of_it(rules):
    """A headline whose words the first paragraphs never use still sits right
    above its byline: a share control between the byline and the text, nearer
    the text, is not the headline."""
    s = story(STORIES[3])
    headline = "Seen Through Gleaming Spectacles: A Quiet Revolution"
    assert not {"seen", "gleaming", "spectacles", "quiet", "revolution"} & set(" ".join(s.paragraphs[:2]).lower().split())
    page = whole_page(s, title=headline, after_title=["By Jane Example", "12 March 2024", "Share this page Pin It"])
    assert cleaned(page, rules).title == headline


@pytest.mark.parametrize("credit", ["(Copyright: Example Picture Library, Example College)", "(Credit: Jane Example)",
                                    "(Photo courtesy of Example Archives)"])
def test_a_caption_ending_in_its_credit_in_brackets_is_not_the_headline(credit, rules):
    """A picture's caption between the headline and the text reads as a
    sentence of the story and takes up its words; the credit in brackets at
    its end says it is a caption."""
    s = story(STORIES[3])
    words = lead_words(s)
    headline = "Seen Through Gleaming Spectacles: A Quiet Revolution"
    caption = f"The {words[0]} of the {words[1]} and the {words[2]}. {credit}"
    page = whole_page(s, title=headline, after_title=["Share this page", "Open access", caption])
    article = cleaned(page, rules)
    assert article.title == headline
    assert caption in article.paragraphs  # a caption stays the text's: only the headline is decided here


@pytest.mark.parametrize("separator", ["·", "•"])
def test_a_line_of_tags_between_dots_is_no_headline(separator, rules):
    """"Shopping · <topic> · <topic>" under the headline lists the page's tags,
    as a breadcrumb lists its sections, however many of its words the text uses."""
    s = story(STORIES[3])
    words = lead_words(s)
    tags = f" {separator} ".join(["Shopping", f"{words[0].capitalize()} and {words[1].capitalize()}",
                                  f"Winter {words[2].capitalize()}"])
    headline = f"{words[3].capitalize()} Seen Through Gleaming Antique Spectacles"
    page = whole_page(s, title=headline, after_title=["Jane Example", "12 March 2024", tags])
    assert cleaned(page, rules).title == headline


def test_a_standfirst_of_two_sentences_under_the_headline_is_not_the_title(rules):
    """A headline is one sentence or none; the line of two under it ("... wants
    to cancel debt. Can it?") is its standfirst, though it stands nearer the text."""
    s = story(STORIES[3])
    words = lead_words(s)
    headline = f"Gleaming spectacles: can a quiet {words[0]} work?"
    standfirst = f"A new {words[1]} wants to cancel debt. Can it?"
    page = whole_page(s, title=headline, after_title=[standfirst, "Jane Example"])
    assert cleaned(page, rules).title == headline


@pytest.mark.parametrize("stamp", ["March 12th, 2024 at 2:04 pm", "12th March 2024 at 2:04 pm"])
def test_a_date_with_an_ordinal_breaks_a_thread_into_posts(stamp, rules):
    """"March 12th" is a date as "March 12" is: a thread of long comments,
    each under its writer's name and a stamp so written, breaks into posts and goes."""
    s = story(STORIES[3])
    comments = []
    for k, name in enumerate(("Sam Reader", "Alex Writer", "Kim Example")):
        comments += [name, stamp,
                     f"I have followed these talks for {k + 3} years and I have to say that the way they are reported "
                     "here leaves out most of what the people who live with the results have been saying all along.",
                     f"The reporting of the figures for the {k + 2} countries was never what it should have been, "
                     "and the editors know it."]
    article = cleaned(whole_page(s, related=[], comments=comments, footer=[]), rules)
    assert joined(article.paragraphs) == joined(s.paragraphs)


@pytest.mark.parametrize("asked", ["Will the deal be signed on April 19th?", "Signed by March 12!"])
def test_a_question_that_names_a_date_is_a_line_of_the_text_not_a_date_line(asked, rules):
    s = story(STORIES[3])
    article = cleaned(whole_page(s, inside=[asked]), rules)
    assert joined(article.paragraphs) == joined([*s.paragraphs[:2], asked, *s.paragraphs[2:]])


def test_a_line_printed_under_each_picture_is_no_headline(rules):
    """A headline comes back on its page a few times at most; a line printed
    under every picture of a gallery is its furniture, though one stands right
    above the text and shares its words."""
    s = story(STORIES[3])
    words = lead_words(s)
    furniture = f"Mouseover the {words[0]} to load {words[1]} notes"
    body = list(s.paragraphs)
    for k in range(2, 14, 2):
        body[k:k] = [furniture]
    headline = f"{words[3].capitalize()} Seen Through Gleaming Spectacles"
    page = whole_page(Story(s.title, body), title=headline, after_title=["Jane Example", furniture])
    assert cleaned(page, rules).title == headline


def test_a_headline_that_reads_as_a_name_is_the_headline_over_its_byline(rules):
    """A review's headline is often a name and a word ("'Chasing Mavericks'
    Review"), which reads as a label; a byline under it says it is the headline."""
    s = story(STORIES[3])
    words = lead_words(s)
    headline = f"‘{words[0].capitalize()} {words[1].capitalize()}’ Review"
    assert "review" not in stopwords("English")
    tagline = "Screen News Without The Sugar Coating"  # the site's, above it
    page = whole_page(s, title=headline, breadcrumb=[tagline])
    assert cleaned(page, rules).title == headline


@pytest.mark.parametrize("byline", [
    "Music post by Jane Example, Submitted by Jane Example on March 12, 2024 - 12:10pm; tagged autumn, rain.",
    "Posted by Jane Example on March 12, 2024 at 1:34 pm | Permalink | 3 Comments",
    "March 12th, 2024 @ 2:14pm (PT) by Jane Example",
    "Written By: Jane Example - Mar• 12•24",
])
def test_a_headline_that_reads_as_a_name_is_the_headline_over_a_posts_byline(byline, rules):
    """A blog names the post before its writer ("Posted by ..."), with the date
    and labels after: a byline all the same, which says the name-like line
    above it is the headline."""
    s = story(STORIES[3])
    headline = "ExampleTapes: Gleaming Spectacles"
    page = whole_page(s, title=headline, after_title=[byline])
    assert cleaned(page, rules).title == headline


def test_the_line_right_above_a_posts_dated_line_is_the_headline_over_a_menu_item_with_a_word_of_the_text(rules):
    """Bylines come under headlines, and so does a post's "Posted on <date>":
    the line right above it is the headline, though a menu's item a few lines
    up shares one of the text's words."""
    s = story(STORIES[3])
    words = lead_words(s)
    item = f"A Guide to {words[0].capitalize()} Travel"  # one of the text's words; a function word: no name
    headline = "Seen Through Gleaming Spectacles: A Quiet Revolution"
    page = whole_page(s, menu=["Example Nomads", "Home", "Archives", item, "Contact"], breadcrumb=[],
                      title=headline, after_title=["Posted on March 12th, 2024 • 15 Comments", "Categories England"])
    assert cleaned(page, rules).title == headline


@pytest.mark.parametrize("control", ["Share this page Pin It", "Share on Facebook Twitter"])
def test_a_share_control_with_its_buttons_is_not_the_headline(control, rules):
    """A share control beside its networks' buttons is a line of a few words
    near the text; the headline is above it, over the writer's box."""
    s = story(STORIES[3])
    headline = "Seen Through Gleaming Spectacles: A Quiet Revolution"
    bio = "Jane is a writer who lives by the sea and has covered trade talks for many years for several papers."
    page = whole_page(s, breadcrumb=[], title=headline,
                      after_title=["Jane Example", "About the author", bio, "Technology", "Trade", control])
    assert cleaned(page, rules).title == headline


def test_an_ad_slots_control_inside_the_text_cuts_nothing_and_the_writers_box_ends_it(rules):
    """An ad slot's "Remove this ad", printed at each slot, is the slot's
    label, not a post's furniture that cuts the text; the box about the writer
    below the text ends the article, with the bio under its heading."""
    s = story(STORIES[3])
    bio = "Jane Example is our senior editor. She also hosts a weekly show about trade and has written two books."
    body = list(s.paragraphs)
    body[2:2] = ["Remove this ad"]
    page = whole_page(Story(s.title, body), related=["Remove this ad", "About Jane Example", bio,
                                                     "Remove this ad"], comments=[])
    article = cleaned(page, rules)
    assert joined(article.paragraphs) == joined(s.paragraphs)
    assert article.title == s.title


def test_a_tables_header_printed_over_each_table_is_no_posts_furniture(rules):
    """A poll's results print the same header over each table ("Response Votes
    %"); a header over a row of figures each time is the table's, and cuts
    the text no more than a subheading does."""
    s = story(STORIES[3])
    tables = ["Response Votes %", "Yes 149 74%", "No 28 14%", "Undecided 25 12%",
              "Should the talks be given another year?", "Response Votes %", "Yes 83 41%", "No 80 40%"]
    article = cleaned(whole_page(s, inside=tables), rules)
    assert joined(s.paragraphs[2:]) in joined(article.paragraphs)
    assert "Yes 83 41%" in article.paragraphs


def test_a_galleries_headline_after_photos_is_the_headline_not_a_credit(rules):
    """"Photos: Jane Example" credits a picture; "Photos: <a headline>" heads a
    gallery, and is its page's headline."""
    s = story(STORIES[3])
    words = lead_words(s)
    headline = f"photos: {words[0].capitalize()} and {words[1]} along the Northport harbour front (part 2)"
    page = whole_page(s, breadcrumb=["Posted in music | pictures on March 12, 2024"], title=headline,
                      after_title=["photos by Jane Example"])
    assert cleaned(page, rules).title == headline


def test_a_headline_in_a_list_of_other_stories_is_no_headline_over_a_standfirst(rules):
    """A line above the headline that the text takes up is its headline when the
    headline is a standfirst; not when a title-like line the text does not take
    up stands between them: that is a list of other stories."""
    s = story(STORIES[3])
    words = lead_words(s)
    other = f"What {words[0].capitalize()} {words[1].capitalize()} Means"
    listed = [other, "Why The Lighthouse Keepers Should Stop Giving Advice", "HARBOUR LIFE"]
    page = whole_page(s, breadcrumb=listed)
    assert cleaned(page, rules).title == s.title


def test_a_long_promotion_above_the_headline_is_no_article(rules):
    """A site's promotion of one long paragraph ("Issue 215 | ...", a blurb of
    a hundred words) above the article weighs more than half its text: the
    article is a run of paragraphs, not one, unless it is the heaviest."""
    s = story(STORIES[8])
    blurb = " ".join(" ".join(story(STORIES[6]).paragraphs).split()[:100])
    page = whole_page(s, menu=[*MENU, "Issue 215 | The Spring Issue", blurb])
    article = cleaned(page, rules)
    assert article.title == s.title
    assert joined(article.paragraphs) == joined(s.paragraphs)


def test_a_list_of_other_stories_inside_the_text_goes(rules):
    s = story(STORIES[4])
    inside = ["More from Business", "Oil prices fall for a third week", "Airline adds new routes to Asia",
              "Bank holds its rate again"]
    article = cleaned(whole_page(s, inside=inside), rules)
    assert joined(article.paragraphs) == joined(s.paragraphs)
    assert {r.reason for r in article.removed if r.text in inside} == {"menu-run"}


def test_a_list_written_with_its_bullets_inside_the_text_stays(rules):
    """A copied menu shows no bullets; a list of short items written with them
    ("- Case Studies") is the text's, and the text goes on after it."""
    s = story(STORIES[3])
    inside = ["What the Plan Includes", "- Case Studies", "- Web Text", "- Trade Fairs", "- Price Lists"]
    article = cleaned(whole_page(s, inside=inside), rules)
    assert joined(article.paragraphs) == joined([*s.paragraphs[:2], *inside, *s.paragraphs[2:]])


def test_a_list_whose_items_carry_on_a_sentence_stays(rules):
    """Items that begin in a small letter carry on the sentence above them
    ("This is for people who:"); a menu's links and other stories' headlines
    begin with a capital."""
    s = story(STORIES[3])
    inside = ["This guide is for readers who:", "want to learn how to read a tide table, or",
              "need advice on their first boat, and", "plan to sail in the winter months"]
    article = cleaned(whole_page(s, inside=inside), rules)
    assert joined(article.paragraphs) == joined([*s.paragraphs[:2], *inside, *s.paragraphs[2:]])


def test_a_list_a_clause_announces_with_a_colon_stays_and_a_labels_goes(rules):
    """"the three things every crew should carry:" announces the list below it,
    whose items are the text's however much they read like links; a label of
    a few words with a colon ("Related stories:") heads a menu."""
    s = story(STORIES[3])
    items = ["Life Jackets", "Flares And A Horn", "Charts Of The Coast"]
    announced = ["Before leaving, check the three things every crew should carry:", *items]
    article = cleaned(whole_page(s, inside=announced), rules)
    assert joined(article.paragraphs) == joined([*s.paragraphs[:2], *announced, *s.paragraphs[2:]])
    labelled = ["Related stories:", *items]
    article = cleaned(whole_page(s, inside=labelled), rules)
    assert joined(article.paragraphs) == joined([*s.paragraphs[:2], "Related stories:", *s.paragraphs[2:]])
    assert {r.reason for r in article.removed if r.text in items} == {"menu-run"}


def test_a_recipes_ingredients_in_fractions_are_figures_not_links(rules):
    """A line with a figure is no menu's link; "½ cup orange juice" has one."""
    s = story(STORIES[3])
    inside = ["½ cup orange juice", "¼ cup brown sugar", "⅓ cup water"]
    article = cleaned(whole_page(s, inside=inside), rules)
    assert joined(article.paragraphs) == joined([*s.paragraphs[:2], *inside, *s.paragraphs[2:]])


def test_a_comment_thread_breaks_into_posts_and_goes(rules):
    s = story(STORIES[5])
    long_comments = []
    for n in range(6):  # posts as long as the article's paragraphs: they outweigh none of it
        long_comments += [f"Reader {n}", f"{n + 1} April 2024 at 09:{10 + n}", " ".join(s.paragraphs[0].split()[::-1]),
                          "Reply"]
    article = cleaned(whole_page(s, comments=["6 comments", *long_comments]), rules)
    assert joined(article.paragraphs) == joined(s.paragraphs)


@pytest.mark.parametrize("dash_alone", [True, False], ids=["dash-above", "dash-on-the-line"])
def test_posts_the_text_quotes_are_its_text_not_a_thread(dash_alone, rules):
    """A social network's post embedded in an article ends in "— Name (@handle)
    <date>": dated like a comment's head, yet the text goes on below it."""
    s = story(STORIES[5])
    body = []
    for n, paragraph in enumerate(s.paragraphs):
        body.append(paragraph)
        if n < 3:
            signed = f"Reader Number{n} (@reader{n}) November 2, 2012"
            body += [f"Quick take from the stands #{n}: what a game that was.",
                     *(["—", signed] if dash_alone else [f"— {signed}"])]
    article = cleaned(whole_page(Story(s.title, body)), rules)
    assert joined(article.paragraphs) == joined(body)


def test_a_thread_of_posts_signed_with_handles_still_goes(rules):
    """A comment's head names its writer's handle and date with no dash before it."""
    s = story(STORIES[5])
    thread = ["6 comments"]
    for n in range(6):
        thread += [f"Reader {n} (@reader{n}) November {n + 1}, 2012 at 1:3{n} am", " ".join(s.paragraphs[0].split()[::-1]),
                   "Reply"]
    article = cleaned(whole_page(s, comments=thread), rules)
    assert joined(article.paragraphs) == joined(s.paragraphs)


def test_a_subheading_printed_in_each_part_of_the_text_is_no_posts_furniture(rules):
    """An explainer's parts each have a "Background" and an "Outlook": short lines
    printed again, as a "Reply" is under each comment, but each one heads a paragraph."""
    s = story(STORIES[1])
    lead, one, two, three, four = s.paragraphs
    parts = [lead, "The line", "Background", one, "Outlook", two, "The money", "Background", three, "Outlook", four]
    article = cleaned(whole_page(Story(s.title, parts)), rules)
    assert joined(article.paragraphs) == joined(parts)


def test_a_subheading_over_a_short_step_in_each_part_is_no_posts_furniture(rules):
    """A recipe's "Method:" heads a short step in each of its parts ("Heat the
    oven."): printed again, but over a sentence each time, so it is the text's
    subheading, not a button under each post."""
    s = story(STORIES[1])
    lead, one, two, three, four = s.paragraphs
    parts = [lead, "Method:", "Heat the oven to 200C and grease a tin well.", one, two, "Method:",
             "Whisk the eggs with the sugar until pale.", three, four]
    article = cleaned(whole_page(Story(s.title, parts)), rules)
    assert joined(article.paragraphs) == joined(parts)


def test_the_headline_printed_again_over_the_texts_middle_is_no_posts_furniture(rules):
    """A page prints its short headline at the top, over a part of the text
    further down and in its list of other stories: printed again, like a
    "Reply", but the paragraphs under it take up its words, so it heads the
    text and cuts nothing from it."""
    s = story(STORIES[6])
    title = "Molik reaches fourth round"  # the words of the paragraphs it is printed over
    body = [*s.paragraphs[:3], title, *s.paragraphs[3:]]
    article = cleaned(whole_page(Story(title, body), related=[*RELATED[:2], title, *RELATED[2:]]), rules)
    assert article.title == title
    assert joined(article.paragraphs) == joined(s.paragraphs)


def test_a_commenters_name_over_each_of_their_comments_is_no_subheading(rules):
    """A first name printed over each of its writer's short comments reads as a
    subheading over a sentence would; it is a thread's furniture, and the thread goes."""
    s = story(STORIES[5])
    thread = []
    for k, name in enumerate(("Rick", "Laura", "Rick", "Laura", "Rick", "Laura")):  # quoting it, then brief
        thread += [name, "I agree: " + s.paragraphs[k] if k < 2 else "I still think the costs are far too low here."]
    article = cleaned(whole_page(s, comments=thread), rules)
    assert joined(article.paragraphs) == joined(s.paragraphs)


def test_a_clean_article_is_left_whole_lists_and_tables_and_all(rules):
    """A clean article shows no chrome: a results table or a list of fixtures is its own."""
    fixtures = ["Arsenal v Stoke", "Derby v Wigan", "Sunderland v Crystal Palace", "Hull v Colchester",
                "Tottenham v Brighton"]
    s = story(STORIES[6])
    text = "\n\n".join([s.title, *s.paragraphs, *fixtures]) + "\n"
    article = cleaned(text, rules)
    assert article.removed == []
    assert joined(article.paragraphs) == joined([*s.paragraphs, *fixtures])


def test_a_text_without_a_line_of_prose_has_no_main_text_to_cut_to(rules, tmp_path):
    """A match card, a schedule: short lines all, none of them prose. Nothing
    tells its text from a page around it, so the detector removes nothing and
    the file is stored, not rejected as all boilerplate."""
    card = ["Leeds v Hull (Sun)", "2,145 $", "Leeds v Hull (Sun)", "Headingley, Leeds", "Sunday, 3 March",
            "1500 GMT", "Smith 42.", "ITV2, Radio Five and this website"]
    lines = [Line(n, text) for n, text in enumerate(card, 1)]
    assert detect(lines, "English").removed == []
    path = tmp_path / "card.txt"  # the rules still take the counter line and the title printed twice
    path.write_text("\n\n".join(card) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(path), "--db", str(tmp_path / "a.db"), "--no-entities"])
    assert result.exit_code == 0 and "1 imported" in result.output, result.output


@pytest.mark.skipif(not BBC.is_dir(), reason="the BBC corpus is not beside the project")
def test_no_bbc_article_shows_chrome(rules):
    from archive import detect as detect_module
    from archive import language

    for path in sorted(BBC.rglob("*.txt"))[::25]:
        lines = [Line(n, " ".join(t.split())) for n, t in enumerate(path.read_text().split("\n"), 1) if t.strip()]
        assert detect(lines).removed == [], path
        assert detect_module is not None and language is not None


def test_a_page_in_another_language_is_read_with_its_own_function_words(rules):
    paragraphs = [
        "Le gouvernement a présenté mardi un projet de loi qui doit permettre de réduire les délais de "
        "traitement des demandes, selon le ministre, qui a promis une réforme rapide.",
        "Les syndicats, qui avaient appelé à la grève la semaine dernière, ont dénoncé un texte écrit sans "
        "eux et demandent à être reçus avant le vote prévu au mois de juin.",
        "Le texte sera examiné par les députés dans les prochaines semaines, a précisé le porte-parole.",
    ]
    menu = ["Accueil", "Monde", "Politique", "Économie", "Culture", "Sports", "Rechercher"]
    footer = ["Mentions légales", "Contact", "Plan du site", "© 2024 Exemple Presse"]
    title = "La réforme des délais présentée au Conseil des ministres"
    text = "\n\n".join([*menu, title, "Par Marie Exemple", *paragraphs, *footer]) + "\n"
    article = cleaned(text, rules)
    assert article.title == title
    assert article.paragraphs == paragraphs
    assert clean(text, rules).language == "French"


def test_explain_gives_every_line_its_decision_and_evidence(rules, tmp_path):
    s = story(STORIES[7])
    page = tmp_path / "page.txt"
    page.write_text(whole_page(s), encoding="utf-8")
    decisions = explain(page.read_text(encoding="utf-8"), rules)
    assert [d.number for d in decisions] == [n for n, line in enumerate(page.read_text().split("\n"), 1) if line]
    assert [d.text for d in decisions if d.decision == "title"] == [s.title]
    assert [d.text for d in decisions if d.decision == "keep"] == s.paragraphs
    assert all(d.reason and d.evidence for d in decisions if d.decision == "drop")
    assert all(d.evidence.startswith(("good:", "near:")) for d in decisions if d.decision == "keep")
    shown = CliRunner().invoke(cli, ["clean", "--explain", str(page)])
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert any(line.split()[1:3] == ["drop", "outside-main-text"] and line.endswith("Skip to content")
               for line in lines)


LIBRARY = Story("Town votes to keep its library open on Sundays", [
    "The town council voted on Tuesday to keep the central library open on Sundays for another year, after more "
    "than two thousand residents signed a petition asking for the library's weekend hours to stay.",
    "Councillors had proposed closing the library on Sundays to save money, saying that the weekend hours cost the "
    "town more than the library's other services and that fewer residents used the library at weekends.",
    "The petition's organisers said the Sunday hours were the only time many working residents could visit the "
    "library, and that families with children used the library's reading room more on Sundays than on any other day.",
    "The council's finance committee will now look for other savings in the library's budget, including shorter "
    "evening hours on weekdays, and will report back to the council in the spring.",
    "Residents who signed the petition said they were pleased with the vote, but that they would ask the council "
    "again next year to keep the library open on Sundays for good.",
    "The library's manager said the Sunday hours would stay as they are, and that the library would count its "
    "visitors on Sundays to show the council how many residents use it.",
])


def test_a_poll_printing_each_answer_twice_inside_the_text_cuts_nothing(rules):
    """A poll lists its answers, then each again with its share of the votes:
    a short line printed twice, as a thread's "Reply" is, but both times in
    the one box. The text goes on below the box."""
    answers = ["At the weekend", "On weekday evenings", "Neither"]
    shares = ["52%", "31%", "17%"]
    poll = ["Live Poll", "When do you visit the library?", *answers, "VoteView Results",
            *(line for pair in zip(answers, shares) for line in pair), "VoteTotal Votes: 3271"]
    s = LIBRARY
    body = [*s.paragraphs[:3], *poll, *s.paragraphs[3:]]
    article = cleaned(whole_page(Story(s.title, body)), rules)
    assert joined(s.paragraphs) == joined(p for p in article.paragraphs if p not in poll)


PUDDING = [
    "Leftover stuffing makes a good bread pudding the day after the feast: the bread is already seasoned, and the "
    "custard only has to soak it through before the pudding goes into the oven.",
    "Heat the oven and butter a deep baking dish. Break the stuffing into the dish, and whisk the eggs with the milk "
    "and the stock for the custard.",
    "Pour the custard over the stuffing and leave the bread to soak for an hour, pressing it down into the custard "
    "so that the bread in the dish soaks it up evenly.",
    "Bake the pudding until the custard is set and the top of the bread is golden, then leave the dish to rest "
    "before you cut the pudding into squares.",
    "The glaze is made while the pudding bakes: simmer the sauce with the milk until it thickens, and pour the "
    "glaze over the pudding while the bread is still warm from the oven.",
    "Serve the pudding warm from the dish, with the rest of the glaze beside it, and keep what is left of the "
    "pudding covered until the next day.",
]


def test_a_short_line_of_the_text_printed_again_below_it_is_no_posts_furniture(rules):
    """A recipe's two lists name one ingredient each: the line printed again
    above the glaze's method is the text's own, as its first copy, kept with
    the text, shows, and the glaze's method is no comment under the recipe."""
    pudding = [f"{n} cups stuffing" for n in range(1, 9)] + ["2 cups milk", "4 eggs", "1 cup stock", "2 tsp salt"]
    glaze = [f"{n} tbsp sugar" for n in range(1, 9)] + ["1 cup sauce", "1 vanilla pod", "1 tsp zest", "2 cups milk"]
    body = [*PUDDING[:2], *pudding, *PUDDING[2:4], *glaze, *PUDDING[4:]]
    article = cleaned(whole_page(Story("A bread pudding for the day after the feast", body)), rules)
    assert joined(PUDDING[4:]) in joined(article.paragraphs)


@pytest.mark.parametrize("copy", ["whole page", "article area"])
def test_a_box_about_the_writer_below_the_text_goes(copy, rules):
    """The writer's name on a line of its own over a paragraph that begins
    with it, below the last paragraph: a box about the writer, whether the
    page around it was copied or not."""
    s = story(STORIES[3])
    box = ["Jane Example", "Jane Example is a staff writer who covers trade and markets. She lives in Leeds "
           "with her two children and a dog, and writes a weekly column about money.", "More Posts - Website"]
    text = (whole_page(Story(s.title, [*s.paragraphs, *box]), related=[], comments=[]) if copy == "whole page"
            else "\n\n".join([s.title, *s.paragraphs, *box]) + "\n")
    article = cleaned(text, rules)
    assert joined(article.paragraphs) == joined(s.paragraphs)
    assert {r.text: r.reason for r in article.removed}[box[1]] == "writers-box"


def test_a_person_named_over_a_paragraph_about_them_inside_the_text_stays(rules):
    """A profile names its subject over the paragraph about them; prose below
    says the text goes on."""
    s = story(STORIES[3])
    profile = ["Jane Example", "Jane Example is the trade minister who led the talks for the last three years, "
               "and who will stay on as the country's negotiator until the talks end."]
    body = [*s.paragraphs[:2], *profile, *s.paragraphs[2:]]
    article = cleaned("\n\n".join([s.title, *body]) + "\n", rules)
    assert joined(article.paragraphs) == joined(body)


def test_a_label_or_a_name_over_the_one_paragraph_is_no_writers_box(rules):
    """"The All Blacks" over "The careers of ...": a label over the text, not a
    name (a name has no function word); and a box about the writer is below a
    paragraph of the text, never all of it."""
    cases = [("The All Blacks", "The careers of two sprinters are over, says the head of the body that cleared "
                                "them of missing a drugs test before the Olympics."),
             ("Kostas Kenteris", "Kostas Kenteris is a sprinter whose career is over, says the head of the body "
                                 "that cleared him of missing a drugs test before the Olympics.")]
    for label, paragraph in cases:
        text = "\n\n".join(["Playing colours:", "All black", "The Haka and more!", label, paragraph]) + "\n"
        article = cleaned(text, rules)
        assert paragraph in article.paragraphs, label
        assert "writers-box" not in {r.reason for r in article.removed}, label

"""Pages as a browser's select-all copies them: a news site's chrome around an
article. The articles are the BBC stories kept in ``eval/bbc``; the chrome is
what news sites print, in their usual order, written for these tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORIES = sorted((ROOT / "eval" / "bbc").glob("*.txt"))

MENU = ["Skip to content", "Example News", "Home", "World", "UK", "Business", "Politics", "Technology",
        "Science", "Health", "Sport", "Culture", "Search", "Sign in"]
BREADCRUMB = ["Business", "Markets"]
BYLINE = ["By Jane Example", "Business correspondent", "12 March 2024"]
SHARE = ["Share this article", "Facebook", "Twitter", "Email"]
RELATED = ["Related stories", "Markets rally as investors weigh the latest figures",
           "What the new rules mean for small firms and their staff", "Five charts that explain the week in business"]
COMMENTS = ["3 comments", "Sam Reader", "12 March 2024 at 10:15",
            "I have read about this plan for years and it never seems to arrive. We will see what happens this time.",
            "Reply", "Alex Writer", "12 March 2024 at 11:02",
            "Good reporting, but the costs quoted in the article look far too low to me, as they always do.",
            "Reply"]
FOOTER = ["About us", "Contact us", "Terms of use", "Privacy policy", "Cookies", "© 2024 Example News Ltd"]


@dataclass(frozen=True)
class Story:
    title: str
    paragraphs: list[str]


def story(path: Path) -> Story:
    blocks = [" ".join(b.split()) for b in path.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    return Story(blocks[0], blocks[1:])


def lead_words(s: Story) -> list[str]:
    """The long lower-case words of a story's first two paragraphs, function
    words aside, in order: what a headline made for a test takes up from its text."""
    from archive.language import stopwords

    stop = stopwords("English")
    lead = " ".join(s.paragraphs[:2]).split()
    long = (w for w in lead if w.isalpha() and w.islower() and len(w) > 6 and w not in stop)
    return list(dict.fromkeys(long))


def whole_page(s: Story, *, menu=MENU, breadcrumb=BREADCRUMB, after_title=BYLINE + SHARE, related=RELATED, comments=COMMENTS,
               footer=FOOTER, inside: list[str] = (), title: str | None = None) -> str:
    """The page's text: chrome, headline, byline, the paragraphs (``inside``
    lines after the second one), related stories, comments and footer."""
    body = list(s.paragraphs)
    body[2:2] = list(inside)
    parts = [*menu, *breadcrumb, title or s.title, *after_title, *body, *related, *comments, *footer]
    return "\n\n".join(parts) + "\n"

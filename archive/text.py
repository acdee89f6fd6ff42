"""Text rules every stage shares: which characters a stored text never keeps,
the markers that wrap matched words in search snippets, and how quote marks fold.

Held once, here, so that what is removed from a file is removed (and counted)
in one place, and what the site marks can never come from an article."""

from __future__ import annotations

import re

# Private-use characters that wrap highlighted terms in search snippets. They are
# removed from input text so a snippet's markers can never come from an article.
MARK_OPEN = "\ue000"
MARK_CLOSE = "\ue001"

# Control characters a text file should never hold; a damaged copy or a bad
# export leaves them. Tab, newline and carriage return are text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Characters that show nothing and only get in the way of matching: zero-width
# spaces, direction marks, stray byte order marks, and the snippet markers.
# (The zero-width joiner and non-joiner shape Persian and Indic words: kept.)
INVISIBLE = re.compile(f"[\u200b\u200e\u200f\ufeff{MARK_OPEN}{MARK_CLOSE}]")

# Curly and angled quotes as their plain forms, for comparing names and lines.
QUOTES = str.maketrans({
    "‘": "'", "’": "'", "‛": "'", "`": "'", "´": "'",
    "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
})


def strip_unwanted(text: str) -> tuple[str, list[str]]:
    """The text without control and invisible characters, and what was removed, for the record."""
    text, controls = CONTROL.subn("", text)
    text, invisible = INVISIBLE.subn("", text)
    notes = []
    if controls:
        notes.append(f"{controls} control characters removed")
    if invisible:
        notes.append(f"{invisible} invisible characters removed (zero-width spaces, direction marks, stray BOMs)")
    return text, notes


def unmark(value: str) -> str:
    """A snippet's text without its highlight markers."""
    return value.replace(MARK_OPEN, "").replace(MARK_CLOSE, "")

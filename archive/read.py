"""Stage 0: bytes on disk to text, or a reason the file cannot be an article."""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import ftfy
from charset_normalizer import from_bytes
from ftfy.badness import is_bad

from .text import strip_unwanted

# Files above this size are rejected unread: a news article is a few KB, and the
# pipeline holds a whole file in memory. ``archive import --max-size`` changes it.
DEFAULT_MAX_BYTES = 5_000_000
# Share of NUL and other control bytes above which a file is binary, not text.
BINARY_CONTROL_RATIO = 0.05
# UTF-16 without a byte order mark: this share of one byte position is NUL.
UTF16_NUL_RATIO = 0.4
# Detection results this close in coherence are a tie, which goes to cp1252.
DETECTION_TIE = 0.01
PREFERRED_LEGACY = "cp1252"
_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
# Only mojibake is repaired: quotes, ligatures, full-width forms and HTML
# entities are what the page said and stay as they are.
_REPAIR = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    remove_control_chars=False,
    normalization=None,
    explain=True,
)
_NO_ENCODING_FIX = _REPAIR._replace(fix_encoding=False)
# ftfy looks for mojibake with one pattern tried at every position of the text.
# Each of its matches is a few characters around at least one non-ASCII one, so
# it is looked for only there: within this many characters of them.
_MOJIBAKE_REACH = 6
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


class Rejected(Exception):
    """A file that is not an article; the message is the reason, for the user.

    ``detail`` is the traceback when the reason is a fault of ours, not the
    file's: the line tells the user which file, the detail tells us why."""

    def __init__(self, reason: str, detail: str | None = None):
        super().__init__(reason)
        self.detail = detail


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    # What was done to the text after decoding, for the record; empty when nothing.
    repairs: tuple[str, ...] = ()


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """A file's bytes, never more than ``max_bytes`` of them in memory."""
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            os.listdir(path)  # an unreadable folder says so here
            raise Rejected("is a folder")
        if not stat.S_ISREG(info.st_mode):
            # Opening a named pipe would wait forever for a writer.
            raise Rejected("not a regular file (a pipe, socket or device)")
        if info.st_size > max_bytes:
            raise Rejected(f"{_megabytes(info.st_size)}, over the {_megabytes(max_bytes)} limit (--max-size)")
        with open(path, "rb") as f:
            # A file that grows while it is read is still bounded.
            data = f.read(max_bytes + 1)
    except FileNotFoundError as e:
        raise Rejected("no such file (or a broken link)") from e
    except PermissionError as e:
        raise Rejected("permission denied") from e
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise Rejected("a symbolic link that loops") from e
        raise Rejected(f"cannot read: {e.strerror or e}") from e
    if len(data) > max_bytes:
        raise Rejected(f"over the {_megabytes(max_bytes)} limit (--max-size)")
    return data


def read_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """A file's text as the importer reads it; raises Rejected with the reason."""
    data = read_file(path, max_bytes)
    if not data:
        raise Rejected("empty file")
    return decode(data).text


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.3g} MB"


def decode(data: bytes) -> Decoded:
    """UTF-8 and BOM-marked files as they are; anything else through charset
    detection. Then mojibake is repaired, and control and invisible characters
    dropped: the one place they are, so ``repairs`` counts every one."""
    decoded = _decode(data)
    repairs: list[str] = []
    text = decoded.text
    if not text.isascii():
        config = _REPAIR if _may_hold_mojibake(text) else _NO_ENCODING_FIX
        fixed = ftfy.fix_and_explain(text, config=config)
        if fixed.text != text:
            steps = [f"{step} {name}" for step, name in fixed.explanation or []]
            repairs.append("mojibake repaired (" + ", ".join(steps) + ")")
            text = fixed.text
    text, removed = strip_unwanted(text)
    return Decoded(text, decoded.encoding, tuple(repairs + removed))


def _may_hold_mojibake(text: str) -> bool:
    """ftfy's own test, on the stretches of text around non-ASCII characters.

    Never False where ftfy would find mojibake in the whole text: every match
    lies within such a stretch, and the stretches are a fraction of the text."""
    stretches: list[list[int]] = []
    for m in _NON_ASCII.finditer(text):
        start, end = max(m.start() - _MOJIBAKE_REACH, 0), m.end() + _MOJIBAKE_REACH
        if stretches and start <= stretches[-1][1]:
            stretches[-1][1] = end
        else:
            stretches.append([start, end])
    return is_bad("\n".join(text[start:end] for start, end in stretches))


def _decode(data: bytes) -> Decoded:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError as e:
                raise Rejected(f"not valid {encoding}: {e.reason}") from e
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            return Decoded(data.decode(utf16), utf16)
        except UnicodeDecodeError:
            pass
    if _looks_binary(data):
        raise Rejected("binary file, not text")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    results = from_bytes(data)
    best = results.best()
    if best is None:
        raise Rejected("binary file or unknown text encoding")
    # Short texts often tie between code pages that decode them alike but for a
    # letter or two (cp1250 reads "à" as "ŕ"); the tie goes to the web's own.
    for match in results:
        if (
            match.chaos <= best.chaos
            and match.coherence >= best.coherence - DETECTION_TIE
            and PREFERRED_LEGACY in match.could_be_from_charset
        ):
            return Decoded(str(match), PREFERRED_LEGACY)
    return Decoded(str(best), best.encoding)


def _utf16_without_bom(data: bytes) -> str | None:
    """Latin-script UTF-16 shows as a NUL in every other byte."""
    sample = data[:65536]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    half = len(sample) // 2
    if odd.count(0) > UTF16_NUL_RATIO * half and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > UTF16_NUL_RATIO * half and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    if not sample:
        return False
    controls = sum(sample.count(bytes([b])) for b in _CONTROL_BYTES)
    return controls / len(sample) > BINARY_CONTROL_RATIO

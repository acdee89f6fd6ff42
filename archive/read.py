"""Stage 0: bytes on disk to text, or a reason the file cannot be an article."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from charset_normalizer import from_bytes

# Share of NUL and other control bytes above which a file is binary, not text.
BINARY_CONTROL_RATIO = 0.05
_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


class Rejected(Exception):
    """A file that is not an article; the message is the reason, for the user."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def decode(data: bytes) -> Decoded:
    """UTF-8 and BOM-marked files as they are; anything else through charset detection."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError as e:
                raise Rejected(f"not valid {encoding}: {e.reason}") from e
    if _looks_binary(data):
        raise Rejected("binary file, not text")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise Rejected("binary file or unknown text encoding")
    return Decoded(str(best), best.encoding)


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    if not sample:
        return False
    controls = sum(sample.count(bytes([b])) for b in _CONTROL_BYTES)
    return controls / len(sample) > BINARY_CONTROL_RATIO

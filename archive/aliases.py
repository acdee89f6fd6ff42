"""The alias file: names the model misses, mislabels or writes many ways, as
data (``aliases.yml``, extended with ``--aliases FILE``), and how they are found
in a text."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import yaml

from .names import NAME_TYPES, name_key

DEFAULT_ALIASES = Path(__file__).with_name("aliases.yml")


class AliasError(ValueError):
    """An alias file that cannot be used; the message names the file and entry."""


@dataclass(frozen=True)
class Alias:
    name: str
    type: str
    names: tuple[str, ...]  # the canonical name and every other spelling

    @property
    def key(self) -> str:
        return name_key(self.name)


@dataclass(frozen=True)
class Aliases:
    by_key: dict[str, Alias]
    exact: re.Pattern[str] | None  # acronyms: case matters ("US" is not "us")
    loose: re.Pattern[str] | None  # names: any case, but a match must hold a capital
    fingerprint: str

    def find(self, text: str) -> list[tuple[int, int, Alias]]:
        """Non-overlapping alias names in the text, longest first."""
        found: list[tuple[int, int, Alias]] = []
        for pattern, need_capital in ((self.exact, False), (self.loose, True)):
            if pattern is None:
                continue
            for m in pattern.finditer(text):
                written = m.group(0)
                if need_capital and not any(c.isupper() for c in written):
                    continue
                alias = self.by_key.get(name_key(written))
                if alias is not None:
                    found.append((m.start(), m.end(), alias))
        found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
        taken: list[tuple[int, int, Alias]] = []
        for start, end, alias in found:
            if all(end <= s or start >= e for s, e, _ in taken):
                taken.append((start, end, alias))
        return sorted(taken, key=lambda f: f[0])


def _name_pattern(names: Iterable[str], flags: int) -> re.Pattern[str] | None:
    """The names as one pattern, written as a trie: a plain alternation makes
    the engine try each of hundreds of names at every word, a trie one letter
    at a time. Spaces match any run of white space, a dash may be a space or
    missing, a quote may be curly; of the names that match at one place the
    longest is taken."""
    trie: dict[str, dict] = {}
    for name in set(names):
        node = trie
        for char in name:
            node = node.setdefault(_unit(char), {})
        node[_END] = {}
    if not trie:
        return None
    return re.compile(r"(?<!\w)" + _alternation(trie) + r"(?!\w)", flags)


_END = ""


def _unit(char: str) -> str:
    return {" ": r"\s+", "-": r"[-‐‑\s]?", "'": "['’]"}.get(char) or re.escape(char)


def _depth(node: dict[str, dict]) -> int:
    return max((1 + _depth(child) for unit, child in node.items() if unit != _END), default=0)


def _alternation(node: dict[str, dict]) -> str:
    # The longest continuation is tried first; ending here comes last.
    branches = [unit + _alternation(child) for unit, child in
                sorted(((u, c) for u, c in node.items() if u != _END), key=lambda uc: (-_depth(uc[1]), uc[0]))]
    if not branches:
        return ""
    if len(branches) == 1 and _END not in node:
        return branches[0]
    return "(?:" + "|".join(branches) + ")" + ("?" if _END in node else "")


def load_aliases(extra: Sequence[Path] = ()) -> Aliases:
    """The built-in alias file, then each extra file; a later entry of the same name wins."""
    entries: dict[str, Alias] = {}
    digest = hashlib.sha256()
    for path in (DEFAULT_ALIASES, *extra):
        try:
            text = Path(path).read_text(encoding="utf-8")
            data = yaml.safe_load(text) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
            raise AliasError(f"{path}: cannot read aliases: {e}") from e
        digest.update(text.encode())
        items = data.get("entities") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise AliasError(f"{path}: expected a list under 'entities'")
        for number, item in enumerate(items, start=1):
            entry = _alias(path, number, item)
            entries[entry.key] = entry
    by_key: dict[str, Alias] = {}
    for entry in entries.values():
        for name in entry.names:
            by_key.setdefault(name_key(name), entry)
    names = [n for e in entries.values() for n in e.names]
    acronyms = [n for n in names if not any(c.islower() for c in n)]
    words = [n for n in names if any(c.islower() for c in n)]
    return Aliases(
        by_key=by_key,
        exact=_name_pattern(acronyms, 0),
        loose=_name_pattern(words, re.IGNORECASE),
        fingerprint=digest.hexdigest()[:16],
    )


def _alias(path: Path, number: int, item: object) -> Alias:
    where = f"{path}: entry {number}"
    if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
        raise AliasError(f"{where}: needs a 'name'")
    kind = item.get("type")
    if kind not in NAME_TYPES:
        raise AliasError(f"{where} ({item['name']}): 'type' must be one of {', '.join(NAME_TYPES)}")
    others = item.get("aliases") or []
    if not isinstance(others, list) or not all(isinstance(a, str) and a.strip() for a in others):
        raise AliasError(f"{where} ({item['name']}): 'aliases' must be a list of names")
    names = tuple(dict.fromkeys([item["name"].strip(), *(a.strip() for a in others)]))
    if any(not name_key(n) for n in names):
        raise AliasError(f"{where} ({item['name']}): a name with no letters or digits")
    return Alias(name=names[0], type=kind, names=names)

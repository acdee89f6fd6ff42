"""Stage 3b: mentions linked into entities across the archive, the owner of
every entity table's SQL.

A name's type is the vote of all its mentions, and a short name joins the
archive's one longer person's name it stands for, so a new article can change
an entity it does not name itself. Linking is in proportion to the change:
what an import touched is recorded as it writes (``link_pending``: the names
of the mentions it removed and added, and their articles), and ``link``
works out from there: the votes of those names, the short names whose longer
name may have changed, the entities all of them make or made, the articles
naming them, and their counts, pairs and names. The result is the archive a
linking of everything would make, row for row; linking everything is the same
code with every name and article pending.

Kept between links: each name's type and entity (``name_votes``), the short
names a longer person's name can be written as (``person_parts``), the
spellings of one person's name merged, with their evidence (``name_variants``),
every folded spelling of each entity (``entity_spellings``). Counts and pairs are
kept by adding and taking off each article's part.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from .aliases import Aliases
from .names import (DATE_KEY, VOTE_WEIGHT, first_word, is_person_name, joins, lone_word, longest, name_key, parts,
                    variants, vote)

if TYPE_CHECKING:
    import sqlite_utils

    from .extraction import Mention

# Changes to how mentions are linked into entities (the vote, the merges) bump
# this: an archive linked by other rules is linked again on the next import.
LINK_VERSION = "23"
# How many other names the articles of two spellings of a person's name must
# share for the spellings to be merged.
VARIANT_EVIDENCE = 2
# Values bound in one statement, well under SQLite's limit.
_CHUNK = 500


@dataclass(frozen=True)
class LinkSummary:
    entities: int
    mentions: int


def link_stamp(aliases: Aliases) -> str:
    """What entities are linked by; the archive keeps the stamp of its last linking."""
    return f"v{LINK_VERSION}+aliases:{aliases.fingerprint}"


# --- what an import changes ------------------------------------------------------------


def replace_mentions(
    db: "sqlite_utils.Database", article_id: int, mentions: "list[Mention]", entity_model: str | None
) -> None:
    """An article's mentions, all replaced at once; ``link`` attaches them to entities."""
    conn = db.conn
    forget(db, article_id)
    paragraph_ids = [row[0] for row in conn.execute(
        "SELECT id FROM paragraphs WHERE article_id = ? ORDER BY position", [article_id]
    )]
    conn.executemany(
        "INSERT INTO mentions (article_id, paragraph_id, text, start, end, label, label_source, name_key, value)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (article_id, None if m.paragraph is None else paragraph_ids[m.paragraph], m.text, m.start, m.end,
             m.label, m.source, m.key, m.value)
            for m in mentions
        ],
    )
    if _linked(db):  # before its first link, an archive's names are counted and linked all at once
        _count_names(db, article_id, +1)
        conn.executemany("INSERT OR IGNORE INTO link_pending (name_key) VALUES (?)", [(m.key,) for m in mentions])
        conn.execute("INSERT OR IGNORE INTO link_pending_articles (article_id) VALUES (?)", [article_id])
    conn.execute("UPDATE articles SET entity_model = ? WHERE id = ?", [entity_model, article_id])


def forget(db: "sqlite_utils.Database", article_id: int) -> None:
    """An article's mentions and links gone, before it changes or goes: its
    names are pending, its part of the counts and pairs taken off."""
    conn = db.conn
    if not conn.execute("SELECT 1 FROM mentions WHERE article_id = ? LIMIT 1", [article_id]).fetchone():
        return  # a new article, or one that named nothing: it has no part in any count or link
    conn.execute("INSERT OR IGNORE INTO link_pending (name_key)"
                 " SELECT DISTINCT name_key FROM mentions WHERE article_id = ?", [article_id])
    conn.execute("INSERT OR IGNORE INTO link_pending_articles (article_id) VALUES (?)", [article_id])
    _count(db, [article_id], -1)
    if _linked(db):
        _count_names(db, article_id, -1)
    conn.execute("DELETE FROM article_entities WHERE article_id = ?", [article_id])
    conn.execute("DELETE FROM mentions WHERE article_id = ?", [article_id])


def _linked(db: "sqlite_utils.Database") -> bool:
    """Whether the archive was ever linked. Until it is, its next link counts
    and links every name (``_stale``): an import into a new archive keeps no
    count of its own."""
    return db.conn.execute("SELECT 1 FROM _archive_state WHERE key = 'link'").fetchone() is not None


def _count_names(db: "sqlite_utils.Database", article_id: int, sign: int) -> None:
    """Add or take off an article's mentions in the counts of its names' spellings and labels."""
    conn = db.conn
    counts = conn.execute("SELECT name_key, label, label_source, text, count(*) FROM mentions WHERE article_id = ?"
                          " GROUP BY 1, 2, 3, 4", [article_id]).fetchall()
    conn.executemany(
        "INSERT INTO name_counts (name_key, label, label_source, text, mentions) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (name_key, label, label_source, text) DO UPDATE SET mentions = mentions + excluded.mentions",
        [(*key, sign * n) for *key, n in counts])
    if sign < 0:
        conn.executemany("DELETE FROM name_counts WHERE name_key = ? AND label = ? AND label_source = ?"
                         " AND text = ? AND mentions <= 0", [tuple(key) for *key, _ in counts])


def count_names(db: "sqlite_utils.Database") -> None:
    """Every name's spellings and labels, counted from the mentions in one pass."""
    db.conn.execute("DELETE FROM name_counts")
    db.conn.execute("INSERT INTO name_counts (name_key, label, label_source, text, mentions)"
                    " SELECT name_key, label, label_source, text, count(*) FROM mentions GROUP BY 1, 2, 3, 4")


def set_published(db: "sqlite_utils.Database", article_id: int, published: str | None, from_text: bool) -> None:
    """An entity's articles come in date order from their links, which repeat
    the date; its months move with them."""
    conn = db.conn
    changed = conn.execute("SELECT 1 FROM article_entities WHERE article_id = ?"
                           " AND (published IS NOT ? OR date_from_text != ?) LIMIT 1",
                           [article_id, published, int(from_text)]).fetchone()
    if changed:
        _count_months(db, [article_id], -1)
        conn.execute("UPDATE article_entities SET published = ?, date_from_text = ? WHERE article_id = ?",
                     [published, int(from_text), article_id])
        _count_months(db, [article_id], +1)


def needs_linking(db: "sqlite_utils.Database", aliases: Aliases) -> bool:
    """Changes not linked yet (an import stopped before its link), or entities
    linked by other rules than these."""
    conn = db.conn
    pending = conn.execute("SELECT 1 FROM link_pending LIMIT 1").fetchone() or conn.execute(
        "SELECT 1 FROM link_pending_articles LIMIT 1").fetchone()
    unlinked = conn.execute("SELECT 1 FROM mentions WHERE entity_id IS NULL LIMIT 1").fetchone()
    return bool(pending or unlinked) or _stale(db, aliases)


def linked_by_others(db: "sqlite_utils.Database", aliases: Aliases) -> bool:
    """Entities linked, by other rules or aliases than these."""
    stamp = db.conn.execute("SELECT value FROM _archive_state WHERE key = 'link'").fetchone()
    return stamp is not None and stamp != (link_stamp(aliases),)


def _stale(db: "sqlite_utils.Database", aliases: Aliases) -> bool:
    """Linked by other rules, or by a version that kept none of the state."""
    conn = db.conn
    if conn.execute("SELECT 1 FROM mentions LIMIT 1").fetchone() is None:
        return False
    stamp = conn.execute("SELECT value FROM _archive_state WHERE key = 'link'").fetchone()
    return stamp != (link_stamp(aliases),) or conn.execute("SELECT 1 FROM name_votes LIMIT 1").fetchone() is None


# --- linking -------------------------------------------------------------------------------


def link(db: "sqlite_utils.Database", aliases: Aliases, everything: bool = False) -> LinkSummary:
    """Link what changed since the last link; everything, when asked, or when
    the archive was linked by other rules. Inside the caller's transaction."""
    conn = db.conn
    everything = everything or _stale(db, aliases)
    if everything:
        _unlink_all(db)
        count_names(db)
    names = {k for (k,) in conn.execute("SELECT name_key FROM link_pending")}
    articles = {a for (a,) in conn.execute("SELECT article_id FROM link_pending_articles")}
    for key, article in conn.execute("SELECT DISTINCT name_key, article_id FROM mentions WHERE entity_id IS NULL"):
        names.add(key)
        articles.add(article)
    _relink(db, aliases, sorted(names), sorted(articles), everything)
    conn.execute("DELETE FROM link_pending")
    conn.execute("DELETE FROM link_pending_articles")
    conn.execute("INSERT OR REPLACE INTO _archive_state (key, value) VALUES ('link', ?)", [link_stamp(aliases)])
    entities = conn.execute("SELECT count(*) FROM entities").fetchone()[0]
    mentions = conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
    return LinkSummary(entities=entities, mentions=mentions)


def _unlink_all(db: "sqlite_utils.Database") -> None:
    """Every name and article pending, nothing kept but the entities' ids."""
    conn = db.conn
    for table in ("article_entities", "entity_pairs", "entity_months", "name_votes", "person_parts", "name_variants",
                  "entity_spellings", "entity_names"):
        conn.execute(f"DELETE FROM {table}")
    conn.execute("UPDATE entities SET article_count = 0, mention_count = 0")
    conn.execute("UPDATE mentions SET entity_id = NULL")
    conn.execute("INSERT OR IGNORE INTO link_pending (name_key) SELECT DISTINCT name_key FROM mentions")
    conn.execute("INSERT OR IGNORE INTO link_pending_articles (article_id) SELECT DISTINCT article_id FROM mentions")


def _relink(db: "sqlite_utils.Database", aliases: Aliases, names: list[str], articles: list[int],
            everything: bool) -> None:
    conn = db.conn
    # 1. The pending names' votes, and what they were. A longer name weighs
    # the votes of its first word (``names.body_first``): the longer names a
    # pending word begins are pending too.
    names = sorted({*names, *_begun(db, names)})
    _temp(db, "link_names", "name_key TEXT PRIMARY KEY", [(k,) for k in names])
    before = {k: (kind, entity) for k, kind, entity in conn.execute(
        "SELECT v.name_key, v.type, v.entity_key FROM temp.link_names JOIN name_votes v USING (name_key)")}
    labels, doubted = _labels(db, "temp.link_names")
    firsts = {w for k in labels if (w := first_word(k)) is not None and w not in labels}
    _temp(db, "link_firsts", "name_key TEXT PRIMARY KEY", [(k,) for k in sorted(firsts)])
    first_labels = {**_labels(db, "temp.link_firsts")[0], **labels}
    conn.execute("DROP TABLE temp.link_firsts")
    types = {key: vote(key, counts, aliases, first=first_labels.get(first_word(key) or ""))
             for key, counts in labels.items()}
    # 2. The longer people's names, by the short names they can be written as.
    was = {k for k, (kind, _) in before.items() if is_person_name(k, kind)}
    now = {k for k, kind in types.items() if is_person_name(k, kind)}
    conn.executemany("DELETE FROM person_parts WHERE part = ? AND name_key = ?",
                     [(p, k) for k in sorted(was - now) for p in parts(k)])
    conn.executemany("INSERT OR IGNORE INTO person_parts (part, name_key) VALUES (?, ?)",
                     [(p, k) for k in sorted(now - was) for p in parts(k)])
    # 2a. A single word's PERSON labels are doubted while no longer person's
    # name is written with it: the pending words, and the words of the longer names that came or went.
    lone = sorted({p for k in was ^ now for p in parts(k) if " " not in p} - set(names))
    _temp(db, "link_lone", "name_key TEXT PRIMARY KEY", [(k,) for k in lone])
    more, more_doubted = _labels(db, "temp.link_lone")
    labels.update(more)
    doubted.update(more_doubted)
    for key in [*types, *more]:
        if doubted.get(key) and lone_word(key, _named_in_full(db, key)):
            types[key] = vote(key, labels[key], aliases, doubted[key])
        elif key in more:
            types[key] = vote(key, labels[key], aliases)
    conn.execute("DROP TABLE temp.link_lone")
    conn.executemany("DELETE FROM name_votes WHERE name_key = ?", [(k,) for k in before if k not in types])
    conn.executemany(
        "INSERT INTO name_votes (name_key, type, entity_key) VALUES (?, ?, ?)"
        " ON CONFLICT (name_key) DO UPDATE SET type = excluded.type",
        [(k, kind, before[k][1] if k in before else k) for k, kind in types.items() if k not in more])
    conn.executemany("UPDATE name_votes SET type = ? WHERE name_key = ?",
                     [(kind, k) for k, kind in types.items() if k in more])
    # 2b. Spellings of one person's name, for the surnames of the people's names whose mentions changed.
    respelled = _respell_people(db, aliases, {k.split()[-1] for k in was | now}, was - now)
    spelled = dict(conn.execute("SELECT name_key, variant_of FROM name_variants"))  # a few rows: merges are rare
    # 3. The entity of each pending name, and of each short name a changed
    # longer name (or spelling) may take or leave.
    # A surname's most named bearer (``_most_named``) may change with the
    # counts of any pending person's name: its surname is worked out again too.
    surnames = {k.split()[-1] for k in names if k in now}
    shorts = sorted(({p for k in was ^ now for p in parts(k)} | {n for k in respelled for n in (k, *parts(k))}
                     | surnames) - set(names))
    _temp(db, "link_shorts", "name_key TEXT PRIMARY KEY", [(k,) for k in shorts])
    kinds = dict(types)
    targets_before = {k: entity for k, (_, entity) in before.items()}
    for key, kind, entity in conn.execute(
            "SELECT v.name_key, v.type, v.entity_key FROM temp.link_shorts JOIN name_votes v USING (name_key)"):
        kinds[key] = kind
        targets_before[key] = entity
    targets = {key: _target(db, spelled, key, kind) for key, kind in kinds.items()}
    # A short name may stand for one of these through another ("Tayyip" for
    # "Tayyip Erdogan", now for "Recep Tayyip Erdogan"): those are worked out again too.
    reach = {k for k in targets if targets[k] != targets_before.get(k)} | set(targets)
    while reach:
        _temp(db, "link_reach", "name_key TEXT PRIMARY KEY", [(k,) for k in sorted(reach)])
        more = [(k, kind, entity) for k, kind, entity in conn.execute(
            "SELECT v.name_key, v.type, v.entity_key FROM name_votes v"
            " WHERE v.entity_key IN (SELECT name_key FROM temp.link_reach)") if k not in targets]
        reach = set()
        for key, kind, entity in more:
            kinds[key] = kind
            targets_before[key] = entity
            targets[key] = _target(db, spelled, key, kind)
            reach.add(key)
    conn.execute("DROP TABLE IF EXISTS temp.link_reach")
    conn.executemany("UPDATE name_votes SET entity_key = ? WHERE name_key = ? AND entity_key IS NOT ?",
                     [(entity, key, entity) for key, entity in targets.items()])
    # 4. The entities they make or made: rows written anew, the new ones numbered in key order.
    affected = sorted({*targets.values(), *targets_before.values()})
    rows = _entity_rows(db, aliases, affected)
    _temp(db, "link_entities", "key TEXT PRIMARY KEY", [(k,) for k in affected])
    known = dict(conn.execute("SELECT e.key, e.id FROM temp.link_entities JOIN entities e USING (key)"))
    conn.executemany("UPDATE entities SET name = ?, type = ?, aliases = ? WHERE key = ?",
                     [(*rows[k], k) for k in rows if k in known])
    conn.executemany(
        "INSERT INTO entities (key, name, type, aliases, article_count, mention_count) VALUES (?, ?, ?, ?, 0, 0)",
        [(k, *rows[k]) for k in rows if k not in known])
    # 5. Mentions to their entities: every mention of a name whose entity
    # changed, and the new mentions; then the links of the articles naming them.
    moved = sorted(k for k in targets if k in targets_before and targets[k] != targets_before[k])
    _temp(db, "link_moved", "name_key TEXT PRIMARY KEY", [(k,) for k in moved])
    _temp(db, "link_articles", "article_id INTEGER PRIMARY KEY", [(a,) for a in articles])
    entity_of = ("(SELECT e.id FROM name_votes v JOIN entities e ON e.key = v.entity_key"
                 " WHERE v.name_key = mentions.name_key)")
    conn.execute(f"UPDATE mentions SET entity_id = {entity_of}"
                 " WHERE name_key IN (SELECT name_key FROM temp.link_moved)")
    conn.execute(f"UPDATE mentions SET entity_id = {entity_of}"
                 " WHERE article_id IN (SELECT article_id FROM temp.link_articles) AND entity_id IS NULL")
    conn.execute("INSERT OR IGNORE INTO temp.link_articles (article_id) SELECT DISTINCT article_id FROM mentions"
                 " WHERE name_key IN (SELECT name_key FROM temp.link_moved)")
    relinked = [a for (a,) in conn.execute("SELECT article_id FROM temp.link_articles ORDER BY article_id")]
    counted: set[int] = set()
    if not everything:
        counted |= _count(db, relinked, -1)
        conn.execute("DELETE FROM article_entities WHERE article_id IN (SELECT article_id FROM temp.link_articles)")
    # One sorted pass over the mentions: a look-up of each pair's first mention
    # would read an article's mentions again for every entity in it.
    conn.execute(
        "INSERT INTO article_entities (article_id, entity_id, mentions, first_mention, published, date_from_text)"
        " SELECT first.article_id, entity_id, mentions, first.id, articles.published,"
        " coalesce(articles.published_from = 'text', 0) FROM ("
        "   SELECT m.article_id, m.entity_id, m.id, count(*) OVER pair AS mentions,"
        "     row_number() OVER (pair ORDER BY p.position IS NULL, p.position, m.start, m.id) AS place"
        "   FROM temp.link_articles t JOIN mentions m ON m.article_id = t.article_id"
        "   LEFT JOIN paragraphs p ON p.id = m.paragraph_id"
        "   WINDOW pair AS (PARTITION BY m.article_id, m.entity_id)) AS first"
        " JOIN articles ON articles.id = first.article_id"
        " WHERE place = 1"
    )
    if everything:  # the same sums, counted in one pass
        count_pairs(db)
        count_months(db)
        conn.execute(
            "UPDATE entities SET (article_count, mention_count) = (SELECT count(*), coalesce(sum(mentions), 0)"
            " FROM article_entities a WHERE a.entity_id = entities.id)")
    else:
        counted |= _count(db, relinked, +1)
    # 6. The spellings of every entity written or counted anew; entities no article names go.
    ids = dict(conn.execute("SELECT e.key, e.id FROM temp.link_entities JOIN entities e USING (key)"))
    _respell(db, {ids[k]: row for k, row in rows.items()}, counted | set(ids.values()), everything)
    for table in ("link_names", "link_shorts", "link_entities", "link_moved", "link_articles"):
        conn.execute(f"DROP TABLE temp.{table}")


def _begun(db: "sqlite_utils.Database", names: list[str]) -> set[str]:
    """The longer names the archive has that begin with one of these single words."""
    found: set[str] = set()
    for key in names:
        if " " not in key and not key.startswith(DATE_KEY):
            found.update(k for (k,) in db.conn.execute(
                "SELECT name_key FROM name_votes WHERE name_key >= ? AND name_key < ?", [key + " ", key + "!"]))
    return found


def _labels(db: "sqlite_utils.Database", table: str) -> tuple[dict[str, Counter], dict[str, int]]:
    """The weighed labels of the names in a temporary table, and the part of
    each one's PERSON votes only the model says (what ``lone_word`` doubts)."""
    labels: dict[str, Counter] = defaultdict(Counter)
    doubted: dict[str, int] = {}
    for key, label, source, count in db.conn.execute(
        f"SELECT c.name_key, c.label, c.label_source, sum(c.mentions) FROM {table} n"
        " JOIN name_counts c ON c.name_key = n.name_key GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
    ):
        labels[key][label] += count * VOTE_WEIGHT.get(source, 1)
        doubted[key] = doubted.get(key, 0) + _doubted(label, source, count)
    return labels, doubted


def _doubted(label: str, source: str, count: int) -> int:
    """The weight of PERSON votes that only the model gives (what ``lone_word`` doubts)."""
    return count * VOTE_WEIGHT[source] if label == "PERSON" and source == "model" else 0


def _named_in_full(db: "sqlite_utils.Database", key: str) -> bool:
    return db.conn.execute("SELECT 1 FROM person_parts WHERE part = ? LIMIT 1", [key]).fetchone() is not None


def _target(db: "sqlite_utils.Database", spelled: dict[str, str], key: str, kind: str) -> str:
    """The entity a name joins: the spelling it was merged into (``spelled``),
    and the one longer person's name that stands for."""
    own = spelled.get(key, key)
    full = _full_name(db, spelled, own, kind) or own
    return spelled.get(full, full)


def _full_name(db: "sqlite_utils.Database", spelled: dict[str, str], key: str, kind: str) -> str | None:
    """The archive's one longer person's name a short name stands for (the rule
    of ``names.People``, with the archive's people), two spellings of one
    name counted once."""
    if not joins(key, kind):
        return None

    def named_with(part: str) -> list[str]:
        # Spellings are merged in pairs: of three names, two at least are people apart.
        return sorted({spelled.get(n, n) for (n,) in db.conn.execute(
            "SELECT name_key FROM person_parts WHERE part = ? LIMIT 3", [part])})

    found = longest(key, named_with, kind)
    if found is None and " " not in key and kind == "PERSON":
        most = _most_named(db, spelled, key)
        if most is not None:
            found = longest(most, named_with, "PERSON") or most
    return found


def _most_named(db: "sqlite_utils.Database", spelled: dict[str, str], surname: str) -> str | None:
    """Of the archive's people who bear a surname, the one its mentions name
    more often than all the others together ("Obama" alone is Barack Obama's
    beside Sasha Obama's few mentions); None when none is ("Williams"). Asked
    only of a surname its own mentions call a person's: a body's name alone
    ("Ford", "Charlton") is no one's, however many people bear it."""
    bearers: Counter = Counter()
    for name, mentions in db.conn.execute(
            "SELECT p.name_key, coalesce(sum(c.mentions), 0) FROM person_parts p"
            " LEFT JOIN name_counts c ON c.name_key = p.name_key WHERE p.part = ? GROUP BY p.name_key", [surname]):
        if name.endswith(" " + surname):
            bearers[spelled.get(name, name)] += mentions
    if len(bearers) < 2:
        return None
    (top, most), *rest = sorted(bearers.items(), key=lambda b: (-b[1], b[0]))
    return top if most > sum(n for _, n in rest) else None


def _respell_people(db: "sqlite_utils.Database", aliases: Aliases, surnames: set[str],
                    gone: set[str]) -> set[str]:
    """The spellings merged among the people's names of each surname worked
    out again (``names.variants``), with the evidence of their articles; the
    names whose merge changed."""
    conn = db.conn
    changed: set[str] = set()
    for surname in sorted(surnames):
        people = [n for (n,) in conn.execute("SELECT name_key FROM person_parts WHERE part = ?", [surname])
                  if n.split()[-1] == surname and n not in aliases.by_key]
        group = sorted({*people, *(k for k in gone if k.split()[-1] == surname)})
        marks = _marks(group)
        old = {k: (v, r) for k, v, r in conn.execute(
            f"SELECT name_key, variant_of, reason FROM name_variants WHERE name_key IN ({marks})"
            f" OR variant_of IN ({marks})", [*group, *group])}
        new = variants(people, lambda a, b: _shared(db, a, b), lambda n: conn.execute(
            "SELECT count(*) FROM mentions WHERE name_key = ?", [n]).fetchone()[0]) if len(people) > 1 else {}
        new = {k: (kept, f"the same surname, the rest one letter apart; {shared}") for k, (kept, shared) in new.items()}
        if new == old:
            continue
        conn.executemany("DELETE FROM name_variants WHERE name_key = ?", [(k,) for k in sorted(old)])
        conn.executemany("INSERT INTO name_variants (name_key, variant_of, reason) VALUES (?, ?, ?)",
                         [(k, kept, reason) for k, (kept, reason) in sorted(new.items())])
        changed |= {k for k in old.keys() | new.keys() if old.get(k, (None,))[0] != new.get(k, (None,))[0]}
    return changed


def _shared(db: "sqlite_utils.Database", a: str, b: str) -> str:
    """What the articles of two spellings have in common: the other names
    both sets of articles mention (not dates, not the names' own parts), said
    when there are enough of them."""
    own = {a, b, *parts(a), *parts(b)}
    articles_of = "SELECT article_id FROM mentions WHERE name_key = ?"
    shared = [n for (n,) in db.conn.execute(
        f"SELECT name_key FROM mentions WHERE article_id IN ({articles_of})"
        f" INTERSECT SELECT name_key FROM mentions WHERE article_id IN ({articles_of}) ORDER BY 1", [a, b])
        if n not in own and not n.startswith(DATE_KEY)]
    if len(shared) < VARIANT_EVIDENCE:
        return ""
    return f"{len(shared)} other names in the articles of both ({', '.join(shared[:3])})"


def _entity_rows(db: "sqlite_utils.Database", aliases: Aliases, keys: list[str]) -> dict[str, tuple[str, str, str]]:
    """The name, type and spellings of each of these entities, from the
    mentions of its names. Every name that joined it has its say in the type
    (a short name written far more often than its longer name knows better
    what it names: "Fiat", in "Fiat Auto"), except where the joining itself
    labelled it. Its name is its most written spelling of two words or more
    ("Tim Henman", not the one "Briton Tim Henman" it joined), a first name
    before an initial ("David Humphreys", though line-ups write "D
    Humphreys" more often). An entity no
    name makes any more has no row. Read for all of them at once: one link
    touches thousands."""
    conn = db.conn
    _temp(db, "link_rows", "key TEXT PRIMARY KEY, first TEXT", [(k, first_word(k)) for k in keys])
    counted: dict[str, list[tuple]] = defaultdict(list)
    for entity, *row in conn.execute(
            "SELECT v.entity_key, c.name_key, c.label, c.label_source, c.text, c.mentions FROM temp.link_rows t"
            " JOIN name_votes v ON v.entity_key = t.key JOIN name_counts c ON c.name_key = v.name_key"
            " ORDER BY 1, 2, 3, 4, 5"):
        counted[entity].append(row)
    firsts: dict[str, Counter] = defaultdict(Counter)
    for entity, label, source, count in conn.execute(
            "SELECT t.key, c.label, c.label_source, c.mentions FROM temp.link_rows t"
            " JOIN name_counts c ON c.name_key = t.first ORDER BY 1, 2, 3"):
        firsts[entity][label] += count * VOTE_WEIGHT.get(source, 1)
    named = [k for (k,) in conn.execute("SELECT DISTINCT v.entity_key FROM temp.link_rows t"
                                        " JOIN name_votes v ON v.entity_key = t.key ORDER BY 1")]
    conn.execute("DROP TABLE temp.link_rows")
    return {entity: _entity_row(db, aliases, entity, counted[entity], firsts[entity]) for entity in named}


def _entity_row(db: "sqlite_utils.Database", aliases: Aliases, entity: str, counted: list[tuple], first: Counter
                ) -> tuple[str, str, str]:
    """One entity's row, from its names' counts (name, label, source, text,
    mentions) and its first word's votes."""
    own: Counter = Counter()
    doubted = 0
    texts: Counter = Counter()
    for key, label, source, text, count in counted:
        if key == entity or source != "name":
            own[label] += count * VOTE_WEIGHT.get(source, 1)
            doubted += _doubted(label, source, count)
        texts[text] += count
    if doubted and not lone_word(entity, _named_in_full(db, entity)):
        doubted = 0
    kind = vote(entity, own, aliases, doubted, first) if own else "PERSON"  # people's names, joined as such
    alias = aliases.by_key.get(entity)
    if kind == "DATE":
        name = entity[len(DATE_KEY):] if _is_iso(entity[len(DATE_KEY):]) else texts.most_common(1)[0][0]
    elif alias is not None and alias.key == entity:
        name = alias.name
    else:
        full = [t for t in texts if " " in name_key(t)] or [t for t in texts if name_key(t) == entity] or list(texts)
        name = max(full, key=lambda t: (len(name_key(t).split()[0]) > 1, texts[t], name_key(t) == entity, len(t), t))
    spellings = [t for t, _ in texts.most_common()]
    if alias is not None and alias.key == entity:
        spellings = list(dict.fromkeys([*spellings, *alias.names]))
    return name, kind, json.dumps(spellings, ensure_ascii=False)


def _count(db: "sqlite_utils.Database", articles: list[int], sign: int) -> set[int]:
    """Add (+1) or take off (-1) the part these articles have in the entities'
    counts and in the pairs, from their rows of article_entities. Dates are
    left out of the pairs, as on the page."""
    touched: set[int] = set()
    if not articles:
        return touched
    conn = db.conn
    for chunk in _chunks(articles):
        marks = _marks(chunk)
        counts = conn.execute(
            f"SELECT entity_id, count(*), sum(mentions) FROM article_entities WHERE article_id IN ({marks})"
            " GROUP BY entity_id", chunk).fetchall()
        conn.executemany("UPDATE entities SET article_count = article_count + ?, mention_count = mention_count + ?"
                         " WHERE id = ?", [(sign * n, sign * m, e) for e, n, m in counts])
        touched.update(e for e, _, _ in counts)
        pairs = conn.execute(
            "SELECT a.entity_id, b.entity_id, count(*), sum(b.mentions) FROM article_entities a"
            " JOIN article_entities b ON b.article_id = a.article_id AND b.entity_id != a.entity_id"
            " JOIN entities other ON other.id = b.entity_id AND other.type != 'DATE'"
            f" WHERE a.article_id IN ({marks}) GROUP BY 1, 2", chunk).fetchall()
        conn.executemany(
            "INSERT INTO entity_pairs (entity_id, other_id, articles, mentions) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (entity_id, other_id) DO UPDATE SET articles = articles + excluded.articles,"
            " mentions = mentions + excluded.mentions",
            [(a, b, sign * n, sign * m) for a, b, n, m in pairs])
        if sign < 0:  # the pairs taken down to nothing go, looked up by key: the table holds millions
            conn.executemany("DELETE FROM entity_pairs WHERE entity_id = ? AND other_id = ? AND articles <= 0",
                             [(a, b) for a, b, _, _ in pairs])
    _count_months(db, articles, sign)
    return touched


# An article's link's month, and where its date came from, as entity_months keeps them.
_MONTH = ("coalesce(substr(published, 1, 7), 'undated'),"
          " CASE WHEN published IS NULL THEN 'undated' WHEN date_from_text THEN 'about' ELSE 'dated' END")


def _count_months(db: "sqlite_utils.Database", articles: list[int], sign: int) -> None:
    """Add or take off these articles' part in their entities' months."""
    conn = db.conn
    for chunk in _chunks(articles):
        months = conn.execute(
            f"SELECT entity_id, {_MONTH}, count(*), sum(mentions) FROM article_entities"
            f" WHERE article_id IN ({_marks(chunk)}) GROUP BY 1, 2, 3", chunk).fetchall()
        conn.executemany(
            "INSERT INTO entity_months (entity_id, month, dated, articles, mentions) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (entity_id, month, dated) DO UPDATE SET articles = articles + excluded.articles,"
            " mentions = mentions + excluded.mentions",
            [(e, month, dated, sign * n, sign * m) for e, month, dated, n, m in months])
        if sign < 0:
            conn.executemany("DELETE FROM entity_months WHERE entity_id = ? AND month = ? AND dated = ?"
                             " AND articles <= 0", [(e, month, dated) for e, month, dated, _, _ in months])


def count_months(db: "sqlite_utils.Database") -> None:
    """Every entity's months, counted from the links in one pass."""
    db.conn.execute("DELETE FROM entity_months")
    db.conn.execute(f"INSERT INTO entity_months (entity_id, month, dated, articles, mentions)"
                    f" SELECT entity_id, {_MONTH}, count(*), sum(mentions) FROM article_entities GROUP BY 1, 2, 3")


def _respell(db: "sqlite_utils.Database", rows: dict[int, tuple[str, str, str]], touched: set[int],
             everything: bool) -> None:
    """Every folded spelling of the entities rewritten, and for each spelling
    of the entities touched the entity it names: the most mentioned that is
    written so (the first made, on a tie); then entities no article names go."""
    conn = db.conn
    names: set[str] = set()
    for entity, (_, _, spellings) in rows.items():
        key = conn.execute("SELECT key FROM entities WHERE id = ?", [entity]).fetchone()[0]
        old = set() if everything else {n for (n,) in conn.execute(
            "SELECT name_key FROM entity_spellings WHERE entity_id = ?", [entity])}
        new = {n for n in [key, *(name_key(s) for s in json.loads(spellings))] if n}
        conn.executemany("DELETE FROM entity_spellings WHERE name_key = ? AND entity_id = ?",
                         [(n, entity) for n in sorted(old - new)])
        conn.executemany("INSERT OR IGNORE INTO entity_spellings (name_key, entity_id) VALUES (?, ?)",
                         [(n, entity) for n in sorted(new - old)])
        names |= old | new
    empty = [e for (e,) in conn.execute("SELECT id FROM entities WHERE mention_count = 0")]
    _temp(db, "link_touched", "entity_id INTEGER PRIMARY KEY", [(e,) for e in sorted(touched | set(empty))])
    names.update(n for (n,) in conn.execute(
        "SELECT s.name_key FROM temp.link_touched JOIN entity_spellings s USING (entity_id)"))
    for chunk in _chunks(empty):
        marks = _marks(chunk)
        conn.execute(f"DELETE FROM entity_spellings WHERE entity_id IN ({marks})", chunk)
        conn.execute(f"DELETE FROM entity_names WHERE entity_id IN ({marks})", chunk)
        conn.execute(f"DELETE FROM entities WHERE id IN ({marks})", chunk)
    _temp(db, "link_spellings", "name_key TEXT PRIMARY KEY", [(n,) for n in sorted(names)])
    conn.execute("DELETE FROM entity_names WHERE name_key IN (SELECT name_key FROM temp.link_spellings)")
    conn.execute(
        "INSERT INTO entity_names (name_key, entity_id)"
        " SELECT name_key, entity_id FROM ("
        "   SELECT s.name_key, s.entity_id, row_number() OVER"
        "     (PARTITION BY s.name_key ORDER BY e.mention_count DESC, e.id) AS place"
        "   FROM temp.link_spellings t JOIN entity_spellings s USING (name_key)"
        "   JOIN entities e ON e.id = s.entity_id)"
        " WHERE place = 1")
    conn.execute("DROP TABLE temp.link_touched")
    conn.execute("DROP TABLE temp.link_spellings")


def count_pairs(db: "sqlite_utils.Database") -> None:
    """Every two entities named in the same articles, counted from the links
    (for archives linked before pairs were kept)."""
    db.conn.execute("DELETE FROM entity_pairs")
    db.conn.execute(
        "INSERT INTO entity_pairs (entity_id, other_id, articles, mentions)"
        " SELECT a.entity_id, b.entity_id, count(*), sum(b.mentions)"
        " FROM article_entities a"
        " JOIN article_entities b ON b.article_id = a.article_id AND b.entity_id != a.entity_id"
        " JOIN entities other ON other.id = b.entity_id AND other.type != 'DATE'"
        " GROUP BY a.entity_id, b.entity_id"
    )


def _temp(db: "sqlite_utils.Database", name: str, columns: str, rows: Iterable[tuple]) -> None:
    db.conn.execute(f"DROP TABLE IF EXISTS temp.{name}")
    db.conn.execute(f"CREATE TEMP TABLE {name} ({columns})")
    marks = ", ".join("?" for _ in columns.split(","))
    db.conn.executemany(f"INSERT OR IGNORE INTO temp.{name} VALUES ({marks})", rows)


def _chunks(items: list) -> Iterable[list]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _marks(items: list) -> str:
    return ", ".join("?" for _ in items)


def _is_iso(text: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d\d-\d\d", text))

"""The search box: web-search syntax in, a valid FTS5 query out, whatever is typed."""

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.search import MATCH_NOTHING, to_fts_query

from .conftest import examples


@pytest.mark.parametrize(
    "q, expected",
    [
        ("idlib", '"idlib"'),
        ("Idlib talks", '"Idlib" AND "talks"'),
        ('"chemical weapons" Idlib', '"chemical weapons" AND "Idlib"'),
        ("Putin OR Erdogan", '("Putin" OR "Erdogan")'),
        ("summit Putin OR Erdogan OR Rouhani", '"summit" AND ("Putin" OR "Erdogan" OR "Rouhani")'),
        ("Idlib -Russia", '("Idlib") NOT ("Russia")'),
        ("Kenteris AND NOT Thanou", '("Kenteris") NOT ("Thanou")'),
        ("Kenteris NOT Thanou", '("Kenteris") NOT ("Thanou")'),
        ("idlib talks idlib", '"idlib" AND "talks"'),
        ('Idlib -"United Nations" -Turkey', '("Idlib") NOT ("United Nations" OR "Turkey")'),
        ("negotiat*", '("negotiat" * OR "negotia" OR "negoti" OR "negot")'),
        ("kill*", '"kill" *'),
        ('"peace talk"*', '"peace talk" *'),
        ("al-Nusra", '"al Nusra"'),
        ("Syria's", '"Syria s"'),
        ("NEAR(a b) AND c", '"NEAR a" AND "b" AND "c"'),
        ("title:x", '"title x"'),
        ("or", '"or"'),
        ("مشاركة", '"مشاركة"'),
        ("", MATCH_NOTHING),
        ("   ", MATCH_NOTHING),
        ('"', MATCH_NOTHING),
        ('"unbalanced quote', '"unbalanced" AND "quote"'),
        ("OR", MATCH_NOTHING),
        ("OR idlib OR", '"idlib"'),
        ("-", MATCH_NOTHING),
        ("-idlib", MATCH_NOTHING),
        ("*", MATCH_NOTHING),
        ("!!! ??? ...", MATCH_NOTHING),
        (None, MATCH_NOTHING),
    ],
)
def test_translation(q, expected):
    assert to_fts_query(q) == expected


@pytest.fixture(scope="module")
def fts():
    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table t using fts5(body, tokenize='porter unicode61 remove_diacritics 2')")
    conn.executemany(
        "insert into t values (?)",
        [
            ("Fighters of al-Nusra were killed near Idlib, Erdoğan said.",),
            ("Putin and Erdogan met in Sochi to negotiate a deal.",),
            ("The United Nations warned of chemical weapons in Idlib.",),
        ],
    )
    return conn


def hits(conn, q):
    return [r[0] for r in conn.execute("select rowid from t where t match ? order by rowid", [to_fts_query(q)])]


@pytest.mark.parametrize(
    "q, expected",
    [
        ("idlib", [1, 3]),
        ("erdogan", [1, 2]),
        ("kill", [1]),
        ("al-Nusra", [1]),
        ("nusra", [1]),
        ('"chemical weapons"', [3]),
        ('"weapons chemical"', []),
        ("Sochi OR Nations", [2, 3]),
        ("idlib -erdogan", [3]),
        ("negotiat*", [2]),
        ("negotia*", [2]),
        ("weap*", [3]),
        ("idlib erdogan", [1]),
    ],
)
def test_semantics(fts, q, expected):
    assert hits(fts, q) == expected


@settings(max_examples=examples(500), deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_a_valid_query(fts, q):
    hits(fts, q)


OPERATORS = st.sampled_from(['"', "-", "*", "OR", "AND", "NOT", "NEAR", "(", ")", ":", "^", "+", "{", "}", " ", "al-Nusra", "idlib", "مشاركة", "\x00", "\ue000"])


@settings(max_examples=examples(500), deadline=None)
@given(st.lists(OPERATORS, max_size=40).map(" ".join))
def test_operator_soup_is_a_valid_query(fts, q):
    hits(fts, q)


def test_long_input(fts):
    assert hits(fts, "idlib " * 400) == [1, 3]
    # A pasted sentence is a passage: found by its phrases, the article holding it first.
    assert hits(fts, "The United Nations warned of chemical weapons in Idlib, said officials of ten agencies.") == [3]
    hits(fts, "x" * 2000)
    hits(fts, " OR ".join(["idlib"] * 300))


PASSAGE = (
    "Fighters of al-Nusra were killed near Idlib, Erdoğan said on Tuesday. The United Nations warned of "
    "chemical weapons in the province, where three million people live: most of them fled other towns."
)


def test_a_pasted_passage_reaches_fts5_as_a_few_phrases_whatever_its_length():
    for text in (PASSAGE, PASSAGE * 20, " ".join(f"word{i}" for i in range(2000))):
        query = to_fts_query(text)
        phrases = query.split(" OR ")
        assert 1 <= len(phrases) <= 6
        assert all(p.startswith('"') and p.endswith('"') and len(p.strip('"').split()) <= 3 for p in phrases)
    # Phrases never run across a sentence's end, and lean on the words that are not function words.
    assert to_fts_query(PASSAGE).split(" OR ") == [
        '"nusra were killed"', '"near idlib erdoğan"', '"united nations warned"', '"of chemical weapons"',
        '"the province where"', '"fled other towns"',
    ]


def test_a_short_query_is_not_a_passage():
    query = to_fts_query("talks in Geneva on Idlib with Erdogan and Putin")
    assert " OR " not in query and query.count(" AND ") == 8

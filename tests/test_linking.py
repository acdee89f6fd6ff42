"""Linking in proportion to the change: after any sequence of imports, edits
and deletions, the archive linked step by step is the archive a linking of
everything makes, row for row."""

import random


import pytest

from archive import entities, ingest, store
from archive.sqlite import sqlite3

from .conftest import QUICK

# Three words: a short name through another; Lena and Lina, Karl and Carl: one name spelled two ways.
FIRST = ["Anna", "Karl", "Carl", "Lena", "Lina", "Omar", "Sara", "Maria", "Anna Maria"]
# Zorbex: a word the model calls a person, an organisation when written in capitals,
# and a person's surname only while some article names a Zorbex in full.
LAST = ["Berg", "Holm", "Nasser", "Varga", "Zorbex"]
PLACES = ["Vienna", "Aleppo", "Idlib", "Ankara"]
ORGS = ["ACME", "UNHCR", "NATO", "SDF", "ZORBEX"]
DAYS = ["Monday", "Tuesday", "Friday"]
MONTHS = ["March", "May"]
# Every table linking writes, with its rows in a stable order.
TABLES = {
    "entities": "SELECT id, key, name, type, aliases, article_count, mention_count FROM entities ORDER BY id",
    "mentions": "SELECT id, entity_id FROM mentions ORDER BY id",
    "article_entities": "SELECT * FROM article_entities ORDER BY entity_id, article_id",
    "entity_pairs": "SELECT * FROM entity_pairs ORDER BY entity_id, other_id",
    "entity_months": "SELECT * FROM entity_months ORDER BY entity_id, month, dated",
    "entity_names": "SELECT * FROM entity_names ORDER BY name_key",
    "name_votes": "SELECT * FROM name_votes ORDER BY name_key",
    "name_counts": "SELECT * FROM name_counts ORDER BY name_key, label, label_source, text",
    "person_parts": "SELECT * FROM person_parts ORDER BY part, name_key",
    "entity_spellings": "SELECT * FROM entity_spellings ORDER BY name_key, entity_id",
    "name_variants": "SELECT * FROM name_variants ORDER BY name_key",
}


def story(rng: random.Random, n: int) -> str:
    """An article naming a few people in full and by surname, places, bodies and days."""
    sentences = []
    for _ in range(rng.randint(2, 6)):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        sentences.append(rng.choice([
            f"{first} {last} met officials in {rng.choice(PLACES)} on {rng.choice(DAYS)}.",
            f"Mr {last} said {rng.choice(ORGS)} would answer in {rng.choice(PLACES)}.",
            f"{rng.choice(ORGS)} and {first} {last} spoke in 2018.",
            f"Officials from {rng.choice(PLACES)} met {last} and {rng.choice(ORGS)}.",
            f"{rng.choice(['Zorbex', 'ZORBEX'])} would answer.",
            f"{first[0]} {last} came on as a substitute.",  # a team sheet's initial: one person, or several
        ]))
    # Dated by a line of its own, by the text, or not at all, so that months move as files change.
    date = rng.choice([f"Published {rng.randint(1, 28)} {rng.choice(MONTHS)} 2018\n\n",
                       "", f"It was {rng.randint(1, 28)} {rng.choice(MONTHS)} 2018. "])
    head = date if date.endswith("\n\n") else ""
    text = ("" if head else date) + " ".join(sentences)
    return f"Report number {n}\n\n{head}{text}\n"


def rows(conn) -> dict[str, list]:
    return {name: conn.execute(sql).fetchall() for name, sql in TABLES.items()}


def relinked_whole(db, aliases) -> dict[str, list]:
    copy = sqlite3.connect(":memory:")
    db.conn.backup(copy)
    whole = store.sqlite_utils.Database(copy)
    whole.conn.isolation_level = None
    with store.transaction(whole):
        entities.link(whole, aliases, everything=True)
    return rows(copy)


def linked(db, key, columns="e.key"):
    """Columns of the entity a name is linked to."""
    return db.execute(f"SELECT {columns} FROM name_votes v JOIN entities e ON e.key = v.entity_key"
                      " WHERE v.name_key = ?", [key]).fetchone()


def writer(folder, db, ruleset, extractor):
    """A function that saves a file under ``folder`` and imports it."""
    def write(name, text):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        ingest.import_files(db, [path], ruleset, extractor=extractor)
    return write


@pytest.fixture
def written(db_path, ruleset, fake_extractor, tmp_path):
    """A fresh archive, and a function that saves a file and imports it into it."""
    folder = tmp_path / "in"
    folder.mkdir()
    db = store.open_db(db_path)
    return db, writer(folder, db, ruleset, fake_extractor)


@pytest.mark.parametrize("seed", range(2 if QUICK else 6))
def test_linking_step_by_step_is_linking_everything(seed, db_path, ruleset, fake_extractor, tmp_path):
    rng = random.Random(seed)
    folder = tmp_path / "in"
    folder.mkdir()
    db = store.open_db(db_path)
    files: list = []
    made = 0
    for step in range(8 if QUICK else 14):
        action = rng.choice(["add", "add", "edit", "delete", "redate"]) if files else "add"
        batch = []
        from_text = True
        if action == "add":
            for _ in range(rng.randint(1, 4)):
                path = folder / f"{made:03}.txt"
                path.write_text(story(rng, made), encoding="utf-8")
                files.append(path)
                batch.append(path)
                made += 1
        elif action == "edit":  # a file saved again with another text: its article replaced
            path = rng.choice(files)
            path.write_text(story(rng, made), encoding="utf-8")
            made += 1
            batch.append(path)
        elif action == "redate":  # the same files, their dates in the text now read or not: links move months
            batch = rng.sample(files, min(len(files), rng.randint(1, 4)))
            from_text = rng.random() < 0.5
        else:  # a file that now holds another file's text: its own article goes
            path, other = rng.sample(files, 2) if len(files) > 1 else (files[0], files[0])
            path.write_bytes(other.read_bytes())
            batch.append(path)
        ingest.import_files(db, batch, ruleset, extractor=fake_extractor, batch_size=rng.randint(1, 3),
                            date_from_text=from_text)
        assert not entities.needs_linking(db, fake_extractor.aliases)
        assert rows(db.conn) == relinked_whole(db, fake_extractor.aliases), f"step {step}: {action}"
    assert db.execute("SELECT count(*) FROM entities").fetchone()[0] > 5


def test_a_short_name_follows_its_longer_name_as_the_archive_changes(db_path, ruleset, fake_extractor, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    db = store.open_db(db_path)

    def entity_of(key):
        return linked(db, key)

    a = folder / "a.txt"
    a.write_text("One\n\nMr Holm said ACME would answer in Vienna.\n", encoding="utf-8")
    ingest.import_files(db, [a], ruleset, extractor=fake_extractor)
    assert entity_of("holm") == ("holm",)
    b = folder / "b.txt"
    b.write_text("Two\n\nAnna Holm met officials in Aleppo on Monday.\n", encoding="utf-8")
    ingest.import_files(db, [b], ruleset, extractor=fake_extractor)
    assert entity_of("holm") == ("anna holm",)  # the archive's one Holm
    c = folder / "c.txt"
    c.write_text("Three\n\nKarl Holm met officials in Idlib on Friday.\n", encoding="utf-8")
    ingest.import_files(db, [c], ruleset, extractor=fake_extractor)
    assert entity_of("holm") == ("holm",)  # two now: the surname stands alone
    assert rows(db.conn) == relinked_whole(db, fake_extractor.aliases)


def test_an_initial_and_a_surname_join_the_one_person_they_stand_for(db_path, ruleset, fake_extractor, tmp_path):
    """A team sheet writes "K Holm": the archive's one person whose first name
    begins with K and whose last name is Holm, until there are two."""
    folder = tmp_path / "in"
    folder.mkdir()
    db = store.open_db(db_path)
    files = {"a.txt": "One\n\nK Holm came on as a substitute.\n",
             "b.txt": "Two\n\nKarl Holm met officials in Aleppo on Monday.\n",
             "c.txt": "Three\n\nKurt Holm met officials in Idlib on Friday.\n"}
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    ingest.import_files(db, [folder / "a.txt"], ruleset, extractor=fake_extractor)
    assert linked(db, "k holm") == ("k holm",)
    ingest.import_files(db, [folder / "b.txt"], ruleset, extractor=fake_extractor)
    assert linked(db, "k holm") == ("karl holm",)
    ingest.import_files(db, [folder / "c.txt"], ruleset, extractor=fake_extractor)
    assert linked(db, "k holm") == ("k holm",)  # Karl or Kurt: it stands alone
    assert rows(db.conn) == relinked_whole(db, fake_extractor.aliases)


def test_an_initial_joins_the_full_name_its_article_writes():
    """The same rule in one article: "D Okafor" is its one Dana Okafor,
    not one of two D. Okafors; nor is "M Okafor"."""
    from archive.names import People

    assert People(["dana okafor", "mo brightwater"]).full_name("d okafor", "PERSON") == "dana okafor"
    assert People(["dana okafor", "dion okafor"]).full_name("d okafor", "PERSON") is None
    assert People(["dana okafor"]).full_name("m okafor", "PERSON") is None
    # A middle name or initial left out: "Dana Okafor" of the one "Dana J Okafor".
    assert People(["dana j okafor"]).full_name("dana okafor", "PERSON") == "dana j okafor"
    assert People(["dana j okafor", "dana k okafor"]).full_name("dana okafor", "PERSON") is None


def test_a_first_name_written_short_joins_the_one_person_whose_first_name_it_begins():
    """"Alex" of the article's one Alexander, "Tim" of its one Timothy: a
    first name's short form, in an article that names no one by it in full."""
    from archive.names import People

    assert People(["alexander okafor", "tom okafor"]).full_name("alex", "PERSON") == "alexander okafor"
    assert People(["timothy brightwater"]).full_name("tim", "PERSON") == "timothy brightwater"
    # Someone of the article bears it in full, or two people's first names begin with it.
    assert People(["alexander okafor", "alex brightwater"]).full_name("alex", "PERSON") == "alex brightwater"
    assert People(["christopher okafor", "christine okafor"]).full_name("chris", "PERSON") is None
    # Too short to tell ("Al"), no first name of the dictionary, or not called a person.
    assert People(["alan okafor"]).full_name("al", "PERSON") is None
    assert People(["twitter direct message"]).full_name("twit", "PERSON") is None
    assert People(["alexander okafor"]).full_name("alex", "ORG") is None


def test_a_lone_word_is_a_person_on_the_models_word_only_once_named_in_full(written, fake_extractor):
    """The model calls Zorbex a person and, in capitals, an organisation: an
    organisation, until an article names a Zorbex in full; a cue (Mr Quillex)
    is believed without one."""
    db, write = written

    def entity_of(key):
        return linked(db, key, "e.key, e.type")

    write("a.txt", "One\n\nZorbex would answer. Officials met ZORBEX. Mr Quillex met QUILLEX.\n")
    assert entity_of("zorbex") == ("zorbex", "ORG")
    assert entity_of("quillex") == ("quillex", "PERSON")
    write("b.txt", "Two\n\nAnna Zorbex met officials in Aleppo on Monday.\n")
    assert entity_of("zorbex") == ("anna zorbex", "PERSON")  # named in full: the model's word stands
    assert rows(db.conn) == relinked_whole(db, fake_extractor.aliases)
    write("b.txt", "Two\n\nOfficials met in Aleppo on Monday.\n")
    assert entity_of("zorbex") == ("zorbex", "ORG")
    assert rows(db.conn) == relinked_whole(db, fake_extractor.aliases)


def test_two_spellings_of_one_name_are_one_person_when_their_articles_agree(written, fake_extractor):
    db, write = written

    def entity_of(key):
        return linked(db, key, "e.name")[0]

    write("a.txt", "One\n\nLena Holm met officials in Vienna on Monday. ACME and Lena Holm spoke in 2018.\n")
    write("b.txt", "Two\n\nLina Holm met officials in Aleppo on Friday.\n")
    assert entity_of("lina holm") == "Lina Holm"  # nothing in common but the surname: two people
    write("c.txt", "Three\n\nLina Holm met officials in Vienna on Friday. ACME would answer.\n")
    assert entity_of("lina holm") == entity_of("lena holm") == "Lena Holm"  # two mentions each: the first kept
    [(kept, reason)] = db.execute("SELECT variant_of, reason FROM name_variants WHERE name_key = 'lina holm'")
    assert kept == "lena holm" and "acme" in reason and "in vienna" in reason
    write("d.txt", "Four\n\nMr Holm said ACME would answer in Vienna.\n")
    assert entity_of("holm") == "Lena Holm"  # the surname alone: one person, not two
    write("e.txt", "Five\n\nLina Holm and Lina Holm met Lina Holm in Vienna. ACME spoke.\n")
    assert entity_of("lena holm") == "Lina Holm"  # the spelling mentioned more is kept
    assert rows(db.conn) == relinked_whole(db, fake_extractor.aliases)
    write("f.txt", "Six\n\nLima Holm met officials in Vienna. ACME spoke.\n")
    assert entity_of("lina holm") == "Lina Holm" != entity_of("lena holm")  # a third alike: no longer sure
    # Three people now, but one named more often than the other two together (5 mentions to 3): "Holm" is hers.
    assert entity_of("holm") == "Lina Holm"
    assert db.execute("SELECT count(*) FROM name_variants").fetchone()[0] == 0
    assert rows(db.conn) == relinked_whole(db, fake_extractor.aliases)


def test_a_surname_alone_is_its_most_named_bearers_as_the_counts_change(written, fake_extractor):
    """"Mr Vance" in an article that names no Vance in full: the person of the
    archive the mentions name more often than all other Vances together, or
    no one; worked out again as imports and edits change the counts, as a
    linking of everything would."""
    db, write = written
    write("a.txt", "One\n\nMr Vance spoke to the council on Monday.\n")
    write("b.txt", "Two\n\nLena Vance met Omar Vance on Friday.\n")
    assert linked(db, "vance", "e.name")[0] == "Vance"  # one mention each: no one's in particular
    assert rows(db.conn) == relinked_whole(db, fake_extractor.aliases)
    write("c.txt", "Three\n\nLena Vance spoke. Lena Vance left on Monday. Lena Vance came back.\n")
    assert linked(db, "vance", "e.name")[0] == "Lena Vance"  # four mentions to one
    assert rows(db.conn) == relinked_whole(db, fake_extractor.aliases)
    write("c.txt", "Three\n\nThe council met on Monday.\n")
    assert linked(db, "vance", "e.name")[0] == "Vance"
    assert rows(db.conn) == relinked_whole(db, fake_extractor.aliases)


def test_a_bodys_name_is_no_first_name_of_the_person_it_begins_and_a_first_name_is(db_path, ruleset, fake_extractor,
                                                                                       tmp_path):
    """ACME, called an organisation, does not join "Acme Works" (a person to
    the model, more often than ACME is a body); KELLY, called an organisation
    too, is a first name of the dictionary and joins "Kelly Holmes"."""
    folder = tmp_path / "in"
    folder.mkdir()
    db = store.open_db(db_path)
    texts = [f"Story {n}\n\nAcme Works and Kelly Holmes met officials in Vienna.\n" for n in range(3)]
    texts += ["Later\n\nOfficials met ACME. KELLY would answer in Idlib.\n"]
    for n, text in enumerate(texts):
        (folder / f"{n}.txt").write_text(text, encoding="utf-8")
    ingest.import_files(db, sorted(folder.iterdir()), ruleset, extractor=fake_extractor)
    assert db.execute("SELECT name, type, mention_count FROM entities WHERE key = 'acme works'").fetchone() == (
        "Acme Works", "PERSON", 3)
    assert db.execute("SELECT name, type, mention_count FROM entities WHERE key = 'acme'").fetchone() == (
        "ACME", "ORG", 1)
    assert db.execute("SELECT name, mention_count FROM entities WHERE key = 'kelly holmes'").fetchone() == (
        "Kelly Holmes", 4)
    assert rows(db.conn) == relinked_whole(db, fake_extractor.aliases)


def test_a_longer_name_called_a_person_as_often_as_its_first_word_a_body_is_the_bodys(db_path, ruleset,
                                                                                       fake_extractor, tmp_path):
    """A tie between the model's person and its first word's body goes to the body."""
    folder = tmp_path / "in"
    folder.mkdir()
    db = store.open_db(db_path)
    texts = [f"Story {n}\n\nAcme Works met officials in Vienna.\n" for n in range(2)]
    texts += [f"Later {n}\n\nOfficials met ACME in Idlib.\n" for n in range(2)]
    for n, text in enumerate(texts):
        (folder / f"{n}.txt").write_text(text, encoding="utf-8")
    ingest.import_files(db, sorted(folder.iterdir()), ruleset, extractor=fake_extractor)
    assert db.execute("SELECT type FROM entities WHERE key = 'acme works'").fetchone() == ("ORG",)
    assert rows(db.conn) == relinked_whole(db, fake_extractor.aliases)


@pytest.mark.parametrize("longer_first", [True, False], ids=["longer-name-first", "word-first"])
def test_a_longer_name_that_begins_with_a_bodys_name_is_the_bodys(longer_first, db_path, ruleset, fake_extractor,
                                                                   tmp_path):
    """A longer name's first word written alone, called an organisation in
    every article, makes "Acme Works" (a person to the model, once) an
    organisation, whichever comes first; the word is not taken for the
    first name of a person's name, so ACME stays an entity of its own."""
    folder = tmp_path / "in"
    folder.mkdir()
    db = store.open_db(db_path)
    texts = ["One\n\nAcme Works met officials in Vienna on Monday.\n"] + [
        f"Report {n}\n\nOfficials from Aleppo met ACME. ACME would answer in Idlib.\n" for n in range(3)]
    paths = []
    for n, text in enumerate(texts):
        path = folder / f"{n}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    if longer_first:
        ingest.import_files(db, paths[:1], ruleset, extractor=fake_extractor)
        assert db.execute("SELECT type FROM entities WHERE key = 'acme works'").fetchone() == ("PERSON",)
        ingest.import_files(db, paths[1:], ruleset, extractor=fake_extractor)
    else:
        ingest.import_files(db, paths[1:], ruleset, extractor=fake_extractor)
        ingest.import_files(db, paths[:1], ruleset, extractor=fake_extractor)
    assert db.execute("SELECT name, type, mention_count FROM entities WHERE key = 'acme works'").fetchone() == (
        "Acme Works", "ORG", 1)
    assert db.execute("SELECT name, type, mention_count FROM entities WHERE key = 'acme'").fetchone() == (
        "ACME", "ORG", 6)
    assert rows(db.conn) == relinked_whole(db, fake_extractor.aliases)


def test_an_entity_is_named_by_its_first_name_not_by_an_initial_written_more_often(written, fake_extractor):
    """Line-ups write "D Humphreys" in every match report, the text "David
    Humphreys" once: the person's name on the site is the one written in full."""
    db, write = written
    write("a.txt", "Ulster win\n\nDavid Humphreys kicked the winning goal in Belfast.\n")
    write("b.txt", "Line-ups\n\nUlster: D Humphreys, T Bowe.\n\nReplacements: D Humphreys.\n")
    assert linked(db, "d humphreys", "e.key, e.name") == ("david humphreys", "David Humphreys")
    assert rows(db.conn) == relinked_whole(db, fake_extractor.aliases)

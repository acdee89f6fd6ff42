"""Reading files: encodings, mojibake, control characters, size limits, and what is rejected."""

import codecs
import os
import random
import subprocess
import sys

import ftfy
import pytest
from ftfy.badness import BADNESS_RE, is_bad

from archive import ingest, read, store
from archive.read import Rejected, _may_hold_mojibake, decode, read_file
from archive.text import strip_unwanted

from .conftest import BBC, SEEDS

# Long enough for a detector to have something to go on, with the letters each
# encoding gets wrong when it is read as another.
FRENCH = (
    "Le président a reçu à l'Élysée les représentants des régions du nord de la Syrie.\n\n"
    "« Nous sommes très inquiets », a déclaré le ministre, évoquant la situation à Idlib "
    "où des milliers de déplacés ont fui les combats depuis le début de l'été.\n"
)
TURKISH_ARABIC = "Erdoğan ve Putin İdlib'de ateşkes konusunda anlaştı.\n\nمشاركة : إدلب تحت القصف\n"


LATIN1 = FRENCH.replace("«", '"').replace("»", '"')  # latin-1 has no guillemets in this detector's eyes


@pytest.mark.parametrize(
    "data, text, encodings",
    [
        (FRENCH.encode("cp1252"), FRENCH, {"cp1252"}),
        ("“Quoted” 5 €, naïve café — ‘Idlib’ stays as written.\n".encode("cp1252"),
         "“Quoted” 5 €, naïve café — ‘Idlib’ stays as written.\n", {"cp1252"}),
        # latin-1 and cp1252 agree on these letters; either name decodes them right.
        (LATIN1.encode("latin-1"), LATIN1, {"latin_1", "cp1252", "iso8859_15"}),
        (codecs.BOM_UTF8 + TURKISH_ARABIC.encode("utf-8"), TURKISH_ARABIC, {"utf-8-sig"}),
        (codecs.BOM_UTF16_LE + TURKISH_ARABIC.encode("utf-16-le"), TURKISH_ARABIC, {"utf-16"}),
        (codecs.BOM_UTF16_BE + TURKISH_ARABIC.encode("utf-16-be"), TURKISH_ARABIC, {"utf-16"}),
        (FRENCH.encode("utf-16-le"), FRENCH, {"utf-16-le"}),
        (FRENCH.encode("utf-16-be"), FRENCH, {"utf-16-be"}),
    ],
    ids=["cp1252", "cp1252-quotes", "latin-1", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-16-le", "utf-16-be"],
)
def test_encodings_decode_to_the_text_written(data, text, encodings):
    decoded = decode(data)
    assert decoded.text == text
    assert decoded.encoding in encodings
    assert decoded.repairs == ()


def test_the_encoding_is_recorded_on_the_article(fresh_db, ruleset, tmp_path):
    path = tmp_path / "french.txt"
    path.write_bytes(("Idlib : la crainte d'un assaut\n\n" + FRENCH).encode("cp1252"))
    summary = ingest.import_files(fresh_db, [path], ruleset)
    assert summary.imported == 1
    [row] = fresh_db.execute(
        "select encoding, body from article_files join article_texts on article_texts.id = article_id").fetchall()
    assert row[0] == "cp1252" and "reçu à l'Élysée" in row[1]


@pytest.mark.parametrize("wrong", ["latin-1", "cp1252"])
def test_mojibake_is_repaired_and_recorded(wrong):
    # cp1252 leaves five bytes undefined: a browser shows them as U+FFFD, and so does this.
    garbled = TURKISH_ARABIC.encode("utf-8").decode(wrong, errors="replace")
    decoded = decode(garbled.encode("utf-8"))
    assert "Erdoğan" in decoded.text and "İdlib" in decoded.text
    assert decoded.repairs and decoded.repairs[0].startswith("mojibake repaired (encode ")


def test_mojibake_repair_is_stored(fresh_db, ruleset, tmp_path):
    path = tmp_path / "garbled.txt"
    path.write_text("CafÃ© talks in BÃ©ziers\n\nThe mayor of BÃ©ziers said the cafÃ© would reopen.\n", encoding="utf-8")
    ingest.import_files(fresh_db, [path], ruleset)
    [(title, repairs)] = fresh_db.execute(
        "select title, repairs from articles join article_files on article_id = articles.id").fetchall()
    assert title == "Café talks in Béziers"
    assert repairs == "mojibake repaired (encode latin-1, decode utf-8)"


@pytest.mark.parametrize(
    "text",
    [
        "Montpellier 2-1 B&#233;ziers: a derby for the ages\n\nThe home side won &amp; celebrated.\n",
        "“Curly quotes”, ﬁ ligatures and ｆｕｌｌ width stay as written.\n",
        "Straight ASCII text is never touched.\n",
    ],
)
def test_text_that_is_not_mojibake_is_left_alone(text):
    decoded = decode(text.encode("utf-8"))
    assert decoded.text == text and decoded.repairs == ()


def test_seeds_and_bbc_articles_need_no_repair():
    files = sorted(SEEDS.glob("*.txt")) + (sorted(BBC.rglob("*.txt"))[:400] if BBC.exists() else [])
    for path in files:
        data = path.read_bytes()
        assert decode(data).text == data.decode("utf-8"), path


def _garbled(text: str) -> list[str]:
    """The text as it reads after each wrong decoding ftfy knows how to undo."""
    wrongs = ["latin-1", "cp1252", "cp1251", "cp1250", "cp1253", "cp1254", "cp1257", "iso-8859-2", "mac-roman", "cp437"]
    return [text.encode("utf-8").decode(wrong, errors="replace") for wrong in wrongs]


def test_mojibake_is_found_wherever_the_whole_text_test_finds_it():
    # The cheap test looks only near non-ASCII characters; it may say yes more
    # often than ftfy's test of the whole text, never less, and decoding gives
    # exactly what ftfy gives on the whole text.
    clean = [FRENCH, TURKISH_ARABIC] + [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    texts = [g for text in clean for g in _garbled(text)]
    # Each garbled stretch inside clean text, at its start, middle and end.
    texts += [clean[2][:300] + g[:40] + clean[3][:300] for g in texts] + [g[-25:] for g in texts]
    rng = random.Random(5)
    alphabet = "".join(sorted(set(BADNESS_RE.pattern) - set(" \n|[]()#-"))) + "ab Z.\n"
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(20_000)]
    found = 0
    for text in texts:
        if is_bad(text):
            found += 1
            assert _may_hold_mojibake(text), text
    assert found > 5_000
    for text in texts[:2_000]:
        whole = ftfy.fix_and_explain(text, config=read._REPAIR).text
        assert decode(text.encode("utf-8")).text == strip_unwanted(whole)[0]


def test_control_characters_are_removed_not_fatal(fresh_db, ruleset, tmp_path):
    seed = SEEDS / "004_e04ca7f6de3972df.txt"
    clean_copy, damaged = tmp_path / "clean.txt", tmp_path / "damaged.txt"
    clean_copy.write_bytes(seed.read_bytes())
    text = seed.read_bytes()
    # A NUL or other control byte after every 40th space, as a damaged copy has them.
    pieces = text.split(b" ")
    for i in range(0, len(pieces), 40):
        pieces[i] += b"\x00\x07\x1b"[i % 3 : i % 3 + 1]
    damaged.write_bytes(b" ".join(pieces))
    summary = ingest.import_files(fresh_db, [clean_copy, damaged], ruleset)
    assert (summary.imported, summary.duplicate, summary.rejected) == (1, 1, [])
    inserted = len(range(0, len(pieces), 40))
    assert fresh_db.execute("select path, repairs from article_files order by path").fetchall() == [
        (str(clean_copy), None), (str(damaged), f"{inserted} control characters removed"),
    ]


def test_invisible_characters_are_removed_once_and_counted():
    # Zero-width spaces, direction marks, a stray BOM and the snippet markers:
    # read removes them, counts them, and cleaning finds none left to remove.
    text = "Talks\u200b in Geneva\n\nThe envoy\u200e met \ufeffthe \ue000press\ue001.\n"
    decoded = decode(text.encode("utf-8"))
    assert decoded.text == "Talks in Geneva\n\nThe envoy met the press.\n"
    assert decoded.repairs == (
        "5 invisible characters removed (zero-width spaces, direction marks, stray BOMs)",
    )
    # The joiners Persian and Indic words need are text.
    assert decode("می\u200cخواهم".encode("utf-8")).text == "می\u200cخواهم"


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty file"),
        (b" \n\t\n\r\n  ", "only white space"),
        (codecs.BOM_UTF8 + b"\n\n", "only white space"),
        (bytes(range(256)) * 8, "binary file, not text"),
        (b"\x89PNG\r\n\x1a\n" + bytes(2000), "binary file, not text"),
        (b"2,500 $\nDo you like this content? Consider helping us!\nAdjust Comment Print\n", "no article text: every line is boilerplate"),
        (codecs.BOM_UTF16_LE + b"\x00\xd8", "not valid utf-16"),
    ],
    ids=["empty", "white-space", "bom-only", "binary", "png", "boilerplate", "bad-utf-16"],
)
def test_bad_files_are_rejected_with_a_reason(tmp_path, ruleset, data, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(Rejected) as raised:
        ingest.prepare(path, ruleset)
    assert str(raised.value).startswith(reason)
    assert "\n" not in str(raised.value)


def test_a_file_over_the_size_limit_is_rejected_unread(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as f:  # 60 MB, sparse: the test writes almost nothing
        f.truncate(60_000_000)
    with pytest.raises(Rejected, match=r"^60 MB, over the 5 MB limit \(--max-size\)$"):
        read_file(path)
    with pytest.raises(Rejected, match="over the 1 MB limit"):
        read_file(path, max_bytes=1_000_000)


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads the peak memory from /proc")
@pytest.mark.slow
def test_a_60_mb_file_and_a_wall_of_text_import_with_bounded_memory(tmp_path):
    """The 60 MB file is rejected before it is read; the largest file allowed, one
    5 MB line with no full stop, is read in windows and cut into passages."""
    from archive.parse import PASSAGE_MAX_CHARS

    folder = tmp_path / "in"
    folder.mkdir()
    sentence = "The envoy met the delegates in Geneva on Monday and talks went on "
    with open(folder / "huge.txt", "w", encoding="utf-8") as f:
        f.write("A report\n\n" + sentence * (60_000_000 // len(sentence)) + "\n")
    (folder / "wall.txt").write_text("A wall\n\n" + sentence * (4_900_000 // len(sentence)) + "\n", encoding="utf-8")
    (folder / "story.txt").write_text("Talks in Geneva\n\nThe envoy met the delegates.\n", encoding="utf-8")
    db_path = tmp_path / "archive.db"
    # The peak is the kernel's VmHWM: getrusage() would also count the memory of
    # this test process, which a child inherits across fork and exec.
    script = (
        "import re, sys\n"
        "from archive.cli import cli\n"
        "try:\n"
        f"    cli(['import', {str(folder)!r}, '--db', {str(db_path)!r}, '--no-entities'])\n"
        "except SystemExit as e:\n"
        "    peak = re.search(r'VmHWM:\\s+(\\d+) kB', open('/proc/self/status').read()).group(1)\n"
        "    print('exit', e.code, peak, file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    *errors, status = out.stderr.splitlines()
    assert errors == [f"error: {folder / 'huge.txt'}: 60 MB, over the 5 MB limit (--max-size)"]
    _, code, max_rss_kb = status.split()
    assert code == "1"
    assert out.stdout.startswith("2 imported, 0 unchanged, 0 updated, 0 duplicate, 1 rejected")
    # Python, spaCy's sentencizer and a 5 MB text: far less than the 60 MB file would cost.
    assert int(max_rss_kb) < 400_000, max_rss_kb
    db = store.open_db(db_path)
    lengths = [row[0] for row in db.execute(
        "select length(p.text) from paragraphs p join articles a on a.id = p.article_id where a.title = 'A wall'"
    )]
    assert len(lengths) > 2000 and max(lengths) <= PASSAGE_MAX_CHARS

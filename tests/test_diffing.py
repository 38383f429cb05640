"""What a reviewer changed (assistant/letters/diffing.py): word-level chunks, and a DOCX edited
outside the app read back into the letter's paragraphs."""

from __future__ import annotations

import functools
import io
import random
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.law.analysis import analyse
from assistant.letters.diffing import (
    Chunk, changed, letter_from_docx, letter_from_edit, letter_text, review_comment, word_diff,
)
from assistant.letters import Letter, build_letters, render_docx
from assistant.law.model import parse_case
from tests.conftest import VALID_SCENARIOS


def E(text: str) -> Chunk:
    return Chunk("equal", text)


def D(text: str) -> Chunk:
    return Chunk("delete", text)


def I(text: str) -> Chunk:  # noqa: E743
    return Chunk("insert", text)


@pytest.mark.parametrize("old, new, chunks", [
    ("le petit chat dort.", "le grand chat dort.", [E("le "), D("petit"), I("grand"), E(" chat dort.")]),
    ("Je conteste la décision.", "Je conteste fermement la décision.",
     [E("Je conteste "), I("fermement "), E("la décision.")]),
    ("a b c", "a c", [E("a "), D("b "), E("c")]),
    # Neighbouring changes are one deletion and one insertion, not a word-by-word zigzag.
    ("le petit chat", "la grande chatte", [D("le petit chat"), I("la grande chatte")]),
    # Punctuation is its own token: only the comma and the full stop change.
    ("Bonjour, madame.", "Bonjour madame !", [E("Bonjour"), D(","), E(" madame"), D("."), I(" !")]),
    # Elisions stay with their word.
    ("l'organisme a répondu", "l'organisme n'a pas répondu", [E("l'organisme "), D("a"), I("n'a pas"), E(" répondu")]),
    ("A & B < C", "A & D < C", [E("A & "), D("B"), I("D"), E(" < C")]),
    ("same", "same", [E("same")]),
    ("", "nouveau", [I("nouveau")]),
    ("ancien", "", [D("ancien")]),
])
def test_exact_chunks(old, new, chunks) -> None:
    assert word_diff(old, new) == chunks


@pytest.mark.parametrize("old, new", [
    ("Objet : Recours\n\nPremier paragraphe.\n\nDeuxième, avec « guillemets ».",
     "Objet : Recours gracieux\n\nPremier paragraphe modifié.\n\nTroisième !"),
    ("un  deux\ttrois", "un deux trois quatre"),
])
def test_the_chunks_rebuild_both_texts(old, new) -> None:
    chunks = word_diff(old, new)
    assert "".join(c.text for c in chunks if c.kind != "insert") == old
    assert "".join(c.text for c in chunks if c.kind != "delete") == new
    assert changed(chunks) and not changed(word_diff(old, old))


WORDS = st.lists(st.sampled_from(["le", "la", "petit", "chat", ",", ".", " : ", "l'organisme", "n'a", "&", "<b>",
                                   " ", "  ", "\n\n", "\u00a0", "é"]), max_size=20).map(" ".join)


@settings(max_examples=300, deadline=None, database=None)
@given(WORDS, WORDS)
def test_any_two_texts_are_rebuilt_from_their_chunks(old, new) -> None:
    chunks = word_diff(old, new)
    assert "".join(c.text for c in chunks if c.kind != "insert") == old
    assert "".join(c.text for c in chunks if c.kind != "delete") == new
    assert all(c.text for c in chunks) and all(a.kind != b.kind for a, b in zip(chunks, chunks[1:]))


def letters() -> list[Letter]:
    found = []
    for _name, scenario in VALID_SCENARIOS:
        case = parse_case(scenario["case"])
        found += build_letters(case, analyse(case))
    return found


def docx_with(data: bytes, change) -> bytes:
    """The DOCX as someone would save it after editing it in Word."""
    document = Document(io.BytesIO(data))
    change(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_rendered_letter_reads_back_as_the_same_letter() -> None:
    every = letters()
    assert len(every) > 10
    for letter in every:
        data = letter.model_dump(mode="json")
        assert letter_from_docx(render_docx(letter), data) == data, letter.id


def first_appeal() -> Letter:
    return next(letter for letter in letters() if letter.id == "appeal")


def test_an_edited_paragraph_is_the_changed_words_and_keeps_its_citations() -> None:
    letter = first_appeal()
    data = letter.model_dump(mode="json")
    target = 2
    old_text = letter.paragraphs[target].text
    assert "n'est pas motivée" in old_text

    def edit(document) -> None:
        paragraph = next(p for p in document.paragraphs if p.text == old_text)
        paragraph.text = old_text.replace("n'est pas motivée", "n'est absolument pas motivée & reste <vague>")

    back = letter_from_docx(docx_with(render_docx(letter), edit), data)
    assert [p["key"] for p in back["paragraphs"]] == [p.key for p in letter.paragraphs]
    assert back["paragraphs"][target]["cites"] == letter.paragraphs[target].cites
    assert back["paragraphs"][target]["text"].count("& reste <vague>") == 1
    chunks = [c for c in word_diff(letter_text(data), letter_text(back)) if c.kind != "equal"]
    assert chunks == [I("absolument "), I("& reste <vague> ")]


def test_a_replaced_word_is_one_deletion_and_one_insertion() -> None:
    letter = first_appeal()
    data = letter.model_dump(mode="json")
    edited = {**data, "paragraphs": [dict(p) for p in data["paragraphs"]]}
    edited["paragraphs"][0]["text"] = data["paragraphs"][0]["text"].replace("Je conteste", "Je refuse", 1)
    chunks = [c for c in word_diff(letter_text(data), letter_text(edited)) if c.kind != "equal"]
    assert chunks == [D("conteste"), I("refuse")]


def test_new_and_removed_paragraphs_and_the_subject() -> None:
    letter = first_appeal()
    data = letter.model_dump(mode="json")
    removed = letter.paragraphs[3].text

    def edit(document) -> None:
        for paragraph in document.paragraphs:
            if paragraph.text.startswith("Objet : "):
                paragraph.text = "Objet : Recours administratif préalable"
            if paragraph.text == removed:
                paragraph._p.getparent().remove(paragraph._p)
        anchor = next(p for p in document.paragraphs if p.text == letter.paragraphs[1].text)
        anchor.insert_paragraph_before("Un paragraphe tout à fait nouveau, écrit par la juriste.")

    back = letter_from_docx(docx_with(render_docx(letter), edit), data)
    assert back["subject"] == "Recours administratif préalable"
    keys = [p["key"] for p in back["paragraphs"]]
    expected = [p.key for p in letter.paragraphs]
    expected.remove(letter.paragraphs[3].key)
    assert keys == [expected[0], "edited_2", *expected[1:]]
    new = back["paragraphs"][1]
    assert new["cites"] == [] and new["because"] == []
    for paragraph in back["paragraphs"]:
        if paragraph["key"] in {p.key for p in letter.paragraphs}:
            assert paragraph["cites"] == next(p.cites for p in letter.paragraphs if p.key == paragraph["key"])
    # What is not in the body comes from the stored letter.
    assert back["sender"] == data["sender"] and back["closing"] == data["closing"]


def test_not_a_docx_or_no_body_is_a_french_message() -> None:
    data = first_appeal().model_dump(mode="json")
    with pytest.raises(ValueError, match="n'est pas un document Word"):
        letter_from_docx(b"%PDF-1.7 pas un docx", data)
    empty = io.BytesIO()
    Document().save(empty)
    with pytest.raises(ValueError, match="ne contient pas de corps de courrier"):
        letter_from_docx(empty.getvalue(), data)


def test_letter_text_is_the_subject_and_the_paragraphs() -> None:
    letter = first_appeal()
    text = letter_text(letter.model_dump(mode="json"))
    assert text.startswith(f"Objet : {letter.subject}\n\n")
    assert text.split("\n\n")[1:] == [p.text for p in letter.paragraphs]
    assert letter.sender[0] not in text


def test_a_paragraph_rewritten_in_place_keeps_its_key_and_citations() -> None:
    letter = first_appeal()
    data = letter.model_dump(mode="json")
    rewritten = letter.paragraphs[2]

    def edit(document) -> None:
        paragraph = next(p for p in document.paragraphs if p.text == rewritten.text)
        paragraph.text = "Tout autre chose, dite autrement."

    back = letter_from_docx(docx_with(render_docx(letter), edit), data)
    assert [p["key"] for p in back["paragraphs"]] == [p.key for p in letter.paragraphs]
    assert back["paragraphs"][2] == {"key": rewritten.key, "text": "Tout autre chose, dite autrement.",
                                     "cites": rewritten.cites, "because": rewritten.because}


# --- Bounded uploads and the input gate (issue 16, Medium 3 and 4) ----------------------------------

MB = 1 << 20


@functools.cache
def appeal() -> Letter:
    return first_appeal()


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A ZIP written by hand from (name, raw deflate stream, CRC-32, stated size): the stated
    size may lie, as a hostile file's does."""
    out, central = io.BytesIO(), []
    for name, raw, crc, size in members:
        offset, encoded = out.tell(), name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(raw), size, len(encoded), 0)
                  + encoded + raw)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(raw), size,
                                   len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    directory = b"".join(central)
    start = out.tell()
    out.write(directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory),
                                      start, 0))
    return out.getvalue()


def zip_bomb(megabytes: int = 700, stated: int | None = None) -> bytes:
    """A generated letter whose word/document.xml holds one paragraph of `megabytes` MB of
    « a »: about 1 KB per MB once compressed (the 709 KB file of the issue). Each MB is
    compressed once, flushed to a byte boundary, and repeated."""
    with zipfile.ZipFile(io.BytesIO(render_docx(appeal()))) as source:
        parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    head, _, tail = parts.pop("word/document.xml").rpartition(b"</w:body>")
    head, tail = head + b"<w:p><w:r><w:t>", b"</w:t></w:r></w:p></w:body>" + tail
    members = []
    for name, data in parts.items():
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        members.append((name, packer.compress(data) + packer.flush(), zlib.crc32(data), len(data)))
    chunk = b"a" * MB
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    one_mb = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(head)
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    raw = start + one_mb * megabytes + packer.compress(tail) + packer.flush()
    size = len(head) + megabytes * MB + len(tail)
    return _zip([*members[:1], ("word/document.xml", raw, crc, size if stated is None else stated), *members[1:]])


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "courrier.docx"
    path.write_bytes(zip_bomb())
    return path


@pytest.fixture
def no_xml_parser(monkeypatch):
    """Fails the test if an XML parser or python-docx's package reader is reached."""
    import docx
    import docx.api
    from lxml import etree

    reached: list[str] = []
    for module, name in ((etree, "fromstring"), (etree, "parse"), (etree, "XML"), (docx, "Document"),
                         (docx.api, "Document")):
        def spy(*args, _name=name, **kwargs):
            reached.append(_name)
            raise AssertionError(f"{_name} reached")
        monkeypatch.setattr(module, name, spy)
    return reached


def test_the_zip_bomb_is_refused_before_any_xml_is_parsed(bomb, no_xml_parser) -> None:
    data = bomb.read_bytes()
    assert 600_000 < len(data) < 800_000
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.getinfo("word/document.xml").file_size > 700 * MB  # hundreds of MB once unpacked
    with pytest.raises(ValueError, match="anormalement gros une fois décompressé"):
        letter_from_docx(data, appeal().model_dump(mode="json"))
    assert no_xml_parser == []


def test_a_bomb_that_lies_about_its_size_is_read_no_further(no_xml_parser) -> None:
    """The central directory says 1 KB: reading stops there (zipfile's one-shot read would
    inflate the 700 MB first), the checksum fails, the file is refused."""
    with pytest.raises(ValueError, match="n'est pas un document Word"):
        letter_from_docx(zip_bomb(stated=1024), appeal().model_dump(mode="json"))
    assert no_xml_parser == []


RSS_PROBE = """
import sys
from pathlib import Path
from assistant.letters import diffing

def peak_kb():
    return int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1])

data = Path(sys.argv[1]).read_bytes()
before = peak_kb()
try:
    diffing.letter_from_docx(data, {"subject": "Recours", "paragraphs": []})
except ValueError as error:
    print(error, file=sys.stderr)
print(peak_kb() - before)
"""


def test_the_zip_bomb_costs_the_server_less_than_100_mb(bomb, tmp_path) -> None:
    """In a fresh process, so that the peak resident memory is the upload's alone."""
    liar = tmp_path / "liar.docx"
    liar.write_bytes(zip_bomb(stated=1024))
    for path in (bomb, liar):
        done = subprocess.run([sys.executable, "-c", RSS_PROBE, str(path)], cwd=Path(__file__).parents[1],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert int(done.stdout) < 100 * 1024, f"{path.name}: +{int(done.stdout) // 1024} MB"
        assert "refusé" in done.stderr or "n'est pas un document Word" in done.stderr


def _docx(paragraphs: list[str], extra: dict[str, bytes] | None = None) -> bytes:
    """The first appeal as Word would save it, with `paragraphs` as its body, and `extra`
    members added or replaced."""
    generated = {p.text for p in appeal().paragraphs}

    def body(document) -> None:
        old = [p for p in document.paragraphs if p.text in generated]
        for text in paragraphs:
            old[0].insert_paragraph_before(text)
        for paragraph in old:
            paragraph._p.getparent().remove(paragraph._p)

    saved = docx_with(render_docx(appeal()), body)
    if not extra:
        return saved
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(saved)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in extra:
                target.writestr(info.filename, source.read(info.filename))
        for name, content in extra.items():
            target.writestr(name, content)
    return out.getvalue()


def _noise(size: int, seed: int = 1) -> bytes:
    """Bytes that do not compress."""
    return random.Random(seed).randbytes(size)


@pytest.mark.parametrize("make, named", [
    (lambda: _docx(["Un paragraphe."], {"word/media/photo.jpg": _noise(6 * MB)}), "trop lourd (6 Mo)"),
    (lambda: _docx(["Un paragraphe."], {f"customXml/item{i}.xml": b"<a/>" for i in range(250)}),
     "trop d'éléments (263 ; au plus 200"),
    (lambda: _docx(["Un paragraphe."], {"word/media/blank.bmp": b"\0" * (40 * MB)}),
     "anormalement gros une fois décompressé (40 Mo ; au plus 30 Mo)"),
    (lambda: _docx(["Un paragraphe."], {"word/media/blank.bmp": b"\0" * (2 * MB)}), "plus de 100 fois sa taille"),
    (lambda: _docx(["Un paragraphe."], {"word/document.xml": _noise(3 * MB).hex().encode()}),
     "trop gros (6 Mo ; au plus 5 Mo pour word/document.xml)"),
    (lambda: _docx([f"Paragraphe {i} " + _noise(900, i).hex() for i in range(70)]),
     "trop de texte (1"),
    (lambda: _docx([f"Paragraphe numéro {i}." for i in range(120)]), "trop de paragraphes (120 ; au plus 100)"),
    (lambda: _docx(["Court.", "Long " + "x" * 6_000]), "paragraphe 2 est trop long (6005 caractères ; au plus 5000)"),
])
def test_each_upload_limit_is_named(make, named) -> None:
    with pytest.raises(ValueError) as refused:
        letter_from_docx(make(), appeal().model_dump(mode="json"))
    assert named in str(refused.value)


def test_the_limits_leave_real_letters_alone() -> None:
    data = appeal().model_dump(mode="json")
    upload = _docx([p["text"] for p in data["paragraphs"]] + ["Un ajout de la juriste. " * 200])
    assert len(letter_from_docx(upload, data)["paragraphs"]) == len(data["paragraphs"]) + 1


# Every code point of C0, DEL, and the bidi override that reverses a file number.
PASTED = [chr(c) for c in range(0x20)] + ["\x7f", "\u202e"]


@pytest.mark.parametrize("char", PASTED, ids=[f"U+{ord(c):04X}" for c in PASTED])
def test_a_pasted_control_or_bidi_character_never_reaches_the_letter(char) -> None:
    data = appeal().model_dump(mode="json")
    texts = [p["text"] for p in data["paragraphs"]]
    texts[1] = f"Dossier n° {char}12345{char} : je conteste{char}."
    letter = letter_from_edit(data, f"Objet{char} du recours", texts)
    document = Document(io.BytesIO(render_docx(Letter.model_validate(letter))))  # opens: no XML-forbidden char
    written = "\n".join(p.text for p in document.paragraphs)
    assert "Dossier n°" in written and "12345" in written
    forbidden = set(PASTED) - {"\n"}  # a pasted line break stays a line break, as the gate keeps it
    assert not forbidden & set(written) and not forbidden & set(letter["subject"])
    assert "\n" not in letter["subject"]


def test_an_uploaded_docx_passes_the_gate_too() -> None:
    data = appeal().model_dump(mode="json")
    paragraphs = [p["text"] for p in data["paragraphs"]]
    paragraphs[1] = "Dossier n° \u202e54321\u202c et \u2066isolé\u2069,\ttabulé."
    back = letter_from_docx(_docx(paragraphs), data)
    assert back["paragraphs"][1]["text"] == "Dossier n° 54321 et isolé, tabulé."


def test_the_editor_limits_hold_on_the_server() -> None:
    data = appeal().model_dump(mode="json")
    texts = [p["text"] for p in data["paragraphs"]]
    with pytest.raises(ValueError, match="ne peut pas être vide"):
        letter_from_edit(data, " \u202e\x01 ", texts)
    with pytest.raises(ValueError, match="objet du courrier est trop long"):
        letter_from_edit(data, "x" * 501, texts)
    with pytest.raises(ValueError, match="paragraphe 3 est trop long"):
        letter_from_edit(data, "Recours", [*texts[:2], "x" * 5_001, *texts[3:]])
    emptied = letter_from_edit(data, "Recours", ["", *texts[1:]])  # an emptied box removes its paragraph
    assert [p["key"] for p in emptied["paragraphs"]] == [p["key"] for p in data["paragraphs"][1:]]


def test_a_review_comment_passes_the_gate_and_its_limit() -> None:
    assert review_comment("  \x01 \u202e ") is None and review_comment(None) is None
    assert review_comment("Revoir\u202e le\x00 2e paragraphe.") == "Revoir le 2e paragraphe."
    with pytest.raises(ValueError, match="commentaire est trop long"):
        review_comment("x" * 2_001)

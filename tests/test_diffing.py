"""What a reviewer changed (assistant/diffing.py): word-level chunks, and a DOCX edited
outside the app read back into the letter's paragraphs."""

from __future__ import annotations

import io

import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.analysis import analyse
from assistant.diffing import Chunk, changed, letter_from_docx, letter_text, word_diff
from assistant.letters import Letter, build_letters, render_docx
from assistant.model import parse_case
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

"""The mandate a person signs when a mediator or an association acts in their name
(assistant/letters/mandate.py + mandate.yaml)."""

from __future__ import annotations

import copy
import io
import json
import subprocess

import pytest
from docx import Document

from assistant.law.legal_refs import load_refs
from assistant.letters.mandate import Scope, mandate_docx, mandate_letter, mandate_pdf, parse_mandate
from assistant.law.model import InvalidCase
from tests.conftest import ROOT, require_tool, with_changes

AMINA = json.loads((ROOT / "examples" / "amina-rsa.json").read_text(encoding="utf-8"))
REPRESENTATIVE = {"organisation": "Association Droits d'abord", "address": "3 place du Marché\n44000 Nantes",
                  "person": "Léa Martin", "role": "médiatrice numérique"}
ALL_SCOPES = [s.value for s in Scope]
SCOPE_KEYS = {"appeal", "appeal_direct", "association_rsa", "association_prime_activite", "documents",
              "follow_up", "cnil_complaint", "court"}


def request(case: dict | None = AMINA, **changes) -> dict:
    data = {"representative": dict(REPRESENTATIVE), "case": copy.deepcopy(case),
            "scope": list(ALL_SCOPES), "given_on": "2026-11-23", "valid_until": None}
    data.update(changes)
    return data


def letter_of(case: dict = AMINA, **changes):
    return mandate_letter(parse_mandate(request(case, **changes)))


def paragraphs(letter) -> dict[str, object]:
    return {p.key: p for p in letter.paragraphs}


# Each power given → its paragraph, citing its texts (Amina: RSA, prior appeal to the département).
EXPECTED = {
    "appeal": {"appeal": {"casf-L262-47"}, "association_rsa": {"casf-R262-88"}},
    "documents": {"documents": {"crpa-L311-6", "rgpd-15"}},
    "follow_up": {"follow_up": {"crpa-L342-1"}},
    "cnil_complaint": {"cnil_complaint": {"rgpd-80", "rgpd-77"}},
    "court": {"court": {"cja-R421-1"}},
}


@pytest.mark.parametrize("scope", ALL_SCOPES)
def test_each_scope_gives_its_paragraph_and_its_citations(scope):
    found = paragraphs(letter_of(scope=[scope]))
    assert {k for k in found if k in SCOPE_KEYS} == set(EXPECTED[scope])
    for key, cites in EXPECTED[scope].items():
        assert set(found[key].cites) == cites, key
        assert found[key].because == [scope]
    # What every mandate says, whatever the powers.
    assert {"grant", "form", "limits", "personal_data", "duration", "withdrawal"} <= found.keys()


def test_the_mandate_rests_on_the_civil_code_and_says_what_the_representative_never_does():
    found = paragraphs(letter_of())
    assert found["grant"].cites == ["cc-1984"] and "article 1984 du code civil" in found["grant"].text
    assert "Amina Benali" in found["grant"].text and "Léa Martin, médiatrice numérique" in found["grant"].text
    assert "décision du 2 octobre 2026 de la CAF de Loire-Atlantique" in found["grant"].text
    assert set(found["form"].cites) == {"cc-1984", "cc-1985"}
    withdrawal = found["withdrawal"]
    assert withdrawal.cites == ["cc-2004"]
    assert "à tout moment" in withdrawal.text and "forme particulière" in withdrawal.text
    assert "ne reçoit jamais" in found["limits"].text and "prestations" in found["limits"].text
    assert "article 2004" in found["duration"].text and "lorsque le litige" in found["duration"].text


def test_court_scope_accompanies_and_never_claims_to_represent():
    text = paragraphs(letter_of(scope=["court"]))["court"].text
    assert "m'accompagner à l'audience" in text
    assert "ne lui donne pas le pouvoir de me représenter" in text
    assert text.count("représenter") == 1


def test_the_association_paragraph_follows_the_benefit_and_the_route():
    prime = paragraphs(letter_of(case=with_changes(AMINA, benefit="prime_activite"), scope=["appeal"]))
    assert prime["association_prime_activite"].cites == ["css-R847-2"] and "association_rsa" not in prime
    family = paragraphs(letter_of(case=with_changes(AMINA, benefit="allocations_familiales"), scope=["appeal"]))
    assert "appeal" in family and not {"association_rsa", "association_prime_activite"} & family.keys()
    # A CSS penalty goes straight to the court: no prior appeal to file in the person's name.
    penalty = paragraphs(letter_of(case=with_changes(AMINA, situation="penalty"), scope=["appeal"]))
    assert "appeal_direct" in penalty and "appeal" not in penalty and "association_rsa" not in penalty
    assert "pôle social du tribunal judiciaire" in penalty["appeal_direct"].text


CASES = [
    AMINA,
    with_changes(AMINA, benefit="prime_activite"),
    with_changes(AMINA, situation="penalty"),
    with_changes(AMINA, benefit="apl"),
    with_changes(AMINA, decision={"received": False}),
    with_changes(AMINA, organism={"kind": "france_travail", "name": None, "address": None},
                 benefit="are", situation="overpayment"),
    with_changes(AMINA, organism={"kind": "mdph", "name": None, "address": None}, benefit="aah",
                 situation="refusal"),
]


@pytest.mark.parametrize("case", CASES, ids=range(len(CASES)))
def test_every_paragraph_cites_existing_ids_and_names_them(case):
    refs = load_refs()
    letter = letter_of(case=case, valid_until="2027-06-30")
    assert letter.id == "mandate" and not letter.registered
    for paragraph in letter.paragraphs:
        assert paragraph.cites and set(paragraph.cites) <= refs.keys(), paragraph.key
        for ref_id in paragraph.cites:
            number = refs[ref_id].article.removeprefix("article ")
            assert number in paragraph.text, (paragraph.key, ref_id)
    assert "30 juin 2027" in paragraphs(letter)["duration"].text


def test_same_request_same_mandate_and_each_power_once():
    twice = request(scope=["court", "appeal", "court"])
    first = mandate_letter(parse_mandate(twice))
    assert first == mandate_letter(parse_mandate(copy.deepcopy(twice)))
    assert [p.key for p in first.paragraphs if p.key in SCOPE_KEYS] == ["appeal", "association_rsa", "court"]


def _docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_ampersands_angle_brackets_and_emoji_survive_in_the_docx_and_the_pdf(tmp_path):
    case = with_changes(AMINA, claimant__first_name="Amina 🌷", claimant__last_name="Benali & <Fils>")
    representative = {**REPRESENTATIVE, "organisation": "Droits & <Recours> 🤝", "person": "Léa <Martin> & co"}
    parsed = parse_mandate(request(case=case, representative=representative))
    text = _docx_text(mandate_docx(parsed))
    for value in ("Amina 🌷 Benali & <Fils>", "Droits & <Recours> 🤝", "Léa <Martin> & co"):
        assert value in text
    assert "&amp;" not in text and "&lt;" not in text
    pdf = mandate_pdf(parsed)
    assert pdf.startswith(b"%PDF")
    pdftotext = require_tool("pdftotext", "poppler-utils")
    (tmp_path / "m.pdf").write_bytes(pdf)
    shown = subprocess.run([pdftotext, str(tmp_path / "m.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "Droits & <Recours>" in shown and "Benali & <Fils>" in shown


def test_an_unknown_scope_is_a_french_error_naming_the_field():
    with pytest.raises(InvalidCase) as caught:
        parse_mandate(request(scope=["appeal", "tribunal"]))
    message = " ".join(caught.value.messages)
    assert "scope.1" in message and "« tribunal »" in message and "valeur inconnue" in message
    assert "court" in message  # the values it could have been


@pytest.mark.parametrize("changes, field, words", [
    ({"scope": []}, "scope", "au moins une démarche"),
    ({"valid_until": "2026-01-01"}, "valid_until", "ne peut pas précéder"),
    ({"given_on": "23/11/2026"}, "given_on", "date invalide"),
    ({"representative": {**REPRESENTATIVE, "person": ""}}, "representative.person", "ne peut pas être vide"),
    ({"surprise": 1}, "surprise", "Champ inconnu"),
    ({"case": None}, "case", "obligatoire"),
])
def test_bad_requests_get_french_messages_naming_the_field(changes, field, words):
    with pytest.raises(InvalidCase) as caught:
        parse_mandate(request(**changes))
    message = " ".join(caught.value.messages)
    assert field in message and words in message


def test_a_bad_case_inside_is_reported_with_its_own_field_and_the_other_problems_too():
    with pytest.raises(InvalidCase) as caught:
        parse_mandate(request(case=with_changes(AMINA, benefit="zz"), scope=["nope"]))
    messages = caught.value.messages
    assert any(m.startswith("Dossier (case)") and "(benefit)" in m for m in messages)
    assert any("scope.0" in m for m in messages)


def test_the_civil_code_entries_point_to_their_articles():
    refs = load_refs()
    assert str(refs["cc-1984"].url).endswith("/LEGIARTI000006445236")
    assert str(refs["cc-2004"].url).endswith("/LEGIARTI000006445302")
    assert str(refs["rgpd-80"].url).endswith("CELEX:32016R0679#art_80")


def test_an_address_typed_with_the_organisations_name_first_names_it_once():
    """Issue 20 (13): people type the address as on an envelope, name first."""
    representative = dict(REPRESENTATIVE, address="ASSOCIATION Droits d’abord\n3 place du Marché\n44000 Nantes")
    letter = letter_of(representative=representative)
    assert [line for line in letter.recipient if "abord" in line] == ["Association Droits d'abord"]
    grant = paragraphs(letter)["grant"].text
    assert grant.count("abord") == 1 and "3 place du Marché, 44000 Nantes" in grant

"""What a benefits lawyer checked in the letters of the new routes (review of 2026-11-23)."""

from assistant.law.analysis import analyse
from assistant.letters import build_letters
from assistant.law.model import parse_case
from tests.conftest import with_changes
from tests.test_rights import BASE


def letters_of(**changes):
    parsed = parse_case(with_changes(BASE, **changes))
    return {letter.id: letter for letter in build_letters(parsed, analyse(parsed))}


def text(letter):
    return "\n".join(p.text for p in letter.paragraphs)


def test_no_hearing_claim_when_the_person_does_not_know():
    """« Il ne m'a pas été permis… » only when the person said so; otherwise the body proves it."""
    unknown = text(letters_of(situation="penalty", context__heard_before=None)["appeal"])
    assert "Il appartient à l'organisme d'en justifier" in unknown and "ne m'ont pas été notifiés" not in unknown
    said_no = text(letters_of(situation="penalty", context__heard_before=False)["appeal"])
    assert "ne m'ont pas été notifiés" in said_no
    sanction = text(letters_of(situation="sanction", context__heard_before=None)["appeal"])
    assert "Je n'ai pas souvenir" in sanction and "Il ne m'a pas été permis" not in sanction


def test_an_implicit_refusal_is_argued_through_a_reasons_request():
    appeal = text(letters_of(organism__kind="mdph", benefit="aah", situation="refusal",
                             decision={"received": False})["appeal"])
    assert "article L. 232-4" in appeal and "aucun délai de recours n'a pu commencer" not in appeal
    assert "déposée le ………" in appeal and "avec la copie de la décision" not in appeal


def test_are_stop_letter_names_no_court_while_it_may_be_a_sanction():
    appeal = text(letters_of(organism__kind="france_travail", benefit="are", situation="termination")["appeal"])
    assert "juridiction compétente" in appeal and "devant le tribunal judiciaire" not in appeal

"""A lawyer's review of the golden guides (2026-12-06): an appeal already sent is never to be
sent again (x01, x02), and the ARE refusal's guide gives one date per rule (x07)."""

from __future__ import annotations

import copy

from assistant.core.formatting import long_date
from assistant.law.analysis import analyse
from assistant.letters import build_letters
from assistant.letters.guides import sending_guides
from assistant.law.model import parse_case

from .golden_update import golden_scenarios

CASES = dict(golden_scenarios())
SEND_AGAIN = ("reste à faire dans son délai", "faites votre recours en parallèle",
              "envoyez aussi le recours dans son délai", "ne l'attendez pas pour le faire")


def _built(name: str, **history):
    data = copy.deepcopy(CASES[name])
    data["history"].update(history)
    case = parse_case(data)
    analysis = analyse(case)
    return case, analysis, build_letters(case, analysis)


def _date(analysis, deadline_id: str) -> str:
    return long_date(next(d.date for d in analysis.deadlines if d.id == deadline_id))


def test_an_appeal_already_sent_is_dated_with_its_rejection_and_court_dates():
    for name, filed, answer_ref, court_ref in (
            ("x02_rsa_overpayment_appeal_filed", "2 novembre 2026", "crpa-L231-4", "cja-R421-1"),
            ("x01_documents_unanswered_no_names", "1er septembre 2026", "css-R142-6", "cja-R421-1")):
        _, analysis, letters = _built(name)
        rejection, court = _date(analysis, "appeal_answer"), _date(analysis, "court")
        guides = {letter.id: letter.guide for letter in letters}
        for letter_id in ("explanation_request", "mediator_referral", "defenseur_referral"):
            answer = guides[letter_id].answer
            assert not any(words in answer for words in SEND_AGAIN), (name, letter_id, answer)
            assert f"Votre recours a été envoyé le {filed} : inutile de le renvoyer." in answer
            assert f"Sans réponse de l'organisme au {rejection}, il " in answer
            assert f"au plus tard le {court}" in answer
            assert {answer_ref, court_ref} <= set(guides[letter_id].cites)
        assert "document_access" not in guides or court_ref not in guides["document_access"].cites
    _, analysis, letters = _built("x02_rsa_overpayment_appeal_filed")
    remission = next(letter for letter in letters if letter.id == "debt_remission_request").guide.answer
    assert "envoyez aussi le recours" not in remission and "inutile de le renvoyer" in remission


def test_an_appeal_already_sent_in_english():
    case, analysis, letters = _built("x02_rsa_overpayment_appeal_filed")
    for letter, guide in zip(letters, sending_guides(case, analysis, letters, "en")):
        assert "make your appeal at the same time" not in guide.answer
        assert "send the appeal too" not in guide.answer
        assert "must still be made within its time limit" not in guide.answer
        if letter.id in ("mediator_referral", "defenseur_referral", "debt_remission_request"):
            assert "Your appeal was sent on 2 November 2026: no need to send it again." in guide.answer
            assert "until 2 March 2027 at the latest" in guide.answer


def test_without_an_appeal_sent_the_guides_still_say_to_make_it():
    _, _, letters = _built("x02_rsa_overpayment_appeal_filed", appeal_filed_on=None)
    answers = {letter.id: letter.guide.answer for letter in letters}
    assert "appeal" in answers
    assert "envoyez aussi le recours dans son délai" in answers["debt_remission_request"]
    assert not any("inutile de le renvoyer" in a for a in answers.values())


def test_are_refusal_guide_gives_one_date_per_rule():
    """C. trav. L5422-4: the action in payment is prescribed two years after the decision's
    notification — the court's last day. The recours itself has no time limit of its own: its
    suggested date leaves France Travail its answer time (CRPA L231-4) before that day."""
    _, analysis, letters = _built("x07_are_refused")
    appeal = next(d for d in analysis.deadlines if d.id == "appeal")
    court = next(d for d in analysis.deadlines if d.id == "court_limit")
    assert (appeal.date.isoformat(), court.date.isoformat()) == ("2028-08-04", "2028-10-06")
    assert appeal.key == "deadline.appeal_before_court"
    assert appeal.legal_basis[:2] == ["crpa-L231-4", "ct-L5422-4"]
    assert "aucun texte" in appeal.label and court.legal_basis[0] == "ct-L5422-4"
    answer = next(letter for letter in letters if letter.id == "appeal").guide.answer
    assert "délai de deux ans : article L. 5422-4" not in answer
    assert ("envoyez-la au plus tard le 4 août 2028, pour laisser à l'organisme deux mois pour répondre "
            "(article L. 231-4 du code des relations entre le public et l'administration)") in answer
    assert "(article L. 5422-4 du code du travail). Si vous voulez contester devant le tribunal, " \
           "saisissez-le au plus tard le 6 octobre 2028" in answer

"""Each letter reaches the right address (issue 20, point 1), and the guides' web addresses
are real links (point 2, the browser half is in tests/browser/test_letters_page.py).

An RSA decided by the CAF goes to two bodies: the CAF (explanation, documents) and the
président of the département (appeal). Each address is asked under its recipient's name on
the letters screen and printed under that name only; an unknown one leaves blank lines."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json

from streamlit.testing.v1 import AppTest

from assistant.law import interview as iv
from assistant.law.analysis import analyse
from assistant.law.model import FIELD_LABELS, RECIPIENT_ADDRESS_FIELDS, parse_case
from assistant.letters import build_letters, guides
from assistant.letters.build import load_catalogue
from tests.conftest import SCENARIOS_DIR
from tests.test_app import new_app

CAF = "4 boulevard du Pontiffroy\n57000 Metz"
DEPARTEMENT = "1 rue du Pont-Moreau\n57000 Metz"
RSA_BY_THE_CAF = json.loads((SCENARIOS_DIR / "p01_rsa_suspended_without_reasons.json").read_text(encoding="utf-8"))["case"]


def _case(**addresses: str) -> dict:
    data = copy.deepcopy(RSA_BY_THE_CAF)
    for path, value in addresses.items():
        group, name = path.split("__")
        data.setdefault(group, {})[name] = value
    return data


def _letters(data: dict) -> dict:
    case = parse_case(data)
    return {letter.id: letter for letter in build_letters(case, analyse(case))}


def _block(letter) -> str:
    return "\n".join(letter.recipient)


def test_each_recipient_gets_its_own_address_and_never_another_s() -> None:
    only_caf = _letters(_case(organism__address=CAF))
    assert CAF in _block(only_caf["explanation_request"])
    appeal = only_caf["appeal"]
    assert appeal.recipient[0].startswith("Président") and "Pontiffroy" not in _block(appeal)
    assert appeal.recipient[-3:] == ["", "", ""]          # to fill in by hand, and the guide says where
    assert any("ne figure pas sur le courrier de la CAF" in item for item in appeal.guide.to_complete)

    both = _letters(_case(organism__address=CAF, recipient_addresses__departement=DEPARTEMENT))
    assert _block(both["appeal"]).endswith(DEPARTEMENT) and "Pontiffroy" not in _block(both["appeal"])
    assert not any("adresse du destinataire" in item for item in both["appeal"].guide.to_complete)
    for letter_id in ("explanation_request", "document_access"):
        assert CAF in _block(both[letter_id]) and "Pont-Moreau" not in _block(both[letter_id])


def test_the_letters_ask_one_address_per_recipient_named() -> None:
    case = parse_case(_case())
    analysis = analyse(case)
    letters = build_letters(case, analysis)
    requests = {r.path: r for r in guides.address_requests(case, analysis, letters)}
    assert set(requests) == {"organism.address", "recipient_addresses.departement"}
    assert requests["organism.address"].names[0] == "CAF du Rhône"
    assert requests["organism.address"].letters == ("explanation_request", "document_access")
    departement = requests["recipient_addresses.departement"]
    appeal = next(x for x in letters if x.id == "appeal")
    assert departement.letters == ("appeal",) and departement.names == (appeal.recipient[0],)
    # Where to find it: the guide's own sentence, in the person's language.
    assert departement.where in " ".join(appeal.guide.to_complete)
    english = {r.path: r for r in guides.address_requests(case, analysis, letters, "en")}
    assert english["recipient_addresses.departement"].where.startswith("careful, the address of the conseil")


def test_every_address_field_is_a_case_field_with_a_label_and_a_batch_column() -> None:
    from openpyxl import load_workbook

    from assistant.associations import batch

    fields = set(load_catalogue().data["address_fields"].values())
    assert fields == set(RECIPIENT_ADDRESS_FIELDS)
    sheet = load_workbook(io.BytesIO(batch.template_xlsx())).active
    headers = {cell.value for cell in sheet[1]}
    for path in RECIPIENT_ADDRESS_FIELDS:
        assert FIELD_LABELS[path] in headers, path
    row = {"claimant.first_name": "Karim", "claimant.last_name": "Haddad", "claimant.address": "8 rue Saint-Maurice",
           "claimant.postal_code": "69008", "claimant.city": "Lyon", "organism.kind": "caf", "benefit": "rsa",
           "situation": "suspension", "decision.date": "02/11/2026", "decision.received_on": "05/11/2026",
           "today": "2026-11-23", "recipient_addresses.departement": "20 rue du Lac\r\n69003 Lyon"}
    case = batch.row_case(row)
    assert case.recipient_addresses.departement == "20 rue du Lac\n69003 Lyon"
    assert case.organism.address is None


def test_the_interview_no_longer_asks_one_address_for_every_body() -> None:
    assert "organism.address" not in iv.QUESTIONS
    answers = iv.answers_from_case(_case(organism__address=CAF, recipient_addresses__departement=DEPARTEMENT))
    built = iv.case_dict(answers)
    assert built["organism"]["address"] == CAF and built["recipient_addresses"]["departement"] == DEPARTEMENT


def test_letters_screen_asks_each_address_under_its_recipient_s_name() -> None:
    at = new_app(dt.date.fromisoformat(RSA_BY_THE_CAF["today"]))
    at.session_state["answers"] = iv.answers_from_case(RSA_BY_THE_CAF)
    at.switch_page("pages/letters.py").run()
    assert not at.exception, at.exception
    own, departement = at.text_area(key="addr.organism.address"), at.text_area(key="addr.recipient_addresses.departement")
    assert "CAF du Rhône" in own.label.replace("\\", "")
    assert "Président" in departement.label and "CAF" not in departement.label
    captions = "\n".join(c.value.replace("\\", "") for c in at.caption)
    assert "Pour : 1. Recours" in captions and "ne figure pas sur le courrier de la CAF" in captions
    # Where to find it: a real link to the directory of the data, not escaped text.
    assert "](<https://lannuaire.service-public.fr/>)" in "\n".join(c.value for c in at.caption)
    # The guides' directory address is a real link too (the addresses are not known yet).
    guide = [m.value for m in at.markdown if "lannuaire" in m.value]
    assert guide and all("](<https://lannuaire.service-public.fr/>)" in m for m in guide), guide
    own.input(CAF)
    departement.input(DEPARTEMENT)
    at.button(key="addr.submit").click().run()
    assert not at.exception, at.exception
    answers = at.session_state["answers"]
    assert answers["organism.address"] == CAF and answers["recipient_addresses.departement"] == DEPARTEMENT
    made = {letter.id: letter for letter in at.session_state["letters_bundle"].letters}
    assert _block(made["appeal"]).endswith(DEPARTEMENT) and "Pontiffroy" not in _block(made["appeal"])
    assert CAF in _block(made["explanation_request"]) and "Pont-Moreau" not in _block(made["explanation_request"])


def test_only_the_data_s_web_addresses_become_links() -> None:
    from assistant.pages.common import WORD_JOINER, linked_markdown

    official = "https://lannuaire.service-public.fr/"
    assert official in guides.official_links()
    shown = linked_markdown(f"voir {official}, ou https://evil.example/ [a](javascript:x)", guides.official_links())
    assert shown.startswith(f"voir [https\\:\\/\\/lannuaire\\.service\\-public\\.fr\\/](<{official}>)\\, ou https\\:{WORD_JOINER}")
    assert "\\[a\\]\\(javascript\\:x\\)" in shown and shown.count("](<") == 1


def test_a_pasted_address_too_long_is_cut_and_said() -> None:
    at = new_app(dt.date.fromisoformat(RSA_BY_THE_CAF["today"]))
    at.session_state["answers"] = iv.answers_from_case(RSA_BY_THE_CAF)
    at.switch_page("pages/letters.py").run()
    at.text_area(key="addr.recipient_addresses.departement").input("1 rue du Lac\n" + "x" * 600)
    at.button(key="addr.submit").click().run()
    assert not at.exception, at.exception
    assert len(at.session_state["answers"]["recipient_addresses.departement"]) == 500
    assert any("Votre texte faisait 613 caractères : seuls les 500 premiers sont gardés" in w.value for w in at.warning)

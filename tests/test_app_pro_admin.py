"""The organisation's pages in-process (streamlit.testing AppTest): « Textes de loi » (every
reference, the stale ones first under a pinned date, a corrected entry and what it
touches, the organisation's saved letters only), « Modèle de courrier » (a template
missing a field refused in French and never stored, a good one adopted by an admin only
and used for that organisation's letters, not another's), and « Plusieurs dossiers » when
the organisation requires review (drafts in review, no unapproved letter handed out) or
not (as before)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
import yaml
from docx import Document

from assistant.casefiles.accounts import Accounts, Role
from assistant.law.analysis import analyse
from assistant.associations.batch import approved_zip
from assistant.law.legal_refs import load_refs
from assistant.letters import build_letters
from assistant.law.model import parse_case
from assistant.pages.workspace import PREPARED
from tests.conftest import VALID_SCENARIOS
from tests.test_app_case_files import (  # noqa: F401  (store: fixture)
    PASSWORD, RAW, TODAY, app, member, save_case, shown, sign_in, store,
)
from tests.test_app import widget
from tests.test_batch import as_cell, flatten
from tests.test_org_templates import _drop_paragraphs_loop, _edited

REFS = load_refs()
LETTERHEAD = "Association Droits & Co — 3 rue <Haute>, Nantes"


def _store_letters(store, user, case_id: str, status: str = "draft") -> list:
    case = store.get(case_id, actor=user).case
    return [store.add_letter(case_id, letter.model_dump(mode="json"), status=status, actor=user)
            for letter in build_letters(case, analyse(case))]


# --- « Textes de loi » ------------------------------------------------------------------------


def test_the_refs_page_lists_every_reference_and_puts_the_stale_one_first(store, monkeypatch) -> None:
    old = REFS["crpa-L211-5"].model_copy(update={"verified_on": TODAY - dt.timedelta(days=400)})
    monkeypatch.setattr("assistant.law.legal_refs.load_refs", lambda *a, **k: {**REFS, "crpa-L211-5": old})
    at = app(member(store), page="pages/legal_refs_health.py")
    assert [t.value for t in at.title] == ["Textes de loi"]
    assert [m.value for m in at.metric] == [str(len(REFS)), "1"]
    # The date is the app's pinned reference date, not the computer's.
    assert "1 texte(s) vérifié(s) il y a plus de 365 jours, au 23 novembre 2026" in at.warning[0].value
    table = next(m.value for m in at.markdown if "<table" in m.value)
    rows = table.split("<tr>")[2:]
    assert len(rows) == len(REFS)
    assert "crpa-L211-5" in rows[0] and "À revérifier" in rows[0] and "<td>400</td>" in rows[0]
    assert all("À jour" in row for row in rows[1:])
    assert 'href="https://www.legifrance.gouv.fr/' in rows[0]
    # The detail of one reference: where it is used.
    at.selectbox(key="pro.refs.detail").set_value("crpa-L211-2").run()
    page = shown(at)
    assert "Paragraphes de courriers" in page and "Recours contre la décision : paragraphe « reasons »" in page
    assert "Phrases et règles de l'analyse" in page and "fact.reasons.category" in page
    # A longer maximum age: nothing to verify again.
    at.number_input(key="pro.refs.max_age").set_value(500).run()
    assert [m.value for m in at.metric] == [str(len(REFS)), "0"]
    assert not any("à revérifier en premier" in w.value for w in at.warning)
    assert "Tous les textes ont été vérifiés il y a 500 jours ou moins" in at.success[0].value


def _correction(**changes) -> bytes:
    entry = REFS["crpa-L211-5"].model_dump(mode="json", exclude_none=True)
    entry.update(changes)
    return yaml.safe_dump([entry], allow_unicode=True, sort_keys=False).encode("utf-8")


def test_a_corrected_entry_shows_its_fields_paragraphs_and_only_this_organisations_letters(store) -> None:
    mine = member(store)
    theirs = member(store)
    my_case = save_case(store, mine)
    their_case = save_case(store, theirs)
    _store_letters(store, mine, my_case)
    _store_letters(store, theirs, their_case)
    at = app(mine, page="pages/legal_refs_health.py")

    def saved() -> tuple:
        """Both organisations' cases and letters (the store is shared with the other xdist
        worker, whose tests save cases of their own meanwhile)."""
        cases = store.list(actor=mine) + store.list(actor=theirs)
        return cases, [store.letters(c.id) for c in cases]

    before = saved()
    at.file_uploader(key="pro.refs.upload").set_value(
        ("correction.yaml", _correction(summary="La motivation est écrite & complète."), "application/x-yaml")).run()
    assert not at.exception, at.exception
    page = shown(at)
    assert "1 entrée(s) différente(s), 0 identique(s)" in page.replace("*", "")
    assert "crpa-L211-5 — modifiée" in [s.value.replace("\\", "") for s in at.subheader]
    [fields] = [t for t in at.table]
    assert list(fields.value[fields.value.columns[0]]) == ["summary"]
    assert "La motivation est écrite \\& complète\\." in fields.value.to_string()   # escaped: shown as text, never Markdown
    # The catalogue paragraphs it touches.
    assert "Recours contre la décision : paragraphe « reasons »" in page and "Demande d'explication : paragraphe « reasons »" in page
    # This organisation's saved letters citing it; never another organisation's.
    assert "Karim H. : Recours contre la décision n° 1 (Brouillon)" in page
    assert "Karim H. : Demande d'explication n° 1 (Brouillon)" in page
    assert widget(at, "button", f"pro.refs.open.crpa-L211-5.{my_case}") is not None
    assert widget(at, "button", f"pro.refs.open.crpa-L211-5.{their_case}") is None
    assert "(2)" in page
    # Nothing was written.
    assert saved() == before


def test_an_invalid_correction_gets_a_french_message_naming_the_file_and_field(store) -> None:
    at = app(member(store), page="pages/legal_refs_health.py")
    at.file_uploader(key="pro.refs.upload").set_value(
        ("correction.yaml", _correction(verified_on="hier"), "application/x-yaml")).run()
    assert not at.exception, at.exception
    message = at.error[0].value.replace("\\", "")
    assert message.startswith("Ce fichier ne peut pas être utilisé :")
    assert "correction.yaml, entrée 1 (crpa-L211-5), champ « verified_on » : date invalide" in message
    at.file_uploader(key="pro.refs.upload").set_value(("casse.yaml", b"- id: [oups", "application/x-yaml")).run()
    assert not at.exception and "casse.yaml : le fichier n'est pas un YAML valide" in at.error[0].value.replace("\\", "")


# --- « Modèle de courrier » ----------------------------------------------------------------------


def _letterhead(doc) -> None:
    doc.sections[0].header.paragraphs[0].text = LETTERHEAD


def _header_text(docx: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(docx)).sections[0].header.paragraphs)


def admin_of(store, user):
    return member(store, Role.admin, user.organisation_id)


def test_a_template_missing_the_body_is_refused_naming_it_and_never_stored(store) -> None:
    admin = member(store, Role.admin)
    at = app(admin, page="pages/org_template.py")
    assert "utilise le modèle standard de l'outil" in shown(at)
    at.file_uploader(key="pro.template.upload#0").set_value(
        ("modele.docx", _edited(_drop_paragraphs_loop), "application/octet-stream")).run()
    assert not at.exception, at.exception
    [error] = [e.value.replace("\\", "") for e in at.error]
    assert error.startswith("Ce modèle est refusé : il n'est pas enregistré.")
    assert "Le modèle ne contient pas le champ {{ paragraphs }} (le corps du courrier)." in error
    assert widget(at, "button", "pro.template.adopt") is None
    assert Accounts(store).template(admin.organisation_id) is None


def test_a_mediator_sees_the_template_used_but_cannot_change_it(store) -> None:
    mediator = member(store)
    at = app(mediator, page="pages/org_template.py")
    assert not at.file_uploader and widget(at, "button", "pro.template.adopt") is None
    assert widget(at, "checkbox", "pro.template.review") is None
    assert "Seul l'administrateur de votre organisation peut changer le modèle de courrier." in shown(at)
    assert "n'ont pas besoin d'être approuvés avant l'envoi" in shown(at)
    assert widget(at, "download_button", "pro.template.current") is not None


def test_an_adopted_template_is_used_for_this_organisations_letters_only(store) -> None:
    mediator = member(store)
    admin = admin_of(store, mediator)
    other = member(store)
    good = _edited(_letterhead)
    at = app(admin, page="pages/org_template.py")
    at.file_uploader(key="pro.template.upload#0").set_value(("modele.docx", good, "application/octet-stream")).run()
    assert not at.exception and not at.error
    assert at.success[0].value == "Le modèle est accepté : il contient tous les champs du modèle standard."
    assert f"Texte ajouté dans l'en-tête : « {LETTERHEAD} »." in shown(at)
    assert widget(at, "download_button", "pro.template.sample") is not None
    at.button(key="pro.template.adopt").click().run()
    assert not at.exception, at.exception
    assert Accounts(store).template(admin.organisation_id) == good
    assert "utilise son propre modèle" in shown(at) and "adopté le" in shown(at)
    assert at.success[0].value.startswith("Modèle adopté")
    assert not at.file_uploader(key="pro.template.upload#1").value  # the field is empty again

    def prepared_header(user) -> str:
        case_id = save_case(store, user, history__explanation_requested_on=None)
        page = app(user, page="pages/case_file.py", case_id=case_id)
        page.button(key="pro.prepare.first.appeal").click().run()
        assert not page.exception, page.exception
        _letter, docx = page.session_state[PREPARED]["first.appeal"]
        return _header_text(docx)

    assert LETTERHEAD in prepared_header(mediator)
    assert LETTERHEAD not in prepared_header(other)
    # Back to the standard template.
    at.button(key="pro.template.clear").click().run()
    assert Accounts(store).template(admin.organisation_id) is None
    assert "utilise le modèle standard de l'outil" in shown(at)


def test_a_stored_template_the_allow_list_refuses_is_not_used_and_the_page_says_so(store) -> None:
    """A template adopted before the allow-list existed (stored without today's check) runs
    nothing: the letter is made with the standard template and the mediator is told why."""
    mediator = member(store)
    admin = admin_of(store, mediator)

    def payload(doc) -> None:
        doc.add_paragraph("{{ cycler.__init__.__globals__.os.popen('id').read() }}")

    Accounts(store).set_template(_edited(payload), by=admin)   # the library trusts its caller
    case_id = save_case(store, mediator, history__explanation_requested_on=None)
    page = app(mediator, page="pages/case_file.py", case_id=case_id)
    page.button(key="pro.prepare.first.appeal").click().run()
    assert not page.exception, page.exception
    assert any("n'est plus accepté" in w.value and "cycler" in w.value for w in page.warning)
    _letter, docx = page.session_state[PREPARED]["first.appeal"]
    text = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
    assert "uid=" not in text and "cycler" not in text and "Madame, Monsieur" in text


def test_an_admin_sets_review_required(store) -> None:
    admin = member(store, Role.admin)
    at = app(admin, page="pages/org_template.py")
    at.checkbox(key="pro.template.review").check().run()
    assert not at.exception and Accounts(store).requires_review(admin.organisation_id)
    assert at.success[0].value == "Désormais, seuls les courriers approuvés par un juriste sortent."
    lawyer = member(store, Role.lawyer, admin.organisation_id)
    assert "doivent être approuvés par un juriste avant l'envoi" in shown(app(lawyer, page="pages/org_template.py"))


def test_the_renderer_uses_the_given_template_with_the_same_context() -> None:
    from assistant.letters import render_docx, render_docx_many

    case = parse_case(RAW)
    letters = build_letters(case, analyse(case))
    good = _edited(_letterhead)
    mine = render_docx(letters[0], template=good)
    assert LETTERHEAD in _header_text(mine) and LETTERHEAD not in _header_text(render_docx(letters[0]))
    body = "\n".join(p.text for p in Document(io.BytesIO(mine)).paragraphs)
    assert letters[0].paragraphs[0].text in body
    assert [_header_text(d) for d in render_docx_many(letters, workers=2, template=good)] == [_header_text(mine)] * len(letters)


# --- « Plusieurs dossiers » ------------------------------------------------------------------------


def _spreadsheet() -> bytes:
    rows = [flatten(s["case"]) for _, s in VALID_SCENARIOS[:2]]
    columns = sorted({c for r in rows for c in r})
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, delimiter=";")
    writer.writeheader()
    for r in rows:
        writer.writerow({c: as_cell(c, r.get(c)) for c in columns})
    return buffer.getvalue().encode("utf-8")


def _batch(user=None):
    at = app(user, page="pages/batch.py")
    at.file_uploader(key="batch.upload").set_value(("dossiers.csv", _spreadsheet(), "text/csv")).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("who", ["anonymous", "no_review"])
def test_batch_without_review_hands_out_the_letters_as_before(store, who) -> None:
    user = member(store) if who == "no_review" else None
    at = _batch(user)
    assert widget(at, "checkbox", "batch.consent") is None and widget(at, "button", "batch.review.run") is None
    at.button(key="batch.run").click().run()
    assert not at.exception, at.exception
    with zipfile.ZipFile(io.BytesIO(at.session_state["batch.zip"])) as archive:
        names = archive.namelist()
    assert {n.split("/")[0] for n in names if "/" in n} == {"0002", "0003"} and "rapport.csv" in names
    assert any(n.endswith("/recours.docx") for n in names) and not any(n.endswith("/appeal.docx") for n in names)
    assert widget(at, "download_button", "batch.zip.download") is not None
    if user is not None:
        assert store.list(actor=user) == []  # nothing saved
    else:
        assert "'pro." not in str(at.session_state)


def test_batch_with_review_required_saves_drafts_in_review_and_hands_out_no_unapproved_letter(store) -> None:
    volunteer = member(store, Role.volunteer)
    accounts = Accounts(store)
    accounts.set_requires_review(True, by=admin_of(store, volunteer))
    at = _batch(volunteer)
    assert widget(at, "button", "batch.run") is None and widget(at, "download_button", "batch.zip.download") is None
    assert "demande qu'un juriste approuve chaque courrier avant l'envoi" in shown(at)
    # Without the people's consent nothing is saved.
    at.button(key="batch.review.run").click().run()
    assert "Cochez d'abord l'accord des personnes" in at.error[0].value and store.list(actor=volunteer) == []
    at.checkbox(key="batch.consent").check().run()
    at.button(key="batch.review.run").click().run()
    assert not at.exception, at.exception
    saved = store.list(actor=volunteer)
    assert len(saved) == 2
    letters = [letter for case in saved for letter in store.letters(case.id, actor=volunteer)]
    assert letters and {letter.status for letter in letters} == {"in_review"}
    assert all(c.how == "signed" and c.scope == ["keep_file"]
               for case in saved for c in store.consents(case.id, actor=volunteer))
    page = shown(at)
    assert f"{len(letters)} courriers en attente de relecture" in page
    assert "Aucun courrier n'est encore approuvé" in page
    assert widget(at, "download_button", "batch.review.zip") is None and "batch.zip" not in at.session_state
    # The same file again: nothing saved twice.
    at.run()
    assert widget(at, "button", "batch.review.run") is None and len(store.list(actor=volunteer)) == 2

    # A lawyer approves one letter: the archive holds it and only it.
    lawyer = member(store, Role.lawyer, volunteer.organisation_id)
    approved = letters[0]
    store.review_letter(approved.id, approve=True, actor=lawyer)
    at.button(key="batch.review.refresh").click().run()
    assert widget(at, "download_button", "batch.review.zip").label == "Télécharger les 1 courrier(s) approuvé(s) (ZIP)"
    assert f"{len(letters) - 1} courriers en attente de relecture" in shown(at)
    rows = [(row, case_id) for row, case_id, _n in at.session_state["batch.review"][1]]
    data, count = approved_zip(store, rows, volunteer)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
    from assistant.letters.file_names import FILE_WORDS

    assert count == 1 and len(names) == 1 and names[0].endswith(f"/{FILE_WORDS[approved.letter_id]}.docx")


def test_batch_with_review_required_and_a_lawyer_saves_nothing(store) -> None:
    lawyer = member(store, Role.lawyer)
    Accounts(store).set_requires_review(True, by=admin_of(store, lawyer))
    at = _batch(lawyer)
    assert "Votre rôle ne permet pas d'enregistrer des dossiers." in shown(at)
    assert widget(at, "button", "batch.review.run") is None and widget(at, "button", "batch.run") is None


# --- « Espace professionnel »: the organisation's accounts (issue 16) --------------------------------


def test_an_admin_changes_a_role_disables_reenables_and_removes_an_account_of_their_organisation(store) -> None:
    admin = member(store, Role.admin)
    mediator = member(store, Role.mediator, admin.organisation_id)
    stranger = member(store)
    at = app(admin, page="pages/account.py")
    page = shown(at)
    assert "Comptes de l'organisation" in [h.value for h in at.header]
    assert mediator.email in page and admin.email in page and stranger.email not in page
    assert widget(at, "button", f"pro.users.disable.{admin.id}#0") is None      # never their own account here
    at.selectbox(key=f"pro.users.role.{mediator.id}#0").set_value(Role.volunteer).run()
    at.button(key=f"pro.users.set_role.{mediator.id}#0").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value.replace("\\", "") == "Nouveau rôle de Camille mediator : Bénévole d'association."
    assert Accounts(store).refresh(mediator).role is Role.volunteer
    at.button(key=f"pro.users.disable.{mediator.id}#1").click().run()
    assert at.success[0].value.startswith("Le compte de Camille mediator est désactivé")
    assert "Bénévole d'association · Désactivé le" in shown(at) and Accounts(store).refresh(mediator) is None
    at.button(key=f"pro.users.enable.{mediator.id}#2").click().run()
    assert Accounts(store).refresh(mediator) is not None
    at.button(key=f"pro.users.remove.{mediator.id}#3").click().run()            # not confirmed: nothing removed
    assert at.error[0].value == "Cochez d'abord la case de confirmation." and mediator.email in shown(at)
    at.checkbox(key=f"pro.users.remove.confirm.{mediator.id}#3").check().run()
    at.button(key=f"pro.users.remove.{mediator.id}#3").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value.startswith("Le compte de Camille mediator est supprimé")
    assert mediator.email not in shown(at) and [m.id for m in Accounts(store).users(by=admin)] == [admin.id]
    # Someone who is not an admin sees no accounts.
    lawyer = member(store, Role.lawyer, admin.organisation_id)
    assert "Comptes de l'organisation" not in [h.value for h in app(lawyer, page="pages/account.py").header]


def test_an_open_session_follows_its_account_a_new_role_at_once_and_a_disabled_one_signed_out(store) -> None:
    admin = member(store, Role.admin)
    mediator = member(store, Role.mediator, admin.organisation_id)
    case_id = save_case(store, mediator)
    at = app(mediator, page="pages/dashboard.py")
    assert widget(at, "button", f"pro.open.{case_id}") is not None
    Accounts(store).set_role(mediator.id, Role.lawyer, by=admin)
    at.switch_page("pages/account.py").run()
    assert "**Rôle :** Avocat ou juriste" in "\n".join(m.value for m in at.markdown)
    assert at.session_state["pro.user"].role is Role.lawyer
    Accounts(store).disable(mediator.id, by=admin)
    at.switch_page("pages/dashboard.py").run()                                   # the next click
    assert not at.exception, at.exception
    assert "Votre compte a été désactivé ou supprimé par l'administrateur de votre organisation." in shown(at)
    assert "pro.user" not in at.session_state and widget(at, "button", f"pro.open.{case_id}") is None



def test_a_fresh_session_is_refused_after_five_failures_and_an_unknown_address_alike(store, monkeypatch) -> None:
    """The failures are counted by the store for the address and the source, not by the
    browser session: a new session (a new AppTest) is refused too, right password or not."""
    import uuid

    from assistant.pages import workspace

    monkeypatch.setattr(workspace, "client_source", lambda: f"198.51.100.{uuid.uuid4().hex}")   # a source per attempt
    user = member(store)
    unknown = f"personne-{uuid.uuid4().hex[:8]}@exemple.fr"
    for email in (user.email, unknown):
        at = app(page="pages/account.py")
        for _attempt in range(4):
            sign_in(at, email, "pas-le-bon-mot-de-passe")
            assert [e.value for e in at.error] == ["Adresse e-mail ou mot de passe incorrect."]
        sign_in(at, email, "pas-le-bon-mot-de-passe")
        assert [e.value for e in at.error] == ["Trop d'essais : attendez 15 minutes avant de réessayer."]
        fresh = app(page="pages/account.py")
        sign_in(fresh, email, PASSWORD)
        assert [e.value for e in fresh.error] == ["Trop d'essais : attendez 15 minutes avant de réessayer."]
        assert "pro.user" not in fresh.session_state


def test_the_source_is_the_address_the_proxy_saw(monkeypatch) -> None:
    from types import SimpleNamespace

    from assistant.pages import workspace

    def source(peer, forwarded=None):
        headers = {"X-Forwarded-For": forwarded} if forwarded else {}
        monkeypatch.setattr(workspace, "st", SimpleNamespace(context=SimpleNamespace(ip_address=peer, headers=headers)))
        return workspace.client_source()

    assert source("172.18.0.5", "6.6.6.6, 203.0.113.7") == "203.0.113.7"   # nginx appended the last one
    assert source("127.0.0.1", "203.0.113.7") == "203.0.113.7"
    assert source("93.184.216.34", "203.0.113.7") == "93.184.216.34"       # no proxy: the header is the client's word
    assert source("93.184.216.34") == "93.184.216.34"
    assert source(None) == "local"

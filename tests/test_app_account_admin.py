"""« Espace professionnel » in-process (streamlit.testing AppTest): an admin lists the
organisation's accounts with their state and last sign-in, invites a person (the one-time
link shown once), makes a new password link for an account (after a confirmation box);
whoever opens a link chooses a password (the token leaves the address at once) and signs
in; every user changes their own password; a volunteer sees no invite form.

Organisations and users are made in-process in the tests' own database (tests/conftest.py)."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

from assistant.casefiles.accounts import LINK_PARAM, Accounts, Role
from tests.test_app import widget
from tests.test_app_case_files import PASSWORD, app, member, shown, sign_in, store  # noqa: F401  (store: fixture)

CHOSEN = "une phrase que je retiens bien"
LINK = "pro.link"          # pages/account.py's session key (a page script: not imported)


def _errors(at) -> list[str]:
    return [e.value for e in at.error]


def _press(at, label: str) -> None:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception


def _shown_link(at) -> str:
    """The token of the link shown once on the admin's page."""
    [code] = [c.value for c in at.code]
    address = urlsplit(code)
    assert address.path.endswith("espace-pro")
    [token] = parse_qs(address.query)[LINK_PARAM]
    return token


def _open_link(token: str):
    """A new browser session opening the link: the app's first page, then the account page."""
    at = app()
    at.query_params[LINK_PARAM] = token
    at.switch_page("pages/account.py").run()
    assert not at.exception, at.exception
    return at


def _choose(at, password: str, confirm: str | None = None) -> None:
    at.text_input(key="pro.link.password").input(password)
    at.text_input(key="pro.link.confirm").input(password if confirm is None else confirm)
    _press(at, "Enregistrer mon mot de passe")


def test_an_admin_invites_and_the_invitee_chooses_a_password_then_signs_in(store) -> None:
    admin = member(store, Role.admin)
    colleague = member(store, Role.mediator, admin.organisation_id)
    Accounts(store).authenticate(colleague.email, PASSWORD)
    at = app(admin, page="pages/account.py")
    page = shown(at)
    assert f"{colleague.email}" in page and "Médiateur ou médiatrice (France Services, conseiller numérique) · Actif · Dernière connexion le" in page
    assert "Administrateur de l'organisation · Actif · Aucune connexion pour l'instant" in page
    email = f"invitee-{uuid.uuid4().hex[:8]}@exemple.fr"
    # A missing name, then a bad address: French messages naming the field, nothing made.
    at.text_input(key="pro.invite.email").input(email)
    _press(at, "Créer le lien d'invitation")
    assert _errors(at) == ["Nom : indiquez le nom de la personne."] and not at.code
    at.text_input(key="pro.invite.name").input("Inès <Invitée>")
    at.text_input(key="pro.invite.email").input("ines chez exemple.fr")
    _press(at, "Créer le lien d'invitation")
    assert _errors(at) == ["Adresse e-mail : elle s'écrit nom@domaine.fr, sans espace."]
    at.text_input(key="pro.invite.email").input(email)
    at.selectbox(key="pro.invite.role").set_value(Role.volunteer)
    _press(at, "Créer le lien d'invitation")
    assert not at.exception, at.exception
    assert at.success[0].value.replace("\\", "") == "Lien d'invitation pour Inès <Invitée>"
    token = _shown_link(at)
    page = shown(at)
    assert "Copiez ce lien et envoyez-le à Inès <Invitée>" in page
    assert "Bénévole d'association · Invitation en attente, lien valable jusqu'au" in page
    assert at.text_input(key="pro.invite.email").value == ""           # ready for the next person
    # Shown once: the next click no longer shows it.
    at.run()
    assert not at.code and token not in shown(at)

    # The invitee opens the link in another browser: the token leaves the address at once.
    guest = _open_link(token)
    assert LINK_PARAM not in guest.query_params and guest.session_state[LINK] == token
    assert "Choisir votre mot de passe" in [h.value for h in guest.header]
    assert "Compte de **Inès \\<Invitée\\>**" in "\n".join(m.value for m in guest.markdown)
    _choose(guest, CHOSEN, "une autre phrase pas pareille")
    assert _errors(guest) == ["Confirmation : les deux mots de passe ne sont pas identiques. Tapez-les à nouveau."]
    _choose(guest, "court")
    assert _errors(guest) == ["Nouveau mot de passe : 12 caractères au moins."]
    assert guest.text_input(key="pro.link.password").value == ""       # a password never stays in the session
    _choose(guest, CHOSEN)
    assert [s.value for s in guest.success] == [
        "Votre mot de passe est enregistré. Connectez-vous avec votre adresse e-mail et ce mot de passe."]
    assert LINK not in guest.session_state and guest.text_input(key="pro.email").value == email
    sign_in(guest, email, CHOSEN)
    assert guest.session_state["pro.user"].role is Role.volunteer
    assert guest.session_state["pro.user"].organisation_id == admin.organisation_id
    # The link served once: opened again, it says so and shows the sign-in form.
    again = _open_link(token)
    assert _errors(again) == ["Ce lien ne sert plus : il a déjà servi, il a expiré ou il a été remplacé. "
                              "Demandez un nouveau lien à l'administrateur de votre organisation."]
    assert "Choisir votre mot de passe" not in [h.value for h in again.header]
    assert widget(again, "text_input", "pro.email") is not None


def test_an_admin_resets_a_password_after_confirming_and_the_old_one_stops(store) -> None:
    admin = member(store, Role.admin)
    mediator = member(store, Role.mediator, admin.organisation_id)
    at = app(admin, page="pages/account.py")
    assert widget(at, "button", f"pro.users.reset.{admin.id}#0") is None          # never their own here
    at.button(key=f"pro.users.reset.{mediator.id}#0").click().run()
    assert _errors(at) == ["Cochez d'abord la case de confirmation."] and not at.code
    assert Accounts(store).authenticate(mediator.email, PASSWORD) == mediator
    at.checkbox(key=f"pro.users.reset.confirm.{mediator.id}#0").check().run()
    at.button(key=f"pro.users.reset.{mediator.id}#0").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "Un nouveau lien est prêt pour Camille mediator."
    assert at.success[1].value == "Lien de nouveau mot de passe pour Camille mediator"
    token = _shown_link(at)
    assert "Nouveau mot de passe à choisir, lien valable jusqu'au" in shown(at)
    assert Accounts(store).authenticate(mediator.email, PASSWORD) is None           # at once
    guest = _open_link(token)
    _choose(guest, CHOSEN)
    sign_in(guest, mediator.email, CHOSEN)
    assert guest.session_state["pro.user"].id == mediator.id


def test_a_stranger_link_and_an_admin_of_another_organisation(store) -> None:
    """A made-up token gets the same answer as a used one; another organisation's accounts
    are neither listed nor reachable."""
    guest = _open_link("pas-un-vrai-jeton")
    assert _errors(guest)[0].startswith("Ce lien ne sert plus")
    admin_a, admin_b = member(store, Role.admin), member(store, Role.admin)
    user_a = member(store, Role.mediator, admin_a.organisation_id)
    at = app(admin_b, page="pages/account.py")
    assert user_a.email not in shown(at) and widget(at, "button", f"pro.users.reset.{user_a.id}#0") is None


def test_every_user_changes_their_own_password_and_a_volunteer_cannot_invite(store) -> None:
    volunteer = member(store, Role.volunteer)
    at = app(volunteer, page="pages/account.py")
    assert widget(at, "text_input", "pro.invite.email") is None
    assert "Comptes de l'organisation" not in [h.value for h in at.header]

    def change(current: str, new: str, confirm: str | None = None) -> None:
        at.text_input(key="pro.own.current").input(current)
        at.text_input(key="pro.own.new").input(new)
        at.text_input(key="pro.own.confirm").input(new if confirm is None else confirm)
        _press(at, "Changer le mot de passe")

    change("pas le mot de passe actuel", CHOSEN)
    assert _errors(at) == ["Mot de passe actuel : ce n'est pas le bon."]
    change(PASSWORD, CHOSEN, "autre chose encore")
    assert _errors(at) == ["Confirmation : les deux mots de passe ne sont pas identiques. Tapez-les à nouveau."]
    change(PASSWORD, "court")
    assert _errors(at) == ["Nouveau mot de passe : 12 caractères au moins."]
    assert Accounts(store).authenticate(volunteer.email, PASSWORD) == volunteer
    elsewhere = app(volunteer, page="pages/dashboard.py")        # the same account, another computer
    change(PASSWORD, CHOSEN)
    assert [s.value for s in at.success] == [
        "Votre mot de passe est changé. Utilisez-le à la prochaine connexion. Vos autres sessions ouvertes sont fermées."]
    assert all(at.text_input(key=key).value == "" for key in ("pro.own.current", "pro.own.new", "pro.own.confirm"))
    assert Accounts(store).authenticate(volunteer.email, PASSWORD) is None
    assert Accounts(store).authenticate(volunteer.email, CHOSEN).id == volunteer.id
    # This session goes on; the one on the other computer ends at its next click.
    at.switch_page("pages/dashboard.py").run()
    assert not at.exception and at.session_state["pro.user"].id == volunteer.id
    elsewhere.switch_page("pages/account.py").run()
    assert not elsewhere.exception, elsewhere.exception
    assert "pro.user" not in elsewhere.session_state
    assert "Le mot de passe de votre compte a changé depuis votre connexion : reconnectez-vous." in [
        w.value for w in elsewhere.warning]

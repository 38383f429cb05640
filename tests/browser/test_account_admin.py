"""Accounts an admin runs, in Debian chromium (real `streamlit run`, Playwright): the admin
invites a person; the invitee opens the one-time link in another browser (the token leaves
the address at once), chooses a password and signs in; the admin makes a new password link:
the old password is refused, the new one works; the user changes their own password.
axe-core on the link's page and on the admin's page with the link shown.

The organisation and its admin are made in-process: the server shares the tests' database
(MESDROITS_DATA_DIR, tests/conftest.py)."""

from __future__ import annotations

import uuid

import pytest

from assistant.casefiles.accounts import LINK_PARAM, Accounts, Role
from assistant.casefiles.service import open_store
from tests.browser.test_browser import (  # noqa: F401  (browser: fixture)
    DESKTOP, browser, check_accessibility, new_page, run_server, settle, shoot, track,
)
from tests.browser.test_case_files import PASSWORD, dashboard_ready

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

FIRST, SECOND, THIRD = "ma première phrase secrète", "une deuxième phrase secrète", "et enfin la troisième"


@pytest.fixture(scope="module")
def app_log(tmp_path_factory):
    return tmp_path_factory.mktemp("log") / "app.jsonl"


@pytest.fixture(scope="module")
def server(app_log):
    """The app, writing its JSON log to a file this test reads."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MESDROITS_LOG", str(app_log))
        yield from run_server(log_name="streamlit-accounts.log")


def _sign_in(page, email: str, password: str, ok: bool = True) -> None:
    page.get_by_label("Adresse e-mail", exact=True).fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter").click()
    if ok:
        dashboard_ready(page)
    else:
        page.get_by_text("Adresse e-mail ou mot de passe incorrect.").wait_for()
        settle(page)


def _account_page(page) -> None:
    page.get_by_role("link", name="Espace professionnel").click()
    page.get_by_role("heading", name="Espace professionnel", level=1).wait_for()
    settle(page)


def _shown_link(page, heading: str) -> str:
    page.get_by_text(heading).wait_for()
    settle(page)
    return page.locator('[data-testid="stCode"] code').inner_text().strip()


def _choose_password(browser, server: str, link: str, password: str):
    """Another browser opens the link and chooses `password`; returns its page, on the sign-in form."""
    assert link.startswith(f"{server}/espace-pro?{LINK_PARAM}=")
    context = track(browser.new_context(viewport=DESKTOP, locale="fr-FR"))
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(link)
    page.get_by_role("heading", name="Choisir votre mot de passe").wait_for()
    settle(page)
    assert LINK_PARAM not in page.url and page.url.rstrip("/").endswith("/espace-pro")
    page.get_by_label("Nouveau mot de passe", exact=True).fill(password)
    page.get_by_label("Le même mot de passe, encore une fois", exact=True).fill(password)
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    page.get_by_text("Votre mot de passe est enregistré.").wait_for()
    settle(page)
    return page


def test_invite_reset_and_change_a_password(server, browser, app_log) -> None:
    store = open_store()
    accounts = Accounts(store)
    organisation_id = accounts.create_organisation(f"Association Essai {uuid.uuid4().hex[:6]}")
    admin_email = f"admin-{uuid.uuid4().hex[:8]}@exemple.fr"
    accounts.add_user(organisation_id, admin_email, "Dominique Admin", Role.admin, PASSWORD)
    email = f"ines-{uuid.uuid4().hex[:8]}@exemple.fr"

    admin = new_page(browser, server, DESKTOP, start=False)
    _account_page(admin)
    _sign_in(admin, admin_email, PASSWORD)
    _account_page(admin)
    admin.get_by_text("Inviter une personne").click()
    admin.get_by_label("Nom", exact=True).fill("Inès Invitée")
    admin.get_by_label("Adresse e-mail", exact=True).fill(email)
    admin.get_by_role("button", name="Créer le lien d'invitation").click()
    invitation = _shown_link(admin, "Lien d'invitation pour Inès Invitée")
    assert "Invitation en attente, lien valable jusqu'au" in admin.inner_text("body")
    shoot(admin, "30-lien-invitation")
    check_accessibility(admin, "lien-invitation")

    # The invitee, in another browser: the link, a password, then signing in.
    invitee = _choose_password(browser, server, invitation, FIRST)
    check_accessibility(invitee, "mot-de-passe-choisi")
    assert invitee.get_by_label("Adresse e-mail", exact=True).input_value() == email
    _sign_in(invitee, email, FIRST)
    invitee.context.close()
    # Opened again, the spent link says so.
    spent = browser.new_context(viewport=DESKTOP, locale="fr-FR").new_page()
    spent.goto(invitation)
    spent.get_by_text("Ce lien ne sert plus : il a déjà servi").wait_for(timeout=30_000)
    assert spent.get_by_role("heading", name="Choisir votre mot de passe").count() == 0
    spent.context.close()

    # The admin makes a new password link: the old password stops at once.
    _account_page(admin)
    assert "Médiateur ou médiatrice (France Services, conseiller numérique) · Actif · Dernière connexion le" in admin.inner_text("body")
    admin.get_by_text("Je confirme : le mot de passe actuel d'Inès Invitée ne marchera plus").click()
    settle(admin)
    admin.get_by_role("button", name="Nouveau lien de mot de passe").click()
    reset = _shown_link(admin, "Lien de nouveau mot de passe pour Inès Invitée")
    assert reset != invitation
    old = new_page(browser, server, DESKTOP, start=False)
    _account_page(old)
    _sign_in(old, email, FIRST, ok=False)
    old.context.close()
    user = _choose_password(browser, server, reset, SECOND)
    _sign_in(user, email, SECOND)

    # The user changes their own password with the current one.
    _account_page(user)
    user.get_by_text("Changer mon mot de passe").click()
    user.get_by_label("Mot de passe actuel", exact=True).fill(SECOND)
    user.get_by_label("Nouveau mot de passe", exact=True).fill(THIRD)
    user.get_by_label("Le même mot de passe, encore une fois", exact=True).fill(THIRD)
    user.get_by_role("button", name="Changer le mot de passe").click()
    user.get_by_text("Votre mot de passe est changé.").wait_for()
    settle(user)
    shoot(user, "31-mot-de-passe-change")
    user.get_by_role("button", name="Se déconnecter").click()
    user.get_by_role("button", name="Se connecter").wait_for()
    settle(user)
    _sign_in(user, email, SECOND, ok=False)
    _sign_in(user, email, THIRD)
    user.context.close()
    admin.context.close()
    # Neither a link's token nor a password reached the server's log (which has the pages).
    log = app_log.read_text(encoding="utf-8")
    assert '"page": "espace-pro"' in log
    for secret in (token_of(invitation), token_of(reset), FIRST, SECOND, THIRD, PASSWORD):
        assert secret not in log


def token_of(link: str) -> str:
    return link.split(f"{LINK_PARAM}=", 1)[1]

"""The real app behind deploy/nginx-tls.conf (TLS, HTTP/2, the Content-Security-Policy), in
Debian chromium: the whole interview, the rights and the letters pages, and a PDF letter
downloaded, with no CSP violation on the way; Streamlit's XSRF cookie reaches the browser
with Secure. A missing nginx or chromium is a failure (never a skip).

The same walk (one walk, two checks) types what must stay text (issue 16): a typed address,
a Markdown link to `javascript:`, bold or a heading never become a link or formatting on
the review and letters pages."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.browser.test_browser import (  # noqa: F401  (fixtures)
    DESKTOP, JOURNEY, OWN_WORDS, answer_interview, browser, download, letters_ready, rights_ready, screen_ready,
    server, start_ready, track,
)
from tests.test_deploy import Nginx

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

# Every CSP violation the page meets, as the browser reports it.
WATCH = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sample + ' ' + e.sourceFile + ':' + e.lineNumber));"""

TYPED = "voir https://evil.example/x ou www.evil.example, [clic](javascript:alert(1)) **gras** # titre"
NAME = "Benali [lien](https://evil.example/nom)"
WORD_JOINER = "\u2060"
TYPED_JOURNEY = [("text", OWN_WORDS, TYPED) if item[1] == OWN_WORDS else
                 ("text", "Nom", NAME) if item[1] == "Nom" else item for item in JOURNEY]


def no_link_made_of(page, what: str) -> None:
    links = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))")
    assert not [h for h in links if "evil" in h or h.lower().startswith("javascript")], (what, links)
    assert not page.locator("[data-testid='stMain'] strong", has_text="gras").count(), what
    assert not page.locator("[data-testid='stMain'] h1", has_text="titre").count(), what


@pytest.fixture(scope="module")
def through_nginx(server, browser, tmp_path_factory):
    """One person's page behind nginx-tls, on the review after the interview typed with
    TYPED_JOURNEY; the tests below go on from where the one before left it."""
    proxy = Nginx(int(server.rsplit(":", 1)[1]), tmp_path_factory.mktemp("nginx"), addresses=("127.0.0.1",))
    try:
        context = track(browser.new_context(viewport=DESKTOP, ignore_https_errors=True, locale="fr-FR",
                                            accept_downloads=True))
        context.set_default_timeout(30_000)
        page = context.new_page()
        page.add_init_script(WATCH)
        console: list[str] = []
        page.on("console", lambda message: console.append(message.text))
        page.on("dialog", lambda dialog: dialog.accept())
        answer = page.goto(f"https://localhost:{proxy.https_port}/")
        start_ready(page)
        page.get_by_role("button", name="Commencer →").click()
        page.get_by_text("Étape 1 sur").wait_for()
        screen_ready(page)
        answer_interview(page, TYPED_JOURNEY)
        yield SimpleNamespace(page=page, context=context, console=console, headers=answer.headers)
        context.close()
    finally:
        proxy.stop()


def to_letters(page) -> None:
    page.get_by_role("button", name="Voir mes droits →").click()
    rights_ready(page)
    page.get_by_role("button", name="Voir mes courriers →").first.click()
    letters_ready(page)


def test_typed_links_and_markdown_stay_text_on_the_review_and_letters_pages(through_nginx) -> None:
    page = through_nginx.page
    body = page.inner_text("body").replace(WORD_JOINER, "")
    assert TYPED in body and NAME in body  # shown exactly as typed
    no_link_made_of(page, "review")

    to_letters(page)
    for expander in page.get_by_text("Lire le courrier (en français)").all():
        expander.click()
    page.get_by_text("[lien]").first.wait_for()  # a letter's preview, with the name as typed
    no_link_made_of(page, "letters")


def test_the_app_works_through_nginx_under_its_content_security_policy(through_nginx) -> None:
    page, context, console = through_nginx.page, through_nginx.context, through_nginx.console
    assert "frame-ancestors 'self'" in through_nginx.headers["content-security-policy"]
    if not page.get_by_role("heading", name="Vos courriers", exact=True, level=1).count():
        to_letters(page)     # run alone: the walk stopped on the review
    name, pdf = download(page, "Télécharger (PDF, à imprimer)")
    assert name.endswith(".pdf") and pdf.startswith(b"%PDF")
    violations = page.evaluate("window.__csp")
    assert violations == [], violations
    assert not [m for m in console if "Content Security Policy" in m], console
    xsrf = [c for c in context.cookies() if c["name"] == "_streamlit_xsrf"]
    assert xsrf and all(c["secure"] for c in xsrf), xsrf

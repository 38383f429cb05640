"""The real app behind deploy/nginx-tls.conf (TLS, HTTP/2, the Content-Security-Policy), in
Debian chromium: the whole interview, the rights and the letters pages, and a PDF letter
downloaded, with no CSP violation on the way; Streamlit's XSRF cookie reaches the browser
with Secure. A missing nginx or chromium is a failure (never a skip)."""

from __future__ import annotations

import pytest

from tests.browser.test_browser import (  # noqa: F401  (fixtures)
    DESKTOP, answer_interview, browser, download, letters_ready, rights_ready, screen_ready, server, start_ready,
)
from tests.test_deploy import Nginx

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

# Every CSP violation the page meets, as the browser reports it.
WATCH = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sample + ' ' + e.sourceFile + ':' + e.lineNumber));"""


def test_the_app_works_through_nginx_under_its_content_security_policy(server, browser, tmp_path) -> None:
    proxy = Nginx(int(server.rsplit(":", 1)[1]), tmp_path, addresses=("127.0.0.1",))
    try:
        context = browser.new_context(viewport=DESKTOP, ignore_https_errors=True, locale="fr-FR",
                                      accept_downloads=True)
        context.set_default_timeout(30_000)
        page = context.new_page()
        page.add_init_script(WATCH)
        console = []
        page.on("console", lambda message: console.append(message.text))
        page.on("dialog", lambda dialog: dialog.accept())
        answer = page.goto(f"https://localhost:{proxy.https_port}/")
        assert "frame-ancestors 'self'" in answer.headers["content-security-policy"]
        start_ready(page)
        page.get_by_role("button", name="Commencer →").click()
        page.get_by_text("Étape 1 sur").wait_for()
        screen_ready(page)
        answer_interview(page)
        page.get_by_role("button", name="Voir mes droits →").click()
        rights_ready(page)
        page.get_by_role("button", name="Voir mes courriers →").first.click()
        letters_ready(page)
        name, pdf = download(page, "Télécharger (PDF, à imprimer)")
        assert name.endswith(".pdf") and pdf.startswith(b"%PDF")
        violations = page.evaluate("window.__csp")
        assert violations == [], violations
        assert not [m for m in console if "Content Security Policy" in m], console
        xsrf = [c for c in context.cookies() if c["name"] == "_streamlit_xsrf"]
        assert xsrf and all(c["secure"] for c in xsrf), xsrf
        context.close()
    finally:
        proxy.stop()

"""What a person types is shown as text in the real browser (issue 16): a typed address,
a Markdown link to `javascript:`, bold or a heading never become a link or formatting on
the review and letters pages."""

from __future__ import annotations

import pytest

from tests.browser.test_browser import (  # noqa: F401  (fixtures)
    DESKTOP, JOURNEY, OWN_WORDS, answer_interview, browser, letters_ready, new_page, rights_ready, server,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
TYPED = "voir https://evil.example/x ou www.evil.example, [clic](javascript:alert(1)) **gras** # titre"
NAME = "Benali [lien](https://evil.example/nom)"
WORD_JOINER = "\u2060"


def no_link_made_of(page, what: str) -> None:
    links = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))")
    assert not [h for h in links if "evil" in h or h.lower().startswith("javascript")], (what, links)
    assert not page.locator("[data-testid='stMain'] strong", has_text="gras").count(), what
    assert not page.locator("[data-testid='stMain'] h1", has_text="titre").count(), what


def test_typed_links_and_markdown_stay_text_on_the_review_and_letters_pages(server, browser) -> None:
    journey = [("text", OWN_WORDS, TYPED) if item[1] == OWN_WORDS else
               ("text", "Nom", NAME) if item[1] == "Nom" else item for item in JOURNEY]
    page = new_page(browser, server, DESKTOP)
    answer_interview(page, journey)
    body = page.inner_text("body").replace(WORD_JOINER, "")
    assert TYPED in body and NAME in body  # shown exactly as typed
    no_link_made_of(page, "review")

    page.get_by_role("button", name="Voir mes droits →").click()
    rights_ready(page)
    page.get_by_role("button", name="Voir mes courriers →").first.click()
    letters_ready(page)
    for expander in page.get_by_text("Lire le courrier (en français)").all():
        expander.click()
    page.get_by_text("[lien]").first.wait_for()  # a letter's preview, with the name as typed
    no_link_made_of(page, "letters")
    page.context.close()

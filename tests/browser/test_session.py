"""The start screen, and nothing lost: « Terminer et effacer » asks first and forgets the
memory and the tab's key too; axe-core on each new state. A reload in the middle of the
interview is checked on the phone path's own walk (test_browser.py), the answers file and its
resumption on the letters page's walk (test_letters_page.py): one walk serves several checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_browser import (  # noqa: F401  (fixtures)
    DESKTOP, JOURNEY, PHONE, answer_interview, browser, check_accessibility, forgotten_in_tab, new_page, review_ready,
    screen_ready, server, settle, start_ready, stored_key,
)
from assistant.pages import session_memory
from tests import one_language

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_start_screen_on_a_phone_language_privacy_and_mediator(server, browser) -> None:
    page = new_page(browser, server, PHONE, start=False)
    for name in ("Français", "English"):
        expect(page.get_by_role("button", name=name, exact=True)).to_be_in_viewport()
    expect(page.get_by_text("Vos données", exact=False).first).to_be_in_viewport()
    assert "chiffrées sur le serveur" in page.inner_text("body")
    assert "10 minutes" in page.inner_text("body") and "la décision de l'organisme" in page.inner_text("body")
    # The icon that opens the side menu is named, and a word shows next to it.
    opener = page.get_by_role("button", name="Ouvrir le menu : langue, mode médiateur, effacer")
    expect(opener).to_have_count(1)
    # Named once: the page does not keep renaming it (that ran at every frame, 60 times a second).
    renamed = page.evaluate("""() => new Promise((done) => {
        let count = 0;
        const watch = new MutationObserver((records) => { count += records.length; });
        watch.observe(document.body, {subtree: true, attributes: true, attributeFilter: ["aria-label", "role"]});
        setTimeout(() => { watch.disconnect(); done(count); }, 500);
    })""")
    assert renamed < 5, renamed
    headings = page.evaluate("() => [...document.querySelectorAll('h1,h2,h3,h4')].map(h => Number(h.tagName[1]))")
    assert headings[0] == 1 and all(b - a <= 1 for a, b in zip(headings, headings[1:])), headings
    check_accessibility(page, "accueil-telephone")

    page.get_by_role("button", name="English", exact=True).click()
    page.get_by_role("button", name="Start →").wait_for()
    settle(page)
    assert page.evaluate("document.documentElement.lang") == "en"
    assert "Your data" in page.inner_text("body")
    page.get_by_text("Mediator mode (France Services, associations)").click()
    settle(page)
    check_accessibility(page, "accueil-english-mediateur")

    # Both settings are in the URL (nothing personal there): a reload keeps them.
    page.reload()
    page.get_by_role("button", name="Start →").wait_for()
    settle(page)
    assert page.evaluate("document.documentElement.lang") == "en"
    page.get_by_role("button", name="Start →").click()
    page.get_by_text("Mediator mode: all the questions on one page.").wait_for()
    page.context.close()


def test_finish_and_clear_asks_first_and_forgets_the_server_memory(server, browser) -> None:
    page = new_page(browser, server, DESKTOP)
    answer_interview(page, JOURNEY[:2], stop_after=1)
    page.get_by_role("button", name="Suivant →").wait_for()
    settle(page)
    key = stored_key(page)
    assert key and session_memory.store().load(key)

    page.get_by_role("button", name="Terminer et effacer").click()
    page.get_by_text("supprimer de cet ordinateur les fichiers téléchargés").wait_for()
    settle(page)
    check_accessibility(page, "effacer-confirmation")
    page.get_by_role("button", name="Oui, tout effacer").click()
    page.get_by_text("Étape 1 sur").wait_for()
    screen_ready(page)
    # the tab forgets when the page's key component runs with its new data, which may come just
    # after the first screen is drawn (stop 31's clean-clone run read the key a moment before)
    forgotten_in_tab(page)
    assert not stored_key(page) and session_memory.store().load(key) is None   # the tab and the server forgot

    # A reload of the tab finds nothing, and says nothing (there was nothing left to expire).
    page.reload()
    page.get_by_text("Étape 1 sur").wait_for()
    screen_ready(page)
    assert page.locator("[data-testid='stMain']").get_by_role("radio", checked=True).count() == 0
    assert "ne sont plus en mémoire" not in page.inner_text("body")
    page.context.close()


# --- Issue 20, small things: the keyboard, the other language, a phone, a reload ---------------


def test_the_keyboard_enters_the_confirmation_when_it_opens(server, browser) -> None:
    from tests.browser.test_browser import FOCUSED, tab_to

    page = new_page(browser, server, DESKTOP)
    tab_to(page, "Terminer et effacer")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.closest('[data-testid=\"stPopoverBody\"]')")
    page.keyboard.press("Tab")                      # one press, not 26
    assert "Oui, tout effacer" in page.evaluate(FOCUSED), page.evaluate(FOCUSED)
    page.keyboard.press("Enter")
    page.get_by_text("Étape 1 sur").wait_for()
    page.context.close()


# Streamlit's own words, which a French page must never show (text or accessible name).
STREAMLIT_ENGLISH = ("Skip to main content", "Stop", "Stopping...", "Rerun", "Running...", "Connecting", "Show password",
                     "Hide password", "Drag and drop a file here",
                     "Add files", "Browse files", "Drag and drop file here", "Press Enter to apply", "Deploy",
                     "Main menu", "Link to heading", "Page not found", "Upload", "Clear", "Delete")
STREAMLIT_ENGLISH_START = ("Remove ", "Cancel upload of ", "Help for ", "Open sidebar", "Close sidebar",
                           "Collapse sidebar", "Expand sidebar", "Limit ")
# Allowed in either language: the language switch itself, what the person typed (the answers
# file), proper names and the letters' own French titles shown « in French ».
ALLOWED = {"Langue / Language", "Français", "English"}

# The walk's answers, loaded on the start page as a person's answers file.
ANSWERS_FILE = Path(__file__).resolve().parents[2] / "examples" / "amina-rsa.json"


def _typed(node) -> list[str]:
    """Every text of an answers file: what the person typed."""
    if isinstance(node, dict):
        return [t for value in node.values() for t in _typed(value)]
    return [node] if isinstance(node, str) else []


_case = json.loads(ANSWERS_FILE.read_text(encoding="utf-8"))
# The values of this walk that no catalogue holds (tests/one_language.py's lists come on top).
WALK_VALUES = (
    one_language.AllowList("what the person typed (the walk's answers file), and the name it makes", frozenset(
        _typed(_case["claimant"]) + _typed(_case["organism"]) + _typed(_case["context"])
        + [f"{_case['claimant']['first_name']} {_case['claimant']['last_name']}"])),
)

VISIBLE_TEXTS = """() => {
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return (box.width > 0 || box.height > 0) && style.visibility !== 'hidden' && style.display !== 'none';
  };
  const lang = (el) => el.closest('[lang]').getAttribute('lang');      // a part marked in another language
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.nodeValue.replace(/\\s+/g, ' ').trim();
    const el = node.parentElement;
    if (!text || !/[A-Za-zÀ-ÿ]/.test(text) || !el) continue;
    if (el.closest('script, style, [data-testid="stIconMaterial"]') || !shown(el)) continue;
    if (/Material/.test(getComputedStyle(el).fontFamily)) continue;     // an icon's name, not a word
    out.push([text, lang(el)]);
  }
  for (const el of document.querySelectorAll('[aria-label], [title]')) {
    if (!shown(el)) continue;
    for (const attr of ['aria-label', 'title']) {
      const value = (el.getAttribute(attr) || '').replace(/\\s+/g, ' ').trim();
      if (/[A-Za-z]/.test(value)) out.push([value, lang(el)]);
    }
  }
  return [...new Set(out.map((pair) => JSON.stringify(pair)))].map((pair) => JSON.parse(pair));
}"""


PROBE = """() => {
  const box = document.createElement('div');
  box.id = 'mda-probe';
  box.innerHTML = '<span>Stop</span><span>Connecting</span><span>Running...</span><span>Rerun</span>'
    + '<button aria-label="Add files">+</button><button aria-label="Remove reponses.json">×</button>'
    + '<button title="Stop">.</button><div role="img" aria-label="Running...">.</div>'
    + '<button aria-label="Show password">.</button><textarea aria-label="Adresse : Loire\\\\-Atlantique"></textarea>';
  document.querySelector('[data-testid="stHeader"]').appendChild(box);
  const file = document.createElement('div');        // a file field holding a file, being dragged over
  file.id = 'mda-probe-file';
  file.setAttribute('data-testid', 'stFileUploader');
  file.innerHTML = '<span>Drag and drop a file here</span><small>1.2KB</small><span>GIF files are not allowed.</span>';
  document.querySelector('[data-testid="stMain"]').appendChild(file);
}"""


def _catalogues() -> dict[str, list[str]]:
    """For each language, the interface's sentences that only it has (the other one translates
    them differently), markdown removed: French msgids, English msgstrs, and the French words
    the page script puts on Streamlit's own labels."""
    import re

    from assistant.core.i18n import catalog

    french, english = [], []
    for message in catalog("en"):
        if not message.id or not isinstance(message.id, str) or not message.string:
            continue
        if message.string != message.id:
            french.append(message.id)
            english.append(message.string)
    app = (Path(__file__).resolve().parents[2] / "assistant" / "app.py").read_text(encoding="utf-8")
    french += re.findall(r'\[/\^[^\n]*?\$/i?, "([^"$]+)[^"]*"\]', app)
    french += ["Ouvrir le menu : langue, mode médiateur, effacer", "Fenêtre ouverte"]

    def plain(text: str) -> str:
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
        return re.sub(r"\*\*|__|^- ", "", text, flags=re.MULTILINE)

    return {"fr": [plain(m) for m in french], "en": [plain(m) for m in english]}


class Leftovers:
    """Which shown texts belong to the other language's catalogue only."""

    def __init__(self) -> None:
        import re

        own = _catalogues()
        self.patterns: dict[str, list] = {}
        self.chunks: dict[str, list[str]] = {}
        for lang, messages in own.items():
            other = "\n".join(own["en" if lang == "fr" else "fr"])
            chunks, patterns = [], []
            for message in messages:
                for line in message.split("\n"):
                    parts = re.split(r"\{[^}]*\}", line.strip())
                    chunks += [p.strip() for p in parts if len(p.strip()) >= 4 and p.strip() not in other]
                    if len(parts) > 1 and parts[0].strip():
                        patterns.append((parts[0][:3], re.compile(".+?".join(re.escape(p) for p in parts) + r"\Z", re.S)))
            self.chunks[lang] = chunks
            self.patterns[lang] = patterns
        self.other_text = {lang: "\n".join(own[lang]) for lang in own}

    def of(self, texts: list[str], shown_lang: str) -> list[str]:
        """The texts of `texts` that are the other language's, for a page in `shown_lang`."""
        other = "en" if shown_lang == "fr" else "fr"
        bad = []
        for text in texts:
            if text in ALLOWED or len(text) < 4:
                continue
            if shown_lang == "fr" and (text in STREAMLIT_ENGLISH or text.startswith(STREAMLIT_ENGLISH_START)):
                bad.append(text)
                continue
            if text in self.other_text[shown_lang]:
                continue      # also a sentence (or part of one) of the page's own language
            if any(text in chunk for chunk in self.chunks[other]) or any(
                    text.startswith(head) and pattern.match(text) for head, pattern in self.patterns[other]):
                bad.append(text)
        return bad


def _switch(page, language: str) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_text(language, exact=True).click()
    page.wait_for_function(f"() => document.documentElement.lang === {'en' if language == 'English' else 'fr'!r}")
    settle(page)


def _check(page, leftovers: Leftovers, own: dict, shown: str) -> tuple[list[str], list[str]]:
    """The page's texts of the other language (`Leftovers`), and those in no message of their
    own language nor on an allow-list: a part marked `lang="fr"` on an English page (a
    letter, French by design) is read against the French messages."""
    texts = page.evaluate(VISIBLE_TEXTS)
    strangers = [text for lang in own for text in own[lang].strangers([t for t, marked in texts if marked == lang])]
    strangers += [text for text, marked in texts if marked not in own]
    return leftovers.of([t for t, marked in texts if marked == shown], shown), strangers


def _both_languages(page, leftovers: Leftovers, name: str, found: dict, strangers: dict, own: dict) -> None:
    """Check the page in French, switch to English and check, switch back."""
    for language, code in (("English", "en"), ("Français", "fr")):
        if code == "en":
            found[f"{name} (fr)"], strangers[f"{name} (fr)"] = _check(page, leftovers, own, "fr")
        _switch(page, language)
        if code == "en":
            found[f"{name} (en)"], strangers[f"{name} (en)"] = _check(page, leftovers, own, "en")


def test_every_page_speaks_one_language_and_fits_a_phone(server, browser) -> None:
    """Issue 20 (12, 13): on every page, in French then English, no text or accessible name of
    the other language (nor Streamlit's English), and each one a message of the page's own
    language or on a named allow-list (tests/one_language.py); answers kept across the
    switches; a sub-page reloaded is never « not found »;
    on a phone « Commencer → » needs no scrolling, help icons are big enough to touch, and the
    download buttons show their whole label."""
    from tests.browser.test_browser import letters_ready, rights_ready

    leftovers = Leftovers()
    found: dict[str, list[str]] = {}
    case = dict(_case)              # the walk's answers file, without its « today » below
    own = {lang: one_language.catalogue(lang, *WALK_VALUES) for lang in ("fr", "en")}
    strangers: dict[str, list[str]] = {}
    page = new_page(browser, server, PHONE, start=False)
    start = page.get_by_role("button", name="Commencer →").bounding_box()
    assert start["y"] + start["height"] <= PHONE["height"], start
    icons = page.locator('[data-testid="stTooltipIcon"] [data-testid="stTooltipHoverTarget"]')
    boxes = [box for box in (icons.nth(i).bounding_box() for i in range(icons.count())) if box]   # shown ones
    assert boxes, "no help icon on the start page"
    for box in boxes:
        assert box["width"] >= 24 and box["height"] >= 24, box       # WCAG 2.5.8 target size

    # Streamlit's own English words that only show at times (a run, a lost connection, a file
    # field holding a file): put in the page as Streamlit would, they are said in French.
    page.evaluate(PROBE)
    page.wait_for_timeout(300)
    probed = page.evaluate("() => [...document.querySelectorAll('[id^=mda-probe], [id^=mda-probe] *')].flatMap((e) => "
                           "[e.childNodes.length === 1 ? e.textContent : '', e.getAttribute('aria-label') || '', "
                           "e.getAttribute('title') || ''].filter(Boolean))")
    assert leftovers.of(probed, "fr") == [] and own["fr"].strangers(probed) == [], (own["fr"].strangers(probed), probed)
    assert {"Arrêter", "Chargement…", "Afficher le mot de passe", "1,2 Ko", "Adresse : Loire-Atlantique"} <= set(probed), probed
    page.evaluate("() => document.querySelectorAll('[id^=mda-probe]').forEach((e) => e.remove())")

    case.pop("today")
    page.locator("[data-testid='stFileUploaderDropzoneInput'][accept*='.json']").set_input_files(
        files=[{"name": "reponses.json", "mimeType": "application/json", "buffer": json.dumps(case).encode()}])
    review_ready(page)
    page.get_by_role("button", name="Voir mes droits →").click()
    rights_ready(page)
    page.get_by_role("button", name="Voir mes courriers →").first.click()
    letters_ready(page)
    cut = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stDownloadButton"] button')]
        .filter((b) => b.getBoundingClientRect().width > 0 && b.closest('[data-testid="stMain"]'))
        .filter((b) => [...b.querySelectorAll('p, span, div')].some((e) => e.scrollWidth > e.clientWidth + 1))
        .map((b) => b.innerText)""")
    assert not cut, f"labels cut on a phone: {cut}"

    page.set_viewport_size(DESKTOP)
    settle(page)
    for link, name in (("Accueil", "accueil"), ("Vos réponses", "questions"), ("Vérifier", "verifier"),
                       ("Vos droits", "droits"), ("Vos courriers", "courriers"), ("Plusieurs dossiers", "associations"),
                       ("Espace professionnel", "espace-pro")):
        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=link).click()
        page.wait_for_url(f"**/{name}" if name != "accueil" else "**/")
        settle(page)
        if name in ("droits", "courriers"):       # the answers outlived the switches on « Vos réponses »
            (rights_ready if name == "droits" else letters_ready)(page)
        _both_languages(page, leftovers, name, found, strangers, own)

    # A reload of a professional page, signed out: the page says to sign in, never « not found ».
    page.goto(server.rstrip("/") + "/dossiers")
    page.get_by_text("Cette page est réservée aux professionnels connectés.").wait_for()
    settle(page)
    assert "Page not found" not in page.inner_text("body")
    _both_languages(page, leftovers, "dossiers", found, strangers, own)
    page.context.close()
    bad = {name: texts for name, texts in found.items() if texts}
    assert not bad, f"words of the other language: {bad}"
    bad = {name: texts for name, texts in strangers.items() if texts}
    assert not bad, f"in no message of the page's language and on no allow-list: {bad}"

"""The real app in Debian chromium: `streamlit run` on a free port, driven by Playwright.

- a full path on a 360×740 phone screen, from the start screen to the downloaded
  DOCX / PDF / ICS / ZIP files (checked for content), with screenshots of every page
  (test-artifacts/) and of the three main pages (docs/screenshots/, for the README); on
  the way, a reload at the fifth screen keeps every answer (one walk, several checks);
- axe-core on every page: no critical, serious or moderate violation;
- two browser contexts at once: each sees only its own answers;
- the keyboard-only path (Tab, Space, arrows, Enter), from the first question to a
  downloaded letter.
A missing chromium is a failure with the install hint, never a skip.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from icalendar import Calendar

from assistant.core.formatting import long_date
from tests import appserver

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TODAY = dt.date.today()
DECISION = TODAY - dt.timedelta(days=20)
RECEIVED = TODAY - dt.timedelta(days=17)
PERSON = {"Prénom": "Nadia", "Nom": "Testeuse-Brouillon", "Adresse (numéro et rue)": "8 rue Saint-Maurice",
          "Code postal": "69008", "Ville": "Lyon"}


# --- Fixtures ---------------------------------------------------------------------------


def _free_port() -> int:
    return appserver.free_port()


@pytest.fixture(scope="module")
def server(shared_app_server):
    """A real `streamlit run assistant/app.py`, ready when its health endpoint answers: one per
    test worker, shared by the modules that need no other setting (`shared_app_server`,
    tests/conftest.py; each start took ~4 s). A module with other settings starts its own
    with `run_server`."""
    return shared_app_server


def run_server(*options: str, log_name: str = "streamlit.log"):
    """Start the app with extra `streamlit run` options; yields its URL, stops it after."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        process, url = appserver.start(None, *options, output=ARTIFACTS / log_name, timeout=60)
    except appserver.DidNotStart:
        pytest.fail(f"streamlit did not start: see {ARTIFACTS / log_name}")
    yield url
    appserver.stop(process, timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium introuvable ({CHROMIUM}) : installez le paquet Debian « chromium » (make test le fait).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def new_page(browser, url: str, viewport=PHONE, start: bool = True):
    """A new person's browser on the start screen, then (`start`) on the first question."""
    context = track(browser.new_context(viewport=viewport, accept_downloads=True, locale="fr-FR"))
    context.set_default_timeout(30_000)
    page = context.new_page()
    # Leaving a page with answers asks for a confirmation (beforeunload): tests accept it.
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(url)
    start_ready(page)
    if start:
        page.get_by_role("button", name="Commencer →").click()
        page.get_by_text("Étape 1 sur").wait_for()
        screen_ready(page)
    return page


# --- Helpers ----------------------------------------------------------------------------


# Idle: the script is not running nor asked to rerun (the app root's own state), no status
# widget, no faded element. The script state matters on a loaded machine, where a run can
# start more than 150 ms after the key press that asked for it.
IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const state = app ? app.getAttribute('data-test-script-state') : 'initial';
  return state !== 'running' && state !== 'rerunRequested'
    && !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-stale="true"]');
}"""


# What the page did last, in performance.now() milliseconds: a message sent to the server (a
# widget's change asks for a run), one received from it, a change of the document. Installed
# before the page's own scripts (`track`), so that `settle` waits on these, not on fixed delays.
TRACKER = """(() => {
  if (window.mdaActivity) return;
  const seen = window.mdaActivity = {sent: 0, received: 0, changed: 0};
  const Socket = window.WebSocket;
  const send = Socket.prototype.send;
  Socket.prototype.send = function (...args) { seen.sent = performance.now(); return send.apply(this, args); };
  window.WebSocket = class extends Socket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => { seen.received = performance.now(); });
    }
  };
  // Elements added, removed or retold, and Streamlit's own run marks. Not every attribute:
  // the app's script re-labels Streamlit's collapsed-menu button on every animation frame.
  new MutationObserver(() => { seen.changed = performance.now(); })
    .observe(document, {subtree: true, childList: true, characterData: true, attributes: true,
                        attributeFilter: ['data-stale', 'data-test-script-state', 'lang', 'aria-invalid']});
})();"""
# Settled: idle, every message sent has had an answer (or 2 s passed: nothing to answer), and
# nothing was sent, received or changed on the page for QUIET_MS (time for Streamlit to draw
# what it received, and for an action's own message to leave).
QUIET_MS = 100
SETTLED = f"""(quiet) => {{
  if (!({IDLE})()) return false;
  const seen = window.mdaActivity, now = performance.now();
  if (seen.received < seen.sent && now - seen.sent < 2000) return false;
  return now - Math.max(seen.sent, seen.received, seen.changed) >= quiet;
}}"""


def track(context):
    """The context's pages record their activity for `settle` (TRACKER); returns `context`."""
    context.add_init_script(TRACKER)
    return context


def settle(page) -> None:
    """Wait until Streamlit has finished the run triggered by the last action."""
    if page.evaluate("() => !!window.mdaActivity"):
        page.wait_for_function(SETTLED, arg=QUIET_MS, timeout=60_000)
        return
    # A page made without `track`: fixed delays around the idle state.
    page.wait_for_timeout(150)
    # While a run is in progress Streamlit shows a status widget and fades stale elements.
    page.wait_for_function(IDLE, timeout=60_000)
    page.wait_for_timeout(100)


# A new context loads Streamlit's whole frontend (no shared cache): on a loaded 2-core machine
# (the deployment images built in the background) a first render took over 30 s once in CI.
FIRST_RENDER_MS = 90_000
# What the page was doing, said when its first render does not come (the CI log is all we see).
PAGE_STATE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const seen = window.mdaActivity || {};
  return {readyState: document.readyState, url: location.href, now: Math.round(performance.now()),
          script: app ? app.getAttribute('data-test-script-state') : null,
          sent: Math.round(seen.sent || 0), received: Math.round(seen.received || 0),
          text: (document.body ? document.body.innerText : '').slice(0, 300)};
}"""


def start_ready(page) -> None:
    from playwright.sync_api import TimeoutError as PageTimeout

    try:
        page.get_by_role("heading", name="Mes droits face à l'algorithme", level=1).wait_for(timeout=FIRST_RENDER_MS)
    except PageTimeout:
        pytest.fail(f"start screen not drawn in {FIRST_RENDER_MS // 1000} s: {page.evaluate(PAGE_STATE)}")
    page.get_by_role("link", name="Aller aux questions").wait_for()  # the last element
    settle(page)


def clear_everything(page, confirm: str = "Oui, tout effacer", button: str = "Terminer et effacer") -> None:
    """« Terminer et effacer », then the confirmation (with its reminder about downloads)."""
    page.get_by_role("button", name=button).click()
    page.get_by_role("button", name=confirm).click()


def screen_ready(page) -> None:
    """An interview screen is complete once its last element, the forward button, is there."""
    page.locator("button").filter(has_text="→").last.wait_for()
    settle(page)


def review_ready(page) -> None:
    page.get_by_text("Vérifiez vos réponses").wait_for()
    page.get_by_role("button", name="Voir mes droits →").wait_for()
    settle(page)


def rights_ready(page) -> None:
    page.get_by_role("heading", name="Vos droits, un par un").wait_for()
    page.get_by_role("button", name="Voir mes courriers →").nth(1).wait_for()  # the last element
    settle(page)


def letters_ready(page, count: int = 3) -> None:
    page.get_by_role("heading", name="Vos courriers", exact=True, level=1).wait_for()
    page.get_by_role("button", name="Télécharger (PDF, à imprimer)").nth(count - 1).wait_for()
    settle(page)


def _stored() -> str:
    """The script expression of the answers key the tab keeps (its sessionStorage)."""
    from assistant.pages import tab_key

    return f"window.sessionStorage.getItem({tab_key.NAME!r})"


def stored_key(page) -> str | None:
    """The answers key as the tab keeps it."""
    return page.evaluate(f"() => {_stored()}")


def forgotten_in_tab(page, timeout_ms: int = 10_000) -> None:
    """Wait until the tab holds no answers key (it fails the test if the key is never removed)."""
    page.wait_for_function(f"() => !{_stored()}", timeout=timeout_ms)


def step_number(page) -> int:
    text = page.get_by_text("Étape ").first.inner_text()
    return int(text.split()[1])


def next_screen(page) -> None:
    before = step_number(page)
    page.get_by_role("button", name="Suivant →").click()
    page.get_by_text(f"Étape {before + 1} sur").wait_for()
    screen_ready(page)


# A changed widget value asks the server for a run. On a loaded machine the frontend may send
# it more than QUIET_MS after the click, and the server may answer more than 2 s after it: then
# `settle` alone saw a quiet page and returned before the run, and the question that run reveals
# was not there yet (a walk failed in CI so). An action that changes a value waits for its
# message to leave, then for the server's first answer to it, then settles.
SENT_SINCE = "(since) => window.mdaActivity.sent > since"
ANSWERED_SINCE = "(since) => window.mdaActivity.received > since"
RUN_MS = 60_000


def act(page, action, changes: bool = True) -> None:
    """Do `action`; when it `changes` a value, wait for the run it asks for, then settle."""
    tracked = changes and page.evaluate("() => !!window.mdaActivity")
    since = page.evaluate("() => performance.now()") if tracked else 0
    action()
    if tracked:
        page.wait_for_function(SENT_SINCE, arg=since, timeout=RUN_MS)
        sent = page.evaluate("() => window.mdaActivity.sent")
        page.wait_for_function(ANSWERED_SINCE, arg=sent, timeout=RUN_MS)
    settle(page)


def choose(page, question: str, option: str) -> None:
    group = page.get_by_role("radiogroup", name=question, exact=True)
    picked = group.get_by_role("radio", name=option, exact=True).is_checked()
    act(page, group.get_by_text(option, exact=True).click, changes=not picked)


def type_date(page, label: str, day: dt.date) -> None:
    """Dates are typed the French way, 06/10/2026."""
    fill(page, label, day.strftime("%d/%m/%Y"))


def fill(page, label: str, value: str) -> None:
    box = page.get_by_label(label, exact=True)
    changes = box.input_value() != value
    act(page, lambda: (box.fill(value), box.press("Tab")), changes=changes)


def shoot(page, name: str, readme_name: str | None = None) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # Streamlit scrolls inside its main block, not the document: grow the window to the
    # content's height for a whole-page picture, then put it back.
    size = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(height, 6000))})
    page.wait_for_timeout(300)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    if readme_name:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, SCREENSHOTS / f"{readme_name}.png")


def check_accessibility(page, name: str) -> None:
    """axe-core: no critical, serious or moderate violation; the page fits the width (no side scroll)."""
    from axe_playwright_python.sync_playwright import Axe

    settle(page)
    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("moderate", "serious", "critical")]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(
            f"   {n['target']} {n['html'][:160]} — {n.get('failureSummary', '')[:200]}" for n in v["nodes"][:5])
        for v in bad)
    (ARTIFACTS / f"axe-{name}.txt").write_text(report or "aucune violation grave\n", encoding="utf-8")
    assert not bad, f"axe-core, page {name} :\n{report}"
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"page {name}: {overflow}px wider than the screen"


def check_zoom_200(page, name: str) -> None:
    """A 360-px phone at 200 % zoom shows 180 CSS pixels: the page must reflow, not scroll sideways."""
    page.set_viewport_size({"width": PHONE["width"] // 2, "height": PHONE["height"] // 2})
    settle(page)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    page.screenshot(path=str(ARTIFACTS / f"{name}-zoom200.png"), full_page=True)
    page.set_viewport_size(PHONE)
    settle(page)
    assert overflow <= 1, f"page {name} at 200 %: {overflow}px wider than the screen"


def download(page, button_name: str, timeout: float = 60_000) -> tuple[str, bytes]:
    with page.expect_download(timeout=timeout) as info:
        page.get_by_role("button", name=button_name).first.click()
    got = info.value
    return got.suggested_filename, Path(got.path()).read_bytes()


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs)


def pdf_text(data: bytes, tmp_path: Path) -> str:
    pdftotext = shutil.which("pdftotext")
    if not pdftotext:
        pytest.fail("pdftotext introuvable : installez le paquet Debian « poppler-utils » (make test le fait).")
    source = tmp_path / "letter.pdf"
    source.write_bytes(data)
    return subprocess.run([pdftotext, "-layout", str(source), "-"], capture_output=True, text=True, check=True).stdout


# The phone journey, in the order of the questions; each screen answers those it shows,
# so that regrouping the questions into other screens does not break the walk.
CONTROL = ("Avez-vous eu un contrôle juste avant (visite, demande de justificatifs, vérification de vos données) ?",
           "Vous a-t-on prévenu avant, en vous laissant le temps de vous expliquer ?",
           "L'organisme parle-t-il de fraude ou de fausse déclaration ?")
HISTORY = ("Avez-vous déjà demandé par écrit des explications à l'organisme ?",
           "Avez-vous déjà demandé votre dossier ou vos données ?",
           "Avez-vous déjà contesté la décision (recours) ?")
OWN_WORDS = "Racontez en quelques phrases ce qui s'est passé (facultatif)"
JOURNEY = (
    ("choice", "Quel organisme vous verse (ou vous refuse) l'aide ?", "La CAF (caisse d'allocations familiales)"),
    ("choice", "L'aide concernée", "RSA (revenu de solidarité active)"),
    ("choice", "Ce qui vous arrive", "Mes paiements sont suspendus ou bloqués"),
    ("choice", "Avez-vous reçu un courrier, un e-mail ou un message sur votre espace en ligne qui annonce la décision ?", "Oui"),
    ("date", "Date écrite sur la décision", DECISION),
    ("date", "Date à laquelle vous l'avez reçue", RECEIVED),
    ("choice", "La décision explique-t-elle pourquoi (les faits et les textes appliqués) ?", "Non"),
    ("choice", "Dit-elle comment la contester et dans quel délai ?", "Non"),
    ("choice", "Dit-elle qu'elle a été prise à l'aide d'un traitement informatique (un algorithme) ?", "Je ne sais pas"),
    *(("choice", question, "Non") for question in CONTROL),
    *(("choice", question, "Non") for question in HISTORY),
    ("text", OWN_WORDS, "J'ai envoyé ma déclaration trimestrielle à temps et mes paiements ont été suspendus sans explication."),
    *(("text", label, value) for label, value in PERSON.items()),
)


def shown(page, kind: str, label: str) -> bool:
    if kind == "choice":
        return page.get_by_role("radiogroup", name=label, exact=True).count() > 0
    return page.get_by_label(label, exact=True).count() > 0


def answer_screen(page, pending: list) -> None:
    """Answer, in order, the questions of `pending` this screen shows (a gate may reveal the next)."""
    for item in list(pending):
        kind, label, value = item
        if not shown(page, kind, label):
            continue
        if kind == "choice":
            choose(page, label, value)
        elif kind == "date":
            type_date(page, label, value)
        else:
            fill(page, label, value)
        pending.remove(item)


def answer_interview(page, journey=JOURNEY, stop_after: int | None = None) -> list:
    """Walk the questions (phone, mouse) to the review page, or stop on screen `stop_after`."""
    pending = list(journey)
    for _ in range(20):
        answer_screen(page, pending)
        if stop_after is not None and step_number(page) == stop_after:
            return pending
        if page.get_by_role("button", name="Vérifier mes réponses →").count():
            assert not pending, f"questions never shown: {pending}"
            page.get_by_role("button", name="Vérifier mes réponses →").click()
            review_ready(page)
            return pending
        next_screen(page)
    raise AssertionError(f"the interview did not end; left: {pending}")


# --- Tests ------------------------------------------------------------------------------


def test_full_path_on_a_phone_to_the_downloaded_files(server, browser, tmp_path) -> None:
    page = new_page(browser, server, start=False)
    shoot(page, "00-accueil", "accueil")
    check_accessibility(page, "accueil")
    check_zoom_200(page, "accueil")
    page.get_by_role("button", name="Commencer →").click()
    page.get_by_text("Étape 1 sur").wait_for()
    screen_ready(page)
    shoot(page, "01-questions", "questions")
    check_accessibility(page, "questions")
    check_zoom_200(page, "questions")
    # The new screen's heading gets the focus, and « Étape 1 sur N » is announced.
    page.wait_for_function("() => document.activeElement && document.activeElement.tagName === 'H1'")
    assert page.evaluate("window.mdaAnnounced").startswith("Étape 1 sur")

    # A reload in the middle keeps every answer (the store's draft, its key in the tab only).
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.type))
    pending = answer_interview(page, stop_after=5)
    assert page.evaluate("window.mdaAnnounced").startswith("Étape 5 sur")
    key = stored_key(page)
    assert key and len(key) >= 22 and key not in page.url  # at least 128 random bits, in the tab only
    before = page.inner_text("[data-testid='stMain']")
    page.reload()
    page.get_by_text("Étape 5 sur").wait_for()
    screen_ready(page)
    assert "beforeunload" in dialogs  # the browser asked before leaving a page with answers
    assert stored_key(page) == key
    assert page.inner_text("[data-testid='stMain']") == before
    check_accessibility(page, "apres-rechargement")
    assert len(pending) < len(JOURNEY)
    answer_interview(page, pending)

    # Every answer given before the reload is still there: the review lists them all.
    shoot(page, "02-verifier")
    review = page.inner_text("body")
    for given in ("La CAF (caisse d'allocations familiales)", "RSA (revenu de solidarité active)",
                  long_date(RECEIVED), PERSON["Nom"], PERSON["Code postal"]):
        assert given in review, given
    check_accessibility(page, "verifier")

    page.get_by_role("button", name="Voir mes droits →").click()
    rights_ready(page)
    body = page.inner_text("body")
    assert "Le délai ne court pas" in body
    for title in ("Connaître les motifs de la décision", "Obtenir l'explication d'une décision prise par algorithme",
                  "Obtenir votre dossier", "Contester la décision"):
        assert title in body, title
    page.get_by_text("Les textes de loi").first.click()
    page.get_by_role("link", name="Lire le texte sur Légifrance").first.wait_for()
    shoot(page, "03-droits", "droits")
    check_accessibility(page, "droits")
    check_zoom_200(page, "droits")

    page.get_by_role("button", name="Voir mes courriers →").first.click()
    letters_ready(page)
    shoot(page, "04-courriers", "courriers")
    check_accessibility(page, "courriers")
    check_zoom_200(page, "courriers")

    name, ics = download(page, "Ajouter les dates à mon agenda (.ics)")
    assert name.endswith(".ics")
    events = [c for c in Calendar.from_ical(ics).walk("VEVENT")]
    assert events and any("recours" in str(e["SUMMARY"]) for e in events)
    assert PERSON["Nom"] not in ics.decode()  # no personal data in the calendar

    # File names carry the person's name, so that one person's letter is not sent for another.
    name, data = download(page, "Télécharger (DOCX, modifiable)")
    assert name.endswith(".docx") and "testeuse-brouillon" in name, name
    text = docx_text(data)
    assert PERSON["Nom"] in text and "Je conteste" in text
    docx_name = name

    name, data = download(page, "Télécharger (PDF, à imprimer)")
    assert name.endswith(".pdf") and "testeuse-brouillon" in name and data.startswith(b"%PDF"), name
    assert "Je conteste" in pdf_text(data, tmp_path)
    pdf_name = name

    name, data = download(page, "Tout télécharger (ZIP)")
    names = [n.rsplit("/", 1)[-1] for n in zipfile.ZipFile(io.BytesIO(data)).namelist()]
    assert docx_name in names and pdf_name in names and any(n.endswith(".ics") for n in names), names
    assert sum(n.endswith(".pdf") for n in names) >= 3, names


def test_two_people_at_once_see_only_their_own_answers(server, browser) -> None:
    first = new_page(browser, server, DESKTOP)
    second = new_page(browser, server, DESKTOP)
    for page, option, name in ((first, "La CAF (caisse d'allocations familiales)", "Organisme-Alpha"),
                               (second, "La MSA (mutualité sociale agricole)", "Organisme-Bravo")):
        answer_screen(page, [("choice", "Quel organisme vous verse (ou vous refuse) l'aide ?", option),
                             ("choice", "L'aide concernée", "Une autre aide"),
                             ("text", "Son nom exact, si vous le connaissez (facultatif)", name)])
    for page in (first, second):
        next_screen(page)
        page.get_by_role("link", name="Vérifier").click()
        page.get_by_text("Vérifiez vos réponses").wait_for()
        page.get_by_text("Corrigez les réponses signalées").wait_for()  # the last element
        settle(page)
    first_text, second_text = first.inner_text("body"), second.inner_text("body")
    assert "Organisme-Alpha" in first_text and "Organisme-Bravo" not in first_text
    assert "Organisme-Bravo" in second_text and "Organisme-Alpha" not in second_text
    assert "La MSA" not in first_text and "La CAF" not in second_text
    # Clearing one session leaves the other untouched.
    clear_everything(first)
    first.get_by_text("Étape 1 sur").wait_for()
    screen_ready(first)
    second.reload()
    assert "Organisme-Alpha" not in first.inner_text("body")
    first.context.close()
    second.context.close()


# --- Keyboard only ----------------------------------------------------------------------

FOCUSED = """() => {
  const e = document.activeElement;
  if (!e) return "";
  const own = e.getAttribute('aria-label') || '';
  const label = e.labels && e.labels.length ? e.labels[0].innerText : '';
  const text = ['BUTTON', 'A', 'SUMMARY'].includes(e.tagName) ? (e.innerText || '').slice(0, 120) : '';
  return [e.tagName, own, label, text].join(' | ');
}"""


def tab_to(page, text: str, limit: int = 80, backwards: bool = False) -> None:
    """Press Tab (only the keyboard) until the focused element mentions `text`."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if text in page.evaluate(FOCUSED):
            return
    raise AssertionError(f"Tab never reached « {text} »; last focus: {page.evaluate(FOCUSED)}")


def key_radio(page, first_option: str, moves: int) -> None:
    """Tab into a radio group (its first option), then Space, or arrows to another option."""
    tab_to(page, first_option)
    if moves == 0:
        page.keyboard.press("Space")
    for _ in range(moves):
        page.keyboard.press("ArrowDown")
    # The choice is made once the focused option is checked (then its run has to end).
    page.wait_for_function("() => document.activeElement && document.activeElement.checked")
    settle(page)


def key_next(page) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    before = step_number(page)
    tab_to(page, "Suivant")
    page.keyboard.press("Enter")
    try:
        page.get_by_text(f"Étape {before + 1} sur").wait_for()
    except PlaywrightTimeout:  # say what the screen showed instead (an error message?)
        raise AssertionError(f"Étape {before} : Entrée sur « Suivant » n'a pas avancé ; "
                             f"écran : {page.inner_text('body')[:1500]}") from None
    screen_ready(page)


def key_type(page, label: str, text: str) -> None:
    tab_to(page, label)
    page.keyboard.type(text)
    page.keyboard.press("Tab")
    settle(page)


# The same journey with the keyboard: a radio group is entered on its first option, then
# Space, or arrows to another option.
KEY_MOVES = {"Oui": 0, "Non": 1, "Je ne sais pas": 2}
KEY_FIRST = {"La CAF (caisse d'allocations familiales)": "La CAF (caisse d'allocations familiales)",
             "RSA (revenu de solidarité active)": "RSA (revenu de solidarité active)",
             "Mes paiements sont suspendus ou bloqués": "Mes paiements sont suspendus ou bloqués"}


def key_screen(page, pending: list) -> None:
    """Answer every pending question the screen shows. An answer may reveal another question
    on the same screen (the aid's, once the body is chosen), drawn by that answer's run: the
    screen is read again, after the run settles, until a pass answers nothing (stop 30's
    clean-clone run pressed « Suivant » with the aid's question drawn but never seen)."""
    for _ in range(4):
        answered = False
        for item in list(pending):
            kind, label, value = item
            if not shown(page, kind, label):
                continue
            if kind == "choice":
                if value in KEY_FIRST:
                    key_radio(page, KEY_FIRST[value], 0)
                else:
                    key_radio(page, "Oui", KEY_MOVES[value])
            elif kind == "date":
                key_type(page, label, value.strftime("%d/%m/%Y"))  # leaving the field sends it
            elif label != OWN_WORDS:  # own words: optional, left empty
                key_type(page, label, value)
            pending.remove(item)
            answered = True
        if not answered:
            return
        settle(page)


def test_keyboard_only_path(server, browser) -> None:
    page = new_page(browser, server, DESKTOP, start=False)
    tab_to(page, "Commencer")
    page.keyboard.press("Enter")
    page.get_by_text("Étape 1 sur").wait_for()
    screen_ready(page)
    pending = list(JOURNEY)
    for _ in range(20):
        key_screen(page, pending)
        if page.get_by_role("button", name="Vérifier mes réponses →").count():
            break
        key_next(page)
    assert not pending, pending
    tab_to(page, "Vérifier mes réponses")
    page.keyboard.press("Enter")
    review_ready(page)
    review = page.inner_text("body")
    for given in ("La CAF (caisse d'allocations familiales)", "RSA (revenu de solidarité active)",
                  long_date(DECISION), long_date(RECEIVED), PERSON["Nom"], PERSON["Code postal"]):
        assert given in review, given
    tab_to(page, "Voir mes droits")
    page.keyboard.press("Enter")
    rights_ready(page)
    assert "Connaître les motifs de la décision" in page.inner_text("body")
    tab_to(page, "Voir mes courriers")
    page.keyboard.press("Enter")
    letters_ready(page)
    tab_to(page, "Télécharger (DOCX, modifiable)")
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    assert PERSON["Nom"] in docx_text(Path(info.value.path()).read_bytes())
    page.context.close()


def test_mediator_mode_errors_and_english_pass_axe(server, browser) -> None:
    page = new_page(browser, server, DESKTOP)
    page.get_by_text("Mode médiateur", exact=True).click()
    page.get_by_text("Mode médiateur : toutes les questions sur une page.").wait_for()
    settle(page)
    type_date(page, "Date à laquelle vous l'avez reçue", TODAY + dt.timedelta(days=30))
    page.get_by_role("button", name="Vérifier mes réponses").click()
    page.get_by_text("Certaines réponses sont à corriger").wait_for()
    page.get_by_role("button", name="Vérifier mes réponses").wait_for()
    settle(page)
    body = page.inner_text("body")
    assert "Choisissez une réponse pour continuer." in body
    assert "elle ne peut pas être postérieure à aujourd'hui" in body
    shoot(page, "05-mediateur-erreurs")
    check_accessibility(page, "mediateur-erreurs")
    assert page.evaluate("document.documentElement.lang") == "fr"

    page.get_by_text("English", exact=True).click()
    page.get_by_text("Mediator mode: all the questions on one page.").wait_for()
    page.get_by_role("button", name="Check my answers").wait_for()
    settle(page)
    assert page.evaluate("document.documentElement.lang") == "en"
    shoot(page, "06-english")
    check_accessibility(page, "english")

    fill(page, "Its exact name, if you know it (optional)", "Organisme-Charlie")
    clear_everything(page, "Yes, clear everything", "Finish and clear")
    # Nothing of the previous person is left on screen once the new, empty form is shown.
    settle(page)
    # Streamlit may keep the old widget an instant while it draws the new one: wait until the
    # page holds exactly one such field, and it is empty (a leftover value fails by timeout).
    for box in ("input[aria-label='Date you received it']", "input[aria-label='Its exact name, if you know it (optional)']"):
        page.wait_for_function(f"() => {{ const found = document.querySelectorAll({box!r}); "
                               "return found.length === 1 && found[0].value === ''; }")
    assert "Organisme-Charlie" not in page.content()
    page.context.close()

"""The web app: `streamlit run assistant/app.py`.

A start screen, then four pages (questions, review, your rights, your letters), a
language switch and a mediator mode. Everything about the person lives in this browser
session's `st.session_state` and, so that a reload or a process that dies loses nothing,
for a limited time in the store's database, sealed, under a digest of a random key kept by
the browser tab (`sessionStorage`, `assistant/pages/tab_key.py`; `pages/session_memory.py`,
`casefiles/drafts.py`): every app process finds it; nothing of it is written in clear or
logged (the log, `core/logs.py`, holds pages, timings and ids). In mediator mode the
session is also erased after an idle time, with a countdown on the page.

« Espace professionnel » (always in the menu) signs a mediator, a volunteer or a lawyer in;
then « Dossiers » and « Dossier ouvert » appear, and the letters page can save the case
file with the person's consent. The one store of the process (`st.cache_resource`) is
`pages/workspace.py`'s `case_store()`, opened only when someone signs in: a person alone
touches the database only through their sealed draft.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run` puts this file's folder on the path, not the project: make
# `import assistant` work from any working directory.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from assistant.core.i18n import LANGUAGES, _, current_language  # noqa: E402
from assistant.pages.common import (  # noqa: E402
    GOTO, IDLE_CLEARED, PAGE_FILES, answers, await_tab, choice_key, clear_session, download_answers_button, escape_markdown, idle_minutes,
    keep_choices_at_language_switch, mediator, memory_hours, persist_session, restore_session, run_script, show_unexpected_error,
    warn_before_leaving,
)

from assistant.pages.workspace import organisation_name, user  # noqa: E402
from assistant.core import logs  # noqa: E402
from assistant.core.version import project_version  # noqa: E402

# Structured logs (JSON lines on the standard error, or MESDROITS_LOG): set up by the first run.
logs.ensure_configured()

from assistant.pages.session_guard import admit  # noqa: E402

admit()   # a new session within the bounds (else a French refusal page); the notice slot at the top

_tab_silent = restore_session()   # a new session's tab has not said yet which key it holds

# Settings live under their own keys; the widgets (keys `w.*`) are re-seeded from them
# on every run, because Streamlit forgets a widget's state across page switches and the
# start screen changes them too.
SETTINGS = {"lang": "fr", "mediator": False}
for _name, _default in SETTINGS.items():
    st.session_state.setdefault(_name, _default)
    st.session_state[f"w.{_name}"] = st.session_state[_name]


def _keep_setting(name: str) -> None:
    st.session_state[name] = st.session_state[f"w.{name}"]
    if name == "lang":
        keep_choices_at_language_switch()


st.set_page_config(
    page_title=_("Mes droits face à l'algorithme"),
    page_icon="⚖️",
    layout="wide" if mediator() else "centered",
    initial_sidebar_state="auto",
)

# Contrast (WCAG AA) for the accent colour, a visible keyboard focus everywhere, and a
# denser layout in mediator mode. Sizes in rem so that browser zoom scales them.
_CSS = """
<style>
[data-testid="stBaseButton-primary"] { background-color: #a4161a; border-color: #a4161a; color: #ffffff; }
[data-testid="stBaseButton-primary"]:hover { background-color: #7d0f12; border-color: #7d0f12; color: #ffffff; }
a { color: #0b4f9c; }
:focus-visible { outline: 3px solid #0b4f9c !important; outline-offset: 2px; }
[data-testid="stCaptionContainer"], [data-testid="stCaption"], [data-testid="stWidgetLabel"] small { color: #3b3d45 !important; }
[data-testid="stCaptionContainer"] { opacity: 1 !important; }
h1 { font-size: 2rem !important; }
h2 { font-size: 1.5rem !important; }
h3 { font-size: 1.25rem !important; }
.mda-deadline { font-size: 1.6rem; font-weight: 700; line-height: 1.3; margin: 0.25rem 0; }
/* A follow-up date already past (professional pages): dark red, and the words say it too. */
.mda-overdue { color: #a4161a; font-weight: 700; margin: 0; }
.mda-due { margin: 0; }
/* Script carriers take no room. */
[data-testid="stElementContainer"]:has(.mda-js) { display: none; }
.mda-sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
/* The heading that receives the focus after a screen change: no box around it. */
h1[tabindex="-1"]:focus:not(:focus-visible), h2[tabindex="-1"]:focus:not(:focus-visible) { outline: none; }
/* Help icons a finger can touch: 24 px at least (WCAG 2.5.8), not Streamlit's 16. */
[data-testid="stTooltipIcon"] [data-testid="stTooltipHoverTarget"] { min-width: 1.5rem; min-height: 1.5rem; }
[data-testid="stTooltipIcon"] svg { width: 1.25rem; height: 1.25rem; }
/* A button's whole label, on as many lines as it needs, never cut on a phone. */
[data-testid="stDownloadButton"] button, [data-testid="stDownloadButton"] button * { white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
[data-testid="stDownloadButton"] button { height: auto; min-height: 2.5rem; text-align: left; }
/* The icon that opens the side menu gets a visible word next to it. */
[data-testid="stExpandSidebarButton"]::after { content: attr(data-mda-label); margin-left: 0.35rem; font-weight: 600; }
"""
_DENSE = """
[data-testid="stMainBlockContainer"] { padding-top: 1.5rem; }
[data-testid="stVerticalBlock"] { gap: 0.5rem; }
"""
st.html(_CSS + (_DENSE if mediator() else "") + "</style>")

# In the page itself (set up once): <html lang> (screen readers pick their voice from it;
# Streamlit leaves it at "en"), French names for Streamlit's own English labels, the
# focus and « Étape n sur N » announcement of `announce_step`, and the beforeunload
# warning of `warn_before_leaving`.
_PAGE_SCRIPT = r"""
(() => {
  document.documentElement.lang = LANG;
  window.mdaFrench = FRENCH;
  if (window.mdaReady) { window.mdaTranslate && window.mdaTranslate(); return; }
  window.mdaReady = true;
  const textRules = [
    [/^Press Enter to apply$/, "Appuyez sur Entrée pour valider"],
    [/^Press Enter to submit form$/, "Appuyez sur Entrée pour envoyer"],
    [/^Press (⌘|Ctrl)\+Enter to apply$/, "Appuyez sur Ctrl+Entrée pour valider"],
    [/^Drag and drop (?:files?|a file) here$/, "Glissez-déposez le fichier ici"],
    [/^Limit (\d+)MB per file(.*)$/, "$1 Mo au plus$2"],
    [/^(\d+)MB per file(.*)$/, "$1 Mo au plus$2"],
    [/^Skip to main content$/, "Aller au contenu"],
    [/^Browse files$/, "Choisir un fichier"],
    [/^Upload$/, "Choisir"],
    [/^Running\.\.\.$/, "Chargement…"],
  ];
  // Words of Streamlit's status area (a run, a lost connection) and its tooltips only: the
  // same word typed by a person elsewhere stays as typed.
  const CHROME = '[data-testid="stHeader"], [data-testid="stStatusWidget"], [data-testid="stConnectionStatus"], [role="tooltip"], [data-baseweb="tooltip"]';
  const chromeRules = [
    [/^Stop$/, "Arrêter"],
    [/^Stopping\.\.\.$/, "Arrêt…"],
    [/^Rerun$/, "Relancer"],
    [/^Connecting$/i, "Connexion"],
    [/^Connecting to Streamlit server$/, "Connexion au serveur…"],
    [/^Unable to connect to Streamlit server$/, "Connexion au serveur impossible"],
    [/^Error$/, "Erreur"],
  ];
  // Inside a file field only: a file's size under its name (1.2KB) in French units with a
  // decimal comma, and the refusal of a file type.
  const UPLOADER = '[data-testid="stFileUploader"]';
  const uploaderRules = [
    [/^(\d+)(?:\.(\d+))?\s?(B|KB|MB|GB)$/, (all, whole, part, unit) => whole + (part ? "," + part : "") + " " + {B: "o", KB: "Ko", MB: "Mo", GB: "Go"}[unit]],
    [/^(.+) files are not allowed\.$/, "Les fichiers $1 ne sont pas acceptés."],
  ];
  const labelRules = [
    [/^(Collapse|Close) sidebar$/i, "Fermer le menu"],
    [/^(Expand|Open) sidebar$/i, "Ouvrir le menu : langue, mode médiateur, effacer"],
    [/^Delete$/, "Retirer le fichier"],
    [/^Remove (.+)$/, "Retirer le fichier $1"],
    [/^Cancel upload of (.+)$/, "Annuler l'envoi de $1"],
    [/^Add files$/, "Ajouter des fichiers"],
    [/^Sidebar$/, "Menu"],
    [/^App pages$/, "Pages"],
    [/^Main menu$/, "Menu principal"],
    [/^Help for (.*)$/, "Aide : $1"],
    [/^Help$/, "Aide"],
    [/^progress$/, "Progression"],
    [/^Link to heading$/, "Lien vers ce titre"],
    [/^file upload$/i, "Choisir un fichier"],
    [/^Clear$/, "Effacer"],
    [/^Stop$/, "Arrêter"],
    [/^Stopping\.\.\.$/, "Arrêt…"],
    [/^Connecting to Streamlit server$/, "Connexion au serveur…"],
    [/^Unable to connect to Streamlit server$/, "Connexion au serveur impossible"],
    [/^Running\.\.\.$/, "Chargement…"],
    [/^Show password$/, "Afficher le mot de passe"],
    [/^Hide password$/, "Masquer le mot de passe"],
  ];
  // A widget's label written for markdown (« Loire\-Atlantique ») is its accessible name
  // too: read out without the backslashes.
  const ESCAPED = /\\[!-\/:-@[-`{-~]/;
  const UNESCAPE = /\\([!-\/:-@[-`{-~])/g;
  const fix = (value, rules) => {
    for (const [pattern, french] of rules) if (pattern.test(value)) return value.replace(pattern, french);
    return null;
  };
  // What was put in French, to put Streamlit's own words back after a switch to English
  // (« Aller au contenu » must not stay on an English page).
  const frenchText = new WeakMap();
  const MENU = {fr: "Ouvrir le menu : langue, mode médiateur, effacer", en: "Open the menu: language, mediator mode, clear"};
  window.mdaTranslate = () => {
    const french = window.mdaFrench;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.nodeValue.trim();
      if (!text || text.length > 60) continue;
      if (french) {
        const chrome = node.parentElement && node.parentElement.closest(CHROME);
        const uploader = !chrome && node.parentElement && node.parentElement.closest(UPLOADER);
        const done = fix(text, textRules) || (chrome ? fix(text, chromeRules) : null) || (uploader ? fix(text, uploaderRules) : null);
        if (done) { frenchText.set(node, [text, done]); node.nodeValue = done; }
      } else if (frenchText.has(node)) {
        const [english, done] = frenchText.get(node);
        if (text === done) node.nodeValue = english;
        frenchText.delete(node);
      }
    }
    for (const el of document.querySelectorAll("[aria-label], [title]")) {
      for (const attr of ["aria-label", "title"]) {
        const value = el.getAttribute(attr);
        if (!value) continue;
        if (attr === "aria-label" && ESCAPED.test(value)) { el.setAttribute(attr, value.replace(UNESCAPE, "$1")); continue; }
        if (french) {
          const done = fix(value, labelRules);
          if (done) { el.setAttribute(attr, done); el.setAttribute("data-mda-en-" + attr, value); el.setAttribute("data-mda-fr-" + attr, done); }
        } else if (el.getAttribute("data-mda-fr-" + attr) === value) {
          el.setAttribute(attr, el.getAttribute("data-mda-en-" + attr));
        }
      }
    }
    // What is French by design on an English page (a letter's text) is read out in French.
    document.querySelectorAll('[class*="st-key-lang-fr"]').forEach((el) => setIfChanged(el, "lang", "fr"));
    // Pop-overs (« Terminer et effacer ») open outside the page's landmarks: name them.
    document.querySelectorAll("[data-floating-ui-portal]").forEach((portal, index) => {
      setIfChanged(portal, "role", "region");
      setIfChanged(portal, "aria-label", (french ? "Fenêtre ouverte " : "Open window ") + (index + 1));
    });
    // A confirmation that opens takes the keyboard focus, rather than leaving it 26 Tab presses
    // away at the end of the page: the dialog itself (read out with its name), so that its
    // button (« Oui, tout effacer ») is the next Tab, never pressed by a repeated key.
    document.querySelectorAll('[data-testid="stPopoverBody"]:not([data-mda-focused])').forEach((body) => {
      body.setAttribute("data-mda-focused", "true");
      body.setAttribute("tabindex", "-1");
      setTimeout(() => body.focus(), 0);
    });
    const open = document.querySelector('[data-testid="stExpandSidebarButton"]');
    if (open) {
      open.setAttribute("data-mda-label", "Menu");
      const button = open.tagName === "BUTTON" ? open : open.querySelector("button");
      if (button) setIfChanged(button, "aria-label", french ? MENU.fr : MENU.en);
    }
  };
  // Setting an attribute to the value it has is still a change for the observer below: it
  // would run this again at every frame (60 times a second on a phone, for nothing).
  const setIfChanged = (el, attr, value) => { if (el.getAttribute(attr) !== value) el.setAttribute(attr, value); };
  let pending = false;
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; window.mdaTranslate(); });
  }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["aria-label", "title"]});
  window.mdaTranslate();

  // The live region sits in a closed shadow root: screen readers hear it, but a page
  // search for « Étape 2 sur » (a person's or a test's) finds the visible text only.
  const host = document.createElement("div");
  host.id = "mda-live-host";
  host.className = "mda-sr-only";
  document.body.appendChild(host);
  const live = document.createElement("div");
  live.setAttribute("role", "status");
  live.setAttribute("aria-live", "polite");
  host.attachShadow({mode: "closed"}).appendChild(live);
  window.mdaAnnounce = (token, headingId, prefix) => {
    const first = window.mdaLastScreen === undefined;
    if (window.mdaLastScreen === token) return;
    window.mdaLastScreen = token;
    if (first) return;  // a fresh visit: the browser's focus is at the top already
    const started = Date.now();
    const attempt = () => {
      const heading = document.getElementById(headingId);
      const ready = heading && !heading.closest('[data-stale="true"]') && !document.querySelector('[data-testid="stStatusWidget"]');
      if (!ready) {
        if (Date.now() - started < 5000) setTimeout(attempt, 50);
        return;
      }
      heading.setAttribute("tabindex", "-1");
      heading.focus();
      live.textContent = "";
      window.mdaAnnounced = prefix + heading.innerText.trim();
      setTimeout(() => { live.textContent = window.mdaAnnounced; }, 100);
    };
    attempt();
  };
  window.addEventListener("beforeunload", (event) => {
    if (!window.mdaUnsaved) return;
    event.preventDefault();
    event.returnValue = "";
  });
})();
"""
run_script(_PAGE_SCRIPT.replace("LANG", repr(current_language())).replace("FRENCH", "true" if current_language() == "fr" else "false"))
warn_before_leaving()

if st.session_state.pop("nav.expired", False):
    st.info(_("Vos réponses précédentes ne sont plus en mémoire : elles sont effacées {hours} heures après la dernière action. Si vous les avez téléchargées, reprenez-les depuis l'accueil.").format(hours=memory_hours()), icon=":material/history:")
if st.session_state.get(IDLE_CLEARED) and GOTO not in st.session_state:   # after the switch to the first step
    del st.session_state[IDLE_CLEARED]
    st.info(_("Les réponses de la session précédente ont été effacées après {minutes} minutes sans activité. Pensez aussi à supprimer de cet ordinateur les fichiers téléchargés."
              ).format(minutes=idle_minutes()), icon=":material/timer_off:")

def _sidebar() -> None:
    """Language, mediator mode, « Terminer et effacer », the answers file, who is signed in."""
    with st.sidebar:
        st.radio(
            "Langue / Language",
            list(LANGUAGES),
            format_func=LANGUAGES.__getitem__,
            key=choice_key("w.lang"),
            on_change=_keep_setting,
            args=("lang",),
            horizontal=True,
        )
        st.toggle(
            _("Mode médiateur"),
            key="w.mediator",
            on_change=_keep_setting,
            args=("mediator",),
            help=_("Pour les professionnels (France Services, associations) : écrans plus denses, textes de loi ouverts, et un bouton pour effacer avant la personne suivante."),
        )
        # A confirmation first: the reminder about downloaded files comes with it.
        with st.popover(_("Terminer et effacer"), type="primary" if mediator() else "secondary",
                        help=_("Efface toutes les réponses de cette session, pour commencer un nouveau dossier."),
                        width="stretch"):
            st.markdown(_("**Tout effacer ?** Les réponses de cette session seront effacées de cette page et du serveur."))
            st.warning(_("Pensez aussi à supprimer de cet ordinateur les fichiers téléchargés (courriers, réponses, agenda) : ils contiennent les informations de la personne."), icon=":material/delete:")
            st.button(_("Oui, tout effacer"), on_click=clear_session, type="primary", key="nav.clear", width="stretch")
        if answers():
            download_answers_button("nav.dl.answers")
        if mediator():
            st.markdown(_("Mode médiateur : les réponses sont gardées chiffrées sur le serveur et effacées après {minutes} minutes sans activité (compte à rebours en haut de la page) ou avec « Terminer et effacer ».").format(minutes=idle_minutes()))
        else:
            st.markdown(_("Vos réponses sont gardées chiffrées sur le serveur et effacées {hours} heures après votre dernière action ou avec « Terminer et effacer ».").format(hours=memory_hours()))
        if user() is not None:
            st.markdown(_("Connecté : {name} ({organisation}). Seuls les dossiers que vous enregistrez, avec l'accord de la personne, sont conservés.").format(
                name=escape_markdown(user().name), organisation=escape_markdown(organisation_name())))


@st.cache_resource
def _warm_letters() -> bool:
    """Once per server process, while the person answers: static templates only."""
    from assistant.letters.warm import warm_in_background

    return warm_in_background()


_warm_letters()


@st.cache_resource
def _release_closed_tabs() -> bool:
    """Once per server process: a closed tab's download addresses stop answering."""
    from assistant.pages.closed_tabs import start

    return start()


_release_closed_tabs()


@st.cache_resource
def _log_start() -> bool:
    """Once per server process."""
    import os

    logs.event("app_start", source="app", version=project_version(), pid=os.getpid())
    return True


_log_start()

def _pages() -> list:
    """The menu: the person's pages, and the professional ones once signed in."""
    pages = [
        st.Page(PAGE_FILES["start"], title=_("Accueil"), icon=":material/home:", url_path="accueil", default=True),
        st.Page(PAGE_FILES["interview"], title=_("Vos réponses"), icon=":material/edit_note:", url_path="questions"),
        st.Page(PAGE_FILES["review"], title=_("Vérifier"), icon=":material/fact_check:", url_path="verifier"),
        st.Page(PAGE_FILES["rights"], title=_("Vos droits"), icon=":material/balance:", url_path="droits"),
        st.Page(PAGE_FILES["letters"], title=_("Vos courriers"), icon=":material/mail:", url_path="courriers"),
        st.Page(PAGE_FILES["batch"], title=_("Plusieurs dossiers"), icon=":material/table_view:", url_path="associations"),
        st.Page(PAGE_FILES["account"], title=_("Espace professionnel"), icon=":material/badge:", url_path="espace-pro"),
    ]
    # Saved case files: in the menu for a signed-in professional only, but always known, so
    # that a reload of /dossiers is never « page not found » (each page asks to sign in).
    shown = "visible" if user() is not None else "hidden"
    pages += [
        st.Page(PAGE_FILES["dashboard"], title=_("Dossiers"), icon=":material/folder_open:", url_path="dossiers", visibility=shown),
        st.Page(PAGE_FILES["letter_review"], title=_("Relecture"), icon=":material/rate_review:", url_path="relecture", visibility=shown),
        st.Page(PAGE_FILES["case_file"], title=_("Dossier ouvert"), icon=":material/folder_shared:", url_path="dossier", visibility=shown),
        st.Page(PAGE_FILES["legal_refs_health"], title=_("Textes de loi"), icon=":material/gavel:", url_path="textes-de-loi", visibility=shown),
        st.Page(PAGE_FILES["org_template"], title=_("Modèle de courrier"), icon=":material/description:", url_path="modele-courrier", visibility=shown),
    ]
    return pages


# An error no page expected shows a French message with a number, never a traceback with
# the server's paths (the details go to the server's standard error under that number).
# st.rerun, st.stop and st.switch_page raise BaseException, not Exception: they pass through.
# Each run is logged with its page and duration (ids only: never an answer).
_page_name = None
try:
    _sidebar()
    _page = st.navigation(_pages())
    if _tab_silent:
        await_tab()
    _page_name = _page.url_path or "accueil"
    with logs.timed("page_run", source="app", page=_page_name,
                    organisation_id=user().organisation_id if user() is not None else None):
        _page.run()
except Exception as error:
    show_unexpected_error(error, page=_page_name)
finally:
    # Also after st.stop() or a page switch: the answers as they are now, in server memory.
    persist_session()

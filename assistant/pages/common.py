"""What every page shares: this session's answers, the case built from them, widgets for
one question, the analysis, the answers kept across a reload or a process (sealed drafts
of the store, `session_memory`), and the focus/announcement helper. Nothing here computes
law; nothing personal is written to disk in clear (it lives in `st.session_state` and, for
a limited time, sealed in the store's database through `session_memory`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import string
from dataclasses import dataclass
from typing import Any, Optional

import streamlit as st

from assistant.law import interview as iv
from assistant.pages import session_memory, tab_key
from assistant.pages import faults
from assistant.law.analysis import Analysis, analyse
from assistant.core import logs
from assistant.core.formatting import long_date
from assistant.core.i18n import _, babel_locale, current_language, lib, set_language_source
from assistant.law.legal_refs import LegalRef, LegalRefsError, load_refs
from assistant.law.model import Case, InvalidCase, parse_case
from assistant.letters.file_names import letter_word, slug

# The interface speaks the language of this browser session (the library reads it here).
set_language_source(lambda: st.session_state.get("lang"))

ANSWERS = "answers"          # dict: question id → answer as typed
STEP = "step"                # id of the interview screen shown
ERRORS = "field_errors"      # dict: question id → French messages shown next to it
GOTO = "goto"                # page to switch to at the next run (set by callbacks)
GENERATION = "generation"    # bumped by « Terminer et effacer »: fresh widgets, blank on screen
MEMORY_KEY = "memory_key"    # this session's key to its draft in the store (also in the tab)
# The last draft saved by this session (a digest of it, the moment): an unchanged snapshot
# is written again only to push its expiry back (session_memory.refresh_seconds).
MEMORY_SAVED = "memory.saved"
MEMORY_RETRY = "memory.retry"   # the tab's key whose draft could not be read yet: try again
# How this session's key was settled with its browser tab: "tab" (the tab said what it
# holds), "alone" (the tab never answered: its script is blocked). Absent: not yet.
MEMORY_TAB = "memory.tab"
MEMORY_RUNS = "memory.runs"     # runs of this session, for the mediator's countdown
IDLE_CLEARED = "nav.idle_cleared"
# The professional space (pages/workspace.py): the signed-in user, their organisation's
# name, and the failed sign-ins. « Terminer et effacer » keeps them: the professional stays
# signed in for the next person, and a locked sign-in stays locked.
PRO_KEYS = ("pro.user", "pro.organisation")
# The organisation's address typed for the mandate (case page) stays for the next person.
MANDATE_ADDRESS = "pro.mandate.address"
TRANSLATED_CHOICES = "choices.translated"   # keys of the choice widgets with translated labels (`choice_key`)
KEEP_ON_CLEAR = ("lang", "mediator", GENERATION, *PRO_KEYS, MANDATE_ADDRESS, MEMORY_TAB, MEMORY_RUNS,
                 tab_key.WIDGET_KEY)
# The URL's query parameters: the two settings (nothing personal). `s` carried the answers
# key until December 2026: an address that still has one is cleaned, the key never used.
PARAM_KEY, PARAM_LANG, PARAM_MODE, MEDIATOR_MODE = "s", "lang", "mode", "mediateur"


def answers() -> dict[str, Any]:
    return st.session_state.setdefault(ANSWERS, {})


def mediator() -> bool:
    return bool(st.session_state.get("mediator", False))


def reference_date() -> Optional[dt.date]:
    """The case's `today`: the real date, unless a test pins it in the session."""
    return st.session_state.get("reference_date")


def ui_date(day: Optional[dt.date]) -> str:
    return long_date(day, babel_locale()) if day else _("date inconnue")


def clear_session() -> None:
    """« Terminer et effacer »: forget everything about the person, keep only the settings.
    A callback: the same run tells the tab to forget its key (`restore_session`)."""
    drafts = session_memory.store()
    for key in {st.session_state.get(MEMORY_KEY), st.session_state.get(MEMORY_RETRY)} - {None}:
        drafts.delete(key)   # the draft read back at start, or the one not yet readable
    st.session_state[MEMORY_TAB] = "tab"
    for key in list(st.session_state.keys()):
        if key not in KEEP_ON_CLEAR:
            del st.session_state[key]
    # A browser keeps showing a widget's last value until the widget is replaced: new
    # keys make every field a new, empty widget.
    st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1
    st.session_state[GOTO] = "interview"


def follow_goto() -> None:
    """Page switches requested by button callbacks (callbacks cannot switch pages)."""
    target = st.session_state.pop(GOTO, None)
    if target:
        st.switch_page(PAGE_FILES[target])


PAGE_FILES = {
    "start": "pages/start.py",
    "interview": "pages/interview.py",
    "review": "pages/review.py",
    "rights": "pages/rights.py",
    "letters": "pages/letters.py",
    "batch": "pages/batch.py",
    "account": "pages/account.py",
    "dashboard": "pages/dashboard.py",
    "case_file": "pages/case_file.py",
    "legal_refs_health": "pages/legal_refs_health.py",
    "org_template": "pages/org_template.py",
    "letter_review": "pages/letter_review.py",
}


# --- Case and analysis ------------------------------------------------------------------


@dataclass
class Outcome:
    case: Optional[Case]
    analysis: Optional[Analysis]      # in French: what the letters and the calendar are made from
    messages: list[str]

    @property
    def ok(self) -> bool:
        return self.case is not None

    def shown(self) -> Optional[Analysis]:
        """The analysis with its sentences (notes, date labels) in the session's language."""
        language = current_language()
        if self.case is None or language == "fr":
            return self.analysis
        return analyse(self.case, lang=language)


def outcome() -> Outcome:
    """The case built from the answers and its analysis, or the French messages."""
    try:
        case = iv.checked_case(answers(), reference_date())
    except InvalidCase as error:
        return Outcome(None, None, error.messages)
    return Outcome(case, analyse(case), [])


def case_fingerprint(case: Case) -> str:
    """Identifies the case's content, to reuse letters made for the same answers."""
    raw = json.dumps(case.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()


def require_outcome() -> Outcome:
    """For the result pages: the analysis, or a clear way back to the questions."""
    result = outcome()
    if result.ok:
        return result
    if not answers():
        st.info(_("Répondez d'abord à quelques questions : cela prend moins de dix minutes."))
        st.page_link(PAGE_FILES["interview"], label=_("Commencer les questions"), icon=":material/arrow_forward:")
    else:
        st.warning(_("Quelques réponses manquent ou sont à corriger avant de voir le résultat."))
        st.page_link(PAGE_FILES["review"], label=_("Vérifier mes réponses"), icon=":material/edit:")
    st.stop()
    return result


# --- The texts of law a right or a step rests on ----------------------------------------

@st.cache_resource
def legal_refs() -> dict[str, LegalRef]:
    """The legal references: static data, the same for every session."""
    return dict(load_refs())


def _ref(ref_id: str) -> Optional[LegalRef]:
    try:
        return legal_refs().get(ref_id)
    except LegalRefsError:
        return None


def show_legal_basis(ids: list[str], expanded: bool) -> None:
    if not ids:
        return
    label = _("Les textes de loi ({n})") if current_language() == "fr" else _("Les textes de loi ({n}, en français)")
    with st.expander(label.format(n=len(ids)), expanded=expanded):
        for ref_id in ids:
            ref = _ref(ref_id)
            if ref is None:
                st.markdown(f"- `{ref_id}`")
                continue
            site = ref.site_name
            link = _("Lire le texte sur {site}").format(site=site)
            st.markdown(f"**{escape_markdown(ref.citation[:1].upper() + ref.citation[1:])}**  \n"
                        f"{escape_markdown(lib(ref.summary))}  \n[{link}]({ref.url})")
            if mediator():
                st.markdown(_("Référence {id}, vérifiée le {date}").format(id=ref_id, date=ui_date(ref.verified_on)))


# --- File names ---------------------------------------------------------------------------

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
def file_stem(what: str, case: Any) -> str:
    """`recours-benali-2026-11-23`: the letter, the person's last name, the date."""
    parts = [what, slug(case.claimant.last_name or ""), case.reference_date.isoformat()]
    return "-".join(p for p in parts if p)


def letter_stem(letter: Any, case: Any) -> str:
    return file_stem(letter_word(letter.id, letter.title), case)


# --- One question, as widgets -----------------------------------------------------------


def _suffix() -> str:
    generation = st.session_state.get(GENERATION, 0)
    return f"#{generation}" if generation else ""


def widget_key(question: iv.Question) -> str:
    return f"q.{question.id}{_suffix()}"


def choice_key(key: str) -> str:
    """The key of a radio, selectbox, multiselect, pills or segmented control whose options
    are shown through translated labels, recorded for `keep_choices_at_language_switch`.
    Only choice widgets: Streamlit refuses a value written for a button, a download button,
    a file uploader or a form's submit button. Keys are names, never personal data."""
    st.session_state.setdefault(TRANSLATED_CHOICES, set()).add(key)
    return key


def keep_choices_at_language_switch() -> None:
    """Called when the language changes. Streamlit keeps a choice as its shown label: the
    French label, read with the English labels of the next run, is no answer at all (the
    choice was dropped at the switch, or fell back to the first option). Each recorded
    choice is written back as its value, which Streamlit keeps over the label the browser
    sends. (A choice inside a form not yet submitted is only in the browser: not kept.)"""
    recorded = st.session_state.get(TRANSLATED_CHOICES, set()) & set(st.session_state.keys())
    st.session_state[TRANSLATED_CHOICES] = recorded      # the others' widgets are gone
    for key in recorded:
        st.session_state[key] = st.session_state[key]


def unknown_key(question: iv.Question) -> str:
    return f"q.{question.id}.unknown{_suffix()}"


def sync(question: iv.Question) -> None:
    """Copy a widget's value into the answers (called on every change)."""
    store = answers()
    key = widget_key(question)
    if question.kind == "date" and question.unknown_allowed and st.session_state.get(unknown_key(question)):
        store[question.id] = iv.UNKNOWN
    elif key in st.session_state:
        value = st.session_state[key]
        if value is None or value == "":
            store.pop(question.id, None)
        else:
            store[question.id] = value
    st.session_state.get(ERRORS, {}).pop(question.id, None)


def answer_text(question: iv.Question, value: Any) -> str:
    """An answer as shown on the review screen."""
    if value is None or value == "":
        return _("Pas de réponse")
    if value == iv.UNKNOWN:
        return _("Je ne sais pas (nous retenons ce qui vous protège le mieux)")
    if question.kind in ("choice", "tristate", "yesno"):
        option = next((o for o in iv.options_for(question, answers()) if o.value == value), None)
        return _(option.label) if option else str(value)
    if isinstance(value, dt.date):
        return ui_date(value)
    return str(value)


# CommonMark lets a backslash make any ASCII punctuation mark literal; that alone covers
# links, emphasis, headings, lists, tables, Streamlit's :colour[…], :icons: and $formulas$.
_PUNCTUATION = frozenset(string.punctuation)
# GitHub-flavoured Markdown turns « https://… » and « www.… » into links after the escapes
# are read: an invisible word joiner (U+2060) after « : » and « www » keeps them text. (An
# e-mail address still becomes a mailto: link, harmless, and copies without a hidden
# character.) Leading spaces would start a code block: they go.
_LINK_LITERAL = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)", re.IGNORECASE)
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)
WORD_JOINER = "\u2060"


def escape_markdown(text: str) -> str:
    """Text typed by a person (or generated for a letter) for st.markdown, captions, alerts,
    labels and st.table cells: shown as typed, never as a link or formatting."""
    text = _LINK_LITERAL.sub(WORD_JOINER, _INDENT.sub("", text))
    return "".join("\\" + char if char in _PUNCTUATION else char for char in text)


def linked_markdown(text: str, links: frozenset[str]) -> str:
    """`escape_markdown`, except the web addresses of `links` (the app's own data, e.g.
    `guides.official_links()`): each becomes a real link whose target is exactly that
    address, its text the address as written. Anything else stays text."""
    found = [url for url in sorted(links, key=len, reverse=True) if url in text]
    if not found:
        return escape_markdown(text)
    pattern = re.compile("|".join(re.escape(url) for url in found))
    urls = pattern.findall(text)
    # Private-use marks stand for the links while the rest is escaped (no punctuation in them).
    marked = escape_markdown(pattern.sub(lambda m: f"\ue000{urls.index(m.group())}\ue001", text))
    return re.sub("\ue000(\\d+)\ue001", lambda m: "[{label}](<{url}>)".format(
        url=urls[int(m[1])], label="".join("\\" + c if c in _PUNCTUATION else c for c in urls[int(m[1])])), marked)


# --- An error no page expected ------------------------------------------------------------

# "1": a page's unexpected error goes on to Streamlit's own error box instead (the tests set
# it, so that `at.exception` still catches every bug; a developer may too).
SHOW_ERRORS = "MESDROITS_SHOW_ERRORS"


def error_details(error: BaseException) -> str:
    """Where it failed, and the exception types: never their messages, which may quote what
    the person typed (a name, a file number, their own words)."""
    return logs.safe_traceback(error)


def show_unexpected_error(error: Exception, page: Optional[str] = None) -> str:
    """A French message with an error number on the page, the details under that number in
    the server's log (`assistant.core.logs`, JSON on the standard error); returns the number."""
    if os.environ.get(SHOW_ERRORS) == "1":
        raise error
    number = faults.store_failed(error, page=page)   # the database is down or full: said as such
    if number is not None:
        return number
    number = logs.error("page_error", error, source="app", page=page)
    st.error(_("Une erreur inattendue s'est produite (erreur n° {number}). Vos réponses sont gardées : rechargez la page pour reprendre. Si l'erreur revient, donnez ce numéro à la personne qui s'occupe du service.").format(number=number),
             icon=":material/error:")
    return number


# --- Answers kept across a reload or a process (drafts of the store, key in the tab) ----


def restore_session() -> bool:
    """At the top of every run: the settings from the URL (first run), the key settled with
    the browser tab (`tab_key`), the answers from the store, and the mediator's countdown.
    True when the key is not settled yet: the caller then calls `await_tab`.

    A reload, a lost connection or a reconnection to another app process starts a new
    session; the tab still holds the key. The first run waits for the tab to say so before
    deciding anything (no empty first screen, no false expiry notice). A key the tab holds
    is used only if it finds a draft: otherwise (expired, erased, or made up) the expiry
    notice is shown once, and the tab is told to forget it; a new key is always made here,
    on the server. An old link's `?s=` key is removed from the address and never used.
    """
    state = st.session_state
    if MEMORY_RUNS not in state:         # the session's first run
        params = st.query_params
        if params.get(PARAM_LANG) in ("fr", "en"):
            state["lang"] = params[PARAM_LANG]
        if params.get(PARAM_MODE) == MEDIATOR_MODE:
            state["mediator"] = True
        if PARAM_KEY in params:
            del st.query_params[PARAM_KEY]
    state[MEMORY_RUNS] = state.get(MEMORY_RUNS, 0) + 1
    how = state.get(MEMORY_TAB)
    # Settled: the tab said what it holds, or it never spoke and this session has begun
    # without it (until then, a late word from the tab is still heard).
    if not (how == "tab" or (how == "alone" and (answers() or state.get(MEMORY_KEY)))):
        return True
    if (answers() or state.get(PRO_KEYS[0])) and not state.get(MEMORY_KEY):
        state[MEMORY_KEY] = session_memory.new_key()     # made here, never taken from the tab
    tab_key.mount(state.get(MEMORY_KEY) or "", **_countdown(state[MEMORY_RUNS]))
    return False


def await_tab() -> None:
    """A session that does not know its tab's key yet (its first run, mostly): once
    `st.navigation` has told the browser which page it shows — the tab's answer reruns that
    page, not the default one — and before the page runs, ask the tab (a reload, or a
    reconnection to another process after a click). Its answer comes as a rerun. Then the
    key is settled; if the tab held one, the script runs
    again, so that every part of the page shows the restored answers (or the expiry notice,
    with the tab told at once to forget the key). If the tab never answers (its script is
    blocked), the session goes on without it: the answers stay in this session only."""
    state = st.session_state
    reported = tab_key.mount(None)
    if reported is None:
        if state.get(MEMORY_TAB) != "alone":
            tab_key.wait_for_tab()       # the tab's answer reruns the script before this returns
            state[MEMORY_TAB] = "alone"
        return
    if reported and not _restore(reported):
        return                           # the store could not be read: try again at the next run
    state[MEMORY_TAB] = "tab"
    if reported:
        st.rerun()


def _restore(key: str) -> bool:
    """The answers of the draft under `key`, if there is one; False when the store could
    not be read (the key is kept to try again; nothing is shown about it but an error number)."""
    state = st.session_state
    try:
        snapshot = session_memory.store().load(key)
    except Exception as error:   # the database is unreachable: the answers are not lost, try again
        state[MEMORY_RETRY] = key
        show_unexpected_error(error, page="restore")
        return False
    state.pop(MEMORY_RETRY, None)
    if snapshot is None:
        state["nav.expired"] = True
        return True
    state[MEMORY_KEY] = key
    # After a failed first read, what was answered meanwhile comes on top of the draft.
    state[ANSWERS] = {**snapshot.get("answers", {}), **state.get(ANSWERS, {})}
    for name in (STEP, "lang", "mediator"):
        if snapshot.get(name) is not None:
            state[name] = snapshot[name]
    _restore_sign_in(snapshot.get("pro"))
    return True


def _restore_sign_in(pro: Optional[dict]) -> None:
    """A reload (F5) keeps a professional signed in: the user as signed in, from the sealed
    draft; each professional page then asks the store again (`workspace.refreshed_user`),
    so a disabled account or a changed password still ends the session."""
    from assistant.casefiles.roles import User

    if not pro or st.session_state.get(PRO_KEYS[0]) is not None:
        return
    try:
        st.session_state[PRO_KEYS[0]] = User.model_validate(pro["user"])
    except (KeyError, TypeError, ValueError):
        return                                # a draft of another version: sign in again
    st.session_state[PRO_KEYS[1]] = pro.get("organisation")


def _countdown(run: int) -> dict[str, Any]:
    """The mediator's idle countdown for `tab_key.mount`: in mediator mode, once there is
    something to erase."""
    if not mediator() or not (answers() or st.session_state.get(MEMORY_KEY)):
        return {}
    idle = session_memory.mediator_idle_seconds()
    return {"idle": idle, "refresh": session_memory.refresh_seconds(idle), "run": run,
            "on_idle": clear_after_idle, "texts": {
                "minutes": _("Effacement automatique dans {n} min"),
                "seconds": _("Effacement automatique dans {n} s"),
                "warning": _("Sans action de votre part, les réponses de cette session seront effacées dans moins d'une minute."),
                "still_here": _("Je suis encore là"),
            }}


def clear_after_idle() -> None:
    """The mediator's countdown ended in the browser (it already forgot the key): the same
    erasing as « Terminer et effacer », and a notice for whoever comes next."""
    clear_session()
    st.session_state[IDLE_CLEARED] = True


def idle_minutes() -> str:
    minutes = session_memory.mediator_idle_seconds() / 60
    return f"{minutes:g}".replace(".", ",") if current_language() == "fr" else f"{minutes:g}"


def persist_session() -> None:
    """At the end of every run: keep the answers in the store, and the URL in step. No
    draft before the first answer; an unchanged one is saved again only to push its expiry
    back (`session_memory.refresh_seconds`). A mediator's draft lives only the idle time
    (and a little more: `session_memory.mediator_ttl`)."""
    import time

    answered = st.session_state.get(ANSWERS)
    key = st.session_state.get(MEMORY_KEY)
    signed = st.session_state.get(PRO_KEYS[0])
    if (answered or key or signed) and MEMORY_RETRY not in st.session_state and MEMORY_TAB in st.session_state:
        if not key:   # answers given by the page itself, not a callback: the tab gets it next run
            key = st.session_state[MEMORY_KEY] = session_memory.new_key()
        snapshot = {"answers": answered or {}, STEP: st.session_state.get(STEP),
                    "lang": st.session_state.get("lang"), "mediator": mediator()}
        if signed is not None:   # sealed like the answers: a reload keeps the professional signed in
            snapshot["pro"] = {"user": signed.model_dump(mode="json"), "organisation": st.session_state.get(PRO_KEYS[1])}
        digest = hashlib.sha256(repr(snapshot).encode("utf-8")).hexdigest()
        ttl = session_memory.mediator_ttl() if mediator() else None
        refresh = session_memory.refresh_seconds(session_memory.mediator_idle_seconds() if mediator()
                                                 else session_memory.ttl_from_environment())
        last = st.session_state.get(MEMORY_SAVED)
        if not last or last[0] != digest or time.monotonic() - last[1] > refresh:
            try:
                if session_memory.store().save(key, snapshot, ttl=ttl):
                    st.session_state[MEMORY_SAVED] = (digest, time.monotonic())
            except Exception as error:   # the database is unreachable: kept here, saved at the next click
                logs.error("draft_save_failed", error, source="app")
                faults.unsaved(error)   # said at the top of the page: the answers stay here
    wanted = {PARAM_KEY: None, PARAM_LANG: "en" if current_language() == "en" else None,
              PARAM_MODE: MEDIATOR_MODE if mediator() else None}
    for name, value in wanted.items():
        if value and st.query_params.get(name) != value:
            st.query_params[name] = value
        elif not value and name in st.query_params:
            del st.query_params[name]


def memory_hours() -> str:
    """How long answers are kept after the last action, for the sentences that say so."""
    hours = session_memory.hours()
    return f"{hours:g}".replace(".", ",") if current_language() == "fr" else f"{hours:g}"


# --- « Télécharger mes réponses » / « Reprendre » -----------------------------------------

RESUME_ERROR = "nav.resume_error"
MAX_ANSWERS_FILE = 200_000  # bytes: a case file is a few kilobytes


def answers_file() -> bytes:
    """The answers as a case file (CONTRACT §1), readable by `python -m assistant` too.

    Unanswered questions are left out: a file made halfway is resumed halfway.
    """
    case = iv.case_dict(answers())
    return json.dumps(case, ensure_ascii=False, indent=2).encode("utf-8")


def answers_file_name() -> str:
    last_name = str(answers().get("claimant.last_name") or "").strip()
    slug = "".join(c if c.isalnum() else "-" for c in _ascii(last_name).lower()).strip("-")
    today = reference_date() or dt.date.today()
    return f"reponses-{slug + '-' if slug else ''}{today.isoformat()}.json"


def _ascii(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _missing(data: dict, path: str) -> bool:
    for part in path.split("."):
        if not isinstance(data, dict) or part not in data:
            return True
        data = data[part]
    return False


def _fill(data: dict, path: str, value: Any) -> None:
    """Put `value` at a dotted path left empty (a wrong type is left for validation to name)."""
    *parents, last = path.split(".")
    for part in parents:
        data = data.setdefault(part, {})
        if not isinstance(data, dict):
            return
    if data.get(last) in (None, ""):
        data[last] = value


def answers_from_file(raw: bytes) -> dict[str, Any]:
    """The answers in a file made by « Télécharger mes réponses » (or any case file).

    Raises InvalidCase with French messages when the file cannot be resumed.
    """
    if len(raw) > MAX_ANSWERS_FILE:
        raise InvalidCase([_("Ce fichier est trop gros pour être un fichier de réponses.")])
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise InvalidCase([_("Ce fichier n'est pas un fichier de réponses : choisissez le fichier .json téléchargé avec « Télécharger mes réponses ».")]) from None
    if not isinstance(data, dict) or not data:
        raise InvalidCase([_("Ce fichier ne contient pas de réponses : choisissez le fichier .json téléchargé avec « Télécharger mes réponses ».")])
    data.pop("today", None)  # deadlines are counted from the real date
    # Check the shape with neutral values standing in for the answers not given yet.
    checked = json.loads(json.dumps(data))
    for path, value in iv.PLACEHOLDERS.items():
        _fill(checked, path, value)
    if reference_date():
        checked["today"] = reference_date().isoformat()
    try:
        parse_case(checked)
    except InvalidCase as error:
        raise InvalidCase([_("Ce fichier ne peut pas être repris : il ne correspond pas à un fichier de réponses. Vos réponses actuelles n'ont pas changé. Détail :"), *error.messages]) from None
    restored = iv.answers_from_case(data)
    # answers_from_case fills every question; keep only what the file really answers.
    return {qid: value for qid, value in restored.items()
            if not (iv.QUESTIONS[qid].in_case and iv.QUESTIONS[qid].from_case is None and _missing(data, qid))}


def resume_from_upload(widget_key_: str) -> None:
    """Callback of the « Reprendre » file field: the file's answers replace the current ones."""
    upload = st.session_state.get(widget_key_)
    if upload is None:
        return
    try:
        restored = answers_from_file(upload.getvalue())
    except InvalidCase as error:
        st.session_state[RESUME_ERROR] = error.messages  # the current answers stay as they were
        return
    st.session_state.pop(RESUME_ERROR, None)
    st.session_state[ANSWERS] = restored
    st.session_state[ERRORS] = {}
    st.session_state.pop(STEP, None)
    st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1  # widgets re-seeded
    # A file made halfway opens on its first question left to answer; a complete one, on the review.
    step = iv.first_step_to_answer(restored, reference_date())
    if step is not None:
        st.session_state[STEP] = step
    st.session_state[GOTO] = "review" if step is None else "interview"


def resume_widget() -> None:
    """« Reprendre »: a file field for an answers file, with its messages."""
    key = f"resume{_suffix()}"
    st.file_uploader(_("Reprendre avec un fichier de réponses (.json)"), type=["json"], key=key,
                     on_change=resume_from_upload, args=(key,), max_upload_size=1,
                     help=_("Le fichier téléchargé avec « Télécharger mes réponses ». Vos réponses actuelles sont remplacées ; rien n'est perdu si le fichier ne convient pas."))
    for message in st.session_state.get(RESUME_ERROR, []):
        st.error(message, icon=":material/error:")


def download_answers_button(key: str) -> None:
    st.download_button(
        _("Télécharger mes réponses"), data=answers_file(), file_name=answers_file_name(),
        mime="application/json", on_click="ignore", key=key, icon=":material/download:", width="stretch",
        help=_("Un fichier .json avec vos réponses, pour reprendre plus tard avec « Reprendre ». Il contient vos informations personnelles : gardez-le pour vous."))


# --- Browser-side helpers: focus, announcements, leaving the page -------------------------

# Scripts run in the page (not in an iframe); their containers are hidden by the app's CSS.
_JS_FLAG = '<div class="mda-js" hidden></div>'


def run_script(script: str) -> None:
    st.html(_JS_FLAG + f"<script>{script}</script>", unsafe_allow_javascript=True)


def announce_step(n: Optional[int], total: Optional[int], heading_id: str) -> None:
    """After a screen change, move the focus to the new screen's heading and have screen
    readers say « Étape n sur N : <heading> » (just the heading when `n` is None).

    Call it once per run on every screen, right after the heading, e.g.
    `st.title(_(step.title), anchor=f"etape-{step.id}")` then
    `announce_step(position, len(steps), f"etape-{step.id}")`. The `heading_id` must be
    unique to the screen (two screens sharing it would look like no change). Nothing
    happens on a run that stays on the same screen (typing, ticking a box), nor on the
    very first screen of a visit, where the browser's own focus is right.
    """
    prefix = _("Étape {n} sur {total}").format(n=n, total=total) + " : " if n and total else ""
    token = json.dumps(f"{heading_id}|{n}|{total}|{st.session_state.get(GENERATION, 0)}")
    run_script(f"window.mdaAnnounce && window.mdaAnnounce({token}, {json.dumps(heading_id)}, {json.dumps(prefix)});")


def warn_before_leaving() -> None:
    """Ask the browser to confirm a page leave while answers exist (beforeunload)."""
    run_script(f"window.mdaUnsaved = {'true' if answers() else 'false'};")

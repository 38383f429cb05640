"""What people see when the store fails under them (issue 19, « Bad input and faults »):
PostgreSQL stopped, the disk full, the drafts table at its cap. Never a traceback: a short
French sentence that says the answers are still on the page, and an error number for the
operator (the details go to the log under it, `core/logs.py`).

The answers are never lost meanwhile: they stay in this session (`common.persist_session`
keeps trying at every click and saves them once the database is back). The notice goes in
a place kept at the top of the page (`open_slot`, called first by every run), so that it is
seen even though the save happens at the end of the run.
"""

from __future__ import annotations

from typing import Optional

import streamlit as st

from assistant.casefiles.drafts import DraftsFull
from assistant.casefiles.store import failure_kind
from assistant.core import logs
from assistant.core.i18n import _

SLOT = "faults.slot"    # this run's place at the top of the page: (st.empty, its container once used)


def open_slot() -> None:
    """At the top of every run: the place where a notice of this run goes (it takes no room
    while empty)."""
    st.session_state[SLOT] = [st.empty(), None]


def _show(message: str, error: bool = False) -> None:
    slot = st.session_state.get(SLOT)
    if slot is not None and slot[1] is None:
        slot[1] = slot[0].container()      # every notice of this run goes in it, one under the other
    place = slot[1] if slot is not None else st
    if error:
        place.error(message, icon=":material/cloud_off:")
    else:
        place.warning(message, icon=":material/cloud_off:")


def unsaved(error: BaseException) -> None:
    """The answers could not be saved at the end of this run (`common.persist_session`, which
    logged it): say so, and that they are kept on this page until the next click saves them."""
    if isinstance(error, DraftsFull):
        _show(_("Le service est très demandé et ne peut pas garder vos réponses sur le serveur pour l'instant. "
                "Vos réponses sont gardées sur cette page : ne fermez pas cet onglet, et téléchargez-les (menu) pour ne rien perdre."))
        return
    _show(_("Le service ne peut pas enregistrer vos réponses pour l'instant. Vos réponses sont gardées sur cette page : "
            "continuez, elles seront enregistrées à votre prochain clic dès que le service sera revenu. "
            "Ne fermez pas cet onglet ; pour plus de sûreté, téléchargez vos réponses (menu)."))


def store_failed(error: BaseException, page: Optional[str] = None) -> Optional[str]:
    """An error of a page that is the database's state (down, or its disk full): a French
    message with an error number instead of « erreur inattendue »; returns the number, or
    None when it is not the database (the caller shows it as a bug)."""
    kind = failure_kind(error)
    if kind is None:
        return None
    number = logs.error("page_error", error, source="app", page=page)
    _show(_("Le service ne peut pas lire ou écrire ses données pour l'instant (erreur n° {number}). "
            "Vos réponses ne sont pas perdues : réessayez dans quelques minutes. Si cela dure, donnez ce numéro "
            "à la personne qui s'occupe du service.").format(number=number), error=True)
    return number


def case_not_saved(error: BaseException) -> Optional[str]:
    """« Enregistrer le dossier » failed because of the database: the sentence for the
    page (the case is not half-saved: one transaction), or None when it is not the database."""
    kind = failure_kind(error)
    if kind is None:
        return None
    number = logs.error(f"case_save_store_{kind}", error, source="app")
    return _("Le dossier n'a pas été enregistré : le service ne peut pas écrire ses données pour l'instant "
             "(erreur n° {number}). Les réponses restent sur cette page : réessayez dans quelques minutes.").format(number=number)

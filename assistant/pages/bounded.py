"""Text boxes with a length limit that never drop a paste silently.

With `max_chars`, Streamlit's box refuses a paste longer than the limit and says nothing:
the lawyer who pasted a paragraph, the volunteer who pasted an answer, sees an empty box.
These boxes have no limit in the browser; the form's button first cuts each box to its
limit (`cut_to_limits`, in the button's callback), keeps what fits, and stops so that the
person reads the end again; the box then says how long the text was. The interview does the
same for its questions (`interview._sync`).
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

import streamlit as st

from assistant.core.formatting import number
from assistant.core.i18n import _, babel_locale

CUT = "bounded.cut"   # widget key → the length of the text that was cut


def cut_to_limits(limits: Mapping[str, int]) -> bool:
    """In a button's callback: each box longer than its limit keeps what fits. True when one
    was cut: the callback then does nothing more, the person reads the end again."""
    cut = st.session_state.setdefault(CUT, {})
    any_cut = False
    for key, limit in limits.items():
        typed = st.session_state.get(key)
        if isinstance(typed, str) and len(typed) > limit:
            st.session_state[key] = typed[:limit]
            cut[key] = len(typed)
            any_cut = True
        else:
            cut.pop(key, None)
    return any_cut


def _box(widget: Any, label: str, key: str, limit: int, value: Optional[str], kwargs: dict) -> None:
    if value is not None and key not in st.session_state:
        kwargs["value"] = value   # a first value only: afterwards the box holds what was typed
    widget(label, key=key, **kwargs)
    typed = st.session_state.get(CUT, {}).get(key)
    if typed:
        with st.container(key=f"cut.{key}"):
            cut_warning(typed, limit)


def cut_warning(typed: int, limit: int) -> None:
    """The one sentence that says a text was cut (here and in the interview)."""
    st.warning(_("Votre texte faisait {n} caractères : seuls les {limit} premiers sont gardés. Relisez la fin.").format(
        n=number(typed, babel_locale()), limit=number(limit, babel_locale())), icon=":material/content_cut:")


def text_input(label: str, *, key: str, limit: int, value: Optional[str] = None, **kwargs: Any) -> None:
    """st.text_input without the browser's limit; `cut_to_limits` applies it."""
    _box(st.text_input, label, key, limit, value, kwargs)


def text_area(label: str, *, key: str, limit: int, value: Optional[str] = None, **kwargs: Any) -> None:
    """st.text_area without the browser's limit; `cut_to_limits` applies it."""
    _box(st.text_area, label, key, limit, value, kwargs)

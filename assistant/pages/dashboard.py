"""« Dossiers »: the saved case files of your organisation, by next due date (overdue
first), with the counts per period and filters by body, benefit, status and period; one
click opens a case file. Everything comes from `casefiles.dashboard`; each case also says, in
words, how many of its letters are in review, approved or drafts (`review_status`). Those who
approve are told first of the letters waiting for review whose last day is close."""

from __future__ import annotations

import html

import streamlit as st

from assistant.law import interview as iv
from assistant.casefiles.crypto import SealError
from assistant.core.formatting import last_day
from assistant.core.i18n import _
from assistant.pages.common import GOTO, announce_step, choice_key, clear_session, escape_markdown, follow_goto, ui_date
from assistant.pages.workspace import (
    BUCKET_LABELS, CASE_ID, REFUSALS, benefit_label, case_store, organism_label, refusal,
    require_user, review_line, show_notice, situation_label, status_label, store_unavailable, today,
    urgent_review_notice,
)
from assistant.casefiles.review_status import counts_by_case
from assistant.casefiles.dashboard import BUCKETS, dashboard
from assistant.casefiles.store import Status

follow_goto()

PAGE_SIZE = 50
SHOWN = "pro.dashboard.limit"
ALL = ""  # the « Tous » choice of a filter


def _open(case_id: str) -> None:
    st.session_state[CASE_ID] = case_id
    st.session_state[GOTO] = "case_file"


def _more() -> None:
    st.session_state[SHOWN] = st.session_state.get(SHOWN, PAGE_SIZE) + PAGE_SIZE


def _filters_changed() -> None:
    st.session_state.pop(SHOWN, None)


def _filter(label: str, values: list[str], shown, key: str, default: str = ALL) -> str:
    options = [ALL, *values]
    return st.selectbox(label, options, index=options.index(default), key=choice_key(key), on_change=_filters_changed,
                        format_func=lambda v: _("Tous") if v == ALL else shown(v))


actor = require_user()
day = today()

st.title(_("Dossiers"), anchor="dossiers")
announce_step(None, None, "dossiers")
show_notice()
urgent_review_notice(actor, day, link=True)
# A new person: the answers of the previous one go first (the professional stays signed in).
st.button(_("Nouveau dossier : commencer les questions"), on_click=clear_session, key="pro.new", icon=":material/add:")

st.header(_("Filtrer"), anchor="filtrer")
left, right = st.columns(2)
with left:
    organism = _filter(_("Organisme"), [o.value for o in iv.ORGANISMS], organism_label, "pro.f.organism")
    status = _filter(_("Statut"), [s.value for s in Status], status_label, "pro.f.status", Status.open.value)
with right:
    benefit = _filter(_("Prestation"), [b.value for b in iv.BENEFITS], benefit_label, "pro.f.benefit")
    bucket = _filter(_("Échéance"), list(BUCKETS), lambda b: _(BUCKET_LABELS[b]), "pro.f.bucket")

limit = st.session_state.get(SHOWN, PAGE_SIZE)
try:
    board = dashboard(case_store(), day, actor=actor, organism=organism or None, benefit=benefit or None,
                      status=status or None, bucket=bucket or None, limit=limit)
except REFUSALS as error:
    st.error(refusal(error), icon=":material/block:")
    st.stop()
except SealError as error:
    store_unavailable(error)

st.header(_("Échéances"), anchor="echeances")
for column, name in zip(st.columns(len(BUCKETS)), BUCKETS):
    column.metric(_(BUCKET_LABELS[name]), board.counts.get(name, 0))
st.caption(_("« Cette semaine » : dans les 7 prochains jours, à compter du {date}.").format(date=ui_date(day)))

matching = board.counts.get(bucket, 0) if bucket else board.total
st.header(_("Les dossiers ({n})").format(n=matching), anchor="liste")
if not board.rows:
    st.info(_("Aucun dossier ne correspond à ces filtres."))
try:
    letters = counts_by_case(case_store(), [row.id for row in board.rows], actor=actor)
except REFUSALS:
    letters = {}
except SealError as error:
    store_unavailable(error)
for row in board.rows:
    name = row.name or _("Dossier sans nom")
    with st.container(border=True):
        st.subheader(escape_markdown(name), anchor=False)
        st.markdown(" · ".join(escape_markdown(part) for part in (
            organism_label(row.organism), benefit_label(row.benefit), situation_label(row.situation))))
        if row.next_due is None:
            due = _("Pas d'échéance à venir")
        elif row.bucket == "overdue":
            due = _("En retard : échéance du {date}").format(date=ui_date(row.next_due))
        else:
            due = _("Prochaine échéance : {last_day}").format(last_day=last_day(row.next_due, today()))
        style = "mda-overdue" if row.bucket == "overdue" else "mda-due"
        status_text = "" if row.status == Status.open.value else f" — {html.escape(status_label(row.status))}"
        st.markdown(f'<p class="{style}">{html.escape(due)}{status_text}</p>', unsafe_allow_html=True)
        review = review_line(letters.get(row.id, {}))
        if review:
            st.markdown(_("**Courriers :** {review}").format(review=escape_markdown(review)))
        st.button(_("Ouvrir le dossier : {name}").format(name=escape_markdown(name)), key=f"pro.open.{row.id}", on_click=_open,
                  args=(row.id,), icon=":material/folder_open:")
if len(board.rows) < matching:
    st.button(_("Afficher {n} dossiers de plus").format(n=PAGE_SIZE), on_click=_more, key="pro.more")

"""Your rights: what to do now and by when (first, big when close), then each right with
why it applies to you and the texts it rests on."""

from __future__ import annotations

import streamlit as st

from assistant.core.formatting import last_day
from assistant.core.i18n import _, lib
from assistant.pages import common
from assistant.pages.common import (
    GOTO, escape_markdown, follow_goto, mediator, require_outcome, show_legal_basis, ui_date,
)

follow_goto()

CLOSE_DAYS = 21  # "close": three weeks or less left


def _to_letters() -> None:
    st.session_state[GOTO] = "letters"


result = require_outcome()
case, analysis = result.case, result.shown()
appeal = analysis.appeal
today = case.reference_date
# The engine's dates that bound the route itself: shown next to it, not only in the list.
ROUTE_DATES = ("court_limit", "reasonable_time", "radiation_mediation")


def date_line(deadline) -> str:
    """A dated step; one already past is said to be past, never offered as a target."""
    if deadline.date < today:
        return _("{label} : cette date ({date}) est passée.").format(
            label=escape_markdown(deadline.label), date=ui_date(deadline.date))
    return f"**{ui_date(deadline.date)}** — {escape_markdown(deadline.label)}"


def _still_open() -> None:
    """After a passed date: the dates the engine still gives ahead, if any."""
    ahead = [d for d in analysis.deadlines if d.date >= today and d.id != "appeal"]
    if ahead:
        st.markdown(_("**Ce qui reste ouvert :**"))
        st.markdown("\n".join(f"- {date_line(d)}" for d in ahead))
    st.markdown(_("Vos autres droits sont expliqués plus bas : certains ne dépendent pas de ce délai."))


st.title(_("Vos droits"), anchor="vos-droits")
if hasattr(common, "announce_step"):
    common.announce_step(None, None, "vos-droits")


def _deadline_banner():
    try:
        from assistant.pages.banner import deadline_banner
    except Exception:
        return None
    return deadline_banner


# Issue 9 §1: the safe date first, the same on every page (pages/banner.py, another
# engineer's); until it exists, the box below says it.
if _deadline_banner() is not None:
    _deadline_banner()(result)

with st.container(border=True):
    st.header(_("Ce que vous pouvez faire maintenant"))
    if case.history.appeal_filed_on:
        st.info(_("Vous avez fait votre recours le {date}. Gardez la preuve d'envoi ; les dates qui suivent sont plus bas.").format(
            date=ui_date(case.history.appeal_filed_on)))
    elif appeal.deadline is None and case.decision.is_written:
        st.warning(_("Sans la date de la décision ni celle de sa réception, nous ne pouvons pas calculer la date limite : contestez au plus vite."))
    elif appeal.deadline is None:
        st.info(_("Aucun délai ne court contre vous : vous n'avez pas reçu de décision écrite. Demandez-la (c'est le premier courrier proposé) ; le délai pour contester ne partira qu'à sa réception."))
    elif not appeal.deadline_opposable and any(d.id in ROUTE_DATES and d.date < today for d in analysis.deadlines):
        st.warning(_("La décision n'indique pas comment la contester, mais une date limite indiquée ci-dessous est déjà passée. Un recours reste parfois possible : parlez-en à un conseiller ou au Défenseur des droits."))
        _still_open()
    elif not appeal.deadline_opposable:
        st.info(_("Le délai ne court pas : la décision n'indique pas comment la contester ni dans quel délai. Vous pouvez encore contester."))
        if appeal.deadline >= today:
            st.markdown(_("Par prudence, envoyez votre recours **{last_day}** si vous le pouvez.").format(
                last_day=last_day(appeal.deadline, today)))
        else:
            st.markdown(_("La date que nous conseillions par prudence, le {date}, est passée : contestez dès que possible.").format(
                date=ui_date(appeal.deadline)))
    else:
        days = appeal.days_left
        box = st.error if days <= CLOSE_DAYS else st.warning
        if days < 0:
            box(_("Le délai pour contester a expiré le {date}. Un recours reste parfois possible : parlez-en à un conseiller ou au Défenseur des droits.").format(date=ui_date(appeal.deadline)))
            _still_open()
        else:
            box(_("Contestez {last_day}.").format(last_day=last_day(appeal.deadline, today)), icon=":material/alarm:")
    if appeal.route == "none":
        st.markdown(_("**Pas de recours préalable** : vous contestez directement devant le tribunal ({body}).").format(
            body=escape_markdown(appeal.body)))
    else:
        kind = _("obligatoire") if appeal.compulsory else _("possible, pas obligatoire")
        st.markdown(_("**Votre recours** ({kind}) s'adresse à : {body}").format(kind=kind, body=escape_markdown(appeal.body)))
        st.markdown(_("**Ensuite**, si le recours est rejeté : {court}.").format(court=escape_markdown(lib(appeal.court))))
    if appeal.mediation_before_court:
        st.markdown(_("Avant le tribunal, une médiation est obligatoire."))
    route_dates = [d for d in analysis.deadlines if d.id in ROUTE_DATES]
    if route_dates and not case.history.appeal_filed_on:
        st.markdown("\n".join(f"- {date_line(d)}" for d in route_dates))
    for detail in appeal.note_details:
        box = st.warning if detail.key == "route.unverified" else st.info
        box(escape_markdown(detail.text), icon=":material/info:")
    basis = [*appeal.legal_basis, *(i for n in appeal.note_details for i in n.legal_basis),
             *(i for d in route_dates for i in d.legal_basis)]
    show_legal_basis(list(dict.fromkeys(basis)), expanded=mediator())
    st.button(_("Voir mes courriers →"), type="primary", on_click=_to_letters, key="to_letters_top")

# The appeal's own safe date, once passed while the time limit does not run, is no limit:
# the box above says so; listing it as « passed » would say the opposite. Dates shown
# with the route are not repeated.
listed = [d for d in analysis.deadlines
          if not (d.id == "appeal" and not appeal.deadline_opposable and d.date < today)
          and not (d in route_dates and not case.history.appeal_filed_on)]
if listed:
    st.header(_("Les dates à retenir"))
    ahead = [d for d in listed if d.date >= today]
    past = [d for d in listed if d.date < today]
    if ahead:
        st.markdown("\n".join(f"- {date_line(d)}" for d in ahead))
    if past:
        st.markdown(_("**Dates déjà passées :**"))
        st.markdown("\n".join(f"- {date_line(d)}" for d in past))

st.header(_("Vos droits, un par un"))
# Rights are translated by the engine (`analyse(case, lang)`); `lib` covers the sentences
# it does not translate yet and leaves the others as they are.
for right in analysis.rights:
    with st.container(border=True):
        st.subheader(lib(right.title))
        st.markdown(escape_markdown(lib(right.summary)))
        st.markdown(_("**Pourquoi cela vous concerne :**"))
        st.markdown("\n".join(f"- {escape_markdown(lib(fact))}" for fact in right.why))
        show_legal_basis(right.legal_basis, expanded=mediator())

st.button(_("Voir mes courriers →"), type="primary", on_click=_to_letters, key="to_letters_bottom")

"""« Textes de loi »: every legal reference of the tool with its date of verification, its
age, its official text and where it is used; those verified longer ago than the chosen age
come first. A corrected entry (YAML, the format of `legal_refs/`) shows field by field what
it changes and what it touches: letter paragraphs, sentences and rules, modules, and the
saved letters of the user's organisation that cite it. Nothing is written: the references
change only when the correction is made in `legal_refs/`.

Thin: everything comes from `assistant.letters.refs_health` (the same report as `python -m
assistant refs check`).
"""

from __future__ import annotations

import html
import json
from typing import Any

import streamlit as st
from babel.dates import format_date

from assistant.law import legal_refs as law
from assistant.core.i18n import N_, _, babel_locale
from assistant.pages.common import announce_step, choice_key, escape_markdown, follow_goto, ui_date
from assistant.pages.workspace import (
    REFUSALS, case_store, letter_status_label, letter_title, open_case, organisation_name, refusal, require_user,
    today,
)
from assistant.letters.refs_health import DEFAULT_MAX_AGE_DAYS, RefsInputError, Usage, check

follow_goto()

MAX_AGE = "pro.refs.max_age"
STALE_ONLY = "pro.refs.stale_only"
DETAIL = "pro.refs.detail"
UPLOAD = "pro.refs.upload"

KIND_LABELS = {
    "paragraph": N_("Paragraphes de courriers"),
    "catalogue": N_("Autres textes des courriers (procédure, fiche d'envoi)"),
    "sentence": N_("Phrases et règles de l'analyse"),
    "module": N_("Modules du programme"),
    "reference": N_("Notes d'autres textes"),
}
STATUS_LABELS = {"verified": N_("vérifié"), "corrected": N_("corrigé"), "secondary": N_("secondaire")}


class _Uploaded:
    """The uploaded file as `refs_health` reads a path (its name, its text), kept in memory:
    nothing is written to the server's disk."""

    def __init__(self, name: str, data: bytes):
        self.name, self.data = name, data

    def read_text(self, encoding: str = "utf-8") -> str:
        return self.data.decode(encoding)

    def __str__(self) -> str:
        return self.name


class _OrganisationStore:
    """The store as the signed-in user sees it: `refs_health.affected_saved_letters` reads
    `list()` and `letters()`, here only the cases of the user's organisation."""

    def __init__(self, store: Any, actor: Any):
        self.store, self.actor, self.names = store, actor, {}

    def list(self) -> list:
        cases = self.store.list(actor=self.actor)
        for saved in cases:
            claimant = saved.case.claimant
            last = (claimant.last_name or "").strip()
            self.names[saved.id] = f"{claimant.first_name or ''} {last[:1] + '.' if last else ''}".strip()
        return cases

    def letters(self, case_id: str) -> list:
        return self.store.letters(case_id, actor=self.actor)


def _kind_label(kind: str) -> str:
    return _(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


def _place(usage: Usage) -> str:
    """One place of use, in words: a letter's paragraph by its title and key."""
    if usage.kind == "paragraph" and "." in usage.where:
        letter_id, key = usage.where.split(".", 1)
        text = _("{letter} : paragraphe « {key} »").format(letter=letter_title(letter_id), key=key)
    else:
        text = usage.where
    if usage.via:
        text += " " + _("(selon le dossier, par {token})").format(token=usage.via)
    return text


def _places(usages: list[Usage]) -> int:
    return len({(u.kind, u.where) for u in usages})


def show_usages(usages: list[Usage]) -> None:
    """Where a reference is used, by kind of place."""
    if not usages:
        st.markdown(_("Aucun emploi trouvé : ni courrier, ni phrase, ni module."))
        return
    for kind in KIND_LABELS:
        places = list(dict.fromkeys(_place(u) for u in usages if u.kind == kind))
        if places:
            st.markdown(f"**{escape_markdown(_kind_label(kind))}** ({len(places)})")
            st.markdown("\n".join(f"- {escape_markdown(p)}" for p in places))


def _value(value: Any) -> str:
    if value is None:
        return _("(vide)")
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value)


def _table(rows: list, refs: dict) -> str:
    """A real HTML table (not a canvas grid): screen readers and searches can read it."""
    head = [_("Texte"), _("Vérifié le"), _("Âge (jours)"), _("État"), _("Statut"), _("Emplois"), _("Texte officiel")]
    caption = _("Les textes de loi, ceux à revérifier en premier")
    stale, fresh = _("À revérifier"), _("À jour")
    lines = ['<table class="mda-refs">', f"<caption>{html.escape(caption)}</caption>",
             "<thead><tr>" + "".join(f'<th scope="col">{html.escape(h)}</th>' for h in head) + "</tr></thead><tbody>"]
    for s in rows:
        ref = refs.get(s.id)
        state = f'<span class="mda-overdue">{html.escape(stale)}</span>' if s.stale else html.escape(fresh)
        kind = _(STATUS_LABELS[s.status]) if s.status in STATUS_LABELS else s.status
        link = ""
        if ref is not None:
            site = ref.site_name
            label = _("{citation} sur {site}").format(citation=s.citation, site=site)
            link = f'<a href="{html.escape(str(ref.url))}" target="_blank" rel="noopener" aria-label="{html.escape(label)}">{html.escape(site)}</a>'
        citation = s.citation[:1].upper() + s.citation[1:]
        lines.append(
            f'<tr><th scope="row">{html.escape(citation)}<br><code>{html.escape(s.id)}</code></th>'
            f"<td>{html.escape(format_date(s.verified_on, 'short', locale=babel_locale()))}</td>"
            f"<td>{s.age_days}</td><td>{state}</td><td>{html.escape(kind)}</td>"
            f"<td>{_places(s.usages)}</td><td>{link}</td></tr>")
    lines.append("</tbody></table>")
    return "".join(lines)


actor = require_user()
day = today()

st.title(_("Textes de loi"), anchor="textes-de-loi")
announce_step(None, None, "textes-de-loi")
st.markdown(_("Chaque texte cité par l'outil, avec la date de sa dernière vérification et l'endroit où il sert : les courriers, les phrases et règles de l'analyse, le programme. Ceux vérifiés il y a trop longtemps sont à relire sur Légifrance en premier."))

st.number_input(_("Ancienneté maximale, en jours, avant de revérifier un texte"), min_value=0, max_value=3650,
                value=DEFAULT_MAX_AGE_DAYS, step=30, key=MAX_AGE)
max_age = int(st.session_state.get(MAX_AGE, DEFAULT_MAX_AGE_DAYS))
refs = law.load_refs()
with st.spinner(_("Recherche de l'emploi de chaque texte (quelques secondes la première fois)…")):
    report = check(day, max_age, refs=refs)

rows = sorted(report.refs, key=lambda s: (not s.stale, -s.age_days if s.stale else 0))
left, right = st.columns(2)
left.metric(_("Textes"), len(report.refs))
right.metric(_("À revérifier"), len(report.stale))
if report.stale:
    st.warning(_("{n} texte(s) vérifié(s) il y a plus de {days} jours, au {date} : à revérifier en premier.").format(
        n=len(report.stale), days=max_age, date=ui_date(day)), icon=":material/history:")
else:
    st.success(_("Tous les textes ont été vérifiés il y a {days} jours ou moins, au {date}.").format(
        days=max_age, date=ui_date(day)), icon=":material/check_circle:")

st.header(_("Tous les textes"), anchor="tous-les-textes")
stale_only = st.checkbox(_("Afficher seulement les textes à revérifier"), key=STALE_ONLY)
shown = [s for s in rows if s.stale] if stale_only else rows
st.markdown(_table(shown, refs), unsafe_allow_html=True)

st.header(_("Où un texte est employé"), anchor="ou-un-texte-est-employe")
by_id = {s.id: s for s in rows}
chosen = st.selectbox(_("Texte"), [s.id for s in rows], key=choice_key(DETAIL),
                      format_func=lambda ref_id: f"{by_id[ref_id].citation} ({ref_id})")
if chosen:
    status, ref = by_id[chosen], refs.get(chosen)
    st.subheader(escape_markdown(status.citation[:1].upper() + status.citation[1:]), anchor=False)
    if ref is not None:
        st.markdown(escape_markdown(ref.summary))
        st.markdown(_("Vérifié le {date} ({n} jours).").format(date=ui_date(status.verified_on), n=status.age_days)
                    + " [" + _("Lire le texte officiel") + f"]({ref.url})")
    show_usages(status.usages)

st.header(_("Charger une correction (YAML)"), anchor="charger-une-correction")
st.markdown(_("Une ou plusieurs entrées au format des fichiers de legal_refs/ (id, code, article, citation, summary, url, verified_on, status). La page dit, champ par champ, ce qui change, et ce que cela touche : les paragraphes des courriers, les phrases, et les courriers enregistrés de votre organisation qui citent ces textes."))
st.caption(_("Rien n'est modifié ici : les textes de l'outil changent seulement quand la correction est reportée dans legal_refs/."))
upload = st.file_uploader(_("Charger une correction (YAML)"), type=["yaml", "yml"], key=UPLOAD, max_upload_size=1)
if upload is not None:
    scoped = _OrganisationStore(case_store(), actor)
    try:
        corrected = check(day, max_age, changed=_Uploaded(upload.name, upload.getvalue()), store=scoped,  # type: ignore[arg-type]
                          refs=refs)
    except RefsInputError as error:
        st.error(_("Ce fichier ne peut pas être utilisé :") + "\n\n"
                 + "\n".join(f"- {escape_markdown(line)}" for line in str(error).splitlines()), icon=":material/error:")
        st.stop()
    except REFUSALS as error:
        st.error(refusal(error), icon=":material/block:")
        st.stop()
    changed = corrected.changed or []
    st.markdown(_("**{changed}** entrée(s) différente(s), **{same}** identique(s).").format(
        changed=len(changed), same=len(corrected.unchanged or [])))
    if corrected.unchanged:
        st.caption(_("Identiques à celles de l'outil : {ids}").format(ids=", ".join(corrected.unchanged)))
    hits = corrected.saved_letters or []
    for change in changed:
        with st.container(border=True):
            state = _("nouvelle entrée") if change.new else _("modifiée")
            st.subheader(f"{escape_markdown(change.id)} — {state}", anchor=False)
            st.table([{_("Champ"): escape_markdown(c.field), _("Avant"): escape_markdown(_value(c.before)),
                       _("Après"): escape_markdown(_value(c.after))}   # st.table renders Markdown: typed text stays text
                      for c in change.changes])
            st.markdown("**" + _("Ce que cela touche") + "**")
            show_usages(change.usages)
            cited = [h for h in hits if change.id in h.refs]
            heading = _("Courriers enregistrés de {organisation} qui citent ce texte").format(
                organisation=organisation_name() or _("votre organisation"))
            st.markdown(f"**{escape_markdown(heading)}** ({len(cited)})")
            if not cited:
                st.markdown(_("Aucun."))
            for hit in cited:
                name = scoped.names.get(hit.case_id) or _("Dossier sans nom")
                st.markdown("- " + escape_markdown(_("{name} : {letter} n° {number} ({status})").format(
                    name=name, letter=letter_title(hit.letter_id), number=hit.number,
                    status=letter_status_label(hit.status))))
            for case_id in dict.fromkeys(h.case_id for h in cited):
                name = scoped.names.get(case_id) or _("Dossier sans nom")
                st.button(_("Ouvrir le dossier : {name}").format(name=escape_markdown(name)), key=f"pro.refs.open.{change.id}.{case_id}",
                          on_click=open_case, args=(case_id,), icon=":material/folder_open:")

"""Associations: a spreadsheet of cases in, checked first, then every letter in one ZIP.

Thin: the checking and the letters come from `assistant.associations.batch`; the file is read in memory
and the ZIP is built in memory (nothing personal is written to the server's disk), by the
same function as the command line's: the same files with French names, PDF if asked,
`rapport.csv` and `statistiques.json`. So that
memory is bounded and given back, a file has at most `APP_MAX_ROWS` rows, and the ZIP is
forgotten once downloaded, when the file is removed or replaced, or `ZIP_MINUTES` after it
was made (and with the session when the tab is closed).

When the signed-in user's organisation requires a lawyer's approval, no letter is handed
out here: each valid row is saved as a case file of the organisation (with the people's
written consent, ticked by the association) and its letters wait for review; the ZIP holds
the approved letters only. A person alone, or an organisation without review, gets the
letters directly, as always.
"""

from __future__ import annotations

import datetime as dt
import time

import streamlit as st

from assistant.associations.batch import (
    APP_MAX_PDF_ROWS, Checked, approved_zip, check_upload, letters_zip, pdf_offered, rejected_xlsx, review_statuses,
    save_for_review, template_xlsx,
)
from assistant.associations.stats import FLAG_LABELS, MASKED, group_rows, published, tally_cases, to_csv
from assistant.core.i18n import _
from assistant.law.model import InvalidCase
from assistant.pages.common import announce_step, escape_markdown
from assistant.pages.workspace import (
    REFUSALS, case_store, organisation_name, organisation_requires_review, organisation_template, refusal, today,
    user,
)

def _count(count: object) -> str:
    return _(MASKED) if count == MASKED else str(count)


def _chart(stats: dict) -> None:
    """Bars by benefit (Altair, shipped with Streamlit), in whole numbers, and beside them the
    same numbers as a table (what the chart says, for screen readers and for copying); hidden
    small cells are not drawn but are in the table."""
    import altair as alt

    labelled = [(_(name), count) for name, count in group_rows(stats, "benefit")]
    if not labelled:
        return
    chart_column, table_column = st.columns([3, 2])
    rows = [{"benefit": name, "cases": count} for name, count in labelled if isinstance(count, int)]
    if rows:
        most = max(row["cases"] for row in rows)
        axis = alt.Axis(format="d", tickMinStep=1, values=list(range(0, most + 1, max(1, -(-most // 5)))))
        chart = alt.Chart(alt.Data(values=rows)).mark_bar().encode(
            x=alt.X("cases:Q", title=_("Dossiers"), axis=axis, scale=alt.Scale(domain=[0, most])),
            y=alt.Y("benefit:N", sort="-x", title=_("Prestation")))
        with chart_column:
            st.altair_chart(chart, width="stretch")
    with table_column:
        st.table([{_("Prestation"): escape_markdown(name), _("Dossiers"): _count(count)} for name, count in labelled])


CHECKED = "batch.checked"     # the last checked upload: (file name and size, Checked, published numbers)
ZIP = "batch.zip"             # the letters of its valid rows, once made, until downloaded
ZIP_MADE = "batch.zip.made"   # when (time.monotonic()), to forget an archive never downloaded
ZIP_MINUTES = 30
REVIEW = "batch.review"       # (file name and size, [(row, case id, letters)]) saved for review


def _for_review(checked: Checked, file_key: tuple) -> None:
    """The organisation requires review: save the rows as case files, letters in review;
    hand out only the approved ones."""
    from assistant.casefiles.store import Consent

    actor = user()
    organisation = escape_markdown(organisation_name()) or _("votre organisation")  # shown as Markdown only
    st.info(_("{organisation} demande qu'un juriste approuve chaque courrier avant l'envoi : les courriers ne sont pas remis ici directement. Chaque dossier est enregistré pour {organisation} et ses courriers attendent la relecture.").format(
        organisation=organisation), icon=":material/gavel:")
    saved = st.session_state.get(REVIEW)
    if saved is None or saved[0] != file_key:
        if not (actor.can("case.write") and actor.can("letter.edit")):
            st.info(_("Votre rôle ne permet pas d'enregistrer des dossiers."))
            return
        consent = st.checkbox(_("{organisation} a l'accord écrit et signé de chaque personne de ce fichier pour conserver son dossier").format(
            organisation=organisation), key="batch.consent")
        st.caption(_("Cet accord est noté dans chaque dossier (par écrit, signé ; pour conserver le dossier). Gardez les accords signés : chaque personne peut demander une copie ou l'effacement de son dossier à tout moment."))
        if not st.button(_("Enregistrer les {n} dossier(s) et demander la relecture").format(n=len(checked.valid)),
                         type="primary", key="batch.review.run"):
            return
        if not consent:
            st.error(_("Cochez d'abord l'accord des personnes : sans lui, rien n'est enregistré."), icon=":material/error:")
            return
        bar = st.progress(0.0, text=_("Enregistrement des dossiers…"))
        done: list = []
        try:
            for item in save_for_review(case_store(), checked.valid, actor,
                                        Consent(given_on=today(), scope=["keep_file"], how="signed")):
                done.append(item)
                bar.progress(len(done) / len(checked.valid),
                             text=_("Dossier {done} sur {total}").format(done=len(done), total=len(checked.valid)))
        except REFUSALS as error:
            st.error(refusal(error), icon=":material/block:")
        if not done:
            return
        saved = st.session_state[REVIEW] = (file_key, done)
    rows = [(row, case_id) for row, case_id, _letters in saved[1]]
    statuses = review_statuses(case_store(), rows, actor)
    st.success(_("{n} dossier(s) enregistré(s) pour {organisation} : vous les retrouvez dans « Dossiers ».").format(
        n=len(rows), organisation=organisation), icon=":material/check_circle:")
    waiting = statuses.get("draft", 0) + statuses.get("in_review", 0)
    st.markdown("**" + (_("1 courrier en attente de relecture") if waiting == 1
                        else _("{n} courriers en attente de relecture").format(n=waiting)) + "**")
    approved = statuses.get("approved", 0)
    if not approved:
        st.info(_("Aucun courrier n'est encore approuvé : il n'y a rien à télécharger pour l'instant. Les courriers approuvés par un juriste pourront être téléchargés ici, et dans chaque dossier."))
        st.button(_("Vérifier à nouveau"), key="batch.review.refresh", icon=":material/refresh:")
        return
    data, count = approved_zip(case_store(), rows, actor, organisation_template())
    st.download_button(_("Télécharger les {n} courrier(s) approuvé(s) (ZIP)").format(n=count), data,
                       file_name=f"courriers-approuves-{today().isoformat()}.zip", mime="application/zip",
                       key="batch.review.zip", on_click="ignore")
    st.caption(_("L'archive ne contient que les courriers approuvés : ceux qui attendent la relecture n'y sont pas."))

def _forget_zip() -> None:
    """The archive leaves the server's memory (Streamlit drops its copy for the download
    once the button is gone)."""
    st.session_state.pop(ZIP, None)
    st.session_state.pop(ZIP_MADE, None)


def _forget_upload() -> None:
    st.session_state.pop(CHECKED, None)
    _forget_zip()


st.title(_("Plusieurs dossiers (associations)"), anchor="plusieurs-dossiers")
announce_step(None, None, "plusieurs-dossiers")
st.markdown(_("Pour les associations qui suivent beaucoup de personnes : un tableur avec un dossier par ligne, vérifié avant tout, puis tous les courriers dans une archive ZIP."))

st.header(_("1. Le modèle de tableur"))
st.markdown(_("Une colonne par question, avec des listes de choix. Les titres de colonne en français sont reconnus, comme les noms techniques (par exemple « claimant.last_name »)."))
st.download_button(_("Télécharger le modèle de tableur (Excel)"), template_xlsx(), file_name="modele-dossiers.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="batch.template")

st.header(_("2. Vérifier votre fichier"))
upload = st.file_uploader(_("Votre fichier de dossiers (.xlsx ou .csv)"), type=["xlsx", "csv"], key="batch.upload")
if upload is None:
    _forget_upload()          # the file was removed: nothing of it stays on the server
elif ZIP_MADE in st.session_state and time.monotonic() - st.session_state[ZIP_MADE] > ZIP_MINUTES * 60:
    _forget_zip()
    st.info(_("L'archive préparée il y a plus de {minutes} minutes a été effacée de la mémoire du serveur : préparez-la à nouveau.").format(
        minutes=ZIP_MINUTES))
if upload is not None:
    previous = st.session_state.get(CHECKED)
    if previous is None or previous[0] != (upload.name, upload.size):
        _forget_zip()
        try:
            with st.spinner(_("Vérification de chaque ligne…")):
                checked = check_upload(upload.name, upload.getvalue())
                # The published numbers are computed once per file, not at every click.
                stats = published(tally_cases(case for _row, case in checked.valid))
                st.session_state[CHECKED] = ((upload.name, upload.size), checked, stats)
        except InvalidCase as error:
            st.session_state.pop(CHECKED, None)
            st.error(_("Ce fichier ne peut pas être lu :") + "\n\n" + "\n".join(f"- {escape_markdown(m)}" for m in error.messages))

found = st.session_state.get(CHECKED)
if upload is not None and found:
    checked: Checked = found[1]
    stats = found[2]
    total = len(checked.valid) + len(checked.rejected)
    st.markdown(_("**{valid}** ligne(s) valable(s) sur **{total}**.").format(valid=len(checked.valid), total=total))
    if checked.problems:
        st.warning(_("{n} ligne(s) à corriger : elles ne produiront pas de courrier tant qu'elles ne sont pas corrigées.").format(n=len(checked.rejected)))
        # A real HTML table (not a canvas grid): screen readers and searches can read it.
        # st.table reads its cells as Markdown: the file's own text is escaped.
        st.table([{_("Ligne"): p["ligne"], _("Colonne"): escape_markdown(str(p["colonne"])),
                   _("Valeur"): escape_markdown(str(p["valeur"])), _("Ce qui est attendu"): escape_markdown(str(p["attendu"]))}
                  for p in checked.problems[:500]])
        st.download_button(_("Télécharger les lignes à corriger (Excel)"), rejected_xlsx(checked),
                           file_name=f"lignes-a-corriger-{dt.date.today().isoformat()}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="batch.rejected")

    if checked.found:
        st.markdown(_("Pour chaque ligne valable, le lieu trouvé d'après le code postal et la ville, et à qui ira le recours : vérifiez-les avant de préparer les courriers."))
        st.table([{_("Ligne"): f["ligne"], _("Lieu trouvé"): escape_markdown(f["lieu"]),
                   _("Recours auprès de"): escape_markdown(f["recours"])} for f in checked.found[:500]])
        if len(checked.found) > 500:
            st.caption(_("Les 500 premières lignes valables sont montrées ici."))

    if checked.valid:
        st.header(_("3. Préparer les courriers"))
        reviewed = organisation_requires_review()   # False for a person alone: no store opened
        if reviewed:
            _for_review(checked, found[0])
        else:
            offered = pdf_offered(checked)
            with_pdf = st.checkbox(_("Ajouter chaque courrier en PDF, prêt à imprimer"), value=offered, disabled=not offered,
                                   key="batch.pdf", on_change=_forget_zip,
                                   help=_("Les courriers sont toujours en DOCX, à modifier dans Word ou LibreOffice ; le PDF s'imprime tel quel."))
            if not offered:
                st.caption(_("Pour plus de {n} lignes, l'archive est faite sans PDF : découpez le fichier, ou utilisez la ligne de commande (python -m assistant batch --format both).").format(
                    n=APP_MAX_PDF_ROWS))
            if st.button(_("Préparer les courriers des {n} dossier(s) valables").format(n=len(checked.valid)), type="primary", key="batch.run"):
                bar = st.progress(0.0, text=_("Préparation des courriers…"))

                def _progress(done: int, total: int) -> None:
                    bar.progress(done / total, text=_("Dossier {done} sur {total}").format(done=done, total=total))

                st.session_state[ZIP] = letters_zip(checked, pdf=with_pdf and offered, progress=_progress)
                st.session_state[ZIP_MADE] = time.monotonic()
                bar.progress(1.0, text=_("Courriers prêts."))
        if st.session_state.get(ZIP) and not reviewed:
            st.download_button(_("Télécharger tous les courriers (ZIP)"), st.session_state[ZIP],
                               file_name=f"courriers-{dt.date.today().isoformat()}.zip", mime="application/zip",
                               key="batch.zip.download", on_click=_forget_zip)
            st.caption(_("Chaque dossier est dans un dossier nommé par son numéro de ligne : aucun nom dans les noms de fichiers."))
            st.caption(_("L'archive contient aussi rapport.csv (une ligne par ligne de votre fichier : la voie de recours, la date limite, les fichiers faits, ou ce qu'il faut corriger) et statistiques.json (des comptes anonymes)."))
            st.caption(_("Une fois téléchargée, l'archive est effacée de la mémoire du serveur : pour la télécharger à nouveau, préparez-la encore."))

        st.header(_("4. Les chiffres à publier"))
        st.markdown(_("Comptes anonymes des dossiers valables : jamais un nom, un numéro, une date ni un texte libre ; un groupe de moins de 5 dossiers s'affiche « < 5 », et un autre groupe « masqué » quand le total permettrait de retrouver le nombre caché."))
        _chart(stats)
        st.table([{_("Ce qui est compté"): _(FLAG_LABELS[name]), _("Dossiers"): _count(count)}
                  for name, count in stats["facts"].items()])
        st.download_button(_("Télécharger les chiffres (CSV)"), to_csv(stats).encode("utf-8"),
                           file_name=f"statistiques-{dt.date.today().isoformat()}.csv", mime="text/csv",
                           key="batch.stats.csv")

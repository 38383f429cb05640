"""Associations: a spreadsheet of cases in, checked first, then every letter in one ZIP.

Thin: the checking and the letters come from `assistant.batch`; the file is read in memory
and the ZIP is built in memory (nothing personal is written to the server's disk).
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from assistant.batch import Checked, check_upload, letters_zip, rejected_xlsx, template_xlsx
from assistant.stats import FLAG_LABELS, HIDDEN, published, tally_cases, to_csv
from assistant.i18n import _
from assistant.model import InvalidCase

def _chart(stats: dict) -> None:
    """Bars by benefit (Altair, shipped with Streamlit); hidden small cells are not drawn."""
    import altair as alt

    rows = [{"benefit": name, "cases": count} for name, count in stats["by_benefit"].items() if count != HIDDEN]
    if not rows:
        return
    chart = alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        x=alt.X("cases:Q", title=_("Dossiers")), y=alt.Y("benefit:N", sort="-x", title=_("Prestation")))
    st.altair_chart(chart, width="stretch")


CHECKED = "batch.checked"     # the last checked upload: (file name and size, Checked, published numbers)
ZIP = "batch.zip"             # the letters of its valid rows, once made

st.title(_("Plusieurs dossiers (associations)"))
st.markdown(_("Pour les associations qui suivent beaucoup de personnes : un tableur avec un dossier par ligne, vérifié avant tout, puis tous les courriers dans une archive ZIP."))

st.header(_("1. Le modèle de tableur"))
st.markdown(_("Une colonne par question, avec des listes de choix. Les titres de colonne en français sont reconnus, comme les noms techniques (par exemple « claimant.last_name »)."))
st.download_button(_("Télécharger le modèle de tableur (Excel)"), template_xlsx(), file_name="modele-dossiers.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="batch.template")

st.header(_("2. Vérifier votre fichier"))
upload = st.file_uploader(_("Votre fichier de dossiers (.xlsx ou .csv)"), type=["xlsx", "csv"], key="batch.upload")
if upload is not None:
    previous = st.session_state.get(CHECKED)
    if previous is None or previous[0] != (upload.name, upload.size):
        st.session_state.pop(ZIP, None)
        try:
            with st.spinner(_("Vérification de chaque ligne…")):
                checked = check_upload(upload.name, upload.getvalue())
                # The published numbers are computed once per file, not at every click.
                stats = published(tally_cases(case for _row, case in checked.valid))
                st.session_state[CHECKED] = ((upload.name, upload.size), checked, stats)
        except InvalidCase as error:
            st.session_state.pop(CHECKED, None)
            st.error(_("Ce fichier ne peut pas être lu :") + "\n\n" + "\n".join(f"- {m}" for m in error.messages))

found = st.session_state.get(CHECKED)
if upload is not None and found:
    checked: Checked = found[1]
    stats = found[2]
    total = len(checked.valid) + len(checked.rejected)
    st.markdown(_("**{valid}** ligne(s) valable(s) sur **{total}**.").format(valid=len(checked.valid), total=total))
    if checked.problems:
        st.warning(_("{n} ligne(s) à corriger : elles ne produiront pas de courrier tant qu'elles ne sont pas corrigées.").format(n=len(checked.rejected)))
        # A real HTML table (not a canvas grid): screen readers and searches can read it.
        st.table([{_("Ligne"): p["ligne"], _("Colonne"): p["colonne"], _("Valeur"): p["valeur"],
                   _("Ce qui est attendu"): p["attendu"]} for p in checked.problems[:500]])
        st.download_button(_("Télécharger les lignes à corriger (Excel)"), rejected_xlsx(checked),
                           file_name=f"lignes-a-corriger-{dt.date.today().isoformat()}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="batch.rejected")

    if checked.valid:
        st.header(_("3. Préparer les courriers"))
        if st.button(_("Préparer les courriers des {n} dossier(s) valables").format(n=len(checked.valid)), type="primary", key="batch.run"):
            bar = st.progress(0.0, text=_("Préparation des courriers…"))

            def _progress(done: int, total: int) -> None:
                bar.progress(done / total, text=_("Dossier {done} sur {total}").format(done=done, total=total))

            st.session_state[ZIP] = letters_zip(checked.valid, _progress)
            bar.progress(1.0, text=_("Courriers prêts."))
        if st.session_state.get(ZIP):
            st.download_button(_("Télécharger tous les courriers (ZIP)"), st.session_state[ZIP],
                               file_name=f"courriers-{dt.date.today().isoformat()}.zip", mime="application/zip",
                               key="batch.zip.download")
            st.caption(_("Chaque dossier est dans un dossier nommé par son numéro de ligne : aucun nom dans les noms de fichiers."))

        st.header(_("4. Les chiffres à publier"))
        st.markdown(_("Comptes anonymes des dossiers valables : jamais un nom, un numéro, une date ni un texte libre ; un groupe de moins de 5 dossiers s'affiche « < 5 »."))
        _chart(stats)
        st.table([{_("Ce qui est compté"): _(FLAG_LABELS[name]), _("Dossiers"): str(count)}
                  for name, count in stats["facts"].items()])
        st.download_button(_("Télécharger les chiffres (CSV)"), to_csv(stats).encode("utf-8"),
                           file_name=f"statistiques-{dt.date.today().isoformat()}.csv", mime="text/csv",
                           key="batch.stats.csv")

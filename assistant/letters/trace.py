"""Why each paragraph of a letter is there: the rights, the facts and the texts (issue 12).

For the lawyers' review: every paragraph of a built letter is traced back to the rights
the analysis found (`Paragraph.because`, the catalogue's `rights`), the facts that
triggered them (`RightOut.why`), and the `legal_refs` entries it cites, with their date of
verification. Pure and deterministic: same letter, case and analysis, same trace.

A paragraph rests on one of three grounds (`basis`):
- « rights »: the catalogue ties it to rights the analysis found;
- « procedure »: no right of its own, but a catalogue condition (`when`) about the
  procedure (a request left unanswered, a time limit still open);
- « letter »: neither: the catalogue puts it in every letter of that kind (an answer
  time, a referral formula), so it rests on the rights the whole letter requires.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, Optional

from jinja2 import Environment, nodes
from pydantic import BaseModel, ConfigDict

from assistant.law.analysis import Analysis
from assistant.core.formatting import long_date
from assistant.law.legal_refs import load_refs
from assistant.letters.models import Letter
from assistant.law.model import Case
from assistant.law.rights import RIGHTS_BY_ID

Basis = Literal["rights", "procedure", "letter"]


class RefTrace(BaseModel):
    """One cited `legal_refs` entry, as a reviewer needs it."""

    model_config = ConfigDict(frozen=True)
    id: str
    citation: str
    summary: str
    url: str
    verified_on: dt.date
    status: str
    in_force_from: Optional[dt.date] = None


class ParagraphTrace(BaseModel):
    model_config = ConfigDict(frozen=True)
    number: int                 # 1-based, in printed order
    key: str                    # the catalogue key (letter id + key finds the wording)
    text: str
    basis: Basis
    reason: str                 # the ground in one French sentence
    rights: list[str]           # right ids (the letter's own for basis « letter »/« procedure »)
    conditions: list[str]       # the catalogue's `when` expressions that held
    facts: list[str]            # French
    refs: list[RefTrace]


def ref_trace(ref_id: str) -> RefTrace:
    entry = load_refs()[ref_id]
    return RefTrace(id=entry.id, citation=entry.citation, summary=entry.summary, url=str(entry.url),
                    verified_on=entry.verified_on, status=entry.status, in_force_from=entry.in_force_from)


def right_title(right_id: str) -> str:
    right = RIGHTS_BY_ID.get(right_id)
    return right.title if right else right_id


def _letter_rights(letter: Letter, analysis: Analysis) -> list[str]:
    """The rights the whole letter requires that the analysis found, in analysis order."""
    from assistant.letters.build import load_catalogue

    spec = load_catalogue().letters.get(letter.id)
    wanted = set(spec.requires_any) if spec else set()
    return [r.id for r in analysis.rights if r.id in wanted]


def _why(right_ids: list[str], analysis: Analysis) -> list[str]:
    found = {r.id: r for r in analysis.rights}
    return list(dict.fromkeys(fact for i in right_ids if i in found for fact in found[i].why))


# --- Procedural conditions in words -----------------------------------------------------------

_ENV = Environment()


def _names(expression: str) -> tuple[set[str], set[str]]:
    """The variables a catalogue `when` reads, and the quoted strings it compares them to."""
    tree = _ENV.parse("{{ (" + expression + ") }}")
    names = {n.name for n in tree.find_all(nodes.Name)}
    strings = {c.value for c in tree.find_all(nodes.Const) if isinstance(c.value, str)}
    return names, strings


def _deadline_fact(analysis: Analysis, deadline_id: str, today: dt.date, sent: Optional[dt.date] = None,
                   what: str = "") -> Optional[str]:
    deadline = next((d for d in analysis.deadlines if d.id == deadline_id), None)
    if deadline is None:
        return None
    state = "passée" if deadline.date < today else "à venir"
    sent_text = f"{what} envoyée le {long_date(sent)} ; " if sent else ""
    return f"{sent_text}échéance du {long_date(deadline.date)} ({state}) : {deadline.label}."


def condition_facts(expression: str, case: Case, analysis: Analysis) -> list[str]:
    """The procedural facts a `when` rests on, in French (requests unanswered, a time limit
    still open, a right the analysis did or did not find)."""
    names, strings = _names(expression)
    today, history = case.reference_date, case.history
    facts: list[Optional[str]] = []
    if "explanation_late" in names:
        facts.append(_deadline_fact(analysis, "explanation_answer", today, history.explanation_requested_on,
                                    "Demande d'explication"))
    if "documents_late" in names:
        facts.append(_deadline_fact(analysis, "documents_answer", today, history.documents_requested_on,
                                    "Demande de documents"))
    if "correction" in names:
        facts.append(_deadline_fact(analysis, "overpayment_correction", today))
    if "found" in names:
        found = set(analysis.right_ids)
        for right_id in sorted(strings & set(RIGHTS_BY_ID)):
            verdict = "retenu" if right_id in found else "non retenu"
            facts.append(f"Droit {verdict} par l'analyse : « {right_title(right_id)} » ({right_id}).")
    return [f for f in facts if f]


# --- The trace ---------------------------------------------------------------------------------


def _reason(basis: Basis, rights: list[str], letter: Letter) -> str:
    titles = ", ".join(f"« {right_title(i)} »" for i in rights) or "aucun droit retenu"
    if basis == "rights":
        return f"Droit(s) retenu(s) par l'analyse : {titles}."
    if basis == "procedure":
        return (f"Paragraphe de procédure, inscrit parce que la condition du catalogue est remplie ; "
                f"le courrier « {letter.title} » repose sur : {titles}.")
    return (f"Le catalogue ne rattache ce paragraphe à aucun droit ni condition : il figure dans tout "
            f"courrier « {letter.title} », qui repose sur : {titles}.")


def trace(letter: Letter, case: Case, analysis: Analysis) -> list["ParagraphTrace"]:
    """One `ParagraphTrace` per paragraph of `letter`, in printed order."""
    letter_rights = _letter_rights(letter, analysis)
    out = []
    for number, paragraph in enumerate(letter.paragraphs, 1):
        own = [b for b in paragraph.because if b in RIGHTS_BY_ID]
        conditions = [b for b in paragraph.because if b not in RIGHTS_BY_ID]
        if own:
            basis: Basis = "rights"
            rights, facts = own, _why(own, analysis)
        elif conditions:
            basis, rights = "procedure", letter_rights
            facts = [f for c in conditions for f in condition_facts(c, case, analysis)] or _why(rights, analysis)
        else:
            basis, rights, facts = "letter", letter_rights, _why(letter_rights, analysis)
        out.append(ParagraphTrace(
            number=number, key=paragraph.key, text=paragraph.text, basis=basis,
            reason=_reason(basis, rights, letter), rights=rights, conditions=conditions, facts=facts,
            refs=[ref_trace(i) for i in paragraph.cites],
        ))
    return out


def unexplained_paragraphs() -> list[str]:
    """Catalogue paragraphs (« letter_id.key ») with neither `rights` nor `when`: their trace
    falls back on the letter's rights (basis « letter »)."""
    from assistant.letters.build import load_catalogue

    return [f"{spec.id}.{p.key}" for spec in load_catalogue().letters.values()
            for p in spec.paragraphs if not p.rights and not p.when]

"""For the lawyer who reviews: a letter « with notes », and a one-page memo to sign (issue 12).

`annotated_docx` is the letter exactly as sent (the standard template, autoescape on),
each paragraph numbered by a margin comment, followed by an annex « Pourquoi ce
paragraphe » (rights, facts, texts with their date of verification and link).
`memo` / `memo_docx` sum up the case for a lawyer: neutral facts, the rights the analysis
found (exactly those), the route, the deadlines, and a signature block. Everything comes
from the case, the analysis and `legal_refs`: nothing legal is decided here.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Optional

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from pydantic import BaseModel, ConfigDict

from assistant.law import bodies
from assistant.law.analysis import Analysis, RightOut
from assistant.law.appeals import organism_label
from assistant.core.formatting import amount, long_date
from assistant.law.model import Case
from assistant.letters.trace import ParagraphTrace, RefTrace, ref_trace, right_title, trace
from assistant.letters.build import clean, cite_paren, load_catalogue
from assistant.letters.models import Letter
from assistant.letters.render import render_docx

AUTHOR = "Mes droits face à l'algorithme"
ANNEX_HEADING = "Pourquoi ce paragraphe"
SIGNATURE = "Relu par : ………………………………………………   le ……………………………   Signature :"


def _t(text: Optional[str]) -> str:
    """Text as it may go into Word XML (user text can hold control characters)."""
    return clean(text) or ""


def first_words(text: str, count: int = 10) -> str:
    words = text.split()
    return " ".join(words[:count]) + (" …" if len(words) > count else "")


def _ref_line(ref: RefTrace) -> str:
    line = f"{ref.citation} ({ref.id}) — vérifiée le {long_date(ref.verified_on)}"
    if ref.in_force_from:
        line += f", version en vigueur depuis le {long_date(ref.in_force_from)}"
    return line


# --- python-docx helpers ------------------------------------------------------------------------


def _hyperlink(paragraph, url: str, text: Optional[str] = None, size: float = 8) -> None:
    """A clickable link (python-docx has no API for it): blue, underlined."""
    rel_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    color, underline = OxmlElement("w:color"), OxmlElement("w:u")
    color.set(qn("w:val"), "1F4E99")
    underline.set(qn("w:val"), "single")
    half_points = OxmlElement("w:sz")
    half_points.set(qn("w:val"), str(round(size * 2)))
    props.append(color)
    props.append(underline)
    props.append(half_points)
    run.append(props)
    node = OxmlElement("w:t")
    node.text = _t(text or url)
    node.set(qn("xml:space"), "preserve")
    run.append(node)
    link.append(run)
    paragraph._p.append(link)


def _borders(table) -> None:
    """Thin grid lines, whatever styles the template carries."""
    props = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), "4")
        edge.set(qn("w:color"), "808080")
        borders.append(edge)
    props.append(borders)


def _cell_lines(cell, lines: list[str], size: float = 8.5, bold_first: bool = False) -> None:
    cell.paragraphs[0].text = ""
    for index, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        run = paragraph.add_run(_t(line))
        run.font.size = Pt(size)
        run.bold = bold_first and index == 0


def _heading(doc, text: str, size: float = 12, before: float = 8) -> None:
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(_t(text))
    run.bold = True
    run.font.size = Pt(size)
    paragraph.paragraph_format.space_before = Pt(before)
    paragraph.paragraph_format.space_after = Pt(3)
    paragraph.paragraph_format.keep_with_next = True


def _line(doc, text: str, size: float = 9.5, indent: Optional[float] = None, bold: bool = False):
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(_t(text))
    run.font.size = Pt(size)
    run.bold = bold
    paragraph.paragraph_format.space_after = Pt(2)
    if indent is not None:
        paragraph.paragraph_format.left_indent = Cm(indent)
    return paragraph


def _to_bytes(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# --- The letter with notes ----------------------------------------------------------------------


def _comment_paragraphs(doc, traces: list[ParagraphTrace]) -> None:
    """A margin comment on each paragraph of the letter: its number and its ground."""
    body = [p for p in doc.paragraphs if p.runs]
    start = 0
    for item in traces:
        wanted = _t(item.text)
        for index in range(start, len(body)):
            if body[index].text == wanted:
                rights = ", ".join(item.rights) or "—"
                doc.add_comment(body[index].runs, text=f"§ {item.number} ({item.key}) — droits : {rights}. "
                                f"Voir l'annexe « {ANNEX_HEADING} ».", author=AUTHOR, initials="MD")
                start = index + 1
                break


def _landscape_section(doc) -> None:
    """The annex on its own landscape pages: a wide table stays readable."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(1.8)
    section.top_margin = section.bottom_margin = Cm(1.6)


ANNEX_WIDTHS = (Cm(1.0), Cm(5.0), Cm(4.4), Cm(7.2), Cm(8.5))


def annotated_docx(letter: Letter, case: Case, analysis: Analysis) -> bytes:
    """The letter as sent, then the annex table « Pourquoi ce paragraphe »."""
    traces = trace(letter, case, analysis)
    doc = Document(io.BytesIO(render_docx(letter)))
    _comment_paragraphs(doc, traces)
    _landscape_section(doc)
    _heading(doc, f"{ANNEX_HEADING} — {letter.title}", size=13, before=0)
    _line(doc, "Annexe pour la relecture juridique, à retirer avant l'envoi. Pour chaque paragraphe du courrier : "
               "les droits retenus par l'analyse, les faits qui les fondent et les textes cités, avec la date "
               "à laquelle chaque référence a été vérifiée.", size=9)
    table = doc.add_table(rows=1, cols=5)
    table.autofit = False
    _borders(table)
    for cell, title in zip(table.rows[0].cells, ("N°", "Début du paragraphe", "Droits", "Faits", "Références")):
        _cell_lines(cell, [title], bold_first=True)
    for item in traces:
        cells = table.add_row().cells
        _cell_lines(cells[0], [str(item.number)])
        _cell_lines(cells[1], [first_words(item.text), f"({item.key})"])
        grounds = [f"{right_title(i)} ({i})" for i in item.rights]
        _cell_lines(cells[2], grounds if item.basis == "rights" else [item.reason])
        _cell_lines(cells[3], item.facts)
        cell = cells[4]
        cell.paragraphs[0].text = ""
        for index, ref in enumerate(item.refs):
            paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
            paragraph.add_run(_t(_ref_line(ref)) + " — ").font.size = Pt(8.5)
            _hyperlink(paragraph, ref.url)
    for column, width in zip(table.columns, ANNEX_WIDTHS):
        column.width = width
        for cell in column.cells:
            cell.width = width
    return _to_bytes(doc)


# --- The memo -----------------------------------------------------------------------------------


class MemoRight(RightOut):
    """A right of the analysis, with its references as the memo cites them."""
    citations: list[str]


class MemoNote(BaseModel):
    model_config = ConfigDict(frozen=True)
    text: str
    legal_basis: list[str]
    citations: list[str]


class MemoRoute(BaseModel):
    model_config = ConfigDict(frozen=True)
    route: str
    body: str
    compulsory: bool
    then: str
    court: str
    deadline: Optional[dt.date]
    deadline_text: str
    deadline_opposable: bool
    verified: bool
    legal_basis: list[str]
    citations: list[str]
    notes: list[MemoNote]


class MemoDeadline(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    date: dt.date
    date_text: str
    label: str
    legal_basis: list[str]
    citations: list[str]


class Memo(BaseModel):
    """A one-page legal memo for a lawyer to review and sign."""

    model_config = ConfigDict(frozen=True)
    title: str
    subject: str
    prepared_on: dt.date
    prepared_on_text: str
    facts: list[str]
    rights: list[MemoRight]
    route: MemoRoute
    deadlines: list[MemoDeadline]
    references: list[RefTrace]
    signature: str


def _citations(ids: list[str]) -> list[str]:
    return [ref_trace(i).citation for i in ids]


def _yes_no(value: Optional[bool]) -> str:
    return "non renseigné" if value is None else "oui" if value else "non"


def case_facts(case: Case) -> list[str]:
    """The case as the person gave it, in neutral French (no legal assessment)."""
    c, d, ctx, h = case.claimant, case.decision, case.context, case.history
    organism = _t(organism_label(case))
    facts = [f"Demandeur : {_t(c.first_name)} {_t(c.last_name)}, {_t(c.address)}, {_t(c.postal_code)} {_t(c.city)}."]
    number = f" — {bodies.organism(case.organism.kind.value)['file_number']} : {_t(c.file_number)}" if c.file_number else ""
    facts.append(f"Organisme : {organism}{number}.")
    situation = load_catalogue().data["situations"][case.situation.value]["noun"]
    facts.append(f"Décision en cause : {situation} — {bodies.benefit_words(case.benefit.value)['short']}.")
    if d.is_written:
        dates = " ".join(x for x in (f"du {long_date(d.date)}" if d.date else "",
                                     f"reçue le {long_date(d.received_on)}" if d.received_on else "") if x)
        facts.append(f"Décision écrite{' ' + dates if dates else ''}. Motifs énoncés : {_yes_no(d.reasons_given)} ; "
                     f"voies et délais de recours indiqués : {_yes_no(d.appeal_info_given)} ; traitement "
                     f"algorithmique mentionné : {_yes_no(d.algorithm_mentioned)}.")
    else:
        since = f" ; paiements interrompus depuis le {long_date(ctx.started_on)}" if ctx.started_on else ""
        facts.append(f"Aucune décision écrite reçue{since}.")
    if d.ground is not None:
        facts.append(f"Fondement de la décision : {'médical' if d.ground.value == 'medical' else 'administratif'}.")
    facts.append(f"À la suite d'un contrôle : {_yes_no(ctx.after_control)} ; personne entendue avant la décision : "
                 f"{_yes_no(ctx.heard_before)} ; fraude alléguée par l'organisme : {_yes_no(ctx.fraud_alleged)}.")
    money = [f"montant en jeu : {amount(ctx.amount_eur)}" if ctx.amount_eur is not None else "",
             f"retenue mensuelle sur les prestations : {amount(ctx.withholding_eur)}" if ctx.withholding_eur is not None else ""]
    if any(money):
        text = " ; ".join(m for m in money if m)
        facts.append(text[0].upper() + text[1:] + ".")
    sent = [f"{what} le {long_date(day)}" for what, day in (
        ("demande d'explication envoyée", h.explanation_requested_on),
        ("demande de documents envoyée", h.documents_requested_on),
        ("recours déposé", h.appeal_filed_on)) if day]
    if sent:
        facts.append("Démarches déjà faites : " + " ; ".join(sent) + ".")
    if ctx.own_words:
        facts.append(f"Exposé de la personne : « {_t(ctx.own_words).strip()} »")
    facts.append(f"Date de référence de l'analyse : {long_date(case.reference_date)}.")
    return facts


def memo(case: Case, analysis: Analysis) -> Memo:
    """The memo's content: the case, exactly the rights of the analysis, route, deadlines."""
    appeal = analysis.appeal
    rights = [MemoRight(id=r.id, title=r.title, summary=r.summary, why=list(r.why), legal_basis=list(r.legal_basis),
                        citations=_citations(r.legal_basis)) for r in analysis.rights]
    route = MemoRoute(
        route=appeal.route, body=appeal.body, compulsory=appeal.compulsory, then=appeal.then, court=appeal.court,
        deadline=appeal.deadline,
        deadline_text=(long_date(appeal.deadline) if appeal.deadline
                       else "aucun délai en cours (pas de décision écrite reçue)"),
        deadline_opposable=appeal.deadline_opposable, verified=appeal.verified,
        legal_basis=list(appeal.legal_basis), citations=_citations(appeal.legal_basis),
        notes=[MemoNote(text=n.text, legal_basis=list(n.legal_basis), citations=_citations(n.legal_basis))
               for n in appeal.note_details],
    )
    deadlines = [MemoDeadline(id=d.id, date=d.date, date_text=long_date(d.date), label=d.label,
                              legal_basis=list(d.legal_basis), citations=_citations(d.legal_basis))
                 for d in analysis.deadlines]
    ids = [*(i for r in rights for i in r.legal_basis), *route.legal_basis,
           *(i for n in route.notes for i in n.legal_basis), *(i for d in deadlines for i in d.legal_basis)]
    situation = load_catalogue().data["situations"][case.situation.value]["noun"]
    return Memo(
        title="Note juridique",
        subject=(f"{_t(case.claimant.first_name)} {_t(case.claimant.last_name)} — {situation} — "
                 f"{bodies.benefit_words(case.benefit.value)['short']} — {_t(organism_label(case))}"),
        prepared_on=case.reference_date, prepared_on_text=long_date(case.reference_date),
        facts=case_facts(case), rights=rights, route=route, deadlines=deadlines,
        references=[ref_trace(i) for i in dict.fromkeys(ids)], signature=SIGNATURE,
    )


def _paren(ids: list[str]) -> str:
    return f" ({cite_paren(ids)})" if ids else ""


def memo_docx(case: Case, analysis: Analysis) -> bytes:
    """The memo as a DOCX, formal French, on one page for an ordinary case."""
    content = memo(case, analysis)
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(1.4)
    section.left_margin = section.right_margin = Cm(1.7)
    normal = doc.styles["Normal"]
    normal.font.name = "Liberation Sans"
    normal.font.size = Pt(9)
    normal.paragraph_format.space_after = Pt(1)
    doc.core_properties.author = AUTHOR
    _line(doc, f"{content.title} — {content.subject}", size=12, bold=True)
    _line(doc, f"Établie le {content.prepared_on_text} à partir des informations données par la personne et de "
               "l'analyse automatique de l'outil, pour relecture et signature par un juriste, après vérification sur "
               "la décision et les pièces du dossier.", size=8)

    _heading(doc, "1. Les faits", size=10, before=4)
    for fact in content.facts:
        _line(doc, f"– {fact}", size=8.5, indent=0.3)

    _heading(doc, "2. Les droits en cause", size=10, before=4)
    for right in content.rights:
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.left_indent = Cm(0.3)
        paragraph.paragraph_format.space_after = Pt(1)
        basis = f" ; {cite_paren(right.legal_basis)}" if right.legal_basis else ""
        head = paragraph.add_run(_t(f"{right.title} ({right.id}{basis}) : "))
        head.bold = True
        head.font.size = Pt(8.5)
        paragraph.add_run(_t(" ".join(right.why))).font.size = Pt(8.5)

    _heading(doc, "3. La voie de recours", size=10, before=4)
    route = content.route
    if route.route == "none":
        step = f"Pas de recours préalable (voie « none ») : la contestation va directement devant : {route.body}"
    else:
        kind = "obligatoire" if route.compulsory else "facultatif"
        step = f"Première étape (recours préalable {kind}, voie « {route.route} ») : {route.body}"
    _line(doc, f"{step}{_paren(route.legal_basis)}. Ensuite : {route.court}.", size=8.5, indent=0.3)
    if not route.verified:
        _line(doc, "Voie non vérifiée par l'outil pour cette situation : suivre la mention portée sur la décision.",
              size=8.5, indent=0.3)
    for note in route.notes:
        _line(doc, f"– {note.text.rstrip('.')}{_paren(note.legal_basis)}.", size=8.5, indent=0.3)

    _heading(doc, "4. Les délais", size=10, before=4)
    opposable = "" if route.deadline_opposable else " ; délai non opposable : la décision n'indiquait pas les voies et délais"
    _line(doc, f"Recours : {route.deadline_text}{opposable}.", size=8.5, indent=0.3)
    for deadline in content.deadlines:
        if deadline.id != "appeal":
            _line(doc, f"{deadline.date_text} : {deadline.label}{_paren(deadline.legal_basis[:1])}.", size=8.5, indent=0.3)

    _heading(doc, "5. Références citées (chaque identifiant ouvre le texte)", size=10, before=4)
    by_date: dict[dt.date, list[RefTrace]] = {}
    for ref in content.references:
        by_date.setdefault(ref.verified_on, []).append(ref)
    for day in sorted(by_date, reverse=True):
        paragraph = doc.add_paragraph()
        paragraph.add_run(f"Vérifiées le {long_date(day)} : ").font.size = Pt(7.5)
        for index, ref in enumerate(by_date[day]):
            if index:
                paragraph.add_run(" · ").font.size = Pt(7.5)
            _hyperlink(paragraph, ref.url, ref.id, size=7.5)

    closing = _line(doc, content.signature, size=10)
    closing.paragraph_format.space_before = Pt(12)
    return _to_bytes(doc)

"""Regenerate the editable DOCX layouts in templates/ (python-docx), reproducibly.

    .venv/bin/python -m assistant.letters.make_templates

The .docx files are committed: an association may open and restyle them in Word or
LibreOffice (fonts, margins, a logo in the header…) as long as the `{{ … }}` and
`{%p … %}` tags stay, each `{%p … %}` alone in its paragraph. Only the main body is
templated (not headers or footers). The wording is in catalogue.yaml, not here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

TEMPLATES = Path(__file__).resolve().parent / "templates"
FONT = "Liberation Sans"  # metric-compatible with Arial; Word substitutes Arial if absent
RIGHT_BLOCK = Cm(8.5)
FIXED_DATE = dt.datetime(2026, 1, 1)  # stable file metadata, so regenerating changes nothing


def _document(size: int) -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2.0)
    section.left_margin = section.right_margin = Cm(2.3)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(size)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    props = doc.core_properties
    props.author = "Mes droits face à l'algorithme"
    props.created = props.modified = FIXED_DATE
    props.last_modified_by = ""
    props.revision = 1
    return doc


def _para(doc, text: str = "", *, bold: bool = False, indent=None, align=None, after: float = 0, size=None, keep=False):
    paragraph = doc.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
    fmt = paragraph.paragraph_format
    if indent is not None:
        fmt.left_indent = indent
    if align is not None:
        paragraph.alignment = align
    fmt.space_after = Pt(after)
    if keep:
        fmt.keep_with_next = True
    return paragraph


def _tag(doc, tag: str) -> None:
    doc.add_paragraph(tag)


def _page_number_footer(doc) -> None:
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    begin, instr, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr.set(qn("xml:space"), "preserve")
    instr.text = "PAGE"
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(instr)
    run._r.append(end)
    run.font.size = Pt(8)


def letter_template() -> Document:
    doc = _document(11)
    _para(doc, "{{ sender }}", after=18)
    _para(doc, "{{ recipient }}", indent=RIGHT_BLOCK, after=18)
    _para(doc, "{{ place_date }}", indent=RIGHT_BLOCK, after=18)
    _tag(doc, "{%p if registered %}")
    _para(doc, "{{ registered_line }}", bold=True, after=6)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if references %}")
    _para(doc, "{{ references }}", after=6)
    _tag(doc, "{%p endif %}")
    subject = _para(doc, "Objet : ", bold=True, after=18)
    subject.add_run("{{ subject }}").bold = True
    _para(doc, "{{ salutation }}", after=10)
    _tag(doc, "{%p for text in paragraphs %}")
    _para(doc, "{{ text }}", align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=10)
    _tag(doc, "{%p endfor %}")
    _para(doc, "{{ closing }}", align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=30, keep=True)
    _para(doc, "{{ signature }}", indent=RIGHT_BLOCK, after=24)
    _tag(doc, "{%p if enclosures %}")
    _para(doc, "Pièces jointes :", bold=True, after=2, keep=True)
    _tag(doc, "{%p for item in enclosures %}")
    _para(doc, "{{ loop.index }}. {{ item }}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endif %}")
    _page_number_footer(doc)
    return doc


def guide_template() -> Document:
    doc = _document(10)
    _para(doc, "{{ heading }}", bold=True, size=15, after=4)
    _para(doc, "{{ intro }}", after=10)
    _tag(doc, "{%p for g in guides %}")
    _para(doc, "{{ loop.index }}. {{ g.title }}", bold=True, after=2, keep=True)
    _para(doc, "{{ g.explanation }}", after=2, keep=True)
    _para(doc, "{{ g.body }}", indent=Cm(0.5), after=10)
    _tag(doc, "{%p endfor %}")
    _para(doc, "{{ note }}", size=9)
    return doc


# Parts python-docx's default document carries that a letter never uses: dropped, so that
# every generated DOCX is small (the ZIP, the disk, every converter read less).
UNUSED_PARTS = ("word/stylesWithEffects.xml", "docProps/thumbnail.jpeg", "customXml/")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def slim(path: Path) -> None:
    """Keep only the styles the template uses (with what they are based on) and drop the
    unused parts and their relationships; the text and layout do not change."""
    import re
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    used_xml = b"".join(data for name, data in parts.items() if name.startswith("word/") and name != "word/styles.xml")
    styles = etree.fromstring(parts["word/styles.xml"])
    by_id = {s.get(f"{{{W}}}styleId"): s for s in styles.iter(f"{{{W}}}style")}
    wanted = {m.decode() for m in re.findall(rb'w:(?:pStyle|rStyle|tblStyle|numStyleLink|styleLink) w:val="([^"]+)"', used_xml)}
    wanted |= {i for i, s in by_id.items() if s.get(f"{{{W}}}default") == "1"}
    pending = list(wanted)
    while pending:   # what the kept styles are based on or linked to
        style = by_id.get(pending.pop())
        if style is None:
            continue
        for tag in ("basedOn", "link", "next"):
            ref = style.find(f"{{{W}}}{tag}")
            target = ref.get(f"{{{W}}}val") if ref is not None else None
            if target and target not in wanted:
                wanted.add(target)
                pending.append(target)
    for style_id, style in by_id.items():
        if style_id not in wanted:
            styles.remove(style)
    latent = styles.find(f"{{{W}}}latentStyles")
    if latent is not None:
        styles.remove(latent)
    parts["word/styles.xml"] = etree.tostring(styles, xml_declaration=True, encoding="UTF-8", standalone=True)
    dropped = [name for name in parts if name.startswith(UNUSED_PARTS)]
    for name in dropped:
        del parts[name]
    for name in [n for n in parts if n.endswith(".rels") or n == "[Content_Types].xml"]:
        text = parts[name].decode("utf-8")
        for gone in dropped:
            target = gone.split("/", 1)[1] if name.startswith("word/") else gone
            text = re.sub(r'<(?:Relationship|Override)[^>]*(?:Target|PartName)="/?(?:\.\./)?' + re.escape(target) + r'"[^>]*/>', "", text)
        text = re.sub(r'<Relationship[^>]*Target="\.\./customXml/[^"]*"[^>]*/>', "", text)
        parts[name] = text.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def main() -> None:
    TEMPLATES.mkdir(exist_ok=True)
    for name, build in (("letter.docx", letter_template), ("guide.docx", guide_template)):
        build().save(TEMPLATES / name)
        slim(TEMPLATES / name)
    print(f"templates written to {TEMPLATES}")


if __name__ == "__main__":
    main()

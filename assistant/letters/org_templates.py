"""An organisation's own letter template: accepted only if it carries every field of ours.

An association may restyle `templates/letter.docx` (its letterhead, a logo, fonts). Before
it is used, `check_template` makes sure the file is a DOCX that our renderer can fill: the
tags parse, only the body holds tags, and every field of the standard template is there —
a template without `{{ paragraphs }}` would print a letter without its body. The required
fields are read from the standard template itself, never listed by hand. Messages are
French, for the volunteer who edited the file. The tags may hold only our fields, one
level of `for`, `if` and a few filters (`render.check_tags`, an allow-list: anything else
is refused by name), and the trial letter is filled in the sandbox with time and size
limits, as every later letter is. `diff_against_standard` says in plain French what differs
from the standard (fields, letterhead text, images).
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import re
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Optional

from docxtpl import DocxTemplate
from jinja2 import Environment, meta
from jinja2.exceptions import TemplateError, TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from pydantic import BaseModel, ConfigDict

from assistant.letters.models import Letter
from assistant.letters.render import (
    DOCUMENT_PART, LETTER_TEMPLATE, CompiledTemplate, TemplateRefused, check_tags, refusal_message, template_parts,
)

_TAG = re.compile(r"\{[{%]")
_TAG_TEXT = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# What each field of the standard template prints, for the messages.
FIELD_LABELS = {
    "sender": "l'expéditeur : nom et adresse de la personne",
    "recipient": "le destinataire et son adresse",
    "place_date": "le lieu et la date",
    "registered": "la condition qui imprime la mention du recommandé",
    "registered_line": "la mention « Lettre recommandée avec accusé de réception »",
    "references": "les références du dossier (numéro allocataire, date de la décision)",
    "subject": "l'objet du courrier",
    "salutation": "la formule d'appel (« Madame, Monsieur, »)",
    "paragraphs": "le corps du courrier",
    "closing": "la formule de politesse",
    "signature": "le nom sous la signature",
    "enclosures": "la liste des pièces jointes",
}
PART_LABELS = (("word/header", "l'en-tête"), ("word/footer", "le pied de page"), ("word/document.xml", "le corps"))


class TemplateCheck(BaseModel):
    model_config = ConfigDict(frozen=True)
    ok: bool
    errors: list[str]           # French, one per problem
    fields: list[str]           # the fields the template uses
    missing: list[str]          # required fields it lacks
    unknown: list[str]          # fields it uses that the tool does not fill

    @property
    def message(self) -> str:
        return "\n".join(self.errors) if self.errors else "Le modèle est accepté."


class _Unreadable(ValueError):
    """The bytes are not a DOCX we can read; the message is French."""


def _field(name: str) -> str:
    label = FIELD_LABELS.get(name)
    return f"{{{{ {name} }}}}" + (f" ({label})" if label else "")


def _part_label(name: str) -> str:
    return next((label for prefix, label in PART_LABELS if name.startswith(prefix)), name)


def _parts(data: bytes) -> dict[str, bytes]:
    try:
        _infos, parts = template_parts(data)   # the same limits as when the template is compiled
    except TemplateRefused as error:
        raise _Unreadable(str(error)) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError):
        raise _Unreadable("Le fichier n'est pas un document Word (.docx) lisible : enregistrez-le au format "
                          "« Document Word (.docx) » et réessayez.") from None
    return parts


def _source(parts: dict[str, bytes]) -> str:
    """The body as the Jinja source our renderer compiles (docxtpl's cleaning of the XML)."""
    try:
        xml = parts[DOCUMENT_PART].decode("utf-8")
    except UnicodeDecodeError:
        raise _Unreadable("Le corps du document est illisible (pas en UTF-8).") from None
    return DocxTemplate(io.BytesIO()).patch_xml(xml)


def _paragraphs(xml: bytes) -> list[str]:
    """The text of each paragraph of a Word XML part (tabs and line breaks kept)."""
    from lxml import etree

    try:
        root = etree.fromstring(xml)
    except etree.XMLSyntaxError:
        return []
    out = []
    for paragraph in root.iter(f"{W}p"):
        pieces = []
        for node in paragraph.iter(f"{W}t", f"{W}tab", f"{W}br"):
            pieces.append(node.text or "" if node.tag == f"{W}t" else "\t" if node.tag == f"{W}tab" else "\n")
        out.append("".join(pieces))
    return out


def _fields(source: str) -> set[str]:
    return set(meta.find_undeclared_variables(Environment().parse(source)))


@lru_cache(maxsize=2)
def standard_fields(path: Path = LETTER_TEMPLATE) -> tuple[str, ...]:
    """The fields (variables and loops) the standard template uses: all are required."""
    return tuple(sorted(_fields(_source(_parts(path.read_bytes())))))


_SYNTAX_HINTS = (
    ("unexpected end of template", "un bloc {%p for … %} ou {%p if … %} n'est pas fermé (il manque "
                                   "{%p endfor %} ou {%p endif %})"),
    ("unknown tag", "une balise {% … %} est inconnue ou ferme un bloc qui n'a pas été ouvert"),
    ("expected token 'end of print statement'", "une balise {{ … }} contient du texte en trop"),
    ("unexpected '}'", "une balise {{ … }} n'a pas ses deux accolades fermantes « }} »"),
    ("unexpected char", "une balise contient un caractère non admis"),
)


def _syntax_message(error: TemplateSyntaxError, parts: dict[str, bytes]) -> str:
    """Which tag is wrong, in French: the first one that does not parse on its own."""
    env = Environment()
    for text in _paragraphs(parts[DOCUMENT_PART]):
        for match in re.finditer(r"\{\{.*?(?:\}\}|$)|\{%.*?(?:%\}|$)", text, re.DOTALL):
            tag = match.group(0)
            broken = not (tag.endswith("}}") or tag.endswith("%}"))
            if not broken and tag.startswith("{{"):
                try:
                    env.parse(tag)
                except TemplateSyntaxError:
                    broken = True
            if broken:
                return (f"Le modèle contient une balise mal écrite : « {tag.strip()} ». Une balise s'écrit "
                        "{{ nom }} (deux accolades de chaque côté) ou {%p … %} seule dans son paragraphe.")
    reason = str(error.message or "").lower()
    hint = next((h for key, h in _SYNTAX_HINTS if key in reason), "une balise {{ … }} ou {% … %} est mal écrite")
    return f"Le modèle ne peut pas être lu : {hint}."


def _sample_context(fields: set[str]) -> dict[str, object]:
    """A letter to try the template on, with characters XML must escape."""
    context: dict[str, object] = {name: f"Essai {name} & <b>" for name in fields}
    context.update(registered=True, paragraphs=["Premier paragraphe & <essai>.", "Second paragraphe."],
                   enclosures=["Copie de la décision"])
    return context


def check_template(docx_bytes: bytes, standard: Path = LETTER_TEMPLATE) -> TemplateCheck:
    """Accept an organisation's DOCX only if our renderer can fill it with every field of
    the standard template; otherwise say, in French, what is wrong (each missing field named)."""
    try:
        parts = _parts(docx_bytes)
        source = _source(parts)
    except _Unreadable as error:
        return TemplateCheck(ok=False, errors=[str(error)], fields=[], missing=[], unknown=[])
    errors: list[str] = []
    for name, data in parts.items():
        if name != DOCUMENT_PART and name.endswith(".xml") and _TAG.search(data.decode("utf-8", "replace")):
            errors.append(f"Le modèle contient des champs {{{{ … }}}} dans {_part_label(name)} ({name}) : seuls ceux "
                          "du corps du document sont remplis. Déplacez-les dans le corps ; l'en-tête et le pied de "
                          "page peuvent garder du texte fixe.")
    try:
        tree = ImmutableSandboxedEnvironment().parse(source)
    except TemplateSyntaxError as error:
        return TemplateCheck(ok=False, errors=[*errors, _syntax_message(error, parts)], fields=[], missing=[], unknown=[])
    required = standard_fields(standard)
    tags = check_tags(tree, required)
    missing = [name for name in required if name not in tags.fields]
    unknown = sorted(tags.unknown)
    errors += [f"Le modèle ne contient pas le champ {_field(name)}." for name in missing]
    errors += [f"Le modèle utilise le champ {{{{ {name} }}}}, que l'outil ne remplit pas : retirez-le ou écrivez "
               "ce texte directement dans le modèle." for name in unknown]
    if tags.refused:
        errors.append(refusal_message(tags.refused))
    if not errors:
        errors += _try_render(docx_bytes, set(required))
    return TemplateCheck(ok=not errors, errors=errors, fields=sorted(tags.fields | set(unknown)), missing=missing,
                         unknown=unknown)


def _try_render(docx_bytes: bytes, fields: set[str]) -> list[str]:
    """Fill the template with a trial letter as the letters are filled (allow-list, sandbox,
    limits), and reopen the result."""
    from docx import Document

    try:
        template = CompiledTemplate(io.BytesIO(docx_bytes), fields=fields)
        Document(io.BytesIO(template.render(_sample_context(fields))))
    except TemplateRefused as error:
        return [str(error)]
    except TemplateError as error:
        return [f"Le modèle n'a pas pu être rempli avec un courrier d'essai : un champ y est employé d'une façon que "
                f"l'outil ne connaît pas ({type(error).__name__})."]
    except Exception:  # noqa: BLE001 — any failure here means Word would not open the letter
        return ["Le modèle n'a pas pu être rempli avec un courrier d'essai : le document produit ne s'ouvre pas. "
                "Repartez du modèle standard et refaites les modifications."]
    return []


def sample_letter(today: dt.date) -> Letter:
    """A letter for a fictitious person (an RSA suspended without reasons), dated `today`,
    to preview a template with: the same engine and catalogue as every letter."""
    from assistant.law.analysis import analyse
    from assistant.law.model import parse_case
    from assistant.letters.build import build_letters

    case = parse_case({
        "claimant": {"first_name": "Camille", "last_name": "Exemple", "address": "1 place de la Mairie",
                     "postal_code": "44000", "city": "Nantes", "file_number": "0000000"},
        "organism": {"kind": "caf", "name": "CAF de Loire-Atlantique"},
        "benefit": "rsa", "situation": "suspension",
        "decision": {"received": True, "date": (today - dt.timedelta(days=20)).isoformat(),
                     "received_on": (today - dt.timedelta(days=17)).isoformat(), "reasons_given": False,
                     "appeal_info_given": False, "algorithm_mentioned": False},
        "context": {"after_control": False, "heard_before": False, "fraud_alleged": False, "amount_eur": 607.75},
        "today": today.isoformat(),
    })
    return build_letters(case, analyse(case))[0]


def _static_text(parts: dict[str, bytes], prefix: str) -> list[str]:
    """The fixed text of the parts whose name starts with `prefix` (tags removed)."""
    lines = []
    for name in sorted(n for n in parts if n.startswith(prefix) and n.endswith(".xml")):
        for text in _paragraphs(parts[name]):
            fixed = " ".join(_TAG_TEXT.sub(" ", text).split())
            if fixed:
                lines.append(fixed)
    return lines


def diff_against_standard(docx_bytes: bytes, standard: Path = LETTER_TEMPLATE) -> list[str]:
    """What differs from the standard template, in plain French: fields added or removed,
    fixed text (letterhead, footer, body) added, removed or changed, images added."""
    try:
        mine = _parts(docx_bytes)
        my_source = _source(mine)
    except _Unreadable as error:
        return [str(error)]
    theirs = _parts(standard.read_bytes())
    out: list[str] = []
    try:
        used: Optional[set[str]] = _fields(my_source)
    except TemplateSyntaxError:
        used = None
        out.append("Les champs n'ont pas pu être comparés : une balise du modèle est mal écrite.")
    if used is not None:
        required = set(standard_fields(standard))
        out += [f"Champ retiré : {_field(name)}." for name in sorted(required - used)]
        out += [f"Champ ajouté : {{{{ {name} }}}} (l'outil ne le remplit pas)." for name in sorted(used - required)]
    for prefix, within, out_of in (("word/header", "dans l'en-tête", "de l'en-tête"),
                                   (DOCUMENT_PART, "dans le corps du courrier", "du corps du courrier"),
                                   ("word/footer", "dans le pied de page", "du pied de page")):
        before, after = _static_text(theirs, prefix), _static_text(mine, prefix)
        for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
            if op == "insert":
                out += [f"Texte ajouté {within} : « {line} »." for line in after[b1:b2]]
            elif op == "delete":
                out += [f"Texte retiré {out_of} : « {line} »." for line in before[a1:a2]]
            elif op == "replace":
                out.append(f"Texte modifié {within} : « {' / '.join(before[a1:a2])} » devient "
                           f"« {' / '.join(after[b1:b2])} ».")
    images = sorted(n for n in mine if n.startswith("word/media/") and n not in theirs)
    out += [f"Image ajoutée : {name.removeprefix('word/media/')} (un logo ?)." for name in images]
    return out

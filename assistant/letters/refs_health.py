"""Are our legal references fresh, and what does each one touch? (`python -m assistant refs check`)

For every `legal_refs` entry: its date of verification, its status, and where it is used —
the catalogues' paragraphs (letter id + paragraph key), the other catalogue keys (procedure
texts, guides), the keyed sentences of `data/sentences.yaml`, the Python modules that name
it, the notes of other entries. An entry verified more than `max_age_days` before `today`
is stale. Given a corrected file (same format as `legal_refs/*.yaml`), it says field by
field what changed and what the change affects, saved letters included (`--saved`).

Catalogue paragraphs that cite through a token (`@appeal.route`, `@right.mediator`…) get
their ids from the analysis of each case: to name them, the engine is run on a grid of
cases (every body, benefit, situation and ground, with and without a written decision, in
mainland France and overseas), dated at the last verification of our references, and the
ids each token gave are collected (a few seconds, once per process).

Exit codes of the command: 0 nothing stale; 3 some entries are stale; 2 invalid input
(French message naming the file and the field).
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from assistant.law import gate
from assistant.law.legal_refs import LegalRef, load_refs
from assistant.letters.provenance import CATALOGUES, ROOT
from assistant.letters.refs_legi import LegiInputError, LegiReport, check_legi, format_legi, load_legi

EXIT_OK, EXIT_INVALID, EXIT_STALE = 0, 2, 3
DEFAULT_MAX_AGE_DAYS = 365
MAX_CHANGED_BYTES = 1_000_000     # a correction is a few entries: a few kilobytes
PACKAGE = ROOT / "assistant"
SENTENCES = PACKAGE / "law" / "data" / "sentences.yaml"

UsageKind = Literal["paragraph", "catalogue", "sentence", "module", "reference"]
KIND_LABELS = {"paragraph": "paragraphes", "catalogue": "catalogue", "sentence": "phrases",
               "module": "modules", "reference": "notes d'autres références"}
STATUS_LABELS = {"verified": "vérifiée", "corrected": "corrigée", "secondary": "secondaire"}


class RefsInputError(ValueError):
    """Input the command cannot use; the message is French and names the file and field."""


class Usage(BaseModel):
    model_config = ConfigDict(frozen=True)
    kind: UsageKind
    where: str            # « appeal.reasons », « catalogue.yaml : letters.appeal.procedure_refs », « route.cmra »…
    via: str = ""         # the catalogue token when the id comes from the analysis of the case


class RefStatus(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    citation: str
    verified_on: dt.date
    status: str
    age_days: int
    stale: bool
    usages: list[Usage]


class FieldChange(BaseModel):
    model_config = ConfigDict(frozen=True)
    field: str
    before: Any
    after: Any


class RefChange(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    new: bool                     # an id we do not have yet
    changes: list[FieldChange]
    usages: list[Usage]


class SavedLetterHit(BaseModel):
    """A letter kept in the store that cites a changed entry."""

    model_config = ConfigDict(frozen=True)
    case_id: str
    letter_id: str
    number: int
    status: str
    refs: list[str]               # the changed ids it cites


class HealthReport(BaseModel):
    model_config = ConfigDict(frozen=True)
    today: dt.date
    max_age_days: int
    refs: list[RefStatus]
    stale: list[str]
    changed_file: Optional[str] = None
    changed: Optional[list[RefChange]] = None
    unchanged: Optional[list[str]] = None
    saved_letters: Optional[list[SavedLetterHit]] = None
    legi: Optional[LegiReport] = None       # with `--legi PATH`: the comparison with the LEGI base

    @property
    def exit_code(self) -> int:
        return EXIT_STALE if self.stale or (self.legi is not None and self.legi.flagged) else EXIT_OK


# --- Where each id is used ------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _jinja() -> Any:
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment()


def _jinja_constants(source: str) -> set[str]:
    """Quoted strings in a Jinja text (`cite_paren(['css-R133-3'])`); none if it does not parse."""
    from jinja2 import nodes
    from jinja2.exceptions import TemplateSyntaxError

    if "{" not in source:
        return set()
    try:
        tree = _jinja().parse(source)
    except TemplateSyntaxError:
        return set()
    return {c.value for c in tree.find_all(nodes.Const) if isinstance(c.value, str)}


def _walk(node: Any, path: str) -> Iterator[tuple[str, str]]:
    """(dotted path, string) for every string of a YAML tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}[{index}]")
    elif isinstance(node, str):
        yield path, node


def _ids_in(text: str, ids: set[str]) -> set[str]:
    return ({text} & ids) | (_jinja_constants(text) & ids)


def _catalogue_usages(ids: set[str]) -> Iterator[tuple[str, Usage]]:
    for path in CATALOGUES:
        if not path.exists():
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        letters = data.get("letters") or ({data["id"]: data} if "id" in data else {})
        inside: set[str] = set()
        for letter_id, spec in letters.items():
            prefix = f"letters.{letter_id}" if "letters" in data else ""
            for index, paragraph in enumerate(spec.get("paragraphs") or ()):
                where = f"{letter_id}.{paragraph.get('key', index)}"
                base = f"{prefix}.paragraphs[{index}]" if prefix else f"paragraphs[{index}]"
                inside.add(base)
                for _, text in _walk(paragraph, base):
                    for ref_id in sorted(_ids_in(text, ids)):
                        yield ref_id, Usage(kind="paragraph", where=where)
        for dotted, text in _walk(data, ""):
            if any(dotted == p or dotted.startswith(p + ".") or dotted.startswith(p + "[") for p in inside):
                continue
            for ref_id in sorted(_ids_in(text, ids)):
                where = re.sub(r"\[\d+\]$", "", dotted)
                yield ref_id, Usage(kind="catalogue", where=f"{path.name} : {where}")


def _sentence_usages(ids: set[str]) -> Iterator[tuple[str, Usage]]:
    data = yaml.safe_load(SENTENCES.read_text(encoding="utf-8")) or {}
    for key, entry in data.items():
        for ref_id in entry.get("cites") or ():
            if ref_id in ids:
                yield ref_id, Usage(kind="sentence", where=key)


class _Strings(ast.NodeVisitor):
    """String constants equal to a known id, with the function or class that holds them."""

    def __init__(self, ids: set[str]):
        self.ids, self.stack, self.found = ids, [], []

    def _scope(self, node: ast.AST) -> None:
        self.stack.append(node.name)  # type: ignore[attr-defined]
        self.generic_visit(node)
        self.stack.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scope

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and node.value in self.ids:
            self.found.append((node.value, ".".join(self.stack), node.lineno))


def _module_usages(ids: set[str]) -> Iterator[tuple[str, Usage]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        visitor = _Strings(ids)
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        name = path.relative_to(ROOT).as_posix()
        for ref_id, scope, line in visitor.found:
            yield ref_id, Usage(kind="module", where=f"{name} : {scope or 'module'} (l. {line})")


_ID_LIKE = re.compile(r"\b[a-z0-9]+(?:-[A-Za-z0-9]+)+\b")


def _reference_usages(refs: dict[str, LegalRef]) -> Iterator[tuple[str, Usage]]:
    for entry in refs.values():
        for ref_id in dict.fromkeys(_ID_LIKE.findall(entry.notes or "")):
            if ref_id in refs and ref_id != entry.id:
                yield ref_id, Usage(kind="reference", where=f"{entry.id} (notes)")


# --- Ids reached through catalogue tokens -----------------------------------------------------------

# Mainland France for every combination; Guyane and Mayotte (where the RSA and the caisses
# differ) with a written decision only: holidays elsewhere move dates, not texts.
_MAINLAND, _OVERSEAS = "44000", ("97300", "97600")


def _grid(anchor: dt.date) -> Iterator[Any]:
    """Valid cases covering every body, benefit, situation and ground, decided or not."""
    from assistant.law import bodies
    from assistant.law.model import InvalidCase, OrganismKind, parse_case

    decided, received = anchor - dt.timedelta(days=40), anchor - dt.timedelta(days=36)
    written = {"decision": {"received": True, "date": decided.isoformat(), "received_on": received.isoformat(),
                            "reasons_given": False, "appeal_info_given": False, "algorithm_mentioned": False},
               "context": {"after_control": True, "heard_before": False, "fraud_alleged": False,
                           "amount_eur": 900.0, "withholding_eur": 100.0, "own_words": "…"}}
    unwritten = {"decision": {"received": False},
                 "context": {"started_on": decided.isoformat(), "fraud_alleged": True, "amount_eur": 900.0}}
    places = [(_MAINLAND, (written, unwritten), True), *((code, (written,), False) for code in _OVERSEAS)]
    for kind in OrganismKind.all():
        for postal_code, profiles, grounds in places:
            for benefit in sorted(bodies.allowed_benefits(kind.value, postal_code)):
                for situation in sorted(bodies.allowed_situations(kind.value)):
                    for ground in (None, "medical") if grounds and bodies.body(kind.value).medical_board else (None,):
                        for profile in profiles:
                            raw = {"claimant": {"first_name": "A", "last_name": "B", "address": "1 rue A",
                                                "postal_code": postal_code, "city": "X"},
                                   "organism": {"kind": kind.value}, "benefit": benefit, "situation": situation,
                                   "decision": {**profile["decision"], "ground": ground},
                                   "context": profile["context"], "today": anchor.isoformat()}
                            try:
                                yield parse_case(raw)
                            except InvalidCase:
                                continue


def _mandate_tokens() -> list[tuple[str, tuple[str, ...]]]:
    """(« mandate.key », tokens) for the mandate's paragraphs citing through its route."""
    path = next((p for p in CATALOGUES if p.name == "mandate.yaml" and p.exists()), None)
    if path is None:
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [(f"{data.get('id', 'mandate')}.{p['key']}", tokens) for p in data.get("paragraphs") or ()
            if (tokens := tuple(t for t in p.get("cites") or () if str(t).startswith("@")))]


@lru_cache(maxsize=2)
def token_usages(anchor: dt.date) -> tuple[tuple[str, Usage], ...]:
    """(id, usage) for every id a catalogue token gave on the grid of cases dated `anchor`."""
    from assistant.law.analysis import analyse
    from assistant.letters.build import load_catalogue, resolve_cites

    try:
        from assistant.letters.mandate import _resolve as mandate_resolve
    except ImportError:  # the mandate is optional: its tokens are then simply not followed
        mandate_resolve, mandate = None, []
    else:
        mandate = _mandate_tokens()
    known = set(load_refs())
    catalogue = load_catalogue()
    paragraphs = [(spec, p, tokens) for spec in catalogue.letters.values() for p in spec.paragraphs
                  if (tokens := tuple(t for t in p.cites if t.startswith("@")))]
    procedures = [(spec, name, tokens) for spec in catalogue.letters.values()
                  for name, values in (("procedure_refs", spec.procedure_refs), ("answer_ref", (spec.answer_ref or "",)))
                  if (tokens := tuple(t for t in values if t.startswith("@")))]
    seen: dict[tuple[str, str, str, str], None] = {}
    for case in _grid(anchor):
        analysis = analyse(case)
        found = set(analysis.right_ids)
        for spec, p, tokens in paragraphs:
            if set(spec.requires_any) & found and set(p.rights) <= found:
                for token in tokens:
                    for ref_id in resolve_cites([token], case, analysis):
                        seen[(ref_id, "paragraph", f"{spec.id}.{p.key}", token)] = None
        for spec, name, tokens in procedures:
            if set(spec.requires_any) & found:
                for token in tokens:
                    for ref_id in resolve_cites([token], case, analysis):
                        seen[(ref_id, "catalogue", f"catalogue.yaml : letters.{spec.id}.{name}", token)] = None
        if mandate_resolve is not None:
            route = analysis.route
            for where, tokens in mandate:
                for token in tokens:
                    for ref_id in mandate_resolve([token], route):
                        seen[(ref_id, "paragraph", where, token)] = None
    return tuple((ref_id, Usage(kind=kind, where=where, via=via))  # type: ignore[arg-type]
                 for ref_id, kind, where, via in seen if ref_id in known)


@lru_cache(maxsize=4)
def _static_usages(ids: frozenset[str]) -> tuple[tuple[str, Usage], ...]:
    return (*_catalogue_usages(set(ids)), *_sentence_usages(set(ids)), *_module_usages(set(ids)))


def grid_date() -> dt.date:
    """The date of the grid's cases: the last verification of our references (the state of
    the law we checked), so that every run of the same data explores the same cases."""
    return max(entry.verified_on for entry in load_refs().values())


def usages(anchor: dt.date, refs: Optional[dict[str, LegalRef]] = None) -> dict[str, list[Usage]]:
    """Every place each reference is used, in a stable order (kind, then place); `anchor` is
    the date of the grid of cases that follows the catalogue's tokens."""
    refs = refs if refs is not None else load_refs()
    ids = set(refs)
    found: dict[str, dict[Usage, None]] = {ref_id: {} for ref_id in refs}
    for ref_id, usage in (*_static_usages(frozenset(ids)), *token_usages(_clamp(anchor)), *_reference_usages(refs)):
        if ref_id in found:
            found[ref_id][usage] = None
    order = list(KIND_LABELS)
    return {ref_id: sorted(items, key=lambda u: (order.index(u.kind), u.where, u.via))
            for ref_id, items in found.items()}


def _clamp(day: dt.date) -> dt.date:
    """A date a case may carry (the grid's decisions are 40 days before it)."""
    from assistant.law.model import EARLIEST, LATEST

    return min(max(day, EARLIEST + dt.timedelta(days=60)), LATEST)


# --- Freshness, corrections, saved letters -------------------------------------------------------

_PYDANTIC_FR = {
    "missing": "champ obligatoire absent",
    "extra_forbidden": "champ inconnu",
    "date_from_datetime_parsing": "date invalide (attendu AAAA-MM-JJ)",
    "date_parsing": "date invalide (attendu AAAA-MM-JJ)",
    "date_type": "date invalide (attendu AAAA-MM-JJ)",
    "url_parsing": "adresse (URL) invalide",
    "url_scheme": "adresse (URL) invalide",
    "url_type": "adresse (URL) invalide",
    "string_type": "texte attendu",
    "string_pattern_mismatch": "forme d'identifiant invalide (par exemple crpa-L211-2)",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "dict_type": "bloc « champ : valeur » attendu",
    "model_type": "bloc « champ : valeur » attendu",
}


def _french(error: dict[str, Any]) -> str:
    if error["type"] == "literal_error":
        return f"valeur non admise (valeurs possibles : {error.get('ctx', {}).get('expected', '')})"
    if error["type"] == "value_error":
        return "délai vide : il faut des jours, des mois ou des années"
    return _PYDANTIC_FR.get(error["type"], "valeur invalide")


def load_changed(path: Path) -> dict[str, LegalRef]:
    """Corrected entries, in the format of `legal_refs/*.yaml`; RefsInputError names the file,
    the entry and the field of every problem."""
    name = str(path)
    try:
        data = (gate.read_limited(path, MAX_CHANGED_BYTES, "une correction ne fait que quelques kilo-octets")
                if isinstance(path, Path) else path.read_text(encoding="utf-8").encode("utf-8"))
        text = data.decode("utf-8")
    except gate.InputRefused as error:
        raise RefsInputError(f"{name} : {' '.join(error.messages)}") from None
    except (OSError, UnicodeDecodeError):
        raise RefsInputError(f"{name} : fichier illisible (droits d'accès, ou texte pas en UTF-8).") from None
    if len(data) > MAX_CHANGED_BYTES:
        raise RefsInputError(f"{name} : fichier trop volumineux pour une correction ({MAX_CHANGED_BYTES // 1000} ko au plus).")
    try:
        raw = yaml.load(text, Loader=gate.yaml_loader())
    except gate.YamlAliasRefused as error:
        raise RefsInputError(f"{name} : ligne {error.line}, les références YAML (« &nom » et « *nom ») ne sont pas "
                             "acceptées : écrivez chaque valeur en entier.") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (ligne {mark.line + 1})" if mark is not None else ""
        raise RefsInputError(f"{name} : le fichier n'est pas un YAML valide{where}.") from None
    if not isinstance(raw, list) or not raw:
        raise RefsInputError(f"{name} : le fichier doit contenir une liste d'entrées au format de legal_refs/ "
                             "(« - id: … », « code: … », « verified_on: … »…).")
    problems: list[str] = []
    entries: dict[str, LegalRef] = {}
    for index, item in enumerate(raw, 1):
        label = f"{name}, entrée {index}" + (f" ({item['id']})" if isinstance(item, dict) and item.get("id") else "")
        if not isinstance(item, dict):
            problems.append(f"{label} : une entrée doit être un bloc « champ : valeur ».")
            continue
        try:
            entry = LegalRef.model_validate(item)
        except ValidationError as error:
            for detail in error.errors():
                field = ".".join(str(part) for part in detail["loc"]) or "entrée"
                problems.append(f"{label}, champ « {field} » : {_french(detail)}.")
            continue
        if entry.id in entries:
            problems.append(f"{label}, champ « id » : identifiant en double ({entry.id}).")
        entries[entry.id] = entry
    if problems:
        raise RefsInputError("\n".join(problems))
    return entries


Difference = tuple[str, bool, list[FieldChange]]  # id, new?, fields


def diff_refs(current: dict[str, LegalRef], changed: dict[str, LegalRef]) -> tuple[list[Difference], list[str]]:
    """Entries of `changed` that differ from `current`, field by field (new ids have every
    field as a change), and the ids that are identical."""
    differing, same = [], []
    for ref_id, entry in changed.items():
        after = entry.model_dump(mode="json")
        before = current[ref_id].model_dump(mode="json") if ref_id in current else {}
        fields = [FieldChange(field=f, before=before.get(f), after=after.get(f))
                  for f in LegalRef.model_fields if before.get(f) != after.get(f)]
        if fields:
            differing.append((ref_id, ref_id not in current, fields))
        else:
            same.append(ref_id)
    return differing, same


def affected_saved_letters(store: Any, changed_ids: Iterable[str]) -> list[SavedLetterHit]:
    """The letters kept in `store` (`Store.list()`, `Store.letters(case_id)`) that cite one of
    `changed_ids`, oldest case first."""
    wanted = set(changed_ids)
    hits = []
    for saved in store.list():
        for letter in store.letters(saved.id):
            cited = [r for r in letter.refs if r in wanted]
            if cited:
                hits.append(SavedLetterHit(case_id=saved.id, letter_id=letter.letter_id, number=letter.number,
                                           status=letter.status, refs=cited))
    return hits


def check(today: dt.date, max_age_days: int = DEFAULT_MAX_AGE_DAYS, changed: Optional[Path] = None,
          store: Any = None, refs: Optional[dict[str, LegalRef]] = None, legi: Optional[Path] = None) -> HealthReport:
    """The freshness of every reference and where it is used; with `changed`, what the
    corrected entries change and affect (and, with `store`, which saved letters cite them);
    with `legi`, the entries whose cited version or text is no longer the one in force."""
    if max_age_days < 0:
        raise RefsInputError(f"--max-age-days : un nombre de jours positif est attendu ({max_age_days}).")
    refs = refs if refs is not None else load_refs()
    corrections = load_changed(changed) if changed is not None else None
    try:
        legi_data = load_legi(legi) if legi is not None else None
    except LegiInputError as error:
        raise RefsInputError(str(error)) from None
    used = usages(grid_date(), refs)
    statuses = []
    for entry in refs.values():
        age = (today - entry.verified_on).days
        statuses.append(RefStatus(id=entry.id, citation=entry.citation, verified_on=entry.verified_on,
                                  status=entry.status, age_days=age, stale=age > max_age_days,
                                  usages=used[entry.id]))
    report: dict[str, Any] = {"today": today, "max_age_days": max_age_days, "refs": statuses,
                              "stale": [s.id for s in statuses if s.stale]}
    if corrections is not None:
        differing, same = diff_refs(refs, corrections)
        report.update(changed_file=str(changed), unchanged=same, changed=[
            RefChange(id=ref_id, new=new, changes=fields, usages=used.get(ref_id, []))
            for ref_id, new, fields in differing])
        if store is not None:
            report["saved_letters"] = affected_saved_letters(store, [c.id for c in report["changed"]])
    if legi_data is not None:
        report["legi"] = check_legi(legi_data, refs.values(), today)
    return HealthReport(**report)


# --- Output ---------------------------------------------------------------------------------------


def _date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _value(value: Any) -> str:
    if value is None:
        return "(vide)"
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value)
    return text if len(text) <= 160 else text[:157] + "…"


def _usage_lines(items: list[Usage], indent: str = "    ") -> list[str]:
    if not items:
        return [f"{indent}aucun emploi trouvé (ni courrier, ni phrase, ni module)"]
    lines = []
    for kind, label in KIND_LABELS.items():
        places = [u.where + (f" (par {u.via}, selon le dossier)" if u.via else "") for u in items if u.kind == kind]
        if places:
            lines.append(f"{indent}{label} : " + ", ".join(dict.fromkeys(places)))
    return lines


_COUNTED = {"paragraph": ("paragraphe", "paragraphes"), "catalogue": ("clé du catalogue", "clés du catalogue"),
            "sentence": ("phrase", "phrases"), "module": ("module", "modules"),
            "reference": ("note d'une autre référence", "notes d'autres références")}


def _counts(items: list[Usage]) -> str:
    parts = []
    for kind, (one, many) in _COUNTED.items():
        count = len({u.where.split(" : ")[0] if kind == "module" else u.where for u in items if u.kind == kind})
        if count:
            parts.append(f"{count} {one if count == 1 else many}")
    return ", ".join(parts) or "aucun emploi"


def format_report(report: HealthReport) -> str:
    """The report as a French table and lists, for a terminal."""
    width = max(len("Référence"), *(len(s.id) for s in report.refs))
    lines = [f"Références juridiques au {_date(report.today)} — ancienneté maximale : {report.max_age_days} jours", "",
             f"{'Référence':<{width}}  Vérifiée le  Âge (j)  Statut      État          Emplois"]
    for s in report.refs:
        state = "À REVÉRIFIER" if s.stale else "à jour"
        lines.append(f"{s.id:<{width}}  {_date(s.verified_on)}   {s.age_days:>6}  "
                     f"{STATUS_LABELS.get(s.status, s.status):<10}  {state:<12}  {_counts(s.usages)}")
    lines += ["", "Où chaque référence est employée :"]
    for s in report.refs:
        lines.append(f"  {s.id} — {s.citation}")
        lines += _usage_lines(s.usages)
    if report.changed is not None:
        lines += ["", f"Entrées corrigées ({report.changed_file}) : {len(report.changed)} différente(s), "
                      f"{len(report.unchanged or [])} identique(s)."]
        for change in report.changed:
            lines.append(f"  {change.id}" + (" — nouvelle entrée" if change.new else " — modifiée"))
            for field in change.changes:
                lines.append(f"    {field.field} : {_value(field.before)} → {_value(field.after)}")
            lines.append("    Touche :")
            lines += _usage_lines(change.usages, indent="      ")
            if report.saved_letters is not None:
                hits = [h for h in report.saved_letters if change.id in h.refs]
                lines.append("      courriers enregistrés : " + (", ".join(
                    f"dossier {h.case_id}, {h.letter_id} n° {h.number} ({h.status})" for h in hits) or "aucun"))
    if report.legi is not None:
        used = {s.id: _usage_lines(s.usages, indent="      ") for s in report.refs}
        lines += ["", *format_legi(report.legi, used)]
    lines.append("")
    if report.stale:
        lines.append(f"Bilan : {len(report.refs)} références, {len(report.stale)} à revérifier (vérifiées il y a plus "
                     f"de {report.max_age_days} jours) : {', '.join(report.stale)}.")
    else:
        lines.append(f"Bilan : {len(report.refs)} références, toutes vérifiées depuis moins de "
                     f"{report.max_age_days} jours.")
    if report.legi is not None:
        flagged = report.legi.flagged
        lines.append(f"Base LEGI : {len(flagged)} référence(s) à revoir sur {len(report.legi.checked)} comparées"
                     + (f" : {', '.join(flagged)}." if flagged else "."))
    return "\n".join(lines) + "\n"

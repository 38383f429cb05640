"""What a case is: the case file of shared/CONTRACT.md §1, validated.

Every boundary (CLI, pages, store) goes through `load_case` / `Case.model_validate`
so that bad input always becomes an `InvalidCase` with French messages naming the
field, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Optional

from assistant.law import bodies, gate, places
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator


@dataclass(frozen=True)
class Problem:
    """One input problem as data, for pages that word it themselves next to the field.

    `path` is the dotted case path (for a body × benefit pair, the field to change),
    `code` a stable id (`missing`, `future`, `date_parsing`, `string_too_long`, …) and
    `params` what the wording needs (`max_length`, `today` as a date, …)."""

    path: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)


# The fields that date a case, in the order `decision_day` reads them.
DECISION_DAY_PATHS = ("decision.date", "decision.received_on", "context.started_on")


def decision_day(*dates: Any, reference: dt.date) -> dt.date:
    """The first of `dates` (DECISION_DAY_PATHS' values) that is a date, else `reference`:
    the date that chooses the legal values in force (Case.decision_date)."""
    return next((d for d in dates if isinstance(d, dt.date)), reference)


class InvalidCase(ValueError):
    """User input that cannot be a case; `messages` are French, one per problem (the CLI
    prints them); `problems` are the same as data (the pages word them)."""

    def __init__(self, messages: list[str], source: str | None = None, problems: list[Problem] | None = None):
        self.messages = messages
        self.source = source
        self.problems = list(problems or [])
        prefix = f"{source} : " if source else ""
        super().__init__(prefix + " ; ".join(messages))


class _RegistryEnum(str, Enum):
    """Ids read from the registry (data/bodies.yaml), so that a body or benefit added there
    is a valid value with no Python change; one added to a loaded registry (a test's copy)
    is accepted too, as a member created on first use."""

    @classmethod
    def _registry_ids(cls) -> list[str]:
        raise NotImplementedError

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str) or value not in cls._registry_ids():
            return None
        member = str.__new__(cls, value)
        member._name_, member._value_ = value, value
        cls._value2member_map_[value] = member
        return member

    @classmethod
    def all(cls) -> list[Any]:
        """Every id of the registry, in its order (iterating the class gives only those
        known at import)."""
        return [cls(value) for value in cls._registry_ids()]


class _OrganismKinds(_RegistryEnum):
    @classmethod
    def _registry_ids(cls) -> list[str]:
        return bodies.organism_kinds()


class _Benefits(_RegistryEnum):
    @classmethod
    def _registry_ids(cls) -> list[str]:
        return bodies.benefit_ids()


# CONTRACT §1's organism.kind and benefit: the registry's organisms and benefits.
OrganismKind = _OrganismKinds("OrganismKind", [(k, k) for k in bodies.organism_kinds()], module=__name__,
                              qualname="OrganismKind")
Benefit = _Benefits("Benefit", [(b, b) for b in bodies.benefit_ids()], module=__name__, qualname="Benefit")


class Situation(str, Enum):
    suspension = "suspension"
    reduction = "reduction"
    overpayment = "overpayment"
    refusal = "refusal"
    termination = "termination"
    sanction = "sanction"
    penalty = "penalty"


class Ground(str, Enum):
    """What the decision rests on: a medical assessment (médecin-conseil, medical board)
    takes other routes than an administrative one."""

    administrative = "administrative"
    medical = "medical"


# Which body can take a decision on which benefit, and what it can decide: the registry
# (data/bodies.yaml). A pair outside it is an input error (CONTRACT §1), not a guess.
class _ByOrganism(Mapping):
    """organism kind → its registry set, read when asked (a body added later is there too)."""

    def __init__(self, read: Callable[[str], set[Any]]):
        self._read = read

    def __getitem__(self, kind: Any) -> set[Any]:
        return self._read(OrganismKind(kind).value)

    def __iter__(self) -> Iterator[Any]:
        return iter(OrganismKind.all())

    def __len__(self) -> int:
        return len(bodies.organism_kinds())


BENEFITS_BY_ORGANISM: Mapping[Any, set[Any]] = _ByOrganism(
    lambda kind: {Benefit(b) for b in bodies.organism(kind)["benefits"]})
SITUATIONS_BY_ORGANISM: Mapping[Any, set[Situation]] = _ByOrganism(
    lambda kind: {Situation(s) for s in bodies.allowed_situations(kind)})


# Dates outside this range are typing mistakes, not cases (and would overflow the calendar).
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2100, 12, 31)


def allowed_benefits(kind: OrganismKind, postal_code: str) -> set[Benefit]:
    """The benefits this body decides on where the person lives (overseas caisses pay more)."""
    return {Benefit(b) for b in bodies.allowed_benefits(kind.value, postal_code)}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, use_enum_values=False)


class Claimant(_Strict):
    first_name: str = Field(min_length=1, max_length=200)
    last_name: str = Field(min_length=1, max_length=200)
    address: str = Field(min_length=1, max_length=500)
    postal_code: str
    city: str = Field(min_length=1, max_length=200)
    email: Optional[str] = Field(default=None, max_length=320)
    phone: Optional[str] = Field(default=None, max_length=40)
    file_number: Optional[str] = Field(default=None, max_length=40)
    # Contract addition (2026-12-06): the commune's INSEE code; wins over postal_code + city.
    commune_code: Optional[str] = Field(default=None, pattern=r"^[0-9][0-9AB][0-9]{3}$")

    @field_validator("postal_code")
    @classmethod
    def _postal_code(cls, v: str) -> str:
        if not re.fullmatch(r"\d{5}", v):
            raise ValueError("postal_code")
        return v

    @field_validator("email")
    @classmethod
    def _email(cls, v: Optional[str]) -> Optional[str]:
        if v and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", v):
            raise ValueError("email")
        return v or None

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: Optional[str]) -> Optional[str]:
        if v and not re.fullmatch(r"\+?[\d .()-]{6,30}", v):
            raise ValueError("phone")
        return v or None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Organism(_Strict):
    kind: OrganismKind
    name: Optional[str] = Field(default=None, max_length=300)
    # The deciding body's own address: its letters, and those to its director, its commission
    # de recours amiable and its own mediator, which sit there.
    address: Optional[str] = Field(default=None, max_length=500)


class RecipientAddresses(_Strict):
    """Contract addition (2026-12-06): the addresses of the letters' other recipients, one
    per kind of body, so that no body's address is ever printed under another's name."""

    departement: Optional[str] = Field(default=None, max_length=500)     # RSA decided by the CAF or MSA
    mediator: Optional[str] = Field(default=None, max_length=500)        # a mediator with its own address
    court: Optional[str] = Field(default=None, max_length=500)           # the court seized directly
    medical_board: Optional[str] = Field(default=None, max_length=500)   # commission médicale de recours amiable
    remission_body: Optional[str] = Field(default=None, max_length=500)  # another body deciding remissions


class Decision(_Strict):
    received: Optional[bool] = Field(default=None, strict=True)
    date: Optional[dt.date] = None
    received_on: Optional[dt.date] = None
    reasons_given: Optional[bool] = Field(default=None, strict=True)
    appeal_info_given: Optional[bool] = Field(default=None, strict=True)
    algorithm_mentioned: Optional[bool] = Field(default=None, strict=True)
    ground: Optional[Ground] = None
    # A request left unanswered (added 2026-12-06): its date, and whether its acknowledgement
    # of receipt stated the routes and time limits (None: the person does not know).
    request_filed_on: Optional[dt.date] = None
    acknowledgement_states_time_limits: Optional[bool] = Field(default=None, strict=True)

    @property
    def is_written(self) -> bool:
        """A written decision exists when the person says so or gives its dates."""
        if self.received is not None:
            return self.received
        return self.received_on is not None or self.date is not None


class Context(_Strict):
    after_control: Optional[bool] = Field(default=None, strict=True)
    heard_before: Optional[bool] = Field(default=None, strict=True)
    fraud_alleged: Optional[bool] = Field(default=None, strict=True)
    amount_eur: Optional[float] = Field(default=None, ge=0, le=10_000_000, strict=True)
    withholding_eur: Optional[float] = Field(default=None, ge=0, le=1_000_000, strict=True)
    started_on: Optional[dt.date] = None
    own_words: Optional[str] = Field(default=None, max_length=3000)


class History(_Strict):
    explanation_requested_on: Optional[dt.date] = None
    documents_requested_on: Optional[dt.date] = None
    appeal_filed_on: Optional[dt.date] = None


class Case(_Strict):
    claimant: Claimant
    organism: Organism
    benefit: Benefit
    situation: Situation
    decision: Decision = Field(default_factory=Decision)
    context: Context = Field(default_factory=Context)
    history: History = Field(default_factory=History)
    recipient_addresses: RecipientAddresses = Field(default_factory=RecipientAddresses)
    today: Optional[dt.date] = None

    @property
    def reference_date(self) -> dt.date:
        return self.today or dt.date.today()

    @property
    def decision_date(self) -> dt.date:
        """The date that chooses the legal values in force (`period(id, on)`, the authority of
        the commune): the decision's own date, else its receipt, else when payments changed,
        else the case's today."""
        return decision_day(self.decision.date, self.decision.received_on, self.context.started_on,
                            reference=self.reference_date)

    @model_validator(mode="after")
    def _coherent(self) -> "Case":
        problems: list[tuple[str, str]] = []
        if self.benefit not in allowed_benefits(self.organism.kind, self.claimant.postal_code):
            problems.append(("benefit", "impossible_pair"))
        if self.situation not in SITUATIONS_BY_ORGANISM[self.organism.kind]:
            problems.append(("situation", "impossible_situation"))
        c = self.claimant
        if c.commune_code and places.commune(c.commune_code) is None:
            problems.append(("claimant.commune_code", "unknown_commune"))
        elif places.outside_rsa(c.postal_code, c.city, c.commune_code):
            problems.append(("claimant.postal_code", "own_social_protection"))
        d = self.decision
        if d.received is False and d.received_on is not None:
            problems.append(("decision.received_on", "not_received"))
        if d.date and d.received_on and d.received_on < d.date:
            problems.append(("decision.received_on", "before_decision"))
        today = self.reference_date
        if not EARLIEST <= today <= LATEST:
            problems.append(("today", "implausible"))
        dated = {
            "decision.date": d.date,
            "decision.received_on": d.received_on,
            "decision.request_filed_on": d.request_filed_on,
            "context.started_on": self.context.started_on,
            "history.explanation_requested_on": self.history.explanation_requested_on,
            "history.documents_requested_on": self.history.documents_requested_on,
            "history.appeal_filed_on": self.history.appeal_filed_on,
        }
        for path, value in dated.items():
            if value is not None and value < EARLIEST:
                problems.append((path, "implausible"))
            elif value is not None and value > today:
                problems.append((path, "future"))
        # One cannot ask for the reasons of, or appeal against, a decision not yet taken.
        for path in ("history.explanation_requested_on", "history.appeal_filed_on"):
            value = dated[path]
            if value is not None and d.date is not None and value < d.date:
                problems.append((path, "before_decision_date"))
        if problems:
            raise ValueError(problems)
        return self


# --- French messages ------------------------------------------------------------------

FIELD_LABELS: dict[str, str] = {
    "claimant": "Vos coordonnées",
    "claimant.first_name": "Prénom",
    "claimant.last_name": "Nom",
    "claimant.address": "Adresse",
    "claimant.postal_code": "Code postal",
    "claimant.commune_code": "Code INSEE de la commune",
    "claimant.city": "Ville",
    "claimant.email": "Adresse e-mail",
    "claimant.phone": "Téléphone",
    "claimant.file_number": "Numéro de dossier (allocataire, identifiant)",
    "organism": "Organisme",
    "organism.kind": "Organisme",
    "organism.name": "Nom de l'organisme",
    "organism.address": "Adresse de l'organisme",
    "benefit": "Prestation",
    "situation": "Ce qui s'est passé",
    "decision": "Décision",
    "decision.received": "Décision reçue par écrit",
    "decision.date": "Date de la décision",
    "decision.received_on": "Date de réception de la décision",
    "decision.reasons_given": "La décision donne ses motifs",
    "decision.appeal_info_given": "La décision indique comment la contester",
    "decision.algorithm_mentioned": "La décision mentionne un traitement algorithmique",
    "decision.ground": "La décision repose sur un avis médical",
    "decision.request_filed_on": "Date de la demande restée sans réponse",
    "decision.acknowledgement_states_time_limits": "L'accusé de réception de la demande indique les délais de recours",
    "context": "Contexte",
    "context.after_control": "Contrôle avant la décision",
    "context.heard_before": "Vous avez pu vous expliquer avant la décision",
    "context.fraud_alleged": "Fraude reprochée",
    "context.amount_eur": "Montant (en euros)",
    "context.withholding_eur": "Retenue mensuelle (en euros)",
    "context.started_on": "Date d'arrêt des paiements",
    "context.own_words": "Votre situation en quelques mots",
    "history": "Démarches déjà faites",
    "history.explanation_requested_on": "Date de la demande d'explication",
    "history.documents_requested_on": "Date de la demande de documents",
    "history.appeal_filed_on": "Date du recours",
    "recipient_addresses": "Adresses des autres destinataires",
    "recipient_addresses.departement": "Adresse du département (RSA)",
    "recipient_addresses.mediator": "Adresse du médiateur",
    "recipient_addresses.court": "Adresse du tribunal",
    "recipient_addresses.medical_board": "Adresse de la commission médicale de recours amiable",
    "recipient_addresses.remission_body": "Adresse de l'instance qui décide des remises de dette",
    "today": "Date de référence (today)",
}

_SPECIFIC: dict[str, str] = {
    "impossible_pair": "cet organisme ne verse pas cette prestation ({benefit} par {organism}). Vérifiez l'organisme ou la prestation.",
    "impossible_situation": "cet organisme ne prend pas ce type de décision ({situation} par {organism}). Vérifiez l'organisme ou ce qui s'est passé.",
    "not_received": "vous indiquez ne pas avoir reçu de décision écrite, mais vous donnez une date de réception.",
    "before_decision": "elle ne peut pas précéder la date de la décision.",
    "future": "elle ne peut pas être postérieure à aujourd'hui ({today}).",
    "own_social_protection": "ce code postal est en Nouvelle-Calédonie, en Polynésie française ou à Wallis-et-Futuna, où s'applique leur propre protection sociale ; cet outil ne couvre pas ces territoires.",
    "unknown_commune": "code INSEE de commune inconnu ; vérifiez-le ou laissez-le vide.",
    "implausible": "date invraisemblable (entre 1900 et 2100 attendu) ; vérifiez l'année.",
    "before_decision_date": "elle ne peut pas précéder la date de la décision.",
    "postal_code": "il faut 5 chiffres (par exemple 44000).",
    "email": "ce n'est pas une adresse e-mail valide (exemple : nom@exemple.fr).",
    "phone": "seuls les chiffres, espaces et le signe + sont acceptés.",
}

_BY_TYPE: dict[str, str] = {
    "missing": "ce champ est obligatoire.",
    "extra_forbidden": "ce champ n'existe pas dans un dossier (vérifiez l'orthographe).",
    "enum": "valeur inconnue ; valeurs possibles : {expected}.",
    "date_from_datetime_parsing": "date invalide ; format attendu AAAA-MM-JJ (par exemple 2026-11-23).",
    "date_parsing": "date invalide ; format attendu AAAA-MM-JJ (par exemple 2026-11-23).",
    "date_type": "date invalide ; format attendu AAAA-MM-JJ (par exemple 2026-11-23).",
    "date_from_datetime_inexact": "date invalide ; format attendu AAAA-MM-JJ.",
    "bool_parsing": "répondez par oui (true) ou non (false).",
    "bool_type": "répondez par oui (true) ou non (false).",
    "float_parsing": "il faut un nombre (par exemple 1234,50).",
    "float_type": "il faut un nombre (par exemple 1234,50).",
    "finite_number": "il faut un nombre (par exemple 1234,50).",
    "greater_than_equal": "le montant ne peut pas être négatif.",
    "less_than_equal": "le montant est trop élevé.",
    "string_too_short": "ce champ ne peut pas être vide.",
    "string_too_long": "texte trop long ({max_length} caractères au plus).",
    "string_type": "il faut un texte.",
    "model_type": "il faut un groupe de champs (objet).",
    "model_attributes_type": "il faut un groupe de champs (objet).",
    "dict_type": "il faut un groupe de champs (objet).",
}


def label(path: str) -> str:
    """French label for a dotted field path; unknown keys are shown as typed."""
    return FIELD_LABELS.get(path, path)


def _messages(error: ValidationError, raw: Any) -> tuple[list[str], list[Problem]]:
    out: list[str] = []
    problems: list[Problem] = []
    for err in error.errors(include_url=False):
        loc = [str(p) for p in err["loc"] if not str(p).startswith("function-")]
        path = ".".join(loc)
        ctx = err.get("ctx") or {}
        inner = ctx.get("error")
        if err["type"] == "value_error" and isinstance(inner, ValueError) and isinstance(inner.args[0], list):
            for sub_path, code in inner.args[0]:
                out.append(_format(sub_path, _SPECIFIC[code], raw))
                problems.append(Problem(sub_path, code, _params(code, raw)))
            continue
        if err["type"] == "value_error" and isinstance(inner, ValueError) and str(inner) in _SPECIFIC:
            out.append(_format(path, _SPECIFIC[str(inner)], raw))
            problems.append(Problem(path, str(inner), {}))
            continue
        kind = "missing" if err["type"] == "string_type" and err.get("input") is None else err["type"]
        template = _BY_TYPE.get(kind, "valeur invalide.")
        expected = str(ctx.get("expected", "")).replace("' or '", "', '")
        text = template.format(expected=expected, max_length=ctx.get("max_length", ""))
        if kind == "extra_forbidden":
            out.append(f"Champ inconnu « {path} » : {text}")
        else:
            out.append(f"{label(path)} ({path}) : {text}")
        params = {k: ctx[k] for k in ("max_length", "min_length", "ge", "le") if k in ctx}
        problems.append(Problem(path, kind if kind in _BY_TYPE else "invalid", params))
    if not out:
        return ["Le dossier n'est pas valide."], [Problem("", "invalid", {})]
    return out, problems


def _params(code: str, raw: Any) -> dict[str, Any]:
    """What a coherence problem's wording needs, as data (dates as `date`)."""
    if code == "future":
        today = _raw_get(raw, "today")
        try:
            day = dt.date.fromisoformat(today) if isinstance(today, str) else today
        except ValueError:
            day = None
        return {"today": day if isinstance(day, dt.date) else dt.date.today()}
    if code == "impossible_pair":
        return {"benefit": _raw_get(raw, "benefit"), "organism": _raw_get(raw, "organism", "kind")}
    if code == "impossible_situation":
        return {"situation": _raw_get(raw, "situation"), "organism": _raw_get(raw, "organism", "kind")}
    return {}


def _format(path: str, template: str, raw: Any) -> str:
    today = _raw_get(raw, "today") or dt.date.today().isoformat()
    text = template.format(
        benefit=_raw_get(raw, "benefit"), organism=_raw_get(raw, "organism", "kind"),
        situation=_raw_get(raw, "situation"), today=today,
    )
    pairs = {"benefit": "prestation et organisme (benefit, organism.kind)",
             "situation": "situation et organisme (situation, organism.kind)"}
    fields = pairs.get(path) or f"{label(path)} ({path})"
    return f"{fields[0].upper()}{fields[1:]} : {text}"


def _raw_get(raw: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(raw, dict):
            return None
        raw = raw.get(key)
    return raw


# --- The commune, when the address does not say it and it matters ---------------------------

_DIFFERS = {"authority": "le même organisme compétent (RSA, aides du département) à la date de la décision",
            "holidays": "les mêmes jours fériés locaux"}
COMMUNE_HINTS = {
    "file": "indiquez dans claimant.commune_code le code INSEE de la commune.",
    "batch": "ajoutez la colonne claimant.commune_code (« Code INSEE de la commune ») avec le code INSEE de la commune.",
}


def address_ambiguity(case: Case) -> Optional[Problem]:
    """Postcode and city leave several communes that differ in authority on the decision's
    date or in holidays (`places.ambiguity`); `params` carries the candidates for the message.
    Whether that changes anything for this case is `appeals.commune_problem`'s question."""
    c = case.claimant
    found = places.ambiguity(c.postal_code, c.city, case.decision_date, c.commune_code)
    if found is None:
        return None
    return Problem("claimant.commune_code", "ambiguous_commune",
                   {"postal_code": found.postal_code, "city": c.city, "candidates": found.candidates,
                    "differs_in": found.differs_in})


def commune_message(problem: Problem, hint: str = "file") -> str:
    """« Code INSEE de la commune (claimant.commune_code) : 4 communes possibles pour 69390 … »."""
    params = problem.params
    names = ", ".join(f"{c.name} ({c.code})" for c in params["candidates"])
    differ = " ni ".join(_DIFFERS[d] for d in params["differs_in"])
    typed = f" « {params['city']} »" if params.get("city") else ""
    return (f"{label(problem.path)} ({problem.path}) : {len(params['candidates'])} communes possibles pour "
            f"{params['postal_code']}{typed} : {names} ; elles n'ont pas {differ} ; {COMMUNE_HINTS[hint]}")


# Where each recipient's postal address is typed: the deciding body's, then the others'.
RECIPIENT_ADDRESS_FIELDS = ("organism.address", *(f"recipient_addresses.{name}" for name in RecipientAddresses.model_fields))
# Fields where a person may type several lines (an address, their own words).
MULTILINE_FIELDS = frozenset({"claimant.address", "context.own_words", *RECIPIENT_ADDRESS_FIELDS})


def parse_case(data: Any, source: str | None = None) -> Case:
    """Validate raw data (a dict from JSON/YAML or a form) into a Case or raise InvalidCase."""
    if not isinstance(data, dict):
        raise InvalidCase(["le fichier doit contenir un objet (des champs « clé : valeur »), pas une liste ou un texte."], source)
    try:
        # The one gate every input passes: control and bidirectional characters removed,
        # line breaks kept only where a field may hold several lines, absurd nesting refused.
        data = gate.clean_tree(data, MULTILINE_FIELDS)
    except gate.InputRefused as error:
        raise InvalidCase(error.messages, source) from None
    try:
        return Case.model_validate(data)
    except ValidationError as error:
        messages, problems = _messages(error, data)
        raise InvalidCase(messages, source, problems) from None


def load_case(path: str | Path) -> Case:
    """Read a JSON or YAML case file; every failure is an InvalidCase naming the file. The
    size is checked before reading, and the read is bounded (a device never ends). An address
    whose commune matters is checked by `appeals.require_commune`, which knows the routes."""
    path = Path(path)
    source = str(path)
    try:
        text = gate.read_limited(path, gate.MAX_CASE_FILE_BYTES,
                                 "un dossier ne fait que quelques kilo-octets, est-ce le bon fichier ?").decode("utf-8-sig")
    except gate.InputRefused as error:
        raise InvalidCase(error.messages, source) from None
    except UnicodeDecodeError:
        raise InvalidCase(["le fichier n'est pas en UTF-8."], source) from None
    return parse_case(parse_text(text, source, yaml_allowed=path.suffix.lower() in {".yaml", ".yml"}), source)




def parse_text(text: str, source: str, yaml_allowed: bool = True) -> Any:
    """JSON first (the usual case), then YAML; syntax errors become French messages."""
    if len(text) > gate.MAX_FILE_BYTES:
        raise InvalidCase(["fichier trop volumineux pour être un dossier."], source)
    try:
        return json.loads(text, parse_int=gate.bounded_int)
    except RecursionError:
        raise InvalidCase(["le fichier est imbriqué trop profondément pour être un dossier."], source) from None
    except json.JSONDecodeError as exc:
        if not yaml_allowed and text.lstrip().startswith(("{", "[")):
            raise InvalidCase([f"JSON invalide ligne {exc.lineno}, colonne {exc.colno}."], source) from None
    import yaml  # only paid for by YAML files

    try:
        return yaml.load(text, Loader=gate.yaml_loader())
    except RecursionError:
        raise InvalidCase(["le fichier est imbriqué trop profondément pour être un dossier."], source) from None
    except gate.YamlAliasRefused as exc:
        raise InvalidCase([f"ligne {exc.line} : les références YAML (« &nom » et « *nom ») ne sont pas acceptées "
                           "dans un dossier : écrivez chaque valeur en entier."], source) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" ligne {mark.line + 1}" if mark else ""
        raise InvalidCase([f"le fichier n'est ni du JSON ni du YAML valide{where}."], source) from None



"""What the law says, with sources: the entries of `legal_refs/*.yaml`.

Loaded once per process and validated strictly: a missing field, an unknown key or a
duplicate id is a bug in our data and fails loudly (`LegalRefsError`).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator, model_validator

REFS_DIR = Path(__file__).resolve().parents[2] / "legal_refs"
OFFICIAL_HOSTS = ("www.legifrance.gouv.fr", "legifrance.gouv.fr", "eur-lex.europa.eu")
# Case law may also point to the court's own official site (ArianeWeb for the Conseil d'État).
COURT_HOSTS = ("www.conseil-etat.fr", "conseil-etat.fr", "www.courdecassation.fr", "curia.europa.eu")
# The site a link opens, named for the reader from the URL's host (« Lire le texte sur … »):
# a decision on the Conseil d'État's own site is not on Légifrance. Names that read the
# same in French and English.
SITE_NAMES = {
    "www.legifrance.gouv.fr": "Légifrance", "legifrance.gouv.fr": "Légifrance",
    "eur-lex.europa.eu": "EUR-Lex",
    "www.conseil-etat.fr": "conseil-etat.fr", "conseil-etat.fr": "conseil-etat.fr",
    "www.courdecassation.fr": "courdecassation.fr",
    "curia.europa.eu": "curia.europa.eu",
}


class LegalRefsError(RuntimeError):
    """Our legal data is inconsistent: fix the YAML, not the user."""


class Period(BaseModel):
    """A machine-readable time limit and what it runs from, e.g. {months: 2, runs_from:
    notification}; in a list of dated values, also the day it takes effect (`from`)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)
    in_force_from: Optional[dt.date] = Field(default=None, alias="from")
    days: int = 0
    months: int = 0
    years: int = 0
    runs_from: str

    @model_validator(mode="after")
    def _not_empty(self) -> "Period":
        if not (self.days or self.months or self.years):
            raise ValueError("a deadline needs days, months or years")
        return self


class NoValueInForce(LegalRefsError):
    """The decision's date falls before the first dated value of an entry."""


def _dated_values(raw: object) -> object:
    """One value (no `from`: the only one we know, in force on any date) or a list of
    dated values, each with its `from`, in strictly increasing order."""
    if raw is None or isinstance(raw, dict):
        return None if raw is None else [raw]
    if not isinstance(raw, list) or not raw:
        raise ValueError("a deadline is one value or a non-empty list of dated values")
    return raw


class LegalRef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9]+(-[A-Za-z0-9]+)+$")
    code: str
    article: str
    citation: str
    summary: str
    url: HttpUrl
    verified_on: dt.date
    status: Literal["verified", "corrected", "secondary"]
    # One undated value or a list of dated values ({from: date, …}), chosen by `period(id, on)`.
    deadline: Optional[list[Period]] = None
    # The longer period the same text sets in case of fraud or false declaration (limitation
    # of an overpayment's recovery), same format: `period(id, on, fraud=True)`.
    fraud_deadline: Optional[list[Period]] = None
    # When the version cited took effect, where it matters (a text whose wording changed).
    in_force_from: Optional[dt.date] = None
    # The text seen when verified, as `refs_legi.fingerprint` gives it (`refs check --legi` compares).
    text_fingerprint: Optional[str] = Field(default=None, pattern=r"^sha256:[0-9a-f]{16}$")
    # Categories of an article that lists cases (CRPA L211-2): key → {fr, en} wording.
    categories: Optional[dict[str, dict[str, str]]] = None
    notes: Optional[str] = None

    @field_validator("deadline", "fraud_deadline", mode="before")
    @classmethod
    def _one_or_dated(cls, raw: object) -> object:
        return _dated_values(raw)

    @field_validator("deadline", "fraud_deadline")
    @classmethod
    def _dated_in_order(cls, values: Optional[list[Period]]) -> Optional[list[Period]]:
        if values and len(values) > 1:
            dates = [value.in_force_from for value in values]
            if None in dates:
                raise ValueError("each of several deadline values needs its `from` date")
            if dates != sorted(set(dates)):
                raise ValueError("deadline values must be in increasing order of `from`, without repeats")
        return values

    @property
    def is_case_law(self) -> bool:
        return self.code == "Jurisprudence"

    @property
    def is_official_url(self) -> bool:
        """Texts on Légifrance or EUR-Lex; decisions there or on the court's own site."""
        host = self.url.host or ""
        return host in OFFICIAL_HOSTS or (self.is_case_law and host in COURT_HOSTS)

    @property
    def site_name(self) -> str:
        """The name of the site the URL opens, from its host (the host itself if unknown)."""
        host = self.url.host or ""
        return SITE_NAMES.get(host, host)


@lru_cache(maxsize=4)
def load_refs(directory: Path = REFS_DIR) -> dict[str, LegalRef]:
    """All legal references by id, in file then entry order."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    refs: dict[str, LegalRef] = {}
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise LegalRefsError(f"no legal reference file in {directory}")
    for path in files:
        entries = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or []
        if not isinstance(entries, list):
            raise LegalRefsError(f"{path.name}: expected a list of entries")
        for index, raw in enumerate(entries):
            try:
                ref = LegalRef.model_validate(raw)
            except ValidationError as error:
                raise LegalRefsError(f"{path.name} entry {index}: {error}") from None
            if ref.id in refs:
                raise LegalRefsError(f"{path.name}: duplicate id {ref.id}")
            refs[ref.id] = ref
    return refs


def ref(ref_id: str) -> LegalRef:
    """One reference; an unknown id is a bug (a rule cites something we do not have)."""
    try:
        return load_refs()[ref_id]
    except KeyError:
        raise LegalRefsError(f"unknown legal reference id: {ref_id}") from None


def period(ref_id: str, on: Optional[dt.date] = None, fraud: bool = False) -> Period:
    """The time limit an article sets, in force on `on` — the date of the decision it
    applies to (today when there is none). The article must carry one in force then.
    `fraud`: its longer period in case of fraud (`fraud_deadline`), where it sets one."""
    entry = ref(ref_id)
    values = entry.fraud_deadline if fraud and entry.fraud_deadline else entry.deadline
    if not values:
        raise LegalRefsError(f"{ref_id} has no machine-readable deadline")
    on = on or dt.date.today()
    in_force = [value for value in values if value.in_force_from is None or value.in_force_from <= on]
    if not in_force:
        raise NoValueInForce(f"{ref_id}: no deadline in force on {on.isoformat()} "
                             f"(the first takes effect on {values[0].in_force_from})")
    return in_force[-1]

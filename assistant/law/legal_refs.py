"""What the law says, with sources: the entries of `legal_refs/*.yaml`.

Loaded once per process and validated strictly: a missing field, an unknown key or a
duplicate id is a bug in our data and fails loudly (`LegalRefsError`).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, model_validator

REFS_DIR = Path(__file__).resolve().parents[2] / "legal_refs"
OFFICIAL_HOSTS = ("www.legifrance.gouv.fr", "legifrance.gouv.fr", "eur-lex.europa.eu")
# Case law may also point to the court's own official site (ArianeWeb for the Conseil d'État).
COURT_HOSTS = ("www.conseil-etat.fr", "conseil-etat.fr", "www.courdecassation.fr", "curia.europa.eu")


class LegalRefsError(RuntimeError):
    """Our legal data is inconsistent: fix the YAML, not the user."""


class Period(BaseModel):
    """A machine-readable time limit, e.g. {months: 2, from: notification}."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    days: int = 0
    months: int = 0
    years: int = 0
    from_: str = Field(alias="from")

    @model_validator(mode="after")
    def _not_empty(self) -> "Period":
        if not (self.days or self.months or self.years):
            raise ValueError("a deadline needs days, months or years")
        return self


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
    deadline: Optional[Period] = None
    # When the version cited took effect, where it matters (a text whose wording changed).
    in_force_from: Optional[dt.date] = None
    # Categories of an article that lists cases (CRPA L211-2): key → {fr, en} wording.
    categories: Optional[dict[str, dict[str, str]]] = None
    notes: Optional[str] = None

    @property
    def is_case_law(self) -> bool:
        return self.code == "Jurisprudence"

    @property
    def is_official_url(self) -> bool:
        """Texts on Légifrance or EUR-Lex; decisions there or on the court's own site."""
        host = self.url.host or ""
        return host in OFFICIAL_HOSTS or (self.is_case_law and host in COURT_HOSTS)


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


def period(ref_id: str) -> Period:
    """The time limit an article sets; the article must carry one."""
    found = ref(ref_id).deadline
    if found is None:
        raise LegalRefsError(f"{ref_id} has no machine-readable deadline")
    return found

"""Where the claimant lives: département (for the RSA authority) and local public holidays."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

DATA = Path(__file__).resolve().parent / "data" / "departements.yaml"

# `holidays` subdivision codes for the places whose public holidays differ from
# the rest of France (Alsace-Moselle: 26 December, and Good Friday in some communes only; overseas:
# abolition of slavery days).
_HOLIDAY_REGION_BY_PREFIX = {
    "57": "57", "67": "6AE", "68": "6AE",
    "971": "971", "972": "972", "973": "973", "974": "974", "976": "976", "975": "PM",
    "97133": "BL", "97150": "MF",
}


@dataclass(frozen=True)
class Place:
    name: str
    of: str
    rsa_authority: Optional[str] = None
    rsa_note: Optional[str] = None


@lru_cache(maxsize=1)
def _table() -> dict[str, Place]:
    import yaml

    raw = yaml.load(DATA.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return {str(code): Place(**fields) for code, fields in raw.items()}


def _lookup(postal_code: str, table: dict) -> Optional[object]:
    for length in (5, 3, 2):
        found = table.get(postal_code[:length])
        if found is not None:
            return found
    return None


def departement(postal_code: str) -> Optional[Place]:
    """The collectivité exercising the département's powers for this postal code."""
    return _lookup(postal_code, _table())  # type: ignore[return-value]


def holiday_region(postal_code: str) -> Optional[str]:
    """The `holidays` France subdivision whose local public holidays apply, if any."""
    return _lookup(postal_code, _HOLIDAY_REGION_BY_PREFIX)  # type: ignore[return-value]

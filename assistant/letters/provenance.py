"""Where a generated letter comes from: the project version, the version of its catalogue
entry, and the date each reference it cites was last verified. Stored with every letter so
that a lawyer can tell, months later, which wording and which state of the law produced it.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.core import version as core_version
from assistant.law.legal_refs import load_refs

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = (ROOT / "assistant" / "letters" / "catalogue.yaml",
              ROOT / "assistant" / "letters" / "collective.yaml",
              ROOT / "assistant" / "letters" / "mandate.yaml")


def project_version() -> str:
    """The version in pyproject.toml (one source: `core.version`, also after `pip install .`)."""
    return core_version.project_version()


@lru_cache(maxsize=1)
def _entries() -> dict[str, object]:
    found: dict[str, object] = {}
    for path in CATALOGUES:
        if path.exists():
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            found.update(data.get("letters", {}))
    return found


def template_version(letter_id: str) -> str:
    """A short fingerprint of the letter's catalogue entry: changes when its wording,
    conditions or citations change, and only then."""
    entry = _entries().get(letter_id)
    canonical = yaml.safe_dump(entry, allow_unicode=True, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def refs_verified(ref_ids: list[str]) -> dict[str, str]:
    """The `verified_on` date of each cited reference, as it stands now."""
    refs = load_refs()
    return {ref_id: refs[ref_id].verified_on.isoformat() for ref_id in ref_ids if ref_id in refs}

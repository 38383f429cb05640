"""Build assistant/law/data/communes.json.gz from Etalab's découpage administratif.

Not run by the tests. Usage:
    cd /tmp && npm pack @etalab/decoupage-administratif && tar xzf etalab-decoupage-administratif-*.tgz
    .venv/bin/python tools/make_communes.py /tmp/package

Each current commune (INSEE code) → its names (own name, communes déléguées and associées,
municipal arrondissements), postcodes, département code, and whether it belongs to the
Métropole de Lyon (read from the EPCI list, type MET69). Nothing is typed by hand.

`aliases` maps the other INSEE codes a person or an address database may give to the current
commune: municipal arrondissements (69383 Lyon 3e → 69123, what the Base Adresse Nationale
returns as `citycode`), communes déléguées and associées with their own code, and the former
codes (`anciensCodes`) of merged communes. A former code now shared by two communes is left
out (it names no single commune).
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "assistant" / "law" / "data" / "communes.json.gz"


def build(package: Path) -> dict:
    meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
    data = package / "data"
    communes = json.loads((data / "communes.json").read_text(encoding="utf-8"))
    epci = json.loads((data / "epci.json").read_text(encoding="utf-8"))
    lyon = {m["code"] for e in epci if e["type"] == "MET69" for m in e["membres"]}
    rows: dict[str, dict] = {}
    for c in communes:
        if c["type"] == "commune-actuelle":
            rows[c["code"]] = {"names": [c["nom"]], "postcodes": sorted(c.get("codesPostaux", [])),
                               "dep": c["departement"], **({"lyon": 1} if c["code"] in lyon else {})}
    for c in communes:
        if c["type"] != "commune-actuelle":
            parent = rows.get(c.get("chefLieu") or c.get("commune") or "")
            if parent is None:
                continue
            if c["nom"] not in parent["names"]:
                parent["names"].append(c["nom"])
            parent["postcodes"] = sorted(set(parent["postcodes"]) | set(c.get("codesPostaux", [])))
    targets: dict[str, set[str]] = {}
    for c in communes:
        current = c["code"] if c["type"] == "commune-actuelle" else (c.get("chefLieu") or c.get("commune") or "")
        if current not in rows:
            continue
        for old in ([] if c["type"] == "commune-actuelle" else [c["code"]]) + list(c.get("anciensCodes", [])):
            if old != current and old not in rows:
                targets.setdefault(old, set()).add(current)
    aliases = {old: next(iter(found)) for old, found in sorted(targets.items()) if len(found) == 1}
    return {"source": f"{meta['name']}@{meta['version']}",
            "fields": "INSEE code → names, postcodes, département code, lyon (member of the Métropole de Lyon, EPCI type MET69); "
                      "aliases: other INSEE code (arrondissement, commune déléguée or associée, former code) → current commune",
            "communes": rows, "aliases": aliases}


def main(argv: list[str]) -> None:
    package = Path(argv[1] if len(argv) > 1 else "/tmp/package")
    out = build(package)
    blob = json.dumps(out, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    OUT.write_bytes(gzip.compress(blob, mtime=0))
    print(f"{OUT}: {len(out['communes'])} communes, {OUT.stat().st_size} bytes, from {out['source']}")


if __name__ == "__main__":
    main(sys.argv)

"""Do our references still cite the law in force? (`python -m assistant refs check --legi PATH`)

PATH is the data of the npm package `@socialgouv/legi-data` (the LEGI base of Légifrance,
one JSON tree per code: `data/LEGITEXT….json`, articles with their `LEGIARTI…` versions,
state and in-force text). Every `legal_refs` entry of a code present there is compared by
the article version its URL names: a version no longer in force (MODIFIE, ABROGE…), an id
absent from the code's articles in force (abrogated, moved, or wrong), a URL naming another
article or no article at all, and a text whose fingerprint (`text_fingerprint`, the text
seen when the entry was verified) differs from the text in force are flagged. Entries
without a fingerprint get the one to record when their cited version is the one in force.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Iterable, Literal, Optional

from pydantic import BaseModel, ConfigDict

from assistant.law.legal_refs import LegalRef

# States of a version that was, is or will be in force between its dates (ABROGE_DIFF: in
# force until a published end date; VIGUEUR_DIFF: from a published start date).
DATED_STATES = ("VIGUEUR", "ABROGE_DIFF", "VIGUEUR_DIFF", "MODIFIE", "ABROGE")
MAX_CODE_BYTES = 200_000_000                   # the largest code (travail) is about 56 MB
_VERSION_ID = re.compile(r"LEGIARTI\d{12}")

FindingKind = Literal["not_in_force", "text_changed", "absent", "other_article", "no_article_id"]
NoticeKind = Literal["ends", "no_fingerprint", "not_compared"]
FINDING_LABELS = {"not_in_force": "version plus en vigueur", "text_changed": "texte modifié depuis la vérification",
                  "absent": "absent des articles en vigueur", "other_article": "l'adresse désigne un autre article",
                  "no_article_id": "l'adresse ne désigne pas un article"}


class LegiInputError(ValueError):
    """The LEGI path cannot be used; the message is French and names the path."""


def fingerprint(text: str) -> str:
    """A short, stable fingerprint of an article's text (whitespace does not count)."""
    normalised = " ".join(text.split())
    return "sha256:" + hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]


def article_number(article: str) -> str:
    """« L. 262-47 » → « L262-47 », the form of LEGI's `num`."""
    return re.sub(r"[\s.\u00a0]", "", article).upper()


def _day(millis: Optional[int]) -> Optional[dt.date]:
    if millis is None:
        return None
    return (dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=millis)).date()


class Version(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    state: str
    start: Optional[dt.date]
    end: Optional[dt.date]


class Article(BaseModel):
    """An article in force in the LEGI data: its current version and text, and its history."""

    model_config = ConfigDict(frozen=True)
    code: str
    number: str
    current: str
    state: str
    fingerprint: str
    versions: tuple[Version, ...]

    def version(self, version_id: str) -> Optional[Version]:
        return next((v for v in self.versions if v.id == version_id), None)

    def in_force_on(self, day: dt.date) -> Optional[Version]:
        """The version in force on `day`, by its dates (a version never in force, such as
        MODIFIE_MORT_NE or ANNULE, is never chosen)."""
        for v in self.versions:
            if v.state in DATED_STATES and (v.start is None or v.start <= day) and (v.end is None or day < v.end):
                return v
        return None


class LegiData(BaseModel):
    model_config = ConfigDict(frozen=True)
    source: str
    codes: dict[str, str]              # code title → the extraction's date (`dateModif`)
    by_version: dict[str, Article]     # every version id (and original id) → its article
    by_number: dict[tuple[str, str], Article]


def _code_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    for folder in (path / "package" / "data", path / "data", path):
        files = sorted(folder.glob("LEGITEXT*.json")) if folder.is_dir() else []
        if files:
            return files
    return []


def load_legi(path: Path) -> LegiData:
    """The articles of every code in the package's data folder (the package root, its `data/`
    folder or one `LEGITEXT….json` file); LegiInputError when there is none."""
    if not path.exists():
        raise LegiInputError(f"--legi : {path} introuvable (dossier du paquet @socialgouv/legi-data attendu).")
    files = _code_files(path)
    if not files:
        raise LegiInputError(f"--legi : {path} ne contient aucun code LEGI (fichiers data/LEGITEXT….json "
                             "du paquet @socialgouv/legi-data).")
    codes: dict[str, str] = {}
    by_version: dict[str, Article] = {}
    by_number: dict[tuple[str, str], Article] = {}
    for file in files:
        try:
            if file.stat().st_size > MAX_CODE_BYTES:
                raise LegiInputError(f"--legi : {file} est trop volumineux pour un code LEGI.")
            tree = json.loads(file.read_text(encoding="utf-8"))
            title = tree["data"]["title"]
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
            raise LegiInputError(f"--legi : {file} n'est pas un code au format de @socialgouv/legi-data "
                                 "(JSON avec data.title et des articles).") from None
        codes[title] = str(tree["data"].get("dateModif") or "")
        stack = [tree]
        while stack:
            node = stack.pop()
            if not isinstance(node, dict):
                continue
            if node.get("type") != "article":
                stack.extend(node.get("children") or ())
                continue
            data = node.get("data") or {}
            if not data.get("id") or not data.get("num"):
                continue
            versions = tuple(Version(id=v["id"], state=v.get("etat") or "", start=_day(v.get("dateDebut")),
                                     end=_day(v.get("dateFin")))
                             for v in data.get("articleVersions") or () if v.get("id"))
            article = Article(code=title, number=article_number(data["num"]), current=data["id"],
                              state=data.get("etat") or "", fingerprint=fingerprint(data.get("texte") or ""),
                              versions=versions)
            for version_id in (data.get("cid"), data["id"], *(v.id for v in versions)):
                if version_id:
                    by_version.setdefault(version_id, article)
            by_number[(title, article.number)] = article
    return LegiData(source=str(path), codes=codes, by_version=by_version, by_number=by_number)


class LegiFinding(BaseModel):
    """An entry whose citation no longer matches the LEGI data."""

    model_config = ConfigDict(frozen=True)
    id: str
    citation: str
    kind: FindingKind
    detail: str                       # French, for the maintainer
    cited: Optional[str] = None       # the version id the entry's URL names
    current: Optional[str] = None     # the version in force, when the article is there
    current_since: Optional[dt.date] = None
    current_fingerprint: Optional[str] = None


class LegiNotice(BaseModel):
    """Not an error: a version that ends on a known future date, a fingerprint to record."""

    model_config = ConfigDict(frozen=True)
    id: str
    kind: NoticeKind
    detail: str
    fingerprint: Optional[str] = None


class LegiReport(BaseModel):
    model_config = ConfigDict(frozen=True)
    source: str
    codes: dict[str, str]
    checked: list[str]                # ids compared (their code is in the data)
    not_covered: dict[str, int]       # other codes: how many entries could not be compared
    findings: list[LegiFinding]
    notices: list[LegiNotice]

    @property
    def flagged(self) -> list[str]:
        return list(dict.fromkeys(f.id for f in self.findings))


def _date(day: Optional[dt.date]) -> str:
    return day.strftime("%d/%m/%Y") if day else "?"


def _compare(entry: LegalRef, legi: LegiData, today: dt.date) -> tuple[list[LegiFinding], list[LegiNotice]]:
    findings: list[LegiFinding] = []
    notices: list[LegiNotice] = []
    number = article_number(entry.article)
    by_number = legi.by_number.get((entry.code, number))
    ids = _VERSION_ID.findall(str(entry.url))
    base = {"id": entry.id, "citation": entry.citation}

    def in_force(article: Article) -> dict:
        version = article.in_force_on(today)
        return {"current": version.id if version else article.current,
                "current_since": version.start if version else None, "current_fingerprint": article.fingerprint}

    if not ids:
        found = f" ; l'article en vigueur est {by_number.current}" if by_number else ""
        if entry.status != "verified":   # a corrected entry may record an abrogated text: nothing to compare
            notices.append(LegiNotice(id=entry.id, kind="not_compared",
                                      detail=f"non comparée : l'adresse ne nomme aucune version d'article{found}."))
            return findings, notices
        findings.append(LegiFinding(**base, kind="no_article_id", **(in_force(by_number) if by_number else {}),
                                    detail=f"l'adresse {entry.url} ne nomme aucune version d'article (LEGIARTI){found}."))
        return findings, notices
    cited = ids[0]
    article = legi.by_version.get(cited)
    if article is None:
        found = (f" ; {entry.article} est en vigueur sous {by_number.current}" if by_number
                 else f" ; aucun article {entry.article} en vigueur dans ce code")
        findings.append(LegiFinding(**base, kind="absent", cited=cited, **(in_force(by_number) if by_number else {}),
                                    detail=f"{cited} n'est aucune version d'un article en vigueur du {entry.code} "
                                           f"(article abrogé ou transféré, ou identifiant erroné){found}."))
        return findings, notices
    if re.fullmatch(r"[LRDA]\*?\d[\d-]*(?:-\d+)*", number) and article.number != number:
        findings.append(LegiFinding(**base, kind="other_article", cited=cited, **in_force(article),
                                    detail=f"{cited} est une version de l'article {article.number}, "
                                           f"pas de {entry.article}."))
        return findings, notices
    version = article.version(cited)
    now = article.in_force_on(today)
    if version is not None and now is not None and version.id == now.id:
        pass
    elif version is None and cited == article.current and now is not None and now.id == cited:
        pass
    else:
        state = version.state if version else "version d'origine"
        if now is None:
            last = max((v.end for v in article.versions if v.end), default=None)
            where = f"l'article n'est plus en vigueur au {_date(today)} (fin le {_date(last)})"
        else:
            where = f"version en vigueur : {now.id} depuis le {_date(now.start)}"
        findings.append(LegiFinding(**base, kind="not_in_force", cited=cited, **in_force(article),
                                    detail=f"la version citée {cited} ({state}) n'est plus en vigueur ; {where}. "
                                           "Relire le texte, puis mettre à jour l'adresse, le résumé, "
                                           "in_force_from et text_fingerprint."))
        return findings, notices
    if cited != article.current:
        pass   # in force on `today` but not the data's latest version: its text is not in the data
    elif entry.text_fingerprint and entry.text_fingerprint != article.fingerprint:
        findings.append(LegiFinding(**base, kind="text_changed", cited=cited, **in_force(article),
                                    detail=f"le texte en vigueur ({article.fingerprint}) n'est plus celui vu lors de "
                                           f"la vérification ({entry.text_fingerprint}) : relire le résumé."))
    elif not entry.text_fingerprint:
        notices.append(LegiNotice(id=entry.id, kind="no_fingerprint", fingerprint=article.fingerprint,
                                  detail=f"pas d'empreinte du texte ; celle du texte en vigueur ({cited}) est "
                                         f"{article.fingerprint} (à enregistrer après relecture)."))
    if now is not None and now.end is not None and now.end.year < 2999:
        following = next((v for v in article.versions if v.start == now.end), None)
        what = f"nouvelle version {following.id}" if following else "abrogation"
        notices.append(LegiNotice(id=entry.id, kind="ends",
                                  detail=f"la version citée prend fin le {_date(now.end)} ({what})."))
    return findings, notices


def check_legi(legi: LegiData, refs: Iterable[LegalRef], today: dt.date) -> LegiReport:
    """Every entry of a code present in `legi`, compared with the article versions in force on `today`."""
    findings: list[LegiFinding] = []
    notices: list[LegiNotice] = []
    checked: list[str] = []
    not_covered: dict[str, int] = {}
    for entry in refs:
        if entry.code not in legi.codes:
            if not entry.is_case_law:
                not_covered[entry.code] = not_covered.get(entry.code, 0) + 1
            continue
        checked.append(entry.id)
        found, notes = _compare(entry, legi, today)
        findings += found
        notices += notes
    return LegiReport(source=legi.source, codes=legi.codes, checked=checked, not_covered=not_covered,
                      findings=findings, notices=notices)


def format_legi(report: LegiReport, usage_lines: dict[str, list[str]]) -> list[str]:
    """The LEGI comparison as French lines; `usage_lines` gives, for an id, where it is used."""
    codes = ", ".join(f"{title} (extraction du {day})" for title, day in sorted(report.codes.items()))
    lines = [f"Comparaison avec la base LEGI ({report.source}) : {codes}.",
             f"{len(report.checked)} références comparées, {len(report.flagged)} signalée(s)."]
    for ref_id in report.flagged:
        items = [f for f in report.findings if f.id == ref_id]
        lines.append(f"  {ref_id} — {items[0].citation}")
        for finding in items:
            lines.append(f"    {FINDING_LABELS[finding.kind]} : {finding.detail}")
        lines.append("    Employée :")
        lines += usage_lines.get(ref_id, [])
    ends = [n for n in report.notices if n.kind == "ends"]
    if ends:
        lines.append("  Versions dont la fin est déjà publiée :")
        lines += [f"    {n.id} : {n.detail}" for n in ends]
    others = [n for n in report.notices if n.kind == "not_compared"]
    if others:
        lines.append("  Non comparées (statut autre que « verified », sans identifiant d'article) :")
        lines += [f"    {n.id} : {n.detail}" for n in others]
    missing = [n for n in report.notices if n.kind == "no_fingerprint"]
    if missing:
        lines.append(f"  Sans empreinte de texte ({len(missing)}) : "
                     + ", ".join(f"{n.id} → text_fingerprint: '{n.fingerprint}'" for n in missing))
    if report.not_covered:
        lines.append("  Non comparées (code absent de ces données) : "
                     + ", ".join(f"{code} ({count})" for code, count in sorted(report.not_covered.items())))
    return lines

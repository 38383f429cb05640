"""The sending guide in the person's language (the letters themselves stay French).

`sending_guides(case, analysis, letters, lang)` gives, for each letter built by
`build_letters`, its `SendingGuide`: the letter's own (French) guide for `fr`, otherwise
one written from the same data with the wording of `guide.<lang>.yaml` — dates, durations,
route notes and deadline labels in that language, French texts cited by their French
names. `labels(lang)` names the guide's parts (« To whom », « How »…).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import yaml

from assistant.law.analysis import Analysis, analyse
from assistant.law.deadlines import end_of_period
from assistant.core.formatting import long_date
from assistant.law.legal_refs import period, ref
from assistant.law.model import Case
from assistant.law.texts import duration
from assistant.letters import build
from assistant.letters.models import Letter, SendingGuide

HERE = Path(__file__).resolve().parent
LOCALES = {"en": "en_GB"}
FRENCH_LABELS = {"to_whom": "À qui", "how": "Comment", "to_complete": "À compléter avant l'envoi",
                 "enclose": "À joindre", "keep": "À garder", "answer": "Ensuite", "note": "À savoir",
                 "date": "À retenir"}


@lru_cache(maxsize=4)
def wording(lang: str) -> dict[str, Any]:
    """`guide.<lang>.yaml`, templates compiled once."""
    raw = yaml.safe_load((HERE / f"guide.{lang}.yaml").read_text(encoding="utf-8"))
    env = build._env()

    def tpl(source: str) -> Any:
        return env.from_string(build._collapse(source))

    return {
        "raw": raw,
        "letters": {k: {part: tpl(v) for part, v in spec.items()} for k, spec in raw["letters"].items()},
        "address_help": {k: tpl(v) for k, v in raw["address_help"].items()},
        "still_open": tpl(raw["still_open"]),
        "appeal_sent": tpl(raw["appeal_sent"]),
        "enclosures": {build._collapse(k): tpl(v) for k, v in raw["enclosures"].items()},
    }


def labels(lang: str) -> dict[str, str]:
    return dict(wording(lang)["raw"]["labels"]) if lang in LOCALES else dict(FRENCH_LABELS)


def cite_in(ids: list[str], lang: str) -> str:
    """« Code de … art. L. 262-47 and R. 262-88 »: articles grouped by text, in `lang`'s words."""
    groups: dict[str, list[str]] = {}
    loose: list[str] = []
    for ref_id in ids:
        entry = ref(ref_id)
        if entry.is_case_law or not entry.article:
            loose.append(entry.citation)
        else:
            groups.setdefault(entry.code, []).append(entry.article)
    parts = [f"{code}, art. {' and '.join(nums) if len(nums) < 3 else ', '.join(nums[:-1]) + ' and ' + nums[-1]}"
             for code, nums in groups.items()]
    return "; ".join(parts + loose)


def _english_context(case: Case, analysis: Analysis, shown: Analysis, fr: dict[str, Any], lang: str,
                     cited: list[str]) -> dict[str, Any]:
    locale = LOCALES[lang]

    def when(day: Optional[dt.date]) -> Optional[str]:
        return long_date(day, locale) if day else None

    deadlines = {d.id: d for d in analysis.deadlines}
    reference = case.reference_date
    on = case.decision_date  # chooses the legal values in force (durations)

    def dated(deadline_id: str) -> Optional[dict[str, Any]]:
        found = deadlines.get(deadline_id)
        if found is None:
            return None
        return {"date": when(found.date), "late": found.date < reference, "cites": list(found.legal_basis[:1])}

    def paren(ids: list[str]) -> str:
        cited.extend(ids)
        return cite_in(list(ids), lang)

    h = case.history
    route = fr["route"]
    cada_raw = [build._deadline(analysis, "cada_after_explanation") if fr["explanation_late"] else None,
                build._deadline(analysis, "cada_after_documents") if fr["documents_late"] else None]
    cada_raw = [x for x in cada_raw if x]
    mediator = shown.right("mediator")
    return {
        **{k: fr[k] for k in ("case", "found", "letters", "route", "housing", "penalty", "contrainte",
                              "ft_contrainte", "appeal_deadline_ref", "appeal_before_court", "remission_refs", "mediator_refs", "written", "explanation_late",
                              "documents_late", "cada_late", "appeal_late", "recipient_name")
           if k in fr},
        "organism": fr["organism"], "appeal": shown.appeal,
        "today_text": when(reference), "decision_date": when(case.decision.date),
        "history": {"explanation_requested_on": when(h.explanation_requested_on),
                    "documents_requested_on": when(h.documents_requested_on),
                    "appeal_filed_on": when(h.appeal_filed_on)},
        "cada_by": when(min(cada_raw)) if cada_raw else None,
        "appeal_deadline": when(analysis.appeal.deadline),
        "appeal_answer_time": duration(period(route.answer_ref, on), lang),
        "appeal_time": duration(period(fr["appeal_deadline_ref"], on), lang),
        "remission_answer_time": duration(period("crpa-L231-4", on), lang),
        "time_of": lambda ref_id: duration(period(ref_id, on), lang),
        "correction": dated("overpayment_correction"), "reasonable": dated("reasonable_time"),
        "court_limit": dated("court_limit"), "implicit": dated("implicit_decision"), "deadline": dated,
        "mediator_facts": list(mediator.why) if mediator else [],
        "cite": paren, "cite_paren": paren,
    }


def _guide(letter: Letter, case: Case, analysis: Analysis, shown: Analysis, fr: dict[str, Any], lang: str,
           with_notes: bool) -> SendingGuide:
    words = wording(lang)
    raw = words["raw"]
    catalogue = build.load_catalogue()
    spec = catalogue.letters[letter.id]
    cited: list[str] = []
    ctx = _english_context(case, analysis, shown, fr, lang, cited)
    recipient, address_help = build._recipient(spec, case, analysis, dict(fr))
    ctx["recipient_name"] = recipient[0]
    answer_ref = build.resolve_cites([spec.answer_ref], case, analysis)[0] if spec.answer_ref else None
    ctx["answer_by"] = (long_date(end_of_period(case.reference_date, period(answer_ref, case.decision_date), fr["region"]), LOCALES[lang])
                        if answer_ref else None)
    ctx["still_open"] = words["still_open"].render(**ctx)
    ctx["appeal_sent"] = build.LazyText(lambda: words["appeal_sent"].render(**ctx))

    def text(template: Any) -> str:
        return " ".join(template.render(**ctx).split())

    to_complete = []
    if address_help:
        to_complete.append(raw["to_complete"]["address"].format(help=text(words["address_help"][address_help])))
    if any("………" in p.text for p in letter.paragraphs):
        to_complete.append(raw["to_complete"]["dots"])
    mark = catalogue.data["to_complete_mark"]
    if any(mark in p.text for p in letter.paragraphs):
        to_complete.append(raw["to_complete"]["mark"].format(mark=mark))
    missing = catalogue.data["missing_mark"]
    if any(missing in p.text for p in letter.paragraphs):
        to_complete.append(raw["to_complete"]["missing"].format(mark=missing))
    for p in letter.paragraphs:
        check = raw["check_before_sending"].get(f"{letter.id}.{p.key}")
        if check:
            to_complete.append(" ".join(check.split()))
    to_complete.append(raw["to_complete"]["signature"])
    enclose = []
    for source, condition in spec.enclosures:
        if condition is None or condition(**fr):
            enclose.append(text(words["enclosures"][build._collapse(source_text(source))]))
    notes, dates = [], []
    if with_notes:
        for n in shown.appeal.note_details:
            notes.append(f"{n.text.rstrip('.')} ({ctx['cite_paren'](list(n.legal_basis))})." if n.legal_basis else n.text)
        for d in shown.deadlines:
            if d.id in catalogue.data["guide_deadlines"] and d.date >= case.reference_date:
                dates.append(f"{long_date(d.date, LOCALES[lang])}: {d.label} ({ctx['cite_paren'](list(d.legal_basis[:1]))}).")
    guide = words["letters"][letter.id]
    return SendingGuide(
        to_whom=letter.guide.to_whom, how=text(guide["how"]), enclose=enclose, keep=text(guide["keep"]),
        answer=text(guide["answer"]), to_complete=to_complete, notes=notes, dates=dates,
        cites=list(dict.fromkeys(cited)),
    )


_SOURCES: dict[int, str] = {}


def source_text(template: Any) -> str:
    """The catalogue source of a compiled enclosure template (kept when the catalogue loads)."""
    return _SOURCES[id(template)]


@lru_cache(maxsize=2)
def _index_sources() -> None:
    catalogue = build.load_catalogue()
    for letter_id, spec in catalogue.data["letters"].items():
        for compiled, raw in zip(catalogue.letters[letter_id].enclosures, spec.get("enclosures") or ()):
            _SOURCES[id(compiled[0])] = raw["text"]


def sending_guides(case: Case, analysis: Analysis, letters: list[Letter], lang: str = "fr") -> list[SendingGuide]:
    """Each letter's sending guide in `lang` (French: the letter's own guide)."""
    if lang not in LOCALES:
        return [letter.guide for letter in letters]
    _index_sources()
    ids = tuple(letter.id for letter in letters)
    fr = build._context(case, analysis, case.reference_date, ids)
    shown = analyse(case, lang=lang)
    with_notes = next((letter.id for letter in letters if letter.guide.notes or letter.guide.dates), None)
    return [_guide(letter, case, analysis, shown, fr, lang, letter.id == with_notes) for letter in letters]


def address_requests(case: Case, analysis: Analysis, letters: list[Letter], lang: str = "fr") -> list[build.AddressRequest]:
    """The addresses these letters need (`build.address_requests`), each with where to find it
    in `lang`: the very sentence the sending guide says (one source, no second wording)."""
    requests = build.address_requests(case, analysis, letters)
    if not requests:
        return []
    ctx = build._context(case, analysis, case.reference_date, tuple(letter.id for letter in letters))
    templates = wording(lang)["address_help"] if lang in LOCALES else build._templates()["address_help"]
    return [replace(r, where=" ".join(templates[r.help].render(**ctx).split())) for r in requests]


_URL = re.compile(r"https://[^\s,;)»]+")


@lru_cache(maxsize=1)
def official_links() -> frozenset[str]:
    """Every web address the guides' data give (catalogue.yaml, guide.<lang>.yaml): the
    ones a page may show as real links, and no other (what a person typed stays text)."""
    sources = [build.CATALOGUE_PATH, *(HERE / f"guide.{lang}.yaml" for lang in LOCALES)]
    return frozenset(url.rstrip(".") for path in sources for url in _URL.findall(path.read_text(encoding="utf-8")))


def guide_lines(guide: SendingGuide, lang: str = "fr") -> list[str]:
    """The guide as labelled lines, in the order of the French `plain_text`."""
    names = labels(lang)
    lines = [f"{names['to_whom']}: {guide.to_whom}" if lang != "fr" else f"{names['to_whom']} : {guide.to_whom}",
             _line(names["how"], guide.how, lang)]
    if guide.to_complete:
        lines.append(_line(names["to_complete"], " ; ".join(guide.to_complete) if lang == "fr" else "; ".join(guide.to_complete), lang))
    if guide.enclose:
        lines.append(_line(names["enclose"], " ; ".join(guide.enclose) if lang == "fr" else "; ".join(guide.enclose), lang))
    lines += [_line(names["keep"], guide.keep, lang), _line(names["answer"], guide.answer, lang)]
    lines += [_line(names["note"], note, lang) for note in guide.notes]
    lines += [_line(names["date"], date, lang) for date in guide.dates]
    return lines


def _line(label: str, text: str, lang: str) -> str:
    return f"{label} : {text}" if lang == "fr" else f"{label}: {text}"

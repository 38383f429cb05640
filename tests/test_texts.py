"""The engine's sentences as data (assistant/law/texts.py, data/sentences.yaml), and no law
typed in Python: no article number and no legal duration in a string of assistant/**/*.py."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from assistant.law import rights, texts
from assistant.law.legal_refs import load_refs, period
from assistant.law.model import Situation

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "assistant"

# --- No law in Python ------------------------------------------------------------------

# « L. 211-2 », « R142-1 », « article R142-1 », « art. L5422-4 », « article 22 »; not the
# legal_refs ids (« css-R142-1 »: preceded by a hyphen).
ARTICLE = re.compile(
    r"(?<![\w-])(?:(?:articles?|art\.)\s+(?:[LRD]\.?\s?)?\d+(?:-\d+)*|[LRD]\.?\s?\d{1,4}(?:-\d+)+)", re.IGNORECASE)
_NUMBER = (r"(?:un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente"
           r"|one|two|three|four|five|seven|eight|nine|ten|twelve|fifteen|twenty|thirty)")
# The units of legal periods (years, months, days). Weeks, hours, minutes are UI wording,
# and « 1 jour » is the days-left counter of the rights page, not a period of law.
DURATION = re.compile(
    rf"\b(?:{_NUMBER}\s+(?:jours|mois|ans?|années?|days?|months?|years?)"
    rf"|\d+\s+(?:jours|mois|ans?|années|days|months?|years?))\b", re.IGNORECASE)


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                found.add(id(first.value))
    return found


def law_in_strings(source: str) -> list[tuple[int, str]]:
    """(line, text) of each article number or legal duration in a string literal of
    `source`, docstrings excepted (they may name the articles a rule implements)."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    hits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            hits += [(node.lineno, m.group(0)) for pattern in (ARTICLE, DURATION) for m in pattern.finditer(node.value)]
    return sorted(hits)


BAD = ["Vous avez un mois pour répondre.", "article L. 211-2, 4°", "Article R142-1 du code", "art. L5422-4",
       "(L. 114-17-2)", "voir R. 142-1-A", "article 22 du RGPD", "dans les 2 mois", "deux ans", "un an",
       "quinze jours", "vingt jours", "within fifteen days", "two months", "3 years"]
FINE = ["css-R142-1", "ct-L5422-4", "crpa-L211-2", "casf-R262-88", "Le 2026-11-23 à 14 h",
        "un rendez-vous de 20 minutes", "un rappel une semaine avant", "Il vous reste 1 jour.",
        "un ancien dossier", "deux anciens", "R2D2", "vingt-deux", "12 rue des Lilas", "{n} jours"]


@pytest.mark.parametrize("text", BAD)
def test_the_scan_finds_law_typed_in_python(text):
    assert law_in_strings(f"X = {text!r}"), text
    assert law_in_strings(f"def f(x):\n    return f{text!r} + x"), text  # in an f-string too


@pytest.mark.parametrize("text", FINE)
def test_the_scan_leaves_ids_dates_and_ui_wording_alone(text):
    assert law_in_strings(f"X = {text!r}") == [], text


def test_the_scan_allows_docstrings():
    source = '''"""CSS L142-4: two months."""\nclass A:\n    """Article R142-1: un mois."""\n    def f(self):\n        """deux ans"""\n'''
    assert law_in_strings(source) == []
    assert law_in_strings(source + "        return 'deux ans'\n")


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_article_number_or_legal_duration_in_python(path):
    hits = law_in_strings(path.read_text(encoding="utf-8"))
    assert not hits, (f"{path.relative_to(ROOT)}: law typed in Python {hits}; put the wording in "
                      "assistant/law/data/sentences.yaml (with `cites`) or render the period from legal_refs")


# --- No duration typed in the wording data ----------------------------------------------

WORDING = [PACKAGE / "letters" / "catalogue.yaml", PACKAGE / "letters" / "collective.yaml",
           PACKAGE / "letters" / "mandate.yaml", PACKAGE / "law" / "data" / "sentences.yaml"]
NOT_RENDERED: set[tuple[str, str]] = set()   # every duration of the wording is rendered; keep it empty


def durations_in_wording(data: object, path: str = "") -> list[tuple[str, str]]:
    """(key path, text) of each legal duration typed in a string of loaded wording data."""
    if isinstance(data, dict):
        return [hit for key, value in data.items() for hit in durations_in_wording(value, f"{path}.{key}".lstrip("."))]
    if isinstance(data, list):
        return [hit for i, value in enumerate(data) for hit in durations_in_wording(value, f"{path}.{i}")]
    return [(path, m.group(0)) for m in DURATION.finditer(data)] if isinstance(data, str) else []


def test_the_wording_scan_finds_typed_durations_and_leaves_rendered_ones():
    typed = {"a": {"text": "dans le délai d'un mois prévu"}, "b": ["prescrit par deux ans"], "c": "two months"}
    assert [text for _, text in durations_in_wording(typed)] == ["un mois", "deux ans", "two months"]
    rendered = {"a": "dans le délai {{ of_time('crpa-R311-13') }}", "b": "{time}", "c": "chaque mois"}
    assert durations_in_wording(rendered) == []


@pytest.mark.parametrize("path", WORDING, ids=lambda p: p.name)
def test_no_legal_duration_typed_in_the_wording_data(path):
    import yaml

    hits = [(key, text) for key, text in durations_in_wording(yaml.safe_load(path.read_text(encoding="utf-8")))
            if (path.name, key) not in NOT_RENDERED]
    assert not hits, (f"{path.name}: durations typed by hand {hits}; render them from legal_refs: "
                      "time_of / of_time / within_time / first_time in the letters, `time:<id>` or "
                      "`periods` in sentences.yaml")


# --- The sentences ---------------------------------------------------------------------

SENTENCES = texts.sentences()
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def test_every_sentence_has_french_and_english_that_differ():
    for key, entry in SENTENCES.items():
        assert set(entry) <= {"fr", "en", "cites", "periods", "fraud_periods"}, key
        assert str(entry.get("fr", "")).strip() and str(entry.get("en", "")).strip(), key
        only_placeholders = not PLACEHOLDER.sub("", entry["fr"]).strip()  # « {time} »: words from data
        assert entry["fr"] != entry["en"] or only_placeholders, f"{key}: the English is the French"


def test_a_bound_period_is_a_cited_entry_that_sets_one():
    refs = load_refs()
    bound = {key: entry["periods"] for key, entry in SENTENCES.items() if entry.get("periods")}
    assert bound, "no sentence binds a period: the check is broken"
    for key, periods in bound.items():
        for name, ref_id in periods.items():
            assert f"{{{name}}}" in SENTENCES[key]["fr"], (key, name)
            assert ref_id in (SENTENCES[key].get("cites") or ()) and refs[ref_id].deadline, (key, ref_id)


def test_each_fraud_period_is_bound_cited_and_longer_than_its_family_s_own():
    for family, ref_id in rights.LIMITATION_FRAUD.items():
        entry = SENTENCES[f"limitation_fraud.{family}"]
        assert entry["fraud_periods"] == {"time": ref_id} and entry["cites"] == [ref_id], family
        ordinary = next(i for i in rights.LIMITATION_BASIS[family] if load_refs()[i].deadline)
        assert period(ref_id, fraud=True).years > period(ordinary).years, family


def test_every_cited_id_exists():
    refs = load_refs()
    for key, entry in SENTENCES.items():
        cited = entry.get("cites") or []
        assert isinstance(cited, list), key
        assert set(cited) <= refs.keys(), (key, set(cited) - refs.keys())


def test_placeholders_are_the_same_in_french_and_english():
    for key, entry in SENTENCES.items():
        french, english = set(PLACEHOLDER.findall(entry["fr"])), set(PLACEHOLDER.findall(entry["en"]))
        assert french == english, (key, french ^ english)


def _used_keys() -> tuple[set[str], list[re.Pattern]]:
    """Keys named in the first argument of say/note/Note/cites calls of assistant/**/*.py:
    literal keys, and patterns for keys built with an f-string (« right.{id}.title »)."""
    literal, patterns = set(), []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in {"say", "note", "Note", "cites"}:
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                literal.add(first.value)
            elif isinstance(first, ast.JoinedStr):
                parts = [re.escape(v.value) if isinstance(v, ast.Constant) else ".+" for v in first.values]
                patterns.append(re.compile("".join(parts)))
            elif isinstance(first, ast.IfExp):
                literal |= {b.value for b in (first.body, first.orelse) if isinstance(b, ast.Constant)}
    return literal, patterns


def test_every_key_the_code_uses_exists():
    literal, patterns = _used_keys()
    assert literal and patterns, "the scan found no key: it is broken"
    # A key chosen by a variable (`note(written, …)`) is checked where the names are literal.
    named = {s for path in PACKAGE.rglob("*.py")
             for s in re.findall(r'"((?:fact|right|route|deadline|situation|limitation)\.[a-z_.]+)"',
                                 path.read_text(encoding="utf-8"))}
    assert sorted((literal | named) - SENTENCES.keys()) == []
    for pattern in patterns:
        assert any(pattern.fullmatch(key) for key in SENTENCES), f"no sentence matches {pattern.pattern}"


def test_every_sentence_is_used_somewhere():
    literal, patterns = _used_keys()
    others = [p for p in PACKAGE.rglob("*") if p.suffix in {".py", ".yaml", ".yml", ".md", ".txt"}
              and p.name != "sentences.yaml"]
    corpus = "\n".join(p.read_text(encoding="utf-8") for p in others)
    unused = [key for key in SENTENCES if key not in literal and key not in corpus
              and not any(pattern.fullmatch(key) for pattern in patterns)]
    assert not unused, f"sentences nobody shows: {unused}"


# --- The registries the sentences mirror -----------------------------------------------

def test_every_right_has_its_title_and_summary_and_nothing_else():
    for right in rights.RIGHTS:
        assert right.title and right.summary, right.id
        assert right.title_note.text("en") != right.title, right.id
    ids = {key.split(".")[1] for key in SENTENCES if key.startswith("right.")}
    assert ids == set(rights.RIGHTS_BY_ID)


def test_every_situation_has_its_words():
    assert set(rights.SITUATION_WORDS) == set(Situation)
    assert {f"situation.{s.value}" for s in Situation} == {k for k in SENTENCES if k.startswith("situation.")}


def test_each_limitation_period_cites_the_texts_of_its_family():
    families = {key.removeprefix("limitation.") for key in SENTENCES if key.startswith("limitation.")}
    assert families == set(rights.LIMITATION_BASIS)
    for family, basis in rights.LIMITATION_BASIS.items():
        assert set(texts.cites(f"limitation.{family}")) == set(basis), family


def test_a_note_renders_its_parameters_in_the_same_language():
    fact = texts.note("fact.decision.written", action=texts.note("situation.suspension"))
    assert fact.text() == "L'organisme suspend vos paiements par une décision écrite."
    assert fact.text("en") == "The body suspends your payments by a written decision."
    timed = texts.note("fact.prior_hearing.france_travail", time="time:ct-R5412-7")
    assert "dix jours" in timed.text() and "ten days" in timed.text("en")
    category = texts.note("fact.reasons.category", category=texts.Category("crpa-L211-2", "sanction"))
    assert "2°" in category.text("en") and category.legal_basis == ("crpa-L211-2",)
    window = texts.note("fact.overpayment_limitation.window", time=texts.note("limitation.are"))
    assert "trois ans" in window.text() and window.legal_basis == ("ct-L5422-5",)

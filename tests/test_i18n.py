"""Every UI string is in both catalogues, translated, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from assistant.core import i18n

ROOT = Path(__file__).resolve().parent.parent / "assistant"
SOURCES = [ROOT / "app.py", *sorted((ROOT / "pages").rglob("*.py")), ROOT / "law" / "interview.py", ROOT / "casefiles" / "calendar_ics.py",
           ROOT / "associations" / "stats.py", ROOT / "core" / "formatting.py"]
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def used_msgids() -> set[str]:
    """Extracted independently of assistant.core.i18n, with babel's own Python extractor."""
    found: set[str] = set()
    for path in SOURCES:
        for _lineno, message, _comments, _context in extract_from_file("python", str(path), keywords=KEYWORDS):
            found.update(m for m in (message if isinstance(message, tuple) else (message,)) if m)
    return found


def catalog(language: str):
    path = ROOT / "locale" / language / "LC_MESSAGES" / "messages.po"
    assert path.exists(), f"catalogue manquant : {path}"
    with path.open("rb") as handle:
        return read_po(handle, locale=i18n.BABEL_LOCALES[language])


def test_the_extraction_finds_the_ui_strings() -> None:
    msgids = used_msgids()
    assert len(msgids) > 100
    assert "Vos droits" in msgids and "Je ne sais pas" in msgids


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_msgid_is_translated(language: str) -> None:
    cat = catalog(language)
    problems = []
    for msgid in sorted(used_msgids()):
        entry = cat.get(msgid)
        if entry is None:
            problems.append(f"absent : {msgid!r}")
        elif not entry.string or entry.fuzzy:
            problems.append(f"non traduit : {msgid!r}")
        elif sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(entry.string)):
            problems.append(f"variables différentes : {msgid!r} → {entry.string!r}")
    assert not problems, f"{language} : lancez `python -m assistant.core.i18n` puis traduisez :\n" + "\n".join(problems)


def test_french_is_the_source_language() -> None:
    cat = catalog("fr")
    assert all(m.string == m.id for m in cat if m.id), "le catalogue français doit reprendre les msgids"


def test_no_ui_string_in_english_in_the_french_sources() -> None:
    # msgids are French: an English msgid would show English to French speakers.
    english = [m for m in used_msgids() if re.search(r"\b(the|and|your|you|letters)\b", m)]
    assert not english, english


def test_translate_falls_back_to_french() -> None:
    assert i18n.translate("Vos droits", "en") == "Your rights"
    assert i18n.translate("Une phrase inconnue", "en") == "Une phrase inconnue"
    assert i18n.translate("Contester la décision", "fr", "library") == "Contester la décision"


def library_english():
    path = ROOT / "locale" / "en" / "LC_MESSAGES" / "library.po"
    with path.open("rb") as handle:
        return read_po(handle, locale="en_GB", domain="library")


def test_rights_and_letter_explanations_have_english() -> None:
    """What the English page shows first: each right's title and summary, each letter's
    title and plain explanation (the letters themselves stay in French)."""
    import yaml

    from assistant.law.rights import RIGHTS

    french = [text for right in RIGHTS for text in (right.title, right.summary)]
    catalogue = yaml.safe_load((ROOT / "letters" / "catalogue.yaml").read_text(encoding="utf-8"))
    letters = catalogue.get("letters", catalogue)
    from assistant.law.texts import of_time

    def shown(text: str) -> str:  # an explanation may render a period: as of today's law
        return " ".join(text.split()).replace("{{ of_time('crpa-R311-13') }}", of_time("crpa-R311-13"))

    french += [text for spec in letters.values() if isinstance(spec, dict) and "title" in spec
               for text in (spec["title"], shown(spec["explanation"]))]
    assert not [text for text in french if "{{" in text], "une explication emploie une autre période : à ajouter ici"
    cat = library_english()
    missing = [text for text in french if cat.get(text) is None or not cat.get(text).string]
    assert not missing, "à traduire dans assistant/locale/en/LC_MESSAGES/library.po :\n" + "\n".join(missing)


def copy_of_the_sources(tmp_path: Path) -> Path:
    """The UI sources and the catalogues, copied so the maintenance command can rewrite them."""
    import shutil

    package = tmp_path / "assistant"
    for name in (*i18n.SOURCES, "locale"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, package / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (package / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, package / name)
    return package


def po_files(package: Path) -> dict[str, bytes]:
    return {lang: (package / "locale" / lang / "LC_MESSAGES" / "messages.po").read_bytes() for lang in i18n.LANGUAGES}


def test_the_translation_command_changes_nothing_on_a_clean_tree(tmp_path: Path) -> None:
    package = copy_of_the_sources(tmp_path)
    before = po_files(package)
    i18n.update_catalogs(package)
    after = po_files(package)
    for lang in i18n.LANGUAGES:
        assert after[lang] == before[lang], (
            f"{lang} : `python -m assistant.core.i18n` réécrit messages.po sur un arbre propre ; "
            "lancez-le une fois et validez le résultat")


def test_a_new_label_adds_only_its_own_lines(tmp_path: Path) -> None:
    import difflib

    package = copy_of_the_sources(tmp_path)
    before = po_files(package)
    page = package / "pages" / "start.py"
    page.write_text(page.read_text(encoding="utf-8") + '\n_("Une étiquette toute neuve")\n', encoding="utf-8")
    missing = i18n.update_catalogs(package)
    assert missing.get("en") == ["Une étiquette toute neuve"]
    expected = {"fr": '"Une étiquette toute neuve"', "en": '""'}
    for lang, old in before.items():
        new = (package / "locale" / lang / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
        diff = [line for line in difflib.unified_diff(old.decode("utf-8").splitlines(), new.splitlines(), lineterm="", n=0)
                if not line.startswith(("---", "+++", "@@"))]
        assert sorted(diff) == sorted(["+#: pages/start.py", '+msgid "Une étiquette toute neuve"',
                                       f"+msgstr {expected[lang]}", "+"]), f"{lang} :\n" + "\n".join(diff)

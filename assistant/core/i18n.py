"""UI text in the person's language, through babel gettext catalogues.

French is the source language: every msgid is the French text, and the French
catalogue repeats it (so a missing French entry is caught like a missing English one).
Catalogues are read from the `.po` files at runtime (no compiled `.mo` to keep in
sync): `assistant/locale/<lang>/LC_MESSAGES/messages.po` for the interface, and
`library.po` for the French sentences the legal engine and the letters produce
(best effort: an untranslated sentence is shown in French).

`python -m assistant.core.i18n` re-extracts the msgids from the pages and refreshes both
`messages.po` files, keeping existing translations.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Optional

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

PACKAGE_DIR = Path(__file__).resolve().parents[1]
LOCALE_DIR = PACKAGE_DIR / "locale"
LANGUAGES = {"fr": "Français", "en": "English"}
DEFAULT_LANGUAGE = "fr"
BABEL_LOCALES = {"fr": "fr_FR", "en": "en_GB"}
# The files whose strings go through `_` / `N_` (tests/test_i18n.py checks the same list).
SOURCES = ("app.py", "pages", "law/interview.py", "casefiles/calendar_ics.py")
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet (questions as data)."""
    return message


@lru_cache(maxsize=8)
def catalog(language: str, domain: str = "messages") -> Optional[Catalog]:
    """A catalogue read once per process: static data shared by every session."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"
    if not path.exists():
        return None
    with path.open("rb") as handle:
        return read_po(handle, locale=BABEL_LOCALES.get(language, language), domain=domain)


def translate(message: str, language: str, domain: str = "messages") -> str:
    """The translation of `message` in `language`, or the French source when missing."""
    if not message or (language == DEFAULT_LANGUAGE and domain == "library"):
        return message
    cat = catalog(language, domain)
    entry = cat.get(message) if cat is not None else None
    if entry is None or not entry.string or entry.fuzzy:
        return message
    return entry.string if isinstance(entry.string, str) else entry.string[0]


def current_language() -> str:
    """The language chosen in this browser session (French until changed)."""
    try:
        import streamlit as st

        language = st.session_state.get("lang", DEFAULT_LANGUAGE)
    except Exception:  # outside a Streamlit run (CLI, unit tests)
        language = DEFAULT_LANGUAGE
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def _(message: str) -> str:
    """Translate a UI string into the session's language."""
    return translate(message, current_language())


def lib(message: str) -> str:
    """A French sentence from the engine or the letters, in English when we have it."""
    return translate(message, current_language(), "library")


def babel_locale() -> str:
    return BABEL_LOCALES[current_language()]


# --- Catalogue maintenance --------------------------------------------------------------


def source_files() -> list[Path]:
    files: list[Path] = []
    for name in SOURCES:
        path = PACKAGE_DIR / name
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return [f for f in files if f.exists()]


def extract_msgids() -> dict[str, list[tuple[str, int]]]:
    """Every msgid marked in the UI sources, with where it is used."""
    from babel.messages.extract import extract_from_file

    found: dict[str, list[tuple[str, int]]] = {}
    for path in source_files():
        for lineno, message, _comments, _context in extract_from_file("python", str(path), keywords=KEYWORDS):
            messages = message if isinstance(message, tuple) else (message,)
            for msgid in messages:
                if msgid:
                    found.setdefault(msgid, []).append((str(path.relative_to(PACKAGE_DIR)), lineno))
    return found


def update_catalogs() -> dict[str, list[str]]:
    """Rewrite messages.po for every language; returns the msgids still untranslated."""
    used = extract_msgids()
    missing: dict[str, list[str]] = {}
    for language in LANGUAGES:
        old = catalog(language) or Catalog()
        new = Catalog(locale=BABEL_LOCALES[language], domain="messages", project="mes-droits", fuzzy=False)
        for msgid, locations in used.items():
            entry = old.get(msgid)
            string = entry.string if entry is not None and entry.string else ""
            if language == DEFAULT_LANGUAGE and not string:
                string = msgid
            new.add(msgid, string, locations=locations)
            if not string:
                missing.setdefault(language, []).append(msgid)
        path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, new, width=100, sort_output=False, include_previous=False)
    catalog.cache_clear()
    return missing


if __name__ == "__main__":
    for lang, msgids in update_catalogs().items():
        print(f"{lang}: {len(msgids)} à traduire")
        for msgid in msgids:
            print("   ", msgid)

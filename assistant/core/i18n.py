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
from typing import Callable, Optional

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

PACKAGE_DIR = Path(__file__).resolve().parents[1]
LOCALE_DIR = PACKAGE_DIR / "locale"
LANGUAGES = {"fr": "Français", "en": "English"}
DEFAULT_LANGUAGE = "fr"
BABEL_LOCALES = {"fr": "fr_FR", "en": "en_GB"}
# The files whose strings go through `_` / `N_` (tests/test_i18n.py checks the same list).
SOURCES = ("app.py", "pages", "law/interview.py", "casefiles/calendar_ics.py", "associations/stats.py",
           "core/formatting.py")
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


# Where the interface's language is read: the app plugs in its browser session
# (`pages/common.py`); elsewhere (CLI, library, tests) it is French. The library itself never
# imports Streamlit.
_session_language: Optional[Callable[[], Optional[str]]] = None


def set_language_source(source: Callable[[], Optional[str]]) -> None:
    """Read the language from `source` (the app's session) from now on."""
    global _session_language
    _session_language = source


def current_language() -> str:
    """The language chosen in this browser session (French until changed)."""
    language: Optional[str] = None
    if _session_language is not None:
        try:
            language = _session_language()
        except Exception:  # outside a Streamlit run (a test importing the pages, a thread)
            language = None
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


def source_files(package_dir: Path = PACKAGE_DIR) -> list[Path]:
    files: list[Path] = []
    for name in SOURCES:
        path = package_dir / name
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return [f for f in files if f.exists()]


def extract_msgids(package_dir: Path = PACKAGE_DIR) -> dict[str, list[tuple[str, None]]]:
    """Every msgid marked in the UI sources, with the files that use it."""
    from babel.messages.extract import extract_from_file

    found: dict[str, list[tuple[str, None]]] = {}
    for path in source_files(package_dir):
        for _lineno, message, _comments, _context in extract_from_file("python", str(path), keywords=KEYWORDS):
            messages = message if isinstance(message, tuple) else (message,)
            for msgid in messages:
                location = (path.relative_to(package_dir).as_posix(), None)
                if msgid and location not in found.setdefault(msgid, []):
                    found[msgid].append(location)
    return found


# A fixed header, entries sorted by msgid, file names without line numbers and no line
# wrapping: rerunning the command changes nothing, and a new label adds only its own lines.
PO_HEADER = """# {language} interface strings of « Mes droits face à l'algorithme ».
# Written by `python -m assistant.core.i18n` (keeps translations; sorted by msgid).
msgid ""
msgstr ""
"Project-Id-Version: mes-droits\\n"
"Language: {locale}\\n"
"Plural-Forms: nplurals=2; plural=(n {plural});\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Content-Transfer-Encoding: 8bit\\n"

"""
PLURAL_RULES = {"fr": "> 1", "en": "!= 1"}


def _read_po(path: Path, locale: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=locale)
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def update_catalogs(package_dir: Path = PACKAGE_DIR) -> dict[str, list[str]]:
    """Rewrite messages.po for every language; returns the msgids still untranslated."""
    import io

    used = extract_msgids(package_dir)
    missing: dict[str, list[str]] = {}
    for language in LANGUAGES:
        locale = BABEL_LOCALES[language]
        path = package_dir / "locale" / language / "LC_MESSAGES" / "messages.po"
        old = _read_po(path, locale)
        new = Catalog(locale=locale, domain="messages", fuzzy=False)
        for msgid, locations in used.items():
            entry = old.get(msgid)
            string = entry.string if entry is not None and entry.string else ""
            if language == DEFAULT_LANGUAGE and not string:
                string = msgid
            flags = {"fuzzy"} if entry is not None and entry.fuzzy and string else set()
            comments = entry.user_comments if entry is not None else []
            new.add(msgid, string, locations=locations, flags=flags, user_comments=comments)
            if not string:
                missing.setdefault(language, []).append(msgid)
        body = io.BytesIO()
        write_po(body, new, width=0, omit_header=True, sort_output=True, include_lineno=False,
                 ignore_obsolete=True, include_previous=False)
        header = PO_HEADER.format(language=LANGUAGES[language], locale=locale, plural=PLURAL_RULES[language])
        text = header.encode("utf-8") + body.getvalue().rstrip(b"\n") + b"\n"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != text:
            path.write_bytes(text)
    catalog.cache_clear()
    return missing


if __name__ == "__main__":
    for lang, msgids in update_catalogs().items():
        print(f"{lang}: {len(msgids)} à traduire")
        for msgid in msgids:
            print("   ", msgid)

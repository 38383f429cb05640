"""One language per page, checked positively (issue 20, point 12): every text a page shows, and
every accessible name, is a message of the page's own catalogue, or on a named allow-list.

A negative check (« no text of the other catalogue ») misses what is in no catalogue at all: a
label written outside `_()`, a Streamlit English word, a sentence of the data left in French.
Here a text passes only when it is covered, left to right, by pieces that are each
- a run of whole words found, at word boundaries, in one message of the page's language (the
  message's markdown removed and cut at its placeholders: a piece never spans a value), at
  least 3 characters long unless it is that whole part of the message (« {a} à {b} »);
- a value on an allow-list: each list is a named constant that says why it is allowed;
- spaces and punctuation.
Pure functions of strings: unit-tested without a browser (tests/test_one_language.py) and
called on the texts the browser walk collects (tests/browser/test_session.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Pattern

ROOT = Path(__file__).resolve().parents[1]
WORD = re.compile(r"[^\W_]+")
# Gettext's {name}, and the letters' Jinja: {{ value }}, {% if … %}, {# note #}.
PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|\{[^{}]*\}", re.S)
MIN_PIECE = 3
# A markdown escape shown as text (« service\-public », « Loire\-Atlantique »): never right.
MARKDOWN_SHOWN = re.compile(r"\\[!-/:-@\[-`{-~]")


def normal(text: str) -> str:
    """One spelling for what the browser and the catalogue write differently: spaces
    (non-breaking ones of French typography included) and the apostrophe."""
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ")).strip()


def plain(message: str) -> str:
    """A message as a browser shows it: markdown and Streamlit's shortcodes removed."""
    text = re.sub(r":material/[a-z_]+:", " ", message)
    text = re.sub(r":[a-z]+(?:-background)?\[([^\]]*)\]", r"\1", text)        # :red[...]
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)                    # links
    text = re.sub(r"<[^>]+>", " ", text)                                      # inline HTML
    text = re.sub(r"\*\*|__|`", "", text)
    text = re.sub(r"(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])", "", text)        # *emphasis*
    text = re.sub(r"^\s*(?:[-*+]|\d+\.|#{1,6}|>)\s+", "", text, flags=re.MULTILINE)
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!:$~|>])", r"\1", text)              # escapes


@dataclass(frozen=True)
class AllowList:
    """Values allowed on a page although they are no message: `why` says what they are."""

    why: str
    values: frozenset[str] = frozenset()          # exact texts (a name, a typed answer)
    patterns: tuple[str, ...] = ()                 # regular expressions (a date, a file name)
    messages: tuple[str, ...] = ()                 # texts with values, read like messages

    def __post_init__(self) -> None:
        if not self.why.strip():
            raise ValueError("an allow-list says why its values are allowed")


@dataclass
class Catalogue:
    """The messages of one language, ready for the coverage test."""

    language: str
    parts: str                                    # every part of every message, one a line
    whole: frozenset[str]                         # the same parts, to accept a short one
    allowed: tuple[AllowList, ...] = ()
    _found: dict[str, bool] = field(default_factory=dict)
    _values: list[Pattern[str]] = field(default_factory=list)

    @classmethod
    def of(cls, language: str, messages: Iterable[str], allowed: Iterable[AllowList] = ()) -> "Catalogue":
        parts: list[str] = []
        allowed = tuple(allowed)
        for message in [*messages, *(m for a in allowed for m in a.messages)]:
            for line in plain(message).split("\n"):
                parts += [p for p in (normal(x) for x in PLACEHOLDER.split(line)) if WORD.search(p)]
        catalogue = cls(language, "\n" + "\n".join(parts) + "\n", frozenset(parts), allowed)
        literals = sorted({normal(v) for a in allowed for v in a.values if v.strip()}, key=len, reverse=True)
        if literals:
            catalogue._values.append(re.compile("|".join(re.escape(v) for v in literals)))
        catalogue._values += [re.compile(p) for a in allowed for p in a.patterns]
        return catalogue

    def has(self, piece: str) -> bool:
        """Whether `piece` is in one message, starting and ending at word boundaries."""
        if piece not in self._found:
            parts, found = self.parts, False
            at = parts.find(piece)
            while at >= 0 and not found:      # `parts` starts and ends with a line break
                found = not parts[at - 1].isalnum() and not parts[at + len(piece)].isalnum()
                at = parts.find(piece, at + 1)
            self._found[piece] = found
        return self._found[piece]

    def accepts(self, text: str) -> bool:
        """Whether the pieces described above cover `text` entirely."""
        text = normal(text)
        if MARKDOWN_SHOWN.search(text):
            return False
        if not WORD.search(text) or text in self.whole:
            return True
        words = [(m.start(), m.end()) for m in WORD.finditer(text)]
        n = len(words)
        reach = [False] * (n + 1)
        reach[0] = True
        for i in range(n):
            if not reach[i]:
                continue
            start = words[i][0]
            for pattern in self._values:
                for end in _ends(pattern, text, start):
                    k = sum(1 for w in words if w[1] <= end)      # the words it covers
                    if k > i and (k == n or words[k][0] >= end):  # and none cut in two
                        reach[k] = True
            for j in range(i, n):
                piece = text[start:words[j][1]]
                if not self.has(piece):
                    break
                if len(piece) >= MIN_PIECE or piece in self.whole:
                    reach[j + 1] = True
            if reach[n]:
                return True
        return reach[n]

    def strangers(self, texts: Iterable[str]) -> list[str]:
        """The texts a page in this language must not show: in no message, on no list."""
        return [text for text in texts if not self.accepts(text)]


def _ends(pattern: Pattern[str], text: str, start: int) -> set[int]:
    """Where a value matched at `start` may end (a literal list: each of its lengths)."""
    ends = set()
    match = pattern.match(text, start)
    while match and match.end() > start:
        ends.add(match.end())
        match = pattern.match(text[: match.end() - 1], start)   # a shorter one of the same list
    return ends


# --- The project's catalogues and allow-lists ---------------------------------------------

# Written the same in both languages: the language switch names each language in its own.
LANGUAGE_SWITCH = AllowList("the language switch: each language named in its own", frozenset(
    {"Langue / Language", "Français", "English"}))
# Values formatted by assistant/core/formatting.py or typed, which no catalogue holds.
FORMATTED = AllowList("numbers, amounts, e-mail addresses, web addresses and file names", patterns=(
    r"[-+]?\d[\d  ., ]*(?:\s?(?:€|%|°))?(?![^\W_])",
    r"€\s?\d[\d,.]*",
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    r"https?://[^\s<>«»]+|(?:[a-z0-9-]+\.)+(?:fr|eu|com|org|net)(?:/[^\s<>«»]*)?",
    r"[\w(),'-][\w().,'-]*\.(?:pdf|json|docx|odt|zip|ics|csv|xlsx|png|jpe?g|txt)(?![^\W_])",
))
# Sizes in each language's units (a file field's « 1,2 Ko », Streamlit's « 25MB per file »).
SIZES = {
    "fr": AllowList("file sizes in French units", patterns=(r"\d+(?:,\d+)?\s?(?:o|Ko|Mo|Go)(?![^\W_])",)),
    "en": AllowList("file sizes in English units", patterns=(r"\d+(?:\.\d+)?\s?(?:B|KB|MB|GB)(?![^\W_])",)),
}
# The kinds of file a file field takes, as Streamlit lists them (« • JPG, PNG, PDF »).
FILE_TYPES = AllowList("names of file formats, the same in both languages", frozenset(
    "JPG JPEG PNG HEIC HEIF PDF JSON XLSX CSV DOCX ODT ZIP ICS GIF TXT".split()))
MONTHS = {
    "fr": AllowList("French month names inside dates formatted by babel", frozenset(
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split())),
    "en": AllowList("English month names inside dates formatted by babel", frozenset(
        "January February March April May June July August September October November December".split())),
}
# Streamlit's own English words are right on an English page (a French page gets them in French
# from assistant/app.py's page script, and tests/browser/test_session.py's probe checks it).
STREAMLIT_ENGLISH = AllowList("Streamlit's own English words, on an English page only", frozenset({
    "Skip to main content", "Stop", "Stopping...", "Rerun", "Running...", "Connecting", "Add files",
    "Browse files", "Drag and drop file here", "Drag and drop files here", "Press Enter to apply",
    "Press Enter to submit form", "Main menu", "Link to heading", "Upload", "Clear", "Delete", "Remove",
    "Cancel upload of", "Help for", "Open sidebar", "Close sidebar", "Collapse sidebar", "Expand sidebar",
    "Limit", "per file", "Sidebar", "App pages", "Help", "progress", "file upload"}))


def page_script_words(language: str) -> list[str]:
    """The words assistant/app.py's page script puts on Streamlit's own labels."""
    app = (ROOT / "assistant" / "app.py").read_text(encoding="utf-8")
    if language == "fr":
        words = re.findall(r'\[/\^[^\n]*?\$/i?, "([^"]+)"\]', app) + re.findall(r'fr: "([^"]+)"', app) + ["Fenêtre ouverte"]
    else:
        words = re.findall(r'en: "([^"]+)"', app) + ["Open window"]
    return [re.sub(r"\$\d", "{}", word) for word in words]          # « Aide : $1 »: $1 is a value


def _strings(node: object, keys: frozenset[str] | None = None, under: str = "") -> list[str]:
    """Every string of a YAML tree (only under one of `keys`, when given)."""
    if isinstance(node, str):
        return [node] if keys is None or under in keys else []
    if isinstance(node, dict):
        return [t for k, v in node.items() for t in _strings(v, keys, str(k) if keys is None or str(k) in keys else under)]
    if isinstance(node, list):
        return [t for v in node for t in _strings(v, keys, under)]
    return []


def _yaml(*path: str) -> object:
    import yaml

    return yaml.safe_load((ROOT.joinpath(*path)).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _legal_refs() -> tuple[dict, ...]:
    """Every entry of legal_refs/*.yaml, read once for the catalogues and the citations."""
    return tuple(entry for path in sorted((ROOT / "legal_refs").glob("*.yaml")) for entry in _yaml("legal_refs", path.name) or ())


@lru_cache(maxsize=4)
def messages(language: str) -> tuple[str, ...]:
    """The active catalogue: the interface's gettext messages (French msgids, or their English
    translations: an English entry left empty is missing, its French then fails on an English
    page), the engine's keyed sentences in that language, and the sending guides (French ones
    in the letters' catalogue, English ones in guide.en.yaml)."""
    from assistant.core.i18n import catalog

    found: list[str] = []
    for domain in ("messages", "library"):
        for message in catalog("en", domain) or ():
            ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
            strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
            if not ids[0]:
                continue
            found += list(ids) if language == "fr" else [s for s in strings if s and not message.fuzzy]
    sentences = _yaml("assistant", "law", "data", "sentences.yaml")
    found += [entry[language] for entry in sentences.values() if isinstance(entry, dict) and language in entry]
    for entry in _legal_refs():                                      # « elle retire … (article L. 211-2, 4°) »
        found += [words[language] for words in (entry.get("categories") or {}).values() if language in words]
    if language == "fr":
        from assistant.letters.guides import FRENCH_LABELS

        for name in ("catalogue.yaml", "collective.yaml", "mandate.yaml"):
            found += _strings(_yaml("assistant", "letters", name))
        found += [*FRENCH_LABELS.values(), "Pièces jointes :"]     # the letters' own layout (letters/models.py)
    else:
        found += _strings(_yaml("assistant", "letters", "guide.en.yaml"))
    return tuple(found + page_script_words(language))


@lru_cache(maxsize=1)
def proper_names() -> AllowList:
    """Names of bodies, départements, authorities and the law's web sites, the same in both languages."""
    keys = frozenset({"short", "generic", "overseas", "mayotte", "name", "of", "president", "body", "authority", "label"})
    from assistant.law.legal_refs import SITE_NAMES

    names = [*SITE_NAMES.values(),                                  # « Lire le texte sur EUR-Lex »
             *_strings(_yaml("assistant", "law", "data", "bodies.yaml"), keys),
             *_strings(_yaml("assistant", "law", "data", "departements.yaml")),
             *_strings(_yaml("assistant", "law", "data", "rsa_authorities.yaml"), keys)]
    return AllowList("names of bodies, départements, authorities (assistant/law/data) and of the law's web sites "
                     "(legal_refs.SITE_NAMES): proper names, French in both languages", messages=tuple(names))


@lru_cache(maxsize=2)
def durations(language: str) -> AllowList:
    """Time limits in words as the engine writes them into a sentence (« deux mois », "one year")."""
    from assistant.law.texts import _NUMBERS, _UNITS

    return AllowList("time limits in words (assistant/law/texts.duration), filled into messages", frozenset(
        f"{word} {unit}" for word in _NUMBERS[language].values() for pair in _UNITS[language] for unit in pair))


@lru_cache(maxsize=1)
def citations() -> AllowList:
    """The law's texts as the registry cites and sums them up: in French by design (an
    English page says « en français »)."""
    texts: list[str] = []
    for entry in _legal_refs():
        texts += [entry[k] for k in ("code", "article", "citation", "summary") if isinstance(entry.get(k), str)]
        if isinstance(entry.get("code"), str):
            texts.append(f"{entry['code']}, art. {{n}}")               # the English guide's form (guides.cite_in)
    return AllowList("citations of the law (legal_refs/*.yaml: code, article, citation, summary), in French by design",
                     messages=tuple(texts))


def catalogue(language: str, *allowed: AllowList) -> Catalogue:
    """The catalogue of `language` with the project's allow-lists and `allowed`."""
    lists = [LANGUAGE_SWITCH, FORMATTED, SIZES[language], FILE_TYPES, MONTHS[language], durations(language),
             proper_names(), citations(), *allowed]
    if language == "en":
        lists.append(STREAMLIT_ENGLISH)
    return Catalogue.of(language, messages(language), lists)

"""A decision letter's text → proposed case-file fields, each with the words it was read from.

Deterministic, readable rules (issue 21, point 2): the words they look for are data
(patterns.yaml), the bodies and benefits come from the registry (assistant/law/bodies.py),
places are checked with assistant/law/places.py. A rule that finds contradictory cues, or
only weak ones, proposes nothing: unanswered is better than wrong. A « no » is proposed only
where the letter was read whole (opening, body, closing formula) and says nothing of the kind.
"""
from __future__ import annotations

import datetime as dt
import re
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Callable, Iterator, Optional

from assistant.law import bodies
from assistant.law.places import Commune, communes, departement, normalise, powers_bodies, resolve
from assistant.reading.model import CONFIDENCE_THRESHOLD, Proposal
from assistant.reading.names import against_print as first_name_against_print, is_first_name, order as first_name_order
from assistant.reading.text import (
    AMOUNT, DATE, MONTHS, Hit, Letter, as_number, compiled, cues, fold, parse_amount, parse_date, patterns,
)

Found = dict[str, Proposal]

# A title before a name, in full or short, with OCR's « Mne » for « Mme »; a bare « M » (no dot)
# only where the title opens the line.
_CIVILITY = r"monsieur|madame|mademoiselle|mme\.?|mne\.?|mlle\.?"
_TITLE_WORD = rf"(?:{_CIVILITY}|m\.?)"
_TITLE = re.compile(rf"^{_TITLE_WORD}\s+(?P<names>[^\d,:;()]{{2,60}})$")
_POSTAL = re.compile(r"^(?P<pc>[0-9OoIlS]{5})\s+(?P<city>[^\d,;:()]{2,50}?)(?:\s+cedex\b.*)?$", re.IGNORECASE)
_OCR_DIGITS = str.maketrans("OoIlLS", "001115")
_SALUTATION = re.compile(r"^(madame|monsieur|mademoiselle)\b[^,]{0,30},\s*$|^(objet|concerne)\b")


def _p(value: "bool | int | float | str", evidence: str, confidence: float) -> Proposal:
    return Proposal(value=value, evidence=evidence.strip()[:400], confidence=confidence)


# --- The sending body -------------------------------------------------------------------------

def _header_end(letter: Letter) -> int:
    """Index in `letter.lines` of the subject line or the salutation: the letterhead, the
    addresses and the date come before it."""
    for i, (_, folded) in enumerate(letter.lines):
        if _SALUTATION.search(folded):
            return i
    return min(len(letter.lines), 15)


# A framed table's label cell: words without figures nor colon, short (« N° d'allocataire » has
# « n° », no figure).
_LABEL_CELL = re.compile(r"(?=.*[a-z]{3})[^\d:]{3,40}")


def _column_pairs(letter: Letter) -> list[tuple[str, str]]:
    """The letterhead's framed table read column by column by OCR (« N° d'allocataire »,
    « Courrier du », then « 9916920 », « 9 juillet 2026 »): each label joined to its value, in
    order, as one line (« N° d'allocataire : 9916920 »). k ≥ 2 labels, then the next k cells
    that are not empty (a table's bars « | » stripped), one at least with a figure (the first,
    when a title in capitals opens the run). A title line
    (« Monsieur … ») is no label; the salutation OCR may read between the columns is skipped."""
    end = _header_end(letter)
    cells = [(line.strip(" |"), folded.strip(" |")) for line, folded in letter.lines[:end + 12]]
    cells = [(c, f) for c, f in cells if f and not _SALUTATION.search(f)]
    out, i = [], 0
    while i < len(cells):
        k = 0
        while i + k < len(cells) and _LABEL_CELL.fullmatch(cells[i + k][1]) and not _TITLE.match(cells[i + k][1]):
            k += 1
        values = cells[i + k:i + 2 * k]
        # a figure in the first value, or in another when the run does not start with a title in
        # capitals (« NOTIFICATION » above « Assuré(e) », « N° de sécurité sociale »… would shift them)
        if k >= 2 and len(values) == k and all(len(v) <= 60 for v, _ in values) and (
                re.search(r"\d", values[0][1]) or (not cells[i][0].isupper() and any(re.search(r"\d", f) for _, f in values))):
            # « Décision de la CDAPH du » + « 7 mai 2026 »: no colon after a label that ends with its preposition
            join = [" " if re.search(r"\b(du|le|de|au)$", fa) else " : " for _, fa in cells[i:i + k]]
            out += [(f"{a}{j}{b}", f"{fa}{j}{fb}") for (a, fa), (b, fb), j in zip(cells[i:i + k], values, join)]
            i += 2 * k
        else:
            i += 1  # a title above the labels (« NOTIFICATION DE DÉCISION »): the labels may start below it
    return out + _row_pairs(letter.lines[:end + 12])


_LABEL_ENDS = re.compile(r"\s(?:notification|(?:la )?decision|courrier|l'envoi|envoi|la lettre)$")
_FIRST_VALUE = re.compile(r"^(?:\d{1,3}(?: \d{1,3}){3,7}(?= [^\d\s])|[0-9a-z][0-9a-z/-]{3,24}(?= ))")


def _row_pairs(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A table's row of labels over its row of values (« Votre numéro de sécurité sociale
    Notre référence Date » then « 2700423… REF-2026-8554 18 mai 2026 »): the first label with
    the first value when that label is a number's, « Date » at the row's end with the date
    ending the next row. Each as one line (« Date : 18 mai 2026 »)."""
    out = []
    for n, ((a, fa), (b, fb)) in enumerate(zip(lines, lines[1:])):
        if fa.lstrip().startswith("|") and fb.lstrip().startswith("|"):
            # the frame's bars read: cell under cell, an empty cell kept empty
            out += [(f"{la} : {lb}", f"{lfa} : {lfb}") for la, lfa, lb, lfb in
                    zip(*(([c.strip() for c in text.split("|")]) for text in (a, fa, b, fb)))
                    if lfa and lfb and _LABEL_CELL.fullmatch(lfa) and re.search(r"\d", lfb)]
            continue
        fa, fb = fa.strip(" |"), fb.strip(" |")
        if re.search(r"\d", fa) or not re.search(r"\d", fb) or len(fa.split()) < 3:
            continue
        if fa.endswith(" date") and (d := re.search(rf"(?:^|\s)({DATE.pattern})$", fb)):
            out.append((f"Date : {b.strip(' |')[d.start(1):]}", f"date : {fb[d.start(1):]}"))
        elif re.search(r" date (?:de|du|d')$", fa) and _LABEL_ENDS.search(fb) and n + 2 < len(lines) and \
                (d := re.search(rf"(?:^|\s)({DATE.pattern})$", (c := lines[n + 2][0].strip(" |")))):
            # « … DATE DE » over « … NOTIFICATION » over « … 15 juin 2026 »: the label cut in two
            # by its cell's width, its date ending the row under its end (not « … NAISSANCE »)
            out.append((f"Date : {c[d.start(1):]}", f"date : {fold(c[d.start(1):])}"))
        label = next((m for r in _number_labels() if (m := compiled(r).search(fa)) and m.start() <= len("votre ")), None)
        if label and (v := _FIRST_VALUE.match(fb)):
            out.append((f"{a.strip(' |')[:label.end()]} : {b.strip(' |')[:v.end()]}", f"{fa[:label.end()]} : {v.group()}"))
    return out


def _number_labels() -> list[str]:
    """Every label a person's number is printed under (patterns.yaml), whatever the body."""
    return [r for regexes in patterns()["file_number_labels"].values() for r in regexes] + \
        patterns()["file_number_any_labels"] + patterns()["file_number_vague_labels"]


def _kinds_in(folded_line: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of the body names on a line; a name inside a longer one is not
    counted (« MDMPH » in the Rhône MDPH's full name, « Métropole de Lyon » too)."""
    found = [(m.start(), m.end(), kind) for kind, regexes in patterns()["organisms"].items()
             for regex in regexes for m in compiled(regex).finditer(folded_line)]
    return sorted(f for f in found if not any(o[0] <= f[0] and f[1] <= o[1] and (o[1] - o[0]) > (f[1] - f[0]) for o in found))


# « • » between the parts of a letterhead or footer is often read « + » by the OCR
_SEPARATOR = re.compile(r"\s+[—–|•·+»«]\s+|\s+-\s+")   # (« » » and « « »: OCR's readings of « · »)


def _header_lines(letter: Letter, end: int) -> list[tuple[str, str]]:
    """The letterhead's lines, a name cut over two lines joined again (« … de la \\n Métropole »)."""
    out: list[tuple[str, str]] = []
    for line, folded in letter.lines[:end]:
        # (a label in small letters, « identifiant : … », is not a name's end)
        continued = re.match(r"^[a-z][^:]*$", line) or re.match(r"^(de|du|des|d')\b[^\d:]{2,40}$", folded)
        if out and (re.search(r"\b(de|du|des|de la|et de la|d'|l')$", out[-1][1]) or continued):
            out[-1] = (out[-1][0] + " " + line, out[-1][1] + " " + folded)
        else:
            out.append((line, folded))
    return out


def _dedouble(name: str) -> str:
    """« France Travail France Travail » (a logo's text and the name) → « France Travail »."""
    words = name.split()
    half = len(words) // 2
    return " ".join(words[:half]) if len(words) % 2 == 0 and half and words[:half] == words[half:] else name


_NAME_LINKS = {"de", "du", "des", "la", "le", "les", "l'", "d'", "et", "sur", "en", "pays"}
_NAME_STOPS = {"dossier", "service", "direction", "agence", "site", "pole", "reference", "votre", "vos", "madame",
               "monsieur", "date", "objet", "numero", "identifiant", "tel", "telephone", "courriel",
               "lettre", "courrier", "recommandee", "recommande", "avis",   # « … Lettre recommandée avec avis … »
               "edition", "edite", "editee",   # « France Travail Édition du 04.08.2026 »
               # a sentence's words after a name in a letter printed all in capitals (« … A LA MSA DANS UN DELAI … »)
               "dans", "pour", "par", "avec", "qui", "que", "vous", "nous", "un", "une", "aupres", "delai",
               # the online account (« Appli Caf Mon Compte »), the MSA's motto (« MSA Gironde SANTÉ · FAMILLE »)
               "mon", "sante", "famille"}


def _short_named(kind: str, name: str) -> str:
    """The folded name with its kind's long form made its short one (« Caisse primaire
    d'assurance maladie de la Gironde » → « cpam de la gironde »): one body printed both ways."""
    short = fold(bodies.organism(kind)["short"])
    folded = fold(name)
    for regex in patterns()["organisms"][kind]:
        folded = compiled(regex).sub(short, folded)
    # the preposition after the kind, which some of its regexes take with them: « Département de
    # la Guadeloupe » and « Conseil départemental de la Guadeloupe » are one body
    return re.sub(rf"\b({re.escape(short)}) (?:de |du |des |d')", r"\1 ", folded)


def _name_at(line: str, start: int, end: int) -> tuple[str, bool]:
    """The body's name: its words (« CAF », « Conseil départemental »), then its place as long as
    the words are a place's (capitals, « de la », hyphens), up to a separator, a comma or anything else
    (« — 8 quai… », « Dossier suivi par », OCR's specks); whether a place follows the bare name."""
    head = line[start:end]
    tail = _SEPARATOR.split(line[end:], maxsplit=1)[0].split(",", 1)[0]  # a comma ends the name too
    kept: list[str] = []
    for word in re.split(r"(?<=['’])|\s+", tail):
        if not word:
            continue
        bare = fold(word).strip("()")
        # the name printed again, misread (a logo's « France Travail » then « France Tevall »)
        if bare in _NAME_STOPS or (bare not in _NAME_LINKS and bare in fold(head).split()):
            break
        # a word of one or two small letters is OCR's speck, not a place (but « Côte-d'Or »)
        elided = bool(kept) and kept[-1].endswith(("'", "’"))
        if bare in _NAME_LINKS or re.fullmatch(r"[A-ZÀ-Ý][\w'’-]{2,}|[A-Z]{2,}|\([A-Z]+\)", word) or \
                (elided and re.fullmatch(r"[A-ZÀ-Ý]\w", word)):
            kept.append(word)
        else:
            break
    while kept and fold(kept[-1]) in _NAME_LINKS:
        kept.pop()
    name = head
    for word in kept:
        name += word if name.endswith(("'", "’")) else " " + word
    return _article_case(_dedouble(name)).strip(), bool(kept)


@lru_cache(maxsize=1)
def _departement_forms() -> frozenset[str]:
    """« de la Gironde », « de La Réunion »…: the départements' own « de » forms (places.py)."""
    codes = [f"{n:02d}" for n in range(1, 96)] + ["2A", "2B"] + [str(n) for n in range(971, 977)]
    places = [departement(code + "0" * (5 - len(code))) for code in codes]
    return frozenset(p.of for p in places if p)


@lru_cache(maxsize=1)
def _departement_names() -> frozenset[str]:
    codes = [f"{n:02d}" for n in range(1, 96)] + ["2A", "2B"] + [str(n) for n in range(971, 977)]
    return frozenset(p.name for code in codes if (p := departement(code + "0" * (5 - len(code)))))


def _article_case(name: str) -> str:
    """OCR reads « la » as « La »: « CAF de La Savoie » → « CAF de la Savoie », unless the place's
    own name has it (« de La Réunion »)."""
    def lower(m: re.Match[str]) -> str:
        phrase = m.group(0)
        own = any(phrase in form for form in _departement_forms())
        return phrase if own else m.group(1) + " " + m.group(2).lower() + m.group(3)
    return re.sub(r"\b(de|à) (La|Le|Les|L')(\s?[A-ZÀ-Ý][\w-]*)", lower, name)


@lru_cache(maxsize=1)
def _powers_names() -> frozenset[str]:
    """The folded own names of the collectivités exercising a département's powers
    (places.powers_bodies: « metropole de lyon », « collectivite europeenne d'alsace »…)."""
    return frozenset(fold(body) for body in powers_bodies())


@lru_cache(maxsize=1)
def _whole_names() -> frozenset[str]:
    """Names that say which body with no place after them: the collectivités' own, and a
    caisse's one name in Mayotte (bodies.yaml `mayotte`: « Caisse de sécurité sociale de Mayotte »)."""
    mayotte = {fold(spec["mayotte"]) for spec in bodies.registry()["organisms"].values() if spec.get("mayotte")}
    return _powers_names() | frozenset(mayotte)


@lru_cache(maxsize=1)
def _place_endings() -> tuple[str, ...]:
    """What a body named after its place ends with, folded: a département's name or a
    collectivité's own name."""
    return tuple(sorted({fold(place) for place in _departement_names()} | _powers_names()))


@lru_cache(maxsize=1)
def _regional_words() -> frozenset[str]:
    """Every word a regional caisse's name may hold: the départements' names' words and
    patterns.yaml `regional_name_words`."""
    words = {w for name in _departement_names() for w in re.split(r"\W+", fold(name)) if w}
    return frozenset(words | set(patterns()["regional_name_words"]))


def _regional_name_known(kind: str, name: str) -> bool:
    """An MSA's or a Carsat's name whose every word after the caisse's is a place's
    (« MSA Tarn-et-Garonne », « Carsat Rhône-Alpes »), or a whole name (Mayotte's caisse);
    other bodies' names: True."""
    if kind not in ("msa", "carsat") or fold(name) in _whole_names():
        return True
    words = [w for w in re.split(r"\W+", fold(name)) if w]
    return all(w in _regional_words() for w in words[1:])


def _place_known(kind: str, name: str) -> Optional[bool]:
    """For a body named after its département (« CAF {of} »): whether the name ends with a
    département's « de » form (an OCR slip in it does not); None for the others."""
    if "{of}" not in bodies.organism(kind)["generic"]:
        return None
    folded = fold(name)   # the place a whole word (« CAF d'Iindre-et-Loire » is an OCR slip)
    return any(folded.endswith(end) and folded[-len(end) - 1:-len(end)] in ("", " ", "'", "’") for end in _place_endings())


_NUMBER_LABEL = re.compile(r"\b(?:n[o0°*'.]{1,2}|numero|identifiant)\s*$")


def _up_to_place(kind: str, name: str) -> str:
    """A body named after its département with the next column's word run into it
    (« Département du Rhône Lyon, 13 mai 2026 »): the name up to the département's name."""
    words = name.split()
    for k in range(len(words) - 1, 1, -1):
        if _place_known(kind, " ".join(words[:k])):
            return " ".join(words[:k])
    return name


def _names_on(line: str, folded: str, kind: str) -> list[tuple[int, str, bool]]:
    """(start, name, with a place) of each name of `kind` on a line, but a name that runs into
    the next one (« l'Assurance retraite Carsat Aquitaine ») gives way to it."""
    # « N° MSA : … », « Numéro CAF » label a number: not the body's name
    hits = [(a, b) for a, b, k in _kinds_in(folded) if k == kind and not _NUMBER_LABEL.search(folded[:a])]
    out = []
    for n, (a, b) in enumerate(hits):
        name, full = _name_at(line, a, b)
        if full and _place_known(kind, name) is False:
            name = _up_to_place(kind, name)
        if full and not _regional_name_known(kind, name):
            # « MSA Eure-et-Loir Prestations familiales »: a service's column run into the name
            words = name.split()
            name = next((cut for k in range(len(words) - 1, 1, -1) if _regional_name_known(kind, cut := " ".join(words[:k]))), name)
        # « Collectivité européenne d'Alsace », « Métropole de Lyon »: a whole name with its place
        full = full or fold(name) in _whole_names()
        if n + 1 < len(hits) and hits[n + 1][0] < a + len(name):
            continue
        out.append((a, name, full))
    return out


def organism(letter: Letter) -> Found:
    """organism.kind, .name, .address from the letterhead: the body named before the subject
    line. Two kinds there (and none first on its own line) leave the kind unanswered. Where the
    letterhead gives no name with its address (a logo OCR cannot read), the sender's block
    printed again at the foot (« CAF du Jura — 60 avenue … — 39000 Lons-le-Saunier ») gives them."""
    end = _header_end(letter)
    lines = _header_lines(letter, end)
    hits = [(i, start, stop, kind) for i, (_, folded) in enumerate(lines) for start, stop, kind in _kinds_in(folded)]
    out: Found = {}
    names: list[tuple[bool, bool, int, int, str, Optional[str], str]] = []
    if not hits:
        # named on a line of its own (short, or the name followed by its address: a footer, a
        # signature) or as the body to appeal to (« la commission de recours amiable de la
        # MSA »), not inside another sentence (« … effectué par la Caf » in a département's
        # letter) nor opening one (« L'Assurance Maladie nous a informés … »)
        whole = [(line, kind) for line, folded in letter.lines for start, stop, kind in _kinds_in(folded)
                 if (not re.search(r"\b(?:la|le|les|de|du|des|par|a|au|aux|votre|vos|sa|son|d'|l')\s*$", folded[:start])
                     and (len(folded.split()) <= 6 or re.match(r"\s*[—–|•·,:-]", folded[stop:]) or re.search(r"\d{5}", folded[stop:])))
                 or re.search(r"\b(?:recours|commission|contester)\b", folded)]
        if len({kind for _, kind in whole}) != 1:
            return out
        kind, confidence = whole[0][1], 0.82
        out["organism.kind"] = _p(kind, whole[0][0], confidence)
    else:
        kinds = {kind for *_, kind in hits}
        if len(kinds) == 1:
            kind, confidence = kinds.pop(), 0.95
        else:
            first_line = min(h[0] for h in hits)
            on_first = {k for i, *_, k in hits if i == first_line}
            if len({(a, b) for i, a, b, _ in hits if i == first_line}) == 1:
                # one name, several kinds: « CGSS de la Martinique » (health or pensions), the
                # Caisse de sécurité sociale de Mayotte (family too): the benefit tells which
                on_first = _shared_kind(letter, on_first)
            if len(on_first) != 1:
                return out
            kind, confidence = on_first.pop(), 0.85  # the letterhead's; the others are partners, payers
        # Of the names printed (a logo's « caf », then « CAF de l'Eure »), the one that says most;
        # on one line, the last one that is not part of another (« l'Assurance retraite Carsat Aquitaine »).
        for i, (line, folded) in enumerate(lines):
            for start, name, full in _names_on(line, folded, kind):
                address = _address_of(lines, i, start)
                names.append((full, address is not None, i, start, name, address, line))
    footer = []
    generic = fold(bodies.organism(kind)["generic"])

    def identifies(full: bool, name: str, address: object) -> bool:
        """A name with its address that says which body: a place, or the body's whole name."""
        return bool(address) and (full or fold(name) == generic)

    alone = []   # a full name alone on its line below (a signature's « Caf de la Gironde »)
    below: list[str] = []   # any address printed after the body's name below (« CPAM d'ille-et-Vilaine — 5 allée … »)
    for j, (line, folded) in enumerate(letter.lines[end:], start=end):
        for start, name, full in _names_on(line, folded, kind):
            address = _address_of(letter.lines, j, start)
            if address:
                below.append(address)
            if identifies(full, name, address):
                footer.append((full, True, len(lines) + j, start, name, address, line))
            elif full and len(line.strip()) <= len(name) + 2:
                alone.append((full, False, len(lines) + j, start, name, None, line))
    if not any(identifies(full, name, address) for full, address, _, _, name, *_ in names):
        names += footer
    if not any(n[0] for n in names) and len({fold(n[4]) for n in alone}) == 1:
        names += alone[:1]   # the letterhead has only a logo (« caf »): the name printed alone below
    if not names:
        if hits and "organism.kind" not in out:  # named only in a label (« N° MSA : … »)
            out["organism.kind"] = _p(kind, lines[hits[0][0]][0], confidence)
        return out
    full, _, _, _, name, address, evidence = max(names)
    # The letterhead's address misread (« 39008 » for « 39000 »), the footer's may be read whole.
    addresses = [address] + [f[5] for f in footer if fold(f[4]) == fold(name)]
    if "organism.kind" not in out or full:
        out["organism.kind"] = _p(kind, evidence, max(confidence, 0.9) if full and address else confidence)
    # The name printed again elsewhere (the footer) must be the same; a bare name (a logo's
    # « l'Assurance Maladie ») only where it is the body's whole name (« France Travail »).
    others = {_short_named(kind, n) for line, folded in letter.lines for _, n, f in _names_on(line, folded, kind) if f}
    name = re.sub(r"\bM[O0]PH\b", "MDPH", name)   # the acronym as OCR may read it (patterns.yaml's « moph »)
    known = _place_known(kind, name)
    if kind in patterns()["bare_name_kinds"] and fold(name).startswith(generic):
        # one body for all France (« France Travail Bobigny » is its agency): its own name
        out["organism.name"] = _p(bodies.organism(kind)["generic"], evidence, 0.9)
    elif full and others <= {_short_named(kind, name)} and known is not False and _regional_name_known(kind, name) and \
            (not known or _place_agrees(name, address) is not False):
        # a logo's lower-case word (« caf », « carsat ») run into the name: the letter's own
        # spelling of the name is not known
        logo = name.split(" ", 1)[0].islower()
        out["organism.name"] = _p(name, evidence, 0.78 if logo else min(confidence, 0.9) if hits else 0.85)
    elif not full and not others and fold(name) == generic and kind in patterns()["bare_name_kinds"]:
        out["organism.name"] = _p(name, evidence, 0.85)
    if not any(addresses):
        addresses = [_address_apart(letter, name) or _address_labelled(letter)]
    if not any(addresses) and full and known:
        # the footer's name misread (« CPAM d'ille-et-Vilaine »), its address in the named body's place
        addresses = [a for a in below if _place_agrees(name, a) and _street_start().match(fold(a))][:1]
    for address in addresses:
        address = _mended_place(address) if address else address
        if address and _address_agrees(letter, address) and _street_again_agrees(letter, address.split(", ")[:-1]):
            out["organism.address"] = _p(_canonical_city(_article_case(address)), address, 0.85)
            break
    return out


def _shared_kind(letter: Letter, kinds: set[str]) -> set[str]:
    """Overseas, one caisse is several bodies (a CGSS the CPAM and the Carsat, the CSSM the CAF
    too; bodies.yaml `overseas_shared`, `mayotte`): of `kinds`, those whose benefits include the
    one the letter names."""
    named = benefit(letter, None).get("benefit")
    return {k for k in kinds if named is not None and named.value in bodies.organism(k)["benefits"] and named.value != "autre"}


def _address_apart(letter: Letter, name: str) -> Optional[str]:
    """The body's street and postcode printed apart from its name, its references between them
    (a side column: « MSA … », « Référence : … », then « 22 avenue … », « 71000 Mâcon »): the
    only such pair of lines between the name and the addressee's title line, and none without
    that title line (the addressee's own block is never taken for it)."""
    lines = letter.lines
    start = next((k for k, (_, folded) in enumerate(lines) if fold(name) in folded), None)
    end = next((k for k, (_, folded) in enumerate(lines) if start is not None and k > start and _TITLE.match(folded)), None)
    if start is None or end is None:
        return None
    street = rf"^{_HOUSE_NUMBER} (?:{_street_types()})\b"
    found = [f"{lines[k - 1][0].strip()}, {lines[k][0].strip()}" for k in range(start + 2, end)
             if _POSTAL.match(lines[k][0].strip()) and re.match(street, lines[k - 1][1])
             and not _TITLE_IN_LINE.search(lines[k - 2][1])]
    return found[0] if len(found) == 1 else None


_ADDRESS_LABEL_LINE = compiled(rf"^(?:{'|'.join(patterns()['body_address_labels'])})\s*:?$")


def _mended_place(address: str) -> str:
    """The body's postcode line with one OCR slip mended where only one reading fits
    (places.py): a figure misread (« 09008 Cos » → 09000, the commune's only postcode one
    figure away) or a letter of the city (« 12000 Druelle Baisac » → Druelle Balsac, the only
    commune of that postcode so close in name). A CEDEX line is the body's own: left."""
    head, _, last = address.rpartition(", ")
    pm = _POSTAL.match(last)
    if not pm or "cedex" in fold(last) or place_checked(pm.group("pc"), pm.group("city").strip()):
        return address
    postal, city = pm.group("pc"), pm.group("city").strip()
    mended = _one_figure_off(postal, city)
    if not mended and len(normalise(city)) >= 4:
        close = {n for c in resolve(postal).candidates if postal in c.postcodes for n in c.names[:1]
                 if SequenceMatcher(None, normalise(n), normalise(city)).ratio() >= 0.85}
        mended = (postal, close.pop()) if len(close) == 1 else None
    return f"{head}, {mended[0]} {mended[1]}" if mended and head else address


def _address_labelled(letter: Letter) -> Optional[str]:
    """The body's address under a label that says it is where to write (« Nous écrire », then
    « 8 quai de la Fosse », « 69001 Lyon »): the only such address in the letter."""
    lines = letter.lines
    found = {f"{lines[k + 1][0].strip()}, {lines[k + 2][0].strip()}" for k, (_, folded) in enumerate(lines[:-2])
             if _ADDRESS_LABEL_LINE.match(folded.strip()) and _street_start().match(lines[k + 1][1].strip())
             and _POSTAL.match(lines[k + 2][0].strip())}
    return found.pop() if len(found) == 1 else None


def _sorting_office(city: str) -> bool:
    """Whether a CEDEX address's city ends with its sorting office's word (« Saint-Denis Messag »,
    patterns.yaml `cedex_mentions`), which is no part of the commune's name."""
    words = fold(city).split()
    return len(words) > 1 and words[-1] in patterns()["cedex_mentions"]


def _canonical_city(address: str) -> str:
    """The address with its city as the commune's own name (« Nimes » → « Nîmes »): OCR drops
    or changes accents, places.py has the name."""
    head, _, last = address.rpartition(", ")
    pm = _POSTAL_IN_LINE.search(last)
    if not pm:
        return address
    city = place_checked(pm.group("pc"), pm.group("city").strip(), "cedex" in fold(last))
    if not city:
        return address
    city = city.upper() if pm.group("city").isupper() else city
    if _sorting_office(pm.group("city")):
        city = f"{city} {pm.group('city').split()[-1]}"   # the sorting office's word kept: « Saint-Denis Messag Cedex 9 »
    return f"{head}, {last[:pm.start('city')]}{city}{last[pm.end('city'):]}" if head else address


_HOUSE_NUMBER = r"\d+(?: ?(?:bis|ter))?"  # « 12 », « 12 bis », « 12ter »


@lru_cache(maxsize=1)
def _street_types() -> str:
    """The kinds of street (patterns.yaml `street_types`) as one alternation."""
    return "|".join(patterns()["street_types"])


@lru_cache(maxsize=1)
def _street_start() -> re.Pattern[str]:
    """A folded line or part that begins with a house number and its street, or a postal box."""
    return re.compile(rf"^(?:{_HOUSE_NUMBER} (?:{_street_types()})\b|(?:bp|cs|tsa)\s*\d)")


def _cut_short(one: str, other: str) -> bool:
    """Whether one street is the other with its last words lost (« rue maréchal » against « rue
    maréchal joffre »), not with another column's words run into it (« … dossier suivi par »)."""
    short, long = sorted((one, other), key=len)
    if not long.startswith(short + " "):
        return False
    # (« 8 quai de la fosse nm. monsieur … »: a mark, then the addressee's column)
    return not any(word.strip(".,;:") in _NAME_STOPS for word in long[len(short) + 1:].split()[:3])


def _street_again_agrees(letter: Letter, lines: list[str]) -> bool:
    """The body's address lines before its postcode hold a street (a kind of street, its
    number; a service's line may come first), and where the letter prints it again (the
    footer) it is printed the same: another number on the same street, or the same number and
    kind of street followed by other words (« 3 rue Pal Bert » against « 3 rue Paul Bert »),
    shows an OCR slip in one of them."""
    types = _street_types()
    own = next((m for line in lines if (m := re.match(rf"(?:({_HOUSE_NUMBER}) )?((?:{types})\b.*)$", _flat(line)))), None)
    if not own:
        # a postal box with no street (« BP 30417 » then « 62008 ARRAS CEDEX »): the box is the address
        return bool(lines) and re.fullmatch(r"(?:bp|cs|tsa) ?\d{3,6}", _flat(lines[-1])) is not None
    number, rest = own.groups()
    if number is None:
        return True
    # printed three times, two the same: the odd one is the slip (its own copy is among them)
    same = differ = 0
    for _, folded in letter.lines:
        for part in _SEPARATOR.split(folded):
            for m in re.finditer(rf"\b({_HOUSE_NUMBER}) ((?:{types})\b.*)$", " ".join(part.split())):
                other = re.sub(r"\s[aà]$", "", re.split(r"\s(?:\d{5}|cs|bp|tsa)\b", m.group(2))[0].strip(" ,.;:—–|-+"))
                same_words = other == rest
                if (same_words and m.group(1) != number) or \
                        (not same_words and SequenceMatcher(None, other, rest).ratio() >= 0.8) or \
                        (m.group(1) == number and _cut_short(rest, other)):
                    differ += 1  # the same street printed twice, differently
                elif same_words:
                    same += 1
    return differ == 0 or (differ == 1 and same >= 2)


def _place_agrees(name: str, address: Optional[str]) -> Optional[bool]:
    """For a body named after its département (« CAF de la Manche »): whether its address's
    postcode is in that département (places.py); None where either is not known."""
    pm = _POSTAL_IN_LINE.search(address.split(", ")[-1]) if address else None
    place = departement(pm.group("pc").translate(_OCR_DIGITS)) if pm else None
    if place is None or not any(fold(name).endswith(fold(p)) for p in _departement_names()):
        return None
    return fold(name).endswith(fold(place.name))


def _address_agrees(letter: Letter, address: str) -> bool:
    """The postal code's commune has the city's name, and where the street is printed again
    (the footer) the same postcode follows it."""
    last = address.split(", ")[-1]
    pm = _POSTAL_IN_LINE.search(last)
    if not pm or not place_checked(pm.group("pc"), pm.group("city").strip(), "cedex" in fold(last)):
        return False
    street = fold(address.split(", ")[0])
    again = [m.group(1) for m in re.finditer(re.escape(street) + r"\W+(?:\w+\W+){0,3}?(?<!cs )(?<!tsa )(?<!bp )(\d{5})(?=\s+[^\W\d])", letter.flat_folded)]
    # a copy whose postcode is none of the city's is an OCR slip (« 72008 » for « 72000 »), not
    # another address: only another of the city's own postcodes contradicts this one
    city, cedex = pm.group("city").strip(), "cedex" in fold(last)
    return all(code == pm.group("pc") or not place_checked(code, city, cedex) for code in again)


# A footer's website, e-mail, phone number or opening hours after the body's address, matched on
# the folded line; a website or the page's number may follow the city with a space only
# (« 24000 Périgueux caf.fr », « 14000 Caen Page 1/2 »).
# (« — 3949 (service gratuit + prix d'un appel) »; a letter's reference after the city: « 76000 Rouen Réf. CTL-2026-7024 »)
_CONTACT_TAIL = re.compile(r"(?:\s+[—–|•·+:-]\s+(?:www\.|https?:|[\w.-]+\.(?:fr|com|org)\b|[\w.-]+@|"
                           r"(?:tel(?:ephone)?\.?\s*:?\s*)?\d[\d .]{3,13}(?:\s*\([^)]*\))?(?:\s+[—–|•·+:-]\s+.*)?$|accueil\b|horaires?\b|ouvert)"
                           r"|\s+(?:www\.|https?:)|\s+[\w-]+\.(?:fr|com|org)\b|\s+page \d+ ?(?:/|sur) ?\d+\b"
                           r"|(?<=[^\W\d])\s+(?:ref(?:erence)?s?\.?|n°)\s*:?\s*[\w/-]*\d[\w/-]*\s*$).*$")


# Where a street ends and its postcode begins on one line: a comma, or only a space after the
# street's last word (« 60 avenue Jean Mermoz 09000 Cos »).
_BEFORE_POSTCODE = re.compile(r",\s*(?=\d{5}\s)|(?<=[^\W\d])\s+(?=\d{5}\s+[^\W\d])")


# A title and a name anywhere on a line (« … Mme Clotilde BERTHELOT 5 allée … »).
_TITLED_NAME = re.compile(r"(?:^|\s)(?:Monsieur|Madame|Mademoiselle|M\.|Mme\.?|Mlle\.?)\s+[A-ZÀ-Ý][\w'-]+\s+[A-ZÀ-Ý]")


def _person_line(line: str) -> bool:
    """« LAMARQUE Rosine », « Rosine LAMARQUE »: a person's name with no title, a last name in
    capitals beside one of INSEE's first names; the addressee's block, not the body's."""
    words = line.split()
    return 2 <= len(words) <= 4 and not re.search(r"\d", line) and \
        any(w.isupper() and len(w) > 1 for w in words) and any(not w.isupper() and is_first_name(w) for w in words)


_PAGE_TAIL = re.compile(r"(?<=[^\W\d])\s+(?:page\s+)?\d{1,2}\s?(?:/|sur)\s?\d{1,2}\s*$", re.IGNORECASE)


def _address_of(lines: list[tuple[str, str]], i: int, start: int) -> Optional[str]:
    """The body's address: after its name on the same line (« CAF du Nord — 8 quai … — 59000
    Lille »), or on the lines under it down to the postal code (at most five)."""
    # « … — 16000 Angoulême — francetravail.fr — 3949 »: the website and phone after the address
    cut = _CONTACT_TAIL.search(lines[i][1], start)
    lines = lines[:i] + [tuple(text[:cut.start()] for text in lines[i])] + lines[i + 1:] if cut else lines
    # « CAF du Gard — 8 rue …, 30000 Nîmes »: a comma before the postcode parts it too; OCR may
    # read a footer's « · » as « : », which parts it when it does so twice or more
    text = _PAGE_TAIL.sub("", _glued_number(lines[i][0][start:]))   # « … — 49000 Angers 1/2 »: the page's number
    if text.count(" : ") >= 2 or (" : " in text and _SEPARATOR.search(text)):
        text = text.replace(" : ", " — ")
    # « MSA DORDOGNE 2 rue de la Préfecture 24000 Périgueux », « Caf de la Gironde CS 81009 — … »:
    # the name and its street or box parted by a space only
    if joined := re.search(rf"(?<=[^\W\d])\s+(?=(?:{_HOUSE_NUMBER} (?:{_street_types()})\b|(?:cs|bp|tsa) \d))", fold(text)):
        text = f"{text[:joined.start()]} — {text[joined.end():]}"
    first, *rest = _SEPARATOR.split(text)
    parts = [first] + [p for part in rest for p in _BEFORE_POSTCODE.split(part)]
    if len(parts) > 1 and _POSTAL.match(parts[-1].strip()):
        return ", ".join(_from_street([p.strip() for p in parts[1:]]))
    # other words after the city (« 57000 Metz Notification CDAPH — exemplaire bénéficiaire »):
    # the address up to its postcode part, that part cut to the commune's name
    # (or a service's name, « · France Retraite – Service international », after it)
    # (« 71000 Mâcon Votre Caf vous répond au 3230 et sur »: a sentence with figures after the city)
    at = next((k for k in range(2, len(parts)) if _POSTAL.match(parts[k].strip()) or
               (k == len(parts) - 1 and re.match(r"\d{5}\s+[^\W\d]", parts[k].strip()))), None)
    if at is not None and ((city := _postal_alone(parts[at].strip())) != parts[at].strip()
                           or not any(re.search(r"\d", p) for p in parts[at + 1:])):
        return ", ".join([p.strip() for p in parts[1:at]] + [city])
    # on one line with commas: « CAF de l'Ain, 4 rue Aristide Briand, 01000 Bourg-en-Bresse »
    # (matched on the folded line: « allée » is the street type « allee »)
    one = re.match(rf"^[^,\d]+,\s*({_HOUSE_NUMBER} (?:{_street_types()})\b[^,]*),\s*(\d{{5}}\s+[^,\d]+)$", lines[i][1][start:])
    if one:
        line = lines[i][0][start:]
        street, place = line[one.start(1):one.end(1)].strip(), line[one.start(2):one.end(2)].strip()
        if _POSTAL.match(place):
            return f"{street}, {place}"
    if _TITLE_IN_LINE.search(lines[i][1][start:]):
        return None  # « CAF de l'Ariège   Monsieur Yacine Caradec »: the lines under are the addressee's
    block: list[str] = []
    for k, (line, folded) in enumerate(lines[i + 1:i + 6]):
        if k == 0 and lines[i][0].rstrip().endswith("-") and not re.search(r"\d", line):
            continue   # « DÉPARTEMENT D'INDRE-ET- » then « LOIRE »: the name's end, cut at its hyphen
        # « 10 boulevard Gaston Serpette : 67000 Strasbourg »: a « · » read « : » before the postcode
        line, folded = (re.sub(r"\s:\s(?=\d{5}\s)", ", ", text) for text in (line, folded))
        if cut := _CONTACT_TAIL.search(folded):   # « … 33078 BORDEAUX CEDEX caf.fr : 3230 »
            line, folded = line[:cut.start()], folded[:cut.start()]
        if _TITLE.match(folded) or DATE.search(folded) or ":" in line or _person_line(line):
            return None
        if line.rstrip().endswith(".") and len(line.split()) > 4:
            return None   # a sentence's end (« … pour juger d'un litige sur l'allocation. »): the name was in a sentence
        titled = _TITLED_NAME.search(line)
        if titled and re.search(r"\d{5}", line[:titled.start()]):
            line, folded = line[:titled.start()], folded[:titled.start()]   # « … - 13001 Marseille Madame … »
        elif titled and not _POSTAL.match(line.strip()):
            return None  # « Mme Clotilde BERTHELOT 5 allée … »: the addressee's column run into the body's
        if _TITLE_IN_LINE.search(folded) and not _POSTAL.match(line.strip()):
            return None  # the addressee's title after a misread postcode (« Rens M. Jean Roux »): their block begins
        line, folded = _glued_number(line.strip()), _glued_number(folded.strip())
        if re.search(r"\D\s[àÀ]$", line):   # « 22 avenue de la Libération À »: the window's « À » beside it
            line, folded = line[:-2].rstrip(), folded[:-2].rstrip()
        if misread := re.match(rf"^s'? ?(?=(?:{_street_types()})\b)", folded):   # (fold reads « s allée » as « s'allée »)
            line, folded = "5 " + line[1:].lstrip(), "5 " + folded[misread.end():]   # « S allée des Tanneurs »: a 5 read as an S
        if not block and _ADDRESS_LABEL_LINE.match(folded.strip()):
            continue  # « Nous écrire » over the address
        if _kinds_in(folded):
            # the body's long name under its short one, with the address after it on its line
            # (« MDPH du Gers » then « Maison départementale … — 3 rue … — 32000 Auch »)
            parts = _SEPARATOR.split(line)
            if not block and not re.search(r"\d", line):
                continue  # the long name, its commission or service, alone on its line: the address follows
            if block or len(parts) < 3 or not _POSTAL.match(parts[-1].strip()):
                return None
            return ", ".join(p.strip() for p in parts[1:])
        # « 3 rue Paul Bert, 09000 Foix »: the street and the postcode on one line
        pieces = _from_street([p.strip() for part in _SEPARATOR.split(line) for p in _BEFORE_POSTCODE.split(part)])
        at = next((k for k, piece in enumerate(pieces) if _POSTAL.match(piece)), None)
        block += pieces if at is None else pieces[:at + 1]   # (« 69001 Lyon 69910 Villié-Morgon »: the next column's)
        if _POSTAL.match(block[-1]) or re.match(r"^(cs|tsa|bp)\s*\d+.*\d{5}", folded):
            block[-1] = _postal_alone(block[-1])
            return ", ".join(block) if len(block) > 1 else None  # a postcode alone: the street was lost
    return None


def _from_street(parts: list[str]) -> list[str]:
    """One line's parts from its street on: a service or a motto printed before the street on
    that line (« Retraite et santé au travail — 5 allée … — 33000 Bordeaux », « Direction de
    l'insertion — 2 rue … ») is not the address."""
    at = next((k for k, part in enumerate(parts) if _street_start().match(fold(part))), 0)
    return parts[at:] if not any(re.search(r"\d", part) for part in parts[:at]) else parts


def _glued_number(text: str) -> str:
    """« 3rue Paul Bert »: OCR lost the space between the house number and the street."""
    for glued in reversed(list(re.finditer(rf"(?<!\w)\d{{1,4}}(?=(?:{_street_types()})\b)", fold(text)))):
        text = f"{text[:glued.end()]} {text[glued.end():]}"
    return text


def _postal_alone(line: str) -> str:
    """The postcode line without the next column run into it (« 43000 Le Puy-en-Velay Madame
    Jeanne Roux »: the addressee's block printed beside the body's): the longest start of the
    city that is the postcode's commune, when the whole is not."""
    pm = _POSTAL.match(line)
    if pm and (other := re.search(r"\s\d{5}\s", pm.group("city") + " ")):
        return f"{pm.group('pc')} {pm.group('city')[:other.start()]}"   # « 69001 Lyon 69910 Villié-Morgon »: the next column's
    if pm and (cedex := re.match(r"(.*?\bcedex)(?: (\d{1,2}))?\b(.*)$", line, re.IGNORECASE)):
        # « 33085 BORDEAUX CEDEX 36 46 (service gratuit …) »: a phone or a note after it, the
        # figures then none of the CEDEX's own
        return cedex.group(1) if cedex.group(3).strip() else line
    # (« 59000 Lille Votre Caf vous répond au 3230 »: a sentence with figures after the city)
    pm = pm or re.match(r"^(?P<pc>\d{5})\s+(?P<city>[^\W\d].*)$", line)
    if not pm:
        return line
    words = pm.group("city").split()
    if place_checked(pm.group("pc"), " ".join(words)):
        return line
    for n in range(len(words) - 1, 0, -1):
        # the next column's capitals, or OCR's marks after the city (« 30000 Nîmes ca£fr »)
        if (re.match(r"[A-ZÀ-Ý]", words[n]) or not words[n].isalpha()) and place_checked(pm.group("pc"), " ".join(words[:n])):
            return f"{pm.group('pc')} {' '.join(words[:n])}"
    return line


# --- The claimant -----------------------------------------------------------------------------

_PARTICLES = {"de", "du", "d'", "da", "le", "la", "van", "von", "del", "des", "der", "den", "ten", "ter",
              "dos", "das", "di", "ben", "ould", "ait", "el", "al"}   # (« Van der Berg », « Ben Salah », « Aït Ouarab »)


def _title(name: str) -> str:
    """« BENALI » → « Benali », « N'DIAYE » → « N'Diaye », « LE GALL » → « Le Gall »: a name in
    capitals as the person writes it; a name already in small letters stays as printed."""
    return name.title() if name.isupper() else name


# Two names in small letters, no capitals to tell the last name: the letter's greeting tells when
# it names one of them (« Madame Benhamou, »: `_greeted`), else INSEE's first names when only one
# of the two is a first name (« Benhamou Brigitte »: `names.order`); else the first name first,
# as most letters write it, a guess (« Martin Laurent »).
ORDER_UNSURE = 0.86
ORDER_TOLD = 0.9
_GREETING = re.compile(r"^(?:madame|monsieur|mademoiselle)\s+(?P<name>[^\W\d][^\d,;:()]{1,40}?)\s*,")


def _greeted(letter: Letter, first: str, last: str) -> Optional[tuple[str, str]]:
    """(first, last) as the greeting tells them: « Madame Benhamou, » names the last name."""
    for _, folded in letter.lines:
        m = _GREETING.match(folded)
        if m:
            named = m.group("name").strip()
            if named == fold(last):
                return first, last
            if named == fold(first):
                return last, first
    return None


# Marks OCR puts on a name's letters that French civil-status names do not carry, or that are
# no letters at all.
_NOT_IN_NAMES = re.compile(r"[ÿŸ]|[^\w' .-]|[\d_]")


# A married woman's two names: « Coumba MOKRANI épouse TEIXEIRA DA CUNHA » (born Mokrani, the
# name she uses after « épouse » or « veuve »), « Nadia LEROUX née HAMDANI » (the name she uses
# before « née »). The body files her under the name she uses.
_MARRIED = re.compile(r"^(?P<before>.+?)\s+(?P<link>[ée]pouse|[ée]p\.|epse|veuve|vve|n[ée]e)\s+(?P<after>.+)$", re.IGNORECASE)


def _split_names(names: str) -> Optional[tuple[str, str, float]]:
    """(first name, last name, confidence) of « Thomas Petit », « Amina BENALI », « BENALI Amina »,
    « AMINA BENALI » (all capitals: first name first, as addresses are written); None when the
    order cannot be told (three names and no capitals, mixed capitals)."""
    if (married := _MARRIED.match(names.strip())):
        named = _split_names(married.group("before"))
        if not named or fold(married.group("link")).startswith("ne"):
            return named
        used = married.group("after").strip()
        if _NOT_IN_NAMES.search(used) or re.search(r"-\w?$", used) or not used[:1].isupper():
            return None
        return named[0], _title(used), named[2]
    words = names.split()
    if len(words) < 2 or any(not w[:1].isupper() for w in words if w.lower() not in _PARTICLES):
        return None
    if _NOT_IN_NAMES.search(names) or re.search(r"-\w?$", names):
        return None  # « Delaunaÿ »: a speck over a letter, read as an accent no name has; « Delacroix-M »: cut
    capitals = [w.isupper() and len(w.strip("-'")) > 1 for w in words]
    if all(capitals):
        if len(words) == 2 and is_first_name(words[1]) and not is_first_name(words[0]):
            return _title(words[1]), _title(words[0]), 0.84   # « GIRAUD PATRICIA »: the family name first
        if len(words) > 2 and words[0].lower() in _PARTICLES and is_first_name(words[-1]) and \
                not any(is_first_name(w) for w in words[1:-1] if w.lower() not in _PARTICLES):
            return _title(words[-1]), _title(" ".join(words[:-1])), 0.84   # « EL MANSOURI MARIE-NOËLLE »
        if len(words) == 2 or (len(words) > 2 and words[1].lower() in _PARTICLES):
            return _title(words[0]), _title(" ".join(words[1:])), 0.84
        return None
    if any(capitals):
        caps = [w for w, c in zip(words, capitals) if c]
        rest = [w for w, c in zip(words, capitals) if not c]
        if capitals == sorted(capitals) or capitals == sorted(capitals, reverse=True):  # a block, not mixed
            return " ".join(rest), _title(" ".join(caps)), 0.9
        return None
    if len(words) == 2:   # « Brigitte Benhamou » or « Benhamou Brigitte »: the order is a custom only
        return words[0], words[1], ORDER_UNSURE
    # three names or more in small letters: INSEE's first names tell when only the first, or
    # only the last, is one (« Nolwenn Ferreira da Silva », « Ferreira da Silva Nolwenn »)
    if len(words) > 3 and words[-2] in ("Le", "La") and not any(w.lower() in _PARTICLES for w in words[1:-2]):
        return " ".join(words[:-2]), " ".join(words[-2:]), 0.84   # « Thi Hoa Le Floch », « Marie Anne Le Gall »
    given = [is_first_name(w) for w in words]
    if given[0] and not any(given[1:]):
        return words[0], " ".join(words[1:]), ORDER_TOLD
    if given[-1] and not any(given[:-1]):
        return words[-1], " ".join(words[:-1]), ORDER_TOLD
    if words[1].lower() in _PARTICLES:
        return words[0], " ".join(words[1:]), 0.84
    return None


_TITLE_IN_TEXT = rf"(?:{_CIVILITY}|m\.)"   # inside a line, « M » needs its dot
_TITLE_WORD_AT = re.compile(rf"(?:^|\s){_TITLE_IN_TEXT}\s")
# (the last title on the line: « Affaire suivie par Mme Leroy Madame Hawa KERHERVÉ », an agent's
# name in the references' column, then hers)
_TITLE_IN_LINE = re.compile(rf"(?:^|\s){_TITLE_IN_TEXT}\s+(?P<names>(?:(?!\b{_TITLE_IN_TEXT}\s)[^\d,:;()]){{2,60}})$")
_POSTAL_IN_LINE = re.compile(r"(?:^|\s)(?P<pc>[0-9OoIlS]{5})\s+(?P<city>[^\W\d][^\d,;:()]{1,50}?)(?:\s+cedex\b.*)?$", re.IGNORECASE)


def _street_of(line: str, folded: str) -> Optional[str]:
    """The street in a line that begins with another column's words (« Référence : X  141 bis
    route Gambetta »): from its number and street type (patterns.yaml `street_types`) on, or
    from « Lieu-dit »."""
    m = re.search(rf"(?:^|\s)(\d{{1,4}}(?: ?(?:bis|ter|b))? (?:{_street_types()})\b.*|lieu[- ]dit\b.*)$", folded)
    return line[m.start(1):].strip() if m else None


def place_checked(postal: str, city: str, cedex: bool = False) -> Optional[str]:
    """The commune's own name when `postal` is one of its postcodes and `city` one of its names
    (a digit misread by OCR makes another postcode: then None). CEDEX codes are the body's own:
    the city must be in the postcode's département."""
    if cedex and _sorting_office(city):
        city = city.rsplit(" ", 1)[0]   # « 97704 Saint-Denis Messag Cedex 9 »: the sorting office's word
    place = resolve(postal, city)
    found = place.commune
    if not found and cedex:   # a CEDEX code no commune bears: the commune of that name in its département
        named = [c for c in _communes_named().get(normalise(city), ()) if postal[:2] == c.dep[:2]]
        found = named[0] if len(named) == 1 else None
    if not found or normalise(city) not in {normalise(n) for n in found.names}:
        return None
    if postal not in found.postcodes and not (cedex and postal[:2] == found.dep[:2]):
        return None
    return next(n for n in found.names if normalise(n) == normalise(city))


def _digit_slip(postal: str, city: str, cedex: bool) -> bool:
    """A postcode that is not the named commune's, while the name is a commune's (a misread
    name, « Rare » for « Raze », says nothing of the figures)."""
    if place_checked(postal, city, cedex) or not re.fullmatch(r"\d{5}", postal):
        return False
    named = _communes_named().get(normalise(city), ())
    return bool(named) and not (cedex and any(postal[:2] == c.dep[:2] for c in named))


@lru_cache(maxsize=1)
def _communes_named() -> dict[str, tuple[Commune, ...]]:
    """Normalised commune name → the communes that bear it (places.communes())."""
    out: dict[str, list[Commune]] = {}
    for c in communes().values():
        for name in {normalise(n) for n in c.names}:
            out.setdefault(name, []).append(c)
    return {name: tuple(cs) for name, cs in out.items()}


_LABELLED = re.compile(r"^[^\d:]{2,40}\s?:\s")  # « Dossier suivi par : M. Durand »
_POSTCODE_ALONE = re.compile(r"(?P<pc>\d{5})(?P<city>)")


# A column's heading alone on a line of the addressee's block (« Références », « Vos contacts »).
_COLUMN_HEADING = re.compile(r"^(?:(?:vos|nos) )?(?:references?|contacts?|coordonnees|interlocuteurs?)\s*:?$")
# A body's service named on its own line (« Service prestations familiales »): the body's column.
_SERVICE_LINE = re.compile(r"^(?:service|direction|pole|agence|mission|cellule|plateforme|unite)s?\b")
_HOSTED = re.compile(r"^(?:chez|c/o|aux bons soins de)\s")   # « Chez M. Yvon PERRIGAULT »: her host, in her block
# A line of the addressee's block that continues her name (« veuve VALLAURI », « épouse LEROUX »)
# or names the farm or firm she is written to there (« GAEC DU PUY-BLANC »): not her address.
_NAME_OR_FIRM_LINE = re.compile(r"^(?:veuve|epouse|ep\.|nee?|gaec|earl|scea|sarl|sci|eurl|sas)\b")
_AGENT_LABEL = re.compile(r"^(?:affaire|dossier|courrier) suivie? par\s*:?$|^nous contacter$|^votre (?:contact|interlocut\w+)\s*:?$")
_DATE_BEFORE = re.compile(r"^\s*(?:[^\W\d][\w' -]{1,40}, )?[Ll]e (?:\d{1,2}|1er) [^\W\d]+\.? \d{4}\s+(?=\d)")
_AGENT_AFTER = re.compile(r"(?<=[^\W\d])\s+(?:M\.|Mme|Mlle)\s+[A-ZÀ-Ý][\w'-]+(?:\s+[A-ZÀ-Ý][\w'-]+)?$")


def _label_only(line: str, folded: str) -> bool:
    """A line of the other column alone (« Référence : IND-2026-1 »): a label, and no street
    nor postcode of the addressee's block run into it."""
    return bool(_LABELLED.match(folded)) and not _street_of(line, folded) and not _POSTAL_IN_LINE.search(line)


def _untitled_blocks(letter: Letter) -> list[tuple[int, int, str, re.Match[str], bool]]:
    """The addressee's block with no « Madame » or « Monsieur » (« LAMARQUE Rosine », its
    street, its postcode line), in the letterhead: a person's name (`_person_line`), then one to
    three lines, the last a postcode line. Read only when no titled block is found."""
    found = []
    end = _header_end(letter)
    for i, (line, _) in enumerate(letter.lines[:end]):
        if not _person_line(line):
            continue
        for j in range(i + 2, min(i + 5, end)):
            pm = _POSTAL.match(letter.lines[j][0])
            if pm:
                found.append((i, j, line.strip(), pm, False))
                break
    return found


_COLUMN_POSTCODE_AFTER = re.compile(r"(?<=[^\W\d])\s+\d{5}(?:\s+[^\W\d][\w' -]{1,40})?$")


# A column's label OCR ran after the street (« 14 bis chemin de Kerlaz N° de sécurité sociale : »).
_LABEL_AT_END = re.compile(r"\s+(?:N°|No|n°|Numéro|Votre|Vos|Nos|Réf\.?|Référence|Date|Dossier)(?:\s[^:\d]{0,40})?\s*:\s*$")
# Words a body's name or motto holds and a person's name never does.
_BODY_WORDS = re.compile(r"\b(?:securite sociale|agricole|caisse|assurance|allocations familiales|mutualite|solidarites?)\b")


def _left_of_column(letter: Letter, i: int, names: str) -> Optional[tuple[int, int, str, re.Match[str], bool]]:
    """The addressee's block at line `i` when another column's lines run after its own: its
    postcode line within four lines, the city the longest run of words after the postcode that
    is a commune of that postcode (« 23270 Saint-Dizier-les-Domaines 10 boulevard Gaston
    Serpette »). None when no such line is found."""
    for j in range(i + 1, min(i + 5, len(letter.lines))):
        m = re.match(r"(?P<pc>\d{5})\s+(?P<rest>[^\d,;:()]+)", letter.lines[j][0].strip())
        words = m.group("rest").split() if m else []
        for n in range(min(len(words), 6), 0, -1):
            if place_checked(m.group("pc"), " ".join(words[:n])):
                return i, j, names, _POSTAL.match(f"{m.group('pc')} {' '.join(words[:n])}"), False
    return None


# A letter to a couple: « Madame et Monsieur BELLANGER-ROYER », « M. ou Mme Jean DUPONT » on one
# line, or « Madame Aurélie WENDLING » then « et Monsieur Mathurin VAN HOECKE ».
_COUPLE = re.compile(rf"^{_TITLE_WORD}\s+(?:et|ou)\s+{_TITLE_WORD}\s+(?P<names>[^\d,:;()]{{2,60}})$")
_COUPLE_SECOND = re.compile(rf"^(?:et|ou)\s+{_TITLE_WORD}\s+(?=[^\W\d])")
# The holder named on a labelled line: « Allocataire : VAN HOECKE M. », « Demandeur : Madame
# Louisette BELLANGER-ROYER (mère) ».
_HOLDER = re.compile(r"\b(?:allocataire|demandeu(?:r|se)|beneficiaire|assuree?|titulaire(?: du dossier)?)\s*:\s*"
                     rf"(?:{_TITLE_WORD}\s+)?(?P<names>[^\W\d][^\d,:;()—–]{{1,60}}?)\s*(?=$|[,;(—–]|\s[^\W\d][\w' ]{{1,30}}:)")


def _couple_holder(letter: Letter, members: list[str]) -> Optional[tuple[Optional[str], str, float]]:
    """(first name or None, last name, confidence) of a letter to a couple, `members` the names
    of each one printed (one entry for « Madame et Monsieur BELLANGER-ROYER »): the holder when a
    labelled line names one of them; else their family name when they share one, and no first
    name (either may hold the file); else None."""
    if len(members) == 1:   # one line for both: the family name is its capitals, or its one word
        words = members[0].split()
        caps = [w for w in words if w.isupper() and len(w.strip("-'")) > 1]
        family = members[0] if len(words) == 1 or len(caps) == len(words) else " ".join(caps)
        people: list[tuple[Optional[str], str]] = [(None, _title(family))] if family and not _NOT_IN_NAMES.search(family) else []
    else:
        people = [(split[0], split[1]) for names in members if (split := _split_names(names))]
    families = {fold(last) for _, last in people}
    for line, folded in letter.lines:
        if not (h := _HOLDER.search(folded)):
            continue
        held = line[h.start("names"):h.end("names")].strip()
        if (named := _split_names(held)) and len(named[0]) > 1 and fold(named[1]) in families:   # (« J »: an initial)
            return named[0], named[1], 0.88
        # « Allocataire : VAN HOECKE M. »: the one of the two whose family name it gives
        chosen = [(first, last) for first, last in people if first and re.search(rf"(?:^|\s){re.escape(fold(last))}(?:\s|$)", fold(held))]
        if len(chosen) == 1:
            return chosen[0][0], chosen[0][1], 0.88
    return (None, people[0][1], 0.86) if people and len(families) == 1 else None


def _right_tails(letter: Letter, i: int) -> Optional[tuple[int, str, re.Match[str]]]:
    """Her block at the ends of the lines under her name `i` when the body's column was read
    first on each (« CPAM de l'Ardèche 91 allée Simone Veil », « Service prestations en espèces
    07100 Annonay »): (the postcode line, her street, its postcode match); None unless the line
    under her name opens with the body's name and a commune has that postcode and city."""
    if i + 2 >= len(letter.lines) or not any(start == 0 for start, _, _ in _kinds_in(letter.lines[i + 1][1])):
        return None
    street = _street_of(*letter.lines[i + 1])
    if not street or street == letter.lines[i + 1][0].strip():
        return None
    for k in range(i + 2, min(i + 4, len(letter.lines))):
        pm = _POSTAL_IN_LINE.search(letter.lines[k][0])
        if pm and pm.start() > 0 and place_checked(pm.group("pc"), pm.group("city").strip()):
            return k, street, pm
    return None


def claimant(letter: Letter) -> Found:
    """The addressee's block: « Monsieur Thomas Petit », the street, « 59000 Lille ». Only a
    block that ends with a postal code line is read; two such blocks leave it unanswered. The
    block may share its lines with a column on its left (OCR reads both on one line): then
    only what stands at the lines' ends is read."""
    blocks = []
    beside: set[int] = set()   # blocks with the body's column run after their lines
    couples: dict[int, list[str]] = {}   # blocks addressed to two people: each one's names
    tails: dict[int, str] = {}   # blocks read at the lines' ends (the body's column first): her street
    for i, (line, folded) in enumerate(letter.lines):
        if _COUPLE_SECOND.match(folded):
            continue   # « et Monsieur Mathurin VAN HOECKE »: the second of a couple, in the block above
        # « Madame Bérengère Le Floc'h 24000 », « … Obadia 20200 Bastia »: the body's postcode
        # line, a column on the right, run after the name
        folded = _COLUMN_POSTCODE_AFTER.sub("", folded) if not _TITLE.match(folded) else folded
        couple = _COUPLE.match(folded)   # « Madame et Monsieur BELLANGER-ROYER », « M. ou Mme Dupont »
        m = couple or _TITLE.match(folded) or _TITLE_IN_LINE.search(folded)
        # « Votre interlocuteur : Mme Marchand »: a name given as a label's value is the agent's
        # (« Affaire suivie par Mme Leroy Madame Hawa KERHERVÉ »: the words after the agent's title)
        since = 0 if couple or not m else max((t.end() for t in _TITLE_WORD_AT.finditer(folded, 0, m.start())), default=0)
        if not m or re.match(r"(le|la|les) ", line[m.start("names"):]) or re.search(r":\s*$", folded[:m.start()]) or \
                re.search(r"\b(directeur|directrice|president|presidente|agent|conseiller|mediateur|mediatrice|maire|ou|suivi|chez|par|soins|c/o|"
                          r"controleur|controleuse|gestionnaire|referente?|instructeur|instructrice|technicien|technicienne)\b",
                          folded[m.start("names") if couple else since:m.end()]):
            continue
        if m.start() > 0 and i and _AGENT_LABEL.match(letter.lines[i - 1][1].strip()):
            continue  # « Affaire suivie par », then « 94 bis avenue … Mme Petitjean »: the agent's name
        kinds = _kinds_in(folded[m.start("names"):])
        before_body = line[m.start("names"):m.start("names") + kinds[0][0]] if kinds else ""
        if m.re is _TITLE and len(before_body.split()) >= 2:
            # « Monsieur Gontran Tshibanda CPAM de la Creuse »: the body's column on the right,
            # run line by line after the addressee's; her name and city are the lines' starts
            if (right := _left_of_column(letter, i, before_body.strip())):
                blocks.append(right)
                beside.add(i)
            continue
        if kinds or _BODY_WORDS.search(folded[m.start("names"):]) or re.match(r"(?:[^\W\d] ){2}", folded[m.start("names"):]):
            continue  # « M SA MSA Finistère », « M SA La sécurité sociale agricole »: a logo's letters
                      # read as a title, then the body's name or motto; « M D P H Pas-de-Calais »
        merged = m.re is _TITLE_IN_LINE and m.start() > 0
        # the other column's labelled lines (« Référence : … ») between the block's lines when
        # OCR ran the two columns together: not counted among the block's four lines
        labelled = 0
        for j in range(i + 1, len(letter.lines)):
            if merged and _label_only(*letter.lines[j]):
                labelled += 1
            if j - i - labelled > 4:
                break
            pm = (_POSTAL_IN_LINE.search if merged else _POSTAL.match)(letter.lines[j][0])
            if not pm and re.search(r":|\bn[o°](?!\w)|\bref|\breferences?\b", letter.lines[j][1]):
                # a label's column run into the postcode's line (« Dossier RSA n° 671729 59000 Lille »)
                pm = _POSTAL_IN_LINE.search(letter.lines[j][0])
            if not pm and not merged and " | " in letter.lines[j][0]:
                # « 29000 Quimper | 2 60 03 07 … »: a framed column's value run after the city
                pm = _POSTAL.match(letter.lines[j][0].split(" | ")[0].strip())
            if not pm and not merged and j > i + 1:  # the city lost by OCR: « 71000 » alone under the street
                pm = _POSTCODE_ALONE.fullmatch(letter.lines[j][0].strip())
            # (or the body's service beside the name: « Service prestations familiales Monsieur … »)
            foreign = j == i + 1 or any(_SERVICE_LINE.match(f) for _, f in letter.lines[i + 1:j]) or \
                bool(merged and _SERVICE_LINE.match(folded[:m.start()].strip()))
            # (a « Chez M. … » line may stand between: she is hosted)
            hosted = 1 if j + 3 < len(letter.lines) and _HOSTED.match(letter.lines[j + 1][1]) else 0
            if pm and foreign and j + 2 + hosted < len(letter.lines) and _street_of(*letter.lines[j + 1 + hosted]):
                # a postcode line right under the name (or a service's line above it), then a
                # street and another postcode line: the first is another column's (the body's
                # city, or its whole address, beside the name)
                pm = (_POSTAL_IN_LINE.search if merged else _POSTAL.match)(letter.lines[j + 2 + hosted][0]) or pm
                j += 2 + hosted if pm.string == letter.lines[j + 2 + hosted][0] else 0
            if pm and not merged and (tail := _right_tails(letter, i)):
                # « CPAM de l'Ardèche 91 allée Simone Veil », « Service … 07100 Annonay »: the body's
                # column read first on each line, her street and city at the lines' ends
                tails[i] = tail[1]
                j, pm = tail[0], tail[2]
            if pm:
                blocks.append((i, j, line[m.start("names"):m.end("names")].strip(), pm, merged))
                if couple:
                    couples[i] = [blocks[-1][2]]
                elif (second := _COUPLE_SECOND.match(letter.lines[i + 1][1])):   # « et Monsieur Mathurin VAN HOECKE »
                    couples[i] = [blocks[-1][2], letter.lines[i + 1][0][second.end():].strip()]
                break
    if not blocks:
        blocks = _untitled_blocks(letter)
    if any(len(b[2].split()) > 1 or b[0] in couples for b in blocks):
        # « Carsat Rhône-Alpes Mme Marchand », then the body's street and city: an agent named
        # by a title and one name beside the letterhead; an addressee has a first name too
        blocks = [b for b in blocks if len(b[2].split()) > 1 or b[0] in couples]
    if len({fold(b[2]) for b in blocks}) != 1:   # the same name twice, once in capitals: one person
        return {}
    i, j, names, pm, merged = blocks[0]
    # « 03001 ALICANTE » then « ESPAGNE »: an address abroad, none of whose parts the rules check
    abroad = j + 1 < len(letter.lines) and fold(letter.lines[j + 1][0]).strip(" .") in patterns()["countries"]
    head = letter.lines[i][0]
    out: Found = {}
    split = _couple_holder(letter, couples[i]) if i in couples else _split_names(names)
    if split and split[0] and split[2] == ORDER_UNSURE:
        if told := _greeted(letter, split[0], split[1]):
            split = (*told, ORDER_TOLD)
        elif first_name_against_print(split[0], split[1]):
            split = None   # « Monsieur Ravi Jean-Baptiste »: which is the family name is theirs to say
        elif told := first_name_order(split[0], split[1]):
            split = (*told, ORDER_TOLD)
    if split and split[0] and len(given := split[0].split()) > 1 and all(is_first_name(w) for w in given):
        # « BELLANGER-ROYER Anne-Marie Jeannine Odette »: her given names, the first the one she
        # goes by when the letter calls her so elsewhere (« Madame Anne-Marie Bellanger-Royer »);
        # else which of them she uses is hers to say
        used = re.search(rf"(?:^|\s){re.escape(fold(given[0]))} {re.escape(fold(split[1]))}\b", letter.flat_folded)
        split = (given[0] if used else None, split[1], split[2])
    if split and split[0]:
        out["claimant.first_name"] = _p(split[0], head, split[2] - (0.02 if merged else 0))
    if split:
        out["claimant.last_name"] = _p(split[1], head, split[2] - (0.02 if merged else 0))
    if abroad:
        return out
    if i in tails:
        between = []
        out["claimant.address"] = _p(tails[i], tails[i], 0.86)
    elif i in beside:   # the street's end and the column's first words cannot be told apart
        between = []
    else:
        # the other column's postcode line between (the look-ahead above): her lines follow it
        start = max([k + 1 for k in range(i + 1, j) if _POSTAL.match(letter.lines[k][0].strip())], default=i + 1)
        between = [(line, folded) for line, folded in letter.lines[start:j] if not _COLUMN_HEADING.match(folded.strip())]
    if len(between) > 1 and any(_SERVICE_LINE.match(f) for _, f in between):
        between = between[-1:]   # the body's column above the street (the look-ahead above): the street alone
    if merged:
        between = [(line, folded) for line, folded in between if not _label_only(line, folded)]
        streets = [_street_of(line, folded) for line, folded in between]
        street = [s for s in streets if s] if len(between) == 1 else []
        if len(between) > 1 and streets[-1] and not any(streets[:-1]):
            # « Demande reçue le … », « EHPAD Les Tilleuls - Chambre 112 », « 14 place Émile Zola »:
            # the one street, right above the postcode line, is hers
            street = streets[-1:]
    else:
        # the agent's column beside the block (« Affaire suivie par », then « Mme Petitjean »
        # after the street): neither is the address
        # and the end of a sentence cut by the column's width (« appel) », before the street):
        # a parenthesis it does not open is no address line's
        # (a host's line, « Chez M. Yvon PERRIGAULT », « Aux bons soins de Mme … », is her postal
        # address's and stays whole)
        # (and the letter's date line of a column on the left, run before the street: « Le 24
        # avril 2026 132 avenue de l'Église »)
        street = [line.strip() if _HOSTED.match(folded) else _DATE_BEFORE.sub("", _LABEL_AT_END.sub("", _AGENT_AFTER.sub("", line)))
                  for line, folded in between
                  if not _AGENT_LABEL.match(folded.strip()) and line.count("(") == line.count(")")
                  and not _NAME_OR_FIRM_LINE.match(folded.strip()) and not _COUPLE_SECOND.match(folded)]
    # a label's line among them (« Référence : … » of a column OCR ran in): not an address line
    if street and any(re.search(r"\d", s) or re.match(r"(?i)lieu[- ]dit\b", s) for s in street) and not any(":" in s for s in street):
        # « place de là Gare »: a speck read as an accent; no street name has « là »
        address = re.sub(r"\b([Ll])à\b", r"\1a", _article_case(", ".join(street)))
        out["claimant.address"] = _p(address, ", ".join(street), 0.86 if merged else 0.88)
    postal, city = pm.group("pc").translate(_OCR_DIGITS), re.sub(r"\s*-\s*", "-", pm.group("city").strip())
    if city and not merged and not place_checked(postal, city):
        # « 20224 Albertacce Votre numéro »: a column's label run after the city
        city = _postal_alone(f"{postal} {city}")[len(postal) + 1:]
    canonical = place_checked(postal, city)
    if not city:
        # the postcode alone: read when it is a commune's, its city only when it has one commune
        local = resolve(postal).candidates
        if local and all(postal in c.postcodes for c in local):
            out["claimant.postal_code"] = _p(postal, letter.lines[j][0], 0.88)
            if len(local) == 1:
                out["claimant.city"] = _p(local[0].names[0], letter.lines[j][0], 0.85)
    elif canonical:
        out["claimant.postal_code"] = _p(postal, letter.lines[j][0], 0.95)
        out["claimant.city"] = _p(canonical, letter.lines[j][0], 0.92)
    elif (mended := _one_figure_off(postal, city)):
        out["claimant.postal_code"] = _p(mended[0], letter.lines[j][0], 0.85)
        out["claimant.city"] = _p(mended[1], letter.lines[j][0], 0.85)
    return out


# Figures a blurred photo makes of each other (« 52088 » for « 52000 »): a round figure's
# strokes run together.
_LOOKALIKE_FIGURES = frozenset({frozenset("08"), frozenset("06"), frozenset("68"), frozenset("09"), frozenset("38"), frozenset("17")})


def _one_figure_off(postal: str, city: str) -> Optional[tuple[str, str]]:
    """(postcode, commune's name) when the city is read whole and the postcode with one figure
    misread (« 50008 Saint-Georges-Montcocq »), or more when each is one a blur makes of the
    other (« 52088 Semoutiers-Montsaon »): the only postcode of a commune of that name so close
    (places.py). None when there are several, or none."""
    if not re.fullmatch(r"\d{5}", postal):
        return None

    def off(code: str) -> int:
        """How many figures differ; 0 when they cannot be a slip of each other."""
        pairs = [frozenset((a, b)) for a, b in zip(code, postal) if a != b]
        return len(pairs) if len(pairs) == 1 or all(pair in _LOOKALIKE_FIGURES for pair in pairs) else 0

    near = {(code, next(n for n in c.names if normalise(n) == normalise(city)), off(code))
            for c in _communes_named().get(normalise(city), ()) for code in c.postcodes if off(code)}
    least = min((n for *_, n in near), default=0)
    nearest = {(code, name) for code, name, n in near if n == least}
    return nearest.pop() if len(nearest) == 1 else None


# --- Numbers and dates ------------------------------------------------------------------------

def nir_key_ok(value: str) -> bool:
    """A 15-figure social-security number whose last two figures are its key (97 - the first
    13 modulo 97; Corsica's 2A/2B count as 19/18): an OCR slip in it shows."""
    if not re.fullmatch(r"[12]\d{2}[01]\d(\d{2}|2A|2B)\d{6}\d{2}", value):
        return False
    body = value[:13].replace("2A", "19").replace("2B", "18")
    return 97 - int(body) % 97 == int(value[13:])


_MARKS_AFTER = re.compile(r"(?<=:)[\s;|}\]]+$")


def file_number(letter: Letter, kind: Optional[str]) -> Found:
    """The number printed after its label (« Numéro allocataire : 7654321 »). The label of the
    body's own kind wins; two different numbers under labels of the same rank: unanswered.
    A social-security number is proposed only when its key checks; under a vague label
    (« Vos références ») only such a number is."""
    ranked: dict[int, set[str]] = {}
    evidence: dict[str, str] = {}
    labels = [(k, r, False) for k, regexes in patterns()["file_number_labels"].items() for r in regexes]
    labels += [(None, r, False) for r in patterns()["file_number_any_labels"]]
    labels += [(None, r, True) for r in patterns()["file_number_vague_labels"]]
    # « Numéro de sécurité sociale : » (or a label ending its line without a colon, a column of
    # labels) with its number alone on the next line: read as one line
    label_ends = [compiled(r + r"\s*$") for _, r, _ in labels]

    def ends_with_label(folded: str) -> bool:
        return folded.endswith(":") or any(r.search(folded) for r in label_ends)

    # (OCR may add a mark after the label's colon, « N° de sécurité sociale : ; », and run
    # another column's words after a number in groups, « 2 51 12 25 251 015 43 Fin de vos … »)
    # (a framed table's bars, « | N° de sécurité sociale : » over « | 161 02 08 … », set aside)
    pairs = [(_MARKS_AFTER.sub("", a.strip(" |")), _MARKS_AFTER.sub("", fa.strip(" |")), b.strip(" |"), fb.strip(" |"))
             for (a, fa), (b, fb) in zip(letter.lines, letter.lines[1:])]
    lines = letter.lines + [(f"{a} {b}", f"{fa} {fb}") for a, fa, b, fb in pairs
                            if (re.fullmatch(r"[0-9a-z][0-9a-z /-]{3,30}", fb) or re.match(r"\d{1,3}(?: \d{1,3}){3,7} [^\W\d]", fb))
                            and re.search(r"\d", fb) and ends_with_label(fa)] + _column_pairs(letter)
    # « 14 bis chemin de Kerlaz N° de sécurité sociale : » over « 29000 Quimper 2 60 03 07 166 065 19 »:
    # a column's label ending its line, its value ending the next (a social-security number only,
    # whose key checks)
    lines += [(f"{a} {nir.group().strip()}", f"{fa} {nir.group().strip()}") for a, fa, b, fb in pairs
              if ends_with_label(fa) and (nir := re.search(r"(?<=\s)[12](?: ?\d){14}$", fb)) and nir_key_ok(nir.group().replace(" ", ""))]
    for label_kind, regex, vague in labels:
        rank = 0 if label_kind == kind else 1
        value_re = compiled(regex + r"(?:\s+(?:rsa|mdph|apa|pch|msa|caf))?\s*[:.|]?\s*(?P<value>\d(?: \d){14}(?!\d| \d)|\d{1,3}(?: \d{1,3}){3,7}(?!\d| \d)|\d{1,3}(?: \d{1,3}){3,7}(?=\s*$)|[0-9a-z][0-9a-z/-]{3,24})\b")
        for line, folded in lines:
            for m in value_re.finditer(folded):
                value = line[m.start("value"):m.end("value")].replace(" ", "").upper()
                value = re.sub(r"(?<=\d)[OIL](?=\d)", lambda c: c.group().translate(_OCR_DIGITS), value)
                if sum(c.isdigit() for c in value) < 5 or not re.fullmatch(r"[0-9A-Z]+([/-][0-9A-Z]+)*", value):
                    continue
                if re.fullmatch(r"[0-3]?\d/[01]?\d/(?:19|20)\d\d", value):
                    continue   # « N° MSA : 31/03/2026 »: a date of another column run after the label
                # a social-security number printed in groups with the next column's figures run
                # into it (« 2 98 02 77 815 294 26 68 RUE DES ÉCOLES »): its first 15 figures
                spaced = line[m.start("value"):m.end("value")]
                if len(value) > 16 and " " in spaced and value.isdigit() and nir_key_ok(value[:15]) and \
                        re.sub(r"\s", "", spaced.rsplit(" ", 1)[0]) == value[:15]:
                    value = value[:15]
                # a social-security number with the next column's words run into it (« 277084247040912Nos réf. »)
                if re.fullmatch(r"\d{15}[A-Z]+", value) and nir_key_ok(value[:15]):
                    value = value[:15]
                # a social-security number OCR cut in two by a wide space (« 29810491 1306484 »):
                # whole when the two parts make a number whose key checks
                if value.isdigit() and (rest := re.match(r" (\d{3,10})\b", line[m.end("value"):])) and \
                        nir_key_ok(value + rest.group(1)):
                    value += rest.group(1)
                # a social-security number, or one with a figure lost or added by the OCR
                nir_like = value[:1] in "12" and 12 <= len(value) <= 16 and sum(c.isdigit() for c in value) >= len(value) - 2
                # after a vague label (« Vos références : »), a NIR whose key checks, or a number
                # in the shape of the body's own (France Travail's « 1170386B »)
                shapes = patterns()["file_number_shapes"].get(kind or "", [])
                shaped = any(re.fullmatch(shape, value) for shape in shapes)
                if (nir_like and not nir_key_ok(value)) or (vague and not nir_like and not shaped):
                    continue
                if label_kind == kind and shapes and not shaped:
                    continue
                ranked.setdefault(rank, set()).add(value)
                evidence.setdefault(value, line)
    for rank in sorted(ranked):
        values = ranked[rank]
        nirs = {v for v in values if len(v) == 15 and v.isdigit() and nir_key_ok(v)}
        if len(values) > 1 and len(nirs) == 1 and kind in ("cpam", "carsat", "msa"):
            # « N° sécurité sociale » beside « N° retraite » (or a family number): a caisse of
            # social security files the person by her NIR
            values = nirs
        if len(values) == 1:
            value = values.pop()
            return {"claimant.file_number": _p(value, evidence[value], 0.92 if rank == 0 else 0.85)}
        return {}
    return {}


_DAY_NAME = r"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) )?"
# The letter's own date line: « Lille, le 2 novembre 2026 », « Fait à Lille, le … », « Le 02/11/2026 »,
# « Date : … ». In the letterhead, also after other words on the line (columns OCR'd as one line).
_DATE_LINE = [
    re.compile(rf"^(?:a )?[^\W\d_][\w'-]*(?: [^\W\d_][\w'-]*){{0,3}} ?, (?:[lti1]e )?{_DAY_NAME}(?P<date>.+)$"),   # (« te » : OCR's « le »)
    re.compile(rf"^(?:a )?[^\W\d_][\w'-]* le {_DAY_NAME}(?P<date>.+)$"),
    re.compile(rf"^le {_DAY_NAME}(?P<date>.+)$"),
    re.compile(rf"^date( du courrier| de la decision| d'envoi| d'emission| de la notification| d'edition| de la lettre)?\s*:\s*(?:le )?{_DAY_NAME}(?P<date>.+)$"),
    re.compile(rf"^date(?: de la decision| du courrier| de la notification)?\s*\|?\s+(?P<date>(?:[0-3]?\d|1er)[\s/.-].+)$"),   # a form's label, no colon
    re.compile(rf"^(?:courrier )?(?:edite|envoye|emis|redige|depose|mis a disposition)e? le\s*:?\s*{_DAY_NAME}(?P<date>.+)$"),
    re.compile(rf"^(?:courrier|lettre|decision|notification|edition|message) (?:du|en date du)\s*:?\s*{_DAY_NAME}(?P<date>.+)$"),
    re.compile(rf"^(?:decision|arrete|notification) n[o°]\s?\S+ (?:du|en date du) {_DAY_NAME}(?P<date>.+)$"),
    # a commission's decision is dated by its sitting (« Séance de la CDAPH du 23 novembre 2026 »)
    re.compile(rf"^(?:seance|reunion|deliberation|decision) (?:de la [a-z]+ |de la commission [a-z' ]+ )?du {_DAY_NAME}(?P<date>.+)$"),
]
# A covering letter: the decision is sent with it (« Vous trouverez ci-joint la notification de
# la décision prise par … », « Bordereau d'envoi »).
_COVERING = re.compile(r"\bbordereau d'envoi\b|\b(?:trouverez|adressons|transmettons|communiquons) ci-jointe? (?:la |une copie de la |"
                       r"votre )?(?:notification de (?:la )?)?decision\b")
_FAIT_LE = re.compile(rf"\bfait (?:a [a-z' -]{{2,40}},? )?le {_DAY_NAME}(?P<fait>.+)$")
_DATE_IN_HEADER = re.compile(rf"\bfait a [a-z' -]{{2,40}},? le {_DAY_NAME}(?P<fait>.+)$|(?:^|\s)[a-z][a-z' -]{{1,40}}, le {_DAY_NAME}(?P<date>.+)$")
_LETTER_DATE_LABEL = re.compile(rf"(?:^|\s)date (?:du courrier|de la lettre|d'envoi|d'edition|d'emission)\s*:\s*(?:le )?{_DAY_NAME}(?P<date>.+)$")
# A letterhead's date label alone on its line, the date on the next one.
_DATE_LABEL_ALONE = re.compile(r"^(?:date(?: du courrier| de la decision| d'envoi| d'emission| de la lettre| d'edition| de (?:la )?notification)?\s*:?|edition du\s*:?|(?:courrier|lettre) du\s*:?|"
                               r"(?:edite|envoye|emis|redige)e? le\s*:?|le)$")
_LE_DATE = _DATE_LINE[2]
_DECISION_DATE_LABEL = re.compile(r"\bdate de (?:la )?decision\b")
# An order's clauses: « Vu le code … », then « Article 1 ».
_ORDER = re.compile(r"^vu (?:le|la|les|l')\b(?s:.*)^article (?:1|1er|premier)\b", re.MULTILINE)
# « le 27 juillet 2026 » opening a line or a table's cell in small letters; « Le … » in capitals.
_SMALL_LE = re.compile(r"(?:^|[|│])\s*le (?:\d|1er)")
_CAPITAL_LE = re.compile(r"(?:^|[|│])\s*Le (?:\d|1er)")
# Where the letter dates itself outside a date line: its print date, a commission's sitting.
_SAT = r"\b[^.]{0,100}?\b(?:reunie|siegeant) (?:en seance )?(?:le|du)\s+"   # « …, réunie en séance le »
_SITTING_SAID = re.compile(rf"\b(?:cdaph|commission){_SAT}")
# The CDAPH's own sitting told in a sentence: the commission decides there (another commission,
# the penalties', only gives its opinion).
_CDAPH_SAT = re.compile(rf"\b(?:cdaph|commission des droits et de l'autonomie){_SAT}")
_DATED_ELSEWHERE = re.compile(r"\b(?:(?:document |courrier )?(?:edite|imprime|genere|mis a disposition)e? le|en seance (?:pleniere )?du)\s*:?\s*")
# A legal text named with its date: « décret n° 2019-797 du », « loi du », « arrêté du ».
_TEXT_DATED = re.compile(r"\b(?:decret|loi|arrete|ordonnance|circulaire|reglement|convention)\b[^.()]{0,40}\bdu (?:1er )?$")
# A line ending with its place and « le », the date on the next line.
_PLACE_LE_ENDS = re.compile(r"(?:^|\s)[a-z][a-z' -]{1,40}, le$")
# Another column's label run after the date: « Numéro d'allocataire : », « Réf. : ».
_LABEL_AFTER = re.compile(r"^\s+[^\W\d][^:\d]{1,40}:")
# The signatory's title run after the signature's date (« … le 13 mars 2026 Le Directeur »).
_SIGNATORY_AFTER = re.compile(r"^\s+(?:(?:le|la|pour le|pour la) )?(?:directeur|directrice|president|presidente|responsable|chef|delegue|deleguee)\b")
# The sitting of a body that only gives its opinion before the decision.
_OPINION_SITTING = re.compile(r"\b(?:equipe pluridisciplinaire|commission (?:des penalites|de recours amiable))\b.{0,60}?\bseance\b")
# « Date » as one cell of a table's heading row (not « Date de naissance », « Date d'effet »).
_DATE_HEADING = re.compile(r"(?:^|\s)date(?=\s+[^\W\d])(?!\s+(?:de|d'|du|des|d)\b)(?:\s+[^\W\d][\w'°.]*){1,6}\s*$")
_DATE_LABEL_AFTER = re.compile(r"^\s+date (?:d'|de |du )[a-z' ]{2,30}?\s*:?\s+\d")   # a form's next cell, another date
# Only a printed label of receipt: « reçu le » in a sentence is about something else.
_RECEIVED = re.compile(r"\b(date de (reception|remise|distribution|premiere presentation)|distribuee? le|remise? en main propre le)"
                       r"\s*:?\s*(le )?$")


def _header_parts(folded: str, line: str = "") -> list[str]:
    """A letterhead line and the pieces of it where a date line may begin: each part between
    separators (« N° MSA 15… | Le 09.11.2026 »: columns run together), the line without a
    table's bars (« Décision de la CDAPH du | 7 mai 2026 »), and from a date label or « Le … »
    after another column's words (« France Travail Date : 30/03/2026 », « N° d'immatriculation :
    2981… Le 26 oct. 2026 », « CPAM de l'Ain Décision du 16/03/2026 »)."""
    return [folded] + [p.strip() for p in _SEPARATOR.split(folded)] + [" ".join(folded.replace("|", " ").split())] + \
        [folded[h.start() + 1:] for h in re.finditer(r"\s(?:date\s*:|date de la decision\s*\|?\s+(?=\d|1er)|le (?=\d|1er)|(?:decision|notification|courrier|edition) du (?=\d|1er)|courrier (?=(?:edite|envoye|emis|depose|mis a disposition)e? le)|(?:seance|reunion|deliberation) (?=(?:de la [a-z]+ )?du (?:\d|1er)))", folded)
         # « … réunie le 17 décembre 2025 » in a sentence: « le » after a place (« Agen. le … »,
         # « Paris le … ») or a column's « Le », not after a participle in small letters
         if not line or folded[h.start() + 1:h.start() + 3] != "le" or line[h.start() + 1:h.start() + 2] == "L"
         or re.search(r"(?:[.,;:|—–-]|\b[A-ZÀ-Ý][\w'-]*)\s*$", line[:h.start() + 1])]


# The sitting of the commission that decides for the MDPH printed as the decision's heading or
# label (« Séance de la CDAPH du 14/09/2026 », « CDAPH — Séance du … », « Date de la décision
# (séance de la CDAPH) »). In a sentence (« la CDAPH, réunie le 8 octobre 2026, a examiné … ») it
# is what the dated notification tells, and the notification's own date stays the letter's.
_CDAPH = r"(?:cdaph|commission des droits et de l'autonomie(?: des personnes handicapees)?(?: \(cdaph\))?)"
_CDAPH_SITTING = re.compile(rf"\bseance de la {_CDAPH}(?:\)\s*|\s*(?:du|:)\s*)|\b(?:cdaph|commission des droits\b[^.—–]{{0,60}}?)\s*[—–-]\s*seance du\s*")


def _cdaph_sittings(letter: Letter) -> dict[dt.date, str]:
    """The dates of the CDAPH's sittings the letter names, with their words."""
    found: dict[dt.date, str] = {}
    for m in _CDAPH_SITTING.finditer(letter.flat_folded):
        d = DATE.match(letter.flat_folded, m.end())
        if d and (day := parse_date(d)):
            found.setdefault(day, letter.evidence(m.start(), d.end()))
    return found


def dates(letter: Letter) -> Found:
    """decision.date: the date on the letter's own date line (« Lille, le 2 novembre 2026 »,
    « Date : 02/11/2026 »); decision.received_on only after a label of receipt."""
    out: Found = {}
    seen: dict[dt.date, str] = {}
    # OCR may give the subject and the greeting before the column that holds the date: below
    # them, a date line counts where it ends its paragraph and begins it or follows an address's
    # postcode line (a body's sentence that ends « … le 12 mars 2026. » does neither), or after a
    # label naming the letter's date; and only if the letterhead gave none
    later: dict[dt.date, str] = {}
    orders: dict[dt.date, str] = {}   # « Fait à …, le … » under an order's articles
    opinions: set[dt.date] = set()   # the sittings of a body that gives its opinion (équipe pluridisciplinaire)
    end, block, lines = _header_end(letter), _blocks(letter), letter.lines
    apart = [(i + 1 == len(block) or block[i + 1] != b) and
             (i == 0 or block[i - 1] != b or bool(_POSTAL.match(lines[i - 1][0]))) for i, b in enumerate(block)]
    for i, (line, folded) in enumerate(lines):
        parts = _header_parts(folded, line) if i < end else [folded]
        # « le 27 juillet 2026 » in small letters opens a table's value or a sentence's end
        # (« Examen par le médecin-conseil » / « le 27 juillet 2026 »), not the letter's date line,
        # unless the line before ends with its place (« Paris, » / « le 3 mars 2026 ») or a
        # « Date » cell is its label (« Date | le 19 juin 2026 »)
        small_le = bool(_SMALL_LE.search(line)) and not _CAPITAL_LE.search(line) and \
            not (i and lines[i - 1][0].rstrip().endswith(",")) and not re.search(r"\bdate\s*[|│:]", folded)
        found = [m.group("date") for part in parts for p in _DATE_LINE if (m := p.match(part))
                 and not (p is _LE_DATE and small_le)] if i < end or apart[i] else []
        if not found and (m := _LETTER_DATE_LABEL.search(folded)):
            found = [m.group("date")]
        labelled_above = False   # the date under its label (« Date » / « 05-11-2026 »)
        signed = False  # « Fait à Lyon, le … » under the signature
        # (« … traitement par France Fait à Besançon, le 28 juillet 2026 »: the signature's
        # place and date run after another column's sentence; its « Fait à » is searched first)
        if not found and (h := _FAIT_LE.search(folded)):
            found, signed = [h.group("fait")], True
        elif not found and i < end and (h := _DATE_IN_HEADER.search(folded)):
            found = [h.group("date") or h.group("fait")]
        # a narrow cell's label cut in two (« DATE DE » / « NOTIFICATION » / « 15 juin 2026 »)
        label_above = lines[i - 1][1] if i else ""
        if i >= 2 and re.search(r"\b(?:de|du|d')$", lines[i - 2][1]):
            label_above = f"{lines[i - 2][1]} {label_above}" if _DATE_LABEL_ALONE.match(f"{lines[i - 2][1]} {label_above}") else label_above
        label_alone = bool(i) and i < end and _DATE_LABEL_ALONE.match(label_above) is not None
        if not found and i and (label_alone or _PLACE_LE_ENDS.search(lines[i - 1][1])):
            # « Émis le » then, on the next line, « 2 avril 2026 » (a column of labels); « Objet :
            # … — Bordeaux, le » then « 16/03/2026 » (the date run to the next line)
            found, labelled_above = [folded], label_alone
        # a references' table: « N° ALLOCATAIRE  DATE  RÉFÉRENCE » over « 7365087 15/06/2026 REF-… »,
        # the row's one date under the heading's « Date »
        if not found and i and i < end and _DATE_HEADING.search(label_above) and not re.search(r"\d", label_above) \
                and len(row := list(DATE.finditer(folded))) == 1:
            found, labelled_above = [folded[row[0].start():row[0].end()]], True
        # « Le jeudi 2 avril 2026 » alone on its line, with its capital: a side column's date line,
        # wherever OCR put the column
        alone = not found and line.lstrip().startswith("Le ") and (m := _LE_DATE.match(folded.strip())) is not None
        # « Ajaccio, le 19 oct. 2026 » alone on a line under the signature: the letter's date
        # where the letterhead has none
        alone = alone or (not found and i >= end and line.lstrip()[:1].isupper() and
                          (m := _DATE_LINE[0].match(folded.strip())) is not None)
        if alone:
            found = [m.group("date")]
        for rest in found:
            d = DATE.match(rest.strip())
            # the date ends its line, or the addressee's postcode line runs after it in the
            # letterhead (« Émis le 14 avr. 2026 48500 La Tieule »: two columns on one line), or
            # another column's label (« Le 13 janvier 2026 Numéro d'allocataire : 7948066 »)
            after = rest.strip()[d.end():] if d else ""
            ends = len(after) <= 2 or (i < end and bool(_POSTAL.match(after.strip()) or _LABEL_AFTER.match(after)
                                                         or _DATE_LABEL_AFTER.match(after)   # « … DATE D'ENVOI 29.06.2026 »
                                                         or re.match(rf"\s+{_HOUSE_NUMBER} (?:{_street_types()})\b", after)
                                                         or re.match(r"\s+a \d{1,2}[:h]\d{2}(?:$|\s+[—–|•·+:-]\s)", after)  # « … à 14:32 » (· Identifiant …)
                                                         or re.fullmatch(r"\s+page \d+ ?(?:/|sur) ?\d+", after))  # « … Page 1/1 »
                                                    # « Fait à Coux, le 13 mars 2026 Le Directeur »
                                                    or (signed and bool(_SIGNATORY_AFTER.match(after))))
            day = parse_date(d) if d and ends else None
            if day:
                evidence = f"{lines[i - 1][0].strip()} {line.strip()}" if labelled_above else line
                (seen if (i < end and not alone) or signed else later).setdefault(day, evidence)
                if _OPINION_SITTING.search(f"{lines[i - 1][1] if i else ''} {folded}"):
                    opinions.add(day)
                if signed or i >= end:   # a date line below the letterhead: an order's signature
                    orders.setdefault(day, line)
                break
    if not seen:  # a framed table read column by column: « Courrier du » … « 9 juillet 2026 »
        for line, folded in _column_pairs(letter):
            d = next((m for p in _DATE_LINE if (m := p.match(folded))), None)
            day = parse_date(dm) if d and (dm := DATE.fullmatch(d.group("date").strip())) else None
            if day:
                seen.setdefault(day, line)
    if not seen and not later:
        # no date line: the page's print date (« Document édité le 06/07/2026 ») or the
        # commission's sitting named in a sentence (« la CDAPH, en séance du 23.06.2026, a pris … »)
        for m in (*_DATED_ELSEWHERE.finditer(letter.flat_folded), *_CDAPH_SAT.finditer(letter.flat_folded)):
            d = DATE.match(letter.flat_folded, m.end())
            if d and (day := parse_date(d)):
                later.setdefault(day, letter.evidence(m.start(), d.end()))
    if not seen and not later:
        # a date alone on its line in the letterhead (« Carsat Aquitaine » / « 29/06/2026 »), its
        # label none: the letter's date when it is the only one so printed
        bare = {day: line for i, (line, folded) in enumerate(lines[:end])
                if (d := DATE.fullmatch(folded.strip())) and (day := parse_date(d))
                and not (i and (lines[i - 1][1].rstrip().endswith((":", " le", " du")) or _LABEL_CELL.fullmatch(lines[i - 1][1].strip())))}
        later = bare if len(bare) == 1 else later
    seen = seen or later
    if len(orders) == 1 and _ORDER.search(letter.folded):
        # an order (« Vu … », « Article 1 — … », « Fait à Strasbourg, le 29 juin 2026 ») sent
        # under a covering slip dated later: the order's own date is the decision's
        seen = orders
    if len(seen) > 1:
        # a form's « Date de la décision » beside its « Édité le » and « Date d'envoi »: the decision's
        labelled = {day: line for day, line in seen.items() if _DECISION_DATE_LABEL.search(fold(line))}
        # or not the sitting of a body that only gives its opinion (« Équipe pluridisciplinaire » /
        # « séance du 6 octobre 2026 » beside the letter's « Date »)
        own = {day: line for day, line in seen.items() if day not in opinions}
        seen = labelled if len(labelled) == 1 else own if len(own) == 1 else seen
    sittings = _cdaph_sittings(letter)
    if len(sittings) == 1:
        # the CDAPH decides in its sitting, printed as the decision's heading: that is the
        # decision's date, whatever date a covering letter or the dispatch bears (« Metz, le 20
        # septembre 2026 », « Date d'envoi »)
        seen = sittings
    if len(seen) == 1 and fold(next(iter(seen.values()))).lstrip().startswith("date d'envoi"):
        # only the sending's date printed, the commission's sitting told in a sentence (« la CDAPH,
        # réunie en séance le 9 novembre 2026, a pris … »): the decision is the sitting's
        sent = next(iter(seen))
        sat = {day: letter.evidence(m.start(), d.end()) for m in _SITTING_SAID.finditer(letter.flat_folded)
               if (d := DATE.match(letter.flat_folded, m.end())) and (day := parse_date(d)) and 0 <= (sent - day).days <= 60}
        seen = sat if len(sat) == 1 else seen
    covering = next((i for i, ((_, a), (_, b)) in enumerate(zip(letter.lines, letter.lines[1:] + [("", "")]))
                     if _COVERING.search(f"{a} {b}")), None)
    if covering is not None and len(seen) == 1 and \
            any(fold(next(iter(seen.values()))) in (f, f"{above} {f}") for (_, above), (_, f) in zip([("", "")] + letter.lines, letter.lines[:covering])):
        # « Vous trouverez ci-joint la décision … »: a covering letter's date line above it is
        # the sending's, not the decision's (dated on the decision itself, or left to her)
        seen = {}
    if len(seen) == 1:
        day, line = next(iter(seen.items()))
        # A letter's date is near the dates it speaks of (the period, the control, the start):
        # one years away from all of them is a misread figure (« 30/06/2006 » for 2026).
        # (a text's own date, « décret n° 2019-797 du 26 juillet 2019 », says nothing of it)
        others = [d for m in DATE.finditer(letter.flat_folded) if (d := parse_date(m)) and d != day
                  and not _TEXT_DATED.search(letter.flat_folded[max(0, m.start() - 60):m.start()])]
        if not others or any(abs((d - day).days) <= 2 * 366 for d in others):
            out["decision.date"] = _p(day.isoformat(), line, 0.95)
    received = set()
    for line, folded in letter.lines:
        for m in DATE.finditer(folded):
            if _RECEIVED.search(folded[:m.start()]):
                day = parse_date(m)
                if day:
                    received.add((day, line))
    if len({d for d, _ in received}) == 1:
        day, line = received.pop()
        if "decision.date" not in out or day >= dt.date.fromisoformat(str(out["decision.date"].value)):
            out["decision.received_on"] = _p(day.isoformat(), line, 0.88)
    return out


# --- What was decided, about what ---------------------------------------------------------------

def _subject(letter: Letter) -> Optional[tuple[int, int]]:
    """The subject line's span in the flat text: « Objet : … » up to its sentence's end, or
    the title just above the salutation (« Révision de vos droits »)."""
    m = re.search(r"\b(objet|concerne)\s*:", letter.flat_folded)
    if m:
        return letter.sentence_of(m.end())
    end = _header_end(letter)
    if 0 < end < len(letter.lines) and not letter.lines[end][1].startswith(("objet", "concerne")):
        title, folded = letter.lines[end - 1]
        if len(title) < 90 and not re.search(r"\d", title) and not _TITLE.match(folded):
            at = letter.flat.find(" ".join(title.split()))
            return (at, at + len(" ".join(title.split()))) if at >= 0 else None
    return None


@lru_cache(maxsize=1)
def _benefit_names() -> dict[str, tuple[list[re.Pattern[str]], list[re.Pattern[str]]]]:
    """Each readable benefit → (patterns on the folded text, acronyms matched in capitals on
    the letter's own text): the registry's names, patterns.yaml's others; `autre` by the names
    of the benefits the registry files under it (`benefits_under_autre`) only."""
    data = patterns()
    skip, ignored = set(data["not_readable"]["benefits"]), set(data["benefit_words_ignored"])
    out: dict[str, tuple[list[re.Pattern[str]], list[re.Pattern[str]]]] = {}
    for benefit_id in bodies.benefit_ids():
        if benefit_id in skip:
            continue
        folded = [compiled(r) for r in data["benefits"].get(benefit_id, [])]
        # the registry's own full name: « mon revenu de solidarité active (RSA) » → « revenu de
        # solidarité active »; patterns.yaml holds only the other ways letters write it
        full = re.sub(r"^(mon|ma|mes|l')\s*|\s*\([^)]*\)$", "", bodies.benefit_words(benefit_id)["mine"])
        if full and fold(full) not in ignored:
            folded.append(compiled(r"\b" + re.escape(fold(full)) + r"\b"))
        short = bodies.benefit_words(benefit_id)["short"]
        acronyms = [re.compile(r"(?<![\w-])(?<!dossier )" + re.escape(short) + r"(?![\w-])(?!\s*:)")] if short.isupper() and short not in ignored else []
        if not short.isupper() and short not in ignored:
            folded.append(compiled(r"\b" + re.escape(fold(short)) + r"\b"))
        out[benefit_id] = (folded, acronyms)
    out["autre"] = ([compiled(r) for r in data["benefits_under_autre"]], [])
    return out


_BODY_BEFORE = re.compile(r"(?:\bcaisses? d'|\bcaf\s*[—–·:-]?\s*)$")


def _benefits_in(letter: Letter, span: Optional[tuple[int, int]] = None) -> dict[str, Hit]:
    lo, hi = span or (0, len(letter.flat))
    found: dict[str, Hit] = {}
    for benefit_id, (folded, acronyms) in _benefit_names().items():
        # each name's first mention that is not a body's name (« caisse d'allocations familiales »,
        # the logo's « caf Allocations familiales »)
        matches = [m for r in folded if (m := next((x for x in r.finditer(letter.flat_folded, lo, hi)
                                                    if not _BODY_BEFORE.search(letter.flat_folded[max(0, x.start() - 12):x.start()])), None))]
        matches += [m for r in acronyms for m in [r.search(letter.flat, lo, hi)] if m]
        if matches:
            m = min(matches, key=lambda m: m.start())
            found[benefit_id] = Hit(m.start(), m.end(), letter.evidence(m.start(), m.end()))
    return found


def benefit(letter: Letter, kind: Optional[str]) -> Found:
    """The benefit the subject line names, else the only one the letter names. A benefit the
    body read does not decide on (bodies.yaml) is left unanswered."""
    subject = _subject(letter)
    in_subject = _benefits_in(letter, subject) if subject else {}
    everywhere = _benefits_in(letter)
    if len(in_subject) == 1:
        chosen, confidence = next(iter(in_subject.items())), 0.95
    elif not in_subject and len(everywhere) == 1:
        chosen, confidence = next(iter(everywhere.items())), 0.88
    else:
        return {}
    benefit_id, hit = chosen
    if kind and benefit_id not in bodies.organism(kind)["benefits"]:
        return {}
    return {"benefit": _p(benefit_id, hit.evidence, confidence)}


# A situation's word just after a negation says it does not apply: « aucune pénalité »,
# « pas de sanction », « sans pénalité », « ni sanction ».
_DENIED = re.compile(r"\b(?:aucune?|pas d(?:e |')|sans|ni|non)\s*(?:\S+\s+){0,2}$")


def _situations_in(letter: Letter, span: Optional[tuple[int, int]] = None, kind: Optional[str] = None) -> dict[str, Hit]:
    """Each situation the letter (or the span) names, at its first mention; a body's own word
    for a situation (patterns.yaml `situations_of_body`) is read as that one only."""
    found: dict[str, Hit] = {}
    lo, hi = span or (0, len(letter.flat))
    own = patterns().get("situations_of_body", {}).get(kind or "", {})
    owned = [(m.start(), m.end()) for regexes in own.values() for r in regexes
             for m in compiled(r).finditer(letter.flat_folded, lo, hi)]
    for situation, regexes in patterns()["situations"].items():
        for regex in regexes + own.get(situation, []):
            for m in compiled(regex).finditer(letter.flat_folded, lo, hi):
                if any(a <= m.start() < b for a, b in owned) and regex not in own.get(situation, []):
                    continue  # the body's own word, read as its own situation
                if span is None and letter.sentence_has("not_grounds", m.start()) and situation in {"refusal", "suspension"}:
                    continue  # « en cas de refus de la commission… », « suspend le délai »
                if _DENIED.search(letter.flat_folded[max(0, m.start() - 40):m.start()]):
                    continue
                if situation in patterns()["situations_possible_only"] and letter.sentence_has("situation_possible", m.start()):
                    continue  # « le directeur peut prononcer une pénalité » : announced, not decided
                if situation not in found or m.start() < found[situation].start:
                    found[situation] = Hit(m.start(), m.end(), letter.evidence(m.start(), m.end()))
    return found


def _one(found: dict[str, Hit]) -> Optional[str]:
    """The only situation found, or the one that dominates all the others (patterns.yaml)."""
    if len(found) == 1:
        return next(iter(found))
    dominates = patterns()["dominates"]
    lead = [s for s in found if set(found) - {s} <= set(dominates.get(s, []))]
    return lead[0] if len(lead) == 1 else None


def situation(letter: Letter, kind: Optional[str]) -> Found:
    """The situation the subject line names, else the one the letter names (or the one that
    dominates: a penalty for an overpayment, a sanction by a suspension)."""
    subject = _subject(letter)
    in_subject = _situations_in(letter, subject, kind) if subject else {}
    chosen = _one(in_subject) if in_subject else None
    found = in_subject if chosen else _situations_in(letter, kind=kind)
    if not chosen:
        chosen = _one(found)
        if not chosen:
            return {}
        confidence = 0.88 if len(found) == 1 else 0.84
    else:
        confidence = 0.95 if len(in_subject) == 1 else 0.88
        # « Objet : réduction de votre RSA » … « à titre de sanction »: the sanction is the decision.
        body = _situations_in(letter, kind=kind)
        over = [s for s in body if chosen in patterns()["dominates"].get(s, [])]
        if len(over) == 1:
            chosen, found, confidence = over[0], body, 0.85
    if kind and chosen not in bodies.organism(kind)["situations"]:
        return {}
    return {"situation": _p(chosen, found[chosen].evidence, confidence)}


# --- Amounts ------------------------------------------------------------------------------------

_EURO_HEADING = re.compile(r"\((?:en )?(?:€|euros?|eur)\)|\ben (?:€|euros)$")
# A line's last words that run it into its amount as a sentence does (« … la somme de 312,40 € »).
# Or ends with figures that may be its thousands cut off (« … baisse de 3  499,70 € »).
_ROW_LINKED = re.compile(r"\b(?:de|du|des|d'|a|au|aux|soit|est|sont|sera|seront|egale?|totale?|environ|montant)$|(?<!\d)\d{1,3}$")
_ROW_AMOUNT = re.compile(r"(?<![\d,.])(?P<int>\d{1,3}(?:[ .]\d{3})+|\d+),(?P<dec>\d{2})$")


def _short_label(folded_line: str) -> bool:
    """A table's label alone on its line: words, no figure, a few of them."""
    return bool(_LABEL_CELL.fullmatch(folded_line.strip(" |"))) and len(folded_line.split()) <= 8


def _worded(folded_line: str) -> bool:
    """Words, maybe a date (« Montant mensuel à compter du 1er juin 2026 »), no amount."""
    return bool(re.search(r"[a-z]{3}", folded_line)) and not AMOUNT.search(folded_line)


def _label_like(folded_line: str, words: int = 8) -> bool:
    """A line that may be a table's label: words, maybe a date (« Votre APL à partir de septembre
    2026 », « Jusqu'en mai 2026 »), no amount, not a sentence's end."""
    line = folded_line.strip(" |")
    return _worded(line) and len(line.split()) <= words and not line.endswith((".", ")", ";", ","))


def _row_end(folded_line: str) -> Optional[re.Match[str]]:
    """The amount that ends a table's row (« … 31/07/2026 3 900,57 euros »), if one does."""
    return next((m for m in AMOUNT.finditer(folded_line) if not folded_line[m.end():].strip()), None)


def _euro_rows(letter: Letter) -> Iterator[tuple[str, float | int, str]]:
    """(row's label, amount, line) of a table whose heading says its figures are in euros
    (« Détail  Montant (€) » then « Montant total de la dette  2048,00 »): the rows right
    under the heading that end with an amount in cents. OCR may read such a table column
    after column (the labels, then « Montant (€) » and the amounts alone): then the k amounts
    under the heading go with the k lines before it, in order. Two columns with no heading read
    one after the other (k labels, then k amounts alone with their currency) pair the same way."""
    lines = letter.lines
    table = False
    for i, (line, folded) in enumerate(lines):
        m = _ROW_AMOUNT.search(folded)
        if table and m:
            yield folded[:m.start()].strip(), as_number(parse_amount(m)), line
            continue
        table = bool(_EURO_HEADING.search(folded)) and not m
        if table:
            amounts = []
            for _, below in lines[i + 1:]:
                alone = _ROW_AMOUNT.fullmatch(below.strip())
                if not alone:
                    break
                amounts.append(alone)
            labels = lines[max(0, i - len(amounts)):i]
            if amounts and len(labels) == len(amounts) and not any(_ROW_AMOUNT.search(f) for _, f in labels):
                for (label, folded_label), amount in zip(labels, amounts):
                    yield folded_label, as_number(parse_amount(amount)), f"{label} {amount.group()}"
                table = False
    # a table's row on its line, its amount with the currency at the end (« Indemnités journalières
    # versées à tort jusqu'au 31 mai 2026   3 390,33 € »): not a sentence's end (« … la somme de »)
    for line, folded in lines:
        end = _row_end(folded)
        label = folded[:end.start()].strip() if end else ""
        if end and label and not AMOUNT.search(label) and not _ROW_LINKED.search(label):
            yield label, as_number(parse_amount(end)), line
    # a label alone on its line, its amount alone on the next (« MONTANT DE L'INDU » / « 3638,26 € »)
    # — one pair alone: no other label right above, no other amount right below (those are
    # two columns, paired below)
    for i, ((label, folded_label), (below, folded_below)) in enumerate(zip(lines, lines[1:])):
        alone_below = AMOUNT.fullmatch(folded_below.strip())
        if alone_below and _short_label(folded_label) and not (i and _label_like(lines[i - 1][1])) and \
                not (i + 2 < len(lines) and AMOUNT.fullmatch(lines[i + 2][1].strip())):
            yield folded_label, as_number(parse_amount(alone_below)), f"{label} {below}"
    # two columns with no heading, read one after the other: k labels without figures, then k
    # amounts alone with their currency (« Montant du trop-perçu », « Retenue … chaque mois »,
    # then « EUR 3008,13 », « EUR 60,53 »)
    lines = [(line, folded) for line, folded in lines if folded.strip(" |")]   # (a table's bars read: « 287,45 € | », « | »)
    alone = [AMOUNT.fullmatch(folded.strip(" |")) for _, folded in lines]
    i = 0
    while i < len(lines):
        k = 0
        while i + k < len(lines) and alone[i + k]:
            k += 1
        labels = lines[i - k:i] if k >= 2 and i >= k else []
        # one more label above, or one more value below (« DATE D EFFET » … « 1ER SEPTEMBRE
        # 2026 »): which label goes with which amount is not known
        above = lines[i - k - 1][1].strip() if i > k else ""
        more_labels = _label_like(above, words=5)   # (« Jusqu'en mai 2026 »: a label with its date)
        more_values = i + k < len(lines) and DATE.fullmatch(lines[i + k][1].strip())
        # (a label may hold a date, « Montant mensuel à compter du 1er juin 2026 », not an amount)
        if labels and all(_worded(f) for _, f in labels) and not more_labels and not more_values:
            for (label, folded_label), amount in zip(labels, alone[i:i + k]):
                yield folded_label.strip(" |"), as_number(parse_amount(amount)), f"{label.strip(' |')} {amount.group()}"
        i += max(k, 1)


# A row naming the whole sum claimed: « Montant de l'indu », « Total du trop-perçu », « Montant à
# reverser », « Somme à rembourser ».
_CLAIM_WORDS = r"\b(?:indu|trop[- ]?percu|a (?:reverser|rembourser|restituer)|creance|dette)"
_CLAIM_LABEL = re.compile(rf"^(?:montant|total|somme)\b[^\d]{{0,40}}{_CLAIM_WORDS}\b")
# The same words as a table's last column heading (« Prestation  Du  Au  Montant de la dette »)
_CLAIM_HEADING = re.compile(rf"\s(?:montant|total|somme)\b[^\d]{{0,20}}{_CLAIM_WORDS}(?: \((?:en )?(?:€|euros?)\))?\s*$")


# the next sentence giving the amount of the one before (« Elle s'élève à … », « Ce montant est de … »)
_REFERS_BACK = re.compile(r"(elle|il|celle-ci|celui-ci|cette somme|ce montant|la somme|le montant)( totale?| due?)? "
                          r"(s'eleve|s'elevent|est de|represente|atteint)\b")


# A debt's balance (« Reste à payer », « Solde restant dû », « Montant dû ») and a letter that
# reminds of a debt (« Deuxième relance », « Mise en demeure »): the balance is what it claims.
# (the label may end a line of other cells: a coupon's « CRÉANCE : DOS-2026-52375 MONTANT DÛ : »)
_BALANCE_LABEL = re.compile(r"(?:^\|?|\s)\s*(?:reste (?:a payer|du|a rembourser)|solde (?:restant )?du|(?:montant|somme) (?:restant )?du|restant du)"
                            r"(?: a ce jour| au \d[\d/.]*)?\s*:?\s*$")
_REMINDER = re.compile(r"\b(?:relance|rappel (?:de (?:dette|paiement)|avant poursuites)|mise en demeure|dernier (?:rappel|avis))\b")


# The amount a deduction's cue names: « retenue (mensuelle) de », « … d'un montant de », « déduite de
# vos prochaines prestations à raison de »
_WITHHELD_AT = re.compile(r"(?:\s+(?:mensuelle\s+)?(?:de|d'un montant de)|[^.;€\d]{0,60}?\b(?:a raison|a hauteur|a concurrence) de)\s+")


def amounts(letter: Letter) -> Found:
    """context.amount_eur: the amount in the sentence of the overpayment (« un indu de 1 234,50 € »);
    context.withholding_eur: the amount withheld each month. Two different ones: unanswered."""
    out: Found = {}
    claimed: dict[float | int, str] = {}
    for hit in letter.find("amount_cues"):
        if letter.sentence_has("amount_elsewhere", hit.start):
            continue   # another letter's sum (« … réclamées par une notification distincte »)
        a, b = letter.sentence_of(hit.start)
        m = AMOUNT.search(letter.flat_folded, hit.end, b)
        if not m:  # « une somme de 312,40 € vous a été versée en trop »: the sentence's only amount, before
            before = list(AMOUNT.finditer(letter.flat_folded, a, b))
            m = before[0] if len(before) == 1 else None
        if not m and b < len(letter.flat_folded):  # « … doit être reversée. Elle s'élève à 2 010,80 euros. »
            c, d = letter.sentence_of(b + 1)
            if _REFERS_BACK.match(letter.flat_folded[c:d].lstrip()):
                m = AMOUNT.search(letter.flat_folded, c, d)
                if not m and not letter.flat_folded[c:d].rstrip().endswith(".") and d < len(letter.flat_folded):
                    m = AMOUNT.search(letter.flat_folded, d, letter.sentence_of(d + 1)[1])  # « Elle s'élève » / « à 2475,02 € »
        if m and re.search(r"\d[\s,.]*$", letter.flat_folded[max(a, m.start() - 4):m.start()]):
            m = None  # figures just before it (« 2 913, 98 € » misread): a part of a broken amount
        if m and "mensuel" in letter.flat_folded[hit.start:hit.end] and \
                re.match(r"\s*(?:sur la duree|au total|en tout|sur (?:la|toute la) periode|sur l'ensemble)", letter.flat_folded[m.end():m.end() + 30]):
            m = None  # « la réduction mensuelle s'élève à [lost], soit 367,20 E sur la durée »: a total, not the month's
        if m and not letter.sentence_has("withholding_cues", hit.start):
            claimed.setdefault(as_number(parse_amount(m)), letter.evidence(hit.start, m.end()))
    for hit in letter.find("monthly_loss_cues"):
        a, b = letter.sentence_of(hit.start)
        found = list(AMOUNT.finditer(letter.flat_folded, a, b))
        if len(found) == 1 and letter.any("monthly", (a, b)) and not letter.any("withholding_cues", (a, b)):
            claimed.setdefault(as_number(parse_amount(found[0])), letter.evidence(a, b))
    withheld: dict[float | int, str] = {}
    labelled: dict[float | int, str] = {}   # « Montant de l'indu », « Total du trop-perçu »: the sum claimed, by name
    balances: dict[float | int, str] = {}   # « Reste à payer », « Solde restant dû »
    for label, value, line in _euro_rows(letter):
        if _BALANCE_LABEL.search(label):
            balances.setdefault(value, line)
        if any(p.search(label) for p in cues("withholding_cues")) and not any(p.search(label) for p in cues("withholding_not")):
            if any(p.search(label) for p in cues("monthly")):
                withheld.setdefault(value, line)
        elif any(p.search(label) for p in cues("amount_cues")):
            claimed.setdefault(value, line)
            if _CLAIM_LABEL.search(label):
                labelled.setdefault(value, line)
    lines = letter.lines
    for i, (line, folded) in enumerate(lines):
        # a table's « Total » row under a heading naming the claim (« Mois  Montant versé  Montant
        # dû  Trop-perçu »): the sum claimed
        total = re.fullmatch(r"\|?\s*total(?: general)?\s*:?\s*\|?\s*(.+?)\s*\|?", folded)
        amount = AMOUNT.fullmatch(total.group(1)) if total else None
        if amount and any(any(p.search(above) for p in cues("amount_cues")) and not AMOUNT.search(above)
                          for _, above in lines[max(0, i - 8):i]):
            claimed.setdefault(as_number(parse_amount(amount)), line)
            labelled.setdefault(as_number(parse_amount(amount)), line)
        # a table headed by the claim in its last column (« Prestation  Du  Au  Montant de la dette »)
        # with one row under it (« Allocations familiales 01/03/2026 31/07/2026 3 900,57 euros »)
        # (one row only: several rows are months, their total is read above)
        if _CLAIM_HEADING.search(folded) and not AMOUNT.search(folded) and i + 2 < len(lines):
            row, after = _row_end(lines[i + 1][1]), lines[i + 2][1]
            if row and not _row_end(after) and not re.search(r"\btotal\b", after):
                value, evidence = as_number(parse_amount(row)), f"{line} {lines[i + 1][0]}"
                claimed.setdefault(value, evidence)
                labelled.setdefault(value, evidence)
    if len(balances) == 1 and any(_REMINDER.search(folded) for _, folded in letter.lines[:_header_end(letter) + 3]):
        # a reminder's « Reste à payer 4 144,82 € » under the debt's « Montant initial »: the sum it claims
        claimed = labelled = balances
    if len(claimed) > 1 and len(labelled) == 1:
        claimed = labelled
    if len(claimed) == 1:
        value, evidence = next(iter(claimed.items()))
        out["context.amount_eur"] = _p(value, evidence, 0.88)
    for hit in letter.find("withholding_cues"):
        a, b = letter.sentence_of(hit.start)
        if not letter.any("monthly", (a, b)) or any(p.search(letter.flat_folded[max(a, hit.start - 50):hit.end]) for p in cues("withholding_not")):
            continue
        found = {as_number(parse_amount(m)) for m in AMOUNT.finditer(letter.flat_folded, a, b)}
        if len(found) > 1 and (near := _WITHHELD_AT.match(letter.flat_folded, hit.end)) and \
                (m := AMOUNT.match(letter.flat_folded, near.end())) and \
                re.match(r"\s*(?:par mois|mensuel|chaque mois)", letter.flat_folded[m.end():m.end() + 20]):
            # « Le solde, soit 1 287,74 €, sera récupéré par une retenue de 104,19 € par mois »:
            # the amount the cue names, by the month
            found = {as_number(parse_amount(m))}
        if len(found) == 1:
            withheld.setdefault(found.pop(), letter.evidence(a, b))
    if len(withheld) == 1:
        value, evidence = next(iter(withheld.items()))
        out["context.withholding_eur"] = _p(value, evidence, 0.88)
    return out


# --- What the letter says, or does not say -----------------------------------------------------

# The evidence of a « no »: what was read, and the pages a photo may have missed.
READ_WHOLE = "Courrier lu du début à la formule de politesse (vérifiez le verso et les autres pages) :"


def _said_or_not(letter: Letter, field: str, hit: Optional[Hit], absent: str, unsure: bool = False) -> Found:
    """True with its words; False only from a letter read whole; nothing when `unsure`."""
    if hit:
        return {field: _p(True, hit.evidence, 0.9)}
    if letter.complete and not unsure:
        return {field: _p(False, absent, 0.85)}
    return {}


def appeal_info(letter: Letter) -> Found:
    """decision.appeal_info_given: a route (contester, recours, saisir…) and a time limit in the
    same passage. False only where no word of an appeal is read at all (not even a misread
    one, patterns.yaml `appeal_fuzzy`) and no other page is pointed to (verso, notice): a route
    without a time limit is left for the person, since OCR may have broken the time limit."""
    for route in letter.find("appeal_route"):
        a, b = letter.sentence_of(route.start)
        window = (max(0, a - 1), min(len(letter.flat), b + 250))
        time = letter.any("appeal_time", window)
        if time:
            return {"decision.appeal_info_given": _p(True, letter.evidence(route.start, max(route.end, time.end)), 0.92)}
    unsure = letter.any("elsewhere") is not None or letter.any("appeal_fuzzy") is not None
    return _said_or_not(letter, "decision.appeal_info_given", None, f"{READ_WHOLE} aucune voie de recours.", unsure=unsure)


def _outside(letter: Letter, name: str, excluded: tuple[str, ...]) -> tuple[Optional[Hit], bool]:
    """The first cue of `name` not in a sentence of the `excluded` lists, and whether one was
    set aside there (then the letter's silence means nothing)."""
    set_aside = False
    for hit in letter.find(name):
        if any(letter.sentence_has(ex, hit.start) for ex in excluded):
            set_aside = True
            continue
        return hit, set_aside
    return None, set_aside


def reasons(letter: Letter) -> Found:
    """decision.reasons_given: a text cited as the decision's ground (not in the appeal or data
    passages) and facts stated. No text cited in a letter read whole: False."""
    ground, _ = _outside(letter, "legal_ground", ("not_grounds", "privacy", "fraud"))
    # « constitutifs d'une fraude au sens de l'article L. 114-17 » qualifies the facts: it is
    # not, alone, the decision's ground, nor the proof that none is cited.
    qualified = any(letter.sentence_has("fraud", h.start) for h in letter.find("legal_ground"))
    fact = letter.any("facts") or letter.any("decision_facts")
    if ground and fact:
        return {"decision.reasons_given": _p(True, ground.evidence, 0.88)}
    # a text named only in the appeal passage or the data notice is not a ground misread; but
    # an appeal sentence that also states facts may be the ground run into it (OCR joins lines)
    fuzzy = any(not letter.sentence_has("privacy", h.start) and
                (not letter.sentence_has("not_grounds", h.start) or letter.sentence_has("facts", h.start))
                for h in letter.find("ground_fuzzy"))
    # « en application de l'article … » states a decision's ground: in an appeal sentence, the
    # sentence's end was lost and the appeal passage run into it (a line OCR did not read)
    fuzzy = fuzzy or any(p.search(letter.flat_folded[max(0, h.start - 60):h.start]) for h in letter.find("legal_ground")
                         if letter.sentence_has("not_grounds", h.start) and not letter.sentence_has("privacy", h.start)
                         for p in cues("ground_intro"))
    # No text cited, but the rule applied stated in words (« n'est due qu'au parent qui élève
    # seul son enfant », « dépasse le plafond applicable »): whether that states the
    # considérations de droit (CRPA L. 211-5) is the person's to judge, not a « no » to read.
    # Facts stated with no text cited: whether they, and the rule they imply, are the reasons
    # is the person's to judge too (the bodies' own letters, and most readers, count them).
    # Neither facts nor text: « no ».
    in_words, _ = _outside(letter, "rule_in_words", ("not_grounds", "privacy"))
    if not ground and not qualified and not fuzzy and not in_words and not fact and letter.complete:
        return {"decision.reasons_given": _p(False, f"{READ_WHOLE} aucun texte de loi cité comme fondement de la décision.", 0.85)}
    return {}


_NOTICE_PROCESSING = re.compile(r"traitements? (automatises?|informatises?)\b")


def algorithm(letter: Letter) -> Found:
    """decision.algorithm_mentioned: an algorithm, an automated processing, a data-matching or
    a score named (a personal-data notice's « traitement automatisé » is not one)."""
    hit, _ = _outside(letter, "algorithm", ("privacy",))
    # The notice's own « traitement automatisé » (its data processing) says nothing of the
    # decision; anything else named there (an algorithm, a score, a data-matching) might.
    set_aside = any(letter.sentence_has("privacy", h.start) and not _NOTICE_PROCESSING.match(letter.flat_folded, h.start)
                    for h in letter.find("algorithm"))
    # a misread « algorithme » (« alganitème ») must not read as silence
    set_aside = set_aside or (not hit and any(not letter.sentence_has("privacy", h.start) for h in letter.find("algorithm_fuzzy")))
    return _said_or_not(letter, "decision.algorithm_mentioned", hit,
                        f"{READ_WHOLE} aucune mention d'algorithme, de traitement automatisé ni de croisement de données.",
                        unsure=set_aside)


def ground(letter: Letter) -> Found:
    """decision.ground = medical when a médecin-conseil or a medical assessment grounds it."""
    hit = letter.any("medical")
    return {"decision.ground": _p("medical", hit.evidence, 0.88)} if hit else {}


def context(letter: Letter) -> Found:
    """context.after_control, fraud_alleged, heard_before: True when said; fraud_alleged False
    only when the letter says so (good faith, no fraud): silence says nothing either way."""
    out: Found = {}
    # a data-matching or an automated check that flagged the file is a control too
    # (not a decision said computed: « prise sur le fondement d'un traitement algorithmique »)
    control = letter.any("control") or next(
        (h for h in letter.find("algorithm") if not letter.sentence_has("privacy", h.start)
         and (not any(p.fullmatch(letter.flat_folded[h.start:h.end]) for p in cues("algorithm_generic"))
              or letter.sentence_has("algorithm_flagged", h.start))), None)
    if control:
        out["context.after_control"] = _p(True, control.evidence, 0.88)
    said, denied = [], []
    # « si vous êtes de bonne foi », « ne peut être regardée comme une erreur de bonne foi »: no denial
    negations = [hit for hit in letter.find("fraud_negated")
                 if not any(p.search(re.split(r"[.;:]", letter.flat_folded[max(0, hit.start - 80):hit.start])[-1])
                            for p in cues("fraud_negated_undone"))]
    for hit in letter.find("fraud"):
        if letter.sentence_has("fraud_generic", hit.start):
            continue  # « Toute fausse déclaration vous expose… »: printed on every letter
        # a negation near the word (« aucune fraude », « la fraude n'est pas retenue »), not
        # anywhere in its sentence (« … manœuvre frauduleuse : … qui n'étaient pas dues »)
        # (within its clause: « … dont vous n'aviez pas droit, sont constitutifs d'une fraude »)
        a, b = letter.sentence_of(hit.start)
        before = re.split(r"[,;:]", letter.flat_folded[max(a, hit.start - 50):hit.start])[-1]
        after = re.split(r"[,;:]", letter.flat_folded[hit.end:min(b, hit.end + 25)])[0]
        near = f"{before}{letter.flat_folded[hit.start:hit.end]}{after}"
        denial = any(letter.sentence_of(n.start) == (a, b) for n in negations) or any(p.search(near) for p in cues("negation"))
        (denied if denial else said).append(hit)
    denied += [h for h in negations if not any(d.start <= h.start < d.end + 80 for d in denied)]
    if said and not denied:
        out["context.fraud_alleged"] = _p(True, said[0].evidence, 0.88)
    elif denied and not said:
        out["context.fraud_alleged"] = _p(False, denied[0].evidence, 0.85)
    heard, denied = letter.any("heard"), letter.any("heard_denied")
    if denied:   # « Cette décision a été prise sans échange préalable avec vous »
        out["context.heard_before"] = _p(False, denied.evidence, 0.85)
    elif heard and not letter.any("heard_negated"):
        out["context.heard_before"] = _p(True, heard.evidence, 0.85)
    return out


# Fields whose value is made of figures: where a line shows OCR slips in figures, the fields
# read from it, or from the lines next to it in its block, are left for the person (a « 0 »
# read « 8 » makes another number that nothing can check). A slip in another block says
# nothing of a figure read cleanly on its own line.
DIGIT_FIELDS = ("claimant.file_number", "claimant.address", "decision.date", "decision.received_on",
                "context.amount_eur", "context.withholding_eur", "organism.address")
DOUBT_REACH = 1  # lines either side of a doubtful line whose figures are doubted too
DOUBT_EVERYWHERE = 3  # this many doubtful lines: the page's figures are all doubted


def _doubtful_line(line: str, folded: str) -> bool:
    """A line showing that the OCR misread figures: a date that cannot be (« 27/61/2826 », « le
    4 mai 2825 »; a birth date may be old), a postcode whose commune is not at that postcode."""
    def born(m: re.Match[str]) -> bool:   # « née le 14 mars 1936 »: a birth date may be old
        return bool(re.search(r"\bnee?(?:\(e\))? (?:le )?$", folded[:m.start()])) and 1900 <= int(m.group(m.lastindex or 0)) <= 2099

    for m in re.finditer(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4,5})\b", folded):
        d = DATE.fullmatch(m.group(0))
        # (a birth date before 1990 is no date parse_date reads: its day and month are checked here)
        if (not d or not parse_date(d) or not 1990 <= int(m.group(3)) <= 2099) and \
                not (d and born(m) and 1 <= int(m.group(1)) <= 31 and 1 <= int(m.group(2)) <= 12):
            return True
    for m in re.finditer(rf"\b(?:1er|\d{{1,2}}) (?:{'|'.join(MONTHS)}) (\d{{4,5}})\b", folded):
        if not 1990 <= int(m.group(1)) <= 2099 and not born(m):
            return True
    for part in _SEPARATOR.split(line):
        pm = _POSTAL.match(part.strip())
        if pm and re.fullmatch(r"\d{5}", pm.group("pc")) and \
                _digit_slip(pm.group("pc"), pm.group("city").strip(), "cedex" in fold(part)):
            return True
    return False


@lru_cache(maxsize=1)
def _street_words() -> frozenset[str]:
    """The words an address writes in small letters: patterns.yaml `street_small_words` and the
    street kinds (without their regex marks: « av\\.? » → « av »)."""
    return frozenset(patterns()["street_small_words"]) | {re.sub(r"[\\.?]", "", t) for t in patterns()["street_types"]}


_ARTICLES = frozenset({"au", "aux", "a", "en", "et", "de", "du", "des", "la", "le", "les"})   # never before a house number


def _column_run_in(address: str) -> bool:
    """« 10 boulevard Gaston Serpette 74 Émile Zol »: a house number, words, then another house
    number and a name: another column's street run into the line by OCR (« rue du 8 Mai 1945 »
    names a date)."""
    return bool(re.search(r"(?<![\w,.])\d{1,4}(?: ?(?:bis|ter))? [^\d,]+?(?<!\bdu)(?<!\bde)(?<!\bau)(?<!\bdes) \d{1,4} [A-ZÀ-Ý]",
                          address))


def plausible_street(address: str, postcode_last: bool = True) -> bool:
    """Whether the street lines of an address (its parts holding a house number; the body's last
    part, its postcode and city, aside) hold no word in small letters that addresses do not
    write so (`_street_words`) but a first name whose capital OCR lost, and no article before
    the house number: « 22 avenue de ls Libération », « au 37 rue Pasteur » are OCR slips that
    no commune check catches; no bracket, bar or reference (« 3 rue Pau] Bert », « IND-2026-7 »),
    no street ending on its article (« 1 place du »);
    nor two postcodes (two blocks run together). Service lines
    (« Service médical ») have no number: not read."""
    parts = address.split(", ")
    if len(re.findall(r"(?<![\d])(?<!cs )(?<!bp )(?<!tsa )\d{5}(?=\s+[^\W\d])", fold(address))) > 1:
        return False   # two postcodes: two blocks read as one
    for part in (parts[:-1] if postcode_last and len(parts) > 1 else parts):
        number = re.search(r"\d", part)
        if not number:
            continue
        if re.search(r"[\[\]{}|=_!<>]|[A-Za-z]{2,}-\d{4}-\d", part):
            return False  # « 3 rue Pau] Bert », a reference « IND-2026-73209 » run into the block
        if fold(part).split()[-1] in _ARTICLES | {"d"} | set(patterns()["street_name_titles"]):
            return False  # « 1 place du », « 35 rue Maréchal »: the street's name lost by OCR
        if re.search(r"\bde [AEIOUÀÂÉÈÊÎÔÛ]\w", part):
            return False  # « 30 avenue de Église »: no street is written so, OCR lost « l' » (« du Onze Novembre » is)
        if re.match(r"\d+[,.]\d", part) or len(re.findall(rf"(?<![\w,.])\d+(?: ?(?:bis|ter))? (?:{_street_types()})\b", fold(part))) > 1:
            return False  # « 9,4 rue … », or two streets run together (« 35 rue … 30 impasse … »: two columns)
        if _column_run_in(part):
            return False
        for m in re.finditer(r"(?<![\w'’-])[^\W\d_][\w'’-]*", part):   # whole words (« 3e étage »: not « e »)
            if not m.group().islower():
                continue
            word = fold(m.group())
            pieces = re.split(r"['’]", word)
            # a person's first name lost its capital (« avenue jean Mermoz »): streets bear them
            if pieces[0] not in _street_words() and pieces[-1] not in _street_words() and not is_first_name(word):
                return False
            if m.start() < number.start() and word in _ARTICLES:
                return False
    return True


def _one_block_for_two(found: Found, letter: Optional[Letter] = None) -> Found:
    """The body's address and the person's read from the same block (OCR ran the two blocks
    together): the person does not live at the body's street, so when the two streets are one,
    both are left to the person; and a body's address at the person's postcode line while the
    person's street was not read may be the person's: left too."""
    body = found.get("organism.address")
    if body is None:
        return found
    *street, place = str(body.value).split(", ")
    person = found.get("claimant.address")
    drop: set[str] = set()
    if person is not None and street and fold(str(person.value)) == fold(", ".join(street)):
        drop = {"organism.address", "claimant.address", "claimant.postal_code", "claimant.city"}
    elif person is None and "claimant.postal_code" in found and "claimant.city" in found and \
            fold(place) == fold(f"{found['claimant.postal_code'].value} {found['claimant.city'].value}"):
        drop = {"organism.address"}
    elif letter is not None and street and "claimant.postal_code" in found and \
            fold(street[-1]) in fold(line := found["claimant.postal_code"].evidence) and \
            fold(place).startswith(fold(str(found["claimant.postal_code"].value))):
        # « 3 rue Paul Bert 44680 SAINTE-PAZANNE » then « 44000 Nantes »: the body's street and her
        # postcode on one line (the two columns read across), the body's own postcode under it:
        # the body's address took her city
        below = [other for k, (text, _) in enumerate(letter.lines[:-1]) if text == line for other, _ in letter.lines[k + 1:k + 2]]
        if below and (pm := _POSTAL.match(below[0].strip())) and pm.group("pc") != found["claimant.postal_code"].value:
            drop = {"organism.address"}
    return {name: p for name, p in found.items() if name not in drop}


def doubtful_lines(letter: Letter) -> list[int]:
    """Indices in `letter.lines` of the lines whose figures show OCR slips."""
    return [i for i, (line, folded) in enumerate(letter.lines) if _doubtful_line(line, folded)]


def _flat(text: str) -> str:
    return " ".join(fold(text).split())


def _lines_of(letter: Letter, evidence: str) -> list[int]:
    """Indices of the lines a proposal was read from: each line (or each part of a line cut by
    « — ») that its evidence holds."""
    said = _flat(evidence)
    out = []
    for i, (line, _) in enumerate(letter.lines):
        whole, parts = _flat(line), [_flat(p) for p in _SEPARATOR.split(line)]
        if whole in said or any(p and said in p for p in parts + [whole]):
            out.append(i)
        elif any(p and p in said for p in parts) and all(p in said for p in parts if re.search(r"\d", p)):
            # a line sharing only some parts with the evidence (the body's name and street, printed
            # again with another postcode) is another line, unless all its figures are the evidence's
            out.append(i)
    return out


def _doubted(letter: Letter, proposal: Proposal, doubtful: list[int], block: list[int]) -> bool:
    """Whether a figure's own lines, or those next to them, show OCR slips; slips on several
    lines doubt every figure of the page; a proposal whose lines cannot be found is doubted."""
    own = _lines_of(letter, proposal.evidence)
    return not own or len(doubtful) >= DOUBT_EVERYWHERE or \
        any(abs(i - j) <= DOUBT_REACH and block[i] == block[j] for i in own for j in doubtful)


def _blocks(letter: Letter) -> list[int]:
    """For each of `letter.lines`, the number of its block (lines between blank lines)."""
    out, block = [], 0
    for line in letter.text.split("\n"):
        if line.strip():
            out.append(block)
        else:
            block += 1
    return out


RULES: tuple[Callable[[Letter], Found], ...] = (claimant, dates, amounts, appeal_info, reasons, algorithm, ground, context)

CLAIMANT_PLACE = ("claimant.first_name", "claimant.last_name", "claimant.address", "claimant.postal_code", "claimant.city")
# A letter sent to the person's guardian (a mandataire judiciaire, an UDAF, a tuteur or curateur):
# the addressee's block is the guardian's, the claimant is the protected person.
_GUARDIAN = re.compile(r"\b(?:mandataire judiciaire|protection des majeurs|udaf|(?:curat|tut)(?:eur|rice) de (?:madame|monsieur|mme|m\.|votre)|"
                       r"en (?:votre )?qualite de (?:curat|tut)(?:eur|rice)|mesure de (?:tutelle|curatelle)|"
                       r"votre protegee?|que vous representez|personne protegee|delegue(?:e)? mandataire)\b")
# The protected person named on a labelled line: « Bénéficiaire : Madame Ysoline Cazenave — 73 place
# de Verdun, 02000 Clacy-et-Thierret », « Personne protégée : Madame … », « Assuré concerné Monsieur … ».
_PROTECTED = re.compile(r"^(?:beneficiaire|personne protegee|assuree? concernee?|allocataire)\s*:?\s*"
                        r"(?P<title>monsieur|madame|mme\.?|m\.)\s+(?P<names>[^\d,:;()—–]{2,60}?)\s*(?:$|[,—–]|\bnee?\b)")
_NAMED_AT = re.compile(r"^(?P<title>monsieur|madame|mme\.?|m\.)\s+(?P<names>[^\d,:;()—–]{2,60}?)\s*[—–,]\s*(?=\d)")
_ADDRESS_LINE = re.compile(rf"^(?:adresse|domicile|demeurant)\s*:\s*(?={_HOUSE_NUMBER} )")
_HER_ADDRESS = re.compile(r"(?P<street>\d{1,4}(?: ?(?:bis|ter))? [^,\d]{3,60}),\s*(?P<pc>\d{5})\s+(?P<city>[^\d,;:()]{2,50}?)\s*$")


def protected_person(letter: Letter, found: Found) -> Found:
    """A letter to a guardian: the addressee's block read as the claimant is the guardian's, so
    it is dropped; the protected person's name, and her address where printed as hers, are
    read from their labelled line. No such line: her identity is hers (or her guardian's) to
    give."""
    if not _GUARDIAN.search(letter.flat_folded):
        return found
    found = {k: p for k, p in found.items() if k not in CLAIMANT_PLACE}
    labelled = [(i, m) for i, (_, folded) in enumerate(letter.lines) if (m := _PROTECTED.match(folded))]
    if not labelled:
        # her label lost or apart (a table's cell OCR read elsewhere): her name and her address
        # on one line of their own, « Monsieur Ange-Xavier D'Arcangelo — 19 impasse Victor
        # Hugo, 46110 Condat », when one person only is printed so
        lines = [(i, m) for i, (line, folded) in enumerate(letter.lines) if (m := _NAMED_AT.match(folded))
                 and (a := _HER_ADDRESS.search(line[m.end():].strip(" —–,"))) and place_checked(a.group("pc"), a.group("city").strip())]
        labelled = lines if len({fold(letter.lines[i][0][m.start("names"):m.end("names")]) for i, m in lines}) == 1 else []
    for i, m in labelled:
        line = letter.lines[i][0]
        split = _split_names(line[m.start("names"):m.end("names")].strip())
        if not split:
            continue
        found["claimant.first_name"] = _p(split[0], line, split[2])
        found["claimant.last_name"] = _p(split[1], line, split[2])
        labelled_address = _ADDRESS_LINE.match(letter.lines[i + 1][1]) if i + 2 < len(letter.lines) else None
        place = _POSTAL.match(letter.lines[i + 2][0].strip()) if labelled_address else None
        if labelled_address and place and (city := place_checked(place.group("pc"), place.group("city").strip())):
            # « Adresse : 109 impasse Jean Jaurès » then « 52000 Jonchery », under her labelled name
            street = letter.lines[i + 1][0][labelled_address.end():].strip()
            found["claimant.address"] = _p(street, letter.lines[i + 1][0], 0.88)
            found["claimant.postal_code"] = _p(place.group("pc"), letter.lines[i + 2][0], 0.92)
            found["claimant.city"] = _p(city, letter.lines[i + 2][0], 0.9)
            break
        for part in (line[m.end("names"):], letter.lines[i + 1][0] if i + 1 < len(letter.lines) else ""):
            a = _HER_ADDRESS.search(part.strip(" —–,"))   # after « domiciliée », « demeurant au »: the street on
            city = place_checked(a.group("pc"), a.group("city").strip()) if a else None
            if a and city:
                found["claimant.address"] = _p(a.group("street").strip(), part, 0.88)
                found["claimant.postal_code"] = _p(a.group("pc"), part, 0.92)
                found["claimant.city"] = _p(city, part, 0.9)
                break
        break
    return found

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", re.IGNORECASE)
_OWN_EMAIL_LABEL = re.compile(r"\bvotre (?:adresse )?(?:e-?mail|courriel|mel|adresse (?:electronique|mail))\s*:\s*$")


def email(letter: Letter, found: Found) -> Found:
    """claimant.email: an address on a line that names the claimant, first and last name
    (« De : Melchior Nguyen-Thanh <tournesol.1987@laposte.net> », the sender of a forwarded
    e-mail), or after « Votre adresse électronique : », at a mail provider people use
    (patterns.yaml `email_domains`: a misread domain is not proposed). The body's addresses
    (contact@…, a desk's) name no person; two different addresses of hers are left to her."""
    first, last = found.get("claimant.first_name"), found.get("claimant.last_name")
    if not first or not last:
        return {}
    names = (fold(str(first.value)), fold(str(last.value)))
    seen: dict[str, str] = {}
    for line, folded in letter.lines:
        for m in _EMAIL.finditer(line):
            if m.group().rsplit("@", 1)[1].lower() not in patterns()["email_domains"]:
                continue
            if all(n in folded for n in names) or _OWN_EMAIL_LABEL.search(fold(line[:m.start()])):
                seen.setdefault(m.group().lower(), line)
    if len(seen) == 1:
        value, line = next(iter(seen.items()))
        return {"claimant.email": _p(value, line, 0.88)}
    return {}


_LEADERS = re.compile(r"(?<=[^\W\d]) ?\.{3,} ?:? ?(?=\w)")   # (« NUMERO ALLOCATAIRE.......: 9719293 »)


def read_decision(text: str) -> dict[str, Proposal]:
    """Every field the rules read from a decision letter's text with confidence >=
    CONFIDENCE_THRESHOLD."""
    # « Date d'édition ..... 03.08.2026 », « Identifiant ........ 8715840L »: a listing's dotted
    # leaders between a label and its value stand for its colon
    letter = Letter(_LEADERS.sub(" : ", text))
    found: Found = organism(letter)
    kind = found["organism.kind"].value if "organism.kind" in found else None
    kind = kind if isinstance(kind, str) else None
    for rule in RULES:
        found.update(rule(letter))
    found.update(email(letter, found))
    found = protected_person(letter, found)
    found.update(file_number(letter, kind))
    found.update(benefit(letter, kind))
    found.update(situation(letter, kind))
    if "situation" in found and found["situation"].value == "penalty":
        # a fine is neither an overpayment nor a monthly loss (CONTRACT §1): the indu it names
        # was claimed by another letter, and the fine's own sum is not this field's
        found.pop("context.amount_eur", None)
    doubtful = doubtful_lines(letter)
    if doubtful:
        block = _blocks(letter)
        found = {name: p for name, p in found.items() if name not in DIGIT_FIELDS or not _doubted(letter, p, doubtful, block)}
    if "claimant.address" in found and _column_run_in(str(found["claimant.address"].value)):
        # the addressee's block ran into another column's: its postcode and city are no surer
        found = {name: p for name, p in found.items() if name not in ("claimant.postal_code", "claimant.city")}
    found = {name: p for name, p in found.items()
             if name not in ("claimant.address", "organism.address") or plausible_street(str(p.value), name == "organism.address")}
    found = _one_block_for_two(found, letter)
    return {name: p for name, p in found.items() if p.confidence >= CONFIDENCE_THRESHOLD}

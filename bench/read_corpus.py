"""Invented letters for measuring how well a letter is read (issue 21, « Measured, not assumed »).

Decisions and answer letters in the layouts of the CAF, the MSA, France Travail, the CPAM, the
CARSAT, the conseil départemental / Métropole / Collectivité and the MDPH, written from public
descriptions of such letters. Every person is invented: seeded random names, street addresses
on real postcode/city pairs (assistant/law/places.py's communes), file numbers, dates, amounts.
Each letter is rendered to PDF in memory with the `typst` package, and carries its plain text
and the fields a reader should propose from it, so the bench never needs a hand-made answer key.
Nothing is written to disk.

API (deterministic by seed; nothing here runs OCR):

- ``letters(n, seed, held_out=False) -> list[Sample]``: ``n`` letters, four decisions for one
  answer letter, bodies in turn (``letter(i, seed, held_out)``: the i-th alone).
  ``held_out=True`` renders the layouts of bench/read_heldout/ (committed before the reading
  rules, never used to tune them) instead of the training layouts below; ``held_out=2`` the
  second held-out set, bench/read_heldout2/ (committed after the first measure, before the
  rules were changed again; its own people and date and amount formats); ``held_out=3`` the
  third, bench/read_heldout3/ (written blind to the rules; its own people, more formats).
- ``amina_decision() -> Sample``: a decision like Amina's in CONTRACT §1 (RSA suspension by
  the CAF de Loire-Atlantique, Nantes; no reasons, no appeal route).
- ``photo(pdf, seed, page=0) -> bytes`` / ``photos(pdf, seed) -> list[bytes]``: a phone photo
  of a page (JPEG): the page on a background, perspective, rotation up to 10°, blur, a shadow
  gradient and sometimes a cast shadow, low light, noise, JPEG quality 40–70 (``photo_params(seed)`` gives the draw).
- ``scan(pdf, seed, page=0) -> bytes`` / ``scans(pdf, seed) -> list[bytes]``: an office scan
  (grayscale PNG at 200–300 dpi, skew up to 1.5°, noise, specks; ``scan_params(seed)``).

A ``Sample`` has ``id``, ``body`` (organism kind), ``kind`` ("decision" or "answer"),
``layout``, ``text`` (the PDF's text layer), ``expected`` (case-file dotted names → case-file
values, CONTRACT §1; an answer letter: {"answer.kind": AnswerKind id}), ``ignore`` (fields the
letter prints ambiguously: any proposal there is neither right nor wrong), ``pdf`` and
``pages``. In ``expected``, a yes/no field is ``False`` only where the letter's text supports
the « no »: appeal route, reasons and algorithm are stated or not by the letter itself, so
their absence is a « no »; a control, a hearing or fraud that the letter does not mention is
left out (the letter says nothing either way), and is ``False`` only when the letter says so.

Claimants live in metropolitan France, unless a held-out layout's ``deps`` names overseas
départements (971–976): the body is then the law's overseas caisse (CGSS, CSSM) where one pays
health and pensions (no MSA there).
"""
from __future__ import annotations

import datetime as dt
import io
import json
import random
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional, Union

HELD_OUT = Path(__file__).resolve().parent / "read_heldout"
HELD_OUT2 = Path(__file__).resolve().parent / "read_heldout2"  # the second set, after the first measure
HELD_OUT3 = Path(__file__).resolve().parent / "read_heldout3"  # the third, written blind to the rules
HELD_OUT4 = Path(__file__).resolve().parent / "read_heldout4"  # the fourth, blind too, other bodies and layouts
HELD_OUT5 = Path(__file__).resolve().parent / "read_heldout5"  # the fifth, blind too, on what the four others lack
HELD_OUT6 = Path(__file__).resolve().parent / "read_heldout6"  # the sixth, blind too, on what the five others lack
HELD_OUT7 = Path(__file__).resolve().parent / "read_heldout7"  # the seventh, blind too, on what the six others lack
HELD_OUT8 = Path(__file__).resolve().parent / "read_heldout8"  # the eighth, blind too, on what the seven others lack
HELD_OUT9 = Path(__file__).resolve().parent / "read_heldout9"  # the ninth, blind too: caisses' letters as printed from their sites
HELD_OUT10 = Path(__file__).resolve().parent / "read_heldout10"  # the tenth, blind too: départements, MDPH, Carsat
HELD_OUT11 = Path(__file__).resolve().parent / "read_heldout11"  # the eleventh, blind too: France Travail, CPAM, e-mails printed
HELD_OUT12 = Path(__file__).resolve().parent / "read_heldout12"  # the twelfth, blind too: letters of several pages, slips and annexes
HELD_OUT13 = Path(__file__).resolve().parent / "read_heldout13"  # the thirteenth, blind too: the bodies' answers to requests
HELD_OUT14 = Path(__file__).resolve().parent / "read_heldout14"  # the fourteenth, blind too: dense forms, tables, small print
HELD_OUT15 = Path(__file__).resolve().parent / "read_heldout15"  # the fifteenth, blind too: plain one-page decisions of every body
HELD_OUT16 = Path(__file__).resolve().parent / "read_heldout16"  # the sixteenth, blind too: rarer benefits, letters to a guardian
HELD_OUT17 = Path(__file__).resolve().parent / "read_heldout17"  # the seventeenth, blind too: plain decisions, a second writer
HELD_OUT18 = Path(__file__).resolve().parent / "read_heldout18"  # the eighteenth, blind too: the bodies' answers, two of each kind
HELD_OUT19 = Path(__file__).resolve().parent / "read_heldout19"  # the nineteenth, blind too: names and addresses as they really are
HELD_OUT20 = Path(__file__).resolve().parent / "read_heldout20"  # the twentieth, blind too: the common case, a third writer
HELD_OUT21 = Path(__file__).resolve().parent / "read_heldout21"  # the twenty-first, blind too: the local bodies (départements, MDPH)
HELD_OUT22 = Path(__file__).resolve().parent / "read_heldout22"  # the twenty-second, blind too: the common case, a fourth writer
HELD_OUT23 = Path(__file__).resolve().parent / "read_heldout23"  # the twenty-third, blind too: indus, deductions and their tables
HELD_OUT24 = Path(__file__).resolve().parent / "read_heldout24"  # the twenty-fourth, blind too: the bodies' answers, a second writer
HELD_OUT25 = Path(__file__).resolve().parent / "read_heldout25"  # the twenty-fifth, blind too: the common case, a fifth writer
HELD_OUT26 = Path(__file__).resolve().parent / "read_heldout26"  # the twenty-sixth, blind too: refusals and ends of rights
HELD_OUT27 = Path(__file__).resolve().parent / "read_heldout27"  # the twenty-seventh, blind too: the bodies' answers, a third writer
HELD_OUT28 = Path(__file__).resolve().parent / "read_heldout28"  # the twenty-eighth, blind too: the common case, a sixth writer
HELD_OUT29 = Path(__file__).resolve().parent / "read_heldout29"  # the twenty-ninth, blind too: capitals, small print, two columns
HELD_OUT30 = Path(__file__).resolve().parent / "read_heldout30"  # the thirtieth, blind too: the bodies' answers, a fourth writer
HELD_OUT31 = Path(__file__).resolve().parent / "read_heldout31"  # the thirty-first, blind too: overseas and Corsica
HELD_OUT32 = Path(__file__).resolve().parent / "read_heldout32"  # the thirty-second, blind too: the bodies' answers, a fifth writer
HELD_OUT33 = Path(__file__).resolve().parent / "read_heldout33"  # the thirty-third, blind too: the bodies' answers, a sixth writer
HELD_OUT34 = Path(__file__).resolve().parent / "read_heldout34"  # the thirty-fourth, blind too: the common case, a seventh writer
HELD_OUT35 = Path(__file__).resolve().parent / "read_heldout35"  # the thirty-fifth, blind too: controls, hearings, fraud, penalties
HELD_OUT_SETS = {1: HELD_OUT, 2: HELD_OUT2, 3: HELD_OUT3, 4: HELD_OUT4, 5: HELD_OUT5, 6: HELD_OUT6, 7: HELD_OUT7, 8: HELD_OUT8,
                 9: HELD_OUT9, 10: HELD_OUT10, 11: HELD_OUT11, 12: HELD_OUT12, 13: HELD_OUT13, 14: HELD_OUT14,
                 15: HELD_OUT15, 16: HELD_OUT16, 17: HELD_OUT17, 18: HELD_OUT18, 19: HELD_OUT19,
                 20: HELD_OUT20, 21: HELD_OUT21, 22: HELD_OUT22, 23: HELD_OUT23, 24: HELD_OUT24,
                 25: HELD_OUT25, 26: HELD_OUT26, 27: HELD_OUT27, 28: HELD_OUT28, 29: HELD_OUT29, 30: HELD_OUT30,
                 31: HELD_OUT31, 32: HELD_OUT32, 33: HELD_OUT33, 34: HELD_OUT34, 35: HELD_OUT35}
_SET_PREFIX = {1: "h", 2: "k", 3: "t", 4: "q", 5: "v", 6: "x", 7: "y", 8: "z", 9: "m", 10: "n", 11: "p", 12: "r", 13: "s", 14: "u", 15: "w", 16: "j", 17: "b", 18: "c", 19: "e", 20: "f", 21: "g", 22: "i", 23: "l", 24: "o",
               25: "ba", 26: "be", 27: "bi", 28: "bo", 29: "bu", 30: "ca",
               31: "ce", 32: "ci", 33: "co", 34: "cu", 35: "da"}  # a sample id's first letters: which set it comes from
FONT_DIRS = ["/usr/share/fonts/truetype/dejavu"]
FONTS = ("DejaVu Sans", "DejaVu Serif", "Libertinus Serif", "DejaVu Sans Mono")  # Libertinus: in the typst wheel
ANSWER_KINDS = ("complete", "partial", "refusal_with_reasons", "refusal_without_reasons",
                "asks_identity", "asks_more_time", "wrong_body", "withdrawn")
# Photo and scan bounds (issue 21): asserted by tests/test_read_corpus.py.
PHOTO_MAX_ROTATION = 10.0
PHOTO_JPEG_QUALITY = (40, 70)
SCAN_DPI = (200, 300)
SCAN_MAX_SKEW = 1.5


@dataclass(frozen=True)
class Sample:
    """One invented letter, with what a reader should find in it."""
    id: str
    body: str
    kind: str
    layout: str
    text: str
    expected: dict[str, Any]
    pdf: bytes = field(repr=False)
    pages: int = 1
    ignore: frozenset[str] = frozenset()


# --- Invented people ---------------------------------------------------------------------

FIRST_F = ("Amina", "Sophie", "Nathalie", "Fatoumata", "Léa", "Chloé", "Inès", "Marie-Claire", "Yasmine",
           "Élodie", "Sandrine", "Aïcha", "Camille", "Hélène", "Nadia", "Josiane", "Maëlle", "Zoé",
           "Kadiatou", "Valérie", "Linh", "Océane", "Françoise", "Samira", "Anaïs")
FIRST_M = ("Karim", "Jean-Pierre", "Thomas", "Mamadou", "Lucas", "Éric", "Nicolas", "Rachid", "Hugo",
           "François", "Didier", "Youssef", "Gaël", "Stéphane", "Moussa", "Bernard", "Théo", "Jérôme",
           "Ahmed", "Loïc", "Mehdi", "Pascal", "Cédric", "Adrien", "Ibrahima")
LAST = ("Martin", "Bernard", "Moreau", "Lefèvre", "Garnier", "Nguyen", "Diallo", "Benali", "Le Gall",
        "Fontaine", "Rousseau", "Da Silva", "Mercier", "Chevalier", "Traoré", "Boyer", "Haddad",
        "Girard", "Lambert", "Perrin", "N'Diaye", "Morel", "Guérin", "Roux", "Bonnet", "Kerbrat",
        "Faure", "Lemoine", "Barbier", "Mazouz", "Renaud", "Schmitt", "Dupuis", "Carpentier",
        "Le Roux", "Brunet", "Colin", "Vidal", "Ferreira", "Benoît", "Huet", "Aubert", "Ménard")
STREET_TYPES = ("rue", "rue", "rue", "avenue", "boulevard", "allée", "impasse", "place", "chemin", "route", "quai")
STREET_NAMES = ("des Lilas", "Victor Hugo", "de la République", "Jean Jaurès", "du Moulin", "des Écoles",
                "Pasteur", "de la Gare", "des Tilleuls", "du Général de Gaulle", "Émile Zola", "des Peupliers",
                "de la Paix", "Saint-Exupéry", "du Stade", "des Acacias", "Jules Ferry", "de Verdun",
                "des Rosiers", "Gambetta", "du Château", "de l'Église", "Louise Michel", "Simone Veil")
COMPLEMENTS = ("Résidence Les Tilleuls", "Bâtiment C", "Appartement 12", "Escalier B, 3e étage", "Chez M. Roux")
BODY_STREETS = ("2 rue de la Préfecture", "10 boulevard Gaston Serpette", "22 avenue de la Libération",
                "1 place du Général Leclerc", "35 rue Maréchal Joffre", "8 quai de la Fosse",
                "14 rue des Carmes", "5 allée des Tanneurs", "60 avenue Jean Mermoz", "3 rue Paul Bert")
AGENTS = ("M. Durand", "Mme Petitjean", "Mme Leroy", "M. Caron", "Mme Marchand", "M. Fabre")
SERVICES = ("Service des prestations", "Pôle contrôle", "Direction de l'autonomie", "Service recouvrement")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")
_ABBR = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")

# The ways decisions write what they state, from public descriptions of CAF, MSA, France
# Travail, CPAM, CARSAT, département and MDPH letters (service-public.fr's pages on « indu »,
# « contrôle », « contester une décision »; associations' descriptions of CAF letters): each
# list's first entries are the first wordings, the later ones the variants added so that the
# rules learn the wording, not one sentence. Placeholders are the letter's data (`_facts`).
WORDING: dict[str, tuple[str, ...]] = {
    "algorithm": (
        "Un traitement automatisé de données (rapprochement avec les informations transmises par l'administration fiscale) a signalé votre dossier.",
        "Votre dossier a été sélectionné par un algorithme de ciblage des contrôles (datamining).",
        "Un échange automatisé de données avec d'autres organismes a fait apparaître une différence dans vos déclarations.",
        "Votre dossier a été signalé à la suite d'un échange de données avec la DGFiP (administration fiscale).",
        "Un croisement de fichiers avec les données de France Travail a mis en évidence des revenus non déclarés.",
        "Votre dossier a été retenu par un contrôle automatisé : un score de risque est calculé par un modèle de data mining.",
        "Le traitement automatisé des informations transmises par la DGFiP a fait apparaître une différence avec vos déclarations.",
        "Ce réexamen fait suite à un signalement issu du croisement des données de Pôle emploi avec votre dossier.",
    ),
    "control": (
        "À la suite du contrôle de votre situation effectué le {control_long},",
        "Lors du contrôle sur place réalisé à votre domicile le {control_long},",
        "Après examen des pièces justificatives demandées lors du contrôle de votre dossier,",
        "Suite au contrôle effectué le {control_long} par un contrôleur assermenté,",
        "À l'issue de la vérification de vos ressources,",
        "Un agent assermenté s'est rendu à votre domicile le {control_long} ;",
        "Au vu du rapport de contrôle établi le {control_long},",
    ),
    "control_found": ("nous avons constaté que votre situation avait changé.",
                      "il est apparu que vos ressources déclarées étaient inexactes.",
                      "des éléments nouveaux ont été portés à notre connaissance."),
    "heard": (
        "Par courrier du {heard_long}, nous vous avons informé(e) de cette décision envisagée et invité(e) à présenter vos observations dans un délai de dix jours.",
        "Vous avez été reçu(e) en entretien contradictoire le {heard_long} et avez pu présenter vos observations.",
        "Vous avez été invité(e) à faire valoir vos observations avant la présente décision ; les éléments transmis n'ont pas modifié notre analyse.",
        "Vous avez été reçu(e) le {heard_long} par un agent et avez pu exprimer votre point de vue.",
        "Lors de l'entretien du {heard_long}, vous avez pu nous présenter votre situation.",
        "Conformément à la procédure contradictoire, nous avons examiné vos observations du {heard_long}.",
        "Nous avons pris connaissance des observations que vous nous avez adressées le {heard_long}.",
        "Par lettre du {heard_long}, nous vous avons demandé de nous faire connaître vos explications ; celles-ci ne modifient pas notre position.",
        "Vous aviez la possibilité de nous faire part de vos remarques avant cette décision ; vous n'avez pas répondu.",
        "Les explications que vous avez fournies le {heard_long} ne permettent pas de revenir sur ce constat.",
        "Un échange préalable a eu lieu le {heard_long} au sujet de cette mesure.",
        "Par notre lettre préalable du {heard_long}, vous avez été mis(e) en mesure de présenter des observations.",
    ),
    "reason": (
        "vos ressources du trimestre de référence dépassent le plafond applicable",
        "vous n'avez pas retourné votre déclaration trimestrielle de ressources dans le délai demandé",
        "votre situation familiale a changé sans que nous en soyons informés",
        "vous ne remplissez plus la condition de résidence",
        "les justificatifs demandés ne nous sont pas parvenus",
        "votre activité professionnelle a repris depuis le mois dernier",
        "vos revenus d'activité n'ont pas été déclarés",
    ),
    "reasons": (
        "Motif : {reason}. Cette décision est prise en application de l'article {article}.",
        "En effet, {reason} (article {article}).",
        "Nous avons pris cette décision parce que {reason}, en application de l'article {article}.",
        "Cette décision est prise au motif que {reason}, conformément à l'article {article}.",
        "Vu l'article {article}, et compte tenu de ce que {reason}, nous avons pris cette décision.",
        "Cette décision est motivée par le fait que {reason} (application de l'article {article}).",
        "En raison des éléments suivants : {reason}. Texte applicable : article {article}.",
        "Dans la mesure où {reason}, les conditions fixées par l'article {article} ne sont pas remplies.",
    ),
}

# Closing formulas (the first one was the only one), and the personal-data notices printed at
# the foot of many letters (their « traitement automatisé » and « loi n° 78-17 » are neither an
# algorithm behind the decision nor its legal ground).
CLOSINGS = ("Nous vous prions d'agréer, {civ}, l'expression de nos salutations distinguées.",
            "Je vous prie de croire, {civ}, à l'assurance de ma considération distinguée.",
            "Veuillez recevoir, {civ}, nos salutations distinguées.",
            "Nous vous prions de croire, {civ}, en l'assurance de nos sentiments les meilleurs.")
PRIVACY_NOTICES = (
    "Les informations vous concernant font l'objet d'un traitement automatisé destiné à la gestion de votre dossier. "
    "Conformément au règlement général sur la protection des données (RGPD), vous disposez d'un droit d'accès et de rectification.",
    "Vos données personnelles sont traitées conformément à la loi n° 78-17 du 6 janvier 1978 relative à l'informatique, "
    "aux fichiers et aux libertés ; vous pouvez exercer vos droits auprès du délégué à la protection des données.",
)


def _long(day: dt.date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def _short(day: dt.date) -> str:
    """« 3 nov. 2026 »: the month as letters shorten it."""
    return f"{day.day} {_ABBR[day.month - 1]} {day.year}"


def _num(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _money(value: float, rng: random.Random) -> str:
    """An amount as bodies print it: « 1 234,56 € », « 1234,56 € », « 1 234,56 euros »."""
    units, cents = f"{value:.2f}".split(".")
    grouped = units if rng.random() < 0.3 else f"{int(units):,}".replace(",", rng.choice((" ", "\u00a0")))
    return f"{grouped},{cents} {rng.choice(('€', '€', 'euros'))}"


@lru_cache(maxsize=2)
def _communes(overseas: bool = False) -> tuple[tuple[str, str, str, int], ...]:
    """(postal code, city, département, how many postcodes) of the communes, in a stable order
    (a commune with several postcodes is a big city). Metropolitan only unless `overseas`: an
    overseas person is drawn only where a layout names the overseas départements (`deps`), so
    the sets written before them draw the same people."""
    from assistant.law.places import communes

    out = []
    for code in sorted(communes()):
        c = communes()[code]
        if c.postcodes and c.names and (overseas or not c.dep.startswith("97")):
            out.append((c.postcodes[0], c.names[0], c.dep, len(c.postcodes)))
    return tuple(out)


@lru_cache(maxsize=1)
def _by_dep() -> dict[str, tuple[tuple[str, str, str, int], ...]]:
    out: dict[str, list[tuple[str, str, str, int]]] = {}
    for row in _communes(overseas=True):
        out.setdefault(row[2], []).append(row)
    return {k: tuple(v) for k, v in out.items()}


def _seat(dep: str) -> tuple[str, str]:
    """A body's city: the département's « …000 » postcode (its main city), else its first commune."""
    rows = _by_dep()[dep]
    main = [r for r in rows if r[0].endswith("000")] or list(rows)
    row = max(main, key=lambda r: (r[3], -len(r[1])))
    return row[0], row[1]


def _place(rng: random.Random, deps: Optional[tuple[str, ...]] = None) -> tuple[str, str, str, int]:
    if deps:
        rows = [r for d in deps for r in _by_dep().get(d, ())]
    else:
        rows = list(_communes())
    if rng.random() < 0.5:  # half the people live in a main city
        towns = [r for r in rows if r[0].endswith("000")]
        if towns:
            return rng.choice(towns)
    return rng.choice(rows)


def _person(rng: random.Random) -> dict[str, Any]:
    woman = rng.random() < 0.55
    street = f"{rng.randint(1, 148)}{rng.choice(('', '', '', ' bis'))} {rng.choice(STREET_TYPES)} {rng.choice(STREET_NAMES)}"
    return {"woman": woman, "first_name": rng.choice(FIRST_F if woman else FIRST_M), "last_name": rng.choice(LAST),
            "civ": "Madame" if woman else "Monsieur", "civ_short": "Mme" if woman else "M.",
            "street": street, "complement": rng.choice(COMPLEMENTS) if rng.random() < 0.15 else None}


# --- Bodies ---------------------------------------------------------------------------------

CARSAT = {"Carsat Pays de la Loire": ("44", "49", "53", "72", "85"), "Carsat Aquitaine": ("33", "24", "40", "47", "64"),
          "Carsat Rhône-Alpes": ("69", "01", "38", "42", "73", "74", "26", "07"),
          "Carsat Sud-Est": ("13", "83", "84", "06", "04", "05"), "Carsat Hauts-de-France": ("59", "62", "02", "60", "80"),
          "Carsat Bretagne": ("29", "22", "35", "56"), "Carsat Midi-Pyrénées": ("31", "09", "12", "32", "46", "65", "81", "82")}
BENEFITS = {
    "caf": ("rsa", "rsa", "prime_activite", "prime_activite", "apl", "als", "alf", "allocations_familiales", "paje",
            "aah", "asf", "complement_familial", "ars", "aeeh"),
    "msa": ("rsa", "prime_activite", "apl", "allocations_familiales", "indemnites_journalieres", "retraite"),
    "france_travail": ("are", "are", "ass"),
    "cpam": ("indemnites_journalieres", "indemnites_journalieres", "css"),
    "carsat": ("retraite", "retraite", "aspa"),
    "departement": ("rsa", "rsa", "rsa", "pch", "apa"),
    "mdph": ("aah", "aeeh", "pch"),
}
SITUATIONS = ("suspension", "reduction", "overpayment", "refusal", "termination", "sanction", "penalty")
# Which situations a body's letter about a benefit can be (a sanction cuts RSA or an allowance
# of France Travail; an MDPH never claims money back).
_SANCTIONED = {"rsa", "are", "ass"}
LOGO = {"caf": "caf", "msa": "MSA", "france_travail": "France Travail", "cpam": "l'Assurance Maladie",
        "carsat": "l'Assurance retraite", "departement": "", "mdph": "MDPH"}
FILE_LABEL = {"caf": ("N° allocataire", "Numéro allocataire", "Votre numéro d'allocataire"),
              "msa": ("N° MSA", "Numéro de sécurité sociale", "Votre numéro d'adhérent"),
              "france_travail": ("Identifiant", "Identifiant France Travail", "Votre identifiant"),
              "cpam": ("N° de sécurité sociale", "Numéro d'assuré", "N° d'immatriculation"),
              "carsat": ("N° de sécurité sociale", "Vos références", "Numéro d'assuré"),
              "departement": ("N° de dossier", "Dossier n°", "N° de dossier RSA"),
              "mdph": ("N° de dossier MDPH", "Dossier n°", "Numéro de dossier")}


def _situations(body: str, benefit: str) -> list[str]:
    from assistant.law.bodies import allowed_situations

    out = [s for s in SITUATIONS if s in allowed_situations(body)]
    if benefit not in _SANCTIONED:
        out = [s for s in out if s != "sanction"]
    if body in ("departement",) and benefit != "rsa":
        out = [s for s in out if s not in ("penalty",)]
    return out


def _file_number(body: str, person: dict, rng: random.Random) -> str:
    if body in ("caf",):
        return f"{rng.randint(1000000, 9999999)}"
    if body == "france_travail":
        return f"{rng.randint(1000000, 9999999)}{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}"
    if body in ("departement", "mdph"):
        return f"{rng.choice(('', 'D', 'RSA-'))}{rng.randint(100000, 999999)}" if body == "departement" else f"{rng.randint(10000, 999999)}"
    # A NIR-like number (sex, year, month, département, commune, order, key): invented.
    nir = f"{2 if person['woman'] else 1}{rng.randint(50, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 95):02d}{rng.randint(1, 999):03d}{rng.randint(1, 999):03d}"
    return nir + f"{97 - int(nir) % 97:02d}"


def _body(kind: str, postal_code: str, city: str, dep: str, on: dt.date, rng: random.Random) -> dict[str, str]:
    from assistant.law.bodies import organism_name
    from assistant.law.places import departement, powers_holder

    place = departement(postal_code)
    of = place.of if place else ""
    name = {
        "caf": organism_name("caf", None, postal_code, on),
        "msa": f"MSA {place.name if place else ''}".strip(),
        "france_travail": "France Travail",
        "cpam": organism_name("cpam", None, postal_code, on),
        # overseas one caisse (CGSS, CSSM) pays pensions: its name comes from the law's table
        "carsat": next((n for n, deps in CARSAT.items() if dep in deps), None) or organism_name("carsat", None, postal_code, on),
        "mdph": organism_name("mdph", None, postal_code, on),
    }.get(kind)
    if kind == "departement":
        holder = powers_holder(postal_code, city, on)
        name = holder.body if holder and holder.body else f"{rng.choice(('Conseil départemental', 'Département'))} {of}"
    seat_pc, seat_city = _seat(dep)
    return {"body_name": name, "body_street": rng.choice(BODY_STREETS), "body_postal_code": seat_pc, "body_city": seat_city}


def _named(votre: str) -> str:
    """« votre aide personnalisée au logement » → « aide personnalisée au logement »."""
    return votre[6:] if votre.startswith("votre ") else votre


def _votre(benefit: str) -> str:
    from assistant.law.bodies import benefit_words

    mine = benefit_words(benefit)["mine"]
    for own, yours in (("mon ", "votre "), ("ma ", "votre "), ("mes ", "vos ")):
        if mine.startswith(own):
            return yours + mine[len(own):]
    return mine


# --- What a decision says -------------------------------------------------------------------

def _decision_text(rng: random.Random, d: dict, body: str, benefit: str, situation: str,
                   flags: dict[str, Any]) -> tuple[str, list[str], Optional[str]]:
    """(title, paragraphs, appeal paragraph or None) of a decision; `flags` says what it states."""
    votre = _votre(benefit)
    start = d["period_from"]
    facts: list[str] = []
    if flags["algorithm"]:
        facts.append(rng.choice(WORDING["algorithm"]))
    if flags["control"]:
        facts.append(rng.choice(WORDING["control"]).format(**d) + " " + rng.choice(WORDING["control_found"]))
    if flags["medical"]:
        facts.append(rng.choice((
            "Le médecin-conseil a estimé que votre état de santé ne justifiait plus le versement de cette prestation.",
            "Après avis du médecin-conseil du service du contrôle médical, votre arrêt de travail n'est plus médicalement justifié.",
            "Sur avis du service médical, les conditions médicales d'attribution ne sont pas remplies.",
        )))
    if flags["heard"]:
        facts.append(rng.choice(WORDING["heard"]).format(**d))
    if flags["fraud"] is True:
        facts.append(rng.choice((
            "Ces faits constituent une fraude : vous avez omis de déclarer des ressources de manière intentionnelle.",
            "Les éléments recueillis établissent une fausse déclaration intentionnelle de votre part.",
            "Ces faits sont constitutifs d'une fraude au sens de l'article L. 114-17 du code de la sécurité sociale.",
        )))
    elif flags["fraud"] is False:
        facts.append(rng.choice(("Cette erreur n'est pas considérée comme une fraude.",
                                 "Aucune fraude n'est retenue à votre encontre.")))
    reason = rng.choice(WORDING["reason"])
    article = rng.choice(("L. 262-37 du code de l'action sociale et des familles", "L. 553-2 du code de la sécurité sociale",
                          "L. 133-4 du code de la sécurité sociale", "R. 5412-1 du code du travail",
                          "L. 821-1 du code de la sécurité sociale", "L. 845-3 du code de la sécurité sociale"))
    if flags["reasons"]:
        facts.append(rng.choice(WORDING["reasons"]).format(reason=reason, article=article))
    amount, withholding = d["amount"], d["withholding"]
    named = _named(votre)
    title, what = {
        "suspension": (rng.choice(("Suspension de vos droits", f"Objet : suspension de {votre}", "Interruption du versement")),
                       rng.choice((f"Le versement de {votre} est suspendu à compter du {start}.",
                                   f"Nous suspendons {votre} à partir du {start}.",
                                   f"Nous interrompons le paiement de {votre} dès le {start}.",
                                   f"Votre droit à {named} est interrompu à compter du {start}.",
                                   f"Nous avons décidé de suspendre le versement de {votre} à compter du {start}.",
                                   f"Dans l'attente des justificatifs demandés, le paiement de {votre} est mis en attente à compter du {start}.",
                                   f"Le versement de {votre} est mis en suspens à compter du {start}."))),
        "reduction": (rng.choice(("Révision de vos droits", f"Objet : diminution de {votre}", "Nouveau calcul de vos droits")),
                      rng.choice((f"À compter du {start}, le montant de {votre} diminue de {amount} par mois.",
                                  f"Le montant de {votre} est réduit de {amount} par mois à compter du {start}.",
                                  f"Nous avons recalculé vos droits : à compter du {start}, le montant de {votre} baisse de {amount} par mois.",
                                  f"Le montant de {votre} est revu à la baisse de {amount} par mois à partir du {start}."))),
        "overpayment": (rng.choice(("Notification d'indu", "Objet : trop-perçu", "Avis de trop-perçu", "Notification de dette")),
                        rng.choice((f"Vous avez perçu à tort la somme de {amount} au titre de {votre} pour la période du {start} au {d['period_to']}.",
                                    f"Un trop-perçu de {amount} a été constaté sur {votre} (période du {start} au {d['period_to']}).",
                                    f"Vous êtes redevable d'un indu de {amount} sur {votre}.",
                                    f"Vous devez nous rembourser la somme de {amount}, trop versée au titre de {votre} du {start} au {d['period_to']}.",
                                    f"Montant de l'indu : {amount} ({votre}, période du {start} au {d['period_to']}).",
                                    f"Une somme de {amount} vous a été versée en trop au titre de {votre} du {start} au {d['period_to']}.",
                                    f"Vous restez nous devoir la somme de {amount} au titre de {votre}."))),
        "refusal": (rng.choice(("Réponse à votre demande", f"Objet : refus de {votre}", "Décision de rejet")),
                    rng.choice((f"Nous ne pouvons pas donner une suite favorable à votre demande de {named}.",
                                f"Votre demande de {named} est refusée.",
                                "Votre demande est rejetée.",
                                f"Nous ne sommes pas en mesure de donner une suite favorable à votre demande de {named}.",
                                f"Nous avons décidé de rejeter votre demande de {named}.",
                                f"Nous ne pouvons pas vous attribuer {named} : les conditions d'ouverture du droit ne sont pas réunies.",
                                f"Décision de la commission : refus ({named}).",
                                f"Votre demande de {named} est déclarée irrecevable."))),
        "termination": (rng.choice(("Fin de vos droits", f"Objet : fin de {votre}", "Clôture de votre dossier")),
                        rng.choice((f"Votre droit à {named} prend fin le {start}.",
                                    f"{votre[0].upper() + votre[1:]} ne vous sera plus versé(e) à partir du {start} : vos droits sont clos.",
                                    f"Nous mettons fin au versement de {votre} à compter du {start}.",
                                    f"Nous avons mis fin à votre droit à {named} à compter du {start}.",
                                    f"Vous n'êtes plus bénéficiaire de {named} depuis le {start}.",
                                    f"Nous cessons de vous verser {votre} à compter du {start}.",
                                    f"Votre droit à {named} est fermé à compter du {start}."))),
        "sanction": (rng.choice(("Décision de sanction", "Objet : sanction", "Notification de sanction")
                                + (("Objet : radiation de la liste des demandeurs d'emploi",) if body == "france_travail" else ())),
                     rng.choice((f"Nous avons décidé de sanctionner le non-respect de vos obligations : le montant de {votre} est réduit de {amount} par mois pendant deux mois à compter du {start}.",
                                 f"À titre de sanction, le montant de {votre} est réduit de {amount} par mois à compter du {start}.",
                                 f"Une sanction est prononcée en raison du non-respect de vos engagements : le montant de {votre} est réduit de {amount} par mois à compter du {start}.")
                                + ((f"Vous êtes radié(e) de la liste des demandeurs d'emploi pour un mois à compter du {start} ; le montant de {votre} est réduit de {amount} par mois pendant cette durée.",
                                    f"Nous prononçons votre radiation de la liste des demandeurs d'emploi : le montant de {votre} est réduit de {amount} par mois à compter du {start}.")
                                   if body == "france_travail" else ()))),
        "penalty": (rng.choice(("Notification de pénalité financière", "Objet : pénalité", "Décision de pénalité")),
                    rng.choice((f"Le directeur a décidé de prononcer à votre encontre une pénalité financière de {d['penalty']}.",
                                f"Une pénalité d'un montant de {d['penalty']} vous est infligée.",
                                f"Une pénalité financière de {d['penalty']} est prononcée à votre encontre."))),
    }[situation]
    paragraphs = facts[:-1] + [what, facts[-1]] if facts and rng.random() < 0.4 else facts + [what]
    if situation == "overpayment":
        if flags["withholding"]:
            paragraphs.append(rng.choice((f"Ce montant sera récupéré par une retenue de {withholding} par mois sur vos prestations.",
                                          f"Nous procéderons à une retenue mensuelle de {withholding} sur vos prochains paiements.",
                                          f"Sans paiement de votre part, une retenue de {withholding} sera effectuée chaque mois sur vos droits.")))
        else:
            paragraphs.append("Vous pouvez rembourser cette somme en une fois ou nous proposer un échéancier.")
    if not flags["reasons"]:
        paragraphs.append(rng.choice(("Pour tout renseignement, connectez-vous à votre espace personnel.",
                                      "Nous restons à votre disposition pour toute information complémentaire.", "")))
    appeal = None
    if flags["appeal"]:
        route = {"caf": "la Commission de recours amiable (CRA) de la Caf", "msa": "la Commission de recours amiable de la MSA",
                 "cpam": "la Commission de recours amiable de la caisse", "carsat": "la Commission de recours amiable de la Carsat",
                 "france_travail": "le directeur de votre agence (recours préalable)",
                 "departement": "le Président (recours administratif préalable obligatoire)",
                 "mdph": "la MDPH (recours administratif préalable obligatoire)"}[body]
        if flags["medical"] and body in ("cpam", "msa", "carsat"):
            route = "la commission médicale de recours amiable"
        court = "tribunal administratif" if body == "departement" else "pôle social du tribunal judiciaire"
        appeal = rng.choice((
            f"Si vous contestez cette décision, vous pouvez saisir {route} dans un délai de deux mois à compter de sa notification.",
            f"Voies et délais de recours : vous disposez d'un délai de 2 mois à compter de la réception de ce courrier pour contester cette décision auprès de {route}, puis devant le {court}.",
            f"Vous pouvez contester cette décision dans les deux mois suivant sa réception, par écrit, auprès de {route}.",
            f"Si vous n'êtes pas d'accord avec cette décision, vous pouvez former un recours auprès de {route} dans les deux mois qui suivent la réception de ce courrier.",
            f"En cas de désaccord, vous disposez de deux mois à compter de la notification de la présente décision pour saisir {route}.",
        ))
    return title, [p for p in paragraphs if p], appeal


ANSWER_TEXT = {
    "complete": ("Vous trouverez ci-joint l'ensemble des documents que vous avez demandés, dont le détail du calcul de vos droits.",
                 "Veuillez trouver ci-joint la copie des pièces de votre dossier que vous avez demandées.",
                 "Nous faisons droit à votre demande : les informations demandées vous sont communiquées ci-après.",
                 "Comme vous nous l'avez demandé, voici les explications complètes sur la décision : les données utilisées, leur source et le calcul effectué figurent en annexe.",
                 "Nous vous adressons la copie intégrale de votre dossier, y compris le rapport de contrôle.",
                 # later variants: the documents joined to the letter, said from their side
                 "Les documents que vous avez sollicités sont joints au présent courrier.",
                 "Voici les informations demandées : les règles de calcul appliquées à votre dossier et les données prises en compte.",
                 "L'ensemble des pièces de votre dossier vous est transmis en pièce jointe.",
                 "Nous vous prions de trouver ci-joint les éléments demandés : données prises en compte et mode de calcul."),
    "partial": ("Vous trouverez ci-joint le détail du calcul de vos droits. En revanche, le rapport d'enquête ne peut vous être communiqué, car il contient des informations concernant des tiers.",
                "Nous vous transmettons une partie des documents demandés. Les autres pièces ne sont pas communicables (article L. 311-6 du code des relations entre le public et l'administration).",
                "Nous faisons droit à votre demande en partie : le rapport d'enquête, qui mentionne des tiers, reste non communicable.",
                "Nous ne pouvons vous communiquer que les éléments qui vous concernent directement ; le reste du dossier porte sur d'autres personnes.",
                "Le rapport vous est adressé ci-joint. Les noms des personnes entendues ont été occultés, conformément à la loi.",
                "Vous trouverez ci-joint votre relevé de situation. Pour le surplus, votre demande ne peut être satisfaite."),
    "refusal_with_reasons": ("Nous ne pouvons pas donner suite à votre demande : les documents demandés sont des documents préparatoires, non communicables en application de l'article L. 311-2 du code des relations entre le public et l'administration.",
                             "Votre demande est rejetée, au motif que la décision contestée a été prise par un agent et non par un traitement automatisé : l'article L. 311-3-1 du même code ne s'applique donc pas.",
                             "Nous ne sommes pas en mesure de vous communiquer ces éléments, en raison du secret prévu par l'article L. 311-5 du code des relations entre le public et l'administration.",
                             "Le rapport de contrôle n'est pas communicable : il contient des appréciations sur des tiers (article L. 311-6 du code des relations entre le public et l'administration).",
                             "Nous sommes contraints d'opposer un refus à votre demande, l'enquête étant toujours en cours (article L. 311-5 du code des relations entre le public et l'administration)."),
    "refusal_without_reasons": ("Nous ne pouvons pas donner suite à votre demande.",
                                "Après étude, votre demande ne peut pas aboutir. Nous vous prions de croire à nos sentiments les meilleurs.",
                                "Nous ne sommes pas en mesure de donner une suite favorable à votre demande.",
                                "Votre demande ne peut être satisfaite.",
                                "Nous ne pouvons pas vous transmettre les documents demandés.",
                                "Il ne nous est pas possible de donner suite à votre demande.",
                                "Nous ne donnerons pas suite à votre demande."),
    "asks_identity": ("Afin de traiter votre demande, merci de nous transmettre la copie d'une pièce d'identité en cours de validité.",
                      "Pour des raisons de sécurité, nous devons vérifier votre identité avant de vous communiquer ces informations : merci de joindre une copie de votre carte d'identité ou de votre passeport.",
                      "Nous ne pourrons vous répondre qu'à réception d'un document officiel justifiant votre identité.",
                      "Ces données étant personnelles, nous devons nous assurer de votre identité : merci de nous faire parvenir la copie d'un justificatif d'identité."),
    "asks_more_time": ("Votre demande nécessite un examen approfondi. Nous vous répondrons dans un délai supplémentaire d'un mois.",
                       "Nous ne sommes pas en mesure de vous répondre dans le délai habituel : nous avons besoin d'un délai supplémentaire pour réunir les éléments demandés.",
                       "Votre demande est en cours d'instruction par nos services. Une réponse vous sera apportée dans un délai de deux mois.",
                       "L'examen de votre demande demande plus de temps que prévu : nous reviendrons vers vous d'ici six semaines.",
                       "Votre dossier est toujours en cours d'analyse par le service concerné ; nous vous répondrons au plus tard dans un mois.",
                       "Afin de réunir l'ensemble des pièces, nous prolongeons le délai de réponse d'un mois."),
    "wrong_body": ("Votre demande ne relève pas de notre compétence. Nous vous invitons à l'adresser à l'organisme qui a pris la décision.",
                   "Nous ne sommes pas l'organisme compétent pour répondre à votre demande : nous l'avons transmise au service concerné, qui vous répondra directement.",
                   "Votre demande a été transmise au conseil départemental, seul compétent pour statuer sur ce point.",
                   "Cette décision a été prise par un autre organisme : nous vous invitons à vous adresser directement à lui.",
                   "Cette aide n'est pas versée par nos services : votre demande relève de l'organisme qui vous la paie.",
                   "Nous ne gérons pas cette prestation. Nous vous invitons à lui adresser votre demande à l'adresse figurant sur la décision.",
                   "Nous avons fait suivre votre courrier à l'organisme qui verse cette aide."),
    "withdrawn": ("Après réexamen de votre dossier, nous avons annulé la décision que vous contestiez. Vos droits sont rétablis à compter de leur date d'interruption.",
                  "Nous avons retiré la décision du mois dernier : le trop-perçu qui vous était réclamé est annulé et aucune somme ne vous sera retenue.",
                  "Après un nouvel examen, la décision que vous contestiez est annulée.",
                  "Nous avons décidé de revenir sur notre décision : le versement de votre allocation reprend dès le mois prochain.",
                  "Au vu des pièces transmises, nous avons décidé d'annuler la décision de suspension ; vos droits sont rétablis.",
                  "Nous procédons au retrait de la décision contestée : aucune somme ne vous sera réclamée."),
}


# --- Training layouts: Typst source built from a layout's choices -----------------------------

@dataclass(frozen=True)
class Style:
    font: str
    size: float
    header: str      # "grid" | "banner" | "center"
    recipient: str   # "pad" | "grid"
    refs: str        # "top" | "left" | "below"
    date: str        # "right" | "left" | "refs"
    title: str       # "bold" | "underline" | "box" | "caps"
    appeal: str      # "box" | "heading" | "small" | "verso"
    color: str


def _styles(body: str) -> list[Style]:
    """Three layouts per body, drawn once from the body's name (stable across runs)."""
    rng = random.Random(f"style:{body}")
    out = []
    for _ in range(3):
        out.append(Style(rng.choice(FONTS), rng.choice((9.0, 9.5, 10.0, 10.5, 11.0)), rng.choice(("grid", "banner", "center")),
                         rng.choice(("pad", "grid")), rng.choice(("top", "left", "below")), rng.choice(("right", "left", "refs")),
                         rng.choice(("bold", "underline", "box", "caps")), rng.choice(("box", "heading", "small", "verso")),
                         rng.choice(("#005ca9", "#006e3c", "#1f3c88", "#0c419a", "#7a1f5c", "#333333"))))
    return out


def _typst(style: Style) -> bytes:
    """The layout's Typst source: every text comes from `sys.inputs.data` as a string."""
    s = style
    src = ['#let d = json(bytes(sys.inputs.data))',
           '#let lines(xs) = xs.map(x => [#x]).join(linebreak())',
           f'#set page(paper: "a4", margin: (top: 1.6cm, bottom: 2cm, x: 2.1cm), footer: align(center, text(size: 7pt, d.footer)))',
           f'#set text(font: "{s.font}", size: {s.size}pt, lang: "fr", hyphenate: false)',
           '#set par(spacing: 0.9em)']
    if s.header == "grid":
        src.append(f'#grid(columns: (1fr, 1fr), [#text(size: 18pt, weight: "bold", fill: rgb("{s.color}"), d.logo) \\ #text(size: 8pt, lines(d.sender))], '
                   + ('align(right, text(size: 8.5pt, lines(d.refs))))' if s.refs == "top" else 'if d.at("beside", default: false) { v(0.9cm); lines(d.recipient) } else [])'))
    elif s.header == "banner":
        src.append(f'#block(width: 100%, fill: rgb("{s.color}"), inset: 8pt, text(fill: white, weight: "bold", size: 14pt, d.banner))')
        src.append('#if d.at("beside", default: false) { grid(columns: (1fr, 1fr), text(size: 8pt, lines(d.sender.slice(1))), lines(d.recipient)) }'
                   ' else { text(size: 8pt, d.sender.slice(1).join(" — ")) }')
        if s.refs == "top":
            src.append('#align(right, text(size: 8.5pt, lines(d.refs)))')
    else:
        src.append(f'#align(center)[#text(size: 16pt, weight: "bold", fill: rgb("{s.color}"), d.logo) \\ #text(size: 8pt, d.sender.join(" — "))]')
        if s.refs == "top":
            src.append('#text(size: 8.5pt, lines(d.refs))')
    src.append('#v(1.2cm)')
    if s.recipient == "grid" or s.refs == "left":
        left = 'text(size: 8.5pt, lines(d.refs))' if s.refs == "left" else '[]'
        src.append(f'#if not d.at("beside", default: false) {{ grid(columns: (1fr, 1fr), {left}, lines(d.recipient)) }}'
                   + (' else { text(size: 8.5pt, lines(d.refs)) }' if s.refs == "left" else ''))
    else:
        src.append('#if not d.at("beside", default: false) { pad(left: 8.5cm, lines(d.recipient)) }')
    src.append('#v(0.7cm)')
    if s.refs == "below":
        src.append('#text(size: 9pt, lines(d.refs))')
        src.append('#v(0.3cm)')
    if s.date != "refs":
        src.append(f'#align({s.date}, d.place_date)')
    src.append('#v(0.4cm)')
    src.append({"bold": '#text(weight: "bold", d.title)', "underline": '#underline(d.title)',
                "box": '#block(stroke: 0.6pt, inset: 6pt, text(weight: "bold", d.title))',
                "caps": '#text(weight: "bold", upper(d.title))'}[s.title])
    src.append('#v(0.2cm)')
    src.append('#d.salutation')
    src.append('#for p in d.paras [#par(justify: true, p)]')
    if s.appeal != "verso":
        src.append('#if d.appeal != none {' + {
            "box": 'block(stroke: 0.5pt, inset: 7pt, [#text(weight: "bold", d.appeal_head) \\ #d.appeal])',
            "heading": '[#text(weight: "bold", d.appeal_head) \\ #d.appeal]',
            "small": 'text(size: 8pt, d.appeal)'}[s.appeal] + '}')
    src.append('#par(d.closing)')
    src.append('#align(right, lines(d.signature))')
    if s.appeal == "verso":
        src.append('#if d.appeal != none { pagebreak(); text(weight: "bold", size: 12pt, d.appeal_head); parbreak(); d.appeal }')
    return "\n".join(src).encode("utf-8")


def _compile(source: bytes, data: dict, root: Optional[Path] = None) -> bytes:
    import typst

    kwargs: dict[str, Any] = {"root": str(root)} if root else {}
    return typst.compile(source, font_paths=FONT_DIRS, ignore_system_fonts=True,
                         sys_inputs={"data": json.dumps(data, ensure_ascii=False)}, **kwargs)


def _text(pdf: bytes) -> tuple[str, int]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        pages = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()
    return "\n".join(pages), len(pages)


# --- Invented facts shared by decisions and answers -------------------------------------------

def _facts(rng: random.Random, body: str, deps: Optional[tuple[str, ...]] = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """(data for the templates, expected fields the data fixes) for one invented letter
    (`deps`: the départements the person may live in)."""
    person = _person(rng)
    if body == "carsat" and not (deps and all(d.startswith("97") for d in deps)):
        deps = tuple(d for ds in CARSAT.values() for d in ds)
    postal_code, city, dep, _ = _place(rng, deps)
    on = dt.date(2026, 1, 5) + dt.timedelta(days=rng.randint(0, 320))
    while on.weekday() >= 5:
        on += dt.timedelta(days=1)
    b = _body(body, postal_code, city, dep, on, rng)
    start = (on.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    period_from = on.replace(day=1) - dt.timedelta(days=rng.randint(60, 200))
    period_from = period_from.replace(day=1)
    period_to = on.replace(day=1) - dt.timedelta(days=1)
    amount = round(rng.uniform(40, 4500), 2) if rng.random() < 0.8 else float(rng.randint(50, 3000))
    withholding = round(rng.uniform(20, 180), 2)
    file_number = _file_number(body, person, rng)
    shown_number = file_number
    if len(file_number) == 15 and rng.random() < 0.5:  # a NIR printed in groups
        n = file_number
        shown_number = f"{n[0]} {n[1:3]} {n[3:5]} {n[5:7]} {n[7:10]} {n[10:13]} {n[13:]}"
    data = {**person, **b, "postal_code": postal_code, "city": city, "file_number": shown_number,
            "date_long": _long(on), "date_num": _num(on), "amount": _money(amount, rng), "withholding": _money(withholding, rng),
            "penalty": _money(float(rng.randint(1, 30) * 50), rng),
            "period_from": _long(period_from if rng.random() < 0.5 else start), "period_to": _long(period_to),
            "control_long": _long(on - dt.timedelta(days=rng.randint(20, 90))),
            "heard_long": _long(on - dt.timedelta(days=rng.randint(15, 40))),
            "letter_date_long": _long(on - dt.timedelta(days=rng.randint(20, 60))),
            "ref": f"{rng.choice(('DOS', 'REF', 'IND', 'CTL'))}-{on.year}-{rng.randint(100, 99999)}", "agent": rng.choice(AGENTS)}
    data["period_from_long"] = data["period_from"]
    expected = {"claimant.first_name": person["first_name"], "claimant.last_name": person["last_name"],
                "claimant.address": person["street"], "claimant.postal_code": postal_code, "claimant.city": city,
                "claimant.file_number": file_number, "organism.kind": body, "organism.name": b["body_name"],
                "organism.address": f"{b['body_street']}, {b['body_postal_code']} {b['body_city']}",
                "decision.date": on.isoformat(), "context.amount_eur": amount, "context.withholding_eur": withholding}
    return data, expected


def _recipient(rng: random.Random, d: dict) -> list[str]:
    name = rng.choice((f"{d['civ']} {d['first_name']} {d['last_name'].upper()}", f"{d['civ_short']} {d['last_name'].upper()} {d['first_name']}",
                       f"{d['civ'].upper()} {d['first_name'].upper()} {d['last_name'].upper()}", f"{d['civ']} {d['first_name']} {d['last_name']}"))
    lines = [name] + ([d["complement"]] if d["complement"] else []) + [d["street"]]
    return lines + [f"{d['postal_code']} {d['city'].upper() if rng.random() < 0.5 else d['city']}"]


def _layout_data(rng: random.Random, d: dict, body: str, style: Style) -> dict[str, Any]:
    label = rng.choice(FILE_LABEL[body])
    on = dt.datetime.strptime(d["date_num"], "%d/%m/%Y").date()
    abbr = _short(on)
    date_text = rng.choice((f"{d['body_city']}, le {d['date_long']}", f"Le {d['date_long']}", f"Le {d['date_num']}", f"Date : {d['date_num']}",
                            f"Fait à {d['body_city']}, le {d['date_long']}", f"{d['body_city']}, le {abbr}", f"Le {abbr}",
                            f"Date d'envoi : {d['date_num']}"))
    refs = [f"{label} : {d['file_number']}", f"Référence : {d['ref']}", f"Dossier suivi par : {d['agent']}"]
    if style.date == "refs":
        refs.insert(1, f"Date du courrier : {d['date_num']}")
    logo = LOGO[body] or d["body_name"]
    banner = d["body_name"] if logo.casefold() in d["body_name"].casefold() else f"{logo}   {d['body_name']}"
    return {"logo": logo, "banner": banner, "body_name": d["body_name"],
            "sender": [d["body_name"]] + ([rng.choice(SERVICES)] if rng.random() < 0.25 else [])
            + ([f"{d['body_street']}, {d['body_postal_code']} {d['body_city']}"] if rng.random() < 0.25
               else [d["body_street"], f"{d['body_postal_code']} {d['body_city']}"]),
            # the body's block and the addressee's side by side (their lines run together in the text)
            "beside": (style.header == "banner" or (style.header == "grid" and style.refs != "top")) and rng.random() < 0.3,
            "refs": refs, "recipient": _recipient(rng, d), "place_date": date_text,
            "salutation": f"{d['civ']},", "appeal_head": rng.choice(("Vos droits de recours", "Voies et délais de recours", "Contester cette décision")),
            "closing": rng.choice(CLOSINGS).format(civ=d["civ"]),
            "signature": [rng.choice(("Le Directeur", "La Directrice", "Pour le directeur et par délégation")), d["agent"]],
            "footer": rng.choice((" — ", " — ", " • ", ", ")).join((d["body_name"], d["body_street"], f"{d['body_postal_code']} {d['body_city']}"))}


_DECISION_FIELDS = ("claimant.first_name", "claimant.last_name", "claimant.address", "claimant.postal_code", "claimant.city",
                    "claimant.file_number", "organism.kind", "organism.name", "organism.address", "decision.date")


def _decision(i: int, seed: int) -> Sample:
    rng = random.Random(f"decision:{seed}:{i}")
    body = list(BENEFITS)[i % len(BENEFITS)]
    benefit = rng.choice(BENEFITS[body])
    situation = rng.choice(_situations(body, benefit))
    d, known = _facts(rng, body)
    medical_ok = benefit in ("indemnites_journalieres", "retraite") and body in ("cpam", "msa", "carsat") and situation != "penalty"
    flags = {"reasons": rng.random() < 0.7, "appeal": rng.random() < 0.65, "algorithm": rng.random() < 0.2,
             "medical": medical_ok and rng.random() < 0.6, "control": rng.random() < 0.35, "heard": rng.random() < 0.3,
             "fraud": rng.choice((None, None, None, True, False)) if situation in ("overpayment", "penalty", "sanction") else None,
             "withholding": situation == "overpayment" and rng.random() < 0.6}
    style_no = rng.randrange(3)
    style = _styles(body)[style_no]
    title, paras, appeal = _decision_text(rng, d, body, benefit, situation, flags)
    if rng.random() < 0.3:  # the personal-data notice many letters print: not the decision's algorithm nor its ground
        paras.append(rng.choice(PRIVACY_NOTICES))
    data = {**_layout_data(rng, d, body, style), "title": title, "paras": paras, "appeal": appeal}
    pdf = _compile(_typst(style), data)
    text, pages = _text(pdf)
    expected: dict[str, Any] = {k: known[k] for k in _DECISION_FIELDS}
    ignore = set()
    if d["complement"]:
        ignore.add("claimant.address")  # two address lines: either reading is fair
    named = _named(_votre(benefit))
    if not any(named.casefold() in part.casefold() for part in (title, *paras)):
        # « Votre demande est rejetée. », « Une pénalité … vous est infligée. »: a letter that
        # names no benefit; no reader can propose one, the person answers it
        ignore.add("benefit")
    expected.update({"benefit": benefit, "situation": situation, "decision.reasons_given": flags["reasons"],
                     "decision.appeal_info_given": flags["appeal"], "decision.algorithm_mentioned": flags["algorithm"]})
    if situation in ("overpayment", "reduction", "sanction"):
        expected["context.amount_eur"] = known["context.amount_eur"]
    if situation == "penalty":
        ignore.add("context.amount_eur")  # a fine is neither an overpayment nor a monthly loss
    if flags["withholding"]:
        expected["context.withholding_eur"] = known["context.withholding_eur"]
    if flags["medical"]:
        expected["decision.ground"] = "medical"
    if flags["control"] or flags["algorithm"]:
        expected["context.after_control"] = True
    if flags["heard"]:
        expected["context.heard_before"] = True
    if flags["fraud"] is not None:
        expected["context.fraud_alleged"] = flags["fraud"]
    return Sample(f"d{seed}-{i:04d}", body, "decision", f"{body}-{style_no}", text, expected, pdf, pages, frozenset(ignore))


def _answer(i: int, seed: int) -> Sample:
    rng = random.Random(f"answer:{seed}:{i}")
    body = list(BENEFITS)[(i + i // len(ANSWER_KINDS)) % len(BENEFITS)]
    kind = ANSWER_KINDS[i % len(ANSWER_KINDS)]
    d, _ = _facts(rng, body)
    style_no = rng.randrange(3)
    style = _styles(body)[style_no]
    asked = rng.choice(("les explications de la décision prise à votre égard", "la communication de votre dossier",
                        "les règles et les données du traitement algorithmique utilisé", "la copie du rapport de contrôle"))
    paras = [f"Nous avons bien reçu votre courrier du {d['letter_date_long']} par lequel vous nous demandez {asked}.",
             rng.choice(ANSWER_TEXT[kind])]
    data = {**_layout_data(rng, d, body, style), "title": rng.choice((f"Objet : votre demande du {d['letter_date_long']}",
                                                                       "Réponse à votre courrier", "Objet : votre réclamation")),
            "paras": paras, "appeal": None}
    pdf = _compile(_typst(style), data)
    text, pages = _text(pdf)
    return Sample(f"a{seed}-{i:04d}", body, "answer", f"{body}-{style_no}-answer", text, {"answer.kind": kind}, pdf, pages)


# --- Held-out layouts --------------------------------------------------------------------------

@lru_cache(maxsize=2)
def _held_out_layouts(folder: Path = HELD_OUT) -> dict[str, dict[str, Any]]:
    import yaml

    return yaml.safe_load((folder / "layouts.yaml").read_text(encoding="utf-8"))




def _own_people(rng: random.Random, d: dict, known: dict, folder: Path) -> None:
    """A later held-out set's own people (its people.yaml) and the formats the training
    generator never prints: « 3 nov. 2026 », « 3-11-2026 », « 03.11.2026 », « 1234.56 EUR »,
    « 1234,56 » in a column headed in euros, a repayment plan's first instalments."""
    import yaml

    people = yaml.safe_load((folder / "people.yaml").read_text(encoding="utf-8"))
    first, last = rng.choice(people["women" if d["woman"] else "men"]), rng.choice(people["last"])
    d.update(first_name=first, last_name=last)
    known.update({"claimant.first_name": first, "claimant.last_name": last})
    on = dt.date.fromisoformat(known["decision.date"])
    amount, withholding = known["context.amount_eur"], known["context.withholding_eur"]
    d["date_abbr"] = _short(on)
    d["date_dash"] = f"{on.day}-{on.month}-{on.year}"
    d["date_dot"] = on.strftime("%d.%m.%Y")
    d["amount_dot"] = f"{amount:.2f} EUR"
    d["withholding_dot"] = f"{withholding:.2f} EUR"
    d["amount_plain"] = f"{amount:.2f}".replace(".", ",")
    d["withholding_plain"] = f"{withholding:.2f}".replace(".", ",")
    schedule, left, month = [], round(amount, 2), (on.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    while left > 0 and len(schedule) < 3:
        due = min(withholding, left)
        schedule.append([f"{MONTHS[month.month - 1]} {month.year}", f"{due:.2f}".replace(".", ",")])
        left, month = round(left - due, 2), (month + dt.timedelta(days=32)).replace(day=1)
    d["schedule"] = schedule


def _held_out(i: int, seed: int, number: int = 1) -> Sample:
    folder = HELD_OUT_SETS[number]
    layouts = _held_out_layouts(folder)
    name = sorted(layouts)[i % len(layouts)]
    spec = layouts[name]
    rng = random.Random(f"heldout{number}:{seed}:{i}" if number > 1 else f"heldout:{seed}:{i}")
    deps = tuple(spec["deps"]) if spec.get("deps") else None
    d, known = _facts(rng, spec["body"], deps)
    d["complement"] = None
    if number > 1:
        _own_people(rng, d, known, folder)
    source = (folder / f"{name}.typ").read_bytes()
    pdf = _compile(source, d, folder)
    text, pages = _text(pdf)
    if spec["kind"] == "answer":
        expected: dict[str, Any] = {"answer.kind": spec["answer"]}
    else:
        expected = {k: known[k] for k in spec["prints"]}
        if b"d.body_street" in source:  # every held-out decision prints its sender's address
            expected["organism.address"] = known["organism.address"]
        expected.update({"organism.kind": spec["body"], "benefit": spec["benefit"], "situation": spec["situation"]})
        expected.update(spec["expected"])
    return Sample(f"{_SET_PREFIX[number]}{seed}-{i:04d}", spec["body"], spec["kind"], name, text, expected, pdf, pages)


def letter(i: int, seed: int = 0, held_out: Union[bool, int] = False) -> Sample:
    """The `i`-th letter of `letters(…, seed, held_out)`, made alone (a bench worker's share).
    `held_out`: True or 1 for bench/read_heldout/, 2 for bench/read_heldout2/, 3 for
    bench/read_heldout3/, 4 for bench/read_heldout4/, 5 for bench/read_heldout5/, 6 for
    bench/read_heldout6/, 7 for bench/read_heldout7/, 8 for bench/read_heldout8/."""
    if held_out:
        return _held_out(i, seed, int(held_out))
    return _answer(i // 5, seed) if i % 5 == 4 else _decision(i - i // 5, seed)


def letters(n: int, seed: int = 0, held_out: Union[bool, int] = False) -> list[Sample]:
    """`n` invented letters (one answer letter for four decisions), deterministic by `seed`."""
    return [letter(i, seed, held_out) for i in range(n)]


def amina_decision() -> Sample:
    """A decision like Amina's (CONTRACT §1): the CAF de Loire-Atlantique suspends her RSA, with
    neither reasons nor appeal route, dated 2 October 2026."""
    style = _styles("caf")[0]
    d = {"civ": "Madame", "civ_short": "Mme", "first_name": "Amina", "last_name": "Benali", "street": "12 rue des Lilas",
         "complement": None, "postal_code": "44000", "city": "Nantes", "file_number": "1234567",
         "body_name": "CAF de Loire-Atlantique", "body_street": "22 rue de Malville", "body_postal_code": "44000", "body_city": "Nantes",
         "date_long": "2 octobre 2026", "date_num": "02/10/2026", "ref": "DOS-2026-4471", "agent": "Mme Leroy"}
    data = {"logo": "caf", "banner": d["body_name"], "body_name": d["body_name"], "sender": [d["body_name"], d["body_street"], "44000 Nantes"],
            "refs": ["N° allocataire : 1234567", "Référence : DOS-2026-4471"] + (["Date du courrier : 02/10/2026"] if style.date == "refs" else []),
            "recipient": ["Madame Amina BENALI", "12 rue des Lilas", "44000 NANTES"],
            "place_date": "Nantes, le 2 octobre 2026", "salutation": "Madame,", "title": "Objet : suspension de votre revenu de solidarité active (RSA)",
            "paras": ["Le versement de votre revenu de solidarité active (RSA) est suspendu à compter du 1er novembre 2026.",
                      "Pour tout renseignement, connectez-vous à votre espace personnel sur caf.fr."],
            "appeal": None, "appeal_head": "", "closing": "Nous vous prions d'agréer, Madame, l'expression de nos salutations distinguées.",
            "signature": ["Le Directeur"], "footer": "CAF de Loire-Atlantique — 22 rue de Malville — 44000 Nantes"}
    pdf = _compile(_typst(style), data)
    text, pages = _text(pdf)
    expected = {"claimant.first_name": "Amina", "claimant.last_name": "Benali", "claimant.address": "12 rue des Lilas",
                "claimant.postal_code": "44000", "claimant.city": "Nantes", "claimant.file_number": "1234567",
                "organism.kind": "caf", "organism.name": "CAF de Loire-Atlantique", "organism.address": "22 rue de Malville, 44000 Nantes",
                "benefit": "rsa", "situation": "suspension", "decision.date": "2026-10-02", "decision.reasons_given": False,
                "decision.appeal_info_given": False, "decision.algorithm_mentioned": False}
    return Sample("amina", "caf", "decision", "caf-0", text, expected, pdf, pages)


# --- Degradations ------------------------------------------------------------------------------

def _page_image(pdf: bytes, page: int, dpi: float, gray: bool = False):
    import numpy as np
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        image = doc[page].render(scale=dpi / 72, grayscale=gray).to_pil()
    finally:
        doc.close()
    return np.asarray(image.convert("L" if gray else "RGB"))


def page_count(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


@dataclass(frozen=True)
class PhotoParams:
    rotation: float        # degrees, |rotation| ≤ 10
    corners: tuple[float, ...]  # perspective: 8 corner offsets, fractions of the page size
    blur: float            # Gaussian sigma in pixels
    motion: int            # motion-blur length in pixels (0: none)
    light: float           # overall brightness factor (low light < 1)
    shadow: float          # darkest point of the shadow gradient (1: none)
    cast: float            # a soft-edged shadow cast by the phone or a hand: how much it darkens (0: none)
    noise: float           # sensor noise sigma
    quality: int           # JPEG quality, 40–70
    dpi: float             # the page's resolution in the photo


def photo_params(seed: int) -> PhotoParams:
    rng = random.Random(f"photo:{seed}")
    return PhotoParams(rotation=rng.uniform(-PHOTO_MAX_ROTATION, PHOTO_MAX_ROTATION),
                       corners=tuple(rng.uniform(-0.04, 0.04) for _ in range(8)),
                       blur=rng.uniform(0.3, 1.4), motion=rng.choice((0, 0, 3, 5)), light=rng.uniform(0.55, 1.0),
                       shadow=rng.uniform(0.45, 0.95), cast=rng.choice((0.0, rng.uniform(0.2, 0.45))),
                       noise=rng.uniform(2.0, 8.0),
                       quality=rng.randint(*PHOTO_JPEG_QUALITY), dpi=rng.uniform(150, 220))


def photo(pdf: bytes, seed: int, page: int = 0) -> bytes:
    """A phone photo of one page: JPEG bytes (see PhotoParams for what is drawn)."""
    import cv2
    import numpy as np

    p = photo_params(seed * 131 + page)
    rng = np.random.default_rng(seed * 131 + page)
    page_img = _page_image(pdf, page, p.dpi)
    h, w = page_img.shape[:2]
    # The page on a table: a textured background with a margin around it.
    margin = int(0.12 * max(h, w))
    H, W = h + 2 * margin, w + 2 * margin
    base = rng.uniform(60, 160, size=3)
    background = np.clip(base + rng.normal(0, 12, size=(H // 8 + 1, W // 8 + 1, 3)), 0, 255).astype(np.uint8)
    background = cv2.resize(background, (W, H), interpolation=cv2.INTER_LINEAR)
    # Perspective then rotation of the page's corners around the canvas centre.
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    offsets = np.float32(p.corners).reshape(4, 2) * np.float32([w, h])
    dst = src + offsets + np.float32([margin, margin])
    centre = np.float32([W / 2, H / 2])
    a = np.deg2rad(p.rotation)
    rot = np.float32([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    dst = (dst - centre) @ rot.T + centre
    matrix = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    warped = cv2.warpPerspective(page_img, matrix, (W, H), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), matrix, (W, H), flags=cv2.INTER_NEAREST)
    img = np.where(mask[..., None] > 0, warped, background).astype(np.float32)
    # Light: low light overall, a shadow gradient across the page, a warm tint.
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (np.float32(np.cos(angle)) * np.arange(W, dtype=np.float32)[None, :] / W
            + np.float32(np.sin(angle)) * np.arange(H, dtype=np.float32)[:, None] / H)
    ramp = (ramp - ramp.min()) / max(float(ramp.max() - ramp.min()), 1e-6)
    light = p.light * (p.shadow + (1 - p.shadow) * ramp)
    if p.cast:
        small = np.zeros((H // 8, W // 8), np.float32)
        centre_xy = (int(rng.uniform(0, W // 8)), int(rng.choice((0, H // 8))))
        axes = (int(rng.uniform(0.3, 0.6) * W // 8), int(rng.uniform(0.2, 0.4) * H // 8))
        cv2.ellipse(small, centre_xy, axes, float(rng.uniform(0, 180)), 0, 360, 1.0, -1)
        small = cv2.GaussianBlur(small, (0, 0), max(W // 8, 8) / 40)
        light *= 1 - p.cast * cv2.resize(small, (W, H), interpolation=cv2.INTER_LINEAR)
    img *= light[..., None]
    img *= np.float32([1.0, 0.97, 0.9])
    # Blur (focus and hand movement), then sensor noise.
    img = cv2.GaussianBlur(img, (0, 0), p.blur)
    if p.motion:
        kernel = np.zeros((p.motion, p.motion), np.float32)
        kernel[p.motion // 2, :] = 1.0 / p.motion
        img = cv2.filter2D(img, -1, kernel)
    img += (rng.standard_normal((H, W), dtype=np.float32) * np.float32(p.noise))[..., None]  # luminance noise
    out = np.clip(img, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(out, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, p.quality])
    assert ok
    return jpeg.tobytes()


def photos(pdf: bytes, seed: int) -> list[bytes]:
    """A phone photo of every page."""
    return [photo(pdf, seed, i) for i in range(page_count(pdf))]


@dataclass(frozen=True)
class ScanParams:
    dpi: int
    skew: float
    noise: float
    specks: int
    contrast: float


def scan_params(seed: int) -> ScanParams:
    rng = random.Random(f"scan:{seed}")
    return ScanParams(dpi=rng.choice((200, 240, 300)), skew=rng.uniform(-SCAN_MAX_SKEW, SCAN_MAX_SKEW),
                      noise=rng.uniform(2.0, 6.0), specks=rng.randint(0, 400), contrast=rng.uniform(0.85, 1.0))


def scan(pdf: bytes, seed: int, page: int = 0) -> bytes:
    """An office scan of one page: grayscale PNG bytes at 200–300 dpi, slightly skewed, noisy."""
    import cv2
    import numpy as np
    from PIL import Image

    p = scan_params(seed * 131 + page)
    rng = np.random.default_rng(seed * 131 + page)
    img = _page_image(pdf, page, p.dpi, gray=True).astype(np.float32)
    h, w = img.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), p.skew, 1.0)
    img = cv2.warpAffine(img, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255.0)
    img = 255 - (255 - img) * p.contrast
    img += rng.standard_normal(img.shape, dtype=np.float32) * np.float32(p.noise)
    ys, xs = rng.integers(0, h, p.specks), rng.integers(0, w, p.specks)
    img[ys, xs] = rng.uniform(0, 120, p.specks)
    out = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "L")
    buffer = io.BytesIO()
    out.save(buffer, "PNG", dpi=(p.dpi, p.dpi), compress_level=1)
    return buffer.getvalue()


def scans(pdf: bytes, seed: int) -> list[bytes]:
    """An office scan of every page."""
    return [scan(pdf, seed, i) for i in range(page_count(pdf))]

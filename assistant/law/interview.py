"""The guided interview as data: screens, questions, when each one shows, and how the
answers become a case file (CONTRACT §1).

Pages only render these questions; every wording is here, marked with `N_` so that
the catalogues in `assistant/locale/` translate it. A question's `id` is the dotted
path of the case field it fills (`decision.received_on`), or a `ui.` id for a screen
helper that is not part of the case (e.g. "have you already asked for an explanation?").

Answers are kept as the person typed them (dates as `date`, yes/no as "yes" / "no" /
"unknown", amounts as the typed text); `case_dict` turns them into the case, mapping
"je ne sais pas" to null, so that the engine assumes what protects the person.
"""

from __future__ import annotations

import datetime as dt
import re
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Literal, Optional

from babel.dates import format_date
from pydantic import BaseModel

from assistant.core.formatting import long_date
from assistant.core.i18n import N_
from assistant.law import bodies, places
from assistant.law.model import (
    BENEFITS_BY_ORGANISM, DECISION_DAY_PATHS, RECIPIENT_ADDRESS_FIELDS, SITUATIONS_BY_ORGANISM, Case, InvalidCase,
    OrganismKind, Problem, decision_day, parse_case,
)
from assistant.law.appeals import commune_problem, require_commune

Answers = dict[str, Any]
Kind = Literal["choice", "tristate", "yesno", "date", "amount", "text", "longtext"]

YES, NO, UNKNOWN = "yes", "no", "unknown"


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Hint:
    """A short help shown under a question (not hidden in a tooltip), when `show_if` holds."""

    text: str
    show_if: Optional[Callable[[Answers], bool]] = None

    def visible(self, answers: Answers) -> bool:
        return self.show_if is None or bool(self.show_if(answers))


@dataclass(frozen=True)
class Question:
    id: str
    label: str
    kind: Kind
    help: Optional[str] = None
    options: tuple[Option, ...] = ()
    unknown_allowed: bool = False      # offers "Je ne sais pas" (→ null in the case)
    required: bool = False             # the case is impossible without it
    placeholder: Optional[str] = None
    show_if: Optional[Callable[[Answers], bool]] = None
    # For `ui.` helpers: how to answer them from an existing case (dict).
    from_case: Optional[Callable[[dict], Any]] = None
    hints: tuple[Hint, ...] = ()
    # An answer → the case value, when it is not the plain one (yes → "medical").
    case_values: tuple[tuple[str, Any], ...] = ()
    max_chars: Optional[int] = None   # when the case model does not say it (see `limit`)

    @property
    def in_case(self) -> bool:
        return not self.id.startswith("ui.")

    @property
    def limit(self) -> Optional[int]:
        """How many characters the field takes: the case model's `max_length` (one source)."""
        if self.kind == "date":
            return DATE_CHARS
        if self.kind not in ("text", "longtext"):
            return self.max_chars
        return self.max_chars or (model_max_length(self.id) if self.in_case else None)

    def visible(self, answers: Answers) -> bool:
        return self.show_if is None or bool(self.show_if(answers))


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    questions: tuple[Question, ...]
    intro: Optional[str] = None
    show_if: Optional[Callable[[Answers], bool]] = None
    # What the screen is about, as a noun phrase: « Modifier : la décision et ses dates ».
    subject: Optional[str] = None

    def visible(self, answers: Answers) -> bool:
        return self.show_if is None or bool(self.show_if(answers))

    def visible_questions(self, answers: Answers) -> list[Question]:
        return [q for q in self.questions if q.visible(answers)]


# --- Options -----------------------------------------------------------------------------

# The interface's words for each body and benefit of the registry (translated in
# assistant/locale/); the lists themselves, and their order, are the registry's.
ORGANISM_LABELS = {
    "caf": N_("La CAF (caisse d'allocations familiales)"),
    "msa": N_("La MSA (mutualité sociale agricole)"),
    "france_travail": N_("France Travail (ex-Pôle emploi)"),
    "cpam": N_("La CPAM (assurance maladie)"),
    "carsat": N_("La CARSAT (retraite)"),
    "departement": N_("Le conseil départemental (le département)"),
    "mdph": N_("La MDPH (maison départementale des personnes handicapées)"),
}

BENEFIT_LABELS = {
    "rsa": N_("RSA (revenu de solidarité active)"),
    "prime_activite": N_("Prime d'activité"),
    "apl": N_("APL (aide personnalisée au logement)"),
    "als": N_("ALS (allocation de logement sociale)"),
    "alf": N_("ALF (allocation de logement familiale)"),
    "aah": N_("AAH (allocation aux adultes handicapés)"),
    "allocations_familiales": N_("Allocations familiales"),
    "paje": N_("PAJE (prestation d'accueil du jeune enfant)"),
    "asf": N_("ASF (allocation de soutien familial)"),
    "complement_familial": N_("Complément familial"),
    "ars": N_("Allocation de rentrée scolaire"),
    "are": N_("Allocation chômage (ARE)"),
    "ass": N_("ASS (allocation de solidarité spécifique)"),
    "indemnites_journalieres": N_("Indemnités journalières (arrêt maladie)"),
    "css": N_("Complémentaire santé solidaire (CSS)"),
    "retraite": N_("Retraite"),
    "aspa": N_("ASPA (minimum vieillesse)"),
    "prime_noel": N_("Prime de Noël (aide exceptionnelle de fin d'année)"),
    "aeeh": N_("AEEH (allocation d'éducation de l'enfant handicapé)"),
    "pch": N_("PCH (prestation de compensation du handicap)"),
    "apa": N_("APA (allocation personnalisée d'autonomie)"),
    "autre": N_("Une autre aide"),
}


def organism_choices() -> tuple[Option, ...]:
    """Every body of the registry; one without an interface label yet shows its short name
    (tests/test_registry.py names it)."""
    return tuple(Option(k, ORGANISM_LABELS.get(k) or bodies.organism(k)["short"]) for k in bodies.organism_kinds())


def benefit_choices() -> tuple[Option, ...]:
    """Every benefit of the registry (same rule for labels)."""
    return tuple(Option(b, BENEFIT_LABELS.get(b) or bodies.benefit_words(b)["short"]) for b in bodies.benefit_ids())


def __getattr__(name: str) -> Any:
    # ORGANISMS / BENEFITS are read from the registry when asked, so a body or benefit
    # added to it is offered with no change here.
    if name == "ORGANISMS":
        return organism_choices()
    if name == "BENEFITS":
        return benefit_choices()
    raise AttributeError(name)


SITUATIONS = (
    Option("suspension", N_("Mes paiements sont suspendus ou bloqués")),
    Option("reduction", N_("Le montant a baissé")),
    Option("overpayment", N_("On me réclame de l'argent (un trop-perçu, un « indu »)")),
    Option("refusal", N_("Ma demande a été refusée")),
    Option("termination", N_("On m'a supprimé l'aide")),
    Option("sanction", N_("On m'a sanctionné : mes paiements sont suspendus ou coupés (sanction, radiation)")),
    Option("penalty", N_("On m'a infligé une amende ou une pénalité")),
)

TRISTATE = (Option(YES, N_("Oui")), Option(NO, N_("Non")), Option(UNKNOWN, N_("Je ne sais pas")))
YESNO = (Option(YES, N_("Oui")), Option(NO, N_("Non")))

# Words people type for a choice besides its code and its label (an association's
# spreadsheet, assistant/associations/batch.py); compared without case, accents or punctuation.
TYPED_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "organism.kind": {
        "france_travail": ("Pôle emploi",),
        "departement": ("conseil général", "CD"),
        "mdph": ("CDAPH",),
    },
    "benefit": {
        "are": ("chômage", "allocation de retour à l'emploi", "allocations chômage"),
        "indemnites_journalieres": ("IJ", "indemnités journalières maladie"),
        "allocations_familiales": ("AF",),
        "css": ("CMU-C", "CMU complémentaire", "ACS"),
        "retraite": ("pension de retraite",),
        "autre": ("autre",),
    },
    "situation": {
        "suspension": ("suspension", "suspendu", "blocage", "paiements suspendus"),
        "reduction": ("réduction", "baisse", "diminution"),
        "overpayment": ("trop-perçu", "indu", "récupération d'indu", "dette", "remboursement"),
        "refusal": ("refus", "rejet", "demande refusée"),
        "termination": ("suppression", "fin de droit", "fin de droits", "fin de l'aide"),
        "sanction": ("sanction", "radiation"),
        "penalty": ("pénalité", "amende"),
    },
    "decision.ground": {
        "medical": ("médical", "médicale", "avis médical", "médecin-conseil"),
        "administrative": ("administratif", "administrative"),
    },
}


def case_choices(path: str) -> tuple[Option, ...]:
    """A closed field's values in the case file (codes) with the interview's labels, in the
    interview's order: the spreadsheet's drop-down lists show these labels."""
    if path == "organism.kind":
        return organism_choices()
    if path == "benefit":
        return benefit_choices()
    if path == "situation":
        return SITUATIONS
    question = QUESTIONS[path]
    values = dict(question.case_values)
    return tuple(Option(values[o.value], o.label) for o in question.options if o.value in values)


def fold_words(text: str) -> str:
    """« Trop-perçu », « trop percu », « TROP_PERÇU » → « trop percu »."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", str(text).casefold().replace("’", "'"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


_ARTICLE = re.compile(r"^(la|le|les|l|un|une|mon|ma|mes) ")


def choice_words(path: str) -> dict[str, str]:
    """Folded word → case value, for a closed field: the code, the label, the label's parts
    before and inside its brackets (« RSA », « revenu de solidarité active »), the registry's
    short name, and TYPED_WORDS; a leading article is optional (« La CAF », « CAF »).
    Follows the registry (a body added there is read at once)."""
    def short(value: str) -> str:
        if path == "organism.kind":
            return bodies.organism(value)["short"]
        return bodies.benefit_words(value)["short"] if path == "benefit" else ""

    return _choice_words(path, tuple((o.value, o.label, short(o.value)) for o in case_choices(path)))


@lru_cache(maxsize=16)
def _choice_words(path: str, choices: tuple[tuple[str, str, str], ...]) -> dict[str, str]:
    words: dict[str, str] = {}
    for value, label, short in choices:
        for text in [value, label, *re.split(r"[()]", label), short, *TYPED_WORDS.get(path, {}).get(value, ())]:
            folded = fold_words(text)
            for word in {folded, _ARTICLE.sub("", folded)} - {""}:
                words.setdefault(word, value)
    return words


def read_choice(path: str, text: str) -> Optional[str]:
    """The case value a typed choice means (code, label or usual word), None if none."""
    folded = fold_words(text)
    words = choice_words(path)
    return words.get(folded) or words.get(_ARTICLE.sub("", folded))


def benefit_options(answers: Answers) -> tuple[Option, ...]:
    """Only the benefits the chosen body can decide on: an impossible pair cannot be picked."""
    kind = answers.get("organism.kind")
    if kind not in bodies.organism_kinds():
        return benefit_choices()
    allowed = {b.value for b in BENEFITS_BY_ORGANISM[OrganismKind(kind)]}
    if kind in bodies.registry()["overseas_shared"]:
        # Overseas one caisse (CGSS, CSSM) pays health and pensions: offer both and let
        # the case validation (model.allowed_benefits, which knows the postal code) decide.
        for other in bodies.registry()["overseas_shared"]:
            allowed |= {b.value for b in BENEFITS_BY_ORGANISM[OrganismKind(other)]}
    return tuple(o for o in benefit_choices() if o.value in allowed)


def situation_options(answers: Answers) -> tuple[Option, ...]:
    """Only what the chosen body can decide (the MDPH neither recovers money nor fines)."""
    kind = answers.get("organism.kind")
    if kind not in bodies.organism_kinds():
        return SITUATIONS
    allowed = {s.value for s in SITUATIONS_BY_ORGANISM[OrganismKind(kind)]}
    return tuple(o for o in SITUATIONS if o.value in allowed)


# --- Conditions -------------------------------------------------------------------------


def _written(a: Answers) -> bool:
    return a.get("decision.received") != NO


def _not_written(a: Answers) -> bool:
    return a.get("decision.received") == NO


def _silent_refusal(a: Answers) -> bool:
    # A request left unanswered: its date and its acknowledgement decide whether the time
    # limit against the refusal born of silence runs (CRPA L112-6, CSS R142-1-A III).
    return a.get("decision.received") == NO and a.get("situation") == "refusal"


def _body_chosen(a: Answers) -> bool:
    # The list of benefits depends on the body: shown once the body is chosen.
    return a.get("organism.kind") is not None


def _done(gate: str) -> Callable[[Answers], bool]:
    return lambda a: a.get(gate) == YES


# Where a decision may rest on the médecin-conseil's opinion: the engine's own pairs, so
# that the question is asked exactly where the answer changes the route.
def _ground_matters(a: Answers) -> bool:
    kind, benefit = a.get("organism.kind"), a.get("benefit")
    return (kind in bodies.organism_kinds() and benefit in bodies.benefit_ids()
            and bodies.body(kind).medical_board and bodies.benefit(benefit).medical_ground)


def commune_ambiguity(a: Answers) -> Optional[places.Ambiguity]:
    """Postcode and city as typed leave several communes that differ in authority on the
    decision's date or in holidays (`places.ambiguity`): then the commune is asked."""
    postal_code = str(a.get("claimant.postal_code") or "").strip()
    if not re.fullmatch(r"\d{5}", postal_code):
        return None
    dates = [a.get(path) if QUESTIONS[path].visible(a) else None for path in DECISION_DAY_PATHS]
    return _ambiguity(postal_code, str(a.get("claimant.city") or ""), decision_day(*dates, reference=dt.date.today()))


@lru_cache(maxsize=64)
def _ambiguity(postal_code: str, city: str, on: dt.date) -> Optional[places.Ambiguity]:
    # Asked several times for each screen drawn; a CEDEX postcode makes it a search.
    return places.ambiguity(postal_code, city, on)


def _commune_matters(a: Answers) -> bool:
    """Asked only when the candidates would change where this person's appeal goes
    (`appeals.commune_problem`); when the answers do not make a case yet, asked to be safe."""
    if _PROBING.get() or commune_ambiguity(a) is None:
        return False
    without = {k: v for k, v in a.items() if k != "claimant.commune_code"}
    token = _PROBING.set(True)    # the case below is built without this question
    try:
        case = parse_case(partial_case_dict(without))
    except InvalidCase:
        return True
    finally:
        _PROBING.reset(token)
    return commune_problem(case) is not None


_PROBING: ContextVar[bool] = ContextVar("commune_probe", default=False)


def commune_options(a: Answers) -> tuple[Option, ...]:
    """The candidate communes, by name (with the postcode when two share a name)."""
    found = commune_ambiguity(a)
    if found is None:
        return ()
    names = [c.name for c in found.candidates]
    return tuple(Option(c.code, c.name if names.count(c.name) == 1 else f"{c.name} ({c.postal_code}, {c.code})")
                 for c in found.candidates)


def _dated(path: str) -> Callable[[dict], Any]:
    def answer(case: dict) -> str:
        return YES if _get(case, path) else NO
    return answer


# --- The screens, in order ---------------------------------------------------------------

STEPS: tuple[Step, ...] = (
    Step("organism", N_("Qui a pris la décision ?"), (
        Question("organism.kind", N_("Quel organisme vous verse (ou vous refuse) l'aide ?"), "choice",
                 options=organism_choices(), required=True,
                 help=N_("C'est l'organisme dont le logo figure sur le courrier ou sur votre espace en ligne."),
                 hints=(Hint(N_("La MDPH décide, la CAF paie : si la décision vient de la CDAPH, choisissez la MDPH.")),)),
        Question("benefit", N_("L'aide concernée"), "choice", options=benefit_choices(), required=True, show_if=_body_chosen,
                 help=N_("Si plusieurs aides sont touchées, choisissez la plus importante pour vous ; vous pourrez refaire le parcours pour une autre.")),
        Question("organism.name", N_("Son nom exact, si vous le connaissez (facultatif)"), "text",
                 placeholder=N_("Par exemple : CAF du Rhône"),
                 help=N_("Il apparaît en haut du courrier. Sinon, nous le déduisons de votre code postal.")),
    ), subject=N_("l'organisme et l'aide")),
    Step("situation", N_("Que s'est-il passé ?"), (
        Question("situation", N_("Ce qui vous arrive"), "choice", options=SITUATIONS, required=True),
        Question("decision.ground", N_("La décision s'appuie-t-elle sur l'avis du médecin-conseil ?"),
                 "tristate", options=TRISTATE, unknown_allowed=True, show_if=_ground_matters,
                 case_values=((YES, "medical"), (NO, "administrative")),
                 help=N_("Par exemple : un arrêt de travail jugé non justifié, un taux d'invalidité, une inaptitude. La décision cite alors le médecin-conseil ou le service médical.")),
        Question("context.amount_eur", N_("Montant en euros (somme réclamée, ou montant perdu par mois) — facultatif"), "amount",
                 placeholder=N_("Par exemple : 1 234,50"),
                 help=N_("Des chiffres seulement. Laissez vide si vous ne savez pas.")),
        Question("context.withholding_eur", N_("Combien vous retient-on chaque mois sur vos aides pour rembourser ? (facultatif)"), "amount",
                 placeholder=N_("Par exemple : 100"),
                 help=N_("Des chiffres seulement. Laissez vide s'il n'y a pas de retenue."),
                 show_if=lambda a: a.get("situation") == "overpayment"),
    ), subject=N_("ce qui s'est passé et les montants")),
    Step("decision", N_("La décision et ses dates"), (
        Question("decision.received", N_("Avez-vous reçu un courrier, un e-mail ou un message sur votre espace en ligne qui annonce la décision ?"),
                 "tristate", options=TRISTATE, unknown_allowed=True,
                 help=N_("Si vous n'avez rien reçu, vos droits sont les mêmes. Si votre demande est restée sans réponse, nous vous demanderons sa date.")),
        Question("decision.date", N_("Date écrite sur la décision"), "date", unknown_allowed=True, show_if=_written,
                 help=N_("En général en haut du courrier, près du lieu.")),
        Question("decision.received_on", N_("Date à laquelle vous l'avez reçue"), "date", unknown_allowed=True, show_if=_written,
                 help=N_("C'est elle qui fait partir le délai pour contester. Si vous ne savez plus, nous prenons la date de la décision, par prudence.")),
        Question("context.started_on", N_("Date à laquelle les paiements se sont arrêtés ou ont changé"), "date",
                 unknown_allowed=True, show_if=_not_written),
        Question("decision.request_filed_on", N_("Date à laquelle vous avez déposé la demande restée sans réponse"), "date",
                 unknown_allowed=True, show_if=_silent_refusal,
                 help=N_("Elle figure sur l'accusé de réception de votre demande. Sans réponse pendant un certain temps, la demande est refusée : nous calculons cette date pour vous.")),
        Question("decision.acknowledgement_states_time_limits",
                 N_("L'accusé de réception de votre demande indique-t-il comment contester un refus et dans quel délai ?"),
                 "tristate", options=TRISTATE, unknown_allowed=True, show_if=_silent_refusal,
                 help=N_("S'il l'indique, le délai pour contester court dès que le silence vaut refus. Si vous ne savez pas, nous comptons ce délai par prudence.")),
    ), intro=N_("Regardez le courrier ou le message si vous l'avez sous la main."), subject=N_("la décision et ses dates")),
    Step("decision_content", N_("Ce que dit la décision"), (
        Question("decision.reasons_given", N_("La décision explique-t-elle pourquoi (les faits et les textes appliqués) ?"),
                 "tristate", options=TRISTATE, unknown_allowed=True),
        Question("decision.appeal_info_given", N_("Dit-elle comment la contester et dans quel délai ?"),
                 "tristate", options=TRISTATE, unknown_allowed=True,
                 help=N_("Souvent en bas ou au dos du courrier : « voies et délais de recours ».")),
        Question("decision.algorithm_mentioned", N_("Dit-elle qu'elle a été prise à l'aide d'un traitement informatique (un algorithme) ?"),
                 "tristate", options=TRISTATE, unknown_allowed=True),
    ), show_if=_written, subject=N_("ce que dit la décision")),
    Step("control", N_("Avant la décision"), (
        Question("context.after_control", N_("Avez-vous eu un contrôle juste avant (visite, demande de justificatifs, vérification de vos données) ?"),
                 "tristate", options=TRISTATE, unknown_allowed=True),
        Question("context.heard_before", N_("Vous a-t-on prévenu avant, en vous laissant le temps de vous expliquer ?"),
                 "tristate", options=TRISTATE, unknown_allowed=True),
        Question("context.fraud_alleged", N_("L'organisme parle-t-il de fraude ou de fausse déclaration ?"),
                 "tristate", options=TRISTATE, unknown_allowed=True,
                 help=N_("Répondez selon ce que dit l'organisme, pas selon ce que vous pensez. Rien ici ne vous fait reconnaître quoi que ce soit.")),
    ), subject=N_("ce qui s'est passé avant la décision")),
    Step("history", N_("Ce que vous avez déjà fait"), (
        Question("ui.explanation_requested", N_("Avez-vous déjà demandé par écrit des explications à l'organisme ?"), "yesno",
                 options=YESNO, from_case=_dated("history.explanation_requested_on")),
        Question("history.explanation_requested_on", N_("Date de votre demande d'explications"), "date",
                 show_if=_done("ui.explanation_requested")),
        Question("ui.documents_requested", N_("Avez-vous déjà demandé votre dossier ou vos données ?"), "yesno",
                 options=YESNO, from_case=_dated("history.documents_requested_on")),
        Question("history.documents_requested_on", N_("Date de votre demande de documents"), "date",
                 show_if=_done("ui.documents_requested")),
        Question("ui.appeal_filed", N_("Avez-vous déjà contesté la décision (recours) ?"), "yesno",
                 options=YESNO, from_case=_dated("history.appeal_filed_on")),
        Question("history.appeal_filed_on", N_("Date de votre recours"), "date",
                 show_if=_done("ui.appeal_filed")),
    ), subject=N_("ce que vous avez déjà fait")),
    Step("own_words", N_("Votre situation, avec vos mots"), (
        Question("context.own_words", N_("Racontez en quelques phrases ce qui s'est passé (facultatif)"), "longtext",
                 help=N_("Ce texte sera repris tel quel dans vos courriers. Restez factuel ; inutile de parler de votre santé.")),
        # Each recipient's address is asked on the letters screen, under that recipient's name
        # (RECIPIENT_ADDRESS_FIELDS): one field here was printed under another body's name.
    ), subject=N_("vos mots")),
    Step("identity", N_("Pour écrire vos courriers"), (
        Question("claimant.first_name", N_("Prénom"), "text", required=True),
        Question("claimant.last_name", N_("Nom"), "text", required=True),
        Question("claimant.address", N_("Adresse (numéro et rue)"), "text", required=True),
        Question("claimant.postal_code", N_("Code postal"), "text", required=True, placeholder=N_("Par exemple : 44000"),
                 max_chars=5),
        Question("claimant.city", N_("Ville"), "text", required=True),
        Question("claimant.commune_code", N_("Quelle est votre commune ?"), "choice", required=True,
                 show_if=_commune_matters,
                 help=N_("Plusieurs communes ont ce code postal et elles ne dépendent pas toutes du même organisme ou des mêmes jours fériés : choisissez la vôtre. La ville que vous avez écrite reste telle quelle sur vos courriers.")),
        Question("claimant.file_number", N_("Numéro de dossier (numéro allocataire, identifiant France Travail ou numéro de sécurité sociale) — facultatif"), "text"),
        Question("claimant.email", N_("Adresse e-mail (facultatif)"), "text"),
        Question("claimant.phone", N_("Téléphone (facultatif)"), "text"),
    ), intro=N_("Ces informations servent uniquement à remplir vos courriers. Elles sont gardées chiffrées sur le serveur et effacées après quelques heures, ou tout de suite avec « Terminer et effacer »."),
        subject=N_("vos coordonnées")),
)

STEPS_BY_ID = {step.id: step for step in STEPS}
QUESTIONS = {q.id: q for step in STEPS for q in step.questions}


def visible_steps(answers: Answers) -> list[Step]:
    return [step for step in STEPS if step.visible(answers)]


# The screen whose answers every time limit is counted from (`deadlines.appeal_start`,
# `silence_start`), those answers, and the question saying whether the limit binds: unstated
# routes and time limits, it does not run (cja-R421-5, css-R142-1-A III).
DATES_STEP = "decision"
DATE_QUESTIONS = ("decision.received", "decision.date", "decision.received_on", "context.started_on",
                  "decision.request_filed_on", "decision.acknowledgement_states_time_limits")
STATED_QUESTION = "decision.appeal_info_given"


def deadline_answers_given(answers: Answers, past: bool = False) -> bool:
    """Whether a safe date may be said yet: every `DATE_QUESTIONS` shown answered (a date or
    « je ne sais pas »), else the date would be a guess (no receipt date typed yet means the
    decision's own date); and, for a date already past, whether the decision stated how to
    contest, else « passée » would be said of a limit that may not bind."""
    def answered(question: Question) -> bool:
        return answers.get(question.id) not in (None, "")

    shown = STEPS_BY_ID[DATES_STEP].visible_questions(answers)
    if not all(answered(q) for q in shown if q.id in DATE_QUESTIONS):
        return False
    stated = QUESTIONS[STATED_QUESTION]
    asked = any(stated in step.visible_questions(answers) for step in visible_steps(answers))
    return not past or not asked or answered(stated)


def options_for(question: Question, answers: Answers) -> tuple[Option, ...]:
    if question.id == "organism.kind":
        return organism_choices()
    if question.id == "benefit":
        return benefit_options(answers)
    if question.id == "situation":
        return situation_options(answers)
    if question.id == "claimant.commune_code":
        return commune_options(answers)
    return question.options


# --- Answers → case ---------------------------------------------------------------------

_AMOUNT_NOISE = re.compile(r"[\s\u00a0\u202f€]|eur(os?)?$", re.IGNORECASE)


def amount_value(text: Any) -> Any:
    """« 1 234,50 € » → 1234.5; anything not a number is passed on as typed, so that the
    case validation names the field in its message."""
    if text is None or isinstance(text, (int, float)):
        return text
    cleaned = _AMOUNT_NOISE.sub("", str(text)).replace(",", ".")
    if not cleaned:
        return None
    try:
        return float(cleaned)
    except ValueError:
        return str(text).strip()


def _case_value(question: Question, value: Any) -> Any:
    if value is None or value == UNKNOWN:
        return None
    if question.case_values:
        return dict(question.case_values).get(value)
    if question.kind in ("tristate", "yesno"):
        return {YES: True, NO: False}.get(value)
    if question.kind == "amount":
        return amount_value(value)
    if question.kind == "date":
        if isinstance(value, str):
            try:
                value = parse_date(value, question.id)
            except DateProblem:
                return value  # as typed: the case validation then names this field
        return value.isoformat() if isinstance(value, dt.date) else value
    if question.kind in ("text", "longtext"):
        text = str(value).strip()
        return text or None
    return value


def case_dict(answers: Answers, today: Optional[dt.date] = None) -> dict:
    """The case file built from the visible answers (hidden ones are ignored, not lost)."""
    case: dict = {}
    for step in visible_steps(answers):
        for question in step.visible_questions(answers):
            if not question.in_case:
                continue
            value = _case_value(question, answers.get(question.id))
            if question.id == "claimant.commune_code" and value not in {o.value for o in options_for(question, answers)}:
                continue  # chosen for another postcode or city: asked again
            if value is None and question.required and question.kind == "text":
                value = ""  # an empty required text: the message then names this very field
            elif value is None and (question.required or question.id not in answers):
                continue
            _set(case, question.id, value)
    for path in RECIPIENT_ADDRESS_FIELDS:  # typed on the letters screen, under each recipient's name
        value = str(answers.get(path) or "").strip()
        if value:
            _set(case, path, value)
    if today is not None:
        case["today"] = today.isoformat()
    return case


# Neutral values standing in for the screens not yet reached, so that the checks made
# when leaving a screen (a date in the future…) are not hidden by missing later answers.
# `autre` is a benefit every body may decide on.
PLACEHOLDERS = {
    "organism.kind": "caf", "benefit": "autre", "situation": "suspension",
    "claimant.first_name": "x", "claimant.last_name": "x", "claimant.address": "x",
    "claimant.postal_code": "75001", "claimant.city": "x",
}


def checked_case(answers: Answers, today: Optional[dt.date] = None) -> Case:
    """The case the answers make (InvalidCase otherwise), refused like a case file when the
    commune matters and is not chosen (`appeals.require_commune`)."""
    return require_commune(parse_case(case_dict(answers, today)))


def partial_case_dict(answers: Answers, today: Optional[dt.date] = None, keep: tuple[str, ...] = ()) -> dict:
    """Like `case_dict`, with placeholders for required answers outside `keep`."""
    case = case_dict(answers, today)
    for path, value in PLACEHOLDERS.items():
        if path not in keep and _get(case, path) in (None, ""):
            _set(case, path, value)
    return case


def answers_from_case(case: dict) -> Answers:
    """The answers a person with this case file would give (loading a saved case)."""
    answers: Answers = {}
    for question in QUESTIONS.values():
        if question.from_case is not None:
            answers[question.id] = question.from_case(case)
            continue
        if not question.in_case:
            continue
        value = _get(case, question.id)
        if question.case_values:
            answers[question.id] = {v: k for k, v in question.case_values}.get(value, UNKNOWN if question.unknown_allowed else None)
        elif question.kind in ("tristate", "yesno"):
            answers[question.id] = {True: YES, False: NO}.get(value, UNKNOWN if question.unknown_allowed else NO)
        elif question.kind == "date":
            answers[question.id] = dt.date.fromisoformat(value) if value else (UNKNOWN if question.unknown_allowed else None)
        elif question.kind == "amount":
            answers[question.id] = "" if value is None else f"{value:g}".replace(".", ",")
        elif value is not None:
            answers[question.id] = value
    for path in RECIPIENT_ADDRESS_FIELDS:
        answers[path] = _get(case, path)
    return {k: v for k, v in answers.items() if v is not None}


# --- Messages → questions ---------------------------------------------------------------

# A whole group missing is reported on the group: show it on the group's first question.
GROUP_QUESTION = {"organism": "organism.kind", "claimant": "claimant.first_name", "decision": "decision.received"}


# --- Limits and dates as typed ----------------------------------------------------------

DATE_CHARS = len("23/11/2026")


def model_max_length(path: str) -> Optional[int]:
    """The `max_length` the case model sets on a dotted path (None when it sets none)."""
    model: Any = Case
    *parents, leaf = path.split(".")
    for name in parents:
        model = model.model_fields[name].annotation
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
    info = model.model_fields.get(leaf)
    if info is None:
        return None
    return next((m.max_length for m in info.metadata if getattr(m, "max_length", None) is not None), None)


class DateProblem(ValueError):
    """A typed date that is not one: `problem` says why, as data."""

    def __init__(self, problem: Problem):
        super().__init__(problem.code)
        self.problem = problem


_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\s*[/.\- ]\s*(\d{1,2})\s*[/.\- ]\s*(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DIGITS = re.compile(r"(\d{2})(\d{2})(\d{4})")


def parse_date(text: str, path: str = "") -> dt.date:
    """« 06/10/2026 » (also 6.10.2026, 06102026, 2026-10-06) → a date. An impossible day
    (31/02) is an error, never moved to the month's end."""
    text = str(text).strip()
    match = _DAY_MONTH_YEAR.fullmatch(text) or _DIGITS.fullmatch(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    elif iso := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in iso.groups())
    else:
        raise DateProblem(Problem(path, "date_format", {}))
    if not 1 <= month <= 12:
        raise DateProblem(Problem(path, "date_month", {"month": month}))
    try:
        return dt.date(year, month, day)
    except ValueError:
        if year < 1:
            raise DateProblem(Problem(path, "implausible", {})) from None
        first = dt.date(year, month, 1)
        last = ((first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)).day
        raise DateProblem(Problem(path, "date_day", {"day": day, "month": first, "last_day": last})) from None


def date_text(day: dt.date) -> str:
    """A date as the person types it back (the field shows it so)."""
    return day.strftime("%d/%m/%Y")


# --- Problems → the question they concern, in plain words -------------------------------

# The wording of each problem code (InvalidCase.problems, DateProblem), for the pages.
# Dates in `params` are written in full in the person's language; no field path, no ISO date.
PROBLEM_TEXTS: dict[str, str] = {
    "missing": N_("Cette information est nécessaire pour écrire vos courriers."),
    "choice_missing": N_("Choisissez une réponse pour continuer."),
    "string_too_short": N_("Cette information est nécessaire pour écrire vos courriers."),
    "string_too_long": N_("Ce texte est trop long : {max_length} caractères au plus."),
    "future": N_("Vérifiez cette date : elle ne peut pas être postérieure à aujourd'hui ({today})."),
    "implausible": N_("Cette date paraît impossible : vérifiez l'année."),
    "before_decision": N_("Cette date ne peut pas être avant la date écrite sur la décision."),
    "before_decision_date": N_("Cette date ne peut pas être avant la date écrite sur la décision."),
    "not_received": N_("Vous avez répondu ne pas avoir reçu de décision écrite : effacez cette date ou changez cette réponse."),
    "impossible_pair": N_("Cet organisme ne verse pas cette aide : vérifiez l'organisme ou l'aide choisie."),
    "impossible_situation": N_("Cet organisme ne prend pas ce type de décision : vérifiez l'organisme ou ce qui s'est passé."),
    "postal_code": N_("Un code postal a 5 chiffres, par exemple 44000."),
    "email": N_("Cette adresse e-mail n'est pas complète (exemple : nom@exemple.fr)."),
    "phone": N_("Un numéro de téléphone ne contient que des chiffres, des espaces et le signe +."),
    "float_parsing": N_("Écrivez un montant en chiffres, par exemple 1 234,50."),
    "float_type": N_("Écrivez un montant en chiffres, par exemple 1 234,50."),
    "finite_number": N_("Écrivez un montant en chiffres, par exemple 1 234,50."),
    "greater_than_equal": N_("Un montant ne peut pas être négatif."),
    "less_than_equal": N_("Ce montant paraît trop élevé : vérifiez-le."),
    "date_format": N_("Écrivez la date avec le jour, le mois et l'année, par exemple 23/11/2026."),
    "date_parsing": N_("Écrivez la date avec le jour, le mois et l'année, par exemple 23/11/2026."),
    "date_type": N_("Écrivez la date avec le jour, le mois et l'année, par exemple 23/11/2026."),
    "date_from_datetime_parsing": N_("Écrivez la date avec le jour, le mois et l'année, par exemple 23/11/2026."),
    "date_month": N_("Le mois doit être un nombre de 1 à 12."),
    "date_day": N_("Cette date n'existe pas : {month} n'a que {last_day} jours."),
    "ambiguous_commune": N_("Plusieurs communes ont ce code postal et elles ne dépendent pas du même organisme ou des mêmes jours fériés : choisissez la vôtre."),
    "unknown_commune": N_("Ce code de commune est inconnu : choisissez votre commune dans la liste."),
    "invalid": N_("Cette réponse n'est pas valide : vérifiez-la."),
}


def problem_text(problem: Problem, translate: Callable[[str], str], locale: str = "fr_FR") -> str:
    """A problem in plain words, translated, its dates written in full (« 23 novembre 2026 »)."""
    template = translate(PROBLEM_TEXTS.get(problem.code, PROBLEM_TEXTS["invalid"]))
    values: dict[str, Any] = {}
    for name, value in problem.params.items():
        if name == "month" and isinstance(value, dt.date):
            values[name] = format_date(value, "LLLL y", locale=locale)
        elif isinstance(value, dt.date):
            values[name] = long_date(value, locale)
        else:
            values[name] = value
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return translate(PROBLEM_TEXTS["invalid"])


def problem_question(problem: Problem) -> Optional[str]:
    """The question a problem is shown under (None: about the case as a whole)."""
    path = GROUP_QUESTION.get(problem.path, problem.path)
    return path if path in QUESTIONS else None


def problems_by_question(problems: list[Problem]) -> tuple[dict[str, list[Problem]], list[Problem]]:
    """Problems attached to the question they concern; the others apart."""
    attached: dict[str, list[Problem]] = {}
    loose: list[Problem] = []
    for problem in problems:
        question = problem_question(problem)
        if question is None:
            loose.append(problem)
        else:
            attached.setdefault(question, []).append(problem)
    return attached, loose


def within_limit(question: Question, text: Any) -> Any:
    """The typed text cut to the field's limit (what fits is kept; the page says it was cut)."""
    limit = question.limit
    if limit and isinstance(text, str) and len(text) > limit:
        return text[:limit]
    return text


def first_step_to_answer(answers: Answers, today: Optional[dt.date] = None) -> Optional[str]:
    """The first screen with a question still to answer or to correct (where a resumed
    half-done file lands, rather than on a review full of errors); None when complete or
    when what is wrong belongs to no question (the review says it)."""
    try:
        checked_case(answers, today)
    except InvalidCase as error:
        attached, _loose = problems_by_question(error.problems)
        for step in visible_steps(answers):
            if any(q.id in attached for q in step.visible_questions(answers)):
                return step.id
    return None


def _get(data: dict, path: str) -> Any:
    for key in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _set(data: dict, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for key in parents:
        data = data.setdefault(key, {})
    data[last] = value


def case_value(case: dict, path: str) -> Any:
    """Public accessor used by tests and pages to read a dotted path of a case dict."""
    return _get(case, path)


"""What the law gives: one small rule per right of CONTRACT §3.

Each rule is a pure function of the case returning the facts that make the right apply
(an empty list: it does not apply). Its docstring names the articles and the condition
in one line, so that a lawyer can read this module top to bottom like a checklist.
Facts are French sentences about *this* case, kept short: they are shown to the person
("why this applies to you") and traced in the letters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .appeals import SOCIAL_SECURITY_BODIES, Route, is_penalty, is_sanction, penalty_text
from .deadlines import deadline_opposable
from .legal_refs import ref
from .model import Benefit, Case, OrganismKind, Situation

Facts = list[str]


@dataclass(frozen=True)
class Right:
    id: str
    title: str
    summary: str
    legal_basis: tuple[str, ...]
    rule: Callable[[Case, Route], Facts]


@dataclass(frozen=True)
class Finding:
    """A right that applies, with why (the facts) and on which texts it rests."""

    id: str
    title: str
    summary: str
    why: tuple[str, ...]
    legal_basis: tuple[str, ...]


SITUATION_WORDS = {
    Situation.suspension: "suspend vos paiements",
    Situation.reduction: "réduit votre prestation",
    Situation.overpayment: "vous réclame un trop-perçu (indu)",
    Situation.refusal: "refuse une prestation",
    Situation.termination: "met fin à votre prestation",
    Situation.sanction: "vous sanctionne",
    Situation.penalty: "vous inflige une amende ou une pénalité",
}

def reasoned_category(case: Case, lang: str = "fr") -> str:
    """Why the decision had to state its reasons: its category of CRPA L211-2 (data)."""
    return (ref("crpa-L211-2").categories or {})[case.situation.value][lang]


def _decision_fact(case: Case) -> str:
    if case.decision.is_written:
        return f"L'organisme {SITUATION_WORDS[case.situation]} par une décision écrite."
    return f"L'organisme {SITUATION_WORDS[case.situation]} sans vous avoir envoyé de décision écrite."


# --- Rules ------------------------------------------------------------------------------


def appeal(case: Case, route: Route) -> Facts:
    """casf-L262-47, css-R142-1, cja-R421-1…: every unfavourable decision can be contested,
    first before the body (prior appeal), then before a court."""
    facts = [_decision_fact(case)]
    if not route.interrupts_court_deadline:
        facts.append(f"Vous pouvez écrire à : {route.body}, mais cela ne suspend pas le délai : "
                     "pour contester, il faut saisir le tribunal dans ce délai.")
    elif route.id == "rapo_france_travail":
        facts.append(f"La première étape, obligatoire, est la médiation : {route.body}.")
    else:
        kind = "obligatoire" if route.compulsory else "possible"
        facts.append(f"Le recours préalable ({kind}) se fait auprès de : {route.body}.")
    if route.mediation_before_court and route.id != "rapo_france_travail":
        facts.append("Avant le tribunal administratif, une médiation auprès du médiateur de France Travail est obligatoire.")
    return facts


def deadline_not_opposable(case: Case, route: Route) -> Facts:
    """cja-R421-5, css-R142-1-A: the time limit runs only if the decision stated the route
    and the delay. No written decision at all: nothing has started to run."""
    if not case.decision.is_written:
        return ["Vous n'avez reçu aucune décision écrite : aucun délai de recours n'a commencé à courir."]
    if case.decision.appeal_info_given is False:
        facts = ["La décision n'indique pas comment la contester ni dans quel délai."]
        if route.then == "tribunal_administratif":
            facts.append("Devant le tribunal administratif, il faut tout de même agir dans un délai raisonnable, en principe un an.")
        return facts
    return []


def reasons(case: Case, route: Route) -> Facts:
    """crpa-L211-2, crpa-L211-5 (crpa-L232-4 for a decision born of silence): an unfavourable
    individual decision states its reasons in fact and in law, in writing."""
    if not case.decision.is_written:
        return [_decision_fact(case), "Sans décision écrite, vous ne connaissez pas les motifs : vous pouvez les demander."]
    if case.decision.reasons_given is True:
        return []
    said = "ne donne pas" if case.decision.reasons_given is False else "ne donne peut-être pas"
    return [f"La décision {said} ses motifs de fait et de droit.", f"Elle doit être motivée car {reasoned_category(case)}."]


def algorithm_explanation(case: Case, route: Route) -> Facts:
    """crpa-L311-3-1, crpa-R311-3-1-2: for a decision taken on the basis of an algorithmic
    processing, the rules and how they were applied to you, on request. The bodies
    compute entitlements with their information systems: we always ask."""
    if case.decision.algorithm_mentioned:
        return ["La décision indique qu'elle a été prise sur le fondement d'un traitement algorithmique."]
    facts = ["L'organisme calcule les droits avec son système informatique : la décision a pu être prise sur le fondement d'un traitement algorithmique."]
    if case.decision.is_written and case.decision.algorithm_mentioned is False:
        facts.append("Si c'est le cas, la décision aurait dû le mentionner, ce qu'elle ne fait pas.")
    return facts


def document_access(case: Case, route: Route) -> Facts:
    """crpa-L300-2, crpa-L311-1, crpa-L311-6: you may obtain the documents of your own file
    (control report, calculation details), the bodies being public services. After a
    control by a social-security body that used third parties' data, css-L114-21 requires
    telling the person their content and origin (cass-2022-21-11484: a substantial formality)."""
    facts = ["Vous pouvez obtenir les documents de votre dossier : calculs, données utilisées et leurs sources."]
    if case.context.after_control:
        facts.insert(0, "La décision fait suite à un contrôle : vous pouvez obtenir le rapport de contrôle.")
        if case.organism.kind in SOCIAL_SECURITY_BODIES:
            facts.insert(1, "Si le contrôle a utilisé des informations obtenues auprès d'autres (banque, employeur, administrations), "
                            "la caisse doit vous dire lesquelles et d'où elles viennent, sinon le contrôle est irrégulier.")
    return facts


def gdpr_access(case: Case, route: Route) -> Facts:
    """rgpd-15 (incl. 15(1)(h)), rgpd-12: access to your personal data and to the logic of
    any automated decision, within one month."""
    return ["L'organisme traite vos données personnelles : vous avez le droit d'en obtenir copie et de savoir d'où elles viennent."]


def gdpr_automated_decision(case: Case, route: Route) -> Facts:
    """rgpd-22, loi-78-17-47: no decision based solely on automated processing without
    safeguards (human review, to be heard, to contest). Applies when the decision says it
    was algorithmic, or when payments were cut with no sign of any human involvement."""
    if case.decision.algorithm_mentioned:
        return ["La décision mentionne un traitement algorithmique : vous pouvez demander qu'un agent réexamine votre dossier."]
    automatic = (
        case.situation in {Situation.suspension, Situation.reduction, Situation.termination}
        and case.organism.kind is not OrganismKind.departement
        and not case.context.after_control
        and not case.context.heard_before
        and not (case.decision.is_written and case.decision.reasons_given)
    )
    if automatic:
        return ["Vos paiements ont été modifiés sans contrôle, sans échange et sans motifs : la décision a pu être entièrement automatique.",
                "Vous pouvez demander qu'un agent réexamine personnellement votre dossier."]
    return []


def prior_hearing(case: Case, route: Route) -> Facts:
    """crpa-L121-1, crpa-L121-2, casf-L262-37, css-L114-17: to be told and heard before an
    unfavourable decision. Social-security bodies and France Travail are exempt
    (L121-2, 4°) except for sanctions; the département is not exempt, except when
    it rules on a request."""
    if case.context.heard_before is True:
        return []
    if is_sanction(case):
        facts = ["La décision est une sanction : vous deviez être informé des faits reprochés et pouvoir présenter vos observations avant."]
        if case.benefit is Benefit.rsa:
            facts.append("Pour le RSA, la loi prévoit que vous pouvez être entendu, assisté de la personne de votre choix.")
        elif case.organism.kind is OrganismKind.france_travail:
            facts.append("France Travail doit vous laisser dix jours pour répondre par écrit ou demander à être entendu.")
        elif case.organism.kind in SOCIAL_SECURITY_BODIES and is_penalty(case):
            facts.append("Pour une pénalité, vous avez un mois pour présenter vos observations ou demander à être entendu.")
        return facts
    if case.organism.kind is OrganismKind.departement and case.situation is not Situation.refusal:
        return ["Le conseil départemental n'est pas un organisme de sécurité sociale : il devait vous permettre de présenter vos observations avant de décider."]
    return []


def right_to_error(case: Case, route: Route) -> Facts:
    """crpa-L123-1, crpa-L123-2: a first good-faith error, regularised by the person, cannot
    be sanctioned (penalty or loss of a benefit as a sanction); bad faith must be proved by
    the administration. Only against a sanction, and not where fraud is alleged."""
    if case.context.fraud_alleged or not is_sanction(case):
        return []
    return ["La décision vous sanctionne et aucune fraude ne vous est reprochée.",
            "Une première erreur de bonne foi ne peut pas être sanctionnée si vous avez régularisé votre situation, de vous-même ou à la demande de l'organisme ; c'est à l'organisme de prouver une éventuelle mauvaise foi."]


def fraud_safeguards(case: Case, route: Route) -> Facts:
    """crpa-L123-2, css-L114-17, css-R114-11: fraud is never presumed; the body must prove
    bad faith, and a penalty follows its own procedure (facts notified, observations,
    commission des pénalités)."""
    if not case.context.fraud_alleged:
        return []
    facts = ["L'organisme vous reproche une fraude ou une fausse déclaration : c'est à lui de prouver votre mauvaise foi.",
             "Une simple erreur, un oubli ou une incompréhension n'est pas une fraude."]
    if case.organism.kind in SOCIAL_SECURITY_BODIES:
        facts.append("Une pénalité ne peut être prononcée qu'après vous avoir notifié les faits et laissé un mois pour répondre.")
    return facts


def overpayment_limitation(case: Case, route: Route) -> Facts:
    """LIMITATION_BASIS (css-L553-1, casf-L262-45, css-L821-5, css-L355-3, css-L332-1,
    ct-L5422-5…): the body can recover an overpayment only within a limitation period
    (2 years; ARE 3 years), longer in case of fraud or false declaration."""
    family = recovery_family(case)
    if case.situation is not Situation.overpayment or family not in LIMITATION_BASIS:
        return []
    years = "trois ans" if family == "are" else "deux ans"
    facts = [f"L'organisme ne peut pas réclamer les sommes versées plus de {years} avant de vous notifier le trop-perçu "
             "(c'est la prescription) : vérifiez les périodes réclamées."]
    if case.context.fraud_alleged:
        facts.append("En cas de fraude ou de fausse déclaration prouvée, le délai est plus long : la preuve incombe à l'organisme.")
    return facts


def debt_remission(case: Case, route: Route) -> Facts:
    """REMISSION_BASIS (css-L553-2, casf-L262-46, css-L845-3, css-L355-3, css-L256-4…):
    remission, reduction or instalments of an overpayment for good faith or precarity;
    excluded for fraud or false declaration."""
    if case.situation is not Situation.overpayment or case.context.fraud_alleged:
        return []
    if recovery_family(case) not in REMISSION_BASIS:
        return []
    facts = ["L'organisme vous réclame un trop-perçu et ne vous reproche pas de fraude."]
    if case.context.amount_eur:
        facts.append("Vous pouvez demander une remise (totale ou partielle) ou un échéancier, à part de votre contestation.")
    else:
        facts.append("Vous pouvez demander une remise ou un échéancier, à part de votre contestation.")
    return facts


def withholding_limit(case: Case, route: Route) -> Facts:
    """WITHHOLDING_BASIS (css-D553-1, casf-L262-46, ct-R5426-18…): deductions from ongoing
    benefits are capped; for RSA, prime d'activité and France Travail a challenge
    suspends them (casf-L262-46, css-L845-3, ct-L5426-8-1)."""
    if not case.context.withholding_eur or _withholding_family(case) not in WITHHOLDING_BASIS:
        return []
    facts = ["Une retenue est faite chaque mois sur vos prestations pour rembourser le trop-perçu.",
             "Cette retenue est plafonnée selon vos ressources et votre famille."]
    if _withholding_family(case) in SUSPENSIVE_CHALLENGE:
        facts.append("Pour cette prestation, votre contestation suspend le remboursement.")
    return facts


def mediator(case: Case, route: Route) -> Facts:
    """css-L217-7-1, ct-L5312-12-1, crpm-L723-34-1: the body's mediator, after a first
    approach to its services; from the notice that the complaint is admissible, it
    suspends the appeal time limits (CAF, CPAM, CARSAT; MSA)."""
    kind = case.organism.kind
    if kind is OrganismKind.france_travail:
        facts = ["France Travail a un médiateur régional, que vous pouvez saisir gratuitement."]
        if route.mediation_before_court:
            facts.append("Pour cette décision, la médiation est obligatoire avant le tribunal administratif, dans le délai de deux mois.")
        return facts
    if kind in {OrganismKind.caf, OrganismKind.cpam, OrganismKind.carsat}:
        facts = ["Votre organisme a un médiateur, que vous pouvez saisir gratuitement après une première réclamation."]
        if case.benefit is not Benefit.rsa:  # for RSA the time limit runs before the département
            facts.append("Quand il vous informe que votre demande est recevable, les délais de recours sont suspendus jusqu'à sa réponse.")
        return facts
    if kind is OrganismKind.msa:
        return ["La MSA a un médiateur, que vous pouvez saisir gratuitement si votre réclamation a été rejetée.",
                "Sa saisine suspend les délais de recours jusqu'à ses recommandations."]
    return []


def defenseur_des_droits(case: Case, route: Route) -> Facts:
    """lo-2011-333-4, lo-2011-333-6: anyone wronged by a public service may refer the matter,
    free of charge, after a first approach; it does not replace the appeal, and does not
    suspend its time limit, except where mediation is compulsory (cja-L213-14)."""
    facts = ["Le Défenseur des droits peut intervenir gratuitement auprès de l'organisme."]
    if route.mediation_before_court:
        facts.append("Pour cette décision, le saisir dans le délai de deux mois a le même effet que saisir le médiateur : le délai de recours est interrompu.")
    else:
        facts.append("Sa saisine ne remplace pas votre recours et ne suspend pas son délai.")
    return facts


# --- Catalogue (most useful first: the order of the analysis) ---------------------------

RIGHTS: tuple[Right, ...] = (
    Right("appeal", "Contester la décision",
          "Vous pouvez contester la décision, d'abord auprès de l'organisme, puis devant le tribunal.",
          ("crpa-L411-2",), appeal),
    Right("deadline_not_opposable", "Le délai de recours ne court pas",
          "Le délai pour contester ne vous est opposable que si la décision écrite indiquait comment et dans quel délai la contester.",
          (), deadline_not_opposable),
    Right("reasons", "Connaître les motifs de la décision",
          "Une décision défavorable doit dire par écrit pourquoi elle a été prise : les faits et les textes appliqués.",
          ("crpa-L211-2", "crpa-L211-5"), reasons),
    Right("algorithm_explanation", "Obtenir l'explication d'une décision prise par algorithme",
          "Si un traitement algorithmique a servi à décider, vous pouvez obtenir ses règles et la façon dont elles ont été appliquées à votre situation.",
          ("crpa-L311-3-1", "crpa-R311-3-1-2"), algorithm_explanation),
    Right("document_access", "Obtenir votre dossier",
          "Vous pouvez obtenir une copie des documents qui vous concernent : rapport de contrôle, détail des calculs, données utilisées.",
          ("crpa-L311-1", "crpa-L311-6", "crpa-L300-2"), document_access),
    Right("gdpr_access", "Accéder à vos données personnelles",
          "Vous pouvez obtenir vos données personnelles, leur source, et la logique de toute décision automatisée, sous un mois.",
          ("rgpd-15", "rgpd-12"), gdpr_access),
    Right("gdpr_automated_decision", "Ne pas subir une décision entièrement automatique",
          "Une décision prise uniquement par un ordinateur est encadrée : vous pouvez demander l'intervention d'un agent, donner votre point de vue et contester.",
          ("rgpd-22", "loi-78-17-47"), gdpr_automated_decision),
    Right("prior_hearing", "Être entendu avant la décision",
          "Quand un texte le prévoit, vous deviez être prévenu et pouvoir vous expliquer avant que la décision soit prise.",
          ("crpa-L121-1", "crpa-L121-2", "crpa-L122-1"), prior_hearing),
    Right("fraud_safeguards", "Garanties face à une accusation de fraude",
          "La fraude ne se présume pas : l'organisme doit prouver la mauvaise foi et respecter une procédure avant toute pénalité.",
          ("crpa-L123-2",), fraud_safeguards),
    Right("right_to_error", "Droit à l'erreur",
          "Une première erreur de bonne foi, corrigée, ne peut pas être sanctionnée.",
          ("crpa-L123-1", "crpa-L123-2"), right_to_error),
    Right("overpayment_limitation", "Prescription du trop-perçu",
          "Un trop-perçu ne peut être réclamé que pour une période limitée dans le temps.",
          (), overpayment_limitation),
    Right("debt_remission", "Demander une remise de dette ou un échéancier",
          "Si vous êtes de bonne foi ou en difficulté, vous pouvez demander l'annulation de tout ou partie de la dette, ou des délais.",
          (), debt_remission),
    Right("withholding_limit", "Limiter les retenues sur vos prestations",
          "Les sommes retenues chaque mois sur vos prestations sont plafonnées selon vos ressources et votre famille.",
          ("css-D553-1",), withholding_limit),
    Right("mediator", "Saisir le médiateur de l'organisme",
          "Le médiateur de l'organisme peut réexaminer votre situation, gratuitement.",
          ("css-L217-7-1",), mediator),
    Right("defenseur_des_droits", "Saisir le Défenseur des droits",
          "Le Défenseur des droits aide gratuitement les personnes en difficulté avec un service public.",
          ("lo-2011-333-4", "lo-2011-333-6"), defenseur_des_droits),
)

RIGHTS_BY_ID = {right.id: right for right in RIGHTS}


def legal_basis(right: Right, case: Case, route: Route) -> tuple[str, ...]:
    """The texts a finding rests on: the right's own, plus the sector texts for this case."""
    extra: list[str] = []
    if right.id == "appeal":
        extra = [*route.legal_basis, route.deadline_ref]
    elif right.id == "deadline_not_opposable":
        # The court's own rule; before the administrative court also the one-year
        # reasonable time (Czabaj), which the judicial courts do not apply.
        extra = [route.notice_basis]
        if route.then == "tribunal_administratif":
            extra.append("ce-2016-387763")
        if case.benefit is Benefit.rsa:
            extra.append("casf-R262-91")
    elif right.id == "document_access" and case.context.after_control and case.organism.kind in SOCIAL_SECURITY_BODIES:
        extra = ["css-L114-21", "cass-2022-21-11484"]
    elif right.id == "reasons" and not case.decision.is_written and case.situation is Situation.refusal:
        extra = ["crpa-L232-4"]  # a refusal born of silence
    elif right.id == "prior_hearing":
        if case.benefit is Benefit.rsa and (is_sanction(case) or case.organism.kind is OrganismKind.departement):
            extra = ["casf-L262-37"]
        elif is_sanction(case) and case.organism.kind is OrganismKind.france_travail:
            extra = ["ct-R5412-7"]
        elif is_penalty(case) and case.organism.kind in SOCIAL_SECURITY_BODIES:
            extra = list(PENALTY_PROCEDURE[penalty_text(case)])
    elif right.id == "debt_remission":
        extra = list(REMISSION_BASIS[recovery_family(case)])
    elif right.id == "withholding_limit":
        extra = list(WITHHOLDING_BASIS[_withholding_family(case)])
    elif right.id == "overpayment_limitation":
        extra = list(LIMITATION_BASIS[recovery_family(case)])
    elif right.id == "fraud_safeguards" and case.organism.kind in SOCIAL_SECURITY_BODIES:
        extra = list(PENALTY_PROCEDURE[penalty_text(case)])
    elif right.id == "mediator" and case.organism.kind is OrganismKind.france_travail:
        return ("ct-L5312-12-1", *(("ct-R5312-47",) if route.mediation_before_court else ()))
    elif right.id == "mediator" and case.organism.kind is OrganismKind.msa:
        return ("crpm-L723-34-1",)
    elif right.id == "defenseur_des_droits" and route.mediation_before_court:
        extra = ["cja-L213-14"]
    return tuple(dict.fromkeys((*right.legal_basis, *extra)))


# The penalty text of a social-security body and the decree setting its procedure.
PENALTY_PROCEDURE = {"css-L114-17": ("css-L114-17", "css-R114-11"), "css-L114-17-1": ("css-L114-17-1", "css-R147-2")}

# Family benefits of CSS L511-1, whose recovery, remission and limitation have their own texts.
FAMILY_BENEFITS = {Benefit.allocations_familiales, Benefit.paje, Benefit.asf, Benefit.complement_familial, Benefit.ars, Benefit.aeeh}

# The texts that govern recovering an overpayment, by family of benefit (see
# `recovery_family`). A family missing from a table has no verified text for that
# aspect, so the right is not asserted for it.
REMISSION_BASIS: dict[str, tuple[str, ...]] = {
    "rsa": ("casf-L262-46",),
    "prime_activite": ("css-L845-3",),
    "housing": ("cch-L825-2",),
    "family": ("css-L553-2",),
    "aah": ("css-L821-5", "css-L256-4"),
    "pension": ("css-L355-3", "css-L256-4"),
    "health": ("css-L256-4",),
    "aspa": ("css-L256-4",),
    "are": ("ct-L5312-10",),
}
WITHHOLDING_BASIS: dict[str, tuple[str, ...]] = {
    "rsa": ("casf-L262-46", "css-D553-1"),
    "prime_activite": ("css-L845-3", "css-D553-1"),
    "housing": ("cch-L823-9", "css-D553-1"),
    "family": ("css-L553-2", "css-D553-1"),
    "aah": ("css-L821-5-1", "css-D553-1"),
    "pension": ("css-L355-3",),
    "health": ("css-L133-4-1",),
    "france_travail": ("ct-L5426-8-1", "ct-R5426-18"),
}
LIMITATION_BASIS: dict[str, tuple[str, ...]] = {
    "rsa": ("casf-L262-45",),
    "housing": ("cch-L821-7", "css-L553-1"),
    "family": ("css-L553-1",),
    "aah": ("css-L821-5",),
    "pension": ("css-L355-3",),
    "health": ("css-L332-1",),
    "are": ("ct-L5422-5",),
}
# Where a challenge suspends the recovery itself (not only a right to ask for it).
SUSPENSIVE_CHALLENGE = {"rsa", "prime_activite", "france_travail"}


def recovery_family(case: Case) -> str:
    """Which recovery regime applies to an overpayment of this benefit."""
    benefit = case.benefit
    if case.organism.kind is OrganismKind.france_travail:
        return "are" if benefit is Benefit.are else "france_travail"
    if benefit in {Benefit.rsa, Benefit.prime_activite, Benefit.aah}:
        return benefit.value
    if benefit in {Benefit.apl, Benefit.als, Benefit.alf}:
        return "housing"
    if benefit in FAMILY_BENEFITS:
        return "family"
    if benefit is Benefit.retraite:
        return "pension"
    if benefit is Benefit.aspa:
        return "aspa"
    if benefit in {Benefit.indemnites_journalieres, Benefit.css}:
        return "health"
    return "other"


def _withholding_family(case: Case) -> str:
    family = recovery_family(case)
    return "france_travail" if family == "are" else family


def find_rights(case: Case, route: Route) -> list[Finding]:
    """Every right that applies, most useful first, each with its facts and texts."""
    found: list[Finding] = []
    for right in RIGHTS:
        facts = right.rule(case, route)
        if facts:
            found.append(Finding(right.id, right.title, right.summary, tuple(facts), legal_basis(right, case, route)))
    return found

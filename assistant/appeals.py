"""Which appeal route, to whom, then which court: organism × benefit × situation.

Read top to bottom like a lawyer's checklist: the first matching rule wins. Each route
names the `legal_refs` ids it rests on; `deadline_ref` is the entry whose
machine-readable `deadline` sets the time limit for filing the prior appeal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Benefit, Case, OrganismKind, Situation
from .places import departement

HOUSING_AIDS = {Benefit.apl, Benefit.als, Benefit.alf}
SOCIAL_SECURITY_BODIES = {OrganismKind.caf, OrganismKind.msa, OrganismKind.cpam, OrganismKind.carsat}

ORGANISM_SHORT = {
    OrganismKind.caf: "CAF",
    OrganismKind.msa: "MSA",
    OrganismKind.cpam: "CPAM",
    OrganismKind.carsat: "CARSAT",
    OrganismKind.france_travail: "France Travail",
    OrganismKind.departement: "conseil départemental",
}

# Unemployment insurance is not social security: the ordinary civil side of the court.
ARE_COURT = "tribunal judiciaire"

COURT_NAMES = {
    "tribunal_judiciaire": "pôle social du tribunal judiciaire",
    "tribunal_administratif": "tribunal administratif",
}


@dataclass(frozen=True)
class Route:
    id: str                      # cra | rapo_departement | rapo_france_travail | recours_gracieux
    body: str                    # who decides the prior appeal, as written on the envelope
    then: str                    # tribunal_judiciaire | tribunal_administratif
    legal_basis: tuple[str, ...]
    deadline_ref: str            # entry whose `deadline` is the time to file the prior appeal
    # Administrative law by default: silence for two months is a rejection (CRPA L231-4),
    # then two months to go to court (CJA R421-1).
    answer_ref: str = "crpa-L231-4"    # entry whose `deadline` is the time after which silence = rejection
    court_ref: str = "cja-R421-1"      # entry whose `deadline` is the time to go to court after rejection
    compulsory: bool = True      # a compulsory prior appeal (RAPO/CRA) or an optional recours gracieux
    mediation_before_court: bool = False
    # Does filing the prior step stop the court time limit? Not for a letter to the
    # director against a penalty (the court must be seized within two months anyway).
    interrupts_court_deadline: bool = True
    # Is the body's silence a rejection after `answer_ref`? Not for a mediation, which
    # ends when the mediator or a party declares it over (CJA L213-13).
    silence_is_rejection: bool = True
    court_name: str = ""         # when the court is not the usual one for `then`
    notice_ref: str = ""         # when the text making the time limit binding only if stated is not the court's usual one

    @property
    def notice_basis(self) -> str:
        """The text under which the time limit binds only if the decision stated it:
        CJA R421-5 before the administrative court, CSS R142-1-A III before the pôle social."""
        return self.notice_ref or ("cja-R421-5" if self.then == "tribunal_administratif" else "css-R142-1-A")
    notes: tuple[str, ...] = field(default=())


# Guadeloupe, Martinique, Guyane, La Réunion: caisses générales de sécurité sociale.
OVERSEAS_CGSS = {"971", "972", "973", "974"}


def is_sanction(case: Case) -> bool:
    """A sanction in law: declared as such, or France Travail suspending an allowance
    (C. trav. L5412-1 lists the suspension of the revenu de remplacement as a sanction)."""
    return case.situation is Situation.sanction or (
        case.organism.kind is OrganismKind.france_travail
        and case.situation is Situation.suspension
        and case.benefit in {Benefit.are, Benefit.ass}
    )


def organism_label(case: Case) -> str:
    """The body as the person named it, or a generic name built from where they live."""
    if case.organism.name:
        return case.organism.name
    short = ORGANISM_SHORT[case.organism.kind]
    place = departement(case.claimant.postal_code)
    if case.organism.kind is OrganismKind.departement:
        return f"Conseil départemental {place.of}" if place else "Conseil départemental"
    if case.organism.kind is OrganismKind.france_travail:
        return "France Travail"
    # CAF and CPAM are départemental; CARSAT and MSA cover several départements.
    if case.organism.kind in {OrganismKind.carsat, OrganismKind.msa}:
        return short
    # Overseas, health insurance and pensions are run by the CGSS; in Mayotte one caisse
    # (CSSM) runs everything.
    postal = case.claimant.postal_code
    if postal.startswith("976"):
        return "Caisse de sécurité sociale de Mayotte"
    if postal[:3] in OVERSEAS_CGSS and case.organism.kind is OrganismKind.cpam:
        return f"CGSS {place.of}" if place else "CGSS"
    return f"{short} {place.of}" if place else short


def _of_body(case: Case) -> str:
    """« de la CAF de Loire-Atlantique » built from the organism's own name."""
    name = organism_label(case)
    lowered = name[:1].lower() + name[1:]
    if name.upper().startswith(("CAF", "CPAM", "MSA", "CARSAT", "CGSS", "CAISSE")):
        return f"de la {name}"
    if lowered.startswith(("le ", "la ", "les ", "l'")):
        return "de " + lowered if not lowered.startswith("le ") else "du " + name[3:]
    return f"de {name}"


def _rsa_authority(case: Case) -> str:
    place = departement(case.claimant.postal_code)
    if place and place.rsa_authority:
        return place.rsa_authority
    if place:
        return f"Président du conseil départemental {place.of}"
    return "Président du conseil départemental de votre département"


def appeal_route(case: Case) -> Route:
    """The prior appeal the person must (or may) file first, and the court after it.

    Convention: `legal_basis[0]` is the text that opens the prior step (letters cite it).
    """
    benefit, kind, situation = case.benefit, case.organism.kind, case.situation

    # RSA: every dispute first goes to the président of the département (CASF L262-47),
    # who asks the CRA for its opinion; then the tribunal administratif.
    if benefit is Benefit.rsa:
        place = departement(case.claimant.postal_code)
        notes = (place.rsa_note,) if place and place.rsa_note else ()
        if situation is Situation.sanction and kind in SOCIAL_SECURITY_BODIES:
            notes += ("Si la sanction est une pénalité prononcée par le directeur de la caisse (et non une décision du département), "
                      "elle se conteste directement devant le pôle social du tribunal judiciaire dans les deux mois.",)
        return Route(
            id="rapo_departement",
            body=_rsa_authority(case),
            then="tribunal_administratif",
            legal_basis=("casf-L262-47", "casf-R262-88", "casf-R262-89"),
            deadline_ref="casf-R262-88",
            notes=notes,
        )

    # Administrative penalties of the social-security bodies (CSS L114-17 for family and
    # pension bodies, L114-17-1 for health insurance), whatever the benefit: excluded
    # from the CRA by L142-4 and contested directly before the pôle social of the
    # tribunal judiciaire within two months (L114-17-2, R142-1-A III). Writing to the
    # director may obtain a review but does not stop that time limit.
    if situation is Situation.sanction and kind in SOCIAL_SECURITY_BODIES:
        penalty_text = "css-L114-17-1" if kind is OrganismKind.cpam else "css-L114-17"
        return Route(
            id="recours_gracieux",
            body=f"Directeur {_of_body(case)}",
            then="tribunal_judiciaire",
            legal_basis=(penalty_text, "css-L114-17-2", "css-L142-4", "css-R142-1-A"),
            deadline_ref="css-L114-17-2",
            court_ref="css-L114-17-2",
            compulsory=False,
            interrupts_court_deadline=False,
            notes=("Une pénalité se conteste directement devant le pôle social du tribunal judiciaire dans les deux mois : "
                   "écrire au directeur ne suspend pas ce délai.",),
        )

    # Prime d'activité: compulsory prior appeal to the CAF/MSA (its CRA), then the TA.
    if benefit is Benefit.prime_activite:
        return Route(
            id="cra",
            body=f"Commission de recours amiable {_of_body(case)}",
            then="tribunal_administratif",
            legal_basis=("css-L845-2", "css-R847-2", "css-R142-1"),
            deadline_ref="css-R142-1",
            answer_ref="css-R142-6",
            court_ref="cja-R421-1",
        )

    # Housing aids since 1 January 2020: prior appeal decided by the director after the
    # CRA's opinion, then the tribunal administratif (CCH, book VIII, contentieux).
    if benefit in HOUSING_AIDS:
        return Route(
            id="cra",
            body=f"Directeur {_of_body(case)}, après avis de la commission de recours amiable",
            then="tribunal_administratif",
            legal_basis=("cch-L825-2", "cch-L825-1"),
            deadline_ref="cch-L825-2",
        )

    # Year-end aid: not a social-security benefit, no compulsory prior appeal; the
    # administrative court (CE 29 June 2016 n° 394276).
    if benefit is Benefit.prime_noel:
        return Route(
            id="recours_gracieux",
            body=f"Directeur {_of_body(case)}",
            then="tribunal_administratif",
            legal_basis=("crpa-L411-2", "ce-2016-394276", "cja-R421-1"),
            deadline_ref="cja-R421-1",
            compulsory=False,
        )

    if kind is OrganismKind.france_travail:
        return _france_travail_route(case)

    if kind is OrganismKind.departement:
        # Other départemental aids: recours gracieux, then the administrative court.
        return Route(
            id="recours_gracieux",
            body=f"Président du conseil départemental {departement_of(case)}",
            then="tribunal_administratif",
            legal_basis=("crpa-L411-2", "cja-R421-1"),
            deadline_ref="cja-R421-1",
            compulsory=False,
            notes=("Vérifiez sur la décision la voie de recours indiquée : certaines aides départementales ont un recours préalable obligatoire.",),
        )

    # Everything else paid by a social-security body (family benefits, AAH, health,
    # pensions): commission de recours amiable, then the pôle social of the TJ.
    notes: tuple[str, ...] = ()
    if benefit is Benefit.aah and situation is Situation.refusal:
        notes = ("Si le refus vient de la CDAPH (MDPH) et porte sur votre handicap, le recours préalable va à la MDPH, dans le même délai.",)
    return Route(
        id="cra",
        body=f"Commission de recours amiable {_of_body(case)}",
        then="tribunal_judiciaire",
        legal_basis=("css-L142-4", "css-R142-1", "css-R142-1-A"),
        deadline_ref="css-R142-1",
        answer_ref="css-R142-6",
        court_ref="css-R142-1-A",
        notes=notes,
    )


def departement_of(case: Case) -> str:
    place = departement(case.claimant.postal_code)
    return place.of if place else "de votre département"


def _france_travail_route(case: Case) -> Route:
    """France Travail: sanctions and State-funded allowances go to the TA after a
    compulsory mediation; unemployment insurance (ARE) goes to the judicial court."""
    # Sanctions (L5412-1) have no prior appeal since R5412-8 was repealed, and the ASS (a
    # State allowance, R5423-14) none either: the compulsory step is the mediation, within
    # two months (R5312-47).
    if is_sanction(case) or case.benefit is Benefit.ass:
        sector = ("ct-L5412-1",) if is_sanction(case) else ("ct-R5423-14",)
        return Route(
            id="rapo_france_travail",
            body="Médiateur régional de France Travail (médiation préalable obligatoire)",
            then="tribunal_administratif",
            legal_basis=("ct-R5312-47", "cja-L213-11", "cja-R213-10", "cja-L213-13", *sector),
            deadline_ref="cja-R213-10",
            mediation_before_court=True,
            silence_is_rejection=False,
        )
    if case.benefit is Benefit.are and case.situation is Situation.overpayment:
        # An ARE overpayment: compulsory recours gracieux to the directeur général within
        # two months (R5426-19), silence for two months is a rejection, then the judicial court.
        return Route(
            id="recours_gracieux",
            body="Directeur général de France Travail",
            then="tribunal_judiciaire",
            legal_basis=("ct-R5426-19", "ct-L5312-12"),
            deadline_ref="ct-R5426-19",
            answer_ref="ct-R5426-19",
            court_ref="ct-L5422-4",
            court_name=ARE_COURT,
            notice_ref="ct-L5422-4",
        )
    if case.benefit is Benefit.are:
        # Other ARE decisions: no compulsory prior appeal; the action before the judicial
        # court is time-barred two years after the decision was notified (L5422-4).
        return Route(
            id="recours_gracieux",
            body="Directeur de l'agence France Travail",
            then="tribunal_judiciaire",
            legal_basis=("crpa-L411-2", "ct-L5422-4", "ct-L5312-12"),
            deadline_ref="ct-L5422-4",
            court_ref="ct-L5422-4",
            compulsory=False,
            court_name=ARE_COURT,
            notice_ref="ct-L5422-4",
            notes=("L'allocation chômage (ARE) relève du tribunal judiciaire : vous avez deux ans pour agir, mais un recours rapide vous fait gagner du temps ; la médiation est possible mais pas obligatoire.",),
        )
    return Route(
        id="recours_gracieux",
        body="Directeur de l'agence France Travail",
        then="tribunal_administratif",
        legal_basis=("crpa-L411-2", "ct-L5312-12", "ct-R5312-47", "cja-L213-11", "cja-R213-10"),
        deadline_ref="cja-R213-10",
        compulsory=False,
        mediation_before_court=True,
    )

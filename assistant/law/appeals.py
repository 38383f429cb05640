"""Which appeal route, to whom, then which court: organism × benefit × situation.

Read top to bottom like a lawyer's checklist: the first matching rule wins. Each route
names the `legal_refs` ids it rests on; `deadline_ref` is the entry whose
machine-readable `deadline` sets the time limit for filing the prior appeal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.law import bodies
from assistant.law.model import Benefit, Case, Ground, InvalidCase, Problem, Situation, address_ambiguity, commune_message
from assistant.law.places import departement, powers_holder, rsa_state
from assistant.law.texts import Note, note



def social_security(case: Case) -> bool:
    """A social-security body (registry `social_security`): CRA, pôle social, CSS penalties."""
    return bodies.body(case.organism.kind.value).social_security


def family(case: Case) -> str:
    """The benefit's legal family (registry `family`: family, housing, health, pension…)."""
    return bodies.benefit(case.benefit.value).family


def procedure(case: Case) -> str:
    """Which chapter of this checklist the body's decisions follow (registry `appeal_procedure`)."""
    return bodies.body(case.organism.kind.value).appeal_procedure


def medical_ground_possible(case: Case) -> bool:
    """A decision that may rest on the body's doctors: a body with a medical board
    (`medical_board`) and a benefit whose decisions can be medical (`medical_ground`)."""
    return bodies.body(case.organism.kind.value).medical_board and bodies.benefit(case.benefit.value).medical_ground

# Court ids (CONTRACT §3) and the sentence that names each (data/sentences.yaml).
COURT_KEYS = {"tribunal_judiciaire": "court.tribunal_judiciaire", "tribunal_administratif": "court.tribunal_administratif"}
# Unemployment insurance is not social security: the ordinary civil side of the court.
CIVIL_COURT = "court.civil"


@dataclass(frozen=True)
class Route:
    id: str                      # cra | rapo_departement | rapo_france_travail | recours_gracieux | cmra | rapo_mdph | none
    body: str                    # who decides the prior appeal (the court's registry for `none`)
    then: str                    # tribunal_judiciaire | tribunal_administratif
    legal_basis: tuple[str, ...]
    deadline_ref: str            # entry whose `deadline` is the time to file the prior appeal
    # Administrative law by default: silence for two months is a rejection (CRPA L231-4),
    # then two months to go to court (CJA R421-1).
    answer_ref: str = "crpa-L231-4"    # entry whose `deadline` is the time after which silence = rejection
    court_ref: str = "cja-R421-1"      # entry whose `deadline` is the time to go to court after rejection
    compulsory: bool = True      # a compulsory prior appeal (RAPO/CRA) or an optional recours gracieux
    mediation_before_court: bool = False
    # Does filing the prior step stop the court time limit? Not for ARE (the two-year
    # prescription runs on) nor where there is no prior step at all.
    interrupts_court_deadline: bool = True
    # Is the body's silence a rejection after `answer_ref`? Not for a mediation, which
    # ends when the mediator or a party declares it over (CJA L213-13).
    silence_is_rejection: bool = True
    court_key: str = ""          # the court's sentence when it is not the usual one for `then`
    notice_ref: str = ""         # when the text making the time limit binding only if stated is not the court's usual one
    notes: tuple[Note, ...] = field(default=())
    verified: bool = True        # False for the explicit fallback, or an authority not confirmed: follow the decision's mention
    # The decision may be a sanction in disguise (an ARE stop after a radiation): its
    # compulsory mediation and shorter time limit are offered too.
    may_be_sanction: bool = False

    @property
    def notice_basis(self) -> str:
        """The text under which the time limit binds only if the decision stated it:
        CJA R421-5 before the administrative court, CSS R142-1-A III before the pôle social."""
        return self.notice_ref or ("cja-R421-5" if self.then == "tribunal_administratif" else "css-R142-1-A")

    @property
    def court_note(self) -> Note:
        """The court's name as a sentence, so that an English text names it in English."""
        return note(self.court_key or COURT_KEYS[self.then])


def is_penalty(case: Case) -> bool:
    return case.situation is Situation.penalty


def is_sanction(case: Case) -> bool:
    """A sanction in law: declared as such, a fine or penalty, or a suspension the body's
    `suspension_is_sanction` lists (France Travail: C. trav. L5412-1 lists the suspension of
    the revenu de remplacement)."""
    return case.situation in {Situation.sanction, Situation.penalty} or (
        case.situation is Situation.suspension
        and case.benefit.value in bodies.body(case.organism.kind.value).suspension_is_sanction
    )


def organism_label(case: Case) -> str:
    """The body as the person named it, or a generic name built from where they live (for
    the département: the collectivité holding its powers on the decision's date)."""
    if case.organism.kind.value == "departement" and not case.organism.name:
        holder = _powers(case)
        if holder is not None and holder.body:
            return holder.body
    return bodies.organism_name(case.organism.kind.value, case.organism.name, case.claimant.postal_code,
                                case.decision_date)


def _of_body(case: Case) -> str:
    """« de la CAF de Loire-Atlantique » built from the organism's own name."""
    return bodies.of(organism_label(case))


def _powers(case: Case):
    """The collectivité exercising the département's powers at the claimant's address on the
    decision's date (law/data/rsa_authorities.yaml `powers`: Métropole de Lyon, Collectivité
    européenne d'Alsace, Collectivité de Corse, Ville de Paris…), else the conseil départemental."""
    c = case.claimant
    return powers_holder(c.postal_code, c.city, case.decision_date, c.commune_code)


def _rsa_state(case: Case):
    """The caisse running the RSA for the State on the decision's date (`rsa_state`: Guyane and
    Mayotte 2019, La Réunion 2020, the experiment of LFI 2022 art. 43), or None."""
    c = case.claimant
    return rsa_state(c.postal_code, c.city, case.decision_date, c.commune_code)


def _departement_president(case: Case) -> str:
    """Who decides for the département on the decision's date: its PCH, APA and aide sociale
    decisions, and the RSA where the State does not run it."""
    holder = _powers(case)
    return holder.name if holder is not None else "Président du conseil départemental de votre département"


def _rsa_authority(case: Case) -> str:
    """CASF L262-47: the président of the collectivité, or the caisse's director where the
    State runs the RSA (for a person under the MSA, the director of their MSA)."""
    state = _rsa_state(case)
    if state is None:
        return _departement_president(case)
    return f"Directeur {_of_body(case)}" if case.organism.kind.value == "msa" else state.name


def _rsa_notes(case: Case) -> tuple[Note, ...]:
    """Where the State runs the RSA, or the authority is not confirmed: follow the decision's mention."""
    dated = _rsa_state(case) or _powers(case)
    return (note(dated.note),) if dated is not None and dated.note else ()


def departement_of(case: Case) -> str:
    place = departement(case.claimant.postal_code)
    return place.of if place else "de votre département"


def penalty_text(case: Case) -> str:
    """CSS L114-17-1 for health insurance penalties, L114-17 for family and pension bodies."""
    own = bodies.body(case.organism.kind.value).penalty_text
    return "css-L114-17-1" if family(case) == "health" else str(own)


def appeal_route(case: Case) -> Route:
    """The prior appeal the person must (or may) file first, and the court after it.

    Read top to bottom: the first rule that matches wins; a case no rule covers gets the
    explicit unverified route (follow the decision's mention), never a silent default.
    Convention: `legal_basis[0]` is the text that opens the prior step (letters cite it).
    """
    for rule in ROUTE_RULES:
        route = rule(case)
        if route is not None:
            return route
    return Route(
        id="recours_gracieux",
        body=f"Directeur {_of_body(case)}",
        then="tribunal_administratif",
        legal_basis=("crpa-L411-2", "cja-R421-1"),
        deadline_ref="cja-R421-1",
        compulsory=False,
        notes=(note("route.unverified"),),
        verified=False,
    )


def _penalty(case: Case) -> Route | None:
    """Fines and financial penalties, whatever the benefit (RSA included)."""
    if not is_penalty(case):
        return None
    if social_security(case):
        # CSS L114-17 / L114-17-1 penalties: L142-4 excludes them from the prior appeal;
        # straight to the pôle social within two months (L114-17-2, R142-1-A III). A letter
        # to the director does not stop that time limit.
        return Route(
            id="none",
            body="Greffe du pôle social du tribunal judiciaire",
            then="tribunal_judiciaire",
            legal_basis=("css-L114-17-2", penalty_text(case), "css-L142-4", "css-R142-1-A", "css-R142-10-1"),
            deadline_ref="css-R142-1-A",
            court_ref="css-R142-1-A",
            compulsory=False,
            interrupts_court_deadline=False,
            silence_is_rejection=False,
            notes=(note("route.penalty_direct", court=note("court.tribunal_judiciaire"), time="time:css-R142-1-A"),),
        )
    if procedure(case) == "departement" and case.benefit is Benefit.rsa:
        # The RSA amende administrative (CASF L262-52) is not under the L262-47 RAPO
        # (CE avis 19 Nov 2021 n° 454699; CE 7 Mar 2025 n° 491222): optional recours
        # gracieux, then the administrative court.
        return Route(
            id="recours_gracieux",
            body=_rsa_authority(case),
            then="tribunal_administratif",
            legal_basis=("crpa-L411-2", "casf-L262-52", "ce-avis-2021-454699", "ce-2025-491222", "cja-R421-1"),
            deadline_ref="cja-R421-1",
            compulsory=False,
            notes=(note("route.rsa_fine", time="time:cja-R421-1"),),
        )
    if procedure(case) == "france_travail":
        return _france_travail_mediation(case, ("ct-L5426-5", "ct-R5426-17-1"),
                                         (note("route.france_travail_penalty", time="time:cja-R213-10"),))
    return None


def _medical(case: Case) -> Route | None:
    """A decision resting on a medical assessment (médecin-conseil, medical board) of a
    health or pension body: the commission médicale de recours amiable (CSS R142-8 s.),
    within two months (R142-1-A III), silence for four months is a rejection (R142-8-5),
    then the pôle social."""
    if case.decision.ground is not Ground.medical:
        return None
    if not medical_ground_possible(case):
        return None
    return Route(
        id="cmra",
        body=f"Commission médicale de recours amiable, par l'intermédiaire {_of_body(case)}",
        then="tribunal_judiciaire",
        legal_basis=("css-R142-8", "css-L142-4", "css-R142-8-5", "css-R142-1-A"),
        deadline_ref="css-R142-1-A",
        answer_ref="css-R142-8-5",
        court_ref="css-R142-1-A",
        notes=(note("route.cmra", time="time:css-R142-1-A", answer="time:css-R142-8-5"),),
    )


def _mdph(case: Case) -> Route | None:
    """CDAPH decisions on benefits (AAH eligibility and rate, AEEH, PCH): compulsory prior
    appeal (CSS L142-4, L142-1 8°) sent to the MDPH (CASF R241-36), within two months
    (R142-1-A III), then the pôle social (CASF L241-9)."""
    if procedure(case) != "mdph":
        return None
    payer = note(str(bodies.benefit(case.benefit.value).payer))
    notes = [note("route.mdph", time="time:css-R142-1-A", payer=payer)]
    if case.benefit is Benefit.autre:
        notes.append(note("route.mdph_work"))
    if not case.decision.is_written and case.situation is Situation.refusal:
        notes.append(note("route.mdph_silence", silence="time:casf-R241-33", time="time:css-R142-1-A"))
    # One MDPH may serve more than its département (the Rhône's and the Métropole de Lyon's).
    own = bodies.territorial_name("mdph", case.claimant.postal_code, case.decision_date)
    return Route(
        id="rapo_mdph",
        body=own[0] if own else f"Maison départementale des personnes handicapées (MDPH) {departement_of(case)}",
        then="tribunal_judiciaire",
        legal_basis=("css-L142-4", "casf-R241-36", "casf-L241-9", "css-R142-1-A", "crpa-L231-4") + ((own[1],) if own else ()),
        deadline_ref="css-R142-1-A",
        answer_ref="crpa-L231-4",       # R142-1-A I: the CRPA's rules; R142-6 is the CRA's
        court_ref="css-R142-1-A",
        notes=tuple(notes),
    )


def _rsa(case: Case) -> Route | None:
    """RSA: every dispute first goes to the président of the département (CASF L262-47),
    who asks the CRA for its opinion; then the tribunal administratif."""
    if case.benefit is not Benefit.rsa:
        return None
    holder = _rsa_state(case) or _powers(case)
    return Route(
        id="rapo_departement",
        body=_rsa_authority(case),
        then="tribunal_administratif",
        legal_basis=("casf-L262-47", "casf-R262-88", "casf-R262-89"),
        deadline_ref="casf-R262-88",
        notes=_rsa_notes(case),
        verified=holder is None or holder.verified,
    )


def _prime_activite(case: Case) -> Route | None:
    """Prime d'activité: compulsory prior appeal to the CAF/MSA (its CRA), then the TA."""
    if case.benefit is not Benefit.prime_activite:
        return None
    return Route(
        id="cra",
        body=f"Commission de recours amiable {_of_body(case)}",
        then="tribunal_administratif",
        legal_basis=("css-L845-2", "css-R847-2", "css-R142-1"),
        deadline_ref="css-R142-1",
        answer_ref="css-R142-6",
        court_ref="cja-R421-1",
    )


def _housing(case: Case) -> Route | None:
    """Housing aids since 1 January 2020: prior appeal decided by the director after the
    CRA's opinion, then the tribunal administratif (CCH L825-2)."""
    if family(case) != "housing":
        return None
    return Route(
        id="cra",
        body=f"Directeur {_of_body(case)}, après avis de la commission de recours amiable",
        then="tribunal_administratif",
        legal_basis=("cch-L825-2", "cch-L825-1"),
        deadline_ref="cch-L825-2",
    )


def _prime_noel(case: Case) -> Route | None:
    """Year-end aid: not a social-security benefit, no compulsory prior appeal; the
    administrative court (CE 29 June 2016 n° 394276)."""
    if case.benefit is not Benefit.prime_noel:
        return None
    return Route(
        id="recours_gracieux",
        body=f"Directeur {_of_body(case)}",
        then="tribunal_administratif",
        legal_basis=("crpa-L411-2", "ce-2016-394276", "cja-R421-1"),
        deadline_ref="cja-R421-1",
        compulsory=False,
    )


def _departement_other(case: Case) -> Route | None:
    """The département's other aids (PCH it pays, APA, other legal aide sociale benefits):
    every contentious appeal against the président's decision is preceded by a compulsory
    prior appeal to the président himself (CASF L134-1, L134-2), then the court L134-3 names:
    the judicial judge (pôle social) for the PCH, the administrative court otherwise."""
    if procedure(case) != "departement":
        return None
    holder = _powers(case)
    unconfirmed = (note(holder.note),) if holder is not None and holder.note else ()
    if case.benefit is Benefit.pch:
        return Route(
            id="rapo_departement",
            body=_departement_president(case),
            then="tribunal_judiciaire",
            legal_basis=("casf-L134-2", "casf-L134-1", "casf-L134-3", "casf-R134-1", "css-R142-1-A"),
            deadline_ref="css-R142-1-A",
            court_ref="css-R142-1-A",
            notes=(note("route.departement_pch", time="time:css-R142-1-A"), *unconfirmed),
            verified=not unconfirmed,
        )
    # No text fixing this prior appeal's own time limit was seen: file it within the
    # administrative court's, which it then preserves.
    notes = [note("route.departement_aide_sociale", time="time:cja-R421-1"), *unconfirmed]
    if case.benefit is Benefit.autre:
        notes.append(note("route.departement_other"))
    return Route(
        id="rapo_departement",
        body=_departement_president(case),
        then="tribunal_administratif",
        legal_basis=("casf-L134-2", "casf-L134-1", "cja-R421-1"),
        deadline_ref="cja-R421-1",
        notes=tuple(notes),
        verified=not unconfirmed,
    )


def _social_security(case: Case) -> Route | None:
    """Everything else decided by a social-security body (family benefits, AEEH, AAH
    payment, health, pensions): commission de recours amiable, then the pôle social."""
    if not social_security(case):
        return None
    notes: list[Note] = []
    if case.benefit is Benefit.aah and case.situation is Situation.refusal:
        notes.append(note("route.aah_by_cdaph"))
    if case.situation is Situation.sanction:
        notes.append(note("route.sanction_not_penalty"))
    if case.decision.ground is None and medical_ground_possible(case):
        notes.append(note("route.medical_unknown"))
    return Route(
        id="cra",
        body=f"Commission de recours amiable {_of_body(case)}",
        then="tribunal_judiciaire",
        legal_basis=("css-L142-4", "css-R142-1", "css-R142-1-A"),
        deadline_ref="css-R142-1",
        answer_ref="css-R142-6",
        court_ref="css-R142-1-A",
        notes=tuple(notes),
    )


def _france_travail_mediation(case: Case, sector: tuple[str, ...], notes: tuple[Note, ...] = ()) -> Route:
    """France Travail decisions before the administrative court: compulsory mediation
    with the regional mediator, within two months (R5312-47, CJA L213-11)."""
    return Route(
        id="rapo_france_travail",
        body="Médiateur régional de France Travail (médiation préalable obligatoire)",
        then="tribunal_administratif",
        legal_basis=("ct-R5312-47", "cja-L213-11", "cja-R213-10", "cja-L213-13", *sector),
        deadline_ref="cja-R213-10",
        mediation_before_court=True,
        silence_is_rejection=False,
        notes=notes,
    )


def _france_travail(case: Case) -> Route | None:
    """France Travail: sanctions and State-funded allowances go to the TA after a
    compulsory mediation; unemployment insurance (ARE) goes to the judicial court."""
    if procedure(case) != "france_travail":
        return None
    # Sanctions (L5412-1) have no prior appeal since R5412-8 was repealed, and the ASS (a
    # State allowance, R5423-14) none either: the compulsory step is the mediation.
    if is_sanction(case) or case.benefit is Benefit.ass:
        return _france_travail_mediation(case, ("ct-L5412-1",) if is_sanction(case) else ("ct-R5423-14",))
    if case.benefit is Benefit.are and case.situation is Situation.overpayment:
        # An ARE overpayment: compulsory recours gracieux to the directeur général
        # (R5426-19), silence is a rejection, then the judicial court.
        return Route(
            id="recours_gracieux",
            body="Directeur général de France Travail",
            then="tribunal_judiciaire",
            legal_basis=("ct-R5426-19", "ct-L5312-12"),
            deadline_ref="ct-R5426-19",
            answer_ref="ct-R5426-19",
            court_ref="ct-L5422-4",
            court_key=CIVIL_COURT,
            notice_ref="ct-L5422-4",
        )
    if case.benefit is Benefit.are:
        # Other ARE decisions: no compulsory prior appeal; the court action is time-barred
        # two years after notification (L5422-4), and a recours gracieux does not stop it.
        notes = [note("route.are_court", time="time:ct-L5422-4")]
        may_be_sanction = case.situation is Situation.termination   # a stop after a radiation
        if may_be_sanction:
            notes.append(note("route.are_radiation", time="time:cja-R213-10"))
        return Route(
            id="recours_gracieux",
            body="Directeur de l'agence France Travail",
            then="tribunal_judiciaire",
            legal_basis=("crpa-L411-2", "ct-L5422-4", "ct-L5312-12"),
            deadline_ref="ct-L5422-4",
            court_ref="ct-L5422-4",
            compulsory=False,
            interrupts_court_deadline=False,
            court_key=CIVIL_COURT,
            notice_ref="ct-L5422-4",
            notes=tuple(notes),
            may_be_sanction=may_be_sanction,
        )
    # Other France Travail decisions (e.g. year-end aid, other aids): recours gracieux,
    # mediation before the administrative court.
    return Route(
        id="recours_gracieux",
        body="Directeur de l'agence France Travail",
        then="tribunal_administratif",
        legal_basis=("crpa-L411-2", "ct-L5312-12", "ct-R5312-47", "cja-L213-11", "cja-R213-10"),
        deadline_ref="cja-R213-10",
        compulsory=False,
        mediation_before_court=True,
    )


# The checklist, in order. Penalties first (their route does not depend on the benefit),
# then medical grounds and the MDPH, then benefit by benefit, then body by body.
ROUTE_RULES = (
    _penalty, _medical, _mdph, _rsa, _prime_activite, _housing, _prime_noel,
    _france_travail, _departement_other, _social_security,
)


# --- The commune, only when it changes where the appeal goes ---------------------------------

def commune_problem(case: Case) -> Problem | None:
    """`claimant.commune_code` is needed (CONTRACT §1: « where a postcode is shared ») only
    when the candidate communes would send this case's appeal to different bodies or notes:
    a housing-aid case in a postcode shared by the Métropole de Lyon and the Rhône goes to
    the CAF whatever the commune, an RSA case does not."""
    problem = address_ambiguity(case)
    if problem is None:
        return None
    routes = {repr(appeal_route(case.model_copy(update={"claimant": case.claimant.model_copy(
        update={"commune_code": candidate.code})}))) for candidate in problem.params["candidates"]}
    return problem if len(routes) > 1 else None


def require_commune(case: Case, source: str | None = None, hint: str = "file") -> Case:
    """The case, or an InvalidCase naming `claimant.commune_code` and the candidates."""
    problem = commune_problem(case)
    if problem is None:
        return case
    raise InvalidCase([commune_message(problem, hint)], source, [problem])

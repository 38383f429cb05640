"""The reading rules (assistant/reading/decision.py, answer.py) on letters' texts, no OCR.

Letters written from public descriptions of each body's letters, people invented; each also
read in a « noisy » variant (accents dropped, words cut at line ends, « ler » for « 1er »),
as Tesseract gives them. A field the letter does not give is missing, never guessed.
"""
from __future__ import annotations

import json
import re
import unicodedata

import pytest

from assistant.casefiles.followup import AnswerKind
from assistant.law import bodies
from assistant.reading.answer import read_answer
from assistant.reading.decision import _benefits_in, _one_block_for_two, place_checked, plausible_street, read_decision
from assistant.reading.model import CONFIDENCE_THRESHOLD, Proposal
from assistant.reading.text import Letter, compiled, fold, patterns, unbreak
from tests.conftest import SHARED

# The OCR text of ../shared/letters/caf-apl-suspension-scan.png (tesseract -l fra).
PETIT_SCAN = """CAF du Nord
82 rue Brûle-Maison
59024 Lille Cedex

Monsieur Thomas Petit
21 rue Solférino
59000 Lille

Lille, le 2 novembre 2026
Numéro allocataire : 7654321

Objet : suspension de votre aide personnalisée au logement
Monsieur,

Nous n'avons pas reçu les justificatifs demandés le ler octobre 2026. En conséquence, le
versement de votre aide personnalisée au logement (APL) est suspendu à compter du 1er
novembre 2026.

Vous pouvez contester cette décision dans un délai de deux mois à compter de sa notification
en saisissant le directeur de la Caf, qui statue après avis de la commission de recours amiable.

Nous vous prions d'agréer, Monsieur, nos salutations distinguées.
"""
# The same letter without its facts (nothing says why): reasons « no » where no text is cited.
PETIT_BARE = PETIT_SCAN.replace("Nous n'avons pas reçu les justificatifs demandés le ler octobre 2026. En conséquence, le\nversement",
                                "Le\nversement")
PETIT_EXPECTED = {
    "organism.kind": "caf", "organism.name": "CAF du Nord", "benefit": "apl", "situation": "suspension",
    "decision.date": "2026-11-02", "claimant.file_number": "7654321", "claimant.last_name": "Petit",
    "claimant.postal_code": "59000", "decision.appeal_info_given": True, "decision.algorithm_mentioned": False,
}

MSA_OVERPAYMENT = """MSA Nord-Pas de Calais
33 rue du Metz
59863 Lille Cedex 9

Madame Claire DUBOIS
4 chemin des Prés
62140 Hesdin

Lille, le 14 septembre 2026
N° allocataire : 0456789

Objet : notification d'un indu de prime d'activité

Madame,

A la suite d'un contrôle sur pièces, nous avons constaté que vos ressources du trimestre
avaient été sous-évaluées. Vous avez perçu à tort la somme de 1 234,50 € au titre de la prime
d'activité pour la période de mars à mai 2026, en application de l'article L. 845-3 du code
de la sécurité sociale.

Cette somme sera récupérée par une retenue de 85,00 € par mois sur vos prestations à venir.
Le montant de l'indu peut faire l'objet d'une demande de remise de dette.

Vous pouvez contester cette décision devant la commission de recours amiable dans un délai
de deux mois à compter de sa réception.

Veuillez agréer, Madame, l'expression de nos salutations distinguées.
"""

FRANCE_TRAVAIL_SANCTION = """France Travail
Agence de Bordeaux Bastide
12 quai de Queyries
33100 Bordeaux

Monsieur Karim HADDAD
17 rue Fondaudège
33000 Bordeaux

Bordeaux, le 5 octobre 2026
Identifiant France Travail : 1234567K

Objet : sanction - suppression de votre allocation

Monsieur,

Par courrier du 10 septembre 2026, nous vous avons informé de notre intention de vous sanctionner
et invité à présenter vos observations dans un délai de dix jours. Vous n'avez pas répondu.

Vous ne vous êtes pas présenté au rendez-vous du 2 septembre 2026. En application des articles
L. 5412-1 et R. 5412-1 du code du travail, nous avons décidé la suppression de votre allocation
d'aide au retour à l'emploi (ARE) pour une durée d'un mois, à titre de sanction.

Vous pouvez former un recours préalable auprès du directeur de votre agence dans un délai de deux
mois à compter de la notification de la présente décision.

Nous vous prions d'agréer, Monsieur, nos salutations distinguées.
"""

CPAM_REFUSAL = """Assurance Maladie
CPAM de la Haute-Garonne
3 boulevard du Professeur Léopold Escande
31093 Toulouse Cedex 9

Madame Sophie Martin
8 allée des Demoiselles
31400 Toulouse

Toulouse, le 21/10/2026
N° de sécurité sociale : 2 85 03 31 555 123 95

Objet : refus de vos indemnités journalières

Madame,

Le médecin-conseil a estimé que votre arrêt de travail du 1er au 30 septembre 2026 n'est pas
médicalement justifié. En conséquence, nous ne pouvons pas vous accorder les indemnités
journalières pour cette période (article L. 315-1 du code de la sécurité sociale).

Si vous contestez cet avis, vous pouvez saisir la commission médicale de recours amiable dans
un délai de deux mois à compter de la réception de ce courrier.

Nous vous prions de recevoir, Madame, nos salutations distinguées.
"""

CARSAT_OVERPAYMENT = """Carsat Rhône-Alpes
35 rue Maurice Flandin
69436 Lyon Cedex 03

Monsieur Jean-Pierre ROUX
2 place Bellecour
69002 Lyon

Lyon, le 3 novembre 2026
Numéro de sécurité sociale : 1 52 07 69 123 456 41

Objet : trop-perçu sur votre allocation de solidarité aux personnes âgées

Monsieur,

Le croisement de données avec l'administration fiscale a montré que vos ressources dépassent
le plafond. Un trop-perçu de 3 600 € a été calculé sur votre allocation de solidarité aux
personnes âgées (ASPA), conformément à l'article L. 815-11 du code de la sécurité sociale.
Ces faits constituent une fausse déclaration.

Vous pouvez contester cette décision devant la commission de recours amiable dans un délai de
deux mois.

Veuillez agréer, Monsieur, nos salutations distinguées.
"""

DEPARTEMENT_SANCTION = """Conseil départemental de la Gironde
Direction de l'insertion
1 esplanade Charles de Gaulle
33074 Bordeaux Cedex

Madame Nadia BENSALEM
25 rue Judaïque
33000 Bordeaux

Bordeaux, le 12 novembre 2026
Numéro de dossier : 2026-004512

Objet : réduction de votre revenu de solidarité active

Madame,

Vous n'avez pas signé votre contrat d'engagements réciproques. Après avis de l'équipe
pluridisciplinaire, devant laquelle vous avez été invitée à présenter vos observations, le
Président du Conseil départemental a décidé, à titre de sanction, la réduction de votre RSA
de 100 € par mois pendant deux mois (article L. 262-37 du code de l'action sociale et des familles).

Vous pouvez former un recours administratif préalable auprès du Président du Conseil
départemental dans un délai de deux mois.

Veuillez recevoir, Madame, nos salutations distinguées.
"""

MDPH_REFUSAL = """Maison départementale des personnes handicapées du Rhône
146 rue Pierre Corneille
69003 Lyon

Monsieur Paul GIRARD
9 rue de la République
69100 Villeurbanne

Lyon, le 8 octobre 2026
Numéro de dossier MDPH : 69-2026-77881

Objet : décision de la CDAPH - allocation aux adultes handicapés

Monsieur,

La commission des droits et de l'autonomie des personnes handicapées (CDAPH), dans sa séance du
1er octobre 2026, a rejeté votre demande d'allocation aux adultes handicapés : votre taux
d'incapacité est inférieur à 50 % (article L. 821-2 du code de la sécurité sociale). Décision de refus.

Vous pouvez former un recours administratif préalable auprès de la MDPH dans un délai de deux mois.

Veuillez agréer, Monsieur, nos salutations distinguées.
"""

CAF_PENALTY = """Caisse d'allocations familiales de la Loire-Atlantique
22 rue de Malville
44937 Nantes Cedex 9

Madame Amina BENALI
12 rue des Lilas
44000 Nantes

Nantes, le 2 octobre 2026
Numéro allocataire : 1234567

Objet : notification d'une pénalité financière

Madame,

Vous avez omis de déclarer vos revenus, ce qui a entraîné un indu de revenu de solidarité active.
Après examen de vos observations, le directeur vous inflige une pénalité financière de 300 €,
en application de l'article L. 114-17 du code de la sécurité sociale. Cette décision a été prise
à la suite d'un traitement automatisé de vos données (score de risque).

Vous pouvez contester cette pénalité devant le tribunal judiciaire dans un délai de deux mois.

Veuillez agréer, Madame, nos salutations distinguées.
"""

CAF_TERMINATION = """Caf de la Gironde
Rue du Docteur Gabriel Péry
33078 Bordeaux Cedex

Monsieur Lucas Moreau
5 cours Victor Hugo
33000 Bordeaux

Bordeaux, le 1er décembre 2026
Numéro allocataire : 9876543

Objet : fin de droits à l'allocation de rentrée scolaire

Monsieur,

Votre enfant a atteint l'âge de 18 ans. Vos droits à l'allocation de rentrée scolaire prennent fin
au 1er janvier 2027.

Veuillez agréer, Monsieur, nos salutations distinguées.
"""

CAF_TWO_LINE_NAME = """Caisse d'Allocations Familiales
de la Gironde
Rue du Docteur Gabriel Péry
33078 BORDEAUX CEDEX

                                   Mme LAMBERT Sophie
                                   Résidence Les Pins, Bât. B
                                   12 avenue Thiers
                                   33100 BORDEAUX

Vos références : 2345678
Bordeaux, le mardi 3 novembre 2026

Objet : Notification de trop-perçu - Revenu de Solidarité Active

Madame,

Suite à l'examen de votre dossier, nous avons constaté un trop-perçu de RSA d'un
montant de 2 450,00 € pour la période de juin à septembre 2026. En effet, les
revenus d'activité de votre conjoint n'ont pas été déclarés. Conformément aux
articles L. 262-46 du Code de l'action sociale et des familles, cette somme doit
être remboursée.

Sauf réponse de votre part, une retenue de 120 € sera effectuée chaque mois sur
vos prestations.

Si vous n'êtes pas d'accord avec cette décision, vous pouvez former un recours
administratif préalable auprès du Président du Conseil départemental dans un
délai de deux mois.

Nous vous prions d'agréer, Madame, l'expression de nos salutations distinguées.

Le Directeur
"""

MDPH_CAPITALS = """MAISON DÉPARTEMENTALE DES PERSONNES HANDICAPÉES
DE LOIRE-ATLANTIQUE
300 route de Vannes - CS 10017
44035 NANTES CEDEX 1

N° de dossier : 44-123456
Nantes, le 14/10/2026

M. Paul GIRARD
3 impasse des Mésanges
44300 Nantes

NOTIFICATION DE DÉCISION

Monsieur,

La Commission des droits et de l'autonomie des personnes handicapées (CDAPH), réunie le
8 octobre 2026, a examiné votre demande d'allocation aux adultes handicapés.
Elle a décidé de rejeter votre demande au motif que votre taux d'incapacité, évalué par
l'équipe pluridisciplinaire, est inférieur à 50 %.

Cette décision peut faire l'objet d'un recours administratif préalable obligatoire auprès
de la MDPH, dans un délai de deux mois à compter de sa notification.

Veuillez agréer, Monsieur, l'expression de nos salutations distinguées.
"""

CASES = {
    "petit": (PETIT_SCAN, PETIT_EXPECTED),
    "msa_overpayment": (MSA_OVERPAYMENT, {
        "organism.kind": "msa", "organism.name": "MSA Nord-Pas de Calais", "claimant.first_name": "Claire",
        "claimant.last_name": "Dubois", "claimant.postal_code": "62140", "claimant.city": "Hesdin",
        "claimant.address": "4 chemin des Prés", "claimant.file_number": "0456789", "decision.date": "2026-09-14",
        "benefit": "prime_activite", "situation": "overpayment", "context.amount_eur": 1234.5,
        "context.withholding_eur": 85, "decision.appeal_info_given": True, "decision.reasons_given": True,
        "context.after_control": True, "decision.algorithm_mentioned": False}),
    "france_travail_sanction": (FRANCE_TRAVAIL_SANCTION, {
        "organism.kind": "france_travail", "claimant.last_name": "Haddad", "claimant.first_name": "Karim",
        "claimant.file_number": "1234567K", "decision.date": "2026-10-05", "benefit": "are", "situation": "sanction",
        "context.heard_before": True, "decision.appeal_info_given": True, "decision.reasons_given": True}),
    "cpam_refusal": (CPAM_REFUSAL, {
        "organism.kind": "cpam", "organism.name": "CPAM de la Haute-Garonne", "claimant.postal_code": "31400",
        "claimant.file_number": "285033155512395", "decision.date": "2026-10-21", "benefit": "indemnites_journalieres",
        "situation": "refusal", "decision.ground": "medical", "decision.appeal_info_given": True}),
    "carsat_overpayment": (CARSAT_OVERPAYMENT, {
        "organism.kind": "carsat", "claimant.first_name": "Jean-Pierre", "claimant.last_name": "Roux",
        "claimant.file_number": "152076912345641",
        "claimant.postal_code": "69002", "benefit": "aspa", "situation": "overpayment", "context.amount_eur": 3600,
        "decision.algorithm_mentioned": True, "context.after_control": True, "context.fraud_alleged": True,
        "decision.appeal_info_given": True}),
    "departement_sanction": (DEPARTEMENT_SANCTION, {
        "organism.kind": "departement", "organism.name": "Conseil départemental de la Gironde",
        "claimant.file_number": "2026-004512", "benefit": "rsa", "situation": "sanction",
        "context.heard_before": True, "decision.date": "2026-11-12", "decision.reasons_given": True}),
    "mdph_refusal": (MDPH_REFUSAL, {
        "organism.kind": "mdph", "benefit": "aah", "situation": "refusal", "claimant.city": "Villeurbanne",
        "decision.date": "2026-10-08", "decision.appeal_info_given": True}),
    "caf_penalty": (CAF_PENALTY, {
        "organism.kind": "caf", "organism.name": "Caisse d'allocations familiales de la Loire-Atlantique",
        "situation": "penalty", "decision.algorithm_mentioned": True, "context.heard_before": True,
        "claimant.first_name": "Amina", "claimant.last_name": "Benali", "claimant.file_number": "1234567"}),
    "caf_two_line_name": (CAF_TWO_LINE_NAME, {
        "organism.name": "Caisse d'Allocations Familiales de la Gironde", "organism.address":
        "Rue du Docteur Gabriel Péry, 33078 BORDEAUX CEDEX", "claimant.first_name": "Sophie", "claimant.last_name": "Lambert",
        "claimant.city": "Bordeaux", "decision.date": "2026-11-03", "benefit": "rsa", "situation": "overpayment",
        "context.amount_eur": 2450, "context.withholding_eur": 120, "decision.reasons_given": True,
        "claimant.file_number": None}),
    "mdph_capitals": (MDPH_CAPITALS, {
        "organism.kind": "mdph", "organism.name": "MAISON DÉPARTEMENTALE DES PERSONNES HANDICAPÉES DE LOIRE-ATLANTIQUE",
        "organism.address": "300 route de Vannes, CS 10017, 44035 NANTES CEDEX 1", "claimant.last_name": "Girard",
        "claimant.file_number": "44-123456", "decision.date": "2026-10-14", "benefit": "aah", "situation": "refusal",
        "decision.reasons_given": None, "context.heard_before": None, "decision.ground": None}),   # a motive, no text: the person's
    "caf_termination": (CAF_TERMINATION, {
        "organism.kind": "caf", "benefit": "ars", "situation": "termination", "decision.date": "2026-12-01",
        # the child's age is a fact stated, no text cited: the person's to judge (no « no »)
        "decision.appeal_info_given": False, "decision.reasons_given": None}),
}


def noisy(text: str) -> str:
    """As a poor OCR gives it: no accents, long lines cut with a hyphen, « ler », « n0s »."""
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    text = re.sub(r"\b1er\b", "ler", text).replace(" nos ", " n0S ")
    return re.sub(r"([a-z]{4})([a-z]{5,}) ", r"\1-\n\2 ", text, count=6)


def _values(found: dict) -> dict:
    return {k: p.value for k, p in found.items()}


@pytest.mark.parametrize("variant", ["clean", "noisy"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_decision_fields(case: str, variant: str) -> None:
    text, expected = CASES[case]
    found = _values(read_decision(noisy(text) if variant == "noisy" else text))
    accentless = variant == "noisy"
    for name, value in expected.items():
        if value is None:
            assert name not in found, (name, found.get(name))
            continue
        assert name in found, f"{name} not read ({case}, {variant})"
        got = found[name]
        if accentless and isinstance(value, str):
            fold_ = lambda s: unicodedata.normalize("NFD", s).encode("ascii", "ignore").decode()  # noqa: E731
            assert fold_(str(got)) == fold_(value), (name, got)
        else:
            assert got == value, (name, got)


def test_every_proposal_has_evidence_and_passes_the_threshold() -> None:
    for text, _ in CASES.values():
        for name, proposal in read_decision(text).items():
            assert proposal.confidence >= CONFIDENCE_THRESHOLD
            assert proposal.evidence.strip() and len(proposal.evidence) <= 400, name


def test_evidence_is_the_letters_own_words() -> None:
    found = read_decision(PETIT_SCAN)
    assert found["decision.date"].evidence == "Lille, le 2 novembre 2026"
    assert "aide personnalisée au logement" in found["benefit"].evidence
    assert "délai de deux mois" in found["decision.appeal_info_given"].evidence
    assert found["decision.algorithm_mentioned"].evidence.startswith("Courrier lu du début à la formule de politesse")


def test_public_example_from_its_expected_file() -> None:
    """../shared/letters/caf-apl-suspension.expected.json, every field, from the scan's OCR text."""
    path = SHARED / "letters" / "caf-apl-suspension.expected.json"
    expected = json.loads(path.read_text(encoding="utf-8")) if path.exists() else PETIT_EXPECTED
    assert expected == PETIT_EXPECTED
    assert {k: v for k, v in _values(read_decision(PETIT_SCAN)).items() if k in expected} == expected


def test_dates_in_french_and_with_ocr_slips() -> None:
    for line, iso in [("Paris, le 1er mars 2026", "2026-03-01"), ("Paris, le ler mars 2026", "2026-03-01"),
                      ("Le 02/11/2026", "2026-11-02"), ("Date : 2 fevrier 2026", "2026-02-02"),
                      ("Nantes, le 3 aout 2O26", "2026-08-03")]:
        assert _values(read_decision(line + "\nObjet : votre dossier\n"))["decision.date"] == iso, line
    assert "decision.date" not in read_decision("Paris, le 31 février 2026\nObjet : x\n")


def test_received_date_only_when_printed() -> None:
    text = PETIT_SCAN.replace("Numéro allocataire", "Date de réception : 6 novembre 2026\nNuméro allocataire")
    assert _values(read_decision(text))["decision.received_on"] == "2026-11-06"
    assert "decision.received_on" not in read_decision(PETIT_SCAN)
    said = PETIT_SCAN.replace("Nous n'avons pas reçu", "Nous avons reçu le 3 novembre 2026 votre courrier. Nous n'avons pas reçu")
    assert "decision.received_on" not in read_decision(said)


def test_absent_fields_are_missing_never_guessed() -> None:
    """A letter cut before its closing formula: no « no » read from its silence; no body,
    no person, no number in the text: none proposed."""
    cut = PETIT_SCAN.split("Vous pouvez contester")[0]
    found = read_decision(cut)
    for name in ("decision.appeal_info_given", "decision.algorithm_mentioned", "decision.reasons_given",
                 "context.fraud_alleged"):
        assert name not in found
    bare = "Objet : votre dossier\nMadame,\nNous avons bien reçu votre courrier.\n"
    assert set(read_decision(bare)) <= {"decision.reasons_given"}
    assert read_decision("") == {}


def test_contradictory_cues_are_left_unanswered() -> None:
    two_bodies = PETIT_SCAN.replace("CAF du Nord\n", "CAF du Nord - France Travail\n", 1)
    assert "organism.kind" not in read_decision(two_bodies)
    two_dates = PETIT_SCAN.replace("Numéro allocataire", "Lille, le 5 novembre 2026\nNuméro allocataire")
    assert "decision.date" not in read_decision(two_dates)
    two_benefits = PETIT_SCAN.replace("Objet : suspension de votre aide personnalisée au logement",
                                      "Objet : suspension de votre APL et de votre RSA")
    assert "benefit" not in read_decision(two_benefits)
    two_numbers = PETIT_SCAN.replace("Numéro allocataire : 7654321",
                                     "Numéro allocataire : 7654321\nNuméro allocataire : 1111111")
    assert "claimant.file_number" not in read_decision(two_numbers)
    two_situations = PETIT_SCAN.replace("Objet : suspension de votre aide personnalisée au logement",
                                        "Objet : votre aide personnalisée au logement").replace(
        "est suspendu", "est suspendu et un indu de 200 € vous est réclamé, puis vos droits prennent fin")
    assert "situation" not in read_decision(two_situations)
    # the privacy notice's « traitement automatisé » is not the decision's algorithm, but a
    # score named there might be: unsure
    notice = PETIT_SCAN.replace("Nous vous prions", "Vos données font l'objet d'un score de risque "
                                "(loi Informatique et libertés).\n\nNous vous prions")
    assert "decision.algorithm_mentioned" not in read_decision(notice)


def test_appeal_info_no_only_where_no_appeal_word_is_read() -> None:
    """A route without its time limit, or a misread one (« deux moes »), is left for the person;
    « no » only where nothing of an appeal is printed (and no other page is pointed to)."""
    no_time = PETIT_SCAN.replace("dans un délai de deux mois à compter de sa notification\n", "")
    assert "decision.appeal_info_given" not in read_decision(no_time)
    misread = PETIT_SCAN.replace("deux mois", "deux moes")
    assert _values(read_decision(misread))["decision.appeal_info_given"] is True
    nothing = re.sub(r"Vous pouvez contester.*amiable\.\n", "", PETIT_SCAN, flags=re.S)
    assert _values(read_decision(nothing))["decision.appeal_info_given"] is False
    verso = nothing.replace("Nous vous prions", "Voir au verso.\n\nNous vous prions")
    assert "decision.appeal_info_given" not in read_decision(verso)


def test_a_misread_word_keeps_a_no_from_being_read() -> None:
    garbled = PETIT_SCAN.replace("En conséquence", "Votre dossier a été sélectionné par un alganitème. En conséquence")
    assert "decision.algorithm_mentioned" not in read_decision(garbled)
    cited = PETIT_SCAN.replace("En conséquence", "Voir l'artcle L. 542-2. En conséquence")
    assert "decision.reasons_given" not in read_decision(cited)


def test_a_social_security_number_is_read_only_when_its_key_checks() -> None:
    assert _values(read_decision(CPAM_REFUSAL))["claimant.file_number"] == "285033155512395"
    misread = CPAM_REFUSAL.replace("555 123 95", "555 128 95")
    assert "claimant.file_number" not in read_decision(misread)
    figure_lost = CPAM_REFUSAL.replace("555 123 95", "55 123 95")
    assert "claimant.file_number" not in read_decision(figure_lost)
    vague = CPAM_REFUSAL.replace("N° de sécurité sociale", "Vos références")
    assert _values(read_decision(vague))["claimant.file_number"] == "285033155512395"
    assert "claimant.file_number" not in read_decision(PETIT_SCAN.replace("Numéro allocataire", "Vos références"))


def test_names_in_capitals_are_written_as_names() -> None:
    for line, first, last in [("Madame Amina BENALI", "Amina", "Benali"), ("Mme BENALI Amina", "Amina", "Benali"),
                              ("MADAME AMINA BENALI", "Amina", "Benali"), ("M. N'DIAYE Cédric", "Cédric", "N'Diaye"),
                              ("MONSIEUR RACHID LE GALL", "Rachid", "Le Gall")]:
        found = _values(read_decision(PETIT_SCAN.replace("Monsieur Thomas Petit", line)))
        assert (found["claimant.first_name"], found["claimant.last_name"]) == (first, last), line
    for line in ("Madame Marie Claire Dupont", "MONSIEUR JEAN PAUL MARTIN"):
        found = read_decision(PETIT_SCAN.replace("Monsieur Thomas Petit", line))
        assert "claimant.first_name" not in found and "claimant.last_name" not in found, line


def test_the_greeting_tells_which_of_two_small_letter_names_is_the_last_name() -> None:
    """« Mme Benhamou Brigitte » without capitals: the first name first is only a custom; the
    greeting « Madame Benhamou, » says which is the last name."""
    for line, greeting, first, last in [("Madame Benhamou Brigitte", "Madame Benhamou,", "Brigitte", "Benhamou"),
                                        ("Madame Brigitte Benhamou", "Madame Benhamou,", "Brigitte", "Benhamou"),
                                        ("Madame Brigitte Benhamou", "Madame,", "Brigitte", "Benhamou")]:
        text = PETIT_SCAN.replace("Monsieur Thomas Petit", line).replace("Monsieur,\n", greeting + "\n", 1)
        found = _values(read_decision(text))
        assert (found["claimant.first_name"], found["claimant.last_name"]) == (first, last), (line, greeting)


def test_a_street_with_an_ocr_slip_in_small_letters_is_left_to_the_person() -> None:
    """« de ls Libération », « au 21 rue … »: no commune check catches a slip in a street's words."""
    body = _values(read_decision(PETIT_SCAN.replace("82 rue Brûle-Maison", "82 rue de ls Brûle-Maison")))
    assert "organism.address" not in body and body["claimant.address"] == "21 rue Solférino"
    claimant = _values(read_decision(PETIT_SCAN.replace("21 rue Solférino", "au 21 rue Solférino")))
    assert "claimant.address" not in claimant and "organism.address" in claimant
    kept = _values(read_decision(PETIT_SCAN.replace("21 rue Solférino", "21 bis rue de la Paix").replace(
        "82 rue Brûle-Maison", "Service des prestations, 82 rue Brûle-Maison")))
    assert kept["claimant.address"] == "21 bis rue de la Paix" and "organism.address" in kept
    # a first name whose capital OCR lost is a street's word
    named = _values(read_decision(PETIT_SCAN.replace("21 rue Solférino", "21 avenue jean Jaurès")))
    assert named["claimant.address"] == "21 avenue jean Jaurès"


def test_the_bodys_and_the_persons_address_read_from_one_block_are_left() -> None:
    """OCR ran the body's block into the person's: the person does not live at the body's
    street, and a body's address on the person's postcode line may be the person's."""
    def proposals(**said: str) -> dict[str, Proposal]:
        return {name.replace("_", ".", 1): Proposal(value=v, evidence=v, confidence=0.9) for name, v in said.items()}

    one_street = proposals(organism_address="22 avenue de la Libération, 49000 Angers", claimant_address="22 avenue de la Libération",
                           claimant_postal_code="49000", claimant_city="Angers", claimant_last_name="Moreau")
    assert set(_one_block_for_two(one_street)) == {"claimant.last_name"}
    said = {"organism.address": "36 rue Saint-Exupéry, 67490 Printzheim", "claimant.postal_code": "67490",
            "claimant.city": "Printzheim"}
    place = proposals(**{name.replace(".", "_"): value for name, value in said.items()})
    assert set(_one_block_for_two(place)) == {"claimant.postal_code", "claimant.city"}
    lives_there = {**place, **proposals(claimant_address="2 rue du Lac")}
    assert _one_block_for_two(lives_there) == lives_there   # the person lives in the body's town


def test_a_postcode_the_city_does_not_have_is_not_proposed() -> None:
    found = read_decision(PETIT_SCAN.replace("59000 Lille\n\nLille, le", "75000 Lille\n\nLille, le"))
    assert "claimant.postal_code" not in found and "claimant.city" not in found
    ocr = _values(read_decision(PETIT_SCAN.replace("59000 Lille\n\nLille", "59O00 Lille\n\nLille")))
    assert ocr["claimant.postal_code"] == "59000"


# Two columns read as one line by the OCR (the references on the left, the addressee on the right).
MERGED = PETIT_SCAN.replace("""Monsieur Thomas Petit
21 rue Solférino
59000 Lille

Lille, le 2 novembre 2026
Numéro allocataire : 7654321
""", """Numéro allocataire : 7654321 Monsieur Thomas Petit
Référence : DOS-2026-4471 21 rue Solférino
Dossier suivi par : Mme Leroy 59000 Lille

Lille, le 2 novembre 2026
""")


# the other column's labelled lines alone between the addressee's lines
MERGED_APART = MERGED.replace("Référence : DOS-2026-4471 21 rue Solférino\nDossier suivi par : Mme Leroy 59000 Lille",
                              "Référence : DOS-2026-4471\nDate du courrier : 02/11/2026\n21 rue Solférino\n"
                              "Dossier suivi par : Mme Leroy\n59000 Lille")


@pytest.mark.parametrize("text", [MERGED, MERGED_APART], ids=["side by side", "lines apart"])
def test_columns_read_as_one_line(text: str) -> None:
    found = _values(read_decision(text))
    assert found["claimant.file_number"] == "7654321"
    assert (found["claimant.first_name"], found["claimant.last_name"]) == ("Thomas", "Petit")
    assert found["claimant.address"] == "21 rue Solférino"
    assert (found["claimant.postal_code"], found["claimant.city"]) == ("59000", "Lille")


def test_a_figure_is_judged_by_its_own_lines() -> None:
    """« 2O26 » read « 2826 » in one date of the body: the figures read in that passage are left
    for the person, those of other blocks (the file number, the letter's date, the body's
    address) read cleanly stay; slips on three lines doubt every figure of the page."""
    doubtful = PETIT_SCAN.replace("le ler octobre 2026", "le ler octobre 2826")
    found = _values(read_decision(doubtful))
    assert found["claimant.file_number"] == "7654321" and found["decision.date"] == "2026-11-02"
    assert found["organism.address"] == "82 rue Brûle-Maison, 59024 Lille Cedex"
    assert found["benefit"] == "apl" and found["situation"] == "suspension"
    # the claimant's postcode misread: its block's street is doubted, not the date far below
    wrong_postcode = _values(read_decision(PETIT_SCAN.replace("59000 Lille\n\nLille", "59888 Lille\n\nLille")))
    assert "claimant.address" not in wrong_postcode and wrong_postcode["claimant.file_number"] == "7654321"
    amount = MSA_OVERPAYMENT.replace("période de mars à mai 2026", "période du 1er mars au 31 mai 2826")
    assert "context.amount_eur" not in read_decision(amount)
    assert _values(read_decision(amount))["context.withholding_eur"] == 85
    thrice = doubtful.replace("Lille, le 2 novembre 2026", "Lille, le 2 novembre 2826").replace(
        "59000 Lille\n\nLille", "59888 Lille\n\nLille")
    for name in ("claimant.file_number", "decision.date", "organism.address", "claimant.address"):
        assert name not in read_decision(thrice), name


def test_the_sender_block_at_the_foot_when_the_letterhead_is_unread() -> None:
    """A logo OCR cannot read: the name and address printed again at the foot give them; a
    street printed twice differently, a street lost, a postcode outside the named département,
    leave the address or the name for the person; the city is the commune's own spelling."""
    logo_lost = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex\n", "caf\n", 1)
    footer = logo_lost + "\nCAF du Nord — 82 rue Brûle-Maison — 59024 Lille Cedex\n"
    found = _values(read_decision(footer))
    assert found["organism.name"] == "CAF du Nord" and found["organism.address"] == "82 rue Brûle-Maison, 59024 Lille Cedex"
    assert "organism.address" not in read_decision(logo_lost)
    twice = PETIT_SCAN + "\nCAF du Nord — 32 rue Brûle-Maison — 59024 Lille Cedex\n"
    assert "organism.address" not in read_decision(twice)
    cut = PETIT_SCAN.replace("82 rue Brûle-Maison\n", "82 rue Brûle\n", 1) + "\nCAF du Nord — 82 rue Brûle Maison — 59024 Lille Cedex\n"
    assert "organism.address" not in read_decision(cut)
    no_street = PETIT_SCAN.replace("82 rue Brûle-Maison\n", "82 de ke Maison\n", 1)
    assert "organism.address" not in read_decision(no_street)
    accents = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex", "CAF du Gard\n2 rue Paul Bert\n30000 Nimes", 1)
    found = _values(read_decision(accents))
    assert found["organism.address"] == "2 rue Paul Bert, 30000 Nîmes" and found["organism.name"] == "CAF du Gard"
    elsewhere = accents.replace("30000 Nimes", "34000 Montpellier", 1)
    assert "organism.name" not in read_decision(elsewhere)
    service = PETIT_SCAN.replace("CAF du Nord\n", "CAF du Nord\nService des prestations\n", 1)
    assert _values(read_decision(service))["organism.address"].endswith("82 rue Brûle-Maison, 59024 Lille Cedex")


def test_a_postcode_one_figure_off_and_a_date_years_off() -> None:
    """« 59008 Lille » in the address block: the only postcode of Lille one figure away is read;
    a letter dated twenty years before everything it speaks of is a misread year."""
    found = _values(read_decision(PETIT_SCAN.replace("59000 Lille\n\nLille", "59008 Lille\n\nLille")))
    assert (found["claimant.postal_code"], found["claimant.city"]) == ("59000", "Lille")
    assert "decision.date" not in read_decision(PETIT_SCAN.replace("Lille, le 2 novembre 2026", "Lille, le 2 novembre 2006"))


def test_a_misread_title_and_a_label_run_into_the_postcode_line() -> None:
    """« Mne » for « Mme », « M » without its dot; « Dossier suivi par : Mme Leroy 62140 Hesdin »
    (the refs' column read on the postcode's line): the addressee's block is still read."""
    misread = MSA_OVERPAYMENT.replace("Madame Claire DUBOIS", "Mne Claire DUBOIS").replace(
        "62140 Hesdin", "Dossier suivi par : Mme Leroy 62140 Hesdin")
    found = _values(read_decision(misread))
    assert (found["claimant.first_name"], found["claimant.last_name"]) == ("Claire", "Dubois")
    assert (found["claimant.postal_code"], found["claimant.city"]) == ("62140", "Hesdin")
    assert found["claimant.address"] == "4 chemin des Prés"
    no_dot = _values(read_decision(PETIT_SCAN.replace("Monsieur Thomas Petit", "M PETIT Thomas")))
    assert (no_dot["claimant.first_name"], no_dot["claimant.last_name"]) == ("Thomas", "Petit")


def test_an_amount_with_a_point_before_its_cents() -> None:
    """« 1234.50 € » (a body's software, or OCR reading the comma as a point) is 1 234,50 €;
    « 1.234 € » stays one thousand two hundred and thirty-four euros."""
    point = MSA_OVERPAYMENT.replace("1 234,50 €", "1234.50 €")
    assert _values(read_decision(point))["context.amount_eur"] == 1234.5
    thousands = MSA_OVERPAYMENT.replace("1 234,50 €", "1.234 €")
    assert _values(read_decision(thousands))["context.amount_eur"] == 1234


@pytest.mark.parametrize("printed, value", [("EUR 1234,50", 1234.5), ("EUR 1.234,50", 1234.5), ("€ 1 234,50", 1234.5)])
def test_an_amount_with_its_currency_first(printed: str, value: float) -> None:
    """Some systems print the currency first (« Montant du trop-perçu EUR 920,22 »)."""
    assert _values(read_decision(MSA_OVERPAYMENT.replace("1 234,50 €", printed)))["context.amount_eur"] == value


def test_body_name_printed_twice_differently_is_left_unanswered() -> None:
    footer = PETIT_SCAN + "\nCAF du Nard — 82 rue Brûle-Maison — 59024 Lille Cedex\n"
    found = read_decision(footer)
    assert "organism.name" not in found and found["organism.kind"].value == "caf"
    same = PETIT_SCAN + "\nCAF du Nord — 82 rue Brûle-Maison — 59024 Lille Cedex\n"
    assert read_decision(same)["organism.name"].value == "CAF du Nord"
    moved = PETIT_SCAN + "\nCAF du Nord — 82 rue Brûle-Maison — 59824 Lille Cedex\n"
    assert "organism.address" not in read_decision(moved)
    street_lost = PETIT_SCAN.replace("82 rue Brûle-Maison\n", "", 1)
    assert "organism.address" not in read_decision(street_lost)
    logo_only = PETIT_SCAN.replace("CAF du Nord\n", "Caf\n", 1)
    assert "organism.name" not in read_decision(logo_only)
    assert read_decision(logo_only)["organism.kind"].value == "caf"


def test_fraud_said_negated_or_only_warned() -> None:
    good_faith = PETIT_SCAN.replace("En conséquence", "Nous retenons votre bonne foi. En conséquence")
    assert _values(read_decision(good_faith))["context.fraud_alleged"] is False
    warning = PETIT_SCAN.replace("Nous vous prions", "Toute fausse déclaration vous expose à des poursuites.\n\nNous vous prions")
    assert "context.fraud_alleged" not in read_decision(warning)


def test_a_situation_said_not_to_apply_is_not_read_as_the_decision() -> None:
    """« Aucune pénalité n'est prononcée » says there is no penalty: the letter is still an
    overpayment, never a penalty (which dominates an overpayment when both are said)."""
    for denial in ("Aucune pénalité financière n'est prononcée à votre encontre.",
                   "Cette décision ne comporte pas de sanction.", "Sans pénalité de retard."):
        text = MSA_OVERPAYMENT.replace("Le montant de l'indu peut", denial + "\nLe montant de l'indu peut")
        assert _values(read_decision(text)).get("situation") == "overpayment", denial
    said = MSA_OVERPAYMENT.replace("Le montant de l'indu peut", "Une pénalité de 150 € est prononcée.\nLe montant de l'indu peut")
    assert _values(read_decision(said)).get("situation") == "penalty"


@pytest.mark.parametrize("announced", [
    "Par ailleurs, le directeur de la caisse peut prononcer une pénalité financière.",
    "Une pénalité financière pourra être prononcée ; elle fera l'objet d'un courrier distinct.",
    "Vous êtes susceptible de faire l'objet d'une sanction administrative.",
    "Toute fausse déclaration vous expose à une pénalité.",
    "Une éventuelle pénalité vous sera notifiée par ailleurs.",
])
def test_a_penalty_or_sanction_only_announced_leaves_the_overpayment(announced: str) -> None:
    """A penalty the letter says may come (another procedure, another letter) is not this
    letter's decision: the overpayment is (a penalty said as decided dominates it, above)."""
    text = MSA_OVERPAYMENT.replace("Le montant de l'indu peut", announced + "\nLe montant de l'indu peut")
    assert _values(read_decision(text)).get("situation") == "overpayment"


# --- The body's answer ------------------------------------------------------------------------

ANSWER_HEAD = """CAF du Nord
82 rue Brûle-Maison
59024 Lille Cedex

Monsieur Thomas Petit
21 rue Solférino
59000 Lille

Lille, le 4 décembre 2026
Objet : votre demande du 10 novembre 2026

Monsieur,

"""
ANSWER_TAIL = "\n\nNous vous prions d'agréer, Monsieur, nos salutations distinguées.\n"
ANSWERS = {
    "complete": "Vous trouverez ci-joint les règles de calcul et les données utilisées pour votre aide au logement, "
                "comme vous l'avez demandé.",
    "partial": "Vous trouverez ci-joint le détail du calcul. Certains documents ne peuvent vous être communiqués, "
               "car ils concernent des tiers.",
    "refusal_with_reasons": "Nous ne pouvons pas faire droit à votre demande : le rapport d'enquête mettant en cause des tiers, "
                            "sa communication est exclue en application de l'article L. 311-6 du code des relations "
                            "entre le public et l'administration.",
    "refusal_without_reasons": "Nous ne pouvons pas donner une suite favorable à votre demande.",
    "asks_identity": "Afin de traiter votre demande, merci de nous adresser la copie d'une pièce d'identité.",
    "asks_more_time": "Votre demande est en cours d'examen. Compte tenu de sa complexité, un délai supplémentaire "
                      "de deux mois nous est nécessaire.",
    "wrong_body": "Votre demande ne relève pas de notre compétence. Nous l'avons transmise au Conseil départemental.",
    "withdrawn": "Après réexamen de votre dossier, nous annulons notre décision du 2 novembre 2026 et vos droits "
                 "sont rétablis.",
}


def test_answer_kinds_cover_followup() -> None:
    assert set(ANSWERS) == {k.value for k in AnswerKind}


@pytest.mark.parametrize("variant", ["clean", "noisy"])
@pytest.mark.parametrize("kind", sorted(ANSWERS))
def test_answer_kind(kind: str, variant: str) -> None:
    text = ANSWER_HEAD + ANSWERS[kind] + ANSWER_TAIL
    found = read_answer(noisy(text) if variant == "noisy" else text)
    assert found["answer.kind"].value == kind
    assert AnswerKind(found["answer.kind"].value)
    assert found["answer.kind"].evidence and found["answer.kind"].confidence >= CONFIDENCE_THRESHOLD


def test_answer_contradictory_or_empty_is_unanswered() -> None:
    both = ANSWER_HEAD + ANSWERS["withdrawn"] + " " + ANSWERS["asks_identity"] + ANSWER_TAIL
    assert read_answer(both) == {}
    assert read_answer(ANSWER_HEAD + "Nous accusons réception de votre courrier." + ANSWER_TAIL) == {}
    assert read_answer("") == {}
    # a refusal with facts but no text cited: neither kind is sure
    half = ANSWER_HEAD + "Nous ne pouvons pas donner une suite favorable à votre demande, car vous n'avez pas fourni les pièces." + ANSWER_TAIL
    assert read_answer(half) == {}


# --- One source for each fact -------------------------------------------------------------------

def test_patterns_use_registry_ids_and_cover_the_registry() -> None:
    data = patterns()
    kinds, benefits = set(bodies.organism_kinds()), set(bodies.benefit_ids())
    skipped_kinds, skipped_benefits = set(data["not_readable"]["organisms"]), set(data["not_readable"]["benefits"])
    for section in ("organisms", "file_number_labels"):
        assert set(data[section]) <= kinds, section
    assert set(data["organisms"]) | skipped_kinds == kinds
    assert set(data["benefits"]) <= benefits and skipped_benefits <= benefits
    assert skipped_kinds <= kinds
    assert set(data["situations"]) == set(bodies.organism("caf")["situations"])
    assert set(data["answers"]) | {"refusal_with_reasons", "refusal_without_reasons"} - {"refusal"} >= \
        {k.value for k in AnswerKind} - {"refusal_with_reasons", "refusal_without_reasons"}
    for section, values in data.items():
        for regex in (values if isinstance(values, list) else [r for v in values.values() if isinstance(v, list) for r in v]):
            compiled(regex)


def test_every_body_name_and_benefit_name_of_the_registry_is_read() -> None:
    """The registry's own short names are readable: a name added there is read without a pattern."""
    for kind in bodies.organism_kinds():
        short = bodies.organism(kind)["short"]
        letter = f"{short}\n1 rue de la Paix\n75002 Paris\n\nParis, le 2 novembre 2026\nObjet : votre dossier\n"
        assert read_decision(letter)["organism.kind"].value == kind, kind
    for benefit in set(bodies.benefit_ids()) - set(patterns()["not_readable"]["benefits"]):
        mine = bodies.benefit_words(benefit)["mine"]
        name = re.sub(r"^(mon|ma|mes|l')\s*", "", re.sub(r"\s*\(.*\)$", "", mine))
        assert list(_benefits_in(Letter(f"Objet : fin de votre {name}"))) == [benefit], benefit


@pytest.mark.parametrize("named, expected", [
    ("Objet : suspension de votre pension d'invalidité", "autre"),
    ("Objet : révision de votre rente accident du travail", "autre"),
    ("Objet : suspension de votre pension d'invalidité et de vos indemnités journalières", None),
    ("Objet : fin de votre prestation", None),
])
def test_a_benefit_the_registry_files_under_autre_is_read_autre(named: str, expected: str | None) -> None:
    """Invalidity and work-accident pensions have no id of their own (bodies.yaml: `autre`): a
    letter naming one, and no other benefit, is read `autre`; with another, nothing is proposed."""
    letter = f"CPAM de la Sarthe\n2 place de la République\n72000 Le Mans\n\nLe Mans, le 2 novembre 2026\n{named}\n"
    found = read_decision(letter).get("benefit")
    assert (found.value if found else None) == expected


def test_folding_keeps_places() -> None:
    text = "Numéro n0S ler octobre Électricité 2O26"
    assert len(fold(text)) == len(text)
    assert fold(text) == "numero nos 1er octobre electricite 2026"
    letter = Letter("suspen-\nsion de l'aide")
    assert letter.flat == "suspension de l'aide"


# --- Other wordings of the same things (issue 21: the rules read the wording, not one sentence) --

def _petit_body(body: str) -> str:
    """PETIT_SCAN with its two paragraphs of facts and decision replaced by `body`."""
    start = PETIT_SCAN.index("Nous n'avons pas reçu")
    end = PETIT_SCAN.index("Vous pouvez contester")
    return PETIT_SCAN[:start] + body + "\n\n" + PETIT_SCAN[end:]


@pytest.mark.parametrize("body", [
    "Votre dossier a été retenu par un contrôle automatisé. Votre APL est suspendue.",
    "Un croisement avec vos déclarations a été effectué. Votre APL est suspendue.",
    "Un échange d'informations avec la DGFiP a été effectué. Votre APL est suspendue.",
    "Vos ressources sont rapprochées, par un traitement informatique automatisé, des revenus déclarés. Votre APL est suspendue.",
])
def test_algorithm_and_data_matching_wordings(body: str) -> None:
    """An exchange of data with the DGFiP, a cross-check of files, an automated check: the
    algorithm is mentioned, and the file was checked."""
    found = _values(read_decision(_petit_body(body)))
    assert found["decision.algorithm_mentioned"] is True
    assert found["context.after_control"] is True


@pytest.mark.parametrize("body, field", [
    ("Suite au contrôle effectué le 3 octobre 2026, votre APL est suspendue.", "context.after_control"),
    ("À l'issue de la vérification de vos ressources, votre APL est suspendue.", "context.after_control"),
    ("Vous avez été reçu le 3 octobre 2026 par un agent. Votre APL est suspendue.", "context.heard_before"),
    ("Lors de l'entretien du 3 octobre 2026, vous avez exposé votre situation. Votre APL est suspendue.", "context.heard_before"),
    ("Nous avons pris connaissance des observations que vous nous avez adressées. Votre APL est suspendue.", "context.heard_before"),
    ("Après examen des explications que vous nous avez transmises, votre APL est suspendue.", "context.heard_before"),
    ("Nous vous avons demandé de nous faire connaître vos explications. Votre APL est suspendue.", "context.heard_before"),
    ("Vous aviez la possibilité de présenter vos observations avant cette décision. Votre APL est suspendue.", "context.heard_before"),
    ("Vos explications ne justifient pas votre absence. Votre APL est suspendue.", "context.heard_before"),
    ("Les explications que vous avez fournies le 3 octobre 2026 ne modifient pas ce constat. Votre APL est suspendue.", "context.heard_before"),
    ("Un échange préalable a eu lieu le 3 octobre 2026. Votre APL est suspendue.", "context.heard_before"),
    ("Vous n'avez pas répondu à notre courrier du 3 octobre 2026. Votre APL est suspendue.", "context.heard_before"),
    ("Vous avez été mis en mesure de présenter des observations. Votre APL est suspendue.", "context.heard_before"),
    ("Notre lettre préalable du 3 octobre 2026 vous annonçait cette mesure. Votre APL est suspendue.", "context.heard_before"),
    ("Au cours du contrôle de vos droits, nous avons examiné vos déclarations. Votre APL est suspendue.", "context.after_control"),
    ("Le 22 juin 2026, nos services ont contrôlé l'utilisation de l'aide. Votre APL est suspendue.", "context.after_control"),
    ("Ce contrôle de cohérence avec vos revenus déclarés aux impôts a été fait. Votre APL est suspendue.", "context.after_control"),
])
def test_control_and_hearing_wordings(body: str, field: str) -> None:
    assert read_decision(_petit_body(body))[field].value is True


@pytest.mark.parametrize("body", [
    "Dans la mesure où vos justificatifs manquent, les conditions fixées par l'article R. 823-10 ne sont pas remplies. "
    "Votre APL est suspendue.",
    "Le médecin-conseil a estimé que votre arrêt n'était plus médicalement justifié. En application de l'article "
    "L. 315-1 du code de la sécurité sociale, votre APL est suspendue.",
    "Les sommes versées du 1er mai au 31 août 2026 ne vous étaient pas dues (article 26 du règlement d'assurance chômage). "
    "Votre APL est suspendue.",
    "Au vu de cette évaluation, et en application de l'article R. 823-10, votre APL est suspendue.",
    "Vos ressources dépassent le plafond fixé à l'article R. 823-10. Votre APL est suspendue.",
    "Il en ressort que vos revenus sont plus élevés. Les conditions prévues par le code de la construction et de "
    "l'habitation ne sont donc pas remplies : votre APL est suspendue.",
    "Ce contrôle a fait apparaître un écart de ressources ; conformément à l'article R. 823-10, votre APL est suspendue.",
])
def test_reasons_wordings(body: str) -> None:
    assert read_decision(_petit_body(body))["decision.reasons_given"].value is True


def test_a_code_cited_in_the_appeal_passage_keeps_the_no_of_reasons() -> None:
    """A text cited only where the letter says how to appeal is not the decision's ground: the
    letter read whole, with no ground, gives reasons « no », with evidence."""
    cited = PETIT_BARE.replace("en saisissant le directeur de la Caf",
                               "en saisissant le directeur de la Caf (article R. 142-1 du code de la sécurité sociale)")
    found = read_decision(cited)
    assert found["decision.reasons_given"].value is False and found["decision.reasons_given"].evidence


def test_a_payment_done_automatically_is_not_a_misread_algorithm() -> None:
    """« prélevée automatiquement » is not a misread « automatisé »: the « no » is read."""
    paid = PETIT_SCAN.replace("Nous vous prions", "Toute somme due sera prélevée automatiquement.\n\nNous vous prions")
    assert read_decision(paid)["decision.algorithm_mentioned"].value is False


@pytest.mark.parametrize("body, situation", [
    ("Votre droit à l'aide personnalisée au logement est interrompu à compter du 1er novembre 2026.", "suspension"),
    ("Vous devez nous rembourser la somme de 312,40 € au titre de l'aide personnalisée au logement.", "overpayment"),
    ("Nous ne sommes pas en mesure de donner une suite favorable à votre demande d'aide personnalisée au logement.", "refusal"),
    ("Dans l'attente de vos justificatifs, le paiement de votre aide personnalisée au logement est mis en attente.", "suspension"),
    ("Nous bloquons le versement de votre aide personnalisée au logement.", "suspension"),
    ("Le montant de votre aide personnalisée au logement est revu à la baisse à partir du 1er novembre 2026.", "reduction"),
    ("Une somme de 312,40 € vous a été versée en trop au titre de l'aide personnalisée au logement.", "overpayment"),
    ("Vous restez nous devoir la somme de 312,40 € au titre de l'aide personnalisée au logement.", "overpayment"),
    ("Avis de créance : aide personnalisée au logement.", "overpayment"),
    ("Objet : refus d'attribution. Les conditions ne sont pas réunies pour l'aide personnalisée au logement.", "refusal"),
    ("Nous ne pouvons pas vous verser l'aide personnalisée au logement pour cette période.", "refusal"),
    ("L'aide personnalisée au logement ne peut pas vous être accordée.", "refusal"),
    ("La commission a pris la décision suivante : aide personnalisée au logement, refus.", "refusal"),
    ("Nous cessons de vous verser l'aide personnalisée au logement à compter du 1er novembre 2026.", "termination"),
    ("Vous n'êtes plus bénéficiaire de l'aide personnalisée au logement depuis le 1er novembre 2026.", "termination"),
    ("Votre droit à l'aide personnalisée au logement est fermé depuis le 1er novembre 2026.", "termination"),
    ("Le paiement de l'aide personnalisée au logement est mis en suspens.", "suspension"),
    ("Votre demande d'aide personnalisée au logement est déclarée irrecevable.", "refusal"),
    ("La condition d'ouverture du droit n'est donc pas remplie pour l'aide personnalisée au logement.", "refusal"),
    ("La part de l'aide personnalisée au logement qui n'a pas été employée doit être reversée.", "overpayment"),
])
def test_situation_wordings(body: str, situation: str) -> None:
    text = _petit_body(body).replace("Objet : suspension de votre aide personnalisée au logement", "Objet : votre dossier")
    assert read_decision(text)["situation"].value == situation


@pytest.mark.parametrize("line", ["Lille, le 2 nov. 2026", "Le 2 nov. 2026", "Séance de la CDAPH du 2 novembre 2026"])
def test_decision_date_wordings(line: str) -> None:
    assert read_decision(PETIT_SCAN.replace("Lille, le 2 novembre 2026", line))["decision.date"].value == "2026-11-02"


_HEAD = "CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex\n\nMonsieur Thomas Petit\n21 rue Solférino\n59000 Lille"
_SUBJECT = "\n\nObjet : suspension de votre aide personnalisée au logement\nMonsieur,\n"


@pytest.mark.parametrize("head, date", [
    # the subject and the greeting read before the column holding the date, which stands apart
    ("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex" + _SUBJECT + "\nMonsieur Thomas Petit\n21 rue Solférino\n"
     "59000 Lille\n\nLe 2 novembre 2026\n", "2026-11-02"),
    # … right under the addressee's postcode line
    ("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex" + _SUBJECT + "\nMonsieur Thomas Petit\n21 rue Solférino\n"
     "59000 Lille\nLe 2 novembre 2026\n", "2026-11-02"),
    # … after a label naming the letter's date, among references
    ("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex" + _SUBJECT + "\nNuméro allocataire : 7654321\n"
     "Date du courrier : 02/11/2026\nRéférence : IND-2026-1\n\nMonsieur Thomas Petit\n21 rue Solférino\n59000 Lille\n",
     "2026-11-02"),
    # a sentence of the body ending with a date is not the letter's date line
    ("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex" + _SUBJECT + "\nMonsieur Thomas Petit\n21 rue Solférino\n"
     "59000 Lille\n\nVotre APL a été contrôlée et le résultat vous a été notifié\nle 2 novembre 2026.\n", None),
])
def test_a_date_line_read_after_the_subject(head: str, date: "str | None") -> None:
    text = PETIT_SCAN.replace("\nObjet : suspension de votre aide personnalisée au logement\nMonsieur,\n", "").replace(
        _HEAD + "\n\nLille, le 2 novembre 2026", head)
    found = read_decision(text).get("decision.date")
    assert (found.value if found else None) == date


def test_a_name_given_as_a_label_s_value_is_not_the_addressee() -> None:
    """« Votre interlocuteur : Mme Marchand » above the addressee's block: the agent, not a
    second addressee that would leave the block unanswered."""
    text = PETIT_SCAN.replace("59024 Lille Cedex\n", "59024 Lille Cedex\nVotre interlocuteur : Mme Marchand\n")
    found = read_decision(text)
    assert (found["claimant.first_name"].value, found["claimant.last_name"].value) == ("Thomas", "Petit")


@pytest.mark.parametrize("closing", ["Nous restons à votre disposition pour tout renseignement.\nLe Directeur",
                                     "Pour le Président et par délégation,\nla Directrice de l'insertion"])
def test_other_closings_make_a_letter_read_whole(closing: str) -> None:
    text = PETIT_SCAN.replace("Nous vous prions d'agréer, Monsieur, nos salutations distinguées.", closing)
    assert read_decision(text)["decision.algorithm_mentioned"].value is False
    assert "decision.algorithm_mentioned" not in read_decision(text.replace(closing, "Le Directeur"))


def test_the_footer_s_copy_of_the_body_address_with_a_misread_postcode() -> None:
    """« • » read « + » parts the footer; a copy whose postcode is none of the city's (« 59088 »)
    is a slip that neither contradicts the letterhead's address nor is read; a copy with
    another of the city's postcodes contradicts it."""
    body = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex", "CAF du Nord\n82 rue Brûle-Maison\n59000 Lille")
    footer = "\nCAF du Nord + 82 rue Brûle-Maison + {} Lille\n"
    found = read_decision(body + footer.format("59088"))
    assert found["organism.address"].value == "82 rue Brûle-Maison, 59000 Lille"
    assert "organism.address" not in read_decision(body + footer.format("59800"))
    head_slip = body.replace("\n82 rue Brûle-Maison\n59000 Lille", " — 82 rue Brûle-Maison — 59008 Lille") + footer.format("59000")
    assert read_decision(head_slip)["organism.address"].value == "82 rue Brûle-Maison, 59000 Lille"


def test_amounts_in_a_table_headed_in_euros() -> None:
    """« Montant (€) » heads the column: « Montant total de la dette  2048,00 » is the amount
    claimed, « Retenue mensuelle … 52,76 » the monthly withholding; a schedule's rows are neither."""
    body = ("Les sommes versées en trop constituent une dette au titre de votre aide personnalisée au logement.\n"
            "Détail Montant (€)\nMontant total de la dette 2048,00\nRetenue mensuelle sur vos prestations 52,76\n\n"
            "Échéance Retenue (€)\nfévrier 2026 52,76\nmars 2026 52,76")
    found = read_decision(_petit_body(body))
    assert (found["context.amount_eur"].value, found["context.withholding_eur"].value) == (2048, 52.76)
    unheaded = read_decision(_petit_body(body.replace("Montant (€)", "Montant")))
    assert "context.amount_eur" not in unheaded and "context.withholding_eur" not in unheaded
    # the table read column after column: the labels, then the heading and the amounts alone
    columns = ("Les sommes versées en trop constituent une dette au titre de votre aide personnalisée au logement.\n"
               "Détail\nMontant total de la dette\nRetenue mensuelle sur vos prestations\nMontant (€)\n2048,00\n52,76\n\n"
               "Échéance\nfévrier 2026\nmars 2026\nRetenue (€)\n52,76\n52,76")
    found = read_decision(_petit_body(columns))
    assert (found["context.amount_eur"].value, found["context.withholding_eur"].value) == (2048, 52.76)


@pytest.mark.parametrize("old, new, field, value", [
    # a label with its number alone on the next line; « N° » read « N' »
    ("Numéro allocataire : 7654321", "Numéro allocataire :\n7654321", "claimant.file_number", "7654321"),
    ("Numéro allocataire : 7654321", "N' de dossier : 7654321", "claimant.file_number", "7654321"),
    ("Numéro allocataire : 7654321", "N° allocataire|7654321 |", "claimant.file_number", "7654321"),   # a table's bar
    # a social-security number in groups, the next column's house number run into it
    ("Numéro allocataire : 7654321", "N° de sécurité sociale : 1 79 01 49 258 750 56 68 RUE DES ÉCOLES",
     "claimant.file_number", "179014925875056"),
    # the registered-letter mention run after a logo's bare name is not its place
    ("CAF du Nord\n82", "l'Assurance Maladie Lettre recommandée avec avis de réception\nCPAM du Nord\n82",
     "organism.name", "CPAM du Nord"),
    # the name printed again after a logo's, misread
    ("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex", "France Travail France Tevall — Agence de Lille\n"
     "82 rue Brûle-Maison, 59000 Lille", "organism.name", "France Travail"),
    ("Numéro allocataire : 7654321", "Réf. dossier : RSA-7654321 Gestionnaire : M. Durand", "claimant.file_number", "RSA-7654321"),
    # the date after a column's separator on a letterhead line
    ("Lille, le 2 novembre 2026\nNuméro allocataire : 7654321", "Numéro allocataire : 7654321 | Le 02.11.2026",
     "decision.date", "2026-11-02"),
    ("Lille, le 2 novembre 2026", "Décision de la CDAPH du 2 novembre 2026", "decision.date", "2026-11-02"),
    ("Lille, le 2 novembre 2026", "Décision de la CDAPH du | 2 novembre 2026 |", "decision.date", "2026-11-02"),
    ("Lille, le 2 novembre 2026", "Émis le 2 nov. 2026 59000 Lille", "decision.date", "2026-11-02"),   # a postcode run after
    ("Lille, le 2 novembre 2026\nNuméro allocataire : 7654321", "Numéro allocataire : 7654321 Le 2 nov. 2026",
     "decision.date", "2026-11-02"),
    ("Numéro allocataire : 7654321", "Dossier PCH n° D648739 Instructeur : Mme Marchand", "claimant.file_number", "D648739"),
    ("Numéro allocataire : 7654321", "Dossier RSA : 325164 REF-2026-56130", "claimant.file_number", "325164"),
    ("CAF du Nord\n82 rue Brûle-Maison", "Carsat Nord-Picardie\nAssurance retraite — Direction des retraites\n82 rue Brûle-Maison",
     "organism.address", "82 rue Brûle-Maison, 59024 Lille Cedex"),
    (_HEAD + "\n\nLille, le 2 novembre 2026", _HEAD.replace("CAF du Nord", "CAF du Nord Date : 02/11/2026"),
     "decision.date", "2026-11-02"),
    # the body's commission named alone between its name and its address
    ("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex", "MDPH du Nord\nCommission des droits et de l'autonomie des "
     "personnes handicapées (CDAPH)\n82 rue Brûle-Maison, 59024 Lille Cedex", "organism.address", "82 rue Brûle-Maison, 59024 Lille Cedex"),
])
def test_letterhead_shapes(old: str, new: str, field: str, value: str) -> None:
    assert old in PETIT_SCAN
    assert read_decision(PETIT_SCAN.replace(old, new))[field].value == value


@pytest.mark.parametrize("printed, read", [("9147591L", "9147591L"), ("12345678901", "12345678901"),
                                           ("91475911", None), ("96071024H", None)])
def test_a_france_travail_identifier_in_another_shape_is_left(printed: str, read: "str | None") -> None:
    """France Travail's identifier is 7 figures and a letter (or 11 figures): « 91475911 » is
    « 9147591L » misread, left to the person rather than proposed."""
    ft = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex", "France Travail\n3 rue Paul Bert\n59000 Lille")
    found = read_decision(ft.replace("Numéro allocataire : 7654321", f"Identifiant : {printed}")).get("claimant.file_number")
    assert (found.value if found else None) == read


def test_a_label_in_small_letters_under_the_address_line_is_not_part_of_the_name() -> None:
    """« identifiant : … » (its capital lost) under « Service … — 82 rue … — 59000 Lille » is
    a label, not the end of a name cut over two lines."""
    text = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex",
                              "CAF du Nord\nService des prestations — 82 rue Brûle-Maison — 59000 Lille\nidentifiant : 7654321")
    assert read_decision(text)["organism.address"].value.endswith("82 rue Brûle-Maison, 59000 Lille")


def test_a_body_named_only_in_a_number_s_label_gives_its_kind_not_its_name() -> None:
    """The letterhead not read, « N° MSA : … » left: the kind is MSA, but « MSA » alone is not
    the name of one of its 35 caisses."""
    text = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex\n", "82 rue Brûle-Maison\n").replace(
        "Numéro allocataire : 7654321", "N° MSA : 7654321").replace("directeur de la Caf", "directeur")
    found = read_decision(text)
    assert found["organism.kind"].value == "msa" and "organism.name" not in found


def test_a_body_address_with_the_addressee_s_run_into_it_is_left() -> None:
    """« 82 rue Brûle-Maison, 59000 Lille 21 rue Solférino, 59000 Lille »: two postcodes, two
    blocks read as one; a CEDEX address's « CS 10017 » is not a second postcode."""
    text = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex",
                              "CAF du Nord\n82 rue Brûle-Maison\n59000 Lille 15 chemin Vert, 59000 Lille")
    assert "organism.address" not in read_decision(text)
    assert plausible_street("300 route de Vannes - CS 10017, 44035 NANTES CEDEX 1")


@pytest.mark.parametrize("logo, name", [("France Travail", "France Travail"), ("MSA", None), ("Carsat", None)])
def test_a_bare_name_is_the_name_only_of_a_single_body(logo: str, name: "str | None") -> None:
    """A logo's bare « MSA » or « Carsat » does not say which regional caisse wrote: unnamed;
    « France Travail » is one body's whole name."""
    text = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex", logo).replace(
        "directeur de la Caf", "directeur")
    found = read_decision(text).get("organism.name")
    assert (found.value if found else None) == name


def test_a_collectivite_exercising_a_departement_s_powers_is_named() -> None:
    """« Collectivité européenne d'Alsace »: its name holds its place (rsa_authorities.yaml)."""
    text = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex",
                              "Collectivité européenne d'Alsace Direction de l'insertion\n82 rue Brûle-Maison · 67000 Strasbourg")
    assert read_decision(text)["organism.name"].value == "Collectivité européenne d'Alsace"


def test_an_amount_given_in_the_next_sentence_and_a_date_signed_at_the_foot() -> None:
    body = ("La part de l'aide personnalisée au logement qui n'a pas été employée doit être reversée. "
            "Elle s'élève à 2 010,80 euros.")
    text = _petit_body(body).replace("Lille, le 2 novembre 2026\n", "") + "\nFait à Lille, le 3 novembre 2026\n"
    found = read_decision(text)
    assert (found["context.amount_eur"].value, found["decision.date"].value) == (2010.8, "2026-11-03")


def test_a_departement_s_name_with_the_date_s_column_run_into_it() -> None:
    """« Département du Nord Lille, le 2 novembre 2026 »: the name ends with the département's."""
    text = PETIT_SCAN.replace("CAF du Nord\n", "Département du Nord Lille, le 2 novembre 2026\n").replace(
        "\n\nLille, le 2 novembre 2026", "")
    found = read_decision(text)
    assert (found["organism.name"].value, found["decision.date"].value) == ("Département du Nord", "2026-11-02")


def test_a_hyphen_marked_by_the_pdf_text_layer() -> None:
    assert unbreak("MSA Alpes-de-Haute\ufffeProvence, suspen\ufffesion") == "MSA Alpes-de-Haute-Provence, suspension"


@pytest.mark.parametrize("body, kind", [
    ("Nous ne sommes pas en mesure de donner une suite favorable à votre demande.", "refusal_without_reasons"),
    ("Votre demande ne peut être satisfaite.", "refusal_without_reasons"),
    ("Votre demande a été transmise au conseil départemental, seul compétent pour statuer.", "wrong_body"),
    ("Une réponse vous sera apportée dans un délai complémentaire d'un mois.", "asks_more_time"),
    ("Veuillez trouver ci-joint la copie des pièces de votre dossier.", "complete"),
    ("Après un nouvel examen, la décision que vous contestiez est annulée.", "withdrawn"),
    ("Nous regrettons de ne pouvoir répondre favorablement à votre demande.", "refusal_without_reasons"),
    ("La décision initiale est maintenue.", "refusal_without_reasons"),
    ("Nous vous invitons à vous adresser directement à la MDPH.", "wrong_body"),
    ("Les documents que vous avez sollicités sont joints au présent courrier.", "complete"),
    ("Voici la copie des pièces de votre dossier.", "complete"),
    ("Nous ne pouvons vous communiquer que les pièces qui vous concernent.", "partial"),
    ("Le rapport vous est adressé ci-joint ; les noms des personnes entendues ont été occultés.", "partial"),
    ("Le rapport de contrôle n'est pas communicable (article L. 311-6 du code des relations entre le public et "
     "l'administration).", "refusal_with_reasons"),
    ("Nous ne pouvons pas vous transmettre les documents demandés.", "refusal_without_reasons"),
    ("Nous ne pouvons donner suite à votre demande qu'après vérification de votre identité : merci de nous "
     "retourner une copie de votre pièce d'identité.", "asks_identity"),
    ("Nous devons nous assurer de votre identité avant de vous répondre.", "asks_identity"),
    ("Votre dossier est toujours en cours d'analyse ; nous vous répondrons au plus tard dans un mois.", "asks_more_time"),
    ("Nous prorogeons ce délai d'un mois.", "asks_more_time"),
    ("Cette prestation n'est pas versée par l'Assurance Maladie : votre demande relève de la caisse d'allocations "
     "familiales.", "wrong_body"),
    ("Nous ne gérons pas cette prestation : nous vous invitons à lui adresser directement votre courrier.", "wrong_body"),
    ("Nous sommes revenus sur notre décision : le versement de votre allocation reprendra le mois prochain.", "withdrawn"),
    ("Au vu des pièces transmises, nous avons décidé d'annuler la décision de suspension.", "withdrawn"),
    ("Nous vous prions de trouver ci-joint les pièces demandées.", "complete"),
    ("Il n'est pas donné suite à votre demande.", "refusal_without_reasons"),
    ("Nous ne sommes pas tenus de vous communiquer ces éléments.", "refusal_without_reasons"),
    ("Merci de nous adresser une copie officielle d'identité.", "asks_identity"),
    ("Nous avons fait suivre votre courrier à la MSA.", "wrong_body"),
    ("Nous procédons au retrait de la décision du 2 novembre 2026.", "withdrawn"),
    ("La commission de recours amiable a décidé de faire droit à votre recours.", "complete"),
    ("Nous ne pouvons pas faire droit à votre demande.", "refusal_without_reasons"),
    ("La commission de recours amiable a rejeté votre recours au motif que vos ressources dépassent le plafond "
     "(article L. 821-3 du code de la sécurité sociale).", "refusal_with_reasons"),
    ("Votre courrier a été transmis au service compétent, qui vous répondra directement.", "wrong_body"),
    ("Afin de traiter votre demande, merci de nous adresser une copie de votre titre de séjour.", "asks_identity"),
    ("Vous trouverez joints à ce courrier : la copie de la décision et le détail du calcul.", "complete"),
    ("Le Département n'attribue pas cette prestation et ne détient pas votre dossier : nous avons transmis ce jour "
     "votre courrier à la caisse, qui vous répondra.", "wrong_body"),
    # documents sent and another refused: partial
    ("Vous trouverez ci-joint la copie de vos déclarations. En revanche, le rapport d'enquête ne peut pas vous être "
     "transmis.", "partial"),
    # the data kept for the person alone is the reason for the identity document, not a refusal
    ("Votre dossier contient des informations que nous ne pouvons transmettre qu'à vous-même. Merci de nous adresser "
     "une copie de votre pièce d'identité.", "asks_identity"),
    ("Après réexamen, l'erreur venait de nos services. Nous avons donc retiré la décision qui vous réclamait ce "
     "trop-perçu.", "withdrawn"),
    ("La caisse verse votre retraite de base, mais elle ne gère pas votre retraite complémentaire : celle-ci relève de "
     "l'Agirc-Arrco. Nous vous invitons à l'adresser à votre caisse de retraite complémentaire.", "wrong_body"),
    ("Vous trouverez ci-joints la décision et la fiche de calcul. Votre demande est ainsi entièrement satisfaite.", "complete"),
])
def test_answer_kind_wordings(body: str, kind: str) -> None:
    assert read_answer(ANSWER_HEAD + body + ANSWER_TAIL)["answer.kind"].value == kind


def test_a_personal_data_notice_leaves_the_no_of_algorithm_and_reasons() -> None:
    """The notice printed at the foot (« traitement automatisé destiné à la gestion de votre
    dossier », « loi n° 78-17 ») is not the decision's algorithm nor its ground; the letter read
    whole, with its other closing formula, still says neither."""
    notice = PETIT_BARE.replace(
        "Nous vous prions d'agréer, Monsieur, nos salutations distinguées.",
        "Les informations vous concernant font l'objet d'un traitement automatisé destiné à la gestion de votre dossier, "
        "conformément à la loi n° 78-17 du 6 janvier 1978 relative à l'informatique, aux fichiers et aux libertés.\n\n"
        "Je vous prie de croire, Monsieur, à l'assurance de ma considération distinguée.")
    found = _values(read_decision(notice))
    assert found["decision.algorithm_mentioned"] is False
    assert found["decision.reasons_given"] is False


def test_an_appeal_time_limit_written_otherwise() -> None:
    appeal = PETIT_SCAN.replace("dans un délai de deux mois à compter de sa notification",
                                "et vous disposez pour cela d'un délai maximum de deux (2) mois")
    assert read_decision(appeal)["decision.appeal_info_given"].value is True


def test_a_body_address_on_one_line_with_commas_or_dots() -> None:
    for line in ("CAF du Nord, 82 rue Brûle-Maison, 59000 Lille", "CAF du Nord • 82 rue Brûle-Maison • 59000 Lille"):
        text = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex", line)
        assert read_decision(text)["organism.address"].value == "82 rue Brûle-Maison, 59000 Lille"
    # a street type with an accent (« allée »), and the footer's copy with a full stop for its comma
    head = "CAF du Nord, 82 allée Brûle-Maison, 59000 Lille"
    text = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex", head)
    assert read_decision(text)["organism.address"].value == "82 allée Brûle-Maison, 59000 Lille"
    text = PETIT_SCAN.replace("59024 Lille Cedex", "59000 Lille") + "\nCAF du Nord, 82 rue Brûle-Maison. 59000 Lille\n"
    assert read_decision(text)["organism.address"].value == "82 rue Brûle-Maison, 59000 Lille"


def test_an_overpayment_from_a_recalculation_is_the_overpayment() -> None:
    text = _petit_body("Suite au recalcul de vos droits, un indu de 312,40 € a été constaté sur votre aide personnalisée au logement.")
    text = text.replace("Objet : suspension de votre aide personnalisée au logement", "Objet : votre dossier")
    assert read_decision(text)["situation"].value == "overpayment"


def test_a_footer_with_commas_gives_the_whole_name() -> None:
    """« CAF du Nord, 82 rue …, 59000 Lille » at the foot, the letterhead's logo alone: the name
    is the footer's whole name, not the bare « CAF »."""
    text = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex", "caf") + \
        "\nCAF du Nord, 82 rue Brûle-Maison, 59000 Lille\n"
    assert read_decision(text)["organism.name"].value == "CAF du Nord"


# --- Wordings of layouts the rules were not written for (issue 21: generalisation) ------------

def test_a_radiation_is_france_travail_s_sanction_and_elsewhere_an_end_of_rights() -> None:
    """France Travail's « radiation de la liste des demandeurs d'emploi » is a sanction (code du
    travail L. 5412-1); a « radiation » by another body ends a right."""
    body = "Vous êtes radié de la liste des demandeurs d'emploi pour une durée d'un mois."
    ft = _petit_body(body).replace("Objet : suspension de votre aide personnalisée au logement",
                                   "Objet : décision de radiation et de suppression du revenu de remplacement")
    ft = ft.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex", "France Travail\n3 rue Paul Bert\n59000 Lille")
    assert read_decision(ft)["situation"].value == "sanction"
    # its « suppression » of the allowance too (L. 5426-2), said in the subject or the body
    suppressed = _petit_body("En application de l'article L. 5426-2 du code du travail, votre revenu de remplacement est "
                             "supprimé pour une durée d'un mois.").replace(
        "Objet : suspension de votre aide personnalisée au logement", "Objet : votre allocation d'aide au retour à l'emploi")
    suppressed = suppressed.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex", "France Travail\n3 rue Paul Bert\n59000 Lille")
    assert read_decision(suppressed)["situation"].value == "sanction"
    caf = _petit_body("Nous procédons à la radiation de votre dossier d'aide personnalisée au logement.")
    caf = caf.replace("Objet : suspension de votre aide personnalisée au logement", "Objet : votre dossier")
    assert read_decision(caf)["situation"].value == "termination"


def test_a_hearing_said_not_to_have_taken_place_is_not_read_as_one() -> None:
    body = ("Vos observations du 3 octobre 2026 n'ont pas été reçues : la décision est prise sans avoir été entendu. "
            "Votre APL est suspendue.")
    assert "context.heard_before" not in read_decision(_petit_body(body))


@pytest.mark.parametrize("head", [
    # the addressee's block printed beside the body's: its title runs into the postcode line
    "CAF du Nord\n82 rue Brûle-Maison\n59000 Lille Monsieur Thomas Petit\n21 rue Solférino\n59000 Lille",
    # the street and the postcode on one line under the name
    "CAF du Nord — Agence de Lille\n82 rue Brûle-Maison, 59000 Lille\n\nMonsieur Thomas Petit\n21 rue Solférino\n59000 Lille",
    # the long name under the short one, with the address on its line
    "CAF du Nord\nCaisse d'allocations familiales — 82 rue Brûle-Maison — 59000 Lille\n\n"
    "Monsieur Thomas Petit\n21 rue Solférino\n59000 Lille",
])
def test_a_body_address_in_other_shapes(head: str) -> None:
    text = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex\n\nMonsieur Thomas Petit\n21 rue Solférino\n59000 Lille", head)
    found = read_decision(text)
    assert found["organism.address"].value == "82 rue Brûle-Maison, 59000 Lille"
    assert found["claimant.address"].value == "21 rue Solférino"


def test_a_complete_answer_with_a_misread_restriction_is_left_to_the_person() -> None:
    """« … ont été occult6s » (OCR): the partial cue is lost, « ci-joint » remains; a word of
    restriction left (« occult… ») keeps « complete » from being proposed."""
    body = "Le rapport vous est adressé ci-joint. Les noms des tiers ont été occult6s."
    assert read_answer(ANSWER_HEAD + body + ANSWER_TAIL) == {}
    assert read_answer(ANSWER_HEAD + "Le rapport vous est adressé ci-joint." + ANSWER_TAIL)["answer.kind"].value == "complete"


def test_an_amount_broken_by_ocr_is_not_read_as_its_cents() -> None:
    body = "Une somme de 2 913, 98 € vous a été versée en trop au titre de l'aide personnalisée au logement."
    text = _petit_body(body).replace("Objet : suspension de votre aide personnalisée au logement", "Objet : votre dossier")
    assert "context.amount_eur" not in read_decision(text)
    whole = text.replace("2 913, 98 €", "2 913,98 €")
    assert read_decision(whole)["context.amount_eur"].value == 2913.98


def test_a_body_address_apart_from_its_name_with_references_between() -> None:
    """A side column: the name, then the references, then the street and the postcode; the
    addressee's block (after its title line) is never read as the body's."""
    head = ("MSA du Nord Dossier suivi par : M. Caron\nRéférence : CTL-2026-4646\nService Prestations familiales\n"
            "82 rue Brûle-Maison\n59000 Lille\n\nMonsieur Thomas Petit\n21 rue Solférino\n59000 Lille")
    text = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex\n\nMonsieur Thomas Petit\n21 rue Solférino\n59000 Lille", head)
    assert read_decision(text)["organism.address"].value == "82 rue Brûle-Maison, 59000 Lille"
    untitled = text.replace("Monsieur Thomas Petit\n", "")
    assert "organism.address" not in read_decision(untitled)


def test_a_misread_postcode_line_does_not_run_the_body_s_address_into_the_addressee_s() -> None:
    head = "CAF du Nord\n82 rue Brûle-Maison\nRens M. Thomas Petit\n21 rue Solférino\n59000 Lille"
    text = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex\n\nMonsieur Thomas Petit\n21 rue Solférino\n59000 Lille", head)
    assert "organism.address" not in read_decision(text)


def test_a_ground_run_into_the_appeal_passage_keeps_the_no_of_reasons_from_being_read() -> None:
    """« En application de l'article L. 315-1 …, je ne » then the appeal passage (a line OCR
    lost): the text cited may be the decision's ground; no « no » is read."""
    text = PETIT_BARE.replace("Vous pouvez contester", "En application de l'article L. 315-1 du code de la sécurité sociale, je ne "
                              "vous pouvez contester")
    assert "decision.reasons_given" not in read_decision(text)
    assert read_decision(PETIT_BARE)["decision.reasons_given"].value is False


@pytest.mark.parametrize("rule", [
    "L'aide au logement n'est due qu'au locataire qui occupe le logement au moins huit mois par an.",
    "Vos ressources dépassent le plafond applicable à votre foyer.",
    "Cette allocation est versée sous condition de ressources.",
])
def test_a_rule_in_words_without_a_text_leaves_the_reasons_to_the_person(rule: str) -> None:
    """No text cited, but the rule applied said in words: whether that states the considérations
    de droit (CRPA L. 211-5) is for the person to judge, no « no ». Facts alone (PETIT_SCAN: the
    documents not received) too: four blind writers out of four counted them as reasons. Neither
    facts nor text: « no »."""
    text = PETIT_SCAN.replace("En conséquence, le", rule + " En conséquence, le")
    assert "decision.reasons_given" not in read_decision(text)
    assert "decision.reasons_given" not in read_decision(PETIT_SCAN)
    assert read_decision(PETIT_BARE)["decision.reasons_given"].value is False


def test_a_reference_line_run_into_the_addressee_s_block_is_not_read_as_their_address() -> None:
    head = "Monsieur Thomas Petit\n21 rue Solférino\nRéférence : IND-2026-57155\n59000 Lille"
    text = PETIT_SCAN.replace("Monsieur Thomas Petit\n21 rue Solférino\n59000 Lille", head)
    found = read_decision(text)
    assert "claimant.address" not in found and found["claimant.postal_code"].value == "59000"


# --- Fifth held-out set's families (issue 21: measured blind, then read in general form) -------

RSA_NOTICE = """Département du Pas-de-Calais
Service RSA
BP 30417
62008 ARRAS CEDEX

Monsieur Yacine Sauvage
142 place Simone Veil
62000 Dainville

Arras, le lundi 23 mars 2026
Objet : réduction de votre revenu de solidarité active
Monsieur,
{body}
Je vous prie d'agréer, Monsieur, l'expression de mes salutations distinguées.
"""


def untitled_notice(body: str) -> str:
    """RSA_NOTICE without its subject line, `body` as its text: a wording read alone."""
    return RSA_NOTICE.replace("Objet : réduction de votre revenu de solidarité active\n", "").format(body=body)


@pytest.mark.parametrize("body", [
    "Conformément à l'avis de l'équipe pluridisciplinaire, votre allocation est réduite de 30 % pendant un mois.",
    "En application de l'article L. 262-37 du code de l'action sociale et des familles, votre allocation est réduite.",
])
def test_an_rsa_reduction_for_a_duty_not_met_is_a_sanction(body: str) -> None:
    """A département's RSA reduction after the équipe pluridisciplinaire (CASF L. 262-37) is a
    sanction, whatever word the subject line uses."""
    assert read_decision(RSA_NOTICE.format(body=body))["situation"].value == "sanction"


def test_an_elision_printed_without_its_apostrophe_is_read() -> None:
    """A mainframe's capitals drop the apostrophe (« PRIME D ACTIVITE »): folded « d'activite »."""
    assert fold("OBJET : PRIME D ACTIVITE, L ALLOCATION, QU IL") == "objet : prime d'activite, l'allocation, qu'il"
    assert fold("Lot 1 d 2") == "lot 1 d 2"
    letter = PETIT_SCAN.replace("aide personnalisée au logement\nMonsieur", "PRIME D ACTIVITE\nMonsieur")
    assert read_decision(letter)["benefit"].value == "prime_activite"


@pytest.mark.parametrize("footer", [
    "Pour nous écrire : CAF de l'Ariège, 3 rue Paul Bert, 09000 Foix — www.caf.fr",
    "CAF de l'Ariège — 3 rue Paul Bert — 09000 Foix — caf.fr — 32 30",
])
def test_a_footer_address_followed_by_a_website_or_a_phone_is_read(footer: str) -> None:
    """The website and phone number after the body's address in a footer are not its city, and
    the name printed beside the addressee's (« CAF de l'Ariège   Monsieur … ») does not take the
    addressee's lines under it for the body's address."""
    letter = ("CAF de l'Ariège Monsieur Yacine Caradec\nRésidence Les Glycines\n20 bis rue du Moulin\n09300 Raissac\n"
              "Foix, le 18 novembre 2026\nObjet : votre aide au logement\nMonsieur,\nTexte.\n"
              "Nous vous prions de recevoir, Monsieur, nos salutations distinguées.\n" + footer)
    assert read_decision(letter)["organism.address"].value == "3 rue Paul Bert, 09000 Foix"


@pytest.mark.parametrize("head, foot", [
    ("Le 13 janvier 2026 Numéro d'allocataire : 7948066", ""),       # another column's label after the date
    ("Émis le\n13 janvier 2026", ""),                                 # the label alone, the date under it
    ("", "Le responsable du service\nLe mardi 13 janvier 2026\nNotre référence\nREF-2026-84742"),  # a side column read last
    ("Date du courrier : 13/01/2026 44 allée des Tilleuls", ""),       # the addressee's street run after it
])
def test_a_letter_date_in_a_column(head: str, foot: str) -> None:
    """The letter's date printed in a column of labels, or in a side column OCR reads after the
    signature: read. A date in a sentence of the body is not the letter's date."""
    letter = ("CAF de la Dordogne\n1 place du Général Leclerc\n24000 Périgueux\n" + (head + "\n" if head else "") +
              "Monsieur Jean Abdallah\n97 quai des Rosiers\n24610 Saint-Méard-de-Gurçon\n"
              "Objet : fin de votre droit\nMonsieur,\nLe 21 novembre 2025, un contrôleur s'est rendu chez vous.\n"
              "Veuillez agréer, Monsieur, nos salutations distinguées.\n" + foot)
    assert read_decision(letter)["decision.date"].value == "2026-01-13"


@pytest.mark.parametrize("block, address", [
    ("Département du Pas-de-Calais\nService RSA\nBP 30417\n62008 ARRAS CEDEX", "Service RSA, BP 30417, 62008 ARRAS CEDEX"),
    ("Département du Pas-de-Calais\n\n\nLe président\n\n\n\nDépartement du Pas-de-Calais · 2 rue Ferdinand Buisson · 62000 Arras · "
     "Accueil du lundi au vendredi, 9 h – 12 h 30", "2 rue Ferdinand Buisson, 62000 Arras"),
    ("Département du Pas-de-Calais | 2 rue Ferdinand Buisson | 62000 Arras pasdecalais.fr", "2 rue Ferdinand Buisson, 62000 Arras"),
    # the page's number after the city
    ("Département du Pas-de-Calais\n\n\nLe président\n\n\n\nDépartement du Pas-de-Calais — 2 rue Ferdinand Buisson — "
     "62000 Arras Page 1/2", "2 rue Ferdinand Buisson, 62000 Arras"),
    # the « · » between the street and the city, under the name, read « : »
    ("Département du Pas-de-Calais Direction de l'insertion\n\n2 rue Ferdinand Buisson : 62000 Arras",
     "2 rue Ferdinand Buisson, 62000 Arras"),
    # other words after the city in the footer
    ("Département du Pas-de-Calais\n\n\nLe président\n\n\n\nDépartement du Pas-de-Calais — 2 rue Ferdinand Buisson — "
     "62000 Arras Notification RSA — exemplaire bénéficiaire", "2 rue Ferdinand Buisson, 62000 Arras"),
    # a footer's « · » read « : » by OCR
    ("Département du Pas-de-Calais\n\n\nLe président\n\n\n\nDépartement du Pas-de-Calais : 2 rue Ferdinand Buisson : 62000 Arras : "
     "Accueil du lundi au vendredi", "2 rue Ferdinand Buisson, 62000 Arras"),
])
def test_a_body_address_with_a_postal_box_only_or_opening_hours_after_it(block: str, address: str) -> None:
    """A postal box with no street is the body's address; opening hours or a website printed
    after the city are not part of it."""
    letter = RSA_NOTICE.replace("Département du Pas-de-Calais\nService RSA\nBP 30417\n62008 ARRAS CEDEX", block)
    assert read_decision(letter)["organism.address"].value == address


@pytest.mark.parametrize("body, field, value", [
    ("Vos ressources dépassent le plafond. Nous ne pouvons donc pas vous attribuer l'allocation.", "situation", "refusal"),
    ("Au cours de l'entretien, vous avez pu donner vos explications.", "context.heard_before", True),
    ("Le service du contrôle médical a examiné votre situation le 18 février 2026.", "context.after_control", True),
    ("Dans le cadre du contrôle de la condition de résidence, nous avons examiné votre dossier.", "context.after_control", True),
    ("Les déclarations de votre employeur montrent que vous avez repris une activité. Or, selon l'article L. 161-22 du "
     "code de la sécurité sociale, la reprise ne peut intervenir qu'après six mois.", "decision.reasons_given", True),
])
def test_fifth_set_wordings(body: str, field: str, value: object) -> None:
    letter = untitled_notice(body)
    assert read_decision(letter)[field].value == value


def test_a_benefit_s_name_inside_a_body_s_name_is_not_the_benefit() -> None:
    """« versée par la caisse d'allocations familiales » names the CAF, not the allocations
    familiales: the letter's one benefit is the AEEH."""
    letter = Letter("Objet : notification\nRejet de l'allocation d'éducation de l'enfant handicapé (AEEH).\n"
                    "L'allocation est versée par la caisse d’allocations familiales lorsqu'elle est accordée.")
    assert list(_benefits_in(letter)) == ["aeeh"]


def test_a_number_under_its_label_in_a_column_of_labels() -> None:
    """« Votre numéro de sécurité sociale » ending its line, no colon, the number on the next
    one (a side column of labels): read, its key checked."""
    letter = ("Carsat Midi-Pyrénées\n22 avenue de la Libération\n32000 Auch Votre numéro de sécurité sociale\n"
              "1 63 07 88 319 061 03\nMonsieur Octave ÉTIENNE\n94 bis avenue de la Paix\n32200 Juilles\n")
    assert read_decision(letter)["claimant.file_number"].value == "163078831906103"
    assert "claimant.file_number" not in read_decision(letter.replace("061 03", "061 04"))


def test_a_decision_date_after_the_body_s_name_on_its_line() -> None:
    """« CPAM de l'Ain Décision du 16/03/2026 »: two columns of the letterhead on one line."""
    letter = PETIT_SCAN.replace("CAF du Nord\n", "CAF du Nord Décision du 02/11/2026\n").replace("Lille, le 2 novembre 2026\n", "")
    assert read_decision(letter)["decision.date"].value == "2026-11-02"


def test_a_postcode_whose_city_ocr_lost() -> None:
    """« 59000 » alone under the street (the city lost): the name, the street and the postcode
    are read; the city only where the postcode has one commune."""
    found = _values(read_decision(PETIT_SCAN.replace("59000 Lille\n\nLille, le", "59000\n\nLille, le")))
    assert (found["claimant.last_name"], found["claimant.address"], found["claimant.postal_code"]) == \
        ("Petit", "21 rue Solférino", "59000")
    assert found["claimant.city"] == "Lille"
    several = _values(read_decision(PETIT_SCAN.replace("59000 Lille\n\nLille, le", "71000\n\nLille, le")))
    assert several["claimant.postal_code"] == "71000" and "claimant.city" not in several
    unknown = _values(read_decision(PETIT_SCAN.replace("59000 Lille\n\nLille, le", "59999\n\nLille, le")))
    assert "claimant.postal_code" not in unknown


def test_a_framed_table_read_column_by_column() -> None:
    """OCR reads a letterhead's framed table column by column: the labels, then the values in
    the same order. The number and the date are read from their labels."""
    table = "N° d'allocataire\nCourrier du\n9916920\n9 juillet 2026\nVotre conseiller\nRéférence\nM. Caron\nCTL-2026-29383\n"
    letter = PETIT_SCAN.replace("Lille, le 2 novembre 2026\nNuméro allocataire : 7654321\n", table)
    found = _values(read_decision(letter))
    assert (found["claimant.file_number"], found["decision.date"]) == ("9916920", "2026-07-09")
    # a title above the labels, bars and empty cells, the salutation read between the columns
    table = ("NOTIFICATION DE DÉCISION\nNuméro de dossier\n| Décision de la CDAPH du\n| Prestation demandée\n| Décision\n"
             "Monsieur,\n| 806419\n| 7 mai 2026\n| Allocation aux adultes handicapés (AAH)\n|\n| Rejet\n|\n")
    letter = MDPH_CAPITALS.replace("N° de dossier : 44-123456\nNantes, le 14/10/2026\n", "").replace(
        "NOTIFICATION DE DÉCISION\n\nMonsieur,\n", table)
    found = _values(read_decision(letter))
    assert (found["claimant.file_number"], found["decision.date"]) == ("806419", "2026-05-07")


def test_two_columns_of_labels_and_amounts_read_one_after_the_other() -> None:
    """OCR reads a two-column block with no heading column by column: the labels, then the
    amounts alone. Each amount goes with its label in order; a column of months is no label."""
    block = ("Montant du trop-perçu\nRetenue sur vos allocations, chaque mois\n\nEUR 3008,13\nEUR 60,53\n\n"
             "Mois\navril 2026\nmai 2026\n\nRetenue\nEUR 60,53\nEUR 60,53\n")
    letter = MSA_OVERPAYMENT.split("Objet")[0] + "Objet : trop-perçu\nMadame,\n" + block + \
        "Veuillez agréer, Madame, nos salutations distinguées.\n"
    found = _values(read_decision(letter))
    assert (found["context.amount_eur"], found["context.withholding_eur"]) == (3008.13, 60.53)


def test_a_letter_all_in_capitals_names_its_body() -> None:
    """All in capitals, a sentence's words after the body's bare name (« … A VOTRE MSA DANS UN
    DELAI … ») are no place: the letterhead's « MSA LOZÈRE » is the body's one name."""
    letter = ("MSA LOZÈRE\n1 PLACE DU GÉNÉRAL LECLERC\n48000 MENDE\n\nMADAME YASMINA FONTAINE\n124 ROUTE DE LA RÉPUBLIQUE\n"
              "48000 MENDE\nLE 03/08/2026\nOBJET : PRIME D ACTIVITE\nMADAME,\nVOIES DE RECOURS : ADRESSEZ UN RECOURS ECRIT A VOTRE "
              "MSA DANS UN DELAI DE DEUX MOIS.\nVEUILLEZ AGREER, MADAME, NOS SALUTATIONS DISTINGUEES.\n")
    assert read_decision(letter)["organism.name"].value == "MSA LOZÈRE"


@pytest.mark.parametrize("names, first, last", [
    ("Nolwenn Ferreira da Silva", "Nolwenn", "Ferreira da Silva"),
    ("Ferreira da Silva Nolwenn", "Nolwenn", "Ferreira da Silva"),
    ("Florian Le Meur", "Florian", "Le Meur"),
])
def test_three_names_in_small_letters_ordered_by_the_first_names(names: str, first: str, last: str) -> None:
    """Three names or more and no capitals: the one that is a first name (INSEE's), when it is
    the only one, at the start or at the end."""
    found = _values(read_decision(PETIT_SCAN.replace("Monsieur Thomas Petit", f"Monsieur {names}")))
    assert (found["claimant.first_name"], found["claimant.last_name"]) == (first, last)


def test_the_body_s_name_above_an_addressee_without_title() -> None:
    """« LAMARQUE Rosine » under the body's name and its motto, with no « Madame »: the lines
    under it are the addressee's, never the body's address."""
    letter = ("Caisse primaire d'assurance maladie de la Gironde\nAgir ensemble, protéger chacun\nLAMARQUE Rosine\n"
              "45 boulevard Pasteur\n33000 BORDEAUX\nBordeaux, le 16/11/2026\nFin de votre complémentaire santé solidaire\n"
              "Madame, Monsieur,\nTexte.\n")
    assert "organism.address" not in read_decision(letter)


@pytest.mark.parametrize("head, field, value", [
    ("Courrier déposé le 09/03/2026 à 14:32 · Identifiant : 5198230Z", "decision.date", "2026-03-09"),
    ("Objet : suspension du paiement de votre retraite", "benefit", "retraite"),
])
def test_sixth_set_wordings(head: str, field: str, value: str) -> None:
    letter = PETIT_SCAN.replace("Lille, le 2 novembre 2026\n", "").replace(
        "Objet : suspension de votre aide personnalisée au logement", head).replace(" (APL)", "").replace(
        "aide personnalisée au logement", "aide")
    letter = letter.replace("CAF du Nord", "Carsat Nord-Picardie") if field == "benefit" else letter
    assert read_decision(letter)[field].value == value


@pytest.mark.parametrize("body, field, value", [
    # the amount on the line after a short one (« Elle s'élève » ends a sentence for the rules)
    ("En application de l'article L. 232-7 du code de l'action sociale et des familles, la part non utilisée de l'allocation\n"
     "doit être reversée. Elle s'élève\nà 2475,02 €.", "context.amount_eur", 2475.02),
    ("Vous avez ainsi perçu 2 667,26 euros auxquels vous n'aviez pas droit.", "context.amount_eur", 2667.26),
    ("Nous vous avons demandé, par courrier du 20 octobre 2026, de nous adresser vos factures et de nous faire part de "
     "vos observations.", "context.heard_before", True),
    ("Les justificatifs que vous nous avez transmis ne couvrent qu'une partie des heures. En application de l'article "
     "L. 232-7 du code de l'action sociale et des familles, la somme doit être reversée.", "decision.reasons_given", True),
])
def test_sixth_set_decision_wordings(body: str, field: str, value: object) -> None:
    letter = untitled_notice(body)
    assert read_decision(letter)[field].value == value


@pytest.mark.parametrize("address", ["3 rue Pau] Bert, 53000 Laval", "1 place du, 57000 Metz", "= IND-2026-73209, 91 quai du Général de Gaulle, 62750 Loos-en-Gohelle"])
def test_a_street_with_a_bracket_or_a_reference_is_an_ocr_slip(address: str) -> None:
    """A bracket or bar in a street's words, or a reference (« IND-2026-73209 ») run into the
    block: no street is written so; the address is left to the person."""
    assert not plausible_street(address)
    assert plausible_street("3 rue Paul Bert, 53000 Laval")


def test_one_body_named_in_full_and_by_its_acronym() -> None:
    """« Caisse primaire d'assurance maladie de la Gironde » at the top, « CPAM de la Gironde »
    at the foot: one body, its name read; another place still leaves it unanswered."""
    head = "Caisse primaire d'assurance maladie de la Gironde\n\nMonsieur Paul Martin\n12 rue des Lilas\n33000 Bordeaux\n"
    body = "Bordeaux, le 16/11/2026\nObjet : fin de vos droits\nMonsieur,\nTexte.\nVeuillez agréer, Monsieur, nos salutations.\n"
    same = head + body + "CPAM de la Gironde — TSA 61234 — 33085 BORDEAUX CEDEX\n"
    assert read_decision(same)["organism.name"].value == "CPAM de la Gironde"
    other = head + body + "CPAM des Landes — TSA 61234 — 40000 Mont-de-Marsan\n"
    assert "organism.name" not in read_decision(other)


def test_an_addressee_without_title() -> None:
    """« LAMARQUE Rosine », her street and postcode, no « Madame » (the letter says « Madame,
    Monsieur »): read, and only when no titled block is there."""
    letter = ("Caisse primaire d'assurance maladie de la Gironde\nAgir ensemble, protéger chacun\nLAMARQUE Rosine\n"
              "45 boulevard Pasteur\n33000 BORDEAUX\nBordeaux, le 16/11/2026\nFin de votre complémentaire santé solidaire\n"
              "Madame, Monsieur,\nTexte.\n")
    found = _values(read_decision(letter))
    assert (found["claimant.first_name"], found["claimant.last_name"], found["claimant.address"], found["claimant.city"]) == \
        ("Rosine", "Lamarque", "45 boulevard Pasteur", "Bordeaux")
    titled = _values(read_decision(PETIT_SCAN.replace("CAF du Nord\n", "CAF du Nord\nDUPONT Claire\n")))
    assert found and titled["claimant.last_name"] == "Petit"


@pytest.mark.parametrize("body, field, value", [
    # facts stated in other words, with the text cited: reasons given
    ("Le propriétaire de votre logement nous a signalé un impayé de loyer. En application de l'article L. 823-9 du code de "
     "la construction et de l'habitation, votre aide est suspendue.", "decision.reasons_given", True),
    ("Votre dernier enfant a eu 20 ans : vous n'avez plus d'enfant à charge (article L. 512-3 du code de la sécurité "
     "sociale).", "decision.reasons_given", True),
    ("Vos périodes d'emploi ne sont pas suffisantes pour ouvrir un droit (article 3 du règlement d'assurance chômage).",
     "decision.reasons_given", True),
    ("Votre conjoint perçoit désormais une pension (article L. 815-9 du code de la sécurité sociale).",
     "decision.reasons_given", True),
    # a linking word between the verb and its participle
    ("Votre allocation est donc diminuée à compter du 1er octobre 2026.", "situation", "reduction"),
    ("Votre demande est en conséquence rejetée.", "situation", "refusal"),
    ("Votre demande de versement pour cinq ans n'est donc pas retenue.", "situation", "refusal"),
    # the monthly amount lost: suspended, or paid less each month
    ("Le versement de votre aide, d'un montant de 412,05 € par mois, est donc suspendu à compter du 1er avril 2026.",
     "context.amount_eur", 412.05),
    ("Votre allocation est réduite : vous percevrez 91,19 € de moins chaque mois.", "context.amount_eur", 91.19),
])
def test_seventh_set_decision_wordings(body: str, field: str, value: object) -> None:
    letter = untitled_notice(body)
    assert read_decision(letter)[field].value == value


@pytest.mark.parametrize("body", [
    "Le versement de votre aide est suspendu. Une retenue de 40,00 € par mois reste prévue.",   # a withholding
    "Votre aide est suspendue depuis le 1er mars. Elle était de 300,00 € par mois, puis de 320,00 € par mois.",   # two
    "Votre aide est suspendue : nous l'avions versée à tort.",   # no amount
])
def test_a_monthly_loss_needs_one_monthly_amount_and_no_withholding(body: str) -> None:
    letter = untitled_notice(body)
    assert "context.amount_eur" not in read_decision(letter)


@pytest.mark.parametrize("label, value", [
    ("V/Réf : 2543086", "2543086"),
    ("V/Réf : dossier 886727", "886727"),
    ("Votre numéro\n7541148", "7541148"),
    ("Assuré : 1 51 08 76 100 663 12", "151087610066312"),
])
def test_the_persons_number_under_a_label_any_body_prints(label: str, value: str) -> None:
    """« V/Réf » (your reference), « Votre numéro » over it in a side column, « Assuré : » before
    a social-security number whose key checks: the person's own number."""
    letter = PETIT_SCAN.replace("Numéro allocataire : 7654321", label + "\nN/Réf : IND-2026-78450")
    assert read_decision(letter)["claimant.file_number"].value == value


def test_assure_reads_only_a_social_security_number_whose_key_checks() -> None:
    letter = PETIT_SCAN.replace("Numéro allocataire : 7654321", "Assuré : 1 51 08 76 100 663 13")
    assert "claimant.file_number" not in read_decision(letter)


@pytest.mark.parametrize("head", [
    "CAF du Nord\n\nMonsieur Thomas Petit\n21 rue Solférino\n59000 Lille\n\nNous écrire\n82 rue Brûle-Maison\n59024 Lille Cedex\n",
    "CAF du Nord\nAllocations familiales — 82 rue Brûle-Maison — 59024 Lille Cedex\n\nMonsieur Thomas Petit\n21 rue Solférino\n59000 Lille\n",
])
def test_the_bodys_address_under_a_label_or_after_its_motto(head: str) -> None:
    """« Nous écrire » over the address, apart from the body's name; a service or motto before
    the street on the address's line: the address from the street on."""
    letter = head + PETIT_SCAN.split("59000 Lille\n", 1)[1]
    assert read_decision(letter)["organism.address"].value == "82 rue Brûle-Maison, 59024 Lille Cedex"


@pytest.mark.parametrize("head, foot, date", [
    ("Objet : suspension de votre aide — Lille, le\n02/11/2026\n", "", "2026-11-02"),
    ("Objet : suspension de votre aide\n", "Pour le directeur,\nle responsable\nLille, le 2 nov. 2026\n", "2026-11-02"),
    ("CAF du Nord Édition du 02.11.2026\nObjet : suspension de votre aide\n", "", "2026-11-02"),
])
def test_a_date_run_to_its_next_line_under_the_signature_or_of_the_edition(head: str, foot: str, date: str) -> None:
    """« …, le » then the date on the next line; « Ajaccio, le 19 oct. 2026 » under the
    signature when the letterhead has none; « Édition du … », with a decree's date far from it
    in the text (a text's own date says nothing of the letter's)."""
    body = ("Monsieur,\nVous ne remplissez pas les conditions (décret n° 2019-797 du 26 juillet 2019).\n"
            "Nous vous prions d'agréer, Monsieur, nos salutations distinguées.\n")
    letter = "CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex\n\nMonsieur Thomas Petit\n21 rue Solférino\n59000 Lille\n" + \
        head + body + foot
    assert read_decision(letter)["decision.date"].value == date


def test_a_table_row_with_its_amount_and_currency_at_the_end_of_its_line() -> None:
    """« Indemnités journalières versées à tort jusqu'au 31 mai 2026   3 390,33 € » and the
    monthly withholding on the next row, no heading in euros: each read from its row; a
    sentence's amount broken across a double space is not one."""
    rows = ("Objet Montant\nIndemnités journalières versées à tort jusqu'au 31 mai 2026 3 390,33 €\n"
            "Retenue mensuelle sur vos prochaines prestations 116,97 euros\nCette somme sera récupérée par retenues.\n")
    letter = MSA_OVERPAYMENT.split("Objet")[0] + "Objet : indu\nMadame,\n" + rows + \
        "Veuillez agréer, Madame, nos salutations distinguées.\n"
    found = _values(read_decision(letter))
    assert (found["context.amount_eur"], found["context.withholding_eur"]) == (3390.33, 116.97)
    broken = MSA_OVERPAYMENT.split("Objet")[0] + "Objet : baisse\nMadame,\nLe montant de votre aide baisse de 3  499,70 €\n" + \
        "par mois.\nVeuillez agréer, Madame, nos salutations distinguées.\n"
    read = read_decision(broken).get("context.amount_eur")
    assert read is None or read.value == 3499.7


@pytest.mark.parametrize("sentence", [
    "Nous sommes au regret de vous informer qu'une suite favorable ne peut y être réservée.",
    "Nous ne pouvons pas réserver une suite favorable à votre demande.",
])
def test_a_refusal_in_the_words_of_a_short_answer(sentence: str) -> None:
    answer = ("CPAM de la Haute-Marne\n\nMonsieur Lazare Mbarek\n\nMonsieur,\nNous accusons réception de votre courrier par "
              f"lequel vous demandiez la copie des pièces de votre dossier.\n{sentence}\n"
              "Nous vous prions d'agréer, Monsieur, nos salutations distinguées.\n")
    assert read_answer(answer)["answer.kind"].value == AnswerKind.refusal_without_reasons.value


def test_another_columns_postcode_between_the_name_and_the_street() -> None:
    """OCR put the body's city (« 59024 Lille ») right under the addressee's name, their street
    and postcode after it: the addressee's postcode is the one under the street."""
    letter = PETIT_SCAN.replace("Monsieur Thomas Petit\n21 rue Solférino\n59000 Lille\n",
                                "7 Monsieur Thomas Petit\n59024 Lille\n\n21 rue Solférino\n59800 Lille\n")
    found = _values(read_decision(letter))
    assert (found["claimant.address"], found["claimant.postal_code"]) == ("21 rue Solférino", "59800")


def test_ocr_specks_read_as_accents_no_name_nor_street_has() -> None:
    """« Delaunaÿ »: no French name carries « ÿ », the name is left to the person; « place de
    là Gare »: no street has « là », it is « la »."""
    found = _values(read_decision(PETIT_SCAN.replace("Thomas Petit", "Thomas Delaunaÿ")))
    assert "claimant.last_name" not in found and "claimant.first_name" not in found
    found = _values(read_decision(PETIT_SCAN.replace("21 rue Solférino", "21 place de là Gare")))
    assert found["claimant.address"] == "21 place de la Gare"


@pytest.mark.parametrize("label, value", [
    ("VIRéf : 2543086", "2543086"), ("| VARéf : dossier 141930", "141930"),
    ("N° de sécurité sociale : ;\n1 51 08 76 100 663 12 Fin de vos allocations familiales", "151087610066312"),
])
def test_a_number_label_as_ocr_reads_it(label: str, value: str) -> None:
    """OCR reads « V/Réf »'s slash as « I » or « A », adds a mark after a label's colon, and runs
    another column's words after a number in groups on the next line."""
    letter = PETIT_SCAN.replace("Numéro allocataire : 7654321", label)
    assert read_decision(letter)["claimant.file_number"].value == value


def test_the_bodys_column_run_after_the_addressees_name_and_city() -> None:
    """« Madame … Le Floc'h 24000 », « Monsieur … Obadia 20200 Bastia »: the body's postcode
    line run after the name; « 59800 Lille Votre numéro »: a label run after the city."""
    for name_line in ("Monsieur Thomas Petit 59024", "Monsieur Thomas Petit 59024 Lille Cedex"):
        letter = PETIT_SCAN.replace("Monsieur Thomas Petit\n21 rue Solférino\n59000 Lille\n",
                                    f"{name_line}\n21 rue Solférino\n59800 Lille Votre numéro\n")
        found = _values(read_decision(letter))
        assert (found["claimant.last_name"], found["claimant.postal_code"], found["claimant.city"]) == ("Petit", "59800", "Lille")


def test_a_date_with_its_hour_then_another_columns_label() -> None:
    """« Courrier déposé le 09/03/2026 à 14:32 : Identifiant : … » (a « · » read « : »): the
    letter's date, its hour and the next label after it."""
    letter = PETIT_SCAN.replace("Lille, le 2 novembre 2026", "Courrier déposé le 02/11/2026 à 14:32 : Identifiant : : Réf. CTL-2026-1")
    assert read_decision(letter)["decision.date"].value == "2026-11-02"


def test_the_agents_column_beside_the_addressees_block() -> None:
    """« Affaire suivie par » on the line under the name, « Mme Petitjean » run after the street:
    the agent's column, not the address nor a second addressee."""
    letter = PETIT_SCAN.replace("Monsieur Thomas Petit\n21 rue Solférino\n59000 Lille\n",
                                "Monsieur Thomas Petit\nAffaire suivie par\n21 rue Solférino Mme Petitjean\n59000 Lille\n")
    found = _values(read_decision(letter))
    assert (found["claimant.last_name"], found["claimant.address"], found["claimant.postal_code"]) == \
        ("Petit", "21 rue Solférino", "59000")


BODY_HEAD = "CAF du Nord\n{top}\n\nMonsieur Thomas Petit\n21 rue Solférino\n59000 Lille\n"


@pytest.mark.parametrize("top, foot, address", [
    # a figure of the postcode misread: the commune's only postcode one figure away
    ("82 rue Brûle-Maison 59008 Lille", "", "82 rue Brûle-Maison, 59000 Lille"),
    # a letter of the city misread: the only commune of that postcode so close in name
    ("82 rue Brûle-Maison — 59650 Vileneuve-d'Ascq", "", "82 rue Brûle-Maison, 59650 Villeneuve-d'Ascq"),
    # printed three times, one copy with a slip: the two that agree
    ("82 rue Brûle-Maison — 59000 Lille", "CAF du Nord — 82 rue Brûle-Maison — 59000 Lille\nCAF du Nord — 82 rue Brûle-Masion — 59000 Lille",
     "82 rue Brûle-Maison, 59000 Lille"),
    # the window's « À » read after the street, the footer printing it without: the same street
    ("82 rue Brûle-Maison À\n59000 Lille", "CAF du Nord — 82 rue Brûle-Maison — 59000 Lille", "82 rue Brûle-Maison, 59000 Lille"),
    # the addressee's column run after the footer's street is no other spelling of it
    ("82 rue Brûle-Maison — 59000 Lille", "CAF du Nord — 82 rue Brûle-Maison nm. Monsieur Thomas PETIT — 59000 Lille",
     "82 rue Brûle-Maison, 59000 Lille"),
])
def test_the_bodys_address_with_one_ocr_slip_mended_or_outvoted(top: str, foot: str, address: str) -> None:
    letter = BODY_HEAD.format(top=top) + PETIT_SCAN.split("59000 Lille\n", 1)[1] + foot + "\n"
    assert read_decision(letter)["organism.address"].value == address


@pytest.mark.parametrize("top, foot", [
    ("82 rue Brûle-Maison — 59000 Lille", "CAF du Nord — 82 rue Brûle-Masion — 59000 Lille"),   # two copies, two spellings
    ("82 rue Brûle-Maison — 59000 Lile Cedex", ""),   # a CEDEX line is the body's own: not mended
    ("Service contrôle\nMme Claire BERTHELOT 82 rue Brûle-Maison\n59000 Lille", ""),   # the addressee's column in the block
])
def test_the_bodys_address_left_when_its_copies_or_its_lines_disagree(top: str, foot: str) -> None:
    letter = BODY_HEAD.format(top=top) + PETIT_SCAN.split("59000 Lille\n", 1)[1] + foot + "\n"
    assert "organism.address" not in read_decision(letter)


@pytest.mark.parametrize("body, field, value", [
    # a sum « payée à tort » is an overpayment, its amount on its row; that it must be repaid is
    # the rule said in words (the reasons are the person's to judge)
    ("Retraite versée jusqu'au 28 février 2026 16 870,88 €\nMontant payé à tort 180,00 euros\nLa somme payée à tort doit "
     "néanmoins être remboursée.", "situation", "overpayment"),
    ("Retraite versée jusqu'au 28 février 2026 16 870,88 €\nMontant payé à tort 180,00 euros\nLa somme payée à tort doit "
     "néanmoins être remboursée.", "context.amount_eur", 180.0),
    ("Cette erreur est imputable à nos services : aucune faute ne vous est reprochée.", "context.fraud_alleged", False),
    ("Vous avez été invité(e) à présenter vos observations devant l'équipe pluridisciplinaire.", "context.heard_before", True),
    ("Cette suspension est décidée sans échange préalable avec vous, puisqu'elle découle de l'absence de la déclaration.",
     "context.heard_before", False),
    ("Nous vous avons invité à nous adresser vos observations le 4 avril 2026, sans réponse de votre part à ce jour.",
     "context.heard_before", True),
    ("Vu le courrier du 30 mai 2026 invitant l'intéressé(e) à présenter ses observations devant l'équipe.",
     "context.heard_before", True),
    ("Vous aviez été informé(e) de la possibilité d'être entendu(e) par la commission ; vous ne l'avez pas demandé.",
     "context.heard_before", True),
    ("Vous ne remplissez donc pas les conditions d'ouverture du droit : les indemnités ne peuvent pas vous être versées.",
     "situation", "refusal"),
    ("D'après les attestations de votre employeur, vous avez travaillé 112 heures, comme le prévoit le code de la "
     "sécurité sociale. Votre demande est rejetée.", "decision.reasons_given", True),
    ("Vous avez reçu 3 801,74 euros de plus que ce à quoi vous aviez droit.", "context.amount_eur", 3801.74),
    ("Nous avons recalculé vos droits : vous nous devez la somme de 2926,21 euros.", "context.amount_eur", 2926.21),
    ("Le complément versé pour cette période n'était donc pas dû : il s'élève à 912,00 €.", "context.amount_eur", 912.0),
])
def test_eighth_set_decision_wordings(body: str, field: str, value: object) -> None:
    letter = untitled_notice(body)
    assert read_decision(letter)[field].value == value


def test_a_retirement_named_by_its_payment() -> None:
    body = "Objet : somme payée à tort sur votre retraite\nMadame,\nNous avons recalculé votre pension.\n"
    letter = ("Carsat Midi-Pyrénées\n22 avenue de la Libération\n09000 Cos\n\nMadame Maïwenn Duchâteau\n141 allée Émile Zola\n"
              "09000 Ferrières-sur-Ariège\nCos, le 2 mars 2026\n" + body + "Veuillez agréer, Madame, nos salutations.\n")
    assert read_decision(letter)["benefit"].value == "retraite"


@pytest.mark.parametrize("head, date", [
    ("Décision n° IND-2026-2114 du 14 janvier 2026\nVu l'avis de l'équipe pluridisciplinaire réunie le 17 décembre 2025 ;\n",
     "2026-01-14"),
    ("Mes courriers Courrier mis à disposition le 24/03/2026\n", "2026-03-24"),
    ("Agen. le 20 nov. 2026\n", "2026-11-20"),
    ("", None),   # no date line: the foot's print date, below
])
def test_dates_of_decisions_printed_pages_and_sittings(head: str, date: "str | None") -> None:
    """« Décision n° … du … » dates the letter; a date in a sentence of the letterhead (« réunie
    le … ») does not; « Courrier mis à disposition le »; a place run into « le » by a point.
    With no date line: « Document édité le … » at the foot, « en séance du … » in a sentence."""
    base = ("Département du Nord\n22 avenue de la Libération\n59000 Lille\n\nMadame Claire Roux\n50 avenue du Stade\n59000 Lille\n"
            + head + "Madame,\nLa commission, en séance du 23.06.2026, a pris la décision suivante.\n"
            "Veuillez agréer, Madame, nos salutations.\nDocument édité le 25/06/2026 ARS — page 1/1\n")
    found = read_decision(base)
    if date is None:   # a sitting and a print date, two dates: the person's to say
        assert "decision.date" not in found
        alone = read_decision(base.replace("Document édité le 25/06/2026 ARS — page 1/1\n", ""))
        assert alone["decision.date"].value == "2026-06-23"
    else:
        assert found["decision.date"].value == date


@pytest.mark.parametrize("rows", [
    "Votre numéro de sécurité sociale Notre référence Date\n270042344456966 REF-2026-8554 18 mai 2026\n",
    "| Votre numéro de sécurité sociale | Notre référence | Date |\n| 270042344456966 | REF-2026-8554 | 18 mai 2026\n",
])
def test_a_row_of_labels_over_a_row_of_values(rows: str) -> None:
    """A letterhead's table read row by row: the number under its label, the date under « Date »
    (by the frame's bars when OCR read them, an empty cell kept empty)."""
    letter = ("CPAM du Nord\nCS 20231\n59863 LILLE CEDEX 9\n" + rows + "Madame Anne Ollivier\n17 chemin Simone Veil\n59173 Sercus\n"
              "Objet : vos indemnités journalières\nMadame,\nTexte.\nVeuillez agréer, Madame, nos salutations.\n")
    found = _values(read_decision(letter))
    assert (found["claimant.file_number"], found["decision.date"]) == ("270042344456966", "2026-05-18")
    empty = letter.replace("| 270042344456966 |", "| |")
    if "|" in rows:
        assert "claimant.file_number" not in read_decision(empty)


def test_the_bodys_column_between_the_addressees_name_and_street() -> None:
    """« Monsieur … », then the body's service, street and postcode (its column), then the
    person's street and postcode: the person's are the last two."""
    letter = PETIT_SCAN.replace("Monsieur Thomas Petit\n21 rue Solférino\n59000 Lille\n",
                                "Monsieur Thomas Petit\nService prestations familiales\n82 rue Brûle-Maison\n59000 Lille\n"
                                "21 rue Solférino\n59800 Lille\n")
    found = _values(read_decision(letter))
    assert (found["claimant.address"], found["claimant.postal_code"]) == ("21 rue Solférino", "59800")


def test_a_france_travail_agency_is_france_travail() -> None:
    """France Travail is one body for all France: « France Travail Bobigny » is its agency."""
    letter = ("France Travail Bobigny\n14 rue des Carmes\n93000 Bobigny\n\nMonsieur Paul Roux\n12 rue des Lilas\n93000 Bobigny\n"
              "Bobigny, le 9 mars 2026\nObjet : trop-perçu\nMonsieur,\nTexte.\nVeuillez agréer, Monsieur, nos salutations.\n")
    assert read_decision(letter)["organism.name"].value == "France Travail"


def test_a_document_kept_for_someone_else_is_no_part_given() -> None:
    """« … ne peuvent être communiquées qu'à lui-même (article L. 311-6 …) » and nothing sent:
    a refusal with its reasons, not a partial answer."""
    answer = ("CAF de la Haute-Saône\n\nMonsieur,\nNous ne pouvons pas donner suite à votre demande : le rapport n'existe pas ; "
              "les ressources de votre ancien conjoint ne peuvent être communiquées qu'à lui-même (article L. 311-6 du code des "
              "relations entre le public et l'administration).\nVeuillez agréer, Monsieur, nos salutations distinguées.\n")
    assert read_answer(answer)["answer.kind"].value == AnswerKind.refusal_with_reasons.value


@pytest.mark.parametrize("body, field, value", [
    ("Cette décision a été prise sans échange préalable avec vous : elle découle de la date de naissance de votre enfant.",
     "context.heard_before", False),
    ("Vous devez rembourser un indu. Sauf remboursement, nous retiendrons 151,92 euros sur chacun de vos prochains versements.",
     "context.withholding_eur", 151.92),
    ("Un croisement automatisé de vos déclarations avec les données de la DGFiP fait apparaître des revenus non déclarés.",
     "decision.algorithm_mentioned", True),
    # a negation elsewhere in the sentence does not deny the fraud
    ("Les éléments recueillis laissent présumer une manœuvre frauduleuse : une fausse déclaration faite pour obtenir des "
     "prestations qui n'étaient pas dues.", "context.fraud_alleged", True),
    ("Aucune fraude ne vous est reprochée.", "context.fraud_alleged", False),
    # a sentence ends after « € » and after an accented letter
    ("Les sommes versées à tort s'élèvent à 847,74 €. Elles seront récupérées par une retenue de 167,59 euros par mois.",
     "context.amount_eur", 847.74),
    ("Les sommes versées à tort s'élèvent à 847,74 €. Elles seront récupérées par une retenue de 167,59 euros par mois.",
     "context.withholding_eur", 167.59),
    ("Votre aide diminue donc de 61,00 € par mois.", "context.amount_eur", 61.0),
    ("Votre allocation est fixée à 591,22 € au lieu de 718,32 €, soit une diminution de 127,10 € par mois.", "situation", "reduction"),
    ("Votre allocation est fixée à 591,22 € au lieu de 718,32 €, soit une diminution de 127,10 € par mois.", "context.amount_eur", 127.1),
    ("Dans le cadre de ce contrôle de l'utilisation de l'aide, notre courrier vous invitait à nous faire part de vos observations.",
     "context.after_control", True),
    ("Dans le cadre de ce contrôle de l'utilisation de l'aide, notre courrier vous invitait à nous faire part de vos observations.",
     "context.heard_before", True),
])
def test_ninth_and_tenth_sets_decision_wordings(body: str, field: str, value: object) -> None:
    letter = untitled_notice(body)
    assert read_decision(letter)[field].value == value


@pytest.mark.parametrize("label, value", [
    ("Allocataire n° 9399535", "9399535"), ("N° de dossier MDMPH : 59871", "59871"),
    ("Dossier d'aide sociale n° RSA-264191", "RSA-264191"),
])
def test_more_number_labels(label: str, value: str) -> None:
    assert read_decision(PETIT_SCAN.replace("Numéro allocataire : 7654321", label))["claimant.file_number"].value == value


def test_an_addressee_at_a_lieu_dit_and_a_date_before_the_page_number() -> None:
    letter = PETIT_SCAN.replace("21 rue Solférino\n59000 Lille", "Lieu-dit La Brande Haute\n59000 Lille").replace(
        "Lille, le 2 novembre 2026", "Lille, le 02.11.2026 Page 1/1")
    found = _values(read_decision(letter))
    assert (found["claimant.address"], found["decision.date"]) == ("Lieu-dit La Brande Haute", "2026-11-02")


@pytest.mark.parametrize("foot, address", [
    ("CAF du Nord · 82 rue Brûle-Maison · 59000 Lille · Service des prestations familiales", "82 rue Brûle-Maison, 59000 Lille"),
    ("CAF du Nord — TSA 61234 — 59024 LILLE CEDEX 36 46 (service gratuit + prix d'un appel)", "TSA 61234, 59024 LILLE CEDEX"),
])
def test_the_bodys_address_in_a_footer_with_words_after_the_city(foot: str, address: str) -> None:
    """A service's name, or a phone number and its note after a CEDEX, after the footer's city:
    the address stops at the city (and at « CEDEX »)."""
    letter = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex\n", "CAF du Nord\n") + foot + "\n"
    assert read_decision(letter)["organism.address"].value == address


@pytest.mark.parametrize("sentence, kind", [
    ("Le traitement de votre demande prendra donc plus de temps que prévu : nous vous adresserons les pièces dans un mois.",
     "asks_more_time"),
    ("Ce dossier contient des informations que nous ne pouvons transmettre qu'à la personne qu'elles concernent. Avant de "
     "donner suite, nous devons nous assurer que la demande émane bien de vous.", "asks_identity"),
    ("Suite à votre message, vous trouverez en pièces jointes les documents demandés. Tous les documents demandés vous sont "
     "ainsi transmis.", "complete"),
])
def test_ninth_and_tenth_sets_answer_wordings(sentence: str, kind: str) -> None:
    answer = f"CAF du Nord\n\nMonsieur,\nNous avons bien reçu votre demande.\n{sentence}\nVeuillez agréer, Monsieur, nos salutations.\n"
    assert read_answer(answer)["answer.kind"].value == kind


def test_a_body_named_only_inside_a_sentence_is_not_the_sender() -> None:
    """No body in the letterhead: « … effectué par la Caf » in a sentence is not the sender (a
    département's letter); « la commission de recours amiable de la MSA » names it."""
    letter = ("Ville de Pa ris\n5 allée des Tanneurs\n75001 Paris\n\nMadame Marie HASSANI\n23 quai de la Paix\n75018 PARIS\n"
              "Paris, le 23/02/2026\nObjet : indu\nMadame,\nUn contrôle effectué par la Caf de Paris a montré que vos ressources "
              "étaient plus élevées.\n{appeal}Veuillez agréer, Madame, nos salutations.\n")
    assert "organism.kind" not in read_decision(letter.format(appeal=""))
    appeal = "Vous pouvez saisir la commission de recours amiable de la MSA dans les deux mois.\n"
    assert read_decision(letter.replace("par la Caf de Paris", "par nos services").format(appeal=appeal))["organism.kind"].value == "msa"


def test_a_column_heading_in_the_block_and_an_address_abroad() -> None:
    """« Références » on a line of the addressee's block is no part of the address; a block
    whose postcode line is followed by a country (« ESPAGNE ») is read for the name only."""
    letter = PETIT_SCAN.replace("Monsieur Thomas Petit\n21 rue Solférino\n", "Monsieur Thomas Petit\nRéférences\n21 rue Solférino\n")
    assert read_decision(letter)["claimant.address"].value == "21 rue Solférino"
    abroad = _values(read_decision(PETIT_SCAN.replace("21 rue Solférino\n59000 Lille\n", "Calle Mayor 8, 2º B\n03001 ALICANTE\nESPAGNE\n")))
    assert abroad["claimant.last_name"] == "Petit"
    assert not {"claimant.address", "claimant.postal_code", "claimant.city"} & set(abroad)


@pytest.mark.parametrize("head, address", [
    ("MSA DORDOGNE 2 rue de la Préfecture 24000 Périgueux msa.fr", "2 rue de la Préfecture, 24000 Périgueux"),
    ("Caf de la Gironde CS 81009 — 33078 BORDEAUX CEDEX caf.fr : 3230", "CS 81009, 33078 BORDEAUX CEDEX"),
    ("Carsat Rhône-Alpes - 10 boulevard Gaston Serpette : 74000 Annecy : France Retraite - Service international",
     "10 boulevard Gaston Serpette, 74000 Annecy"),
    ("CAF du Nord\n82 rue Brûle-Maison - 59000 Lille Monsieur Paul ROUX", "82 rue Brûle-Maison, 59000 Lille"),
    ("CAF du Nord\nS allée des Tanneurs\n59000 Lille", "5 allée des Tanneurs, 59000 Lille"),
    ("CAF du Nord\n82 rue Brûle-Maison\n59000 Lille 59800 Lille", "82 rue Brûle-Maison, 59000 Lille"),
    ("CAF du Nord\n82 rue Brûle-Maison\n59000 Lill", "82 rue Brûle-Maison, 59000 Lille"),
    ("MOPH du Nord — 82 rue Brûle-Maison — 59000 Lille", "82 rue Brûle-Maison, 59000 Lille"),
])
def test_the_bodys_address_as_ocr_runs_it_together(head: str, address: str) -> None:
    """The name and its street or box parted by a space only; « · » read « : » with another
    separator on the line; the addressee's name after the body's postcode on its line; « S »
    for a 5 before a street; another column's postcode after the city; a city's letter lost
    (the postcode's only commune); « MOPH » for MDPH."""
    letter = head + "\n\nMonsieur Thomas Petit\n21 rue Solférino\n59800 Lille\n" + PETIT_SCAN.split("59000 Lille\n", 1)[1]
    found = read_decision(letter)
    assert found["organism.address"].value == address
    if head.startswith("MOPH"):
        assert found["organism.name"].value == "MDPH du Nord"


def test_a_body_named_in_a_sentence_starts_no_address() -> None:
    """« … le médiateur régional de France Travail. Le tribunal … » then « pour juger d'un litige
    sur l'allocation. » then a footer whose name OCR lost: no address from the sentence's name."""
    letter = PETIT_SCAN.replace("Nous vous prions d'agréer", "Vous pouvez aussi saisir le médiateur régional de la CAF du Nord. Le "
                                "tribunal judiciaire est compétent\npour juger d'un litige sur l'allocation d'aide au logement.\n"
                                "Coisse aval — 82 rue Brûle-Maison — 59650 Vileneuve-d'Ascq\nNous vous prions d'agréer").replace(
        "CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex\n", "CAF du Nord\n")
    assert "organism.address" not in read_decision(letter)


@pytest.mark.parametrize("block", [
    "M SA MSA du Nord\nMonsieur Thomas Petit\n21 rue Solférino\n59000 Lille\n",          # a logo's letters read as a title
    "Monsieur Thomas Petit\n21 rue Solférino\nDossier RSA n° 671729 59000 Lille\n",        # a label's column before the postcode
    "Monsieur Thomas Petit\n21 rue Solférino\nVos références 59000 Lille\n",
])
def test_the_addressee_beside_a_logo_or_a_labels_column(block: str) -> None:
    letter = PETIT_SCAN.replace("Monsieur Thomas Petit\n21 rue Solférino\n59000 Lille\n", block)
    found = _values(read_decision(letter))
    assert (found["claimant.last_name"], found["claimant.address"], found["claimant.postal_code"]) == ("Petit", "21 rue Solférino", "59000")


def test_a_sentence_opening_with_another_body_is_not_the_sender() -> None:
    """No body in the letterhead: « L'Assurance Maladie nous a informés … » opens a sentence of
    a France Travail letter; the CPAM is not the sender."""
    letter = ("Agence de Bobigny\n\nMonsieur Paul Roux\n12 rue des Lilas\n93000 Bobigny\nBobigny, le 9 mars 2026\n"
              "Objet : notification d'un trop-perçu d'allocation au retour à l'emploi\nMonsieur,\nL'Assurance Maladie nous a "
              "informés qu'elle vous a versé des indemnités journalières.\nVeuillez agréer, Monsieur, nos salutations.\n")
    found = read_decision(letter)
    assert "organism.kind" not in found
    assert found["benefit"].value == "are"


def test_a_logo_above_and_the_name_with_its_box_below() -> None:
    """The letterhead has only a logo (« caf »); below, « Caf de la Gironde » alone on its line,
    then its box and CEDEX with the website and the phone after: the name and the address."""
    letter = ("caf\n\nMonsieur Paul Roux\n12 rue des Lilas\n33000 Bordeaux\nBordeaux, le 9 mars 2026\nObjet : aide\nMonsieur,\n"
              "Texte.\nVeuillez agréer, Monsieur, nos salutations.\nLe directeur\nCaf de la Gironde\n"
              "CS 81009 — 33078 BORDEAUX CEDEX caf.fr : 3230 (service gratuit)\n")
    found = _values(read_decision(letter))
    assert (found["organism.name"], found["organism.address"]) == ("Caf de la Gironde", "CS 81009, 33078 BORDEAUX CEDEX")


@pytest.mark.parametrize("line", ["Lille, te 02.11.2026", "CAF du Nord Séance de la CDAPH du 02/11/2026 |"])
def test_a_date_line_as_ocr_reads_it(line: str) -> None:
    """« le » read « te »; a commission's sitting after another column's words on its line."""
    letter = PETIT_SCAN.replace("Lille, le 2 novembre 2026", line)
    assert read_decision(letter)["decision.date"].value == "2026-11-02"


# Overseas, one caisse runs several bodies' benefits (bodies.yaml `overseas_shared`, `mayotte`):
# a CGSS pensions and health, Mayotte's caisse family benefits too. Its address may take five
# lines under the name; Mayotte's whole name has no place after it.
_CGSS = ("CGSS de la Martinique\nCaisse générale de sécurité sociale\nPôle Retraite – Service des prestations\nPlace d'Armes\n"
         "BP 7\n97232 LE LAMENTIN\n\nMonsieur Paul Roux\n14 bis rue Ernest Deproge\n97200 Fort-de-France\n"
         "Le Lamentin, le 26 février 2026\nObjet : votre {benefit}\nMonsieur,\nTexte.\nVeuillez agréer, Monsieur, nos salutations.\n")
_CSSM = ("Caisse de sécurité sociale de Mayotte\nBranche Famille – Prestations familiales\n8 quai de la Fosse – 97600 Mamoudzou\n"
         "Édité le 21-8-2026\nMatricule : 5294324\nMonsieur Wilfried Pierre-Louis\n118 boulevard Pasteur\n97650 M'Tsangamouji\n"
         "AVIS DE DETTE\nMonsieur,\nUn montant de {benefit} vous a été versé à tort.\n")
_MARTINIQUE = (_CGSS, "CGSS de la Martinique", "Place d'Armes, BP 7, 97232 LE LAMENTIN")
_MAYOTTE = (_CSSM, "Caisse de sécurité sociale de Mayotte", "8 quai de la Fosse, 97600 Mamoudzou")


@pytest.mark.parametrize("caisse, benefit, kind", [
    (_MARTINIQUE, "allocation de solidarité aux personnes âgées", "carsat"),
    (_MARTINIQUE, "complémentaire santé solidaire", "cpam"),
    (_MARTINIQUE, "aide", None),
    (_MAYOTTE, "allocations familiales", "caf"),
    (_MAYOTTE, "complémentaire santé solidaire", "cpam"),
    (_MAYOTTE, "allocation de solidarité aux personnes âgées", "carsat"),
    (_MAYOTTE, "aide", None),
])
def test_an_overseas_caisse_is_the_body_whose_benefit_it_names(caisse: "tuple[str, str, str]", benefit: str,
                                                                kind: "str | None") -> None:
    """One caisse for several kinds: the benefit named says which; none, no kind."""
    letter, name, address = caisse
    found = _values(read_decision(letter.format(benefit=benefit)))
    assert found.get("organism.kind") == kind
    if kind:
        assert found["organism.name"] == name
        assert found["organism.address"].endswith(address)


def test_a_debt_in_a_one_row_table_and_its_deduction_from_the_next_payments() -> None:
    """« Prestation  Du  Au  Montant de la dette » over one row: the row's last amount is the debt
    (its dates are not); « déduite de vos prochaines prestations à raison de 152,26 € par mois »
    is the monthly deduction."""
    letter = PETIT_SCAN.replace(
        "Nous n'avons pas reçu les justificatifs demandés le ler octobre 2026. En conséquence, le\nversement de votre aide "
        "personnalisée au logement (APL) est suspendu à compter du 1er\nnovembre 2026.",
        "Un montant d'aide au logement vous a été versé à tort.\nPrestation Du Au Montant de la dette\n"
        "Aide personnalisée au logement 01/03/2026 31/07/2026 3 900,57 euros\nCette somme sera déduite de vos prochaines "
        "prestations à raison de 152,26 € par mois.")
    found = _values(read_decision(letter))
    assert (found["context.amount_eur"], found["context.withholding_eur"]) == (3900.57, 152.26)
    # two rows: months, whose total the letter gives or not; no row is the debt
    two = letter.replace("3 900,57 euros\n", "3 900,57 euros\nAide personnalisée au logement 01/08/2026 31/08/2026 120,00 euros\n")
    assert "context.amount_eur" not in _values(read_decision(two))


@pytest.mark.parametrize("foot", [
    "CAF du Nord + 82 rue Brûle-Maison » 59000 Lille",                            # « · » read « + » and « » »
    "CAF du Nord : 82 rue Brûle-Maison - 59000 Lille - Accueil du lundi au vendredi",  # « : » once, other separators
    "CAF du Nord\n82rue Brûle-Maison\n59000 Lille ca£fr",                          # a number glued, marks after the city
])
def test_a_footer_address_as_ocr_reads_its_separators(foot: str) -> None:
    letter = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex\n", "CAF du Nord\n") + foot + "\n"
    assert read_decision(letter)["organism.address"].value == "82 rue Brûle-Maison, 59000 Lille"


@pytest.mark.parametrize("names, first, last", [
    ("Jean-Marc Ben Salah", "Jean-Marc", "Ben Salah"), ("Perrine Van der Berg", "Perrine", "Van der Berg"),
])
def test_names_with_particles_of_other_languages(names: str, first: str, last: str) -> None:
    found = _values(read_decision(PETIT_SCAN.replace("Monsieur Thomas Petit", f"Monsieur {names}")))
    assert (found["claimant.first_name"], found["claimant.last_name"]) == (first, last)


def test_two_columns_with_one_label_more_than_amounts_pair_nothing() -> None:
    """« ANCIEN MONTANT MENSUEL / NOUVEAU … / DIMINUTION MENSUELLE / DATE D EFFET », then three
    amounts and a date: which label goes with which amount is not known; read alone, the
    three labels and amounts pair (« diminution mensuelle » the monthly amount lost)."""
    block = ("ANCIEN MONTANT MENSUEL\nNOUVEAU MONTANT MENSUEL\nDIMINUTION MENSUELLE\nDATE D EFFET\n\n212,37 EUR\n148,05 EUR\n"
             "64,32 EUR\n1ER SEPTEMBRE 2026\n")
    head = MSA_OVERPAYMENT.split("Objet")[0] + "Objet : prime d'activité\nMadame,\nLes revenus de votre foyer ont augmenté.\n"
    tail = "Veuillez agréer, Madame, nos salutations distinguées.\n"
    assert "context.amount_eur" not in read_decision(head + block + tail)
    aligned = block.replace("DATE D EFFET\n", "").replace("1ER SEPTEMBRE 2026\n", "")
    assert read_decision(head + aligned + tail)["context.amount_eur"].value == 64.32


def test_an_answer_forwarding_the_letter_to_the_competent_body() -> None:
    answer = ("MDPH de la Meuse\n\nMadame,\nLa MDPH se prononce sur le droit à cette allocation, mais ce n'est pas elle qui la "
              "verse. Nous avons donc transmis votre courrier, le jour même de sa réception, à l'organisme compétent.\n"
              "Veuillez agréer, Madame, nos salutations distinguées.\n")
    assert read_answer(answer)["answer.kind"].value == "wrong_body"


@pytest.mark.parametrize("address", ["9,4 rue de l'Église", "35 rue Maréchal Joffre 30 impasse du Général de Gaulle"])
def test_a_street_with_a_point_in_its_number_or_two_streets_is_left(address: str) -> None:
    """« 9,4 rue … » (a speck between two figures), « 35 rue … 30 impasse … » (the body's column
    run into the addressee's line): no one's street, left to the person."""
    assert not plausible_street(f"{address}, 59000 Lille")
    assert "claimant.address" not in read_decision(PETIT_SCAN.replace("21 rue Solférino", address))


@pytest.mark.parametrize("cell, date", [
    ("Examen par le médecin-conseil\nle 27 juillet 2026\n", "2026-10-14"),
    ("| Examen par le médecin-| le 28 mai 2026\n| conseil\n", "2026-10-14"),
    ("Date | le 19 juin 2026 |\n", None),   # a « Date » cell: a second date line, the person's to say
])
def test_a_table_cell_in_small_letters_is_not_the_date_line(cell: str, date: "str | None") -> None:
    """« le 27 juillet 2026 » in small letters opening a table's cell gives the medical
    examination's date, not the letter's; under a « Date » label it is a date line again."""
    letter = ("CPAM de la Haute-Garonne\n8 quai de la Fosse\n31000 Toulouse\nDate : 14/10/2026\n"
              "Madame Maguy Lhermitte\n18 allée Pasteur\n31810 Clermont-le-Fort\nNOTIFICATION\n"
              "N° de sécurité sociale 2 72 02 76 462 165 18\n" + cell +
              "Madame,\nLe médecin-conseil a estimé que votre arrêt de travail n'est plus justifié.\n")
    found = read_decision(letter)
    if date is None:
        assert "decision.date" not in found
    else:
        assert found["decision.date"].value == date


def test_a_column_of_labels_whose_first_value_has_no_figure() -> None:
    """A form's labels read as one column and its values as the next (OCR); the first value is
    a name, the second the social-security number: still paired, so the NIR labelled « N° de
    sécurité sociale » wins over the file's reference printed further down."""
    letter = ("CPAM de la Haute-Garonne\n8 quai de la Fosse\n31000 Toulouse\nDate : 14/10/2026\n"
              "Madame Maguy Lhermitte\n18 allée Pasteur\n31810 Clermont-le-Fort\nNOTIFICATION\n"
              "Assuré(e)\nN° de sécurité sociale\nEmployeur |\nNature de l'arrêt\n"
              "| Mme Maguy Lhermitte\n| 272 02 76 462 165 18\n| SAS Transports Méridien\nMaladie — arrêt initial\n"
              "Référence du dossier CTL-2026-9385\n"
              "Madame,\nLe médecin-conseil a estimé que votre arrêt de travail n'est plus justifié.\n")
    assert read_decision(letter)["claimant.file_number"].value == "272027646216518"


@pytest.mark.parametrize("sentence, kind", [
    # a treatment that « décide seul » or « a seulement contribué »: no restriction of the answer
    ("Voici les informations que vous avez demandées. Un agent décide seul d'engager ou non un contrôle ; le traitement "
     "a seulement contribué au choix de votre dossier.", "complete"),
    # some notes withheld, then « ces passages ont donc été occultés »: a part refused
    ("Vous trouverez joint à ce courrier un extrait de ces données. En revanche, certaines mentions saisies par votre "
     "conseiller ne vous sont pas communiquées : elles portent sur une autre personne.", "partial"),
    ("Vous trouverez joint à ce courrier un extrait de ces données. Ces passages ont donc été occultés dans l'extrait.",
     "partial"),
    # (held-out 13) a request forwarded « ne relevant pas de notre compétence »; an answer saying it
    # answered the whole request, whatever « une partie » its explanation speaks of
    ("Votre demande ne relevant pas de notre compétence, nous l'avons transmise au service du revenu de solidarité "
     "active du Conseil départemental, qui vous répondra directement.", "wrong_body"),
    ("Nous vous apportons ci-dessous les éléments prévus à l'article R. 311-3-1-2. Les services de contrôle en retiennent "
     "une partie après examen. Nous considérons avoir ainsi répondu à l'ensemble de votre demande.", "complete"),
])
def test_eleventh_and_thirteenth_sets_answer_wordings(sentence: str, kind: str) -> None:
    answer = f"CPAM de la Marne\n\nMonsieur,\nNous avons bien reçu votre demande.\n{sentence}\nVeuillez agréer, Monsieur, nos salutations.\n"
    assert read_answer(answer)["answer.kind"].value == kind


@pytest.mark.parametrize("body, field, value", [
    ("Un contrôle de facturation des frais de transport pris en charge par l'Assurance Maladie a été réalisé sur votre "
     "dossier.", "context.after_control", True),
    ("Nous avons procédé à une vérification de vos remboursements.", "context.after_control", True),
    ("Le 19 mai 2026, nous avons engagé un contrôle de la recherche d'emploi portant sur votre dossier.",
     "context.after_control", True),
    ("Vous avez été reçu. À l'issue de ce contrôle, nous vous avons adressé un courrier.", "context.after_control", True),
    ("Un contrôle de facturation des frais de transport pris en charge par l'Assurance Maladie a été réalisé sur votre "
     "dossier. Ces sommes vous ont été versées à tort.", "benefit", "autre"),
])
def test_eleventh_set_decision_wordings(body: str, field: str, value: object) -> None:
    """A control of the bills of transport costs: a control, and a benefit the registry files
    under `autre` (the refund of care and transport costs)."""
    letter = ("CPAM de Paris\n75948 PARIS CEDEX 19\nParis, le 25 mars 2026\nN° de sécurité sociale : 190050155300745\n"
              "MONSIEUR ABDOULAYE LEVEQUE\n49 BIS RUE DES ÉCOLES\n75001 PARIS\nNOTIFICATION D'INDU\nMonsieur,\n"
              f"{body}\nVeuillez agréer, Monsieur, nos salutations distinguées.\n")
    assert read_decision(letter)[field].value == value


FORWARDED = ("De : {sender} <{address}>\nEnvoyé : mardi 28 juillet 2026 21:47\nÀ : Permanence d'accès au droit "
             "<accueil.pad@droits-solidaires.org>\nObjet : TR: courrier France Travail\nBonjour,\nJe vous transfère le courrier.\n"
             "France Travail\n22 avenue de la Libération\n64000 Pau\nPau, le 22 juillet 2026\nIdentifiant : 2477805N\n"
             "Monsieur Melchior Nguyen-Thanh\n74 chemin Gambetta\n64450 Garlède-Mondebat\nObjet : suppression de votre allocation\n"
             "Monsieur,\nNous avons décidé de supprimer votre allocation.\nVeuillez agréer, Monsieur, nos salutations.\n")


@pytest.mark.parametrize("sender, address, read", [
    ("Melchior Nguyen-Thanh", "tournesol.1987@laposte.net", "tournesol.1987@laposte.net"),   # she forwards her letter
    ("Yanis Nguyen-Thanh", "yanis.nt@gmail.com", None),           # her son's address: not hers
    ("Melchior Nguyen-Thanh", "toumesol.1987@iaposte.net", None),  # a domain misread: hers to type
])
def test_the_claimants_email_from_a_forwarded_letter(sender: str, address: str, read: "str | None") -> None:
    """The sender of a forwarded e-mail, named as the claimant, gives her address; another
    person's, a desk's, or one at a provider misread is not proposed."""
    found = read_decision(FORWARDED.format(sender=sender, address=address))
    if read is None:
        assert "claimant.email" not in found
    else:
        assert found["claimant.email"].value == read
    labelled = FORWARDED.format(sender="Yanis", address="yanis.nt@gmail.com").replace(
        "Identifiant : 2477805N\n", "Identifiant : 2477805N\nVotre adresse électronique : m.nguyen@orange.fr\n")
    assert read_decision(labelled)["claimant.email"].value == "m.nguyen@orange.fr"


def test_a_france_travail_refusal_of_the_ass_after_the_end_of_the_are() -> None:
    """« Vos références : 1170386B » is France Travail's identifier by its shape, though the label
    is vague; « à la fin de vos droits à l'ARE » is when the person asked, not a decision to end
    them: the letter refuses the ASS."""
    letter = ("France Travail\nAgence de Cos\n60 avenue Jean Mermoz\n09000 Cos\nLe 25/5/2026\nVos références : 1170386B\n"
              "Nos références : IND-2026-66175\nMonsieur Baudouin LE GUELLEC\n17 bis boulevard Gambetta\n09000 BAULOU\n"
              "Objet : votre demande d'allocation de solidarité spécifique (ASS)\nMonsieur,\nVous avez demandé le bénéfice de "
              "l'allocation de solidarité spécifique à la fin de vos droits à l'allocation d'aide au retour à l'emploi.\n"
              "Les ressources de votre foyer étant supérieures au plafond, nous ne pouvons pas vous accorder l'allocation de "
              "solidarité spécifique. Votre demande est rejetée.\nNous vous prions d'agréer, Monsieur, nos salutations.\n")
    found = read_decision(letter)
    assert (found["claimant.file_number"].value, found["situation"].value) == ("1170386B", "refusal")
    assert "claimant.file_number" not in read_decision(letter.replace("1170386B", "1170386"))   # not in its shape


@pytest.mark.parametrize("address", ["Appt 12 – 3e étage, 17 bis boulevard Gambetta", "Bât. B, 2e étage, 4 rue du 1er Mai"])
def test_an_ordinal_floor_in_the_complement_is_a_plausible_address(address: str) -> None:
    """« 3e étage »: the « e » after a figure is no word in small letters of its own."""
    assert plausible_street(address, postcode_last=False)
    assert not plausible_street(address.replace("étage", "ëtoge"), postcode_last=False)


@pytest.mark.parametrize("sitting, date", [
    ("Commission des droits et de l'autonomie des personnes handicapées — Séance du 14/09/2026", "2026-09-14"),
    ("Séance de la CDAPH du 14 septembre 2026", "2026-09-14"),
    ("Date de la décision (séance de la CDAPH) 14/09/2026", "2026-09-14"),
    ("Commission des droits et de des personnes handicapées — Séance du 14/09/2026", "2026-09-14"),   # OCR lost a word
    # in a sentence, the sitting is what the notification tells, and the letter's date is the
    # covering letter's (« Vous trouverez ci-joint … »): neither is read, the date is hers to give
    ("La CDAPH, réunie le 14 septembre 2026, a examiné votre demande.", None),
])
def test_the_cdaph_s_sitting_dates_the_decision_not_its_covering_letter(sitting: str, date: "str | None") -> None:
    """An MDPH's covering letter dated six days after the CDAPH's sitting, the notification
    headed by the sitting: the decision is the commission's, dated by its sitting."""
    letter = ("MDPH de la Moselle\n60 avenue Jean Mermoz\n57000 Metz\nMonsieur Cyprien Ndiaye\n33 impasse Pasteur\n"
              "57340 Villers-sur-Nied\nMetz, le 20 septembre 2026\nN° de dossier MDPH : 922028\nMonsieur,\nVous trouverez "
              f"ci-joint la notification de décision.\nNOTIFICATION DE DÉCISION\n{sitting}\nDécision : REFUS de la prestation "
              "de compensation du handicap.\nVeuillez agréer, Monsieur, nos salutations.\n")
    found = read_decision(letter)
    assert (found["decision.date"].value if "decision.date" in found else None) == date


def test_a_complete_cue_inside_a_refusal_is_no_complete_answer() -> None:
    """« … pas en mesure de faire droit à votre demande » holds « faire droit à votre demande »:
    a refusal, with its text and facts, not a partial answer."""
    body = ("Après examen, nous ne sommes pas en mesure de faire droit à votre demande, pour les motifs suivants. Les notes "
            "de l'équipe sont des documents préparatoires : en application de l'article L. 311-2 du code des relations "
            "entre le public et l'administration, elles ne sont pas communicables.")
    assert read_answer(ANSWER_HEAD + body + ANSWER_TAIL)["answer.kind"].value == "refusal_with_reasons"


FORM_ANSWER = ("MSA Oise\n1 place du Général Leclerc\n60000 Tillé\nMadame Félicie Kerdraon\n51 rue des Lilas\n60000 Aux Marais\n"
               "RÉPONSE À VOTRE DEMANDE DE COMMUNICATION DE DOCUMENTS\nMadame,\nNous avons bien reçu votre demande. "
               "Suite à son examen :\n{a} Votre demande est acceptée : les documents sont joints à ce courrier.\n"
               "{b} Votre demande est incomplète : merci de nous adresser les pièces indiquées ci-dessous.\n"
               "{c} Votre demande ne peut pas être satisfaite.\nMotif : {motif}\n"
               "Veuillez agréer, Madame, nos salutations distinguées.\n")


@pytest.mark.parametrize("boxes, motif, kind", [
    (("", "", "X"), "……………………………………………", "refusal_without_reasons"),   # a blank « Motif : » line is no reason
    (("☐", "☐", "☒"), "……………………………………………", "refusal_without_reasons"),
    (("X", "", ""), "", "complete"),
    (("O", "CO", "&"), "……………………………………………", "refusal_without_reasons"),   # as OCR reads the boxes
    (("", "", "X"), "vos ressources dépassent le plafond (article L. 861-1 du code de la sécurité sociale).",
     "refusal_with_reasons"),
])
def test_a_form_answer_is_read_by_its_ticked_box(boxes: tuple[str, str, str], motif: str, kind: str) -> None:
    """A pre-printed answer lists its options; only the ticked one is the answer."""
    a, b, c = boxes
    assert read_answer(FORM_ANSWER.format(a=a, b=b, c=c, motif=motif))["answer.kind"].value == kind


def test_a_reminder_left_unanswered_is_no_hearing() -> None:
    """« Un message de rappel vous a été adressé …, sans réponse de votre part »: a reminder to
    send a declaration, not an invitation to be heard; the letter says nothing of a hearing."""
    body = ("Un message de rappel vous a été adressé dans votre espace « Mon Compte » le 4 avril 2026, sans réponse de "
            "votre part à ce jour. Le versement de votre allocation est donc suspendu.")
    assert "context.heard_before" not in read_decision(untitled_notice(body))


@pytest.mark.parametrize("head", [
    "Édité le 16.04.2026\nDate de la décision 15/04/2026\nDate d'effet 1er mai 2026\n",
    # OCR ran the label column beside the sender's: « Service indemnisation Date de la décision | 15/04/2026 »
    "Service indemnisation Édité le 16.04.2026\nService indemnisation Date de la décision | 15/04/2026\n",
])
def test_a_forms_decision_date_label_wins_over_its_print_date(head: str) -> None:
    """« Édité le 16.04.2026 » and « Date de la décision 15/04/2026 » (no colon) in a form's
    letterhead: the decision's is the labelled one."""
    letter = PETIT_SCAN.replace("Lille, le 2 novembre 2026\n", head)
    assert read_decision(letter)["decision.date"].value == "2026-04-15"


@pytest.mark.parametrize("boxes", [("O", "CO", ""), ("", "", "")])
def test_a_form_answer_whose_ticked_box_is_lost_is_left_to_the_person(boxes: tuple[str, str, str]) -> None:
    """OCR lost the tick (or every box): the options say every answer at once; none is read."""
    a, b, c = boxes
    assert read_answer(FORM_ANSWER.format(a=a, b=b, c=c, motif="……………………")) == {}


def test_a_hyphen_ocr_parted_from_its_word() -> None:
    """« CARSAT RHÔNE -ALPES » (OCR put a space before the hyphen): the body's whole name; a
    dash between spaces stays a dash."""
    assert unbreak("CARSAT RHÔNE -ALPES\nParis - Lyon") == "CARSAT RHÔNE-ALPES\nParis - Lyon"
    letter = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex",
                                "CARSAT RHÔNE -ALPES\n35 RUE MARÉCHAL JOFFRE\n69000 LYON")
    assert str(read_decision(letter)["organism.name"].value).casefold() == "carsat rhône-alpes"


@pytest.mark.parametrize("signed", ["Fait à Strasbourg, le 29 juin 2026", "Strasbourg, le 29 juin 2026"])
def test_an_order_under_a_covering_slip_is_dated_by_its_signature(signed: str) -> None:
    """A « bordereau d'envoi » dated 1 July sends the président's order (« Vu … », « Article 1 »)
    signed on 29 June: the decision is the order, of 29 June."""
    letter = ("Collectivité européenne d'Alsace\n14 rue des Carmes\n67000 Strasbourg\nMadame Marie Castel\n24 avenue de l'Église\n"
              "67203 Oberschaeffolsheim\nBORDEREAU D'ENVOI\nStrasbourg, le 1er juillet 2026\nMadame,\nVous trouverez ci-joint "
              "la décision prise à votre égard.\n\nARRÊTÉ\nLe Président de la Collectivité européenne\n"
              "Vu le code de l'action sociale et des familles, et notamment son article L. 262-37 ;\nARRÊTE\n"
              "Article 1 — Le montant du revenu de solidarité active est réduit de 100 €.\n"
              f"Article 2 — La caisse d'allocations familiales est chargée de l'exécution du présent arrêté.\n{signed}\n"
              "Pour le Président et par délégation,\n")
    assert read_decision(letter)["decision.date"].value == "2026-06-29"


def test_an_addressee_block_with_another_columns_street_run_in_is_left() -> None:
    """A photo's OCR ran the body's column into the addressee's: « 10 boulevard Gaston Serpette
    74 Émile Zol », « 08000 Warcq » then « 08300 Lucquy ». Her address, postcode and city are
    left to her; a street named by a date (« 12 rue du 8 Mai 1945 ») is an address."""
    letter = PETIT_SCAN.replace("Monsieur Thomas Petit\n21 rue Solférino\n59000 Lille",
                                "Monsieur Thomas Petit\n10 boulevard Gaston Serpette 74 Émile Zol\n08000 Warcq So\n\n08300 Lucquy")
    found = read_decision(letter)
    assert not {"claimant.address", "claimant.postal_code", "claimant.city"} & set(found)
    assert plausible_street("12 rue du 8 Mai 1945, 59000 Lille")


def test_the_sum_claimed_named_by_its_label_over_its_amount() -> None:
    """A form's « MONTANT DE L'INDU » above « 3638,26 € »: the sum claimed, by name, over the
    rent and the allowances a header run into the indu's sentence shows."""
    body = ("N° DE CRÉANCE CR 34 9401393 03\nLOYER RETENU 512,00 € / mois\nANCIENNE APL 214,00 € / mois NOUVELLE APL 96,00 € / mois\n"
            "Madame,\nLes montants déjà versés étaient trop élevés : la différence constitue un indu, qui doit être remboursé "
            "(article L. 823-9 du code de la construction et de l'habitation).\nIl s'agit d'une régularisation : aucune fraude ne "
            "vous est reprochée.\nMONTANT DE L'INDU\n3638,26 €\nRETENUE MENSUELLE SUR VOS PRESTATIONS\n76,72 €\n")
    letter = MSA_OVERPAYMENT.split("Objet")[0] + body + "Veuillez agréer, Madame, nos salutations distinguées.\n"
    found = read_decision(letter)
    assert (found["context.amount_eur"].value, found["context.withholding_eur"].value) == (3638.26, 76.72)


def test_a_table_of_overpaid_months_with_its_total_and_an_edition_date_in_a_column() -> None:
    """The months' lines are not the sum claimed, the « Total » row under a heading naming the
    trop-perçu is; « Édition du » over its date dates the letter; « rémunération … dépasse … »
    and « ont donc été recalculées » are the facts, with their text."""
    body = ("N° de famille\nF23-280171\nÉdition du\n11/03/2026\nObjet : allocations familiales — notification d'un trop-perçu\n"
            "Madame,\nVotre enfant exerce depuis le 1er octobre 2025 une activité salariée dont la rémunération dépasse 55 % "
            "du salaire minimum de croissance (article R. 512-2 du code de la sécurité sociale). Vos allocations familiales "
            "ont donc été recalculées.\nLes sommes versées en trop sont les suivantes :\nMois Montant versé Montant dû Trop-perçu\n"
            "octobre 2025 431,68 € 141,90 € 289,78 €\nnovembre 2025 431,68 € 141,90 € 289,78 €\nTotal 579,56 €\n")
    letter = MSA_OVERPAYMENT.split("Objet")[0].replace("Lille, le 14 septembre 2026\n", "") + body + \
        "Veuillez agréer, Madame, nos salutations distinguées.\n"
    found = read_decision(letter)
    assert (found["context.amount_eur"].value, found["decision.date"].value) == (579.56, "2026-03-11")
    assert found["decision.reasons_given"].value is True


def test_a_narrow_form_with_labels_cut_in_two_and_a_sum_to_pay_back() -> None:
    """« DATE DE » / « NOTIFICATION » / « 15 juin 2026 »: a cell's label cut in two dates the
    letter; « Montant à reverser 2 504,71 € » is the sum claimed, not the months' gaps; « les
    justificatifs … ne couvrent qu'une partie » states the facts, « article L. 245-5 » the text."""
    body = ("DATE DE\nNOTIFICATION\n15 juin 2026\nOBJET Prestation de compensation du handicap — demande de reversement\n"
            "Madame,\nLes justificatifs reçus ne couvrent qu'une partie des sommes versées :\nMois PCH versée Dépenses justifiées Écart\n"
            "octobre 2025 1 024,80 € 607,35 € 417,45 €\nnovembre 2025 1 024,80 € 607,35 € 417,45 €\n"
            "Montant à reverser 834,90 €\nEn application de l'article L. 245-5 du code de l'action sociale et des familles, "
            "les sommes non consacrées à la compensation doivent être reversées.\n")
    letter = MSA_OVERPAYMENT.split("Objet")[0].replace("Lille, le 14 septembre 2026\n", "") + body + \
        "Veuillez agréer, Madame, nos salutations distinguées.\n"
    found = read_decision(letter)
    assert (found["decision.date"].value, found["context.amount_eur"].value) == ("2026-06-15", 834.9)
    assert found["decision.reasons_given"].value is True


def test_a_carsat_letter_with_its_nir_and_its_pension_number_after_a_residence_check() -> None:
    """« N° SECURITE SOCIALE » beside « N° RETRAITE »: a caisse files the person by the NIR; « le
    contrôle de résidence effectué le … » is a control."""
    letter = ("CARSAT RHÔNE-ALPES\n35 RUE MARÉCHAL JOFFRE\n07000 COUX\nDATE : 01.04.2026\n"
              "N° SECURITE SOCIALE : 157114970588766\nN° RETRAITE : R57114970\nMONSIEUR WILFRIED DABOVILLE\n"
              "26 BIS IMPASSE DES ÉCOLES\n07000 GOURDON\nOBJET : NOTIFICATION D'INDU\nMONSIEUR,\nLE CONTROLE DE RESIDENCE "
              "EFFECTUE LE 21.01.2026 A ETABLI QUE VOUS AVEZ RESIDE HORS DE FRANCE PLUS DE SIX MOIS.\n"
              "VEUILLEZ AGREER, MONSIEUR, NOS SALUTATIONS DISTINGUEES.\n")
    found = read_decision(letter)
    assert (found["claimant.file_number"].value, found["context.after_control"].value) == ("157114970588766", True)


@pytest.mark.parametrize("body", [
    "Les ressources de votre foyer dépassent le plafond. Nous ne pouvons donc pas renouveler votre allocation.",
    "Votre demande de renouvellement est rejetée. Votre droit actuel prend fin le 31/07/2026.",
])
def test_a_renewal_refused_is_a_refusal(body: str) -> None:
    """« Nous ne pouvons pas renouveler … »; a renewal refused, the current right ending as its
    consequence: the decision is a refusal."""
    assert read_decision(untitled_notice(body))["situation"].value == "refusal"


def test_a_logo_s_letters_read_as_a_title_before_the_body_s_motto() -> None:
    """« M SA La sécurité sociale agricole » (OCR parted the logo's letters): no person, so the
    addressee's block below is the only one."""
    letter = MSA_OVERPAYMENT.replace("MSA Nord-Pas de Calais\n", "M SA La sécurité sociale agricole\n\nMSA Nord-Pas de Calais\n", 1)
    found = read_decision(letter)
    assert (found["claimant.first_name"].value, found["claimant.last_name"].value) == ("Claire", "Dubois")


def test_the_route_against_a_refusal_is_no_refusal() -> None:
    """« En cas de refus de communication d'un document, vous pouvez saisir la CADA »: the route
    a letter names, not its answer; the identity asked first is."""
    body = ("Avant de vous adresser votre dossier, nous devons nous assurer que la demande émane bien de vous. Merci de nous "
            "retourner la copie d'une pièce d'identité. En cas de refus de communication d'un document administratif, vous "
            "pouvez saisir la Commission d'accès aux documents administratifs.")
    assert read_answer(ANSWER_HEAD + body + ANSWER_TAIL)["answer.kind"].value == "asks_identity"


def test_the_addressee_named_again_in_capitals_on_the_notification_is_one_person() -> None:
    """A covering letter to « Monsieur Cyprien Ndiaye », its notification's « Bénéficiaire
    Monsieur Cyprien NDIAYE » with the same address: one person, read."""
    letter = PETIT_SCAN + ("\nNOTIFICATION DE DÉCISION\nBénéficiaire Monsieur Thomas PETIT\n21 rue Solférino\n59000 Lille\n")
    found = read_decision(letter)
    assert (found["claimant.first_name"].value, found["claimant.last_name"].value) == ("Thomas", "Petit")


def test_a_body_named_both_ways_and_an_overseas_cedex_with_its_sorting_office() -> None:
    """« Département de la Guadeloupe » in the letterhead and « Conseil départemental de la
    Guadeloupe » in a sentence name one body; « 97704 Saint-Denis Messag Cedex 9 » (a CEDEX no
    commune bears, the sorting office's word) is La Réunion's Saint-Denis, kept as printed."""
    assert place_checked("97704", "Saint-Denis Messag", True) == "Saint-Denis"
    letter = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex",
                                "Département de la Guadeloupe\nBoulevard Félix Éboué\n97109 Basse-Terre Cedex").replace(
        "Monsieur,\n", "Monsieur,\nLe Président du Conseil départemental de la Guadeloupe a pris la décision suivante.\n")
    assert read_decision(letter)["organism.name"].value == "Département de la Guadeloupe"
    caf = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex",
                             "Caf de La Réunion\n4 boulevard Doret\n97704 Saint-Denis Messag Cedex 9")
    assert read_decision(caf)["organism.address"].value == "4 boulevard Doret, 97704 Saint-Denis Messag Cedex 9"


def test_a_lieu_dit_in_an_addressee_block_run_beside_another_column() -> None:
    """« Contrôle et lutte contre la fraude Monsieur Jean Castagné » (a service's column run in
    by OCR), then « Lieu-dit La Brande Haute »: the lieu-dit is her address."""
    letter = PETIT_SCAN.replace("Monsieur Thomas Petit\n21 rue Solférino\n59000 Lille",
                                "Contrôle et lutte contre la fraude Monsieur Thomas Petit\nLieu-dit La Brande Haute\n24540 Lolme")
    assert read_decision(letter)["claimant.address"].value == "Lieu-dit La Brande Haute"


def test_an_addressee_block_with_a_framed_column_run_after_each_line() -> None:
    """« Madame Albane Boussaïd Votre dossier », « 14 bis chemin de Kerlaz N° de sécurité sociale : »,
    « 29000 Quimper | 2 60 03 07 166 065 19 »: the column's label and value are not her address."""
    letter = PETIT_SCAN.replace("Monsieur Thomas Petit\n21 rue Solférino\n59000 Lille",
                                "Monsieur Thomas Petit Votre dossier\n21 rue Solférino N° de sécurité sociale :\n"
                                "59000 Lille | 2 60 03 07 166 065 19")
    found = read_decision(letter)
    assert (found["claimant.address"].value, found["claimant.postal_code"].value, found["claimant.city"].value) == (
        "21 rue Solférino", "59000", "Lille")


GUARDIAN_LETTER = ("Carsat Hauts-de-France\n1 place du Général Leclerc\n02000 Laon\nDate : 5-2-2026\n"
                   "Madame Hélène Roumégoux\nMandataire judiciaire à la protection des majeurs\n4 place du Marché-aux-Grains\n"
                   "02000 Laon\n{protected}N° de sécurité sociale : 254011965215432\nObjet : notification de trop-perçu\nMadame,\n"
                   "Votre protégée perçoit l'allocation de solidarité aux personnes âgées.\nVeuillez agréer, Madame, nos salutations.\n")


@pytest.mark.parametrize("protected, read", [
    ("Bénéficiaire : Madame Ysoline Cazenave — 73 place de Verdun, 02000 Clacy-et-Thierret\n",
     ("Ysoline", "Cazenave", "73 place de Verdun", "02000", "Clacy-et-Thierret")),
    ("Personne protégée : Madame Paulette Vercruysse, née le 14 mars 1936\ndomiciliée 83 place Saint-Exupéry, 72320 Montmirail\n",
     ("Paulette", "Vercruysse", "83 place Saint-Exupéry", "72320", "Montmirail")),
    # her label in a table's cell OCR read apart: her name and her address on one line of their own
    ("Assuré concerné\nRéférence\nMadame Ysoline Cazenave — 73 place de Verdun, 02000 Clacy-et-Thierret\n",
     ("Ysoline", "Cazenave", "73 place de Verdun", "02000", "Clacy-et-Thierret")),
    ("", None),   # the protected person not named: hers (or her guardian's) to give
])
def test_a_letter_to_a_guardian_names_the_protected_person(protected: str, read: "tuple[str, ...] | None") -> None:
    """The window block is the mandataire's: she is not the claimant; the protected person is,
    with her own address where printed as hers."""
    found = read_decision(GUARDIAN_LETTER.format(protected=protected))
    fields = ("claimant.first_name", "claimant.last_name", "claimant.address", "claimant.postal_code", "claimant.city")
    if read is None:
        assert not set(fields) & set(found)
    else:
        assert tuple(found[f].value for f in fields) == read


def test_a_france_travail_suspension_that_says_it_is_no_radiation() -> None:
    """« Cette décision n'est pas une radiation » names what the decision is not: France
    Travail's suspension of the allowance stays a suspension."""
    letter = ("France Travail\n22 avenue de la Libération\n64000 Pau\nPau, le 22 juillet 2026\nIdentifiant : 2477805N\n"
              "Monsieur Melchior Nguyen\n74 chemin Gambetta\n64450 Garlède-Mondebat\n"
              "Objet : suspension de votre allocation d'aide au retour à l'emploi\nMonsieur,\nVous ne vous êtes pas présenté "
              "au rendez-vous. Cette décision n'est pas une radiation : vous restez inscrit.\n"
              "Veuillez agréer, Monsieur, nos salutations.\n")
    assert read_decision(letter)["situation"].value == "suspension"


def test_a_training_tutor_is_no_guardian() -> None:
    """« votre tuteur de stage » names a training's tutor: the addressee is the claimant."""
    letter = PETIT_SCAN.replace("Monsieur,\n", "Monsieur,\nVotre tuteur de stage nous a transmis votre attestation.\n")
    assert read_decision(letter)["claimant.last_name"].value == "Petit"


def test_an_addressee_block_with_the_bodys_column_run_after_each_line() -> None:
    """« Monsieur Thomas Petit CPAM de la Creuse », « 21 rue Solférino Indemnités journalières »,
    « 59000 Lille 10 boulevard Gaston Serpette »: her name and city are the lines' starts; where
    her street ends cannot be told, so it is left to her."""
    letter = PETIT_SCAN.replace("Monsieur Thomas Petit\n21 rue Solférino\n59000 Lille",
                                "Monsieur Thomas Petit CAF du Nord\n21 rue Solférino Prestations familiales\n"
                                "59000 Lille 82 rue Brûle-Maison\n59024 Lille Cedex")
    found = read_decision(letter)
    assert (found["claimant.first_name"].value, found["claimant.last_name"].value, found["claimant.postal_code"].value,
            found["claimant.city"].value) == ("Thomas", "Petit", "59000", "Lille")
    assert "claimant.address" not in found


def test_an_agent_named_beside_the_letterhead_is_not_the_addressee() -> None:
    """« CAF du Nord Mme Marchand » above the body's street and city: an agent, named by a title
    and one name; the addressee's block below is read."""
    letter = PETIT_SCAN.replace("CAF du Nord\n", "CAF du Nord Mme Marchand\nService des prestations\n")
    found = read_decision(letter)
    assert (found["claimant.first_name"].value, found["claimant.last_name"].value, found["claimant.address"].value) == (
        "Thomas", "Petit", "21 rue Solférino")


def test_a_sentence_cut_by_a_column_is_no_address_line() -> None:
    """« appel) », the end of « 3960 (service gratuit + prix d'un appel) » cut by the column's
    width, between the name and the street: not part of the address."""
    letter = PETIT_SCAN.replace("Monsieur Thomas Petit\n", "Monsieur Thomas Petit\nappel)\n")
    assert read_decision(letter)["claimant.address"].value == "21 rue Solférino"


@pytest.mark.parametrize("label, read", [("NOTIFICATION", "2026-06-15"), ("NAISSANCE", None)])
def test_a_row_of_labels_whose_date_label_is_cut_in_two(label: str, read: "str | None") -> None:
    """« BÉNÉFICIAIRE ADRESSE N° DE DOSSIER DATE DE », « Mme … D129032 NOTIFICATION », « 43000 …
    15 juin 2026 »: the date under the label's end dates the letter; a birth date does not."""
    letter = PETIT_SCAN.replace("Lille, le 2 novembre 2026\n", "BÉNÉFICIAIRE ADRESSE N° DE DOSSIER DATE DE\n"
                                f"M. Thomas Petit 21 rue Solférino, D129032 {label}\n59000 Lille 43-2024-0032 15 juin 2026\n")
    found = read_decision(letter)
    assert (found["decision.date"].value if "decision.date" in found else None) == read


def test_a_street_right_above_the_postcode_in_a_block_run_beside_a_column() -> None:
    """« Dossier n° RSA-264191 Madame Lydie O'Byrne », then « Demande reçue le … », « EHPAD Les
    Tilleuls - Chambre 112 », « 14 place Émile Zola », « 67530 Saint-Nabor »: the one street,
    right above the postcode line, is her address."""
    letter = PETIT_SCAN.replace("Monsieur Thomas Petit\n21 rue Solférino\n59000 Lille",
                                "Dossier n° RSA-264191 Monsieur Thomas Petit\nDemande reçue le 11 février 2026\n"
                                "EHPAD Les Tilleuls - Chambre 112\n21 rue Solférino\n59000 Lille")
    assert read_decision(letter)["claimant.address"].value == "21 rue Solférino"


def test_a_street_whose_article_ocr_lost_is_not_proposed() -> None:
    """« 30 avenue de Église »: no street is written so; OCR lost « l' »."""
    assert not plausible_street("30 avenue de Église", postcode_last=False)
    assert plausible_street("30 avenue de l'Église", postcode_last=False)


def test_the_signatures_date_run_after_another_columns_sentence() -> None:
    """« Les informations … font l'objet d'un traitement par France Fait à Besançon, le 28 juillet
    2026 »: the notice's column and the signature's on one line; « Fait à …, le … » dates it."""
    letter = PETIT_SCAN.replace("Lille, le 2 novembre 2026\n", "").replace(
        "Monsieur,\n", "Monsieur,\nVotre aide est suspendue.\n"
        "Les informations qui vous concernent font l'objet d'un traitement par la Caf Fait à Lille, le 28 juillet 2026\n")
    assert read_decision(letter)["decision.date"].value == "2026-07-28"


def test_a_forms_decision_date_with_another_dated_cell_after_it() -> None:
    """« DATE DE LA DÉCISION 26/06/2026 DATE D'ENVOI 29.06.2026 »: two cells on one line; the
    decision's date is read, the sending's is another cell's."""
    letter = PETIT_SCAN.replace("Lille, le 2 novembre 2026\n", "DATE DE LA DÉCISION 26/06/2026 DATE D'ENVOI 29.06.2026\n")
    assert read_decision(letter)["decision.date"].value == "2026-06-26"


def test_a_place_in_a_bodys_name_is_a_whole_word() -> None:
    """« CAF d'Iindre-et-Loire »: an OCR slip that ends like a département's name is no name."""
    letter = PETIT_SCAN.replace("82 rue Brûle-Maison\n59024 Lille Cedex", "1 rue Bernard Palissy\n37000 Tours")
    assert "organism.name" not in read_decision(letter.replace("CAF du Nord\n", "CAF d'Iindre-et-Loire\n"))
    assert read_decision(letter.replace("CAF du Nord\n", "CAF d'Indre-et-Loire\n"))["organism.name"].value == "CAF d'Indre-et-Loire"


@pytest.mark.parametrize("street", ["35 rue Maréchal", "1 place du Général", "4 rue du Docteur"])
def test_a_street_ending_on_a_title_lost_its_name(street: str) -> None:
    """« 35 rue Maréchal »: a title begins a street's name, never ends it; OCR lost the name."""
    assert not plausible_street(street, postcode_last=False)
    assert plausible_street(f"{street} Joffre", postcode_last=False)


@pytest.mark.parametrize("names, read", [
    ("Madame Thi Hoa Le Floch", ("Thi Hoa", "Le Floch")),
    ("Madame Laëtitia de La Roche-Vernay", ("Laëtitia", "de La Roche-Vernay")),
    ("Madame Rokia Delacroix-M", None),   # the line cut by the window: the name is not whole
])
def test_names_with_a_particle_or_cut_short(names: str, read: "tuple[str, str] | None") -> None:
    found = read_decision(PETIT_SCAN.replace("Monsieur Thomas Petit", names))
    got = (found["claimant.first_name"].value, found["claimant.last_name"].value) if "claimant.last_name" in found else None
    assert got == read


@pytest.mark.parametrize("printed, read", [
    # a wide space OCR read inside the number: the two parts make a number whose key checks
    ("N° d'immatriculation : 29810491 1306484 Le 26 oct. 2026", "298104911306484"),
    ("Numéro de sécurité sociale : 1 8 4 1 2 7 6 4 5 1 0 8 9 4 6", "184127645108946"),   # figure by figure
    ("N° de sécurité sociale : 184127645108946Nos réf. : DOS-2026-1211", "184127645108946"),   # the next column run in
])
def test_a_social_security_number_as_ocr_spaces_it(printed: str, read: str) -> None:
    letter = PETIT_SCAN.replace("CAF du Nord", "CPAM du Nord").replace("Numéro allocataire : 7654321", printed)
    assert read_decision(letter)["claimant.file_number"].value == read


@pytest.mark.parametrize("facts", [
    "Le 22 mars 2026, vous nous avez indiqué que votre conjoint a repris une activité salariée.",
    "L'avis d'arrêt de travail nous est parvenu le 2 janvier 2026, après la fin de cet arrêt.",
    "Notre courrier du 21 juillet 2026 vous demandant les justificatifs est resté sans réponse à ce jour.",
])
def test_facts_stated_beside_the_text_cited_are_reasons(facts: str) -> None:
    """The person's own declaration, a late arrival, a request left unanswered: facts that,
    with the article cited, make the decision's reasons."""
    letter = PETIT_BARE.replace("Monsieur,\n", f"Monsieur,\n{facts}\nVotre aide est suspendue (article L. 262-37 du code de "
                                "l'action sociale et des familles).\n")
    assert read_decision(letter)["decision.reasons_given"].value is True


@pytest.mark.parametrize("covering, dated", [
    ("Vous trouverez ci-joint la notification de la décision prise par la commission.", False),
    ("Vous trouverez ci-joint le formulaire de déclaration à nous retourner.", True),
])
def test_a_covering_letters_date_line_does_not_date_the_decision_it_sends(covering: str, dated: bool) -> None:
    """« Lille, le 2 novembre 2026 », then « Vous trouverez ci-joint la notification de la
    décision … »: the date of the sending, not the decision's, which is left to her when the
    decision itself prints none; a form sent with a decision changes nothing."""
    letter = PETIT_SCAN.replace("Monsieur,\n", f"Monsieur,\n{covering}\n")
    assert ("decision.date" in read_decision(letter)) is dated


@pytest.mark.parametrize("name, read", [("MSA Tarn-et-Garonne", True), ("MSA Tem-et-Garonne", False),
                                        ("MSA Portes de Bretagne", True), ("Carsat Centre-Val de Loire", True)])
def test_a_regional_caisses_name_is_made_of_places(name: str, read: bool) -> None:
    """An MSA's or a Carsat's name holds places' words only: « Tem » is an OCR slip of « Tarn »."""
    letter = PETIT_SCAN.replace("CAF du Nord\n", f"{name}\n").replace("Numéro allocataire", "N° de sécurité sociale").replace(
        "7654321", "1 84 12 76 451 089 46")
    assert (read_decision(letter).get("organism.name") is not None) is read


def test_a_postcode_with_figures_a_blur_makes_of_each_other() -> None:
    """« 59088 Lille »: two zeros read as eights (a blurred photo); Lille's only postcode so
    close is 59000. Figures no blur confuses (« 59412 ») are not mended."""
    found = read_decision(PETIT_SCAN.replace("59000 Lille\n\nLille, le", "59088 Lille\n\nLille, le"))
    assert (found["claimant.postal_code"].value, found["claimant.city"].value) == ("59000", "Lille")
    assert "claimant.postal_code" not in read_decision(PETIT_SCAN.replace("59000 Lille\n\nLille, le", "59412 Lille\n\nLille, le"))


def test_the_bodys_service_beside_the_name_then_its_address_then_hers() -> None:
    """« Service prestations familiales Monsieur Thomas Petit », then the body's street and city,
    then his: the first street and city are the body's column's."""
    letter = PETIT_SCAN.replace("Monsieur Thomas Petit\n21 rue Solférino\n59000 Lille",
                                "Service prestations familiales Monsieur Thomas Petit\n\n82 rue Brûle-Maison\n59000 Lille\n\n"
                                "21 rue Solférino\n59160 Lille")
    found = read_decision(letter)
    assert (found["claimant.address"].value, found["claimant.postal_code"].value) == ("21 rue Solférino", "59160")


def test_a_table_read_column_by_column_with_its_bars_and_a_date_in_a_label() -> None:
    """« | Montant mensuel versé jusqu'à présent », « | », « Montant mensuel à compter du 1er juin
    2026 | », « Baisse mensuelle », then « 287,45 € | », « 162,18€ », « 125,27 € | »: the labels
    and the amounts pair in order; the monthly loss is the sum at stake."""
    letter = PETIT_BARE.replace("Objet : suspension de votre aide personnalisée au logement", "Objet : votre prime d'activité").replace(
        "Le\nversement de votre aide personnalisée au logement (APL) est suspendu à compter du 1er\nnovembre 2026.",
        "Le montant de votre prime d'activité diminue :\n| Montant mensuel versé jusqu'à présent\n|\n"
        "Montant mensuel à compter du 1er juin 2026 |\nBaisse mensuelle\n287,45 € |\n162,18€\n125,27 € |")
    assert read_decision(letter)["context.amount_eur"].value == 125.27


@pytest.mark.parametrize("head", [
    "| N° de sécurité sociale :\n| 1 84 12 76 451 089 46\n",   # a framed table's bars read
    "Dossier suivi par Mme Leroy N° de sécurité sociale :\n59000 Lille 1 84 12 76 451 089 46\n",   # the value ending the next line
])
def test_a_social_security_number_under_its_label_in_a_column(head: str) -> None:
    letter = PETIT_SCAN.replace("CAF du Nord", "CPAM du Nord").replace("Numéro allocataire : 7654321\n", head)
    assert read_decision(letter)["claimant.file_number"].value == "184127645108946"


def test_a_deduction_said_with_en_retenant() -> None:
    """« … vous nous devez la somme de 2926,21 euros. … nous récupérerons cette somme en retenant
    61,22 € par mois … jusqu'au remboursement complet »: the debt and the monthly deduction."""
    letter = PETIT_BARE.replace("Le\nversement de votre aide personnalisée au logement (APL) est suspendu à compter du 1er\nnovembre 2026.",
                                "Vous nous devez la somme de 2926,21 euros. Nous récupérerons cette somme en retenant 61,22 € par\n"
                                "mois sur vos prestations à venir, jusqu'au remboursement complet.")
    found = read_decision(letter)
    assert (found["context.amount_eur"].value, found["context.withholding_eur"].value) == (2926.21, 61.22)


def test_a_pension_de_reversion_is_a_retirement_pension() -> None:
    letter = PETIT_SCAN.replace("CAF du Nord", "Carsat Hauts-de-France").replace(
        "Objet : suspension de votre aide personnalisée au logement", "Objet : pension de réversion - trop-perçu").replace(
        "versement de votre aide personnalisée au logement (APL) est suspendu", "versement de votre pension est suspendu")
    assert read_decision(letter)["benefit"].value == "retraite"


def test_the_cafs_logo_allocations_familiales_names_no_benefit() -> None:
    """« caf Allocations familiales »: the CAF's logo, not the benefit; the letter's own benefit is read."""
    letter = PETIT_SCAN.replace("CAF du Nord\n", "caf Allocations familiales\nCAF du Nord\n").replace(
        "Objet : suspension de votre aide personnalisée au logement\n", "Objet : fin de droit\n")
    assert read_decision(letter)["benefit"].value == "apl"


@pytest.mark.parametrize("said", ["Nous mettons donc fin à votre aide au logement.", "Fin de votre complémentaire santé solidaire."])
def test_an_end_of_right_said_with_an_adverb_or_of_the_complementaire(said: str) -> None:
    letter = PETIT_SCAN.replace("Objet : suspension de votre aide personnalisée au logement\n", "Objet : votre dossier\n").replace(
        "En conséquence, le\nversement de votre aide personnalisée au logement (APL) est suspendu à compter du 1er\nnovembre 2026.",
        said)
    assert read_decision(letter)["situation"].value == "termination"


def test_a_regional_caisses_name_with_a_service_run_into_it() -> None:
    """« MSA Eure-et-Loir Prestations familiales » (the service's column run in), and « Carsat
    Rhône-Alpes Mme Marchand »: the caisse's name is its places' words."""
    letter = PETIT_SCAN.replace("CAF du Nord\n", "MSA Nord-Pas de Calais Prestations familiales\n").replace(
        "Numéro allocataire", "N° de sécurité sociale").replace("7654321", "1 84 12 76 451 089 46")
    assert read_decision(letter)["organism.name"].value == "MSA Nord-Pas de Calais"


def test_good_faith_that_cannot_be_retained_is_fraud_alleged() -> None:
    """« ces faits constituent une fausse déclaration faite sciemment, et votre bonne foi ne peut
    être retenue »: fraud alleged; « votre bonne foi n'est pas mise en cause »: none."""
    alleged = PETIT_SCAN.replace("Monsieur,\n", "Monsieur,\nCes faits constituent une fausse déclaration faite sciemment, "
                                 "et votre bonne foi ne peut être retenue.\n")
    assert read_decision(alleged)["context.fraud_alleged"].value is True
    cleared = PETIT_SCAN.replace("Monsieur,\n", "Monsieur,\nVotre bonne foi n'est pas mise en cause.\n")
    assert read_decision(cleared)["context.fraud_alleged"].value is False


def test_a_penalty_letter_proposes_no_sum_at_stake() -> None:
    """A fine (« je prononce une pénalité financière de 415,00 euros ») names the indu claimed by
    another letter (« le versement à tort de 2 846,71 € »): neither is CONTRACT's amount_eur."""
    letter = PETIT_BARE.replace("Objet : suspension de votre aide personnalisée au logement", "Objet : notification d'une pénalité financière").replace(
        "Le\nversement de votre aide personnalisée au logement (APL) est suspendu à compter du 1er\nnovembre 2026.",
        "Ces omissions ont entraîné le versement à tort de 2 846,71 € d'aide au logement, dont le remboursement vous a été "
        "demandé par un courrier distinct.\nEn application de l'article L. 114-17 du code de la sécurité sociale, je prononce à "
        "votre encontre une pénalité financière de 415,00 euros.")
    found = read_decision(letter)
    assert found["situation"].value == "penalty" and "context.amount_eur" not in found


def test_a_listings_dotted_leaders_stand_for_a_colon() -> None:
    """« Date d'édition ..... 03.08.2026 », « N° allocataire ........ 7654321 »."""
    letter = PETIT_SCAN.replace("Lille, le 2 novembre 2026\nNuméro allocataire : 7654321",
                                "Date d'édition ..... 03.08.2026\nNuméro allocataire ........ 7654321")
    found = read_decision(letter)
    assert (found["decision.date"].value, found["claimant.file_number"].value) == ("2026-08-03", "7654321")


def test_a_negation_in_another_clause_does_not_deny_fraud() -> None:
    """« … des indemnités auxquelles vous n'aviez pas droit, sont constitutifs d'une fraude »."""
    letter = PETIT_SCAN.replace("Monsieur,\n", "Monsieur,\nCes agissements, qui vous ont permis de percevoir des aides auxquelles "
                                "vous n'aviez pas droit, sont constitutifs d'une fraude.\n")
    assert read_decision(letter)["context.fraud_alleged"].value is True


@pytest.mark.parametrize("line", ["veuve VALLAURI", "GAEC DU PUY-BLANC"])
def test_a_name_or_a_farm_in_the_addressee_block_is_not_her_address(line: str) -> None:
    letter = PETIT_SCAN.replace("Monsieur Thomas Petit\n", f"Monsieur Thomas Petit\n{line}\n")
    assert read_decision(letter)["claimant.address"].value == "21 rue Solférino"


def test_a_column_of_labels_with_dates_is_not_paired_with_shifted_amounts() -> None:
    """« Jusqu'en mai 2026 », « À partir de juin 2026 », « Baisse mensuelle », then « suel » (a
    heading's « men-suel » cut), then three amounts: one label too many, so none is paired."""
    letter = PETIT_BARE.replace("Objet : suspension de votre aide personnalisée au logement", "Objet : vos allocations familiales").replace(
        "Le\nversement de votre aide personnalisée au logement (APL) est suspendu à compter du 1er\nnovembre 2026.",
        "Vos allocations familiales sont donc désormais calculées pour deux enfants.\nAllocations familiales Montant men-\n"
        "Jusqu'en mai 2026\nÀ partir de juin 2026\nBaisse mensuelle\nsuel\n349,64 €\n156,12 €\n193,52 €")
    assert "context.amount_eur" not in read_decision(letter)


@pytest.mark.parametrize("names, read", [("MADAME GIRAUD PATRICIA", ("Patricia", "Giraud")),
                                         ("MADAME PATRICIA GIRAUD", ("Patricia", "Giraud"))])
def test_a_name_in_capitals_family_name_first(names: str, read: "tuple[str, str]") -> None:
    """In capitals the order is the custom only; INSEE's first names tell it when one word only is one."""
    found = read_decision(PETIT_SCAN.replace("Monsieur Thomas Petit", names))
    assert (found["claimant.first_name"].value, found["claimant.last_name"].value) == read


def test_the_last_of_a_column_of_labels_is_not_paired_with_the_first_amount() -> None:
    """« | Montant de la dette » … « | Votre APL à partir de septembre 2026 », « | Retenue mensuelle
    sur vos prestations », then « 1567,32 € »: a column of labels, not a label over its amount."""
    letter = PETIT_BARE.replace("Le\nversement de votre aide personnalisée au logement (APL) est suspendu à compter du 1er\nnovembre 2026.",
                                "| Montant de la dette\n| Votre APL à partir de septembre 2026\n| Retenue mensuelle sur vos prestations\n"
                                "1567,32 €\nler mars 2026 - 31 juillet |\n118,27 € par mois\n34,65 €")
    withheld = read_decision(letter).get("context.withholding_eur")
    assert withheld is None or withheld.value != 1567.32


@pytest.mark.parametrize("body, kind", [
    # the right of access recalled is no ground of the refusal that follows
    ("Nous vous rappelons que le code des relations entre le public et l'administration, notamment ses articles L. 300-2 "
     "et L. 311-1, organise le droit de toute personne à obtenir communication des documents administratifs.\nAprès examen, "
     "nous ne sommes pas en mesure de donner une suite favorable à votre demande.", "refusal_without_reasons"),
    # a document that does not exist, and the scope of the right of access
    ("Le document dont vous demandez la communication n'existe donc pas. Or le droit d'accès prévu par l'article L. 311-1 "
     "du code des relations entre le public et l'administration ne porte que sur les documents existants. Nous ne pouvons, "
     "pour ce motif, donner suite à votre demande.", "refusal_with_reasons"),
    # the GDPR's own rule for requests repeated
    ("Vos trois nouveaux courriers reprennent les termes de cette première demande. L'article 12, paragraphe 5, du RGPD "
     "permet au responsable de traitement de refuser de donner suite aux demandes manifestement infondées ou excessives. "
     "Pour ce motif, nous ne donnerons pas suite à ces demandes.", "refusal_with_reasons"),
    # part given, part withheld: « En revanche, … ne vous seront pas communiquées », a table's « Non communiqué »
    ("Le rôle du traitement et les données qu'il utilise sont décrits ci-dessous. En revanche, la liste des variables et leur "
     "pondération ne vous seront pas communiquées : leur divulgation porterait atteinte à la prévention des fraudes.", "partial"),
    ("1 Avis d'arrêt de travail Copie jointe\n2 Attestation de salaire Copie jointe\n3 Rapport de l'agent enquêteur Non "
     "communiqué", "partial"),
    # not competent, the letter forwarded « au : » the right body
    ("La MDPH n'est donc pas compétente pour examiner votre recours. Nous avons transmis ce jour votre courrier et ses pièces "
     "jointes au :\nDépartement du Puy-de-Dôme", "wrong_body"),
])
def test_an_answers_refusal_its_reasons_and_its_forwarding(body: str, kind: str) -> None:
    """The right invoked, recalled, is no ground; a document that does not exist, the GDPR's rule for
    repeated requests are; « n'est donc pas compétente », a request forwarded « au : » the right body."""
    assert read_answer(ANSWER_HEAD + body + ANSWER_TAIL)["answer.kind"].value == kind


def test_only_a_sending_date_printed_and_the_sitting_told_in_a_sentence() -> None:
    """« Date d'envoi : 13/11/2026 », then « la CDAPH, réunie en séance le 9 novembre 2026, a pris
    les décisions suivantes »: the decision is the sitting's."""
    letter = PETIT_SCAN.replace("Lille, le 2 novembre 2026\n", "Date d'envoi : 13/11/2026\n").replace(
        "Monsieur,\n", "Monsieur,\nLa CDAPH, réunie en séance le 9 novembre 2026, a pris les décisions suivantes.\n")
    assert read_decision(letter)["decision.date"].value == "2026-11-09"


def test_the_bodys_column_beside_a_hosted_addressee() -> None:
    """« Département d'Ille-et-Vilaine Madame Coumba D'Onofrio », the body's service, street and
    city, then « Chez M. Yvon PERRIGAULT », her street and city: hers are the second."""
    letter = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex\n\nMonsieur Thomas Petit\n21 rue Solférino\n59000 Lille",
                                "CAF du Nord Monsieur Thomas Petit\n\nService des prestations\n82 rue Brûle-Maison\n59024 Lille Cedex\n\n"
                                "Chez M. Yvon PERRIGAULT\n21 rue Solférino\n59160 Lille")
    found = read_decision(letter)
    assert (found["claimant.address"].value, found["claimant.postal_code"].value) == ("21 rue Solférino", "59160")


# --- Held-out 19's families, after its measure: names and addresses as people really have them ---

@pytest.mark.parametrize("names, read", [
    ("Madame Coumba MOKRANI épouse TEIXEIRA DA CUNHA", ("Coumba", "Teixeira Da Cunha")),   # the name after « épouse »
    ("Madame Nadia LEROUX née HAMDANI", ("Nadia", "Leroux")),                            # the name before « née »
    ("MME EL MANSOURI MARIE-NOËLLE", ("Marie-Noëlle", "El Mansouri")),                   # capitals, the family name first
])
def test_a_married_name_and_a_family_name_first_in_capitals(names: str, read: "tuple[str, str]") -> None:
    """A married woman is filed under the name she uses: after « épouse », before « née »; « EL
    MANSOURI MARIE-NOËLLE »: a family name with its particle, then a first name INSEE knows."""
    found = read_decision(PETIT_SCAN.replace("Monsieur Thomas Petit", names))
    assert (found["claimant.first_name"].value, found["claimant.last_name"].value) == read


@pytest.mark.parametrize("block, holder, read", [
    # one line for both, the holder labelled elsewhere
    ("Madame et Monsieur BELLANGER-ROYER", "Demandeur : Madame Louisette BELLANGER-ROYER (mère)\n", ("Louisette", "Bellanger-Royer")),
    # one line for both, no holder named: their family name, no first name
    ("M. et Mme BELLANGER-ROYER", "", (None, "Bellanger-Royer")),
    # two lines, the holder labelled by his family name and initial
    ("Madame Aurélie WENDLING\net Monsieur Mathurin VAN HOECKE", "Allocataire : VAN HOECKE M.\n", ("Mathurin", "Van Hoecke")),
    # two lines, two family names, no holder named: neither
    ("Madame Aurélie WENDLING\net Monsieur Mathurin VAN HOECKE", "", (None, None)),
    # OCR's « Mne » for « Mme », in the couple's line as in a single title
    ("Mne et M. BELLANGER-ROYER", "", (None, "Bellanger-Royer")),
])
def test_a_letter_to_a_couple(block: str, holder: str, read: "tuple[str | None, str | None]") -> None:
    """« Madame et Monsieur X », or « Madame A » then « et Monsieur B »: the holder is the one a
    labelled line names (« Allocataire : », « Demandeur : »); else only a family name they share.
    Their street, postcode and city are read in every case."""
    letter = PETIT_SCAN.replace("Monsieur Thomas Petit", block).replace("Numéro allocataire", holder + "Numéro allocataire")
    found = read_decision(letter)
    names = tuple(found[k].value if k in found else None for k in ("claimant.first_name", "claimant.last_name"))
    assert names == read
    assert (found["claimant.address"].value, found["claimant.postal_code"].value, found["claimant.city"].value) == \
        ("21 rue Solférino", "59000", "Lille")


def test_a_letter_in_care_of_someone_else() -> None:
    """« Aux bons soins de Mme Josette ARNAUDIN » under her name: the host, no second addressee;
    the line stays in her postal address."""
    letter = PETIT_SCAN.replace("Monsieur Thomas Petit\n", "Monsieur Thomas Petit\nAux bons soins de Mme Josette ARNAUDIN\n")
    found = read_decision(letter)
    assert (found["claimant.first_name"].value, found["claimant.last_name"].value) == ("Thomas", "Petit")
    assert found["claimant.address"].value == "Aux bons soins de Mme Josette ARNAUDIN, 21 rue Solférino"


@pytest.mark.parametrize("elsewhere, first", [
    ("Madame Anne-Marie Bellanger-Royer, vous avez perçu", "Anne-Marie"),   # the one she goes by, told
    ("Vous avez perçu", None),                                              # not told: hers to say
])
def test_several_given_names(elsewhere: str, first: "str | None") -> None:
    """« Mme BELLANGER-ROYER Anne-Marie Jeannine »: the first given name where the letter calls her
    so elsewhere; else none, the family name still read."""
    letter = PETIT_SCAN.replace("Monsieur Thomas Petit", "Mme BELLANGER-ROYER Anne-Marie Jeannine").replace(
        "Monsieur,\n", f"Madame,\n{elsewhere} une aide.\n")
    found = read_decision(letter)
    assert (found["claimant.first_name"].value if "claimant.first_name" in found else None) == first
    assert found["claimant.last_name"].value == "Bellanger-Royer"


def test_a_date_labelled_without_colon() -> None:
    """« Date 06/05/2026 » among the letterhead's references, no colon: the letter's date."""
    letter = PETIT_SCAN.replace("Lille, le 2 novembre 2026\n", "").replace("Numéro allocataire : 7654321\n",
                                                                           "Numéro allocataire : 7654321\nDate 06/05/2026\n")
    assert read_decision(letter)["decision.date"].value == "2026-05-06"


def test_a_departements_name_with_d_and_cut_at_its_hyphen() -> None:
    """« Département d'Ille-et-Vilaine » names the body; « DÉPARTEMENT D'INDRE-ET- » then « LOIRE »:
    the name's end, not the first line of its address. « M D P H »: a logo's letters, no title."""
    head = "M D P H Pas-de-Calais\n\n{name}\nService RSA\n2 rue de la Préfecture\n35000 Rennes\n\n"
    body = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex\n\n", "").replace("Caf", "direction")
    found = read_decision(head.format(name="Département d'Ille-et-Vilaine") + body)
    assert found["organism.kind"].value == "departement"
    assert found["claimant.last_name"].value == "Petit"
    found = read_decision(head.format(name="DÉPARTEMENT D'INDRE-ET-\nLOIRE").replace("35000 Rennes", "37000 Tours") + body)
    assert found["organism.address"].value == "Service RSA, 2 rue de la Préfecture, 37000 Tours"


def test_a_france_travail_suspension_for_a_duty_not_met_is_a_sanction() -> None:
    """« Objet : décision de suspension de votre allocation », the sanction only « envisagée » in a
    sentence, then « En application des articles L. 5412-1 et R. 5412-1 du code du travail, … décide
    de suspendre 30 % de votre allocation »: the code du travail's sanction, not a pause."""
    letter = FRANCE_TRAVAIL_SANCTION.replace("Objet : sanction - suppression de votre allocation",
                                             "Objet : décision de suspension de votre allocation").replace(
        "notre intention de vous sanctionner", "de la sanction envisagée").replace(
        "nous avons décidé la suppression de votre allocation\nd'aide au retour à l'emploi (ARE) pour une durée d'un mois, à titre de sanction.",
        "le directeur régional décide de suspendre 30 % de\nvotre allocation d'aide au retour à l'emploi (ARE) pendant un mois.")
    assert "sanction" not in fold(letter).split("objet")[1].split("\n")[0]
    assert read_decision(letter)["situation"].value == "sanction"


def test_the_end_of_the_mdmphs_name_alone_on_its_line() -> None:
    """OCR read « Rhône et de la Métropole de Lyon » first, the MDMPH's name's end: no Métropole's letter."""
    letter = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex\n",
                                "Rhône et de la Métropole de Lyon\n\nN° MDPH : 801066\n\nMaison départementale-métropolitaine "
                                "des personnes handicapées (MDMPH) du\n").replace("Caf", "CDAPH")
    assert read_decision(letter)["organism.kind"].value == "mdph"


def test_a_childs_age_is_a_fact_stated() -> None:
    """« Votre enfant Enzo a eu 20 ans le 16 janvier 2026 … n'est plus considéré comme à charge »,
    no text cited but the appeal's: facts stated, so no « no reasons » (the person judges)."""
    letter = PETIT_BARE.replace("Le\nversement de votre aide personnalisée au logement (APL) est suspendu à compter du 1er\nnovembre 2026.",
                                "Votre enfant Enzo a eu 20 ans le 16 janvier 2026. À partir de cet âge, un enfant n'est plus\n"
                                "considéré comme à charge. Vos allocations familiales sont donc désormais calculées pour deux enfants.")
    assert "decision.reasons_given" not in read_decision(letter)


def test_the_date_line_run_before_the_street() -> None:
    """« Le 24 avril 2026 132 avenue de l'Église »: a left column's date line run before her street."""
    letter = PETIT_SCAN.replace("Lille, le 2 novembre 2026\n", "").replace("21 rue Solférino", "Le 2 novembre 2026 21 rue Solférino")
    found = read_decision(letter)
    assert (found["claimant.address"].value, found["claimant.postal_code"].value) == ("21 rue Solférino", "59000")


def test_a_monthly_difference_in_a_table() -> None:
    """« DIFFERENCE MENSUELLE −214,36 EUR » under an old and a new amount: the monthly loss."""
    letter = PETIT_BARE.replace("Le\nversement de votre aide personnalisée au logement (APL) est suspendu à compter du 1er\nnovembre 2026.",
                                "Suite à la mise à jour de votre dossier, vos droits ont été recalculés.\n"
                                "PRESTATION ANCIEN MONTANT NOUVEAU MONTANT\nAPL 1 033,32 EUR 818,96 EUR\nDIFFERENCE MENSUELLE −214,36 EUR")
    assert read_decision(letter)["context.amount_eur"].value == 214.36


def test_a_sentence_runs_on_under_a_long_footer_line() -> None:
    """A footer printed on one long line (« Conseil départemental … — 49000 Angers 1/2 ») does not
    make the text's full lines « short »: « … par retenues de 31,93 » / « € par mois … » is one sentence."""
    body = ("Elle sera récupérée par la caisse d'allocations familiales par retenues de 31,93\n"
            "€ par mois sur vos prestations à venir, sauf si vous la remboursez en une seule fois.\n")
    footer = "Conseil départemental de Maine-et-Loire — Direction de l'insertion et de l'emploi — 35 rue Maréchal Joffre — 49000 Angers 1/2\n"
    letter = PETIT_BARE.replace("Le\nversement de votre aide personnalisée au logement (APL) est suspendu à compter du 1er\nnovembre 2026.\n",
                                "Le montant du revenu de solidarité active qui vous a été versé à tort, pour toute la période\n"
                                "de mai à novembre 2025, s'élève à 2 416,57 €, que vous devez rembourser désormais.\n" + body) + footer
    assert read_decision(letter)["context.withholding_eur"].value == 31.93


@pytest.mark.parametrize("body, kind", [
    # not the body's benefit, the person sent to the right one
    ("L'allocation de solidarité spécifique (ASS) n'est pas une prestation de la Caf : elle est attribuée et versée par "
     "France Travail. La Caf ne détient donc ni votre dossier d'ASS ni les informations ayant conduit à sa suspension.\n"
     "Nous vous invitons à adresser votre demande directement à France Travail.", "wrong_body"),
    # the explanation given, its parameters in the attached document
    ("Oui, cette décision a été prise sur le fondement d'un traitement algorithmique. Les paramètres appliqués à votre "
     "situation et leur poids dans le calcul figurent dans le document joint à ce message.", "complete"),
    # an appeal granted by withdrawing the decision
    ("En conséquence, il est fait droit à votre recours : la décision du 18 juin 2026 est retirée et la créance "
     "correspondante a été annulée.", "withdrawn"),
    # a polite refusal, no reason
    ("Votre demande a été examinée avec attention par nos services. Nous sommes au regret de vous informer que nous ne "
     "sommes pas en mesure de lui réserver une suite favorable.", "refusal_without_reasons"),
    # the same, its data notice's law misread by the OCR but for « loi n° 78-17 »: no ground
    ("Nous sommes au regret de vous informer que nous ne sommes pas en mesure de lui réserver une suite favorable.\n"
     "Conformément au (UE) 201679 (RGPOI et à la loi n° 78-17 du 6 janvier 1978 modifiée.", "refusal_without_reasons"),
    # the time limit extended under the GDPR
    ("Conformément à l'article 12, paragraphe 3, du RGPD, nous vous informons que ce délai est prolongé de deux mois. "
     "Nous vous adresserons notre réponse complète au plus tard le 12 avril 2026.", "asks_more_time"),
    # a commission's decision in its form: its motifs, then « rejette le recours »
    ("Motifs. La commission relève que la prime d'activité est calculée sur les ressources de l'ensemble des membres du "
     "foyer. Il ressort des déclarations de l'employeur de votre conjoint que celui-ci a perçu des salaires non déclarés.\n"
     "Décision. Par ces motifs, la commission rejette le recours de Monsieur Castagnède et confirme la décision du 30 "
     "novembre 2025.", "refusal_with_reasons"),
])
def test_an_answers_kind_in_a_second_writers_words(body: str, kind: str) -> None:
    """Held-out 24's families, after its measure: the body's benefit that is another's, a document
    « joint à ce message », an appeal granted by withdrawing, « lui réserver une suite favorable »,
    « ce délai est prolongé », a commission's « Par ces motifs »."""
    assert read_answer(ANSWER_HEAD + body + ANSWER_TAIL)["answer.kind"].value == kind


def test_an_answer_that_explains_a_refusal_is_not_one() -> None:
    """« C'est pour ce seul motif que votre demande a été rejetée », the routes' « Si ce recours est
    rejeté »: the contested decision explained and the routes, not the answer's own refusal."""
    body = ("Je vous prie de bien vouloir trouver ci-dessous les considérations de droit et de fait qui fondent cette décision. "
            "Vos ressources dépassent le montant forfaitaire. C'est pour ce seul motif que votre demande a été rejetée.\n"
            "Si ce recours est rejeté, vous pourrez saisir le tribunal administratif dans un délai de deux mois.")
    assert read_answer(ANSWER_HEAD + body + ANSWER_TAIL)["answer.kind"].value == "complete"


# --- Held-out 23's families, after its measure: overpayments, deductions, reminders ---------------

@pytest.mark.parametrize("sentence, alleged", [
    # good faith as a condition of a remise, not a denial
    ("Une remise de dette peut vous être accordée si vous êtes de bonne foi et en situation de précarité.", None),
    # good faith refused, a false declaration stated
    ("L'omission de deux sources de revenus ne peut être regardée comme une erreur de bonne foi et constitue une fausse "
     "déclaration.", True),
    # good faith recognised: a denial, as before
    ("Votre bonne foi n'est pas mise en cause.", False),
])
def test_good_faith_as_a_condition_or_refused(sentence: str, alleged: "bool | None") -> None:
    """« si vous êtes de bonne foi » (a remise's condition) denies nothing; « ne peut être regardée
    comme une erreur de bonne foi et constitue une fausse déclaration » alleges fraud."""
    letter = PETIT_SCAN.replace("Vous pouvez contester", f"{sentence}\n\nVous pouvez contester")
    found = read_decision(letter).get("context.fraud_alleged")
    assert (found.value if found else None) is alleged


@pytest.mark.parametrize("heading, amount", [("DEUXIÈME RELANCE\n", 4144.82), ("", 5400.26)])
def test_a_reminder_claims_the_balance(heading: str, amount: float) -> None:
    """« Montant initial de la dette 5 400,26 € », « Reste à payer 4 144,82 € »: a reminder claims the
    balance; a letter that is none claims the debt."""
    letter = PETIT_BARE.replace("Objet : suspension de votre aide personnalisée au logement",
                                f"{heading}Objet : trop-perçu d'aide au logement").replace(
        "Le\nversement de votre aide personnalisée au logement (APL) est suspendu à compter du 1er\nnovembre 2026.",
        "Vous restez redevable d'une somme au titre d'un trop-perçu.\nMontant initial de la dette 5 400,26 €\n"
        "Sommes déjà remboursées ou retenues 1 255,44 €\nReste à payer 4 144,82 €")
    assert read_decision(letter)["context.amount_eur"].value == amount


def test_the_bodys_column_read_first_on_her_blocks_lines() -> None:
    """« Madame Pascale Duvivier », then « CPAM de l'Ardèche 91 allée Simone Veil », « Service
    prestations en espèces 07100 Annonay », the body's street and city: hers are the lines' ends."""
    letter = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex\n\nMonsieur Thomas Petit\n21 rue Solférino\n59000 Lille",
                                "Madame Pascale Duvivier\n\nCPAM de l'Ardèche 91 allée Simone Veil\n\nService prestations en espèces "
                                "07100 Annonay\n\n1 place du Général Leclerc\n\n07000 Coux").replace("Caf", "CPAM")
    found = read_decision(letter)
    assert (found["claimant.address"].value, found["claimant.postal_code"].value, found["claimant.city"].value) == \
        ("91 allée Simone Veil", "07100", "Annonay")


def test_a_controllers_name_above_the_addressee() -> None:
    """« Contrôleur Mme Sylvaine Roque » among the references: the agent, no second addressee."""
    letter = PETIT_SCAN.replace("Monsieur Thomas Petit", "Contrôleur Mme Sylvaine Roque\nLettre recommandée avec avis de réception\n"
                                "Monsieur Thomas Petit")
    found = read_decision(letter)
    assert (found["claimant.first_name"].value, found["claimant.last_name"].value) == ("Thomas", "Petit")


@pytest.mark.parametrize("subject, body", [
    # deductions set up for a debt: the aid « sera donc réduite du montant de cette retenue »
    ("Objet : mise en place de retenues pour rembourser votre dette",
     "L'aide versée pour un logement que vous n'occupiez plus n'était pas due. Le montant de cette dette est de 3324,99 €.\n"
     "Votre aide au logement mensuelle sera donc réduite du montant de cette retenue, 29,26 € par mois."),
    # a debt notified, and an « attestation de fin de droits » among the documents asked
    ("Objet : notification d'une dette de revenu de solidarité active (RSA)",
     "Nous avons donc recalculé votre droit au RSA. Vous devez donc rembourser la somme de 1920,33 €.\n"
     "Si elles vous paraissent inexactes, adressez-nous vos justificatifs (attestation de fin de droits)."),
])
def test_a_debt_is_the_decision(subject: str, body: str) -> None:
    """« rembourser votre dette », « n'était pas due », « notification d'une dette », « Vous devez donc
    rembourser »: an overpayment, whatever reduction or end of rights the letter also names."""
    letter = PETIT_BARE.replace("Objet : suspension de votre aide personnalisée au logement", subject).replace(
        "Le\nversement de votre aide personnalisée au logement (APL) est suspendu à compter du 1er\nnovembre 2026.", body)
    assert read_decision(letter)["situation"].value == "overpayment"


def test_a_formal_demand_claims_the_balance_to_date() -> None:
    """« MISE EN DEMEURE », a ledger: « Montant du trop-perçu notifié 634,98 € », payments, « Solde
    restant dû à ce jour 397,00 euros »: the balance."""
    letter = PETIT_BARE.replace("Objet : suspension de votre aide personnalisée au logement",
                                "MISE EN DEMEURE\nObjet : trop-perçu d'allocation — solde restant dû").replace(
        "Le\nversement de votre aide personnalisée au logement (APL) est suspendu à compter du 1er\nnovembre 2026.",
        "Date Opération Montant\n13/06/2026 Montant du trop-perçu notifié 634,98 €\n10/07/2026 Virement reçu – 150,00 €\n"
        "18/07/2026 Retenue sur allocation – 87,98 €\nSolde restant dû à ce jour 397,00 euros")
    assert read_decision(letter)["context.amount_eur"].value == 397


def test_a_deduction_named_beside_the_balance() -> None:
    """« Le solde, soit 1 287,74 €, sera récupéré par une retenue de 104,19 € par mois »: the monthly
    deduction is the amount the cue names."""
    letter = PETIT_BARE.replace("Le\nversement de votre aide personnalisée au logement (APL) est suspendu à compter du 1er\nnovembre 2026.",
                                "Vous avez perçu à tort la somme de 1 609,67 €. Le solde, soit 1 287,74 €, sera récupéré par\n"
                                "une retenue de 104,19 € par mois sur vos prochains versements.")
    assert read_decision(letter)["context.withholding_eur"].value == 104.19


def test_a_footer_address_with_its_page_number() -> None:
    """« Conseil départemental de Maine-et-Loire — … — 35 rue Maréchal Joffre — 49000 Angers 1/2 »:
    the body's address without the page's number."""
    letter = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex\n", "Le Département\n").replace("Caf", "direction") + \
        "Conseil départemental de Maine-et-Loire — Direction de l'insertion — 35 rue Maréchal Joffre — 49000 Angers 1/2\n"
    assert read_decision(letter)["organism.address"].value == "35 rue Maréchal Joffre, 49000 Angers"


def test_a_control_of_your_job_search_and_a_cdaph_table_refusal() -> None:
    """« Un contrôle de votre recherche d'emploi a été engagé » is a control; « Allocation aux adultes
    handicapés (AAH) REFUS » beside « ACCORD » rows is a refusal."""
    letter = PETIT_BARE.replace("Le\nversement de votre aide personnalisée au logement (APL) est suspendu à compter du 1er\nnovembre 2026.",
                                "Un contrôle de votre recherche d'emploi a été engagé le 2 avril 2026.")
    assert read_decision(letter)["context.after_control"].value is True
    table = PETIT_BARE.replace("Objet : suspension de votre aide personnalisée au logement", "NOTIFICATION DES DÉCISIONS DE LA CDAPH").replace(
        "Le\nversement de votre aide personnalisée au logement (APL) est suspendu à compter du 1er\nnovembre 2026.",
        "Droit ou prestation Décision Durée et motifs\nReconnaissance de la qualité de travailleur handicapé (RQTH)\n"
        "ACCORD Du 01/08/2026 au 31/07/2031.\nAllocation aux adultes handicapés (AAH)\nREFUS Votre taux d'incapacité est compris entre 50 % et 79 %.")
    assert read_decision(table)["situation"].value == "refusal"


def test_two_columns_read_across_with_the_body_first() -> None:
    """« CAF de la Loire-Atlantique 137 rue Gambetta », « 3 rue Paul Bert 44680 SAINTE-PAZANNE »,
    « 44000 Nantes »: her street and city at the lines' ends; the body's street with her city is no
    address of the body's."""
    letter = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex\n\nMonsieur Thomas Petit\n21 rue Solférino\n59000 Lille",
                                "Caisse d'allocations familiales\n\nMonsieur Laurent BOUZID\nCAF de la Loire-Atlantique 137 rue Gambetta\n\n"
                                "3 rue Paul Bert 44680 SAINTE-PAZANNE\n44000 Nantes")
    found = read_decision(letter)
    assert (found["claimant.address"].value, found["claimant.postal_code"].value) == ("137 rue Gambetta", "44680")
    assert "organism.address" not in found


@pytest.mark.parametrize("body, kind", [
    # the request recalled with its articles, then a refusal with none: no reason given
    ("Dans votre message du 31/03/2026, vous nous demandez de vous communiquer, sur le fondement des articles L. 311-3-1 et "
     "R. 311-3-1-2 du code des relations entre le public et l'administration, les règles du traitement.\n"
     "Nous ne pouvons pas donner une suite favorable à votre demande.", "refusal_without_reasons"),
    # the extension announced, the answer's latest date
    ("Nous devons faire usage de cette faculté. Une partie de votre dossier n'est conservée que sur papier et doit être "
     "numérisée. Vous recevrez donc notre réponse au plus tard le 30 novembre 2026.", "asks_more_time"),
    ("Nous ne sommes donc pas en mesure de vous répondre dans le délai habituel. Nous nous engageons à vous notifier une "
     "décision motivée au plus tard le 10 septembre 2026.", "asks_more_time"),
    # a fifth identical request refused under the GDPR's rule
    ("L'article 12, paragraphe 5, du RGPD permet au responsable du traitement de refuser de donner suite aux demandes "
     "manifestement excessives. Nous considérons votre demande comme manifestement excessive et n'y donnerons pas suite.",
     "refusal_with_reasons"),
    # rights restored after a new examination
    ("Nous avons procédé à un nouvel examen de vos droits. Vous serez donc rétablie dans vos droits à compter du 1er juin "
     "2026.", "withdrawn"),
    # a RAPO rejected, the decision confirmed, a remise « totale ou partielle » offered apart
    ("Les versements ont été effectués sans aucun remboursement (article L. 262-46 du code de l'action sociale et des "
     "familles). En conséquence, la décision du 8 décembre 2025 est confirmée.\nVous pouvez demander une remise totale ou "
     "partielle de cette dette.", "refusal_with_reasons"),
    # a form: one box ticked, the others left empty
    ("☒ Votre demande est incomplète. Merci de nous retourner :\n☒ une copie recto verso d'une pièce d'identité ;\n"
     "☐ Compte tenu de la complexité de votre demande, le délai de réponse est prolongé de deux mois.\n"
     "☐ Votre demande est complète : vous trouverez ci-joint la copie de vos données.\n"
     "Dès réception des pièces cochées ci-dessus, une réponse vous sera adressée dans un délai d'un mois.", "asks_identity"),
])
def test_an_answers_kind_in_a_third_writers_words(body: str, kind: str) -> None:
    """Held-out 27's families, after its measure: the request's articles are no ground; « vous
    recevrez notre réponse au plus tard », « notifier une décision motivée au plus tard »; « n'y
    donnerons pas suite »; « rétablie dans vos droits »; « la décision du … est confirmée »; a form's
    empty boxes, and a time promised once the pieces arrive."""
    assert read_answer(ANSWER_HEAD + body + ANSWER_TAIL)["answer.kind"].value == kind


# --- Held-out 26's families, after its measure: refusals and ends of rights ------------------------

def test_a_decision_computed_by_an_algorithm_is_no_control() -> None:
    """« Cette décision a été prise sur le fondement d'un traitement algorithmique … (article L. 311-3-1
    du code des relations entre le public et l'administration) »: an algorithm named, no control, and
    the right to its explanation is no ground; « Le traitement automatisé des informations transmises
    par la DGFiP a fait apparaître une différence » is a control."""
    notice = ("Cette décision a été prise sur le fondement d'un traitement algorithmique, dont l'objet est d'examiner votre "
              "droit à partir des données de ressources transmises par l'administration fiscale. Vous pouvez obtenir la "
              "communication des règles qui le définissent (article L. 311-3-1 du code des relations entre le public et "
              "l'administration).")
    letter = PETIT_BARE.replace("Le\nversement de votre aide personnalisée au logement (APL) est suspendu à compter du 1er\nnovembre 2026.",
                                "Vos ressources dépassent le plafond.\n" + notice)
    found = read_decision(letter)
    assert found["decision.algorithm_mentioned"].value is True
    assert "context.after_control" not in found and found.get("decision.reasons_given") is None
    flagged = letter.replace("Vos ressources dépassent le plafond.", "Le traitement automatisé des informations transmises par la "
                             "DGFiP a fait apparaître une différence avec vos déclarations.")
    assert read_decision(flagged)["context.after_control"].value is True


def test_resources_retained_are_no_deduction() -> None:
    """« Ressources mensuelles du foyer retenues (moyenne des 12 derniers mois) 2 214,63 € »: the
    resources counted, not a monthly deduction."""
    letter = PETIT_BARE.replace("Le\nversement de votre aide personnalisée au logement (APL) est suspendu à compter du 1er\nnovembre 2026.",
                                "Ressources mensuelles du foyer retenues (moyenne des 12 derniers mois) 2 214,63 €\n"
                                "Plafond mensuel applicable 1 217,88 €")
    assert "context.withholding_eur" not in read_decision(letter)


def test_a_date_after_the_file_number_label_is_no_number() -> None:
    """« N° MSA : 31/03/2026 »: another column's date run after the label."""
    letter = PETIT_SCAN.replace("Numéro allocataire : 7654321", "N° allocataire : 31/03/2026")
    assert "claimant.file_number" not in read_decision(letter)


@pytest.mark.parametrize("footer, address", [
    ("France Travail · Direction régionale Normandie · 35 rue Maréchal Joffre, 76000 Rouen Réf. CTL-2026-7024",
     "35 rue Maréchal Joffre, 76000 Rouen"),   # the letter's reference after the city
    ("France Travail — 35 rue Maréchal Joffre, 34000 Montpellier — 3949 (service gratuit + prix d'un appel) — francetravail.fr 1/1",
     "35 rue Maréchal Joffre, 34000 Montpellier"),   # the phone with its price, then the site
])
def test_a_footers_address_before_its_reference_or_its_phone(footer: str, address: str) -> None:
    """The body's address in a footer whose city is followed by the letter's reference, or by a phone
    number with its price in brackets."""
    letter = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex\n", "France Travail\n").replace("Caf", "agence")
    assert read_decision(letter + footer + "\n")["organism.address"].value == address


def test_an_appointment_missed_is_a_fact_stated() -> None:
    """« Vous ne vous êtes pas présenté(e) au rendez-vous du 28.04.2026 », then « En application de
    l'article L. 262-37 du code de l'action sociale et des familles, j'ai décidé de réduire votre RSA »:
    facts and the text applied, the reasons given."""
    letter = PETIT_BARE.replace("Le\nversement de votre aide personnalisée au logement (APL) est suspendu à compter du 1er\nnovembre 2026.",
                                "Vous ne vous êtes pas présenté(e) au rendez-vous du 28.04.2026 fixé par votre référente.\n"
                                "En application de l'article L. 262-37 du code de l'action sociale et des familles, j'ai décidé de\n"
                                "réduire votre RSA de 30 % pendant un mois.")
    assert read_decision(letter)["decision.reasons_given"].value is True


@pytest.mark.parametrize("sentence, amount", [
    ("Le montant qui ne vous sera pas versé à ce titre s'élève à 1 418,00 €.", 1418),
    ("Sur la base de votre allocation journalière de 38,74 €, la perte est estimée à 348,66 € pour ce mois.", 348.66),
    ("Montant non versé 311,13 €", 311.13),
    ("Réduction appliquée : 195,27 EUR", 195.27),
])
def test_what_a_sanction_withholds(sentence: str, amount: float) -> None:
    """A sanction's or a suspension's sum not paid is the amount at stake."""
    letter = FRANCE_TRAVAIL_SANCTION.replace("Vous pouvez former", f"{sentence}\n\nVous pouvez former")
    assert read_decision(letter)["context.amount_eur"].value == amount


def test_a_monthly_drop_and_a_date_under_its_label_or_alone() -> None:
    """« Baisse mensuelle 193,52 € » is a reduction; « Courrier du » over « 2 févr. 2026 », or a date
    alone on its line in the letterhead, is the letter's date."""
    body = PETIT_BARE.replace("Objet : suspension de votre aide personnalisée au logement", "Vos allocations familiales changent").replace(
        "Le\nversement de votre aide personnalisée au logement (APL) est suspendu à compter du 1er\nnovembre 2026.",
        "Allocations familiales Montant mensuel\nJusqu'en février 2026 349,64 €\nÀ partir de mars 2026 156,12 €\nBaisse mensuelle 193,52 €")
    labelled = read_decision(body.replace("Lille, le 2 novembre 2026\n", "Courrier du\n2 févr. 2026\n"))
    assert (labelled["situation"].value, labelled["decision.date"].value) == ("reduction", "2026-02-02")
    alone = read_decision(body.replace("Lille, le 2 novembre 2026\n", "29/06/2026\n"))
    assert alone["decision.date"].value == "2026-06-29"


@pytest.mark.parametrize("head, footer, name", [
    ("CAF des Bouches-du-Rhône\n", "CAF des Bouches-du-Rhône · 22 avenue de la Libération · 13001 Marseille caf.fr · Appli Caf Mon Compte\n",
     "CAF des Bouches-du-Rhône"),   # the online account's name is no other body's
    ("MSA MSA Gironde SANTÉ · FAMILLE · RETRAITE · SERVICES\n", "MSA Gironde — 60 avenue Jean Mermoz — 33000 Bordeaux — msa.fr\n",
     "MSA Gironde"),   # the MSA's motto run after its name
])
def test_a_bodys_name_beside_its_app_or_its_motto(head: str, footer: str, name: str) -> None:
    """« Appli Caf Mon Compte » in the footer, « SANTÉ · FAMILLE » after « MSA Gironde »: not part of a name."""
    letter = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex\n", head).replace("de la Caf", "de la caisse")
    assert read_decision(letter + footer)["organism.name"].value == name


@pytest.mark.parametrize("body, kind", [
    # an answer that has given all: « d'autres éléments, car il n'en existe pas » is no refusal
    ("Nous reprenons ci-dessous vos questions dans l'ordre.\n1. Le montant est calculé automatiquement à partir de votre "
     "déclaration.\nNous ne sommes pas en mesure de vous communiquer d'autres éléments, car il n'en existe pas.", "complete"),
    # an appeal granted, the decision « de suspension du 11 août 2026 » withdrawn
    ("Nous faisons droit à votre recours. La décision de suspension du 11 août 2026 est retirée.", "withdrawn"),
    # the médiateur's recommendation followed: the claim cancelled
    ("La directrice de votre agence a décidé d'annuler la demande de remboursement dans sa totalité. Vous ne devez donc "
     "rien à France Travail à ce titre.", "withdrawn"),
    # reasons given, the report withheld
    ("En droit, l'article L. 262-37 du code de l'action sociale et des familles permet de suspendre le revenu de solidarité "
     "active. Ce rapport ne peut donc pas vous être communiqué à ce stade.", "partial"),
    # a slip: five rows « Joint », one « Non communiqué »
    ("Vous trouverez avec ce courrier les documents énumérés dans le bordereau ci-dessous.\nN° Document Date Suite\n"
     "1 Déclarations trimestrielles — Joint\n2 Fiche de signalement interne 05/06/2026 Non communiqué (art. L. 311-5, 2°, g, CRPA)",
     "partial"),
    # « pas en mesure d'y donner une suite favorable », no reason
    ("Après examen de votre demande, nous vous informons que nous ne sommes pas en mesure d'y donner une suite favorable.",
     "refusal_without_reasons"),
    # a part-time job is no partial answer
    ("Vous exercez depuis le 29 août 2025 un emploi à temps partiel de 24 heures par semaine (article L. 821-2 du code de "
     "la sécurité sociale). La commission rejette votre recours et maintient la décision du 16/03/2026.", "refusal_with_reasons"),
])
def test_an_answers_kind_in_a_fourth_writers_words(body: str, kind: str) -> None:
    """Held-out 30's families, after its measure."""
    assert read_answer(ANSWER_HEAD + body + ANSWER_TAIL)["answer.kind"].value == kind


# --- Held-out 28's and 29's families, after their measure: listings in capitals ---------------------

def test_a_listing_in_capitals_with_leaders_and_e_for_euros() -> None:
    """« NUMERO ALLOCATAIRE.......: 9719293 », « DOSSIER RSA N. : RSA-400811 », « LA REDUCTION MENSUELLE
    S'ELEVE A 183,60 E, SOIT 367,20 E SUR LA DUREE DE LA MESURE »: the number, the month's sum; the
    total over the measure is no monthly loss when the month's is lost."""
    listing = PETIT_SCAN.replace("Numéro allocataire : 7654321", "NUMERO ALLOCATAIRE.......: 9719293")
    assert read_decision(listing)["claimant.file_number"].value == "9719293"
    dept = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex\n",
                              "DÉPARTEMENT DU PAS-DE-CALAIS\n22 AVENUE DE LA LIBÉRATION\n62000 ARRAS\n").replace(
        "Numéro allocataire : 7654321", "DOSSIER RSA N. : RSA-400811").replace("de la Caf", "du département")
    assert read_decision(dept)["claimant.file_number"].value == "RSA-400811"
    monthly = FRANCE_TRAVAIL_SANCTION.replace("Vous pouvez former", "LA REDUCTION MENSUELLE S'ELEVE A 183,60 E, SOIT 367,20 E SUR LA "
                                              "DUREE DE LA MESURE.\n\nVous pouvez former")
    assert read_decision(monthly)["context.amount_eur"].value == 183.6
    lost = monthly.replace("183,60 E, ", "")
    assert "context.amount_eur" not in read_decision(lost)


def test_a_protected_persons_labelled_address_and_birth_date() -> None:
    """« Personne protégée : Madame Oriane PÉROUSE, née le 03/06/1979 », « Adresse : 109 impasse Jean
    Jaurès », « 52000 Jonchery »: her name and address; a birth date before 1990 is no OCR slip."""
    letter = PETIT_SCAN.replace("Monsieur Thomas Petit\n21 rue Solférino\n59000 Lille",
                                "UDAF du Nord\nService de protection juridique des majeurs\nÀ l'attention du mandataire judiciaire\n"
                                "12 rue des Augustins\n59000 Lille\n\nPersonne protégée : Madame Oriane PÉROUSE, née le 03/06/1979\n"
                                "Adresse : 109 impasse Jean Jaurès\n59650 Villeneuve-d'Ascq")
    found = read_decision(letter)
    assert (found["claimant.last_name"].value, found["claimant.address"].value, found["claimant.postal_code"].value) == \
        ("Pérouse", "109 impasse Jean Jaurès", "59650")


def test_an_automated_comparison_is_a_control() -> None:
    """« À la suite du rapprochement automatisé de votre dossier avec les DSN », « la comparaison
    automatisée des ressources déclarées »: an algorithm, and the file checked."""
    for sentence in ("A LA SUITE DU RAPPROCHEMENT AUTOMATISE DE VOTRE DOSSIER AVEC LES DECLARATIONS SOCIALES NOMINATIVES, NOUS AVONS "
                     "RECALCULE VOTRE PRIME.",
                     "Cette décision a été prise sur le fondement d'un traitement algorithmique : la comparaison automatisée des "
                     "ressources déclarées avec les données de la déclaration sociale nominative."):
        letter = PETIT_BARE.replace("Le\nversement de votre aide personnalisée au logement (APL) est suspendu à compter du 1er\nnovembre 2026.",
                                    sentence)
        found = read_decision(letter)
        assert (found["decision.algorithm_mentioned"].value, found["context.after_control"].value) == (True, True)


def test_a_footers_address_under_a_misread_name_or_before_a_sentence() -> None:
    """The letterhead names « CPAM d'Ille-et-Vilaine » without its address; the footer's « CPAM
    d'ille-et-Vilaine — 5 allée des Tanneurs — 35000 Rennes » (the name misread) gives it. « … + 71000
    Mâcon Votre Caf vous répond au 3230 et sur caf.fr »: the address before the footer's sentence."""
    cpam = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex\n", "l'Assurance Maladie\nCPAM d'Ille-et-Vilaine\n"
                              "Service des prestations en espèces\n").replace("de la Caf", "de la caisse")
    footer = "CPAM d'ille-et-Vilaine — 5 allée des Tanneurs — 35000 Rennes — ameli.fr — 3646 (service gratuit + prix d'un appel)\n"
    assert read_decision(cpam + footer)["organism.address"].value == "5 allée des Tanneurs, 35000 Rennes"
    caf = PETIT_SCAN.replace("CAF du Nord\n82 rue Brûle-Maison\n59024 Lille Cedex\n", "Caisse d'allocations familiales\n")
    footer = "CAF du Nord + 60 avenue Jean Mermoz + 59000 Lille Votre Caf vous répond au 3230 et sur caf.fr\n"
    assert read_decision(caf + footer)["organism.address"].value == "60 avenue Jean Mermoz, 59000 Lille"


@pytest.mark.parametrize("body, kind", [
    # the rules given under « Vous les trouverez ci-dessous »; the appeal route supposes a rejection
    ("L'article R. 311-3-1-2 précise les informations qui doivent vous être communiquées. Vous les trouverez ci-dessous, "
     "appliquées à votre situation.\n1. Le montant est calculé en totalité par le logiciel national.\nSi la commission rejette "
     "votre recours, le tribunal administratif pourra être saisi dans les deux mois.", "complete"),
    # the silence recalled (« ce qui valait refus »), then the whole file sent
    ("Votre demande n'a pas reçu de réponse dans le délai d'un mois, ce qui valait refus de communication. Vous trouverez donc "
     "ci-joint la copie de l'ensemble des pièces de votre dossier. Aucune pièce n'a été retirée ni occultée.", "complete"),
    # a part refused by name, « en revanche » inside the refusal; the CADA route supposes the refusal
    ("Vous trouverez ci-dessous les données traitées. Nous ne pouvons pas, en revanche, vous communiquer les variables du "
     "modèle. Cette partie de votre demande est donc rejetée. Si vous contestez le refus de communication, vous pouvez saisir "
     "la CADA.", "partial"),
    # but « ce refus partiel » still says the answer is partial
    ("Vous trouverez ci-joint la copie de votre dossier. Le compte rendu de l'audition d'un tiers ne vous est pas communiqué. "
     "Si vous contestez ce refus partiel, vous pouvez saisir la CADA.", "partial"),
    # a covering slip: « Pièces demandées et non jointes : néant »
    ("Vous trouverez ci-joint les pièces de votre dossier.\nTotal des pièces jointes 12\nPièces demandées et non jointes : néant",
     "complete"),
    # one piece « not enclosed with this letter »
    ("Vous trouverez ci-joint le détail du calcul et l'historique de vos paiements.\nLe rapport de contrôle n'est pas joint au "
     "présent envoi.", "partial"),
    # a first part now, the rest in a second sending
    ("Nous avons rassemblé une première partie de ces données, que vous trouverez sur le support joint. Les commentaires de "
     "vos conseillers vous seront transmis dans un second envoi.", "partial"),
    # « ne pouvons donc pas vous en adresser une copie », « nous ne donnons pas suite », with its text
    ("L'article L. 311-2 du code des relations entre le public et l'administration exclut les documents préparatoires. Le "
     "rapport de visite est un document préparatoire. Nous ne pouvons donc pas vous en adresser une copie à ce jour.",
     "refusal_with_reasons"),
    # a departement's decision on the recours, in its articles
    ("Considérant que les indemnités journalières n'ont pas été déclarées (article L. 262-3 du code de l'action sociale et "
     "des familles) ;\nDÉCIDE\nArticle 1er – Le recours administratif préalable formé par Monsieur Yann N'Guessan est rejeté.",
     "refusal_with_reasons"),
    # the notice to pay cancelled, the sum no longer claimed
    ("En conséquence, nous annulons la notification de payer du 4 décembre 2025. La somme de 934,00 euros ne vous est plus "
     "réclamée.", "withdrawn"),
    # the body no longer competent; « j'ai transmis ce jour votre courrier à la Caf »
    ("Le Département n'est donc plus compétent pour se prononcer sur votre demande. J'ai transmis ce jour votre courrier à "
     "la Caf de La Réunion.", "wrong_body"),
    # « la suspension partielle » is the decision's, not a part of the answer
    ("Vous nous avez écrit pour contester la suspension partielle de votre RSA. La Caf n'est pas compétente pour la "
     "réexaminer. Nous avons donc transmis votre courrier au Conseil départemental des Ardennes.", "wrong_body"),
    # the identity already checked; the time limit extended
    ("Les justificatifs joints à votre courrier nous ont permis de vérifier votre identité. Compte tenu de cette complexité, "
     "nous ne sommes pas en mesure de vous répondre dans le délai d'un mois.", "asks_more_time"),
    # an accessibility notice's « partiellement conforme » is no partial answer
    ("La recherche et la reproduction de ces pièces demandent un délai supplémentaire.\nAccessibilité : partiellement "
     "conforme", "asks_more_time"),
])
def test_an_answers_kind_in_a_fifth_and_sixth_writers_words(body: str, kind: str) -> None:
    """Held-out 31 to 34's answers, after their measure."""
    assert read_answer(ANSWER_HEAD + body + ANSWER_TAIL)["answer.kind"].value == kind


def test_a_leaflet_and_a_text_after_the_closing_are_no_answer_nor_reasons() -> None:
    """A refusal « confirmed » with a leaflet sent along: the leaflet is not what was asked, and the
    article it cites after the closing formula is not the answer's ground: a refusal without
    reasons."""
    body = ("Nous sommes au regret de vous confirmer que votre demande ne peut pas aboutir, les conditions d'attribution de "
            "l'allocation n'étant pas réunies dans votre situation. Afin de vous permettre de mieux connaître cette prestation, "
            "nous vous adressons ci-joint le dépliant d'information.")
    leaflet = "\nL'Aspa\nL'allocation est une prestation prévue par l'article L. 815-1 du code de la sécurité sociale.\n"
    assert read_answer(ANSWER_HEAD + body + ANSWER_TAIL + leaflet)["answer.kind"].value == "refusal_without_reasons"


@pytest.mark.parametrize("names, read", [
    ("Ravi Jean-Baptiste", (None, None)),           # a compound first name is a family name too (overseas above all)
    ("Guillemot Marie-Pierre", (None, None)),       # so it does not overturn the order printed
    ("Marie-Pierre Guillemot", ("Marie-Pierre", "Guillemot")),   # the order printed, agreed
    ("Petit Thomas", ("Thomas", "Petit")),          # a simple first name still tells the order
])
def test_a_compound_first_name_printed_second_leaves_the_names_to_the_person(names: str, read: "tuple") -> None:
    """Two names in small letters, the second a compound first name and the first unknown: the
    print says one order, the first names the other; neither tells, and the address is still read."""
    found = _values(read_decision(PETIT_SCAN.replace("Monsieur Thomas Petit", f"Monsieur {names}")))
    assert (found.get("claimant.first_name"), found.get("claimant.last_name")) == read
    assert found["claimant.postal_code"] == "59000"


def test_another_letters_sum_is_not_this_decisions() -> None:
    """« … soit 3 712,89 €, vous seront réclamées par une notification de trop-perçu distincte »:
    a sanction's letter names the overpayment another letter claims."""
    letter = FRANCE_TRAVAIL_SANCTION.replace("Nous vous prions", "Les allocations versées à tort pendant la période, soit "
                                             "3 712,89 €, vous seront réclamées par une notification de trop-perçu "
                                             "distincte.\n\nNous vous prions")
    assert "context.amount_eur" not in read_decision(letter)


def test_a_medical_examination_is_no_hearing() -> None:
    """« Vous avez été convoqué par le service du contrôle médical »: an examination, not the
    person heard before the decision."""
    letter = CPAM_REFUSAL.replace("Le médecin-conseil a estimé", "Vous avez été convoquée par le service du contrôle médical "
                                  "et examinée le 9 août 2026. Le médecin-conseil a estimé")
    assert "context.heard_before" not in read_decision(letter)
    heard = CPAM_REFUSAL.replace("Le médecin-conseil a estimé", "Vous avez été entendue le 9 août 2026. Le médecin-conseil a estimé")
    assert read_decision(heard)["context.heard_before"].value is True


def test_her_title_after_the_agents_on_one_line() -> None:
    """« Affaire suivie par Mme Leroy Madame Hawa KERHERVÉ »: the references' column runs into her
    window line; the agent's title and name come first, hers is the line's last title."""
    letter = PETIT_SCAN.replace("Monsieur Thomas Petit", "Affaire suivie par Mme Leroy Monsieur Thomas PETIT")
    found = _values(read_decision(letter))
    assert (found["claimant.first_name"], found["claimant.last_name"], found["claimant.postal_code"]) == ("Thomas", "Petit", "59000")
    agent_only = PETIT_SCAN.replace("Monsieur Thomas Petit\n", "Affaire suivie par Mme Leroy\n")
    assert "claimant.last_name" not in read_decision(agent_only)


@pytest.mark.parametrize("head, foot, day", [
    # the signature's date with no place, or with the signatory's title run after it
    ("", "Fait le 15/07/2026\nà Lille\nLe directeur", "2026-07-15"),
    ("", "Fait à Lille, le 13 mars 2026 Le Directeur\nsigné", "2026-03-13"),
    # a side column: « Date » over its value, beside the équipe pluridisciplinaire's sitting
    ("Date\n05-11-2026\nÉquipe pluridisciplinaire\nséance du 6 octobre 2026\n", "", "2026-11-05"),
    # a references' table: the heading's « DATE » over the row's one date
    ("N° ALLOCATAIRE DATE RÉFÉRENCE VOTRE CONTACT\n7654321 15/06/2026 REF-2026-8531 Mme Leroy\n", "", "2026-06-15"),
    # a message printed from the online account
    ("Message du 17/11/2026\n", "", "2026-11-17"),
])
def test_a_date_in_a_fifth_writers_places(head: str, foot: str, day: str) -> None:
    """Held-out 31 to 35's date lines, after their measure."""
    letter = PETIT_SCAN.replace("Lille, le 2 novembre 2026\n", head).replace("nos salutations distinguées.\n",
                                                                            "nos salutations distinguées.\n" + foot + "\n")
    assert read_decision(letter)["decision.date"].value == day


@pytest.mark.parametrize("sentence, day", [
    ("La Commission des droits et de l'autonomie des personnes handicapées de La Réunion, réunie en séance le 14/08/2026, "
     "a examiné votre demande.", "2026-08-14"),
    # a penalties commission gives its opinion: its sitting is not the decision's date
    ("Vos observations ont été examinées par la commission des pénalités, réunie le 19 juillet 2026.", None),
])
def test_with_no_date_line_the_cdaphs_sitting_told_in_a_sentence_dates_it(sentence: str, day: "str | None") -> None:
    letter = PETIT_SCAN.replace("Lille, le 2 novembre 2026\n", "").replace("Nous n'avons pas reçu", sentence + " Nous n'avons pas reçu")
    found = read_decision(letter)
    assert (found["decision.date"].value if "decision.date" in found else None) == day


@pytest.mark.parametrize("sentence, alleged", [
    ("Ces déclarations délibérément inexactes ont entraîné le versement d'allocations indues.", True),
    ("Le caractère répété de ces omissions conduit à les regarder comme délibérées.", True),
    ("Ces faits ont été signalés au procureur de la République, conformément à l'article 40 du code de procédure pénale.", True),
    # good faith not established is no denial of fraud
    ("Vos explications ne permettent pas d'établir votre bonne foi. Je retiens l'intention frauduleuse.", True),
    ("Votre bonne foi n'est pas mise en cause.", False),
])
def test_fraud_in_a_fifth_writers_words(sentence: str, alleged: bool) -> None:
    """Held-out 35 (controls, hearings, fraud and penalties), after its measure."""
    letter = FRANCE_TRAVAIL_SANCTION.replace("Vous ne vous êtes pas présenté", f"{sentence}\n\nVous ne vous êtes pas présenté")
    assert read_decision(letter)["context.fraud_alleged"].value is alleged

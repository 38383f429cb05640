"""Letters: catalogue rules, golden texts, DOCX robustness (hypothesis), PDF, CLI.

LibreOffice and poppler are driven for real; a missing one FAILS (never skips). All the
PDF conversions of a test go through one `soffice` call, to keep the module fast.
"""

from __future__ import annotations

import argparse
import copy
import difflib
import io
import random
import re
import subprocess
from pathlib import Path

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.law.analysis import analyse
from assistant.law.appeals import organism_label
from assistant.law.legal_refs import load_refs
from assistant.letters import (
    LETTER_IDS,
    LetterNotApplicable,
    PdfUnavailable,
    UnknownLetter,
    build_letters,
    render_docx,
    render_docx_many,
    render_guide_docx,
    to_pdf,
)
from assistant.letters import pdf as pdf_module
from assistant.letters.build import allowed_cites, load_catalogue
from assistant.cli.letters import run_letters
from assistant.letters.render import LETTER_TEMPLATE, letter_context
from assistant.law.model import InvalidCase, parse_case

from .casegen import random_case
from .conftest import ROOT, VALID_SCENARIOS, require_tool, run_cli
from .golden_update import GOLDEN, docx_text, golden_scenarios, render_texts

ARTIFACTS = ROOT / "test-artifacts" / "letters"
GOLDEN_CASES = golden_scenarios()
RIGHT_IDS = {
    "reasons", "algorithm_explanation", "gdpr_access", "gdpr_automated_decision", "document_access",
    "prior_hearing", "appeal", "deadline_not_opposable", "right_to_error", "debt_remission",
    "withholding_limit", "mediator", "defenseur_des_droits", "fraud_safeguards", "overpayment_limitation",
}
ADMISSIONS = ["je reconnais", "j'accepte", "reconnais devoir", "je dois bien", "j'admets", "je m'engage à rembourser",
              "ma dette", "fraude de ma part", "j'ai fraudé", "fausse déclaration de ma part"]


def _letters_for(case_data: dict, **kwargs):
    case = parse_case(case_data)
    analysis = analyse(case)
    return case, analysis, build_letters(case, analysis, **kwargs)


def _random_cases(count: int, seed: int = 4) -> list[dict]:
    rng = random.Random(seed)
    return [random_case(rng) for _ in range(count)]


# --- Catalogue and legal content -----------------------------------------------------------


def test_catalogue_covers_every_letter_and_every_paragraph_cites():
    catalogue = load_catalogue()
    assert tuple(catalogue.letters) == LETTER_IDS
    for spec in catalogue.letters.values():
        assert spec.paragraphs, spec.id
        for paragraph in spec.paragraphs:
            assert paragraph.cites, f"{spec.id}.{paragraph.key} cites nothing"
            assert set(paragraph.rights) <= RIGHT_IDS, f"{spec.id}.{paragraph.key}: unknown right"
        assert set(spec.requires_any) <= RIGHT_IDS
        refs = load_refs()
        for ref_id in (*[c for p in spec.paragraphs for c in p.cites], *spec.procedure_refs):
            assert ref_id.startswith("@") or ref_id in refs, f"{spec.id}: {ref_id} is not in legal_refs"


@pytest.mark.parametrize("case_data", [c for _, c in GOLDEN_CASES] + _random_cases(60),
                         ids=[n for n, _ in GOLDEN_CASES] + [f"random{i}" for i in range(60)])
def test_every_paragraph_cites_existing_refs_and_only_found_rights(case_data):
    case, analysis, letters = _letters_for(case_data)
    refs = load_refs()
    found = set(analysis.right_ids)
    assert [letter.id for letter in letters] == [i for i in analysis.letters if i in LETTER_IDS], \
        "every letter the analysis proposes must be built"
    for letter in letters:
        allowed = allowed_cites(letter.id, case, analysis)
        assert letter.paragraphs, letter.id
        for paragraph in letter.paragraphs:
            where = f"{letter.id}.{paragraph.key}"
            assert paragraph.cites, f"{where} cites nothing"
            assert set(paragraph.cites) <= set(refs), f"{where}: unknown ids {set(paragraph.cites) - set(refs)}"
            assert set(paragraph.cites) <= allowed, f"{where} cites {set(paragraph.cites) - allowed}, not from the analysis"
            rights = {b for b in paragraph.because if b in RIGHT_IDS}
            assert rights <= found, f"{where} rests on rights the analysis did not find: {rights - found}"
        assert letter.guide.how and letter.guide.answer
        # The guide states rules and time limits too: each with an existing, allowed text.
        assert set(letter.guide.cites) <= set(refs), f"{letter.id} guide: unknown ids"
        assert set(letter.guide.cites) <= allowed, f"{letter.id} guide cites {set(letter.guide.cites) - allowed}"
        assert all(note.endswith(").") for note in letter.guide.notes + letter.guide.dates), letter.guide.notes
        assert "[adresse" not in letter.plain_text()


@pytest.mark.parametrize("name,case_data", GOLDEN_CASES, ids=[n for n, _ in GOLDEN_CASES])
def test_letters_never_admit_anything(name, case_data):
    _, _, letters = _letters_for(case_data)
    for letter in letters:
        text = letter.plain_text().lower().replace("’", "'")
        for phrase in ADMISSIONS:
            assert phrase not in text, f"{name}/{letter.id} contains « {phrase} »"
        assert "  " not in "\n".join(p.text for p in letter.paragraphs if "«" not in p.text), f"{name}/{letter.id}: double space"


def test_appeal_contests_in_its_first_paragraph_and_quotes_own_words():
    data = copy.deepcopy(dict(VALID_SCENARIOS)["p01_rsa_suspended_without_reasons"]["case"])
    data["context"]["own_words"] = "J'ai envoyé ma déclaration le 2 octobre.\nPersonne ne m'a répondu."
    _, analysis, letters = _letters_for(data, only=["appeal"])
    appeal = letters[0]
    assert appeal.paragraphs[0].text.startswith("Je conteste la décision du 2 novembre 2026")
    assert analysis.appeal.body == appeal.recipient[0]
    assert appeal.registered
    assert "« J'ai envoyé ma déclaration le 2 octobre.\nPersonne ne m'a répondu. »" in appeal.plain_text()
    keys = [p.key for p in appeal.paragraphs]
    assert {"reasons", "not_opposable", "algorithm_mention", "request", "answer"} <= set(keys)


def test_explanation_request_asks_human_review_only_when_found():
    p01 = dict(VALID_SCENARIOS)["p01_rsa_suspended_without_reasons"]["case"]
    _, analysis, letters = _letters_for(p01, only=["explanation_request"])
    assert "gdpr_automated_decision" in analysis.right_ids
    text = letters[0].plain_text()
    assert "1° le degré et le mode de contribution" in text and "4° les opérations" in text
    assert any(p.key == "human_review" for p in letters[0].paragraphs)
    p02 = dict(VALID_SCENARIOS)["p02_family_allowance_overpayment_good_faith"]["case"]
    _, analysis, letters = _letters_for(p02, only=["explanation_request"])
    assert "gdpr_automated_decision" not in analysis.right_ids
    assert not any(p.key == "human_review" for p in letters[0].paragraphs)


def test_no_written_decision_is_described_not_invented():
    p03 = dict(VALID_SCENARIOS)["p03_housing_aid_stopped_after_control"]["case"]
    _, _, letters = _letters_for(p03)
    text = letters[0].plain_text()
    assert "à compter du 5 novembre 2026, qui ne m'a pas été notifiée" in text
    assert "date inconnue" not in text


def test_missing_organism_name_and_file_number():
    data = copy.deepcopy(dict(VALID_SCENARIOS)["p01_rsa_suspended_without_reasons"]["case"])
    data["organism"]["name"] = None
    data["claimant"]["file_number"] = None
    case, _, letters = _letters_for(data)
    for letter in letters:
        assert "None" not in letter.plain_text()
        assert not any(r.startswith("Numéro allocataire") for r in letter.references)
    assert letters[1].recipient[0] == organism_label(case) != ""


def test_remission_is_never_an_admission_and_says_contested_when_appealing():
    p02 = dict(VALID_SCENARIOS)["p02_family_allowance_overpayment_good_faith"]["case"]
    _, _, letters = _letters_for(p02, only=["debt_remission_request", "appeal"])
    assert "Sans reconnaissance du bien-fondé de la créance, que je conteste par ailleurs" in letters[0].plain_text()
    _, _, alone = _letters_for(p02, only=["debt_remission_request"])
    text = alone[0].plain_text()
    assert "Sans reconnaissance du bien-fondé de la créance" in text and "que je conteste par ailleurs" not in text


def test_unknown_and_inapplicable_letters_raise_french_errors():
    p01 = dict(VALID_SCENARIOS)["p01_rsa_suspended_without_reasons"]["case"]
    with pytest.raises(UnknownLetter, match="courrier inconnu : apel"):
        _letters_for(p01, only=["apel"])
    with pytest.raises(LetterNotApplicable, match="ne correspond pas à ce dossier"):
        _letters_for(p01, only=["cnil_complaint"])


def test_follow_ups_addresses():
    x01 = dict(GOLDEN_CASES)["x01_documents_unanswered_no_names"]
    _, _, letters = _letters_for(x01)
    by_id = {letter.id: letter for letter in letters}
    assert by_id["cada_referral"].recipient[1:] == ["20 avenue de Ségur", "TSA 50730", "75334 Paris Cedex 07"]
    assert by_id["cada_referral"].registered
    assert "cnil.fr/plaintes" in by_id["cnil_complaint"].guide.how
    assert by_id["defenseur_referral"].recipient == ["Défenseur des droits", "Libre réponse 71120", "75342 Paris Cedex 07"]


# --- Golden texts ------------------------------------------------------------------------


@pytest.mark.parametrize("name,case_data", GOLDEN_CASES, ids=[n for n, _ in GOLDEN_CASES])
def test_golden_texts(name, case_data):
    folder = GOLDEN / name
    expected = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))} if folder.exists() else {}
    actual = render_texts(case_data)
    assert sorted(actual) == sorted(expected), f"letters differ for {name}: run `make golden` and review the diff"
    for file_name, text in actual.items():
        if text != expected[file_name]:
            diff = "".join(difflib.unified_diff(expected[file_name].splitlines(True), text.splitlines(True),
                                                f"golden/{name}/{file_name}", "rendered"))
            pytest.fail(f"wording changed (run `make golden` if intended):\n{diff}")


# --- DOCX -----------------------------------------------------------------------------------


def test_address_newline_renders_as_two_lines_verbatim():
    data = copy.deepcopy(dict(VALID_SCENARIOS)["p01_rsa_suspended_without_reasons"]["case"])
    data["claimant"]["address"] = "Résidence « Les Pins » & Cie\nBât. <B>, esc. 2"
    _, _, letters = _letters_for(data, only=["explanation_request"])
    document = Document(io.BytesIO(render_docx(letters[0])))
    sender = document.paragraphs[0]
    assert sender.text.split("\n")[1:3] == ["Résidence « Les Pins » & Cie", "Bât. <B>, esc. 2"]
    assert len(sender._p.xpath(".//w:br")) == 3


def test_fast_renderer_matches_docxtpl():
    from docxtpl import DocxTemplate

    data = copy.deepcopy(dict(GOLDEN_CASES)["x01_documents_unanswered_no_names"])
    _, _, letters = _letters_for(data)
    for letter in letters:
        naive = DocxTemplate(LETTER_TEMPLATE)
        naive.render(letter_context(letter), autoescape=True)
        buffer = io.BytesIO()
        naive.save(buffer)
        assert docx_text(render_docx(letter)) == docx_text(buffer.getvalue())


def test_render_many_in_two_processes_keeps_order():
    cases = [parse_case(c) for c in _random_cases(40, seed=9)]
    letters = [letter for case in cases for letter in build_letters(case, analyse(case))]
    assert len(letters) >= 48
    parallel = render_docx_many(letters, workers=2)
    assert [docx_text(d) for d in parallel] == [docx_text(render_docx(letter)) for letter in letters]


FIELD_TEXT = st.one_of(
    st.lists(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029")
             | st.sampled_from(["\n", "&", "<", ">", '"', "'", "«", "»", "😀", "محمد", "Nguyễn", "{{", "{%", "}}", "\t"]),
             min_size=1, max_size=40).map("".join),
    st.sampled_from(["Nguyễn Thị Thu", "محمد بن علي", "O'Brien & <Fils>", '"Zoé" 😀', "a\nb"]),
).filter(lambda s: s.strip() != "")


def _fuzzed_case(names) -> dict:
    data = copy.deepcopy(dict(VALID_SCENARIOS)["p01_rsa_suspended_without_reasons"]["case"])
    first, last, address, city, org_name, org_address, words, number = names
    data["claimant"].update(first_name=first, last_name=last, address=address, city=city, file_number=number[:40])
    data["organism"].update(name=org_name, address=org_address)
    data["context"]["own_words"] = words
    return data


def test_any_user_text_is_verbatim_and_libreoffice_opens_it(tmp_path):
    soffice_sample: dict[str, bytes] = {}

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(st.tuples(FIELD_TEXT, FIELD_TEXT, FIELD_TEXT.map(lambda s: (s * 10)[:300]), FIELD_TEXT,
                     FIELD_TEXT, FIELD_TEXT, FIELD_TEXT, FIELD_TEXT))
    def check(names):
        data = _fuzzed_case(names)
        case = parse_case(data)
        letters = build_letters(case, analyse(case))
        texts = []
        for letter in letters:
            content = render_docx(letter)
            texts.append(docx_text(content))  # python-docx parses it: the XML is well formed
            if len(soffice_sample) < 8 and letter.id == "appeal":
                soffice_sample[f"sample{len(soffice_sample)}.docx"] = content
        everything = "".join(texts)
        c, o = case.claimant, case.organism
        for value in (c.first_name, c.last_name, c.address, c.city, c.file_number, o.name, o.address,
                      case.context.own_words):
            assert value in everything, f"{value!r} not verbatim in the letters"

    check()
    require_tool("soffice", "libreoffice-writer-nogui")
    pdfs = to_pdf(soffice_sample)
    assert len(pdfs) == len(soffice_sample)
    assert all(content.startswith(b"%PDF") for content in pdfs.values())


# --- PDF --------------------------------------------------------------------------------------


def _pgm_dark_ratio(pgm: bytes) -> float:
    """Share of dark pixels in a binary PGM (P5) image, as pdftoppm -gray writes it."""
    tokens = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", pgm)
    assert tokens, "not a PGM image"
    width, height = int(tokens[1]), int(tokens[2])
    pixels = pgm[tokens.end():tokens.end() + width * height]
    return sum(1 for value in pixels if value < 128) / (width * height)


def test_scenario_pdfs_have_pages_text_and_ink(tmp_path):
    require_tool("soffice", "libreoffice-writer-nogui")
    for tool in ("pdfinfo", "pdftotext", "pdftoppm"):
        require_tool(tool, "poppler-utils")
    docx: dict[str, bytes] = {}
    expected_text: dict[str, str] = {}
    for name, case_data in GOLDEN_CASES:
        _, _, letters = _letters_for(case_data)
        for letter in letters:
            docx[f"{name}__{letter.id}.docx"] = render_docx(letter)
            expected_text[f"{name}__{letter.id}.pdf"] = letter.subject.split(" ")[0]
        docx[f"{name}__guide.docx"] = render_guide_docx(letters)
        expected_text[f"{name}__guide.pdf"] = "Ce qu'il faut faire maintenant"
    pdfs = to_pdf(docx)  # one batch for all scenarios
    assert sorted(pdfs) == sorted(expected_text)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for file_name, content in pdfs.items():
        path = tmp_path / file_name
        path.write_bytes(content)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info)[1])
        assert 1 <= pages <= 3, f"{file_name}: {pages} pages"
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert expected_text[file_name].replace("'", "’")[:8] in text.replace("'", "’"), f"{file_name}: text missing"
        if "guide" not in file_name:
            assert "Je vous prie d" in text.replace("’", "'")
        stem = tmp_path / path.stem
        subprocess.run(["pdftoppm", "-gray", "-r", "40", "-f", "1", "-l", "1", "-singlefile", str(path), str(stem)], check=True)
        ratio = _pgm_dark_ratio(stem.with_suffix(".pgm").read_bytes())
        assert ratio > 0.01, f"{file_name}: page 1 looks blank ({ratio:.2%} dark pixels)"
        subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", "-singlefile", str(path),
                        str(ARTIFACTS / path.stem)], check=True)


def test_pdf_unavailable_is_a_french_error(monkeypatch):
    monkeypatch.setattr(pdf_module, "SOFFICE_CANDIDATES", ("soffice-absent-for-test",))
    with pytest.raises(PdfUnavailable, match="LibreOffice n'est pas installé"):
        to_pdf({"a.docx": b"x"})


# --- CLI -----------------------------------------------------------------------------------------


def _args(case_file, out, fmt="docx", only=None):
    return argparse.Namespace(case_file=str(case_file), out=str(out), format=fmt, only=only)


def test_cli_letters_both_formats(write_case, tmp_path):
    p01 = dict(VALID_SCENARIOS)["p01_rsa_suspended_without_reasons"]["case"]
    out = tmp_path / "out"
    done = run_cli("letters", str(write_case(p01)), "--out", str(out), "--format", "both", timeout=180)
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"{i}.{ext}" for i in ("appeal", "explanation_request", "document_access", "guide")
                           for ext in ("docx", "pdf"))
    assert all((out / n).read_bytes().startswith(b"%PDF") for n in names if n.endswith(".pdf"))


def test_cli_only_and_errors(write_case, tmp_path):
    p01 = dict(VALID_SCENARIOS)["p01_rsa_suspended_without_reasons"]["case"]
    case_file = write_case(p01)
    assert run_letters(_args(case_file, tmp_path / "a", only=["appeal"])) == 0
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["appeal.docx", "guide.docx"]
    done = run_cli("letters", str(case_file), "--out", str(tmp_path / "b"), "--only", "apel")
    assert done.returncode == 2 and "courrier inconnu" in done.stderr and "Traceback" not in done.stderr
    bad = copy.deepcopy(p01)
    bad["benefit"] = "are"
    with pytest.raises(InvalidCase):
        run_letters(_args(write_case(bad, "bad.json"), tmp_path / "c"))
    done = run_cli("letters", str(write_case(bad, "bad.json")), "--out", str(tmp_path / "c"))
    assert done.returncode == 2 and "benefit" in done.stderr


def test_cli_pdf_needs_no_libreoffice(write_case, tmp_path, monkeypatch):
    """The CLI's PDF is typeset by Typst: LibreOffice absent, the PDFs are still made."""
    monkeypatch.setattr(pdf_module, "SOFFICE_CANDIDATES", ("soffice-absent-for-test",))
    p01 = dict(VALID_SCENARIOS)["p01_rsa_suspended_without_reasons"]["case"]
    assert run_letters(_args(write_case(p01), tmp_path / "out", fmt="pdf")) == 0
    assert {p.suffix for p in (tmp_path / "out").iterdir()} == {".pdf"}


def test_cli_without_a_pdf_engine_still_writes_docx(write_case, tmp_path, monkeypatch, capsys):
    from assistant.letters import typeset

    monkeypatch.setattr(typeset, "FONT_DIRS", (Path("/nonexistent-fonts"),))
    typeset._engine.cache_clear()
    try:
        p01 = dict(VALID_SCENARIOS)["p01_rsa_suspended_without_reasons"]["case"]
        assert run_letters(_args(write_case(p01), tmp_path / "out", fmt="pdf")) == 1
        assert "fonts-dejavu-core" in capsys.readouterr().err
        assert {p.suffix for p in (tmp_path / "out").iterdir()} == {".docx"}
    finally:
        typeset._engine.cache_clear()


def test_every_letter_has_an_english_guide():
    """The app's English mode writes each sending guide from guide.en.yaml (issue 9 §7)."""
    from assistant.letters.guides import sending_guides, wording

    assert set(wording("en")["letters"]) == set(load_catalogue().letters)
    french_words = re.compile(r"\b(vous|votre|vos|lettre|envoyez|délai|pour|avec|sans)\b")
    for name, data in GOLDEN_CASES:
        case = parse_case(data)
        analysis = analyse(case)
        letters = build_letters(case, analysis)
        for letter, guide in zip(letters, sending_guides(case, analysis, letters, "en")):
            for text in (guide.how, guide.keep, guide.answer, *guide.enclose, *guide.to_complete, *guide.notes, *guide.dates):
                # French names of texts, bodies and addresses stay: drop parentheses and quotes first.
                plain = re.sub(r"\([^()]*\)|«[^»]*»|https?://\S+", "", text)
                assert not french_words.search(plain), (name, letter.id, text)
            assert guide.cites == [] or set(guide.cites) <= allowed_cites(letter.id, case, analysis), (name, letter.id)


# --- What reaches paper (issue 8 §3) ------------------------------------------------------------

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]
TARGET = re.compile(r"(?:avant le|au plus tard le|jusqu'au) (\d{1,2})(?:er)? (" + "|".join(MONTHS) + r") (\d{4})")


def _scenario(name: str, **changes) -> dict:
    data = copy.deepcopy(dict(GOLDEN_CASES)[name])
    for path, value in changes.items():
        block, _, key = path.rpartition(".")
        (data[block] if block else data)[key] = value
    return data


def _texts(letters) -> str:
    from assistant.letters.render import guide_plain_text

    return "\n".join([*(letter.plain_text() for letter in letters), guide_plain_text(letters)])


def _targets(text: str) -> list:
    import datetime as dt

    return [dt.date(int(y), MONTHS.index(m) + 1, int(d)) for d, m, y in TARGET.findall(text)]


def _cited(letters) -> set[str]:
    return {c for letter in letters for c in (*letter.cites, *letter.guide.cites)}


def test_penalty_of_a_social_security_body_is_a_request_to_the_court():
    case, analysis, letters = _letters_for(dict(GOLDEN_CASES)["p07_family_benefit_penalty"], only=["appeal"])
    appeal = letters[0]
    assert analysis.appeal.route == "none"
    assert appeal.recipient[0] == "Greffe du pôle social du tribunal judiciaire"
    assert appeal.recipient[1:] == ["", "", ""], "the court's address is left blank, to fill in by hand"
    assert appeal.subject.startswith("Requête")
    keys = [p.key for p in appeal.paragraphs]
    assert keys[:2] == ["contest_court", "parties"] and "request_court" in keys
    assert not {"answer", "answer_not_suspensive", "contest", "request"} & set(keys)
    text = appeal.plain_text()
    assert "Je conteste cette pénalité" in text and "article R. 142-10-1 du code de la sécurité sociale" in text
    assert "je demande au tribunal d'annuler la pénalité" in text
    guide = appeal.guide.plain_text()
    assert "Écrire au directeur de la CAF de la Gironde ne suspend pas ce délai" in guide
    assert "au plus tard le 14 décembre 2026" in guide and "R. 142-1-A" in guide
    assert "lannuaire.service-public.fr" in guide


def test_route_notes_reach_the_guide_with_their_texts():
    _, analysis, letters = _letters_for(dict(GOLDEN_CASES)["p08_aah_refused_by_the_mdph"])
    appeal = letters[0]
    assert [n.key for n in analysis.appeal.note_details] == ["route.mdph"]
    note = analysis.appeal.note_details[0]
    assert appeal.guide.notes == [f"{note.text.rstrip('.')} (articles L. 142-4 et R. 142-1-A du code de la sécurité "
                                  "sociale et articles R. 241-36 et L. 241-9 du code de l'action sociale et des familles)."]
    assert set(note.legal_basis) <= set(appeal.guide.cites)
    assert all(not letter.guide.notes for letter in letters[1:]), "the notes are printed once"
    # Without an appeal letter, the notes go with the first letter.
    _, _, others = _letters_for(dict(GOLDEN_CASES)["p08_aah_refused_by_the_mdph"], only=["document_access"])
    assert others[0].guide.notes == appeal.guide.notes


def test_mdph_and_medical_board_wording():
    _, _, letters = _letters_for(dict(GOLDEN_CASES)["p08_aah_refused_by_the_mdph"], only=["appeal"])
    appeal = letters[0]
    assert appeal.recipient[1] == "À l'attention de la commission des droits et de l'autonomie des personnes handicapées (CDAPH)"
    assert "le recours préalable obligatoire, que j'adresse à la maison départementale des personnes handicapées" in appeal.plain_text()
    assert {"css-L142-4", "casf-R241-36"} <= set(appeal.cites)
    assert appeal.enclosures[0].startswith("Copie de la décision du")
    medical = _scenario("p07_family_benefit_penalty", **{"organism": {"kind": "cpam", "name": None, "address": "1 rue A\n33000 Bordeaux"},
                                                         "benefit": "indemnites_journalieres", "situation": "termination",
                                                         "context.fraud_alleged": False})
    medical["decision"]["ground"] = "medical"
    _, analysis, letters = _letters_for(medical, only=["appeal", "document_access"])
    appeal, documents = letters
    assert analysis.appeal.route == "cmra"
    assert "je saisis la commission médicale de recours amiable" in appeal.plain_text()
    assert {"css-R142-8", "css-R142-8-3"} <= set(appeal.cites)
    assert appeal.recipient[1:] == ["", "", ""], "the board's secretariat is not the CPAM's address"
    assert "rapport médical du médecin-conseil" in documents.plain_text()
    assert "medical_report" in [p.key for p in documents.paragraphs]
    assert "quatre mois" in appeal.guide.answer and "vingt jours" in appeal.guide.answer


@pytest.mark.parametrize("name,today", [("p01_rsa_suspended_without_reasons", "2027-01-20"),
                                        ("p01_rsa_suspended_without_reasons", "2027-12-01"),
                                        ("p07_family_benefit_penalty", "2027-01-10"),
                                        ("p02_family_allowance_overpayment_good_faith", "2027-03-01")])
def test_no_past_date_is_printed_as_a_target(name, today):
    import datetime as dt

    _, analysis, letters = _letters_for(_scenario(name, today=today))
    text = _texts(letters)
    assert all(day >= dt.date.fromisoformat(today) for day in _targets(text)), _targets(text)
    guide = letters[0].guide.answer
    if analysis.appeal.deadline_opposable:
        assert "est passée" in guide
    if analysis.right("debt_remission"):
        assert "Vous pouvez toujours demander une remise" in guide
    if name.startswith("p01") and today == "2027-01-20":
        # The time limit does not run, but the one-year limit before the administrative court does.
        assert "si possible au plus tard" not in guide
        assert "délai raisonnable, en principe un an : au plus tard le 5 novembre 2027" in guide
        assert "ce-2016-387763" in letters[0].guide.cites
    if today == "2027-12-01":
        # Czabaj's year is over: no appeal letter offered as if it could succeed; the appeal
        # right says so plainly and what still works (README « Legal choices »).
        assert "appeal" not in analysis.letters and "deadline_not_opposable" not in analysis.right_ids
        assert analysis.appeal.reasonable_time_ends == dt.date(2027, 11, 5)
        why = " ".join(analysis.right("appeal").why)
        assert "refusera en principe d'examiner" in why and "nouvelle demande" in why


def test_czabaj_expired_letters_neither_claim_the_limit_unopposable_nor_push_an_appeal():
    import json
    from pathlib import Path

    scenario = json.loads(Path("tests/scenarios/r18_rsa_overpayment_czabaj_expired.json").read_text(encoding="utf-8"))
    _, analysis, letters = _letters_for(scenario["case"])
    assert [letter.id for letter in letters] == analysis.letters and "appeal" not in analysis.letters
    text = _texts(letters)
    assert "ne me sont pas opposables" not in text
    assert "envoyez aussi le recours" not in text and "argument pour votre recours" not in text
    assert "Le délai raisonnable pour contester la décision devant le tribunal administratif est passé" in text
    # forced, the appeal letter still does not claim the limits are unopposable
    _, _, [forced] = _letters_for(scenario["case"], only=["appeal"])
    assert "ne me sont pas opposables" not in forced.plain_text()


def test_unknown_address_is_a_blank_block_and_the_guide_says_where_to_find_it():
    _, _, letters = _letters_for(dict(GOLDEN_CASES)["p01_rsa_suspended_without_reasons"])
    by_id = {letter.id: letter for letter in letters}
    appeal = by_id["appeal"]
    assert appeal.recipient[1:] == ["", "", ""]
    assert "[" not in "\n".join(appeal.recipient)
    help_text = " ".join(appeal.guide.to_complete)
    assert "ne figure pas sur le courrier de la CAF" in help_text and "https://lannuaire.service-public.fr/" in help_text
    assert "sur la décision" in " ".join(by_id["explanation_request"].guide.to_complete)
    known = _scenario("p02_family_allowance_overpayment_good_faith", **{"organism.address": "Rue Bourbon\n33000 Bordeaux"})
    _, _, letters = _letters_for(known, only=["appeal"])
    assert letters[0].recipient[1:] == ["Rue Bourbon", "33000 Bordeaux"]
    assert not any("adresse" in item for item in letters[0].guide.to_complete)


def test_appeal_without_own_words_gets_a_visible_line_to_complete():
    mark = "[à compléter : ce que vous contestez et pourquoi]"
    for name in ("p01_rsa_suspended_without_reasons", "p07_family_benefit_penalty"):
        _, _, letters = _letters_for(_scenario(name, **{"context.own_words": None}), only=["appeal"])
        assert mark in letters[0].plain_text(), name
        assert any(mark in item for item in letters[0].guide.to_complete)
    _, _, letters = _letters_for(_scenario("p01_rsa_suspended_without_reasons", **{"context.own_words": "Erreur."}),
                                 only=["appeal"])
    assert mark not in letters[0].plain_text() and "« Erreur. »" in letters[0].plain_text()
    assert any(p.key == "own_words" and "casf-R262-88" in p.cites for p in letters[0].paragraphs)


def test_contrainte_time_limit_for_social_security_overpayments():
    _, _, letters = _letters_for(dict(GOLDEN_CASES)["p02_family_allowance_overpayment_good_faith"], only=["appeal"])
    assert "vous n'aurez que quinze jours pour y faire opposition" in letters[0].guide.answer
    assert "css-R133-3" in letters[0].guide.cites
    _, _, letters = _letters_for(dict(GOLDEN_CASES)["p01_rsa_suspended_without_reasons"], only=["appeal"])
    assert "contrainte" not in letters[0].guide.answer


@pytest.mark.parametrize("organism,benefit,own", [
    ("carsat", "retraite", {"css-L355-2"}),   # the seizable part, as for a wage; L355-3 sets no cap
    ("carsat", "aspa", {"css-R815-43", "css-L815-10"}),
    ("cpam", "indemnites_journalieres", {"css-L133-4-1"}),
    ("france_travail", "are", {"ct-L5426-8-1", "ct-L5428-1"}),
    ("caf", "allocations_familiales", {"css-D553-1", "css-L553-2"}),
])
def test_withholding_cites_the_benefits_own_text(organism, benefit, own):
    data = _scenario("p02_family_allowance_overpayment_good_faith",
                     **{"organism": {"kind": organism, "name": None, "address": None}, "benefit": benefit})
    _, analysis, letters = _letters_for(data)
    assert analysis.right("withholding_limit")
    withholding = [p for letter in letters for p in letter.paragraphs if p.key.startswith("withholding")]
    assert withholding and all(set(p.cites) <= own for p in withholding)
    if "css-D553-1" not in own:
        assert "css-D553-1" not in _cited(letters)
    # The remission request alone (no appeal: the claim is not contested, a withholding may be limited).
    _, _, letters = _letters_for(data, only=["debt_remission_request"])
    assert [set(p.cites) for p in letters[0].paragraphs if p.key.startswith("withholding")] == [own]


def test_correction_request_within_twenty_days_only_while_open():
    data = _scenario("p02_family_allowance_overpayment_good_faith", benefit="prime_activite",
                     **{"decision.date": "2026-11-10", "decision.received_on": "2026-11-12"})
    _, analysis, letters = _letters_for(data, only=["explanation_request", "appeal"])
    explanation, appeal = letters
    correction = [p for p in explanation.paragraphs if p.key == "correction"]
    assert correction and correction[0].cites == ["css-R847-1-1"]
    assert "dans le délai de vingt jours" in correction[0].text
    assert "au plus tard le 2 décembre 2026 (article R. 847-1-1" in explanation.guide.answer
    assert any(d.startswith("2 décembre 2026 :") for d in appeal.guide.dates)
    _, _, letters = _letters_for({**data, "today": "2026-12-20"}, only=["explanation_request", "appeal"])
    assert not any(p.key == "correction" for p in letters[0].paragraphs)
    assert not letters[1].guide.dates and "2 décembre" not in _texts(letters)


def test_third_party_information_after_a_control():
    data = _scenario("p02_family_allowance_overpayment_good_faith", **{"context.after_control": True})
    _, _, letters = _letters_for(data, only=["document_access", "appeal"])
    documents, appeal = letters
    for letter in letters:
        paragraph = next(p for p in letter.paragraphs if p.key == "third_party")
        assert paragraph.cites == ["css-L114-21", "cass-2022-21-11484"]
        assert "teneur" in paragraph.text and "origine" in paragraph.text and "n° 21-11.484" in paragraph.text
    assert "la procédure de contrôle est nulle" in appeal.plain_text()
    departement = _scenario("x04_departement_rsa_suspension", **{"context.after_control": True})
    _, _, letters = _letters_for(departement)
    assert not any(p.key == "third_party" for letter in letters for p in letter.paragraphs)


def test_right_to_error_only_against_a_sanction_and_with_its_condition():
    penalty = _scenario("p07_family_benefit_penalty", **{"context.fraud_alleged": False})
    _, _, letters = _letters_for(penalty, only=["appeal"])
    paragraph = next(p for p in letters[0].paragraphs if p.key == "good_faith")
    assert "première erreur, commise de bonne foi, et j'ai régularisé ma situation" in paragraph.text
    assert any("droit à l'erreur" in item for item in letters[0].guide.to_complete)
    # A sanction for unmet obligations: the legitimate reason, never a right-to-error admission.
    _, analysis, letters = _letters_for(dict(GOLDEN_CASES)["x03_france_travail_sanction"], only=["appeal"])
    keys = [p.key for p in letters[0].paragraphs]
    assert "right_to_error" not in analysis.right_ids and "good_faith" not in keys
    assert {"legitimate_reason_france_travail", "complied_france_travail"} <= set(keys)
    assert not any("droit à l'erreur" in item for item in letters[0].guide.to_complete)
    for name in ("p02_family_allowance_overpayment_good_faith", "p01_rsa_suspended_without_reasons"):
        _, _, letters = _letters_for(dict(GOLDEN_CASES)[name])
        assert not any(p.key == "good_faith" and letter.id == "appeal" for letter in letters for p in letter.paragraphs)


def test_reasons_request_does_not_lean_on_the_cada():
    for name, _ in GOLDEN_CASES:
        _, _, letters = _letters_for(dict(GOLDEN_CASES)[name])
        for letter in letters:
            if letter.id in ("explanation_request", "cada_referral"):
                for paragraph in letter.paragraphs:
                    if "Commission d'accès aux documents" in paragraph.text and letter.id == "explanation_request":
                        assert "traitement algorithmique" in paragraph.text, (name, paragraph.key)
                    assert "crpa-L211-2" not in paragraph.cites or letter.id != "cada_referral", name


def test_sanctions_ask_for_the_amounts_back_and_mediation_asks_for_a_mediation():
    _, _, letters = _letters_for(dict(GOLDEN_CASES)["x03_france_travail_sanction"], only=["appeal"])
    text = letters[0].plain_text()
    assert letters[0].subject.startswith("Demande de médiation")
    assert "d'engager cette médiation" in text and "annuler" not in text
    assert "sommes retenues ou non versées" in text
    rsa_sanction = _scenario("p01_rsa_suspended_without_reasons", situation="sanction")
    _, _, letters = _letters_for(rsa_sanction, only=["appeal"])
    assert "de me rembourser les sommes retenues ou non versées en application de cette sanction" in letters[0].plain_text()
    _, _, letters = _letters_for(dict(GOLDEN_CASES)["p07_family_benefit_penalty"], only=["appeal"])
    assert "d'ordonner le remboursement des sommes" in letters[0].plain_text()


def test_gdpr_automated_decision_is_worded_as_a_request():
    _, analysis, letters = _letters_for(dict(GOLDEN_CASES)["p01_rsa_suspended_without_reasons"], only=["appeal"])
    assert "gdpr_automated_decision" in analysis.right_ids
    paragraph = next(p for p in letters[0].paragraphs if p.key == "automated")
    assert paragraph.text.startswith("Je vous demande de m'indiquer si un agent")
    assert "Si elle a été prise sur le seul fondement d'un traitement automatisé" in paragraph.text
    assert "Rien n'indique" not in paragraph.text


# --- Issue 18, point 4: the arguments that win overpayment and penalty cases ------------------

FRANCE_TRAVAIL = {"kind": "france_travail", "name": None, "address": None}


def test_a_contested_france_travail_claim_is_never_withheld_nor_limited():
    """C. trav. L5426-8-1: no withholding while the overpayment is contested; R5426-18's 20 %
    is the ASS's only; the instance paritaire decides remissions but is not the creditor."""
    data = _scenario("p02_family_allowance_overpayment_good_faith", organism=FRANCE_TRAVAIL, benefit="are")
    _, analysis, letters = _letters_for(data, only=["appeal", "debt_remission_request"])
    appeal, remission = letters
    assert set(analysis.right("withholding_limit").legal_basis) >= {"ct-L5426-8-1", "ct-L5428-1"}
    assert "ct-R5426-18" not in analysis.right("withholding_limit").legal_basis
    assert "withholding" not in [p.key for p in appeal.paragraphs]
    assert "aucune retenue ne peut donc être opérée" in appeal.plain_text()
    remission_keys = [p.key for p in remission.paragraphs]
    assert "withholding_suspended" in remission_keys and "withholding" not in remission_keys
    assert "limiter" not in remission.plain_text() and "vous me réclamez" not in remission.plain_text()
    assert "France Travail me réclame" in remission.plain_text()
    assert remission.recipient[0] == "Instance paritaire régionale de France Travail"
    assert "ct-R5426-18" not in _cited(letters)
    # Without an appeal the claim is not contested: then a withholding may be limited.
    _, _, alone = _letters_for(data, only=["debt_remission_request"])
    assert "limiter la retenue" in alone[0].plain_text()
    # The ASS keeps R5426-18 (its 20 % cap) in the analysis.
    ass = _scenario("p02_family_allowance_overpayment_good_faith", organism=FRANCE_TRAVAIL, benefit="ass")
    _, analysis, _ = _letters_for(ass, only=["appeal"])
    assert "ct-R5426-18" in analysis.right("withholding_limit").legal_basis
    assert "ct-L5428-1" not in analysis.right("withholding_limit").legal_basis


def test_a_social_security_remission_still_says_vous_me_reclamez():
    _, _, letters = _letters_for(dict(GOLDEN_CASES)["p02_family_allowance_overpayment_good_faith"],
                                 only=["debt_remission_request"])
    assert "vous me réclamez" in letters[0].plain_text()


def test_france_travail_contrainte_and_its_fifteen_days_in_the_guides():
    data = _scenario("p02_family_allowance_overpayment_good_faith", organism=FRANCE_TRAVAIL, benefit="are")
    _, _, letters = _letters_for(data, only=["appeal"])
    assert "vous n'aurez que quinze jours pour y faire opposition devant le tribunal indiqué" in letters[0].guide.answer
    assert {"ct-L5426-8-2", "ct-R5426-22"} <= set(letters[0].guide.cites)
    assert "css-R133-3" not in letters[0].guide.cites
    _, _, letters = _letters_for(data, only=["debt_remission_request"])
    assert "quinze jours" in letters[0].guide.answer and "ct-R5426-22" in letters[0].guide.cites
    _, _, letters = _letters_for(dict(GOLDEN_CASES)["x03_france_travail_sanction"], only=["appeal"])
    assert "contrainte" not in letters[0].guide.answer


def test_france_travail_penalty_deliberate_facts_and_two_years():
    data = _scenario("p02_family_allowance_overpayment_good_faith", organism=FRANCE_TRAVAIL, benefit="are",
                     situation="penalty", **{"decision.date": "2026-10-02"})
    _, _, letters = _letters_for(data, only=["appeal"])
    paragraphs = {p.key: p for p in letters[0].paragraphs}
    deliberate = paragraphs["penalty_deliberate_france_travail"]
    assert deliberate.cites == ["ct-L5426-5", "ct-R5426-15"] and "délibérée" in deliberate.text
    two_years = paragraphs["penalty_two_years_france_travail"]
    assert two_years.cites == ["ct-L5426-7"]
    assert "plus de deux ans" in two_years.text and "les faits antérieurs au 2 octobre 2024" in two_years.text
    # A CAF penalty has neither.
    _, _, letters = _letters_for(dict(GOLDEN_CASES)["p07_family_benefit_penalty"], only=["appeal"])
    assert not {"penalty_deliberate_france_travail", "penalty_two_years_france_travail"} & {
        p.key for p in letters[0].paragraphs}


def test_rsa_sanction_argues_the_legitimate_reason_and_asks_the_arrears():
    data = _scenario("p01_rsa_suspended_without_reasons", situation="sanction")
    _, analysis, letters = _letters_for(data, only=["appeal"])
    assert "right_to_error" not in analysis.right_ids
    paragraphs = {p.key: p for p in letters[0].paragraphs}
    assert "good_faith" not in paragraphs
    reason = paragraphs["legitimate_reason_rsa"]
    assert reason.cites == ["casf-L262-37", "casf-L262-39"]
    assert "sans motif légitime" in reason.text and "équipe pluridisciplinaire" in reason.text
    complied = paragraphs["complied_rsa"]
    assert "……" in complied.text and "me verser les sommes qui ne m'ont pas été versées" in complied.text
    assert any("conformé(e) à mes obligations" in item for item in letters[0].guide.to_complete)
    # An RSA overpayment is not a sanction: none of this.
    _, _, letters = _letters_for(_scenario("p01_rsa_suspended_without_reasons", situation="overpayment"),
                                 only=["appeal"])
    assert not {"legitimate_reason_rsa", "complied_rsa"} & {p.key for p in letters[0].paragraphs}


@pytest.mark.parametrize("organism,benefit,text", [
    ("caf", "allocations_familiales", "css-L114-17"),
    ("cpam", "indemnites_journalieres", "css-L114-17-1"),
])
def test_penalty_requete_good_faith_and_in_the_alternative_a_reduction(organism, benefit, text):
    data = _scenario("p07_family_benefit_penalty", organism={"kind": organism, "name": None, "address": None},
                     benefit=benefit)
    _, analysis, letters = _letters_for(data, only=["appeal"])
    assert analysis.appeal.route == "none"
    keys = [p.key for p in letters[0].paragraphs]
    paragraphs = {p.key: p for p in letters[0].paragraphs}
    assert paragraphs["penalty_good_faith"].cites == [text]
    assert "en cas de bonne foi de la personne concernée" in paragraphs["penalty_good_faith"].text
    reduction = paragraphs["request_court_reduction"]
    assert reduction.cites == [text] and reduction.text.startswith("À titre subsidiaire")
    assert "gravité des faits" in reduction.text
    assert keys.index("request_court") < keys.index("request_court_reduction")


def test_a_partial_answer_leaves_a_line_for_what_is_missing():
    """CRPA R343-1: the CADA referral states its object; after a partial answer, what is
    missing is left visibly to complete, in the reminder too, and the guide says so."""
    from assistant.casefiles.followup import Answer, AnswerKind

    data = _scenario("p02_family_allowance_overpayment_good_faith",
                     **{"history.documents_requested_on": "2026-10-10", "today": "2026-11-23"})
    mark = load_catalogue().data["missing_mark"]
    for kind, expected in ((AnswerKind.partial, True), (AnswerKind.refusal_with_reasons, False)):
        answers = [Answer(to_letter="document_access", on="2026-11-05", kind=kind)]
        case = parse_case(data)
        letters = build_letters(case, analyse(case), only=["cada_referral"], answers=answers)
        if expected:
            letters += build_letters(case, analyse(case), only=["reminder"], answers=answers)
        for letter in letters:
            assert (mark in letter.plain_text()) is expected, (kind, letter.id)
            assert any(mark in item for item in letter.guide.to_complete) is expected, (kind, letter.id)
        if expected:
            missing = next(p for p in letters[0].paragraphs if p.key == "missing")
            assert missing.cites == ["crpa-R343-1"] and "l'objet de ma saisine" in missing.text


def test_are_stop_safe_date_is_labelled_and_timed_as_the_mediation():
    data = _scenario("x07_are_refused", situation="termination")
    _, analysis, letters = _letters_for(data, only=["appeal"])
    appeal_deadline = next(d for d in analysis.deadlines if d.id == "appeal")
    assert appeal_deadline.key == "deadline.appeal_mediation"
    assert "médiateur régional de France Travail" in appeal_deadline.label
    assert appeal_deadline.legal_basis[0] == "cja-R213-10"
    assert "(délai de deux mois : article R. 213-10 du code de justice administrative)" in letters[0].guide.answer
    assert "délai de deux ans : article L. 5422-4" not in letters[0].guide.answer
    refused = next(d for d in _letters_for(dict(GOLDEN_CASES)["x07_are_refused"], only=["appeal"])[1].deadlines
                   if d.id == "appeal")
    assert refused.key == "deadline.appeal_before_court"


# --- A lawyer's review of the golden letters' citations (2026-12-06) -------------------------

def test_each_sanction_sentence_rests_on_its_cited_text():
    """x03: « sans motif légitime » is in ct-L5412-1's summary (as in its text); the
    « conformé(e) » paragraph is in the alternative, never an admission of a breach."""
    refs = load_refs()
    assert "sauf motif légitime" in refs["ct-L5412-1"].summary
    _, _, letters = _letters_for(dict(GOLDEN_CASES)["x03_france_travail_sanction"], only=["appeal"])
    rsa = _scenario("p01_rsa_suspended_without_reasons", situation="sanction")
    _, _, rsa_letters = _letters_for(rsa, only=["appeal"])
    for key, letter in (("complied_france_travail", letters[0]), ("complied_rsa", rsa_letters[0])):
        complied = next(p for p in letter.paragraphs if p.key == key)
        assert complied.text.startswith("À titre subsidiaire, et sans reconnaître aucun manquement : si un manquement")
        # The guide's check still quotes the paragraph.
        assert "je me suis conformé(e) à mes obligations" in complied.text


def test_the_rsa_fine_of_the_departement_cites_r114_11_as_the_conseil_detat_reads_it():
    # CE 7 March 2025 n° 491222: L262-52 is « précisé » by R114-11 (one month for observations);
    # wherever a letter cites R114-11 for the fine, the CE decision is cited beside it.
    _, _, letters = _letters_for(dict(GOLDEN_CASES)["x06_rsa_fine_of_the_departement"])
    citing = [p for letter in letters for p in letter.paragraphs if "css-R114-11" in p.cites]
    assert citing
    assert all("ce-2025-491222" in p.cites for p in citing)


def test_the_aspa_letters_rest_on_what_their_texts_say():
    """x33: R133-9-2's summary states that its twenty days reach ASPA through L815-11; the
    burden of proof is not written in L815-11, so the appeal does not assert it."""
    refs = load_refs()
    summary = refs["css-R133-9-2"].summary
    assert all(f"({article})" in summary for article in ("L. 553-2", "L. 815-11", "L. 821-5-1", "L. 355-3"))
    _, _, letters = _letters_for(dict(GOLDEN_CASES)["x33_aspa_overpayment_withheld_by_the_carsat"], only=["appeal"])
    acquired = next(p for p in letters[0].paragraphs if p.key == "aspa_acquired")
    assert "Il appartient à la caisse" not in acquired.text and acquired.cites == ["css-L815-11"]

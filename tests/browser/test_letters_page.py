"""The letters and rights pages in Debian chromium (real `streamlit run`), and the
compressed deployment of deploy/nginx.conf. One walk through the interview serves the
module's checks, in order (each walk costs ~20 s of the suite's budget):

- the answers file downloaded from the review, then resumed in another browser (a bad file
  first: a French message, axe-core clean);
- file names carry the letter, the person's last name and the date (DOCX, PDF, ZIP, ICS);
- the PDF carries the DOCX's text; every download button says what it acts on;
- the English journey: no French sentence on the rights and letters pages outside the
  letters themselves (the French strings found are listed), axe-core clean (fr and en);
- nginx in front of streamlit: `Content-Encoding: gzip` and a smaller transfer for the main
  JS bundle. A missing nginx is a failure (never a skip).
Timings are not asserted here: they belong to bench/app.py.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import shutil
import subprocess
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from assistant.core.formatting import long_date
from tests.browser.test_browser import (  # noqa: F401  (fixtures)
    ARTIFACTS, DESKTOP, PERSON, RECEIVED, ROOT, TODAY, answer_interview, browser, check_accessibility, docx_text,
    download, new_page, pdf_text, review_ready, rights_ready, server, settle, _free_port,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SLUG = "testeuse-brouillon"
FRENCH_WORDS = re.compile(r"\b(vous|votre|vos|le|la|les|des|du|est|pour|avec|une|dans|courrier|envoyer|délai)\b",
                          re.IGNORECASE)


def to_letters(page) -> None:
    page.get_by_role("button", name="Voir mes courriers →").first.click()
    page.get_by_role("button", name=re.compile("PDF")).first.wait_for()
    settle(page)


def axe(page, name: str) -> list[str]:
    """axe-core findings of impact critical, serious or moderate."""
    from axe_playwright_python.sync_playwright import Axe

    settle(page)
    found = [v for v in Axe().run(page).response["violations"] if v.get("impact") in ("critical", "serious", "moderate")]
    report = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}" for v in found]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"axe-{name}.txt").write_text("\n".join(report) or "aucune violation\n", encoding="utf-8")
    return report


def external_links(page) -> list[tuple[str, str]]:
    """(href, text) of every link of the page's main part that leaves the app."""
    return page.locator("[data-testid='stMain'] a[href^='http']").evaluate_all(
        "links => links.map(a => [a.getAttribute('href'), a.innerText.trim()])")


@pytest.fixture(scope="module")
def walked(server, browser):
    """One person's page on the review after the whole interview (desktop), shared by the
    tests below in their order: the review, the French pages, then the English ones."""
    page = new_page(browser, server, DESKTOP)
    answer_interview(page)
    yield page
    page.context.close()


def answers_uploader(page):
    """The « Reprendre » field of the start screen (the one taking the answers' .json)."""
    return page.locator("[data-testid='stFileUploaderDropzoneInput'][accept*='.json']")


def test_download_answers_then_resume_in_another_browser(walked, server, browser) -> None:
    page = walked
    with page.expect_download() as info:
        page.get_by_role("button", name="Télécharger mes réponses").click()
    saved = Path(info.value.path()).read_bytes()
    assert info.value.suggested_filename.startswith("reponses-testeuse-brouillon-")
    case = json.loads(saved)  # a case file (CONTRACT §1): the command line reads it too
    assert case["claimant"]["last_name"] == PERSON["Nom"] and case["benefit"] == "rsa"

    other = new_page(browser, server, DESKTOP, start=False)
    uploader = answers_uploader(other)
    uploader.set_input_files(files=[{"name": "pas-des-reponses.json", "mimeType": "application/json",
                                     "buffer": b"ceci n'est pas du JSON"}])
    other.get_by_text("Ce fichier n'est pas un fichier de réponses").wait_for()
    settle(other)
    assert "Drag and drop" not in other.inner_text("body") and "Browse files" not in other.inner_text("body")
    check_accessibility(other, "reprendre-erreur")

    uploader.set_input_files(files=[{"name": "reponses.json", "mimeType": "application/json", "buffer": saved}])
    review_ready(other)
    review = other.inner_text("body")
    for given in (PERSON["Nom"], PERSON["Ville"], "RSA (revenu de solidarité active)", long_date(RECEIVED)):
        assert given in review, given
    other.context.close()


def test_file_names_carry_the_letter_the_person_and_the_date(walked, tmp_path) -> None:
    from assistant.law.legal_refs import load_refs
    from assistant.letters.guides import official_links

    texts_of_law = {str(entry.url) for entry in dict(load_refs()).values()}
    page = walked
    page.get_by_role("button", name="Voir mes droits →").click()
    rights_ready(page)
    assert not axe(page, "droits-fr")
    # Every link is a real one whose href is exactly a URL of the data (never fetched: no internet).
    links = external_links(page)
    assert links and all(href in texts_of_law for href, _ in links), links
    to_letters(page)
    assert not axe(page, "courriers-fr")
    for summary in page.locator("summary").filter(has_text="Tout ce qu'il faut savoir pour l'envoyer").all():
        summary.click()
    settle(page)
    links = external_links(page)
    directory = [(href, text) for href, text in links if "lannuaire" in text]
    assert directory and all(href == text == "https://lannuaire.service-public.fr/" for href, text in directory), links
    assert all(href in official_links() | texts_of_law for href, _ in links), links
    date = TODAY.isoformat()
    # Each button names its letter: the DOCX and PDF buttons of two letters differ.
    names = [b.inner_text() for b in page.get_by_role("button").filter(has_text="Télécharger").all()]
    assert len(names) == len(set(names)), names
    name, data = download(page, "Télécharger (DOCX, modifiable) : Recours")
    assert name == f"recours-{SLUG}-{date}.docx"
    docx = docx_text(data)
    name, pdf = download(page, "Télécharger (PDF, à imprimer) : Recours")
    assert name == f"recours-{SLUG}-{date}.pdf" and pdf.startswith(b"%PDF")
    assert " ".join(docx.split()) in " ".join(pdf_text(pdf, tmp_path).split()).replace("- ", "-") or \
        PERSON["Nom"] in pdf_text(pdf, tmp_path)
    name, ics = download(page, "Ajouter les dates à mon agenda (.ics)")
    assert name == f"dates-{SLUG}-{date}.ics"
    name, data = download(page, "Tout télécharger (ZIP)")
    assert name == f"courriers-{SLUG}-{date}.zip"
    inside = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert f"recours-{SLUG}-{date}.pdf" in inside and f"comment-envoyer-{SLUG}-{date}.pdf" in inside, inside


def french_sentences(text: str, allowed: list[str]) -> list[str]:
    """Lines of an English page that read as French, names of bodies and texts aside."""
    found = []
    for line in text.splitlines():
        plain = line
        for name in allowed:
            plain = plain.replace(name, "")
        plain = re.sub(r"\([^()]*\)|«[^»]*»|https?://\S+", "", plain)
        if len(FRENCH_WORDS.findall(plain)) >= 2:
            found.append(line.strip())
    return found


def test_english_rights_and_letters_pages_have_no_french_sentence(walked) -> None:
    page = walked     # the same person, after the French pages: the language switched, then the rights
    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    settle(page)
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Your rights").click()
    page.get_by_role("button", name="See my letters →").nth(1).wait_for()
    settle(page)
    # Proper names stay French: the appeal body, the body, its court, the letter's mark.
    allowed = ["Président de la Métropole de Lyon", "Métropole de Lyon", "CAF du Rhône", "tribunal administratif",
               "pôle social du tribunal judiciaire", "conseil départemental", "Code de justice administrative",
               "Code des relations entre le public et l'administration", "Code de l'action sociale et des familles",
               "CE, Ass., 13 juillet 2016, M. Czabaj, n° 387763", "Défenseur des droits", "France Services"]
    rights = french_sentences(page.inner_text("[data-testid='stMain']"), allowed)
    assert not axe(page, "droits-en")
    page.get_by_role("button", name="See my letters →").first.click()
    page.get_by_role("button", name=re.compile("PDF")).first.wait_for()
    settle(page)
    for summary in page.locator("summary").filter(has_text="Everything you need to know").all():
        summary.click()
    settle(page)
    main = page.inner_text("[data-testid='stMain']")
    letters = french_sentences(main, allowed)
    assert "French" in main and "own words" in main
    assert not axe(page, "courriers-en")
    (ARTIFACTS / "french-on-english-pages.txt").write_text("\n".join(rights + letters) or "aucune\n", encoding="utf-8")
    assert not rights and not letters, "French on the English pages:\n" + "\n".join(rights + letters)


# --- nginx in front of streamlit (deploy/nginx.conf) ---------------------------------------


def deploy_config(upstream_port: int, port: int, tmp: Path) -> Path:
    """deploy/nginx.conf's http block, with the test's ports and private temp paths."""
    source = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    body = source.split("# --- begin: http block body", 1)[1].split("\n", 1)[1]
    body = body.replace("127.0.0.1:8501", f"127.0.0.1:{upstream_port}").replace("listen 8080;", f"listen 127.0.0.1:{port};")
    temp = "".join(f"    {kind}_temp_path {tmp / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    config = (f"daemon off;\npid {tmp / 'nginx.pid'};\nerror_log {tmp / 'error.log'};\nevents {{}}\n"
              f"http {{\n    include /etc/nginx/mime.types;\n{temp}{body}\n}}\n")
    path = tmp / "nginx.conf"
    path.write_text(config, encoding="utf-8")
    return path


def get(url: str, gzip_ok: bool) -> tuple[bytes, dict]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
    with urllib.request.urlopen(request, timeout=20) as answer:
        return answer.read(), dict(answer.headers)


def test_nginx_serves_the_app_compressed(server, tmp_path) -> None:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not nginx:
        pytest.fail("nginx introuvable : installez le paquet Debian « nginx-light » (.ci/system-deps.sh le fait).")
    upstream = int(server.rsplit(":", 1)[1])
    port = _free_port()
    config = deploy_config(upstream, port, tmp_path)
    process = subprocess.Popen([nginx, "-c", str(config), "-p", str(tmp_path)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(50):
            try:
                page, headers = get(url + "/", True)
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(f"nginx did not start: {(tmp_path / 'error.log').read_text() if (tmp_path / 'error.log').exists() else ''}")
        html = gzip.decompress(page).decode() if headers.get("Content-Encoding") == "gzip" else page.decode()
        bundle = re.search(r'src="\.?/?(static/js/index\.[^"]+\.js)"', html).group(1)
        plain, plain_headers = get(f"{url}/{bundle}", False)
        packed, packed_headers = get(f"{url}/{bundle}", True)
        assert packed_headers.get("Content-Encoding") == "gzip", packed_headers
        assert "Content-Encoding" not in plain_headers
        assert gzip.decompress(packed) == plain
        assert len(packed) < len(plain) / 2, (len(packed), len(plain))
        # The WebSocket goes through too: the app's health endpoint answers behind nginx.
        assert get(f"{url}/_stcore/health", False)[0].strip() == b"ok"
    finally:
        process.terminate()
        process.wait(timeout=10)

"""Reading a letter from its files (assistant/reading: sources, ocr, letter_text, read_letter).

Every bad input of issue 21 gives its French message naming the file, never a traceback; the
limits are checked before the costly part. OCR is slow (~1.5 s of CPU a page): only a handful of
pages are read here, each once (module fixtures); the rest checks what happens before the OCR.
"""
from __future__ import annotations

import io
import json
import struct
import zlib

import numpy as np
import pytest
from PIL import Image, ImageFile

from assistant.reading import letter_text, ocr, read_letter, sources
from assistant.reading.model import CONFIDENCE_THRESHOLD, UnreadableLetter
from tests.conftest import SHARED, require_shared, require_tool

LETTERS = SHARED / "letters"
NO_TEXT = "Aucun texte de courrier n'a pu être lu sur"


@pytest.fixture(scope="module")
def tesseract() -> str:
    return require_tool("tesseract", "tesseract-ocr")


@pytest.fixture(scope="module")
def scan_png() -> bytes:
    return require_shared(LETTERS / "caf-apl-suspension-scan.png").read_bytes()


@pytest.fixture(scope="module")
def photo_jpg() -> bytes:
    return require_shared(LETTERS / "caf-apl-suspension-photo.jpg").read_bytes()


def _encoded(image: Image.Image, kind: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=kind, **options)
    return buffer.getvalue()


def text_pdf(body: str) -> bytes:
    """A PDF with a text layer, as a body's software makes it (Typst, the project's engine)."""
    import typst

    source = "#set page(paper: \"a4\")\n#set text(lang: \"fr\")\n" + body.replace("\n", " \\\n")
    return typst.compile(source.encode("utf-8"))


LETTER_BODY = """CAF du Nord
82 rue Brûle-Maison
59024 Lille Cedex
Monsieur Thomas Petit
21 rue Solférino
59000 Lille
Lille, le 2 novembre 2026
Numéro allocataire : 7654321
Objet : suspension de votre aide personnalisée au logement
Monsieur, nous n'avons pas reçu les justificatifs demandés le 1er octobre 2026. En conséquence, le versement
de votre aide personnalisée au logement (APL) est suspendu à compter du 1er novembre 2026.
Vous pouvez contester cette décision dans un délai de deux mois à compter de sa notification en saisissant le
directeur de la Caf, qui statue après avis de la commission de recours amiable."""


def _refused(files, *words: str) -> str:
    with pytest.raises(UnreadableLetter) as caught:
        list(sources.pages(files))
    message = str(caught.value)
    assert files[-1][0] in message or any(name in message for name, _ in files)
    for word in words:
        assert word in message, message
    return message


# --- Refused before anything is decoded ---------------------------------------------------

def test_an_unsupported_format_is_named_whatever_its_name():
    _refused([("courrier.pdf", b"Bonjour, ceci est un texte, pas un PDF.")], "format non pris en charge")
    _refused([("page.docx", b"PK\x03\x04" + bytes(100))], "format non pris en charge")


def test_the_type_comes_from_the_first_bytes():
    photo = _encoded(Image.new("RGB", (40, 30), "white"), "JPEG", comment=b"%PDF-1.7 in a comment")
    assert sources.kind_of(photo) == "jpeg"
    assert sources.kind_of(b"\n\n%PDF-1.4\n") == "pdf"   # bytes before the header, as readers allow
    assert sources.kind_of(_encoded(Image.new("L", (4, 4)), "PNG")) == "png"
    assert sources.kind_of(b"GIF89a" + bytes(20)) is None


def test_an_empty_or_oversized_file_is_refused_before_it_is_read():
    _refused([("vide.jpg", b"")], "vide")
    _refused([("enorme.jpg", b"\xff\xd8\xff" + bytes(sources.MAX_FILE_BYTES))], "trop volumineux", "25 Mo")


def test_a_200_page_pdf_is_refused_from_its_page_count_before_any_page_is_rendered(monkeypatch):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for _ in range(200):
        pdf.new_page(595, 842)
    buffer = io.BytesIO()
    pdf.save(buffer)
    pdf.close()

    def no_rendering(*args, **kwargs):
        raise AssertionError("a page was rendered")

    monkeypatch.setattr(pdfium.PdfPage, "render", no_rendering)
    monkeypatch.setattr(pdfium.PdfPage, "get_textpage", no_rendering)
    _refused([("annexes.pdf", buffer.getvalue())], "trop de pages", "20 au plus")


def test_pages_of_several_files_count_together(scan_png):
    small = _encoded(Image.new("L", (50, 70), 255), "PNG")
    files = [(f"page-{n:02d}.png", small) for n in range(1, sources.MAX_PAGES + 2)]
    _refused(files, "page-21.png", "trop de pages")
    assert sources.page_count(files[:sources.MAX_PAGES]) == sources.MAX_PAGES


def test_an_encrypted_pdf_asks_for_it_without_password():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    _refused([("protege.pdf", buffer.getvalue())], "mot de passe")


def test_a_malformed_or_truncated_pdf_is_said_to_be_damaged():
    _refused([("casse.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> nonsense")], "abîmé")
    whole = text_pdf(LETTER_BODY)
    _refused([("coupe.pdf", whole[: len(whole) // 3])], "abîmé")


def _png_header(width: int, height: int, depth: int = 1, colour: int = 0) -> bytes:
    """A PNG that announces `width`×`height` pixels in a few bytes: what an image bomb is."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = zlib.compress(b"\x00" * (1 + width // 8) * 8)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0))
            + chunk(b"IDAT", rows) + chunk(b"IEND", b""))


@pytest.mark.parametrize("width, height, depth, colour", [
    (40_000, 40_000, 1, 0),   # far above the limit: Pillow refuses it itself
    (9_000, 9_000, 1, 0),     # just above: Pillow's warning, made an error
    (8_000, 7_000, 8, 2),     # 56 MP in colour: fine as a JPEG (decoded reduced), too big decoded whole
])
def test_an_image_bomb_is_refused_from_its_header(width, height, depth, colour):
    assert Image.MAX_IMAGE_PIXELS == sources.MAX_PIXELS
    _refused([("bombe.png", _png_header(width, height, depth, colour))], "image trop grande")


def test_a_truncated_photo_is_said_to_be_damaged(photo_jpg):
    _refused([("coupee.jpg", photo_jpg[: len(photo_jpg) // 2])], "abîmée")


# --- Decoded, bounded, upright, without OCR ------------------------------------------------

def test_a_50_megapixel_photo_is_decoded_already_reduced(scan_png):
    photo = Image.new("L", (6120, 8160), 255)   # 49.9 MP (greyscale: made faster, decoded the same way)
    photo.paste(Image.open(io.BytesIO(scan_png)).convert("L"), (2000, 3000))
    data = _encoded(photo, "JPEG", quality=70)
    del photo
    decoded: list[tuple[int, int]] = []
    real_load = ImageFile.ImageFile.load

    def spy_load(image):
        pixels = real_load(image)
        decoded.append(image.size)
        return pixels

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ImageFile.ImageFile, "load", spy_load)
        [page] = sources.pages([("photo-50mp.jpg", data)])
    assert max(page.image.size) <= sources.WORK_LONG_SIDE
    assert page.image.mode == "L"
    assert decoded and max(decoded[0]) <= 2 * sources.WORK_LONG_SIDE, "decoded whole, not at a reduced scale"


def test_exif_orientation_is_applied():
    image = Image.new("RGB", (400, 300), "white")
    exif = Image.Exif()
    exif[0x0112] = 6   # the phone was held sideways: turn 90° to show it
    [page] = sources.pages([("tournee.jpg", _encoded(image, "JPEG", exif=exif))])
    assert page.image.size == (300, 400)


def test_an_iphone_heic_is_decoded_like_the_same_photo_in_png(photo_jpg):
    import pillow_heif

    pillow_heif.register_heif_opener()
    photo = Image.open(io.BytesIO(photo_jpg)).reduce(2)   # HEVC encoding is slow: a smaller photo
    heic = _encoded(photo, "HEIF", quality=80)
    assert sources.kind_of(heic) == "heif"
    [from_heic] = sources.pages([("IMG_0001.HEIC", heic)])
    [from_png] = sources.pages([("photo.png", _encoded(photo, "PNG"))])
    assert from_heic.image.size == from_png.image.size
    difference = np.abs(np.asarray(from_heic.image, np.int16) - np.asarray(from_png.image, np.int16))
    assert difference.mean() < 8


def test_a_transparent_png_becomes_white_paper():
    image = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    [page] = sources.pages([("transparent.png", _encoded(image, "PNG"))])
    assert np.asarray(page.image).min() == 255


def test_a_text_pdf_is_read_from_its_text_layer_without_ocr(monkeypatch):
    def no_ocr(*args, **kwargs):
        raise AssertionError("the OCR ran on a text PDF")

    monkeypatch.setattr(ocr, "read_image", no_ocr)
    text, pages = letter_text([("decision.pdf", text_pdf(LETTER_BODY))])
    assert pages == 1
    assert "Numéro allocataire : 7654321" in text
    assert "aide personnalisée au logement" in text


def test_a_page_that_gave_no_text_keeps_the_letters_silence_from_reading_as_a_no(monkeypatch):
    """A blurred verso (the appeal route is often there): what the letter does not say on the
    pages read is not proposed as a « no »; what it says still is."""
    monkeypatch.setattr(ocr, "read_image", lambda image: ocr.PageText("", 0))
    whole = text_pdf(LETTER_BODY + "\nNous vous prions d'agréer, Monsieur, nos salutations distinguées.")
    alone = read_letter([("recto.pdf", whole)]).fields
    assert alone["decision.algorithm_mentioned"].value is False
    verso = _encoded(Image.new("L", (620, 877), 250), "PNG")
    with_verso = read_letter([("recto.pdf", whole), ("verso.png", verso)])
    assert with_verso.pages == 2 and "decision.algorithm_mentioned" not in with_verso.fields
    assert with_verso.fields["decision.appeal_info_given"].value is True


def test_a_scanned_pdf_gives_its_pages_as_images_at_about_300_dpi(scan_png):
    scanned = _encoded(Image.open(io.BytesIO(scan_png)).convert("L"), "PDF", resolution=150.0)
    [page] = sources.pages([("scan.pdf", scanned)])
    assert page.text is None and page.image is not None
    assert abs(page.image.height - 297 / 25.4 * sources.PDF_DPI) < 40   # an A4 page at 300 dpi


def test_a_page_photographed_sideways_is_turned_level_before_the_ocr(scan_png):
    scan = np.asarray(Image.open(io.BytesIO(scan_png)).convert("L"))
    sideways = np.ascontiguousarray(np.rot90(scan))
    turned = ocr.level(sideways)
    assert turned.shape == scan.shape   # portrait again (upside down or not: read_image tries both)
    tilted = ocr.level(np.asarray(Image.fromarray(scan).rotate(7, fillcolor=255, expand=False)))
    assert abs(ocr._levelling(ocr._ink(tilted))[0]) < 0.5


def test_a_page_taller_than_wide_is_never_turned_a_quarter():
    """A letter stands upright on its sheet: strokes running up and down in a portrait page
    (a short letter's aligned margins, blur) do not turn it; the same page wider than tall does."""
    lying = np.full((560, 800), 235, np.uint8)
    for y in range(60, 260, 28):
        lying[y:y + 8, 60:740] = 30
    standing = np.ascontiguousarray(np.rot90(lying))   # 800 × 560, its strokes up and down
    ink = ocr._ink(standing)
    assert ocr._levelling(np.ascontiguousarray(np.rot90(ink)))[1] > 1.5 * ocr._levelling(ink)[1]   # sharper turned
    assert ocr.level(standing).shape == standing.shape


def test_tesseract_gets_the_blurred_strokes_of_a_photo_sharpened(monkeypatch):
    """A phone's blur runs a figure's strokes together (a dotted zero read 8): the page handed
    to Tesseract has steeper edges than the cleaned photo."""
    from PIL import ImageFilter

    page = Image.new("L", (300, 400), 235)
    for y in range(60, 340, 20):
        page.paste(40, (40, y, 260, y + 4))
    blurred = np.asarray(page.filter(ImageFilter.GaussianBlur(1.4)))
    seen: list[np.ndarray] = []
    monkeypatch.setattr(ocr, "tesseract", lambda image, psm=3: seen.append(image) or ocr.PageText("mot " * 40, 40))
    ocr.read_image(Image.fromarray(blurred))
    cleaned = ocr.normalise(ocr.light_on_dark(ocr.level(ocr.straighten(blurred))))

    def steepest(grey: np.ndarray) -> int:
        return int(np.abs(np.diff(grey.astype(np.int16), axis=0)).max())

    assert len(seen) == 1 and steepest(seen[0]) > 1.3 * steepest(cleaned)


def test_a_photographed_sheet_is_read_smaller_and_a_scan_as_it_is(monkeypatch, scan_png, photo_jpg):
    """A photo's sheet, found on its background and straightened, goes to Tesseract at
    PHOTO_SCALE (its blur and JPEG blocks average out); a scan at its own size."""
    seen: list[tuple[int, int]] = []
    monkeypatch.setattr(ocr, "tesseract", lambda image, psm=3: seen.append(image.shape) or ocr.PageText("mot " * 40, 40))
    photographed = []
    for data in (scan_png, photo_jpg):
        grey = np.asarray(Image.open(io.BytesIO(data)).convert("L"))
        ocr.read_image(Image.fromarray(grey))
        sheet = ocr.straighten(grey)
        photographed.append(sheet is not grey)
        height, width = ocr.level(sheet).shape
        scale = ocr.PHOTO_SCALE if photographed[-1] else 1.0
        assert seen[-1] == (int(height * scale), int(width * scale))
    assert photographed == [False, True] and ocr.PHOTO_SCALE < 1


def test_a_sheet_whose_edge_lies_in_a_cast_shadow_is_found_whole():
    """A hand's shadow over the top of the sheet and the table beside it: the sheet's border
    under it is faint in grey levels but not in ratio; the shadow's own edge is no border."""
    from PIL import ImageDraw, ImageFilter

    sheet = [(70, 50), (540, 80), (560, 720), (40, 700)]
    image = Image.new("L", (620, 800), 110)
    draw = ImageDraw.Draw(image)
    draw.polygon(sheet, fill=210)
    for y in range(140, 640, 40):
        draw.line([(130, y), (460, y + 6)], fill=40, width=5)
    shade = Image.new("L", image.size, 0)
    ImageDraw.Draw(shade).ellipse((-200, -250, 500, 220), fill=255)
    shade = np.asarray(shade.filter(ImageFilter.GaussianBlur(25)), np.float32) / 255
    photo = (np.asarray(image, np.float32) * (1 - 0.8 * shade)).astype(np.uint8)
    corners = ocr._sheet_corners(photo)
    assert corners is not None and np.abs(corners - np.array(sheet, float)).max() <= 4


# --- Read by Tesseract: a handful of pages, each once ----------------------------------------

@pytest.fixture(scope="module")
def public_readings(tesseract, scan_png, photo_jpg):
    return {"scan": read_letter([("caf-apl-suspension-scan.png", scan_png)]),
            "photo": read_letter([("caf-apl-suspension-photo.jpg", photo_jpg)])}


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["scan", "photo"])
def test_the_public_example_gives_every_expected_field(public_readings, kind):
    expected = json.loads(require_shared(LETTERS / "caf-apl-suspension.expected.json").read_text(encoding="utf-8"))
    reading = public_readings[kind]
    assert reading.pages == 1
    found = {name: reading.fields[name].value for name in expected if name in reading.fields}
    assert found == expected
    assert all(p.confidence >= CONFIDENCE_THRESHOLD and p.evidence for p in reading.fields.values())


def test_a_blank_page_says_no_letter_text_was_read(tesseract):
    blank = _encoded(Image.new("L", (1240, 1754), 250), "PNG")
    with pytest.raises(UnreadableLetter, match=f"{NO_TEXT} page-blanche.png"):
        letter_text([("page-blanche.png", blank)])


def test_a_photo_of_something_else_says_no_letter_text_was_read(tesseract):
    """A made-up snapshot: a sky, a lawn, a sun, leaves; shapes and colours, no writing."""
    import cv2

    rng = np.random.default_rng(21)
    scene = np.zeros((1500, 2000, 3), np.uint8)
    scene[:700] = (235, 190, 120)
    scene[700:] = (60, 150, 70)
    cv2.circle(scene, (1600, 250), 140, (80, 220, 250), -1)
    for _ in range(60):
        centre = (int(rng.integers(0, 2000)), int(rng.integers(650, 1500)))
        colour = tuple(int(c) for c in rng.integers(20, 200, 3))
        cv2.ellipse(scene, centre, (int(rng.integers(10, 80)), int(rng.integers(5, 40))), float(rng.integers(0, 180)),
                    0, 360, colour, -1)
    scene = cv2.GaussianBlur(scene, (0, 0), 1.5)
    photo = _encoded(Image.fromarray(scene[:, :, ::-1]), "JPEG", quality=60)
    with pytest.raises(UnreadableLetter, match=f"{NO_TEXT} jardin.jpg"):
        letter_text([("jardin.jpg", photo)])


def _tsv(*words: tuple[str, int, int, float, str]) -> str:
    """Tesseract's TSV for words given as (block.paragraph.line, left, height, confidence, text)."""
    rows = ["level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
            "1\t1\t0\t0\t0\t0\t0\t0\t2000\t2800\t-1\t"]
    for number, (where, left, height, confidence, text) in enumerate(words, start=1):
        block, paragraph, line = where.split(".")
        rows.append(f"5\t1\t{block}\t{paragraph}\t{line}\t{number}\t{left}\t0\t{12 * len(text)}\t{height}\t"
                    f"{confidence}\t{text}")
    return "\n".join(rows) + "\n"


def test_two_columns_run_together_by_tesseract_are_given_one_after_the_other():
    read = ocr.parse_tsv(_tsv(
        ("1.1.1", 100, 30, 95, "Identifiant"), ("1.1.1", 250, 30, 95, ":"), ("1.1.1", 270, 30, 95, "6585435W"),
        ("1.1.1", 1200, 30, 95, "Madame"), ("1.1.1", 1300, 30, 95, "Amina"), ("1.1.1", 1400, 30, 95, "Renaud"),
        ("1.1.2", 100, 30, 95, "Référence"), ("1.1.2", 1200, 30, 95, "27"), ("1.1.2", 1240, 30, 95, "route"),
        ("1.1.3", 1200, 30, 95, "35190"), ("1.1.3", 1290, 30, 95, "Cardroc"),
    ))
    assert read.text.splitlines() == ["Identifiant : 6585435W", "Référence", "", "Madame Amina Renaud", "27 route",
                                      "35190 Cardroc"]


def test_a_table_row_stays_one_line_and_marks_that_are_not_words_are_dropped():
    read = ocr.parse_tsv(_tsv(
        ("1.1.1", 100, 30, 95, "MSA"), ("1.1.1", 160, 30, 95, "Savoie"), ("1.1.1", 400, 2, 0, "A"),
        ("1.1.1", 1700, 90, 35, "3"),
        ("2.1.1", 100, 30, 95, "Trop-perçu"), ("2.1.1", 1500, 30, 95, "3 462,06 €"),
        ("2.1.2", 100, 30, 95, "Retenue"), ("2.1.2", 1580, 30, 95, "95,34 €"),
    ))
    assert read.text.splitlines() == ["MSA Savoie", "", "Trop-perçu 3 462,06 €", "Retenue 95,34 €"]
    assert read.good_words == 4

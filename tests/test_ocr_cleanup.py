"""The page clean-up before Tesseract (assistant/reading/ocr.py) with Pillow and numpy only:
OpenCV is not in the deployment image (its wheel alone would be a third of it). No OCR here:
the readings themselves are tested in tests/test_reading.py."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from PIL import Image, ImageDraw

from assistant.reading import ocr

SHEET = [(70, 50), (540, 80), (560, 720), (40, 700)]   # a photographed sheet's corners (x, y), clockwise


def _photo() -> np.ndarray:
    """A light sheet with lines of « ink », tilted and in perspective, on a darker table."""
    image = Image.new("L", (620, 800), 90)
    draw = ImageDraw.Draw(image)
    draw.polygon(SHEET, fill=225)
    for y in range(140, 640, 40):
        draw.line([(130, y), (460, y + 6)], fill=40, width=5)
    return np.asarray(image)


def test_the_reader_imports_and_cleans_a_page_without_opencv():
    code = ("import sys; sys.modules['cv2'] = None\n"
            "import numpy as np\n"
            "from assistant.reading import ocr, sources\n"
            "page = np.full((400, 300), 200, np.uint8); page[100:110, 50:250] = 30\n"
            "assert ocr.normalise(ocr.level(ocr.straighten(page))).shape == (400, 300)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_sheet_s_corners_are_found_on_the_table():
    corners = ocr._sheet_corners(_photo())
    assert corners is not None
    assert np.abs(corners - np.array(SHEET, float)).max() <= 4


def test_a_photographed_sheet_is_cut_out_and_straightened():
    page = ocr.straighten(_photo())
    height, width = page.shape   # the longer of each pair of opposite sides: 650 × 520
    assert 640 <= height <= 660 and 510 <= width <= 530
    # No strip of table left along the edges: the paper's grey reaches them.
    assert min(np.median(page[2]), np.median(page[-3]), np.median(page[:, 2]), np.median(page[:, -3])) > 180


def test_a_scan_filling_the_frame_is_left_as_it_is():
    scan = np.full((500, 360), 230, np.uint8)
    scan[100:105, 40:300] = 20
    assert ocr.straighten(scan) is scan


def test_the_reduction_is_the_mean_of_each_covered_area():
    grey = np.random.default_rng(1).integers(0, 256, (90, 60), dtype=np.uint8)
    blocks = grey.reshape(30, 3, 20, 3).mean(axis=(1, 3))
    assert np.abs(ocr._reduced(grey, 1 / 3).astype(int) - np.rint(blocks)).max() <= 1
    half_covered = ocr._reduced(np.array([[0, 0, 255, 255, 255]], np.uint8), 0.4)   # 2.5 pixels each
    assert half_covered.tolist() == [[51, 255]]


def test_the_median_filter_removes_single_specks():
    grey = np.random.default_rng(2).integers(0, 256, (40, 30), dtype=np.uint8)
    padded = np.pad(grey, 1, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 3))
    assert np.array_equal(ocr._median3(grey), np.median(windows, axis=(2, 3)).astype(np.uint8))


@pytest.mark.parametrize("angle", [-6.0, 3.5])
def test_a_tilted_page_is_levelled(angle):
    page = Image.new("L", (700, 900), 235)
    draw = ImageDraw.Draw(page)
    for y in range(100, 800, 30):
        draw.line([(80, y), (620, y)], fill=30, width=4)
    tilted = np.asarray(page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=235))
    found, _ = ocr._levelling(ocr._ink(tilted))
    assert abs(found + angle) <= 0.3


def test_shadow_is_divided_out():
    shade = np.linspace(90, 230, 600)[None, :].repeat(400, axis=0)
    page = shade.copy()
    page[200:206, 50:550] *= 0.3   # a line of ink across the shadow
    even = ocr.normalise(page.astype(np.uint8))
    paper = np.delete(even, np.s_[195:211], axis=0)
    assert paper.min() >= 240
    assert even[203, 60] < 110 and even[203, 540] < 110


def _banner_page() -> np.ndarray:
    """A page with the body's name in light letters on a dark band, a line of ink just under
    the band, and ordinary ink lines in a deep shadow lower down."""
    page = np.full((700, 500), 235, np.uint8)
    page[60:110, 40:460] = 60                    # the band
    for x in range(60, 300, 20):
        page[70:100, x:x + 8] = 240              # its light letters
    page[125:131, 40:460] = 30                   # the address line under it
    page[400:, :] = (page[400:, :] * 0.5).astype(np.uint8)   # a shadow over the lower part
    for y in range(430, 680, 30):
        page[y:y + 6, 40:460] = 15               # ink lines in the shadow
    return page


def test_light_letters_on_a_dark_band_are_turned_dark_on_light():
    page = _banner_page()
    turned = ocr.light_on_dark(page)
    assert turned[85, 64] < 40 and turned[65, 250] > 170   # a letter now dark, its ground light
    assert turned[85, 440] > 170                           # the band's empty end too: no edge left in it
    even = ocr.normalise(turned)
    assert even[85, 64] < 60 and even[85, 74] > 200         # dark on white, as Tesseract reads best


def test_ink_next_to_a_band_or_in_a_shadow_is_left_as_it_is():
    page = _banner_page()
    turned = ocr.light_on_dark(page)
    assert np.array_equal(turned[118:], page[118:])        # the address line and the shadowed text
    plain = page.copy()
    plain[60:110] = 235                                    # no band: the page comes back untouched
    assert ocr.light_on_dark(plain) is plain


def test_a_scan_is_not_cut_down_to_its_block_of_text():
    scan = np.full((800, 600), 232, np.uint8)
    scan[40:52, 60:300] = 30                      # the heading, away from the block
    for y in range(200, 760, 14):
        scan[y:y + 6, 60:540] = 30                # a dense block of text lines
    assert ocr.straighten(scan) is scan
    assert ocr._sheet_corners(_photo()) is not None   # a sheet on a darker table still stands out


def _tsv(*words: tuple[str, int, int, str]) -> str:
    """Tesseract's TSV for words given as (block.paragraph.line, left, top, text), all sure."""
    rows = ["level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"]
    for number, (where, left, top, text) in enumerate(words, start=1):
        block, paragraph, line = where.split(".")
        rows.append(f"5\t1\t{block}\t{paragraph}\t{line}\t{number}\t{left}\t{top}\t{12 * len(text)}\t30\t95\t{text}")
    return "\n".join(rows) + "\n"


def test_blocks_under_two_columns_continue_the_column_they_lie_in():
    read = ocr.parse_tsv(_tsv(
        ("1.1.1", 100, 100, "Identifiant"), ("1.1.1", 250, 100, "6585435W"), ("1.1.1", 1200, 100, "Madame"),
        ("1.1.1", 1300, 100, "Amina"), ("1.1.2", 100, 140, "Date"), ("1.1.2", 160, 140, "02/10/2026"),
        ("1.1.2", 1200, 140, "27"), ("1.1.2", 1240, 140, "route"),
        ("2.1.1", 100, 180, "Référence"), ("2.1.1", 230, 180, "IND-2026-57155"),   # the references' end
        ("3.1.1", 1200, 185, "35190"), ("3.1.1", 1290, 185, "Cardroc"),             # the town, on the right
        ("4.1.1", 100, 600, "Madame,"),                                             # the letter, further down
    ))
    assert read.text.splitlines() == ["Identifiant 6585435W", "Date 02/10/2026", "Référence IND-2026-57155", "",
                                      "Madame Amina", "27 route", "35190 Cardroc", "", "Madame,"]

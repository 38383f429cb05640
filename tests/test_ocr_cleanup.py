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

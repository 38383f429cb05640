"""A page image cleaned with OpenCV, then read by Tesseract through its standard input and
output: the image and the text never touch the disk.

The clean-up does what a phone photo needs and a scan does not mind: the sheet found on its
background and its perspective straightened, the remaining tilt (up to ±10°) corrected,
shadows and low light evened out (the paper's brightness divided away). A page turned by
90° is turned back by the direction of its lines, one upside down by reading it both ways
when the first reading finds few words. Tesseract runs single-threaded (OMP_THREAD_LIMIT=1): the server's
cores serve several people at once.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from typing import Optional

import cv2
import numpy as np
from PIL import Image

LANGUAGE = "fra"
TIMEOUT_SECONDS = 60          # per Tesseract run: a page takes 1–2 s; beyond, something is wrong
MIN_WORDS = 12                # fewer confident words on a page: no letter text was found on it
GOOD_CONFIDENCE = 60          # Tesseract's confidence (0–100) of a word counted as read
NOISE_CONFIDENCE = 40         # below, a word of unusual height is a mark (a rule, a bar), not text
MAX_SKEW = 10.0               # degrees
_WORD = re.compile(r"[^\W\d_]{2,}")


class OcrUnavailable(RuntimeError):
    """Tesseract or its French model is missing: the installation's fault, not the file's."""


@dataclass(frozen=True)
class PageText:
    """What Tesseract read on one page, and how many of its words it is sure of."""
    text: str
    good_words: int


def read_image(image: Image.Image) -> PageText:
    """The text of one page image: cleaned, levelled, read, and read again upside down when
    the first reading finds few words."""
    grey = np.asarray(image.convert("L"))
    page = normalise(level(straighten(grey)))
    if _ink(page).sum() < 200:
        return PageText("", 0)   # a blank page: nothing for Tesseract
    first = tesseract(page)
    if first.good_words >= 3 * MIN_WORDS:
        return first
    # Upside down? Read it turned and keep the reading with more sure words. Tesseract's own
    # orientation detection (--psm 0) was tried: on degraded photos it often returned nothing.
    turned = tesseract(np.ascontiguousarray(np.rot90(page, 2)))
    return turned if turned.good_words > first.good_words else first


def straighten(grey: np.ndarray) -> np.ndarray:
    """A photo of a sheet on a table: the sheet alone, its perspective corrected. A scan (the
    sheet fills the frame) or an image with no clear sheet is returned as it is."""
    height, width = grey.shape
    scale = 800 / max(height, width)
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    corners = _sheet_corners(small)
    if corners is None:
        return grey
    corners = _ordered(corners / scale)
    frame = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32)
    if np.linalg.norm(corners - frame, axis=1).max() < 0.015 * np.hypot(width, height):
        return grey   # the sheet fills the frame: a scan, nothing to straighten
    top_left, top_right, bottom_right, bottom_left = corners
    out_width = int(max(np.linalg.norm(top_right - top_left), np.linalg.norm(bottom_right - bottom_left)))
    out_height = int(max(np.linalg.norm(bottom_left - top_left), np.linalg.norm(bottom_right - top_right)))
    if out_width < 200 or out_height < 200:
        return grey
    target = np.array([[0, 0], [out_width - 1, 0], [out_width - 1, out_height - 1], [0, out_height - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(corners, target)
    return cv2.warpPerspective(grey, matrix, (out_width, out_height), flags=cv2.INTER_CUBIC,
                               borderMode=cv2.BORDER_REPLICATE)


def _sheet_corners(small: np.ndarray) -> Optional[np.ndarray]:
    """The four corners of the largest bright quadrilateral of a reduced photo: first from the
    sheet's outline (edges: works on a light table or in a shadow), then from a global
    threshold (works where the outline is blurred); None when neither finds a sheet."""
    blurred = cv2.GaussianBlur(small, (7, 7), 0)
    edges = cv2.dilate(cv2.Canny(blurred, 20, 60), cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    _, bright = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (25, 25)))
    for mask in (edges, bright):
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        if not contours:
            continue
        sheet = cv2.convexHull(max(contours, key=cv2.contourArea))
        area = cv2.contourArea(sheet)
        if area < 0.25 * small.shape[0] * small.shape[1]:
            continue
        perimeter = cv2.arcLength(sheet, True)
        for epsilon in (0.02, 0.03, 0.05, 0.08):
            approx = cv2.approxPolyDP(sheet, epsilon * perimeter, True)
            if len(approx) == 4 and cv2.contourArea(approx) > 0.9 * area:
                return approx.reshape(4, 2).astype(np.float32)
    return None


def _ordered(points: np.ndarray) -> np.ndarray:
    """Top-left, top-right, bottom-right, bottom-left."""
    sums, diffs = points.sum(axis=1), np.diff(points, axis=1).ravel()
    return np.array([points[np.argmin(sums)], points[np.argmin(diffs)], points[np.argmax(sums)],
                     points[np.argmax(diffs)]], np.float32)


def _ink(grey: np.ndarray) -> np.ndarray:
    """Dark strokes as 1 on a reduced copy (about 1000 pixels long)."""
    scale = min(1.0, 1000 / max(grey.shape))
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return cv2.adaptiveThreshold(small, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def _levelling(ink: np.ndarray) -> tuple[float, float]:
    """(angle, sharpness): the tilt within ±MAX_SKEW at which the rows of ink are the most
    contrasted (projection profile), and how contrasted they then are."""
    height, width = ink.shape
    centre = (width / 2, height / 2)

    def sharpness(angle: float) -> float:
        turned = cv2.warpAffine(ink, cv2.getRotationMatrix2D(centre, angle, 1.0), (width, height),
                                flags=cv2.INTER_NEAREST)
        rows = turned.sum(axis=1, dtype=np.float64)
        return float(np.sum(np.diff(rows) ** 2))

    coarse = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 1.0), key=sharpness)
    fine = max(np.arange(coarse - 0.9, coarse + 0.91, 0.1), key=sharpness)
    return float(np.clip(fine, -MAX_SKEW, MAX_SKEW)), sharpness(fine)


def level(grey: np.ndarray) -> np.ndarray:
    """The page turned so that its lines are level: a quarter turn when its lines run up and
    down (a page photographed sideways), then the tilt (up to ±MAX_SKEW) corrected. Whether
    it is upside down is left to `read_image`."""
    ink = _ink(grey)
    if ink.sum() < 200:
        return grey
    angle, across = _levelling(ink)
    sideways_angle, sideways = _levelling(np.ascontiguousarray(np.rot90(ink)))
    if sideways > 1.5 * across:
        grey, angle = np.ascontiguousarray(np.rot90(grey)), sideways_angle
    if abs(angle) < 0.2:
        return grey
    height, width = grey.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(grey, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def normalise(grey: np.ndarray) -> np.ndarray:
    """Even light: the paper's brightness, estimated by closing the ink away on a reduced copy,
    is divided out (shadows, a lamp's gradient, low light). No CLAHE after it: tried on dim
    photos, it raised the noise more than the ink and Tesseract then read nothing."""
    grey = cv2.medianBlur(grey, 3)   # a dim photo's sensor noise, which the division would amplify
    height, width = grey.shape
    scale = min(1.0, 600 / max(height, width))
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    size = max(5, int(max(small.shape) / 40) | 1)
    paper = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size)))
    paper = cv2.medianBlur(paper, size)
    paper = cv2.resize(paper, (width, height), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(grey, np.maximum(paper, 1), scale=255)


def tesseract_command() -> str:
    """Tesseract's path, or why it cannot run (in French, for the operator)."""
    found = shutil.which("tesseract")
    if not found:
        raise OcrUnavailable("Tesseract n'est pas installé : lancez « make run » en root, ou « apt-get install "
                             "tesseract-ocr tesseract-ocr-fra ».")
    return found


def _run(image: np.ndarray, *options: str) -> subprocess.CompletedProcess:
    ok, encoded = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    if not ok:
        raise ValueError("image could not be encoded")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "OMP_THREAD_LIMIT": "1", "LC_ALL": "C.UTF-8"}
    if "TESSDATA_PREFIX" in os.environ:
        env["TESSDATA_PREFIX"] = os.environ["TESSDATA_PREFIX"]
    return subprocess.run([tesseract_command(), "stdin", "stdout", *options], input=encoded.tobytes(),
                          capture_output=True, env=env, timeout=TIMEOUT_SECONDS, check=False)


def tesseract(image: np.ndarray, psm: int = 3) -> PageText:
    """The page's text, line by line with a blank line between paragraphs (from Tesseract's
    TSV output, which also gives each word's confidence)."""
    try:
        done = _run(image, "-l", LANGUAGE, "--psm", str(psm), "tsv")
    except subprocess.TimeoutExpired:   # stopped (subprocess kills it): the page counts as unread
        return PageText("", 0)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace")
        if "traineddata" in message or "language" in message.lower():
            raise OcrUnavailable(f"le modèle français de Tesseract manque : « apt-get install tesseract-ocr-{LANGUAGE} ».")
        return PageText("", 0)
    return parse_tsv(done.stdout.decode("utf-8", "replace"))


@dataclass(frozen=True)
class _Word:
    key: tuple[str, str, str]    # block, paragraph, line
    left: int
    right: int
    height: int
    confidence: float
    text: str


def parse_tsv(tsv: str) -> PageText:
    """Text and count of confident words from `tesseract … tsv`. Marks that are not words
    (a rule, a bar read as « A » or « 3 ») are dropped, and a line that Tesseract ran across
    two columns (a file number on the left, the person's name on the right) is cut at the wide
    gap, each column's lines then given in turn: the rules read one thing per line."""
    words: list[_Word] = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12:
            continue
        if cells[0] != "5" or not cells[11].strip():
            continue
        try:
            left, width, height, confidence = int(cells[6]), int(cells[8]), int(cells[9]), float(cells[10])
        except ValueError:
            continue
        words.append(_Word((cells[2], cells[3], cells[4]), left, left + width, height, confidence, cells[11].strip()))
    if not words:
        return PageText("", 0)
    usual = float(np.median([w.height for w in words]))
    words = [w for w in words if w.confidence >= NOISE_CONFIDENCE
             or (0.4 * usual <= w.height <= 2.5 * usual and w.confidence >= NOISE_CONFIDENCE / 2)]
    good = sum(1 for w in words if w.confidence >= GOOD_CONFIDENCE and _WORD.search(w.text))
    gap = 3.0 * usual   # between words about one height; between columns, many
    rows: list[list[list[_Word]]] = []   # Tesseract's lines → pieces split at a wide gap → words
    for word in words:
        if rows and rows[-1][-1][-1].key == word.key:
            if word.left - rows[-1][-1][-1].right > gap:
                rows[-1].append([word])
            else:
                rows[-1][-1].append(word)
        else:
            rows.append([[word]])
    blocks: dict[str, list[list[list[_Word]]]] = {}
    for row in rows:
        blocks.setdefault(row[0][0].key[0], []).append(row)
    out: list[str] = []
    for block in blocks.values():
        columns = _columns(block, tolerance=usual)
        for column in columns:
            last_paragraph = None
            for words_of_line in column:   # paragraphs apart, except in columns cut from shared lines
                if len(columns) == 1 and last_paragraph is not None and words_of_line[0].key[1] != last_paragraph:
                    out.append("")
                out.append(" ".join(w.text for w in words_of_line))
                last_paragraph = words_of_line[0].key[1]
            out.append("")
    return PageText("\n".join(out).strip(), good)


def _columns(rows: list[list[list[_Word]]], tolerance: float) -> list[list[list[_Word]]]:
    """A block's lines, as one column, or as two when at least two of its lines are cut by a
    wide gap whose right pieces start at the same place (a reference block beside the
    address): the left pieces first, then the right ones. A table's row, whose right pieces
    do not line up, stays one line."""
    cut = [row for row in rows if len(row) == 2]
    starts = sorted(row[1][0].left for row in cut)
    if len(cut) < 2 or starts[-1] - starts[0] > tolerance:
        return [[[w for piece in row for w in piece] for row in rows]]
    split = starts[0] - tolerance
    left: list[list[_Word]] = []
    right: list[list[_Word]] = []
    for row in rows:
        for piece in row:
            (right if piece[0].left >= split else left).append(piece)
    return [left, right]

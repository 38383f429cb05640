"""A page image cleaned with Pillow and numpy, then read by Tesseract through its standard input
and output: the image and the text never touch the disk. (Not OpenCV: its wheel alone weighs
173 MB, a third of the deployment image, for the few filters used here.)

The clean-up does what a phone photo needs and a scan does not mind: the sheet found on its
background and its perspective straightened, the remaining tilt (up to ±10°) corrected,
shadows and low light evened out (the paper's brightness divided away), light letters on a
dark band (a body's name in a banner) turned dark on light, blurred strokes sharpened. A page turned by
90° is turned back by the direction of its lines, one upside down by reading it both ways
when the first reading finds few words. Tesseract runs single-threaded (OMP_THREAD_LIMIT=1): the server's
cores serve several people at once.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

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


# A photographed sheet (found on its background and straightened) is read at this scale: its
# blur and JPEG blocks average out. Measured on the bench's photos: training 87 → 89 %, held-out
# 4 90 → 94 %, held-out 9 80 → 84 % of fields right; on scans the same scaling lost 1.5 points,
# so a scan is read as it is.
PHOTO_SCALE = 0.75


def read_image(image: Image.Image) -> PageText:
    """The text of one page image: cleaned, levelled, read, and read again upside down when
    the first reading finds few words."""
    grey = np.asarray(image.convert("L"))
    sheet = straighten(grey)
    page = normalise(light_on_dark(level(sheet)))
    if _ink(page).sum() < 200:
        return PageText("", 0)   # a blank page: nothing for Tesseract
    page = sharpen(page)
    if sheet is not grey:   # a photo of a sheet on a table
        height, width = page.shape
        page = np.asarray(_image(page).resize((int(width * PHOTO_SCALE), int(height * PHOTO_SCALE)), Image.Resampling.BICUBIC))
    first = tesseract(page)
    if first.good_words >= 3 * MIN_WORDS:
        return first
    # Upside down? Read it turned and keep the reading with more sure words. Tesseract's own
    # orientation detection (--psm 0) was tried: on degraded photos it often returned nothing.
    turned = tesseract(np.ascontiguousarray(np.rot90(page, 2)))
    return turned if turned.good_words > first.good_words else first


# --- Small image operations on numpy arrays (grey, uint8), through Pillow ----------------------

_Pick = Callable[[np.ndarray, np.ndarray], np.ndarray]   # np.maximum or np.minimum


def _image(grey: np.ndarray) -> Image.Image:
    """The array as a Pillow greyscale image, for Pillow's filters and geometry."""
    return Image.fromarray(np.ascontiguousarray(grey, dtype=np.uint8))


def _reduced(grey: np.ndarray, scale: float) -> np.ndarray:
    """A copy `scale` times the size, each pixel the mean of the area it covers, partly covered
    pixels in proportion (thin strokes fade instead of flickering in and out; Pillow's BOX
    filter counts a pixel whole or not at all, which shifts strokes by a pixel)."""
    if scale == 1.0:
        return grey
    return _reduced_across(np.ascontiguousarray(_reduced_across(grey, scale).T), scale).T.copy()


def _reduced_across(grey: np.ndarray, scale: float) -> np.ndarray:
    """`_reduced` along the rows only: the sums between each output pixel's borders (exactly
    1/scale apart) read off the running sum, a partly covered pixel counted by its covered
    fraction. (Along the rows: numpy's running sum is several times faster that way.)"""
    length = grey.shape[1]
    borders = np.minimum(np.arange(max(1, round(length * scale)) + 1) / scale, length)
    column = np.minimum(np.floor(borders).astype(np.int64), length - 1)
    running = np.cumsum(grey, axis=1, dtype=np.uint32)[:, column]     # columns 0..i included
    before = running - (1.0 - (borders - column))[None, :] * grey[:, column]   # sum left of each border
    means = np.diff(before, axis=1) / np.diff(borders)[None, :] + 0.5
    return np.clip(means, 0, 255).astype(np.uint8)


def _filtered(grey: np.ndarray, kind: ImageFilter.Filter) -> np.ndarray:
    """The array through one of Pillow's filters."""
    return np.asarray(_image(grey).filter(kind))


def _extreme(grey: np.ndarray, size: int, pick: _Pick) -> np.ndarray:
    """The largest (pick=np.maximum) or smallest (np.minimum) value in the size × size square
    around each pixel, edges repeated: in two passes of `size` shifts (Pillow's MaxFilter
    costs size² a pixel, too slow for the 25-pixel squares used here)."""
    half = size // 2
    out = grey
    for axis in (0, 1):
        padded = np.pad(out, [(half, half) if a == axis else (0, 0) for a in (0, 1)], mode="edge")
        length = out.shape[axis]
        out = padded.take(range(0, length), axis=axis)
        for shift in range(1, size):
            out = pick(out, padded.take(range(shift, shift + length), axis=axis))
    return out


def _median3(grey: np.ndarray) -> np.ndarray:
    """The median of the 3 × 3 square around each pixel, edges repeated: each column of three
    sorted, then the median of the three columns' lows' highest, middles' median and highs'
    lowest (exact, and ten times faster than Pillow's MedianFilter on a whole page)."""
    def med(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
        return np.maximum(np.minimum(a, b), np.minimum(np.maximum(a, b), c))

    padded = np.pad(grey, 1, mode="edge")
    up, mid, down = padded[:-2], padded[1:-1], padded[2:]
    low, high = np.minimum(up, mid), np.maximum(up, mid)
    low, middle, high = np.minimum(low, down), np.maximum(low, np.minimum(high, down)), np.maximum(high, down)
    width = grey.shape[1]
    left, centre, right = slice(0, width), slice(1, width + 1), slice(2, width + 2)
    return med(np.maximum(np.maximum(low[:, left], low[:, centre]), low[:, right]),
               med(middle[:, left], middle[:, centre], middle[:, right]),
               np.minimum(np.minimum(high[:, left], high[:, centre]), high[:, right]))


def _closed(grey: np.ndarray, size: int) -> np.ndarray:
    """Morphological closing by a size × size square: dark details narrower than it (ink,
    gaps) filled with the brightness around them."""
    return _extreme(_extreme(grey, size, np.maximum), size, np.minimum)


def _disc_extreme(grey: np.ndarray, size: int, pick: _Pick) -> np.ndarray:
    """The largest or smallest value in the disc of diameter `size` around each pixel (the
    disc drawn as OpenCV's elliptic structuring element), edges repeated: row by row of the
    disc, each row a horizontal stretch."""
    radius = size // 2
    padded = np.pad(grey, radius, mode="edge")
    height, width = grey.shape
    stretches: dict[int, np.ndarray] = {}
    out: Optional[np.ndarray] = None
    for dy in range(-radius, radius + 1):
        half = int(round(np.sqrt(radius * radius - dy * dy)))
        if half not in stretches:
            rows = padded[:, radius - half:radius - half + width]
            for dx in range(-half + 1, half + 1):
                rows = pick(rows, padded[:, radius + dx:radius + dx + width])
            stretches[half] = rows
        band = stretches[half][radius + dy:radius + dy + height]
        out = band if out is None else pick(out, band)
    assert out is not None
    return out


def _disc_closed(grey: np.ndarray, size: int) -> np.ndarray:
    """Closing by a disc: the paper's brightness with the ink taken away, without the square's
    corners reaching over into a logo or a shadow's edge."""
    return _disc_extreme(_disc_extreme(grey, size, np.maximum), size, np.minimum)


def _otsu(grey: np.ndarray) -> int:
    """Otsu's threshold: the grey level that best splits the histogram into two classes
    (largest between-class variance); the bright class is above it."""
    counts = np.bincount(grey.ravel(), minlength=256).astype(np.float64)
    weight = np.cumsum(counts)
    mass = np.cumsum(counts * np.arange(256))
    total, total_mass = weight[-1], mass[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (total_mass * weight - total * mass) ** 2 / (weight * (total - weight))
    return int(np.argmax(np.nan_to_num(between[:-1], nan=0.0, posinf=0.0)))


def _edge_fill(grey: np.ndarray) -> int:
    """The usual grey of the image's edges (the paper, mostly): what fills the corners a
    rotation or a warp brings in, instead of black ink-like wedges."""
    return int(np.median(np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])))


# --- The sheet on its background ------------------------------------------------------------------

def straighten(grey: np.ndarray) -> np.ndarray:
    """A photo of a sheet on a table: the sheet alone, its perspective corrected. A scan (the
    sheet fills the frame) or an image with no clear sheet is returned as it is."""
    height, width = grey.shape
    scale = 800 / max(height, width)
    small = _reduced(grey, scale)
    corners = _sheet_corners(small)
    if corners is None:
        return grey
    corners = corners / scale
    frame = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float64)
    if np.linalg.norm(corners - frame, axis=1).max() < 0.015 * np.hypot(width, height):
        return grey   # the sheet fills the frame: a scan, nothing to straighten
    top_left, top_right, bottom_right, bottom_left = corners
    out_width = int(max(np.linalg.norm(top_right - top_left), np.linalg.norm(bottom_right - bottom_left)))
    out_height = int(max(np.linalg.norm(bottom_left - top_left), np.linalg.norm(bottom_right - top_right)))
    if out_width < 200 or out_height < 200:
        return grey
    target = np.array([[0, 0], [out_width - 1, 0], [out_width - 1, out_height - 1], [0, out_height - 1]], np.float64)
    warped = _image(grey).transform((out_width, out_height), Image.Transform.PERSPECTIVE,
                                    _perspective(target + 0.5, corners + 0.5),   # Pillow: pixel centres at +0.5
                                    resample=Image.Resampling.BICUBIC, fillcolor=_edge_fill(grey))
    return np.asarray(warped)


def _perspective(target: np.ndarray, source: np.ndarray) -> tuple[float, ...]:
    """Pillow's eight perspective coefficients taking each point of the straightened page
    (target) to where it is on the photo (source): x = (a·u + b·v + c) / (g·u + h·v + 1), and
    y likewise with d, e, f."""
    rows: list[list[float]] = []
    values: list[float] = []
    for (u, v), (x, y) in zip(target, source):
        rows.append([u, v, 1, 0, 0, 0, -x * u, -x * v])
        rows.append([0, 0, 0, u, v, 1, -y * u, -y * v])
        values += [x, y]
    return tuple(float(c) for c in np.linalg.solve(np.array(rows), np.array(values)))


def _sheet_corners(small: np.ndarray) -> Optional[np.ndarray]:
    """The four corners (top-left, top-right, bottom-right, bottom-left) of the largest bright
    quadrilateral of a reduced photo: first from the sheet's outline (edges: works on a light
    table or in a shadow), then from a global threshold (works where the outline is blurred);
    None when neither finds a sheet."""
    blurred = _filtered(small, ImageFilter.GaussianBlur(1.4)).astype(np.int16)
    # The change of brightness across 2 pixels, both ways, in ratio (of the logarithm): a cast
    # shadow dims the sheet and the table alike, so their border keeps its ratio where its
    # difference falls (measured in grey levels, the border under a shadow was lost and the
    # shadow's own edge taken for the sheet's).
    logarithm = np.log(blurred.astype(np.float32) + SHEET_DARKEST)
    gradient = np.zeros_like(logarithm)
    gradient[1:-1, 1:-1] = (np.abs(logarithm[1:-1, 2:] - logarithm[1:-1, :-2])
                            + np.abs(logarithm[2:, 1:-1] - logarithm[:-2, 1:-1]))
    edges = _extreme((gradient > SHEET_EDGE).astype(np.uint8), 5, np.maximum)
    bright = _closed((blurred > _otsu(blurred.astype(np.uint8))).astype(np.uint8), 25)
    # The band of strong gradient, widened, lies about 3 pixels outside the sheet's border on
    # each corner's diagonal (measured on the bench's photos): its corners are moved in by as
    # much, so that no strip of table comes along. The threshold's border is where it is.
    for mask, inset in ((edges, 3.0), (bright, 0.0)):
        hull = _hull(_largest_region(mask))
        if hull is None:
            continue
        area = _area(hull)
        if area < 0.25 * small.shape[0] * small.shape[1]:
            continue
        sums, diffs = hull.sum(axis=1), hull[:, 0] - hull[:, 1]
        corners = hull[[np.argmin(sums), np.argmax(diffs), np.argmax(sums), np.argmin(diffs)]]
        if _area(corners) > 0.9 * area and _stands_out(small, corners):
            inward = corners.mean(axis=0) - corners
            return corners + inset * inward / np.linalg.norm(inward, axis=1, keepdims=True)
    return None


SHEET_CONTRAST = 0.85   # the background around a photographed sheet: darker than this share of it
SHEET_EDGE = 0.2        # the sheet's border: brightness changing by this much in log across 2 pixels
SHEET_DARKEST = 8.0     # added to the grey before its log: a dark table's noise is not an edge


def _stands_out(small: np.ndarray, corners: np.ndarray) -> bool:
    """Whether what lies outside the quadrilateral is darker than what lies inside (a table
    around a sheet), and not more of the same paper (a scan, whose block of text alone made
    the outline: cutting it out lost the letter's heading)."""
    inside = Image.new("1", (small.shape[1], small.shape[0]), 0)
    ImageDraw.Draw(inside).polygon([tuple(map(float, c)) for c in corners], fill=1)
    within = np.asarray(inside, dtype=bool)
    if within.all():
        return True
    return float(np.median(small[~within])) < SHEET_CONTRAST * float(np.median(small[within]))


def _largest_region(mask: np.ndarray) -> Optional[np.ndarray]:
    """The outline of the largest connected region of a mask (pixels touching by a side or a
    corner; largest by the area within its outline, so that a sheet's border counts for the
    sheet): its leftmost and rightmost pixel on every row, as (x, y) points. The regions are
    found run by run (a row's stretches of 1), joining the runs that touch on the next row."""
    runs: list[tuple[int, int, int]] = []    # (row, first x, last x)
    for y, row in enumerate(mask):
        change = np.flatnonzero(np.diff(np.concatenate(([0], row != 0, [0])).astype(np.int8)))
        runs += [(y, int(s), int(e) - 1) for s, e in zip(change[::2], change[1::2])]
    if not runs:
        return None
    parent = list(range(len(runs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    previous: list[int] = []   # runs of the row above
    current: list[int] = []
    row_of = -1
    for index, (y, first, last) in enumerate(runs):
        if y != row_of:
            previous, current = (current if y == row_of + 1 else []), []
            row_of = y
        for above in previous:
            if runs[above][1] <= last + 1 and first <= runs[above][2] + 1:
                parent[root(above)] = root(index)
        current.append(index)
    table = np.array(runs)
    labels = np.array([root(i) for i in range(len(runs))])
    keys = labels * mask.shape[0] + table[:, 0]     # one entry per region and row
    order = np.unique(keys, return_inverse=True)[1]
    lefts = np.full(order.max() + 1, mask.shape[1])
    rights = np.full(order.max() + 1, -1)
    np.minimum.at(lefts, order, table[:, 1])
    np.maximum.at(rights, order, table[:, 2])
    region_of_key = np.zeros(order.max() + 1, dtype=np.int64)
    region_of_key[order] = labels
    spans = np.bincount(region_of_key, weights=rights - lefts + 1)
    largest = region_of_key == np.argmax(spans)
    rows = np.zeros(order.max() + 1, dtype=np.int64)
    rows[order] = table[:, 0]
    return np.concatenate([np.stack([lefts[largest], rows[largest]], axis=1),
                           np.stack([rights[largest], rows[largest]], axis=1)])


def _hull(points: Optional[np.ndarray]) -> Optional[np.ndarray]:
    """The convex hull of points (Andrew's monotone chain), counter-clockwise on screen."""
    if points is None or len(points) < 3:
        return None
    ordered = sorted({(int(x), int(y)) for x, y in points})

    def half(sequence: list[tuple[int, int]]) -> list[tuple[int, int]]:
        chain: list[tuple[int, int]] = []
        for p in sequence:
            while len(chain) >= 2 and ((chain[-1][0] - chain[-2][0]) * (p[1] - chain[-2][1])
                                       - (chain[-1][1] - chain[-2][1]) * (p[0] - chain[-2][0])) <= 0:
                chain.pop()
            chain.append(p)
        return chain

    hull = half(ordered)[:-1] + half(ordered[::-1])[:-1]
    return np.array(hull, dtype=np.float64) if len(hull) >= 3 else None


def _area(polygon: np.ndarray) -> float:
    """The area within a polygon (shoelace formula)."""
    x, y = polygon[:, 0], polygon[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


# --- Level and even light -----------------------------------------------------------------------

def _ink(grey: np.ndarray) -> np.ndarray:
    """Dark strokes as 1 on a reduced copy (about 1000 pixels long): pixels darker by 15 than
    the mean of the 31 × 31 square around them."""
    scale = min(1.0, 1000 / max(grey.shape))
    small = _reduced(grey, scale)
    mean = _filtered(small, ImageFilter.BoxBlur(15))
    return (small.astype(np.int16) <= mean.astype(np.int16) - 15).astype(np.uint8)


def _levelling(ink: np.ndarray) -> tuple[float, float]:
    """(angle, sharpness): the tilt within ±MAX_SKEW at which the rows of ink are the most
    contrasted (projection profile), and how contrasted they then are."""
    picture = _image(ink)

    def sharpness(angle: float) -> float:
        turned = np.asarray(picture.rotate(float(angle), resample=Image.Resampling.NEAREST))
        rows = turned.sum(axis=1, dtype=np.float64)
        return float(np.sum(np.diff(rows) ** 2))

    coarse = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 1.0), key=sharpness)
    fine = max(np.arange(coarse - 0.9, coarse + 0.91, 0.1), key=sharpness)
    return float(np.clip(fine, -MAX_SKEW, MAX_SKEW)), sharpness(fine)


PORTRAIT = 1.2   # height / width of a page standing upright (A4: 1.41): never turned a quarter


def level(grey: np.ndarray) -> np.ndarray:
    """The page turned so that its lines are level: a quarter turn when its lines run up and
    down (a page photographed sideways), then the tilt (up to ±MAX_SKEW) corrected. Whether
    it is upside down is left to `read_image`. A page taller than wide is never turned: a
    letter is printed upright on its sheet, and a short one (its lines in the top third) often
    looked sharper turned, and was then read as nothing."""
    ink = _ink(grey)
    if ink.sum() < 200:
        return grey
    angle, across = _levelling(ink)
    if grey.shape[0] < PORTRAIT * grey.shape[1]:
        sideways_angle, sideways = _levelling(np.ascontiguousarray(np.rot90(ink)))
        if sideways > 1.5 * across:
            grey, angle = np.ascontiguousarray(np.rot90(grey)), sideways_angle
    if abs(angle) < 0.2:
        return grey
    return np.asarray(_image(grey).rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=_edge_fill(grey)))


BANNER_SHARE = 0.6     # a band darker than this share of the paper's grey may hold light text
CONTRAST = 80          # between the lightest and the darkest grey around a stroke, at least
BANNER_HEIGHT = 0.12   # of the page's height, at most


def light_on_dark(grey: np.ndarray) -> np.ndarray:
    """Light text on a dark band (a body's name in a banner) turned into dark text on light:
    Tesseract takes such a band for a picture and reads nothing of it, and `normalise` would
    whiten the band around the letters. A band is dark ground whose strokes are lighter than it: a
    shadow over ordinary text, however dark, has darker strokes, and is left alone."""
    scale = min(1.0, 1000 / max(grey.shape))
    small = _reduced(grey, scale)
    paper = float(np.percentile(small, 90))
    highest, lowest = _extreme(small, 17, np.maximum).astype(np.int16), _extreme(small, 17, np.minimum).astype(np.int16)
    mean = _filtered(small, ImageFilter.BoxBlur(8)).astype(np.int16)
    # Around light strokes on dark ground the mean lies near the darkest grey; around ink on
    # paper, near the lightest. And the light strokes are thin (gone when opened by a 9-pixel
    # square), not the paper beside a shadow's edge.
    thin_light = small.astype(np.int16) - _extreme(_extreme(small, 9, np.minimum), 9, np.maximum)
    seeds = ((2 * mean < highest + lowest - CONTRAST / 2) & (highest - lowest > CONTRAST)
             & (mean < BANNER_SHARE * paper) & (thin_light > CONTRAST))
    if seeds.sum() < 20:
        return grey   # the usual page: nothing to turn
    # The band itself: its dark ground with the letters' holes closed, without the lines of ink
    # nearby (opened away: thinner than a band), the whole of it (half a band turned left its
    # edge to be read as letters), but not a shadow as tall as a good part of the page.
    band = _extreme(_extreme(_closed((small < BANNER_SHARE * paper).astype(np.uint8), 9), 11, np.minimum),
                    11, np.maximum)
    near = _runs_touching(band, _extreme(seeds.astype(np.uint8), 31, np.maximum))   # along the rows,
    band = _runs_touching(band.T, near.T, longest=BANNER_HEIGHT * band.shape[0]).T   # then down the columns
    if not band.any():
        return grey
    mask = np.asarray(_image(band * 255).resize((grey.shape[1], grey.shape[0]), Image.Resampling.NEAREST)) > 0
    out = grey.copy()
    out[mask] = 255 - grey[mask]
    return out


def _runs_touching(mask: np.ndarray, marks: np.ndarray, longest: float = np.inf) -> np.ndarray:
    """The stretches of 1 along the rows of a mask that hold a mark and are not longer than
    `longest`."""
    padded = np.pad(mask.astype(bool), ((0, 0), (1, 0)))   # a 0 before each row: runs end there
    flat = padded.ravel()
    run = np.cumsum(flat & ~np.roll(flat, 1)) * flat
    marked = np.pad(marks.astype(bool) & mask.astype(bool), ((0, 0), (1, 0))).ravel()
    held = np.bincount(run, weights=marked, minlength=int(run.max()) + 1) > 0
    held &= np.bincount(run, minlength=int(run.max()) + 1) <= longest
    held[0] = False
    return held[run].reshape(padded.shape)[:, 1:].astype(np.uint8)


def normalise(grey: np.ndarray) -> np.ndarray:
    """Even light: the paper's brightness, estimated by closing the ink away on a reduced copy,
    is divided out (shadows, a lamp's gradient, low light). No CLAHE after it: tried on dim
    photos, it raised the noise more than the ink and Tesseract then read nothing."""
    grey = _median3(grey)   # a dim photo's sensor noise, which the division would amplify
    height, width = grey.shape
    scale = min(1.0, 600 / max(height, width))
    small = _reduced(grey, scale)
    size = max(5, int(max(small.shape) / 40) | 1)
    paper = _filtered(_disc_closed(small, size), ImageFilter.MedianFilter(size))
    paper = np.asarray(_image(paper).resize((width, height), Image.Resampling.BILINEAR)).astype(np.uint32)
    paper = np.maximum(paper, 1)
    return np.minimum((grey.astype(np.uint32) * 255 + paper // 2) // paper, 255).astype(np.uint8)


# Unsharp masking: each pixel pushed away from the mean of its neighbourhood (radius in pixels,
# strength in %, changes below `threshold` grey levels left alone: the paper's grain).
SHARPENING = ImageFilter.UnsharpMask(radius=1.5, percent=120, threshold=2)


def sharpen(grey: np.ndarray) -> np.ndarray:
    """Strokes made crisp again before Tesseract: a phone's blur runs a figure's strokes into
    each other (the dotted zero of a monospaced font, or a thin one, read 8 or 6: « 2826 »,
    « 39688 »). On the bench's photos: held-out layouts 84 → 93 % of fields right, training 92 → 91 %."""
    return _filtered(grey, SHARPENING)


# --- Tesseract ----------------------------------------------------------------------------------

def tesseract_command() -> str:
    """Tesseract's path, or why it cannot run (in French, for the operator)."""
    found = shutil.which("tesseract")
    if not found:
        raise OcrUnavailable("Tesseract n'est pas installé : lancez « make run » en root, ou « apt-get install "
                             "tesseract-ocr tesseract-ocr-fra ».")
    return found


def _run(image: np.ndarray, *options: str) -> subprocess.CompletedProcess:
    encoded = io.BytesIO()   # in memory: the page never touches the disk
    _image(image).save(encoded, format="PNG", compress_level=1)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "OMP_THREAD_LIMIT": "1", "LC_ALL": "C.UTF-8"}
    if "TESSDATA_PREFIX" in os.environ:
        env["TESSDATA_PREFIX"] = os.environ["TESSDATA_PREFIX"]
    return subprocess.run([tesseract_command(), "stdin", "stdout", *options], input=encoded.getvalue(),
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
    top: int
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
            left, top, width, height = int(cells[6]), int(cells[7]), int(cells[8]), int(cells[9])
            confidence = float(cells[10])
        except ValueError:
            continue
        words.append(_Word((cells[2], cells[3], cells[4]), left, top, left + width, height, confidence, cells[11].strip()))
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
    # Two columns cut from one block stay open for the blocks right under them that lie wholly
    # on one side (Tesseract put the rest of the references, or the town under the address, in
    # blocks of their own): each column is given whole, the address not broken by references.
    held: Optional[tuple[float, float, list[list[_Word]], list[list[_Word]]]] = None   # split, bottom, left, right
    for block in blocks.values():
        columns = _columns(block, tolerance=usual)
        words_of_block = [w for row in block for piece in row for w in piece]
        top, bottom = min(w.top for w in words_of_block), max(w.top + w.height for w in words_of_block)
        if held is not None and len(columns) == 1 and top - held[1] <= 3 * usual:
            split, _, left, right = held
            if all(w.right < split for w in words_of_block):
                held = (split, bottom, left + columns[0], right)
                continue
            if all(w.left >= split for w in words_of_block):
                held = (split, bottom, left, right + columns[0])
                continue
        if held is not None:
            _give(held[2:], out)
            held = None
        if len(columns) == 2:
            held = (min(line[0].left for line in columns[1]) - usual, bottom, columns[0], columns[1])
        else:
            _give(columns, out)
    if held is not None:
        _give(held[2:], out)
    return PageText("\n".join(out).strip(), good)


def _give(columns: Sequence[list[list[_Word]]], out: list[str]) -> None:
    """A block's column(s) as lines of text, paragraphs apart except in columns cut from shared
    lines, a blank line after each column."""
    for column in columns:
        last_paragraph = None
        for words_of_line in column:
            if len(columns) == 1 and last_paragraph is not None and words_of_line[0].key[1] != last_paragraph:
                out.append("")
            out.append(" ".join(w.text for w in words_of_line))
            last_paragraph = words_of_line[0].key[1]
        out.append("")


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

"""The pages of the files a person gives, from their bytes in memory: a PDF's own text where it
has some, otherwise an image for the OCR (`ocr`). Nothing is written to disk.

Every limit is checked before the costly part: the file size before anything, the page count
of all files together before any page is rendered (a 200-page PDF is refused at once), an
image's size from its header before it is decoded (an image bomb never reaches memory), and
a large photo is decoded already reduced (JPEG draft) to the resolution the OCR needs.
"""
from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from typing import Iterator, Optional, Sequence

from PIL import Image, ImageOps, UnidentifiedImageError

from assistant.reading.model import UnreadableLetter

MAX_FILE_BYTES = 25 * 1024 * 1024   # a phone photo is 2–12 MB, a scanned letter PDF well under
MAX_PAGES = 20                      # for all the files of one letter together
MAX_PIXELS = 64_000_000             # a 48–50 MP phone photo passes; a bigger image is refused
# PNG and HEIC are decoded whole (JPEG is decoded reduced): at most 150 MB decoded, a 50 MP
# colour photo, keeps the read process under 400 MB (a 50 MP PNG: 318 MB measured; with
# transparency, 4 bytes a pixel, the limit is 37 MP).
MAX_WHOLE_BYTES = 152_000_000
# Pillow refuses on its own, while reading the header, an image of more than twice this
# (DecompressionBombError); between once and twice it only warns, which `_image` makes an error.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
WORK_LONG_SIDE = 3000               # about 300 dpi on an A4 page: enough for Tesseract, not more
PDF_DPI = 300
MAX_RENDER_PIXELS = 12_000_000      # an A4 page at 300 dpi is 8.7 MP; a poster-sized page is scaled down
MIN_TEXT_WORDS = 20                 # a PDF page with fewer words in its text layer is read as an image
WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class Page:
    """One page: `text` when the PDF holds it, else `image` (greyscale) for the OCR."""
    name: str
    number: int
    text: Optional[str] = None
    image: Optional[Image.Image] = None


def kind_of(data: bytes) -> Optional[str]:
    """The file's type from its first bytes, never from its name: "pdf", "jpeg", "png", "heif"."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"):
        return "heif"
    if b"%PDF-" in data[:1024]:   # PDF readers accept bytes before the header
        return "pdf"
    return None


def page_count(files: Sequence[tuple[str, bytes]]) -> int:
    """Pages of all the files, counted without rendering any; refuses what cannot be read."""
    total = 0
    for name, data in files:
        _check_size(name, data)
        kind = kind_of(data)
        if kind is None:
            raise UnreadableLetter(f"{name} : format non pris en charge. Donnez une photo (JPEG, PNG, HEIC) "
                                   "ou un PDF.")
        if kind == "pdf":
            pdf = _open_pdf(name, data)
            try:
                total += len(pdf)
            finally:
                pdf.close()
        else:
            total += 1
        if total > MAX_PAGES:
            raise UnreadableLetter(f"{name} : trop de pages ({total} ou plus) ; un courrier en a {MAX_PAGES} au plus. "
                                   "Ne donnez que les pages du courrier.")
    return total


def pages(files: Sequence[tuple[str, bytes]]) -> Iterator[Page]:
    """The pages one at a time, in order (memory holds one rendered page at a time)."""
    page_count(files)   # every file checked, and the pages counted, before any is rendered
    for name, data in files:
        if kind_of(data) == "pdf":
            yield from _pdf_pages(name, data)
        else:
            yield Page(name, 1, image=_image(name, data))


def _check_size(name: str, data: bytes) -> None:
    if not data:
        raise UnreadableLetter(f"{name} : le fichier est vide.")
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableLetter(f"{name} : fichier trop volumineux ({len(data) / 1e6:.0f} Mo ; "
                               f"{MAX_FILE_BYTES // (1024 * 1024)} Mo au plus). Prenez une photo moins lourde "
                               "ou envoyez les pages séparément.")


def _open_pdf(name: str, data: bytes):
    """The PDF document, or the reason it cannot be opened, in French."""
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise UnreadableLetter(f"{name} : ce PDF est protégé par un mot de passe. Enregistrez-le sans mot de "
                                   "passe, ou photographiez le courrier.") from None
        raise UnreadableLetter(f"{name} : ce PDF est abîmé ou n'en est pas un ; il ne peut pas être lu.") from None


def _pdf_pages(name: str, data: bytes) -> Iterator[Page]:
    """Each page's text layer when it holds real text (no OCR then), else the page rendered
    at about 300 dpi, in memory."""
    import pypdfium2 as pdfium

    pdf = _open_pdf(name, data)
    try:
        for index in range(len(pdf)):
            damaged = UnreadableLetter(f"{name} : la page {index + 1} de ce PDF est abîmée ; elle ne peut pas "
                                       "être lue.")
            try:
                page = pdf[index]
            except pdfium.PdfiumError:
                raise damaged from None
            try:
                text_page = page.get_textpage()
                text = text_page.get_text_range()
                text_page.close()
                if len(WORD.findall(text)) >= MIN_TEXT_WORDS:
                    yield Page(name, index + 1, text=text.replace("\r\n", "\n").replace("\r", "\n"))
                    continue
                width, height = page.get_size()
                scale = PDF_DPI / 72
                if width * height * scale * scale > MAX_RENDER_PIXELS:
                    scale = (MAX_RENDER_PIXELS / max(width * height, 1.0)) ** 0.5
                image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
            except pdfium.PdfiumError:
                raise damaged from None
            finally:
                page.close()
            yield Page(name, index + 1, image=image)
    finally:
        pdf.close()


def _image(name: str, data: bytes) -> Image.Image:
    """A photo or scan as a greyscale image, upright (EXIF orientation), at most
    WORK_LONG_SIDE pixels long; decoded already reduced when the format allows it (JPEG)."""
    kind = kind_of(data)
    if kind == "heif":
        import pi_heif   # pillow-heif's decode-only build: without its 23 MB HEVC encoder

        pi_heif.register_heif_opener()
    formats = {"jpeg": ["JPEG"], "png": ["PNG"], "heif": ["HEIF"]}[kind or ""]
    broken = UnreadableLetter(f"{name} : cette image est abîmée ou incomplète ; elle ne peut pas être lue. "
                              "Reprenez la photo.")
    bomb = UnreadableLetter(f"{name} : image trop grande ; elle n'est pas lue. Reprenez la photo en "
                            f"résolution normale ({MAX_WHOLE_BYTES // 3_000_000} mégapixels au plus, "
                            f"{MAX_PIXELS // 1_000_000} en JPEG).")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=formats)
            width, height = image.size
            decoded = width * height * (4 if image.mode in ("P", "PA") else len(image.getbands()))
            if width * height > MAX_PIXELS or (image.format != "JPEG" and decoded > MAX_WHOLE_BYTES) \
                    or min(width, height) <= 0:
                raise bomb
            long_side = max(width, height)
            if image.format == "JPEG" and long_side > WORK_LONG_SIDE:
                # Decoded at 1/2, 1/4 or 1/8 of its size: a 50 MP photo never lies whole in memory.
                ratio = WORK_LONG_SIDE / long_side
                image.draft("L", (int(width * ratio), int(height * ratio)))
            image.load()
            ImageOps.exif_transpose(image, in_place=True)   # in place: no second copy of a big photo
            if _transparent(image):   # greyscale first: Pillow reduces RGBA through a full copy
                grey = _grey(image)
                image.close()
                image = grey
            if max(image.size) > 2 * WORK_LONG_SIDE and image.mode in ("L", "RGB"):
                # A big PNG or HEIC, decoded whole: a cheap box reduction before anything else.
                reduced = image.reduce(max(image.size) // WORK_LONG_SIDE)
                image.close()
                image = reduced
            grey = _grey(image)
            if grey is not image:
                image.close()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise bomb from None
    except UnreadableLetter:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, MemoryError):
        raise broken from None
    if max(grey.size) > WORK_LONG_SIDE:
        ratio = WORK_LONG_SIDE / max(grey.size)
        grey = grey.resize((max(1, round(grey.width * ratio)), max(1, round(grey.height * ratio))),
                           Image.Resampling.LANCZOS, reducing_gap=2.0)
    return grey


def _transparent(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)


def _grey(image: Image.Image) -> Image.Image:
    """Greyscale; a transparent background becomes white paper, not black."""
    if _transparent(image):
        if image.mode not in ("RGBA", "LA"):
            image = image.convert("RGBA")
        alpha, grey = image.getchannel("A"), image.convert("L")
        return Image.composite(grey, Image.new("L", image.size, 255), alpha)
    return image if image.mode == "L" else image.convert("L")

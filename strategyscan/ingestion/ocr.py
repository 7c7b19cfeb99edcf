"""OCR for pages without a usable text layer: scans, and text layers whose fonts decode to junk.

Tesseract through `tesserocr` (the wheel bundles libtesseract; language data comes from the
system's `tesseract-ocr-LANG` packages) is the engine; `pytesseract` is the fallback where only
the `tesseract` binary exists. Both are optional (`pip install 'strategyscan[ocr]'`): without
them a scanned file is still reported, with a sentence that says how to add OCR.

OCR lines become ordinary `Line` records in PDF points, so the header/footer cleaner and the
paragraph builder treat an OCR page like any other.
"""

from __future__ import annotations

import functools
import glob
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from .lines import Line, Page

#: Tesseract runs an OpenMP pool per call; on a shared 2-core pool that makes it about 5x slower.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

OCR_VERSION = "ocr.v1"
#: Resolution pages are rendered at: 300 dpi reads body text of 150-dpi scans near-perfectly.
DPI = 300
#: Lines Tesseract is less sure of than this are noise (dot leaders read as "eeee", specks, logos).
MIN_LINE_CONFIDENCE = 30.0
INSTALL_HINT = ("install OCR to read it: pip install 'strategyscan[ocr]' and the language data "
                "(apt-get install tesseract-ocr-eng tesseract-ocr-fra ...)")

#: ISO 639-1 (what language detection gives) -> Tesseract's language pack names.
TESSERACT_LANGUAGES = {
    "en": "eng", "fr": "fra", "es": "spa", "pt": "por", "ru": "rus", "nl": "nld", "de": "deu",
    "it": "ita", "ro": "ron", "sv": "swe", "hr": "hrv", "el": "ell", "pl": "pol", "cs": "ces",
    "ar": "ara", "zh": "chi_sim", "ja": "jpn", "tr": "tur", "uk": "ukr", "sq": "sqi", "lv": "lav",
}


@dataclass(frozen=True)
class OcrLine:
    text: str
    box: tuple[int, int, int, int]  # left, top, right, bottom in image pixels
    confidence: float  # 0-100


class Engine(Protocol):
    name: str
    version: str
    languages: frozenset[str]

    def read(self, image, language: str) -> list[OcrLine]: ...


def _tessdata() -> str | None:
    """Where the language packs are: $TESSDATA_PREFIX, else Debian's and the usual places."""
    candidates = [os.environ.get("TESSDATA_PREFIX", ""),
                  *sorted(glob.glob("/usr/share/tesseract-ocr/*/tessdata"), reverse=True),
                  "/usr/share/tessdata", "/usr/local/share/tessdata", "/opt/homebrew/share/tessdata"]
    for folder in candidates:
        if folder and glob.glob(os.path.join(folder, "*.traineddata")):
            return folder
    return None


class TesserocrEngine:
    """One Tesseract handle per language and process: initialising one costs about 0.3 s."""

    name = "tesserocr"

    def __init__(self, tessdata: str) -> None:
        import tesserocr

        self._tesserocr = tesserocr
        self._tessdata = tessdata
        self.version = tesserocr.tesseract_version().split()[1]
        self.languages = frozenset(tesserocr.get_languages(tessdata)[1]) - {"osd"}
        self._apis: dict[str, object] = {}

    def _api(self, language: str):
        if language not in self._apis:
            self._apis[language] = self._tesserocr.PyTessBaseAPI(path=self._tessdata, lang=language)
        return self._apis[language]

    def read(self, image, language: str) -> list[OcrLine]:
        tess = self._tesserocr
        api = self._api(language)
        api.SetImage(image)
        api.Recognize()
        level = tess.RIL.TEXTLINE
        out = []
        iterator = api.GetIterator()
        for item in tess.iterate_level(iterator, level):
            text = (item.GetUTF8Text(level) or "").strip()
            box = item.BoundingBox(level)
            if text and box:
                out.append(OcrLine(text, tuple(box), float(item.Confidence(level))))
        api.Clear()
        return out


class PytesseractEngine:
    """The `tesseract` binary through pytesseract: slower (a process per page), same results."""

    name = "pytesseract"

    def __init__(self) -> None:
        import pytesseract

        self._pt = pytesseract
        self.version = str(pytesseract.get_tesseract_version())
        self.languages = frozenset(pytesseract.get_languages()) - {"osd"}

    def read(self, image, language: str) -> list[OcrLine]:
        data = self._pt.image_to_data(image, lang=language, output_type=self._pt.Output.DICT)
        lines: dict[tuple[int, int, int], list[int]] = {}
        for i, word in enumerate(data["text"]):
            if word.strip():
                lines.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(i)
        out = []
        for idx in lines.values():
            left = min(data["left"][i] for i in idx)
            top = min(data["top"][i] for i in idx)
            right = max(data["left"][i] + data["width"][i] for i in idx)
            bottom = max(data["top"][i] + data["height"][i] for i in idx)
            conf = sum(float(data["conf"][i]) for i in idx) / len(idx)
            out.append(OcrLine(" ".join(data["text"][i] for i in idx), (left, top, right, bottom), conf))
        return out


@functools.lru_cache(maxsize=1)
def engine() -> Engine | None:
    """The best OCR engine installed here, or None."""
    tessdata = _tessdata()
    try:
        if tessdata:
            return TesserocrEngine(tessdata)
    except Exception:  # a broken wheel or data folder: try the binary
        pass
    try:
        if shutil.which("tesseract"):
            return PytesseractEngine()
    except Exception:
        pass
    return None


def engine_version() -> str:
    """What the cache key records: a new engine or language set can change every OCR page."""
    found = engine()
    if found is None:
        return "none"
    return f"{OCR_VERSION}:{found.name}-{found.version}:{','.join(sorted(found.languages))}@{DPI}"


def unreadable(page: Page, page_count: int) -> bool:
    """Does this page need OCR? A page-sized image with no text on it, or with a few words
    (a stamp, a slide's title) inside the document (a designed cover carries its title as
    text: not worth seconds of OCR), or a text layer whose fonts decode to junk."""
    from .clean import junk_text
    from .readers import THIN_PAGE_CHARS

    text = " ".join(ln.text for ln in page.lines)
    if len(text) < THIN_PAGE_CHARS:
        return page.scanned and (not text or 1 < page.number < page_count)
    return len(text) >= 100 and junk_text(text)


def pack_for(language: str, available: frozenset[str]) -> str | None:
    pack = TESSERACT_LANGUAGES.get(language)
    return pack if pack in available else None


@dataclass
class OcrPage:
    page: Page
    confidence: float  # mean line confidence, 0-100


def render(pdf_page, dpi: int = DPI):
    """A pypdfium2 page as a greyscale PIL image."""
    return pdf_page.render(scale=dpi / 72, grayscale=True).to_pil()


def read_page(found: Engine, image, number: int, width: float, height: float, language: str) -> OcrPage:
    """OCR one rendered page into positioned lines (PDF points, top-down like every reader)."""
    sx = width / image.width if image.width else 1.0
    sy = height / image.height if image.height else 1.0
    lines, confidences = [], []
    for item in found.read(image, language):
        left, top, right, bottom = item.box
        # a line box spans ascenders to descenders: about 1.2x the font size
        size = (bottom - top) * sy / 1.2
        confidences.append(item.confidence)
        if item.confidence < MIN_LINE_CONFIDENCE:
            continue
        for k, text in enumerate(t for t in item.text.split("\n") if t.strip()):
            lines.append(Line(number, text.strip(), top * sy + k * size, bottom * sy + k * size,
                              left * sx, right * sx, size))
    _snap_sizes(lines)
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return OcrPage(Page(number, width, height, lines, True), mean)


def _snap_sizes(lines: list[Line]) -> None:
    """A line box's height depends on its letters (ascenders, descenders), not only on the type
    size: lines within 30 % of the page's usual size get that size, so the paragraph builder does
    not read every other line as a change of type."""
    if not lines:
        return
    usual = sorted(ln.size for ln in lines)[len(lines) // 2]
    for ln in lines:
        if abs(ln.size - usual) <= 0.3 * usual:
            ln.size = usual


def word_accuracy(expected: str, got: str) -> float:
    """Share of the expected words OCR gave, in order (1 - word error rate's deletions and
    substitutions, ignoring case and punctuation)."""
    import difflib

    from .readers import WORD_RE

    want = [w.lower() for w in WORD_RE.findall(expected)]
    have = [w.lower() for w in WORD_RE.findall(got)]
    if not want:
        return 1.0
    matcher = difflib.SequenceMatcher(None, want, have, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(want)


@dataclass
class OcrResult:
    """What OCR made of a document's unreadable pages, for its passages and documents.csv."""

    pages: dict[int, OcrPage]
    engine: str = ""
    language: str = ""  # ISO 639-1, as detected (or as the text layer said)
    notes: list[str] = field(default_factory=list)
    complete: bool = True

    @property
    def confidence(self) -> float | None:
        if not self.pages:
            return None
        return round(sum(p.confidence for p in self.pages.values()) / len(self.pages), 1)


def _choose_pack(found: Engine, language: str, notes: list[str]) -> str:
    pack = pack_for(language, found.languages)
    if pack:
        return pack
    fallback = "eng" if "eng" in found.languages else sorted(found.languages)[0]
    wanted = TESSERACT_LANGUAGES.get(language, language)
    notes.append(f"no OCR language data for '{language}' (apt-get install tesseract-ocr-{wanted}); "
                 f"read with '{fallback}'")
    return fallback


def ocr_document(path: Path, numbers: list[int], language: str, deadline: float, max_pages: int) -> OcrResult:
    """OCR the pages `numbers` (1-based) of a PDF, in `language` when the text layer named one,
    else in the language a first `eng` pass over the first page shows."""
    import pypdfium2 as pdfium

    from . import language as langid

    found = engine()
    if found is None:
        return OcrResult({}, notes=[f"{len(numbers)} page(s) without a usable text layer not read; {INSTALL_HINT}"],
                         complete=False)
    result = OcrResult({}, engine=f"{found.name} {found.version}", language=language)
    todo = numbers[:max_pages]
    if len(numbers) > max_pages:
        result.notes.append(f"OCR page limit: read {max_pages} of {len(numbers)} pages that need OCR")
        result.complete = False
    pdf = pdfium.PdfDocument(str(path))
    try:
        pack = _choose_pack(found, language, result.notes) if language else None
        for number in todo:
            if time.monotonic() > deadline:
                result.notes.append(f"time limit reached during OCR: {len(result.pages)} of {len(numbers)} pages read")
                result.complete = False
                break
            page = pdf[number - 1]
            try:
                width, height = page.get_size()
                image = render(page)
            finally:
                page.close()
            if pack is None:  # first page: read in English, name the language, re-read if it differs
                first = read_page(found, image, number, width, height, _choose_pack(found, "en", result.notes))
                result.language = langid.detect(" ".join(ln.text for ln in first.page.lines))[0] or "en"
                pack = _choose_pack(found, result.language, result.notes)
                result.pages[number] = first if pack == TESSERACT_LANGUAGES["en"] else read_page(
                    found, image, number, width, height, pack)
                continue
            result.pages[number] = read_page(found, image, number, width, height, pack)
    finally:
        pdf.close()
    return result

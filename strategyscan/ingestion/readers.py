"""Readers turn a file into pages of positioned lines; one registry entry per engine.

A reader raises `ReadError` with a sentence a user can act on ("encrypted: password required"),
never an engine's own exception.
"""

from __future__ import annotations

import ctypes
import math
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .lines import Line, Opened, Page, ReadError
from .textfile import TextDocument

PDF_MAGIC = b"%PDF-"
#: A page with less text than this and an image on it may be a scan (OCR decides on it).
THIN_PAGE_CHARS = 40
#: ... when an image covers at least this share of it.
SCAN_COVER = 0.5
#: Text whose baseline is turned from the page's reading direction by more than about 30 degrees
#: (the sine of the angle) is set sideways.
SIDEWAYS = 0.5
#: The reason for a file whose page tree holds no page (every engine says the same).
NO_PAGES = "PDF has no pages"


class OpenDocument(Protocol):
    page_count: int
    notes: list[str]
    metadata: dict[str, str]

    def pages(self, limit: int) -> Iterator[Page]: ...

    def close(self) -> None: ...


ENGINES: dict[str, Callable[[Path], OpenDocument]] = {}
#: each engine's versioned name: part of the cache key, so a change to a reader is never served
#: from entries the old one wrote (bump it with any change to what the reader gives)
ENGINE_VERSIONS: dict[str, str] = {}


def register_engine(name: str, version: str = ""):
    def deco(factory: Callable[[Path], OpenDocument]):
        ENGINES[name] = factory
        ENGINE_VERSIONS[name] = version or f"{name}.v1"
        return factory

    return deco


def sniff(path: Path) -> str:
    """Decide the format from the bytes, not the file name."""
    size = path.stat().st_size
    if size == 0:
        raise ReadError("empty file (0 bytes)")
    with path.open("rb") as fh:
        head = fh.read(1024)
    if PDF_MAGIC in head:
        return "pdf"
    if path.suffix.lower() in {".txt", ".text", ".md"}:
        return "txt"
    if path.suffix.lower() == ".pdf":
        raise ReadError("not a PDF (bad magic: the file does not start with %PDF-)")
    raise ReadError(f"unsupported file type '{path.suffix or '(none)'}': expected .pdf or .txt")


def open_document(path: Path, engine: str) -> OpenDocument:
    kind = sniff(path)
    if kind == "txt":
        return TextDocument(path)
    try:
        factory = ENGINES[engine]
    except KeyError:
        raise ValueError(f"unknown engine {engine!r}; choose one of {sorted(ENGINES)}") from None
    doc = factory(path)
    if not doc.page_count:  # not "blank pages": there is nothing to read, nor to OCR
        doc.close()
        raise ReadError(NO_PAGES)
    return doc


# --------------------------------------------------------------------------------------------
# pypdfium2: fast, good reading order on columns; the default.


def _pdfium_error(code: int) -> ReadError:
    """The reason for pdfium's error code after a failed load."""
    import pypdfium2.internal as pdfium_i
    import pypdfium2.raw as pdfium_c

    if code == pdfium_c.FPDF_ERR_PASSWORD:
        return ReadError("encrypted: password required")
    if code in (pdfium_c.FPDF_ERR_FORMAT, pdfium_c.FPDF_ERR_FILE):
        return ReadError("truncated/corrupt PDF (cannot be parsed)")
    return ReadError(f"unreadable PDF ({pdfium_i.ErrorToStr.get(code, code)})")


@dataclass
class PdfiumDocument(Opened):
    def __post_init__(self) -> None:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c

        self._c = pdfium_c
        self._matrix = pdfium_c.FS_MATRIX()  # reused: one per character read costs more than the call
        self._matrix_ref = ctypes.byref(self._matrix)
        # loaded by hand: pypdfium2 calls a file with no pages a failed load, with pdfium's last
        # error, which only a failed load sets (a stale one otherwise)
        raw = pdfium_c.FPDF_LoadDocument(os.fsencode(self.path), None)
        if not raw:
            raise _pdfium_error(pdfium_c.FPDF_GetLastError())
        self._pdf = pdfium.PdfDocument(raw)
        self.page_count = len(self._pdf)  # 0: open_document says so
        if pdfium_c.FPDF_GetSecurityHandlerRevision(self._pdf.raw) != -1:
            self.notes.append("encrypted (owner password only); text extracted")
        try:
            meta = self._pdf.get_metadata_dict(skip_empty=True)
            self.metadata = {k.lower(): str(v) for k, v in meta.items()}
        except Exception:  # metadata is a nicety; a broken info dict must not fail the file
            self.metadata = {}

    def pages(self, limit: int) -> Iterator[Page]:
        import pypdfium2 as pdfium

        for index in range(min(limit, self.page_count)):
            try:  # a /Count that lies, a tree that loops or nests past pdfium's limit
                page = self._pdf[index]
            except pdfium.PdfiumError:
                raise ReadError(f"page {index + 1} cannot be loaded (broken page tree)") from None
            try:
                yield self._read_page(page, index + 1)
            finally:
                page.close()

    def _read_page(self, page, number: int) -> Page:
        width, height = page.get_size()  # as displayed: /Rotate 90 and 270 swap them
        rotation = page.get_rotation()
        place = _displayed(page.get_bbox(), rotation)
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
            exact = len(text) == textpage.count_chars()
            lines = []
            pos = 0
            for raw in text.split("\r\n"):
                start, pos = pos, pos + len(raw) + 2
                stripped = raw.strip()
                if not stripped:
                    continue
                if exact:
                    first = start + (len(raw) - len(raw.lstrip()))
                    last = start + len(raw.rstrip()) - 1
                    l0, b0, r0, t0 = textpage.get_charbox(first)
                    l1, b1, r1, t1 = textpage.get_charbox(last)
                    lefts, tops = zip(*(place(x, y) for x, y in ((l0, b0), (r0, t0), (l1, b1), (r1, t1))))
                    x0, x1, top, bottom = min(lefts), max(lefts), min(tops), max(tops)
                    size, rotated = self._glyph(textpage, first, bottom - top, rotation)
                else:  # odd encodings: fall back to line order without geometry
                    top, bottom, x0, x1, size = len(lines) * 12.0, len(lines) * 12.0 + 10, 0.0, width, 10.0
                    rotated = False
                lines.append(Line(number, stripped, top, bottom, x0, x1, size, rotated))
        finally:
            textpage.close()
        scanned = False
        if sum(len(ln.text) for ln in lines) < THIN_PAGE_CHARS:  # a scan may carry a stamp or a page number
            boxes = (obj.get_bounds() for obj in page.get_objects(filter=(self._c.FPDF_PAGEOBJ_IMAGE,), max_depth=2))
            scanned = any((x1 - x0) * (y1 - y0) >= SCAN_COVER * width * height for x0, y0, x1, y1 in boxes)
        return Page(number, width, height, _top_down(lines), scanned)

    def _glyph(self, textpage, index: int, fallback: float, rotation: int) -> tuple[float, bool]:
        """(size, set sideways) of a character, from its text matrix: many PDFs set every font
        at size 1 and scale it, which the size alone does not show; and the baseline's direction
        tells margin text turned 90 degrees from italics, which are sheared, not turned. The
        direction counts as displayed: on a page turned by /Rotate, upright text is drawn turned."""
        size = self._c.FPDFText_GetFontSize(textpage.raw, index)
        matrix = self._matrix
        if not self._c.FPDFText_GetMatrix(textpage.raw, index, self._matrix_ref):
            return size or fallback, False
        sideways = abs(math.sin(math.atan2(matrix.b, matrix.a) - math.radians(rotation))) > SIDEWAYS
        return (size * math.hypot(matrix.c, matrix.d)) or fallback, sideways

    def close(self) -> None:
        self._pdf.close()


def _displayed(bbox: tuple[float, float, float, float], rotation: int) -> Callable[[float, float], tuple[float, float]]:
    """Map a point of PDF user space (where pdfium puts character boxes) to (from the left,
    from the top) of the page as displayed, i.e. turned clockwise by /Rotate (0, 90, 180, 270)."""
    left, bottom, right, top = bbox
    return {0: lambda x, y: (x - left, top - y), 90: lambda x, y: (y - bottom, x - left),
            180: lambda x, y: (right - x, y - bottom), 270: lambda x, y: (top - y, right - x)}[rotation]


def _top_down(lines: list[Line]) -> list[Line]:
    """pdfium gives lines in the content stream's order, which on some pages (often turned ones)
    runs from the last line up: reversed where most steps go up the page as displayed. A page
    drawn in columns steps down but for a jump per column, and keeps pdfium's order."""
    steps = [b.top - a.top for a, b in zip(lines, lines[1:])]
    return lines[::-1] if sum(s < 0 for s in steps) > 2 * sum(s > 0 for s in steps) else lines


@register_engine("pypdfium2", "pdfium.v2")  # v2: lines placed by /Rotate, bottom-up pages reversed
def _open_pdfium(path: Path) -> OpenDocument:
    return PdfiumDocument(path)


# --------------------------------------------------------------------------------------------
# pdfplumber: slow but layout-aware (tables, exact positions).


def _pdfminer_error(exc: Exception) -> ReadError:
    chain = [exc, *exc.args, exc.__context__, exc.__cause__]
    names = " ".join(type(e).__name__ + " " + str(e) for e in chain if e is not None)
    if "Password" in names or "password" in names:
        return ReadError("encrypted: password required")
    if any(isinstance(e, RecursionError) for e in chain):  # pdfminer follows /Prev, page trees, /Length unguarded
        return ReadError("malformed PDF: its references loop or nest too deeply for pdfminer "
                         "(the pypdfium2 engine may read it)")
    return ReadError("truncated/corrupt PDF (cannot be parsed)")


@dataclass
class PlumberDocument(Opened):
    def __post_init__(self) -> None:
        import pdfplumber

        try:
            self._pdf = pdfplumber.open(str(self.path))
            self.page_count = len(self._pdf.pages)
        except Exception as exc:  # pdfminer raises many types, some with empty messages
            raise _pdfminer_error(exc) from None
        self.metadata = {str(k).lower(): str(v) for k, v in (self._pdf.metadata or {}).items()}

    def pages(self, limit: int) -> Iterator[Page]:
        for index in range(min(limit, self.page_count)):
            page = self._pdf.pages[index]
            try:
                rows = page.extract_text_lines(return_chars=True)
            except Exception as exc:
                raise _pdfminer_error(exc) from None
            lines = []
            for row in rows:
                text = row["text"].replace("(cid:127)", "\u2022").strip()
                if not text:
                    continue
                chars = row.get("chars", [])
                size = max((c.get("size", 0.0) for c in chars[:3]), default=0.0)
                rotated = bool(chars) and not chars[0].get("upright", True)
                lines.append(
                    Line(index + 1, text, row["top"], row["bottom"], row["x0"], row["x1"],
                         size or row["bottom"] - row["top"], rotated)
                )
            area = float(page.width) * float(page.height)
            scanned = any((im["x1"] - im["x0"]) * (im["bottom"] - im["top"]) >= SCAN_COVER * area
                          for im in page.images)
            yield Page(index + 1, float(page.width), float(page.height), lines, scanned)
            page.flush_cache()

    def close(self) -> None:
        self._pdf.close()


@register_engine("pdfplumber", "pdfplumber.v2")  # v2: loops named as such
def _open_plumber(path: Path) -> OpenDocument:
    return PlumberDocument(path)


WORD_RE = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")

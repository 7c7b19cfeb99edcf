"""Readers turn a file into pages of positioned lines; one registry entry per engine.

A reader raises `ReadError` with a sentence a user can act on ("encrypted: password required"),
never an engine's own exception.
"""

from __future__ import annotations

import ctypes
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from .clean import TEXT_LINE_PITCH
from .lines import Line, Page, ReadError

PDF_MAGIC = b"%PDF-"
#: A page with less text than this and an image on it may be a scan (OCR decides on it).
THIN_PAGE_CHARS = 40
#: ... when an image covers at least this share of it.
SCAN_COVER = 0.5
#: Text whose baseline is turned from the page's reading direction by more than about 30 degrees
#: (the sine of the angle) is set sideways.
SIDEWAYS = 0.5


class OpenDocument(Protocol):
    page_count: int
    notes: list[str]
    metadata: dict[str, str]

    def pages(self, limit: int) -> Iterator[Page]: ...

    def close(self) -> None: ...


ENGINES: dict[str, Callable[[Path], OpenDocument]] = {}


def register_engine(name: str):
    def deco(factory: Callable[[Path], OpenDocument]):
        ENGINES[name] = factory
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
    return factory(path)


# --------------------------------------------------------------------------------------------
# pypdfium2: fast, good reading order on columns; the default.


def _pdfium_error(exc: Exception) -> ReadError:
    msg = str(exc)
    if "password" in msg.lower():
        return ReadError("encrypted: password required")
    if "format" in msg.lower() or "file" in msg.lower():
        return ReadError("truncated/corrupt PDF (cannot be parsed)")
    return ReadError(f"unreadable PDF ({msg})")


@dataclass
class _Opened:
    """What every reader keeps about an open file: notes for the reason column, PDF metadata."""

    path: Path
    notes: list[str] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    page_count: int = 0

    def close(self) -> None:
        pass


@dataclass
class PdfiumDocument(_Opened):
    def __post_init__(self) -> None:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c

        self._c = pdfium_c
        self._matrix = pdfium_c.FS_MATRIX()  # reused: one per character read costs more than the call
        self._matrix_ref = ctypes.byref(self._matrix)
        try:
            self._pdf = pdfium.PdfDocument(str(self.path))
        except pdfium.PdfiumError as exc:
            raise _pdfium_error(exc) from None
        self.page_count = len(self._pdf)
        if pdfium_c.FPDF_GetSecurityHandlerRevision(self._pdf.raw) != -1:
            self.notes.append("encrypted (owner password only); text extracted")
        try:
            meta = self._pdf.get_metadata_dict(skip_empty=True)
            self.metadata = {k.lower(): str(v) for k, v in meta.items()}
        except Exception:  # metadata is a nicety; a broken info dict must not fail the file
            self.metadata = {}

    def pages(self, limit: int) -> Iterator[Page]:
        for index in range(min(limit, self.page_count)):
            page = self._pdf[index]
            try:
                yield self._read_page(page, index + 1)
            finally:
                page.close()

    def _read_page(self, page, number: int) -> Page:
        width, height = page.get_size()
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
                    size, rotated = self._glyph(textpage, first, t0 - b0)
                    top, bottom = height - max(t0, t1), height - min(b0, b1)
                    x0, x1 = min(l0, l1), max(r0, r1)
                else:  # odd encodings: fall back to line order without geometry
                    top, bottom, x0, x1, size = len(lines) * 12.0, len(lines) * 12.0 + 10, 0.0, width, 10.0
                    rotated = False
                lines.append(Line(number, stripped, top, bottom, x0, x1, size, rotated))
        finally:
            textpage.close()
        scanned = False
        if sum(len(ln.text) for ln in lines) < THIN_PAGE_CHARS:  # a scan may carry a stamp or a page number
            boxes = (obj.get_bounds() for obj in page.get_objects(filter=(self._c.FPDF_PAGEOBJ_IMAGE,), max_depth=2))
            scanned = any((r - l) * (t - b) >= SCAN_COVER * width * height for l, b, r, t in boxes)
        return Page(number, width, height, lines, scanned)

    def _glyph(self, textpage, index: int, fallback: float) -> tuple[float, bool]:
        """(size, set sideways) of a character, from its text matrix: many PDFs set every font
        at size 1 and scale it, which the size alone does not show; and the baseline's direction
        tells margin text turned 90 degrees from italics, which are sheared, not turned."""
        size = self._c.FPDFText_GetFontSize(textpage.raw, index)
        matrix = self._matrix
        if not self._c.FPDFText_GetMatrix(textpage.raw, index, self._matrix_ref):
            return size or fallback, False
        sideways = abs(math.sin(math.atan2(matrix.b, matrix.a))) > SIDEWAYS
        return (size * math.hypot(matrix.c, matrix.d)) or fallback, sideways

    def close(self) -> None:
        self._pdf.close()


@register_engine("pypdfium2")
def _open_pdfium(path: Path) -> OpenDocument:
    return PdfiumDocument(path)


# --------------------------------------------------------------------------------------------
# pdfplumber: slow but layout-aware (tables, exact positions).


def _pdfminer_error(exc: Exception) -> ReadError:
    chain = [exc, *exc.args, exc.__context__, exc.__cause__]
    names = " ".join(type(e).__name__ + " " + str(e) for e in chain if e is not None)
    if "Password" in names or "password" in names:
        return ReadError("encrypted: password required")
    return ReadError("truncated/corrupt PDF (cannot be parsed)")


@dataclass
class PlumberDocument(_Opened):
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


@register_engine("pdfplumber")
def _open_plumber(path: Path) -> OpenDocument:
    return PlumberDocument(path)


# --------------------------------------------------------------------------------------------
# Plain text: one file, one document; form feeds separate pages.


@dataclass
class TextDocument(_Opened):
    def __post_init__(self) -> None:
        data = self.path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
            self.notes.append("not UTF-8; decoded as Windows-1252")
        if "\x00" in text[:4096]:
            raise ReadError("binary file, not text")
        self._pages = text.replace("\r\n", "\n").replace("\r", "\n").split("\f")
        self.page_count = len(self._pages)

    def pages(self, limit: int) -> Iterator[Page]:
        for index, body in enumerate(self._pages[:limit]):
            lines = []
            for row, raw in enumerate(body.split("\n")):
                stripped = raw.strip()
                if stripped:
                    indent = float(len(raw) - len(raw.lstrip()))
                    lines.append(Line(index + 1, stripped, row * TEXT_LINE_PITCH, row * TEXT_LINE_PITCH + 10.0,
                                      indent * 5.0, (indent + len(stripped)) * 5.0, 10.0))
            yield Page(index + 1, 0.0, 0.0, lines)


WORD_RE = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")

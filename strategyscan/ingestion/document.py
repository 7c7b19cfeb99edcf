"""One file in, one Document and its Passages out; every failure becomes a status and a reason."""

from __future__ import annotations

import hashlib
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..records import Document, IngestResult, Passage
from . import clean, language, metadata, segment
from .lines import Page, ReadError
from .readers import WORD_RE, open_document

#: Below this share of letters a text layer is junk (the Belgian PDFs decode to 14-26 %).
MIN_LETTER_SHARE = 0.5


@dataclass(frozen=True)
class IngestOptions:
    engine: str = "pypdfium2"
    max_pages: int = 1000
    time_limit: float = 120.0  # seconds per file

    def __post_init__(self) -> None:
        from .readers import ENGINES

        if self.engine not in ENGINES:
            raise ValueError(f"unknown engine {self.engine!r}; choose one of {', '.join(sorted(ENGINES))}")
        if self.max_pages < 1:
            raise ValueError("max_pages must be at least 1")
        if self.time_limit <= 0:
            raise ValueError("time_limit must be positive")

    def cache_key(self) -> str:
        return f"{self.engine}-clean{clean.CLEANING_VERSION}-p{self.max_pages}"


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def display_name(path: Path) -> str:
    """File names in NFC: the same name whatever the file system or archive did to its accents."""
    return unicodedata.normalize("NFC", str(path))


def failed(path: Path, doc_id: str, reason: str, status: str = "error", **extra) -> IngestResult:
    """The record of a file that gave no passages, with the reason a user can act on."""
    return IngestResult(Document(doc_id=doc_id, file=display_name(path), status=status, reason=reason, **extra))


def _read_pages(path: Path, options: IngestOptions) -> tuple[list[Page], int, list[str], dict[str, str]]:
    doc = open_document(path, options.engine)
    notes = list(doc.notes)
    deadline = time.monotonic() + options.time_limit
    pages: list[Page] = []
    try:
        for page in doc.pages(options.max_pages):
            pages.append(page)
            if time.monotonic() > deadline:
                notes.append(f"time limit ({options.time_limit:g} s) reached after {len(pages)} of {doc.page_count} pages")
                break
        if doc.page_count > options.max_pages:
            notes.append(f"page limit reached: read {options.max_pages} of {doc.page_count} pages")
    except ReadError as exc:
        if not pages:
            raise
        notes.append(f"{exc.reason}; partial: {len(pages)} of {doc.page_count} pages read")
    finally:
        doc.close()
    return pages, doc.page_count, notes, doc.metadata


def ingest_file(path: str | Path, options: IngestOptions = IngestOptions(),
                manifest: dict[str, metadata.Meta] | None = None) -> IngestResult:
    """Extract, clean, segment and locate one file. Never raises for a bad file."""
    path = Path(path)
    try:
        doc_id = file_hash(path)
    except OSError as exc:
        return failed(path, "", f"cannot read file: {exc.strerror or exc}")
    try:
        pages, page_count, notes, pdf_meta = _read_pages(path, options)
    except ReadError as exc:
        return failed(path, doc_id, exc.reason, exc.status)
    except OSError as exc:
        return failed(path, doc_id, f"cannot read file: {exc.strerror or exc}")

    first_page = " ".join(ln.text for ln in pages[0].lines) if pages else ""
    share = clean.letter_share(pages)
    chars = sum(len(ln.text) for p in pages for ln in p.lines)
    meta_name = metadata.from_file_name(path)
    from_manifest = (manifest or {}).get(display_name(Path(path.name)), metadata.Meta())
    common = dict(pages=page_count, title=pdf_meta.get("title", "")[:200])

    if chars == 0:
        scanned = any(p.has_images for p in pages)
        reason = "no text layer (scanned/image-only); needs OCR" if scanned else "no text extracted (blank pages)"
        meta = metadata.merge(from_manifest, meta_name)
        return failed(path, doc_id, reason, "warning", country=meta.country, iso3=meta.iso3, year=meta.year, **common)
    if share < MIN_LETTER_SHARE:
        meta = metadata.merge(from_manifest, meta_name)
        return failed(path, doc_id, f"garbled text layer ({share:.0%} letters); needs OCR", "warning",
                      country=meta.country, iso3=meta.iso3, year=meta.year, **common)

    paragraphs = clean.paragraphs(pages)
    windows = segment.windows(paragraphs)
    body = " ".join(w.text for w in windows)
    doc_lang, _ = language.detect(body)
    meta = metadata.merge(from_manifest, meta_name,
                          lambda: metadata.from_title(pdf_meta.get("title", ""), first_page),
                          lambda: metadata.from_body(body))
    passages = []
    words = 0
    for index, win in enumerate(windows):
        n = len(WORD_RE.findall(win.text))
        words += n
        passages.append(Passage(
            passage_id=f"{doc_id}-{index:05d}", doc_id=doc_id, file=display_name(path), page=win.page,
            index=index, kind=win.kind, text=win.text, country=meta.country, iso3=meta.iso3, year=meta.year,
            language=doc_lang if win.kind in ("heading", "fragment") else language.passage_language(win.text, doc_lang),
            words=n,
        ))
    status, reason = "ok", "; ".join(notes)
    if any(n.startswith(("time limit", "page limit")) or "partial" in n for n in notes):
        status = "warning"
    if not passages:
        status, reason = "warning", "; ".join([*notes, "no text extracted"])
    document = Document(doc_id=doc_id, file=display_name(path), country=meta.country, iso3=meta.iso3,
                        year=meta.year, language=doc_lang, passages=len(passages), words=words,
                        status=status, reason=reason, metadata_source=meta.source, **common)
    return IngestResult(document, passages)

"""One file in, one Document and its Passages out; every failure becomes a status and a reason."""

from __future__ import annotations

import hashlib
import json
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..records import Document, IngestResult, Passage
from . import clean, language, metadata, ocr, segment, textfile
from .lines import Page, ReadError
from .readers import ENGINE_VERSIONS, ENGINES, WORD_RE, open_document
from .sources import regular_file_problem


@dataclass(frozen=True)
class IngestOptions:
    engine: str = "pypdfium2"
    max_pages: int = 1000
    time_limit: float = 120.0  # seconds per file, OCR included
    ocr: bool = True  # read pages without a usable text layer by OCR, where an engine is installed
    ocr_max_pages: int = 300

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"unknown engine {self.engine!r}; choose one of {', '.join(sorted(ENGINES))}")
        if self.max_pages < 1:
            raise ValueError("max_pages must be at least 1")
        if self.time_limit <= 0:
            raise ValueError("time_limit must be positive")
        if self.ocr_max_pages < 1:
            raise ValueError("ocr_max_pages must be at least 1")

    def components(self) -> dict[str, str]:
        """Every part whose version changes what a file gives: the cache key is made of them."""
        return {"reader": ENGINE_VERSIONS[self.engine], "text": textfile.TEXT_VERSION, "clean": clean.CLEANING_VERSION,
                "segment": segment.SEGMENT_VERSION, "language": language.LANGUAGE_VERSION,
                "metadata": metadata.METADATA_VERSION,
                "ocr": ocr.engine_version() if self.ocr else "off", "max_pages": str(self.max_pages)}

    def cache_key(self) -> str:
        """Time limits are not in the key: a read they cut short is never cached."""
        return json.dumps(self.components(), sort_keys=True)


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def display_name(path: Path) -> str:
    """File names in NFC: the same name whatever the file system or archive did to its accents."""
    return unicodedata.normalize("NFC", str(path))


def failed(path: Path, doc_id: str, reason: str, status: str = "error", complete: bool = False,
           **extra) -> IngestResult:
    """The record of a file that gave no passages, with the reason a user can act on. Only a
    `complete` one (a file that was read whole and has no text) may be cached."""
    return IngestResult(Document(doc_id=doc_id, file=display_name(path), status=status, reason=reason, **extra),
                        complete=complete)


def _read_pages(path: Path, options: IngestOptions,
                deadline: float) -> tuple[list[Page], int, list[str], dict[str, str]]:
    doc = open_document(path, options.engine)
    notes = list(doc.notes)
    pages: list[Page] = []
    try:
        for page in doc.pages(options.max_pages):
            pages.append(page)
            if time.monotonic() > deadline:
                notes.append(f"time limit ({options.time_limit:g} s) reached after {len(pages)} of "
                             f"{doc.page_count} pages")
                break
        if doc.page_count > options.max_pages:
            notes.append(f"page limit reached: read {options.max_pages} of {doc.page_count} pages")
    except ReadError as exc:
        if not pages:
            raise
        notes.append(f"{exc.reason}; partial: {len(pages)} of {doc.page_count} pages read")
    finally:
        doc.close()
    notes += [n for n in doc.notes if n not in notes]  # what the reader noted while reading
    return pages, doc.page_count, notes, doc.metadata


def _text_language(pages: list[Page], skip: set[int]) -> str:
    """The language of the readable text layer, so OCR of the other pages can use its pack."""
    sample = " ".join(ln.text for p in pages if p.number not in skip for ln in p.lines)[:5000]
    return language.detect(sample)[0] if len(sample) >= 200 else ""


def _read_unreadable(path: Path, pages: list[Page], page_count: int, options: IngestOptions, deadline: float,
                     notes: list[str]) -> ocr.OcrResult | None:
    """OCR the pages a text layer does not serve (scans, junk fonts) and put them in place.
    Without OCR, junk text is dropped rather than passed on as passages."""
    if path.suffix.lower() == ".txt":  # a text file has no image to read instead
        return None
    numbers = [p.number for p in pages if ocr.unreadable(p, page_count)]
    if not numbers:
        return None
    if not options.ocr:
        notes.append(f"{len(numbers)} page(s) without a usable text layer not read (OCR off)")
        result = ocr.OcrResult({}, complete=False)
    else:
        try:
            result = ocr.ocr_document(path, numbers, _text_language(pages, set(numbers)), deadline,
                                      options.ocr_max_pages)
        except Exception as exc:  # a page the renderer or engine cannot take: the text layer still counts
            result = ocr.OcrResult({}, notes=[f"OCR failed ({type(exc).__name__}): {len(numbers)} page(s) not read"],
                                   complete=False)
        notes.extend(result.notes)
    for i, page in enumerate(pages):
        if page.number in result.pages:
            pages[i] = result.pages[page.number].page
        elif page.number in numbers:
            page.lines = []
    return result


def ingest_file(path: str | Path, options: IngestOptions = IngestOptions(),
                meta: metadata.Meta | None = None, doc_id: str | None = None) -> IngestResult:
    """Extract, clean, segment and locate one file. Never raises for a bad file. `meta` (a
    manifest's row) wins over what the file says about itself; `doc_id` is the file's hash where
    the caller has already read it whole for that."""
    path = Path(path)
    problem = regular_file_problem(path)  # never open a FIFO or device: the read would block
    if problem:
        return failed(path, "", problem)
    try:
        doc_id = doc_id or file_hash(path)
    except OSError as exc:
        return failed(path, "", f"cannot read file: {exc.strerror or exc}")
    deadline = time.monotonic() + options.time_limit
    # reading and OCR stop at the limit; what follows gets a little more, so that the partial
    # result is handed back before the executor's hard stop at 1.5 times the limit plus 5 s
    finish_by = deadline + 0.25 * options.time_limit + 2
    try:
        pages, page_count, notes, pdf_meta = _read_pages(path, options, deadline)
        layer = clean.sample_text(pages)
        layer_junk, layer_scanned = clean.junk_text(layer), any(p.scanned for p in pages)
        ocred = _read_unreadable(path, pages, page_count, options, deadline, notes)
    except ReadError as exc:
        return failed(path, doc_id, exc.reason, exc.status)
    except OSError as exc:
        return failed(path, doc_id, f"cannot read file: {exc.strerror or exc}")
    complete = not any(n.startswith(("time limit", "page limit")) or "partial" in n for n in notes)
    complete = complete and (ocred is None or ocred.complete)

    first_page = " ".join(ln.text for ln in pages[0].lines) if pages else ""
    text = clean.sample_text(pages) if ocred else layer
    junk = clean.junk_text(text) if ocred else layer_junk
    chars = sum(len(ln.text) for p in pages for ln in p.lines)
    meta_name = metadata.from_file_name(path)
    from_manifest = meta or metadata.Meta()
    common = dict(pages=page_count, title=pdf_meta.get("title", "")[:200])

    if chars == 0 or junk:
        if junk or (layer_junk and not layer_scanned):
            share = clean.layer_letter_share(text if junk else layer)
            reason = f"garbled text layer ({share:.0%} letters); needs OCR"
        elif layer_scanned:
            reason = "no text layer (scanned/image-only); needs OCR"
        else:
            reason = "no text extracted (blank pages)"
        meta = metadata.merge(from_manifest, meta_name)
        return failed(path, doc_id, "; ".join([reason, *notes]), "warning", complete=complete,
                      country=meta.country, iso3=meta.iso3, year=meta.year, **common)

    paragraphs = clean.paragraphs(pages)
    windows: list[segment.Window] = []
    cut = False
    for win in segment.iter_windows(paragraphs):
        if time.monotonic() > finish_by:  # keep what was cut before the limit, rather than lose it all
            notes.append(f"time limit ({options.time_limit:g} s) reached while splitting passages; partial: "
                         f"passages up to page {win.page} of {page_count}")
            complete, cut = False, True
            break
        windows.append(win)
    body = " ".join(w.text for w in windows)
    doc_lang, _ = language.detect(body)
    meta = metadata.merge(from_manifest, meta_name,
                          lambda: metadata.from_title(pdf_meta.get("title", ""), first_page),
                          lambda: metadata.from_front_matter([" ".join(ln.text for ln in p.lines) for p in pages[1:3]]),
                          lambda: metadata.from_body(body))
    ocr_pages = ocred.pages if ocred else {}
    passages = []
    words = 0
    detect = True  # naming each passage's language: past the limit, the rest take the document's
    for index, win in enumerate(windows):
        if detect and time.monotonic() > finish_by:
            detect = complete = False
            notes.append(f"time limit ({options.time_limit:g} s) reached: passages from page {win.page} on take "
                         f"the document's language")
        n = len(WORD_RE.findall(win.text))
        words += n
        read = ocr_pages.get(win.page)
        passages.append(Passage(
            passage_id=f"{doc_id}-{index:05d}", doc_id=doc_id, file=display_name(path), page=win.page,
            index=index, kind=win.kind, text=win.text, country=meta.country, iso3=meta.iso3, year=meta.year,
            language=language.passage_language(win.text, doc_lang) if detect and win.kind not in ("heading", "fragment")
            else doc_lang,
            words=n, ocr=read is not None, ocr_confidence=round(read.confidence, 1) if read else None,
        ))
    status = "ok" if complete else "warning"
    if not passages and not cut:
        status, notes = "warning", [*notes, "no text extracted"]
    document = Document(doc_id=doc_id, file=display_name(path), country=meta.country, iso3=meta.iso3,
                        year=meta.year, language=doc_lang, passages=len(passages), words=words,
                        status=status, reason="; ".join(notes), metadata_source=meta.source,
                        **_ocr_fields(ocred), **common)
    return IngestResult(document, passages, complete=complete)


def _ocr_fields(ocred: ocr.OcrResult | None) -> dict:
    if not ocred or not ocred.pages:
        return {}
    return dict(ocr_engine=ocred.engine, ocr_language=ocred.language, ocr_pages=len(ocred.pages),
                ocr_confidence=ocred.confidence)

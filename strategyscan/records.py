"""Records that cross pipeline stages.

Each stage reads and writes lists of these, so the CLI, the cache and the executors can move
them around without knowing what a stage does inside.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Status = Literal["ok", "warning", "error"]
PassageKind = Literal["body", "list_item", "heading", "table_row", "fragment", "footnote"]

#: Passage kinds that carry running prose; headings, fragments and footnotes are kept (evidence
#: and recall) but are not counted in the comparison shares.
PROSE_KINDS: frozenset[str] = frozenset({"body", "list_item", "table_row"})


@dataclass(frozen=True)
class Document:
    """One input file and what became of it."""

    doc_id: str
    file: str
    country: str = ""
    iso3: str = ""
    year: int | None = None
    language: str = ""
    pages: int = 0
    passages: int = 0
    words: int = 0
    status: Status = "ok"
    reason: str = ""
    title: str = ""
    metadata_source: str = ""
    ocr_engine: str = ""  # pages read by OCR: engine, language, how many, mean confidence (0-100)
    ocr_language: str = ""
    ocr_pages: int = 0
    ocr_confidence: float | None = None

    def row(self) -> dict:
        return dict(vars(self))  # flat fields: what asdict gives, without its deep copies (10x faster)


@dataclass(frozen=True)
class Passage:
    """A window of at most a few sentences, located in its document."""

    passage_id: str
    doc_id: str
    file: str
    page: int
    index: int
    kind: str
    text: str
    country: str = ""
    iso3: str = ""
    year: int | None = None
    language: str = ""
    words: int = 0
    ocr: bool = False  # read by OCR from a page image
    ocr_confidence: float | None = None  # the page's mean OCR confidence, 0-100

    def row(self) -> dict:
        return dict(vars(self))  # flat fields: what asdict gives, without its deep copies (10x faster)


@dataclass(frozen=True)
class IngestResult:
    """A document with its passages: the unit the cache stores and executors return."""

    document: Document
    passages: list[Passage] = field(default_factory=list)
    complete: bool = True  # read whole: no time, page or OCR limit cut it short (only these are cached)

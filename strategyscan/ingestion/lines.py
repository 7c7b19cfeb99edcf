"""The record a reader hands to the cleaner: one visual line of text with its position.

Readers of formats without geometry (plain text) give lines synthetic positions (one unit per
line, blank lines as gaps), so cleaning and paragraphing are one algorithm for every format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

#: the synthetic distance between two lines of a plain-text file: a blank line is a gap of two
TEXT_LINE_PITCH = 12.0


@dataclass(slots=True)
class Line:
    page: int  # 1-based
    text: str
    top: float  # distance from the top of the page; grows downwards
    bottom: float
    x0: float
    x1: float
    size: float  # font size (or line height when the engine gives no size)
    rotated: bool = False  # set sideways, as margin notes are: not in the page's reading direction

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(slots=True)
class Page:
    number: int  # 1-based
    width: float
    height: float
    lines: list[Line]
    scanned: bool = False  # an image covers most of the page: a scan, OCR's to read


class ReadError(Exception):
    """A file that cannot be read; `status` says whether what was read is still usable."""

    def __init__(self, reason: str, status: str = "error") -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass
class Opened:
    """What every reader keeps about an open file: notes for the reason column, PDF metadata."""

    path: Path
    notes: list[str] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    page_count: int = 0

    def close(self) -> None:
        pass

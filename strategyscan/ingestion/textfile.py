"""Plain text files: one file, one document; form feeds separate pages.

The file is streamed in blocks, never read whole: one pass finds the encoding (a BOM for
UTF-8/16/32, UTF-16 by its zero bytes where the BOM is missing, UTF-8, else Windows-1252) and
counts the pages, a second yields them one at a time, so memory follows the longest page rather
than the file and a time limit can stop between pages.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .lines import TEXT_LINE_PITCH, Line, Opened, Page, ReadError

TEXT_VERSION = "text.v2"  # v2: streamed, UTF-16/32, the page limit counts characters
BLOCK_CHARS = 1 << 20
#: --max-pages bounds a text file as well: each page's worth of characters counts as a page
PAGE_CHARS = 10_000
#: longer BOMs first: UTF-32 LE starts with the UTF-16 LE mark
_BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]
_NAMES = {"utf-32": "UTF-32", "utf-16": "UTF-16", "utf-16-le": "UTF-16", "utf-16-be": "UTF-16"}


def _unmarked_utf16(head: bytes) -> str:
    """UTF-16 without a BOM shows as a zero byte in every other place (for Latin text)."""
    even, odd = head[0::2], head[1::2]
    if len(head) >= 16 and odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if len(head) >= 16 and even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return ""


def _decodes(path: Path, encoding: str, errors: str = "strict") -> tuple[bool, int]:
    """(whether the whole file decodes, form feeds counted), in blocks."""
    decoder = codecs.getincrementaldecoder(encoding)(errors)
    feeds = 0
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(BLOCK_CHARS), b""):
                feeds += decoder.decode(block).count("\f")
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False, 0
    return True, feeds


def sniff_encoding(path: Path) -> tuple[str, int, list[str]]:
    """(encoding, page count, notes) of a text file; ReadError for a binary one."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    encoding = next((name for bom, name in _BOMS if head.startswith(bom)), "") or _unmarked_utf16(head)
    notes: list[str] = []
    if not encoding:
        if b"\x00" in head:
            raise ReadError("binary file, not text")
        encoding = "utf-8-sig"
    ok, feeds = _decodes(path, encoding)
    if not ok:
        if encoding != "utf-8-sig":
            raise ReadError(f"not valid {_NAMES.get(encoding, encoding)} text")
        encoding, notes = "cp1252", ["not UTF-8; decoded as Windows-1252"]
        feeds = _decodes(path, encoding, "replace")[1]
    return encoding, feeds + 1, notes


def _lines(number: int, body: str) -> list[Line]:
    lines = []
    for row, raw in enumerate(body.split("\n")):
        stripped = raw.strip()
        if stripped:
            indent = float(len(raw) - len(raw.lstrip()))
            lines.append(Line(number, stripped, row * TEXT_LINE_PITCH, row * TEXT_LINE_PITCH + 10.0,
                              indent * 5.0, (indent + len(stripped)) * 5.0, 10.0))
    return lines


@dataclass
class TextDocument(Opened):
    def __post_init__(self) -> None:
        self._encoding, self.page_count, notes = sniff_encoding(self.path)
        self.notes.extend(notes)

    def pages(self, limit: int) -> Iterator[Page]:
        """At most `limit` pages and `limit` x PAGE_CHARS characters: a text without form feeds is
        one page, and the page limit must bound it too (a 200 MB text would need gigabytes)."""
        budget = limit * PAGE_CHARS
        for number, body in enumerate(self._bodies(budget + 1), start=1):
            if number > limit:
                return
            if len(body) > budget:
                self.notes.append(f"page limit reached: read the first {limit * PAGE_CHARS:,} characters "
                                  f"(a text file counts {PAGE_CHARS:,} characters as a page)")
                body = body[: body.rfind("\n", 0, budget) + 1 or budget]
                yield Page(number, 0.0, 0.0, _lines(number, body))
                return
            budget -= len(body)
            yield Page(number, 0.0, 0.0, _lines(number, body))

    def _bodies(self, cap: int) -> Iterator[str]:
        """The text of each page, read block by block; one longer than `cap` ends the reading."""
        pending = ""
        with self.path.open(encoding=self._encoding, errors="replace", newline=None) as fh:
            for block in iter(lambda: fh.read(BLOCK_CHARS), ""):
                *done, pending = (pending + block).split("\f")
                yield from done
                if len(pending) > cap:
                    break
        yield pending

"""Passages as spans of a text file: how real labelled text is stored without storing the text.

A span is `file, start, end, sha`: Python string offsets into the file decoded as UTF-8 (no
newline translation) and the first 12 hex digits of the sha1 of the whitespace-normalised span.
The hash catches a text that changed under the offsets; resolving refuses such a span.

`align` maps passages that ingest cut from a text file back to offsets in that file. Ingest
joins wrapped lines, repairs hyphenation and drops running headers, so passages are matched on
the stream of letters and digits, which none of those changes; a passage cut across a dropped
header is matched by its head and its tail.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

_EDGE = 40  # letters and digits matched at each end when the whole passage is not found verbatim


@dataclass(frozen=True, slots=True)
class Span:
    file: str
    start: int
    end: int
    sha: str


def span_sha(text: str) -> str:
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:12]


def span_text(raw: str, start: int, end: int) -> str:
    """What a span shows an annotator and the model: the raw slice with whitespace collapsed."""
    return " ".join(raw[start:end].split())


def _stream(text: str) -> tuple[str, list[int]]:
    """Lower-cased letters and digits of `text` and, for each, its offset in `text`."""
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch.isalnum():
            chars.append(ch.lower())
            where.append(i)
    return "".join(chars), where


def align(raw: str, passages: list[str], *, window: int = 20_000) -> list[tuple[int, int] | None]:
    """Offsets in `raw` of each passage (in document order), or None where it cannot be placed.

    The search moves forward with the passages, so a phrase repeated in the document (a running
    title, a recurring sentence) is matched where this passage sits, not at its first occurrence.
    """
    stream, where = _stream(raw)
    out: list[tuple[int, int] | None] = []
    cursor = 0
    for text in passages:
        needle, _ = _stream(text)
        if len(needle) < 8:
            out.append(None)
            continue
        hit = _find(stream, needle, cursor, window)
        if hit is None:
            out.append(None)
            continue
        lo, hi = hit
        start, end = where[lo], where[hi - 1] + 1
        while end < len(raw) and not raw[end].isspace() and not raw[end].isalnum():
            end += 1  # keep the closing punctuation: "...partners." not "...partners"
        out.append((start, end))
        cursor = hi
    return out


def _find(stream: str, needle: str, cursor: int, window: int) -> tuple[int, int] | None:
    limit = cursor + window + len(needle)
    i = stream.find(needle, cursor, limit)
    if i >= 0:
        return i, i + len(needle)
    if len(needle) < 3 * _EDGE:
        return None
    head, tail = needle[:_EDGE], needle[-_EDGE:]
    i = stream.find(head, cursor, limit)
    if i < 0:
        return None
    j = stream.find(tail, i + _EDGE, i + 2 * len(needle) + 400)
    if j < 0:
        return None
    return i, j + _EDGE

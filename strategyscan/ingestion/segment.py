"""Paragraphs into passages: windows of a few sentences, the unit the classifier judges."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .clean import Paragraph
from .sentences import SENTENCES_VERSION, sentences

SEGMENT_VERSION = f"segment.v3+{SENTENCES_VERSION}"
MAX_SENTENCES = 3
MAX_WORDS = 120
MIN_WORDS = 6
#: a paragraph longer than this (a text file without blank lines) is sentence-split in pieces cut
#: at a sentence end (spaCy, whose sentence starts `sentences` follows, refused longer texts)
PIECE_CHARS = 500_000
BATCH_CHARS = 200_000  # what is sentence-split between two looks at the clock

_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*\s+\S")


@dataclass(slots=True)
class Window:
    page: int
    kind: str
    text: str


def _pieces(text: str, size: int = PIECE_CHARS) -> Iterator[str]:
    """`text` in pieces of at most `size` characters, each cut after a sentence end where there
    is one (else at a space), so no sentence is cut that would not be cut anyway."""
    while len(text) > size:
        ends = list(_SENTENCE_END.finditer(text, size // 2, size))
        cut = ends[-1].end() - 1 if ends else (text.rfind(" ", size // 2, size) + 1 or size)
        yield text[:cut]
        text = text[cut:]
    yield text


def _needs_split(text: str) -> bool:
    return len(text.split()) > MAX_WORDS or len(_SENTENCE_END.findall(text)) >= MAX_SENTENCES


def _chunks(sentence: str) -> list[str]:
    words = sentence.split()
    if len(words) <= MAX_WORDS:
        return [sentence]
    n = -(-len(words) // MAX_WORDS)
    size = -(-len(words) // n)
    return [" ".join(words[i : i + size]) for i in range(0, len(words), size)]


def _windows(sentences: list[str]) -> list[str]:
    out: list[list[str]] = []
    count = 0
    for sent in (c for s in sentences for c in _chunks(s)):
        n = len(sent.split())
        if out and len(out[-1]) < MAX_SENTENCES and count + n <= MAX_WORDS:
            out[-1].append(sent)
            count += n
        else:
            out.append([sent])
            count = n
    texts = [" ".join(w) for w in out]
    # a short tail joins the window before it rather than standing alone
    merged: list[str] = []
    for text in texts:
        if merged and len(text.split()) < MIN_WORDS:
            merged[-1] = f"{merged[-1]} {text}"
        else:
            merged.append(text)
    if len(merged) > 1 and len(merged[0].split()) < MIN_WORDS:
        merged[1] = f"{merged[0]} {merged[1]}"
        merged.pop(0)
    return merged


def _split(paragraphs: list[Paragraph], ids: list[int]) -> dict[int, list[str]]:
    """The windows of the paragraphs `ids`, sentence-split."""
    return {i: _windows(sentences(paragraphs[i].text)) for i in ids}


def _in_pieces(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Each paragraph longer than PIECE_CHARS as several."""
    return [p if len(p.text) <= PIECE_CHARS else Paragraph(p.page, p.kind, piece)
            for p in paragraphs for piece in _pieces(p.text)]


def _batches(paragraphs: list[Paragraph], ids: list[int], limit: int) -> list[list[int]]:
    """`ids` in runs of about `limit` characters of text (at least one paragraph each)."""
    batches: list[list[int]] = []
    size = 0
    for i in ids:
        if not batches or size + len(paragraphs[i].text) > limit:
            batches.append([])
            size = 0
        batches[-1].append(i)
        size += len(paragraphs[i].text)
    return batches


def iter_windows(paragraphs: list[Paragraph], batch_chars: int = BATCH_CHARS) -> Iterator[Window]:
    """Windows in reading order, long paragraphs split a batch of about `batch_chars` at a time:
    a caller with a time limit can stop between batches and keep what came before."""
    paragraphs = _in_pieces(paragraphs)
    long_ids = [i for i, p in enumerate(paragraphs) if p.kind != "heading" and _needs_split(p.text)]
    starts = {batch[0]: batch for batch in _batches(paragraphs, long_ids, batch_chars)}
    split: dict[int, list[str]] = {}
    for i, para in enumerate(paragraphs):
        if i in starts:
            split.update(_split(paragraphs, starts[i]))
        for text in split.pop(i, [para.text]):
            yield Window(para.page, para.kind, text)


def windows(paragraphs: list[Paragraph]) -> list[Window]:
    """Split long paragraphs into sentence windows; short ones pass through whole."""
    return list(iter_windows(paragraphs))

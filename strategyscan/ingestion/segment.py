"""Paragraphs into passages: windows of a few sentences, the unit the classifier judges."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .clean import Paragraph

SEGMENT_VERSION = "segment.v1"
MAX_SENTENCES = 3
MAX_WORDS = 120
MIN_WORDS = 6

_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*\s+\S")


@dataclass(slots=True)
class Window:
    page: int
    kind: str
    text: str


@functools.lru_cache(maxsize=1)
def sentencizer():
    """Blank English pipeline with a rule-based sentencizer: no model download."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 5_000_000
    return nlp


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


def windows(paragraphs: list[Paragraph]) -> list[Window]:
    """Split long paragraphs with spaCy; short ones pass through whole."""
    long_ids = [i for i, p in enumerate(paragraphs) if p.kind != "heading" and _needs_split(p.text)]
    split: dict[int, list[str]] = {}
    if long_ids:
        nlp = sentencizer()
        docs = nlp.pipe((paragraphs[i].text for i in long_ids), batch_size=256)
        for i, doc in zip(long_ids, docs):
            split[i] = _windows([s.text.strip() for s in doc.sents if s.text.strip()])
    out: list[Window] = []
    for i, para in enumerate(paragraphs):
        for text in split.get(i, [para.text]):
            out.append(Window(para.page, para.kind, text))
    return out

"""Extraction quality against ground truth: body-word recall/precision and boilerplate leaks.

Used by the tests and by `bench/ingest.py` over `../shared/corpora/pdfs/rendered`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .readers import WORD_RE


def word_counts(text: str) -> Counter[str]:
    """Multiset of lowercase words, the unit recall and precision are counted in."""
    return Counter(w.lower() for w in WORD_RE.findall(text))


def _occurrences(needle: str, haystack: str) -> int:
    return len(re.findall(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack))


@dataclass(frozen=True)
class Score:
    matched: int
    truth_words: int
    output_words: int
    boilerplate_lines: int
    leaked_lines: int

    @property
    def recall(self) -> float:
        return self.matched / self.truth_words if self.truth_words else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.output_words if self.output_words else 1.0

    @property
    def leak_rate(self) -> float:
        return self.leaked_lines / self.boilerplate_lines if self.boilerplate_lines else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(*(a + b for a, b in zip(self.astuple(), other.astuple())))

    def astuple(self) -> tuple[int, ...]:
        return (self.matched, self.truth_words, self.output_words, self.boilerplate_lines, self.leaked_lines)


def score(truth: dict, output_texts: list[str]) -> Score:
    """Compare passages with a `*.truth.json`.

    A header, footer or footnote line leaks when it occurs in the output more often than in the
    true body text (so a page number that is also a figure in the body is not counted).
    """
    body = "\n".join(truth["paragraphs"])
    out = "\n".join(output_texts)
    tw, ow = word_counts(body), word_counts(out)
    lines: Counter[str] = Counter()
    for page in truth["pages"]:
        for key in ("header", "footer", "footnote"):
            if page.get(key):
                lines[page[key].strip()] += 1
    leaked = sum(min(n, max(0, _occurrences(s, out) - _occurrences(s, body))) for s, n in lines.items())
    return Score(sum((tw & ow).values()), sum(tw.values()), sum(ow.values()), sum(lines.values()), leaked)


def load_truth(pdf: str | Path) -> dict:
    path = Path(pdf)
    return json.loads(path.with_name(path.stem + ".truth.json").read_text(encoding="utf-8"))

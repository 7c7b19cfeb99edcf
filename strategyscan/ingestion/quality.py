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


def body_texts(passages) -> list[str]:
    """The passages that stand for the body text: footnotes are kept apart as their own kind."""
    return [p.text for p in passages if p.kind != "footnote"]


def score(truth: dict, output_texts: list[str]) -> Score:
    """Compare passages (`body_texts`) with a `*.truth.json`.

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


# --------------------------------------------------------------------------------------------
# Real PDFs without ground truth: judged against another extractor's page texts.

def pdftotext_pages(pdf: str | Path, exe: str = "pdftotext") -> list[str]:
    """poppler's text of each page (reading order), words split at line ends joined, as ingest
    joins them: the reference for real PDFs that have no ground truth."""
    import subprocess

    text = subprocess.run([exe, str(pdf), "-"], capture_output=True, check=True).stdout.decode("utf-8", "replace")
    return [re.sub(r"(\w)[-\u00ad]\n\s*([a-z])", r"\1\2", page) for page in text.split("\f")]


# The measure's own patterns, not the cleaner's: a rule must not judge itself.
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_DOT_LEADERS = re.compile(r"(?:\.\s?){5,}|(?:\u2026\s?){2,}")


def _segments(line: str) -> list[str]:
    """A line may hold several columns apart by runs of spaces: each is its own text."""
    return [" ".join(part.split()) for part in re.split(r"\s{3,}", line) if part.strip()]


def repeated_segments(pages: list[str], share: float = 0.3, edge: int | None = 4) -> set[str]:
    """Repeated texts (digits ignored) on more than `share` of the pages, at most about twice a
    page (a text repeated within pages, like a glossary's "SOURCE:", is content); with `edge`,
    only where they stand among the first or last `edge` lines of those pages, where a reference
    extractor puts running headers, footers and margin text. Only texts with a word of 3+
    letters count: a bare page number cannot be traced in passages."""
    at_edge: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for page in pages:
        lines = [ln for ln in page.splitlines() if ln.strip()]
        shapes = [re.sub(r"\d+", "#", s) for ln in lines for s in _segments(ln)]
        total.update(shapes)
        ends = lines[:edge] + lines[-edge:] if edge and len(lines) > 2 * edge else lines
        at_edge.update({re.sub(r"\d+", "#", s) for ln in ends for s in _segments(ln)})
    needed = max(2, share * len(pages))
    return {shape for shape, n in at_edge.items()
            if n > needed and total[shape] <= 2.2 * n and re.search(r"[^\W\d_]{3}", shape)}


@dataclass(frozen=True)
class LayoutScore:
    """Passages of a real PDF against a reference extractor's text of the same pages."""

    recall: float  # reference body words (furniture removed; two letters or more) found in the passages
    furniture_lines: int  # furniture occurrences in the reference
    leaked: int  # furniture occurrences in the passages beyond what the body itself holds
    junk_passages: int  # passages with dot leaders or private-use glyphs
    words: int  # reference body words


def layout_score(reference_pages: list[str], passages: list[str]) -> LayoutScore:
    """Recall is of the reference body: the text less whatever repeats like furniture anywhere
    on the page (running headers, a table's repeated header row, side tabs: dropping those loses
    nothing) and less contents lines (dot leaders). Leaks count running furniture proper, the
    repeated texts at the page edges, found in passages more often than in that body."""
    running = repeated_segments(reference_pages)
    repeated = repeated_segments(reference_pages, edge=None) | running
    body_parts, lines = [], Counter()
    for page in reference_pages:
        for line in page.splitlines():
            for seg in _segments(line):
                shape = re.sub(r"\d+", "#", seg)
                if shape in running:
                    lines[seg] += 1
                if shape not in repeated and not _DOT_LEADERS.search(seg):
                    body_parts.append(seg)
    body, out = "\n".join(body_parts), "\n".join(passages)
    # one-letter "words" are left out of recall: the reference spells text set sideways (side
    # tabs) letter by letter, and splits a drop cap from its word
    ref, got = Counter({w: n for w, n in word_counts(body).items() if len(w) > 1}), word_counts(out)
    leaked = sum(min(n, max(0, _occurrences(s, out) - _occurrences(s, body))) for s, n in lines.items())
    junk = sum(bool(_PRIVATE_USE.search(p) or _DOT_LEADERS.search(p)) for p in passages)
    total = sum(ref.values())
    recall = sum((ref & got).values()) / total if total else 1.0
    return LayoutScore(recall, sum(lines.values()), leaked, junk, total)

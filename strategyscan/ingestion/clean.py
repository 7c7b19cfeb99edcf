"""From positioned lines to clean paragraphs.

Every engine emits running headers, footers, page numbers and footnotes, and wraps words at
line ends; this module removes the first and repairs the second, using position and repetition
across pages rather than any one engine's quirks.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from .lines import Line, Page

CLEANING_VERSION = "1"
#: The synthetic line pitch the text reader gives lines (blank lines add one more).
TEXT_LINE_PITCH = 12.0

_SOFT = "\ufffe\x02\u00ad"
_TERMINAL = tuple(".!?:;")
_BULLET_GLYPHS = "\u2022\u25aa\u25cf\u25e6\u2023\u2043\u25a0\u25a1\u27a2\u2713\uf0b7\uf0a7\uf0d8\u00b7*\u2013\u2014-"
_BULLET_RE = re.compile(rf"^(?:[{re.escape(_BULLET_GLYPHS)}]|o(?=\s))\s*")
_NUMBERED_RE = re.compile(r"^(?:\(?\d{1,2}(?:\.\d{1,2})*[.)]|\(?[a-z][.)]|\(?[ivx]{1,4}[.)])\s+\S")
_PAGE_NUMBER_RE = re.compile(
    r"^(?:page\s*)?[-\u2013\u2014\s|]*(?:\d{1,4}|[ivxlc]{1,7})(?:\s*(?:of|/)\s*\d{1,4})?[-\u2013\u2014\s|]*$",
    re.IGNORECASE,
)
_DOT_LEADER_RE = re.compile(r"(?:\.\s?){4,}\s*\d*\s*$|\u2026{2,}|(?:_{4,})\s*\d+\s*$")
_CONTENTS_RE = re.compile(r"^(?:table of )?contents?$|^sommaire$|^índice$|^indice$", re.IGNORECASE)
_TOC_ENTRY_RE = re.compile(r"\s\d{1,3}$")


@dataclass(slots=True)
class Paragraph:
    page: int
    kind: str  # body | list_item | heading | fragment
    text: str


def normalise(text: str) -> str:
    """NFKC folds ligatures and compatibility forms; soft hyphens are kept for the joiner."""
    text = unicodedata.normalize("NFKC", text.replace("\ufffe", "\u00ad").replace("\x02", "\u00ad"))
    return re.sub(r"[ \t\u00a0\u2000-\u200b]+", " ", text).strip()


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower()).replace(" ", "")


def body_size(lines: list[Line]) -> float:
    """The font size most characters are set in."""
    weights: Counter[float] = Counter()
    for line in lines:
        weights[round(line.size * 2) / 2] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 10.0


def _edge_lines(page: Page, leading: float, count: int = 2) -> list[Line]:
    """Lines where running headers and footers live: set apart in the page margins, or (for
    text without geometry) the first and last lines of a page."""
    ordered = sorted(page.lines, key=lambda ln: ln.top)
    if not page.height:
        return ordered[:count] + ordered[-count:]
    edge = []
    for i, ln in enumerate(ordered):
        if ln.top < 0.1 * page.height:
            inner = ordered[i + 1] if i + 1 < len(ordered) else None
            gap = inner.top - ln.bottom if inner else page.height
        elif ln.bottom > 0.9 * page.height:
            inner = ordered[i - 1] if i > 0 else None
            gap = ln.top - inner.bottom if inner else page.height
        else:
            continue
        if gap > 1.5 * leading or _PAGE_NUMBER_RE.match(ln.text):
            edge.append(ln)
    return edge


def find_boilerplate(pages: list[Page]) -> set[int]:
    """Ids of header/footer/page-number lines: repeated at page edges, or bare page numbers."""
    if not pages:
        return set()
    seen: Counter[str] = Counter()
    lines = [ln for page in pages for ln in page.lines]
    heights = sorted(ln.height for ln in lines)
    leading = max(_pitch(lines) - heights[len(heights) // 2], 1.0) if lines else 1.0
    edges = [_edge_lines(page, leading) for page in pages]
    for edge in edges:
        for shape in {_shape(ln.text) for ln in edge}:
            seen[shape] += 1
    needed = max(2, math.ceil(0.25 * len(pages)))
    drop: set[int] = set()
    for edge in edges:
        for ln in edge:
            if (seen[_shape(ln.text)] >= needed and len(pages) > 1) or _PAGE_NUMBER_RE.match(ln.text):
                drop.add(id(ln))
    return drop


def find_footnotes(page: Page, size: float) -> set[int]:
    """Small-print lines below the last body-size line of a page."""
    if not page.height or not page.lines:
        return set()
    body = [ln for ln in page.lines if ln.size >= 0.9 * size]
    if not body:
        return set()
    lowest = max(ln.bottom for ln in body)
    return {
        id(ln)
        for ln in page.lines
        if ln.size < 0.85 * size and ln.top >= lowest - 0.5 and ln.top > 0.6 * page.height
    }


def find_toc(lines: list[Line]) -> set[int]:
    """Table-of-contents lines: dot leaders anywhere, and number-ended lines after 'Contents'."""
    drop: set[int] = set()
    in_toc = False
    for ln in lines:
        text = ln.text
        if _CONTENTS_RE.match(text):
            in_toc = True
            drop.add(id(ln))
            continue
        if _DOT_LEADER_RE.search(text):
            drop.add(id(ln))
            in_toc = True
            continue
        if in_toc and _TOC_ENTRY_RE.search(text) and len(text.split()) <= 14:
            drop.add(id(ln))
            continue
        in_toc = False
    return drop


def _pitch(lines: list[Line]) -> float:
    steps = [
        b.top - a.top
        for a, b in zip(lines, lines[1:])
        if a.page == b.page and 0 < b.top - a.top < 3 * max(a.height, 1.0) and abs(a.size - b.size) < 0.5
    ]
    if not steps:
        return 12.0
    steps.sort()
    # paragraph gaps must not inflate the line pitch: the lower quartile, or the minimum when few
    return steps[len(steps) // 4] if len(steps) >= 8 else steps[0]


def _starts_item(text: str) -> bool:
    return bool(_BULLET_RE.match(text) or _NUMBERED_RE.match(text))


def _column_right(lines: list[Line]) -> dict[int, float]:
    """For each line, the right edge its column usually reaches (to spot short last lines)."""
    bins: dict[tuple[int, int], list[float]] = {}
    for ln in lines:
        bins.setdefault((ln.page, int(ln.x0 // 40)), []).append(ln.x1)
    edge = {key: sorted(xs)[int(0.9 * (len(xs) - 1))] for key, xs in bins.items()}
    return {id(ln): edge[(ln.page, int(ln.x0 // 40))] for ln in lines}


def _breaks(prev: Line, cur: Line, pitch: float, size: float, right: dict[int, float]) -> bool:
    """Does `cur` start a new paragraph?"""
    prev_text, cur_text = prev.text, cur.text
    if _starts_item(cur_text):
        return True
    if abs(prev.size - cur.size) > 0.12 * size:
        return True
    ends_sentence = prev_text.endswith(_TERMINAL) or prev_text.endswith(('."', ".\u201d", ".)"))
    starts_lower = cur_text[:1].islower()
    moved_up = cur.page != prev.page or cur.top < prev.top - 0.5 * pitch
    if moved_up:  # next column or page: continue an unfinished sentence
        return ends_sentence and not starts_lower
    if not ends_sentence and starts_lower:
        return False
    step = cur.top - prev.top
    if step > 1.4 * pitch:
        return True
    width = right[id(prev)] - prev.x0
    return ends_sentence and prev.x1 < right[id(prev)] - 0.15 * max(width, 1.0) and not starts_lower


def _join(left: str, right: str, vocabulary: set[str]) -> str:
    if left.endswith("\u00ad"):
        stem = left[:-1]
        head = re.findall(r"[^\W_]+$", stem)
        tail = re.findall(r"^[^\W_]+", right)
        if head and tail and f"{head[0]}-{tail[0]}".lower() in vocabulary and (head[0] + tail[0]).lower() not in vocabulary:
            return f"{stem}-{right}"
        return stem + right
    if left.endswith("-") and len(left) > 1 and left[-2].isalpha() and right[:1].islower():
        head = re.findall(r"[^\W_]+$", left[:-1])
        tail = re.findall(r"^[^\W_]+", right)
        if head and tail and (head[0] + tail[0]).lower() in vocabulary:
            return left[:-1] + right
        if head and tail and f"{head[0]}-{tail[0]}".lower() in vocabulary:
            return left + right
        return left[:-1] + right
    return f"{left} {right}"


def _vocabulary(lines: list[Line]) -> set[str]:
    """Words the document spells in full somewhere: the evidence for undoing a line-end split."""
    vocab: set[str] = set()
    for ln in lines:
        words = ln.text.lower().split()
        vocab.update(w.strip(".,;:()[]\"'\u201c\u201d\u2019") for w in words[1:-1])
    return vocab


def _kind(text: str, n_lines: int, size: float, body: float) -> str:
    words = len(text.split())
    if alpha_share(text) < 0.5 or len(text) < 2.5 * words:
        return "fragment"  # figures, chart axes, tables of numbers, "s p a c e d" junk
    if _NUMBERED_RE.match(text) and words <= 10 and not text.endswith((".", ";", ",", ":")):
        return "heading"  # "2. Threat landscape"
    if _starts_item(text):
        return "list_item"
    if size >= 1.12 * body and words <= 30:
        return "heading"
    if n_lines <= 2 and words <= 14 and not text.endswith((".", ";", ",", "?", "!")):
        return "heading"
    if words < 6:
        return "fragment"
    return "body"


def _strip_bullet(text: str) -> str:
    stripped = _BULLET_RE.sub("", text, count=1)
    return stripped if stripped else text


def paragraphs(pages: list[Page]) -> list[Paragraph]:
    """Clean pages (headers, footers, footnotes, contents) and rebuild paragraphs."""
    for page in pages:
        for ln in page.lines:
            ln.text = normalise(ln.text)
        page.lines = [ln for ln in page.lines if ln.text]
    all_lines = [ln for page in pages for ln in page.lines]
    if not all_lines:
        return []
    size = body_size(all_lines)
    drop = find_boilerplate(pages)
    for page in pages:
        drop |= find_footnotes(page, size)
    kept = [ln for ln in all_lines if id(ln) not in drop]
    toc = find_toc(kept)
    kept = [ln for ln in kept if id(ln) not in toc]
    if not kept:
        return []
    geometry = any(page.height for page in pages)
    pitch = _pitch(kept) if geometry else TEXT_LINE_PITCH
    right = _column_right(kept)
    vocab = _vocabulary(kept)

    out: list[Paragraph] = []
    current: list[Line] = [kept[0]]

    def flush() -> None:
        text = current[0].text
        for ln in current[1:]:
            text = _join(text, ln.text, vocab)
        text = text.replace("\u00ad", "")
        kind = _kind(text, len(current), current[0].size, size)
        if kind == "list_item":
            text = _strip_bullet(text)
        if re.search(r"[^\W_]", text):
            out.append(Paragraph(current[0].page, kind, text))

    for prev, cur in zip(kept, kept[1:]):
        if _breaks(prev, cur, pitch, size, right):
            flush()
            current = [cur]
        else:
            current.append(cur)
    flush()
    return out


def alpha_share(text: str) -> float:
    """Share of letters among non-space characters (C-speed: map over the string)."""
    visible = "".join(text.split())
    return sum(map(str.isalpha, visible)) / len(visible) if visible else 0.0


def letter_share(pages: list[Page], sample: int = 200_000) -> float:
    """Share of letters among visible characters: low on text layers that decode to junk.
    A sample of the text decides; reading all of a 600-page file adds nothing."""
    parts: list[str] = []
    size = 0
    for page in pages:
        for ln in page.lines:
            parts.append(ln.text)
            size += len(ln.text)
        if size > sample:
            break
    return alpha_share(" ".join(parts))

"""From positioned lines to clean paragraphs.

Every engine emits running headers, footers, page numbers and footnotes, and wraps words at
line ends; this module removes the first and repairs the second, using position and repetition
across pages rather than any one engine's quirks.
"""

from __future__ import annotations

import functools
import math
import re
import string
import unicodedata
from collections import Counter
from dataclasses import dataclass

from .lines import TEXT_LINE_PITCH, Line, Page

CLEANING_VERSION = "clean.v2"

_SOFT = "\ufffe\x02\u00ad"
_TERMINAL = tuple(".!?:;")
_BULLET_GLYPHS = "\u2022\u25aa\u25cf\u25e6\u2023\u2043\u25a0\u25a1\u27a2\u2713\u00b7*\u2013\u2014-"
#: Symbol and Wingdings fonts put their bullets, arrows and ticks in the private-use area.
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]+")
_BULLET_RE = re.compile(rf"^(?:[{re.escape(_BULLET_GLYPHS)}]|o(?=\s))\s*")
_NUMBERED_RE = re.compile(r"^(?:\(?\d{1,2}(?:\.\d{1,2})*[.)]|\(?[a-z][.)]|\(?[ivx]{1,4}[.)])\s+\S")
#: A page label: "12", "vi", "I-14", "D-1", "A1", "Page 3 of 9", "- 4 -".
_LABEL = r"(?:\d{1,4}|[ivxlc]{1,7}|[A-Z]{1,3}-?\d{1,3})"
_PAGE_NUMBER_RE = re.compile(
    rf"^(?:page\s*)?[-\u2013\u2014\s|]*{_LABEL}(?:\s*(?:of|/)\s*\d{{1,4}})?[-\u2013\u2014\s|]*$", re.IGNORECASE)
_BLANK_PAGE_RE = re.compile(r"^(?:this\s+page\s+(?:is\s+)?(?:intentionally\s+)?(?:left\s+)?(?:intentionally\s+)?blank"
                            r"|page\s+(?:intentionally\s+)?(?:left\s+)?blank|intentionally\s+left\s+blank)\.?$",
                            re.IGNORECASE)
_DOT_LEADER_RE = re.compile(r"(?:\.\s?){5,}|\u2026{2,}|(?:_{4,})\s*\d+\s*$|(?:\.\s?){3,}\s*\d{1,3}\s*$")
_CONTENTS_RE = re.compile(r"^(?:table of )?contents?$|^sommaire$|^índice$|^indice$|^table des mati[eè]res$"
                          r"|^list of (?:figures|tables|boxes|exhibits|illustrations)$|^contenido$|^sumário$"
                          r"|^содержание$|^оглавление$", re.IGNORECASE)
_FOOTNOTE_MARK_RE = re.compile(r"^(?:\d{1,3}|[*\u2020\u2021\u00a7\u00b9\u00b2\u00b3\u2070-\u2079]+"
                               r"|\(\d{1,3}\)|\[\d{1,3}\])\s*\S")
_TOC_ENTRY_RE = re.compile(rf"\s{_LABEL}$")
#: Words in a running header change with the page label: "Page D-1", "vi", "I-14" share one shape.
_SHAPE_LABEL_RE = re.compile(r"\b(?:[ivxlc]{1,7}|[a-z]{1,2}-?\d+|\d+)\b")


@dataclass(slots=True)
class Paragraph:
    page: int
    kind: str  # body | list_item | heading | fragment | footnote
    text: str


_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b]+")


def normalise_line(text: str) -> str:
    """NFKC folds ligatures and compatibility forms; soft hyphens are kept for the joiner; a
    private-use glyph opening a line is a bullet, anywhere else it is dropped."""
    if text.isascii() and "\x02" not in text:  # most lines: NFKC and the private-use area leave them be
        return _SPACES.sub(" ", text).strip() if ("  " in text or "\t" in text) else text.strip()
    text = unicodedata.normalize("NFKC", text.replace("\ufffe", "\u00ad").replace("\x02", "\u00ad"))
    text = _SPACES.sub(" ", text).strip()
    if _PRIVATE_USE.search(text):
        text = _PRIVATE_USE.sub(" ", _PRIVATE_USE.sub("\u2022 ", text, count=1) if _PRIVATE_USE.match(text) else text)
        text = re.sub(r" {2,}", " ", text).strip()
    return text


def unspace(text: str, vocabulary: set[str]) -> str:
    """Letter-spaced display type ("R E S I L I E N T N E T W O R K S", "2 0 2 1 r e p o r t")
    back into words: a line of single letters, split where the document's own words say
    ("RESILIENT NETWORKS")."""
    if len(text) < 7 or not _SPACED_RE.match(text):
        return text
    return _word_break(text.replace(" ", ""), vocabulary)


def _word_break(letters: str, vocabulary: set[str]) -> str:
    """The split of `letters` into the fewest words of `vocabulary` (two letters or more: the
    spaced lines themselves put single letters there); the letters whole if none."""
    lower = letters.lower()
    best: list[list[int] | None] = [[]] + [None] * len(lower)
    for end in range(1, len(lower) + 1):
        for start in range(max(0, end - 24), end):
            if best[start] is not None and end - start > 1 and lower[start:end] in vocabulary and (
                    best[end] is None or len(best[start]) + 1 < len(best[end])):
                best[end] = [*best[start], end]
    cuts = best[-1]
    if not cuts:
        return letters
    return " ".join(letters[a:b] for a, b in zip([0, *cuts], cuts))


_SPACED_RE = re.compile(r"^(?:[^\W_]{1,2} +){4,}[^\W_]{1,2}$")


@functools.lru_cache(maxsize=1 << 16)
def _shape(text: str) -> str:
    """A line's text with its page label (digits, roman numerals, "D-1") masked: running
    headers and footers differ only there."""
    return _SHAPE_LABEL_RE.sub("#", text.lower()).replace(" ", "")


def body_size(lines: list[Line]) -> float:
    """The font size most characters are set in."""
    weights: Counter[float] = Counter()
    for line in lines:
        weights[round(line.size * 2) / 2] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 10.0


def _edge_lines(page: Page, leading: float, count: int = 3) -> list[Line]:
    """Lines where running headers and footers live: at each end of a page, a block of up to
    `count` lines in the margin (top or bottom eighth) set apart from the body by a gap, and
    bare page labels; for text without geometry, the first and last lines."""
    ordered = sorted(page.lines, key=lambda ln: ln.top)
    if not page.height:
        return ordered[:2] + ordered[-2:]
    top = [ln for ln in ordered if ln.top < 0.125 * page.height]
    bottom = [ln for ln in ordered if ln.bottom > 0.875 * page.height][::-1]
    edge = [ln for ln in (*top, *bottom) if _PAGE_NUMBER_RE.match(ln.text)]
    for band, run, inward in ((top, ordered, 1), (bottom, ordered[::-1], -1)):
        for k in range(1, min(count, len(band)) + 1):
            if run[k - 1] is not band[k - 1]:
                break
            last, inner = run[k - 1], run[k] if k < len(run) else None
            if inner is None:
                gap = page.height
            else:
                gap = inner.top - last.bottom if inward > 0 else last.top - inner.bottom
            if gap > 1.5 * leading:
                edge.extend(run[:k])
                break
    return edge


def find_boilerplate(pages: list[Page]) -> set[int]:
    """Ids of header/footer/page-number lines: texts repeated at page edges (page labels
    aside) on a quarter of the pages or at one height on three, bare page labels, "this page
    intentionally left blank", and text set sideways in the margin."""
    if not pages:
        return set()
    seen: Counter[str] = Counter()
    placed: Counter[tuple[str, int]] = Counter()
    lines = [ln for page in pages for ln in page.lines]
    heights = sorted(ln.height for ln in lines)
    leading = max(_pitch(lines) - heights[len(heights) // 2], 1.0) if lines else 1.0
    edges = [_edge_lines(page, leading) for page in pages]
    for edge in edges:
        for shape in {_shape(ln.text) for ln in edge}:
            seen[shape] += 1
        for key in {(_shape(ln.text), round(ln.top / 4)) for ln in edge}:
            placed[key] += 1
    needed = max(2, math.ceil(0.25 * len(pages)))
    drop: set[int] = set()
    for edge in edges:
        for ln in edge:
            shape = _shape(ln.text)
            repeated = len(pages) > 1 and (seen[shape] >= needed or placed[(shape, round(ln.top / 4))] >= 3)
            if repeated or _PAGE_NUMBER_RE.match(ln.text):
                drop.add(id(ln))
    drop |= _repeated_labels(pages)
    sideways = Counter(_shape(ln.text) for page in pages for ln in page.lines if ln.rotated)
    for page in pages:
        upright = sum(not ln.rotated for ln in page.lines)
        for ln in page.lines:
            # margin text, and the same text where a cover sets it upright
            margin = bool(sideways) and (sideways[_shape(ln.text)] > 1
                                         or (ln.rotated and upright >= len(page.lines) / 2))
            if margin or _BLANK_PAGE_RE.match(ln.text):
                drop.add(id(ln))
    return drop


def _repeated_labels(pages: list[Page]) -> set[int]:
    """Short labels repeated about once a page, wherever they sit: on a quarter of the pages, on
    three pages in a row, or at one height on three pages: the header row a long table repeats
    on every page, a side tab, a running section name."""
    if len(pages) < 3:
        return set()
    on_pages: Counter[str] = Counter()
    placed: Counter[tuple[str, int]] = Counter()
    total: Counter[str] = Counter()
    streak: dict[str, tuple[int, int]] = {}  # shape -> (last page, pages in a row)
    in_a_row: Counter[str] = Counter()
    candidates = [[ln for ln in page.lines if _label_like(ln.text, 12)] for page in pages]
    for page, lines in zip(pages, candidates):
        labels = [(_label_key(ln.text), round(ln.top / 4)) for ln in lines]
        for shape in {shape for shape, _ in labels}:
            last, run = streak.get(shape, (-9, 0))
            streak[shape] = (page.number, run + 1 if last == page.number - 1 else 1)
            in_a_row[shape] = max(in_a_row[shape], streak[shape][1])
        on_pages.update({shape for shape, _ in labels})
        placed.update(set(labels))
        total.update(shape for shape, _ in labels)
    needed = max(3, math.ceil(0.25 * len(pages)))
    drop = set()
    for lines in candidates:
        for ln in lines:
            shape = _label_key(ln.text)
            seen = on_pages[shape]
            often = (seen >= needed or in_a_row[shape] >= 3) and _label_like(ln.text)
            if total[shape] <= 1.5 * seen and (often or placed[(shape, round(ln.top / 4))] >= 3):
                drop.add(id(ln))
    return drop


def _label_key(text: str) -> str:
    return text.lower().replace(" ", "")


def _label_like(text: str, words: int = 6) -> bool:
    return text.count(" ") < words and not text.endswith(_TERMINAL + (",",))


def find_footnotes(page: Page, size: float, furniture: set[int] = frozenset()) -> set[int]:
    """The footnote area: the run of small-print lines closing a page (furniture aside), from
    the highest of them that opens with a footnote mark ("12 ", "*", "[3]") down. Small print
    higher up, or without a mark, is a box or a caption: content."""
    if not page.height or not page.lines:
        return set()
    lines = sorted((ln for ln in page.lines if id(ln) not in furniture), key=lambda ln: ln.top)
    block: list[Line] = []
    for ln in reversed(lines):
        if ln.size >= 0.9 * size or (block and block[-1].top - ln.bottom > 2.5 * max(ln.height, 1.0)):
            break
        block.append(ln)
    marked = [i for i, ln in enumerate(block) if _FOOTNOTE_MARK_RE.match(ln.text)]
    if not marked or block[max(marked)].top < 0.5 * page.height:
        return set()
    return {id(ln) for ln in block[: max(marked) + 1]}


_TWO_DOTS = re.compile(r"\.\s?\.")


def _dot_leader(text: str) -> bool:
    """`_DOT_LEADER_RE.search`, asked only of lines that could match (two dots in a row, spaced or
    not, two ellipses or four underscores): most lines have none, and the full search is slow."""
    could = "\u2026\u2026" in text or "____" in text or _TWO_DOTS.search(text) is not None
    return could and _DOT_LEADER_RE.search(text) is not None


def find_toc(lines: list[Line]) -> set[int]:
    """Table-of-contents lines: dot leaders anywhere; lines ending in a page label after a
    'Contents' (or 'List of figures') heading; and, near the start, a block of such lines
    without a heading (five or more short lines in a row, each ending in a page label)."""
    drop: set[int] = set()
    in_toc = False
    for ln in lines:
        text = ln.text
        if _CONTENTS_RE.match(text):
            in_toc = True
            drop.add(id(ln))
            continue
        if _dot_leader(text):
            drop.add(id(ln))
            in_toc = True
            continue
        if in_toc and _TOC_ENTRY_RE.search(text) and len(text.split()) <= 14:
            drop.add(id(ln))
            continue
        in_toc = False
    early = max(3, min(12, lines[-1].page // 8)) if lines else 0
    run: list[Line] = []
    for ln in [*(ln for ln in lines if ln.page <= early), None]:
        if ln is not None and _TOC_ENTRY_RE.search(ln.text) and len(ln.text.split()) <= 14 \
                and not ln.text.endswith((".", ";", ",")):
            run.append(ln)
            continue
        if len(run) >= 5:
            drop.update(id(x) for x in run)
        run = []
    return drop


def find_tables(lines: list[Line]) -> tuple[list[str], set[int]]:
    """Tables among one page's lines: (row texts, ids of the lines they use). A row is a set of
    lines side by side (a gap between them) at one height; a table is four or more such rows
    whose cells start at the same x positions, with the lines between them (a cell's wrapped
    text) given to the row they are nearest. Side-by-side lines are table cells, not columns of
    prose, when a column holds short cells (ids, names, labels) that leave it mostly empty."""
    shared = Counter(round(ln.top / 3) for ln in lines)
    if sum(n > 1 for n in shared.values()) < 4:  # no four heights with lines side by side
        return [], set()
    bands: list[list[Line]] = []
    for ln in sorted(lines, key=lambda ln: ln.top):
        if bands and abs(ln.top - bands[-1][0].top) <= 0.6 * max(bands[-1][0].height, 1.0):
            bands[-1].append(ln)
        else:
            bands.append([ln])
    for band in bands:
        band.sort(key=lambda ln: ln.x0)
    rows: list[str] = []
    used: set[int] = set()
    if sum(map(_cells, bands)) < 4:
        return rows, used
    i = 0
    while i < len(bands):
        end, texts = _table_run(bands, i)
        if texts:
            rows += texts
            used.update(id(ln) for band in bands[i:end] for ln in band)
        i = max(end, i + 1)  # bands a run rejected are not tried again
    return rows, used


def _cells(band: list[Line]) -> bool:
    return len(band) >= 2 and all(b.x0 - a.x1 > 6 for a, b in zip(band, band[1:]))


def _has_short_column(bands: list[list[Line]], rows: list[int], anchors: list[float]) -> bool:
    """Prose set in columns fills each column to its gutter and runs on from line to line; a
    table has a column of short cells (ids, names, labels) that leave it mostly empty and do not
    run on into each other."""
    for k in range(len(anchors) - 1):
        span = anchors[k + 1] - anchors[k]
        cells = [ln for r in rows for ln in bands[r] if abs(ln.x0 - anchors[k]) <= 6]
        fills = sorted((ln.x1 - ln.x0) / span for ln in cells)
        runs_on = sum(not a.text.endswith(_TERMINAL) and b.text[:1].islower() for a, b in zip(cells, cells[1:]))
        words = sorted(len(ln.text.split()) for ln in cells)
        if len(cells) >= 3 and fills[len(fills) // 2] < 0.6 and words[len(words) // 2] <= 4 \
                and runs_on <= 0.2 * (len(cells) - 1):
            return True
    return False


def _table_run(bands: list[list[Line]], start: int) -> tuple[int, list[str]]:
    """The aligned run of bands starting at `start`: (end band, its row texts, or none when it
    is not a table)."""
    first = bands[start]
    if not _cells(first):
        return start + 1, []
    anchors = [ln.x0 for ln in first]

    def column(x: float) -> int | None:
        near = min(range(len(anchors)), key=lambda k: abs(anchors[k] - x))
        return near if abs(anchors[near] - x) <= 6 else None

    rows, members = [start], [start]
    for j in range(start + 1, len(bands)):
        band, prev = bands[j], bands[members[-1]]
        if band[0].top - max(ln.bottom for ln in prev) > 2.5 * max(prev[0].height, 1.0):
            break
        cols = [column(ln.x0) for ln in band]
        if any(c is None for c in cols):
            break
        if _cells(band) and len(set(cols)) == len(cols):
            rows.append(j)
        members.append(j)
    end = members[-1] + 1
    if len(rows) < 4 or not _has_short_column(bands, rows, anchors):
        return end, []  # columns of prose side by side
    cells: dict[int, dict[int, list[str]]] = {r: {} for r in rows}
    for j in members:
        if j in cells:
            owner = j
        else:  # a wrapped line: the nearest row (a tie goes to the next: cells centre their label)
            owner = min(rows, key=lambda r: (abs(bands[r][0].top - bands[j][0].top), -r))
        for ln in bands[j]:
            cells[owner].setdefault(column(ln.x0), []).append(ln.text)
    later = [parts[0] for r in rows[1:] for col, parts in cells[r].items() if col]
    if sum(text[:1].islower() for text in later) > 0.3 * max(len(later), 1):
        return end, []  # cells that begin mid-sentence: prose beside side headings, not a table
    return end, [" | ".join(" ".join(parts) for _, parts in sorted(cells[r].items())) for r in rows]


def join_drop_caps(page: Page, size: float) -> None:
    """A drop cap is a large initial set as its own glyph run ("T" + "he Internet has..."):
    give the letter back to the line beside it."""
    caps = [ln for ln in page.lines if len(ln.text) == 1 and ln.text.isalpha() and ln.text.isupper()
            and ln.size >= 1.8 * size]
    for cap in caps:
        beside = [ln for ln in page.lines if ln is not cap and not ln.rotated and cap.top - 2 <= ln.top <= cap.bottom
                  and -2 <= ln.x0 - cap.x1 <= 3 * size and ln.text[:1].islower()]
        if beside:
            first = min(beside, key=lambda ln: ln.top)
            first.text = cap.text + first.text
            page.lines = [ln for ln in page.lines if ln is not cap]


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
        if (head and tail and f"{head[0]}-{tail[0]}".lower() in vocabulary
                and (head[0] + tail[0]).lower() not in vocabulary):
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
    inner: set[str] = set()  # a line's first and last words may be halves of a split word
    for ln in lines:
        inner.update(ln.text.lower().split()[1:-1])
    return {w.strip(".,;:()[]\"'\u201c\u201d\u2019") for w in inner}


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
            ln.text = normalise_line(ln.text)
        page.lines = [ln for ln in page.lines if ln.text]
    all_lines = [ln for page in pages for ln in page.lines]
    if not all_lines:
        return []
    size = body_size(all_lines)
    for page in pages:
        join_drop_caps(page, size)
    all_lines = [ln for page in pages for ln in page.lines]
    drop = find_boilerplate(pages)
    notes: set[int] = set()
    for page in pages:
        notes |= find_footnotes(page, size, drop)
    kept = [ln for ln in all_lines if id(ln) not in drop and id(ln) not in notes]
    toc = find_toc(kept)
    kept = [ln for ln in kept if id(ln) not in toc]
    kept_ids = {id(ln) for ln in kept}
    apart: list[Paragraph] = []  # table rows and footnotes: passages of their own, after each page's text
    for page in pages:
        rows, used = find_tables([ln for ln in page.lines if id(ln) in kept_ids]) if page.height else ([], set())
        apart += [Paragraph(page.number, "table_row", row.replace("\u00ad", "")) for row in rows]
        kept_ids -= used
    apart += _footnotes([ln for ln in all_lines if id(ln) in notes])
    kept = [ln for ln in kept if id(ln) in kept_ids]
    if not kept:
        return apart
    geometry = any(page.height for page in pages)
    pitch = _pitch(kept) if geometry else TEXT_LINE_PITCH
    right = _column_right(kept)
    vocab = _vocabulary(kept)
    for ln in kept:
        ln.text = unspace(ln.text, vocab)

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
    # each page's tables and notes follow its text (a stable sort: paragraphs come in page order)
    return sorted(out + apart, key=lambda p: (p.page, p.kind in ("table_row", "footnote")))


def _footnotes(lines: list[Line]) -> list[Paragraph]:
    """Footnotes are kept, as passages of their own, so none splices into the text it annotates:
    a note starts at each footnote mark and runs on to the next."""
    out: list[Paragraph] = []
    for ln in lines:
        if out and out[-1].page == ln.page and not _FOOTNOTE_MARK_RE.match(ln.text):
            out[-1].text = _join(out[-1].text, ln.text, set())
        else:
            out.append(Paragraph(ln.page, "footnote", ln.text))
    for note in out:
        note.text = note.text.replace("\u00ad", "")
    return out


_ASCII_LETTERS = string.ascii_letters.encode()
_ASCII_RUN_RE = re.compile(r"[\x00-\x7f]+")


def alpha_share(text: str) -> float:
    """Share of letters among non-space characters. It runs on every paragraph, so ASCII letters
    are counted by deleting them from bytes (C speed); only the other characters go through
    `str.isalpha`."""
    visible = "".join(text.split())
    if not visible:
        return 0.0
    ascii_part = visible.encode("ascii", "ignore")
    letters = len(ascii_part) - len(ascii_part.translate(None, _ASCII_LETTERS))
    if len(ascii_part) < len(visible):
        letters += sum(map(str.isalpha, _ASCII_RUN_RE.sub("", visible)))
    return letters / len(visible)


_LEADER_RUN_RE = re.compile(r"([^\w\s])(?:\s?\1){2,}")


def layer_letter_share(text: str) -> float:
    """Letters among visible characters, leaders ("......") aside: a contents page is not junk."""
    return alpha_share(_LEADER_RUN_RE.sub("", text))


def junk_text(text: str) -> bool:
    """A text layer whose fonts decode to junk: under half letters, and most "words" a single
    symbol (Belgium's 2012 strategy reads "( ) * + , - + . /"). Tables of codes and figures
    have few letters too, but their tokens are whole."""
    if alpha_share(text) >= 0.5 or layer_letter_share(text) >= 0.5:  # the first is cheaper
        return False
    tokens = text.split()
    return bool(tokens) and sum(len(t) == 1 for t in tokens) >= 0.5 * len(tokens)


def sample_text(pages: list[Page], sample: int = 200_000) -> str:
    """The first `sample` characters of the pages: enough to judge a text layer; reading all
    of a 600-page file adds nothing."""
    parts: list[str] = []
    size = 0
    for page in pages:
        for ln in page.lines:
            parts.append(ln.text)
            size += len(ln.text)
        if size > sample:
            break
    return " ".join(parts)

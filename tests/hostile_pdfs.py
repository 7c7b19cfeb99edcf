"""Hostile PDFs, written byte by byte at test time (no binary fixtures in the repository).

Each file attacks one thing a parser trusts: the page tree, the cross-reference chain, object
streams, stream lengths, page rotation, or the file's end. `write_hostile_pdfs` writes them and
says what each file's documents.csv row should mention.
"""

from __future__ import annotations

import random
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

#: A4 as displayed, in points.
WIDTH, HEIGHT = 595, 842
HEADER = "Republic of Testland - National Cyber Security Strategy 2024"
LEADING = 14.0
BODY_SIZE = 11
WRAP = 82  # characters a body line holds at 11 pt Helvetica inside the margins

#: Real-looking prose, one list of paragraphs per page.
PROSE = [
    [
        "The Government recognises that the security of cyberspace is essential to the prosperity of the "
        "nation. Public services, banking, energy and transport now depend on networks that are exposed to "
        "criminals and hostile states alike, and a single incident can disrupt the lives of millions of citizens.",
        "This strategy sets out how we will protect our critical national infrastructure over the next five "
        "years. It builds on the work of the national computer emergency response team and asks every "
        "ministry to name a senior official accountable for the resilience of its systems.",
    ],
    [
        "We will strengthen the capacity of law enforcement to investigate cybercrime. Specialist units will "
        "be established in every regional police command, prosecutors will receive training in digital "
        "evidence, and the criminal code will be amended to reflect offences committed online.",
        "International cooperation remains central to our approach. We will work with our partners in the "
        "region to share information about threats, to build the skills of incident responders, and to "
        "promote the norms of responsible state behaviour agreed at the United Nations.",
    ],
    [
        "Skills are the foundation of a secure digital economy. Universities will be funded to expand their "
        "courses in information security, and a national apprenticeship scheme will train two thousand young "
        "people as security analysts and engineers by the end of the decade.",
        "Progress will be measured every year. The national cyber security council will publish a report "
        "to Parliament that describes the incidents handled, the funds spent, and the milestones met, so "
        "that citizens can hold the Government to account for the commitments made here.",
    ],
]


def first_lines() -> list[str]:
    """The first body line of each page: what furniture detection must keep."""
    return [textwrap.wrap(page[0], WRAP)[0] for page in PROSE]


# --------------------------------------------------------------------------------------------
# Assembling a PDF: numbered objects, a cross-reference table with true byte offsets.


def stream(data: bytes, extra: str = "", length: str | None = None) -> bytes:
    """A stream object's body; `length` overrides the declared /Length (hostile files lie)."""
    declared = length if length is not None else str(len(data))
    return f"<< /Length {declared} {extra}>>\nstream\n".encode() + data + b"\nendstream"


@dataclass
class PdfWriter:
    """Objects written in order, each offset remembered for the cross-reference section."""

    out: bytearray = field(default_factory=lambda: bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"))
    offsets: dict[int, int] = field(default_factory=dict)

    def add(self, num: int, body: bytes | str) -> None:
        self.offsets[num] = len(self.out)
        body = body.encode("latin-1") if isinstance(body, str) else body
        self.out += f"{num} 0 obj\n".encode() + body + b"\nendobj\n"

    def finish(self, trailer: str = "/Root 1 0 R", prev_self: bool = False) -> bytes:
        """Append the xref table and trailer; `prev_self` makes /Prev point at this very table."""
        start = len(self.out)
        size = max(self.offsets) + 1
        rows = ["0000000000 65535 f \n"]
        rows += [f"{self.offsets[n]:010d} 00000 n \n" if n in self.offsets else "0000000000 65535 f \n"
                 for n in range(1, size)]
        prev = f" /Prev {start}" if prev_self else ""
        self.out += f"xref\n0 {size}\n{''.join(rows)}trailer\n<< /Size {size} {trailer}{prev} >>\n".encode()
        self.out += f"startxref\n{start}\n%%EOF\n".encode()
        return bytes(self.out)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _text(x: float, y: float, size: float, text: str) -> str:
    return f"BT /F1 {size:g} Tf 1 0 0 1 {x:g} {y:g} Tm ({_escape(text)}) Tj ET\n"


def _to_user_space(rotation: int) -> str:
    """The `cm` that draws in displayed coordinates on a page turned by /Rotate `rotation`,
    so the page reads upright on screen, as a scanned or landscape page fixed by /Rotate does."""
    return {0: "1 0 0 1 0 0", 90: f"0 1 -1 0 {HEIGHT} 0", 180: f"-1 0 0 -1 {WIDTH} {HEIGHT}",
            270: f"0 -1 1 0 0 {WIDTH}"}[rotation % 360]


def page_content(number: int, pages: int, paragraphs: list[str], rotation: int = 0, bottom_up: bool = False) -> bytes:
    """A page as displayed: running header, wrapped paragraphs, page number, drawn through the
    rotation's inverse; `bottom_up` draws the last line first, as some generators do."""
    ops = [_text(60, HEIGHT - 40, 8, HEADER)]
    y = HEIGHT - 80.0
    for para in paragraphs:
        for line in textwrap.wrap(para, WRAP):
            ops.append(_text(60, y, BODY_SIZE, line))
            y -= LEADING
        y -= LEADING
    ops.append(_text(WIDTH / 2 - 20, 30, 8, f"Page {number} of {pages}"))
    return f"q {_to_user_space(rotation)} cm\n{''.join(ops[::-1] if bottom_up else ops)}Q\n".encode("latin-1")


FONT = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
ONE_KID = "<< /Type /Pages /Kids [4 0 R] /Count 1 >>"


def _page(parent: int, contents: int, box: str = f"0 0 {WIDTH} {HEIGHT}", extra: str = "") -> str:
    """A page dictionary; its font is object 3."""
    return (f"<< /Type /Page /Parent {parent} 0 R /MediaBox [{box}] {extra}"
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {contents} 0 R >>")


def text_pdf(pages: list[list[str]] = PROSE, rotation: int | str = 0, catalog_extra: str = "",
             count: int | None = None, bottom_up: bool = False) -> bytes:
    """A well-formed text PDF: 1 catalog, 2 page tree, 3 font, then a page and its content per page.
    `rotation` is written as /Rotate (any value); content is drawn to read upright as displayed;
    `count` overrides the page tree's /Count."""
    writer = PdfWriter()
    turn = int(rotation) if str(rotation).lstrip("-").isdigit() else 0
    turn = turn % 360 if turn % 90 == 0 else 0  # readers ignore a turn that is not a quarter turn
    box = f"0 0 {HEIGHT} {WIDTH}" if turn % 180 == 90 else f"0 0 {WIDTH} {HEIGHT}"
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    writer.add(1, f"<< /Type /Catalog /Pages 2 0 R {catalog_extra}>>")
    writer.add(2, f"<< /Type /Pages /Kids [{kids}] /Count {len(pages) if count is None else count} >>")
    writer.add(3, FONT)
    for i, paragraphs in enumerate(pages):
        writer.add(4 + 2 * i, _page(2, 5 + 2 * i, box, f"/Rotate {rotation} "))
        writer.add(5 + 2 * i, stream(page_content(i + 1, len(pages), paragraphs, turn, bottom_up)))
    return writer.finish()


def _one_page(writer: PdfWriter, page: int, parent: int, length: str | None = None) -> None:
    """A text page `page` with its content as object `page + 1` (declaring `length`, if given)."""
    writer.add(page, _page(parent, page + 1))
    writer.add(page + 1, stream(page_content(1, 1, PROSE[0]), length=length))


def _one_page_pdf(pages: str = ONE_KID, parent: int = 2, length: str | None = None) -> PdfWriter:
    """1 catalog, 2 the page tree `pages`, 3 font, 4 a page under `parent`, 5 its content."""
    writer = PdfWriter()
    writer.add(1, "<< /Type /Catalog /Pages 2 0 R >>")
    writer.add(2, pages)
    writer.add(3, FONT)
    _one_page(writer, 4, parent, length)
    return writer


# --------------------------------------------------------------------------------------------
# The hostile files.


def page_tree_self_loop() -> bytes:
    """The root /Pages lists itself among its kids."""
    return _one_page_pdf("<< /Type /Pages /Kids [4 0 R 2 0 R] /Count 2 >>").finish()


def page_tree_parent_loop() -> bytes:
    """A child /Pages node lists its parent as a kid: the tree is a cycle of two nodes."""
    writer = _one_page_pdf("<< /Type /Pages /Kids [6 0 R] /Count 2 >>", parent=6)
    writer.add(6, "<< /Type /Pages /Parent 2 0 R /Kids [4 0 R 2 0 R] /Count 2 >>")
    return writer.finish()


def xref_prev_loop() -> bytes:
    """The trailer's /Prev points back at its own xref table."""
    return _one_page_pdf().finish(prev_self=True)


def _xref_stream(rows: list[tuple[int, int, int]], extra: str) -> bytes:
    """A cross-reference stream (PDF 1.5), unfiltered: type, offset or stream, index/generation."""
    data = b"".join(t.to_bytes(1, "big") + a.to_bytes(4, "big") + b.to_bytes(2, "big") for t, a, b in rows)
    return stream(data, f"/Type /XRef /Size {len(rows)} /W [1 4 2] {extra}")


def xref_stream_loop() -> bytes:
    """Two cross-reference streams whose /Prev entries point at each other."""
    writer = _one_page_pdf()
    first, second = len(writer.out), 0
    # the first xref stream (object 6) must name the second's offset, which depends on the first's
    # length: the offset field has a fixed width, so write it twice
    for _ in range(2):
        writer.out = writer.out[:first]
        rows = [(0, 0, 65535)] + [(1, writer.offsets[n], 0) for n in range(1, 6)]
        writer.add(6, _xref_stream(rows + [(1, first, 0), (1, second, 0)], f"/Root 1 0 R /Prev {second:010d}"))
        second = len(writer.out)
        writer.add(7, _xref_stream(rows + [(1, first, 0), (1, second, 0)], f"/Root 1 0 R /Prev {first:010d}"))
    writer.out += f"startxref\n{second}\n%%EOF\n".encode()
    return bytes(writer.out)


def object_stream_self_reference() -> bytes:
    """The object stream holding the catalog and page tree is, by the xref, inside itself, and
    /Extends itself."""
    writer = PdfWriter()
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", ONE_KID, FONT, _page(2, 6)]
    body, index = b"", []
    for num, obj in enumerate(objects, start=1):
        index.append(f"{num} {len(body)}")
        body += obj.encode() + b"\n"
    head = (" ".join(index) + "\n").encode()
    writer.add(5, stream(head + body, f"/Type /ObjStm /N {len(objects)} /First {len(head)} /Extends 5 0 R"))
    writer.add(6, stream(page_content(1, 1, PROSE[0])))
    start = len(writer.out)
    rows = [(0, 0, 65535)] + [(2, 5, i) for i in range(4)] + [(2, 5, 4), (1, writer.offsets[6], 0), (1, start, 0)]
    writer.add(7, _xref_stream(rows, "/Root 1 0 R"))
    writer.out += f"startxref\n{start}\n%%EOF\n".encode()
    return bytes(writer.out)


def deep_page_tree(levels: int = 5000) -> bytes:
    """`levels` /Pages nodes, each the only kid of the one before, above a single page."""
    writer = PdfWriter()
    writer.add(1, "<< /Type /Catalog /Pages 10 0 R >>")
    writer.add(3, FONT)
    for level in range(levels):
        num, parent = 10 + level, f"/Parent {9 + level} 0 R " if level else ""
        writer.add(num, f"<< /Type /Pages {parent}/Kids [{num + 1} 0 R] /Count 1 >>")
    _one_page(writer, 10 + levels, 9 + levels)
    return writer.finish()


def huge_length(length: str = "9999999999") -> bytes:
    """The page's content stream declares a /Length far past the end of the file (or, with
    `length="5 0 R"`, a length that is the stream itself)."""
    return _one_page_pdf(length=length).finish()


def javascript_and_launch(marker: Path) -> bytes:
    """Opening the file asks for JavaScript and for launching a program that would create
    `marker`: a reader must extract the text and run nothing."""
    script = marker.with_suffix(".sh")
    script.write_text(f"#!/bin/sh\ntouch '{marker}'\n")
    script.chmod(0o755)
    js = f"app.alert('hostile'); app.launchURL('file://{marker}', true);"
    launch = f"<< /S /Launch /F ({_escape(str(script))}) /NewWindow true >>"
    return text_pdf([PROSE[0]], catalog_extra=(
        f"/OpenAction << /S /JavaScript /JS ({_escape(js)}) /Next {launch} >> "
        f"/AA << /WC {launch} >> "
        f"/Names << /JavaScript << /Names [(run) << /S /JavaScript /JS ({_escape(js)}) >>] >> >> "))


def write_hostile_pdfs(folder: Path) -> dict[str, str]:
    """Write every hostile PDF into `folder`; {file name: what its row's "status: reason" should
    mention} (an empty string where engines may differ and only a clear row is asked for)."""
    folder.mkdir(parents=True, exist_ok=True)
    good = text_pdf()
    files: dict[str, tuple[bytes, str]] = {
        # pdfium reads the first page and cannot load the second its /Count promises; pdfminer one page
        "page_tree_self_loop.pdf": (page_tree_self_loop(), ""),
        "page_tree_parent_loop.pdf": (page_tree_parent_loop(), "ok"),
        # pdfminer recurses along these until Python's limit; pdfium reads them
        "xref_prev_loop.pdf": (xref_prev_loop(), ""),
        "xref_stream_loop.pdf": (xref_stream_loop(), ""),
        "object_stream_self_reference.pdf": (object_stream_self_reference(), ""),
        "length_is_itself.pdf": (huge_length("5 0 R"), ""),
        "deep_page_tree.pdf": (deep_page_tree(), "error"),
        "zero_pages.pdf": (text_pdf([]), "PDF has no pages"),
        "rotate_90.pdf": (text_pdf(rotation=90), "ok"),
        "rotate_180.pdf": (text_pdf(rotation=180), "ok"),
        "rotate_270.pdf": (text_pdf(rotation=270), "ok"),
        "rotate_minus_90.pdf": (text_pdf(rotation=-90), "ok"),
        "rotate_90_drawn_bottom_up.pdf": (text_pdf(rotation=90, bottom_up=True), "ok"),
        "rotate_45.pdf": (text_pdf(rotation=45), "ok"),
        "rotate_not_a_number.pdf": (text_pdf(rotation="/Ninety"), ""),  # pdfplumber fails on it
        "huge_count.pdf": (text_pdf([PROSE[0]], count=2147483647), "ok"),
        "huge_length.pdf": (huge_length(), ""),  # pdfminer reads the content to the end of the file
        "javascript_open_action.pdf": (javascript_and_launch(folder / "executed.marker"), "ok"),
        "truncated.pdf": (good[: len(good) // 2], "truncated/corrupt"),
        "header_then_garbage.pdf": (b"%PDF-1.7\n" + random.Random(7).randbytes(4000), "truncated/corrupt"),
    }
    for name, (data, _) in files.items():
        (folder / name).write_bytes(data)
    return {name: expect for name, (_, expect) in files.items()}

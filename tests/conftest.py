"""Shared fixtures. Tests that need ../shared, OCR, pdftotext or a browser skip where they are
absent (a user's fresh clone); with STRATEGYSCAN_REQUIRE_SHARED=1, STRATEGYSCAN_REQUIRE_OCR=1 and
STRATEGYSCAN_REQUIRE_BROWSER=1 (set by .ci/run, which installs them) they fail instead."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from strategyscan.paths import shared_dir


def missing(message: str, required: str) -> None:
    """Skip a test whose prerequisite is absent, or fail it where the environment variable
    `required` is 1 (.ci/run sets them after installing what CI needs)."""
    if os.environ.get(required) == "1":
        pytest.fail(f"{message} ({required}=1)")
    pytest.skip(message)


def need_shared(*parts: str) -> Path:
    path = shared_dir().joinpath(*parts)
    if not path.exists():
        missing(f"{path} is absent: this test reads ../shared beside the repository", "STRATEGYSCAN_REQUIRE_SHARED")
    return path


@pytest.fixture
def rendered_dir() -> Path:
    return need_shared("corpora", "pdfs", "rendered")


@pytest.fixture
def bad_dir() -> Path:
    return need_shared("corpora", "pdfs", "bad")


@pytest.fixture
def real_dir() -> Path:
    return need_shared("corpora", "pdfs", "real")


@pytest.fixture
def ncss_dir() -> Path:
    return need_shared("corpora", "ncss")


@pytest.fixture(scope="session")
def make_pdf():
    """Build small PDFs with known content: running header, page-number footer, wrapped text."""
    from fpdf import FPDF

    def build(path: Path, pages: list[list[str]], header: str = "Republic of Testland - Cyber Strategy",
              footer: str = "Page {page} of {pages}", hyphen_split: tuple[str, str] | None = None) -> Path:
        pdf = FPDF(format="A4")
        pdf.set_auto_page_break(False)
        for number, paragraphs in enumerate(pages, start=1):
            pdf.add_page()
            pdf.set_font("Helvetica", size=8)
            pdf.set_xy(20, 10)
            pdf.cell(0, 5, header)
            pdf.set_xy(20, 285)
            pdf.cell(0, 5, footer.format(page=number, pages=len(pages)))
            pdf.set_font("Helvetica", size=11)
            pdf.set_xy(20, 25)
            for para in paragraphs:
                pdf.set_x(20)
                pdf.multi_cell(170, 6, para)
                pdf.ln(4)
        pdf.output(str(path))
        return path

    return build


@pytest.fixture
def ocr_engine():
    """The installed OCR engine; skips where there is none (fails under STRATEGYSCAN_REQUIRE_OCR=1,
    which .ci/run sets after installing it)."""
    from strategyscan.ingestion import ocr

    found = ocr.engine()
    if found is None:
        missing(f"no OCR engine installed: {ocr.INSTALL_HINT}", "STRATEGYSCAN_REQUIRE_OCR")
    return found


@pytest.fixture
def wild_dir() -> Path:
    return need_shared("corpora", "pdfs", "wild")


@pytest.fixture
def pdftotext() -> str:
    """poppler's pdftotext, the reference for real PDFs without ground truth (.ci/run installs it)."""
    import shutil

    exe = shutil.which("pdftotext")
    if exe is None:
        missing("pdftotext is absent (apt-get install poppler-utils)", "STRATEGYSCAN_REQUIRE_SHARED")
    return exe

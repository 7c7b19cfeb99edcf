"""Hostile PDFs, generated at test time, through the reader, `ingest_file` and the CLI: every file
gets one row with a reason, nothing hangs, crashes or runs; rotated pages read as displayed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hostile_pdfs import HEADER, PROSE, first_lines, page_tree_self_loop, text_pdf, write_hostile_pdfs, xref_prev_loop

from strategyscan.ingestion import IngestOptions, ingest_file
from strategyscan.ingestion.readers import open_document

ENGINES = ["pypdfium2", "pdfplumber"]
ROTATIONS = [90, 180, 270, -90]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("hostile")
    return folder, write_hostile_pdfs(folder)


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def _row(status: str, reason: str) -> str:
    return f"{status}: {reason}"


def _check_rows(rows: dict[str, tuple[str, str]], expected: dict[str, str], folder: Path) -> None:
    """One row per file, a reason wherever the file was not read cleanly, what each file should
    say, and no trace of the launch action having run."""
    assert sorted(rows) == sorted(expected)
    for name, (status, reason) in rows.items():
        assert status in {"ok", "warning", "error"}, name
        assert status == "ok" or reason.strip(), f"{name}: {status} without a reason"
        assert expected[name] in _row(status, reason), f"{name}: {_row(status, reason)}"
    assert not (folder / "executed.marker").exists()


@pytest.mark.parametrize("engine", ENGINES)
def test_every_hostile_pdf_gives_one_clear_row(hostile, engine):
    folder, expected = hostile
    rows = {}
    for name in expected:
        doc = ingest_file(folder / name, IngestOptions(engine=engine, time_limit=20)).document
        rows[name] = (doc.status, doc.reason)
    _check_rows(rows, expected, folder)


@pytest.mark.parametrize("engine", ENGINES)
def test_the_cli_ingests_the_hostile_set_to_the_end(hostile, tmp_path, engine):
    folder, expected = hostile
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "strategyscan.cli", "ingest", str(folder), "--out", str(out),
                           "--engine", engine, "--time-limit", "20", "-q"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    docs = pd.read_csv(out / "documents.csv", keep_default_na=False)
    assert len(docs) == len(expected)
    _check_rows({Path(f).name: (s, r) for f, s, r in zip(docs["file"], docs["status"], docs["reason"])},
                expected, folder)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("rotation", ROTATIONS)
def test_rotated_lines_are_placed_as_displayed(tmp_path, engine, rotation):
    """A page turned by /Rotate and drawn to read upright gives the lines of the upright page:
    same order, same place, none set sideways."""
    def read(name: str, turn: int):
        doc = open_document(_write(tmp_path, name, text_pdf(rotation=turn)), engine)
        try:
            return list(doc.pages(10))
        finally:
            doc.close()

    upright, turned = read("upright.pdf", 0), read("turned.pdf", rotation)
    for a, b in zip(upright, turned, strict=True):
        assert (b.width, b.height) == pytest.approx((a.width, a.height))
        assert [ln.text for ln in b.lines] == [ln.text for ln in a.lines]
        for x, y in zip(a.lines, b.lines):
            assert not y.rotated, y.text
            assert (y.top, y.bottom, y.x0, y.x1) == pytest.approx((x.top, x.bottom, x.x0, x.x1), abs=1.0), y.text


def _passages(folder: Path, engine: str, **pdf) -> list[tuple[int, str]]:
    """(page, text) of the passages of `text_pdf(**pdf)`, whose upright twin gives `PROSE`."""
    options = IngestOptions(engine=engine)
    upright = ingest_file(_write(folder, "upright.pdf", text_pdf()), options).passages
    assert [p.text for p in upright] == [para for page in PROSE for para in page]
    return [(p.page, p.text) for p in ingest_file(_write(folder, "other.pdf", text_pdf(**pdf)), options).passages]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("rotation", ROTATIONS)
def test_rotated_pages_give_the_passages_of_the_upright_page(tmp_path, engine, rotation):
    """Sentences in the order written and joined across line ends; the running header gone, each
    page's first body line kept."""
    turned = _passages(tmp_path, engine, rotation=rotation)
    assert turned == [(n, para) for n, page in enumerate(PROSE, start=1) for para in page]
    assert not any(HEADER in text or "Page " in text for _, text in turned)
    starts = {page: text for page, text in reversed(turned)}  # each page's first passage
    assert [starts[n].startswith(line) for n, line in enumerate(first_lines(), start=1)] == [True] * len(PROSE)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("rotation", [0, 90])
def test_a_page_drawn_bottom_up_reads_top_down(tmp_path, engine, rotation):
    """pdfium keeps the content stream's order; a page drawn from its last line up is read from its first."""
    drawn = _passages(tmp_path, engine, rotation=rotation, bottom_up=True)
    assert drawn == [(n, para) for n, page in enumerate(PROSE, start=1) for para in page]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_pdf_without_pages_says_so(tmp_path, engine):
    doc = ingest_file(_write(tmp_path, "empty_tree.pdf", text_pdf([])), IngestOptions(engine=engine)).document
    assert (doc.status, doc.reason) == ("error", "PDF has no pages")


def test_a_page_the_tree_cannot_reach_is_a_reason_not_a_crash(tmp_path):
    """pdfium trusts /Count 2 of a tree that lists itself: the second page cannot be loaded."""
    result = ingest_file(_write(tmp_path, "loop.pdf", page_tree_self_loop()))
    assert result.document.status == "warning"
    assert result.document.reason == "page 2 cannot be loaded (broken page tree); partial: 1 of 2 pages read"
    texts = [p.text for p in result.passages]  # one page: its running header cannot be told from text
    assert all(para in texts for para in PROSE[0])


def test_a_loop_that_defeats_pdfminer_is_named(tmp_path):
    """pdfminer follows /Prev without remembering where it has been, until Python's recursion
    limit: say so, and which engine reads the file."""
    path = _write(tmp_path, "prev_loop.pdf", xref_prev_loop())
    doc = ingest_file(path, IngestOptions(engine="pdfplumber")).document
    assert doc.status == "error"
    assert "loop or nest too deeply" in doc.reason and "pypdfium2" in doc.reason
    assert ingest_file(path).document.status == "ok"

"""Helpers for the benchmarks: timing commands in one run, peak memory, ../shared paths."""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from strategyscan.paths import shared_dir  # noqa: E402

CLI = [sys.executable, "-m", "strategyscan.cli"]


def need(path: Path) -> Path:
    if not path.exists():
        sys.exit(f"{path} is absent: the benchmarks read ../shared beside the repository")
    return path


def rendered() -> Path:
    return need(shared_dir() / "corpora" / "pdfs" / "rendered")


def ncss() -> Path:
    return need(shared_dir() / "corpora" / "ncss")


def timed(cmd: list[str], **kwargs) -> tuple[float, int]:
    """(wall seconds, peak RSS in MiB of the largest process the command ran)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) // 1024


def pdftotext_time(pdfs: list[Path], out: Path) -> float | None:
    exe = shutil.which("pdftotext")
    if exe is None:
        return None
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for pdf in pdfs:
        subprocess.run([exe, "-layout", str(pdf), str(out / (pdf.stem + ".txt"))], check=True)
    return time.perf_counter() - start


def pages(pdfs: list[Path]) -> int:
    import pypdfium2 as pdfium

    return sum(len(pdfium.PdfDocument(str(p))) for p in pdfs)

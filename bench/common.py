"""Helpers for the benchmarks: timing commands in one run, peak memory, ../shared paths."""

from __future__ import annotations

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


# Run the command from a fresh watcher process, so its peak RSS is not mixed with earlier runs'.
_WATCH = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def timed(cmd: list[str]) -> tuple[float, int]:
    """(wall seconds, peak RSS in MiB of the largest process the command ran)."""
    out = subprocess.run([sys.executable, "-c", _WATCH, *cmd], check=True, capture_output=True, text=True).stdout
    wall, peak_kib = out.split()
    return float(wall), int(peak_kib) // 1024


def pdftotext_time(pdfs: list[Path], out: Path) -> float | None:
    exe = shutil.which("pdftotext")
    if exe is None:
        return None
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for pdf in pdfs:
        subprocess.run([exe, "-layout", str(pdf), str(out / (pdf.stem + ".txt"))], check=True)
    return time.perf_counter() - start


def copies(files: list[Path], folder: Path, n: int) -> list[Path]:
    """`n` copies of the set under new names: a corpus large enough that start-up stops weighing.

    Each copy ends in a line of its own (a PDF comment after the end of the file; a blank line
    more for a text), so its content hash differs: ingest counts files with the same content
    once, and identical copies would measure the duplicate check instead of the reading.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        for f in files:
            tail = b"\n" * (i + 1) if f.suffix.lower() == ".txt" else f"\n% copy {i}\n".encode()
            (folder / f"{f.stem}_copy{i}{f.suffix}").write_bytes(f.read_bytes() + tail)
    return sorted(p for p in folder.iterdir() if p.is_file())


def pages(pdfs: list[Path]) -> int:
    import pypdfium2 as pdfium

    return sum(len(pdfium.PdfDocument(str(p))) for p in pdfs)

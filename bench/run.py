"""End to end: `strategyscan run` on the rendered PDFs and on the 130 strategy texts.

    make bench-run        (or: .venv/bin/python bench/run.py)

For 1 and 2 workers: wall time (process start-up included, cache off), pages/s, passages/s and
the peak RSS of the largest process; pdftotext over the same PDFs in the same run as reference,
on the rendered set and on copies of it (where start-up stops weighing); and peak RSS for 10 to
130 files (memory must not grow with the number of files).
Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

import pandas as pd
from common import CLI, copies, ncss, pages, pdftotext_time, rendered, timed

from strategyscan.tables import BATCH_ROWS


def run(src: Path, out: Path, workers: int, *extra: str) -> tuple[float, int, int]:
    shutil.rmtree(out, ignore_errors=True)
    wall, rss = timed([*CLI, "run", str(src), "--out", str(out), "--workers", str(workers), "-q", *extra])
    n = len(pd.read_csv(out / "tags.csv", usecols=["passage_id"]))
    shutil.rmtree(out / ".cache", ignore_errors=True)
    return wall, rss, n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=8, help="copies of the rendered set for the large-corpus figure")
    args = parser.parse_args()
    pdf_dir, texts = rendered(), ncss()
    pdfs = sorted(pdf_dir.glob("*.pdf"))
    n_pages = pages(pdfs)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        helps = [timed([*CLI, "--help"])[0] for _ in range(3)]
        print(f"strategyscan --help: {min(helps):.2f} s (best of 3)")
        from strategyscan.paths import SAMPLES

        walls = [run(SAMPLES, tmp / "s", 0)[0] for _ in range(2)]
        print(f"strategyscan run corpora/samples (5 PDFs, report included): {min(walls):.2f} s (best of 2)")
        big = tmp / "copies"
        sets = [("rendered PDFs", pdf_dir, pdfs, n_pages),
                (f"{args.copies} copies of the rendered PDFs", big, copies(pdfs, big, args.copies),
                 n_pages * args.copies)]
        for name, folder, files, n in sets:
            ref = pdftotext_time(files, tmp / "ref")
            print(f"{name}: {len(files)} files, {n} pages")
            if ref:
                print(f"  pdftotext -layout (reference)       {ref:6.2f} s  {n / ref:7.1f} pages/s")
            for workers in (1, 2):
                wall, rss, count = run(folder, tmp / "r", workers)
                ratio = f"  {ref / wall:.2f}x pdftotext" if ref else ""
                print(f"  strategyscan run, {workers} worker(s)      {wall:6.2f} s  {n / wall:7.1f} pages/s  "
                      f"{count / wall:7.0f} passages/s  peak RSS {rss} MiB{ratio}")

        manifest = texts / "manifest.csv"
        print(f"130 strategy texts ({texts / 'texts'}):")
        for workers in (1, 2):
            wall, rss, n = run(texts / "texts", tmp / "t", workers, "--manifest", str(manifest))
            print(f"  strategyscan run, {workers} worker(s)      {wall:6.2f} s  {n:7d} passages  "
                  f"{n / wall:7.0f} passages/s  peak RSS {rss} MiB")

        print(f"memory (2 workers), peak RSS of the largest process per stage: tables stream in batches of "
              f"{BATCH_ROWS:,} rows; the report's data grows with the countries and documents")
        for count in (10, 40, 80, 130):
            part = tmp / f"part{count}"
            part.mkdir()
            for f in sorted((texts / "texts").glob("*.txt"))[:count]:
                shutil.copy(f, part / f.name)
            out = tmp / f"m{count}"
            peaks = [timed([*CLI, "ingest", str(part), "--out", str(out), "--workers", "2", "--no-cache", "-q"])[1],
                     timed([*CLI, "tag", str(out / "passages.parquet"), "--out", str(out), "--workers", "2", "-q"])[1],
                     timed([*CLI, "compare", str(out / "tags.parquet"), "--out", str(out)])[1]]
            n = len(pd.read_csv(out / "tags.csv", usecols=["passage_id"]))
            groups = len(pd.read_csv(out / "country_comparison.csv", usecols=["country"]))
            print(f"  {count:3d} files {n:6d} passages {groups:4d} countries   ingest {peaks[0]} MiB   "
                  f"tag {peaks[1]} MiB   compare + report {peaks[2]} MiB")

if __name__ == "__main__":
    main()

"""Ingest speed and quality on ../shared/corpora/pdfs/rendered, against pdftotext in the same run.

    make bench-ingest        (or: .venv/bin/python bench/ingest.py [--repeat 3])

Prints pages/s of `strategyscan ingest` (the CLI: extract, clean, segment, metadata, write; with
1 and 2 workers; process start-up included) and of pdftotext over the same files, their ratio, and
the extraction quality against the ground truth. Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from common import CLI, pages, pdftotext_time, rendered, timed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is kept")
    args = parser.parse_args()
    src = rendered()
    pdfs = sorted(src.glob("*.pdf"))
    n_pages = pages(pdfs)
    print(f"rendered set: {len(pdfs)} PDFs, {n_pages} pages")

    from strategyscan.ingestion import ingest_file
    from strategyscan.ingestion.quality import Score, load_truth, score

    total = Score(0, 0, 0, 0, 0)
    start = time.perf_counter()
    for pdf in pdfs:
        total = total + score(load_truth(pdf), [p.text for p in ingest_file(pdf).passages])
    in_process = time.perf_counter() - start
    print(f"quality: body-word recall {total.recall:.4f}, precision {total.precision:.4f}, "
          f"header/footer/footnote lines leaked {total.leaked_lines}/{total.boilerplate_lines} "
          f"({total.leak_rate:.2%})")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ref = min(pdftotext_time(pdfs, tmp / f"ref{i}") or float("inf") for i in range(args.repeat))
        rows = []
        for workers in (1, 2):
            best = min(timed([*CLI, "ingest", str(src), "--out", str(tmp / f"w{workers}-{i}"), "--no-cache",
                              "-q", "--workers", str(workers)])[0] for i in range(args.repeat))
            rows.append((f"strategyscan ingest (CLI, {workers} worker{'s' * (workers > 1)})", best))
        rows.append(("strategyscan ingest_file (in-process, 1 core, warm)", in_process))
    if ref == float("inf"):
        print("pdftotext not found (apt-get install poppler-utils): no reference")
    else:
        print(f"{'pdftotext -layout (poppler)':<52} {ref:6.2f} s  {n_pages / ref:7.1f} pages/s  reference")
    for name, secs in rows:
        ratio = f"{(n_pages / secs) / (n_pages / ref):.2f}x pdftotext" if ref != float("inf") else ""
        print(f"{name:<52} {secs:6.2f} s  {n_pages / secs:7.1f} pages/s  {ratio}")


if __name__ == "__main__":
    main()

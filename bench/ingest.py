"""Ingest speed and quality on ../shared/corpora/pdfs/rendered, against pdftotext in the same run.

    make bench-ingest        (or: .venv/bin/python bench/ingest.py [--repeat 3])

Prints the extraction quality against the ground truth, then pages/s of `strategyscan ingest` (the
CLI: extract, clean, segment, metadata, write; 1 and 2 workers; process start-up included), of the
same work in-process with warm imports, and of pdftotext over the same files in the same run, with
their ratio: once on the 263 pages (where start-up weighs), once on copies of the set (where it
does not). Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from common import CLI, copies, pages, pdftotext_time, rendered, timed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is kept")
    parser.add_argument("--copies", type=int, default=8, help="copies of the set for the start-up-free figure")
    args = parser.parse_args()
    src = rendered()
    pdfs = sorted(src.glob("*.pdf"))
    n_pages = pages(pdfs)
    print(f"rendered set: {len(pdfs)} PDFs, {n_pages} pages")

    import strategyscan as ss
    from strategyscan.ingestion import ingest_file
    from strategyscan.ingestion.quality import Score, body_texts, load_truth, score

    total = Score(0, 0, 0, 0, 0)
    for pdf in pdfs:
        total = total + score(load_truth(pdf), body_texts(ingest_file(pdf).passages))
    print(f"quality: body-word recall {total.recall:.4f}, precision {total.precision:.4f}, "
          f"header/footer/footnote lines leaked {total.leaked_lines}/{total.boilerplate_lines} "
          f"({total.leak_rate:.2%})")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        big = tmp / "copies"
        sets = [(src, pdfs, n_pages), (big, copies(pdfs, big, args.copies), n_pages * args.copies)]
        for folder, files, n in sets:
            print(f"\n{len(files)} PDFs, {n} pages")
            ref = min(pdftotext_time(files, tmp / f"ref{i}") or float("inf") for i in range(args.repeat))
            rows = []
            for workers in (1, 2):
                best = min(timed([*CLI, "ingest", str(folder), "--out", str(tmp / f"w{workers}-{i}"), "--no-cache",
                                  "-q", "--workers", str(workers)])[0] for i in range(args.repeat))
                rows.append((f"strategyscan ingest (CLI, {workers} worker{'s' * (workers > 1)})", best))
            ss.ingest([folder], tmp / "warm", workers=2, cache=False)  # imports and pools warmed up
            start = time.perf_counter()
            ss.ingest([folder], tmp / "warm", workers=2, cache=False)
            rows.append(("strategyscan.ingest() in-process, 2 workers, warm", time.perf_counter() - start))
            if ref == float("inf"):
                print("pdftotext not found (apt-get install poppler-utils): no reference")
            else:
                print(f"{'pdftotext -layout (poppler), one process per file':<52} {ref:6.2f} s  "
                      f"{n / ref:7.1f} pages/s  reference")
            for name, secs in rows:
                ratio = f"{ref / secs:.2f}x pdftotext" if ref != float("inf") else ""
                print(f"{name:<52} {secs:6.2f} s  {n / secs:7.1f} pages/s  {ratio}")


if __name__ == "__main__":
    main()

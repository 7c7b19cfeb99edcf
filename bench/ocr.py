"""OCR accuracy and speed: the scanned strategy of pdfs/bad and Belgium's junk-font PDFs of pdfs/real.

    make bench-ocr           (or: .venv/bin/python bench/ocr.py)

Prints word accuracy on `image_only_scan.pdf` against its `.expected.txt`, then CPU-seconds per
OCR page in one process and wall seconds per page for the three files with 1 and 2 workers
(`strategyscan ingest`, start-up included), with the language each was read in. Figures only.
"""

from __future__ import annotations

import tempfile
import time

from common import CLI, need, timed

from strategyscan.paths import shared_dir


def main() -> None:
    from strategyscan.ingestion import ingest_file, ocr

    if ocr.engine() is None:
        raise SystemExit(f"no OCR engine: {ocr.INSTALL_HINT}")
    pdfs = shared_dir() / "corpora" / "pdfs"
    scan = need(pdfs / "bad" / "image_only_scan.pdf")
    files = [scan, need(pdfs / "real" / "BEL_2012_fr.pdf"), need(pdfs / "real" / "BEL_2012_nl.pdf")]
    print(f"engine: {ocr.engine_version()}")
    pages = 0
    for pdf in files:
        start = time.process_time()
        result = ingest_file(pdf)
        cpu = time.process_time() - start
        doc = result.document
        pages += doc.ocr_pages
        line = (f"{pdf.name:<24} {doc.ocr_pages:>3} OCR pages in '{doc.ocr_language}', mean confidence "
                f"{doc.ocr_confidence}, {cpu / max(doc.ocr_pages, 1):.2f} CPU-s per page")
        if pdf == scan:
            expected = scan.with_name(scan.stem + ".expected.txt").read_text(encoding="utf-8")
            line += f"; word accuracy {ocr.word_accuracy(expected, ' '.join(p.text for p in result.passages)):.3f}"
        print(line)
    with tempfile.TemporaryDirectory() as tmp:
        for workers in (1, 2):
            wall, peak = timed([*CLI, "ingest", *map(str, files), "--out", f"{tmp}/w{workers}", "--no-cache",
                                "--workers", str(workers), "--quiet"])
            print(f"strategyscan ingest, {workers} worker(s): {wall:.1f} s for {pages} pages, "
                  f"{wall / pages:.2f} s per page (start-up included), peak RSS {peak} MiB")


if __name__ == "__main__":
    main()

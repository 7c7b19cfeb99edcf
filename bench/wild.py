"""Ingest on real government PDFs (../shared/corpora/pdfs/wild), against pdftotext in the same run.

    make bench-wild          (or: .venv/bin/python bench/wild.py [--engine pdfplumber] [FOLDER])

There is no ground truth for these files; poppler's `pdftotext` text of the same pages (reading
order, words split at line ends joined) is the reference (`quality.layout_score` says how it is
read). Per file and in total: the share of the reference's body words found in the passages,
running furniture found in passages (texts at the page edges repeated on more than 30 % of
pages, found in passages more often than in the body), passages with dot leaders or private-use
glyphs, the country and year found, and seconds against pdftotext's. Figures only.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from common import need

from strategyscan.paths import shared_dir


def reference_pages(pdf: Path) -> tuple[list[str], float]:
    from strategyscan.ingestion.quality import pdftotext_pages

    start = time.perf_counter()
    pages = pdftotext_pages(pdf)
    return pages, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", default="pypdfium2")
    parser.add_argument("folder", nargs="?", type=Path, default=None)
    args = parser.parse_args()
    folder = need(args.folder or shared_dir() / "corpora" / "pdfs" / "wild")
    if shutil.which("pdftotext") is None:
        sys.exit("pdftotext not found (apt-get install poppler-utils): it is the reference")

    from strategyscan.ingestion import IngestOptions, ingest_file
    from strategyscan.ingestion.quality import layout_score

    options = IngestOptions(engine=args.engine)
    ingest_file(sorted(folder.glob("*.pdf"))[0], options)  # warm imports: per-file figures stay comparable
    print(f"{'file':<44} {'pages':>5} {'recall':>7} {'furn.':>5} {'leaked':>6} {'junk':>4} "
          f"{'country':<14} {'year':>4} {'s':>6} {'ref s':>6}")
    totals = dict(words=0.0, found=0.0, furniture=0, leaked=0, junk=0, secs=0.0, ref=0.0, pages=0)
    low = []
    for pdf in sorted(folder.glob("*.pdf")):
        pages, ref_secs = reference_pages(pdf)
        start = time.perf_counter()
        result = ingest_file(pdf, options)
        secs = time.perf_counter() - start
        s = layout_score(pages, [p.text for p in result.passages])
        doc = result.document
        print(f"{pdf.name[:44]:<44} {doc.pages:>5} {s.recall:>7.3f} {s.furniture_lines:>5} {s.leaked:>6} "
              f"{s.junk_passages:>4} {doc.country[:14]:<14} {doc.year or '':>4} {secs:>6.2f} {ref_secs:>6.2f}")
        totals["words"] += s.words
        totals["found"] += s.recall * s.words
        totals["furniture"] += s.furniture_lines
        totals["leaked"] += s.leaked
        totals["junk"] += s.junk_passages
        totals["secs"] += secs
        totals["ref"] += ref_secs
        totals["pages"] += doc.pages
        if s.recall < 0.98:
            low.append(pdf.name)
    print(f"{'total':<44} {totals['pages']:>5} {totals['found'] / totals['words']:>7.3f} {totals['furniture']:>5} "
          f"{totals['leaked']:>6} {totals['junk']:>4} {'':<14} {'':>4} {totals['secs']:>6.2f} {totals['ref']:>6.2f}")
    print(f"in-process ingest {totals['pages'] / totals['secs']:.0f} pages/s, "
          f"pdftotext {totals['pages'] / totals['ref']:.0f} pages/s: {totals['ref'] / totals['secs']:.2f}x pdftotext; "
          f"files under 0.98 recall: {', '.join(low) or 'none'}")


if __name__ == "__main__":
    main()

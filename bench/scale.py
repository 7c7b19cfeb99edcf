"""At scale: many documents through `strategyscan run`, and the Dask executor against local processes.

    make bench-scale        (or: .venv/bin/python bench/scale.py [--documents 10000] [--no-dask])

1. The 130 strategy texts, then `--documents` copies of them (each made distinct, so none is
   counted as a duplicate, under names that keep their country and year, with a manifest row
   each), through the whole pipeline with 2 workers: wall time, seconds per document against
   the 130-text run of the same session, and the peak RSS of the largest process.
2. Ingest of 8 copies of the rendered PDFs (2,104 pages) with `--executor dask` (a LocalCluster of
   2 workers) and with local processes: wall time, the ratio, and whether the outputs are equal.
The corpora are built under a temporary folder and deleted; figures only, nothing is asserted.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import tempfile
from pathlib import Path

import pandas as pd
from common import CLI, copies, ncss, rendered, timed


def texts_run(src: Path, manifest: Path, out: Path) -> tuple[float, int, int]:
    """(wall s, peak RSS MiB, documents with passages) of one whole run with 2 workers."""
    shutil.rmtree(out, ignore_errors=True)
    wall, rss = timed([*CLI, "run", str(src), "--manifest", str(manifest), "--out", str(out), "--workers", "2",
                       "--no-cache", "-q"])
    docs = pd.read_csv(out / "documents.csv", usecols=["passages"])
    return wall, rss, int((docs["passages"] > 0).sum())


def copied_corpus(texts: Path, folder: Path, documents: int) -> tuple[Path, Path]:
    """`documents` distinct copies of the strategy texts and a manifest for them."""
    originals = sorted((texts / "texts").glob("*.txt"))
    made = copies(originals, folder / "texts", -(-documents // len(originals)))
    keep = set(made[:documents])
    for extra in made[documents:]:
        extra.unlink()
    rows = {r["file"].removesuffix(".txt"): r for r in csv.DictReader((texts / "manifest.csv").open(encoding="utf-8"))}
    manifest = folder / "manifest.csv"
    with manifest.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["file", "country", "iso3", "year"])
        for path in sorted(keep):
            row = rows[path.stem.rsplit("_copy", 1)[0]]
            out.writerow([path.name, row["country"], row["iso3"], row["year"]])
    return folder / "texts", manifest


def dask_against_local(tmp: Path) -> None:
    pdfs = sorted(rendered().glob("*.pdf"))
    big = tmp / "pdf_copies"
    files = copies(pdfs, big, 8)
    print(f"ingest, {len(files)} PDFs (8 copies of the rendered set), 2 workers, cache off:")
    walls, outs = {}, {}
    for executor in ("local", "dask", "local", "dask"):
        out = tmp / f"ingest_{executor}"
        shutil.rmtree(out, ignore_errors=True)
        wall, rss = timed([*CLI, "ingest", str(big), "--out", str(out), "--workers", "2", "--executor", executor,
                           "--no-cache", "-q"])
        walls.setdefault(executor, []).append(wall)
        outs[executor] = ((out / "passages.csv").read_bytes(),
                          pd.read_csv(out / "documents.csv", keep_default_na=False))
        print(f"  --executor {executor:5s}  {wall:6.2f} s  peak RSS {rss} MiB")
    same = outs["local"][0] == outs["dask"][0] and outs["local"][1].equals(outs["dask"][1])
    print(f"  dask / local (best of 2 each): {min(walls['dask']) / min(walls['local']):.2f}x; "
          f"passages.csv and documents.csv {'identical' if same else 'DIFFER'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--no-dask", action="store_true")
    args = parser.parse_args()
    texts = ncss()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        wall, rss, n = texts_run(texts / "texts", texts / "manifest.csv", tmp / "t130")
        per = wall / n
        print(f"130 strategy texts: {wall:.1f} s, {n} documents with passages, {per:.3f} s per document, "
              f"peak RSS {rss} MiB")
        src, manifest = copied_corpus(texts, tmp / "copies", args.documents)
        size = sum(p.stat().st_size for p in src.iterdir()) / 2**20
        print(f"{args.documents:,} copies ({size:,.0f} MiB of text): running ...", flush=True)
        wall, rss, n = texts_run(src, manifest, tmp / "big")
        print(f"  {wall:.1f} s, {n:,} documents with passages, {wall / n:.3f} s per document "
              f"({wall / n / per:.2f}x the 130-text run), peak RSS {rss} MiB")
        shutil.rmtree(tmp / "copies")
        shutil.rmtree(tmp / "big")
        if not args.no_dask:
            dask_against_local(tmp)


if __name__ == "__main__":
    main()

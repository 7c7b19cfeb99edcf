"""Cut the strategy texts into candidate spans, as `ingest` cuts them: how the corpus was drawn.

    .venv/bin/python corpora/real/candidates.py OUT.parquet [--split train|heldout] [--languages en,fr,...]

Every text of the split in the languages asked for (English by default) is ingested (cleaning,
sentence windows) and each passage is mapped back to offsets in its raw file
(`strategyscan.classification.spans.align`). The output
(file, start, end, sha, kind, language, words, text) stays outside the repository: it holds
strategy text. The random draws, the `suggest` rounds and the complete documents of the corpus
were all taken from these spans; `README.md` beside this file says how.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
from pathlib import Path

import pandas as pd

import strategyscan as ss
from strategyscan.classification.realtext import texts_dir
from strategyscan.classification.spans import align, span_sha, span_text


def candidates(split: str, texts: Path | None = None, languages: tuple[str, ...] = ("en",)) -> pd.DataFrame:
    root = Path(texts or texts_dir())
    with (root.parent / "splits.csv").open(newline="", encoding="utf-8") as fh:
        files = sorted(r["file"].strip() for r in csv.DictReader(fh)
                       if r["split"].strip() == split
                       and r["file"].strip().endswith(tuple(f"_{lang}.txt" for lang in languages)))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in files:
            (Path(tmp) / name).symlink_to((root / name).resolve())
        passages = ss.ingest([tmp], Path(tmp) / "out", cache=False).passages
    for path, group in passages.groupby("file", sort=True):
        name = Path(path).name
        raw = (root / name).read_bytes().decode("utf-8")
        group = group.sort_values("index")
        for (_, p), span in zip(group.iterrows(), align(raw, group["text"].tolist())):
            if span is None:
                continue
            text = span_text(raw, *span)
            rows.append({"file": name, "start": span[0], "end": span[1], "sha": span_sha(raw[span[0]:span[1]]),
                         "kind": p["kind"], "language": p["language"], "words": len(text.split()), "text": text})
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--split", choices=["train", "heldout"], default="train")
    parser.add_argument("--languages", default="en", help="comma-separated codes, as in the file names")
    args = parser.parse_args()
    frame = candidates(args.split, languages=tuple(args.languages.split(",")))
    frame.to_parquet(args.out)
    print(f"{len(frame)} spans from {frame['file'].nunique()} {args.split} documents -> {args.out}")


if __name__ == "__main__":
    main()

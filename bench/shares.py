"""Are the shares right? The completely labelled held-out documents, compared as `compare` does.

    make bench-shares        (or: .venv/bin/python bench/shares.py)

Prints, per document and category, the true share, the raw share (with its Wilson interval) and
the adjusted share (with its interval); the mean absolute error of each; how often each interval
holds the truth; and how long the adjustment takes on the 130-strategy comparison, as a ratio to
the raw aggregation in the same run. Figures only; nothing is asserted.
"""

from __future__ import annotations

import tempfile
import time

from common import ncss

from strategyscan import pipeline
from strategyscan.classification.persistence import load_model_set
from strategyscan.classification.realtext import load_real
from strategyscan.comparison import CompareOptions
from strategyscan.comparison.aggregate import compare_table
from strategyscan.comparison.validity import share_validity
from strategyscan.paths import DEFAULT_MODEL


def main() -> None:
    root = ncss()
    records = pipeline.model_records()
    complete = [it for it in load_real("test", root / "texts") if it.draw == "complete"]
    labels = load_model_set().labels
    v = share_validity(complete, DEFAULT_MODEL, records.errors, labels)
    print(v.cells.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    print(f"{v.cells['document'].nunique()} documents x {len(labels)} categories = {len(v.cells)} cells")
    print(f"mean absolute error: raw {v.mae_points('raw')} points, adjusted {v.mae_points('adjusted')} points")
    print(f"95 % intervals holding the true share: raw (Wilson) {v.coverage('raw'):.0%}, "
          f"adjusted {v.coverage('adjusted'):.0%}")
    with tempfile.TemporaryDirectory() as tmp:
        tags = pipeline.tag([root / "texts"], tmp, workers=2).tags
    start = time.perf_counter()
    compare_table(tags, CompareOptions(evidence=0))
    raw = time.perf_counter() - start
    start = time.perf_counter()
    compare_table(tags, CompareOptions(evidence=0), records.errors)
    adjusted = time.perf_counter() - start
    print(f"130-strategy comparison ({len(tags)} passages): raw {raw:.2f} s, with adjusted shares "
          f"(1,000 replicates) {adjusted:.2f} s: {adjusted / raw:.1f}x")


if __name__ == "__main__":
    main()

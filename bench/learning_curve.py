"""Learning curve: held-out quality as real passages are added to the hand-written corpus.

    make learning-curve      (or: .venv/bin/python bench/learning_curve.py [--sizes 0 1000 3000 all])

For each size, that many real passages of `train` documents (a random draw, seed 0) join the
hand-written corpus; the model is trained with the shipped settings (`corpora/model_params.json`)
and scored on the real-text test set of held-out documents: macro- and micro-F1 and the mean
per-document share error on the completely labelled documents. Figures only; nothing is chosen
here and nothing is asserted.
"""

from __future__ import annotations

import argparse
import random

from common import ncss  # noqa: F401  (puts the repository on sys.path)

from strategyscan.classification.building import read_params, score_items
from strategyscan.classification.corpus import base_corpus
from strategyscan.classification.realtext import load_real
from strategyscan.classification.training import train


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["0", "1000", "3000", "all"])
    args = parser.parse_args()
    ncss()
    corpus = base_corpus()
    test = load_real("test")
    settings = read_params()
    real = list(corpus.real)
    random.Random(0).shuffle(real)
    print(f"hand-written {len(corpus.written)}, real {len(real)} (train documents), test {len(test)} "
          f"(held-out documents); settings {settings}")
    print(f"{'real added':>10} {'macro-F1':>9} {'micro-F1':>9} {'share err':>9}  per-label F1")
    for size in args.sizes:
        n = len(real) if size == "all" else min(int(size), len(real))
        trained = train([*corpus.written, *real[:n]], **settings)
        rep, share = score_items(test, trained.model)
        err = share.mean_error_points
        per = " ".join(f"{m.label[:5]} {m.f1:.3f}" for m in rep.labels)
        print(f"{n:>10} {rep.macro_f1:>9.3f} {rep.micro_f1:>9.3f} {err:>9.2f}  {per}", flush=True)


if __name__ == "__main__":
    main()

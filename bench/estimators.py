"""Which share estimator recovers a document's true shares best (issue 12)? Measured where
training measures it for the model card: out-of-fold predictions on the real `train` documents,
folds grouped by document. Held-out documents are not read.

    make bench-estimators    (or: .venv/bin/python bench/estimators.py)

Besides the card's four (classify-and-count, mean probability and their error-rate adjustments,
ACC and PACC), two that the card does not carry:
- EM prior adjustment (SLD / EMQ: Saerens, Latinne and Decaestecker 2002), per document and
  label, from the prevalence of the passages drawn at random; and its first step only;
- a regression of the true share on the raw shares, fitted on the other documents (left out one
  at a time).
Mean absolute error in points over documents and labels, and per label. Figures only; nothing is
chosen here and nothing is asserted.
"""

from __future__ import annotations

import numpy as np
from common import ncss

from strategyscan.classification import training
from strategyscan.classification.building import read_params
from strategyscan.classification.corpus import base_corpus
from strategyscan.classification.share_errors import ESTIMATORS, MIN_DOCUMENT_PASSAGES, estimate
from strategyscan.records import PROSE_KINDS


def sld(p: np.ndarray, prior: float, steps: int = 100) -> float:
    """The prevalence at which the prior-adjusted probabilities `p` average to themselves."""
    share = float(p.mean())
    for _ in range(steps):
        up, down = share / max(prior, 1e-9) * p, (1 - share) / max(1 - prior, 1e-9) * (1 - p)
        new = float((up / np.maximum(up + down, 1e-12)).mean())
        if abs(new - share) < 1e-7:
            return new
        share = new
    return share


def left_out(features: list[np.ndarray], truth: np.ndarray) -> np.ndarray:
    """Each document's share predicted by a least-squares fit on the others, per label."""
    out = np.zeros_like(truth)
    for j in range(truth.shape[1]):
        X = np.column_stack([np.ones(len(truth)), *(f[:, j] for f in features)])
        for k in range(len(truth)):
            keep = np.arange(len(truth)) != k
            coef, *_ = np.linalg.lstsq(X[keep], truth[keep, j], rcond=None)
            out[k, j] = float(X[k] @ coef)
    return np.clip(out, 0.0, 1.0)


def main() -> None:
    ncss()
    corpus = base_corpus()
    seen: dict = {}
    chosen = training.share_errors

    def keep(items, proba, Y, thresholds, measured, labels, measured_on):  # what training scores shares on
        seen.update(items=items, proba=proba, Y=Y, measured=measured, labels=labels)
        seen["record"] = chosen(items, proba, Y, thresholds, measured, labels, measured_on)
        return seen["record"]

    training.share_errors = keep
    try:
        training.train([*corpus.written, *corpus.real], **read_params())
    finally:
        training.share_errors = chosen
    items, P, Y, measured, labels, record = (seen[k] for k in ("items", "proba", "Y", "measured", "labels", "record"))
    docs: dict[str, list[int]] = {}
    for i, it in enumerate(items):
        if it.group and it.kind in PROSE_KINDS:
            docs.setdefault(it.group, []).append(i)
    groups = [np.array(docs[d.document]) for d in record.documents]  # the card's documents, in its order
    prior = Y[measured].mean(0)
    cc, pcc = np.array([d.cc for d in record.documents]), np.array([d.pcc for d in record.documents])
    truth = np.array([d.true for d in record.documents])
    found = {name: estimate(name, cc, pcc, record.rate_arrays()) for name in ESTIMATORS}
    found["sld"] = np.array([[sld(P[ix, j], prior[j]) for j in range(len(labels))] for ix in groups])
    found["sld, one step"] = np.array([[sld(P[ix, j], prior[j], 1) for j in range(len(labels))] for ix in groups])
    found["a + b cc (left out)"] = left_out([cc], truth)
    found["a + b pcc (left out)"] = left_out([pcc], truth)
    found["a + b cc + c pcc (left out)"] = left_out([cc, pcc], truth)
    print(f"{len(groups)} train documents with >= {MIN_DOCUMENT_PASSAGES} labelled prose passages; "
          f"prevalence of the random draws: " + ", ".join(f"{lab} {p:.3f}" for lab, p in zip(labels, prior)))
    print(f"{'estimator':<30} {'MAE':>6}  " + " ".join(f"{lab[:12]:>12}" for lab in labels))
    for name, est in found.items():
        err = 100 * np.abs(est - truth)
        print(f"{name:<30} {err.mean():6.2f}  " + " ".join(f"{e:12.2f}" for e in err.mean(0)))


if __name__ == "__main__":
    main()

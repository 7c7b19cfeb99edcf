"""How far a model's per-document shares are from the truth, measured where the truth is known:
the real `train` documents, scored out of fold by document-grouped cross-validation.

The record goes into the model card and serves `compare` twice:
- choosing the share estimator: classify-and-count (CC, what the comparison always did), mean
  probability (PCC), and their error-rate adjustments (ACC, PACC: the quantification literature's
  corrections for a known true- and false-positive rate), whichever recovers the documents' true
  shares best;
- the model-error part of each interval: a share is off by an amount that depends on the
  document, not only on sampling, so intervals add residuals (true minus estimated share) of the
  training documents whose estimate was nearest.
Error rates come with their counts, so `compare` can draw them with their uncertainty.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from ..records import PROSE_KINDS
from .labelled import LabelledPassage

ESTIMATORS = ("cc", "pcc", "acc", "pacc")
MIN_DOCUMENT_PASSAGES = 20  # labelled prose passages for a training document's share to count
MIN_DOCUMENTS = 10          # training documents to choose an estimator on; fewer keep classify-and-count
UNSTABLE_GAP = 0.25         # tpr - fpr (or its probabilistic twin) under this: the correction divides by ~0


@dataclass(frozen=True)
class LabelRates:
    """Decisions and probabilities against human labels on real passages drawn at random."""
    tp: int
    fn: int
    fp: int
    tn: int
    pos_mean: float  # mean calibrated probability of the truly positive passages
    pos_sd: float
    neg_mean: float
    neg_sd: float

    @property
    def tpr(self) -> float:
        return self.tp / max(1, self.tp + self.fn)

    @property
    def fpr(self) -> float:
        return self.fp / max(1, self.fp + self.tn)


@dataclass(frozen=True)
class DocumentShares:
    document: str
    passages: int
    cc: list[float]    # per label: share of passages labelled (out of fold)
    pcc: list[float]   # mean calibrated probability
    true: list[float]  # share of passages the annotators labelled


@dataclass(frozen=True)
class ShareErrors:
    labels: list[str]
    estimator: str
    mae_points: dict[str, float]          # per estimator, over the training documents
    rates: dict[str, LabelRates]
    documents: list[DocumentShares] = field(default_factory=list)
    measured_on: str = ""

    def to_dict(self) -> dict:
        return {"estimator": self.estimator, "mae_points": self.mae_points, "measured_on": self.measured_on,
                "labels": self.labels, "rates": {k: asdict(v) for k, v in self.rates.items()},
                "documents": [asdict(d) for d in self.documents]}

    @classmethod
    def from_dict(cls, data: dict) -> ShareErrors:
        return cls(list(data["labels"]), str(data["estimator"]), dict(data["mae_points"]),
                   {k: LabelRates(**v) for k, v in data["rates"].items()},
                   [DocumentShares(**d) for d in data.get("documents", [])], str(data.get("measured_on", "")))

    def rate_arrays(self) -> dict[str, np.ndarray]:
        """tpr, fpr, ptpr, pfpr per label, in label order."""
        r = [self.rates[lab] for lab in self.labels]
        return {"tpr": np.array([x.tpr for x in r]), "fpr": np.array([x.fpr for x in r]),
                "ptpr": np.array([x.pos_mean for x in r]), "pfpr": np.array([x.neg_mean for x in r])}

    def document_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(estimate, truth, passages) of the training documents under the chosen estimator:
        (n_docs, n_labels), (n_docs, n_labels), (n_docs,)."""
        if not self.documents:
            empty = np.zeros((0, len(self.labels)))
            return empty, empty, np.zeros(0)
        cc = np.array([d.cc for d in self.documents])
        pcc = np.array([d.pcc for d in self.documents])
        truth = np.array([d.true for d in self.documents])
        est = estimate(self.estimator, cc, pcc, self.rate_arrays())
        return est, truth, np.array([d.passages for d in self.documents], dtype=float)

    def unstable(self) -> list[str]:
        """Labels whose correction divides by a small number (reported, and clipped)."""
        if self.estimator not in ("acc", "pacc"):
            return []
        r = self.rate_arrays()
        gap = r["tpr"] - r["fpr"] if self.estimator == "acc" else r["ptpr"] - r["pfpr"]
        return [lab for lab, g in zip(self.labels, gap) if g < UNSTABLE_GAP]


def estimate(name: str, cc: np.ndarray, pcc: np.ndarray, rates: dict[str, np.ndarray]) -> np.ndarray:
    """Share estimates from the classify-and-count share `cc` and the mean probability `pcc`
    (arrays ending in the label axis; `rates` broadcast against them), clipped to [0, 1]."""
    if name == "cc":
        out = cc
    elif name == "pcc":
        out = pcc
    elif name == "acc":
        out = (cc - rates["fpr"]) / np.maximum(rates["tpr"] - rates["fpr"], 1e-6)
    elif name == "pacc":
        out = (pcc - rates["pfpr"]) / np.maximum(rates["ptpr"] - rates["pfpr"], 1e-6)
    else:
        raise ValueError(f"unknown share estimator {name!r}; estimators: {', '.join(ESTIMATORS)}")
    return np.clip(out, 0.0, 1.0)


def label_rates(Y: np.ndarray, proba: np.ndarray, thresholds: np.ndarray, labels: list[str]) -> dict[str, LabelRates]:
    decided = proba >= thresholds
    out = {}
    for j, lab in enumerate(labels):
        pos, neg = Y[:, j] == 1, Y[:, j] == 0
        out[lab] = LabelRates(int((decided[:, j] & pos).sum()), int((~decided[:, j] & pos).sum()),
                              int((decided[:, j] & neg).sum()), int((~decided[:, j] & neg).sum()),
                              round(float(proba[pos, j].mean()) if pos.any() else 0.0, 6),
                              round(float(proba[pos, j].std()) if pos.any() else 0.0, 6),
                              round(float(proba[neg, j].mean()) if neg.any() else 0.0, 6),
                              round(float(proba[neg, j].std()) if neg.any() else 0.0, 6))
    return out


def share_errors(items: list[LabelledPassage], proba: np.ndarray, Y: np.ndarray, thresholds: np.ndarray,
                 measured: np.ndarray, labels: list[str], measured_on: str) -> ShareErrors:
    """The record from out-of-fold calibrated probabilities `proba` of every passage: error rates
    on the `measured` passages, shares of every real document with enough labelled prose, and the
    estimator that recovers those documents' shares best (mean absolute error), chosen only among
    at least `MIN_DOCUMENTS` documents: on two it would be chosen by chance."""
    rates = label_rates(Y[measured], proba[measured], thresholds, labels)
    decided = (proba >= thresholds).astype(float)
    by_doc: dict[str, list[int]] = {}
    for i, it in enumerate(items):
        if it.group and it.kind in PROSE_KINDS:
            by_doc.setdefault(it.group, []).append(i)
    docs = [DocumentShares(doc, len(idx), np.round(decided[idx].mean(0), 6).tolist(),
                           np.round(proba[idx].mean(0), 6).tolist(), np.round(Y[idx].mean(0), 6).tolist())
            for doc, idx in sorted(by_doc.items()) if len(idx) >= MIN_DOCUMENT_PASSAGES]
    record = ShareErrors(labels, "cc", {}, rates, docs, measured_on)
    if not docs:
        return record
    cc, pcc = np.array([d.cc for d in docs]), np.array([d.pcc for d in docs])
    truth = np.array([d.true for d in docs])
    mae = {name: round(100 * float(np.abs(estimate(name, cc, pcc, record.rate_arrays()) - truth).mean()), 3)
           for name in ESTIMATORS}
    chosen = min(ESTIMATORS, key=lambda n: (mae[n], ESTIMATORS.index(n))) if len(docs) >= MIN_DOCUMENTS else "cc"
    return ShareErrors(labels, chosen, mae, rates, docs, measured_on)

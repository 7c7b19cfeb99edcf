"""Per-label quality of predictions against human labels (Climate Policy Radar style)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support


@dataclass(frozen=True)
class LabelMetrics:
    label: str
    precision: float
    recall: float
    f1: float
    kappa: float
    support: int
    predicted: int


@dataclass(frozen=True)
class Report:
    labels: list[LabelMetrics]
    macro_f1: float
    micro_f1: float
    n: int
    confusion: dict[str, dict[str, int]]  # true label (or 'none') -> predicted label (or 'none') -> passages
    exact_match: float = 0.0  # share of passages whose whole label set is right

    def to_dict(self) -> dict:
        return {"n": self.n, "macro_f1": self.macro_f1, "micro_f1": self.micro_f1, "exact_match": self.exact_match,
                "labels": [asdict(m) for m in self.labels], "confusion": self.confusion}


def _confusion(Y: np.ndarray, P: np.ndarray, labels: list[str]) -> dict[str, dict[str, int]]:
    """How often a passage truly labelled A was predicted B (multi-label: a passage counts once
    per true label and once per predicted label; 'none' stands for the empty set)."""
    names = [*labels, "none"]
    table = {a: {b: 0 for b in names} for a in names}
    for y, p in zip(Y, P):
        trues = [labels[j] for j in np.flatnonzero(y)] or ["none"]
        preds = [labels[j] for j in np.flatnonzero(p)] or ["none"]
        for a in trues:
            for b in preds:
                table[a][b] += 1
    return table


def report(Y: np.ndarray, P: np.ndarray, labels: list[str]) -> Report:
    Y, P = np.asarray(Y, dtype=int), np.asarray(P, dtype=int)
    per = []
    for j, label in enumerate(labels):
        p, r, f, _ = precision_recall_fscore_support(Y[:, j], P[:, j], average="binary", zero_division=0)
        agree = Y[:, j].min() != Y[:, j].max() or P[:, j].min() != P[:, j].max()
        kappa = float(cohen_kappa_score(Y[:, j], P[:, j])) if agree else 1.0
        per.append(LabelMetrics(label, round(float(p), 4), round(float(r), 4), round(float(f), 4),
                                round(kappa, 4), int(Y[:, j].sum()), int(P[:, j].sum())))
    tp = int((Y & P).sum())
    micro = 2 * tp / max(1, int(Y.sum() + P.sum()))
    exact = float((Y == P).all(axis=1).mean()) if len(Y) else 0.0
    return Report(per, round(float(np.mean([m.f1 for m in per])), 4), round(micro, 4), int(len(Y)),
                  _confusion(Y, P, labels), round(exact, 4))

"""A model against human labels: per label, and on whole documents as the comparison uses it.

Per-label F1 can look good while a document's share is badly off (errors that do not cancel);
users feel the share. On documents labelled completely, every counted passage, the true share of
each category is known, and `shares` compares it with the share the model gives.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ..records import PROSE_KINDS
from .labelled import LabelledPassage, label_matrix
from .metrics import Report, report
from .persistence import load_model

COMPLETE = "complete"  # the `draw` of passages from a completely labelled document


@dataclass(frozen=True)
class ShareCell:
    document: str
    label: str
    passages: int
    true_share: float
    predicted_share: float         # share of passages the model labels (what the comparison counts)
    expected_share: float | None = None  # mean calibrated probability: the share the model expects

    @property
    def error_points(self) -> float:
        return round(100 * abs(self.predicted_share - self.true_share), 2)

    @property
    def expected_error_points(self) -> float | None:
        if self.expected_share is None:
            return None
        return round(100 * abs(self.expected_share - self.true_share), 2)


@dataclass(frozen=True)
class ShareReport:
    cells: list[ShareCell]

    @property
    def mean_error_points(self) -> float:
        return round(float(np.mean([c.error_points for c in self.cells])), 2) if self.cells else float("nan")

    @property
    def worst(self) -> ShareCell | None:
        return max(self.cells, key=lambda c: c.error_points) if self.cells else None

    def per_label(self) -> dict[str, float]:
        labels = dict.fromkeys(c.label for c in self.cells)
        return {lab: round(float(np.mean([c.error_points for c in self.cells if c.label == lab])), 2)
                for lab in labels}

    @property
    def mean_expected_error_points(self) -> float | None:
        errors = [c.expected_error_points for c in self.cells if c.expected_error_points is not None]
        return round(float(np.mean(errors)), 2) if errors else None

    def to_dict(self) -> dict:
        worst = self.worst
        return {"documents": len({c.document for c in self.cells}), "mean_error_points": self.mean_error_points,
                "per_label_mean_error_points": self.per_label(),
                "worst": self._cell(worst) if worst else None,
                "mean_expected_error_points": self.mean_expected_error_points,
                "cells": [self._cell(c) for c in self.cells]}

    @staticmethod
    def _cell(c: ShareCell) -> dict:
        return {**asdict(c), "error_points": c.error_points, "expected_error_points": c.expected_error_points}


def predict(items: list[LabelledPassage], model=None):
    if model is None:
        model, _ = load_model()
    return model.predict([it.text for it in items])


def evaluate(items: list[LabelledPassage], model=None, predicted: np.ndarray | None = None) -> Report:
    """Per-label precision, recall, F1 and kappa of `model` (default: shipped) on human labels."""
    if model is None:
        model, _ = load_model()
    labels = list(model.labels)
    P = predicted if predicted is not None else predict(items, model)
    return report(label_matrix(items, labels), P, labels)


def shares(items: list[LabelledPassage], predicted: np.ndarray, labels: list[str],
           proba: np.ndarray | None = None) -> ShareReport:
    """True vs predicted share per completely labelled document and category, over the passages
    the comparison counts (prose: headings and fragments are not counted there either). With
    `proba`, also the expected share (mean calibrated probability)."""
    Y = label_matrix(items, labels)
    P = np.asarray(predicted, dtype=int)
    docs: dict[str, list[int]] = {}
    for i, it in enumerate(items):
        if it.draw == COMPLETE and it.kind in PROSE_KINDS:
            docs.setdefault(it.group, []).append(i)
    cells = [ShareCell(doc, lab, len(idx), round(float(Y[idx, j].mean()), 4), round(float(P[idx, j].mean()), 4),
                       None if proba is None else round(float(proba[idx, j].mean()), 4))
             for doc, idx in sorted(docs.items()) for j, lab in enumerate(labels)]
    return ShareReport(cells)

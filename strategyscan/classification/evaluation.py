"""A model against human labels."""

from __future__ import annotations

from .labelled import LabelledPassage, label_matrix
from .metrics import Report, report
from .persistence import load_model


def evaluate(items: list[LabelledPassage], model=None) -> Report:
    """Per-label precision, recall, F1 and kappa of `model` (default: shipped) on human labels."""
    if model is None:
        model, _ = load_model()
    labels = list(model.labels)
    return report(label_matrix(items, labels), model.predict([it.text for it in items]), labels)

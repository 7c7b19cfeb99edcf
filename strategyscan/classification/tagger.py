"""What tagging needs of a model, whichever kind it is: the fitted estimator, the fast numpy
scorer that reproduces it, or the keyword baseline. Each has the same names for the same things,
so the code that tags, suggests and evaluates need not know which one it holds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Tagger(Protocol):
    labels: tuple[str, ...]  # the categories, in the order of the probability columns
    model_id: str  # what the tags table names the model by ('' for one fitted but not trained and named)
    thresholds_: np.ndarray  # per label: a probability at or above it decides the label

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """(n, n_labels) independent probabilities."""
        ...

    def decide(self, proba: np.ndarray) -> np.ndarray:
        """(n, n_labels) 0/1: the labels each passage is given."""
        ...

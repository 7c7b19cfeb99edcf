"""A keyword dictionary: the method analysts use today, kept as the baseline to beat."""

from __future__ import annotations

import re

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from .taxonomy import load_taxonomy

DEFAULT_LABELS = tuple(load_taxonomy().labels)

class KeywordBaseline(ClassifierMixin, BaseEstimator):
    """Label a passage with every category one of whose keywords it contains (the taxonomy's
    keywords of each category, unless `keywords` gives others)."""

    model_id = "keyword-baseline"

    def __init__(self, labels=DEFAULT_LABELS, keywords=None):
        self.labels = labels
        self.keywords = keywords

    def fit(self, X=None, Y=None):
        keywords = self.keywords or load_taxonomy().keywords()
        missing = [lab for lab in self.labels if not keywords.get(lab)]
        if missing:
            raise ValueError(f"no keywords for {', '.join(missing)}")
        self.patterns_ = [re.compile("|".join(re.escape(k) for k in keywords[lab]), re.IGNORECASE)
                          for lab in self.labels]
        self.thresholds_ = np.full(len(self.labels), 0.5)
        return self

    def predict_proba(self, X) -> np.ndarray:
        if not hasattr(self, "patterns_"):
            self.fit()
        return np.array([[1.0 if p.search(str(t)) else 0.0 for p in self.patterns_] for t in X])

    def decide(self, proba: np.ndarray) -> np.ndarray:
        return (proba >= self.thresholds_).astype(int)

    def predict(self, X) -> np.ndarray:
        return self.decide(self.predict_proba(X))

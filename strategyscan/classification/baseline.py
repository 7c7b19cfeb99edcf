"""A keyword dictionary: the method analysts use today, kept as the baseline to beat."""

from __future__ import annotations

import re

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

KEYWORDS: dict[str, list[str]] = {
    "capacity_building": [
        "capacity building", "capacity-building", "training", "skills", "workforce", "education", "awareness",
        "curricul", "cert", "csirt", "incident response team", "research and development", "public-private",
        "partnership", "legal framework", "legislation", "standards", "certification", "critical infrastructure",
    ],
    "cbm": [
        "confidence-building", "confidence building", "point of contact", "points of contact", "hotline",
        "transparency", "osce", "asean regional forum", "dialogue", "information exchange",
        "exchange of information", "crisis communication", "predictability", "misperception", "escalation",
    ],
    "norms": [
        "norms", "international law", "un charter", "charter of the united nations", "gge", "oewg",
        "budapest convention", "convention on cybercrime", "tallinn manual", "humanitarian law",
        "human rights", "responsible state behaviour", "responsible state behavior", "multi-stakeholder",
        "multistakeholder", "open, free", "internet governance",
    ],
    "deterrence": [
        "deter", "retaliat", "offensive", "military", "armed forces", "cyber command", "cyber force",
        "attribution", "attribute", "sanction", "self-defence", "self-defense", "use of force", "nato",
        "collective defence", "impose costs", "consequences",
    ],
    "sovereignty": [
        "sovereignty", "sovereign", "information space", "non-interference", "internal affairs",
        "data localisation", "data localization", "national internet", "independence", "indigenous",
        "domestic products", "trusted national", "import substitution", "jurisdiction",
    ],
}


class KeywordBaseline(ClassifierMixin, BaseEstimator):
    """Label a passage with every category one of whose keywords it contains."""

    def __init__(self, labels=tuple(KEYWORDS)):
        self.labels = labels

    def fit(self, X=None, Y=None):
        self.patterns_ = [re.compile("|".join(re.escape(k) for k in KEYWORDS[lab]), re.IGNORECASE)
                          for lab in self.labels]
        self.thresholds_ = np.full(len(self.labels), 0.5)
        return self

    def predict_proba(self, X) -> np.ndarray:
        if not hasattr(self, "patterns_"):
            self.fit()
        return np.array([[1.0 if p.search(str(t)) else 0.0 for p in self.patterns_] for t in X])

    def predict(self, X) -> np.ndarray:
        return (self.predict_proba(X) >= 0.5).astype(int)

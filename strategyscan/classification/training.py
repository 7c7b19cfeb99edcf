"""Training: cross-validated thresholds and metrics, and a card that says what the model is."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import platform
from dataclasses import dataclass
from importlib import metadata as _md

import numpy as np
from sklearn.model_selection import KFold

from .features import TextNormaliser
from .labelled import LabelledPassage, label_matrix
from .metrics import Report, report
from .model import PassageClassifier
from .normalise import NORMALISER_VERSION
from .taxonomy import Taxonomy, load_taxonomy

THRESHOLD_GRID = np.round(np.arange(0.15, 0.80, 0.05), 2)
LIBRARIES = ("scikit-learn", "spacy-lookups-data", "skops", "numpy", "scipy")


@dataclass
class Trained:
    model: PassageClassifier
    card: dict
    cv: Report


def data_hash(items: list[LabelledPassage]) -> str:
    digest = hashlib.sha256()
    for it in sorted(items, key=lambda i: i.text):
        digest.update(it.text.encode())
        digest.update(("|".join(sorted(it.labels)) + "\n").encode())
    return digest.hexdigest()[:16]


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for lib in LIBRARIES:
        try:
            out[lib] = _md.version(lib)
        except _md.PackageNotFoundError:
            out[lib] = "absent"
    return out


def tune_thresholds(Y: np.ndarray, proba: np.ndarray) -> np.ndarray:
    """Per label, the threshold that maximises F1 on out-of-fold probabilities."""
    best = []
    for j in range(Y.shape[1]):
        scores = []
        for t in THRESHOLD_GRID:
            pred = proba[:, j] >= t
            tp = int((pred & (Y[:, j] == 1)).sum())
            scores.append(2 * tp / max(1, int(pred.sum() + Y[:, j].sum())))
        best.append(float(THRESHOLD_GRID[int(np.argmax(scores))]))
    return np.array(best)


def cross_validate(model: PassageClassifier, normalised: list[str], Y: np.ndarray, folds: int = 5,
                   seed: int = 0) -> np.ndarray:
    """Out-of-fold probabilities for every passage."""
    proba = np.zeros(Y.shape, dtype=float)
    for train_idx, test_idx in KFold(folds, shuffle=True, random_state=seed).split(normalised):
        fold = PassageClassifier(**model.get_params()).fit_normalised([normalised[i] for i in train_idx],
                                                                      Y[train_idx])
        proba[test_idx] = fold.predict_proba_normalised([normalised[i] for i in test_idx])
    return proba


def train(items: list[LabelledPassage], taxonomy: Taxonomy | None = None, folds: int = 5,
          **params) -> Trained:
    """Fit on all passages; thresholds and the reported metrics come from k-fold CV."""
    taxonomy = taxonomy or load_taxonomy()
    labels = taxonomy.labels
    if folds < 2:
        raise ValueError("folds must be at least 2")
    Y = label_matrix(items, labels)
    for j, label in enumerate(labels):
        if Y[:, j].sum() < folds:
            raise ValueError(f"label {label!r} has {int(Y[:, j].sum())} positive passages; need at least {folds}")
    texts = [it.text for it in items]
    normalised = TextNormaliser().transform(texts)
    model = PassageClassifier(labels=tuple(labels), **params)
    oof = cross_validate(model, normalised, Y, folds)
    thresholds = tune_thresholds(Y, oof)
    cv = report(Y, (oof >= thresholds).astype(int), labels)
    model.thresholds_ = thresholds
    model.fit_normalised(normalised, Y)

    dhash = data_hash(items)
    vers = versions()
    model_params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in model.get_params().items()}
    ident = json.dumps([dhash, model_params, vers, folds, NORMALISER_VERSION], sort_keys=True)
    card = {
        "model_id": "ss-" + hashlib.sha256(ident.encode()).hexdigest()[:12],
        "estimator": "PassageClassifier (masked lookup lemmas -> word TF-IDF + codebook concepts -> logistic "
                     "regression per label)",
        "normaliser": NORMALISER_VERSION,
        "taxonomy": taxonomy.to_dict(),
        "labels": labels,
        "thresholds": dict(zip(labels, map(float, thresholds))),
        "training_data": {"hash": dhash, "passages": len(items),
                          "per_label": {lab: int(Y[:, j].sum()) for j, lab in enumerate(labels)},
                          "no_label": int((Y.sum(1) == 0).sum())},
        "parameters": model_params,
        "cross_validation": {"folds": folds, "note": "out-of-fold predictions at the tuned thresholds "
                             "(tuned on the same predictions, so slightly optimistic)", **cv.to_dict()},
        "versions": vers,
        "created": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
    }
    return Trained(model, card, cv)

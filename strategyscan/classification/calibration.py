"""Calibration and thresholds from out-of-fold scores, with folds that never split a document.

The estimator learns both inside `fit` (scikit-learn's rule: a fit owes nothing to earlier fits,
so a clone refitted on the same data decides the same way); model selection uses the same
functions on candidate settings without the final fit.
"""

from __future__ import annotations

import numpy as np

from .scorer import platt

THRESHOLD_GRID = np.round(np.arange(0.10, 0.81, 0.025), 3)


def grouped_folds(groups: np.ndarray, folds: int, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, test) index pairs; the passages of one document share a fold."""
    from sklearn.model_selection import GroupKFold

    n_groups = len(set(groups))
    if n_groups < folds:
        raise ValueError(f"{n_groups} documents cannot fill {folds} folds")
    splitter = GroupKFold(folds, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(groups)), groups=groups))


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


def fit_platt(scores: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """(n_labels, 2): a, b of sigmoid(a * score + b) fitted to out-of-fold scores (Platt, 1999)."""
    from sklearn.linear_model import LogisticRegression

    out = []
    for j in range(Y.shape[1]):
        lr = LogisticRegression(C=1e4, max_iter=1000).fit(scores[:, [j]], Y[:, j])
        out.append([float(lr.coef_[0, 0]), float(lr.intercept_[0])])
    return np.array(out)


def check_masks(masks, Y: np.ndarray, labels) -> np.ndarray:
    """`calibrate_on` as (n, n_labels) booleans: one column for all labels, or one per label;
    each label's passages must hold positives and negatives, or nothing can be fitted there."""
    n, k = Y.shape
    masks = np.ones((n, k), dtype=bool) if masks is None else np.asarray(masks, dtype=bool)
    if masks.shape == (n,):
        masks = np.tile(masks[:, None], (1, k))
    if masks.shape != (n, k):
        raise ValueError(f"calibrate_on must be {n} booleans or ({n}, {k}), got shape {masks.shape}")
    for j in range(k):
        held = Y[masks[:, j], j]
        if held.min(initial=1) == held.max(initial=0):
            raise ValueError(f"calibrate_on leaves label {labels[j]!r} without both positive and negative passages")
    return masks


def fit_calibration(scores: np.ndarray, Y: np.ndarray, masks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(calibration (n_labels, 2), thresholds (n_labels,)), each label fitted on its `masks` passages."""
    calibration = np.vstack([fit_platt(scores[masks[:, j]][:, [j]], Y[masks[:, j]][:, [j]])
                             for j in range(Y.shape[1])])
    thresholds = np.array([tune_thresholds(Y[masks[:, j]][:, [j]], platt(scores[masks[:, j]][:, [j]],
                                                                         calibration[[j]]))[0]
                           for j in range(Y.shape[1])])
    return calibration, thresholds

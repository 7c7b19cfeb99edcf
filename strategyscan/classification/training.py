"""Training: document-grouped cross-validation, calibration, thresholds, and a card that says what
the model is.

Real strategy passages come in documents, and passages of one document resemble each other far
more than passages of two: a fold that holds half a document flatters the model. Folds here are
grouped by document (`LabelledPassage.group`; a passage without one is its own group).

Calibration, thresholds and the figures that choose anything are measured on the passages that
look like what users tag: real passages drawn at random (`draw == "random"`), where they hold
enough positives of every label. Passages that active learning picked sit near the decision
boundary on purpose; they teach the model, but a calibration fitted on them would be wrong for
a whole document. Failing that, all real passages; failing that, all passages.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import platform
from dataclasses import dataclass
from importlib import metadata as _md

import numpy as np

from .features import TextNormaliser
from .labelled import LabelledPassage, label_matrix
from .metrics import Report, report
from .model import PassageClassifier
from .normalise import NORMALISER_VERSION
from .scorer import platt
from .share_errors import share_errors
from .taxonomy import Taxonomy, load_taxonomy

THRESHOLD_GRID = np.round(np.arange(0.10, 0.81, 0.025), 3)
LIBRARIES = ("scikit-learn", "spacy-lookups-data", "skops", "numpy", "scipy")
MIN_REAL_POSITIVES = 15  # per label, for calibration and thresholds to be fitted on these passages alone


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


def groups_of(items: list[LabelledPassage]) -> np.ndarray:
    """The document of each passage; one without a document is a group of its own."""
    return np.array([it.group or f"#{i}" for i, it in enumerate(items)], dtype=object)


def is_real(items: list[LabelledPassage]) -> np.ndarray:
    return np.array([bool(it.group) for it in items])


RANDOM_DRAW = "random"


def representative(items: list[LabelledPassage], Y: np.ndarray) -> tuple[np.ndarray, str]:
    """The passages to calibrate, threshold and measure on, and what they are."""
    real = is_real(items)
    drawn = real & np.array([it.draw == RANDOM_DRAW for it in items])
    for mask, name in ((drawn, "real passages drawn at random"), (real, "real passages")):
        if mask.any() and all(Y[mask, j].sum() >= MIN_REAL_POSITIVES and (Y[mask, j] == 0).any()
                              for j in range(Y.shape[1])):
            return mask, name
    return np.ones(len(items), dtype=bool), "all passages"


def label_masks(items: list[LabelledPassage], Y: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """(n, n_labels): per label, the passages that calibrate it. Where `mask` fell back to all
    passages but the real random draws hold enough positives of a label (the common label of a
    language with little real text), that label is calibrated on the real draws alone: the
    hand-written passages are far richer in positives than a real document."""
    masks = np.tile(mask[:, None], (1, Y.shape[1]))
    drawn = is_real(items) & np.array([it.draw == RANDOM_DRAW for it in items])
    if mask.all() and drawn.any():
        for j in range(Y.shape[1]):
            if Y[drawn, j].sum() >= MIN_REAL_POSITIVES and (Y[drawn, j] == 0).any():
                masks[:, j] = drawn
    return masks


def weights_of(items: list[LabelledPassage], written_weight: float) -> np.ndarray:
    """Real passages weigh 1; hand-written ones `written_weight`."""
    if not (isinstance(written_weight, (int, float)) and written_weight > 0):
        raise ValueError(f"written_weight must be a positive number, got {written_weight!r}")
    return np.where(is_real(items), 1.0, float(written_weight))


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


def grouped_folds(groups: np.ndarray, folds: int, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import GroupKFold

    n_groups = len(set(groups))
    if n_groups < folds:
        raise ValueError(f"{n_groups} documents cannot fill {folds} folds")
    splitter = GroupKFold(folds, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(groups)), groups=groups))


def cross_validate(model: PassageClassifier, normalised: list[str], Y: np.ndarray, groups: np.ndarray,
                   weights: np.ndarray | None = None, folds: int = 5, seed: int = 0) -> np.ndarray:
    """Out-of-fold raw scores for every passage; no document is split between folds."""
    scores = np.zeros(Y.shape, dtype=float)
    for train_idx, test_idx in grouped_folds(groups, folds, seed):
        fold = PassageClassifier(**model.get_params()).fit_normalised(
            [normalised[i] for i in train_idx], Y[train_idx], None if weights is None else weights[train_idx])
        scores[test_idx] = fold.decision_function_normalised([normalised[i] for i in test_idx])
    return scores


@dataclass(frozen=True)
class CrossValidated:
    """What one setting scores under grouped CV, on the passages that choose (see `representative`)."""
    calibration: np.ndarray
    thresholds: np.ndarray
    report: Report
    on: str
    brier: dict[str, float]
    proba: np.ndarray  # calibrated out-of-fold probabilities of the `measured` passages
    measured: np.ndarray  # which passages the figures are on


def assess(scores: np.ndarray, Y: np.ndarray, measured: np.ndarray, on: str, labels: list[str],
           masks: np.ndarray | None = None) -> CrossValidated:
    """Calibrate and threshold out-of-fold scores per label on its `masks` passages (the
    `measured` ones where not given), and report them on the `measured` passages."""
    masks = np.tile(measured[:, None], (1, len(labels))) if masks is None else masks
    calibration = np.vstack([fit_platt(scores[masks[:, j]][:, [j]], Y[masks[:, j]][:, [j]])
                             for j in range(len(labels))])
    thresholds = np.array([tune_thresholds(Y[masks[:, j]][:, [j]], platt(scores[masks[:, j]][:, [j]],
                                                                         calibration[[j]]))[0]
                           for j in range(len(labels))])
    proba = platt(scores[measured], calibration)
    rep = report(Y[measured], (proba >= thresholds).astype(int), labels)
    brier = {lab: round(float(np.mean((proba[:, j] - Y[measured, j]) ** 2)), 4) for j, lab in enumerate(labels)}
    return CrossValidated(calibration, thresholds, rep, on, brier, proba, measured)


def cross_validated(items: list[LabelledPassage], scores: np.ndarray, Y: np.ndarray,
                    labels: list[str]) -> CrossValidated:
    """`assess` on the passages `representative` picks, with `label_masks` for calibration. Where
    those are all passages (real text lacking positives of some label), the figures are still
    reported on the real passages drawn at random: they are what users tag."""
    mask, on = representative(items, Y)
    masks = label_masks(items, Y, mask)
    own = [lab for j, lab in enumerate(labels) if not (masks[:, j] == mask).all()]
    if not own:
        return assess(scores, Y, mask, on, labels)
    on = (f"real passages drawn at random (calibrated and thresholded there for {', '.join(own)}; "
          "for the other labels, which they hold too few of, on all passages)")
    return assess(scores, Y, masks[:, labels.index(own[0])], on, labels, masks)


def train(items: list[LabelledPassage], taxonomy: Taxonomy | None = None, folds: int = 5,
          written_weight: float = 1.0, provenance: dict | None = None, **params) -> Trained:
    """Fit on all passages; calibration, thresholds and the reported metrics come from grouped CV.

    `provenance` (what the passages are: counts, the texts' manifest hash) goes into the card.
    """
    taxonomy = taxonomy or load_taxonomy()
    labels = taxonomy.labels
    if not isinstance(folds, int) or folds < 2:
        raise ValueError(f"folds must be a whole number of at least 2, got {folds!r}")
    Y = label_matrix(items, labels)
    for j, label in enumerate(labels):
        if Y[:, j].sum() < folds:
            raise ValueError(f"label {label!r} has {int(Y[:, j].sum())} positive passages; need at least {folds}")
    weights = weights_of(items, written_weight)
    groups, real = groups_of(items), is_real(items)
    model = PassageClassifier(labels=tuple(labels), **params)
    model._validate()
    normalised = TextNormaliser(model.language).transform([it.text for it in items])
    scores = cross_validate(model, normalised, Y, groups, weights, folds)
    cv = cross_validated(items, scores, Y, labels)
    errors = share_errors(items, platt(scores, cv.calibration), Y, cv.thresholds, cv.measured, labels, cv.on)
    model.fit_normalised(normalised, Y, weights)
    model.calibration_ = cv.calibration
    model.thresholds_ = cv.thresholds

    dhash = data_hash(items)
    vers = versions()
    model_params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in model.get_params().items()}
    ident = json.dumps([dhash, model_params, written_weight, vers, folds, NORMALISER_VERSION], sort_keys=True)
    card = {
        "model_id": "ss-" + hashlib.sha256(ident.encode()).hexdigest()[:12],
        "estimator": "PassageClassifier (masked lookup lemmas -> word TF-IDF + codebook concepts -> logistic "
                     "regression per label -> Platt calibration)",
        "normaliser": NORMALISER_VERSION,
        "language": model.language,
        "taxonomy": taxonomy.to_dict(),
        "labels": labels,
        "thresholds": dict(zip(labels, map(float, cv.thresholds))),
        "calibration": {lab: {"a": round(float(a), 6), "b": round(float(b), 6)}
                        for lab, (a, b) in zip(labels, cv.calibration)},
        "training_data": {"hash": dhash, "passages": len(items), "real": int(real.sum()),
                          "hand_written": int((~real).sum()), "documents": len(set(groups[real])),
                          "written_weight": written_weight,
                          "per_label": {lab: int(Y[:, j].sum()) for j, lab in enumerate(labels)},
                          "no_label": int((Y.sum(1) == 0).sum()), **(provenance or {})},
        "parameters": model_params,
        "cross_validation": {"folds": folds, "grouped_by": "document", "measured_on": cv.on,
                             "note": "out-of-fold predictions, calibrated and thresholded on the same "
                                     "predictions (slightly optimistic)", "brier": cv.brier, **cv.report.to_dict()},
        "share_errors": errors.to_dict(),
        "versions": vers,
        "created": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
    }
    return Trained(model, card, cv.report)

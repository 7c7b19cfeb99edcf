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

from .calibration import fit_calibration
from .features import TextNormaliser
from .labelled import LabelledPassage, label_matrix
from .metrics import Report, report
from .model import PassageClassifier
from .normalise import NORMALISER_VERSION
from .scorer import platt
from .share_errors import share_errors
from .taxonomy import Taxonomy, load_taxonomy

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


@dataclass(frozen=True)
class Plan:
    """Which passages calibrate each label, which ones the figures are on, and what they are."""
    masks: np.ndarray  # (n, n_labels)
    measured: np.ndarray  # (n,)
    on: str


def plan(items: list[LabelledPassage], Y: np.ndarray, labels: list[str]) -> Plan:
    """The passages `representative` picks, with `label_masks` for calibration. Where those are
    all passages (real text lacking positives of some label), the figures are still reported on
    the real passages drawn at random: they are what users tag."""
    mask, on = representative(items, Y)
    masks = label_masks(items, Y, mask)
    own = [lab for j, lab in enumerate(labels) if not (masks[:, j] == mask).all()]
    if not own:
        return Plan(masks, mask, on)
    on = (f"real passages drawn at random (calibrated and thresholded there for {', '.join(own)}; "
          "for the other labels, which they hold too few of, on all passages)")
    return Plan(masks, masks[:, labels.index(own[0])], on)


@dataclass(frozen=True)
class CrossValidated:
    """What one setting scores under grouped CV, on the passages that choose (see `plan`)."""
    calibration: np.ndarray
    thresholds: np.ndarray
    report: Report
    on: str
    brier: dict[str, float]
    proba: np.ndarray  # calibrated out-of-fold probabilities of the `measured` passages
    measured: np.ndarray  # which passages the figures are on


def measure(scores: np.ndarray, Y: np.ndarray, planned: Plan, labels: list[str],
            fitted: tuple[np.ndarray, np.ndarray] | None = None) -> CrossValidated:
    """Out-of-fold scores reported on the planned passages, with the calibration and thresholds
    `fitted` to them (fitted here, as the estimator does, where not given)."""
    calibration, thresholds = fitted or fit_calibration(scores, Y, planned.masks)
    proba = platt(scores[planned.measured], calibration)
    rep = report(Y[planned.measured], (proba >= thresholds).astype(int), labels)
    brier = {lab: round(float(np.mean((proba[:, j] - Y[planned.measured, j]) ** 2)), 4)
             for j, lab in enumerate(labels)}
    return CrossValidated(calibration, thresholds, rep, planned.on, brier, proba, planned.measured)


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
    model = PassageClassifier(labels=tuple(labels), cv=folds, **params)
    model._validate()
    normalised = TextNormaliser(model.language).transform([it.text for it in items])
    planned = plan(items, Y, labels)
    model.fit_normalised(normalised, Y, weights, groups=groups, calibrate_on=planned.masks)
    scores = model.cv_scores_
    cv = measure(scores, Y, planned, labels, (model.calibration_, model.thresholds_))
    errors = share_errors(items, platt(scores, cv.calibration), Y, cv.thresholds, cv.measured, labels, cv.on)

    dhash = data_hash(items)
    vers = versions()
    # `cv` is `folds`, already in the id: without it, a model retrained on the same data keeps its id
    model_params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in model.get_params().items() if k != "cv"}
    ident = json.dumps([dhash, model_params, written_weight, vers, folds, NORMALISER_VERSION], sort_keys=True)
    model.model_id_ = "ss-" + hashlib.sha256(ident.encode()).hexdigest()[:12]
    card = {
        "model_id": model.model_id,
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

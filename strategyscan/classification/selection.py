"""Choosing the model's settings by document-grouped cross-validation over `train` documents.

    python -m strategyscan.classification.selection      (make select)

Each candidate is scored on out-of-fold predictions of the real passages drawn at random
(calibrated and thresholded as training does): macro-F1, and the mean error of per-document
shares over the training documents (from those random draws). Settings are searched one at a
time from the current best (coordinate search), which costs a few dozen fits instead of a full
grid. The held-out documents are never
read here. The result, with every candidate's figures, goes to `corpora/model_params.json`,
which `make model` trains with.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass

import numpy as np

from ..outputs import write_text
from .building import PARAMS
from .corpus import base_corpus
from .features import TextNormaliser
from .labelled import LabelledPassage, label_matrix
from .model import PassageClassifier
from .taxonomy import load_taxonomy
from .training import assess, cross_validate, groups_of, representative, weights_of

START = {"written_weight": 1.0, "C": 4.0, "class_weight": "balanced", "concept_weight": 1.0, "min_df": 2,
         "word_ngrams": (1, 2), "learner": "logistic", "use_chars": False}
SEARCH = [
    ("learner", ["logistic", "linear_svm"]),
    ("written_weight", [0.05, 0.15, 0.3, 0.6, 1.0]),
    ("C", [0.2, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0]),
    ("class_weight", ["balanced", None]),
    ("concept_weight", [0.0, 0.5, 1.0, 2.0]),
    ("min_df", [1, 2, 3]),
    ("word_ngrams", [(1, 1), (1, 2), (1, 3)]),
    ("use_chars", [False, True]),
]


@dataclass(frozen=True)
class Scored:
    settings: dict
    macro_f1: float
    micro_f1: float
    per_label: dict[str, float]
    share_error: float  # mean |true - predicted| share over training documents x labels, in points
    seconds: float

    def row(self) -> dict:
        return {"settings": self.settings, "macro_f1": self.macro_f1, "micro_f1": self.micro_f1,
                "per_label_f1": self.per_label, "share_error_points": self.share_error,
                "seconds": round(self.seconds, 1)}


def _share_error(Y: np.ndarray, P: np.ndarray, groups: np.ndarray) -> float:
    errors = [np.abs(Y[groups == g].mean(0) - P[groups == g].mean(0)) for g in set(groups)]
    return round(100 * float(np.mean(errors)), 2)


def score(items: list[LabelledPassage], normalised: list[str], settings: dict, folds: int = 5) -> Scored:
    start = time.perf_counter()
    labels = load_taxonomy().labels
    Y = label_matrix(items, labels)
    params = {k: v for k, v in settings.items() if k != "written_weight"}
    model = PassageClassifier(labels=tuple(labels), **params)
    scores = cross_validate(model, normalised, Y, groups_of(items), weights_of(items, settings["written_weight"]),
                            folds)
    mask, on = representative(items, Y)
    cv = assess(scores, Y, mask, on, labels)
    share = _share_error(Y[mask], (cv.proba >= cv.thresholds).astype(int), groups_of(items)[mask])
    return Scored(dict(settings), cv.report.macro_f1, cv.report.micro_f1,
                  {m.label: m.f1 for m in cv.report.labels}, share, time.perf_counter() - start)


def shippable(settings: dict) -> str:
    """Why settings cannot be shipped however well they score, or '' if they can.

    Tagging must stay fast (10,000 passages/s on 2 workers, model load under 1 s): the fast
    scorer cannot tag character n-grams, and keeping every word pair seen once (min_df=1)
    triples the vocabulary and the scorer's load time (measured: 1.5 s against 0.5 s).
    """
    if settings.get("use_chars"):
        return "character n-grams: the fast scorer cannot tag them"
    if settings.get("min_df", 2) < 2:
        return "min_df=1: the vocabulary triples and the scorer no longer loads in under 1 s"
    return ""


def select(folds: int = 5, say=print) -> dict:
    corpus = base_corpus()
    if not corpus.real:
        raise SystemExit(f"model selection needs the real-sentence corpus: {corpus.note}")
    items = corpus.items
    normalised = TextNormaliser().transform([it.text for it in items])
    say(f"{corpus.note}; {folds}-fold CV grouped by document")
    best = score(items, normalised, START, folds)
    tried = [best]
    say(f"start {best.settings}: macro-F1 {best.macro_f1:.4f}, share error {best.share_error:.2f}")
    for name, values in SEARCH:
        for value in values:
            if best.settings[name] == value:
                continue
            cand = score(items, normalised, {**best.settings, name: value}, folds)
            tried.append(cand)
            say(f"  {name}={value!r}: macro-F1 {cand.macro_f1:.4f}, share error {cand.share_error:.2f} "
                f"({cand.seconds:.0f} s)")
            reason = shippable(cand.settings)
            if reason:
                say(f"    not shipped: {reason}")
            elif cand.macro_f1 > best.macro_f1 + 0.002:
                best = cand
        say(f"-> {name}={best.settings[name]!r}")
    result = {
        "chosen": best.settings,
        "criterion": "macro-F1 of out-of-fold predictions on the real passages of train documents drawn at "
                     "random (folds grouped by document, calibrated and thresholded as training does); a change "
                     "is kept if it adds more than 0.002; settings that would slow tagging (character n-grams, "
                     "min_df=1) are reported but not shipped",
        "folds": folds, "passages": len(items), "real": len(corpus.real), "hand_written": len(corpus.written),
        "texts_manifest_sha256": corpus.manifest,
        "best": best.row(), "candidates": [t.row() for t in tried],
    }
    write_text(PARAMS, json.dumps(result, indent=2) + "\n")
    say(f"chosen: {best.settings} -> {PARAMS}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    select(parser.parse_args().folds)


if __name__ == "__main__":
    main()

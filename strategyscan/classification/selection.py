"""Choosing the model's settings by document-grouped cross-validation over `train` documents.

    python -m strategyscan.classification.selection [--language fr]     (make select)

Each candidate is scored on out-of-fold predictions of the real passages drawn at random
(calibrated and thresholded as training does): macro-F1, and the mean error of per-document
shares over the training documents (from those random draws). Settings are searched one at a
time from the current best (coordinate search), which costs a few dozen fits instead of a full
grid. The held-out documents are never
read here. The result, with every candidate's figures, goes to `corpora/model_params.json`
(`model_params.LANG.json` for another language), which `make model` trains with. Languages whose
real text rarely carries the minority categories are chosen by micro-F1: their macro-F1 would
be decided by a handful of passages.
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
from .languages import LANGUAGES
from .model import PassageClassifier, out_of_fold
from .taxonomy import load_taxonomy
from .training import groups_of, measure, plan, weights_of

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


def score(items: list[LabelledPassage], normalised: list[str], settings: dict, folds: int = 5,
          language: str = "en") -> Scored:
    start = time.perf_counter()
    labels = load_taxonomy().labels
    Y = label_matrix(items, labels)
    params = {k: v for k, v in settings.items() if k != "written_weight"}
    model = PassageClassifier(labels=tuple(labels), language=language, **params)
    scores = out_of_fold(model, normalised, Y, groups_of(items), weights_of(items, settings["written_weight"]),
                         folds)
    cv = measure(scores, Y, plan(items, Y, labels), labels)
    mask = cv.measured
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


def select(folds: int = 5, language: str = "en", say=print) -> dict:
    if language not in LANGUAGES:
        raise SystemExit(f"no models for language {language!r}; languages: {', '.join(LANGUAGES)}")
    corpus = base_corpus(language=language)
    if not corpus.real:
        raise SystemExit(f"model selection needs the real-sentence corpus: {corpus.note}")
    items = corpus.items
    normalised = TextNormaliser(language).transform([it.text for it in items])
    metric = "macro_f1" if language == "en" else "micro_f1"
    say(f"{corpus.note}; {folds}-fold CV grouped by document; choosing by {metric}")
    best = score(items, normalised, START, folds, language)
    tried = [best]
    say(f"start {best.settings}: {metric} {getattr(best, metric):.4f}, share error {best.share_error:.2f}")
    for name, values in SEARCH:
        for value in values:
            if best.settings[name] == value:
                continue
            cand = score(items, normalised, {**best.settings, name: value}, folds, language)
            tried.append(cand)
            say(f"  {name}={value!r}: {metric} {getattr(cand, metric):.4f}, share error {cand.share_error:.2f} "
                f"({cand.seconds:.0f} s)")
            reason = shippable(cand.settings)
            if reason:
                say(f"    not shipped: {reason}")
            elif getattr(cand, metric) > getattr(best, metric) + 0.002:
                best = cand
        say(f"-> {name}={best.settings[name]!r}")
    target = PARAMS if language == "en" else PARAMS.with_name(f"model_params.{language}.json")
    result = {
        "chosen": best.settings,
        "criterion": f"{metric.replace('_', '-').replace('f1', 'F1')} of out-of-fold predictions on the real "
                     "passages of train documents drawn at random (folds grouped by document, calibrated and "
                     "thresholded as training does; where the real draws lack positives of a label, on all "
                     "passages); a change is kept if it adds more than 0.002; settings that would slow tagging "
                     "(character n-grams, min_df=1) are reported but not shipped",
        "language": language, "folds": folds, "passages": len(items), "real": len(corpus.real),
        "hand_written": len(corpus.written), "texts_manifest_sha256": corpus.manifest,
        "best": best.row(), "candidates": [t.row() for t in tried],
    }
    write_text(target, json.dumps(result, indent=2) + "\n")
    say(f"chosen: {best.settings} -> {target}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--language", default="en", choices=LANGUAGES)
    args = parser.parse_args()
    select(args.folds, args.language)


if __name__ == "__main__":
    main()

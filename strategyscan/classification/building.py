"""Building and checking models: what `strategyscan train` and `evaluate` do, as functions.

`build` joins the user's passages to the shipped corpora (hand-written, and real where the
strategy texts are present, saying so either way), trains with the settings that grouped
cross-validation chose (`corpora/model_params.json`) and writes a model folder. `assess_model`
scores a model on human labels and, where documents were labelled completely, on their shares.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..paths import CORPORA
from .corpus import base_corpus
from .evaluation import ShareReport, evaluate, shares
from .labelled import LabelledPassage, read_labelled
from .languages import LANGUAGES
from .metrics import Report
from .persistence import load_model, load_model_set, save_model
from .realtext import SharedDataMissing, load_real
from .training import Trained, train

PARAMS = CORPORA / "model_params.json"
_ALLOWED = {"C", "class_weight", "concept_weight", "word_ngrams", "min_df", "stop_words", "use_chars",
            "char_ngrams", "written_weight", "learner"}


def params_file(language: str = "en") -> Path:
    """The settings cross-validation chose for a language's model (`model_params.LANG.json`),
    else the English model's."""
    own = CORPORA / f"model_params.{language}.json"
    return own if language != "en" and own.is_file() else PARAMS


def read_params(path: str | Path | None = None) -> dict:
    """The model settings to train with: `chosen` of a selection file (or a flat JSON object)."""
    path = Path(path or PARAMS)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"parameters file not found: {path}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not valid JSON ({exc})") from None
    chosen = data.get("chosen", data) if isinstance(data, dict) else None
    if not isinstance(chosen, dict):
        raise ValueError(f"{path}: expected a JSON object of model settings")
    unknown = set(chosen) - _ALLOWED
    if unknown:
        raise ValueError(f"{path}: unknown setting(s) {', '.join(sorted(unknown))}; "
                         f"allowed: {', '.join(sorted(_ALLOWED))}")
    return chosen


def build(labelled: list[Path], out: str | Path, *, base: bool = True, real: bool = True,
          texts: str | Path | None = None, params: str | Path | None = None, folds: int = 5,
          heldout: bool = False, language: str = "en", say: Callable[[str], None] = print) -> Trained:
    """Train and save a model folder for `language` (its passages: the user's, the shipped
    hand-written and real ones in that language); with `heldout`, score it once on the language's
    real-text test set (held-out documents) and record that in its card."""
    if language not in LANGUAGES:
        raise ValueError(f"no models for language {language!r}; languages: {', '.join(LANGUAGES)}")
    settings = {**read_params(params or params_file(language)), "language": language}
    unlabelled: dict[str, int] = {}
    items: list[LabelledPassage] = read_labelled(labelled, unlabelled=unlabelled) if labelled else []
    for path, count in unlabelled.items():
        say(f"{path}: {count} row(s) still marked '?' (not labelled yet) were skipped")
    provenance: dict = {"user_passages": len(items)}
    if base:
        corpus = base_corpus(texts, real=real, language=language)
        say(corpus.note)
        known = {it.text for it in items}
        items = [*items, *(it for it in corpus.items if it.text not in known)]
        provenance.update({"hand_written_corpus": len(corpus.written), "real_corpus": len(corpus.real),
                           "texts_manifest_sha256": corpus.manifest})
    if not items:
        raise ValueError("nothing to train on: give labelled CSV files, or drop --no-base")
    say(f"training on {len(items)} passages, {folds}-fold cross-validation grouped by document ...")
    trained = train(items, folds=folds, provenance=provenance, **settings)
    if heldout:
        trained.card["heldout"] = _heldout_record(trained.model, texts, say, language)
    save_model(trained.model, trained.card, out)
    return trained


def _heldout_record(model, texts: str | Path | None, say: Callable[[str], None], language: str = "en") -> dict:
    try:
        items = load_real("test", Path(texts) if texts else None, language)
    except SharedDataMissing as exc:
        say(f"not scored on the held-out documents: {exc}")
        return {"scored": False, "reason": str(exc)}
    rep, share = score_items(items, model)
    worst = share.worst
    shares = (f", share error {share.mean_error_points:.1f} points (worst {worst.error_points:.1f}; from mean "
              f"probabilities {share.mean_expected_error_points:.1f})" if worst else
              " (no completely labelled document: no share error)")
    say(f"held-out documents ({rep.n} passages): macro-F1 {rep.macro_f1:.3f}, micro-F1 {rep.micro_f1:.3f}, "
        f"exact label set {rep.exact_match:.1%}{shares}")
    return {"scored": True, "passages": rep.n, "documents": len({it.group for it in items}),
            "macro_f1": rep.macro_f1, "micro_f1": rep.micro_f1, "exact_match": rep.exact_match,
            "labels": [{"label": m.label, "precision": m.precision, "recall": m.recall, "f1": m.f1,
                        "support": m.support} for m in rep.labels],
            "shares": {k: v for k, v in share.to_dict().items() if k != "cells"}}


@dataclass(frozen=True)
class Assessment:
    source: str
    model_id: str
    report: Report
    shares: ShareReport

    def to_dict(self) -> dict:
        return {"source": self.source, "model_id": self.model_id, **self.report.to_dict(),
                "shares": self.shares.to_dict()}


def assess_model(labelled: str | Path | None, evalset: str | None, *, model: str | Path | None = None,
                 texts: str | Path | None = None, language: str = "en") -> Assessment:
    """Score the `language` model of the set at `model` on a labelled CSV, or on that language's
    shipped real-text test set (`evalset='test'`)."""
    if (labelled is None) == (evalset is None):
        raise ValueError("give either a labelled CSV or --evalset test")
    if evalset is not None and evalset != "test":
        raise ValueError(f"unknown evaluation set {evalset!r}: the shipped one is 'test' (passages of held-out "
                         "documents); training documents are measured by grouped cross-validation instead")
    models = load_model_set(model)
    if language not in models.folders:
        raise ValueError(f"the model has no {language!r} model; it covers {', '.join(models.languages)}")
    est, card = load_model(models.folders[language])
    if evalset is not None:
        try:
            items = load_real("test", Path(texts) if texts else None, language)
        except SharedDataMissing as exc:
            raise ValueError(str(exc)) from None
        source = "real-text test set (held-out documents)"
    else:
        items = read_labelled([labelled])
        source = str(labelled)
    return Assessment(source, card["model_id"], *score_items(items, est))


def score_items(items: list[LabelledPassage], model) -> tuple[Report, ShareReport]:
    """Per-label figures and, on completely labelled documents, shares (labels and mean probabilities)."""
    labels = list(model.labels)
    proba = model.predict_proba([it.text for it in items]) if items else np.zeros((0, len(labels)))
    predicted = model.decide(proba)
    return evaluate(items, model, predicted), shares(items, predicted, labels, proba)


@dataclass(frozen=True)
class LabelExplanation:
    """One label's verdict on a passage and the terms that pushed it up (calibrated score units)."""

    label: str
    probability: float
    threshold: float
    decided: bool
    terms: list[tuple[str, float]]


@dataclass(frozen=True)
class Explanation:
    text: str
    model_id: str
    labels: list[LabelExplanation]


def explain(texts: str | list[str], model: str | Path | None = None, top: int = 6) -> list[Explanation]:
    """For each text, every label's probability, threshold, verdict and top terms, from the
    English model of the set at `model` (default: the shipped one): `strategyscan explain` and
    `tag --explain` print these."""
    if top < 1:
        raise ValueError(f"top must be at least 1, got {top}")
    texts = [texts] if isinstance(texts, str) else list(texts)
    est, card = load_model(model)
    proba = est.predict_proba(texts) if texts else np.zeros((0, len(est.labels)))
    out = []
    for text, row in zip(texts, proba):
        terms = est.explain(text, top=top)
        out.append(Explanation(text, card["model_id"], [
            LabelExplanation(lab, float(p), float(th), bool(p >= th), terms[lab])
            for lab, p, th in zip(est.labels, row, est.thresholds_)]))
    return out

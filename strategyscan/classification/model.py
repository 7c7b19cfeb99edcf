"""The passage classifier: masked lemmas -> TF-IDF -> one logistic regression per category.

A scikit-learn estimator (fit / predict_proba / predict) whose per-label decision thresholds
and probability calibration are part of its state, so a saved model decides exactly as it did
when it was evaluated. With `cv=k`, `fit` learns both from k-fold out-of-fold scores (folds
grouped by document: `fit(X, Y, groups=...)`), on the passages `calibrate_on` names; without it,
thresholds are 0.5 and probabilities uncalibrated. Passages can carry weights
(`fit(X, Y, sample_weight)`): the real strategy sentences and the hand-written corpus do not
teach equally.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from .calibration import check_masks, fit_calibration, grouped_folds
from .features import ConceptFeatures, StopWordFilter, TextNormaliser
from .languages import LANGUAGES
from .scorer import platt
from .taxonomy import load_taxonomy

#: the taxonomy's categories: a model learns every one unless told otherwise
DEFAULT_LABELS = tuple(load_taxonomy().labels)
#: Linear learners, one per label: all give a weight per feature, which the fast scorer reproduces.
LEARNERS = ("logistic", "linear_svm")


class PassageClassifier(ClassifierMixin, BaseEstimator):
    """Multi-label: any number of categories per passage, or none.

    Parameters are validated at `fit`, as scikit-learn does, with messages that name the value.
    """

    language = "en"  # the value of a model saved before there were other languages

    def __init__(self, labels=DEFAULT_LABELS, C=4.0,
                 word_ngrams=(1, 2), char_ngrams=(3, 5), use_chars=False, min_df=2,
                 class_weight="balanced", concept_weight=1.0, concepts=None, stop_words=True, learner="logistic",
                 language="en", cv=None):
        self.labels = labels
        self.C = C
        self.concept_weight = concept_weight
        self.concepts = concepts
        self.stop_words = stop_words
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.use_chars = use_chars
        self.min_df = min_df
        self.class_weight = class_weight
        self.learner = learner
        self.language = language
        self.cv = cv

    # -- construction -------------------------------------------------------------------------
    def _validate(self) -> None:
        if not self.labels or len(set(self.labels)) != len(self.labels):
            raise ValueError(f"labels must be a non-empty list of distinct names, got {self.labels!r}")
        if not (isinstance(self.C, (int, float)) and self.C > 0):
            raise ValueError(f"C must be a positive number, got {self.C!r}")
        for name in ("word_ngrams", "char_ngrams"):
            lo, hi = getattr(self, name)
            if not (1 <= lo <= hi):
                raise ValueError(f"{name} must be (min, max) with 1 <= min <= max, got {getattr(self, name)!r}")
        if not (isinstance(self.concept_weight, (int, float)) and self.concept_weight >= 0):
            raise ValueError(f"concept_weight must be a number >= 0, got {self.concept_weight!r}")
        if self.class_weight not in (None, "balanced"):
            raise ValueError(f"class_weight must be None or 'balanced', got {self.class_weight!r}")
        if self.language not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {self.language!r}")
        if self.learner not in LEARNERS:
            raise ValueError(f"learner must be one of {', '.join(LEARNERS)}, got {self.learner!r}")
        if self.cv is not None and not (isinstance(self.cv, int) and not isinstance(self.cv, bool) and self.cv >= 2):
            raise ValueError(f"cv must be None or a whole number of folds of at least 2, got {self.cv!r}")

    def _vectoriser(self):
        def text_features(vectoriser):
            if not self.stop_words:
                return vectoriser
            return Pipeline([("stop", StopWordFilter(self.language)), ("tfidf", vectoriser)])

        parts = [("words", text_features(TfidfVectorizer(ngram_range=tuple(self.word_ngrams), min_df=self.min_df,
                                                         sublinear_tf=True, token_pattern=r"(?u)\b\w+\b")))]
        if self.use_chars:
            parts.append(("chars", text_features(TfidfVectorizer(
                analyzer="char_wb", ngram_range=tuple(self.char_ngrams), min_df=self.min_df, sublinear_tf=True,
                max_features=150_000))))
        if self.concept_weight:
            parts.append(("concepts", ConceptFeatures(self.concepts, self.concept_weight, self.language)))
        return FeatureUnion(parts)

    def _learner(self):
        if self.learner == "linear_svm":  # squared hinge loss; Platt scaling turns its scores into probabilities
            return LinearSVC(C=self.C, class_weight=self.class_weight, max_iter=5000, random_state=0)
        return LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=2000, solver="liblinear")

    # -- the estimator ------------------------------------------------------------------------
    def fit(self, X, Y, sample_weight=None, groups=None, calibrate_on=None):
        """X: passage texts; Y: (n, n_labels) 0/1 matrix in the order of `labels`.

        With `cv`: `groups` (n,) names each passage's document (none: each passage is its own),
        `calibrate_on` the passages each label's calibration and threshold are fitted on, (n,)
        or (n, n_labels) booleans (none: all).
        """
        self._validate()
        return self.fit_normalised(TextNormaliser(self.language).transform(list(X)), Y, sample_weight,
                                   groups, calibrate_on)

    def fit_normalised(self, normalised: list[str], Y, sample_weight=None, groups=None, calibrate_on=None):
        """`fit` on already normalised text (selection normalises once for many fits).

        Every fit starts afresh: calibration and thresholds come from this fit's folds, or go
        back to none and 0.5 without `cv`. The out-of-fold scores stay as `cv_scores_` (not
        saved with the model: they are the training report's, not the tagger's).
        """
        self._validate()
        Y = np.asarray(Y, dtype=int)
        if Y.ndim != 2 or Y.shape[1] != len(self.labels):
            raise ValueError(f"Y must have one column per label ({len(self.labels)}), got shape {Y.shape}")
        if Y.shape[0] != len(normalised):
            raise ValueError(f"X has {len(normalised)} passages but Y has {Y.shape[0]} rows")
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight, dtype=float)
            if sample_weight.shape != (len(normalised),) or (sample_weight < 0).any():
                raise ValueError(f"sample_weight must be {len(normalised)} numbers >= 0, "
                                 f"got shape {sample_weight.shape}")
        for j, label in enumerate(self.labels):
            if Y[:, j].min() == Y[:, j].max():
                raise ValueError(f"label {label!r} needs both positive and negative examples to learn from")
        self.__dict__.pop("cv_scores_", None)
        self.model_id_ = ""
        if self.cv is None:
            self.calibration_ = np.tile([1.0, 0.0], (len(self.labels), 1))  # identity Platt scaling
            self.thresholds_ = np.full(len(self.labels), 0.5)
        else:
            masks = check_masks(calibrate_on, Y, self.labels)
            groups = np.array([f"#{i}" for i in range(len(Y))] if groups is None else groups, dtype=object)
            if groups.shape != (len(Y),):
                raise ValueError(f"groups must name {len(Y)} documents, got shape {groups.shape}")
            scores = out_of_fold(self, normalised, Y, groups, sample_weight)
            self.calibration_, self.thresholds_ = fit_calibration(scores, Y, masks)
            self.cv_scores_ = scores
        self.normaliser_ = TextNormaliser(self.language)
        self.vectoriser_ = self._vectoriser()
        features = self.vectoriser_.fit_transform(normalised)
        self.estimators_ = [self._learner().fit(features, Y[:, j], sample_weight=sample_weight)
                            for j in range(len(self.labels))]
        self.classes_ = np.array(self.labels)
        return self

    def __getstate__(self):
        state = dict(super().__getstate__())  # object.__getstate__ hands out the live __dict__
        state.pop("cv_scores_", None)
        return state

    @property
    def model_id(self) -> str:
        """The card's id once `training.train` has named the model by its data and settings;
        '' for a model fitted directly."""
        return getattr(self, "model_id_", "")

    def decision_function_normalised(self, normalised: list[str]) -> np.ndarray:
        """Raw linear scores, before calibration: (n, n_labels)."""
        features = self.vectoriser_.transform(normalised)
        return np.column_stack([e.decision_function(features) for e in self.estimators_])

    def calibrate(self, scores: np.ndarray) -> np.ndarray:
        """Platt scaling per label: sigmoid(a * score + b), fitted on out-of-fold scores."""
        return platt(scores, self.calibration_)

    def predict_proba_normalised(self, normalised: list[str]) -> np.ndarray:
        return self.calibrate(self.decision_function_normalised(normalised))

    def predict_proba(self, X) -> np.ndarray:
        """(n, n_labels) probabilities, one independent probability per category."""
        return self.predict_proba_normalised(self.normaliser_.transform(list(X)))

    def decide(self, proba: np.ndarray) -> np.ndarray:
        return (proba >= self.thresholds_).astype(int)

    def linear_parts(self):
        """(word TF-IDF vectoriser, concept features or None, stop words dropped first): what a
        linear scorer needs to reproduce the fitted model, named here, where the layout is built."""
        parts = dict(self.vectoriser_.transformer_list)
        words = parts["words"]
        stop_words = hasattr(words, "named_steps")
        return (words.named_steps["tfidf"] if stop_words else words), parts.get("concepts"), stop_words

    def to_scorer(self):
        """The fast numpy scorer with this model's numbers (NotScorable for character n-grams)."""
        from .scorer import LinearScorer

        return LinearScorer.from_classifier(self)

    def predict(self, X) -> np.ndarray:
        return self.decide(self.predict_proba(X))

    # -- explanations -------------------------------------------------------------------------
    def explain(self, text: str, top: int = 6) -> dict[str, list[tuple[str, float]]]:
        """For each label, the features of `text` that pushed its score up the most."""
        normalised = self.normaliser_.transform([text])
        vec = self.vectoriser_.transform(normalised).tocsr()
        names = self.vectoriser_.get_feature_names_out()
        out: dict[str, list[tuple[str, float]]] = {}
        # words and concepts: character n-grams score too, but "mpo" explains nothing to a reader
        words = np.array([n.startswith(("words__", "concepts__")) for n in names])
        for j, label in enumerate(self.labels):
            coef = self.estimators_[j].coef_.ravel() * words * self.calibration_[j, 0]
            contrib = vec.multiply(coef).tocsr()
            order = np.argsort(-contrib.data)
            terms = []
            for k in order:
                value = float(contrib.data[k])
                if value <= 0 or len(terms) >= top:
                    break
                terms.append((names[contrib.indices[k]].split("__", 1)[-1], round(value, 4)))
            out[label] = terms
        return out


class _Fold(ClassifierMixin, BaseEstimator):
    """What one fold fits: the classifier on normalised text, without folds of its own."""

    def __init__(self, model=None):
        self.model = model

    def fit(self, normalised, Y, sample_weight=None):
        self.model_ = clone(self.model).set_params(cv=None).fit_normalised(list(normalised), Y, sample_weight)
        self.classes_ = self.model_.classes_
        return self

    def decision_function(self, normalised) -> np.ndarray:
        return self.model_.decision_function_normalised(list(normalised))

    def predict(self, normalised) -> np.ndarray:  # cross_val_predict accepts only estimators that predict
        return self.model_.decide(self.model_.calibrate(self.decision_function(normalised)))


def out_of_fold(model: PassageClassifier, normalised: list[str], Y: np.ndarray, groups: np.ndarray,
                sample_weight: np.ndarray | None = None, folds: int | None = None, seed: int = 0) -> np.ndarray:
    """(n, n_labels) raw scores, each from a fit on the folds without its document
    (`model.cv` folds unless `folds` says)."""
    from sklearn.model_selection import cross_val_predict

    splits = grouped_folds(groups, folds or model.cv, seed)
    params = None if sample_weight is None else {"sample_weight": sample_weight}
    return cross_val_predict(_Fold(model), normalised, np.asarray(Y), cv=splits, method="decision_function",
                             params=params)

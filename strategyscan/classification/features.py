"""The scikit-learn face of `normalise`: transformers a `Pipeline` can hold and skops can save."""

from __future__ import annotations

from sklearn.base import BaseEstimator, TransformerMixin

from .normalise import (
    concept_matcher,
    concepts_in,
    drop_stop_words,
    load_concepts,
    normalise,
)


class StopWordFilter(TransformerMixin, BaseEstimator):
    """Drop function words and placeholders from normalised text (stateless)."""

    language = "en"  # the value of a model saved before there were other languages

    def __init__(self, language="en"):
        self.language = language

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return [drop_stop_words(t, self.language) for t in X]

    def get_feature_names_out(self, input_features=None):
        return input_features  # text in, text out: the vectoriser after it names the features


class TextNormaliser(TransformerMixin, BaseEstimator):
    """Masked lemma strings, ready for a vectoriser. Stateless, so safe to share."""

    language = "en"  # the value of a model saved before there were other languages

    def __init__(self, language="en"):
        self.language = language

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return normalise(X, self.language)


class ConceptFeatures(TransformerMixin, BaseEstimator):
    """One column per codebook concept: does the passage use one of the concept's phrases?

    Phrases go through the same masking and lemmatisation as passages and match at the start of
    a word. The concepts are copied into the fitted model, which stays self-contained.
    """

    language = "en"  # the value of a model saved before there were other languages

    def __init__(self, concepts=None, weight=1.0, language="en"):
        self.concepts = concepts
        self.weight = weight
        self.language = language

    def fit(self, X=None, y=None):
        concepts = self.concepts if self.concepts is not None else load_concepts(language=self.language)
        self.names_ = sorted(concepts)
        self.phrases_ = [sorted({p for p in normalise(concepts[n], self.language) if p}) for n in self.names_]
        return self

    def _matcher(self):
        if "_compiled" not in self.__dict__:
            self.__dict__["_compiled"] = concept_matcher(self.phrases_)
        return self.__dict__["_compiled"]

    def transform(self, X):
        import scipy.sparse as sp

        matcher = self._matcher()
        rows, cols = [], []
        for i, text in enumerate(X):
            found = concepts_in(text, matcher)
            rows.extend([i] * len(found))
            cols.extend(found)
        data = [float(self.weight)] * len(rows)
        return sp.csr_matrix((data, (rows, cols)), shape=(len(X), len(self.names_)))

    def get_feature_names_out(self, input_features=None):
        import numpy as np

        return np.array([f"concept:{n}" for n in self.names_], dtype=object)

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_compiled", None)
        return state

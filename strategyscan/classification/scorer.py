"""A fitted PassageClassifier reduced to its numbers, scored with numpy alone.

Tagging needs only the arithmetic of a linear model over TF-IDF features, but importing
scikit-learn and skops and rebuilding the estimator costs about 2.5 s per process, more than
tagging a 260-page corpus. `LinearScorer` keeps the vocabulary, idf weights, coefficients,
intercepts, calibration, concept phrases and thresholds, and gives the same probabilities (a
test pins this to 1e-9). It is saved beside the estimator as a plain `.npz` (no pickles), so it is as safe to
load as the skops file. Models it cannot express (character n-grams) are tagged by the estimator.

A scorer file may come from someone else: before any array is read, `check_scorer` holds its
members, sizes, dtypes, shapes and meta to what `save` writes (`check_archive` bounds what a zip
unpacks to, here and for the skops file).
"""

from __future__ import annotations

import json
import math
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Annotated

import numpy as np
from pydantic import Field, model_validator

from .card import Label, Language, ModelError, Record, quoted, validated
from .normalise import concept_matcher, concepts_in, drop_stop_words, normalise

SCORER_FILE = "scorer.npz"
FORMAT = 2  # 2: Platt calibration of the raw scores
_TOKEN_RE = re.compile(r"(?u)\b\w+\b")  # the vectoriser's token pattern
_WORD = re.compile(r"\w+")

#: What a model file (scorer.npz, model.skops) may unpack to. The shipped ones unpack to at most
#: 83 MB (the Portuguese scorer: its lemma table) and 61 MB (the English estimator); a zip bomb
#: unpacks a few MB into gigabytes. zipfile never inflates a member past its declared size, so
#: checking the declared sizes bounds what loading can allocate.
MAX_UNPACKED = 256 * 2**20
MAX_NGRAM = 8  # the longest n-gram a scorer may count: each is a pass over every text's tokens

#: The arrays `save` writes: dtype kind (U text, f float) and number of dimensions.
_ARRAYS = {"terms": ("U", 1), "idf": ("f", 1), "coef": ("f", 2), "intercept": ("f", 1), "calibration": ("f", 2),
           "thresholds": ("f", 1), "meta": ("U", 0), "lemma_keys": ("U", 1), "lemma_values": ("U", 1)}
_OPTIONAL = {"lemma_keys", "lemma_values"}  # the lemma table (saved empty for English)
_HEADERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}


class ScorerMeta(Record):
    """The scorer's JSON record, as `save` writes it."""

    format: int
    model_id: Annotated[str, Field(max_length=64)] = ""
    labels: Annotated[list[Label], Field(min_length=1)]
    concepts: list[list[str]]
    concept_weight: float
    stop_words: bool
    ngrams: tuple[int, int]
    language: Language = "en"

    @model_validator(mode="after")
    def _usable(self) -> ScorerMeta:
        if self.format != FORMAT:
            raise ValueError(f"format {self.format}, expected {FORMAT}: saved by another version of strategyscan")
        lo, hi = self.ngrams
        if not 1 <= lo <= hi <= MAX_NGRAM:
            raise ValueError(f"ngrams: not 1 <= {lo} <= {hi} <= {MAX_NGRAM}")
        return self


def check_archive(zf: zipfile.ZipFile, path: Path) -> list[zipfile.ZipInfo]:
    """The members of `zf` (the zip at `path`), refused if they unpack to more than MAX_UNPACKED
    or two share a name (zip readers disagree on which one they read)."""
    members = zf.infolist()
    total = sum(m.file_size for m in members)
    if total > MAX_UNPACKED:
        raise ModelError(f"{path} would unpack to {total / 2**20:,.0f} MB, more than the {MAX_UNPACKED // 2**20} MB "
                         "allowed for a model file (a zip bomb?)")
    twice = sorted(n for n, k in Counter(m.filename for m in members).items() if k > 1)
    if twice:
        raise ModelError(f"{path} holds more than one member named {quoted(twice[0])}")
    return members


def _shapes(zf: zipfile.ZipFile, path: Path) -> dict[str, tuple[int, ...]]:
    """Each array's shape from its .npy header, once its name, dtype and size are a scorer's."""
    shapes: dict[str, tuple[int, ...]] = {}
    for member in check_archive(zf, path):
        name = member.filename.removesuffix(".npy")
        if name not in _ARRAYS or not member.filename.endswith(".npy"):
            raise ModelError(f"{path} has a member {quoted(member.filename)} that a scorer does not")
        with zf.open(member) as npy:
            read = _HEADERS.get(np.lib.format.read_magic(npy))
            if read is None:
                raise ModelError(f"{path}: {member.filename} is not in a .npy format version scorers use")
            shape, _, dtype = read(npy)
            data = member.file_size - npy.tell()
        kind, rank = _ARRAYS[name]
        if dtype.kind != kind or len(shape) != rank:
            raise ModelError(f"{path}: {member.filename} should hold {rank}-dimensional "
                             f"{'text' if kind == 'U' else 'floats'}, not {len(shape)}-dimensional {dtype.str}")
        if dtype.itemsize * math.prod(shape) != data:
            raise ModelError(f"{path}: {member.filename} declares {shape} {dtype.str} but holds {data} bytes")
        shapes[name] = shape
    missing = sorted(set(_ARRAYS) - _OPTIONAL - set(shapes))
    if missing or len(_OPTIONAL & set(shapes)) == 1:
        raise ModelError(f"{path} is not a scorer: it lacks {', '.join(missing) or 'half of the lemma table'}")
    return shapes


def check_scorer(path: Path, fh: IO[bytes]) -> ScorerMeta:
    """The meta of the scorer in `fh` (opened from `path`), once its arrays fit together; only
    the arrays' headers and the meta are read, so it is cheap enough to run before tagging."""
    with zipfile.ZipFile(fh) as zf:
        shapes = _shapes(zf, path)
        with zf.open("meta.npy") as npy:
            text = str(np.lib.format.read_array(npy, allow_pickle=False))
    meta = validated(ScorerMeta, text, path, "scorer")
    terms, labels = shapes["terms"][0], len(meta.labels)
    expected = {"idf": (terms,), "coef": (terms + len(meta.concepts), labels), "intercept": (labels,),
                "thresholds": (labels,), "calibration": (labels, 2),
                "lemma_values": shapes.get("lemma_keys")}
    for name, shape in expected.items():
        if shapes.get(name) != shape:
            raise ModelError(f"{path}: {name}.npy has shape {shapes.get(name)}, not {shape} as {terms} terms, "
                             f"{len(meta.concepts)} concepts and {labels} labels need")
    return meta


def platt(scores: np.ndarray, calibration: np.ndarray) -> np.ndarray:
    """Calibrated probabilities: sigmoid(a * score + b) per label, `calibration` rows (a, b).

    Here, with numpy alone, so that the estimator, training and the scorer share one formula."""
    return 1.0 / (1.0 + np.exp(-(scores * calibration[:, 0] + calibration[:, 1])))


def prune_lemmas(language: str, vocabulary: dict[str, int], phrases: list[list[str]]) -> dict[str, str] | None:
    """The entries of a language's lookup table that can change what the model computes: those
    whose lemma (or word) is a vocabulary token or a stop word, or begins with a concept-phrase token. Any other
    word gives a token the model ignores either way. Saved with the scorer, so tagging neither
    loads the whole table (up to 800,000 entries, a second and 150 MB per worker) nor differs from it
    (a test pins the scorer to the estimator, which uses the whole table)."""
    if language == "en":
        return None
    from .languages import lemma_table, stop_words

    needed = {tok for term in vocabulary for tok in term.split()} | stop_words(language)
    # concept phrases match at a word's start, so a word the phrase token begins counts too
    prefixes = {tok for group in phrases for phrase in group for tok in phrase.split()}

    def counts(word: str) -> bool:
        return word in needed or any(word[:i] in prefixes for i in range(1, len(word) + 1))

    # a lemma of several words or with a hyphen or apostrophe ("au" -> "à le") is kept whole: its parts count
    return {k: v for k, v in lemma_table(language).items() if not _WORD.fullmatch(v) or counts(v) or counts(k)}


class NotScorable(ValueError):
    """The estimator has parts the linear scorer does not reproduce."""


@dataclass
class LinearScorer:
    labels: tuple[str, ...]
    thresholds: np.ndarray  # (n_labels,)
    vocabulary: dict[str, int]  # word and bigram -> feature index
    idf: np.ndarray  # (n_terms,)
    coef: np.ndarray  # (n_terms + n_concepts, n_labels)
    intercept: np.ndarray  # (n_labels,)
    calibration: np.ndarray  # (n_labels, 2): Platt scaling a, b of the raw score
    concepts: list[list[str]]  # normalised phrases per concept column
    concept_weight: float
    stop_words: bool
    ngrams: tuple[int, int]
    language: str = "en"  # the normaliser's language
    lemmas: dict[str, str] | None = None  # non-English: the part of the lookup table the model can see
    model_id: str = ""  # the card's id, so a scorer left beside another model is never used for it
    _matcher: tuple | None = field(default=None, repr=False)

    # -- from an estimator, to and from disk ----------------------------------------------------
    @classmethod
    def from_classifier(cls, model) -> LinearScorer:
        """The numbers of a fitted PassageClassifier (word TF-IDF and concept features only), from
        the parts it names (`PassageClassifier.linear_parts`)."""
        if model.use_chars:
            raise NotScorable("character n-gram features are not supported by the linear scorer")
        vectoriser, concepts, stop_words = model.linear_parts()
        if not (vectoriser.sublinear_tf and vectoriser.use_idf and vectoriser.norm == "l2" and vectoriser.lowercase
                and vectoriser.analyzer == "word" and vectoriser.token_pattern == _TOKEN_RE.pattern):
            raise NotScorable("the word vectoriser's settings differ from the ones the scorer reproduces")
        estimators = model.estimators_
        return cls(
            labels=tuple(model.labels), thresholds=np.asarray(model.thresholds_, dtype=float),
            vocabulary={str(k): int(v) for k, v in vectoriser.vocabulary_.items()},
            idf=np.asarray(vectoriser.idf_, dtype=float),
            coef=np.column_stack([e.coef_.ravel() for e in estimators]).astype(float),
            intercept=np.array([float(e.intercept_[0]) for e in estimators]),
            calibration=np.asarray(model.calibration_, dtype=float),
            concepts=[list(p) for p in concepts.phrases_] if concepts is not None else [],
            concept_weight=float(concepts.weight) if concepts is not None else 0.0,
            stop_words=stop_words, ngrams=tuple(vectoriser.ngram_range),
            language=model.language,
            lemmas=prune_lemmas(model.language, vectoriser.vocabulary_, concepts.phrases_ if concepts else []),
            model_id=model.model_id,
        )

    def save(self, folder: str | Path, model_id: str = "") -> Path:
        from ..outputs import write_atomic

        terms = np.array(sorted(self.vocabulary, key=self.vocabulary.__getitem__), dtype=str)
        meta = {"format": FORMAT, "model_id": model_id or self.model_id, "labels": list(self.labels),
                "concepts": self.concepts,
                "concept_weight": self.concept_weight, "stop_words": self.stop_words, "ngrams": list(self.ngrams),
                "language": self.language}

        lemmas = sorted((self.lemmas or {}).items())

        def write(path: Path) -> None:
            with open(path, "wb") as fh:
                np.savez_compressed(fh, terms=terms, idf=self.idf, coef=self.coef, intercept=self.intercept,
                                    calibration=self.calibration, thresholds=self.thresholds,
                                    meta=np.array(json.dumps(meta)),
                                    lemma_keys=np.array([k for k, _ in lemmas], dtype=str),
                                    lemma_values=np.array([v for _, v in lemmas], dtype=str))

        return write_atomic(Path(folder) / SCORER_FILE, write)

    @classmethod
    def load(cls, path: str | Path) -> LinearScorer:
        """The scorer saved at `path`, checked first (`check_scorer`); one open file, so what is
        checked is what is loaded."""
        path = Path(path)
        with open(path, "rb") as fh:
            meta = check_scorer(path, fh)
            fh.seek(0)
            with np.load(fh, allow_pickle=False) as data:
                terms = data["terms"].tolist()
                lemmas = (dict(zip(data["lemma_keys"].tolist(), data["lemma_values"].tolist()))
                          if "lemma_keys" in data.files and meta.language != "en" else None)
                return cls(labels=tuple(meta.labels), thresholds=data["thresholds"],
                           vocabulary=dict(zip(terms, range(len(terms)))), idf=data["idf"], coef=data["coef"],
                           intercept=data["intercept"], calibration=data["calibration"], concepts=meta.concepts,
                           concept_weight=meta.concept_weight, stop_words=meta.stop_words, ngrams=meta.ngrams,
                           language=meta.language, lemmas=lemmas, model_id=meta.model_id)

    # -- scoring ----------------------------------------------------------------------------------
    def _grams(self, text: str) -> list[str]:
        """The vectoriser's terms of one normalised text, repeats included."""
        tokens = _TOKEN_RE.findall((drop_stop_words(text, self.language) if self.stop_words else text).lower())
        lo, hi = self.ngrams
        grams: list[str] = tokens[:] if lo == 1 else []
        for n in range(max(lo, 2), hi + 1):
            grams.extend(map(" ".join, zip(*(tokens[k:] for k in range(n)))))  # each run of n tokens
        return grams

    def decision_function(self, texts: list[str]) -> np.ndarray:
        normalised = normalise(texts, self.language, self.lemmas)
        n, n_terms = len(normalised), len(self.idf)
        if self._matcher is None and self.concepts:
            self._matcher = concept_matcher(self.concepts)
        lookup = self.vocabulary.get
        rows: list[int] = []
        cols: list[int] = []
        for i, text in enumerate(normalised):
            found = [j for j in map(lookup, self._grams(text)) if j is not None]
            rows.extend([i] * len(found))
            cols.extend(found)
        # TF-IDF as the vectoriser computes it: 1 + log(count) times idf, then unit length per text
        key, counts = np.unique(np.asarray(rows, dtype=np.int64) * n_terms + np.asarray(cols, dtype=np.int64),
                                return_counts=True)
        r, c = key // n_terms, key % n_terms
        v = (1.0 + np.log(counts)) * self.idf[c]
        norms = np.sqrt(np.bincount(r, weights=v * v, minlength=n))
        v = v / norms[r]
        if self._matcher is not None:
            hits = [(i, n_terms + j) for i, text in enumerate(normalised) for j in concepts_in(text, self._matcher)]
            if hits:
                extra = np.asarray(hits, dtype=np.int64)
                r, c = np.concatenate([r, extra[:, 0]]), np.concatenate([c, extra[:, 1]])
                v = np.concatenate([v, np.full(len(extra), self.concept_weight)])
        scores = np.tile(self.intercept, (n, 1))
        for label in range(scores.shape[1]):
            scores[:, label] += np.bincount(r, weights=v * self.coef[c, label], minlength=n)
        return scores

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """(n, n_labels) independent probabilities, as the estimator's `predict_proba`."""
        return platt(self.decision_function(list(texts)), self.calibration)

    @property
    def thresholds_(self) -> np.ndarray:
        """The name every tagger gives its thresholds (see `tagger.Tagger`)."""
        return self.thresholds

    def decide(self, proba: np.ndarray) -> np.ndarray:
        return (proba >= self.thresholds).astype(int)

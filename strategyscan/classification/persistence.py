"""Model folders: the estimator in skops format (no code runs on load), its numbers for the fast
scorer (`scorer.npz`, no pickles) and `card.json`.

Loading refuses any type outside an explicit trusted list, so a model folder from someone else
cannot execute code on an analyst's machine; nor can it exhaust memory or end in a traceback: the
card is checked against `card.ModelCard`, the zip files' sizes and the scorer's arrays before
anything is loaded, and every fault is a ModelError of one line.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..outputs import write_atomic, write_text
from ..paths import DEFAULT_MODEL
from .card import ModelError, read_card
from .languages import LANGUAGES, NAMES
from .normalise import NORMALISER_VERSION
from .scorer import SCORER_FILE, LinearScorer, NotScorable, ScorerMeta, check_archive, check_scorer

if TYPE_CHECKING:  # importing the estimator means importing scikit-learn: only where it is used
    from .model import PassageClassifier

ESTIMATOR_FILE = "model.skops"
CARD_FILE = "card.json"
MAX_CARD = 4 * 2**20  # the shipped cards are 10-40 KB

#: Every non-builtin type a PassageClassifier is made of. Anything else in a file is refused.
TRUSTED_TYPES = sorted({
    "strategyscan.classification.model.PassageClassifier",
    "strategyscan.classification.features.TextNormaliser",
    "strategyscan.classification.features.ConceptFeatures",
    "strategyscan.classification.features.StopWordFilter",
    "sklearn.pipeline.Pipeline",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.svm._classes.LinearSVC",
    "numpy.float64",
    "numpy.int64",
    "numpy.dtype",
    "builtins.slice",
    "scipy.sparse._csr.csr_matrix",
    "scipy.sparse._csr.csr_array",
})


def save_model(model: PassageClassifier, card: dict, folder: str | Path) -> Path:
    import skops.io as sio

    folder = Path(folder)
    write_atomic(folder / ESTIMATOR_FILE,
                 lambda p: sio.dump(model, p, compression=zipfile.ZIP_DEFLATED, compresslevel=9))
    try:
        model.to_scorer().save(folder, model_id=card.get("model_id", ""))
    except NotScorable:  # tagging will use the estimator itself
        (folder / SCORER_FILE).unlink(missing_ok=True)
    write_text(folder / CARD_FILE, json.dumps(card, indent=2, sort_keys=False) + "\n")
    return folder


def _model_folder(folder: str | Path | None) -> Path:
    """`folder` (default: the shipped model), once it is a folder."""
    folder = Path(folder or DEFAULT_MODEL)
    if not folder.is_dir():
        raise ModelError(f"{folder} is a file, not a model folder" if folder.exists() else
                         f"no such model folder: {folder}")
    return folder


def load_card(folder: str | Path | None = None) -> dict:
    """The card of a model folder as written, once it is a valid `card.ModelCard` (an id added
    where it has none) of the current text normaliser."""
    folder = _model_folder(folder)
    path = folder / CARD_FILE
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_CARD + 1)
    except FileNotFoundError:
        raise ModelError(f"{folder} is not a model folder: {CARD_FILE} is missing") from None
    except OSError as exc:
        raise ModelError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_CARD:
        raise ModelError(f"{path} is more than the {MAX_CARD // 2**20} MB a model card may be")
    card = read_card(raw, path)
    if card["normaliser"] != NORMALISER_VERSION:
        # its features were computed from differently normalised text: its scores would be wrong
        age, fix = (("an older", "retrain it with `strategyscan train`") if card["normaliser"] < NORMALISER_VERSION
                    else ("a newer", "upgrade strategyscan"))
        raise ModelError(f"{folder} was trained with {age} text normaliser (version {card['normaliser']}, now "
                         f"{NORMALISER_VERSION}); {fix}")
    return card


@contextlib.contextmanager
def _reading(path: Path):
    """A corrupt or foreign file becomes a ModelError that names it, not a stack trace."""
    try:
        yield
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(f"cannot load {path}: {type(exc).__name__}: {exc}") from None


def load_model(folder: str | Path | None = None) -> tuple[PassageClassifier, dict]:
    """(estimator, card) from a model folder; the default is the shipped model."""
    import skops.io as sio

    folder = _model_folder(folder)
    path = folder / ESTIMATOR_FILE
    if not path.is_file():
        raise ModelError(f"{folder} is not a model folder: {ESTIMATOR_FILE} is missing")
    card = load_card(folder)
    with _reading(path):
        _check_estimator(path)
        untrusted = set(sio.get_untrusted_types(file=path)) - set(TRUSTED_TYPES)
        if untrusted:
            raise ModelError(f"{path} contains types outside the trusted list: {', '.join(sorted(untrusted))}")
        model = sio.load(path, trusted=TRUSTED_TYPES)
    from .model import PassageClassifier

    if not isinstance(model, PassageClassifier):
        raise ModelError(f"{path} does not hold a PassageClassifier")
    if list(model.labels) != list(card["labels"]):  # tagging names its columns by the card's labels
        raise ModelError(f"{path} scores other labels than its {CARD_FILE} lists, or in another order")
    return model, card


def _check_estimator(path: Path) -> None:
    with zipfile.ZipFile(path) as zf:
        check_archive(zf, path)


def _scorer_fits(scorer: LinearScorer | ScorerMeta, card: dict) -> bool:
    """Whether the scorer is this card's model; one left over from another is not used."""
    return scorer.model_id == card["model_id"] and list(scorer.labels) == list(card["labels"])


def _check_files(folder: Path, card: dict) -> None:
    """What tagging will load from the folder, checked in the caller's process, so a bad file is
    one clear error here rather than a failure in each worker that loads it: a scorer that fits the
    card from its headers and meta (milliseconds); else the estimator, by loading it (only a
    loaded estimator tells its labels)."""
    path = folder / SCORER_FILE
    if path.is_file():
        with _reading(path), open(path, "rb") as fh:
            meta = check_scorer(path, fh)
        if _scorer_fits(meta, card):
            if (folder / ESTIMATOR_FILE).is_file():
                with _reading(folder / ESTIMATOR_FILE):
                    _check_estimator(folder / ESTIMATOR_FILE)
            return
    load_model(folder)


def load_tagger(folder: str | Path | None = None) -> tuple[LinearScorer | PassageClassifier, dict]:
    """What tagging needs, loaded fast: the linear scorer where the folder has one (milliseconds,
    no scikit-learn import), else the estimator. Both give the same probabilities."""
    folder = _model_folder(folder)
    path = folder / SCORER_FILE
    if not path.is_file():
        return load_model(folder)
    card = load_card(folder)
    with _reading(path):
        scorer = LinearScorer.load(path)
    if not _scorer_fits(scorer, card):
        return load_model(folder)  # left over from another model: the estimator is the authority
    return scorer, card


@dataclass(frozen=True)
class ModelSet:
    """A model folder and the models for other languages beside it, in subfolders named by
    language code (`fr/`, `es/`, ...): what tagging picks from, by each passage's language.

    Cards are read and files checked here (milliseconds where a scorer fits its card, see
    `_check_files`); each language's tagger loads where it is used.
    """

    folders: dict[str, Path]  # language -> model folder
    cards: dict[str, dict]

    @property
    def languages(self) -> list[str]:
        return list(self.folders)

    @property
    def language(self) -> str:
        """The main model's language: what a passage of unknown language is scored in."""
        return self.languages[0]

    @property
    def labels(self) -> list[str]:
        return list(next(iter(self.cards.values()))["labels"])

    @property
    def model_id(self) -> str:
        """The main model's id, or one id for the whole set when it covers several languages."""
        if len(self.cards) == 1:
            return next(iter(self.cards.values()))["model_id"]
        ids = json.dumps(sorted((lang, c["model_id"]) for lang, c in self.cards.items()))
        return "ss-set-" + hashlib.sha256(ids.encode()).hexdigest()[:12]

    @property
    def model_ids(self) -> set[str]:
        return {c["model_id"] for c in self.cards.values()}

    def coverage(self) -> list[dict]:
        """Per language: the model and what it measured on held-out documents (where recorded)."""
        out = []
        for lang, card in self.cards.items():
            held = card.get("heldout") or {}
            out.append({"language": lang, "name": NAMES.get(lang, lang), "model_id": card["model_id"],
                        "heldout_passages": held.get("passages"), "heldout_micro_f1": held.get("micro_f1"),
                        "heldout_macro_f1": held.get("macro_f1"), "heldout_exact": held.get("exact_match"),
                        "heldout_labels": [{"label": x["label"], "f1": x["f1"], "support": x["support"]}
                                           for x in held.get("labels", [])]})
        return out


def card_language(card: dict) -> str:
    return str(card.get("language", "en"))  # models saved before there were other languages are English


def load_model_set(folder: str | Path | None = None) -> ModelSet:
    """The model folder and its language subfolders: cards read and what tagging will load
    checked (`_check_files`), so a bad folder fails here, before any passage is read."""
    folder = _model_folder(folder)
    main = load_card(folder)
    _check_files(folder, main)
    folders, cards = {card_language(main): folder}, {card_language(main): main}
    for lang in LANGUAGES:
        sub = folder / lang
        if lang in folders or not (sub / CARD_FILE).is_file():
            continue
        card = load_card(sub)
        if card_language(card) != lang:
            raise ModelError(f"{sub} holds a model for {card_language(card)!r}, not {lang!r}: a language's model "
                             "goes in the subfolder named by its code")
        if list(card["labels"]) != list(main["labels"]):
            raise ModelError(f"{sub} has labels {', '.join(card['labels'])}, the main model "
                             f"{', '.join(main['labels'])}: the models of one set must share their labels")
        _check_files(sub, card)
        folders[lang], cards[lang] = sub, card
    return ModelSet(folders, cards)

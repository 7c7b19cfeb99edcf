"""Hostile model folders, written at test time from the shipped English model (no binary fixtures).

Each folder is the shipped model wrong in one way that a folder from someone else could be: a
zip bomb, a card of the wrong shape, a label or id made to break the report or bloat every row,
a scorer whose arrays do not fit together. Apart from that one fault, each folder is complete,
so a loader that misses the fault goes on and tags. `write_hostile_models` writes them all.
"""

from __future__ import annotations

import copy
import functools
import io
import json
import shutil
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from strategyscan.classification.normalise import NORMALISER_VERSION
from strategyscan.paths import DEFAULT_MODEL

HTML_LABEL = "<img src=x onerror=alert(1)>"
#: What a bomb member unpacks to: more than a model file may (256 MB), about 300 KB packed.
BOMB_BYTES = 300 * 2**20
_CHUNK = bytes(2**20)


def shipped_card() -> dict:
    return json.loads((DEFAULT_MODEL / "card.json").read_text(encoding="utf-8"))


@functools.cache
def _shipped_arrays() -> dict[str, np.ndarray]:
    with np.load(DEFAULT_MODEL / "scorer.npz", allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def _npz(arrays: dict[str, np.ndarray], allow_pickle: bool = False) -> bytes:
    """An uncompressed npz (fast to write; size does not matter for these)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        for name, array in arrays.items():
            with zf.open(f"{name}.npy", "w", force_zip64=True) as fh:
                np.lib.format.write_array(fh, np.asanyarray(array), allow_pickle=allow_pickle)
    return buffer.getvalue()


def _scorer(**changes: np.ndarray) -> bytes:
    """The shipped scorer with some arrays replaced or added."""
    return _npz({**_shipped_arrays(), **changes})


def _meta(**changes) -> np.ndarray:
    return np.array(json.dumps({**json.loads(str(_shipped_arrays()["meta"])), **changes}))


def _write_bomb(zf: zipfile.ZipFile, name: str, dtype: str, columns: int) -> None:
    """A member with a true .npy header whose zeros unpack to BOMB_BYTES (deflate packs ~1000:1)."""
    rows = BOMB_BYTES // (np.dtype(dtype).itemsize * columns)
    with zf.open(name, "w", force_zip64=True) as fh:
        np.lib.format.write_array_header_1_0(fh, {"descr": dtype, "fortran_order": False, "shape": (rows, columns)})
        for _ in range(BOMB_BYTES // len(_CHUNK)):
            fh.write(_CHUNK)


@functools.cache
def bomb_scorer() -> bytes:
    """scorer.npz with the shipped arrays, its coefficients a 300 MB zip bomb."""
    arrays = _shipped_arrays()
    buffer = io.BytesIO(_npz({name: array for name, array in arrays.items() if name != "coef"}))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        _write_bomb(zf, "coef.npy", "<f8", arrays["coef"].shape[1])
    return buffer.getvalue()


@functools.cache
def bomb_estimator() -> bytes:
    """model.skops whose largest array is replaced by a 300 MB zip bomb: appended under the same
    name, the entry zip readers take."""
    buffer = io.BytesIO((DEFAULT_MODEL / "model.skops").read_bytes())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        largest = max((m for m in zf.infolist() if m.filename.endswith(".npy")), key=lambda m: m.file_size)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": the point
            _write_bomb(zf, largest.filename, "<f8", 1)
    return buffer.getvalue()


def _card(**changes) -> dict:
    """The shipped card with keys changed (a value of None deletes the key)."""
    card = shipped_card()
    for key, value in changes.items():
        if value is None:
            card.pop(key, None)
        else:
            card[key] = value
    return card


def _renamed(card: dict, old: str, new: str) -> dict:
    """The card with label `old` called `new` everywhere the card names it."""
    card = copy.deepcopy(card)
    card["labels"] = [new if lab == old else lab for lab in card["labels"]]
    for key in ("thresholds", "calibration"):
        card[key] = {new if k == old else k: v for k, v in card[key].items()}
    return card


def _reordered() -> dict:
    """A card consistent in itself, its labels in another order than the estimator's."""
    card = shipped_card()
    card["labels"] = card["share_errors"]["labels"] = card["labels"][::-1]
    return card


def _bad_share_errors() -> dict:
    errors = shipped_card()["share_errors"]
    del errors["rates"]
    return errors


def _bad_heldout() -> dict:
    heldout = shipped_card()["heldout"]
    heldout["labels"][0]["f1"] = "<b>high</b>"
    return heldout


def _folder(root: Path, name: str, card: object | bytes, scorer: bytes | None = None,
            estimator: bytes | None = None, with_scorer: bool = True) -> Path:
    """A model folder: `card` (JSON-encoded unless bytes), the shipped estimator and scorer unless
    replaced."""
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "card.json").write_bytes(card if isinstance(card, bytes) else json.dumps(card).encode())
    if estimator is None:
        shutil.copyfile(DEFAULT_MODEL / "model.skops", folder / "model.skops")
    else:
        (folder / "model.skops").write_bytes(estimator)
    if scorer is not None:
        (folder / "scorer.npz").write_bytes(scorer)
    elif with_scorer:
        shutil.copyfile(DEFAULT_MODEL / "scorer.npz", folder / "scorer.npz")
    return folder


def _model_is_file(root: Path) -> Path:
    path = root / "model_is_file"
    path.write_text(json.dumps(shipped_card()), encoding="utf-8")
    return path


def _card_is_a_folder(root: Path) -> Path:
    folder = _folder(root, "card_is_a_folder", b"")
    (folder / "card.json").unlink()
    (folder / "card.json").mkdir()
    return folder


def _empty_card_in_a_language_subfolder(root: Path) -> Path:
    folder = _folder(root, "empty_card_in_a_language_subfolder", shipped_card())
    (folder / "fr").mkdir()
    (folder / "fr" / "card.json").write_text("{}", encoding="utf-8")
    return folder


_labels = shipped_card()["labels"]

#: name -> how to write it under a root folder.
HOSTILE: dict[str, Callable[[Path], Path]] = {
    "zip_bomb_scorer": lambda root: _folder(root, "zip_bomb_scorer", shipped_card(), scorer=bomb_scorer()),
    "zip_bomb_estimator": lambda root: _folder(root, "zip_bomb_estimator", shipped_card(), estimator=bomb_estimator(),
                                               with_scorer=False),
    "card_is_a_list": lambda root: _folder(root, "card_is_a_list", [shipped_card()]),
    "labels_a_string": lambda root: _folder(root, "labels_a_string", _card(labels="|".join(_labels))),
    "no_labels": lambda root: _folder(root, "no_labels", _card(labels=None)),
    "empty_card": lambda root: _folder(root, "empty_card", {}),
    "no_normaliser": lambda root: _folder(root, "no_normaliser", _card(normaliser=None)),
    "normaliser_a_string": lambda root: _folder(root, "normaliser_a_string", _card(normaliser=str(NORMALISER_VERSION))),
    "older_normaliser": lambda root: _folder(root, "older_normaliser", _card(normaliser=NORMALISER_VERSION - 1)),
    "megabyte_model_id": lambda root: _folder(root, "megabyte_model_id", _card(model_id="ss-" + "x" * 2**20)),
    "html_label": lambda root: _folder(root, "html_label", _renamed(shipped_card(), "cbm", HTML_LABEL)),
    "duplicate_labels": lambda root: _folder(root, "duplicate_labels", _card(labels=[_labels[0], *_labels[:-1]])),
    "labels_reordered": lambda root: _folder(root, "labels_reordered", _reordered()),
    "unknown_language": lambda root: _folder(root, "unknown_language", _card(language="xx")),
    "threshold_a_word": lambda root: _folder(root, "threshold_a_word",
                                             _card(thresholds={**shipped_card()["thresholds"], "cbm": "high"})),
    "share_errors_without_rates": lambda root: _folder(root, "share_errors_without_rates",
                                                       _card(share_errors=_bad_share_errors())),
    "heldout_f1_markup": lambda root: _folder(root, "heldout_f1_markup", _card(heldout=_bad_heldout())),
    "card_not_utf8": lambda root: _folder(root, "card_not_utf8", b"\xff\xfe{\x00}\x00"),
    "card_nested_deep": lambda root: _folder(root, "card_nested_deep", b"[" * 100_000),
    "card_of_5_mb": lambda root: _folder(root, "card_of_5_mb", _card(padding="x" * (5 * 2**20))),
    "card_is_a_folder": _card_is_a_folder,
    "model_is_file": _model_is_file,
    "empty_card_in_a_language_subfolder": _empty_card_in_a_language_subfolder,
    "scorer_arrays_disagree": lambda root: _folder(root, "scorer_arrays_disagree", shipped_card(),
                                                   scorer=_scorer(idf=_shipped_arrays()["idf"][:10])),
    "scorer_unknown_member": lambda root: _folder(root, "scorer_unknown_member", shipped_card(),
                                                  scorer=_npz({**_shipped_arrays(),
                                                               "extra": np.array([{"a": 1}], dtype=object)},
                                                              allow_pickle=True)),
    "scorer_text_coefficients": lambda root: _folder(root, "scorer_text_coefficients", shipped_card(),
                                                     scorer=_scorer(coef=_shipped_arrays()["coef"].astype(str))),
    "scorer_thousand_word_ngrams": lambda root: _folder(root, "scorer_thousand_word_ngrams", shipped_card(),
                                                        scorer=_scorer(meta=_meta(ngrams=[1, 1000]))),
}


def write_hostile_models(folder: Path) -> dict[str, Path]:
    """Write every hostile model folder under `folder`: {name: the path to pass as --model}."""
    folder.mkdir(parents=True, exist_ok=True)
    return {name: write(folder) for name, write in HOSTILE.items()}

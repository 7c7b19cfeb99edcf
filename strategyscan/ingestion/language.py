"""Language of documents and passages (py3langid ships its model: nothing to download)."""

from __future__ import annotations

import contextlib
import functools
import zipfile
from array import array
from pathlib import Path

LANGUAGE_VERSION = "language.v1"
MIN_PASSAGE_CHARS = 40


def _model_source() -> Path:
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    return MODEL_DIR / MODEL_FILE


def _cached_model_path(source: Path) -> Path:
    from importlib.metadata import version

    from ..paths import user_cache_dir

    return user_cache_dir() / f"py3langid-{version('py3langid')}-{source.stat().st_size}.npz"


def _read_cached(path: Path) -> tuple:
    import numpy as np

    with np.load(path, allow_pickle=False) as data:
        return (data["ptc"], data["pc"], data["classes"].tolist(), _stdlib_array(data["nextmove"]),
                _stdlib_array(data["row"]), data["output"].tolist())


def _stdlib_array(values) -> array:
    """The stdlib array py3langid walks its automaton over, filled without an extra copy."""
    out = array(values.dtype.char)
    out.frombytes(memoryview(values).cast("B"))
    return out


def _write_cached(path: Path, model: tuple) -> None:
    """Atomic (a reader never sees half a file) and best effort: a cache folder that cannot be
    written only means the next process decompresses again."""
    import numpy as np

    from ..outputs import OutputError, write_atomic

    ptc, pc, classes, nextmove, row, output = model

    def save(tmp: Path) -> None:
        with tmp.open("wb") as handle:
            np.savez(handle, ptc=ptc, pc=pc, classes=np.array(classes),
                     nextmove=np.frombuffer(nextmove, dtype=nextmove.typecode),
                     row=np.frombuffer(row, dtype=row.typecode), output=np.asarray(output, dtype=np.int32))

    with contextlib.suppress(OutputError):
        write_atomic(path, save)


def _model() -> tuple:
    """py3langid's model. Its file is LZMA-compressed, and decompressing it costs half a second
    in every process that names a language (each worker of a run); an uncompressed copy in the
    user's cache (68 MB) gives the identifier in 0.23 s, so one is written at first use and read
    from then on."""
    from py3langid.modelio import load_model

    source = _model_source()
    try:
        cached = _cached_model_path(source)
    except (OSError, RuntimeError, ImportError):  # no home folder, or the package's record unreadable
        return load_model(source)
    try:
        return _read_cached(cached)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        pass  # absent, or written by something else: made again
    model = load_model(source)
    _write_cached(cached, model)
    return model


@functools.lru_cache(maxsize=1)
def _identifier():
    import numpy as np
    from py3langid.langid import LanguageIdentifier

    ptc, pc, classes, nextmove, row, output = _model()
    return LanguageIdentifier(np.asarray(ptc), np.asarray(pc), classes, nextmove, output, norm_probs=True, tk_row=row)


def detect(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability); ('', 0.0) when there is too little text to tell."""
    text = text.strip()
    if len(text) < 3:
        return "", 0.0
    lang, prob = _identifier().classify(text[:5_000])
    return str(lang), float(prob)


# The commonest English function words: a passage dense in them is English, and checking
# that costs a set lookup per word instead of a model call.
_ENGLISH = frozenset(
    "the of and to in a is that for it as with be on by this are or an will which from at have "
    "has its their not we our all been these such can should shall must".split()
)


def _clearly_english(text: str) -> bool:
    words = text.lower().split()
    return len(words) >= 8 and sum(map(_ENGLISH.__contains__, words)) >= 0.2 * len(words)


def passage_language(text: str, document_language: str) -> str:
    """A passage inherits its document's language unless it gives reason to doubt it: short
    passages are too noisy to tell, and the model is consulted only where English-ness and the
    document's language disagree."""
    if len(text) < MIN_PASSAGE_CHARS:
        return document_language
    if _clearly_english(text) == (document_language == "en"):
        return document_language
    lang, prob = detect(text)
    if lang != document_language and prob < 0.9:
        return document_language
    return lang or document_language

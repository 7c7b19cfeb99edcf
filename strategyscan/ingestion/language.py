"""Language of documents and passages (py3langid ships its model: nothing to download)."""

from __future__ import annotations

import functools

LANGUAGE_VERSION = "language.v1"
MIN_PASSAGE_CHARS = 40


@functools.lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


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
    return len(words) >= 8 and sum(w in _ENGLISH for w in words) >= 0.2 * len(words)


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

"""Text to lemmas, with countries, demonyms and years masked; plain functions, no scikit-learn.

Masking keeps the model from learning "Russia" or "2016" as evidence for a category, which
would leak a country's identity into the per-country comparison the model feeds. Both the
scikit-learn transformers (`features`) and the fast scorer (`scorer`) are built on these.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

from ..countries import fold, mention_regex, trie_pattern
from . import languages

#: Bumped whenever normalised text changes: models trained on another version must be retrained.
NORMALISER_VERSION = 2

COUNTRY_TOKEN = "xcountryx"
YEAR_TOKEN = "xyearx"
NUMBER_TOKEN = "xnumx"
PLACEHOLDERS = frozenset({COUNTRY_TOKEN, YEAR_TOKEN, NUMBER_TOKEN})

_YEAR_RE = re.compile(r"\b(?:19|20)\d{2}\b")


def mask(text: str) -> str:
    """Fold case and accents, then replace countries, demonyms and years with placeholders."""
    text = fold(text)
    text = mention_regex().sub(f" {COUNTRY_TOKEN} ", text)  # names, then demonyms
    return _YEAR_RE.sub(f" {YEAR_TOKEN} ", text) if "19" in text or "20" in text else text  # most have none


# Tokens: a possessive "'s" (matched only to be dropped); numbers with their inner separators
# ("1,000.5", "24/7") whole; otherwise runs of word characters. That is what the vectoriser's
# token pattern kept of spaCy's tokens anyway: hyphens, apostrophes and full stops separate words.
_TOKEN_RE = re.compile(r"(?<=\w)['\u2019]s\b|\d+(?:[.,/:]\d+)*(?!\w)|\w+")
_NUMBER_RE = re.compile(r"\d+(?:[.,/:]\d+)*")
_SPLIT = {"cannot": ["can", "not"]}  # as spaCy's tokenizer exceptions split it
# Number words, as spaCy's `like_num` counts them, so "two" and "2" are one feature.
NUMBER_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand "
    "million billion trillion first second third fourth fifth sixth seventh eighth ninth tenth".split()
)


@functools.lru_cache(maxsize=1)
def lemma_table() -> dict[str, str]:
    """spaCy's English lookup lemmas (spacy-lookups-data), read straight from the package.

    The table is what spaCy's lookup-mode lemmatizer consults. Reading it without spaCy's
    tokenizer makes normalising about 10x faster and keeps spaCy's 1 s start-up out of tagging.
    """
    import gzip
    import json
    from importlib.resources import files

    data = files("spacy_lookups_data").joinpath("data", "en_lemma_lookup.json.gz").read_bytes()
    return json.loads(gzip.decompress(data))


def _lemma_of(tok: str) -> str:
    """What one token becomes: its lemma, the number token, two words ("can not"), or nothing."""
    if tok[0] in "'\u2019":
        return ""  # a possessive
    if tok in NUMBER_WORDS or _NUMBER_RE.fullmatch(tok):
        return NUMBER_TOKEN
    return " ".join(_SPLIT[tok]) if tok in _SPLIT else lemma_table().get(tok, tok)


class _Lemmas(dict):
    """Token -> what it becomes, worked out once per distinct token: a corpus repeats its words,
    and a dict lookup in `map` costs a fraction of the checks. Cleared when it grows large, so a
    stream of distinct junk tokens cannot fill a worker's memory."""

    LIMIT = 500_000

    def __missing__(self, tok: str) -> str:
        if len(self) >= self.LIMIT:
            self.clear()
        value = self[tok] = _lemma_of(tok)
        return value


_LEMMAS = _Lemmas()


def lemmatise(texts: list[str]) -> list[str]:
    """Lower-case lemmas of already folded text; numbers become one token."""
    lookup = _LEMMAS.__getitem__
    return [" ".join(filter(None, map(lookup, _TOKEN_RE.findall(text.lower())))) for text in texts]


# Function words and the placeholders: stylistic habits of whoever wrote the training passages
# ("shall", "we will") must not become evidence for a category.
STOP_WORDS = frozenset(
    "a about above after again against all also am an and any are as at be because been before being below "
    "between both but by can could did do does doing down during each few for from further had has have "
    "having he her here hers herself him himself his how i if in into is it its itself just me more most "
    "my myself no nor not now of off on once only or other our ours ourselves out over own same she should "
    "so some such than that the their theirs them themselves then there these they this those through to "
    "too under until up very was we were what when where which while who whom why will with would you your "
    "yours yourself yourselves shall must may might ha wa thus therefore hereby also well".split()
) | {COUNTRY_TOKEN, YEAR_TOKEN, NUMBER_TOKEN}


def load_concepts(path=None, language: str = "en") -> dict[str, list[str]]:
    """Codebook concepts and the phrases strategies use for them, in `language`: those of a
    concepts file at `path`, else those the taxonomy links for the language."""
    import json

    from .taxonomy import load_taxonomy

    if path is None:
        return load_taxonomy().concept_phrases(language)
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {name: list(c["phrases"]) for name, c in data["concepts"].items()}


def concept_matcher(phrases: list[list[str]]) -> tuple[re.Pattern[str], dict[str, frozenset[int]]]:
    """One pass over the text instead of one per concept: a trie of every phrase (already
    normalised), tried at each word start (a lookahead, so matches may overlap). The longest
    phrase found at a position stands for all its prefixes, which match there too."""
    owners: dict[str, set[int]] = {}
    for j, group in enumerate(phrases):
        for phrase in group:
            owners.setdefault(phrase, set()).add(j)
    table = {p: frozenset(j for k in range(1, len(p) + 1) for j in owners.get(p[:k], ())) for p in owners}
    return re.compile(r"(?<!\w)(?=(" + trie_pattern(sorted(owners)) + "))"), table


def concepts_in(text: str, matcher: tuple[re.Pattern[str], dict[str, frozenset[int]]]) -> list[int]:
    """Indices of the concepts whose phrases occur in normalised `text`, sorted."""
    rx, table = matcher
    found: set[int] = set()
    for m in rx.finditer(text):
        found |= table[m.group(1)]
    return sorted(found)


def stop_words_of(language: str = "en") -> frozenset[str]:
    if language == "en":
        return STOP_WORDS
    return languages.stop_words(language) | {COUNTRY_TOKEN, YEAR_TOKEN, NUMBER_TOKEN}


def drop_stop_words(text: str, language: str = "en") -> str:
    stop = stop_words_of(language)
    return " ".join(w for w in text.split() if w not in stop)


def mask_in(text: str, language: str) -> str:
    """Lower-case with accents and Cyrillic kept; elisions dropped; countries, demonyms and
    years replaced by placeholders (non-English languages)."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).lower().replace("\u2019", "'")).strip()
    if language in languages.ELISIONS:
        text = languages.ELISIONS[language].sub("", text)
    text = languages.country_regex(language).sub(f" {COUNTRY_TOKEN} ", text)
    return _YEAR_RE.sub(f" {YEAR_TOKEN} ", text)


_WORD_RE = re.compile(r"\d+(?:[.,/:]\d+)*(?!\w)|\w+")


def lemmatise_in(texts: list[str], language: str, table: dict[str, str] | None = None) -> list[str]:
    """Lemmas of masked text in `language`; function words stay as written (the lookup tables
    know no part of speech, and would make Spanish "para" the verb "parir"). `table` replaces
    spaCy's full table (a model's pruned copy of it: see `scorer.prune_lemmas`)."""
    table, stop = table if table is not None else languages.lemma_table(language), languages.stop_words(language)
    out = []
    for text in texts:
        text = text.replace("ё", "е") if language == "ru" else text
        tokens = [NUMBER_TOKEN if _NUMBER_RE.fullmatch(tok) else tok if tok in stop else table.get(tok, tok)
                  for tok in _WORD_RE.findall(text)]
        out.append(" ".join(tokens))
    return out


def normalise(texts: list[str], language: str = "en", lemmas: dict[str, str] | None = None) -> list[str]:
    """Masked lemma strings, the text every feature is computed from (`lemmas`: see `lemmatise_in`)."""
    if language == "en":
        return lemmatise([mask(str(t)) for t in texts])
    if language not in languages.LANGUAGES:
        raise ValueError(f"no text normaliser for language {language!r}; languages: {', '.join(languages.LANGUAGES)}")
    return lemmatise_in([mask_in(str(t), language) for t in texts], language, lemmas)

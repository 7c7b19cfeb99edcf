"""Text to lemmas, with countries, demonyms and years masked.

Masking keeps the model from learning "Russia" or "2016" as evidence for a category, which
would leak a country's identity into the per-country comparison the model feeds.
"""

from __future__ import annotations

import functools
import re

from sklearn.base import BaseEstimator, TransformerMixin

from ..ingestion.metadata import name_regex, fold, trie_pattern

COUNTRY_TOKEN = "xcountryx"
YEAR_TOKEN = "xyearx"
NUMBER_TOKEN = "xnumx"

# Demonyms and national adjectives (lower case, folded). Not exhaustive: the commonest in
# strategy texts, plus every country of the shipped evaluation set.
DEMONYMS = """
afghan albanian algerian american andorran angolan argentine argentinian armenian australian austrian
azerbaijani azeri bahraini bangladeshi barbadian belarusian belgian belizean beninese bhutanese bolivian
bosnian botswanan brazilian british bruneian bulgarian burkinabe burmese burundian cambodian cameroonian
canadian chadian chilean chinese colombian congolese costa rican croatian cuban cypriot czech danish
djiboutian dominican dutch ecuadorian egyptian emirati english eritrean estonian ethiopian fijian filipino
finnish french gabonese gambian georgian german ghanaian greek grenadian guatemalan guinean guyanese
haitian honduran hungarian icelandic indian indonesian iranian iraqi irish israeli italian ivorian
jamaican japanese jordanian kazakh kazakhstani kenyan korean kosovar kuwaiti kyrgyz lao latvian lebanese
liberian libyan lithuanian luxembourgish macedonian malagasy malawian malaysian maldivian malian maltese
mauritanian mauritian mexican micronesian moldovan monegasque mongolian montenegrin moroccan mozambican
namibian nepalese nepali nigerian nigerien nicaraguan norwegian omani pakistani palestinian panamanian
paraguayan peruvian polish portuguese qatari romanian russian rwandan samoan saudi scottish senegalese
serbian singaporean slovak slovakian slovenian somali south african spanish sri lankan sudanese surinamese
swazi swedish swiss syrian taiwanese tajik tanzanian thai togolese tongan trinidadian tunisian turkish
turkmen ugandan ukrainian uruguayan uzbek venezuelan vietnamese welsh yemeni zambian zimbabwean
""".split()
_MULTI = ["costa rican", "south african", "sri lankan", "saudi arabian", "new zealander", "kiwi"]


@functools.lru_cache(maxsize=1)
def _demonym_regex() -> re.Pattern[str]:
    return re.compile(r"\b(" + trie_pattern(sorted(set(DEMONYMS) | set(_MULTI))) + r")s?\b")


_YEAR_RE = re.compile(r"\b(?:19|20)\d{2}\b")


def mask(text: str) -> str:
    """Fold case and accents, then replace countries, demonyms and years with placeholders."""
    text = fold(text)
    text = name_regex().sub(f" {COUNTRY_TOKEN} ", text)
    text = _demonym_regex().sub(f" {COUNTRY_TOKEN} ", text)
    return _YEAR_RE.sub(f" {YEAR_TOKEN} ", text)


@functools.lru_cache(maxsize=1)
def lemmatizer():
    """spaCy's English tokenizer and its lookup lemma table (spacy-lookups-data): no model
    download. The table is what spaCy's lookup-mode lemmatizer consults; reading it directly
    skips building a Doc per passage twice."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    return nlp.tokenizer, table


def lemmatise(texts: list[str], batch_size: int = 1000) -> list[str]:
    """Lower-case lemmas of already folded text; numbers become one token."""
    tokenizer, table = lemmatizer()
    out = []
    for doc in tokenizer.pipe(texts, batch_size=batch_size):
        tokens = []
        for tok in doc:
            if tok.is_punct or tok.is_space:
                continue
            text = tok.lower_
            if tok.like_num:
                tokens.append(NUMBER_TOKEN)
            else:
                tokens.append(table.get(text, text))
        out.append(" ".join(tokens))
    return out


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


class StopWordFilter(TransformerMixin, BaseEstimator):
    """Drop function words and placeholders from normalised text (stateless)."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return [" ".join(w for w in t.split() if w not in STOP_WORDS) for t in X]

    def get_feature_names_out(self, input_features=None):
        return input_features  # text in, text out: the vectoriser after it names the features


class TextNormaliser(TransformerMixin, BaseEstimator):
    """Masked lemma strings, ready for a vectoriser. Stateless, so safe to share."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return lemmatise([mask(str(t)) for t in X])


def load_concepts(path=None) -> dict[str, list[str]]:
    """`corpora/concepts.json`: codebook concepts and the phrases strategies use for them."""
    import json

    from ..paths import CORPORA

    data = json.loads((path or CORPORA / "concepts.json").read_text(encoding="utf-8"))
    return {name: list(c["phrases"]) for name, c in data["concepts"].items()}


class ConceptFeatures(TransformerMixin, BaseEstimator):
    """One column per codebook concept: does the passage use one of the concept's phrases?

    Phrases go through the same masking and lemmatisation as passages and match at the start of
    a word. The concepts are copied into the fitted model, which stays self-contained.
    """

    def __init__(self, concepts=None, weight=1.0):
        self.concepts = concepts
        self.weight = weight

    def fit(self, X=None, y=None):
        concepts = self.concepts if self.concepts is not None else load_concepts()
        self.names_ = sorted(concepts)
        self.phrases_ = [sorted({p for p in lemmatise([mask(x) for x in concepts[n]]) if p})
                         for n in self.names_]
        return self

    def _matcher(self) -> tuple[re.Pattern[str], dict[str, frozenset[int]]]:
        """One pass over the text instead of one per concept: a trie of every phrase, tried at
        each word start (a lookahead, so matches may overlap). The longest phrase found at a
        position stands for all its prefixes, which match there too."""
        if "_compiled" not in self.__dict__:
            owners: dict[str, set[int]] = {}
            for j, phrases in enumerate(self.phrases_):
                for phrase in phrases:
                    owners.setdefault(phrase, set()).add(j)
            table = {p: frozenset(j for q, js in owners.items() if p.startswith(q) for j in js) for p in owners}
            rx = re.compile(r"(?<!\w)(?=(" + trie_pattern(sorted(owners)) + "))")
            self.__dict__["_compiled"] = (rx, table)
        return self.__dict__["_compiled"]

    def transform(self, X):
        import scipy.sparse as sp

        rx, table = self._matcher()
        rows, cols = [], []
        for i, text in enumerate(X):
            found: set[int] = set()
            for m in rx.finditer(text):
                found |= table[m.group(1)]
            rows.extend([i] * len(found))
            cols.extend(sorted(found))
        data = [float(self.weight)] * len(rows)
        return sp.csr_matrix((data, (rows, cols)), shape=(len(X), len(self.names_)))

    def get_feature_names_out(self, input_features=None):
        import numpy as np

        return np.array([f"concept:{n}" for n in self.names_], dtype=object)

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_compiled", None)
        return state

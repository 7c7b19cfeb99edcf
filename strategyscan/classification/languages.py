"""What normalising text means in each language the classifier covers: lemma tables, stop words,
and the country names, demonyms and elisions to mask or drop.

English keeps its own path in `normalise` (accent folding, number words; unchanged so the
English model's features stay what they were). The other languages keep accents and Cyrillic,
because "état" and "etat", or any two Cyrillic words, must not collapse into one feature.
Everything here is read from packages already installed (spacy-lookups-data, spaCy's stop-word
lists, pycountry's translations): nothing is downloaded.
"""

from __future__ import annotations

import functools
import gettext
import gzip
import json
import re
import unicodedata
from importlib.resources import files
from importlib.util import find_spec, module_from_spec, spec_from_file_location
from pathlib import Path

from ..countries import trie_pattern

#: Languages a model can be trained for. Adding one means adding a row to each table below.
LANGUAGES = ("en", "fr", "es", "pt", "ru")
OTHER_LANGUAGES = LANGUAGES[1:]
NAMES = {"en": "English", "fr": "French", "es": "Spanish", "pt": "Portuguese", "ru": "Russian"}

# Lookup tables that ignore part of speech turn common nouns of strategies into verbs ("estado" ->
# "estar", "ataque" -> "atacar"): these are put back. Function words are never looked up (see
# `normalise.lemmatise_in`), so "para" does not become "parir".
_NOUNS = {
    "es": "estado estados:estado centro ataque forma formas:forma mercado mercados:mercado tratado "
          "tratados:tratado fuerza medida parte",
    "pt": "estado estados:estado força forças:força centro grupo defesa tratado tratados:tratado mercado "
          "mercados:mercado ataque risco forma formas:forma medida medidas:medida parte partes:parte",
}
LEMMA_FIXES = {lang: dict((w.split(":") + [w])[:2] for w in words.split()) for lang, words in _NOUNS.items()}

# Articles and pronouns elided before a vowel: "l'État" is "État".
ELISIONS = {"fr": re.compile(r"(?<!\w)(?:l|d|qu|n|s|j|c|m|t|jusqu|lorsqu|puisqu)'", re.I)}

# Demonyms and national adjectives: word starts, inflections allowed after them (a few letters).
DEMONYM_STEMS = {
    "fr": """français ivoirien sénégalais burkinab malien nigérien camerounais marocain tunisien algérien
             béninois togolais guinéen gabonais congolais tchadien mauritanien belge suisse canadien québécois
             luxembourgeois américain russe chinois allemand britannique monégasque rwandais djiboutien malgache
             haïtien comorien centrafricain burundais nigérian ghanéen libanais israélien iranien japonais
             indien brésilien espagnol italien portugais néerlandais estonien ukrainien""",
    "es": """español mexican colombian chilen argentin peruan paraguay uruguay venezolan ecuatorian bolivian
             guatemaltec panameñ costarricense dominican cuban estadounidense norteamerican salvadoreñ hondureñ
             nicaragüense brasileñ francés francesa alemán alemana británic japonés ruso rusa chino china
             ecuatoguinean""",
    "pt": """brasileir portugu angolan moçambican american norte-american russo russa chinês chinesa chineses
             francês francesa alemão alemã britânic argentin japonês espanhol timorense guineense são-tomense
             cabo-verdian""",
    "ru": """российск русск американск китайск казахстанск казахск узбекск узбекистанск кыргызск киргизск
             таджикск туркменск белорусск украинск армянск азербайджанск грузинск французск германск немецк
             британск японск индийск""",
}
# Names pycountry's translations do not carry in the form strategies write them.
COUNTRY_ALIASES = {
    "fr": "états-unis|etats-unis|russie|royaume-uni|chine|côte d'ivoire|cote d'ivoire|burkina|corée|iran",
    "es": "estados unidos|eeuu|ee.uu.|ee. uu.|rusia|reino unido|corea|iran",
    "pt": "estados unidos|eua|rússia|russia|reino unido|coreia|irã|irão",
    "ru": "россия|рф|сша|соединенные штаты|соединённые штаты|великобритания|кнр|китай|корея",
}
_CYRILLIC_ENDINGS = "аяеиоуыьйю"
_MIN_STEM = 5  # a shorter Cyrillic stem with endings allowed would match common words ("Мали" ~ "мало")


def _data(name: str) -> bytes:
    return files("spacy_lookups_data").joinpath("data", name).read_bytes()


@functools.cache
def lemma_table(language: str) -> dict[str, str]:
    """spaCy's lookup lemmas for `language` (the French table holds one-element lists)."""
    table = json.loads(gzip.decompress(_data(f"{language}_lemma_lookup.json.gz")))
    out = {k.lower(): (v[0] if isinstance(v, list) else v).lower() for k, v in table.items() if v}
    if language == "ru":  # the table spells "ё"; most texts write "е"
        out.update({k.replace("ё", "е"): v.replace("ё", "е") for k, v in out.items() if "ё" in k or "ё" in v})
        out = {k: v.replace("ё", "е") for k, v in out.items()}
    out.update(LEMMA_FIXES.get(language, {}))
    return out


@functools.cache
def stop_words(language: str) -> frozenset[str]:
    """spaCy's stop-word list for `language`, read from its source file: importing spaCy itself
    would add a second to every tagging process."""
    spec = find_spec("spacy")
    if spec is None or spec.origin is None:
        raise RuntimeError("spaCy is not installed: reinstall strategyscan")
    path = Path(spec.origin).parent / "lang" / language / "stop_words.py"
    module_spec = spec_from_file_location(f"_strategyscan_stop_words_{language}", path)
    module = module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    words = {w.lower().replace("'", "").replace("\u2019", "") for w in module.STOP_WORDS}
    return frozenset(words | set("abcdefghijklmnopqrstuvwxyz"))


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _country_names(language: str) -> set[str]:
    import pycountry

    try:
        translate = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language]).gettext
    except OSError:
        translate = str
    names: set[str] = set()
    for c in pycountry.countries:
        for name in (c.name, getattr(c, "official_name", None), getattr(c, "common_name", None)):
            if name:
                local = translate(name).lower()
                names.add(local.split(",")[0].strip())  # "russie, fédération de" -> "russie"
                names.add(local)
    aliases = COUNTRY_ALIASES[language].split("|")
    names.update(aliases)
    names |= {strip_accents(n) for n in names if language != "ru"}
    if language in ELISIONS:  # names are matched in text whose elisions are gone: "côte ivoire"
        names = {ELISIONS[language].sub("", n) for n in names}
    return {n for n in names if len(n) > 3 or n in aliases}


def _cyrillic_word(word: str) -> str:
    """A word of a Russian name with its case endings: "Россия" also as "России", "Россией"."""
    stem = word
    while len(stem) > _MIN_STEM and stem[-1] in _CYRILLIC_ENDINGS and len(word) - len(stem) < 2:
        stem = stem[:-1]
    return re.escape(stem) + r"\w{0,3}" if len(stem) >= _MIN_STEM else re.escape(word)


@functools.cache
def country_regex(language: str) -> re.Pattern[str]:
    """Country names and demonyms of `language` in lower-cased text, as one pattern."""
    names = sorted(_country_names(language))
    stems = DEMONYM_STEMS[language].split()
    if language == "ru":
        alternatives = sorted({r"\s+".join(map(_cyrillic_word, n.split())) for n in names}, key=len, reverse=True)
        body = "|".join(alternatives)
    else:
        body = trie_pattern(names)
    return re.compile(r"(?<!\w)(?:(?:" + body + r")|(?:" + trie_pattern(stems) + r")\w{0,4})(?!\w)")

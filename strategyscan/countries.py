"""Country knowledge shared by ingest (which country a document is from) and the classifier
(which words to mask so the model cannot learn a country's name): English names, codes,
aliases and demonyms.

Localised names and demonym stems of the other languages live with the rest of each language's
text rules in `classification.languages`, since they are matched in text normalised that way.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# English short names where pycountry's are formal or inverted ("Korea, Republic of").
SHORT_NAMES = {
    "BOL": "Bolivia", "BRN": "Brunei", "COD": "DR Congo", "FSM": "Micronesia", "GBR": "United Kingdom",
    "IRN": "Iran", "KOR": "South Korea", "LAO": "Laos", "MDA": "Moldova", "PRK": "North Korea",
    "PSE": "Palestine", "RUS": "Russia", "SYR": "Syria", "TUR": "Turkey", "TWN": "Taiwan",
    "TZA": "Tanzania", "USA": "United States", "VEN": "Venezuela", "VNM": "Vietnam",
    "VAT": "Holy See", "CIV": "Côte d'Ivoire", "MKD": "North Macedonia", "CZE": "Czechia",
    "SWZ": "Eswatini", "CPV": "Cabo Verde", "MMR": "Myanmar", "NLD": "Netherlands",
}

# Names people write that pycountry does not carry. Upper-case codes only match upper-case tokens.
ALIASES = {
    "uk": "GBR", "u.k.": "GBR", "britain": "GBR", "great britain": "GBR", "england": "GBR",
    "usa": "USA", "u.s.": "USA", "u.s.a.": "USA", "united states of america": "USA",
    "united states": "USA", "america": "USA", "korea": "KOR", "south korea": "KOR",
    "republic of korea": "KOR", "north korea": "PRK", "russia": "RUS", "iran": "IRN",
    "syria": "SYR", "vietnam": "VNM", "viet nam": "VNM", "laos": "LAO", "moldova": "MDA",
    "tanzania": "TZA", "bolivia": "BOL", "venezuela": "VEN", "czech republic": "CZE",
    "czech": "CZE", "macedonia": "MKD", "turkey": "TUR", "turkiye": "TUR", "ivory coast": "CIV",
    "cote d'ivoire": "CIV", "cote divoire": "CIV", "cote d ivoire": "CIV", "brunei": "BRN",
    "cape verde": "CPV", "swaziland": "SWZ", "burma": "MMR", "holland": "NLD",
    "the netherlands": "NLD", "uae": "ARE", "emirates": "ARE", "ksa": "SAU", "taiwan": "TWN",
    "micronesia": "FSM", "gambia": "GMB", "the gambia": "GMB", "bahamas": "BHS",
    "bosniaherzegovina": "BIH", "bosnia": "BIH", "dr congo": "COD", "palestine": "PSE",
    "trinidad": "TTO", "danish": "DNK", "vatican": "VAT",
}
UPPER_ONLY = {"uk", "usa", "us", "uae", "ksa"}


def fold(text: str) -> str:
    if not text.isascii():  # ASCII is its own decomposition: most passages skip the round trip
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", text.lower().replace("\u2019", "'")).strip()


def country_name(iso3: str) -> str:
    import pycountry

    if iso3 in SHORT_NAMES:
        return SHORT_NAMES[iso3]
    c = pycountry.countries.get(alpha_3=iso3)
    return (getattr(c, "common_name", None) or c.name) if c else ""


@functools.lru_cache(maxsize=1)
def name_table() -> dict[str, str]:
    import pycountry

    table: dict[str, str] = {}
    for c in pycountry.countries:
        for name in (c.name, getattr(c, "official_name", None), getattr(c, "common_name", None)):
            if name:
                table[fold(name)] = c.alpha_3
    table.update(ALIASES)
    table.pop("us", None)
    return table


def trie_pattern(words: list[str]) -> str:
    """One regex alternation shaped as a trie: hundreds of names cost little more than one."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and not end else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if end else body

    return build(trie)


@functools.lru_cache(maxsize=1)
def name_regex() -> re.Pattern[str]:
    return re.compile(r"\b(" + _names() + r")\b")


@functools.lru_cache(maxsize=1)
def _names() -> str:
    return trie_pattern([n for n in name_table() if len(n) > 3 and n not in UPPER_ONLY and n != "america"])


def lookup(name: str) -> str:
    """ISO3 for a country name, alias or code; '' when unknown."""
    import pycountry

    raw = name.strip()
    if re.fullmatch(r"[A-Z]{3}", raw) and pycountry.countries.get(alpha_3=raw):
        return raw
    if raw in {"UK", "USA", "US", "UAE", "KSA"}:
        return ALIASES.get(raw.lower(), "USA")
    return name_table().get(fold(raw), "")



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
MULTI_WORD_DEMONYMS = ["costa rican", "south african", "sri lankan", "saudi arabian", "new zealander", "kiwi"]


@functools.lru_cache(maxsize=1)
def demonym_regex() -> re.Pattern[str]:
    return re.compile(r"\b(" + _demonyms() + r")s?\b")


@functools.lru_cache(maxsize=1)
def _demonyms() -> str:
    return trie_pattern(sorted(set(DEMONYMS) | set(MULTI_WORD_DEMONYMS)))


@functools.lru_cache(maxsize=1)
def mention_regex() -> re.Pattern[str]:
    """Country names and demonyms in one pass: what `name_regex` then `demonym_regex` replace,
    for a fifth less time. The same, because names are tried first at each position and no
    demonym has a word inside it where a name begins (`test_countries_masked_in_one_pass`)."""
    return re.compile(r"\b(?:(?:" + _names() + r")|(?:" + _demonyms() + r")s?)\b")

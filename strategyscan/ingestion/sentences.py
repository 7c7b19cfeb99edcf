"""Sentence starts as spaCy's blank English pipeline with its rule sentencizer draws them, without
loading spaCy (a second per worker) or building a token per word.

The sentencizer ends a sentence at a token that is a sentence-final mark ("." "!" "?" and their
kin in other scripts) and starts the next at the first later token that is not punctuation, so
only the tokens near such marks matter. Which dots are tokens of their own is the tokenizer's
call: text splits at whitespace, and each piece sheds prefixes (brackets, quotes, "!", "?") and
suffixes (a dot after a lower-case letter, a digit or punctuation, or after two capitals), unless
it is an abbreviation the tokenizer keeps whole ("e.g.", "Dr.", "a.m."); a dot between a
lower-case and a capital letter ("end.Next") splits too, but not inside a web address. This
module follows those rules for what decides a sentence (spaCy 3.8's English; web addresses by a
simpler pattern than spaCy's, which differs only on junk like "www.Z”.com"); a test holds it to
spaCy's own output on every text the project has and on the shared corpora.
"""

from __future__ import annotations

import functools
import re
import unicodedata

SENTENCES_VERSION = "sentences.v1"

#: marks that end a sentence (the sentencizer's defaults, Unicode's sentence terminals)
FINAL = frozenset(
    "!.?\u0589\u061f\u06d4\u0700\u0701\u0702\u07f9\u0964\u0965\u104a\u104b\u1362\u1367\u1368\u166e\u1735\u1736"
    "\u1803\u1809\u1944\u1945\u1aa8\u1aa9\u1aaa\u1aab\u1b5a\u1b5b\u1b5e\u1b5f\u1c3b\u1c3c\u1c7e\u1c7f\u203c\u203d"
    "\u2047\u2048\u2049\u2e2e\u2e3c\ua4ff\ua60e\ua60f\ua6f3\ua6f7\ua876\ua877\ua8ce\ua8cf\ua92f\ua9c8\ua9c9\uaa5d"
    "\uaa5e\uaa5f\uaaf0\uaaf1\uabeb\ufe52\ufe56\ufe57\uff01\uff0e\uff1f\uff61\u3002"
    "\U00010a56\U00010a57\U00011047\U00011048\U000110be\U000110bf\U000110c0\U000110c1\U00011141\U00011142"
    "\U00011143\U000111c5\U000111c6\U000111cd\U000111de\U000111df\U00011238\U00011239\U0001123b\U0001123c"
    "\U000112a9\U0001144b\U0001144c\U000115c2\U000115c3\U000115c9\U000115ca\U000115cb\U000115cc\U000115cd"
    "\U000115ce\U000115cf\U000115d0\U000115d1\U000115d2\U000115d3\U000115d4\U000115d5\U000115d6\U000115d7"
    "\U00011641\U00011642\U0001173c\U0001173d\U0001173e\U00011a42\U00011a43\U00011a9b\U00011a9c\U00011c41"
    "\U00011c42\U00016a6e\U00016a6f\U00016af5\U00016b37\U00016b38\U00016b44\U0001bc9f\U0001da88"
)

_PUNCT = "…,:;!?¿؟¡()[]{}<>_#*&。？！，、；：～·।،۔؛٪"
_QUOTES = "'\"”“`‘´’‚,„»«「」『』（）〔〕【】《》〈〉〈〉⟦⟧"
_CURRENCY = ("$", "£", "€", "¥", "฿", "US$", "C$", "A$", "₽", "﷼", *"₴₠₡₢₣₤₥₦₧₨₩₪₫₭₮₯₰₱₲₳₵₶₷₸₹₺₻₼₾₿")
#: prefixes of one character; "+" only before a non-digit, "US$" and a run of dots apart
_PREFIX_CHARS = frozenset("§%=—–" + _PUNCT + "…" + _QUOTES + "".join(c for c in _CURRENCY if len(c) == 1))
_SUFFIX_CHARS = frozenset(_PUNCT + "…" + _QUOTES + "—–")
_SUFFIX_PAIRS = frozenset({"……", "'s", "'S", "’s", "’S"})
_UNITS = frozenset(
    "km km² km³ m m² m³ dm dm² dm³ cm cm² cm³ mm mm² mm³ ha µm nm yd in ft kg g mg µg t lb oz m/s km/h kmh mph "
    "hPa Pa mbar mb MB kb KB gb GB tb TB T G M K % км км² км³ м м² м³ дм дм² дм³ см см² см³ мм мм² мм³ нм кг г мг "
    "м/с км/ч кПа Па мбар Кб КБ кб Мб МБ мб Гб ГБ гб Тб ТБ тбكم كم² كم³ م م² م³ سم سم² سم³ مم مم² مم³ كم غرام "
    "جرام جم كغ ملغ كوب اكواب".split()
)
_DIGITS = frozenset("0123456789")
#: what may stand before a dot that is cut off as a token of its own (besides lower-case letters)
_BEFORE_DOT = frozenset("0123456789%²-+" + _PUNCT + "|(?:)" + _QUOTES)
_HYPHENS = ("-", "–", "—", "--", "---", "——", "~")

#: spaCy's English tokenizer exceptions that bear on where a sentence starts: words it keeps whole
#: although a dot ends them (abbreviations, initials, faces) or although they open with a quote or
#: bracket (contractions, faces), and the few it cuts its own way (clock times, temperatures)
_EXCEPTIONS: dict[str, tuple[str, ...]] = {
    **{word: (word,) for word in (
        "'Cause 'Cos 'Coz 'Cuz 'S 'bout 'cause 'cos 'coz 'cuz 'd 'em 'll 'nuff 're 's (-8 (._.) (= (>_<) (^_^) "
        "(o: (¬_¬) (ಠ_ಠ) (╯°□°）╯︵┻━┻ ._. 0.0 0.o :-0 :-3 :-> :-D :-O :-P :-X :-o :-p :-x :-| :0 :1 :3 :> :D :O "
        ":P :X :o :o) :p :x :| ;-D ;D <.< >.< >.> Adm. Ak. Ala. Apr. Ariz. Ark. Aug. Bros. Calif. Co. Colo. Conn. "
        "Corp. D.C. Dec. Del. Dr. E.G. E.g. Feb. Fla. Ga. Gen. Gov. I.E. I.e. Ia. Id. Ill. Inc. Ind. Jan. Jr. Jul. "
        "Jun. Kan. Kans. Ky. La. Ltd. Mar. Mass. Md. Messrs. Mich. Minn. Miss. Mo. Mont. Mr. Mrs. Ms. Mt. N.C. "
        "N.D. N.H. N.J. N.M. N.Y. Neb. Nebr. Nev. Nov. O.O O.o Oct. Okla. Ore. Pa. Ph.D. Prof. Rep. Rev. S.C. Sen. "
        "Sep. Sept. St. Tenn. V.V Va. Wash. Wis. [= ]= a.m. co. e.g. i.e. o.0 o.O o.o p.m. v.s. v.v vs. ä. ö. ü. "
        "‘S ‘s ’Cause ’Cos ’Coz ’Cuz ’S ’bout ’cause ’cos ’coz ’cuz ’d ’em ’ll ’nuff ’re ’s =( =) =3 =[ =] =| w/o "
        "ಠ_ಠ ಠ︵ಠ").split()},
    # contractions written without their apostrophe: "id." is "i" "d.", and "d." ends no sentence
    **{"".join(parts): tuple(parts) for parts in (entry.split() for entry in (
        "He d,He s,How d,How s,I 'm a,I m,I m a,It d,I ’m a,She s,That d,That s,There d,There s,These d,They d,"
        "This d,This s,Those d,We d,What d,What s,When d,When s,Where d,Where s,Who d,Who s,Why d,Why s,You d,"
        "he d,he s,how d,how s,i 'm a,i d,i m,i m a,it d,i ’m a,she s,that d,that s,there d,there s,these d,"
        "they d,this d,this s,those d,we d,what d,what s,when d,when s,where d,where s,who d,who s,why d,why s,"
        "you d").split(","))},
    **{f"{letter}.": (f"{letter}.",) for letter in "abcdefghijklmnopqrstuvwxyz"},
    **{f"{hour}{half}": (str(hour), half) for hour in range(1, 13) for half in ("a.m.", "p.m.")},
    **{f"°{scale}.": ("°", scale, ".") for scale in "CFKcfk"},
}
_LONGEST_EXCEPTION = max(map(len, _EXCEPTIONS))
_URL = re.compile(
    r"(?:[\w+.-]{2,}://)?(?:[^\s@]+@)?(?:[^\W_](?:[\w-]{0,62}[^\W_])?\.)+(?P<tld>[^\W\d_]{2,63})\.?"
    r"(?::\d{2,5})?(?:[/?#]\S*)?")


def _url(s: str) -> bool:
    """A web address (its top-level domain in lower case), which the tokenizer keeps whole."""
    match = _URL.fullmatch(s)
    return bool(match) and all(map(_lower, match["tld"]))


def _lower(char: str) -> bool:
    """A lower-case letter as the tokenizer's rules mean it: letters of scripts without case
    count as both cases, the ordinals "ª" "º" (str.islower takes them) as neither."""
    category = unicodedata.category(char)
    return category == "Ll" or (category == "Lo" and char > "\u00ff")


def _upper(char: str) -> bool:
    category = unicodedata.category(char)
    return category == "Lu" or (category == "Lo" and char > "\u00ff")


def _is_punct(token: str) -> bool:
    return all(unicodedata.category(c).startswith("P") for c in token)


def _icon(char: str) -> bool:
    return unicodedata.category(char) == "So"


def _prefix(s: str) -> int:
    if s.startswith(".."):
        return len(s) - len(s.lstrip("."))
    first = s[0]
    if first in _PREFIX_CHARS or _icon(first):
        return 1
    if first == "+":
        return 0 if s[1:2] and s[1] in _DIGITS else 1
    for sign in ("US$", "C$", "A$"):
        if s.startswith(sign):
            return len(sign)
    return 0


def _dot_cut(s: str) -> bool:
    """Is the dot ending `s` a suffix of its own?"""
    if len(s) < 2:
        return False
    before = s[-2]
    if before in _BEFORE_DOT or _lower(before):
        return True
    if len(s) >= 3 and _upper(before) and _upper(s[-3]):
        return True
    return len(s) >= 3 and s[-3] == "°" and before in "FfCcKk"


def _suffix(s: str) -> int:
    """The longest suffix the tokenizer's rules cut (a search returns the leftmost match)."""
    n = len(s)
    if not n:
        return 0
    dots = n - len(s.rstrip("."))
    best = dots if dots >= 2 else 0
    for size in range(min(n - 1, 5), 0, -1):  # a rule looking behind needs a character before it
        if size <= best:
            break
        tail, before = s[n - size:], s[n - size - 1]
        if before in _DIGITS and (tail in _UNITS or tail in _CURRENCY or tail == "+"):
            return size
    if best:
        return best
    if s[-2:] in _SUFFIX_PAIRS:  # no unit ends in one, so none longer can match instead
        return 2
    last = s[-1]
    if last in _SUFFIX_CHARS or _icon(last):
        return 1
    if last == "." and _dot_cut(s):
        return 1
    return 0


def _infixes(s: str) -> list[tuple[int, int]]:
    """Where the tokenizer cuts inside a word, as (start, end) of each infix, left to right."""
    out: list[tuple[int, int]] = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        end = 0
        if c == "." and s.startswith("..", i):
            end = i + 2
            while end < n and s[end] == ".":
                end += 1
        elif c == "…" or _icon(c):
            end = i + 1
        elif i and i + 1 < n:
            before, after = s[i - 1], s[i + 1]
            if c in "+-*^" and before in _DIGITS and (after in _DIGITS or after == "-"):
                end = i + 1
            elif c == "." and (_lower(before) or before in _QUOTES) and (_upper(after) or after in _QUOTES):
                end = i + 1
            elif c == "," and before.isalpha() and after.isalpha():
                end = i + 1
            elif before.isalpha() or before in _DIGITS:
                if c in ":<>=/" and after.isalpha():
                    end = i + 1
                else:
                    for hyphen in _HYPHENS:
                        stop = i + len(hyphen)
                        if s.startswith(hyphen, i) and stop < n and s[stop].isalpha():
                            end = stop
                            break
        if end:
            out.append((i, end))
            i = end
        else:
            i += 1
    return out


def _core_tokens(s: str) -> list[str]:
    if s in _EXCEPTIONS:
        return list(_EXCEPTIONS[s])
    if _url(s):
        return [s]
    tokens: list[str] = []
    start = 0
    for a, b in _infixes(s):
        if a == 0:
            continue
        if a != start:
            tokens.append(s[start:a])
        tokens.append(s[a:b])
        start = b
    if s[start:]:
        tokens.append(s[start:])
    return tokens


def tokens(word: str) -> list[str]:
    """The tokens of a piece of text without whitespace, as spaCy's English tokenizer cuts it."""
    if word in _EXCEPTIONS:
        return list(_EXCEPTIONS[word])
    prefixes: list[str] = []
    suffixes: list[str] = []
    s = word
    last = -1
    while s and len(s) != last:
        if s in _EXCEPTIONS:
            break
        last = len(s)
        pre = _prefix(s)
        if pre and s[pre:] in _EXCEPTIONS:
            prefixes.append(s[:pre])
            s = s[pre:]
            break
        suf = _suffix(s[pre:])
        if suf and s[:-suf] in _EXCEPTIONS:
            suffixes.append(s[-suf:])
            s = s[:-suf]
            break
        if pre and suf and pre + suf <= len(s):
            prefixes.append(s[:pre])
            suffixes.append(s[-suf:])
            s = s[pre:len(s) - suf]
        elif pre:
            prefixes.append(s[:pre])
            s = s[pre:]
        elif suf:
            suffixes.append(s[-suf:])
            s = s[:-suf]
        if s in _EXCEPTIONS:
            break
    return _rejoin([*prefixes, *(_core_tokens(s) if s else []), *reversed(suffixes)])


def _rejoin(pieces: list[str]) -> list[str]:
    """Runs of tokens that spell an exception ("a" "." inside "NATO-a.") become the exception's
    tokens: the tokenizer matches exceptions again over the tokens it has cut."""
    if len(pieces) < 2:
        return pieces
    out: list[str] = []
    i = 0
    while i < len(pieces):
        for j in range(min(len(pieces), i + _LONGEST_EXCEPTION), i + 1, -1):
            joined = "".join(pieces[i:j])
            if (len(joined) <= _LONGEST_EXCEPTION and joined in _EXCEPTIONS
                    and _EXCEPTIONS[joined] != tuple(pieces[i:j])):  # already the exception's own cut
                out.extend(_EXCEPTIONS[joined])
                i = j
                break
        else:
            out.append(pieces[i])
            i += 1
    return out


# what a word holds for the sentencizer: its tokens reduced to "a final mark here" (True) and
# "a word (not punctuation) starts at this offset" (an int); punctuation tokens change nothing
Event = bool | int


#: a "word" longer than this (a run of symbols in a hostile file) is taken as one token: cutting
#: affixes off it one at a time would take time quadratic in its length
LONGEST_WORD = 1000


@functools.lru_cache(maxsize=1 << 17)
def _events(word: str) -> tuple[Event, ...]:
    if word.isalnum():
        return (0,)
    if len(word) > LONGEST_WORD:
        return () if _is_punct(word) else (0,)
    out: list[Event] = []
    offset = 0
    for token in tokens(word):
        if token in FINAL:
            out.append(True)
        elif not _is_punct(token):
            out.append(offset)
        offset += len(token)
    return tuple(out)


_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\S+")
_FINAL_MARK = re.compile("[" + "".join(map(re.escape, sorted(FINAL))) + "]")


def starts(text: str) -> list[int]:
    """The character offsets at which sentences start (the first is 0). Only words holding a
    final mark, and what follows one, are looked at: other words cannot move a start."""
    found = [0]
    seen_final = False
    i = 0
    while True:
        if not seen_final:
            mark = _FINAL_MARK.search(text, i)
            if mark is None:
                return found
            i = mark.start()  # back to the start of the word that holds it
            while i and not text[i - 1].isspace():
                i -= 1
            match = _WORD.match(text, i)
        else:
            space = _SPACE.match(text, i)
            if space:
                # one space belongs to the word before it; any other whitespace is a token, not punctuation
                run = space.group()
                if run != " ":
                    found.append(i + 1 if run[0] == " " else i)
                    seen_final = False
                i = space.end()
                continue
            match = _WORD.match(text, i)
        if match is None:
            return found
        at, i = match.start(), match.end()
        for event in _events(match.group()):
            if event is True:
                seen_final = True
            elif seen_final:
                found.append(at + event)
                seen_final = False


def sentences(text: str) -> list[str]:
    """The sentences of `text`, stripped, empty ones dropped."""
    cuts = starts(text)
    parts = (text[a:b].strip() for a, b in zip(cuts, [*cuts[1:], len(text)]))
    return [p for p in parts if p]

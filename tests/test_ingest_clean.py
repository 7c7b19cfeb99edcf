"""Cleaning on synthetic pages: each rule shown on the smallest input that needs it."""

from __future__ import annotations

from strategyscan.ingestion import clean, segment
from strategyscan.ingestion.lines import Line, Page


def page(number: int, body: list[str], header: str | None = "Testland Cyber Strategy 2020",
         footer: str | None = "Page {n}", size: float = 10.0, start: float = 100.0,
         extra: list[tuple[str, float, float]] = ()) -> Page:
    """A 600x800 page: header at the top, footer at the bottom, body lines 12pt apart."""
    lines = []
    if header:
        lines.append(Line(number, header, 20, 28, 60, 300, 8))
    if footer:
        lines.append(Line(number, footer.format(n=number), 770, 778, 280, 320, 8))
    y = start
    for text in body:
        if text == "":
            y += 12  # paragraph gap
            continue
        lines.append(Line(number, text, y, y + size, 60, 60 + 6 * len(text), size))
        y += 12
    for text, top, sz in extra:
        lines.append(Line(number, text, top, top + sz, 60, 500, sz))
    return Page(number, 600, 800, lines)


def texts(pages: list[Page]) -> list[str]:
    return [p.text for p in clean.paragraphs(pages)]


BODY = [
    "The national agency will train five thousand security professionals over the",
    "next five years and create a national cyber range for exercises.",
]


def test_running_headers_and_page_numbers_are_dropped():
    pages = [page(n, [f"Measure {n}: {BODY[0]}", BODY[1]]) for n in range(1, 5)]
    out = " ".join(texts(pages))
    assert "Testland Cyber Strategy" not in out
    assert "Page" not in out
    assert "national cyber range" in out


def test_a_repeated_line_inside_the_body_is_kept():
    body = ["Objective: build capacity in every ministry and agency of government.", ""] + BODY
    pages = [page(n, body, header=None, footer=None) for n in range(1, 5)]
    assert sum("Objective: build capacity" in t for t in texts(pages)) == 4


def test_bare_page_number_is_dropped_even_on_a_single_page():
    assert texts([page(1, BODY, header=None, footer="{n}")]) == [" ".join(BODY)]
    assert texts([page(1, BODY, header=None, footer="- {n} -")]) == [" ".join(BODY)]


def test_wrapped_lines_join_into_one_paragraph_and_gaps_split():
    body = BODY + ["", "A second paragraph explains how the agency reports to parliament each year."]
    out = texts([page(1, body, header=None)])
    assert out == [" ".join(BODY), body[-1]]


def test_soft_hyphen_is_repaired_and_real_compounds_keep_their_hyphen():
    body = ["The strategy covers e-government and the protection of critical infra\ufffe",
            "structure, including e-",
            "government portals used by citizens every day of the year."]
    out = texts([page(1, body, header=None)])[0]
    assert "infrastructure," in out
    assert "e-government portals" in out  # the document spells it with a hyphen elsewhere


def test_paragraph_continues_across_pages():
    first = page(1, ["The government will establish a national computer emergency response"], header=None)
    second = page(2, ["team to coordinate the response to incidents across the public sector."], header=None)
    out = texts([first, second])
    assert out == ["The government will establish a national computer emergency response team to "
                   "coordinate the response to incidents across the public sector."]


def test_small_print_at_the_bottom_is_treated_as_a_footnote():
    foot = [("1 See the Annual Report of the Ministry of Communications, 2019, p. 14.", 700.0, 7.0)]
    out = " ".join(texts([page(1, BODY, header=None, extra=foot)]))
    assert "Annual Report" not in out and "cyber range" in out


def test_table_of_contents_lines_are_dropped():
    body = ["Contents", "1. Introduction ........................ 3", "2. Threat landscape ............. 7", ""]
    out = texts([page(1, body + BODY, header=None)])
    assert out == [" ".join(BODY)]


def test_headings_and_list_items_are_marked():
    body = ["1. Introduction", "", "\u2022 Establish a national CERT with round-the-clock staff and tools;", "",
            *BODY]
    kinds = [(p.kind, p.text) for p in clean.paragraphs([page(1, body, header=None)])]
    assert kinds[0] == ("heading", "1. Introduction")
    assert kinds[1] == ("list_item", "Establish a national CERT with round-the-clock staff and tools;")
    assert kinds[2][0] == "body"


def test_letter_share_flags_junk_text_layers():
    junk = [Line(1, "\x01\x02 3$ 4% ^^ ## 12 34 ;; ** !!", 100, 110, 60, 300, 10)]
    assert clean.letter_share([Page(1, 600, 800, junk)]) < 0.3
    assert clean.letter_share([page(1, BODY)]) > 0.8


def test_windows_hold_at_most_three_sentences_and_merge_short_tails():
    sentences = [f"Sentence number {i} describes one more measure of the national plan." for i in range(7)]
    para = clean.Paragraph(1, "body", " ".join(sentences) + " Done.")
    wins = segment.windows([para])
    assert [w.text.count("Sentence number") for w in wins] == [3, 3, 1]
    assert wins[-1].text.endswith("Done.")  # a 1-word tail joins the window before it
    assert " ".join(w.text for w in wins) == para.text


def test_a_sentence_longer_than_the_word_limit_is_cut():
    para = clean.Paragraph(1, "body", " ".join(["word"] * 300) + ".")
    wins = segment.windows([para])
    assert all(len(w.text.split()) <= segment.MAX_WORDS for w in wins)
    assert sum(len(w.text.split()) for w in wins) == 300

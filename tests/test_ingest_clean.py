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


def kinds(pages: list[Page]) -> list[tuple[str, str]]:
    return [(p.kind, p.text) for p in clean.paragraphs(pages)]


def test_footnotes_are_kept_apart_from_the_text_they_annotate():
    """Small print closing a page, from a line opening with a mark down, is one passage per
    note (so a note never splices into the body); small print without a mark is content."""
    foot = [("1 See the Annual Report of the Ministry of Communications, 2019,", 700.0, 7.0),
            ("p. 14.", 709.0, 7.0), ("2 The second note.", 718.0, 7.0)]
    out = kinds([page(1, BODY, header=None, extra=foot)])
    assert out == [("body", " ".join(BODY)),
                   ("footnote", "1 See the Annual Report of the Ministry of Communications, 2019, p. 14."),
                   ("footnote", "2 The second note.")]
    box = [("A box in small print sets out the method used for the assessment in detail.", 700.0, 7.0)]
    assert [k for k, _ in kinds([page(1, BODY, header=None, extra=box)])] == ["body", "body"]


def test_table_of_contents_lines_are_dropped():
    body = ["Contents", "1. Introduction ........................ 3", "2. Threat landscape ............. 7", ""]
    out = texts([page(1, body + BODY, header=None)])
    assert out == [" ".join(BODY)]


def test_contents_without_dot_leaders_and_with_garbled_leaders_are_dropped():
    toc = [f"{n}. Chapter number {n} of the strategy {3 * n}" for n in range(1, 7)]
    out = texts([page(1, toc + [""] + BODY, header=None, footer=None)])
    assert out == [" ".join(BODY)]
    garbled = ["2.1 System boundaries......cccccceeeeeeeeeeeee 4", "List of Figures", "Figure 1: Model 7"]
    assert texts([page(1, garbled + [""] + BODY, header=None, footer=None)]) == [" ".join(BODY)]


def test_page_labels_and_multi_line_running_headers_are_furniture():
    labels = ["vi", "I-14", "D-1", "APPENDIX D PAGE D-{n}", "Page {n} of 9"]
    for label in labels:
        pages = [page(n, [f"Measure {n}: {BODY[0]}", BODY[1]], footer=label) for n in range(1, 5)]
        assert " ".join(texts(pages)).count("PAGE") == 0 and "Page " not in " ".join(texts(pages)), label
    two = []
    for n in range(1, 6):
        pg = page(n, [f"Measure {n}: {BODY[0]}", BODY[1]], header=None)
        pg.lines += [Line(n, "NISTIR 8200 STATUS OF INTERNATIONAL", 20, 28, 60, 300, 8),
                     Line(n, "STANDARDIZATION FOR IOT", 30, 38, 60, 300, 8)]
        two.append(pg)
    out = " ".join(texts(two))
    assert "NISTIR" not in out and "STANDARDIZATION" not in out and "cyber range" in out


def test_sideways_margin_text_and_blank_page_notices_are_furniture():
    pages = []
    for n in range(1, 4):
        pg = page(n, [f"Measure {n}: {BODY[0]}", BODY[1]])
        pg.lines.append(Line(n, "This publication is available free of charge from: https://doi.org/x",
                             300, 306, 20, 26, 6, rotated=True))
        pages.append(pg)
    pages.append(page(4, ["This page intentionally left blank."]))
    out = " ".join(texts(pages))
    assert "free of charge" not in out and "blank" not in out and out.count("cyber range") == 3


def test_a_table_header_repeated_on_every_page_is_furniture():
    pages = [page(n, ["Task ID Task Description", "", f"Measure {n}: {BODY[0]}", BODY[1]], header=None)
             for n in range(1, 5)]
    out = " ".join(texts(pages))
    assert "Task Description" not in out and out.count("cyber range") == 4


def test_private_use_bullets_make_list_items():
    body = ["\uf0b7 Establish a national CERT with round-the-clock staff and tools;", "",
            "\uf0a7 Train five thousand analysts in every region of the country;", "", *BODY]
    out = kinds([page(1, body, header=None)])
    assert out[:2] == [("list_item", "Establish a national CERT with round-the-clock staff and tools;"),
                       ("list_item", "Train five thousand analysts in every region of the country;")]
    assert not any("\uf0b7" in t or "\uf0a7" in t for _, t in out)


def test_a_drop_cap_is_given_back_to_its_word():
    pg = page(1, [], header=None, footer=None)
    pg.lines = [Line(1, "T", 100, 130, 60, 78, 30),
                Line(1, "he Internet has generated new opportunities for every citizen and", 100, 110, 80, 500, 10),
                Line(1, "business in the country, and the state will protect them all.", 112, 122, 80, 480, 10)]
    assert texts([pg]) == ["The Internet has generated new opportunities for every citizen and "
                           "business in the country, and the state will protect them all."]


def test_letter_spaced_display_type_is_read_as_words():
    body = ["T R U S T E D D I G I T A L S E R V I C E S", "", "R E S I L I E N T N E T W O R K S", "",
            "The plan sets out how trusted digital services and resilient networks will", "be built.", *BODY]
    out = texts([page(1, body, header=None, footer=None)])
    assert out[:2] == ["TRUSTED DIGITAL SERVICES", "RESILIENT NETWORKS"]


def test_table_rows_are_kept_apart_from_the_prose():
    pg = page(1, BODY, header=None, footer=None)
    for i, (code, text) in enumerate([("T0001", "Acquire and manage the necessary resources."),
                                      ("T0002", "Advise on the security of the national systems."),
                                      ("T0003", "Analyse incidents and report them to the centre."),
                                      ("T0004", "Assess the training needs of the staff.")]):
        top = 300 + 14 * i
        pg.lines += [Line(1, code, top, top + 10, 60, 90, 10), Line(1, text, top, top + 10, 150, 420, 10)]
    out = kinds([pg])
    assert out[0] == ("body", " ".join(BODY))
    assert out[1:] == [("table_row", "T0001 | Acquire and manage the necessary resources."),
                       ("table_row", "T0002 | Advise on the security of the national systems."),
                       ("table_row", "T0003 | Analyse incidents and report them to the centre."),
                       ("table_row", "T0004 | Assess the training needs of the staff.")]
    prose = page(1, [], header=None, footer=None)
    for i in range(6):  # two columns of running prose side by side are no table
        top = 100 + 12 * i
        prose.lines += [Line(1, "the national agency will train more analysts and", top, top + 10, 60, 290, 10),
                        Line(1, "extend the coverage of the response team to every", top, top + 10, 310, 540, 10)]
    assert all(k != "table_row" for k, _ in kinds([prose]))


def test_headings_and_list_items_are_marked():
    body = ["1. Introduction", "", "\u2022 Establish a national CERT with round-the-clock staff and tools;", "",
            *BODY]
    kinds = [(p.kind, p.text) for p in clean.paragraphs([page(1, body, header=None)])]
    assert kinds[0] == ("heading", "1. Introduction")
    assert kinds[1] == ("list_item", "Establish a national CERT with round-the-clock staff and tools;")
    assert kinds[2][0] == "body"


def test_junk_text_layers_are_told_from_contents_pages_and_tables_of_codes():
    assert clean.junk_text("( ) * + , - + . / , 0 1 ) - 1 , 2 1 + 3 ) 4 5 6 1 , + 7 6 . 0 8 1 8 9 : + ; <")
    assert clean.junk_text("\x01 \x02 3 $ 4 % ^ ^ # # 1 2 3 4 ; ; * * ! !")
    assert not clean.junk_text(" ".join(BODY))
    contents = "1.1 Self-assessments ............................................................ 2"
    assert not clean.junk_text(contents)
    assert not clean.junk_text("K0001 K0002 K0003 S0034 T0027 A0012 K0004 12.5% 2019 K0005 (S0040)")


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


def test_the_letter_share_counts_letters_of_every_script_among_visible_characters():
    assert clean.alpha_share("") == 0.0 and clean.alpha_share(" \n\t") == 0.0
    assert clean.alpha_share("ab 12") == 0.5
    assert clean.alpha_share("Über straße ½ ²") == 10 / 12  # non-ASCII letters count; numerals do not
    assert clean.alpha_share("государство — 2024") == 11 / 16
    assert clean.alpha_share("国家网络 ..") == 4 / 6

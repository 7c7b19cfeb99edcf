"""Sentence starts drawn without spaCy must be spaCy's own: its blank English pipeline with the
rule sentencizer is the reference, on every text the project has and on the shared corpora."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import spacy

from strategyscan.ingestion.sentences import LONGEST_WORD, sentences
from strategyscan.paths import LABELLED


@pytest.fixture(scope="module")
def spacy_sentences():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")

    def split(texts: list[str]) -> list[list[str]]:
        return [[s.text.strip() for s in doc.sents if s.text.strip()] for doc in nlp.pipe(texts, batch_size=256)]

    return split


CASES = [
    "Partners will be trained, e.g. in forensics. Others follow etc. The plan ends.",
    "The U.S. and the E.U. agree. Dr. Smith spoke at 10a.m. on Jan. 5. Next.",
    "It ended.Then it began. See www.Example.gov.uk for more. Or holistically.BS. Fine",
    "Goals: (a) train staff. (b) build trust.  (c) share data!Really? Yes!! \u201cQuoted.\u201d Next one.",
    "Temperatures rose to 40\u00b0C. The grid held. Section 3.2. Cooperation (see 4.1.) matters.",
    "NATO-a. Partners 'em. It's done.) Then... more ... and \u2026 Ends?! Begins",
    "Capacity building.\nNew line after a break.\tTab. \u00a0Space.",
    "Ceci est une phrase. \u00abCitation.\u00bb Voil\u00e0 ! Fin ? Oui.",
    "Это первое. Второе! Третье?",
    "Meet at 5p.m. or 6 p.m. Ph.D. holders (Prof. X) attend. i.e. all. v.s. none.",
    "Amounts of 5km. And US$5. Then 3+4. Next.",
]


@pytest.mark.parametrize("text", CASES)
def test_tricky_cases_split_as_spacy_splits_them(text, spacy_sentences):
    assert sentences(text) == spacy_sentences([text])[0]


def test_abbreviations_and_addresses_do_not_end_sentences():
    assert sentences("Partners, e.g. Kenya, and the U.S. agree. See www.cert.gov.uk now.") == [
        "Partners, e.g. Kenya, and the U.S. agree.", "See www.cert.gov.uk now."]
    assert sentences("It ended.Then it began.") == ["It ended.", "Then it began."]


def test_every_passage_of_the_projects_corpora_splits_as_spacy_does(spacy_sentences):
    texts = [t for path in sorted(LABELLED.rglob("*.csv")) for t in pd.read_csv(path)["text"].astype(str)]
    assert len(texts) > 1000
    assert [sentences(t) for t in texts] == spacy_sentences(texts)


def test_the_shared_strategy_texts_split_as_spacy_splits_them(ncss_dir, spacy_sentences):
    """Paragraphs of every other strategy text (all languages), as they come, furniture and all."""
    paragraphs = []
    for path in sorted((ncss_dir / "texts").glob("*.txt"))[::2]:
        chunks = re.split(r"\n\s*\n", path.read_text(encoding="utf-8", errors="replace"))
        paragraphs += [" ".join(c.split()) for c in chunks if c.strip()]
        paragraphs += [c for c in chunks[:20] if c.strip()]  # raw, line breaks and all
    assert len(paragraphs) > 5000
    mine = [sentences(p) for p in paragraphs]
    theirs = spacy_sentences(paragraphs)
    differ = [p[:200] for p, a, b in zip(paragraphs, mine, theirs) if a != b]
    assert not differ


def test_a_hostile_run_of_symbols_is_one_sentence():
    word = "a." * (5 * LONGEST_WORD)
    assert sentences(f"Start. {word} end") == ["Start.", f"{word} end"]
    symbols = ")." * (5 * LONGEST_WORD)  # all punctuation: it stays with the sentence before it
    assert sentences(f"Start. {symbols} end") == [f"Start. {symbols}", "end"]

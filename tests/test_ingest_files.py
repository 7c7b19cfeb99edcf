"""Ingesting real files made in the test: PDFs with headers and footers, text, and bad input."""

from __future__ import annotations

import pytest

from strategyscan.ingestion import IngestOptions, ingest_file

PARAS = [
    "The Government will establish a national computer emergency response team to coordinate the "
    "response to incidents across the public sector and critical infrastructure operators.",
    "We reaffirm that existing international law, including the Charter of the United Nations, applies "
    "to the conduct of states in cyberspace, and we will promote the norms of responsible behaviour.",
]


@pytest.fixture
def strategy_pdf(tmp_path, make_pdf):
    return make_pdf(tmp_path / "KEN_2014_national_strategy.pdf", [PARAS, PARAS[::-1], PARAS])


def test_pdf_passages_are_clean_and_located(strategy_pdf):
    result = ingest_file(strategy_pdf)
    doc = result.document
    assert doc.status == "ok" and doc.pages == 3
    assert (doc.country, doc.iso3, doc.year) == ("Kenya", "KEN", 2014)
    assert doc.language == "en"
    texts = [p.text for p in result.passages]
    assert texts.count(PARAS[0]) == 3 and texts.count(PARAS[1]) == 3
    assert not any("Testland" in t or "Page" in t for t in texts)
    assert [p.page for p in result.passages if p.text == PARAS[1]] == [1, 2, 3]
    assert all(p.passage_id.startswith(doc.doc_id) for p in result.passages)


def test_same_content_gives_same_ids(strategy_pdf, tmp_path):
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(strategy_pdf.read_bytes())
    a, b = ingest_file(strategy_pdf), ingest_file(copy)
    assert [p.passage_id for p in a.passages] == [p.passage_id for p in b.passages]
    assert a.document.doc_id == b.document.doc_id


def test_text_files_are_documents_too(tmp_path):
    path = tmp_path / "GHA_2015_strategy.txt"
    path.write_text("\n\n".join(PARAS) + "\n", encoding="utf-8")
    result = ingest_file(path)
    assert result.document.status == "ok"
    assert [p.text for p in result.passages] == PARAS
    assert result.document.iso3 == "GHA"


def test_non_english_text_is_kept_and_marked(tmp_path):
    path = tmp_path / "strategie.txt"
    path.write_text("Le Gouvernement mettra en place une équipe nationale de réponse aux incidents "
                    "informatiques afin de coordonner la réponse aux attaques contre les administrations.",
                    encoding="utf-8")
    result = ingest_file(path)
    assert result.document.language == "fr"
    assert result.passages and result.passages[0].language == "fr"


@pytest.mark.parametrize(
    ("name", "content", "status", "reason"),
    [
        ("empty.pdf", b"", "error", "empty file"),
        ("fake.pdf", b"this is plain text, not a PDF at all\n" * 5, "error", "not a PDF"),
        ("truncated.pdf", None, "error", "truncated/corrupt PDF"),
        ("notes.docx", b"PK\x03\x04 binary", "error", "unsupported file type"),
    ],
)
def test_bad_files_get_a_status_and_a_reason(tmp_path, strategy_pdf, name, content, status, reason):
    path = tmp_path / name
    path.write_bytes(content if content is not None else strategy_pdf.read_bytes()[:600])
    doc = ingest_file(path).document
    assert doc.status == status
    assert reason in doc.reason


def test_blank_pdf_is_a_warning_not_a_success(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.output(str(tmp_path / "blank.pdf"))
    result = ingest_file(tmp_path / "blank.pdf")
    assert result.document.status == "warning"
    assert "no text" in result.document.reason
    assert result.passages == []


def test_page_limit_is_reported(strategy_pdf):
    result = ingest_file(strategy_pdf, IngestOptions(max_pages=1))
    assert result.document.status == "warning"
    assert "page limit reached: read 1 of 3 pages" in result.document.reason
    assert {p.page for p in result.passages} == {1}


def test_options_are_validated_at_the_door():
    with pytest.raises(ValueError, match="unknown engine 'acrobat'"):
        IngestOptions(engine="acrobat")
    with pytest.raises(ValueError, match="max_pages"):
        IngestOptions(max_pages=0)


def test_pdfplumber_engine_reads_the_same_words(strategy_pdf):
    fast = " ".join(p.text for p in ingest_file(strategy_pdf).passages)
    slow = " ".join(p.text for p in ingest_file(strategy_pdf, IngestOptions(engine="pdfplumber")).passages)
    assert fast.split() == slow.split()

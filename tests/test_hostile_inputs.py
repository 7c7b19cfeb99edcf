"""What a new user and a hostile file broke: odd encodings, huge texts, time limits, empty
tables, and the CLI's rough edges. Each test failed before its fix."""

from __future__ import annotations

import gzip
import signal
import subprocess
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

from strategyscan import pipeline
from strategyscan.cli import app
from strategyscan.ingestion import IngestOptions, document, ingest_file
from strategyscan.ingestion.textfile import PAGE_CHARS

runner = CliRunner()
SENTENCE = ("The national cyber security centre will train incident responders in partner states and share "
            "threat information with allies through regional exercises. ")
PARAGRAPHS = "\n\n".join(SENTENCE * 3 for _ in range(40)) + "\n"


def cli(*args):
    return runner.invoke(app, [str(a) for a in args])


# -- text files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_utf16_and_utf32_texts_are_read_not_called_binary(tmp_path, encoding):
    path = tmp_path / "KEN_2014.txt"
    path.write_bytes(PARAGRAPHS.encode(encoding))
    result = ingest_file(path)
    assert result.document.status == "ok", result.document.reason
    assert result.passages[0].text.startswith("The national cyber security centre")


def test_binary_bytes_named_txt_are_still_refused(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes(bytes(range(256)) * 20)
    assert ingest_file(path).document.reason == "binary file, not text"


def test_a_text_of_millions_of_characters_without_blank_lines_is_split(tmp_path):
    path = tmp_path / "KEN_2014.txt"
    path.write_text((SENTENCE * 4 + "\n") * 12_000, encoding="utf-8")  # 5.7 million characters, one paragraph
    result = ingest_file(path, IngestOptions(max_pages=1000))
    assert result.document.status == "ok", result.document.reason  # spaCy refused it whole (E088)
    assert len(result.passages) > 1000 and all(p.words <= 130 for p in result.passages)


def test_the_page_limit_bounds_a_text_file_by_its_characters(tmp_path):
    path = tmp_path / "KEN_2014.txt"
    path.write_text(PARAGRAPHS * 20, encoding="utf-8")
    limited = ingest_file(path, IngestOptions(max_pages=3))
    assert limited.document.status == "warning" and "read the first 30,000 characters" in limited.document.reason
    assert 0.8 * 3 * PAGE_CHARS <= sum(len(p.text) for p in limited.passages) <= 3 * PAGE_CHARS
    assert not limited.complete  # a cut read is never cached


class _Clock:
    """A clock that advances one second each time it is read: a time limit then falls at a
    known point of the work, whatever the machine's speed."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        self.now += 1.0
        return self.now


def test_a_time_limit_keeps_what_was_extracted_before_it(tmp_path, monkeypatch):
    path = tmp_path / "KEN_2014.txt"
    path.write_text(PARAGRAPHS, encoding="utf-8")
    whole = ingest_file(path)
    monkeypatch.setattr(document, "time", _Clock())
    cut = ingest_file(path, IngestOptions(time_limit=8))
    doc = cut.document
    assert doc.status == "warning" and "time limit (8 s) reached" in doc.reason and not cut.complete
    assert 0 < len(cut.passages) < len(whole.passages)
    assert [p.text for p in cut.passages] == [p.text for p in whole.passages[: len(cut.passages)]]


# -- empty tables flow through every stage ------------------------------------------------------


def test_a_header_only_passages_table_tags_to_an_empty_table_with_every_column(tmp_path):
    (tmp_path / "h.csv").write_text("passage_id,text\n", encoding="utf-8")
    out = pipeline.tag(tmp_path / "h.csv", tmp_path / "o")
    assert out.rows == 0
    header = (tmp_path / "o" / "tags.csv").read_text(encoding="utf-8").splitlines()
    assert header[0].startswith("passage_id,text,p_capacity_building") and len(header) == 1
    assert "p_norms" in pd.read_parquet(tmp_path / "o" / "tags.parquet").columns


def test_an_ingest_without_passages_writes_headers_and_run_gives_an_empty_comparison(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "empty.txt").write_bytes(b"")
    result = cli("run", src, "--out", tmp_path / "o", "--png", "-q")
    assert result.exit_code == 0, result.output
    out = tmp_path / "o"
    assert (out / "passages.csv").read_text().startswith("passage_id,doc_id,file")
    table = pd.read_csv(out / "country_comparison.csv")
    assert table.empty and "capacity_building_share" in table.columns
    assert not (out / "heatmap.png").exists()
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "No passage was counted" in html and "empty.txt" in html


def test_a_corpus_no_model_covers_gives_a_report_that_says_why(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "DEU_2021.txt").write_text(
        "Die Bundesregierung wird die Zusammenarbeit mit internationalen Partnern im Bereich der "
        "Cybersicherheit ausbauen und vertrauensbildende Maßnahmen unterstützen.\n", encoding="utf-8")
    result = cli("run", src, "--out", tmp_path / "o", "--png")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert "No passage was counted" in html and "languages no model covers" in html


# -- the CLI ------------------------------------------------------------------------------------


def test_version():
    result = cli("--version")
    assert result.exit_code == 0 and result.output.startswith("strategyscan ")


def test_run_takes_the_stage_options(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "KEN_2014.txt").write_text(PARAGRAPHS * 3, encoding="utf-8")
    result = cli("run", src, "--out", tmp_path / "o", "--max-pages", "1", "--time-limit", "60", "--no-cache",
                 "--evidence", "1", "--by", "country-year")
    assert result.exit_code == 0, result.output
    docs = pd.read_csv(tmp_path / "o" / "documents.csv")
    assert "page limit reached" in docs["reason"].iloc[0]
    evidence = pd.read_csv(tmp_path / "o" / "evidence.csv")
    assert evidence.groupby("category").size().max() == 1
    assert not (tmp_path / "o" / ".cache").exists()
    assert "Kenya 2014:" in result.output  # the summary names the group, not the country alone


def test_a_failed_command_leaves_no_empty_output_folder(tmp_path):
    (tmp_path / "notext.csv").write_text("body\nhello\n")
    result = cli("tag", tmp_path / "notext.csv", "--out", tmp_path / "new" / "o")
    assert result.exit_code == 2
    squeezed = "".join(result.output.split())  # rich wraps long lines
    assert "PosixPath" not in squeezed and f"{tmp_path / 'notext.csv'}hasno'text'column" in squeezed
    assert not (tmp_path / "new").exists()


def test_temporary_files_of_a_killed_writer_are_cleared_on_the_next_run(tmp_path):
    out = tmp_path / "o"
    code = ("import os, sys; from strategyscan.outputs import atomic_path\n"
            "with atomic_path(sys.argv[1]) as p:\n    p.write_text('half'); os.kill(os.getpid(), 9)\n")
    proc = subprocess.run([sys.executable, "-c", code, str(out / "tags.csv")], capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    src = tmp_path / "src"
    src.mkdir()
    (src / "KEN_2014.txt").write_text(PARAGRAPHS, encoding="utf-8")
    pipeline.ingest([src], out)
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


def test_a_running_writers_temporary_file_is_left_alone(tmp_path):
    from strategyscan.outputs import atomic_path, ensure_writable_dir

    with atomic_path(tmp_path / "x.csv") as tmp:
        tmp.write_text("in progress")
        ensure_writable_dir(tmp_path)
        assert tmp.exists()


def test_a_cache_entry_of_the_wrong_shape_is_recomputed(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "KEN_2014.txt").write_text(PARAGRAPHS, encoding="utf-8")
    first = pipeline.ingest([src], tmp_path / "o")
    entries = list((tmp_path / "o" / ".cache").rglob("*.json.gz"))
    assert len(entries) == 1
    entries[0].write_bytes(gzip.compress(b'{"document": {"no_such_field": 1}, "passages": "x"}'))
    again = pipeline.ingest([src], tmp_path / "o")
    assert again.reused == 0 and again.documents["passages"].tolist() == first.documents["passages"].tolist()


def test_tag_progress_knows_its_total(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "KEN_2014.txt").write_text(PARAGRAPHS, encoding="utf-8")
    ingested = pipeline.ingest([src], tmp_path / "o")
    seen = []
    pipeline.tag(ingested.passages_parquet, tmp_path / "t", progress=lambda s, done, total: seen.append(total))
    assert seen == [len(ingested.passages)]


def test_shares_never_print_as_minus_zero():
    from strategyscan.cli import _pct

    assert _pct(-0.0) == "0.0%" and _pct(0.1234) == "12.3%"

"""The whole pipeline over every hostile input we generate (PDFs, texts, names, links, FIFOs,
crafted model folders): exit 0, no traceback, one row per file with its reason, nothing run."""

from __future__ import annotations

import subprocess
import sys
import unicodedata

import pandas as pd
import pytest
from hostile_files import write_hostile_files
from hostile_models import write_hostile_models
from hostile_pdfs import write_hostile_pdfs

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    src = root / "src"
    expect = write_hostile_files(src)
    # a PDF's empty expectation means the engines differ on it: any status, with a reason if not ok
    expect.update({f"pdfs/{name}": says or None for name, says in write_hostile_pdfs(src / "pdfs").items()})
    out = root / "out"
    proc = subprocess.run([sys.executable, "-m", "strategyscan.cli", "run", str(src), "--out", str(out),
                           "--time-limit", "20", "--workers", "2", "--png"],
                          capture_output=True, text=True, timeout=900, cwd=root)
    return root, src, out, expect, proc


def test_the_batch_completes_without_a_traceback(hostile_run):
    _root, _src, out, _expect, proc = hostile_run
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    for name in ("documents.csv", "passages.csv", "tags.csv", "country_comparison.csv", "report.html"):
        assert (out / name).is_file(), name


def test_every_file_has_one_row_with_its_reason(hostile_run):
    _root, src, out, expect, _proc = hostile_run
    docs = pd.read_csv(out / "documents.csv", keep_default_na=False)
    rows = {unicodedata.normalize("NFC", str(src / name)): says for name, says in expect.items()}
    assert sorted(docs["file"]) == sorted(rows)
    for _, row in docs.iterrows():
        says, where = rows[row["file"]], (row["file"], row["status"], row["reason"])
        if says is None:
            assert row["status"] == "ok" or row["reason"], where
        elif says:  # a phrase of the reason, or the status itself
            assert says.lower() in row["reason"].lower() or says == row["status"], where
        else:
            assert row["status"] == "ok", where


def test_nothing_was_executed(hostile_run):
    root, src, _out, _expect, _proc = hostile_run
    assert not [p for p in [*root.rglob("PWNED*"), *src.parent.glob("PWNED*")] if p.name.startswith("PWNED")]


def test_report_escapes_hostile_file_names(hostile_run):
    _root, _src, out, _expect, _proc = hostile_run
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<img src=x onerror=alert(1)>" not in html


def test_crafted_model_folders_are_refused_in_one_line(hostile_run, tmp_path):
    root, _src, out, _expect, _proc = hostile_run
    for name, folder in write_hostile_models(tmp_path / "models").items():
        proc = subprocess.run([sys.executable, "-m", "strategyscan.cli", "tag", str(out / "passages.parquet"),
                               "--out", str(tmp_path / "t" / name), "--model", str(folder)],
                              capture_output=True, text=True, timeout=300, cwd=root)
        assert proc.returncode == 2, (name, proc.stdout[-500:], proc.stderr[-2000:])
        assert "Traceback" not in proc.stderr and proc.stderr.strip().startswith("error:"), (name, proc.stderr)

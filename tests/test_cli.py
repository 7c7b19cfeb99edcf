"""The CLI as a user meets it: documented commands, clear errors, exit codes, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

from strategyscan.classification.taxonomy import load_taxonomy
from strategyscan.cli import app
from strategyscan.paths import DEFAULT_MODEL

runner = CliRunner()

PARA = ("The Government will establish a national computer emergency response team and train two hundred "
        "incident handlers to coordinate the response to attacks on critical infrastructure.")


def cli(*args: str):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def batch(tmp_path, make_pdf):
    src = tmp_path / "in"
    src.mkdir()
    make_pdf(src / "KEN_2014_strategy.pdf", [[PARA], [PARA]])
    (src / "empty.pdf").write_bytes(b"")
    (src / "fake.pdf").write_text("not a pdf\n")
    (src / "sub").mkdir()
    (src / "sub" / "GHA_2015_notes.txt").write_text(PARA + "\n", encoding="utf-8")
    return src


def test_ingest_reports_every_file_and_goes_on_without_tracebacks(batch, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "strategyscan.cli", "ingest", str(batch), "--out", str(out),
                           "--workers", "2"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    docs = pd.read_csv(out / "documents.csv", keep_default_na=False).set_index("file")
    statuses = {name.split("/")[-1]: row["status"] for name, row in docs.iterrows()}
    assert statuses == {"KEN_2014_strategy.pdf": "ok", "empty.pdf": "error", "fake.pdf": "error",
                        "GHA_2015_notes.txt": "ok"}
    passages = pd.read_csv(out / "passages.csv", keep_default_na=False)
    assert set(passages.columns) >= {"passage_id", "doc_id", "file", "country", "iso3", "year", "language",
                                     "page", "text"}
    assert pd.read_parquet(out / "passages.parquet")["passage_id"].tolist() == passages["passage_id"].tolist()
    strict = subprocess.run([sys.executable, "-m", "strategyscan.cli", "ingest", str(batch), "--out", str(out),
                             "--strict", "-q"], capture_output=True, text=True, timeout=300)
    assert strict.returncode == 1 and "Traceback" not in strict.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest", "/no/such/folder", "--out", "{tmp}/o"], "no such file or folder"),
        (["ingest", "{tmp}", "--out", "{tmp}/blocker/o"], "a file stands where a folder is needed"),
        (["ingest", "{tmp}", "--out", "{tmp}/o", "--engine", "acrobat"], "unknown engine 'acrobat'"),
        (["compare", "{tmp}/blocker", "--out", "{tmp}/o", "--by", "planet"], "--by must be one of"),
        (["tag", "{tmp}/notext.csv", "--out", "{tmp}/o"], "has no 'text' column"),
        (["tag", "{tmp}/good.csv", "--out", "{tmp}/o", "--model", "{tmp}"], "card.json is missing"),
        (["ingest", "{tmp}/empty_dir", "--out", "{tmp}/o"], "no .pdf or .txt files in"),
        (["run", "{tmp}", "--out", "{tmp}/o", "--executor", "spark"], "unknown executor 'spark'"),
    ],
)
def test_user_mistakes_are_one_clear_line_and_exit_2(tmp_path, args, message):
    (tmp_path / "blocker").write_text("a file, not a folder")
    (tmp_path / "notext.csv").write_text("body\nhello\n")
    (tmp_path / "good.csv").write_text("text\nWe will train judges.\n")
    (tmp_path / "empty_dir").mkdir()
    result = cli(*(a.format(tmp=tmp_path) for a in args))
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output and "PosixPath" not in result.output
    assert not (tmp_path / "o").exists()  # a failed command leaves no empty output folder


def test_tag_carries_every_input_column_through(tmp_path):
    src = tmp_path / "passages.csv"
    pd.DataFrame({"id": ["a", "b"], "source": ["x", "y"],
                  "text": ["We will impose costs on states that attack us, including sanctions.",
                           "Rainfall was average this year."]}).to_csv(src, index=False)
    result = cli("tag", src, "--out", tmp_path / "o")
    assert result.exit_code == 0, result.output
    tags = pd.read_csv(tmp_path / "o" / "tags.csv", keep_default_na=False)
    assert list(tags.columns[:3]) == ["id", "source", "text"]
    assert {f"p_{lab}" for lab in load_taxonomy().labels} <= set(tags)
    assert "deterrence" in tags.loc[0, "labels"].split("|")
    assert tags.loc[1, "labels"] == ""
    assert tags["model_id"].str.startswith("ss-").all()


def test_train_refuses_a_bad_file_naming_row_and_value(tmp_path):
    bad = tmp_path / "mine.csv"
    bad.write_text("text,labels\nWe will deter attacks by imposing costs.,deterrence|diplomacy\n")
    result = cli("train", bad, "--out", tmp_path / "m")
    assert result.exit_code == 2
    assert "row 2: unknown label 'diplomacy'" in result.output
    assert not (tmp_path / "m").exists()


def test_evaluate_json_gives_per_label_metrics(tmp_path):
    labelled = tmp_path / "gold.csv"
    labelled.write_text(
        "text,labels\n"
        "We will designate a 24/7 point of contact for foreign CERTs during incidents.,cbm\n"
        '"International law, including the UN Charter, applies in cyberspace.",norms\n'
        "Those who attack us will face consequences including offensive cyber operations.,deterrence\n"
        "Malicious activity cost the economy 2% of GDP last year.,\n")
    result = cli("evaluate", labelled, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    from strategyscan.classification import load_model

    model, _ = load_model()
    texts = pd.read_csv(labelled)["text"].tolist()
    decided = model.predict(texts)
    gold = {"cbm": [0], "norms": [1], "deterrence": [2]}
    assert data["n"] == 4 and [m["label"] for m in data["labels"]] == list(model.labels)
    for j, m in enumerate(data["labels"]):  # the figures are the model's own decisions against the gold labels
        truth = gold.get(m["label"], [])
        hits = sum(int(decided[i, j]) for i in truth)
        assert m["support"] == len(truth) and m["predicted"] == int(decided[:, j].sum())
        if m["predicted"]:
            assert m["precision"] == pytest.approx(hits / m["predicted"])
        if truth:
            assert m["recall"] == pytest.approx(hits / len(truth))
    assert set(data["confusion"]["cbm"]) >= {"cbm", "none"}


def test_explain_shows_probabilities_and_terms():
    result = cli("explain", "Those who attack our networks will face consequences, including sanctions.")
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    deterrence = output[output.index("deterrence p="):output.index("sovereignty p=")]
    assert "yes" in deterrence and "sanction" in deterrence


def test_evaluate_on_the_shipped_test_set_reports_document_shares(ncss_dir):
    result = cli("evaluate", "--evalset", "test", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    card = json.loads((DEFAULT_MODEL / "card.json").read_text(encoding="utf-8"))
    assert data["n"] == card["heldout"]["passages"]  # what `make model --score-heldout` recorded, again
    assert data["macro_f1"] == pytest.approx(card["heldout"]["macro_f1"], abs=1e-4)
    shares = data["shares"]
    assert shares["documents"] >= 6
    worst = max(c["error_points"] for c in shares["cells"])
    assert shares["worst"]["error_points"] == worst
    mean = sum(c["error_points"] for c in shares["cells"]) / len(shares["cells"])
    assert abs(shares["mean_error_points"] - mean) < 0.01
    text = cli("evaluate", "--evalset", "test").output
    assert "share error: mean" in text and "completely labelled documents" in text
    assert cli("evaluate", "--evalset", "dev").exit_code == 2
    assert "either a labelled CSV or --evalset" in cli("evaluate").output

def test_suggest_writes_a_file_to_label_that_train_accepts_back(tmp_path):
    out = tmp_path / "to_label.csv"
    result = cli("suggest", "corpora/samples", "--n", "8", "--out", out)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, keep_default_na=False)
    assert len(table) == 8 and (table["labels"] == "?").all()
    assert {"passage_id", "file", "page", "text", "p_cbm", "uncertainty"} <= set(table.columns)
    assert table["file"].nunique() >= 3                       # spread over the five sample documents
    table.loc[0, "labels"] = "cbm"
    table.loc[1, "labels"] = "none"
    table.to_csv(out, index=False)
    trained = cli("train", out, "--out", tmp_path / "m", "--no-real", "--folds", "2")
    assert trained.exit_code == 0, trained.output
    assert "6 row(s) still marked '?'" in " ".join(trained.output.split())
    card = json.loads((tmp_path / "m" / "card.json").read_text())
    assert card["training_data"]["user_passages"] == 2 and card["training_data"]["real_corpus"] == 0


def test_suggest_refuses_bad_options_in_one_line(tmp_path):
    for args, message in [(["--n", "0"], "--n must be a positive whole number"),
                          (["--label", "diplomacy"], "unknown label 'diplomacy'")]:
        result = cli("suggest", "corpora/samples", "--out", tmp_path / "x.csv", *args)
        assert result.exit_code == 2 and message in result.output, result.output
        assert not (tmp_path / "x.csv").exists()


def test_train_without_the_texts_says_it_uses_the_hand_written_corpus_alone(tmp_path):
    result = cli("train", "--out", tmp_path / "m", "--texts", tmp_path / "nowhere", "--folds", "2")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "training on the hand-written corpus alone" in said and "nowhere" in said
    card = json.loads((tmp_path / "m" / "card.json").read_text())
    assert card["training_data"]["real_corpus"] == 0 and card["training_data"]["texts_manifest_sha256"] == ""


def test_latest_reads_a_tags_file_as_the_product_does(tmp_path):
    """--latest chooses documents from a pass over the file without its probability columns."""
    from strategyscan.paths import SAMPLES

    assert cli("run", SAMPLES, "--out", tmp_path / "o", "-q").exit_code == 0
    result = cli("compare", tmp_path / "o" / "tags.parquet", "--out", tmp_path / "c", "--latest")
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(tmp_path / "c" / "country_comparison.csv")) == 5


class _InterruptedSetName:
    def __set_name__(self, owner, name):
        raise KeyboardInterrupt  # Ctrl-C while a module defines its classes, e.g. during `import pandas`


def _interrupted_while_importing(*args, **kwargs):
    class Table:  # Python 3.11 turns the interrupt into a RuntimeError caused by it
        field = _InterruptedSetName()


@pytest.mark.parametrize("fake, status", [(_interrupted_while_importing, 130), (lambda *a, **k: 1 / 0, 1)])
def test_ctrl_c_is_an_interruption_even_wrapped_in_another_error(tmp_path, monkeypatch, fake, status):
    from strategyscan import pipeline

    monkeypatch.setattr(pipeline, "ingest", fake)
    result = cli("ingest", tmp_path, "--out", tmp_path / "o")
    assert result.exit_code == status
    assert ("run again to resume" in result.output) == (status == 130)
    assert isinstance(result.exception, SystemExit) == (status == 130)  # other errors are not hidden
    assert not (tmp_path / "o").exists()

"""Model folders and tags tables from someone else: each crafted one is refused with one clear
line and exit status 2, never a traceback or gigabytes of memory. Nothing the report prints
(label names, model ids, country and file names, passage text) can close its script or run one."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pandas as pd
import pytest
from hostile_models import HTML_LABEL, write_hostile_models
from test_report_browser import browser  # noqa: F401  (the fixture: Chromium, or a skip)
from typer.testing import CliRunner

from strategyscan import pipeline
from strategyscan.classification.normalise import NORMALISER_VERSION
from strategyscan.classification.persistence import ModelError, load_card, load_model_set, load_tagger
from strategyscan.classification.taxonomy import load_taxonomy
from strategyscan.cli import app
from strategyscan.comparison import CompareError
from strategyscan.paths import DEFAULT_MODEL

runner = CliRunner()

#: hostile model folder -> what its one-line error must say.
EXPECTED = {
    "zip_bomb_scorer": ["scorer.npz", "would unpack to", "more than the 256 MB allowed"],
    "zip_bomb_estimator": ["model.skops", "would unpack to", "more than the 256 MB allowed"],
    "card_is_a_list": ["not a valid model card", "should be an object"],
    "labels_a_string": ["not a valid model card", "labels"],
    "no_labels": ["not a valid model card", "missing labels"],
    "empty_card": ["not a valid model card", "missing normaliser", "missing labels"],
    "no_normaliser": ["not a valid model card", "missing normaliser"],
    "normaliser_a_string": ["not a valid model card", "normaliser"],
    "older_normaliser": ["older text normaliser", "retrain"],
    "megabyte_model_id": ["not a valid model card", "model_id", "not a model id"],
    "html_label": ["not a valid model card", "labels[1]", "not a label name"],
    "duplicate_labels": ["not a valid model card", "labels", "more than once"],
    "labels_reordered": ["model.skops", "other labels than"],
    "unknown_language": ["not a valid model card", "language", "'xx'"],
    "threshold_a_word": ["not a valid model card", "thresholds.cbm"],
    "share_errors_without_rates": ["not a valid model card", "share_errors.rates"],
    "heldout_f1_markup": ["not a valid model card", "heldout.labels[0].f1"],
    "card_not_utf8": ["card.json", "not UTF-8"],
    "card_nested_deep": ["card.json", "not valid JSON"],
    "card_of_5_mb": ["card.json", "more than the 4 MB"],
    "card_is_a_folder": ["cannot read", "card.json"],
    "model_is_file": ["is a file, not a model folder"],
    "empty_card_in_a_language_subfolder": ["fr/card.json", "missing normaliser"],
    "scorer_arrays_disagree": ["scorer.npz", "idf"],
    "scorer_unknown_member": ["scorer.npz", "extra.npy"],
    "scorer_text_coefficients": ["scorer.npz", "coef"],
    "scorer_thousand_word_ngrams": ["scorer.npz", "ngrams"],
}

PASSAGE = "We will impose costs on states that attack us, including sanctions."


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return write_hostile_models(tmp_path_factory.mktemp("hostile"))


@pytest.fixture
def passages(tmp_path):
    path = tmp_path / "passages.csv"
    pd.DataFrame({"text": [PASSAGE]}).to_csv(path, index=False)
    return path


def one_line_error(result) -> str:
    """The CLI's message without whitespace: rich wraps it to the terminal, inside words too."""
    said = "".join(result.output.split())
    assert result.exit_code == 2, said[:3000]
    assert said.startswith("error:") and said.count("error:") == 1, said[:3000]
    assert len(said) < 700, said[:3000]  # nothing bulky is echoed (a megabyte id, a whole card)
    return said


def says(said: str, fragment: str) -> bool:
    return "".join(fragment.split()) in said


def test_every_hostile_folder_has_an_expectation(hostile):
    assert set(hostile) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_hostile_model_folder_is_refused_in_one_line(hostile, passages, tmp_path, name):
    result = runner.invoke(app, ["tag", str(passages), "--out", str(tmp_path / "o"), "--workers", "1",
                                 "--model", str(hostile[name])])
    said = one_line_error(result)
    for fragment in EXPECTED[name]:
        assert says(said, fragment), said
    assert not (tmp_path / "o" / "tags.csv").exists()


@pytest.mark.parametrize("name", ["html_label", "megabyte_model_id", "zip_bomb_estimator", "model_is_file"])
def test_explain_refuses_a_hostile_model_too(hostile, name):
    said = one_line_error(runner.invoke(app, ["explain", PASSAGE, "--model", str(hostile[name])]))
    assert says(said, EXPECTED[name][-1]), said


def test_the_real_command_refuses_a_zip_bomb_before_any_worker_loads_it(hostile, passages, tmp_path):
    """With worker processes (the default), the scorer is loaded in each worker: its files are
    checked before, in the command's own process, so the user sees the line, not a worker's failure."""
    proc = subprocess.run([sys.executable, "-m", "strategyscan.cli", "tag", str(passages), "--out", str(tmp_path / "o"),
                           "--workers", "2", "--model", str(hostile["zip_bomb_scorer"])],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "more than the 256 MB allowed" in " ".join(proc.stderr.split())


def test_a_card_without_a_normaliser_is_invalid_not_old(hostile):
    with pytest.raises(ModelError, match="not a valid model card: missing normaliser") as empty:
        load_card(hostile["empty_card"])
    assert "older" not in str(empty.value)
    older = fr"older text normaliser \(version {NORMALISER_VERSION - 1}, now {NORMALISER_VERSION}\)"
    with pytest.raises(ModelError, match=older):
        load_card(hostile["older_normaliser"])


def test_every_shipped_card_and_scorer_loads_unchanged():
    """The checks accept what the project ships, and loading hands back the card as written."""
    models = load_model_set(DEFAULT_MODEL)
    assert models.languages == ["en", "fr", "es", "pt", "ru"]
    for folder in models.folders.values():
        assert load_card(folder) == json.loads((folder / "card.json").read_text(encoding="utf-8"))
    scorer, card = load_tagger(DEFAULT_MODEL / "pt")  # the largest scorer: its lemma table
    assert scorer.model_id == card["model_id"] and len(scorer.lemmas) > 100_000


def test_a_card_without_an_id_is_named_by_its_content(tmp_path):
    for name, labels in (("a", ["cbm", "norms"]), ("b", ["cbm"])):
        (tmp_path / name).mkdir()
        (tmp_path / name / "card.json").write_text(json.dumps({"normaliser": NORMALISER_VERSION, "labels": labels}))
    a, b = load_card(tmp_path / "a")["model_id"], load_card(tmp_path / "b")["model_id"]
    assert re.fullmatch(r"ss-card-[0-9a-f]{12}", a) and a != b and load_card(tmp_path / "a")["model_id"] == a


# -- tags tables and the report ------------------------------------------------------------------

SCRIPT = "</script><script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
COMMENT = "<!--<script>"  # inside a script element: swallows the element's end tag
LABELS = load_taxonomy().labels


def tags(label_columns: list[str] = LABELS) -> pd.DataFrame:
    """Two countries, one named to close a script, with hostile file names, pages, text, model id."""
    rows = []
    for i in range(6):
        country = SCRIPT if i < 3 else "Kestria"
        rows.append({"passage_id": f"p{i}", "doc_id": f"d{i // 3}", "file": f"{ATTRIBUTE}{i // 3}.pdf",
                     "page": ATTRIBUTE if i % 2 else 1 + i, "country": country, "iso3": "", "year": 2019 + i // 3,
                     "kind": "body", "language": "en", "words": 12, "labels": "norms|cbm",
                     "text": f"{COMMENT} passage {i} {SCRIPT} {ATTRIBUTE} norms", "model_id": ATTRIBUTE,
                     **{f"p_{lab}": 0.9 for lab in label_columns}})
    return pd.DataFrame(rows)


def test_a_tags_table_with_a_label_that_is_not_a_name_is_refused(tmp_path):
    frame = tags([*LABELS[:-1], HTML_LABEL])
    with pytest.raises(CompareError, match=re.escape(f"p_{HTML_LABEL}")):
        pipeline.compare(frame, tmp_path / "api")
    frame.to_csv(tmp_path / "tags.csv", index=False)
    said = one_line_error(runner.invoke(app, ["compare", str(tmp_path / "tags.csv"), "--out", str(tmp_path / "o")]))
    assert says(said, f"p_{HTML_LABEL}") and says(said, "not a label name"), said
    assert not (tmp_path / "o" / "report.html").exists()


@pytest.fixture
def hostile_report(tmp_path):
    documents = pd.DataFrame({"file": [f"{ATTRIBUTE}.pdf"], "country": [SCRIPT], "language": [ATTRIBUTE],
                              "status": ["error"], "reason": [f"{SCRIPT} {COMMENT}"]})
    return pipeline.compare(tags(), tmp_path, documents=documents, min_passages=1).report


def test_the_report_escapes_every_string_it_prints(hostile_report):
    page = hostile_report.read_text(encoding="utf-8")
    for payload in (SCRIPT, ATTRIBUTE, COMMENT, "<img"):
        assert payload not in page, payload
    assert page.count("</script>") == 2  # the data element's end and the script's: nothing closes one early
    data = json.loads(re.search(r"<script type='application/json' id='data'>(.*?)</script>", page, re.S).group(1))
    assert {g["group"] for g in data["groups"]} == {SCRIPT, "Kestria"}  # the text survives, escaped
    assert {e["page"] for e in data["evidence"]} >= {ATTRIBUTE}
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in page  # the left-out file's country, escaped server-side


def test_a_hostile_report_runs_no_script_in_the_browser(browser, hostile_report):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(hostile_report.as_uri())
    page.wait_for_selector("#heat tbody tr", timeout=15_000)
    page.click("#heat th[data-key='group']")
    page.locator("#heat td.cell").first.click()
    page.fill("#evq", "passage")
    page.fill("#minp", "0")
    page.dispatch_event("#minp", "change")
    page.locator("#ranking g.rank").first.click()
    assert page.locator("#evresults .ev").count() == 6
    assert SCRIPT in page.inner_text("#panel") + page.inner_text("#heat")  # shown as text
    assert ATTRIBUTE in page.inner_text("#evresults")
    counts = page.evaluate("[document.images.length, document.scripts.length, "
                           "document.querySelectorAll('[onerror]').length]")
    page.close()
    assert counts == [0, 2, 0] and dialogs == [] and errors == []


"""Workers, cache, resumption after an interruption, faulty files, and the Dask executor."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import strategyscan as ss
from strategyscan.ingestion import readers
from strategyscan.paths import SAMPLES

TEXT = ("The national agency will train {n} analysts, extend the CERT to every ministry and publish "
        "a report to parliament on progress each year, as part of measure {n} of the plan.")


@pytest.fixture(scope="module")
def folder(tmp_path_factory, make_pdf):
    src = tmp_path_factory.mktemp("src")
    for i in range(6):
        make_pdf(src / f"KEN_{2010 + i}_doc{i}.pdf", [[TEXT.format(n=i * 10 + p)] * 3 for p in range(4)])
    (src / "broken.pdf").write_bytes(b"%PDF-1.4\n garbage")
    return src


def read_outputs(out: Path) -> tuple[bytes, pd.DataFrame]:
    return (out / "passages.csv").read_bytes(), pd.read_csv(out / "documents.csv", keep_default_na=False)


def test_outputs_are_identical_whatever_the_number_of_workers(folder, tmp_path):
    ss.ingest([folder], tmp_path / "one", workers=1, cache=False)
    ss.ingest([folder], tmp_path / "two", workers=2, cache=False)
    p1, d1 = read_outputs(tmp_path / "one")
    p2, d2 = read_outputs(tmp_path / "two")
    assert p1 == p2
    pd.testing.assert_frame_equal(d1, d2)


def test_rerun_reuses_unchanged_files_and_redoes_changed_ones(folder, tmp_path, make_pdf):
    src = tmp_path / "src"
    src.mkdir()
    for f in folder.iterdir():
        (src / f.name).write_bytes(f.read_bytes())
    first = ss.ingest([src], tmp_path / "out")
    assert first.reused == 0
    again = ss.ingest([src], tmp_path / "out")
    assert again.reused == 6  # every readable file; the broken one is retried
    make_pdf(src / "KEN_2010_doc0.pdf", [["A different text about the national CERT and its analysts."]])
    third = ss.ingest([src], tmp_path / "out")
    assert third.reused == 5
    texts = third.passages.loc[third.passages["file"] == str(src / "KEN_2010_doc0.pdf"), "text"]
    assert texts.str.contains("A different text").any() and not texts.str.contains("measure").any()


@pytest.mark.parametrize("batch_rows", [10_000, 40])
def test_tags_are_identical_whatever_the_number_of_workers(tmp_path, monkeypatch, batch_rows):
    from strategyscan.classification import stage
    from strategyscan.classification import tag as tagging

    monkeypatch.setattr(tagging, "CHUNK", 25)  # several chunks, spread over the workers
    monkeypatch.setattr(stage, "BATCH_ROWS", batch_rows)  # 40: batch k + 1 is scored while k is written
    passages = ss.ingest([SAMPLES], tmp_path / "in").passages_parquet
    one = ss.tag(passages, tmp_path / "one", workers=1)
    two = ss.tag(passages, tmp_path / "two", workers=2)
    assert one.rows == two.rows > 100
    assert (tmp_path / "one" / "tags.csv").read_bytes() == (tmp_path / "two" / "tags.csv").read_bytes()
    again = ss.tag(passages, tmp_path / "two", workers=2)  # every batch reuses its earlier tags
    assert again.reused == again.rows == one.rows
    assert (tmp_path / "one" / "tags.csv").read_bytes() == (tmp_path / "two" / "tags.csv").read_bytes()


def test_with_workers_the_main_process_loads_no_model(tmp_path, monkeypatch):
    from strategyscan.classification import tag as tagging

    monkeypatch.setattr(tagging, "CHUNK", 25)
    passages = ss.ingest([SAMPLES], tmp_path / "in").passages
    tagging.cached_model.cache_clear()
    tagged = ss.tag(passages, workers=2).tags
    assert tagging.cached_model.cache_info().currsize == 0  # scored and decided in the workers
    assert tagged["labels"].str.len().gt(0).any() and (tagged["model_id"] != "").all()


def test_retagging_reuses_tags_of_unchanged_passages(tmp_path):
    first = ss.run([SAMPLES], tmp_path, workers=1)
    second = ss.run([SAMPLES], tmp_path, workers=1)
    assert second.ingest.reused == 5
    assert second.tag.reused == len(first.tag.tags)
    pd.testing.assert_frame_equal(first.compare.table, second.compare.table)


# -- faults ----------------------------------------------------------------------------------------


@readers.register_engine("test-faulty")
def _faulty(path: Path):
    """Hangs on files named hang*, kills its process on crash*, reads the rest normally."""
    if path.name.startswith("hang"):
        time.sleep(3600)
    if path.name.startswith("crash"):
        os._exit(3)
    return readers.PdfiumDocument(path)


def test_a_hanging_or_crashing_file_costs_that_file_only(folder, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    good = next(folder.glob("KEN_2010*.pdf")).read_bytes()
    for name in ("a_good.pdf", "crash.pdf", "hang.pdf", "z_good.pdf"):
        (src / name).write_bytes(good + name.encode())  # distinct content, same text
    result = ss.ingest([src], tmp_path / "out", engine="test-faulty", time_limit=1, workers=2)
    docs = result.documents.assign(name=lambda d: d["file"].str.rsplit("/", n=1).str[-1]).set_index("name")
    assert docs.loc["a_good.pdf", "status"] == "ok" and docs.loc["z_good.pdf", "status"] == "ok"
    assert docs.loc["crash.pdf", "status"] == "error"
    assert "worker crashed" in docs.loc["crash.pdf", "reason"]
    assert docs.loc["hang.pdf", "status"] == "error"
    assert "time limit exceeded" in docs.loc["hang.pdf", "reason"]
    assert len(result.passages) == 2 * docs.loc["a_good.pdf", "passages"]


def test_an_interrupted_run_resumes_and_ends_as_if_never_stopped(tmp_path, make_pdf):
    src, gate = tmp_path / "src", tmp_path / "gate"
    src.mkdir()
    gate.mkdir()
    names = [f"doc{i}.pdf" for i in range(5)] + ["gate.pdf", "later0.pdf", "later1.pdf"]  # input order
    for i, name in enumerate(names):
        make_pdf(src / name, [[TEXT.format(n=i * 100 + p)] * 4 for p in range(6)])
    cmd = [sys.executable, str(Path(__file__).with_name("gated_ingest.py")), "ingest", str(src),
           "--engine", "test-gated", "--workers", "1", "-q"]
    (gate / "closed").touch()  # the run stops at gate.pdf, after the five files before it
    proc = subprocess.Popen([*cmd, "--out", str(tmp_path / "resumed")], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "STRATEGYSCAN_TEST_GATE": str(gate)})
    try:
        deadline = time.monotonic() + 120
        while not (gate / "entered").exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (gate / "entered").exists(), proc.communicate(timeout=5)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode != 0 and "Traceback" not in err
    assert not (tmp_path / "resumed" / "passages.csv").exists()  # no half-written output
    assert not list((tmp_path / "resumed").glob("*.tmp"))
    kept = {p: p.stat().st_mtime_ns for p in (tmp_path / "resumed" / ".cache").rglob("*.json.gz")}
    assert len(kept) == 5  # what was read before the interruption is kept

    (gate / "closed").unlink()
    subprocess.run([*cmd, "--out", str(tmp_path / "resumed")], check=True, capture_output=True, timeout=300)
    assert {p: p.stat().st_mtime_ns for p in kept} == kept  # and reused, not read again
    assert len(list((tmp_path / "resumed" / ".cache").rglob("*.json.gz"))) == len(names)
    subprocess.run([*cmd, "--out", str(tmp_path / "straight"), "--no-cache"], check=True, capture_output=True,
                   timeout=300)
    p1, d1 = read_outputs(tmp_path / "resumed")
    p2, d2 = read_outputs(tmp_path / "straight")
    assert p1 == p2
    pd.testing.assert_frame_equal(d1, d2)
    assert (d1["status"] == "ok").all() and len(d1) == len(names)


# -- beyond one machine ------------------------------------------------------------------------------


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_outputs(folder, tmp_path):
    ss.ingest([folder], tmp_path / "local", workers=2, cache=False)
    ss.ingest([folder], tmp_path / "dask", workers=2, executor="dask", cache=False)
    p1, d1 = read_outputs(tmp_path / "local")
    p2, d2 = read_outputs(tmp_path / "dask")
    assert p1 == p2
    pd.testing.assert_frame_equal(d1, d2)


@pytest.mark.slow
def test_the_whole_run_on_dask_equals_the_local_run(tmp_path):
    local = ss.run([SAMPLES], tmp_path / "local", workers=2)
    dask = ss.run([SAMPLES], tmp_path / "dask", workers=2, executor="dask")
    assert (tmp_path / "local" / "tags.csv").read_bytes() == (tmp_path / "dask" / "tags.csv").read_bytes()
    pd.testing.assert_frame_equal(local.compare.table, dask.compare.table)


def test_an_unreachable_scheduler_is_a_clear_error():
    from strategyscan.executors import DaskExecutor

    with pytest.raises(ValueError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        DaskExecutor(scheduler="tcp://127.0.0.1:9", connect_timeout=1)


class Payload:  # a result the test can watch with a weak reference
    pass


def _payload(_item):
    return Payload()


def test_the_executor_lets_go_of_results_it_has_handed_on():
    """Otherwise a corpus of finished files sits in memory until the last one is done."""
    import gc
    import weakref

    from strategyscan.executors import make_executor

    pool = make_executor("local", workers=2)
    try:
        results = pool.map(_payload, range(4))
        _item, first = next(results)
        watch = weakref.ref(first)
        del first
        next(results)
        gc.collect()
        assert watch() is None
        assert len(list(results)) == 2
    finally:
        pool.close()


def _touch(path):
    Path(path).touch()
    return path


@pytest.mark.parametrize("executor", ["local", pytest.param("dask", marks=pytest.mark.slow)])
def test_map_schedules_its_items_before_they_are_asked_for(tmp_path, executor):
    """So a stage can start batch k + 1 before it reads batch k's results."""
    from strategyscan.executors import make_executor

    pool = make_executor(executor, workers=2)
    try:
        marks = [tmp_path / f"done{i}" for i in range(3)]
        results = pool.map(_touch, marks)  # not iterated yet
        for _ in range(600):
            if all(m.exists() for m in marks):
                break
            time.sleep(0.1)
        assert all(m.exists() for m in marks)
        assert [r for _, r in results] == marks
    finally:
        pool.close()


def test_the_pipeline_and_the_cli_import_without_pandas():
    """So `run` can start the ingest's workers before it loads pandas (its half second of imports
    then overlaps their extraction), and `--help` never loads it."""
    code = ("import sys, strategyscan.pipeline, strategyscan.comparison, strategyscan.cli; "
            "print(sorted(m for m in ('pandas', 'pyarrow', 'numpy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("limit, note", [({"time_limit": 1e-9}, "time limit"), ({"max_pages": 1}, "page limit")])
def test_a_truncated_result_is_never_served_from_the_cache(folder, tmp_path, limit, note):
    """A file read under a small time or page limit is read whole when the limit is raised."""
    src = tmp_path / "src"
    src.mkdir()
    pdf = src / "KEN_2010_doc0.pdf"
    pdf.write_bytes((folder / pdf.name).read_bytes())
    short = ss.ingest([src], tmp_path / "out", **limit)
    assert short.documents.loc[0, "status"] == "warning" and note in short.documents.loc[0, "reason"]
    full = ss.ingest([src], tmp_path / "out")
    assert full.reused == 0
    assert full.documents.loc[0, "status"] == "ok"
    assert set(full.passages["page"]) == {1, 2, 3, 4}
    assert ss.ingest([src], tmp_path / "out").reused == 1  # a complete read is reused


def test_the_cache_key_covers_every_option_that_changes_output():
    from strategyscan.ingestion import IngestOptions

    base = IngestOptions()
    keys = {base.cache_key(), IngestOptions(engine="pdfplumber").cache_key(),
            IngestOptions(max_pages=5).cache_key(), IngestOptions(ocr=False).cache_key()}
    assert len(keys) == 4
    assert IngestOptions(time_limit=5).cache_key() == base.cache_key()  # only complete reads are cached


@pytest.mark.parametrize("component", ["reader", "text", "clean", "segment"])
def test_a_new_version_of_any_component_misses_the_cache(monkeypatch, component):
    from strategyscan.ingestion import IngestOptions, clean, readers, segment, textfile

    before = IngestOptions().cache_key()
    target, name = {"reader": (readers.ENGINE_VERSIONS, None), "text": (textfile, "TEXT_VERSION"),
                    "clean": (clean, "CLEANING_VERSION"), "segment": (segment, "SEGMENT_VERSION")}[component]
    if name is None:
        monkeypatch.setitem(target, "pypdfium2", "pdfium.v999")
    else:
        monkeypatch.setattr(target, name, "changed.v999")
    assert IngestOptions().cache_key() != before

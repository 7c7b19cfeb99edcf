"""Tagging and training speed: passages/s for 20,000 passages, and training on the shipped corpus.

    make bench-tag        (or: .venv/bin/python bench/tag.py [--passages 20000])

Passages are real ingested sentences windows from ../shared/corpora/ncss/texts (130 strategies),
or, without ../shared, the shipped labelled corpus repeated. Loading is timed apart, in fresh
processes (imports included): the estimator (skops, scikit-learn) against the linear scorer that
tagging uses. Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

from common import shared_dir, timed

_LOAD = "from strategyscan.classification.persistence import {0}; {0}()"


def passages(n: int) -> tuple[list[str], dict[str, list[str]]]:
    """`n` English passages, and the passages in each other language the shipped models cover."""
    texts = shared_dir() / "corpora" / "ncss" / "texts"
    others: dict[str, list[str]] = {}
    if texts.is_dir():
        import strategyscan as ss

        with tempfile.TemporaryDirectory() as tmp:
            frame = ss.ingest([texts], tmp).passages
        frame = frame[frame["kind"].isin(["body", "list_item"])]
        pool = frame.loc[frame["language"] == "en", "text"].tolist()
        others = {lang: group["text"].tolist() for lang, group in frame.groupby("language")
                  if lang in ("fr", "es", "pt", "ru")}
        source = f"{len(pool)} English body passages ingested from {texts}"
    else:
        from strategyscan.classification import read_labelled, shipped_corpus_files

        pool = [p.text for p in read_labelled(shipped_corpus_files())]
        source = "the shipped labelled corpus (../shared absent)"
    out = (pool * (n // len(pool) + 1))[:n]
    print(f"{n} passages from {source}; mean {sum(len(t.split()) for t in out) / n:.0f} words")
    return out, others


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passages", type=int, default=20_000)
    args = parser.parse_args()
    import pandas as pd

    from strategyscan.classification import load_model, train
    from strategyscan.classification.building import read_params
    from strategyscan.classification.corpus import base_corpus
    from strategyscan.classification.tag import cached_model, tag_frame
    from strategyscan.executors import make_executor
    from strategyscan.paths import DEFAULT_MODEL

    texts, others = passages(args.passages)
    for name, what in (("load_model", "estimator (skops + scikit-learn)"), ("load_tagger", "linear scorer")):
        secs, rss = timed([sys.executable, "-c", _LOAD.format(name)])
        print(f"fresh process that loads the {what}: {secs:.2f} s, peak RSS {rss} MiB")
    model, card = load_model()
    start = time.perf_counter()
    model.predict_proba(texts)
    secs = time.perf_counter() - start
    print(f"estimator predict_proba, {len(texts)} passages, 1 process: {secs:6.2f} s  "
          f"{len(texts) / secs:8.0f} passages/s")
    cached_model(str(DEFAULT_MODEL.resolve()))
    frame = pd.DataFrame({"text": texts})
    for workers in (1, 2):
        pool = make_executor("local", workers) if workers > 1 else None
        start = time.perf_counter()
        tag_frame(frame, pool=pool)
        secs = time.perf_counter() - start
        if pool:
            pool.close()
        print(f"tag_frame (scorer), {workers} worker(s):          {secs:6.2f} s  {len(texts) / secs:8.0f} passages/s")
    for lang, group in others.items():  # the first call loads that language's lemma table
        frame = pd.DataFrame({"text": group, "language": lang})
        start = time.perf_counter()
        tag_frame(frame)
        first = time.perf_counter() - start
        start = time.perf_counter()
        tag_frame(frame)
        secs = time.perf_counter() - start
        print(f"tag_frame, {len(group)} {lang} passages, 1 worker: {len(group) / secs:8.0f} passages/s "
              f"(first call, loading the language's tables: {first:.2f} s)")

    corpus = base_corpus()
    start = time.perf_counter()
    trained = train(corpus.items, **read_params())
    secs = time.perf_counter() - start
    print(f"train as `make model` does ({corpus.note}; 5-fold grouped CV + final fit): {secs:.1f} s "
          f"({len(corpus.items) * 6 / secs:.0f} passage-fits/s), CV macro-F1 {trained.cv.macro_f1:.3f}")
    print(f"cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()

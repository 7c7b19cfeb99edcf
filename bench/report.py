"""The report on the 130 strategies: its size and how long headless Chromium takes to draw it.

    make bench-report        (or: .venv/bin/python bench/report.py)

Tags the 130 texts, compares them into a report, then opens it in Chromium (Playwright, the
system's chromium) and times from navigation to the drawn heatmap, rankings and timelines.
Figures only; nothing is asserted.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from common import ncss

from strategyscan import pipeline


def main() -> None:
    root = ncss()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        tagged = pipeline.tag([root / "texts"], out, workers=2)
        start = time.perf_counter()
        pipeline.compare(tagged.tags_parquet, out)
        compare = time.perf_counter() - start
        report = out / "report.html"
        print(f"130 strategies: compare with report {compare:.2f} s; report.html {report.stat().st_size / 1e6:.2f} MB")
        exe = shutil.which("chromium")
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            exe = None
        if exe is None:
            print("no Chromium/Playwright here (make install-browser; apt-get install chromium): "
                  "load time not measured")
            return
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox", "--disable-gpu",
                                                                   "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for attempt in (1, 2):
                start = time.perf_counter()
                page.goto(report.as_uri())
                page.wait_for_selector("#heat tbody tr")
                page.wait_for_selector("#ranking g.rank")
                print(f"opened and drawn in Chromium: {time.perf_counter() - start:.2f} s (load {attempt})")
            browser.close()


if __name__ == "__main__":
    main()

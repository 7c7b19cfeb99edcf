"""`strategyscan` with one more engine, "test-gated", for the interruption test: it reads with
pdfium, but a file named `gate.pdf` waits while `$STRATEGYSCAN_TEST_GATE/closed` exists, after
writing `$STRATEGYSCAN_TEST_GATE/entered`. So the test interrupts a run at a known point, not
after a guess at how long reading takes."""

from __future__ import annotations

import os
import time
from pathlib import Path

from strategyscan.cli import main
from strategyscan.ingestion import readers


@readers.register_engine("test-gated")
def _gated(path: Path):
    gate = os.environ.get("STRATEGYSCAN_TEST_GATE")
    if gate and path.name == "gate.pdf":
        (Path(gate) / "entered").touch()
        while (Path(gate) / "closed").exists():
            time.sleep(0.05)
    return readers.PdfiumDocument(path)


if __name__ == "__main__":
    main()

"""What hostile text files cost: a 200 MB text (read to the page limit's 10 MB) and a text of
6 million characters without a blank line (one paragraph, sentence-split in pieces), each
ingested in a fresh process; prints seconds, peak memory and what the file's row says.

Usage: .venv/bin/python bench/hostile.py   (or `make bench-hostile`)
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
from pathlib import Path

WORDS = ("the national cyber security centre will train incident responders in partner states and share threat "
         "information with allies through regional exercises under agreed norms of responsible behaviour").split()

PROBE = """
import resource, sys, time
from pathlib import Path
from strategyscan.ingestion import ingest_file
start = time.perf_counter()
result = ingest_file(Path(sys.argv[1]))
secs = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
doc = result.document
print(f"{Path(sys.argv[1]).name:<24} {secs:6.1f} s {rss:5.2f} GiB  {len(result.passages):>7} passages  "
      f"{doc.status}: {doc.reason[:90] or '-'}")
"""


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(18)).capitalize() + "."


def write_texts(folder: Path) -> list[Path]:
    rng = random.Random(0)
    long_line = folder / "six_million_one_paragraph.txt"
    with long_line.open("w", encoding="utf-8") as fh:
        size = 0
        while size < 6_000_000:
            line = " ".join(_sentence(rng) for _ in range(4)) + "\n"
            fh.write(line)
            size += len(line)
    big = folder / "two_hundred_mb.txt"
    block = "\n\n".join(" ".join(_sentence(rng) for _ in range(4)) for _ in range(2000)) + "\n\n"
    with big.open("w", encoding="utf-8") as fh:
        for _ in range(200_000_000 // len(block) + 1):
            fh.write(block)
    return [long_line, big]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for path in write_texts(Path(tmp)):
            subprocess.run([sys.executable, "-c", PROBE, str(path)], check=True)


if __name__ == "__main__":
    main()
